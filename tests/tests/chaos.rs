//! Chaos: 100 forced disconnects per transport — resets and closes at random points, some while the peer stalls —
//! and after each one every event the peer sends is answered exactly once. OneBot forward and reverse WebSocket
//! (the implementation does not replay, so events sent before a drop may be lost, never doubled), the official
//! gateway (resume replays, so no event is lost at all) and the webhook (the platform re-pushes, so each event is
//! handled once whichever attempt arrived).

mod onebot_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onebot_support::{WAIT, app, config, sent_text};
use qqbot::adapter::official::OfficialAdapter;
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::prelude::*;
use qqbot::retry::RetryPolicy;
use qqbot::testing::napcat::{DropKind, FakeNapCat, Options};
use qqbot::testing::official::{FakeOfficial, Signing, spawn_app};
use serde_json::json;

const DROPS: usize = 100;
const AFTER: usize = 3;

/// A deterministic generator, so a failure replays the same way.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Reconnects at once, forever: the test is about what survives a drop, not about back-off.
fn fast_retry() -> RetryPolicy {
    let c = qqbot::config::Config::from_toml("[r]\nstop_never = true\nwait_fixed = 0.005\n").unwrap();
    c.section::<RetryPolicy>("r").unwrap().unwrap()
}

/// How many replies carry each number.
fn answered(napcat: &FakeNapCat) -> HashMap<u64, usize> {
    let mut seen = HashMap::new();
    for c in napcat.calls_of("send_group_msg") {
        if let Ok(n) = sent_text(&c.params).parse::<u64>() {
            *seen.entry(n).or_default() += 1;
        }
    }
    seen
}

/// Waits (bounded) until every number in `must` is answered.
async fn wait_answered(napcat: &FakeNapCat, must: &[u64]) -> HashMap<u64, usize> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let seen = answered(napcat);
        if must.iter().all(|n| seen.contains_key(n)) || tokio::time::Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn check_exactly_once(seen: &HashMap<u64, usize>, after: &[u64], before: &[u64], transport: &str) {
    for n in after {
        assert_eq!(seen.get(n).copied().unwrap_or(0), 1, "{transport}: event {n} sent after a reconnection");
    }
    for n in before {
        assert!(seen.get(n).copied().unwrap_or(0) <= 1, "{transport}: event {n} answered twice");
    }
}

