//! Turns an [`OfficialEvent`] into the platform-neutral [`Event`]: scene, sender and role, mentions (`to_me`),
//! message segments, and the notices the framework has typed forms for. Everything else becomes
//! [`Notice::Raw`], with the typed payload still in `platform_data`.

use super::content::parse_content;
use super::event::{OfficialEvent, OfficialPayload};
use super::model::time::unix_seconds;
use super::model::*;
use crate::event::{
    BotJoined, BotLeft, Connected, Event, FriendAdded, MemberJoined, MemberLeft, MessageEvent, MessageRecalled, Notice,
    NoticeEvent, Platform, PlatformData, RawEvent, Role, Scene, Sender,
};
use crate::message::{Media, Message, Segment};

/// Builds the neutral event. `self_id` is the bot's id as the platform writes it in mentions (READY's
/// `user.id`).
pub fn to_event(ev: OfficialEvent, self_id: &str) -> Event {
    use OfficialPayload as P;
    let message = match &ev.payload {
        P::ChannelMessage(m) => Some(channel_message(&ev, m, Scene::GUILD, self_id)),
        P::DirectMessage(m) => Some(channel_message(&ev, m, Scene::DM, self_id)),
        P::GroupMessage(m) => Some(group_message(&ev, m, self_id)),
        P::C2cMessage(m) => Some(c2c_message(&ev, m, self_id)),
        _ => None,
    };
    if let Some(mut m) = message {
        m.platform_data = PlatformData::new(ev);
        return Event::Message(m);
    }
    let (kind, time) = notice_kind(&ev);
    let mut n = NoticeEvent::new(Platform::Official, self_id, kind);
    n.time = time;
    n.event_id = ev.event_id.clone();
    n.platform_data = PlatformData::new(ev);
    Event::Notice(n)
}

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn time_of(ts: &Option<String>) -> i64 {
    ts.as_deref().and_then(unix_seconds).unwrap_or(0)
}

fn guild_role(member: Option<&Member>) -> Role {
    let roles = member.map(|m| m.roles.as_slice()).unwrap_or_default();
    if roles.iter().any(|r| r == role_ids::OWNER) {
        Role::Owner
    } else if roles.iter().any(|r| r == role_ids::ADMIN || r == role_ids::CHANNEL_ADMIN) {
        Role::Admin
    } else {
        Role::Member
    }
}

fn group_role(role: Option<&str>) -> Role {
    match role {
        Some(r) if r.eq_ignore_ascii_case("owner") => Role::Owner,
        Some(r) if r.eq_ignore_ascii_case("admin") || r.eq_ignore_ascii_case("administrator") => Role::Admin,
        _ => Role::Member,
    }
}

fn attachment_segments(attachments: &[Attachment], out: &mut Vec<Segment>) {
    for a in attachments {
        let url = a.full_url();
        let mut media = Media::new(url.clone().unwrap_or_default());
        media.url = url;
        media.name = a.filename.clone();
        for (k, v) in [("content_type", &a.content_type), ("id", &a.id), ("asr_refer_text", &a.asr_refer_text)] {
            if let Some(v) = v {
                media.extra.insert(k.into(), serde_json::Value::String(v.clone()));
            }
        }
        if let Some(size) = a.size {
            media.extra.insert("size".into(), size.into());
        }
        let ct = a.content_type.as_deref().unwrap_or("").to_ascii_lowercase();
        out.push(if ct.starts_with("image") {
            Segment::Image(media)
        } else if ct.starts_with("voice") || ct.starts_with("audio") {
            Segment::Record(media)
        } else if ct.starts_with("video") {
            Segment::Video(media)
        } else {
            Segment::File(media)
        });
    }
}

fn build_message(reply_to: Option<&str>, content: &str, attachments: &[Attachment]) -> Message {
    let mut segments = Vec::new();
    if let Some(id) = reply_to {
        segments.push(Segment::Reply(id.to_owned()));
    }
    segments.extend(parse_content(content));
    attachment_segments(attachments, &mut segments);
    Message::from_segments(segments)
}

fn channel_message(ev: &OfficialEvent, m: &ChannelMessage, scene: Scene, self_id: &str) -> MessageEvent {
    let author = m.author.as_ref();
    let mut sender = Sender::new(author.and_then(|a| a.id.clone()).unwrap_or_default());
    sender.nickname = author.and_then(|a| a.username.clone());
    sender.card = m.member.as_ref().and_then(|mb| mb.nick.clone()).filter(|n| !n.is_empty());
    sender.is_bot = author.and_then(|a| a.bot).unwrap_or(false);
    sender.role = if scene == Scene::GUILD { guild_role(m.member.as_ref()) } else { Role::Member };
    let reply_to = m.message_reference.as_ref().and_then(|r| r.message_id.clone());
    let message = build_message(reply_to.as_deref(), m.content.as_deref().unwrap_or(""), &m.attachments);
    let mut e = MessageEvent::new(Platform::Official, scene, self_id, sender, message);
    e.message_id = s(&m.id);
    e.event_id = ev.event_id.clone();
    e.guild_id = m.guild_id.clone();
    e.channel_id = m.channel_id.clone();
    e.reply_to = reply_to;
    e.time = time_of(&m.timestamp);
    let mentioned = m.mentions.iter().any(|u| u.id.as_deref() == Some(self_id));
    e.to_me = scene == Scene::DM || ev.t == "AT_MESSAGE_CREATE" || mentioned || e.mentions_me();
    e
}

