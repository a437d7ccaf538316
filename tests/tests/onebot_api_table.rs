//! Every public method of `OneBotApi`, called once: the wire action and params it sends, and what it decodes
//! from a realistic answer (from the corpus where one exists). The table runs against the fake NapCat over
//! loopback three times, always with the API a handler gets: through the adapter's WebSocket connection (frame
//! encode, echo-correlated answer, decode), through the adapter's HTTP API connection, and through the
//! go-cqhttp-style HTTP client. Coverage tests fail when a method of ncatbot or Aha (NapCat
//! extras), or any public method in the source, has no row.

mod onebot_api_support;
mod onebot_support;

use std::collections::BTreeSet;

use futures_util::future::BoxFuture;
use onebot_api_support::{corpus, ok};
use onebot_support::{WAIT, config, start};
use qqbot::adapter::onebot::api::{
    DownloadFile, HonorType, MusicPlatform, OnlineStatus, PostFile, PostMsg, QuickOperation, Sex,
};
use qqbot::adapter::onebot::cqhttp::{HttpApi, HttpApiOptions};
use qqbot::adapter::onebot::{OneBotAdapter, OneBotApi};
use qqbot::message::{ForwardNode, Message, Music, MusicKind, Segment};
use qqbot::prelude::*;
use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
use qqbot::{Role, Target};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// The access token the fake demands.
const TOKEN: &str = "table-token";

type Run = Box<dyn Fn(OneBotApi) -> BoxFuture<'static, qqbot::Result<()>> + Send + Sync>;

struct Call {
    action: &'static str,
    params: Value,
    answer: Value,
}

struct Row {
    name: &'static str,
    calls: Vec<Call>,
    run: Run,
}

fn call(action: &'static str, params: Value, answer: Value) -> Call {
    Call { action, params, answer }
}

/// `row!(method, [calls], |api| { body })`: the body calls `method` once and asserts on what it decoded.
macro_rules! row {
    ($name:ident, [$($call:expr),* $(,)?], |$api:ident| $body:block) => {
        Row {
            name: stringify!($name),
            calls: vec![$($call),*],
            run: Box::new(|$api: OneBotApi| Box::pin(async move {
                $body
                Ok(())
            })),
        }
    };
}

fn null() -> Value {
    ok(Value::Null)
}

fn member(level: &str) -> Value {
    json!({"group_id": 20002, "user_id": 30003, "nickname": "某人", "card": "", "role": "member", "level": level})
}

