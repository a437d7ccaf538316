//! Many OneBot accounts against one reverse-WebSocket server (qqbot, or the `reverse-floor`).
//!
//! Plays N OneBot implementations at once (like N NapCat instances of a host): each account connects to `--url`
//! with its own `X-Self-ID` (`100000 + a`), `X-Client-Role: Universal` and the shared `Authorization: Bearer`
//! token, sends a lifecycle `connect` event, and answers every action the server sends like NapCat. Then:
//!
//! 1. base: the server's RSS before any account connects (after it listens);
//! 2. idle: RSS once all N accounts are connected and settled, before any event;
//! 3. throughput: `-n` group messages `/echo <i>` round-robin over the accounts (event `i` to account `i % N`, in
//!    that account's group `200000 + a`), as fast as they are answered with at most `--inflight` unanswered;
//!    RSS sampled every 100 ms (the largest is "load"), server CPU time per answered event;
//! 4. latency (with `--rate R`): `--rate-events` more events at a fixed rate, round-robin: p50/p99, and the CPU
//!    time per event when events come one at a time (no batching, whatever N is).
//!
//! A reply is correct when its text is `<i>`, it arrived on account `i % N`'s own connection and names that
//! account's group. Prints one JSON line. The server is spawned from `-- CMD…` (and killed at the end) or watched
//! by `--pid`. Only loopback addresses are accepted.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const SELF_ID_BASE: u64 = 100_000;
const GROUP_ID_BASE: u64 = 200_000;
const USER_ID: u64 = 300_001;
/// Frames waiting for one account's writer.
const WRITE_QUEUE: usize = 256;
/// Connections being opened at once.
const CONNECTING: usize = 32;

struct Args {
    url: String,
    accounts: usize,
    token: Option<String>,
    events: usize,
    inflight: usize,
    rate: f64,
    rate_events: usize,
    settle: Duration,
    connect_timeout: Duration,
    stall: Duration,
    label: String,
    pid: Option<u32>,
    cmd: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        url: String::new(),
        accounts: 1,
        token: None,
        events: 20_000,
        inflight: 100,
        rate: 0.0,
        rate_events: 2_000,
        settle: Duration::from_millis(1000),
        connect_timeout: Duration::from_secs(60),
        stall: Duration::from_secs(10),
        label: "server".into(),
        pid: None,
        cmd: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--" {
            a.cmd = it.by_ref().collect();
            break;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag}: not a number: {v:?}"));
        match flag.as_str() {
            "--url" => a.url = value,
            "--accounts" => a.accounts = num(&value)? as usize,
            "--token" => a.token = Some(value).filter(|t| !t.is_empty()),
            "-n" | "--events" => a.events = num(&value)? as usize,
            "--inflight" => a.inflight = num(&value)? as usize,
            "--rate" => a.rate = num(&value)?,
            "--rate-events" => a.rate_events = num(&value)? as usize,
            "--settle-ms" => a.settle = Duration::from_millis(num(&value)? as u64),
            "--connect-timeout-s" => a.connect_timeout = Duration::from_secs_f64(num(&value)?),
            "--stall-s" => a.stall = Duration::from_secs_f64(num(&value)?),
            "--label" => a.label = value,
            "--pid" => a.pid = Some(num(&value)? as u32),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if !(a.url.starts_with("ws://127.0.0.1:") || a.url.starts_with("ws://localhost:")) {
        return Err("--url ws://127.0.0.1:PORT/path is required (loopback only)".into());
    }
    if a.accounts == 0 {
        return Err("--accounts must be at least 1".into());
    }
    if a.rate <= 0.0 {
        a.rate_events = 0;
    }
    Ok(a)
}

struct Shared {
    accounts: usize,
    /// Events of the throughput phase; the latency phase's follow.
    events: usize,
    t0: Instant,
    /// ns since `t0` (+1, so 0 means "not yet")
    send_ns: Vec<AtomicU64>,
    recv_ns: Vec<AtomicU64>,
    correct: AtomicU64,
    wrong: AtomicU64,
    duplicate: AtomicU64,
    unmatched: AtomicU64,
    answered: AtomicU64,
    inflight: Semaphore,
    progress: Notify,
    connected: AtomicUsize,
    closed: AtomicUsize,
    msg_id: AtomicU64,
    samples: Mutex<Vec<String>>,
}

