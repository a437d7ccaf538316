//! Webhook mode: signatures checked before any handler runs, op 13 answered as documented, op 12 ACK.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use qqbot::adapter::official::OfficialAdapter;
use qqbot::prelude::*;
use qqbot::testing::official::{FakeOfficial, RunningApp, Signing, WebhookSender, spawn_app};
use serde_json::json;

struct Setup {
    fake: FakeOfficial,
    running: RunningApp,
    sender: WebhookSender,
    handled: Arc<AtomicUsize>,
}

async fn setup() -> Setup {
    let fake = FakeOfficial::start().await.unwrap();
    let handled = Arc::new(AtomicUsize::new(0));
    let h = handled.clone();
    let app = App::empty().command(BotCommand::new("echo").word("/echo").handler(move |ctx: Ctx| {
        let h = h.clone();
        async move {
            h.fetch_add(1, Ordering::SeqCst);
            ctx.args().to_owned()
        }
    }));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let adapter = OfficialAdapter::new(fake.config()).unwrap().webhook_listener(listener);
    let running = spawn_app(app, adapter).unwrap();
    let sender = fake.webhook_sender(url);
    // The adapter asks for its own id before serving; wait until it did.
    assert!(fake.wait_until(|v| v.requests().iter().any(|r| r.path == "/users/@me")).await);
    Setup { fake, running, sender, handled }
}

fn c2c_frame(fake: &FakeOfficial, id: &str, content: &str) -> serde_json::Value {
    json!({"op": 0, "id": id, "t": "C2C_MESSAGE_CREATE", "d": fake.c2c_message("USER", content)})
}

