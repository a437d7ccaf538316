//! The cluster harness itself: the deliverer spreads webhook events over several in-process instances, re-pushes
//! every k-th event and any event whose ACK is slow or refused to another instance, and the reply tally finds the
//! duplicates that instances without a shared Redis cannot avoid.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use qqbot::adapter::official::OfficialAdapter;
use qqbot::prelude::*;
use qqbot::testing::official::{ClusterDeliverer, FakeOfficial, Reason, RunningApp, Spread, message_id, spawn_app};
use serde_json::Value;

struct Instance {
    url: String,
    running: RunningApp,
    handled: Arc<AtomicUsize>,
}

async fn instance(fake: &FakeOfficial) -> Instance {
    let handled = Arc::new(AtomicUsize::new(0));
    let h = handled.clone();
    let app = App::empty().command(BotCommand::new("echo").word("/echo").handler(move |ctx: Ctx| {
        h.fetch_add(1, Ordering::SeqCst);
        async move { ctx.args().to_owned() }
    }));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().unwrap());
    let before = fake.requests().iter().filter(|r| r.path == "/users/@me").count();
    let adapter = OfficialAdapter::new(fake.config()).unwrap().webhook_listener(listener);
    let running = spawn_app(app, adapter).unwrap();
    // The adapter asks for its own id before serving.
    assert!(fake.wait_until(|v| v.requests().iter().filter(|r| r.path == "/users/@me").count() > before).await);
    Instance { url, running, handled }
}

fn echo_frames(fake: &FakeOfficial, n: usize) -> Vec<Value> {
    (0..n).map(|i| fake.webhook_event("C2C_MESSAGE_CREATE", fake.c2c_message("USER", &format!("/echo {i}")))).collect()
}

/// Waits until the events of `frames` got `n` replies in all.
async fn wait_replies(fake: &FakeOfficial, frames: &[Value], n: usize) {
    let ids: std::collections::HashSet<String> = frames.iter().map(message_id).collect();
    let arrived = fake
        .wait_until(|v| {
            v.requests().iter().filter(|r| r.body["msg_id"].as_str().is_some_and(|m| ids.contains(m))).count() >= n
        })
        .await;
    assert!(arrived, "{n} replies did not arrive");
}

