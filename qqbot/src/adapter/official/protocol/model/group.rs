//! QQ group and C2C events: messages (GROUP_AT_MESSAGE_CREATE, GROUP_MESSAGE_CREATE, C2C_MESSAGE_CREATE), the bot
//! being added or removed, users opening or closing proactive messages, friends, group members, subscriptions.

use serde::{Deserialize, Serialize};

use super::message::{Attachment, MessageReference};
use crate::adapter::serde_lenient::lenient;

lenient! {
    /// The author of a group or C2C message.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct QqAuthor {
        /// The author's openid for this bot (equals `member_openid` / `user_openid`).
        pub id: Option<String>,
        /// Groups: the member's openid.
        pub member_openid: Option<String>,
        /// C2C: the user's openid.
        pub user_openid: Option<String>,
        /// The cross-app id (often empty).
        pub union_openid: Option<String>,
        /// GROUP_MESSAGE_CREATE: the nickname.
        pub username: Option<String>,
        /// GROUP_MESSAGE_CREATE: whether the author is a bot.
        pub bot: Option<bool>,
        /// GROUP_MESSAGE_CREATE: `owner`, `admin` or `member`.
        pub member_role: Option<String>,
    }
}

impl QqAuthor {
    /// The best id: `member_openid`, `user_openid`, then `id`.
    pub fn openid(&self) -> Option<&str> {
        self.member_openid.as_deref().or(self.user_openid.as_deref()).or(self.id.as_deref()).filter(|s| !s.is_empty())
    }
}

lenient! {
    /// A mention inside a GROUP_MESSAGE_CREATE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GroupMention {
        /// The mentioned member's openid.
        pub id: Option<String>,
        /// The same, as `member_openid`.
        pub member_openid: Option<String>,
        /// The nickname.
        pub username: Option<String>,
        /// Whether the mentioned member is a bot.
        pub bot: Option<bool>,
        /// `single`, `all` …
        pub scope: Option<String>,
        /// Whether the mention is of this bot.
        pub is_you: Option<bool>,
        /// `owner`, `admin` or `member`.
        pub member_role: Option<String>,
    }
}

lenient! {
    /// Where a group/C2C message came from, and quote indexes.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct MessageScene {
        /// `default`, …
        pub source: Option<String>,
        /// Data set by a button that produced the message.
        pub callback_data: Option<String>,
        /// `key=value` entries: `msg_idx=REFIDX_…`, `ref_msg_idx=REFIDX_…`, `auth_token=…`.
        pub ext: Vec<String>,
    }
}

impl MessageScene {
    /// The value of an `ext` entry, split on the first `=` only (values are base64 and may contain `=`).
    pub fn ext_value(&self, key: &str) -> Option<&str> {
        self.ext.iter().find_map(|e| e.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
    }
}

lenient! {
    /// A quoted message carried inside a group/C2C message.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct MsgElement {
        /// Its `REFIDX_…` index.
        pub msg_idx: Option<String>,
        /// Its message type.
        pub message_type: Option<i64>,
        /// Its text.
        pub content: Option<String>,
        /// Its attachments.
        pub attachments: Vec<Attachment>,
    }
}

lenient! {
    /// A QQ group message (GROUP_AT_MESSAGE_CREATE; GROUP_MESSAGE_CREATE adds `mentions` and author details).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GroupMessage {
        /// The message id (`ROBOT1.0_…`), for passive replies.
        pub id: Option<String>,
        /// The content (GROUP_AT_MESSAGE_CREATE: the bot mention already removed, a leading space left).
        pub content: Option<String>,
        /// When it was sent (RFC 3339).
        pub timestamp: Option<String>,
        /// The author.
        pub author: Option<QqAuthor>,
        /// The group (equals `group_openid`).
        pub group_id: Option<String>,
        /// The group's openid for this bot.
        pub group_openid: Option<String>,
        /// Attachments.
        pub attachments: Vec<Attachment>,
        /// GROUP_MESSAGE_CREATE: who is mentioned.
        pub mentions: Vec<GroupMention>,
        /// Source and quote indexes.
        pub message_scene: Option<MessageScene>,
        /// 0 text, 3 contact card, 103 quote …
        pub message_type: Option<i64>,
        /// Quoted messages.
        pub msg_elements: Vec<MsgElement>,
        /// The quoted message.
        pub message_reference: Option<MessageReference>,
    }
}

