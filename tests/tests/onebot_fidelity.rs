//! Payloads real implementations send decode to typed events: poke notices whose `raw_message` is an array (older
//! NapCat and LLOneBot), `at` segments with a display `name` (go-cqhttp, LLOneBot) or a numeric `qq` (NapCat's
//! documented form). Mentions work in every form; the neutral message model round-trips through serde.

mod onebot_support;

use onebot_support::{WAIT, config, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::adapter::onebot::{Frame, decode_frame, segment_to_wire, to_event};
use qqbot::event::Notice;
use qqbot::message::Mention;
use qqbot::prelude::*;
use qqbot::testing::napcat::{FakeNapCat, Options};
use serde_json::json;

fn event(text: &str) -> Event {
    match decode_frame(text) {
        Ok(Frame::Event(ev)) => to_event(*ev, "10000"),
        other => panic!("not an event: {other:?}"),
    }
}

#[test]
fn a_poke_whose_raw_message_is_an_array_is_a_poke() {
    let frame = json!({
        "time": 1_700_000_000, "self_id": 10000, "post_type": "notice", "notice_type": "notify", "sub_type": "poke",
        "group_id": 20001, "user_id": 30001, "target_id": 10000,
        "raw_info": [{"col": "1", "nm": "", "type": "qq", "uid": "u_1"}, {"jp": "", "src": "", "type": "img"}],
        "raw_message": [{"type": "qq", "uid": "u_1"}, {"type": "nor", "txt": "戳了戳"}]
    });
    let Event::Notice(n) = event(&frame.to_string()) else { panic!("a notice") };
    let Notice::Poked(p) = &n.kind else { panic!("a poke, got {:?}", n.kind) };
    assert_eq!((p.user_id.as_str(), p.target_id.as_str(), p.group_id.as_deref()), ("30001", "10000", Some("20001")));
}

fn group_message_with(at: serde_json::Value, text: &str) -> String {
    json!({
        "time": 1_700_000_000, "self_id": 10000, "post_type": "message", "message_type": "group", "sub_type": "normal",
        "message_id": 1, "group_id": 20001, "user_id": 30001, "sender": {"user_id": 30001, "nickname": "u", "role": "member"},
        "message": [at, {"type": "text", "data": {"text": text}}], "raw_message": "", "font": 0
    })
    .to_string()
}

#[test]
fn every_at_form_is_a_mention_and_encodes_back_as_it_came() {
    let forms = [
        json!({"type": "at", "data": {"qq": "123456789"}}),
        json!({"type": "at", "data": {"qq": 123456789}}),
        json!({"type": "at", "data": {"qq": "123456789", "name": "此栏无效，此人在群里"}}),
    ];
    for form in forms {
        let Event::Message(m) = event(&group_message_with(form.clone(), " 你好")) else { panic!("a message") };
        assert_eq!(m.message.mentions().collect::<Vec<_>>(), ["123456789"], "{form}");
        let Segment::At(mention) = &m.message.segments()[0] else { panic!("{form} is not Segment::At") };
        let (kind, data) = segment_to_wire(&m.message.segments()[0]);
        assert_eq!(json!({"type": kind, "data": data}), form, "re-encoded differently");
        if form["data"].get("name").is_some() {
            assert_eq!(mention.name(), Some("此栏无效，此人在群里"));
        }
    }
}

#[test]
fn a_numeric_at_of_the_bot_mentions_it() {
    let Event::Message(m) = event(&group_message_with(json!({"type": "at", "data": {"qq": 10000}}), " /ping")) else {
        panic!("a message")
    };
    assert!(m.mentions_me());
}

#[test]
fn messages_round_trip_through_serde() {
    let message = Message::new()
        .reply("99")
        .push(Mention::new("1").with_name("小明"))
        .text("你好")
        .face("178")
        .image("https://example.com/a.png")
        .push(Segment::AtAll);
    let json = serde_json::to_value(&message).unwrap();
    assert_eq!(json[1], json!({"type": "at", "data": {"id": "1", "name": "小明"}}));
    assert_eq!(json[2], json!({"type": "text", "data": "你好"}));
    let back: Message = serde_json::from_value(json).unwrap();
    assert_eq!(back, message);
}

/// 禁言（测试）
#[command("/ban")]
async fn ban(target: At) -> String {
    format!("ban {}", target.user_id())
}

#[tokio::test]
async fn an_at_argument_and_the_at_check_see_numeric_mentions() {
    let napcat = FakeNapCat::forward(Options { lifecycle: false, ..Default::default() }).await.unwrap();
    let app = App::empty()
        .command(ban::command())
        .command(BotCommand::new("ping").word("/ping").at(true).handler(|_ctx: Ctx| async { "pong" }));
    let adapter = OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).unwrap();
    let bot = start(app, adapter);
    assert!(napcat.wait_connections(1, WAIT).await);

    let ban = json!({
        "time": 1, "self_id": 10000, "post_type": "message", "message_type": "group", "sub_type": "normal",
        "message_id": 2, "group_id": 20001, "user_id": 30001, "sender": {"user_id": 30001, "role": "member"},
        "message": [{"type": "text", "data": {"text": "/ban "}}, {"type": "at", "data": {"qq": 123456789}}]
    });
    napcat.push(ban).await;
    let sent = napcat.wait_calls("send_group_msg", 1, WAIT).await;
    assert_eq!(sent_text(&sent[0].params), "ban 123456789");

    napcat.push_text(group_message_with(json!({"type": "at", "data": {"qq": 10000}}), " /ping")).await;
    let sent = napcat.wait_calls("send_group_msg", 2, WAIT).await;
    assert_eq!(sent_text(&sent[1].params), "pong");
    bot.abort();
}