async fn send_until_accepted(s: &Setup, frame: &serde_json::Value) -> qqbot::testing::official::WebhookAnswer {
    // The server may still be binding its router right after `/users/@me`; retry briefly on connection errors.
    for _ in 0..100 {
        if let Ok(a) = s.sender.send(frame, Signing::Valid).await {
            return a;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the webhook never answered");
}

#[tokio::test]
async fn valid_event_is_acked_and_handled_once() {
    let s = setup().await;
    let frame = c2c_frame(&s.fake, "C2C_MESSAGE_CREATE:1", "/echo 你好");
    let answer = send_until_accepted(&s, &frame).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, json!({"op": 12, "d": 0}));
    let sent = s.fake.wait_requests(|r| r.path == "/v2/users/USER/messages", 1).await;
    assert_eq!(sent[0].body["content"], "你好");
    assert_eq!(sent[0].body["msg_id"], frame["d"]["id"]);
    // A platform retry of the same event is acknowledged but not handled again.
    let again = s.sender.send(&frame, Signing::Valid).await.unwrap();
    assert_eq!(again.body, json!({"op": 12, "d": 0}));
    s.running.idle().await;
    assert_eq!(s.handled.load(Ordering::SeqCst), 1);
    s.running.stop().await.unwrap();
}

#[tokio::test]
async fn bad_signatures_are_rejected_before_any_handler() {
    let s = setup().await;
    // Make sure the server is up with one valid, unrelated request (a heartbeat).
    let beat = send_until_accepted(&s, &json!({"op": 1, "d": 1314})).await;
    assert_eq!(beat.body, json!({"op": 11, "d": 1314}));
    for (i, signing) in [Signing::TamperedBody, Signing::WrongKey, Signing::MissingHeaders, Signing::OldTimestamp(3600)]
        .into_iter()
        .enumerate()
    {
        let frame = c2c_frame(&s.fake, &format!("C2C_MESSAGE_CREATE:bad{i}"), "/echo evil");
        let answer = s.sender.send(&frame, signing.clone()).await.unwrap();
        assert_eq!(answer.status, 401, "{signing:?} was not rejected: {answer:?}");
    }
    let garbage = s.sender.send_raw(b"not json".to_vec(), Signing::Valid).await.unwrap();
    assert_eq!(garbage.status, 400);
    s.running.idle().await;
    assert_eq!(s.handled.load(Ordering::SeqCst), 0);
    assert!(s.fake.requests().iter().all(|r| !r.path.ends_with("/messages")));
    s.running.stop().await.unwrap();
}

#[tokio::test]
async fn op13_validation_matches_the_documented_vector() {
    let fake = FakeOfficial::start().await.unwrap();
    fake.set_secret("DG5g3B4j9X2KOErG");
    let mut config = fake.config();
    config.secret = "DG5g3B4j9X2KOErG".into();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let running = spawn_app(App::empty(), OfficialAdapter::new(config).unwrap().webhook_listener(listener)).unwrap();
    let sender = WebhookSender::new(url, "DG5g3B4j9X2KOErG");
    let request = include_str!("../corpus/qq-official/webhook-op13-validation-request-1.json");
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../corpus/qq-official/webhook-op13-validation-response-1.json")).unwrap();
    let mut answer = None;
    for _ in 0..100 {
        if let Ok(a) = sender.send_raw(request.as_bytes().to_vec(), Signing::Valid).await {
            answer = Some(a);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let answer = answer.expect("the webhook never answered");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, expected);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn slow_handlers_under_a_flood_never_delay_acks() {
    let fake = FakeOfficial::start().await.unwrap();
    let config = qqbot::config::Config::from_toml("[bot]\nmax_in_flight = 2\n").expect("valid config");
    let app = App::empty().with_config(config).expect("config accepted").command(
        BotCommand::new("slow").word("/slow").handler(|_ctx: Ctx| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "done"
        }),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let running = spawn_app(app, OfficialAdapter::new(fake.config()).unwrap().webhook_listener(listener)).unwrap();
    let sender = fake.webhook_sender(url);
    assert!(fake.wait_until(|v| v.requests().iter().any(|r| r.path == "/users/@me")).await);
    let s = Setup { fake, running, sender, handled: Arc::new(AtomicUsize::new(0)) };

    let mut slowest = Duration::ZERO;
    let mut retries = 0;
    for i in 0..40 {
        let frame = c2c_frame(&s.fake, &format!("C2C_MESSAGE_CREATE:slow-{i}"), "/slow");
        let sent_at = std::time::Instant::now();
        let answer = send_until_accepted(&s, &frame).await;
        slowest = slowest.max(sent_at.elapsed());
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["op"], 12);
        retries += usize::from(answer.body["d"] != 0);
    }
    // Two events are being handled (10 s each) and 38 wait in the queue: every ACK still comes at once.
    assert!(slowest < Duration::from_millis(100), "an ACK took {slowest:?} while handlers were busy");
    assert_eq!(retries, 0, "the queue had room for every event");
    s.running.stop().await.unwrap();
}

#[tokio::test]
async fn a_body_over_the_configured_limit_is_refused_with_413_before_decoding() {
    let fake = FakeOfficial::start().await.unwrap();
    let mut config = fake.config();
    config.max_frame_bytes = 64 << 10;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let running = spawn_app(App::empty(), OfficialAdapter::new(config).unwrap().webhook_listener(listener)).unwrap();
    let sender = fake.webhook_sender(url);
    assert!(fake.wait_until(|v| v.requests().iter().any(|r| r.path == "/users/@me")).await);
    let big = json!({"op": 0, "id": "x", "t": "C2C_MESSAGE_CREATE", "d": fake.c2c_message("U", &"字".repeat(40_000))});
    let mut status = None;
    for _ in 0..100 {
        if let Ok(a) = sender.send(&big, Signing::Valid).await {
            status = Some(a.status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, Some(413), "a 120 KB body over a 64 KiB limit");
    let small = json!({"op": 1, "d": 7});
    assert_eq!(sender.send(&small, Signing::Valid).await.unwrap().status, 200, "the next request is served");
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_job_sends_through_a_webhook_account_before_any_event_arrived() {
    let fake = FakeOfficial::start().await.unwrap();
    let app = App::empty().job(
        Job::every("tick", Duration::from_millis(100))
            .handler(|ctx: JobCtx| async move { ctx.send(&Target::Group("G".into()), "tick").await.map(drop) }),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let adapter = OfficialAdapter::new(fake.config()).unwrap().webhook_listener(listener);
    let running = spawn_app(app, adapter).unwrap();
    let sent = fake.wait_requests(|r| r.path == "/v2/groups/G/messages", 1).await;
    assert!(!sent.is_empty(), "no tick went out: the webhook account was not known to the jobs");
    assert_eq!(sent[0].body["content"], "tick");
    running.stop().await.unwrap();
}
