//! [`OfficialEvent`]: one dispatch, decoded once into its typed payload, kept in every event's `PlatformData`.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::model::null_data;
use super::model::*;
use crate::event::{Event, MessageEvent, NoticeEvent};

/// One dispatch from the official platform: the envelope's ids, the raw `d`, and its typed form.
///
/// Every [`Event`] the official adapter produces carries one; read it with `event.official()`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OfficialEvent {
    /// The envelope `id`: the event id (`GROUP_ADD_ROBOT:…`) that passive replies to events carry as `event_id`.
    pub event_id: Option<String>,
    /// The event type, e.g. `GROUP_AT_MESSAGE_CREATE`.
    pub t: String,
    /// The gateway sequence number (absent on webhooks).
    pub s: Option<u64>,
    /// `d` exactly as received: the JSON text, not a second tree (read it as a tree with
    /// [`OfficialEvent::data_value`]).
    pub data: Box<RawValue>,
    /// `d` decoded by `t`.
    pub payload: OfficialPayload,
}

/// The typed `d` of a dispatch, by event family.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OfficialPayload {
    /// READY.
    Ready(Ready),
    /// RESUMED (`d` is `""`).
    Resumed,
    /// GUILD_CREATE, GUILD_UPDATE, GUILD_DELETE.
    Guild(Guild),
    /// CHANNEL_CREATE, CHANNEL_UPDATE, CHANNEL_DELETE.
    Channel(Channel),
    /// GUILD_MEMBER_ADD, GUILD_MEMBER_UPDATE, GUILD_MEMBER_REMOVE.
    GuildMember(Member),
    /// AT_MESSAGE_CREATE (public), MESSAGE_CREATE (private bots: every message).
    ChannelMessage(ChannelMessage),
    /// DIRECT_MESSAGE_CREATE.
    DirectMessage(ChannelMessage),
    /// MESSAGE_DELETE, PUBLIC_MESSAGE_DELETE, DIRECT_MESSAGE_DELETE.
    MessageDelete(MessageDelete),
    /// MESSAGE_AUDIT_PASS, MESSAGE_AUDIT_REJECT.
    MessageAudit(MessageAudit),
    /// FORUM_THREAD_CREATE / UPDATE / DELETE.
    ForumThread(ForumThread),
    /// FORUM_POST_CREATE / DELETE.
    ForumPost(ForumPost),
    /// FORUM_REPLY_CREATE / DELETE.
    ForumReply(ForumReply),
    /// FORUM_PUBLISH_AUDIT_RESULT.
    ForumAudit(ForumAuditResult),
    /// OPEN_FORUM_THREAD_*, OPEN_FORUM_POST_*, OPEN_FORUM_REPLY_*.
    OpenForum(OpenForumEvent),
    /// AUDIO_START, AUDIO_FINISH, AUDIO_ON_MIC, AUDIO_OFF_MIC.
    Audio(AudioAction),
    /// MESSAGE_REACTION_ADD, MESSAGE_REACTION_REMOVE.
    Reaction(Reaction),
    /// INTERACTION_CREATE.
    Interaction(Interaction),
    /// AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER / EXIT.
    LiveChannelMember(LiveChannelMember),
    /// GROUP_AT_MESSAGE_CREATE, GROUP_MESSAGE_CREATE.
    GroupMessage(GroupMessage),
    /// C2C_MESSAGE_CREATE.
    C2cMessage(C2cMessage),
    /// GROUP_ADD_ROBOT, GROUP_DEL_ROBOT, GROUP_MSG_REJECT, GROUP_MSG_RECEIVE.
    GroupRobot(GroupRobotEvent),
    /// FRIEND_ADD, FRIEND_DEL, C2C_MSG_REJECT, C2C_MSG_RECEIVE.
    Friend(FriendEvent),
    /// GROUP_MEMBER_ADD, GROUP_MEMBER_REMOVE.
    GroupMember(GroupMemberEvent),
    /// SUBSCRIBE_MESSAGE_STATUS.
    SubscribeMessageStatus(SubscribeMessageStatus),
    /// ENTER_AIO.
    EnterAio(EnterAio),
    /// A type this version does not know, or a known type whose `d` did not decode; `data` has it all.
    Unknown,
}

impl OfficialEvent {
    /// Decodes a dispatch's `d` by its type. Never fails: an unknown type, or a `d` that does not fit its type,
    /// becomes [`OfficialPayload::Unknown`] (with one log line for the latter).
    pub fn decode(t: &str, event_id: Option<String>, s: Option<u64>, data: Value) -> OfficialEvent {
        let raw = serde_json::value::to_raw_value(&data).unwrap_or_else(|_| null_data());
        OfficialEvent::decode_raw(t, event_id, s, raw)
    }

    /// Decodes a dispatch's `d` from its JSON text, once, straight into its type; the text is kept as it is.
    pub fn decode_raw(t: &str, event_id: Option<String>, s: Option<u64>, data: Box<RawValue>) -> OfficialEvent {
        let payload = decode_payload(t, data.get());
        OfficialEvent { event_id, t: t.to_owned(), s, data, payload }
    }

    /// Decodes a whole frame `{"op":0,"t":…,"d":…}`.
    pub fn from_payload(frame: Payload) -> OfficialEvent {
        let t = frame.t.unwrap_or_default();
        OfficialEvent::decode_raw(&t, frame.id, frame.s, frame.d)
    }

