//! QQ group and C2C events: messages (GROUP_AT_MESSAGE_CREATE, GROUP_MESSAGE_CREATE, C2C_MESSAGE_CREATE), the bot
//! being added or removed, users opening or closing proactive messages, friends, group members, subscriptions.

use serde::{Deserialize, Serialize};

use super::message::{Attachment, MessageReference};
use crate::adapter::serde_lenient;

/// The author of a group or C2C message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QqAuthor {
    /// The author's openid for this bot (equals `member_openid` / `user_openid`).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// Groups: the member's openid.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub member_openid: Option<String>,
    /// C2C: the user's openid.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub user_openid: Option<String>,
    /// The cross-app id (often empty).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub union_openid: Option<String>,
    /// GROUP_MESSAGE_CREATE: the nickname.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub username: Option<String>,
    /// GROUP_MESSAGE_CREATE: whether the author is a bot.
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub bot: Option<bool>,
    /// GROUP_MESSAGE_CREATE: `owner`, `admin` or `member`.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub member_role: Option<String>,
}

impl QqAuthor {
    /// The best id: `member_openid`, `user_openid`, then `id`.
    pub fn openid(&self) -> Option<&str> {
        self.member_openid.as_deref().or(self.user_openid.as_deref()).or(self.id.as_deref()).filter(|s| !s.is_empty())
    }
}

/// A mention inside a GROUP_MESSAGE_CREATE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupMention {
    /// The mentioned member's openid.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// The same, as `member_openid`.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub member_openid: Option<String>,
    /// The nickname.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub username: Option<String>,
    /// Whether the mentioned member is a bot.
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub bot: Option<bool>,
    /// `single`, `all` …
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub scope: Option<String>,
    /// Whether the mention is of this bot.
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub is_you: Option<bool>,
    /// `owner`, `admin` or `member`.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub member_role: Option<String>,
}

/// Where a group/C2C message came from, and quote indexes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageScene {
    /// `default`, …
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub source: Option<String>,
    /// Data set by a button that produced the message.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub callback_data: Option<String>,
    /// `key=value` entries: `msg_idx=REFIDX_…`, `ref_msg_idx=REFIDX_…`, `auth_token=…`.
    #[serde(default, deserialize_with = "serde_lenient::vec_string")]
    pub ext: Vec<String>,
}

impl MessageScene {
    /// The value of an `ext` entry, split on the first `=` only (values are base64 and may contain `=`).
    pub fn ext_value(&self, key: &str) -> Option<&str> {
        self.ext.iter().find_map(|e| e.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
    }
}

/// A quoted message carried inside a group/C2C message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MsgElement {
    /// Its `REFIDX_…` index.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub msg_idx: Option<String>,
    /// Its message type.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub message_type: Option<i64>,
    /// Its text.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub content: Option<String>,
    /// Its attachments.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub attachments: Vec<Attachment>,
}

/// A QQ group message (GROUP_AT_MESSAGE_CREATE; GROUP_MESSAGE_CREATE adds `mentions` and author details).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupMessage {
    /// The message id (`ROBOT1.0_…`), for passive replies.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// The content (GROUP_AT_MESSAGE_CREATE: the bot mention already removed, a leading space left).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub content: Option<String>,
    /// When it was sent (RFC 3339).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub timestamp: Option<String>,
    /// The author.
    #[serde(default)]
    pub author: Option<QqAuthor>,
    /// The group (equals `group_openid`).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_id: Option<String>,
    /// The group's openid for this bot.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_openid: Option<String>,
    /// Attachments.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub attachments: Vec<Attachment>,
    /// GROUP_MESSAGE_CREATE: who is mentioned.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub mentions: Vec<GroupMention>,
    /// Source and quote indexes.
    #[serde(default)]
    pub message_scene: Option<MessageScene>,
    /// 0 text, 3 contact card, 103 quote …
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub message_type: Option<i64>,
    /// Quoted messages.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub msg_elements: Vec<MsgElement>,
    /// The quoted message.
    #[serde(default)]
    pub message_reference: Option<MessageReference>,
}

impl GroupMessage {
    /// The group's openid.
    pub fn group(&self) -> Option<&str> {
        self.group_openid.as_deref().or(self.group_id.as_deref()).filter(|s| !s.is_empty())
    }
}

/// A C2C (one-to-one) message (C2C_MESSAGE_CREATE).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct C2cMessage {
    /// The message id (`ROBOT1.0_…`), for passive replies.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// The content.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub content: Option<String>,
    /// When it was sent (RFC 3339).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub timestamp: Option<String>,
    /// The author.
    #[serde(default)]
    pub author: Option<QqAuthor>,
    /// Attachments.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub attachments: Vec<Attachment>,
    /// Source and quote indexes.
    #[serde(default)]
    pub message_scene: Option<MessageScene>,
    /// 0 text, 3 contact card, 103 quote …
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub message_type: Option<i64>,
    /// Quoted messages.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub msg_elements: Vec<MsgElement>,
    /// The quoted message.
    #[serde(default)]
    pub message_reference: Option<MessageReference>,
}

/// GROUP_ADD_ROBOT, GROUP_DEL_ROBOT, GROUP_MSG_REJECT, GROUP_MSG_RECEIVE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupRobotEvent {
    /// Unix seconds.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub timestamp: Option<i64>,
    /// The group.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_openid: Option<String>,
    /// The member who did it.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub op_member_openid: Option<String>,
}

/// The `author` of a friend event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendAuthor {
    /// The cross-app id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub union_openid: Option<String>,
}

/// FRIEND_ADD, FRIEND_DEL, C2C_MSG_REJECT, C2C_MSG_RECEIVE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FriendEvent {
    /// Unix seconds.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub timestamp: Option<i64>,
    /// The user's openid.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub openid: Option<String>,
    /// Extra author ids.
    #[serde(default)]
    pub author: Option<FriendAuthor>,
}

/// GROUP_MEMBER_ADD, GROUP_MEMBER_REMOVE (intent bit 24).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupMemberEvent {
    /// Unix seconds.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub timestamp: Option<i64>,
    /// The group.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_openid: Option<String>,
    /// The member.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub member_openid: Option<String>,
}

/// One template result of a SUBSCRIBE_MESSAGE_STATUS.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscribeResult {
    /// The template id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub template_id: Option<String>,
    /// The custom template id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub custom_template_id: Option<String>,
    /// 1 allowed, 2 denied.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub op: Option<i64>,
    /// The subscription id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub subscribe_id: Option<String>,
    /// When it changed (unix seconds).
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub update_ts: Option<i64>,
}

/// SUBSCRIBE_MESSAGE_STATUS: a user or group allowed or denied subscription messages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscribeMessageStatus {
    /// The group, for group subscriptions.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_openid: Option<String>,
    /// The user, for C2C subscriptions.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub openid: Option<String>,
    /// The results per template.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub result: Vec<SubscribeResult>,
}

/// ENTER_AIO: a user opened the chat window with the bot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EnterAio {
    /// The user.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub user_openid: Option<String>,
    /// Where they came from.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub from_source: Option<String>,
}
