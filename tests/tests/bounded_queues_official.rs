//! Floods on the official platform's paths: whatever arrives faster than the bot can handle it, its memory stays
//! bounded — a full queue makes the webhook ask the platform to push again (`{"op":12,"d":1}`) and makes the gateway
//! stop reading (TCP back-pressure), never a growing buffer.
//!
//! The heap is counted by this test binary's own allocator; each test first fills every bounded place (the
//! dispatcher's lane and the delivery queue), then floods as much again and checks that the second flood left the
//! heap where the first one had it. An unbounded queue would keep every event of the second flood (megabytes).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use futures_util::{SinkExt, StreamExt};
use qqbot::adapter::official::{OfficialAdapter, OfficialConfig};
use qqbot::prelude::*;
use qqbot::testing::CountingAllocator;
use qqbot::testing::official::{APPID, FakeOfficial, SECRET, Signing, WebhookSender, spawn_app};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[global_allocator]
static HEAP: CountingAllocator = CountingAllocator::new();

/// The tests share the process's heap counter, so they run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Two events handled at once per connection, and the adapters' delivery queue (1024) with the one event its
/// task holds while it waits for the lane: what a flood fills.
const IN_FLIGHT: usize = 2;
const QUEUE: usize = 1024 + 1;
/// Each flood: more than the lane and the queue hold together.
const FLOOD: usize = 1200;
/// What a second flood may leave on the heap: allocator noise and connection buffers, far below what keeping its
/// events would take (1200 events of over 2 KB each).
const SLACK: usize = 1 << 20;

/// Live heap bytes once the runtime has finished what it was doing (freed buffers, ended tasks).
async fn settled_heap() -> usize {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    HEAP.live()
}

/// A message long enough that keeping it would show: `/slow` and 2 KB of padding.
fn padded(i: usize) -> String {
    format!("/slow {i} {}", "x".repeat(2048))
}

fn c2c(i: usize) -> Value {
    json!({
        "id": format!("ROBOT1.0_flood_{i}"),
        "content": padded(i),
        "timestamp": "2025-03-13T23:30:49+08:00",
        "author": {"id": "U", "user_openid": "U", "union_openid": "U"},
        "message_scene": {"source": "default"},
        "message_type": 0
    })
}

/// An app whose `/slow` handler replies only after a minute: the dispatcher's lane fills at once.
fn slow_app() -> App {
    let config = qqbot::config::Config::from_toml(&format!(
        "[bot]\nmax_in_flight = {IN_FLIGHT}\nmax_in_flight_per_connection = {IN_FLIGHT}\n"
    ))
    .expect("valid config");
    App::empty().with_config(config).expect("config accepted").command(BotCommand::new("slow").word("/slow").handler(
        |_ctx: Ctx| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "done"
        },
    ))
}

/// Posts events `range` to the webhook; returns how many were accepted (`d: 0`) and how many the bot asked the
/// platform to push again (`d: 1`).
async fn post_flood(sender: &WebhookSender, range: std::ops::Range<usize>) -> (usize, usize) {
    let (mut accepted, mut again) = (0, 0);
    for i in range {
        let frame =
            json!({"op": 0, "id": format!("C2C_MESSAGE_CREATE:flood-{i}"), "t": "C2C_MESSAGE_CREATE", "d": c2c(i)});
        let mut answer = None;
        for _ in 0..100 {
            if let Ok(a) = sender.send(&frame, Signing::Valid).await {
                answer = Some(a);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let answer = answer.expect("the webhook never answered");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["op"], 12);
        match answer.body["d"].as_i64() {
            Some(0) => accepted += 1,
            Some(1) => again += 1,
            other => panic!("unexpected ACK d = {other:?}"),
        }
    }
    (accepted, again)
}

/// Webhook events arriving faster than the handlers finish: once the lane and the queue are full, every further
/// event is handed back to the platform, and the heap stays where it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_flood_faster_than_the_handlers_keeps_memory_bounded() {
    let _serial = SERIAL.lock().await;
    let fake = FakeOfficial::start().await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let _running =
        spawn_app(slow_app(), OfficialAdapter::new(fake.config()).unwrap().webhook_listener(listener)).unwrap();
    let sender = fake.webhook_sender(url);
    assert!(fake.wait_until(|v| v.requests().iter().any(|r| r.path == "/users/@me")).await);

    let (accepted, again) = post_flood(&sender, 0..FLOOD).await;
    assert!(accepted <= IN_FLIGHT + QUEUE, "{accepted} events accepted: more than the lane and the queue hold");
    assert_eq!(accepted + again, FLOOD);
    assert!(again >= FLOOD - IN_FLIGHT - QUEUE, "only {again} events handed back");
    let after_first = settled_heap().await;

    let (accepted, again) = post_flood(&sender, FLOOD..2 * FLOOD).await;
    assert_eq!((accepted, again), (0, FLOOD), "a full queue takes no more events");
    let after_second = settled_heap().await;
    let grown = after_second.saturating_sub(after_first);
    assert!(grown < SLACK, "the heap grew by {grown} bytes over a flood the bot handed back");
}

