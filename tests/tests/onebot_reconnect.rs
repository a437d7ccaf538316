//! The connection drops in the middle of 1 000 events: the bot reconnects under its retry policy and answers
//! every event sent after the reconnection exactly once.

mod onebot_support;

use std::collections::HashMap;
use std::time::Duration;

use onebot_support::{WAIT, app, config, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{DropKind, FakeNapCat, Options};

async fn drop_in_the_middle(kind: DropKind) {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nuri = \"{}\"\n[onebot.retry_config]\nstop_after_attempt = 20\nwait_exponential = {{ multiplier = 0.01, max = 0.2 }}",
        napcat.ws_url()
    )))
    .unwrap();
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await);
    for i in 0..500 {
        napcat.push(napcat.group_message(i, &format!("/echo {i}"))).await;
    }
    napcat.drop_connections(kind);
    assert!(napcat.wait_connections(2, WAIT).await, "no reconnection");
    for i in 500..1000 {
        napcat.push(napcat.group_message(i, &format!("/echo {i}"))).await;
    }
    // Wait until every post-reconnect event is answered, then a little longer to catch duplicates.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let answered = napcat
            .calls_of("send_group_msg")
            .iter()
            .filter(|c| sent_text(&c.params).parse::<i64>().is_ok_and(|n| n >= 500))
            .count();
        if answered >= 500 || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for c in napcat.calls_of("send_group_msg") {
        if let Ok(n) = sent_text(&c.params).parse::<i64>() {
            *seen.entry(n).or_default() += 1;
        }
    }
    for i in 500..1000 {
        assert_eq!(seen.get(&i).copied().unwrap_or(0), 1, "event {i} after the reconnection");
    }
    // Events before the drop may be lost with the connection (NapCat does not replay them), never duplicated.
    assert!((0..500).all(|i| seen.get(&i).copied().unwrap_or(0) <= 1));
    bot.abort();
}

#[tokio::test]
async fn reset_in_the_middle_of_1000_events() {
    drop_in_the_middle(DropKind::Reset).await;
}

#[tokio::test]
async fn close_in_the_middle_of_1000_events() {
    drop_in_the_middle(DropKind::Close).await;
}

#[tokio::test]
async fn a_silent_connection_is_declared_dead_and_replaced() {
    let napcat = FakeNapCat::forward(Options { heartbeat: Some(Duration::from_millis(100)), ..Default::default() })
        .await
        .unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nuri = \"{}\"\n[onebot.retry_config]\nwait_fixed = 0.02",
        napcat.ws_url()
    )))
    .unwrap();
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await);
    // A heartbeat announces the interval; then the implementation goes quiet with the socket open.
    tokio::time::sleep(Duration::from_millis(250)).await;
    napcat.stall(true);
    let started = std::time::Instant::now();
    assert!(napcat.wait_connections(2, WAIT).await, "the silent connection was never replaced");
    // Three intervals, but at least one second, without a frame.
    assert!(started.elapsed() >= Duration::from_millis(700), "declared dead too early: {:?}", started.elapsed());
    napcat.stall(false);
    napcat.push(napcat.group_message(1, "/echo back")).await;
    assert_eq!(sent_text(&napcat.wait_calls("send_group_msg", 1, WAIT).await[0].params), "back");
    bot.abort();
}
