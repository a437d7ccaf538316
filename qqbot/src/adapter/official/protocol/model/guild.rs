//! Guild (频道) objects: users, members, guilds, channels, roles — and the GUILDS, CHANNELS and GUILD_MEMBERS
//! event families of qg_botsdk, which carry these objects plus `op_user_id`.

use serde::{Deserialize, Serialize};

use crate::adapter::serde_lenient::lenient;

lenient! {
    /// A guild user (qg_botsdk's `user` / `author` / `Mentions` structures).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct User {
        /// The user's id in guilds (the id used in `<@!id>` mentions).
        pub id: Option<String>,
        /// The user's nickname across guilds.
        pub username: Option<String>,
        /// The avatar URL.
        pub avatar: Option<String>,
        /// Whether the user is a bot.
        pub bot: Option<bool>,
        /// The cross-app id, when the user is bound to an open platform app.
        pub union_openid: Option<String>,
        /// The bound account in that app.
        pub union_user_account: Option<String>,
    }
}

lenient! {
    /// A guild member (qg_botsdk's GUILD_MEMBERS event and the `member` field of messages).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Member {
        /// The guild (present on GUILD_MEMBER_* events).
        pub guild_id: Option<String>,
        /// The user.
        pub user: Option<User>,
        /// The member's nickname in this guild.
        pub nick: Option<String>,
        /// Role ids (`"4"` guild owner, `"2"` admin, `"5"` channel admin, `"1"` everyone …).
        pub roles: Vec<String>,
        /// When the member joined (RFC 3339, or unix seconds on old events).
        pub joined_at: Option<String>,
        /// Who caused the event (GUILD_MEMBER_* events).
        pub op_user_id: Option<String>,
    }
}

/// Platform-defined role ids (`roles` of a [`Member`]).
pub mod role_ids {
    /// Everyone (全体成员).
    pub const EVERYONE: &str = "1";
    /// Guild admin (管理员).
    pub const ADMIN: &str = "2";
    /// Guild owner (频道主 / 创建者).
    pub const OWNER: &str = "4";
    /// Channel admin (子频道管理员).
    pub const CHANNEL_ADMIN: &str = "5";
}

lenient! {
    /// A guild (qg_botsdk's GUILDS event: GUILD_CREATE / GUILD_UPDATE / GUILD_DELETE).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Guild {
        /// The guild id.
        pub id: Option<String>,
        /// The name.
        pub name: Option<String>,
        /// The icon URL.
        pub icon: Option<String>,
        /// The owner's user id.
        pub owner_id: Option<String>,
        /// Whether the bot is the owner.
        pub owner: Option<bool>,
        /// Current member count.
        pub member_count: Option<i64>,
        /// Maximum member count.
        pub max_members: Option<i64>,
        /// The description.
        pub description: Option<String>,
        /// When the bot joined.
        pub joined_at: Option<String>,
        /// Who caused the event.
        pub op_user_id: Option<String>,
    }
}

lenient! {
    /// A channel (qg_botsdk's CHANNELS event: CHANNEL_CREATE / CHANNEL_UPDATE / CHANNEL_DELETE).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Channel {
        /// The channel id.
        pub id: Option<String>,
        /// The guild.
        pub guild_id: Option<String>,
        /// The name.
        pub name: Option<String>,
        /// Channel type (0 text, 2 voice, 4 group, 10005 live, 10006 app, 10007 forum).
        #[serde(rename = "type")]
        pub kind: Option<i64>,
        /// Sub type (0 chat, 1 announcement, 2 guide, 3 game).
        pub sub_type: Option<i64>,
        /// Sort position.
        pub position: Option<i64>,
        /// The category it belongs to.
        pub parent_id: Option<String>,
        /// The creator.
        pub owner_id: Option<String>,
        /// Privacy (0 public, 1 owner/admins, 2 chosen members).
        pub private_type: Option<i64>,
        /// Who may speak (1 everyone, 2 chosen members).
        pub speak_permission: Option<i64>,
        /// The application type of an app channel.
        pub application_id: Option<String>,
        /// The user's permissions in the channel.
        pub permissions: Option<String>,
        /// Who caused the event.
        pub op_user_id: Option<String>,
    }
}

lenient! {
    /// A guild role (from the roles API).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GuildRole {
        /// The role id.
        pub id: Option<String>,
        /// The name.
        pub name: Option<String>,
        /// ARGB color.
        pub color: Option<i64>,
        /// Shown separately in the member list (0/1).
        pub hoist: Option<i64>,
        /// Member count.
        pub number: Option<i64>,
        /// Member limit.
        pub member_limit: Option<i64>,
    }
}
