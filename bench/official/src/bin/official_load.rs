//! Plays the QQ Open Platform for one bot, as fast as the bot answers or at a fixed rate, and measures it.
//!
//! It serves the token endpoint, `GET /users/@me`, `GET /gateway/bot` and `POST /v2/groups/{id}/messages` on
//! 127.0.0.1, and pushes `/echo <i>` group @-messages (`GROUP_AT_MESSAGE_CREATE`) either as signed webhook callbacks
//! (`--mode webhook`, POSTed to the bot) or over a gateway WebSocket it serves (`--mode gateway`: Hello, Identify →
//! READY, heartbeat ACKs, dispatches). Each reply is matched to its event by `msg_id`. At most `--window` events are
//! unanswered at any time; with `--rate` they are sent at that many per second instead of as fast as possible.
//!
//! ```text
//! official-load --mode webhook --events 20000 [--warmup 1000] [--window 64] [--rate 0] -- ./target/release/official-bot
//! ```
//!
//! The bot is started with `QQBOT_APPID`, `QQBOT_SECRET`, `QQBOT_API_BASE`, `QQBOT_TOKEN_URL` and
//! `QQBOT_WEBHOOK_LISTEN`/`QQBOT_WEBHOOK_PATH` or `QQBOT_GATEWAY_URL` pointing here; or it measures a bot started
//! by hand (under a profiler) with `--pid`, `--api-port` (where the bot's `QQBOT_API_BASE` points) and
//! `--webhook-port` (where it listens); `--first-id` numbers the events from there, so measuring the same bot again
//! does not repeat ids it already answered (it would drop them as duplicates).
//! It prints one JSON line: events/s, latency percentiles, missing and duplicate replies, the bot's CPU µs per
//! event and RSS, and the load generator's own CPU share (to show it is not the bottleneck).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use futures_util::{SinkExt, StreamExt};
use qqbot::adapter::official::WebhookKey;
use qqbot_bench_official::{APPID, Args, SECRET, TOKEN, WEBHOOK_PATH, cpu_micros, group_at_message, rss_kib};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify, Semaphore, mpsc};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;

struct Shared {
    epoch: Instant,
    /// The number of event 0 (`--first-id`): a bot measured twice under `--pid` has seen the earlier run's ids and
    /// would drop repeats as duplicates.
    first_id: u64,
    /// When each event was handed to the bot, in ns since `epoch` (0: not yet).
    sent_ns: Vec<AtomicU64>,
    /// Latency of each event's first reply, in ns (0: none yet).
    latency_ns: Vec<AtomicU64>,
    replies: AtomicU64,
    duplicates: AtomicU64,
    unknown: AtomicU64,
    unauthorized: AtomicU64,
    nacks: AtomicU64,
    token_requests: AtomicU64,
    /// TCP connections the bot opened to the REST API (kept-alive connections keep this at a handful).
    rest_connections: AtomicU64,
    window: Semaphore,
    progress: Notify,
    gateway_url: String,
    /// Frames for the live gateway connection (bounded: the sender waits for the window anyway).
    gateway: Mutex<Option<mpsc::Sender<String>>>,
    identified: Notify,
    ready: AtomicBool,
}