    /// `d` as a JSON tree (parsed on each call: the event keeps the text).
    pub fn data_value(&self) -> Value {
        serde_json::from_str(self.data.get()).unwrap_or(Value::Null)
    }
}

impl PartialEq for OfficialEvent {
    fn eq(&self, other: &Self) -> bool {
        (&self.event_id, &self.t, self.s, self.data.get(), &self.payload)
            == (&other.event_id, &other.t, other.s, other.data.get(), &other.payload)
    }
}

fn typed<T: DeserializeOwned>(t: &str, data: &str, wrap: fn(T) -> OfficialPayload) -> OfficialPayload {
    match serde_json::from_str::<T>(data) {
        Ok(v) => wrap(v),
        Err(e) => {
            tracing::warn!(event = %t, "official event did not decode ({e}); delivering it as a raw event");
            OfficialPayload::Unknown
        }
    }
}

fn decode_payload(t: &str, d: &str) -> OfficialPayload {
    use OfficialPayload as P;
    match t {
        "READY" => typed(t, d, P::Ready),
        "RESUMED" => P::Resumed,
        "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE" => typed(t, d, P::Guild),
        "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE" => typed(t, d, P::Channel),
        "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" | "GUILD_MEMBER_REMOVE" => typed(t, d, P::GuildMember),
        "AT_MESSAGE_CREATE" | "MESSAGE_CREATE" => typed(t, d, P::ChannelMessage),
        "DIRECT_MESSAGE_CREATE" => typed(t, d, P::DirectMessage),
        "MESSAGE_DELETE" | "PUBLIC_MESSAGE_DELETE" | "DIRECT_MESSAGE_DELETE" => typed(t, d, P::MessageDelete),
        "MESSAGE_AUDIT_PASS" | "MESSAGE_AUDIT_REJECT" => typed(t, d, P::MessageAudit),
        "FORUM_THREAD_CREATE" | "FORUM_THREAD_UPDATE" | "FORUM_THREAD_DELETE" => typed(t, d, P::ForumThread),
        "FORUM_POST_CREATE" | "FORUM_POST_DELETE" => typed(t, d, P::ForumPost),
        "FORUM_REPLY_CREATE" | "FORUM_REPLY_DELETE" => typed(t, d, P::ForumReply),
        "FORUM_PUBLISH_AUDIT_RESULT" => typed(t, d, P::ForumAudit),
        "AUDIO_START" | "AUDIO_FINISH" | "AUDIO_ON_MIC" | "AUDIO_OFF_MIC" => typed(t, d, P::Audio),
        "MESSAGE_REACTION_ADD" | "MESSAGE_REACTION_REMOVE" => typed(t, d, P::Reaction),
        "INTERACTION_CREATE" => typed(t, d, P::Interaction),
        "AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER" | "AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT" => typed(t, d, P::LiveChannelMember),
        "GROUP_AT_MESSAGE_CREATE" | "GROUP_MESSAGE_CREATE" => typed(t, d, P::GroupMessage),
        "C2C_MESSAGE_CREATE" => typed(t, d, P::C2cMessage),
        "GROUP_ADD_ROBOT" | "GROUP_DEL_ROBOT" | "GROUP_MSG_REJECT" | "GROUP_MSG_RECEIVE" => typed(t, d, P::GroupRobot),
        "FRIEND_ADD" | "FRIEND_DEL" | "C2C_MSG_REJECT" | "C2C_MSG_RECEIVE" => typed(t, d, P::Friend),
        "GROUP_MEMBER_ADD" | "GROUP_MEMBER_REMOVE" => typed(t, d, P::GroupMember),
        "SUBSCRIBE_MESSAGE_STATUS" => typed(t, d, P::SubscribeMessageStatus),
        "ENTER_AIO" => typed(t, d, P::EnterAio),
        _ if t.starts_with("OPEN_FORUM_") => typed(t, d, P::OpenForum),
        _ => P::Unknown,
    }
}

impl Event {
    /// The official platform's typed payload, if the event came from the official adapter.
    pub fn official(&self) -> Option<&OfficialEvent> {
        match self {
            Event::Message(m) => m.official(),
            Event::Notice(n) => n.official(),
        }
    }
}

impl MessageEvent {
    /// The official platform's typed payload, if the event came from the official adapter.
    pub fn official(&self) -> Option<&OfficialEvent> {
        self.platform_data.get::<OfficialEvent>()
    }
}

impl NoticeEvent {
    /// The official platform's typed payload, if the event came from the official adapter.
    pub fn official(&self) -> Option<&OfficialEvent> {
        self.platform_data.get::<OfficialEvent>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispatch_is_decoded_once_and_its_data_kept_as_text() {
        let d = r#"{"id":"m1", "content" : "hi","author":{"user_openid":"U"},"timestamp":"2024-01-01T00:00:00+08:00"}"#;
        let frame = format!(r#"{{"op":0,"t":"C2C_MESSAGE_CREATE","s":3,"id":"C2C_MESSAGE_CREATE:1","d":{d}}}"#);
        let payload: Payload = serde_json::from_str(&frame).expect("a frame");
        let ev = OfficialEvent::from_payload(payload);
        // The odd spacing survives: the text went straight into the typed payload, with no tree in between.
        assert_eq!(ev.data.get(), d);
        let OfficialPayload::C2cMessage(m) = &ev.payload else { panic!("typed: {:?}", ev.payload) };
        assert_eq!(m.content.as_deref(), Some("hi"));
        assert_eq!(ev.data_value()["author"]["user_openid"], "U");
    }
}
