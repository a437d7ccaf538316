//! Bad input never panics and loses nothing: each bad frame, token or signature gives one clear log line, and
//! the next good event is still answered.

mod onebot_support;

use onebot_support::{LogCapture, WAIT, app, config, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{FakeNapCat, Options};
use serde_json::json;

static LOG: std::sync::OnceLock<LogCapture> = std::sync::OnceLock::new();

async fn answered(napcat: &FakeNapCat, n: usize, text: &str) {
    let calls = napcat.wait_calls("send_group_msg", n, WAIT).await;
    if calls.len() != n {
        let log = LOG.get().map(LogCapture::text).unwrap_or_default();
        panic!("the good event after the bad input was not answered; log:\n{log}");
    }
    assert_eq!(sent_text(&calls[n - 1].params), text);
}

async fn next_good(napcat: &FakeNapCat, good: &mut i64) {
    *good += 1;
    napcat.push(napcat.group_message(1000 + *good, &format!("/echo ok-{good}"))).await;
    answered(napcat, *good as usize, &format!("ok-{good}")).await;
}

/// One test, so that the captured log holds only its own lines.
#[tokio::test]
async fn every_kind_of_bad_input_is_logged_once_and_the_next_event_answered() {
    let log = LOG.get_or_init(LogCapture::install).clone();

    // Forward WebSocket: garbage frames.
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let bot = start(app(), OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).unwrap());
    assert!(napcat.wait_connections(1, WAIT).await);
    let mut good = 0;

    let mut broken_cq = napcat.group_message(1, "");
    broken_cq["message"] = json!("/echo [CQ:face,id=1");
    let mut bad_field = napcat.group_message(2, "/echo typed wrong");
    bad_field["sub_type"] = json!(5);
    let bad: Vec<String> = vec![
        "not json at all".into(),
        r#"{"post_type":"message","message_type":"gro"#.into(),
        "x".repeat(16 << 20),
        "[1,2,3]".into(),
        json!({"post_type": "weird", "self_id": 10000, "time": 1}).to_string(),
        bad_field.to_string(),
    ];
    for frame in bad {
        napcat.push_text(frame).await;
        next_good(&napcat, &mut good).await;
    }
    napcat.push(broken_cq).await;
    let calls = napcat.wait_calls("send_group_msg", good as usize + 1, WAIT).await;
    assert_eq!(sent_text(&calls[good as usize].params), "[CQ:face,id=1", "a broken code stays text");
    good += 1;
    next_good(&napcat, &mut good).await;
    bot.abort();

    // Reverse WebSocket: a wrong token is refused, a right one then works.
    let adapter = OneBotAdapter::new(config("[onebot]\nlisten = \"127.0.0.1:0\"\ntoken = \"tok\"")).unwrap();
    let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
    let bot = start(app(), adapter);
    let refused = FakeNapCat::reverse(&url, Options { token: Some("bad".into()), ..Default::default() }).await;
    assert!(refused.is_err());
    let rev = FakeNapCat::reverse(&url, Options { token: Some("tok".into()), ..Default::default() }).await.unwrap();
    rev.push(rev.group_message(1, "/echo after bad token")).await;
    answered(&rev, 1, "after bad token").await;
    bot.abort();

    // HTTP POST: a bad signature is refused, a good one answered.
    let mut http = FakeNapCat::http(None, Options { secret: Some("key".into()), ..Default::default() }).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\n[[onebot.connections]]\nkind = \"http\"\napi = \"{}\"\nlisten = \"127.0.0.1:0\"\nsecret = \"key\"",
        http.api_url()
    )))
    .unwrap();
    http.post_to(format!("http://{}/onebot/v11/http", adapter.listen_addrs()[0]));
    let bot = start(app(), adapter);
    let body = http.group_message(1, "/echo forged").to_string().into_bytes();
    assert_eq!(http.post_raw(body, Some("sha1=deadbeef".into())).await.unwrap().0, 403);
    let (status, reply) = http.post(&http.group_message(2, "/echo signed")).await.unwrap();
    assert_eq!((status, reply.contains("signed")), (200, true), "{reply}");
    bot.abort();

    assert_eq!(log.count(&["ignored a frame of"]), 4, "non-JSON, truncated, 16 MiB, array");
    assert_eq!(log.count(&["unknown post_type `weird`"]), 1);
    assert_eq!(log.count(&["unexpected type"]), 1);
    assert_eq!(log.count(&["malformed CQ code"]), 1);
    assert_eq!(log.count(&["wrong access token"]), 1);
    assert_eq!(log.count(&["X-Signature does not match"]), 1);
    assert_eq!(log.count(&["panicked"]), 0);
}
