//! Every send path of the official adapter produces the documented request: endpoint, headers and JSON body.

use std::sync::Arc;

use qqbot::adapter::official::media::{ChainBuilder, MediaSource};
use qqbot::adapter::official::{
    OfficialAdapter, OfficialBot, OfficialError, OfficialErrorKind, ReplyTo, ark, keyboard_template, markdown_template,
};
use qqbot::message::Media;
use qqbot::prelude::*;
use qqbot::testing::official::{APPID, FakeOfficial, RecordedRequest};
use serde_json::json;

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A chain builder that hands out fixed URLs for images and bytes for voice and video, like an uploader would.
struct TestChain;

impl ChainBuilder for TestChain {
    fn get_image<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(async move { Ok(MediaSource::Url(format!("https://cdn.example/{}", media.file))) })
    }
    fn get_voice<'a>(&'a self, _: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(async { Ok(MediaSource::Bytes(b"#!SILK_V3".to_vec())) })
    }
    fn get_video<'a>(&'a self, _: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(async { Ok(MediaSource::Bytes(vec![0, 1, 2])) })
    }
    fn get_file<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(async move { Ok(MediaSource::Url(format!("https://cdn.example/{}", media.file))) })
    }
}

async fn bot(fake: &FakeOfficial, chain: bool) -> OfficialBot {
    let api = OfficialAdapter::new(fake.config()).unwrap().api().unwrap();
    let chain: Option<Arc<dyn ChainBuilder>> = if chain { Some(Arc::new(TestChain)) } else { None };
    OfficialBot::new("BOT", api, chain)
}

fn posts(fake: &FakeOfficial) -> Vec<RecordedRequest> {
    fake.requests().into_iter().filter(|r| r.method != "GET").collect()
}

#[tokio::test]
async fn text_to_every_scene() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    let reply = ReplyTo::Message("M1".into());
    let id = bot.deliver(&Target::Group("G".into()), Some(&reply), "hi".into()).await.unwrap();
    assert!(id.starts_with("msg-"));
    bot.deliver(&Target::Private("U".into()), Some(&reply), "hi".into()).await.unwrap();
    bot.deliver(&Target::Channel("C".into()), Some(&reply), Message::new().text("hi ").at("U2")).await.unwrap();
    bot.deliver(&Target::Dm("DMG".into()), Some(&ReplyTo::Event("E1".into())), "hi".into()).await.unwrap();
    bot.send(&Target::Group("G2".into()), "proactive".into()).await.unwrap();

    let r = posts(&fake);
    let summary: Vec<(&str, &str)> = r.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            ("POST", "/v2/groups/G/messages"),
            ("POST", "/v2/users/U/messages"),
            ("POST", "/channels/C/messages"),
            ("POST", "/dms/DMG/messages"),
            ("POST", "/v2/groups/G2/messages"),
        ]
    );
    assert_eq!(r[0].body, json!({"msg_type": 0, "content": "hi", "msg_id": "M1", "msg_seq": 1}));
    // Reply chains are keyed by the id replied to, so a second reply to M1 gets msg_seq 2.
    assert_eq!(r[1].body, json!({"msg_type": 0, "content": "hi", "msg_id": "M1", "msg_seq": 2}));
    assert_eq!(r[2].body, json!({"content": "hi <@!U2>", "msg_id": "M1"}));
    assert_eq!(r[3].body, json!({"content": "hi", "event_id": "E1"}));
    // Proactive: no msg_id, no msg_seq.
    assert_eq!(r[4].body, json!({"msg_type": 0, "content": "proactive"}));
    for req in &r {
        assert_eq!(req.authorization.as_deref(), Some("QQBot fake-token-1"));
        assert_eq!(req.union_appid.as_deref(), Some(APPID));
        assert_eq!(req.content_type.as_deref(), Some("application/json"));
    }
}

