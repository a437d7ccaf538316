//! Forward WebSocket end to end: the bot connects to a fake NapCat, answers events, gets API results back, and
//! keeps its calls across reconnections.

mod onebot_support;

use std::time::Duration;

use onebot_support::{WAIT, app, config, report_calls_on_disconnect, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{DropKind, FakeNapCat, Options};

#[tokio::test]
async fn events_in_replies_out_api_results_back() {
    let napcat = FakeNapCat::forward(Options { token: Some("s3cret".into()), ..Default::default() }).await.unwrap();
    let adapter =
        OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"\ntoken = \"s3cret\"", napcat.ws_url()))).unwrap();
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");

    napcat.push(napcat.group_message(1, "/echo 你好 [世界]")).await;
    let calls = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].params["group_id"], 20001);
    assert_eq!(sent_text(&calls[0].params), "你好 [世界]");

    napcat.push(napcat.private_message(2, "/echo 私聊")).await;
    let calls = napcat.wait_calls("send_private_msg", 1, WAIT).await;
    assert_eq!(calls[0].params["user_id"], 30001);
    assert_eq!(sent_text(&calls[0].params), "私聊");

    napcat.push(napcat.group_message(3, "/api")).await;
    let calls = napcat.wait_calls("send_group_msg", 2, WAIT).await;
    assert_eq!(sent_text(&calls[1].params), "nickname=NapCat");

    napcat.push(napcat.group_message(4, "/fail")).await;
    let calls = napcat.wait_calls("send_group_msg", 3, WAIT).await;
    let text = sent_text(&calls[2].params);
    assert!(text.contains("1404") && text.contains("no_such_action"), "{text}");
    bot.abort();
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_never_connects() {
    let napcat = FakeNapCat::forward(Options { token: Some("right".into()), ..Default::default() }).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nuri = \"{}\"\ntoken = \"wrong\"\n[onebot.retry_config]\nwait_fixed = 0.05",
        napcat.ws_url()
    )))
    .unwrap();
    let bot = start(app(), adapter);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(napcat.connections_accepted(), 0);
    bot.abort();
}

#[tokio::test]
async fn a_call_in_flight_when_the_connection_drops_fails_clearly_and_the_bot_reconnects() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nuri = \"{}\"\n[onebot.retry_config]\nwait_fixed = 0.02",
        napcat.ws_url()
    )))
    .unwrap();
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await);
    napcat.stall(true);
    napcat.push(napcat.group_message(1, "/api")).await;
    assert_eq!(napcat.wait_calls("get_login_info", 1, WAIT).await.len(), 1);
    napcat.stall(false);
    napcat.drop_connections(DropKind::Reset);
    assert!(napcat.wait_connections(2, WAIT).await, "no reconnection");
    let calls = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    let text = sent_text(&calls[0].params);
    assert!(text.contains("connection closed while waiting for the answer to `get_login_info`"), "{text}");
    bot.abort();
}

#[tokio::test]
async fn a_call_made_while_disconnected_waits_for_the_reconnection() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nuri = \"{}\"\n[onebot.retry_config]\nwait_fixed = 0.2",
        napcat.ws_url()
    )))
    .unwrap();
    let (app, mut results) = report_calls_on_disconnect(app());
    let bot = start(app, adapter);
    assert!(napcat.wait_connections(1, WAIT).await);
    napcat.push(napcat.group_message(1, "/echo learn my id")).await;
    napcat.wait_calls("send_group_msg", 1, WAIT).await;
    napcat.drop_connections(DropKind::Close);
    let result = tokio::time::timeout(WAIT, results.recv()).await.unwrap().unwrap();
    assert_eq!(result.unwrap()["online"], true);
    assert_eq!(napcat.calls_of("get_status").len(), 1, "sent exactly once, on the new connection");
    bot.abort();
}

#[tokio::test]
async fn a_call_made_while_the_implementation_is_gone_fails_after_its_timeout() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nuri = \"{}\"\ntimeout = 0.5\n[onebot.retry_config]\nwait_fixed = 0.05",
        napcat.ws_url()
    )))
    .unwrap();
    let (app, mut results) = report_calls_on_disconnect(app());
    let bot = start(app, adapter);
    assert!(napcat.wait_connections(1, WAIT).await);
    napcat.push(napcat.group_message(1, "/echo learn my id")).await;
    napcat.wait_calls("send_group_msg", 1, WAIT).await;
    drop(napcat);
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(WAIT, results.recv()).await.unwrap().unwrap();
    let err = result.unwrap_err();
    assert!(err.contains("Disconnected"), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(400), "failed before its timeout: {:?}", started.elapsed());
    bot.abort();
}

/// Reads are 4 KiB at a time; a frame many times that long (a long message, a forwarded chat) still arrives
/// whole, and the reply as long goes out whole.
#[tokio::test]
async fn frames_much_longer_than_one_read_arrive_whole() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).unwrap();
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");

    let long: String = "长消息 long message ".repeat(20_000);
    assert!(long.len() > 400 * 1024);
    napcat.push(napcat.group_message(1, &format!("/echo {long}"))).await;
    napcat.push(napcat.group_message(2, "/echo after")).await;
    let calls = napcat.wait_calls("send_group_msg", 2, WAIT).await;
    assert_eq!(calls.len(), 2);
    assert_eq!(sent_text(&calls[0].params), long.trim_end());
    assert_eq!(sent_text(&calls[1].params), "after");
    bot.abort();
}