#[allow(clippy::too_many_lines)]
fn table() -> Vec<Row> {
    vec![
        // ---- messages ----
        row!(
            send_private_msg,
            [call(
                "send_private_msg",
                json!({"user_id": 30003, "message": [{"type": "text", "data": {"text": "hi"}}]}),
                corpus("synthesized/action.response.ok.gocq-send-msg.json")
            )],
            |api| {
                assert_eq!(api.send_private_msg("30003", "hi").await?.message_id, -1741385723);
            }
        ),
        row!(
            send_group_msg,
            [call(
                "send_group_msg",
                json!({"group_id": 20002, "message": [
                {"type": "text", "data": {"text": "表 情测试"}}, {"type": "face", "data": {"id": "138"}}]}),
                ok(json!({"message_id": 1437714257}))
            )],
            |api| {
                let sent = api.send_group_msg(20002, Message::new().text("表 情测试").face("138")).await?;
                assert_eq!(sent.message_id, 1437714257);
            }
        ),
        row!(
            send_group_msg,
            [call(
                "send_group_msg",
                json!({"group_id": 20002, "message": [{"type": "text", "data": {"text": "hi"}}]}),
                corpus("action.response.failed-1200-timeout.napcat-1.6.json")
            )],
            |api| {
                let err = api.send_group_msg(20002, "hi").await.expect_err("NapCat reported a send timeout");
                assert!(
                    matches!(&err, qqbot::Error::Api { code: 1200, message, .. } if message == "发送超时"),
                    "{err:?}"
                );
            }
        ),
        row!(
            send_msg,
            [call(
                "send_msg",
                json!({"message_type": "group", "group_id": 20002, "message": [{"type": "at", "data": {"qq": "all"}}]}),
                ok(json!({"message_id": 7}))
            )],
            |api| {
                assert_eq!(api.send_msg(&Target::Group("20002".into()), Message::new().at_all()).await?.message_id, 7);
            }
        ),
        row!(
            post_group_msg,
            [call(
                "send_group_msg",
                json!({"group_id": 123456789, "message": [
                {"type": "reply", "data": {"id": "13579"}},
                {"type": "text", "data": {"text": "你好呀"}},
                {"type": "face", "data": {"id": "178"}},
                {"type": "json", "data": {"data": "{\"app\":\"x\"}"}},
                {"type": "markdown", "data": {"content": "# 标题"}},
                {"type": "at", "data": {"qq": "123456"}},
                {"type": "music", "data": {"type": "163", "id": "28949129"}},
                {"type": "dice", "data": {}},
                {"type": "rps", "data": {}},
                {"type": "image", "data": {"file": "https://example.com/a.png"}},
                {"type": "text", "data": {"text": "链"}}]}),
                ok(json!({"message_id": 1}))
            )],
            |api| {
                let opts = PostMsg::text("你好呀")
                    .face(178)
                    .json("{\"app\":\"x\"}")
                    .markdown("# 标题")
                    .at(123456)
                    .reply(13579)
                    .music(Music {
                        kind: MusicKind::NetEase,
                        id: Some("28949129".into()),
                        url: None,
                        audio: None,
                        title: None,
                        content: None,
                        image: None,
                    })
                    .dice()
                    .rps()
                    .image("https://example.com/a.png")
                    .with_rtf(Message::new().text("链"));
                assert_eq!(api.post_group_msg(123456789, opts).await?.message_id, 1);
            }
        ),
        row!(
            post_group_msg,
            [call(
                "send_group_msg",
                json!({"group_id": 123456789, "message": [{"type": "text", "data": {"text": "你好"}}]}),
                ok(json!({"message_id": 2}))
            )],
            |api| {
                assert_eq!(api.post_group_msg(123456789, "你好").await?.message_id, 2);
            }
        ),
        row!(
            post_private_msg,
            [call(
                "send_private_msg",
                json!({"user_id": 10001, "message": [
                {"type": "reply", "data": {"id": "9"}}, {"type": "text", "data": {"text": "收到"}}]}),
                ok(json!({"message_id": 3}))
            )],
            |api| {
                // `at` is left out in private chats, as in ncatbot.
                assert_eq!(api.post_private_msg(10001, PostMsg::text("收到").at(5).reply(9)).await?.message_id, 3);
            }
        ),
        row!(
            post_group_file,
            [call(
                "send_group_msg",
                json!({"group_id": 20002, "message": [{"type": "record", "data": {"file": "file:///tmp/a.mp3"}}]}),
                ok(json!({"message_id": 4}))
            )],
            |api| {
                assert_eq!(api.post_group_file(20002, PostFile::record("file:///tmp/a.mp3")).await?.message_id, 4);
            }
        ),
        row!(
            post_private_file,
            [call(
                "send_private_msg",
                json!({"user_id": 30003, "message": [{"type": "file", "data": {"file": "/data/a.zip", "name": "资料.zip"}}]}),
                ok(json!({"message_id": 5}))
            )],
            |api| {
                let sent = api.post_private_file(30003, PostFile::named_file("/data/a.zip", "资料.zip")).await?;
                assert_eq!(sent.message_id, 5);
            }
        ),
        row!(
            send_group_forward_msg,
            [call(
                "send_group_forward_msg",
                json!({"group_id": 20002, "messages": [
                {"type": "node", "data": {"id": "123456789"}}, {"type": "node", "data": {"id": "987654321"}}]}),
                corpus("synthesized/action.response.send_forward_msg.napcat.json")
            )],
            |api| {
                let sent = api.send_group_forward_msg(20002, ["123456789", "987654321"]).await?;
                assert_eq!(sent.res_id.as_deref(), Some("hUw4TfBjJ2x..."));
            }
        ),
        row!(
            send_private_forward_msg,
            [call(
                "send_private_forward_msg",
                json!({"user_id": 123456789, "messages": [{"type": "node", "data": {"id": "1437714257"}}]}),
                corpus("synthesized/action.response.send_forward_msg.napcat.json")
            )],
            |api| {
                let sent = api.send_private_forward_msg(123456789, [1437714257i64]).await?;
                assert_eq!(sent.message_id, 1437714257);
            }
        ),
        row!(
            send_forward_msg,
            [call(
                "send_forward_msg",
                json!({"message_type": "group", "group_id": 20002, "messages": [
                {"type": "node", "data": {"user_id": "30003", "nickname": "某人",
                    "content": [{"type": "text", "data": {"text": "hello"}}]}},
                {"type": "node", "data": {"id": "1437714257"}}]}),
                corpus("synthesized/action.response.send_forward_msg.napcat.json")
            )],
            |api| {
                let nodes = [
                    ForwardNode {
                        id: None,
                        user_id: Some("30003".into()),
                        nickname: Some("某人".into()),
                        content: Message::from("hello"),
                    },
                    ForwardNode {
                        id: Some("1437714257".into()),
                        user_id: None,
                        nickname: None,
                        content: Message::new(),
                    },
                ];
                let sent = api.send_forward_msg(&Target::Group("20002".into()), nodes).await?;
                assert_eq!(sent.forward_id.as_deref(), Some("hUw4TfBjJ2x..."));
            }
        ),
        row!(
            forward_friend_single_msg,
            [call("forward_friend_single_msg", json!({"message_id": 1437714257, "user_id": 30003}), null())],
            |api| {
                api.forward_friend_single_msg(1437714257, 30003).await?;
            }
        ),
        row!(
            forward_group_single_msg,
            [call("forward_group_single_msg", json!({"message_id": 1437714257, "group_id": 20002}), null())],
            |api| {
                api.forward_group_single_msg("1437714257", "20002").await?;
            }
        ),
        row!(
            delete_msg,
            [call(
                "delete_msg",
                json!({"message_id": -964635551}),
                corpus("action.response.delete_msg.ok-no-data-key.napcat.json")
            )],
            |api| {
                api.delete_msg(-964635551).await?;
            }
        ),
        row!(
            get_msg,
            [call("get_msg", json!({"message_id": 1654096218}), corpus("action.response.get_msg.napcat-openapi.json"))],
            |api| {
                let msg = api.get_msg(1654096218).await?;
                assert_eq!(
                    (msg.message_id, msg.sender.user_id, msg.message_type.as_str()),
                    (123456, 123456789, "group")
                );
                assert_eq!(msg.message, json!("hello"));
                assert_eq!(msg.to_message(), Message::new().text("hello"));
            }
        ),
        row!(
            get_forward_msg,
            [call(
                "get_forward_msg",
                json!({"message_id": "7412345678901234567"}),
                corpus("synthesized/action.response.get_forward_msg.napcat-shape.json")
            )],
            |api| {
                let fwd = api.get_forward_msg("7412345678901234567").await?;
                assert_eq!(fwd.messages.len(), 1);
                assert_eq!(fwd.messages[0].sender.nickname, "某人");
                assert_eq!(fwd.messages[0].message_id, Some(1437714260));
                assert_eq!(fwd.messages[0].to_message(), Message::new().text("hello"));
            }
        ),
        row!(
            get_forward_msg,
            [call(
                "get_forward_msg",
                json!({"message_id": "abc"}),
                corpus("action.response.get_forward_msg.gocq-docs.json")
            )],
            |api| {
                let fwd = api.get_forward_msg("abc").await?;
                assert_eq!(fwd.messages[1].content, Some(json!("合并转发2[CQ:image,file=xxxx,url=xxxx]")));
                assert_eq!(fwd.messages[1].sender.user_id, 10087);
                let second = fwd.messages[1].to_message();
                assert_eq!(second.plain_text(), "合并转发2");
                assert!(matches!(&second.segments()[1], Segment::Image(img) if img.file == "xxxx"), "{second:?}");
            }
        ),
        row!(
            get_group_msg_history,
            [call(
                "get_group_msg_history",
                json!({"group_id": 20002, "count": 20, "reverse_order": false}),
                ok(
                    json!({"messages": [corpus("synthesized/action.response.get_forward_msg.napcat-shape.json")["data"]["messages"][0]]})
                )
            )],
            |api| {
                let history = api.get_group_msg_history(20002, None, 20, false).await?;
                assert_eq!(history[0].real_seq.as_deref(), Some("0"));
                assert_eq!(history[0].group_id, Some(284840486));
                assert_eq!(history[0].to_message(), Message::new().text("hello"));
            }
        ),
        row!(
            get_friend_msg_history,
            [call(
                "get_friend_msg_history",
                json!({"user_id": 30003, "message_seq": 1437714257, "count": 5, "reverse_order": true}),
                ok(json!({"messages": []}))
            )],
            |api| {
                assert!(api.get_friend_msg_history(30003, Some(1437714257.into()), 5, true).await?.is_empty());
            }
        ),
        row!(mark_msg_as_read, [call("mark_msg_as_read", json!({"user_id": 30003}), null())], |api| {
            api.mark_msg_as_read(&Target::Private("30003".into())).await?;
        }),
        row!(mark_group_msg_as_read, [call("mark_group_msg_as_read", json!({"group_id": 20002}), null())], |api| {
            api.mark_group_msg_as_read(20002).await?;
        }),
        row!(mark_private_msg_as_read, [call("mark_private_msg_as_read", json!({"user_id": 30003}), null())], |api| {
            api.mark_private_msg_as_read(30003).await?;
        }),
        row!(mark_all_as_read, [call("_mark_all_as_read", json!({}), ok(json!({})))], |api| {
            api.mark_all_as_read().await?;
        }),
        row!(
            set_msg_emoji_like,
            [call(
                "set_msg_emoji_like",
                json!({"message_id": 1437714257, "emoji_id": 76, "set": true}),
                ok(json!({"result": 0, "errMsg": ""}))
            )],
            |api| {
                api.set_msg_emoji_like(1437714257, 76, true).await?;
            }
        ),
        row!(
            get_recent_contact,
            [call(
                "get_recent_contact",
                json!({"count": 10}),
                corpus("action.response.get_recent_contact.napcat-openapi.json")
            )],
            |api| {
                let contacts = api.get_recent_contact(10).await?;
                assert_eq!((contacts[0].peer_uin.as_str(), contacts[0].msg_time), ("123456", 1734567890));
                assert_eq!(contacts[0].latest_message(), None);
            }
        ),
        row!(
            get_recent_contact,
            [call(
                "get_recent_contact",
                json!({"count": 1}),
                ok(json!([{"peerUin": "284840486", "chatType": 2, "msgTime": "1789500000",
                "lastestMsg": corpus("synthesized/action.response.get_forward_msg.napcat-shape.json")["data"]["messages"][0]}]))
            )],
            |api| {
                let contacts = api.get_recent_contact(1).await?;
                let latest = contacts[0].latest_message().expect("NapCat sends the latest message");
                assert_eq!((latest.message_id, latest.to_message()), (1437714260, Message::new().text("hello")));
            }
        ),
        row!(
            fetch_emoji_like,
            [call(
                "fetch_emoji_like",
                corpus("synthesized/action.request.fetch_emoji_like.napcat.json")["params"].clone(),
                ok(json!({"emojiLikesList": [{"tinyId": "30003", "nickName": "某人", "headUrl": "https://q1"}],
                "cookie": "c2", "isLastPage": true, "isFirstPage": true, "result": 0, "errMsg": ""}))
            )],
            |api| {
                let likes = api.fetch_emoji_like(1437714257, "76", 1, 20).await?;
                assert_eq!(likes.emoji_likes_list[0].nick_name, "某人");
                assert!(likes.is_last_page);
            }
        ),
        row!(send_poke, [call("send_poke", json!({"user_id": 30003, "group_id": 20002}), null())], |api| {
            api.send_poke(30003, Some(20002.into())).await?;
        }),
        row!(group_poke, [call("group_poke", json!({"group_id": 20002, "user_id": 30003}), null())], |api| {
            api.group_poke(20002, 30003).await?;
        }),
        row!(friend_poke, [call("friend_poke", json!({"user_id": 30003}), null())], |api| {
            api.friend_poke(30003).await?;
        }),
        row!(
            fetch_ptt_text,
            [call("fetch_ptt_text", json!({"message_id": 42}), ok(json!({"text": "你好"})))],
            |api| {
                assert_eq!(api.fetch_ptt_text(42).await?, "你好");
            }
        ),
        // ---- groups ----
        row!(
            set_group_kick,
            [call("set_group_kick", json!({"group_id": 20002, "user_id": 30003, "reject_add_request": false}), null())],
            |api| {
                api.set_group_kick(20002, 30003, false).await?;
            }
        ),
        row!(
            set_group_kick_members,
            [call(
                "set_group_kick_members",
                json!({"group_id": 20002, "user_id": ["30003", "30004"], "reject_add_request": true}),
                null()
            )],
            |api| {
                api.set_group_kick_members(20002, [30003, 30004], true).await?;
            }
        ),
        row!(
            set_group_ban,
            [call("set_group_ban", json!({"group_id": 20002, "user_id": 30003, "duration": 600}), null())],
            |api| {
                api.set_group_ban(20002, 30003, 600).await?;
            }
        ),
        row!(
            set_group_whole_ban,
            [call("set_group_whole_ban", json!({"group_id": 20002, "enable": true}), null())],
            |api| {
                api.set_group_whole_ban(20002, true).await?;
            }
        ),
        row!(
            set_group_admin,
            [call("set_group_admin", json!({"group_id": 20002, "user_id": 30003, "enable": false}), null())],
            |api| {
                api.set_group_admin(20002, 30003, false).await?;
            }
        ),
        row!(
            set_group_card,
            [call("set_group_card", json!({"group_id": 20002, "user_id": 30003, "card": "组长"}), null())],
            |api| {
                api.set_group_card(20002, 30003, "组长").await?;
            }
        ),
        row!(
            set_group_name,
            [call("set_group_name", json!({"group_id": 20002, "group_name": "新群名"}), null())],
            |api| {
                api.set_group_name(20002, "新群名").await?;
            }
        ),
        row!(set_group_leave, [call("set_group_leave", json!({"group_id": 20002}), null())], |api| {
            api.set_group_leave(20002).await?;
        }),
        row!(dismiss_group, [call("set_group_leave", json!({"group_id": 20002, "is_dismiss": true}), null())], |api| {
            api.dismiss_group(20002).await?;
        }),
        row!(
            set_group_special_title,
            [call(
                "set_group_special_title",
                json!({"group_id": 20002, "user_id": 30003, "special_title": "话痨"}),
                null()
            )],
            |api| {
                api.set_group_special_title(20002, 30003, "话痨").await?;
            }
        ),
        row!(
            set_group_portrait,
            [call(
                "set_group_portrait",
                json!({"group_id": 20002, "file": "https://example.com/p.png"}),
                ok(json!({"result": 0, "errMsg": ""}))
            )],
            |api| {
                api.set_group_portrait(20002, "https://example.com/p.png").await?;
            }
        ),
        row!(
            set_group_remark,
            [call("set_group_remark", json!({"group_id": 20002, "remark": "工作群"}), null())],
            |api| {
                api.set_group_remark(20002, "工作群").await?;
            }
        ),
        row!(
            set_group_anonymous_ban,
            [call(
                "set_group_anonymous_ban",
                json!({"group_id": 20002, "anonymous_flag": "f1", "duration": 60}),
                null()
            )],
            |api| {
                api.set_group_anonymous_ban(20002, "f1", 60).await?;
            }
        ),
        row!(
            set_group_anonymous,
            [call("set_group_anonymous", json!({"group_id": 20002, "enable": false}), null())],
            |api| {
                api.set_group_anonymous(20002, false).await?;
            }
        ),
        row!(
            set_group_add_request,
            [call(
                "set_group_add_request",
                json!({"flag": "1700000000", "approve": false, "reason": "请填写答案"}),
                null()
            )],
            |api| {
                api.set_group_add_request("1700000000", false, Some("请填写答案")).await?;
            }
        ),
        row!(
            get_group_system_msg,
            [call(
                "get_group_system_msg",
                json!({"count": 50}),
                ok(json!({"invited_requests": null, "InvitedRequest": [], "join_requests": [
                {"request_id": 7, "invitor_uin": 0, "group_id": 20002, "group_name": "测试群", "message": "加我",
                 "checked": false, "actor": 0, "requester_nick": "新人"}]}))
            )],
            |api| {
                let msgs = api.get_group_system_msg(50).await?;
                assert!(msgs.invited_requests.is_empty());
                assert_eq!(msgs.join_requests[0].requester_nick.as_deref(), Some("新人"));
            }
        ),
        row!(
            get_group_ignored_notifies,
            [call(
                "get_group_ignored_notifies",
                json!({}),
                ok(json!({"invited_requests": [], "InvitedRequest": [], "join_requests": []}))
            )],
            |api| {
                assert!(api.get_group_ignored_notifies().await?.join_requests.is_empty());
            }
        ),
        row!(
            get_essence_msg_list,
            [call(
                "get_essence_msg_list",
                json!({"group_id": 123456}),
                corpus("action.response.get_essence_msg_list.napcat-openapi.json")
            )],
            |api| {
                let list = api.get_essence_msg_list(123456).await?;
                assert_eq!((list[0].sender_nick.as_str(), list[0].operator_time), ("昵称", 1710000000));
                assert_eq!(list[0].to_message(), Message::new().text("精华内容"));
            }
        ),
        row!(
            get_essence_msg_list,
            [call(
                "get_essence_msg_list",
                json!({"group_id": 20002}),
                ok(json!([{"message_id": 7, "sender_id": 30003, "content": [
                {"type": "text", "data": {"text": "精华"}}, {"type": "face", "data": {"id": "178"}}]}]))
            )],
            |api| {
                let list = api.get_essence_msg_list(20002).await?;
                assert_eq!(list[0].to_message(), Message::new().text("精华").face("178"));
            }
        ),
        row!(set_essence_msg, [call("set_essence_msg", json!({"message_id": 1437714257}), ok(json!({})))], |api| {
            api.set_essence_msg(1437714257).await?;
        }),
        row!(
            delete_essence_msg,
            [call("delete_essence_msg", json!({"message_id": 1437714257}), ok(json!({})))],
            |api| {
                api.delete_essence_msg(1437714257).await?;
            }
        ),
        row!(
            send_group_notice,
            [call(
                "_send_group_notice",
                json!({"group_id": 123456, "content": "公告内容", "image": "base64://..."}),
                null()
            )],
            |api| {
                api.send_group_notice("123456", "公告内容", Some("base64://...")).await?;
            }
        ),
        row!(
            get_group_notice,
            [call(
                "_get_group_notice",
                json!({"group_id": 20002}),
                ok(json!([{"sender_id": 30003, "publish_time": 1710000000, "notice_id": "n1",
                "message": {"text": "明天放假", "image": [{"id": "i1", "height": "100", "width": "100"}]},
                "read_num": 3}]))
            )],
            |api| {
                let notices = api.get_group_notice(20002).await?;
                assert_eq!(
                    (notices[0].notice_id.as_deref(), notices[0].message.text.as_str()),
                    (Some("n1"), "明天放假")
                );
                assert_eq!(notices[0].message.images.len(), 1);
            }
        ),
        row!(
            del_group_notice,
            [call("_del_group_notice", json!({"group_id": 20002, "notice_id": "n1"}), ok(json!({"result": 0})))],
            |api| {
                api.del_group_notice(20002, "n1").await?;
            }
        ),
        row!(
            get_group_info,
            [call(
                "get_group_info",
                json!({"group_id": 20002}),
                ok(corpus("synthesized/action.response.get_group_list.item.napcat-shape.json"))
            )],
            |api| {
                let info = api.get_group_info(20002).await?;
                assert_eq!((info.group_name.as_str(), info.member_count, info.max_member_count), ("测试群", 100, 500));
                assert_eq!(info.group_all_shut, Some(0));
            }
        ),
        row!(
            get_group_info,
            [call(
                "get_group_info",
                json!({"group_id": 1}),
                corpus("synthesized/action.response.failed-gocq-100-group-not-found.json")
            )],
            |api| {
                // A refusal arrives as a typed error with the implementation's retcode and wording.
                let err = api.get_group_info(1).await.expect_err("the group does not exist");
                assert!(
                    matches!(&err, qqbot::Error::Api { code: 100, message, .. } if message == "群聊不存在"),
                    "{err:?}"
                );
            }
        ),
        row!(
            get_group_info_ex,
            [call(
                "get_group_info_ex",
                json!({"group_id": 20002}),
                ok(json!({"groupCode": "20002", "groupName": "测试群"}))
            )],
            |api| {
                assert_eq!(api.get_group_info_ex(20002).await?["groupName"], "测试群");
            }
        ),
        row!(
            get_group_detail_info,
            [call(
                "get_group_detail_info",
                json!({"group_id": 20002}),
                ok(corpus("synthesized/action.response.get_group_list.item.napcat-shape.json"))
            )],
            |api| {
                assert_eq!(api.get_group_detail_info(20002).await?.group_id, 20002);
            }
        ),
        row!(
            get_group_list,
            [call(
                "get_group_list",
                json!({"no_cache": false}),
                ok(json!([corpus("synthesized/action.response.get_group_list.item.napcat-shape.json")]))
            )],
            |api| {
                assert_eq!(api.get_group_list(false).await?[0].max_member_count, 500);
            }
        ),
        row!(
            get_group_member_info,
            [call(
                "get_group_member_info",
                json!({"group_id": 20002, "user_id": 30003, "no_cache": true}),
                corpus("synthesized/action.response.get_group_member_info.napcat-shape.json")
            )],
            |api| {
                let m = api.get_group_member_info(20002, 30003, true).await?;
                assert_eq!((m.level(), m.activity_level.as_str(), m.role), (Some(12), "12", Role::Member));
                assert!(m.card_changeable);
                assert_eq!(m.title_expire_time, None);
            }
        ),
        row!(
            get_group_member_info,
            [call(
                "get_group_member_info",
                json!({"group_id": "0123", "user_id": 123456789, "no_cache": false}),
                corpus("action.response.get_group_member_info.napcat-openapi.json")
            )],
            |api| {
                let m = api.get_group_member_info("0123", "123456789", false).await?;
                assert_eq!((m.card.as_str(), m.display_name()), ("名片", "名片"));
            }
        ),
        row!(
            get_group_member_list,
            [call(
                "get_group_member_list",
                json!({"group_id": 20002, "no_cache": false}),
                ok(json!([{"group_id": 20002, "user_id": 1, "role": "owner", "level": "LV88",
                "title": "群主", "title_expire_time": 1893456000}]))
            )],
            |api| {
                let list = api.get_group_member_list(20002, false).await?;
                assert_eq!((list[0].role, list[0].level()), (Role::Owner, Some(88)));
                assert_eq!(list[0].title_expire_time.map(|t| t.timestamp()), Some(1893456000));
            }
        ),
        row!(
            get_group_members,
            [call(
                "get_group_member_list",
                json!({"group_id": 20002, "no_cache": false}),
                ok(json!([member("3"), member("20"), member("50")]))
            )],
            |api| {
                let members = api.get_group_members(20002).await?;
                assert_eq!(members.filter_by_level_ge(20).len(), 2);
                assert_eq!(members.filter_by_level_le(20).len(), 2);
                assert_eq!(members.filter_by_level_le(2).len(), 0);
            }
        ),
        row!(
            get_group_honor_info,
            [call(
                "get_group_honor_info",
                json!({"group_id": 20002, "type": "all"}),
                corpus("synthesized/action.response.get_group_honor_info.napcat-shape.json")
            )],
            |api| {
                let honor = api.get_group_honor_info(20002, None).await?;
                let king = honor.current_talkative.expect("a current talkative");
                assert_eq!((king.user_id.as_str(), honor.group_id.as_str()), ("30003", "20002"));
                assert_eq!(honor.talkative_list[0].description.as_deref(), Some("..."));
            }
        ),
        row!(
            get_group_honor_info,
            [call(
                "get_group_honor_info",
                json!({"group_id": 123456, "type": "talkative"}),
                corpus("action.response.get_group_honor_info.napcat-openapi.json")
            )],
            |api| {
                let honor = api.get_group_honor_info(123456, Some(HonorType::Talkative)).await?;
                assert!(honor.current_talkative.is_none()); // NapCat's `{}`
                assert!(honor.emotion_list.is_empty());
            }
        ),
        row!(
            get_group_at_all_remain,
            [call(
                "get_group_at_all_remain",
                json!({"group_id": 20002}),
                corpus("action.response.get_group_at_all_remain.napcat-openapi.json")
            )],
            |api| {
                let remain = api.get_group_at_all_remain(20002).await?;
                assert!(remain.can_at_all);
                assert_eq!((remain.remain_at_all_count_for_group, remain.remain_at_all_count_for_uin), (10, 10));
            }
        ),
        row!(set_group_sign, [call("set_group_sign", json!({"group_id": 20002}), null())], |api| {
            api.set_group_sign(20002).await?;
        }),
        row!(send_group_sign, [call("send_group_sign", json!({"group_id": 20002}), null())], |api| {
            api.send_group_sign(20002).await?;
        }),
        row!(
            get_group_signed_list,
            [call(
                "get_group_signed_list",
                json!({"group_id": 20002}),
                ok(json!([{"user_id": 30003, "nick": "某人", "time": 1710000000, "rank": 1}]))
            )],
            |api| {
                assert_eq!(api.get_group_signed_list(20002).await?[0].rank, 1);
            }
        ),
        row!(
            get_group_shut_list,
            [call(
                "get_group_shut_list",
                json!({"group_id": 20002}),
                ok(json!([{"uid": "u_x", "uin": "30003", "nick": "某人", "cardName": "", "shutUpTime": 1893456000,
                "memberRealLevel": 3}]))
            )],
            |api| {
                let shut = api.get_group_shut_list(20002).await?;
                assert_eq!((shut[0].uin.as_str(), shut[0].shut_up_time), ("30003", 1893456000));
                assert_eq!(shut[0].extra["memberRealLevel"], 3);
            }
        ),
        // ---- files ----
        row!(
            create_group_file_folder,
            [call(
                "create_group_file_folder",
                json!({"group_id": 20002, "name": "资料"}),
                ok(json!({"result": {"retCode": 0}, "groupItem": {}}))
            )],
            |api| {
                api.create_group_file_folder(20002, "资料").await?;
            }
        ),
        row!(
            delete_group_file,
            [call("delete_group_file", json!({"group_id": 20002, "file_id": "/abc"}), ok(json!({})))],
            |api| {
                api.delete_group_file(20002, "/abc").await?;
            }
        ),
        row!(
            delete_group_folder,
            [call("delete_group_folder", json!({"group_id": 20002, "folder_id": "/f"}), ok(json!({})))],
            |api| {
                api.delete_group_folder(20002, "/f").await?;
            }
        ),
        row!(
            get_group_file_system_info,
            [call(
                "get_group_file_system_info",
                json!({"group_id": 20002}),
                ok(json!({"file_count": 3, "limit_count": 10000, "used_space": 1024, "total_space": 10737418240i64}))
            )],
            |api| {
                let info = api.get_group_file_system_info(20002).await?;
                assert_eq!((info.file_count, info.total_space), (3, 10737418240));
            }
        ),
        row!(
            get_group_root_files,
            [call(
                "get_group_root_files",
                json!({"group_id": 20002}),
                ok(json!({"files": [{"group_id": 20002, "file_id": "/87481339-1", "file_name": "a.txt", "busid": 102,
                "file_size": 12, "upload_time": 1710000000, "dead_time": 0, "modify_time": 1710000000,
                "download_times": 1, "uploader": 30003, "uploader_name": "某人", "size": 12}],
                "folders": null}))
            )],
            |api| {
                let files = api.get_group_root_files(20002).await?;
                assert_eq!((files.files[0].file_name.as_str(), files.files[0].busid), ("a.txt", 102));
                assert!(files.folders.is_empty());
            }
        ),
        row!(
            get_group_files_by_folder,
            [call(
                "get_group_files_by_folder",
                json!({"group_id": 20002, "folder_id": "/f", "file_count": 50}),
                ok(json!({"files": [], "folders": [{"group_id": 20002, "folder_id": "/g", "folder": "/g",
                "folder_name": "子目录", "create_time": 1, "creator": 30003, "creator_name": "某人",
                "total_file_count": 2}]}))
            )],
            |api| {
                let files = api.get_group_files_by_folder(20002, "/f", 50).await?;
                assert_eq!((files.folders[0].folder_name.as_str(), files.folders[0].total_file_count), ("子目录", 2));
            }
        ),
        row!(
            get_group_file_url,
            [call(
                "get_group_file_url",
                json!({"group_id": 20002, "file_id": "/abc"}),
                ok(json!({"url": "https://f.example/abc"}))
            )],
            |api| {
                assert_eq!(api.get_group_file_url(20002, "/abc").await?, "https://f.example/abc");
            }
        ),
        row!(
            get_private_file_url,
            [call("get_private_file_url", json!({"file_id": "fid"}), ok(json!({"url": "https://f.example/p"})))],
            |api| {
                assert_eq!(api.get_private_file_url("fid").await?, "https://f.example/p");
            }
        ),
        row!(
            upload_group_file,
            [call(
                "upload_group_file",
                json!({"group_id": 20002, "file": "/data/a.pdf", "name": "周报.pdf", "folder": "/f"}),
                ok(json!({"file_id": "/new"}))
            )],
            |api| {
                let up = api.upload_group_file(20002, "/data/a.pdf", "周报.pdf", Some("/f")).await?;
                assert_eq!(up.file_id.as_deref(), Some("/new"));
            }
        ),
        row!(
            upload_private_file,
            [call("upload_private_file", json!({"user_id": 30003, "file": "/data/a.pdf", "name": "a.pdf"}), null())],
            |api| {
                assert_eq!(api.upload_private_file(30003, "/data/a.pdf", "a.pdf").await?.file_id, None);
            }
        ),
        row!(
            move_group_file,
            [call(
                "move_group_file",
                json!({"group_id": 20002, "file_id": "/abc",
            "current_parent_directory": "/", "target_parent_directory": "/f"}),
                ok(json!({"ok": true}))
            )],
            |api| {
                api.move_group_file(20002, "/abc", "/", "/f").await?;
            }
        ),
        row!(
            rename_group_file,
            [call(
                "rename_group_file",
                json!({"group_id": 20002, "file_id": "/abc",
            "current_parent_directory": "/", "new_name": "b.txt"}),
                ok(json!({"ok": true}))
            )],
            |api| {
                api.rename_group_file(20002, "/abc", "/", "b.txt").await?;
            }
        ),
        row!(
            trans_group_file,
            [call("trans_group_file", json!({"group_id": 20002, "file_id": "/abc"}), ok(json!({"ok": true})))],
            |api| {
                api.trans_group_file(20002, "/abc").await?;
            }
        ),
        row!(
            get_image,
            [call(
                "get_image",
                corpus("action.params.get_image.by-file.json"),
                ok(json!({"file": "/napcat/cache/A0D2.jpg", "url": "https://multimedia.nt.qq.com.cn/download?rkey=x",
                "file_size": "40960", "file_name": "A0D24D7417CDAE5EBD0BBCDF0296F2A2.jpg"}))
            )],
            |api| {
                let info = api.get_image("A0D24D7417CDAE5EBD0BBCDF0296F2A2.jpg").await?;
                assert_eq!(info.file_size.as_deref(), Some("40960"));
            }
        ),
        row!(
            get_record,
            [call(
                "get_record",
                json!({"file": "r.amr", "out_format": "mp3"}),
                ok(json!({"file": "/napcat/cache/r.mp3", "file_size": 2048}))
            )],
            |api| {
                let info = api.get_record("r.amr", "mp3").await?;
                assert_eq!(
                    (info.file.as_deref(), info.file_size.as_deref()),
                    (Some("/napcat/cache/r.mp3"), Some("2048"))
                );
            }
        ),
        row!(
            get_file,
            [call("get_file", json!({"file_id": "fid"}), corpus("action.response.get_file.napcat-openapi.json"))],
            |api| {
                let info = api.get_file("fid").await?;
                assert_eq!((info.file_name.as_deref(), info.file_size.as_deref()), (Some("test.jpg"), Some("1024")));
            }
        ),
        row!(
            download_file,
            [call(
                "download_file",
                json!({"url": "https://example.com/a.png", "name": "a.png",
            "headers": ["Referer=https://example.com"], "thread_count": 2}),
                ok(json!({"file": "/napcat/temp/a.png"}))
            )],
            |api| {
                let req = DownloadFile::url("https://example.com/a.png")
                    .name("a.png")
                    .header("Referer", "https://example.com")
                    .thread_count(2);
                assert_eq!(api.download_file(req).await?, "/napcat/temp/a.png");
            }
        ),
        // ---- users ----
        row!(
            get_login_info,
            [call("get_login_info", json!({}), corpus("action.response.get_login_info.napcat-4.18.13.json"))],
            |api| {
                let me = api.get_login_info().await?;
                assert_eq!((me.user_id, me.nickname.as_str()), (2960567880, "舞小枫"));
            }
        ),
        row!(
            set_qq_profile,
            [call(
                "set_qq_profile",
                json!({"nickname": "彭彭", "personal_note": "咱好想和木子姐姐贴贴啊喵qwq", "sex": 0}),
                ok(json!({"result": 0, "errMsg": ""}))
            )],
            |api| {
                api.set_qq_profile("彭彭", "咱好想和木子姐姐贴贴啊喵qwq", Sex::Unknown).await?;
            }
        ),
        row!(
            set_self_long_nick,
            [call("set_self_longnick", json!({"longNick": "签名"}), ok(json!({"result": 0})))],
            |api| {
                api.set_self_long_nick("签名").await?;
            }
        ),
        row!(set_qq_avatar, [call("set_qq_avatar", json!({"file": "https://example.com/me.png"}), null())], |api| {
            api.set_qq_avatar("https://example.com/me.png").await?;
        }),
        row!(
            get_user_card,
            [call(
                "ArkSharePeer",
                json!({"user_id": 30003, "phone_number": ""}),
                ok(json!({"errCode": 0, "arkJson": "{\"app\":\"com.tencent.contact.lua\"}"}))
            )],
            |api| {
                assert_eq!(api.get_user_card(30003, "").await?["errCode"], 0);
            }
        ),
        row!(
            get_group_card,
            [call(
                "ArkSharePeer",
                json!({"group_id": 20002, "phone_number": "13800000000"}),
                ok(json!({"errCode": 0, "arkJson": "{}"}))
            )],
            |api| {
                assert_eq!(api.get_group_card(20002, "13800000000").await?["arkJson"], "{}");
            }
        ),
        row!(
            get_share_group_card,
            [call("ArkShareGroup", json!({"group_id": 20002}), ok(json!("{\"app\":\"com.tencent.contact.lua\"}")))],
            |api| {
                assert!(api.get_share_group_card(20002).await?.contains("contact"));
            }
        ),
        row!(
            get_friends_with_category,
            [call(
                "get_friends_with_category",
                json!({}),
                ok(json!([{"categoryId": 0, "categoryName": "我的好友", "categoryMbCount": 1,
                "buddyList": [{"user_id": 30003, "nickname": "某人", "remark": ""}]}]))
            )],
            |api| {
                let cats = api.get_friends_with_category().await?;
                assert_eq!((cats[0].category_name.as_str(), cats[0].buddy_list[0].user_id), ("我的好友", 30003));
            }
        ),
        row!(
            get_friend_list,
            [call(
                "get_friend_list",
                json!({"no_cache": true}),
                ok(json!([{"user_id": 30003, "nickname": "某人", "remark": "", "level": 12, "category_id": 0,
                "sex": "unknown", "birthday_year": 2000}]))
            )],
            |api| {
                let friends = api.get_friend_list(true).await?;
                assert_eq!((friends[0].level, friends[0].extra["birthday_year"].as_i64()), (Some(12), Some(2000)));
            }
        ),
        row!(
            get_unidirectional_friend_list,
            [call(
                "get_unidirectional_friend_list",
                json!({}),
                ok(json!([{"uin": 30003, "uid": "u_x", "nick_name": "某人", "age": 20, "source": "群聊"}]))
            )],
            |api| {
                let list = api.get_unidirectional_friend_list().await?;
                assert_eq!((list[0].user_id, list[0].nickname.as_str()), (30003, "某人"));
            }
        ),
        row!(
            get_stranger_info,
            [call(
                "get_stranger_info",
                json!({"user_id": 30003}),
                ok(json!({"user_id": 30003, "uid": "u_x", "nickname": "某人", "age": 20, "qid": "", "qqLevel": 33,
                "sex": "female", "long_nick": "签名", "reg_time": 1500000000, "is_vip": false,
                "is_years_vip": false, "vip_level": 0, "remark": "", "status": 10, "login_days": 99}))
            )],
            |api| {
                let info = api.get_stranger_info(30003).await?;
                assert_eq!((info.qq_level, info.login_days, info.sex.as_str()), (Some(33), Some(99), "female"));
            }
        ),
        row!(send_like, [call("send_like", json!({"user_id": 30003, "times": 1}), null())], |api| {
            api.send_like(30003, None).await?;
        }),
        row!(send_like, [call("send_like", json!({"user_id": 30003, "times": 10}), null())], |api| {
            api.send_like("30003", 10).await?;
        }),
        row!(
            get_profile_like,
            [call(
                "get_profile_like",
                json!({}),
                ok(json!({"uid": "u_me", "time": "1710000000", "favoriteInfo": {"total_count": 3, "userInfos": []},
                "voteInfo": {"total_count": 5, "new_count": 1, "userInfos": []}}))
            )],
            |api| {
                let like = api.get_profile_like().await?;
                assert_eq!(like.vote_info["total_count"], 5);
            }
        ),
        row!(
            set_friend_add_request,
            [call("set_friend_add_request", json!({"flag": "123456789", "approve": true, "remark": "彭彭"}), null())],
            |api| {
                api.set_friend_add_request("123456789", true, Some("彭彭")).await?;
            }
        ),
        row!(
            set_friend_remark,
            [call("set_friend_remark", json!({"user_id": 30003, "remark": "老王"}), null())],
            |api| {
                api.set_friend_remark(30003, "老王").await?;
            }
        ),
        row!(
            delete_friend,
            [call(
                "delete_friend",
                json!({"user_id": 30003, "temp_block": true, "temp_both_del": false}),
                ok(json!({"result": 0}))
            )],
            |api| {
                api.delete_friend(30003, true, false).await?;
            }
        ),
        row!(
            delete_unidirectional_friend,
            [call("delete_unidirectional_friend", json!({"user_id": 30003}), null())],
            |api| {
                api.delete_unidirectional_friend(30003).await?;
            }
        ),
        row!(
            fetch_custom_face,
            [call(
                "fetch_custom_face",
                json!({"count": 2}),
                ok(json!(["https://f.example/1.gif", "https://f.example/2.gif"]))
            )],
            |api| {
                assert_eq!(api.fetch_custom_face(2).await?.len(), 2);
            }
        ),
        row!(
            nc_get_user_status,
            [call(
                "nc_get_user_status",
                json!({"user_id": 30003}),
                corpus("action.response.nc_get_user_status.napcat-openapi.json")
            )],
            |api| {
                let status = api.nc_get_user_status(30003).await?;
                assert_eq!((status.status, status.ext_status), (10, 0));
            }
        ),
        row!(
            get_mini_app_ark,
            [call(
                "get_mini_app_ark",
                json!({"type": "bili", "title": "标题", "desc": "描述",
            "picUrl": "https://p", "jumpUrl": "https://j"}),
                ok(json!({"data": {"app": "com.tencent.miniapp_01"}}))
            )],
            |api| {
                let app = json!({"type": "bili", "title": "标题", "desc": "描述", "picUrl": "https://p", "jumpUrl": "https://j"});
                let serde_json::Value::Object(app) = app else { unreachable!() };
                assert_eq!(api.get_mini_app_ark(app).await?["data"]["app"], "com.tencent.miniapp_01");
            }
        ),
        // ---- system ----
        row!(
            get_version_info,
            [call("get_version_info", json!({}), corpus("action.response.get_version_info.napcat-4.18.13.json"))],
            |api| {
                let v = api.get_version_info().await?;
                assert_eq!((v.app_name.as_str(), v.app_version.as_str()), ("NapCat.Onebot", "4.18.13"));
            }
        ),
        row!(
            get_status,
            [call("get_status", json!({}), ok(json!({"online": true, "good": true, "stat": {}})))],
            |api| {
                let status = api.get_status().await?;
                assert!(status.online && status.good);
            }
        ),
        row!(can_send_image, [call("can_send_image", json!({}), ok(json!({"yes": true})))], |api| {
            assert!(api.can_send_image().await?);
        }),
        row!(
            can_send_record,
            [call("can_send_record", json!({"group_id": 20002}), ok(json!({"yes": false})))],
            |api| {
                assert!(!api.can_send_record(20002).await?);
            }
        ),
        row!(
            nc_get_packet_status,
            [call(
                "nc_get_packet_status",
                json!({}),
                corpus("action.response.failed-400-packet-backend.napcat-4.8.json")
            )],
            |api| {
                assert!(!api.nc_get_packet_status().await?);
            }
        ),
        row!(nc_get_packet_status, [call("nc_get_packet_status", json!({}), null())], |api| {
            assert!(api.nc_get_packet_status().await?);
        }),
        row!(
            nc_get_rkey,
            [call(
                "nc_get_rkey",
                json!({}),
                ok(json!([{"rkey": "&rkey=abc", "ttl": "3600", "time": 1710000000, "type": 10}]))
            )],
            |api| {
                let keys = api.nc_get_rkey().await?;
                assert_eq!((keys[0].ttl, keys[0].kind.as_str()), (3600, "10"));
            }
        ),
        row!(
            get_rkey,
            [call(
                "get_rkey",
                json!({}),
                ok(json!([{"type": "private", "rkey": "&rkey=p", "created_at": 1710000000, "ttl": 3600}]))
            )],
            |api| {
                assert_eq!(api.get_rkey().await?[0].time, 1710000000);
            }
        ),
        row!(
            get_cookies,
            [call(
                "get_cookies",
                json!({"domain": "qun.qq.com"}),
                corpus("synthesized/action.response.get_cookies.napcat-shape.json")
            )],
            |api| {
                assert_eq!(api.get_cookies("qun.qq.com").await?.bkn.as_deref(), Some("1234567890"));
            }
        ),
        row!(get_csrf_token, [call("get_csrf_token", json!({}), ok(json!({"token": 1234567890})))], |api| {
            assert_eq!(api.get_csrf_token().await?, 1234567890);
        }),
        row!(
            get_credentials,
            [call(
                "get_credentials",
                json!({"domain": "qun.qq.com"}),
                corpus("synthesized/action.response.get_credentials.napcat-shape.json")
            )],
            |api| {
                assert_eq!(api.get_credentials("qun.qq.com").await?.token, 1234567890);
            }
        ),
        row!(get_client_key, [call("get_clientkey", json!({}), ok(json!({"clientkey": "ck"})))], |api| {
            assert_eq!(api.get_client_key().await?, "ck");
        }),
        row!(
            get_robot_uin_range,
            [call("get_robot_uin_range", json!({}), ok(json!([{"minUin": "3328144510", "maxUin": "3328144510"}])))],
            |api| {
                assert_eq!(api.get_robot_uin_range().await?[0].min_uin, "3328144510");
            }
        ),
        row!(
            ocr_image,
            [call(
                "ocr_image",
                json!({"image": "https://example.com/a.png"}),
                ok(json!([{"text": "你好", "confidence": 99.0, "coordinates": [{"x": 0, "y": 0}]}]))
            )],
            |api| {
                let seg = Segment::Image(qqbot::message::Media {
                    url: Some("https://example.com/a.png".into()),
                    ..qqbot::message::Media::new("a.png")
                });
                assert_eq!(api.ocr_image(seg).await?.texts[0].text, "你好");
            }
        ),
        row!(
            ocr_image_new,
            [call(
                ".ocr_image",
                json!({"image": "base64://AAAA"}),
                ok(json!({"texts": [{"text": "Hi", "confidence": 90, "coordinates": []}], "language": "en"}))
            )],
            |api| {
                let ocr = api.ocr_image_new("base64://AAAA").await?;
                assert_eq!((ocr.texts[0].text.as_str(), ocr.language.as_deref()), ("Hi", Some("en")));
            }
        ),
        row!(
            translate_en2zh,
            [call("translate_en2zh", json!({"words": ["hello", "world"]}), ok(json!({"words": ["你好", "世界"]})))],
            |api| {
                assert_eq!(api.translate_en2zh(["hello", "world"]).await?, ["你好", "世界"]);
            }
        ),
        row!(
            set_input_status,
            [call(
                "set_input_status",
                // qqbot sends canonical numeric ids as JSON numbers (NapCat converts; go-cqhttp and Lagrange need them).
                corpus("synthesized/action.request.set_input_status.napcat.json")["params"]
                    .clone()
                    .tap(|p| p["user_id"] = json!(30003)),
                ok(json!({"result": 0}))
            )],
            |api| {
                api.set_input_status("30003", 1).await?;
            }
        ),
        row!(
            handle_quick_operation,
            [call(
                ".handle_quick_operation",
                corpus("synthesized/action.request.handle_quick_operation.json")["params"]
                    .clone()
                    .tap(|p| p["operation"]["reply"] = json!([{"type": "text", "data": {"text": "请不要说脏话"}}])),
                null()
            )],
            |api| {
                let context =
                    corpus("synthesized/action.request.handle_quick_operation.json")["params"]["context"].clone();
                let op =
                    QuickOperation { reply: Some("请不要说脏话".into()), ban: Some(true), ..Default::default() };
                api.handle_quick_operation(context, &op).await?;
            }
        ),
        row!(
            get_model_show,
            [call(
                "_get_model_show",
                json!({"model": "iPhone"}),
                ok(json!([{"variants": {"model_show": "iPhone 15", "need_pay": false}}]))
            )],
            |api| {
                assert_eq!(api.get_model_show("iPhone").await?[0].model_show, "iPhone 15");
            }
        ),
        row!(
            set_model_show,
            [call("_set_model_show", json!({"model": "iPhone", "model_show": "iPhone 15"}), null())],
            |api| {
                api.set_model_show("iPhone", "iPhone 15").await?;
            }
        ),
        row!(
            get_online_clients,
            [call(
                "get_online_clients",
                json!({"no_cache": false}),
                ok(json!({"clients": [{"app_id": 537, "device_name": "Windows", "device_kind": "PC"}]}))
            )],
            |api| {
                assert_eq!(api.get_online_clients(false).await?[0].device_kind, "PC");
            }
        ),
        row!(
            check_url_safely,
            [call("check_url_safely", json!({"url": "https://example.com"}), ok(json!({"level": 1})))],
            |api| {
                assert_eq!(api.check_url_safely("https://example.com").await?, 1);
            }
        ),
        row!(
            get_supported_actions,
            [call("get_supported_actions", json!({}), ok(json!(["send_msg", "get_msg"])))],
            |api| {
                assert_eq!(api.get_supported_actions().await?.len(), 2);
            }
        ),
        row!(
            get_word_slices,
            [call(".get_word_slices", json!({"content": "今天天气"}), ok(json!({"slices": ["今天", "天气"]})))],
            |api| {
                assert_eq!(api.get_word_slices("今天天气").await?, ["今天", "天气"]);
            }
        ),
        row!(reload_event_filter, [call("reload_event_filter", json!({"file": "filter.json"}), null())], |api| {
            api.reload_event_filter("filter.json").await?;
        }),
        row!(
            qidian_get_account_info,
            [call(
                "qidian_get_account_info",
                json!({}),
                ok(json!({"master_id": 1, "ext_name": "x", "create_time": 2}))
            )],
            |api| {
                assert_eq!(api.qidian_get_account_info().await?["master_id"], 1);
            }
        ),
        row!(set_restart, [call("set_restart", json!({"delay": 2000}), ok(Value::Null))], |api| {
            api.set_restart(2000).await?;
        }),
        row!(clean_cache, [call("clean_cache", json!({}), null())], |api| {
            api.clean_cache().await?;
        }),
        row!(bot_exit, [call("bot_exit", json!({}), ok(json!({})))], |api| {
            api.bot_exit().await?;
        }),
        row!(call, [call("get_group_signed_list", json!({"group_id": 123}), ok(json!([{"user_id": 1}])))], |api| {
            assert_eq!(api.call("get_group_signed_list", json!({"group_id": 123})).await?[0]["user_id"], 1);
        }),
        // ---- NapCat extras ----
        row!(
            set_online_status,
            [call("set_online_status", json!({"status": 10, "ext_status": 1000, "battery_status": 80}), null())],
            |api| {
                api.set_online_status(OnlineStatus::battery(80)).await?;
            }
        ),
        row!(
            set_diy_online_status,
            [call("set_diy_online_status", json!({"face_id": 358, "wording": "摸鱼"}), ok(json!("")))],
            |api| {
                api.set_diy_online_status(358, "摸鱼").await?;
            }
        ),
        row!(
            send_platform_music,
            [call(
                "send_group_msg",
                json!({"group_id": 20001,
            "message": [{"type": "music", "data": {"type": "qq", "id": "001"}}]}),
                ok(json!({"message_id": 77}))
            )],
            |api| {
                // No target given: the handler's context (group 20001, where `/table` was sent) supplies it.
                assert_eq!(api.send_platform_music(None, MusicPlatform::Qq, "001").await?, "77");
            }
        ),
        row!(
            send_platform_music,
            [call(
                "send_private_msg",
                json!({"user_id": 30003,
            "message": [{"type": "music", "data": {"type": "163", "id": "28949129"}}]}),
                ok(json!({"message_id": 78}))
            )],
            |api| {
                let to = Target::Private("30003".into());
                assert_eq!(api.send_platform_music(Some(&to), MusicPlatform::NetEase, 28949129).await?, "78");
            }
        ),
        row!(
            send_group_platform_music,
            [call(
                "send_group_msg",
                json!({"group_id": 20002,
            "message": [{"type": "music", "data": {"type": "163", "id": "28949129"}}]}),
                ok(json!({"message_id": 79}))
            )],
            |api| {
                assert_eq!(api.send_group_platform_music(20002, MusicPlatform::NetEase, 28949129).await?, "79");
            }
        ),
        row!(
            send_platform_private_music,
            [call(
                "send_private_msg",
                json!({"user_id": 30003,
            "message": [{"type": "music", "data": {"type": "qq", "id": "002"}}]}),
                ok(json!({"message_id": 80}))
            )],
            |api| {
                assert_eq!(api.send_platform_private_music(30003, MusicPlatform::Qq, "002").await?, "80");
            }
        ),
        row!(
            create_collection,
            [call(
                "create_collection",
                json!({"rawData": "内容", "brief": "标题"}),
                ok(json!({"result": 0, "errMsg": ""}))
            )],
            |api| {
                api.create_collection("内容", "标题").await?;
            }
        ),
        row!(
            get_level_by_search,
            [call(
                "get_stranger_info",
                json!({"user_id": 30003}),
                ok(json!({"user_id": 30003, "nickname": "某人", "qqLevel": 42}))
            )],
            |api| {
                assert_eq!(api.get_level_by_search(30003).await?, Some(42));
            }
        ),
        row!(
            get_level_by_search,
            [
                call("get_stranger_info", json!({"user_id": 30003}), ok(json!({"user_id": 30003, "qqLevel": 0}))),
                call("get_friend_list", json!({"no_cache": false}), ok(json!([{"user_id": 30003, "level": 7}])))
            ],
            |api| {
                assert_eq!(api.get_level_by_search(30003).await?, Some(7));
            }
        ),
        row!(
            get_level_by_search,
            [
                call("get_stranger_info", json!({"user_id": 30004}), ok(json!({"user_id": 30004}))),
                call("get_friend_list", json!({"no_cache": false}), ok(json!([{"user_id": 30003, "level": 7}])))
            ],
            |api| {
                assert_eq!(api.get_level_by_search(30004).await?, None);
            }
        ),
        row!(
            get_ai_characters,
            [call(
                "get_ai_characters",
                json!({"group_id": 20002, "chat_type": 1}),
                corpus("action.response.get_ai_characters.napcat-openapi.json")
            )],
            |api| {
                let chars = api.get_ai_characters(20002, 1).await?;
                assert_eq!((chars[0].character_id.as_str(), chars[0].preview_url.as_str()), ("id", "url"));
                assert_eq!(chars[0].category, "string");
            }
        ),
        row!(
            send_group_ai_record,
            [call(
                "send_group_ai_record",
                json!({"group_id": 20002, "character": "lucy-voice-xueling", "text": "你好"}),
                ok(json!({"message_id": 81}))
            )],
            |api| {
                assert_eq!(api.send_group_ai_record(20002, "lucy-voice-xueling", "你好").await?.message_id, 81);
            }
        ),
        row!(
            get_ai_record,
            [call(
                "get_ai_record",
                json!({"group_id": 20002, "character": "lucy-voice-xueling", "text": "你好"}),
                ok(json!("https://grouptalk.c2c.qq.com/a.silk"))
            )],
            |api| {
                assert_eq!(
                    api.get_ai_record(20002, "lucy-voice-xueling", "你好").await?,
                    "https://grouptalk.c2c.qq.com/a.silk"
                );
            }
        ),
    ]
}

