//! The cluster benchmark (not a test): events/s and p99 latency of the official webhook `/echo` for one
//! `cluster_bot` process without cluster mode, one with it, and three with it behind a round-robin deliverer — in
//! the same run, interleaved, repeated, as medians with their spread.
//!
//! It plays the platform itself: a lean REST fake on 127.0.0.1 that timestamps each reply by its `msg_id`, and
//! signed webhook pushes. It starts its own `redis-server` (on PATH) on a free port, and the `cluster_bot` binary
//! next to its own executable; every child is killed at the end.
//!
//! ```text
//! cargo build --release -p qqbot-examples --bin cluster_bot --bin cluster_load
//! target/release/cluster_load [--runs 3] [--events 4000] [--concurrency 64] [--rate 300] [--latency-events 1500]
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::routing::{get, post};
use futures_util::StreamExt;
use qqbot::testing::official::{APPID, SECRET, Signing, WebhookSender};
use serde_json::{Value, json};
use tokio::sync::Notify;

/// Replies seen by the fake platform: when each `msg_id` was first answered.
#[derive(Default)]
struct Replies {
    at: Mutex<HashMap<String, Instant>>,
    changed: Notify,
}

async fn token() -> axum::Json<Value> {
    axum::Json(json!({"access_token": "bench-token", "expires_in": "7200"}))
}

async fn me() -> axum::Json<Value> {
    axum::Json(json!({"id": "BENCH-BOT", "username": "bench", "bot": true}))
}

async fn rest(State(replies): State<Arc<Replies>>, uri: Uri, body: Bytes) -> axum::Json<Value> {
    let now = Instant::now();
    if uri.path().ends_with("/messages")
        && let Ok(v) = serde_json::from_slice::<Value>(&body)
        && let Some(id) = v["msg_id"].as_str()
    {
        replies.at.lock().unwrap_or_else(|p| p.into_inner()).entry(id.to_owned()).or_insert(now);
        replies.changed.notify_waiters();
    }
    axum::Json(json!({"id": "sent", "timestamp": "2025-03-13T23:30:49+08:00"}))
}

/// A child process, killed and reaped when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Plain1,
    Cluster1,
    Cluster3,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Plain1 => "1 process, no cluster",
            Mode::Cluster1 => "1 process, cluster",
            Mode::Cluster3 => "3 processes, cluster",
        }
    }
}

