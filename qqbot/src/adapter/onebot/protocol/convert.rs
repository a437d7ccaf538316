//! [`OneBotEvent`] → the neutral [`Event`]: messages, the notices the framework has types for, and raw events
//! for everything else. The OneBot event itself travels along as the platform payload.

use std::sync::Arc;

use serde_json::Value;

use super::event::OneBotEvent;
use super::id::WireId;
use crate::event::{
    AdminChanged, BotJoined, BotLeft, Connected, Disconnected, Event, FileUploaded, FriendAdded, FriendRequest,
    GroupRequest, Heartbeat, MemberJoined, MemberLeft, MemberMuted, MessageEvent, MessageRecalled, Notice, NoticeEvent,
    Platform, PlatformData, Poked, RawEvent, Role, Scene, Sender,
};
use crate::message::Segment;

fn id(v: &Option<WireId>) -> String {
    v.as_ref().map(|i| i.as_str().to_owned()).unwrap_or_default()
}

fn opt_id(v: &Option<WireId>) -> Option<String> {
    v.as_ref().map(|i| i.as_str().to_owned())
}

/// The user a segment mentions, typed or kept raw (`Segment::Other` of type `at`).
pub fn mentioned(seg: &Segment) -> Option<&str> {
    match seg {
        Segment::At(m) => Some(m.id()),
        Segment::Other { kind, data } if kind == "at" => data.get("qq").and_then(|v| v.as_str()),
        _ => None,
    }
}

/// Builds the neutral event. `self_id` is used when the event names no account.
pub fn to_event(ev: OneBotEvent, self_id: &str) -> Event {
    let self_id = ev.self_id.as_ref().map_or(self_id, WireId::as_str).to_owned();
    match ev.post_type.as_deref() {
        Some("message" | "message_sent") if ev.message.is_some() => message_event(ev, self_id),
        _ => Event::Notice(notice_event(ev, self_id)),
    }
}

fn message_event(mut ev: OneBotEvent, self_id: String) -> Event {
    let (scene, guild_id, channel_id) = match ev.message_type.as_deref() {
        Some("group") => (Scene::GROUP, None, None),
        Some("guild") => {
            let s = |k: &str| ev.extra.get(k).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            (Scene::GUILD, s("guild_id"), s("channel_id"))
        }
        _ => (Scene::C2C, None, None),
    };
    // A segment array moves into the neutral event (the platform data keeps the rest of the frame, not a second
    // copy of the message: a long message is held once); a CQ string stays there as received.
    let message = match ev.message.take() {
        Some(super::segment::WireMessage::Cq(s)) => {
            let parsed = super::cq::parse_strict(&s).unwrap_or_else(|e| {
                tracing::warn!(
                    target: "qqbot::onebot",
                    "message {} has a malformed CQ code ({e}); that part is kept as text",
                    ev.message_id.as_ref().map_or("?", WireId::as_str)
                );
                super::cq::parse(&s)
            });
            ev.message = Some(super::segment::WireMessage::Cq(s));
            parsed
        }
        Some(m) => m.into_message(),
        None => crate::message::Message::new(),
    };
    elide_redundant_raw_message(&mut ev, &message);
    let user_id = ev
        .sender
        .as_ref()
        .and_then(|s| s.user_id.as_ref())
        .filter(|u| !u.as_str().is_empty() && u.as_str() != "0")
        .or(ev.user_id.as_ref())
        .map(|u| u.as_str().to_owned())
        .unwrap_or_default();
    let mut sender = Sender::new(user_id);
    if let Some(s) = &ev.sender {
        sender.nickname = s.nickname.clone();
        sender.card = s.card.clone().filter(|c| !c.is_empty());
        sender.role = match s.role.as_deref() {
            Some("owner") => Role::Owner,
            Some("admin") => Role::Admin,
            _ => Role::Member,
        };
    }
    let to_me = scene.is_private() || message.iter().any(|s| mentioned(s) == Some(self_id.as_str()));
    let reply_to = message.iter().find_map(|s| match s {
        Segment::Reply(id) => Some(id.clone()),
        Segment::Other { kind, data } if kind == "reply" => data.get("id").map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    });
    let is_self = ev.post_type.as_deref() == Some("message_sent") || sender.user_id == self_id;
    let mut m = MessageEvent::new(Platform::OneBot, scene, self_id, sender, message);
    m.message_id = id(&ev.message_id);
    m.group_id = if scene == Scene::GROUP { opt_id(&ev.group_id) } else { None };
    m.guild_id = guild_id;
    m.channel_id = channel_id;
    m.reply_to = reply_to;
    m.to_me = to_me;
    m.time = ev.time_secs();
    m.is_self = is_self;
    m.platform_data = PlatformData::from_arc(Arc::new(ev));
    Event::Message(m)
}