/// `value.tap(|v| …)`: edit a JSON value inline.
trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> Self;
}

impl Tap for Value {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

/// Runs every row against `api`, whose calls reach `napcat`: each row's answers are queued as one-shot answers
/// (sent verbatim, corpus envelopes included), and the calls the fake recorded must be exactly the row's.
async fn run_table(api: &OneBotApi, napcat: &FakeNapCat, transport: &str) {
    for row in table() {
        for c in &row.calls {
            napcat.answer_once(c.action, Answer::Envelope(c.answer.clone()));
        }
        let before = napcat.calls().len();
        let result = tokio::time::timeout(WAIT, (row.run)(api.clone())).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("[{transport}] row `{}` failed: {e}", row.name),
            Err(_) => panic!("[{transport}] row `{}` timed out", row.name),
        }
        let calls: Vec<(String, Value)> =
            napcat.calls().into_iter().skip(before).map(|c| (c.action, c.params)).collect();
        let expected: Vec<(String, Value)> =
            row.calls.iter().map(|c| (c.action.to_owned(), c.params.clone())).collect();
        assert_eq!(calls, expected, "[{transport}] row `{}` sent other actions or params", row.name);
        assert_eq!(napcat.take_queued_answers(), 0, "[{transport}] row `{}` left answers unused", row.name);
    }
}

