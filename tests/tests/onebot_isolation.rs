//! One account can never starve the others: an implementation that floods events and then answers nothing and
//! stops reading its socket (a frozen NapCat) fills only its own lane and queue; a healthy account on the same
//! reverse-WebSocket server keeps being answered at its usual latency.

mod onebot_support;

use std::time::{Duration, Instant};

use onebot_support::{WAIT, app, config, sent_text};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{FakeNapCat, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_flooding_account_never_delays_a_healthy_one() {
    // A small dispatcher makes the starvation certain without the lanes: 16 handlers in flight, 4 per connection.
    let bot_config = qqbot::config::Config::from_toml("[bot]\nmax_in_flight = 16\n").unwrap();
    let adapter = OneBotAdapter::new(config("[onebot]\nlisten = \"127.0.0.1:0\"\ntimeout = 30")).unwrap();
    let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
    let bot = tokio::spawn(app().with_config(bot_config).unwrap().adapter(adapter).run());

    let healthy = FakeNapCat::reverse(&url, Options { self_id: 20_002, ..Default::default() }).await.unwrap();
    let frozen = FakeNapCat::reverse(&url, Options { self_id: 20_001, ..Default::default() }).await.unwrap();
    assert!(healthy.wait_connections(1, WAIT).await && frozen.wait_connections(1, WAIT).await);

    let t = Instant::now();
    healthy.push(healthy.group_message(1, "/echo before")).await;
    assert_eq!(healthy.wait_calls("send_group_msg", 1, WAIT).await.len(), 1);
    let usual = t.elapsed();

    // The frozen account: every reply it is sent waits for an answer that never comes, and it reads nothing.
    frozen.stall(true);
    frozen.stop_reading(true);
    for i in 0..2_000 {
        frozen.push(frozen.group_message(100 + i, &format!("/echo flood {i}"))).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    for k in 0..10 {
        let t = Instant::now();
        healthy.push(healthy.group_message(2 + k, &format!("/echo during {k}"))).await;
        let calls = healthy.wait_calls("send_group_msg", 2 + k as usize, Duration::from_secs(5)).await;
        let took = t.elapsed();
        assert_eq!(calls.len(), 2 + k as usize, "the healthy account was not answered while the other one flooded");
        assert_eq!(sent_text(&calls[1 + k as usize].params), format!("during {k}"));
        assert!(
            took < usual.max(Duration::from_millis(50)) * 20,
            "reply {k} took {took:?} (usual {usual:?}): the healthy account was held up"
        );
    }
    bot.abort();
}
