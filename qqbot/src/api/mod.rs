//! The platform-neutral [`Bot`] handle: what a handler can do on any platform.
//!
//! Each adapter implements [`Bot`] for its accounts; its full typed API (`OneBotApi`, `OfficialApi`) is reached
//! through [`crate::Ctx`] accessors.

mod accounts;
mod hooks;
mod id_keys;
mod outbound;
mod swept_map;

pub(crate) use id_keys::IdKeys;
pub(crate) use swept_map::SweptMap;

pub use accounts::Accounts;
pub use hooks::{ApiCall, ApiHooks, CalledApiHook, CallingApiHook};
pub(crate) use outbound::Outbound;
pub use outbound::{PASSIVE_REPLIES_PER_MESSAGE, PASSIVE_REPLY_WINDOW, SendRateConfig};

use std::any::Any;
use std::fmt;

use futures_util::future::BoxFuture;

use crate::error::{Error, Result};
pub use crate::event::Target;
use crate::event::{Event, Platform};
use crate::message::Message;

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

    /// This account's typed API, for `ctx.onebot()` / `ctx.official()` / `ctx.api_as::<T>()`: `OneBotApi` on
    /// OneBot, `OfficialApi` on the official platform; a bot whose methods are its whole API (the console
    /// sandbox's, the test kit's recording bot) returns itself.
    fn api(&self) -> &dyn Any;
}

impl fmt::Debug for dyn Bot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bot({}:{})", self.platform(), self.self_id())
    }
}