/// An app whose `/table` command hands the test what a handler gets from `ctx.onebot()`.
fn capturing_app() -> (App, mpsc::UnboundedReceiver<qqbot::Result<OneBotApi>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = App::empty().command(BotCommand::new("table").word("/table").handler(move |ctx: Ctx| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(ctx.onebot());
        }
    }));
    (app, rx)
}

/// The API a handler of a group message from group 20001 gets.
async fn handler_api(rx: &mut mpsc::UnboundedReceiver<qqbot::Result<OneBotApi>>) -> OneBotApi {
    let api = tokio::time::timeout(WAIT, rx.recv()).await.expect("the handler ran").expect("the app is running");
    let api = api.expect("ctx.onebot() works on a OneBot event");
    assert_eq!(api.target(), Some(&Target::Group("20001".into())), "ctx.onebot() carries the event's conversation");
    api
}

#[tokio::test]
async fn every_method_goes_over_the_adapters_websocket_to_the_fake_napcat() {
    let napcat = FakeNapCat::forward(Options { token: Some(TOKEN.into()), ..Default::default() }).await.unwrap();
    let adapter =
        OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"\ntoken = \"{TOKEN}\"", napcat.ws_url()))).unwrap();
    let (app, mut rx) = capturing_app();
    let bot = start(app, adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");
    napcat.push(napcat.group_message(1, "/table")).await;
    let api = handler_api(&mut rx).await;
    run_table(&api, &napcat, "websocket").await;
    bot.abort();
}

