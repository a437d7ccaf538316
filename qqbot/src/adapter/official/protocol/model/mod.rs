//! Typed payloads of the official platform: every event family of qg_botsdk's Model (GUILDS, CHANNELS,
//! GUILD_MEMBERS, MESSAGE, DIRECT_MESSAGE, MESSAGE_DELETE, MESSAGE_AUDIT, FORUMS_EVENT, OPEN_FORUMS,
//! AUDIO_ACTION, REACTION, INTERACTION, LIVE_CHANNEL_MEMBER), the group and C2C events, and the gateway frames.
//!
//! Every field is optional and lenient about its JSON type: the platform sends ids as numbers on some events,
//! omits fields during review, and adds new ones without notice. The whole `d` object is also kept raw in
//! [`OfficialEvent::data`](crate::adapter::official::OfficialEvent::data), so nothing is lost.

mod forum;
mod gateway;
mod group;
mod guild;
mod guild_activity;
mod message;
pub mod time;

pub use forum::{
    Elem, EmojiElem, ForumAuditResult, ForumPost, ForumReply, ForumThread, OpenForumEvent, Paragraph, PostInfo,
    ReplyInfo, RichText, TextElem, ThreadInfo, UrlElem,
};
pub(crate) use gateway::null_data;
pub use gateway::{GatewayBot, Hello, Payload, Ready, SessionStartLimit, opcode};
pub use group::{
    C2cMessage, EnterAio, FriendAuthor, FriendEvent, GroupMemberEvent, GroupMention, GroupMessage, GroupRobotEvent,
    MessageScene, MsgElement, QqAuthor, SubscribeMessageStatus, SubscribeResult,
};
pub use guild::{Channel, Guild, GuildRole, Member, User, role_ids};
pub use guild_activity::{
    AudioAction, Emoji, Interaction, InteractionData, InteractionResolved, LiveChannelMember, Reaction, ReactionTarget,
};
pub use message::{Attachment, ChannelMessage, MessageAudit, MessageDelete, MessageReference};