fn quote_of(scene: Option<&MessageScene>, reference: Option<&MessageReference>) -> Option<String> {
    scene
        .and_then(|sc| sc.ext_value("ref_msg_idx"))
        .map(str::to_owned)
        .or_else(|| reference.and_then(|r| r.message_id.clone()))
        .filter(|s| !s.is_empty())
}

fn group_message(ev: &OfficialEvent, m: &GroupMessage, self_id: &str) -> MessageEvent {
    let author = m.author.as_ref();
    let mut sender = Sender::new(author.and_then(QqAuthor::openid).unwrap_or_default());
    sender.nickname = author.and_then(|a| a.username.clone());
    sender.is_bot = author.and_then(|a| a.bot).unwrap_or(false);
    sender.role = group_role(author.and_then(|a| a.member_role.as_deref()));
    let reply_to = quote_of(m.message_scene.as_ref(), m.message_reference.as_ref());
    let at_event = ev.t == "GROUP_AT_MESSAGE_CREATE";
    let content = m.content.as_deref().unwrap_or("");
    // GROUP_AT_MESSAGE_CREATE: the platform removed the bot mention and left the space after it.
    let content = if at_event { content.trim_start() } else { content };
    let mut message = build_message(reply_to.as_deref(), content, &m.attachments);
    // Mentions of this bot may use an openid of the bot rather than READY's id; rewrite them so `treat` removes
    // them and `mentions_me` sees them.
    let mine: Vec<&str> =
        m.mentions.iter().filter(|x| x.is_you == Some(true)).filter_map(|x| x.id.as_deref()).collect();
    for seg in message.segments_mut() {
        if let Segment::At(id) = seg
            && mine.contains(&id.id())
        {
            *id = self_id.into();
        }
    }
    let mut e = MessageEvent::new(Platform::Official, Scene::GROUP, self_id, sender, message);
    e.message_id = s(&m.id);
    e.event_id = ev.event_id.clone();
    e.group_id = m.group().map(str::to_owned);
    e.reply_to = reply_to;
    e.time = time_of(&m.timestamp);
    e.to_me = at_event || !mine.is_empty() || e.mentions_me();
    e
}

fn c2c_message(ev: &OfficialEvent, m: &C2cMessage, self_id: &str) -> MessageEvent {
    let sender = Sender::new(m.author.as_ref().and_then(QqAuthor::openid).unwrap_or_default());
    let reply_to = quote_of(m.message_scene.as_ref(), m.message_reference.as_ref());
    let message = build_message(reply_to.as_deref(), m.content.as_deref().unwrap_or(""), &m.attachments);
    let mut e = MessageEvent::new(Platform::Official, Scene::C2C, self_id, sender, message);
    e.message_id = s(&m.id);
    e.event_id = ev.event_id.clone();
    e.reply_to = reply_to;
    e.time = time_of(&m.timestamp);
    e.to_me = true;
    e
}

fn raw(ev: &OfficialEvent) -> Notice {
    Notice::Raw(RawEvent { kind: ev.t.clone(), data: ev.data_value() })
}