#[tokio::test]
async fn every_method_goes_over_the_adapters_http_api_to_the_fake_napcat() {
    let options = Options { token: Some(TOKEN.into()), ..Default::default() };
    let mut napcat = FakeNapCat::http(None, options).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\ntimeout = 10\n[[onebot.connections]]\nkind = \"http\"\napi = \"{}\"\nlisten = \"127.0.0.1:0\"\ntoken = \"{TOKEN}\"",
        napcat.api_url()
    )))
    .unwrap();
    napcat.post_to(format!("http://{}/onebot/v11/http", adapter.listen_addrs()[0]));
    let (app, mut rx) = capturing_app();
    let bot = start(app, adapter);
    let (status, body) = napcat.post(&napcat.group_message(1, "/table")).await.unwrap();
    assert!(status == 200 || status == 204, "HTTP POST refused: {status} {body}");
    let api = handler_api(&mut rx).await;
    run_table(&api, &napcat, "http adapter").await;
    bot.abort();
}

#[tokio::test]
async fn every_method_goes_through_the_http_client_to_the_fake_napcat() {
    let napcat = FakeNapCat::http(None, Options { token: Some(TOKEN.into()), ..Default::default() }).await.unwrap();
    let client = HttpApi::new(HttpApiOptions {
        base_url: Some(napcat.api_url()),
        access_token: Some(TOKEN.into()),
        ..HttpApiOptions::default()
    })
    .unwrap();
    // Aimed at the conversation a handler's `ctx.onebot()` would carry, for the context-aware rows.
    run_table(&client.api().with_target(Target::Group("20001".into())), &napcat, "http client").await;
}

