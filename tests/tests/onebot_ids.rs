//! Ids that never lose a digit: NapCat and LLOneBot parse JSON into JavaScript doubles, so every id qqbot sends
//! beyond ±2⁵³ — in a reply's target, a quote, a recall or any API call — must leave as a string with every digit.

mod onebot_support;

use onebot_support::{WAIT, config, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::prelude::*;
use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
use serde_json::{Value, json};

/// A 19-digit id, the size NapCat gives message ids: as a double it would become `7527129663562465000`.
const BIG: &str = "7527129663562465450";
const BIG_USER: &str = "7527129663562465451";

fn app() -> App {
    App::empty()
        .command(BotCommand::new("reply").word("/reply").handler(|_ctx: Ctx| async { "好" }))
        .command(BotCommand::new("quote").word("/quote").handler(|ctx: Ctx| async move {
            let id = ctx.message_event().map(|m| m.message_id.clone()).unwrap_or_default();
            Message::new().reply(id).text("引用")
        }))
        .command(BotCommand::new("recall").word("/recall").handler(|ctx: Ctx| async move {
            let target = ctx.target().ok_or(qqbot::Error::Missing { what: "target" })?;
            ctx.bot().recall(&target, BIG).await?;
            Ok::<_, qqbot::Error>(())
        }))
        .command(BotCommand::new("calls").word("/calls").handler(|ctx: Ctx| async move {
            let api = ctx.onebot()?;
            api.set_essence_msg(BIG).await?;
            api.set_group_ban(BIG, BIG_USER, 60).await?;
            api.delete_msg(BIG).await?;
            Ok::<_, qqbot::Error>(())
        }))
}

/// A group message whose group and message ids are 19-digit JSON numbers, as NapCat would send them.
fn big_group_message(napcat: &FakeNapCat, text: &str) -> String {
    let mut event = napcat.group_message(1, text);
    // serde_json::Value cannot hold the number without a double; splice the digits into the text instead.
    event["group_id"] = json!("@GROUP@");
    event["message_id"] = json!("@MESSAGE@");
    event.to_string().replace("\"@GROUP@\"", BIG).replace("\"@MESSAGE@\"", BIG)
}

fn is_big_string(v: &Value) -> bool {
    v.as_str() == Some(BIG)
}

#[tokio::test]
async fn replies_quotes_recalls_and_api_calls_send_19_digit_ids_as_strings() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).unwrap();
    napcat.answer("set_essence_msg", Answer::OkNoData);
    napcat.answer("set_group_ban", Answer::OkNoData);
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");

    napcat.push_text(big_group_message(&napcat, "/reply")).await;
    let sent = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    assert!(is_big_string(&sent[0].params["group_id"]), "reply target: {}", sent[0].params);

    napcat.push_text(big_group_message(&napcat, "/quote")).await;
    let sent = napcat.wait_calls("send_group_msg", 2, WAIT).await;
    let quote = &sent[1].params["message"][0];
    assert_eq!(quote["type"], "reply");
    assert!(is_big_string(&quote["data"]["id"]), "quoted id: {quote}");

    napcat.push_text(big_group_message(&napcat, "/recall")).await;
    let recalls = napcat.wait_calls("delete_msg", 1, WAIT).await;
    assert!(is_big_string(&recalls[0].params["message_id"]), "recall: {}", recalls[0].params);

    napcat.push_text(big_group_message(&napcat, "/calls")).await;
    let recalls = napcat.wait_calls("delete_msg", 2, WAIT).await;
    assert!(is_big_string(&recalls[1].params["message_id"]), "delete_msg: {}", recalls[1].params);
    let essence = napcat.calls_of("set_essence_msg");
    assert!(is_big_string(&essence[0].params["message_id"]), "set_essence_msg: {}", essence[0].params);
    let ban = napcat.calls_of("set_group_ban");
    assert!(is_big_string(&ban[0].params["group_id"]), "set_group_ban: {}", ban[0].params);
    assert_eq!(ban[0].params["user_id"], BIG_USER);
    assert_eq!(ban[0].params["duration"], 60);
    bot.abort();
}

#[tokio::test]
async fn ids_a_javascript_number_holds_stay_numbers() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).unwrap();
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");
    napcat.push(napcat.group_message(9_007_199_254_740_991, "/reply")).await;
    let sent = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    assert_eq!(sent[0].params["group_id"], 20001, "small ids go as numbers, as every implementation accepts");
    bot.abort();
}

#[tokio::test]
async fn large_ids_number_sends_every_digit_as_a_json_number_for_implementations_that_want_one() {
    // Lagrange and go-cqhttp read 64-bit integers exactly; `large_ids = "number"` is for such an implementation.
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let toml = format!("[onebot]\nuri = \"{}\"\nlarge_ids = \"number\"", napcat.ws_url());
    let adapter = OneBotAdapter::new(config(&toml)).unwrap();
    napcat.answer("set_essence_msg", Answer::OkNoData);
    napcat.answer("set_group_ban", Answer::OkNoData);
    let bot = start(app(), adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");
    let big: u64 = BIG.parse().unwrap();

    napcat.push_text(big_group_message(&napcat, "/reply")).await;
    let sent = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    assert_eq!(sent[0].params["group_id"].as_u64(), Some(big), "reply target: {}", sent[0].params);

    napcat.push_text(big_group_message(&napcat, "/recall")).await;
    let recalls = napcat.wait_calls("delete_msg", 1, WAIT).await;
    assert_eq!(recalls[0].params["message_id"].as_u64(), Some(big), "recall: {}", recalls[0].params);

    napcat.push_text(big_group_message(&napcat, "/calls")).await;
    napcat.wait_calls("delete_msg", 2, WAIT).await;
    let ban = napcat.calls_of("set_group_ban");
    assert_eq!(ban[0].params["group_id"].as_u64(), Some(big), "set_group_ban: {}", ban[0].params);
    assert_eq!(ban[0].params["user_id"].as_u64(), BIG_USER.parse().ok(), "set_group_ban: {}", ban[0].params);
    bot.abort();
}
