//! HTTP API + HTTP POST: events pushed to the bot with `X-Signature`, replies as quick operations, API calls over
//! HTTP.

mod onebot_support;

use onebot_support::{WAIT, app, config, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{FakeNapCat, Options};

async fn setup(secret: &str, window: f64) -> (FakeNapCat, tokio::task::JoinHandle<qqbot::Result<()>>) {
    let options = Options { token: Some("api-token".into()), secret: Some(secret.into()), ..Default::default() };
    let mut napcat = FakeNapCat::http(None, options).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\ntimeout = 5\nquick_reply_window = {window}\n[[onebot.connections]]\nkind = \"http\"\napi = \"{}\"\nlisten = \"127.0.0.1:0\"\ntoken = \"api-token\"\nsecret = \"{secret}\"",
        napcat.api_url()
    )))
    .unwrap();
    napcat.post_to(format!("http://{}/onebot/v11/http", adapter.listen_addrs()[0]));
    (napcat, start(app(), adapter))
}

#[tokio::test]
async fn replies_come_back_as_quick_operations_and_api_calls_go_over_http() {
    let (napcat, bot) = setup("hmac-key", 1.0).await;
    let (status, body) = napcat.post(&napcat.group_message(1, "/echo 快速回复")).await.unwrap();
    assert_eq!(status, 200, "{body}");
    let op: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(op["reply"][0]["data"]["text"], "快速回复");
    assert_eq!(op["at_sender"], false);

    let (status, body) = napcat.post(&napcat.group_message(2, "/api")).await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("nickname=NapCat"), "{body}");
    assert_eq!(napcat.wait_calls("get_login_info", 1, WAIT).await.len(), 1);

    // A notice needs no quick operation.
    let notice = serde_json::json!({"time": 1, "self_id": 10000, "post_type": "notice", "notice_type": "friend_add", "user_id": 5});
    assert_eq!(napcat.post(&notice).await.unwrap().0, 204);

    // An error from the HTTP API is typed: the handler sees NapCat's retcode.
    let (_, body) = napcat.post(&napcat.group_message(3, "/fail")).await.unwrap();
    assert!(body.contains("1404"), "{body}");
    bot.abort();
}

#[tokio::test]
async fn a_reply_after_the_quick_window_goes_through_the_api() {
    let (napcat, bot) = setup("k", 0.05).await;
    let (status, _) = napcat.post(&napcat.group_message(1, "/slow")).await.unwrap();
    assert_eq!(status, 204, "the window closed before the handler replied");
    let calls = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    assert_eq!(sent_text(&calls[0].params), "late");
    assert_eq!(calls[0].params["group_id"], 20001);
    bot.abort();
}

#[tokio::test]
async fn unsigned_or_badly_signed_events_are_refused() {
    let (napcat, bot) = setup("right-key", 1.0).await;
    let body = napcat.group_message(1, "/echo x").to_string().into_bytes();
    let (status, _) = napcat.post_raw(body.clone(), None).await.unwrap();
    assert_eq!(status, 401);
    let (status, _) = napcat.post_raw(body.clone(), Some("sha1=0000".into())).await.unwrap();
    assert_eq!(status, 403);
    let forged = qqbot::adapter::onebot::sign("wrong-key", &body);
    assert_eq!(napcat.post_raw(body, Some(forged)).await.unwrap().0, 403);
    let (status, body) = napcat.post(&napcat.group_message(2, "/echo ok")).await.unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("\"ok\""), "{body}");
    bot.abort();
}