fn row_names() -> BTreeSet<&'static str> {
    table().iter().map(|r| r.name).collect()
}

/// Every method of ncatbot's API (101 methods), by its ncatbot name.
const SEED_002: &[&str] = &[
    "can_send_image",
    "can_send_record",
    "create_collection",
    "create_group_file_folder",
    "del_group_notice",
    "delete_essence_msg",
    "delete_friend",
    "delete_group_file",
    "delete_group_folder",
    "delete_msg",
    "download_file",
    "fetch_custom_face",
    "fetch_emoji_like",
    "forward_friend_single_msg",
    "forward_group_single_msg",
    "get_ai_characters",
    "get_ai_record",
    "get_client_key",
    "get_cookies",
    "get_credentials",
    "get_csrf_token",
    "get_essence_msg_list",
    "get_file",
    "get_forward_msg",
    "get_friend_list",
    "get_friend_msg_history",
    "get_friends_with_category",
    "get_group_at_all_remain",
    "get_group_card",
    "get_group_file_system_info",
    "get_group_file_url",
    "get_group_files_by_folder",
    "get_group_honor_info",
    "get_group_ignored_notifies",
    "get_group_info",
    "get_group_info_ex",
    "get_group_list",
    "get_group_member_info",
    "get_group_member_list",
    "get_group_msg_history",
    "get_group_notice",
    "get_group_root_files",
    "get_group_shut_list",
    "get_group_system_msg",
    "get_image",
    "get_login_info",
    "get_mini_app_ark",
    "get_model_show",
    "get_msg",
    "get_profile_like",
    "get_recent_contact",
    "get_record",
    "get_robot_uin_range",
    "get_share_group_card",
    "get_status",
    "get_stranger_info",
    "get_user_card",
    "get_version_info",
    "handle_quick_operation",
    "mark_all_as_read",
    "mark_group_msg_as_read",
    "mark_msg_as_read",
    "mark_private_msg_as_read",
    "nc_get_packet_status",
    "nc_get_rkey",
    "nc_get_user_status",
    "ocr_image",
    "ocr_image_new",
    "post_group_file",
    "post_group_msg",
    "post_private_file",
    "post_private_msg",
    "send_group_ai_record",
    "send_group_forward_msg",
    "send_group_notice",
    "send_group_sign",
    "send_like",
    "send_poke",
    "send_private_forward_msg",
    "set_essence_msg",
    "set_friend_add_request",
    "set_group_add_request",
    "set_group_admin",
    "set_group_ban",
    "set_group_card",
    "set_group_kick",
    "set_group_leave",
    "set_group_name",
    "set_group_portrait",
    "set_group_sign",
    "set_group_special_title",
    "set_group_whole_ban",
    "set_input_status",
    "set_msg_emoji_like",
    "set_online_status",
    "set_qq_avatar",
    "set_qq_profile",
    "set_self_long_nick",
    "translate_en2zh",
    "upload_group_file",
    "upload_private_file",
];

