//! The platform-neutral [`Bot`] handle: what a handler can do on any platform.
//!
//! Each adapter implements [`Bot`] for its accounts; its full typed API (`OneBotApi`, `OfficialApi`) is reached
//! through [`crate::Ctx`] accessors.

use std::any::Any;
use std::fmt;

use futures_util::future::BoxFuture;

use crate::error::{Error, Result};
use crate::event::{Event, MessageEvent, Platform, Scene};
use crate::message::Message;

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

/// One bot account on one platform: what every adapter can do.
///
/// Handlers reach it through [`crate::Ctx::bot`]; most use the shortcuts on `Ctx` (`reply`, `send`).
pub trait Bot: Send + Sync + 'static {
    /// The platform this account is on.
    fn platform(&self) -> Platform;

    /// The account's id.
    fn self_id(&self) -> &str;

    /// Sends a message to a conversation, proactively. Returns the new message's id.
    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>>;

    /// Replies to an event. Adapters override this to follow their platform's reply rules (the official
    /// platform's passive reply with `msg_id`/`event_id` and `msg_seq`). Returns the new message's id.
    fn reply<'a>(&'a self, event: &'a Event, message: Message) -> BoxFuture<'a, Result<String>> {
        match event {
            Event::Message(m) => Box::pin(async move { self.send(&m.target(), message).await }),
            Event::Notice(n) => Box::pin(async move {
                let target = match (n.group_id(), n.user_id()) {
                    (Some(g), _) => Target::Group(g.to_owned()),
                    (None, Some(u)) => Target::Private(u.to_owned()),
                    (None, None) => {
                        return Err(Error::Unsupported {
                            platform: self.platform(),
                            what: "replying to an event that names no group or user".into(),
                        });
                    }
                };
                self.send(&target, message).await
            }),
        }
    }

    /// Recalls (withdraws) a message the bot can recall.
    fn recall<'a>(&'a self, target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        let _ = (target, message_id);
        Box::pin(
            async move { Err(Error::Unsupported { platform: self.platform(), what: "recalling messages".into() }) },
        )
    }

    /// The adapter's concrete type, for `ctx.onebot()` / `ctx.official()`.
    fn as_any(&self) -> &dyn Any;
}

impl fmt::Debug for dyn Bot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bot({}:{})", self.platform(), self.self_id())
    }
}
