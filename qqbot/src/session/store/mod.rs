//! Where sessions are kept: the [`SessionStore`] trait and its backends — [`MemoryStore`] (tests),
//! [`SqliteStore`] (the default: a file under the bot's data folder) and [`RedisStore`] (shared by several
//! processes).

mod memory;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use crate::session::config::SqliteSync;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use futures_util::future::BoxFuture;

use super::error::SessionError;
use super::record::SessionRecord;
use super::scope::{SessionFilter, SessionId};

/// The future a store operation returns.
pub type StoreFuture<'a, T> = BoxFuture<'a, Result<T, SessionError>>;

/// What [`SessionStore::modify`]'s closure decided.
// Made and consumed within one `modify` call, never stored.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Leave the session as it is.
    Keep,
    /// Write this record.
    Put(SessionRecord),
    /// Remove the session.
    Delete,
}

/// The closure of [`SessionStore::modify`]: sees the current record, decides the change. It may be called more
/// than once (a store that detects a concurrent write calls it again with the newer record), so it must only
/// compute, never act.
pub type Modify<'a> = &'a mut (dyn FnMut(Option<&SessionRecord>) -> Change + Send);

/// A place to keep sessions. Every operation of the session manager is one of these calls, and
/// [`SessionStore::modify`] is atomic — even across processes for the SQLite and Redis stores — so no update is
/// ever lost.
pub trait SessionStore: Send + Sync + 'static {
    /// A short name for errors and logs: `memory`, `sqlite`, `redis`.
    fn backend(&self) -> &'static str;

    /// Reads one session.
    fn load<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, Option<SessionRecord>>;

    /// Atomically reads one session, lets `f` decide, and writes the result. Returns the session as it is
    /// afterwards. `now_ms` lets stores with their own expiry (Redis TTLs) turn record timestamps into
    /// durations.
    fn modify<'a>(&'a self, id: &'a SessionId, now_ms: u64, f: Modify<'a>) -> StoreFuture<'a, Option<SessionRecord>>;

    /// Removes every session `filter` selects; returns how many.
    fn remove<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, u64>;

    /// Every session `filter` selects.
    fn list<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, Vec<SessionRecord>>;

    /// Up to `limit` sessions whose [`SessionRecord::deadline_ms`] is at or before `now_ms`, earliest first.
    /// Stores whose own expiry removes ended sessions (Redis) may leave those out.
    fn due<'a>(&'a self, now_ms: u64, limit: usize) -> StoreFuture<'a, Vec<SessionId>>;

    /// Checks at start-up that the store can be used: a damaged, unreadable or locked database file, or a server
    /// that refuses the credentials, is reported before the bot connects anywhere, instead of at each message.
    /// A server that is merely not up yet is not an error here (it is waited for). The default: nothing to check.
    fn check(&self) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }

    /// Whether the store certainly holds nothing yet (a database file not created), so the collector can skip
    /// it without creating anything.
    fn is_empty_hint(&self) -> bool {
        false
    }
}
