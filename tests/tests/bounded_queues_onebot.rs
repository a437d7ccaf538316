//! Every queue on the OneBot paths is bounded, shown by flooding it: a peer that sends events far faster than the
//! handlers finish, a peer that never reads the bot's replies, calls that never get an answer, and peers that
//! connect to the reverse-WebSocket listener and say nothing. Each test reads the adapter's queue high-water marks
//! (and how many frames the bot read), never how long something took; the waits only give a flood time to happen.

mod onebot_support;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use onebot_support::{WAIT, app, config, sent_text};
use qqbot::adapter::onebot::__bench::{DELIVERY_QUEUE, PURGE_EVERY, QueueGauges};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::prelude::*;
use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A reverse-WebSocket adapter on an ephemeral port, with `extra` lines in its `[onebot]` table.
fn reverse(extra: &str) -> (OneBotAdapter, String) {
    let adapter = OneBotAdapter::new(config(&format!("[onebot]\nlisten = \"127.0.0.1:0\"\n{extra}"))).unwrap();
    let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
    (adapter, url)
}

fn bot_config(toml: &str) -> qqbot::config::Config {
    qqbot::config::Config::from_toml(toml).unwrap()
}

/// Polls `done` every 20 ms, at most [`WAIT`]; returns whether it became true.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..(WAIT.as_millis() / 20) {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