/// A REST API that accepts connections but never answers, while events keep coming: each handler's reply waits on
/// it, so the lane stays full; the bot opens no more requests than it handles events at once, and its heap stays
/// bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rest_api_that_never_answers_under_a_flood_keeps_memory_bounded() {
    let _serial = SERIAL.lock().await;
    let waiting = Arc::new(AtomicUsize::new(0));
    let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", rest.local_addr().unwrap());
    let counter = waiting.clone();
    let api = Router::new()
        .route(
            "/app/getAppAccessToken",
            post(|| async { axum::Json(json!({"access_token": "t-1", "expires_in": "7200"})) }),
        )
        .route("/users/@me", axum::routing::get(|| async { axum::Json(json!({"id": "BOT", "bot": true})) }))
        .fallback(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                std::future::pending::<()>().await;
                axum::Json(json!({}))
            }
        });
    tokio::spawn(async move { axum::serve(rest, api).await });

    let mut config = OfficialConfig::new(APPID, SECRET);
    config.resource = None;
    config.api_base = Some(base.clone());
    config.token_url = Some(format!("{base}/app/getAppAccessToken"));
    config.request_timeout_secs = 600;
    let app = App::empty()
        .with_config(
            qqbot::config::Config::from_toml(&format!(
                "[bot]\nmax_in_flight = {IN_FLIGHT}\nmax_in_flight_per_connection = {IN_FLIGHT}\n"
            ))
            .expect("valid config"),
        )
        .expect("config accepted")
        .command(BotCommand::new("slow").word("/slow").handler(|ctx: Ctx| async move { ctx.args().len().to_string() }));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let _running = spawn_app(app, OfficialAdapter::new(config).unwrap().webhook_listener(listener)).unwrap();
    let sender = WebhookSender::new(url, SECRET);

    let (accepted, _) = post_flood(&sender, 0..FLOOD).await;
    assert!(accepted <= IN_FLIGHT + QUEUE, "{accepted} events accepted: more than the lane and the queue hold");
    let after_first = settled_heap().await;
    assert!(
        waiting.load(Ordering::SeqCst) <= IN_FLIGHT,
        "{} replies waiting on the API: more than the events handled at once",
        waiting.load(Ordering::SeqCst)
    );

    let (accepted, again) = post_flood(&sender, FLOOD..2 * FLOOD).await;
    assert_eq!((accepted, again), (0, FLOOD), "a full queue takes no more events");
    let after_second = settled_heap().await;
    assert!(waiting.load(Ordering::SeqCst) <= IN_FLIGHT, "more replies started while the API hung");
    let grown = after_second.saturating_sub(after_first);
    assert!(grown < SLACK, "the heap grew by {grown} bytes while the API never answered");
}

/// A gateway pushing events as fast as the socket takes them, to handlers that do not finish: once the lane and
/// the queue are full the bot stops reading, so the gateway's writes stall on TCP back-pressure and the bot's heap
/// holds only what the bounded places hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_flood_faster_than_the_handlers_keeps_memory_bounded() {
    let _serial = SERIAL.lock().await;
    // The fake serves the token and REST endpoints; the gateway is a plain one here that keeps nothing it sent.
    let fake = FakeOfficial::start().await.unwrap();
    let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = fake.config();
    config.gateway_url = Some(format!("ws://{}/websocket", ws.local_addr().unwrap()));
    let written = Arc::new(AtomicUsize::new(0));
    let total = 8 * FLOOD;
    let counter = written.clone();
    tokio::spawn(async move {
        let Ok((stream, _)) = ws.accept().await else { return };
        let Ok(socket) = tokio_tungstenite::accept_async(stream).await else { return };
        let (mut write, mut read) = socket.split();
        let hello = json!({"op": 10, "d": {"heartbeat_interval": 30_000}}).to_string();
        if write.send(WsMessage::text(hello)).await.is_err() {
            return;
        }
        // Wait for Identify, then READY, then the flood; heartbeats are read (and left unanswered: the interval
        // is longer than the test).
        while let Some(Ok(frame)) = read.next().await {
            let WsMessage::Text(t) = frame else { continue };
            if serde_json::from_str::<Value>(&t).ok().and_then(|v| v["op"].as_u64()) == Some(2) {
                break;
            }
        }
        let ready = json!({"op": 0, "s": 1, "t": "READY", "id": "",
            "d": {"version": 1, "session_id": "flood", "user": {"id": "BOT", "bot": true}, "shard": [0, 1]}});
        if write.send(WsMessage::text(ready.to_string())).await.is_err() {
            return;
        }
        tokio::spawn(async move { while let Some(Ok(_)) = read.next().await {} });
        for i in 0..total {
            let frame = json!({"op": 0, "s": i + 2, "t": "C2C_MESSAGE_CREATE",
                "id": format!("C2C_MESSAGE_CREATE:flood-{i}"), "d": c2c(i)});
            if write.send(WsMessage::text(frame.to_string())).await.is_err() {
                return;
            }
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let before = settled_heap().await;
    let _running = spawn_app(slow_app(), OfficialAdapter::new(config).unwrap()).unwrap();

    // Wait until the gateway's writes stall (no progress for a second), or it wrote everything.
    let mut last = 0;
    let mut still = 0;
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = written.load(Ordering::SeqCst);
        if now == total {
            break;
        }
        still = if now == last { still + 1 } else { 0 };
        last = now;
        if still >= 10 && now > 0 {
            break;
        }
    }
    let stalled_at = written.load(Ordering::SeqCst);
    assert!(stalled_at < total, "the bot read all {total} events while its handlers were stuck: nothing bounds it");
    assert!(stalled_at > IN_FLIGHT + QUEUE, "the gateway stalled after {stalled_at} events, before the queue filled");
    let heap = settled_heap().await;
    // What the lane and the queue may hold (each event's text and decoded form, a few KB), plus the runtime's and
    // the fakes' own memory; the flood that stalled in the socket buffers beyond it is not in the bot.
    let grown = heap.saturating_sub(before);
    let bound = (IN_FLIGHT + QUEUE) * 16 * 1024 + SLACK;
    assert!(grown < bound, "the heap grew by {grown} bytes with the lane and queue full (bound {bound})");
}
