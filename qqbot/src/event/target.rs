//! [`Target`]: where a message goes — a group, a user, a guild channel or a guild DM.

use std::fmt;

use super::{MessageEvent, Scene};

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// A QQ group (OneBot group id, official `group_openid`).
    Group(String),
    /// A one-to-one chat with a user (OneBot private, official C2C `openid`).
    Private(String),
    /// A guild text channel.
    Channel(String),
    /// A guild direct-message session, by the DM's guild id.
    Dm(String),
}

impl Target {
    /// The conversation a message event belongs to. Falls back to the sender when the adapter left the
    /// scene's id empty.
    pub fn of_event(event: &MessageEvent) -> Target {
        let or_user = |id: &Option<String>| id.clone().unwrap_or_else(|| event.sender.user_id.clone());
        match event.scene {
            Scene::GROUP => Target::Group(or_user(&event.group_id)),
            Scene::GUILD => Target::Channel(or_user(&event.channel_id)),
            Scene::DM => Target::Dm(or_user(&event.guild_id)),
            _ => Target::Private(event.sender.user_id.clone()),
        }
    }

    /// The scene messages to this target appear in.
    pub fn scene(&self) -> Scene {
        match self {
            Target::Group(_) => Scene::GROUP,
            Target::Private(_) => Scene::C2C,
            Target::Channel(_) => Scene::GUILD,
            Target::Dm(_) => Scene::DM,
        }
    }

    /// The id inside the scene.
    pub fn id(&self) -> &str {
        match self {
            Target::Group(id) | Target::Private(id) | Target::Channel(id) | Target::Dm(id) => id,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.scene(), self.id())
    }
}