/// Above this size, a `raw_message` that is exactly the CQ form of a one-text-segment message is not kept: the
/// text would otherwise be held twice for as long as the event is handled.
const RAW_MESSAGE_KEPT_UP_TO: usize = 64 << 10;

/// Drops `raw_message` when it is long and says nothing the message does not (see [`RAW_MESSAGE_KEPT_UP_TO`]).
fn elide_redundant_raw_message(ev: &mut OneBotEvent, message: &crate::message::Message) {
    let Some(Value::String(raw)) = &ev.raw_message else { return };
    if raw.len() <= RAW_MESSAGE_KEPT_UP_TO {
        return;
    }
    if let [Segment::Text(text)] = message.segments()
        && super::cq::is_escaped_text(text, raw)
    {
        ev.raw_message = None;
    }
}

fn notice_event(ev: OneBotEvent, self_id: String) -> NoticeEvent {
    let kind =
        notice_kind(&ev, &self_id).unwrap_or_else(|| Notice::Raw(RawEvent { kind: ev.path(), data: ev.to_value() }));
    let mut n = NoticeEvent::new(Platform::OneBot, self_id, kind);
    n.time = ev.time_secs();
    n.platform_data = PlatformData::from_arc(Arc::new(ev));
    n
}

fn notice_kind(ev: &OneBotEvent, self_id: &str) -> Option<Notice> {
    let sub = ev.sub_type.clone().unwrap_or_default();
    let group = || opt_id(&ev.group_id);
    let user = || id(&ev.user_id);
    let operator = || opt_id(&ev.operator_id).filter(|o| o != "0").unwrap_or_else(user);
    Some(match (ev.post_type.as_deref()?, ev.detail_type()?) {
        ("notice", "group_increase") if user() == self_id => {
            Notice::BotJoined(BotJoined { group_id: group()?, operator_id: opt_id(&ev.operator_id) })
        }
        ("notice", "group_increase") => Notice::MemberJoined(MemberJoined {
            group_id: group()?,
            user_id: user(),
            operator_id: operator(),
            sub_type: sub,
        }),
        ("notice", "group_decrease") if sub == "kick_me" || sub == "disband" || user() == self_id => {
            Notice::BotLeft(BotLeft { group_id: group()?, operator_id: opt_id(&ev.operator_id) })
        }
        ("notice", "group_decrease") => Notice::MemberLeft(MemberLeft {
            group_id: group()?,
            user_id: user(),
            operator_id: operator(),
            sub_type: sub,
        }),
        ("notice", "group_admin") => {
            Notice::AdminChanged(AdminChanged { group_id: group()?, user_id: user(), set: sub == "set" })
        }
        ("notice", "group_ban") => Notice::MemberMuted(MemberMuted {
            group_id: group()?,
            user_id: user(),
            operator_id: operator(),
            duration: if sub == "lift_ban" { 0 } else { ev.duration.as_ref().and_then(WireId::as_i64).unwrap_or(0) },
        }),
        ("notice", "group_upload") => {
            let file = ev.file.as_ref()?;
            let text = |k: &str| file.get(k).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            Notice::FileUploaded(FileUploaded {
                group_id: group()?,
                user_id: user(),
                file_id: text("id").unwrap_or_default(),
                name: text("name").unwrap_or_default(),
                size: file.get("size").and_then(Value::as_u64).unwrap_or(0),
            })
        }
        ("notice", "group_recall" | "friend_recall") => Notice::MessageRecalled(MessageRecalled {
            group_id: group(),
            user_id: user(),
            operator_id: operator(),
            message_id: id(&ev.message_id),
        }),
        ("notice", "friend_add") => Notice::FriendAdded(FriendAdded { user_id: user() }),
        ("notice", "notify") if sub == "poke" => {
            // NapCat private pokes: `user_id` is the chat peer and `sender_id` the poker.
            let poker = opt_id(&ev.sender_id).filter(|s| s != "0").unwrap_or_else(user);
            Notice::Poked(Poked {
                group_id: group().filter(|g| g != "0"),
                user_id: poker,
                target_id: id(&ev.target_id),
            })
        }
        ("notice", "bot_offline") => Notice::Disconnected(Disconnected {
            reason: ev.extra.get("message").and_then(Value::as_str).map_or_else(
                || match &ev.message {
                    Some(super::segment::WireMessage::Cq(s)) => s.clone(),
                    _ => "bot_offline".to_owned(),
                },
                str::to_owned,
            ),
        }),
        ("request", "friend") => Notice::FriendRequest(FriendRequest {
            user_id: user(),
            comment: ev.comment.clone().unwrap_or_default(),
            flag: id(&ev.flag),
        }),
        ("request", "group") => Notice::GroupRequest(GroupRequest {
            group_id: group()?,
            user_id: user(),
            sub_type: sub,
            comment: ev.comment.clone().unwrap_or_default(),
            flag: id(&ev.flag),
        }),
        ("meta_event", "lifecycle") if sub == "disable" => {
            Notice::Disconnected(Disconnected { reason: "lifecycle/disable".into() })
        }
        ("meta_event", "lifecycle") => Notice::Connected(Connected { sub_type: sub }),
        ("meta_event", "heartbeat") => Notice::Heartbeat(Heartbeat {
            interval_ms: ev.interval.as_ref().and_then(WireId::as_i64).and_then(|i| u64::try_from(i).ok()).unwrap_or(0),
            status: ev.status.clone().unwrap_or(Value::Null),
        }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> Event {
        to_event(serde_json::from_str(text).unwrap(), "0")
    }

    #[test]
    fn group_message_with_mention_and_reply() {
        let e = decode(
            r#"{"time":1,"self_id":10,"post_type":"message","message_type":"group","sub_type":"normal","message_id":-5,
            "group_id":20,"user_id":30,"sender":{"user_id":30,"nickname":"n","card":"","role":"admin"},
            "message":[{"type":"reply","data":{"id":"9"}},{"type":"at","data":{"qq":"10","name":"bot"}},{"type":"text","data":{"text":" /echo hi"}}]}"#,
        );
        let Event::Message(m) = e else { panic!() };
        assert_eq!((m.scene, m.group_id.as_deref(), m.message_id.as_str()), (Scene::GROUP, Some("20"), "-5"));
        assert!(m.to_me, "an at with a name still mentions the bot");
        assert_eq!(m.reply_to.as_deref(), Some("9"));
        assert_eq!(m.sender.role, Role::Admin);
        assert_eq!(m.sender.card, None);
        assert!(m.platform_data::<OneBotEvent>().is_some());
    }

    #[test]
    fn notices_map_to_typed_kinds_and_unknown_stays_raw() {
        let Event::Notice(n) = decode(
            r#"{"post_type":"notice","notice_type":"notify","sub_type":"poke","self_id":1,"user_id":5,"sender_id":6,"target_id":1}"#,
        ) else {
            panic!()
        };
        assert_eq!(n.kind_poked(), Some(("6".to_owned(), "1".to_owned())));
        let Event::Notice(n) = decode(
            r#"{"post_type":"notice","notice_type":"notify","sub_type":"input_status","self_id":1,"user_id":5}"#,
        ) else {
            panic!()
        };
        let Notice::Raw(raw) = &n.kind else { panic!("{n:?}") };
        assert_eq!(raw.kind, "notice/notify/input_status");
        assert_eq!(raw.data["user_id"], 5);
        let Event::Notice(n) = decode(
            r#"{"post_type":"notice","notice_type":"group_decrease","sub_type":"kick_me","self_id":1,"group_id":2,"user_id":1,"operator_id":3}"#,
        ) else {
            panic!()
        };
        assert!(matches!(n.kind, Notice::BotLeft(_)));
    }

    trait PokedExt {
        fn kind_poked(&self) -> Option<(String, String)>;
    }
    impl PokedExt for NoticeEvent {
        fn kind_poked(&self) -> Option<(String, String)> {
            match &self.kind {
                Notice::Poked(p) => Some((p.user_id.clone(), p.target_id.clone())),
                _ => None,
            }
        }
    }
}
