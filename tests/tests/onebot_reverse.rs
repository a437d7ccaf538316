//! Reverse WebSocket: implementations connect to the bot's listener; several accounts share it; credentials are
//! checked before the upgrade.

mod onebot_support;

use onebot_support::{WAIT, app, config, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{DropKind, FakeNapCat, Options};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn adapter(token: &str) -> (OneBotAdapter, String) {
    let adapter =
        OneBotAdapter::new(config(&format!("[onebot]\nlisten = \"127.0.0.1:0\"\ntoken = \"{token}\""))).unwrap();
    let addr = adapter.listen_addrs()[0];
    (adapter, format!("ws://{addr}/onebot/v11/ws"))
}

fn account(id: i64, token: &str) -> Options {
    Options { self_id: id, token: Some(token.into()), ..Default::default() }
}

#[tokio::test]
async fn two_accounts_on_one_listener_each_get_their_replies() {
    let (adapter, url) = adapter("tok");
    let bot = start(app(), adapter);
    let a = FakeNapCat::reverse(&url, account(111, "tok")).await.unwrap();
    let b = FakeNapCat::reverse(&url, account(222, "tok")).await.unwrap();

    a.push(a.group_message(1, "/echo from a")).await;
    b.push(b.group_message(1, "/echo from b")).await;
    assert_eq!(sent_text(&a.wait_calls("send_group_msg", 1, WAIT).await[0].params), "from a");
    assert_eq!(sent_text(&b.wait_calls("send_group_msg", 1, WAIT).await[0].params), "from b");

    b.push(b.group_message(2, "/api")).await;
    let calls = b.wait_calls("send_group_msg", 2, WAIT).await;
    assert_eq!(sent_text(&calls[1].params), "nickname=NapCat");
    assert_eq!(b.calls_of("get_login_info").len(), 1);
    assert!(a.calls_of("get_login_info").is_empty(), "account a's link must not carry b's calls");
    assert_eq!(a.calls_of("send_group_msg").len(), 1);
    bot.abort();
}

#[tokio::test]
async fn an_account_that_reconnects_keeps_being_answered() {
    let (adapter, url) = adapter("tok");
    let bot = start(app(), adapter);
    let mut a = FakeNapCat::reverse(&url, account(111, "tok")).await.unwrap();
    a.push(a.group_message(1, "/echo one")).await;
    a.wait_calls("send_group_msg", 1, WAIT).await;
    a.drop_connections(DropKind::Reset);
    a.connect().await.unwrap();
    a.push(a.group_message(2, "/echo two")).await;
    let calls = a.wait_calls("send_group_msg", 2, WAIT).await;
    assert_eq!(sent_text(&calls[1].params), "two");
    bot.abort();
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused_before_the_upgrade() {
    let (adapter, url) = adapter("tok");
    let bot = start(app(), adapter);
    let wrong = FakeNapCat::reverse(&url, account(111, "nope")).await.unwrap_err();
    assert!(wrong.contains("403"), "{wrong}");
    let missing =
        FakeNapCat::reverse(&url, Options { self_id: 111, token: None, ..Default::default() }).await.unwrap_err();
    assert!(missing.contains("401"), "{missing}");

    // The token may come as a query parameter; X-Self-ID is still required.
    let mut req = format!("{url}?access_token=tok").into_client_request().unwrap();
    req.headers_mut().remove("x-self-id");
    let no_id = tokio_tungstenite::connect_async(req).await.unwrap_err().to_string();
    assert!(no_id.contains("400"), "{no_id}");
    let wrong_path = tokio_tungstenite::connect_async(url.replace("/ws", "/wx")).await.unwrap_err().to_string();
    assert!(wrong_path.contains("404"), "{wrong_path}");

    let good = FakeNapCat::reverse(&format!("{url}?access_token=tok"), Options { self_id: 111, ..Default::default() })
        .await
        .unwrap();
    good.push(good.group_message(1, "/echo still fine")).await;
    assert_eq!(sent_text(&good.wait_calls("send_group_msg", 1, WAIT).await[0].params), "still fine");
    bot.abort();
}