/// Waits until the first instance answers a heartbeat, so the first event is not refused by a server still binding.
async fn until_serving(deliverer: &ClusterDeliverer, fake: &FakeOfficial) {
    for _ in 0..100 {
        let probe = fake.webhook_event("C2C_MESSAGE_CREATE", fake.c2c_message("PROBE", "hello"));
        if deliverer.deliver(&probe).await.deliveries.iter().all(|d| d.acked && d.reason == Reason::First) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the instances never served");
}

#[tokio::test]
async fn round_robin_spreads_evenly_and_every_fifth_event_reaches_a_second_instance() {
    let fake = FakeOfficial::start().await.unwrap();
    let instances = [instance(&fake).await, instance(&fake).await, instance(&fake).await];
    // Probe each instance once so the counts below start from a known place.
    let probe = fake.cluster_deliverer(instances.iter().map(|i| i.url.clone()));
    for _ in 0..3 {
        until_serving(&probe, &fake).await;
    }

    let deliverer = fake.cluster_deliverer(instances.iter().map(|i| i.url.clone())).repush_every(5);
    let frames = echo_frames(&fake, 30);
    let outcome = deliverer.deliver_all(&frames, 4).await;
    assert!(outcome.iter().all(|e| e.acked()), "every event acknowledged");
    assert_eq!(deliverer.acked_per_instance(), [12, 12, 12], "10 firsts and 2 re-pushes each");
    for (i, e) in outcome.iter().enumerate() {
        let first = &e.deliveries[0];
        assert_eq!((first.instance, first.reason), (i % 3, Reason::First), "event {i} goes round-robin");
        if (i + 1) % 5 == 0 {
            assert_eq!(e.deliveries.len(), 2, "event {i} is re-pushed");
            assert_eq!(e.deliveries[1].reason, Reason::Repush);
            assert_ne!(e.deliveries[1].instance, first.instance, "to another instance");
        } else {
            assert_eq!(e.deliveries.len(), 1, "event {i} is delivered once");
        }
    }

    // Without a shared store each instance only knows its own events: the re-pushed ones are answered twice, and
    // the tally says exactly which.
    wait_replies(&fake, &frames, 36).await;
    for i in &instances {
        i.running.idle().await;
    }
    let handled: usize = instances.iter().map(|i| i.handled.load(Ordering::SeqCst)).sum();
    assert_eq!(handled, 36);
    let err = fake.reply_tally().exactly_once(&frames).expect_err("re-pushes are duplicates without a cluster");
    assert!(err.missing.is_empty(), "{err}");
    let expected: Vec<(String, usize)> =
        frames.iter().enumerate().filter(|(i, _)| (i + 1) % 5 == 0).map(|(_, f)| (message_id(f), 2)).collect();
    assert_eq!(err.duplicated, expected);
    for i in instances {
        i.running.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_refused_slow_or_push_again_answer_moves_the_event_to_another_instance() {
    let fake = FakeOfficial::start().await.unwrap();
    let alive = instance(&fake).await;
    // An instance that died: nothing listens on its port any more.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/qqbot/webhook", dead.local_addr().unwrap());
    drop(dead);
    // An instance that hangs: it accepts connections and never answers.
    let stuck = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stuck_url = format!("http://{}/qqbot/webhook", stuck.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = stuck.accept().await {
            held.push(conn);
        }
    });

    // An instance whose queue is full: it answers, but asks for the event again (`d: 1`).
    let busy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let busy_url = format!("http://{}/qqbot/webhook", busy.local_addr().unwrap());
    let again = axum::Router::new().fallback(|| async { axum::Json(serde_json::json!({"op": 12, "d": 1})) });
    let busy_task = tokio::spawn(async move { axum::serve(busy, again).await });

    let deliverer = fake
        .cluster_deliverer([busy_url.clone(), busy_url, dead_url, stuck_url, alive.url.clone()])
        .repush_after(Duration::from_millis(300));
    let frames = echo_frames(&fake, 5);
    let outcome = deliverer.deliver_all(&frames, 1).await;
    let path: Vec<Vec<(usize, Reason, bool)>> =
        outcome.iter().map(|e| e.deliveries.iter().map(|d| (d.instance, d.reason, d.acked)).collect()).collect();
    let refused = |i| (i, Reason::Retry, false);
    assert_eq!(
        path,
        [
            vec![(0, Reason::First, false), refused(1), refused(2), refused(3), (4, Reason::Retry, true)],
            vec![(1, Reason::First, false), refused(2), refused(3), (4, Reason::Retry, true)],
            vec![(2, Reason::First, false), refused(3), (4, Reason::Retry, true)],
            vec![(3, Reason::First, false), (4, Reason::Retry, true)],
            vec![(4, Reason::First, true)],
        ]
    );
    let slow = outcome[3].deliveries[0].elapsed;
    assert!(slow >= Duration::from_millis(300), "the stuck instance was given its full deadline: {slow:?}");
    wait_replies(&fake, &frames, 5).await;
    fake.reply_tally().exactly_once(&frames).unwrap();
    hold.abort();
    busy_task.abort();
    alive.running.stop().await.unwrap();
}

#[tokio::test]
async fn a_seeded_random_spread_is_reproducible_and_reaches_every_instance() {
    let fake = FakeOfficial::start().await.unwrap();
    let instances = [instance(&fake).await, instance(&fake).await, instance(&fake).await];
    let urls: Vec<String> = instances.iter().map(|i| i.url.clone()).collect();
    until_serving(&fake.cluster_deliverer(urls.clone()), &fake).await;
    let run = |seed| {
        let d = fake.cluster_deliverer(urls.clone()).spread(Spread::Random { seed });
        let frames = echo_frames(&fake, 30);
        async move {
            let outcome = d.deliver_all(&frames, 4).await;
            (outcome.iter().map(|e| e.deliveries[0].instance).collect::<Vec<_>>(), d.acked_per_instance(), frames)
        }
    };
    let (a, per_instance, frames) = run(7).await;
    let (b, ..) = run(7).await;
    let (c, ..) = run(8).await;
    assert_eq!(a, b, "the same seed picks the same instances");
    assert_ne!(a, c, "another seed picks others");
    assert!(per_instance.iter().all(|&n| n > 0), "every instance got events: {per_instance:?}");
    assert_eq!(per_instance.iter().sum::<usize>(), 30);
    wait_replies(&fake, &frames, 30).await;
    fake.reply_tally().exactly_once(&frames).unwrap();
    for i in instances {
        i.running.stop().await.unwrap();
    }
}