fn notice_kind(ev: &OfficialEvent) -> (Notice, i64) {
    use OfficialPayload as P;
    let t = ev.t.as_str();
    match &ev.payload {
        P::Ready(_) => (Notice::Connected(Connected { sub_type: "ready".into() }), 0),
        P::Resumed => (Notice::Connected(Connected { sub_type: "resumed".into() }), 0),
        P::GroupRobot(g) => {
            let time = g.timestamp.unwrap_or(0);
            let group_id = s(&g.group_openid);
            let operator_id = g.op_member_openid.clone();
            let kind = match t {
                "GROUP_ADD_ROBOT" => Notice::BotJoined(BotJoined { group_id, operator_id }),
                "GROUP_DEL_ROBOT" => Notice::BotLeft(BotLeft { group_id, operator_id }),
                _ => raw(ev),
            };
            (kind, time)
        }
        P::Friend(f) => {
            let kind = match t {
                "FRIEND_ADD" => Notice::FriendAdded(FriendAdded { user_id: s(&f.openid) }),
                _ => raw(ev),
            };
            (kind, f.timestamp.unwrap_or(0))
        }
        P::GroupMember(g) => {
            let (group_id, user_id) = (s(&g.group_openid), s(&g.member_openid));
            let kind = match t {
                "GROUP_MEMBER_ADD" => Notice::MemberJoined(MemberJoined {
                    group_id,
                    operator_id: user_id.clone(),
                    user_id,
                    sub_type: "approve".into(),
                }),
                _ => Notice::MemberLeft(MemberLeft {
                    group_id,
                    operator_id: user_id.clone(),
                    user_id,
                    sub_type: "leave".into(),
                }),
            };
            (kind, g.timestamp.unwrap_or(0))
        }
        P::Guild(g) => {
            let (group_id, operator_id) = (s(&g.id), g.op_user_id.clone());
            let kind = match t {
                "GUILD_CREATE" => Notice::BotJoined(BotJoined { group_id, operator_id }),
                "GUILD_DELETE" => Notice::BotLeft(BotLeft { group_id, operator_id }),
                _ => raw(ev),
            };
            (kind, 0)
        }
        P::GuildMember(m) => {
            let user_id = m.user.as_ref().map(|u| s(&u.id)).unwrap_or_default();
            let operator_id = m.op_user_id.clone().unwrap_or_else(|| user_id.clone());
            let group_id = s(&m.guild_id);
            let kind = match t {
                "GUILD_MEMBER_ADD" => {
                    Notice::MemberJoined(MemberJoined { group_id, user_id, operator_id, sub_type: "guild".into() })
                }
                "GUILD_MEMBER_REMOVE" => {
                    Notice::MemberLeft(MemberLeft { group_id, user_id, operator_id, sub_type: "guild".into() })
                }
                _ => raw(ev),
            };
            (kind, m.joined_at.as_deref().and_then(unix_seconds).unwrap_or(0))
        }
        P::MessageDelete(d) => {
            let msg = d.message.clone().unwrap_or_default();
            let user_id = msg.author.as_ref().map(|a| s(&a.id)).unwrap_or_default();
            let operator_id = d.op_user.as_ref().map(|u| s(&u.id)).unwrap_or_else(|| user_id.clone());
            let kind = Notice::MessageRecalled(MessageRecalled {
                group_id: None,
                user_id,
                operator_id,
                message_id: s(&msg.id),
            });
            (kind, 0)
        }
        _ => (raw(ev), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(frame: serde_json::Value, self_id: &str) -> Event {
        let p: Payload = serde_json::from_str(&frame.to_string()).unwrap();
        to_event(OfficialEvent::from_payload(p), self_id)
    }

    #[test]
    fn guild_at_message_is_to_me_and_admin_roles_map() {
        let e = decode(
            json!({"op":0,"s":1,"t":"AT_MESSAGE_CREATE","id":"AT:1","d":{"id":"m1","channel_id":"c","guild_id":"g",
                "content":"<@!99> /ping","author":{"id":"u","username":"n"},"member":{"roles":["1","2"],"nick":"card"}}}),
            "99",
        );
        let m = e.as_message().unwrap();
        assert!(m.to_me);
        assert_eq!(m.scene, Scene::GUILD);
        assert_eq!(m.sender.role, Role::Admin);
        assert_eq!(m.sender.name(), "card");
        assert_eq!(m.event_id.as_deref(), Some("AT:1"));
        assert_eq!(m.message.segments()[0], Segment::At("99".into()));
        assert_eq!(e.official().unwrap().s, Some(1));
    }

    #[test]
    fn group_message_mentions_of_the_bot_become_self_id() {
        let e = decode(
            json!({"op":0,"t":"GROUP_MESSAGE_CREATE","id":"G:1","d":{"id":"m","group_openid":"grp","content":"<@BOTOPEN> hi",
                "author":{"member_openid":"u","member_role":"owner"},
                "mentions":[{"id":"BOTOPEN","is_you":true}]}}),
            "99",
        );
        let m = e.as_message().unwrap();
        assert!(m.to_me);
        assert_eq!(m.sender.role, Role::Owner);
        assert_eq!(m.message.segments()[0], Segment::At("99".into()));
        assert_eq!(m.group_id.as_deref(), Some("grp"));
    }

    #[test]
    fn unknown_and_broken_events_are_raw() {
        let e = decode(json!({"op":0,"t":"SOMETHING_NEW","id":"x","d":{"a":1}}), "1");
        match &e.as_notice().unwrap().kind {
            Notice::Raw(r) => assert_eq!(r.kind, "SOMETHING_NEW"),
            other => panic!("{other:?}"),
        }
        let e = decode(json!({"op":0,"t":"GROUP_AT_MESSAGE_CREATE","d":{"author":"not an object"}}), "1");
        assert!(matches!(e.as_notice().unwrap().kind, Notice::Raw(_)));
        assert_eq!(e.official().unwrap().payload, OfficialPayload::Unknown);
    }
}
