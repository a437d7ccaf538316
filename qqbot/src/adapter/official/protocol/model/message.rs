//! Guild messages: qg_botsdk's MESSAGE, DIRECT_MESSAGE, MESSAGE_DELETE and MESSAGE_AUDIT families.

use serde::{Deserialize, Serialize};

use super::guild::{Member, User};
use crate::adapter::serde_lenient;

/// A guild channel message (AT_MESSAGE_CREATE, MESSAGE_CREATE) or a guild DM (DIRECT_MESSAGE_CREATE).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelMessage {
    /// The message id (`msg_id` for passive replies).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// The channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub channel_id: Option<String>,
    /// The guild (for a DM: the DM session's pseudo-guild).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub guild_id: Option<String>,
    /// The content, with `<@!id>`, `<#id>` and `<emoji:id>` tags and `&amp;`-escaped text.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub content: Option<String>,
    /// When it was sent (ISO 8601).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub timestamp: Option<String>,
    /// When it was edited.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub edited_timestamp: Option<String>,
    /// Whether it mentions everyone.
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub mention_everyone: Option<bool>,
    /// The author (during platform review only `id` may be present).
    #[serde(default)]
    pub author: Option<User>,
    /// The author as a member of the guild.
    #[serde(default)]
    pub member: Option<Member>,
    /// Attachments (pictures …).
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub attachments: Vec<Attachment>,
    /// Embeds.
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub embeds: Vec<serde_json::Value>,
    /// Mentioned users (entries may lack `id`).
    #[serde(default, deserialize_with = "serde_lenient::or_default")]
    pub mentions: Vec<User>,
    /// An ark message's content.
    #[serde(default)]
    pub ark: Option<serde_json::Value>,
    /// Ordering number within the channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub seq: Option<i64>,
    /// Ordering number within the channel, as a string.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub seq_in_channel: Option<String>,
    /// The quoted message.
    #[serde(default)]
    pub message_reference: Option<MessageReference>,
    /// DMs: the guild the conversation started from.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub src_guild_id: Option<String>,
    /// DMs: always true.
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub direct_message: Option<bool>,
    /// Unstable field (text-to-speech?).
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub tts: Option<bool>,
    /// Unstable field: whether the message is pinned (精华).
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub pinned: Option<bool>,
    /// Unstable field: message type.
    #[serde(default, rename = "type", deserialize_with = "serde_lenient::opt_string")]
    pub kind: Option<String>,
    /// Unstable field.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub flags: Option<String>,
}

/// An attachment of a received message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Attachment {
    /// The attachment id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// Where to download it (guild URLs may lack the scheme; see [`Attachment::full_url`]).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub url: Option<String>,
    /// The file name.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub filename: Option<String>,
    /// The MIME type (`image/jpeg`, `voice`, `video/mp4`, `file` …).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub size: Option<i64>,
    /// Width in pixels.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub width: Option<i64>,
    /// Height in pixels.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub height: Option<i64>,
    /// Group/C2C: a text content field (usually empty).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub content: Option<String>,
    /// Voice: a WAV rendition.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub voice_wav_url: Option<String>,
    /// Voice: the recognised text.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub asr_refer_text: Option<String>,
}

impl Attachment {
    /// The URL with `https://` added when the platform left the scheme out.
    pub fn full_url(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        if url.is_empty() {
            None
        } else if url.contains("://") {
            Some(url.to_owned())
        } else {
            Some(format!("https://{url}"))
        }
    }
}

/// A reference to a quoted message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageReference {
    /// The quoted message's id (group/C2C: a `REFIDX_…` index).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub message_id: Option<String>,
    /// Sending: whether to send even if the quoted message cannot be fetched.
    #[serde(default, deserialize_with = "serde_lenient::opt_bool")]
    pub ignore_get_message_error: Option<bool>,
}

/// MESSAGE_DELETE, PUBLIC_MESSAGE_DELETE, DIRECT_MESSAGE_DELETE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageDelete {
    /// The recalled message (id, channel_id, guild_id, author).
    #[serde(default)]
    pub message: Option<ChannelMessage>,
    /// Who recalled it (only `id`).
    #[serde(default)]
    pub op_user: Option<User>,
}

/// MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT: the outcome of an audited proactive message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageAudit {
    /// The audit id the send returned.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub audit_id: Option<String>,
    /// The message id, on PASS only.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub message_id: Option<String>,
    /// The guild.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub guild_id: Option<String>,
    /// The channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub channel_id: Option<String>,
    /// When it was audited.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub audit_time: Option<String>,
    /// When the message was created.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub create_time: Option<String>,
    /// Channel ordering number.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub seq_in_channel: Option<String>,
}