impl Shared {
    fn now_ns(&self) -> u64 {
        self.t0.elapsed().as_nanos() as u64 + 1
    }

    fn sample(&self, s: String) {
        if let Ok(mut v) = self.samples.lock()
            && v.len() < 5
        {
            v.push(s);
        }
    }

    fn record_reply(&self, account: usize, text: &str, group: Option<u64>) {
        let now = self.now_ns();
        let Some(i) = text.trim().parse::<usize>().ok().filter(|&i| i < self.send_ns.len()) else {
            self.unmatched.fetch_add(1, Relaxed);
            self.sample(format!("account {account}: unmatched reply {text:?}"));
            return;
        };
        if self.send_ns[i].load(Relaxed) == 0 || self.recv_ns[i].compare_exchange(0, now, Relaxed, Relaxed).is_err() {
            self.duplicate.fetch_add(1, Relaxed);
            return;
        }
        if i < self.events {
            self.inflight.add_permits(1);
        }
        let owner = i % self.accounts;
        if owner == account && group == Some(GROUP_ID_BASE + owner as u64) {
            self.correct.fetch_add(1, Relaxed);
        } else {
            self.wrong.fetch_add(1, Relaxed);
            self.sample(format!("event {i} of account {owner}: answered on account {account}, group {group:?}"));
        }
        self.answered.fetch_add(1, Relaxed);
        self.progress.notify_one();
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn group_message(account: usize, i: usize) -> String {
    let text = format!("/echo {i}");
    let mid = (i % 2_000_000_000) + 1;
    json!({
        "self_id": SELF_ID_BASE + account as u64,
        "user_id": USER_ID,
        "time": unix_now(),
        "message_id": mid,
        "message_seq": mid,
        "real_id": mid,
        "message_type": "group",
        "sender": {"user_id": USER_ID, "nickname": "bench-user", "card": "", "role": "member"},
        "raw_message": text,
        "font": 14,
        "sub_type": "normal",
        "message": [{"type": "text", "data": {"text": text}}],
        "message_format": "array",
        "post_type": "message",
        "group_id": GROUP_ID_BASE + account as u64,
    })
    .to_string()
}

fn text_of(message: &Value) -> String {
    let segment = |s: &Value| match s["type"].as_str() {
        Some("text") => s["data"]["text"].as_str().unwrap_or("").to_owned(),
        _ => String::new(),
    };
    match message {
        Value::String(s) => s.clone(),
        Value::Array(segments) => segments.iter().map(segment).collect(),
        Value::Object(_) => segment(message),
        _ => String::new(),
    }
}

/// Answers one action like NapCat, recording `send_*` replies.
fn answer(sh: &Shared, account: usize, frame: &str) -> Option<String> {
    let v: Value = serde_json::from_str(frame).ok()?;
    let action = v["action"].as_str()?;
    let self_id = SELF_ID_BASE + account as u64;
    let data = match action {
        "send_group_msg" | "send_msg" | "send_private_msg" => {
            let group = if action == "send_private_msg" { None } else { v["params"]["group_id"].as_u64() };
            sh.record_reply(account, &text_of(&v["params"]["message"]), group);
            json!({"message_id": sh.msg_id.fetch_add(1, Relaxed)})
        }
        "get_login_info" => json!({"user_id": self_id, "nickname": format!("bench-{account}")}),
        "get_version_info" => {
            json!({"app_name": "NapCat.Onebot", "app_version": "4.8.0", "protocol_version": "v11"})
        }
        "get_status" => json!({"online": true, "good": true}),
        _ => Value::Null,
    };
    let mut resp = json!({"status": "ok", "retcode": 0, "data": data, "message": "", "wording": ""});
    if let Some(echo) = v.get("echo") {
        resp["echo"] = echo.clone();
    }
    Some(resp.to_string())
}

/// Opens account `a`'s connection and runs it; returns its writer once the handshake is done.
async fn connect(
    sh: Arc<Shared>,
    url: String,
    token: Option<String>,
    a: usize,
) -> Result<mpsc::Sender<Message>, String> {
    let mut req = url.as_str().into_client_request().map_err(|e| e.to_string())?;
    let h = req.headers_mut();
    h.insert("X-Self-ID", HeaderValue::from(SELF_ID_BASE + a as u64));
    h.insert("X-Client-Role", HeaderValue::from_static("Universal"));
    h.insert("User-Agent", HeaderValue::from_static("OneBot/11 qqbot-bench"));
    if let Some(t) = token {
        h.insert("Authorization", HeaderValue::from_str(&format!("Bearer {t}")).map_err(|e| e.to_string())?);
    }
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true).await.map_err(|e| e.to_string())?;
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::channel::<Message>(WRITE_QUEUE);
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if sink.feed(m).await.is_err() {
                return;
            }
            // Whatever else is queued goes out with one flush.
            for _ in 0..WRITE_QUEUE {
                let Ok(m) = rx.try_recv() else { break };
                if sink.feed(m).await.is_err() {
                    return;
                }
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });
    let reader_tx = tx.clone();
    tokio::spawn(async move {
        while let Some(frame) = stream.next().await {
            let text = match frame {
                Ok(Message::Text(t)) => t,
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => continue,
            };
            if let Some(resp) = answer(&sh, a, text.as_str())
                && reader_tx.send(Message::text(resp)).await.is_err()
            {
                break;
            }
        }
        sh.closed.fetch_add(1, Relaxed);
        sh.progress.notify_one();
    });
    let lifecycle = json!({
        "time": unix_now(), "self_id": SELF_ID_BASE + a as u64, "post_type": "meta_event",
        "meta_event_type": "lifecycle", "sub_type": "connect",
    });
    tx.send(Message::text(lifecycle.to_string())).await.map_err(|_| "closed at once".to_owned())?;
    Ok(tx)
}

