//! The platform-neutral event model.
//!
//! Adapters decode every frame once into an [`Event`]: a [`MessageEvent`] for messages, a [`NoticeEvent`] for
//! everything else (notices, requests, connection life-cycle). Each keeps its adapter's typed payload in
//! [`PlatformData`], and anything without a typed form survives as a [`RawEvent`].

mod message_event;
mod notice;
mod platform;
#[cfg(feature = "official")]
mod recent_ids;
mod scene;
mod sender;
mod target;

pub use message_event::MessageEvent;
pub use notice::*;
pub use platform::{Platform, PlatformData};
#[cfg(feature = "official")]
pub(crate) use recent_ids::RecentIds;
pub use scene::Scene;
pub use sender::{Role, Sender};
pub use target::Target;

/// One event from a platform.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// Someone sent a message.
    Message(MessageEvent),
    /// Anything else: notices, requests, connection life-cycle, unknown events.
    Notice(NoticeEvent),
}

impl Event {
    /// The platform it came from.
    pub fn platform(&self) -> Platform {
        match self {
            Event::Message(m) => m.platform,
            Event::Notice(n) => n.platform,
        }
    }

    /// The id of the bot account that received it.
    pub fn self_id(&self) -> &str {
        match self {
            Event::Message(m) => &m.self_id,
            Event::Notice(n) => &n.self_id,
        }
    }

    /// The message event, if this is one.
    pub fn as_message(&self) -> Option<&MessageEvent> {
        match self {
            Event::Message(m) => Some(m),
            Event::Notice(_) => None,
        }
    }

    /// The notice, if this is not a message.
    pub fn as_notice(&self) -> Option<&NoticeEvent> {
        match self {
            Event::Notice(n) => Some(n),
            Event::Message(_) => None,
        }
    }
}

/// A non-message event with the fields every platform shares.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NoticeEvent {
    /// Where the event came from.
    pub platform: Platform,
    /// The bot account that received it.
    pub self_id: String,
    /// Unix time in seconds (0 if unknown).
    pub time: i64,
    /// The official platform's `event_id`, where the event has one (lets the bot reply to it).
    pub event_id: Option<String>,
    /// What happened.
    pub kind: Notice,
    /// The adapter's own decoded payload.
    pub platform_data: PlatformData,
}

impl NoticeEvent {
    /// A notice with the given kind.
    pub fn new(platform: Platform, self_id: impl Into<String>, kind: Notice) -> Self {
        NoticeEvent {
            platform,
            self_id: self_id.into(),
            time: 0,
            event_id: None,
            kind,
            platform_data: PlatformData::none(),
        }
    }

    /// The group this notice concerns, if any.
    pub fn group_id(&self) -> Option<&str> {
        match &self.kind {
            Notice::MemberJoined(e) => Some(&e.group_id),
            Notice::MemberLeft(e) => Some(&e.group_id),
            Notice::AdminChanged(e) => Some(&e.group_id),
            Notice::MemberMuted(e) => Some(&e.group_id),
            Notice::FileUploaded(e) => Some(&e.group_id),
            Notice::MessageRecalled(e) => e.group_id.as_deref(),
            Notice::Poked(e) => e.group_id.as_deref(),
            Notice::GroupRequest(e) => Some(&e.group_id),
            Notice::BotJoined(e) => Some(&e.group_id),
            Notice::BotLeft(e) => Some(&e.group_id),
            _ => None,
        }
    }

    /// The user this notice concerns, if any.
    pub fn user_id(&self) -> Option<&str> {
        match &self.kind {
            Notice::MemberJoined(e) => Some(&e.user_id),
            Notice::MemberLeft(e) => Some(&e.user_id),
            Notice::AdminChanged(e) => Some(&e.user_id),
            Notice::MemberMuted(e) => Some(&e.user_id),
            Notice::FileUploaded(e) => Some(&e.user_id),
            Notice::MessageRecalled(e) => Some(&e.user_id),
            Notice::FriendAdded(e) => Some(&e.user_id),
            Notice::Poked(e) => Some(&e.user_id),
            Notice::FriendRequest(e) => Some(&e.user_id),
            Notice::GroupRequest(e) => Some(&e.user_id),
            _ => None,
        }
    }
}

/// What a [`NoticeEvent`] says happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Notice {
    /// A member joined a group.
    MemberJoined(MemberJoined),
    /// A member left a group.
    MemberLeft(MemberLeft),
    /// A member's admin status changed.
    AdminChanged(AdminChanged),
    /// A member was muted or unmuted.
    MemberMuted(MemberMuted),
    /// A file was uploaded to a group.
    FileUploaded(FileUploaded),
    /// A message was recalled.
    MessageRecalled(MessageRecalled),
    /// A friend was added.
    FriendAdded(FriendAdded),
    /// Someone poked someone.
    Poked(Poked),
    /// A friend request.
    FriendRequest(FriendRequest),
    /// A request to join a group, or an invitation for the bot.
    GroupRequest(GroupRequest),
    /// The bot was added to a group or guild.
    BotJoined(BotJoined),
    /// The bot was removed from a group or guild.
    BotLeft(BotLeft),
    /// The connection came up.
    Connected(Connected),
    /// The connection went down.
    Disconnected(Disconnected),
    /// A heartbeat arrived.
    Heartbeat(Heartbeat),
    /// An event with no typed form here; the platform's typed payload may still be in `platform_data`.
    Raw(RawEvent),
}