#[tokio::test]
async fn markdown_templates_keyboards_ark_and_embed() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    let reply = ReplyTo::Message("M".into());
    let g = Target::Group("G".into());
    bot.deliver(&g, Some(&reply), Message::new().markdown("# 标题\n正文")).await.unwrap();
    let tpl = Message::new()
        .push(markdown_template("101993071_1658748972", vec![("title".into(), vec!["标题".into()])]))
        .push(keyboard_template("123_456"));
    bot.deliver(&g, Some(&reply), tpl).await.unwrap();
    let custom_kb = json!({"content": {"rows": [{"buttons": [{"id": "1", "render_data": {"label": "ok", "visited_label": "ok", "style": 1},
        "action": {"type": 1, "permission": {"type": 2}, "data": "ok", "unsupport_tips": "update"}}]}]}});
    bot.deliver(&g, Some(&reply), Message::new().keyboard(custom_kb.clone())).await.unwrap();
    bot.deliver(&g, Some(&reply), Message::new().push(ark(23, vec![("#DESC#".into(), "描述".into())]))).await.unwrap();
    let embed = json!({"title": "标题", "prompt": "提示", "fields": [{"name": "a"}]});
    bot.deliver(&Target::Channel("C".into()), None, Message::new().push(Segment::Embed(embed.clone()))).await.unwrap();

    let r = posts(&fake);
    assert_eq!(r[0].body, json!({"msg_type": 2, "markdown": {"content": "# 标题\n正文"}, "msg_id": "M", "msg_seq": 1}));
    assert_eq!(
        r[1].body,
        json!({"msg_type": 2, "markdown": {"custom_template_id": "101993071_1658748972", "params": [{"key": "title", "values": ["标题"]}]},
               "keyboard": {"id": "123_456"}, "msg_id": "M", "msg_seq": 2})
    );
    assert_eq!(r[2].body, json!({"msg_type": 2, "keyboard": custom_kb, "msg_id": "M", "msg_seq": 3}));
    assert_eq!(
        r[3].body,
        json!({"msg_type": 3, "ark": {"template_id": 23, "kv": [{"key": "#DESC#", "value": "描述"}]}, "msg_id": "M", "msg_seq": 4})
    );
    assert_eq!(r[4].path, "/channels/C/messages");
    assert_eq!(r[4].body, json!({"embed": embed}));
}

#[tokio::test]
async fn group_and_c2c_media_upload_then_msg_type_7() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, true).await;
    let reply = ReplyTo::Message("M".into());
    bot.deliver(&Target::Group("G".into()), Some(&reply), Message::new().text("看").image("cat.png")).await.unwrap();
    bot.deliver(&Target::Private("U".into()), Some(&reply), Message::new().record("hello.mp3").video("v.mp4"))
        .await
        .unwrap();

    let r = posts(&fake);
    let summary: Vec<&str> = r.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        summary,
        vec![
            "/v2/groups/G/files",
            "/v2/groups/G/messages",
            "/v2/users/U/files",
            "/v2/users/U/messages",
            "/v2/users/U/files",
            "/v2/users/U/messages"
        ]
    );
    assert_eq!(r[0].body, json!({"file_type": 1, "url": "https://cdn.example/cat.png", "srv_send_msg": false}));
    assert_eq!(
        r[1].body,
        json!({"msg_type": 7, "content": "看", "media": {"file_info": "file-info-1"}, "msg_id": "M", "msg_seq": 1})
    );
    // Voice bytes travel as base64 `file_data`.
    assert_eq!(r[2].body, json!({"file_type": 3, "file_data": "IyFTSUxLX1Yz", "srv_send_msg": false}));
    assert_eq!(r[3].body["msg_type"], 7);
    assert_eq!(r[3].body["content"], " ");
    assert_eq!(r[3].body["msg_seq"], 2);
    assert_eq!(r[4].body["file_type"], 2);
    assert_eq!(r[5].body["msg_seq"], 3);
}

#[tokio::test]
async fn guild_images_by_url_or_multipart() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    bot.deliver(&Target::Channel("C".into()), None, Message::new().text("图").image("https://x.example/a.png"))
        .await
        .unwrap();
    bot.deliver(
        &Target::Dm("D".into()),
        Some(&ReplyTo::Message("M".into())),
        Message::new().image("base64://aGVsbG8="),
    )
    .await
    .unwrap();
    let r = posts(&fake);
    assert_eq!(r[0].body, json!({"content": "图", "image": "https://x.example/a.png"}));
    assert_eq!(r[1].path, "/dms/D/messages");
    assert!(r[1].content_type.as_deref().unwrap().starts_with("multipart/form-data"));
    let form = r[1].body.as_str().unwrap();
    assert!(form.contains("name=\"file_image\""), "{form}");
    assert!(form.contains("hello"), "{form}");
    assert!(form.contains("name=\"msg_id\""), "{form}");
}

