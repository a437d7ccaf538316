//! Things that happened without a message: members joining, recalls, pokes, friend and group requests,
//! connection life-cycle. Each kind is its own struct so an `#[on_event]` handler names exactly what it wants.

use serde::{Deserialize, Serialize};

/// A member joined a group (OneBot `group_increase`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberJoined {
    /// The group.
    pub group_id: String,
    /// The member who joined.
    pub user_id: String,
    /// Who let them in (the inviter or approving admin; equal to `user_id` when unknown).
    pub operator_id: String,
    /// `approve` or `invite` on OneBot.
    pub sub_type: String,
}

/// A member left or was removed from a group (OneBot `group_decrease`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLeft {
    /// The group.
    pub group_id: String,
    /// The member who left.
    pub user_id: String,
    /// Who removed them (equal to `user_id` when they left by themselves).
    pub operator_id: String,
    /// `leave`, `kick` or `kick_me` on OneBot.
    pub sub_type: String,
}

/// A member became or stopped being a group admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminChanged {
    /// The group.
    pub group_id: String,
    /// The member.
    pub user_id: String,
    /// True when they became an admin, false when they stopped being one.
    pub set: bool,
}

/// A member was muted or unmuted (a duration of 0 means unmuted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMuted {
    /// The group.
    pub group_id: String,
    /// The member (`0` for the whole group).
    pub user_id: String,
    /// The admin who did it.
    pub operator_id: String,
    /// Seconds; 0 when lifted.
    pub duration: i64,
}

/// A file was uploaded to a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUploaded {
    /// The group.
    pub group_id: String,
    /// Who uploaded it.
    pub user_id: String,
    /// The file id.
    pub file_id: String,
    /// The file name.
    pub name: String,
    /// The size in bytes.
    pub size: u64,
}

/// A message was recalled in a group or a private chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecalled {
    /// The group, or `None` for a private chat.
    pub group_id: Option<String>,
    /// Who sent the recalled message.
    pub user_id: String,
    /// Who recalled it.
    pub operator_id: String,
    /// The recalled message's id.
    pub message_id: String,
}

/// Someone added the bot as a friend, or the bot can now chat with a user (official `FRIEND_ADD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendAdded {
    /// The new friend.
    pub user_id: String,
}

/// Someone poked (戳一戳) a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poked {
    /// The group, or `None` in a private chat.
    pub group_id: Option<String>,
    /// Who poked.
    pub user_id: String,
    /// Who was poked.
    pub target_id: String,
}

/// Someone asked to become the bot's friend. Answer with the adapter's API, passing `flag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendRequest {
    /// Who asked.
    pub user_id: String,
    /// The message they wrote.
    pub comment: String,
    /// The token to pass when approving or rejecting.
    pub flag: String,
}

/// Someone asked to join a group, or invited the bot into one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRequest {
    /// The group.
    pub group_id: String,
    /// Who asked or invited.
    pub user_id: String,
    /// `add` (someone wants to join) or `invite` (the bot is invited).
    pub sub_type: String,
    /// The message they wrote.
    pub comment: String,
    /// The token to pass when approving or rejecting.
    pub flag: String,
}

/// The bot was added to a group or a guild (official `GROUP_ADD_ROBOT`, `GUILD_CREATE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotJoined {
    /// The group or guild id.
    pub group_id: String,
    /// Who added the bot, if known.
    pub operator_id: Option<String>,
}

/// The bot was removed from a group or a guild (official `GROUP_DEL_ROBOT`, `GUILD_DELETE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotLeft {
    /// The group or guild id.
    pub group_id: String,
    /// Who removed the bot, if known.
    pub operator_id: Option<String>,
}

/// The connection to the platform came up (OneBot `lifecycle` connect/enable, official `READY`/`RESUMED`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connected {
    /// `connect`, `enable`, `ready`, `resumed` …
    pub sub_type: String,
}

/// The connection to the platform was lost or the implementation went away (OneBot `lifecycle` disable,
/// NapCat `bot_offline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disconnected {
    /// Why, as the platform or the adapter says it.
    pub reason: String,
}

/// A heartbeat from the implementation (OneBot `meta_event` heartbeat).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The announced interval in milliseconds.
    pub interval_ms: u64,
    /// The implementation's status object.
    pub status: serde_json::Value,
}

/// An event the framework has no typed form for, kept whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawEvent {
    /// The event's type as the platform names it: OneBot `notice/notify/poke`-style paths,
    /// official dispatch types like `AUDIO_START`.
    pub kind: String,
    /// The event's JSON, exactly as received.
    pub data: serde_json::Value,
}