fn proc_rss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time of every thread of the process, in seconds: the scheduler's nanosecond count
/// (`/proc/<pid>/task/*/schedstat`), else utime + stime (in USER_HZ, 100 per second on Linux, too coarse for the
/// few hundred milliseconds of a latency phase).
fn proc_cpu_s(pid: u32) -> Option<f64> {
    let threads = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut ns = 0u64;
    for t in threads.flatten() {
        let s = std::fs::read_to_string(t.path().join("schedstat")).ok()?;
        ns += s.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    if ns > 0 {
        return Some(ns as f64 / 1e9);
    }
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = s.get(s.rfind(')')? + 2..)?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let idx = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Latencies in µs of the events `range` that were answered, sorted, and the time from the first send to the last
/// answer.
fn latencies(sh: &Shared, range: std::ops::Range<usize>) -> (Vec<u64>, f64) {
    let (mut first, mut last) = (u64::MAX, 0);
    let mut lats = Vec::with_capacity(range.len());
    for i in range {
        let (s, r) = (sh.send_ns[i].load(Relaxed), sh.recv_ns[i].load(Relaxed));
        if s != 0 && r != 0 {
            lats.push(r.saturating_sub(s) / 1000);
            first = first.min(s);
            last = last.max(r);
        }
    }
    lats.sort_unstable();
    (lats, if last > first { (last - first) as f64 / 1e9 } else { 0.0 })
}

/// Waits until every event below `upto` is answered, or no answer came for `stall`, or a connection closed.
async fn wait_answered(sh: &Shared, upto: u64, stall: Duration) -> Result<(), String> {
    let mut last = (sh.answered.load(Relaxed), Instant::now());
    loop {
        let now = sh.answered.load(Relaxed);
        if now >= upto {
            return Ok(());
        }
        if sh.closed.load(Relaxed) > 0 {
            return Err(format!("{} connection(s) closed by the server", sh.closed.load(Relaxed)));
        }
        if now != last.0 {
            last = (now, Instant::now());
        } else if last.1.elapsed() >= stall {
            return Err(format!("no answer for {stall:?}: {now} of {upto} answered"));
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), sh.progress.notified()).await;
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("many-accounts: {e}\nsee the header of bench/scale/src/bin/many_accounts.rs for the options");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("many-accounts: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (line, ok) = runtime.block_on(run(args));
    println!("{line}");
    // Connection tasks may still be running; nothing of theirs is needed any more.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

async fn run(args: Args) -> (String, bool) {
    let total = args.events + args.rate_events;
    let sh = Arc::new(Shared {
        accounts: args.accounts,
        events: args.events,
        t0: Instant::now(),
        send_ns: (0..total).map(|_| AtomicU64::new(0)).collect(),
        recv_ns: (0..total).map(|_| AtomicU64::new(0)).collect(),
        correct: AtomicU64::new(0),
        wrong: AtomicU64::new(0),
        duplicate: AtomicU64::new(0),
        unmatched: AtomicU64::new(0),
        answered: AtomicU64::new(0),
        inflight: Semaphore::new(args.inflight.max(1)),
        progress: Notify::new(),
        connected: AtomicUsize::new(0),
        closed: AtomicUsize::new(0),
        msg_id: AtomicU64::new(1_000_000),
        samples: Mutex::new(Vec::new()),
    });

    let mut child = None;
    if let Some((program, rest)) = args.cmd.split_first() {
        let mut c = tokio::process::Command::new(program);
        c.args(rest).stdin(std::process::Stdio::null()).kill_on_drop(true);
        match c.spawn() {
            Ok(ch) => child = Some(ch),
            Err(e) => {
                return (
                    json!({"label": args.label, "error": format!("cannot spawn {program}: {e}")}).to_string(),
                    false,
                );
            }
        }
    }
    let pid = args.pid.or_else(|| child.as_ref().and_then(|c| c.id()));
    let (result, ok) = measure(&args, &sh, pid).await;
    if let Some(mut c) = child {
        let _ = c.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), c.wait()).await;
    }
    (result.to_string(), ok)
}

async fn measure(args: &Args, sh: &Arc<Shared>, pid: Option<u32>) -> (Value, bool) {
    let rss = || pid.and_then(proc_rss_kb);
    let cpu = || pid.and_then(proc_cpu_s);
    let mut error: Option<String> = None;

    // 1. The server listens (probed with plain TCP connections, which it drops), then settles.
    let deadline = Instant::now() + args.connect_timeout;
    let host_port = args.url.trim_start_matches("ws://").split('/').next().unwrap_or("").to_owned();
    while tokio::net::TcpStream::connect(&host_port).await.is_err() {
        if Instant::now() >= deadline {
            return (json!({"label": args.label, "error": "the server never listened"}), false);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(args.settle).await;
    let rss_base = rss();

    // 2. Every account connects; a bounded number at a time.
    let t_connect = Instant::now();
    let gate = Arc::new(Semaphore::new(CONNECTING));
    let mut joins = Vec::with_capacity(args.accounts);
    for a in 0..args.accounts {
        let (sh, url, token, gate) = (sh.clone(), args.url.clone(), args.token.clone(), gate.clone());
        joins.push(tokio::spawn(async move {
            let _slot = gate.acquire_owned().await.ok();
            let left = deadline.saturating_duration_since(Instant::now());
            let r = tokio::time::timeout(left, connect(sh.clone(), url, token, a)).await;
            let r = r.unwrap_or_else(|_| Err("timed out".into()));
            if r.is_ok() {
                sh.connected.fetch_add(1, Relaxed);
            }
            r
        }));
    }
    let mut writers = Vec::with_capacity(args.accounts);
    for (a, j) in joins.into_iter().enumerate() {
        match j.await {
            Ok(Ok(tx)) => writers.push(tx),
            Ok(Err(e)) => {
                error.get_or_insert(format!("account {a} could not connect: {e}"));
            }
            Err(e) => {
                error.get_or_insert(format!("account {a}: {e}"));
            }
        }
    }
    let connect_ms = t_connect.elapsed().as_secs_f64() * 1000.0;
    tokio::time::sleep(args.settle).await;
    let rss_idle = rss();
    if sh.closed.load(Relaxed) > 0 {
        error.get_or_insert(format!("{} connection(s) closed while idle", sh.closed.load(Relaxed)));
    }

    // 3. Throughput, RSS sampled meanwhile.
    let sampling = Arc::new(AtomicBool::new(true));
    let rss_load = Arc::new(AtomicU64::new(0));
    if let Some(pid) = pid {
        let (sampling, rss_load) = (sampling.clone(), rss_load.clone());
        tokio::spawn(async move {
            while sampling.load(Relaxed) {
                rss_load.fetch_max(proc_rss_kb(pid).unwrap_or(0), Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
    let cpu_before = cpu();
    let mut sent = 0usize;
    if error.is_none() {
        for i in 0..args.events {
            match tokio::time::timeout(args.stall, sh.inflight.acquire()).await {
                Ok(Ok(p)) => p.forget(),
                _ => {
                    error = Some(format!("no answer for {:?} after {i} events", args.stall));
                    break;
                }
            }
            sh.send_ns[i].store(sh.now_ns(), Relaxed);
            if writers[i % args.accounts].send(Message::text(group_message(i % args.accounts, i))).await.is_err() {
                error = Some(format!("account {} lost its connection", i % args.accounts));
                break;
            }
            sent += 1;
        }
        if error.is_none()
            && let Err(e) = wait_answered(sh, sent as u64, args.stall).await
        {
            error = Some(e);
        }
    }
    let cpu_throughput = cpu().zip(cpu_before).map(|(b, a)| b - a);
    if let Some(pid) = pid {
        rss_load.fetch_max(proc_rss_kb(pid).unwrap_or(0), Relaxed);
    }
    sampling.store(false, Relaxed);
    let (lats, wall) = latencies(sh, 0..args.events);
    let answered = lats.len();

    // 4. Latency at a fixed rate.
    let mut rate_lats = Vec::new();
    let cpu_rate_before = cpu();
    if error.is_none() && args.rate_events > 0 {
        let period = Duration::from_secs_f64(1.0 / args.rate);
        let start = tokio::time::Instant::now();
        for k in 0..args.rate_events {
            tokio::time::sleep_until(start + period * k as u32).await;
            let i = args.events + k;
            sh.send_ns[i].store(sh.now_ns(), Relaxed);
            if writers[i % args.accounts].send(Message::text(group_message(i % args.accounts, i))).await.is_err() {
                error = Some(format!("account {} lost its connection", i % args.accounts));
                break;
            }
        }
        if error.is_none()
            && let Err(e) = wait_answered(sh, (answered + args.rate_events) as u64, args.stall).await
        {
            error = Some(e);
        }
        rate_lats = latencies(sh, args.events..args.events + args.rate_events).0;
    }
    let cpu_rate = cpu().zip(cpu_rate_before).map(|(b, a)| b - a);
    tokio::time::sleep(Duration::from_millis(200)).await; // late duplicates

    let answered_all = sh.answered.load(Relaxed) as usize;
    let missing = (sent + if rate_lats.is_empty() { 0 } else { args.rate_events }).saturating_sub(answered_all);
    let per_account = |rss: Option<u64>| match (rss, rss_base) {
        (Some(r), Some(b)) => json!(r.saturating_sub(b) as f64 / args.accounts as f64),
        _ => Value::Null,
    };
    let load = Some(rss_load.load(Relaxed)).filter(|&r| r > 0);
    let samples = sh.samples.lock().map(|s| s.clone()).unwrap_or_default();
    let (wrong, duplicate, unmatched) =
        (sh.wrong.load(Relaxed), sh.duplicate.load(Relaxed), sh.unmatched.load(Relaxed));
    let ok = error.is_none() && missing == 0 && wrong == 0 && duplicate == 0 && unmatched == 0;
    let out = json!({
        "label": args.label,
        "accounts": args.accounts,
        "connected": sh.connected.load(Relaxed),
        "connect_ms": connect_ms.round(),
        "events": sent,
        "inflight": args.inflight,
        "events_per_s": if wall > 0.0 { (answered as f64 / wall).round() } else { 0.0 },
        "lat_us": {"p50": pct(&lats, 50.0), "p99": pct(&lats, 99.0)},
        "cpu_s": cpu_throughput,
        "cpu_us_per_event": cpu_throughput.filter(|_| answered > 0).map(|c| (c * 1e6 / answered as f64 * 10.0).round() / 10.0),
        "rate": args.rate,
        "rate_events": args.rate_events,
        "rate_cpu_us_per_event": cpu_rate.filter(|_| !rate_lats.is_empty()).map(|c| (c * 1e6 / rate_lats.len() as f64 * 10.0).round() / 10.0),
        "rate_lat_us": {"p50": pct(&rate_lats, 50.0), "p99": pct(&rate_lats, 99.0), "max": rate_lats.last().copied().unwrap_or(0)},
        "rss_kb": {"base": rss_base, "idle": rss_idle, "load": load},
        "rss_kb_per_account": {"idle": per_account(rss_idle), "load": per_account(load)},
        "replies": {
            "correct": sh.correct.load(Relaxed), "missing": missing, "wrong": wrong,
            "duplicate": duplicate, "unmatched": unmatched,
        },
        "samples": samples,
        "pid": pid,
        "error": error,
    });
    (out, ok)
}
