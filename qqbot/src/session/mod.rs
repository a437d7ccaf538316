//! Sessions: state kept in a store, per user, group, guild, channel or bot-wide.
//!
//! **Sessions** (as in qg_botsdk) keep state per user, group, guild, channel or bot-wide, across messages and
//! restarts. Each has a [`Scope`], an identify inside the scope (taken from the event when not given), a key and
//! JSON data with typed access, and a life cycle:
//!
//! ```text
//! ACTIVE ──(timeout since the last operation, or end())──▶ INACTIVE ──(inactive_gc_timeout)──▶ removed
//!    ▲                                                          │
//!    └──────────────── any operation (get, update …) ───────────┘     HANGING: no timeout; ACTIVE on the next operation
//! ```
//!
//! When an ACTIVE session times out, its optional timeout reply goes where it began, through the bot account it
//! began on (a passive reply while the platform accepts one). One background task per app does all timing —
//! no timer per session.
//!
//! Sessions live in a [`SessionStore`]: [`SqliteStore`] by default (a file under `[bot] data_dir`, every change
//! committed before the call returns), [`RedisStore`] for several processes sharing sessions, [`MemoryStore`]
//! for tests. The `[session]` table of `qqbot.toml` picks one ([`SessionConfig`]).
//!
//! Conversations (a handler waiting for the user's next message, [`Ctx::wait_reply`](crate::Ctx::wait_reply))
//! are part of dispatch and live beside the dispatcher; they combine with sessions as below.
//!
//! ```no_run
//! use qqbot::prelude::*;
//! use std::time::Duration;
//!
//! /// 签到
//! async fn sign_in(session: Session) -> qqbot::Result<String> {
//!     let days = session.user("sign_in").increment("days", 1).await?;
//!     Ok(format!("签到成功，累计 {days} 天"))
//! }
//!
//! /// 报名：问名字，再问年龄
//! async fn sign_up(ctx: Ctx) -> qqbot::Result<String> {
//!     ctx.reply("你叫什么名字？").await?;
//!     let name = ctx.wait_reply(Duration::from_secs(60)).await?.plain_text();
//!     ctx.reply("几岁？").await?;
//!     let age = ctx.wait_reply_where(Duration::from_secs(60), |m| m.message.plain_text().trim().parse::<u8>().is_ok()).await?;
//!     Ok(format!("{name}（{} 岁）报名成功", age.plain_text().trim()))
//! }
//! ```

mod clock;
mod config;
mod error;
mod handle;
mod manager;
mod object;
mod options;
mod record;
mod scope;
mod store;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{SessionBackend, SessionConfig};
pub use error::SessionError;
pub(crate) use handle::Origin;
pub use handle::{NewSession, Session, SessionRef};
pub use manager::{CollectReport, SessionManager, SessionManagerBuilder};
pub use object::SessionObject;
pub use options::SessionOptions;
pub use record::SessionRecord;
pub use scope::{Scope, SessionFilter, SessionId, SessionStatus};
#[cfg(feature = "redis")]
pub use store::RedisStore;
#[cfg(feature = "sqlite")]
pub use store::SqliteStore;
pub use store::{Change, MemoryStore, Modify, SessionStore, SqliteSync, StoreFuture};

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::watch;

use crate::config::Config;
use crate::error::Result;

/// Makes sure an app's state holds a [`SessionManager`] (the one the author added with `App::state`, else one
/// built from `[session]`), ties its collector to the app's shutdown and starts it.
pub(crate) fn install(
    states: &mut HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    config: &Config,
    shutdown: &watch::Receiver<bool>,
) -> Result<SessionManager> {
    let existing =
        states.get(&TypeId::of::<SessionManager>()).cloned().and_then(|s| s.downcast::<SessionManager>().ok());
    let manager = match existing {
        Some(m) => (*m).clone(),
        None => {
            let m = SessionManager::from_config(config)?;
            states.insert(TypeId::of::<SessionManager>(), Arc::new(m.clone()));
            m
        }
    };
    manager.set_shutdown(shutdown.clone());
    manager.start_collector();
    Ok(manager)
}