/// Every API of Aha (NapCat-only APIs).
const SEED_004: &[&str] = &[
    "get_group_info",
    "get_group_member_info",
    "get_group_members",
    "get_group_honor_info",
    "set_online_status",
    "send_like",
    "send_platform_music",
    "send_group_platform_music",
    "send_platform_private_music",
    "create_collection",
    "get_level_by_search",
    "get_ai_characters",
    "get_ai_record",
    "can_send_image",
    "can_send_record",
    "ocr_image",
];

#[test]
fn every_seed_002_method_has_a_row() {
    assert_eq!(SEED_002.len(), 101);
    let rows = row_names();
    let missing: Vec<_> = SEED_002.iter().filter(|m| !rows.contains(*m)).collect();
    assert!(missing.is_empty(), "ncatbot methods without a row: {missing:?}");
}

#[test]
fn every_seed_004_method_has_a_row() {
    let rows = row_names();
    let missing: Vec<_> = SEED_004.iter().filter(|m| !rows.contains(*m)).collect();
    assert!(missing.is_empty(), "Aha NapCat methods without a row: {missing:?}");
}

#[test]
fn every_public_method_in_the_source_has_a_row() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../qqbot/src/adapter/onebot/api");
    let method = regex::Regex::new(r"pub async fn ([a-z0-9_]+)").unwrap();
    let mut methods = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        methods.extend(method.captures_iter(&text).map(|c| c[1].to_owned()));
    }
    assert!(methods.len() > 130, "found only {} methods; is the path right?", methods.len());
    let rows = row_names();
    let missing: Vec<_> = methods.iter().filter(|m| !rows.contains(m.as_str())).collect();
    assert!(missing.is_empty(), "public methods without a row: {missing:?}");
}
