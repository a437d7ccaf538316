//! Who sent an event, and with what rights.

use serde::{Deserialize, Serialize};

/// The sender's role in the group or guild where they spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An ordinary member (also every sender in a one-to-one chat).
    #[default]
    Member,
    /// A group administrator, or a guild administrator / channel admin.
    Admin,
    /// The group owner (群主) or guild owner (频道主).
    Owner,
}

impl Role {
    /// Whether the role is admin or owner.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Owner)
    }
}

/// The user who sent a message or caused an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// The platform's user id (a QQ number for OneBot, an openid or guild user id for the official platform).
    pub user_id: String,
    /// The user's nickname, if the platform sent one.
    pub nickname: Option<String>,
    /// The user's group card (群名片) or guild nickname, if set.
    pub card: Option<String>,
    /// The user's role where they spoke.
    pub role: Role,
    /// Whether the user is one of the bot's configured superusers (filled in by the `App`).
    pub is_superuser: bool,
    /// Whether the sender is a bot account.
    pub is_bot: bool,
}

impl Sender {
    /// A sender with only an id.
    pub fn new(user_id: impl Into<String>) -> Self {
        Sender { user_id: user_id.into(), ..Default::default() }
    }

    /// The best display name: the card, else the nickname, else the id.
    pub fn name(&self) -> &str {
        self.card
            .as_deref()
            .filter(|c| !c.is_empty())
            .or(self.nickname.as_deref().filter(|n| !n.is_empty()))
            .unwrap_or(&self.user_id)
    }

    /// Whether the sender may use `admin = true` commands: an admin, the owner, or a superuser.
    pub fn is_admin(&self) -> bool {
        self.role.is_admin() || self.is_superuser
    }
}