/// Waits until the bot has read no new frame for 300 ms (at most [`WAIT`]): it stopped reading.
async fn reading_stopped(gauges: &QueueGauges) -> u64 {
    let mut last = gauges.frames_read();
    for _ in 0..(WAIT.as_millis() / 300) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = gauges.frames_read();
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_faster_than_handlers_fill_the_delivery_queue_and_then_the_connection_stops_reading() {
    // Four handlers in flight per connection, each never finishing.
    let app = App::empty().with_config(bot_config("[bot]\nmax_in_flight = 16\n")).unwrap().command(
        BotCommand::new("block").word("/block").handler(|_: Ctx| async move {
            std::future::pending::<()>().await;
            ""
        }),
    );
    let (adapter, url) = reverse("");
    let gauges = adapter.queue_gauges();
    let bot = tokio::spawn(app.adapter(adapter).run());
    let fake = FakeNapCat::reverse(&url, Options { self_id: 40_001, ..Default::default() }).await.unwrap();

    let flood = DELIVERY_QUEUE + 2_000;
    for i in 0..flood {
        fake.push(fake.group_message(i as i64 + 1, "/block")).await;
    }
    assert!(eventually(|| gauges.delivery_max() >= DELIVERY_QUEUE).await, "the queue never filled: {gauges:?}");
    let read = reading_stopped(&gauges).await;

    // The queue holds its capacity, plus the event its task took out and the one the connection waits to add.
    assert!(gauges.delivery_max() <= DELIVERY_QUEUE + 2, "{gauges:?}");
    // The connection stopped reading: the lifecycle event, the lane's four events, the queue's, and the waiting
    // one. The rest of the flood stays in the socket, where TCP flow control bounds it.
    assert!(read <= 1 + 4 + DELIVERY_QUEUE as u64 + 2, "read {read} frames of {flood}: {gauges:?}");
    bot.abort();
}

/// A raw reverse-WebSocket client: unlike the fake, its reading and writing halves are independent, so it can stop
/// reading while it keeps sending.
async fn raw_account(url: &str, self_id: u64) -> tokio_tungstenite::WebSocketStream<impl AsyncBoth> {
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("x-self-id", self_id.to_string().parse().unwrap());
    tokio_tungstenite::connect_async(req).await.unwrap().0
}

trait AsyncBoth: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static> AsyncBoth for T {}

fn group_message(self_id: u64, i: usize, text: &str) -> String {
    json!({
        "self_id": self_id, "user_id": 30001, "time": 1_700_000_000, "message_id": i, "message_type": "group",
        "sender": {"user_id": 30001, "nickname": "u", "card": "", "role": "member"}, "raw_message": text,
        "font": 14, "sub_type": "normal", "message": [{"type": "text", "data": {"text": text}}],
        "post_type": "message", "group_id": 20001,
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_never_reads_holds_up_only_the_calls_in_flight_and_everything_goes_out_once_it_reads() {
    // Sixteen handlers in flight per connection.
    let app = app().with_config(bot_config("[bot]\nmax_in_flight = 64\n")).unwrap();
    let (adapter, url) = reverse("");
    let gauges = adapter.queue_gauges();
    let bot = tokio::spawn(app.adapter(adapter).run());
    let (mut ws_tx, mut ws_rx) = raw_account(&url, 40_002).await.split();

    // The peer's writer: the events first, then its answers to the bot's calls.
    let (out, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(frame) = out_rx.recv().await {
            if ws_tx.send(WsMessage::text(frame)).await.is_err() {
                break;
            }
        }
    });
    // Replies of 1 MiB each: sixteen of them are far more than the socket buffers of a peer that does not read
    // hold, so the bot's writes block.
    let big = "x".repeat(1 << 20);
    let events = 32;
    for i in 0..events {
        out.send(group_message(40_002, i, &format!("/echo {i} {big}"))).unwrap();
    }
    assert!(eventually(|| gauges.outgoing_max() >= 1).await, "the writer never blocked: {gauges:?}");
    let read = reading_stopped(&gauges).await;

    // Only the calls of the handlers in flight wait for the writer, far below its capacity, and the connection
    // stopped reading (its writer is stuck), leaving the rest of the flood to TCP flow control.
    assert!(gauges.outgoing_max() <= 16, "{gauges:?}");
    assert!(read < events as u64, "read {read} frames: {gauges:?}");

    // Once the peer reads (and answers) again, every reply goes out.
    let mut replies = Vec::new();
    let reader = async {
        while replies.len() < events {
            let Some(Ok(frame)) = ws_rx.next().await else { break };
            let Ok(call) = serde_json::from_str::<Value>(frame.to_text().unwrap_or("")) else { continue };
            if call["action"] == "send_group_msg" {
                replies.push(sent_text(&call["params"]));
                let answer = json!({"status": "ok", "retcode": 0, "data": {"message_id": 1}, "echo": call["echo"]});
                let _ = out.send(answer.to_string());
            }
        }
    };
    assert!(tokio::time::timeout(WAIT * 3, reader).await.is_ok(), "{} of {events} replies", replies.len());
    replies.sort_by_key(|t| t.split(' ').next().and_then(|n| n.parse::<usize>().ok()));
    for (i, text) in replies.iter().enumerate() {
        assert!(text.starts_with(&format!("{i} x")) && text.len() == big.len() + 1 + i.to_string().len());
    }
    writer.abort();
    bot.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_that_are_never_answered_leave_a_bounded_answer_map() {
    // 256 handlers in flight, each making a call the implementation ignores; they give up after 100 ms.
    let (adapter, url) = reverse("timeout = 0.1");
    let gauges = adapter.queue_gauges();
    let bot = tokio::spawn(app().adapter(adapter).run());
    let fake = FakeNapCat::reverse(&url, Options { self_id: 40_003, ..Default::default() }).await.unwrap();
    fake.answer("get_login_info", Answer::Silent);

    let calls = 3_000;
    for i in 0..calls {
        fake.push(fake.group_message(i as i64 + 1, "/api")).await;
    }
    // Every handler reports its timeout, so every call was made and abandoned.
    let replies = fake.wait_calls("send_group_msg", calls, WAIT * 6).await;
    assert_eq!(replies.len(), calls);
    assert!(sent_text(&replies[0].params).starts_with("failed"), "{:?}", replies[0]);

    // The map holds the calls still awaited (at most the lane: 256) and the abandoned ones of one sweep period
    // (plus one batch of at most 128 written calls), never all of them.
    let bound = 256 + PURGE_EVERY + 128;
    assert!(gauges.pending_max() <= bound, "{} > {bound}: {gauges:?}", gauges.pending_max());
    assert!(gauges.pending_max() < calls);
    bot.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_to_the_listener_are_bounded_and_a_real_account_gets_in_once_they_go() {
    let (adapter, url) = reverse("");
    let adapter = adapter.with_handshake_limit(8);
    let gauges = adapter.queue_gauges();
    let addr = url.trim_start_matches("ws://").split('/').next().unwrap().to_owned();
    let bot = tokio::spawn(app().adapter(adapter).run());

    // Fifty peers connect and send nothing (no upgrade request, ever).
    let mut silent = Vec::new();
    for _ in 0..50 {
        silent.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    assert!(eventually(|| gauges.handshakes_now() == 8).await, "{gauges:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The others wait in the kernel's accept backlog; the server holds no task for them.
    assert_eq!(gauges.handshakes_max(), 8, "{gauges:?}");

    drop(silent);
    let fake = FakeNapCat::reverse(&url, Options { self_id: 40_004, ..Default::default() }).await.unwrap();
    fake.push(fake.group_message(1, "/echo in")).await;
    assert_eq!(sent_text(&fake.wait_calls("send_group_msg", 1, WAIT).await[0].params), "in");
    assert!(gauges.handshakes_max() <= 8, "{gauges:?}");
    bot.abort();
}