struct Options {
    runs: usize,
    events: usize,
    concurrency: usize,
    rate: u64,
    latency_events: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options { runs: 3, events: 4000, concurrency: 64, rate: 300, latency_events: 1500 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let n: u64 = value.parse().map_err(|_| format!("{flag}: `{value}` is not a number"))?;
        match flag.as_str() {
            "--runs" => o.runs = n as usize,
            "--events" => o.events = n as usize,
            "--concurrency" => o.concurrency = n as usize,
            "--rate" => o.rate = n.max(1),
            "--latency-events" => o.latency_events = n as usize,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(o)
}

struct Bench {
    bot: PathBuf,
    api: String,
    redis_url: String,
    replies: Arc<Replies>,
    next: u64,
}

impl Bench {
    fn frame(&mut self) -> (String, Value) {
        self.next += 1;
        let n = self.next;
        let msg_id = format!("ROBOT1.0_bench_{n}");
        let user = format!("U{}", n % 200);
        let frame = json!({"op": 0, "id": format!("C2C_MESSAGE_CREATE:bench-{n}"), "t": "C2C_MESSAGE_CREATE", "d": {
            "id": msg_id, "content": format!("/echo {n}"), "timestamp": "2025-03-13T23:30:49+08:00",
            "author": {"id": user, "user_openid": user, "union_openid": user},
            "message_scene": {"source": "default"}, "message_type": 0}});
        (msg_id, frame)
    }

    /// Starts the processes of `mode` (a fresh prefix each time) and waits until each serves.
    async fn start(&self, mode: Mode, tag: &str) -> Result<(Vec<Proc>, Vec<WebhookSender>, PathBuf), String> {
        let count = if mode == Mode::Cluster3 { 3 } else { 1 };
        let dir = std::env::temp_dir().join(format!("qqbot-cluster-bench-{}-{tag}", std::process::id()));
        let mut procs = Vec::new();
        let mut senders = Vec::new();
        for i in 0..count {
            let port = free_port().map_err(|e| e.to_string())?;
            let data = dir.join(format!("inst-{i}"));
            std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
            let mut cmd = Command::new(&self.bot);
            cmd.env_clear()
                .current_dir(&data)
                .env("QQBOT_APPID", APPID)
                .env("QQBOT_SECRET", SECRET)
                .env("QQBOT_API_BASE", &self.api)
                .env("QQBOT_TOKEN_URL", format!("{}/app/getAppAccessToken", self.api))
                .env("QQBOT_WEBHOOK_LISTEN", format!("127.0.0.1:{port}"))
                .env("QQBOT_RESOURCE_HOST", "127.0.0.1")
                .env("QQBOT_RESOURCE_PORT", "0")
                .env("QQBOT_DATA_DIR", &data)
                .env("QQBOT_INSTANCE_ID", format!("bench-{i}"))
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            if mode != Mode::Plain1 {
                cmd.env("QQBOT_REDIS_URL", &self.redis_url).env("QQBOT_CLUSTER_PREFIX", format!("bench-{tag}"));
            }
            procs.push(Proc(cmd.spawn().map_err(|e| format!("cannot start {}: {e}", self.bot.display()))?));
            senders.push(WebhookSender::new(format!("http://127.0.0.1:{port}/qqbot/webhook"), SECRET));
        }
        for s in &senders {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if let Ok(a) = s.send(&json!({"op": 1, "d": 1}), Signing::Valid).await
                    && a.body["op"] == 11
                {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!("{} never served", mode.label()));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok((procs, senders, dir))
    }

    async fn wait_replies(&self, ids: &[String]) -> Result<Instant, String> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let notified = self.replies.changed.notified();
            {
                let at = self.replies.at.lock().unwrap_or_else(|p| p.into_inner());
                if ids.iter().all(|id| at.contains_key(id)) {
                    return Ok(ids.iter().filter_map(|id| at.get(id)).max().copied().unwrap_or_else(Instant::now));
                }
            }
            if Instant::now() > deadline {
                return Err("replies missing after 120 s".into());
            }
            let _ = tokio::time::timeout(Duration::from_millis(20), notified).await;
        }
    }

    /// Pushes `frames` round-robin over `senders`, `concurrency` at a time; returns when each was first sent.
    async fn push(
        senders: &[WebhookSender],
        frames: Vec<(String, Value)>,
        concurrency: usize,
    ) -> Vec<(String, Instant)> {
        futures_util::stream::iter(frames.into_iter().enumerate().map(|(i, (id, frame))| async move {
            let sent = Instant::now();
            deliver(senders, i, &frame).await;
            (id, sent)
        }))
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await
    }

    /// One measurement of `mode`: events/s at saturation, then p99 latency at a fixed rate.
    async fn measure(&mut self, mode: Mode, o: &Options, tag: &str) -> Result<(f64, f64), String> {
        let (procs, senders, dir) = self.start(mode, tag).await?;
        // Warm up: tokens, connections, scripts.
        let warm: Vec<_> = (0..200).map(|_| self.frame()).collect();
        let ids: Vec<String> = warm.iter().map(|(id, _)| id.clone()).collect();
        Bench::push(&senders, warm, 16).await;
        self.wait_replies(&ids).await?;

        let frames: Vec<_> = (0..o.events).map(|_| self.frame()).collect();
        let ids: Vec<String> = frames.iter().map(|(id, _)| id.clone()).collect();
        let began = Instant::now();
        Bench::push(&senders, frames, o.concurrency).await;
        let last = self.wait_replies(&ids).await?;
        let throughput = o.events as f64 / last.duration_since(began).as_secs_f64();

        let frames: Vec<_> = (0..o.latency_events).map(|_| self.frame()).collect();
        let ids: Vec<String> = frames.iter().map(|(id, _)| id.clone()).collect();
        let gap = Duration::from_secs_f64(1.0 / o.rate as f64);
        let start = tokio::time::Instant::now();
        let paced = futures_util::stream::iter(frames.into_iter().enumerate().map(|(i, f)| {
            let senders = &senders;
            async move {
                tokio::time::sleep_until(start + gap * i as u32).await;
                let sent = Instant::now();
                deliver(senders, i, &f.1).await;
                (f.0, sent)
            }
        }))
        .buffer_unordered(1024)
        .collect::<Vec<_>>()
        .await;
        self.wait_replies(&ids).await?;
        let at = self.replies.at.lock().unwrap_or_else(|p| p.into_inner());
        let mut latencies: Vec<f64> = paced
            .iter()
            .filter_map(|(id, sent)| at.get(id).map(|r| r.saturating_duration_since(*sent).as_secs_f64() * 1000.0))
            .collect();
        latencies.sort_by(f64::total_cmp);
        let p99 = latencies.get(latencies.len() * 99 / 100).copied().unwrap_or(f64::NAN);
        drop(procs);
        let _ = std::fs::remove_dir_all(dir);
        Ok((throughput, p99))
    }
}

/// Pushes event number `i` until an instance acknowledges it, starting with instance `i mod n` and moving on to the
/// next after a refusal, as the platform does (a saturated instance answers "push again" rather than ACK).
async fn deliver(senders: &[WebhookSender], i: usize, frame: &Value) {
    for attempt in 0..1000 {
        let sender = &senders[(i + attempt) % senders.len()];
        if let Ok(a) = sender.send(frame, Signing::Valid).await
            && a.status == 200
            && a.body["op"] == 12
            && a.body["d"] == 0
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn median_spread(xs: &[f64]) -> (f64, f64, f64) {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = if v.is_empty() { f64::NAN } else { v[v.len() / 2] };
    (mid, v.first().copied().unwrap_or(f64::NAN), v.last().copied().unwrap_or(f64::NAN))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let o = parse_args()?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let bot = exe.with_file_name(format!("cluster_bot{}", std::env::consts::EXE_SUFFIX));
    if !bot.exists() {
        return Err(format!("{} is missing: build it with --bin cluster_bot", bot.display()));
    }
    let redis_port = free_port().map_err(|e| e.to_string())?;
    let _redis = Proc(
        Command::new("redis-server")
            .args(["--port", &redis_port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("redis-server: {e}"))?,
    );
    let replies = Arc::new(Replies::default());
    let app = Router::new()
        .route("/app/getAppAccessToken", post(token))
        .route("/users/@me", get(me))
        .fallback(rest)
        .with_state(replies.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    // Give redis-server a moment to bind (the first cluster start fails loudly if it did not).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut bench = Bench {
        bot,
        api: format!("http://{addr}"),
        redis_url: format!("redis://127.0.0.1:{redis_port}/"),
        replies,
        next: 0,
    };

    let modes = [Mode::Plain1, Mode::Cluster1, Mode::Cluster3];
    let mut results: HashMap<&str, (Vec<f64>, Vec<f64>)> = HashMap::new();
    for run in 0..o.runs {
        // Interleaved, and the order rotates each run so no mode always goes first.
        for k in 0..modes.len() {
            let mode = modes[(run + k) % modes.len()];
            let (tp, p99) = bench.measure(mode, &o, &format!("r{run}m{k}")).await?;
            eprintln!("run {run}: {:<22} {tp:>8.0} events/s  p99 {p99:>6.1} ms", mode.label());
            let e = results.entry(mode.label()).or_default();
            e.0.push(tp);
            e.1.push(p99);
        }
    }
    let floor = median_spread(&results[Mode::Plain1.label()].0).0;
    println!(
        "| setup | events/s (median [min … max]) | vs 1 process without cluster | p99 at {} events/s (ms) |",
        o.rate
    );
    println!("| --- | --- | --- | --- |");
    for mode in modes {
        let (tp, lat) = &results[mode.label()];
        let (t, tmin, tmax) = median_spread(tp);
        let (l, lmin, lmax) = median_spread(lat);
        println!(
            "| {} | {t:.0} [{tmin:.0} … {tmax:.0}] | {:.2}× | {l:.1} [{lmin:.1} … {lmax:.1}] |",
            mode.label(),
            t / floor
        );
    }
    Ok(())
}