async fn onebot_chaos(reverse: bool) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 + u64::from(reverse));
    let (mut napcat, adapter) = if reverse {
        let adapter = OneBotAdapter::new(config("[onebot]\nlisten = \"127.0.0.1:0\"\ntimeout = 5")).unwrap();
        let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
        let bot = tokio::spawn(app().adapter(adapter).run());
        let napcat = FakeNapCat::reverse(&url, Options::default()).await.unwrap();
        (napcat, bot)
    } else {
        let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
        let mut onebot = config(&format!("[onebot]\nuri = \"{}\"\ntimeout = 5", napcat.ws_url()));
        onebot.retry_config = Some(fast_retry());
        let bot = tokio::spawn(app().adapter(OneBotAdapter::new(onebot).unwrap()).run());
        (napcat, bot)
    };
    assert!(napcat.wait_connections(1, WAIT).await, "never connected");
    let transport = if reverse { "reverse WebSocket" } else { "forward WebSocket" };
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let mut next = 0u64;
    for drop in 0..DROPS {
        // Some events, then the drop at a random point of their handling, sometimes while the peer stalls.
        for _ in 0..rng.below(3) {
            next += 1;
            before.push(next);
            napcat.push(napcat.group_message(next as i64, &format!("/echo {next}"))).await;
        }
        let stalled = rng.below(4) == 0;
        napcat.stall(stalled);
        tokio::time::sleep(Duration::from_micros(rng.below(3_000))).await;
        let accepted = napcat.connections_accepted();
        napcat.drop_connections(if rng.below(2) == 0 { DropKind::Reset } else { DropKind::Close });
        if reverse {
            napcat.connect().await.unwrap_or_else(|e| panic!("drop {drop}: cannot reconnect: {e}"));
        } else {
            assert!(napcat.wait_connections(accepted + 1, WAIT).await, "drop {drop}: the bot did not reconnect");
        }
        napcat.stall(false);
        let mut these = Vec::new();
        for _ in 0..AFTER {
            next += 1;
            these.push(next);
            napcat.push(napcat.group_message(next as i64, &format!("/echo {next}"))).await;
        }
        // Answered before the next drop (a reply still in flight when the next drop comes is that drop's loss).
        let seen = wait_answered(&napcat, &these).await;
        assert!(these.iter().all(|n| seen.contains_key(n)), "{transport}, drop {drop}: {these:?} not answered");
        after.extend(these);
    }
    // A little longer, to catch late duplicates.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seen = answered(&napcat);
    check_exactly_once(&seen, &after, &before, transport);
    adapter.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onebot_forward_survives_100_drops_answering_every_later_event_once() {
    onebot_chaos(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onebot_reverse_survives_100_drops_answering_every_later_event_once() {
    onebot_chaos(true).await;
}

/// An app counting how often each `ev-<n>` message is handled.
fn counting_app() -> (App, Arc<Mutex<HashMap<String, u32>>>) {
    let seen: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let counter = seen.clone();
    let app = App::empty().command(BotCommand::new("count").word("ev").handler(move |ctx: Ctx| {
        let seen = counter.clone();
        async move {
            *seen.lock().unwrap().entry(ctx.args().to_owned()).or_default() += 1;
        }
    }));
    (app, seen)
}

async fn wait_count(seen: &Arc<Mutex<HashMap<String, u32>>>, n: usize) {
    for _ in 0..1_200 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_gateway_survives_100_drops_with_resume_losing_and_doubling_nothing() {
    let fake = FakeOfficial::start().await.unwrap();
    let (app, seen) = counting_app();
    let mut config = fake.config();
    config.retry_config = Some(fast_retry());
    let running = spawn_app(app, OfficialAdapter::new(config).unwrap()).unwrap();
    assert!(fake.wait_ready(1).await, "the adapter never identified");
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut total = 0usize;
    for drop in 0..DROPS {
        for _ in 0..1 + rng.below(3) {
            total += 1;
            fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("U", &format!("ev {total}")));
        }
        tokio::time::sleep(Duration::from_micros(rng.below(3_000))).await;
        match rng.below(3) {
            0 => fake.drop_connection(),
            1 => fake.close_connection(4009),
            _ => fake.send_reconnect(),
        }
        // Events sent while the connection is down are replayed on resume.
        for _ in 0..rng.below(2) {
            total += 1;
            fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("U", &format!("ev {total}")));
        }
        assert!(fake.wait_until(|v| v.resumed() > drop).await, "drop {drop}: no resume");
    }
    wait_count(&seen, total).await;
    running.idle().await;
    let seen = seen.lock().unwrap().clone();
    for i in 1..=total {
        assert_eq!(seen.get(&i.to_string()).copied(), Some(1), "gateway: event {i} of {total}");
    }
    assert_eq!(fake.identifies().len(), 1, "every drop resumed the one session");
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_webhook_survives_100_aborted_pushes_handling_each_event_once() {
    let fake = FakeOfficial::start().await.unwrap();
    let (app, seen) = counting_app();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let running = spawn_app(app, OfficialAdapter::new(fake.config()).unwrap().webhook_listener(listener)).unwrap();
    let sender = fake.webhook_sender(url);
    assert!(fake.wait_until(|v| v.requests().iter().any(|r| r.path == "/users/@me")).await);
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for i in 1..=DROPS {
        let frame = json!({"op": 0, "id": format!("C2C_MESSAGE_CREATE:chaos-{i}"), "t": "C2C_MESSAGE_CREATE",
            "d": fake.c2c_message("U", &format!("ev {i}"))});
        // The push is cut off at a random point (the connection dropped, the ACK lost) …
        let cut = Duration::from_micros(rng.below(2_000));
        let _ = tokio::time::timeout(cut, sender.send(&frame, Signing::Valid)).await;
        // … so the platform pushes it again, once or twice, until it gets its ACK.
        let mut acked = false;
        for _ in 0..1 + rng.below(2) {
            for _ in 0..100 {
                if let Ok(answer) = sender.send(&frame, Signing::Valid).await {
                    assert_eq!(answer.status, 200, "push {i}");
                    acked = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        assert!(acked, "push {i} was never acknowledged");
    }
    wait_count(&seen, DROPS).await;
    running.idle().await;
    let seen = seen.lock().unwrap().clone();
    for i in 1..=DROPS {
        assert_eq!(seen.get(&i.to_string()).copied(), Some(1), "webhook: event {i}");
    }
    running.stop().await.unwrap();
}
