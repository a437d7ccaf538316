//! Guild activity: qg_botsdk's AUDIO_ACTION, REACTION, INTERACTION and LIVE_CHANNEL_MEMBER families.

use serde::{Deserialize, Serialize};

use crate::adapter::serde_lenient;

/// AUDIO_START, AUDIO_FINISH (with `audio_url` and `text`), AUDIO_ON_MIC, AUDIO_OFF_MIC.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AudioAction {
    /// The guild.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub guild_id: Option<String>,
    /// The voice channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub channel_id: Option<String>,
    /// The audio URL (start/finish only).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub audio_url: Option<String>,
    /// The audio description (start/finish only).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub text: Option<String>,
}

/// AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER / EXIT.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LiveChannelMember {
    /// The guild.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub guild_id: Option<String>,
    /// The channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub channel_id: Option<String>,
    /// 2 voice channel, 5 live channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub channel_type: Option<i64>,
    /// The user.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub user_id: Option<String>,
}

/// MESSAGE_REACTION_ADD / REMOVE: someone added or removed an emoji reaction (表情表态).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reaction {
    /// Who reacted.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub user_id: Option<String>,
    /// The guild.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub guild_id: Option<String>,
    /// The channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub channel_id: Option<String>,
    /// What was reacted to.
    #[serde(default)]
    pub target: Option<ReactionTarget>,
    /// The emoji.
    #[serde(default)]
    pub emoji: Option<Emoji>,
}

/// The object of a reaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReactionTarget {
    /// Its id (a message id for messages).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// 0 message, 1 thread, 2 post, 3 reply.
    #[serde(default, rename = "type", deserialize_with = "serde_lenient::opt_i64")]
    pub kind: Option<i64>,
}

/// An emoji: `type` 1 system face, 2 emoji character.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Emoji {
    /// The emoji id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// 1 system, 2 emoji.
    #[serde(default, rename = "type", deserialize_with = "serde_lenient::opt_i64")]
    pub kind: Option<i64>,
}

/// INTERACTION_CREATE: a callback button was pressed. Acknowledge it with `OfficialApi::ack_interaction`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interaction {
    /// The interaction id (to acknowledge).
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
    /// The bot's app id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub application_id: Option<String>,
    /// 11 message button, 12 menu.
    #[serde(default, rename = "type", deserialize_with = "serde_lenient::opt_i64")]
    pub kind: Option<i64>,
    /// 0 guild, 1 group, 2 C2C.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub chat_type: Option<i64>,
    /// `guild`, `group`, `c2c`.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub scene: Option<String>,
    /// When it happened.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub timestamp: Option<String>,
    /// Guild: the guild.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub guild_id: Option<String>,
    /// Guild: the channel.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub channel_id: Option<String>,
    /// Group: the group.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_openid: Option<String>,
    /// Group: who pressed.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub group_member_openid: Option<String>,
    /// C2C: who pressed.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub user_openid: Option<String>,
    /// The version.
    #[serde(default, deserialize_with = "serde_lenient::opt_i64")]
    pub version: Option<i64>,
    /// What was pressed.
    #[serde(default)]
    pub data: Option<InteractionData>,
}

/// The `data` of an interaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InteractionData {
    /// The data type.
    #[serde(default, rename = "type", deserialize_with = "serde_lenient::opt_i64")]
    pub kind: Option<i64>,
    /// The resolved button.
    #[serde(default)]
    pub resolved: Option<InteractionResolved>,
}

/// The button behind an interaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InteractionResolved {
    /// The button's `action.data`.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub button_data: Option<String>,
    /// The button's id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub button_id: Option<String>,
    /// Guild: who pressed.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub user_id: Option<String>,
    /// Menu: the feature id.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub feature_id: Option<String>,
    /// The message with the button.
    #[serde(default, deserialize_with = "serde_lenient::opt_string")]
    pub message_id: Option<String>,
}
