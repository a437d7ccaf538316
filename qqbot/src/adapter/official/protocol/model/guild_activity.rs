//! Guild activity: qg_botsdk's AUDIO_ACTION, REACTION, INTERACTION and LIVE_CHANNEL_MEMBER families.

use serde::{Deserialize, Serialize};

use crate::adapter::serde_lenient::lenient;

lenient! {
    /// AUDIO_START, AUDIO_FINISH (with `audio_url` and `text`), AUDIO_ON_MIC, AUDIO_OFF_MIC.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AudioAction {
        /// The guild.
        pub guild_id: Option<String>,
        /// The voice channel.
        pub channel_id: Option<String>,
        /// The audio URL (start/finish only).
        pub audio_url: Option<String>,
        /// The audio description (start/finish only).
        pub text: Option<String>,
    }
}

lenient! {
    /// AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER / EXIT.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct LiveChannelMember {
        /// The guild.
        pub guild_id: Option<String>,
        /// The channel.
        pub channel_id: Option<String>,
        /// 2 voice channel, 5 live channel.
        pub channel_type: Option<i64>,
        /// The user.
        pub user_id: Option<String>,
    }
}

lenient! {
    /// MESSAGE_REACTION_ADD / REMOVE: someone added or removed an emoji reaction (表情表态).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Reaction {
        /// Who reacted.
        pub user_id: Option<String>,
        /// The guild.
        pub guild_id: Option<String>,
        /// The channel.
        pub channel_id: Option<String>,
        /// What was reacted to.
        pub target: Option<ReactionTarget>,
        /// The emoji.
        pub emoji: Option<Emoji>,
    }
}

lenient! {
    /// The object of a reaction.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ReactionTarget {
        /// Its id (a message id for messages).
        pub id: Option<String>,
        /// 0 message, 1 thread, 2 post, 3 reply.
        #[serde(rename = "type")]
        pub kind: Option<i64>,
    }
}

lenient! {
    /// An emoji: `type` 1 system face, 2 emoji character.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Emoji {
        /// The emoji id.
        pub id: Option<String>,
        /// 1 system, 2 emoji.
        #[serde(rename = "type")]
        pub kind: Option<i64>,
    }
}

lenient! {
    /// INTERACTION_CREATE: a callback button was pressed. Acknowledge it with `OfficialApi::ack_interaction`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Interaction {
        /// The interaction id (to acknowledge).
        pub id: Option<String>,
        /// The bot's app id.
        pub application_id: Option<String>,
        /// 11 message button, 12 menu.
        #[serde(rename = "type")]
        pub kind: Option<i64>,
        /// 0 guild, 1 group, 2 C2C.
        pub chat_type: Option<i64>,
        /// `guild`, `group`, `c2c`.
        pub scene: Option<String>,
        /// When it happened.
        pub timestamp: Option<String>,
        /// Guild: the guild.
        pub guild_id: Option<String>,
        /// Guild: the channel.
        pub channel_id: Option<String>,
        /// Group: the group.
        pub group_openid: Option<String>,
        /// Group: who pressed.
        pub group_member_openid: Option<String>,
        /// C2C: who pressed.
        pub user_openid: Option<String>,
        /// The version.
        pub version: Option<i64>,
        /// What was pressed.
        pub data: Option<InteractionData>,
    }
}

lenient! {
    /// The `data` of an interaction.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct InteractionData {
        /// The data type.
        #[serde(rename = "type")]
        pub kind: Option<i64>,
        /// The resolved button.
        pub resolved: Option<InteractionResolved>,
    }
}

lenient! {
    /// The button behind an interaction.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct InteractionResolved {
        /// The button's `action.data`.
        pub button_data: Option<String>,
        /// The button's id.
        pub button_id: Option<String>,
        /// Guild: who pressed.
        pub user_id: Option<String>,
        /// Menu: the feature id.
        pub feature_id: Option<String>,
        /// The message with the button.
        pub message_id: Option<String>,
    }
}
