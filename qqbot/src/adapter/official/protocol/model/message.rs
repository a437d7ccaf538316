//! Guild messages: qg_botsdk's MESSAGE, DIRECT_MESSAGE, MESSAGE_DELETE and MESSAGE_AUDIT families.

use serde::{Deserialize, Serialize};

use super::guild::{Member, User};
use crate::adapter::serde_lenient::lenient;

lenient! {
    /// A guild channel message (AT_MESSAGE_CREATE, MESSAGE_CREATE) or a guild DM (DIRECT_MESSAGE_CREATE).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ChannelMessage {
        /// The message id (`msg_id` for passive replies).
        pub id: Option<String>,
        /// The channel.
        pub channel_id: Option<String>,
        /// The guild (for a DM: the DM session's pseudo-guild).
        pub guild_id: Option<String>,
        /// The content, with `<@!id>`, `<#id>` and `<emoji:id>` tags and `&amp;`-escaped text.
        pub content: Option<String>,
        /// When it was sent (ISO 8601).
        pub timestamp: Option<String>,
        /// When it was edited.
        pub edited_timestamp: Option<String>,
        /// Whether it mentions everyone.
        pub mention_everyone: Option<bool>,
        /// The author (during platform review only `id` may be present).
        pub author: Option<User>,
        /// The author as a member of the guild.
        pub member: Option<Member>,
        /// Attachments (pictures …).
        pub attachments: Vec<Attachment>,
        /// Embeds.
        pub embeds: Vec<serde_json::Value>,
        /// Mentioned users (entries may lack `id`).
        pub mentions: Vec<User>,
        /// An ark message's content.
        pub ark: Option<serde_json::Value>,
        /// Ordering number within the channel.
        pub seq: Option<i64>,
        /// Ordering number within the channel, as a string.
        pub seq_in_channel: Option<String>,
        /// The quoted message.
        pub message_reference: Option<MessageReference>,
        /// DMs: the guild the conversation started from.
        pub src_guild_id: Option<String>,
        /// DMs: always true.
        pub direct_message: Option<bool>,
        /// Unstable field (text-to-speech?).
        pub tts: Option<bool>,
        /// Unstable field: whether the message is pinned (精华).
        pub pinned: Option<bool>,
        /// Unstable field: message type.
        #[serde(rename = "type")]
        pub kind: Option<String>,
        /// Unstable field.
        pub flags: Option<String>,
    }
}

lenient! {
    /// An attachment of a received message.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Attachment {
        /// The attachment id.
        pub id: Option<String>,
        /// Where to download it (guild URLs may lack the scheme; see [`Attachment::full_url`]).
        pub url: Option<String>,
        /// The file name.
        pub filename: Option<String>,
        /// The MIME type (`image/jpeg`, `voice`, `video/mp4`, `file` …).
        pub content_type: Option<String>,
        /// Size in bytes.
        pub size: Option<i64>,
        /// Width in pixels.
        pub width: Option<i64>,
        /// Height in pixels.
        pub height: Option<i64>,
        /// Group/C2C: a text content field (usually empty).
        pub content: Option<String>,
        /// Voice: a WAV rendition.
        pub voice_wav_url: Option<String>,
        /// Voice: the recognised text.
        pub asr_refer_text: Option<String>,
    }
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

lenient! {
    /// A reference to a quoted message.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct MessageReference {
        /// The quoted message's id (group/C2C: a `REFIDX_…` index).
        pub message_id: Option<String>,
        /// Sending: whether to send even if the quoted message cannot be fetched.
        pub ignore_get_message_error: Option<bool>,
    }
}

lenient! {
    /// MESSAGE_DELETE, PUBLIC_MESSAGE_DELETE, DIRECT_MESSAGE_DELETE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct MessageDelete {
        /// The recalled message (id, channel_id, guild_id, author).
        pub message: Option<ChannelMessage>,
        /// Who recalled it (only `id`).
        pub op_user: Option<User>,
    }
}

lenient! {
    /// MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT: the outcome of an audited proactive message.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct MessageAudit {
        /// The audit id the send returned.
        pub audit_id: Option<String>,
        /// The message id, on PASS only.
        pub message_id: Option<String>,
        /// The guild.
        pub guild_id: Option<String>,
        /// The channel.
        pub channel_id: Option<String>,
        /// When it was audited.
        pub audit_time: Option<String>,
        /// When the message was created.
        pub create_time: Option<String>,
        /// Channel ordering number.
        pub seq_in_channel: Option<String>,
    }
}