impl Shared {
    fn now_ns(&self) -> u64 {
        (self.epoch.elapsed().as_nanos() as u64).max(1)
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

async fn token(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    s.token_requests.fetch_add(1, Ordering::Relaxed);
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if req["appId"] != APPID || req["clientSecret"] != SECRET {
        return json_response(StatusCode::OK, json!({"code": 100016, "message": "invalid appid or secret"}));
    }
    json_response(StatusCode::OK, json!({"access_token": TOKEN, "expires_in": "7200"}))
}

async fn me() -> Response {
    json_response(StatusCode::OK, json!({"id": "BENCH-BOT", "username": "bench-bot", "bot": true}))
}

async fn gateway_bot(State(s): State<Arc<Shared>>) -> Response {
    json_response(
        StatusCode::OK,
        json!({"url": s.gateway_url, "shards": 1,
               "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}}),
    )
}

async fn group_message(
    State(s): State<Arc<Shared>>,
    Path(_group): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("QQBot {TOKEN}"))
        && headers.get("x-union-appid").and_then(|v| v.to_str().ok()) == Some(APPID);
    if !authorized {
        s.unauthorized.fetch_add(1, Ordering::Relaxed);
        return json_response(StatusCode::UNAUTHORIZED, json!({"code": 11244, "message": "token not exist or expire"}));
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let number = req["msg_id"].as_str().and_then(qqbot_bench_official::parse_message_id);
    let expected = number.map(|n| n.to_string());
    match number.and_then(|n| n.checked_sub(s.first_id)) {
        Some(i) if (i as usize) < s.sent_ns.len() && req["content"].as_str() == expected.as_deref() => {
            let sent = s.sent_ns[i as usize].load(Ordering::Acquire);
            let latency = s.now_ns().saturating_sub(sent).max(1);
            if s.latency_ns[i as usize].compare_exchange(0, latency, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                s.replies.fetch_add(1, Ordering::Relaxed);
                s.window.add_permits(1);
                s.progress.notify_waiters();
            } else {
                s.duplicates.fetch_add(1, Ordering::Relaxed);
            }
        }
        _ => {
            s.unknown.fetch_add(1, Ordering::Relaxed);
        }
    }
    json_response(
        StatusCode::OK,
        json!({"id": format!("msg-{}", number.unwrap_or(0)), "timestamp": "2025-03-13T23:30:49+08:00"}),
    )
}

async fn rest_api(State(s): State<Arc<Shared>>) -> Response {
    s.unknown.fetch_add(1, Ordering::Relaxed);
    json_response(StatusCode::OK, json!({}))
}

/// The gateway: one connection at a time, Hello → Identify → READY, heartbeat ACKs, and the frames the sender
/// queues.
async fn gateway(listener: tokio::net::TcpListener, s: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let s = s.clone();
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(stream).await else { return };
            let (mut write, mut read) = ws.split();
            let (tx, mut rx) = mpsc::channel::<String>(1024);
            let hello = json!({"op": 10, "d": {"heartbeat_interval": 41_250}}).to_string();
            if write.send(WsMessage::text(hello)).await.is_err() {
                return;
            }
            let writer = tokio::spawn(async move {
                while let Some(frame) = rx.recv().await {
                    if write.send(WsMessage::text(frame)).await.is_err() {
                        return;
                    }
                }
            });
            while let Some(Ok(frame)) = read.next().await {
                let WsMessage::Text(text) = frame else { continue };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                match payload["op"].as_u64() {
                    Some(2) => {
                        let ok = payload["d"]["token"].as_str() == Some(&format!("QQBot {TOKEN}"));
                        if !ok {
                            eprintln!("official-load: Identify with a wrong token");
                            break;
                        }
                        let ready = json!({"op": 0, "s": 1, "t": "READY", "id": "",
                            "d": {"version": 1, "session_id": "bench-session",
                                  "user": {"id": "BENCH-BOT", "username": "bench-bot", "bot": true},
                                  "shard": [0, 1]}});
                        if tx.send(ready.to_string()).await.is_err() {
                            break;
                        }
                        *s.gateway.lock().await = Some(tx.clone());
                        s.ready.store(true, Ordering::Release);
                        s.identified.notify_waiters();
                    }
                    Some(1) => {
                        // A writer that is gone ends the connection on the next read.
                        let _ = tx.send(json!({"op": 11}).to_string()).await;
                    }
                    Some(6) => {
                        eprintln!("official-load: the bot resumed (the connection dropped during the run)");
                        let _ = tx.send(json!({"op": 9, "d": false}).to_string()).await;
                    }
                    _ => {}
                }
            }
            writer.abort();
        });
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Webhook,
    Gateway,
}

/// One event, ready to go: the webhook body with its signature, or the gateway frame.
struct Prepared {
    body: Bytes,
    timestamp: String,
    signature: String,
}

fn prepare(mode: Mode, key: &WebhookKey, first_id: u64, from: u64, to: u64) -> Vec<Prepared> {
    // Signed ahead of the run, so the load generator's ed25519 work is not in the measured phase (the bot's
    // verification is: it is the platform's cost to the bot that is being measured).
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0).to_string();
    (from..to)
        .map(|i| {
            let i = first_id + i;
            let event_id = format!("GROUP_AT_MESSAGE_CREATE:bench-{i}");
            let d = group_at_message(i);
            match mode {
                Mode::Webhook => {
                    let body = json!({"op": 0, "id": event_id, "t": "GROUP_AT_MESSAGE_CREATE", "d": d}).to_string();
                    let signature = key.sign_request(&now, body.as_bytes());
                    Prepared { body: Bytes::from(body), timestamp: now.clone(), signature }
                }
                Mode::Gateway => {
                    let body = json!({"op": 0, "s": i + 2, "id": event_id, "t": "GROUP_AT_MESSAGE_CREATE", "d": d})
                        .to_string();
                    Prepared { body: Bytes::from(body), timestamp: String::new(), signature: String::new() }
                }
            }
        })
        .collect()
}

/// Posts one callback, retrying while the bot is not listening yet or asks for the event again (`d: 1`).
async fn post_callback(http: &reqwest::Client, url: &str, s: &Shared, p: &Prepared, give_up: Instant) -> bool {
    loop {
        let sent = http
            .post(url)
            .header("Content-Type", "application/json")
            .header("User-Agent", "QQBot-Callback")
            .header("X-Bot-Appid", APPID)
            .header("X-Signature-Ed25519", &p.signature)
            .header("X-Signature-Timestamp", &p.timestamp)
            .body(p.body.clone())
            .send()
            .await;
        match sent {
            Ok(resp) if resp.status().is_success() => {
                let ack: Value = resp.json().await.unwrap_or(Value::Null);
                if ack["op"] == 12 && ack["d"] == 0 {
                    return true;
                }
                s.nacks.fetch_add(1, Ordering::Relaxed);
            }
            Ok(resp) => {
                eprintln!("official-load: the bot answered a callback with HTTP {}", resp.status());
                return false;
            }
            Err(_) if Instant::now() < give_up => {}
            Err(e) => {
                eprintln!("official-load: cannot post a callback: {e}");
                return false;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

struct Phase {
    wall: Duration,
    answered: u64,
}

/// Where events go: the webhook URL (with the client posting to it) or the gateway connection.
struct Target {
    mode: Mode,
    http: reqwest::Client,
    url: Arc<String>,
}

/// Sends the prepared events, numbered from `from`, and waits for their replies (or for `stall` without progress).
async fn run_phase(
    target: &Target,
    s: &Arc<Shared>,
    prepared: Vec<Prepared>,
    from: u64,
    rate: f64,
    stall: Duration,
) -> Phase {
    let (mode, http, url) = (target.mode, &target.http, &target.url);
    let total = prepared.len() as u64;
    let base = s.replies.load(Ordering::Relaxed);
    let started = Instant::now();
    let sender = {
        let s = s.clone();
        let http = http.clone();
        let url = url.clone();
        tokio::spawn(async move {
            let give_up = Instant::now() + Duration::from_secs(30);
            for (n, p) in prepared.into_iter().enumerate() {
                if rate > 0.0 {
                    tokio::time::sleep_until(started + Duration::from_secs_f64(n as f64 / rate)).await;
                }
                let Ok(permit) = s.window.acquire().await else { return };
                permit.forget();
                let i = from + n as u64;
                s.sent_ns[i as usize].store(s.now_ns(), Ordering::Release);
                match mode {
                    Mode::Webhook => {
                        let (s, http, url) = (s.clone(), http.clone(), url.clone());
                        tokio::spawn(async move { post_callback(&http, &url, &s, &p, give_up).await });
                    }
                    Mode::Gateway => {
                        let tx = s.gateway.lock().await.clone();
                        let Some(tx) = tx else { return };
                        let Ok(text) = String::from_utf8(p.body.to_vec()) else { return };
                        if tx.send(text).await.is_err() {
                            eprintln!("official-load: the gateway connection closed during the run");
                            return;
                        }
                    }
                }
            }
        })
    };
    let mut last = base;
    let mut last_change = Instant::now();
    loop {
        let notified = s.progress.notified();
        let now = s.replies.load(Ordering::Relaxed);
        if now - base >= total {
            break;
        }
        if now != last {
            last = now;
            last_change = Instant::now();
        } else if last_change.elapsed() > stall {
            eprintln!("official-load: no reply for {stall:?}; {} of {total} answered", now - base);
            break;
        }
        let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
    }
    sender.abort();
    Phase { wall: started.elapsed(), answered: s.replies.load(Ordering::Relaxed) - base }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    qqbot_bench_official::install_crypto();
    let args = Args::parse();
    let mode = match args.get("mode").unwrap_or("webhook") {
        "gateway" => Mode::Gateway,
        "webhook" => Mode::Webhook,
        other => return Err(format!("--mode webhook|gateway, not {other}").into()),
    };
    let events: u64 = args.num("events", 20_000);
    let warmup: u64 = args.num("warmup", 1_000);
    let window: usize = args.num("window", 64);
    let rate: f64 = args.num("rate", 0.0);
    let stall = Duration::from_secs(args.num("stall-secs", 10));
    let first_id: u64 = args.num("first-id", 0);

    // Fixed ports (`--api-port`, `--webhook-port`) let a bot started by hand (under a profiler, `--pid`) find it.
    let rest = tokio::net::TcpListener::bind(("127.0.0.1", args.num("api-port", 0u16))).await?;
    let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let api_base = format!("http://{}", rest.local_addr()?);
    let gateway_url = format!("ws://{}/websocket", ws.local_addr()?);
    let total = (warmup + events) as usize;
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        first_id,
        sent_ns: (0..total).map(|_| AtomicU64::new(0)).collect(),
        latency_ns: (0..total).map(|_| AtomicU64::new(0)).collect(),
        replies: AtomicU64::new(0),
        duplicates: AtomicU64::new(0),
        unknown: AtomicU64::new(0),
        unauthorized: AtomicU64::new(0),
        nacks: AtomicU64::new(0),
        token_requests: AtomicU64::new(0),
        rest_connections: AtomicU64::new(0),
        window: Semaphore::new(window),
        progress: Notify::new(),
        gateway_url: gateway_url.clone(),
        gateway: Mutex::new(None),
        identified: Notify::new(),
        ready: AtomicBool::new(false),
    });
    let app = Router::new()
        .route("/app/getAppAccessToken", post(token))
        .route("/users/@me", get(me))
        .route("/gateway/bot", get(gateway_bot))
        .route("/gateway", get(gateway_bot))
        .route("/v2/groups/{group}/messages", post(group_message))
        .fallback(rest_api)
        .with_state(shared.clone());
    let counted = shared.clone();
    let rest = rest.tap_io(move |_| {
        counted.rest_connections.fetch_add(1, Ordering::Relaxed);
    });
    tokio::spawn(async move { axum::serve(rest, app).await });
    tokio::spawn(gateway(ws, shared.clone()));

    let webhook_port = match args.num("webhook-port", 0u16) {
        0 => free_port()?,
        port => port,
    };
    let webhook_url = Arc::new(format!("http://127.0.0.1:{webhook_port}{WEBHOOK_PATH}"));
    let mut child = None;
    let pid: u32 = if let Some(pid) = args.get("pid") {
        pid.parse()?
    } else if let Some((program, rest_args)) = args.rest.split_first() {
        let mut cmd = tokio::process::Command::new(program);
        cmd.args(rest_args)
            .env("QQBOT_APPID", APPID)
            .env("QQBOT_SECRET", SECRET)
            .env("QQBOT_API_BASE", &api_base)
            .env("QQBOT_TOKEN_URL", format!("{api_base}/app/getAppAccessToken"))
            .kill_on_drop(true)
            .stdout(std::process::Stdio::null());
        match mode {
            Mode::Webhook => cmd
                .env("QQBOT_WEBHOOK_LISTEN", format!("127.0.0.1:{webhook_port}"))
                .env("QQBOT_WEBHOOK_PATH", WEBHOOK_PATH),
            Mode::Gateway => cmd.env("QQBOT_GATEWAY_URL", &gateway_url),
        };
        let c = cmd.spawn()?;
        let pid = c.id().ok_or("the bot exited at once")?;
        child = Some(c);
        pid
    } else {
        return Err("give the bot to run after `--`, or --pid".into());
    };
    // A bot started by hand (`--pid`) listens where it was told: `--url`.
    let webhook_url = match args.get("url") {
        Some(u) => Arc::new(u.to_owned()),
        None => webhook_url,
    };

    if mode == Mode::Gateway {
        let identified = shared.identified.notified();
        if !shared.ready.load(Ordering::Acquire)
            && tokio::time::timeout(Duration::from_secs(30), identified).await.is_err()
        {
            return Err("the bot did not identify on the gateway within 30 s".into());
        }
    }

    let key = WebhookKey::from_secret(SECRET);
    let http = reqwest::Client::builder().pool_max_idle_per_host(window.max(1)).build()?;
    let warm = prepare(mode, &key, first_id, 0, warmup);
    let target = Target { mode, http, url: webhook_url };
    let warm_phase = run_phase(&target, &shared, warm, 0, 0.0, Duration::from_secs(30)).await;
    if warm_phase.answered < warmup {
        return Err(format!("warm-up: only {} of {warmup} events answered", warm_phase.answered).into());
    }
    let measured = prepare(mode, &key, first_id, warmup, warmup + events);
    let (cpu0, self0) = (cpu_micros(pid).unwrap_or(0), cpu_micros(std::process::id()).unwrap_or(0));
    let phase = run_phase(&target, &shared, measured, warmup, rate, stall).await;
    let (cpu1, self1) = (cpu_micros(pid).unwrap_or(0), cpu_micros(std::process::id()).unwrap_or(0));
    let (rss, hwm) = rss_kib(pid);

    let mut latencies: Vec<u64> =
        shared.latency_ns[warmup as usize..].iter().map(|l| l.load(Ordering::Acquire)).filter(|l| *l > 0).collect();
    latencies.sort_unstable();
    let wall = phase.wall.as_secs_f64();
    let answered = phase.answered.max(1);
    let result = json!({
        "mode": if mode == Mode::Webhook { "webhook" } else { "gateway" },
        "events": events,
        "rate": rate,
        "window": window,
        "answered": phase.answered,
        "missing": events.saturating_sub(phase.answered),
        "duplicates": shared.duplicates.load(Ordering::Relaxed),
        "unknown_requests": shared.unknown.load(Ordering::Relaxed),
        "unauthorized": shared.unauthorized.load(Ordering::Relaxed),
        "nacks": shared.nacks.load(Ordering::Relaxed),
        "token_requests": shared.token_requests.load(Ordering::Relaxed),
        "rest_connections": shared.rest_connections.load(Ordering::Relaxed),
        "wall_s": wall,
        "events_per_s": phase.answered as f64 / wall,
        "p50_us": percentile(&latencies, 50.0),
        "p99_us": percentile(&latencies, 99.0),
        "max_us": percentile(&latencies, 100.0),
        "cpu_us_per_event": (cpu1 - cpu0) as f64 / answered as f64,
        "bot_cpu_share": (cpu1 - cpu0) as f64 / 1e6 / wall,
        "load_cpu_share": (self1 - self0) as f64 / 1e6 / wall,
        "rss_kib": rss,
        "peak_rss_kib": hwm,
    });
    println!("{result}");
    if let Some(mut c) = child {
        let _ = c.kill().await;
    }
    Ok(())
}