#[tokio::test]
async fn recall_and_interaction_ack_and_dm_session() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    bot.recall(&Target::Group("G".into()), "ROBOT1.0_x!").await.unwrap();
    bot.recall(&Target::Private("U".into()), "m").await.unwrap();
    bot.recall(&Target::Channel("C".into()), "m").await.unwrap();
    bot.recall(&Target::Dm("D".into()), "m").await.unwrap();
    bot.api().ack_interaction("I1", 0).await.unwrap();
    bot.api().create_dm("U", "GUILD").await.unwrap();
    let r = posts(&fake);
    let summary: Vec<(&str, &str)> = r.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            ("DELETE", "/v2/groups/G/messages/ROBOT1.0_x%21"),
            ("DELETE", "/v2/users/U/messages/m"),
            ("DELETE", "/channels/C/messages/m?hidetip=true"),
            ("DELETE", "/dms/D/messages/m?hidetip=true"),
            ("PUT", "/interactions/I1"),
            ("POST", "/users/@me/dms"),
        ]
    );
    assert_eq!(r[4].body, json!({"code": 0}));
    assert_eq!(r[5].body, json!({"recipient_id": "U", "source_guild_id": "GUILD"}));
}

#[tokio::test]
async fn duplicate_msg_seq_is_retried_with_a_later_number() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    fake.script("/v2/groups/G/messages", 400, json!({"code": 40054005, "message": "消息被去重，请检查请求msgseq"}));
    bot.deliver(&Target::Group("G".into()), Some(&ReplyTo::Message("M".into())), "x".into()).await.unwrap();
    let r = posts(&fake);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].body["msg_seq"], 1);
    assert_eq!(r[1].body["msg_seq"], 17);
}

#[tokio::test]
async fn platform_errors_are_typed_and_say_what_to_do() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    fake.script(
        "/v2/groups/G/messages",
        400,
        json!({"code": 40034005, "message": "reply msg_id expired", "trace_id": "T9"}),
    );
    let err =
        bot.deliver(&Target::Group("G".into()), Some(&ReplyTo::Message("M".into())), "x".into()).await.unwrap_err();
    let official = OfficialError::find(&err).expect("an official error");
    assert_eq!(official.kind, OfficialErrorKind::ReplyExpired);
    assert_eq!(official.trace_id.as_deref(), Some("T9"));
    assert!(err.to_string().contains("ctx.send"), "{err}");

    fake.script("/v2/users/U/messages", 429, json!({"code": 22009, "message": "msg limit exceed"}));
    let err = bot.send(&Target::Private("U".into()), "x".into()).await.unwrap_err();
    assert_eq!(OfficialError::find(&err).unwrap().kind, OfficialErrorKind::RateLimited);

    fake.script(
        "/channels/C/messages",
        202,
        json!({"code": 304023, "message": "push message is waiting for audit now", "data": {"message_audit": {"audit_id": "A1"}}}),
    );
    let err = bot.send(&Target::Channel("C".into()), "x".into()).await.unwrap_err();
    assert_eq!(
        OfficialError::find(&err).unwrap().kind,
        OfficialErrorKind::AuditPending { audit_id: Some("A1".into()) }
    );

    let err = bot.send(&Target::Group("G".into()), Message::new().dice()).await.unwrap_err();
    assert!(err.to_string().contains("dice"), "{err}");
}

#[tokio::test]
async fn replies_to_events_use_event_id() {
    let fake = FakeOfficial::start().await.unwrap();
    let bot = bot(&fake, false).await;
    let frame: qqbot::adapter::official::model::Payload = serde_json::from_str(
        &json!({"op": 0, "t": "GROUP_ADD_ROBOT",
        "id": "GROUP_ADD_ROBOT:1", "d": {"group_openid": "G", "op_member_openid": "M", "timestamp": 1}})
        .to_string(),
    )
    .unwrap();
    let event = qqbot::adapter::official::to_event(qqbot::adapter::official::OfficialEvent::from_payload(frame), "BOT");
    bot.reply(&event, "欢迎".into()).await.unwrap();
    let r = posts(&fake);
    assert_eq!(r[0].path, "/v2/groups/G/messages");
    assert_eq!(r[0].body, json!({"msg_type": 0, "content": "欢迎", "event_id": "GROUP_ADD_ROBOT:1", "msg_seq": 1}));
}