impl GroupMessage {
    /// The group's openid.
    pub fn group(&self) -> Option<&str> {
        self.group_openid.as_deref().or(self.group_id.as_deref()).filter(|s| !s.is_empty())
    }
}

lenient! {
    /// A C2C (one-to-one) message (C2C_MESSAGE_CREATE).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct C2cMessage {
        /// The message id (`ROBOT1.0_…`), for passive replies.
        pub id: Option<String>,
        /// The content.
        pub content: Option<String>,
        /// When it was sent (RFC 3339).
        pub timestamp: Option<String>,
        /// The author.
        pub author: Option<QqAuthor>,
        /// Attachments.
        pub attachments: Vec<Attachment>,
        /// Source and quote indexes.
        pub message_scene: Option<MessageScene>,
        /// 0 text, 3 contact card, 103 quote …
        pub message_type: Option<i64>,
        /// Quoted messages.
        pub msg_elements: Vec<MsgElement>,
        /// The quoted message.
        pub message_reference: Option<MessageReference>,
    }
}

lenient! {
    /// GROUP_ADD_ROBOT, GROUP_DEL_ROBOT, GROUP_MSG_REJECT, GROUP_MSG_RECEIVE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GroupRobotEvent {
        /// Unix seconds.
        pub timestamp: Option<i64>,
        /// The group.
        pub group_openid: Option<String>,
        /// The member who did it.
        pub op_member_openid: Option<String>,
    }
}

lenient! {
    /// The `author` of a friend event.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FriendAuthor {
        /// The cross-app id.
        pub union_openid: Option<String>,
    }
}

lenient! {
    /// FRIEND_ADD, FRIEND_DEL, C2C_MSG_REJECT, C2C_MSG_RECEIVE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FriendEvent {
        /// Unix seconds.
        pub timestamp: Option<i64>,
        /// The user's openid.
        pub openid: Option<String>,
        /// Extra author ids.
        pub author: Option<FriendAuthor>,
    }
}

lenient! {
    /// GROUP_MEMBER_ADD, GROUP_MEMBER_REMOVE (intent bit 24).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GroupMemberEvent {
        /// Unix seconds.
        pub timestamp: Option<i64>,
        /// The group.
        pub group_openid: Option<String>,
        /// The member.
        pub member_openid: Option<String>,
    }
}

lenient! {
    /// One template result of a SUBSCRIBE_MESSAGE_STATUS.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SubscribeResult {
        /// The template id.
        pub template_id: Option<String>,
        /// The custom template id.
        pub custom_template_id: Option<String>,
        /// 1 allowed, 2 denied.
        pub op: Option<i64>,
        /// The subscription id.
        pub subscribe_id: Option<String>,
        /// When it changed (unix seconds).
        pub update_ts: Option<i64>,
    }
}

lenient! {
    /// SUBSCRIBE_MESSAGE_STATUS: a user or group allowed or denied subscription messages.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SubscribeMessageStatus {
        /// The group, for group subscriptions.
        pub group_openid: Option<String>,
        /// The user, for C2C subscriptions.
        pub openid: Option<String>,
        /// The results per template.
        pub result: Vec<SubscribeResult>,
    }
}

lenient! {
    /// ENTER_AIO: a user opened the chat window with the bot.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct EnterAio {
        /// The user.
        pub user_openid: Option<String>,
        /// Where they came from.
        pub from_source: Option<String>,
    }
}
