//! [`SessionManager`]: qg_botsdk's session operations over a [`SessionStore`], the collector that times sessions
//! out and removes ended ones, and the timeout replies.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::sync::watch;

use super::clock::{Clock, SystemClock, millis};
use super::config::{SessionBackend, SessionConfig};
use super::error::SessionError;
use super::object::{SessionObject, read_field, to_json};
use super::options::SessionOptions;
use super::record::{Origin, SessionRecord};
use super::scope::{SessionFilter, SessionId, SessionStatus};
#[cfg(feature = "redis")]
use super::store::RedisStore;
#[cfg(feature = "sqlite")]
use super::store::SqliteStore;
use super::store::{Change, MemoryStore, SessionStore};
use crate::api::{Bot, Target};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::event::{Event, Platform};
use crate::message::Message;

/// How long after the triggering message a timeout reply is still sent as a passive reply to it (the official
/// platform accepts replies to a message for five minutes); later it is sent proactively.
const PASSIVE_REPLY_WINDOW_MS: u64 = 5 * 60 * 1000;
/// How long a due timeout with a reply waits for a process that serves its bot account (after a restart the
/// account's bot is known once it handled a session again), before it times out without the reply.
const REPLY_GRACE_MS: u64 = 30_000;
/// Sessions handled per collector batch.
const BATCH: usize = 256;
/// Batches per collector pass at most.
const MAX_BATCHES: usize = 64;
/// How long one timeout reply may take.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// What one collector pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectReport {
    /// Sessions that timed out (ACTIVE → INACTIVE).
    pub timed_out: usize,
    /// Ended sessions removed.
    pub removed: usize,
    /// Timeout replies sent.
    pub replies_sent: usize,
    /// Due timeouts left for a process that serves their bot account.
    pub deferred: usize,
}

/// The session manager: qg_botsdk's operations on sessions, kept in a [`SessionStore`].
///
/// Every `App` has one in its state (built from the `[session]` table of `qqbot.toml`, SQLite by default);
/// handlers reach it through the [`Session`](super::Session) extractor, which fills in identifies from the event.
/// Use it directly for work outside handlers (an admin task, a test). Cheap to clone: clones share everything.
#[derive(Clone)]
pub struct SessionManager {
    inner: Arc<Inner>,
}

struct Inner {
    store: Box<dyn SessionStore>,
    clock: Arc<dyn Clock>,
    gc_interval: Duration,
    /// Bot accounts seen by this process, for timeout replies of sessions begun elsewhere or before a restart.
    bots: RwLock<HashMap<(Platform, String), Arc<dyn Bot>>>,
    /// Sessions begun in this process: the bot and event they began with, for a passive timeout reply.
    origins: Mutex<HashMap<SessionId, LocalOrigin>>,
    gc_started: AtomicBool,
    shutdown: OnceLock<watch::Receiver<bool>>,
}

struct LocalOrigin {
    bot: Arc<dyn Bot>,
    event: Event,
    message: Message,
    began_ms: u64,
}

impl std::fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("store", &self.inner.store.backend())
            .field("gc_interval", &self.inner.gc_interval)
            .finish_non_exhaustive()
    }
}

/// Builds a [`SessionManager`] with a chosen clock and collector interval.
pub struct SessionManagerBuilder {
    store: Box<dyn SessionStore>,
    clock: Arc<dyn Clock>,
    gc_interval: Duration,
}

impl std::fmt::Debug for SessionManagerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManagerBuilder").field("store", &self.store.backend()).finish_non_exhaustive()
    }
}

impl SessionManagerBuilder {
    /// Uses `clock` instead of the system clock (tests use a [`ManualClock`](super::ManualClock)).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How often the background collector runs (default 500 ms).
    pub fn gc_interval(mut self, interval: Duration) -> Self {
        self.gc_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// The manager.
    pub fn build(self) -> SessionManager {
        SessionManager {
            inner: Arc::new(Inner {
                store: self.store,
                clock: self.clock,
                gc_interval: self.gc_interval,
                bots: RwLock::new(HashMap::new()),
                origins: Mutex::new(HashMap::new()),
                gc_started: AtomicBool::new(false),
                shutdown: OnceLock::new(),
            }),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The maps behind these locks are updated by single inserts and removes, never left half-done.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An edit of a session's data that may fail (a field of the wrong type).
type DataEdit<'a> = &'a mut (dyn FnMut(&mut Map<String, Value>) -> std::result::Result<(), SessionError> + Send);

enum Collected {
    Nothing,
    TimedOut(Box<SessionRecord>),
    Removed,
    Deferred,
}

impl SessionManager {
    /// A manager over `store`, with the system clock.
    pub fn new(store: impl SessionStore) -> Self {
        SessionManager::builder(store).build()
    }

    /// A builder over `store`.
    pub fn builder(store: impl SessionStore) -> SessionManagerBuilder {
        SessionManagerBuilder {
            store: Box::new(store),
            clock: Arc::new(SystemClock),
            gc_interval: Duration::from_millis(500),
        }
    }

    /// A manager keeping sessions in memory (lost on restart): for tests.
    pub fn memory() -> Self {
        SessionManager::new(MemoryStore::new())
    }

    /// A manager keeping sessions in the SQLite file at `path`.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(path: impl Into<std::path::PathBuf>) -> Self {
        SessionManager::new(SqliteStore::new(path))
    }

    /// A manager keeping sessions in Redis at `url`, keys under `prefix`.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str, prefix: &str) -> Result<Self> {
        Ok(SessionManager::new(RedisStore::new(url, prefix)?))
    }

    /// The manager the `[session]` table of `qqbot.toml` describes (SQLite at `<data_dir>/sessions.db` when
    /// there is none).
    pub fn from_config(config: &Config) -> Result<Self> {
        let section: SessionConfig = config.section("session")?.unwrap_or_default();
        // In a cluster, sessions (and the switches and limits kept with them) are shared through the cluster's
        // Redis unless `[session]` chooses a store itself.
        #[cfg(feature = "redis")]
        {
            let chosen = config.section::<toml::Table>("session")?.is_some_and(|t| t.contains_key("backend"));
            if !chosen && let Some(cluster) = crate::cluster::ClusterConfig::from_config(config)? {
                let url = cluster.redis.as_deref().unwrap_or_default();
                let store =
                    RedisStore::new(url, &cluster.prefix).map_err(|e| Error::config("[cluster]", e.to_string()))?;
                return Ok(SessionManagerBuilder {
                    store: Box::new(store),
                    clock: Arc::new(SystemClock),
                    gc_interval: Duration::from_millis(section.gc_interval_ms.max(1)),
                }
                .build());
            }
        }
        let store: Box<dyn SessionStore> = match section.backend {
            SessionBackend::Memory => Box::new(MemoryStore::new()),
            #[cfg(feature = "sqlite")]
            SessionBackend::Sqlite => {
                let path = section.path.clone().unwrap_or_else(|| config.bot.data_dir.join("sessions.db"));
                Box::new(SqliteStore::new(path).sync(section.sync))
            }
            #[cfg(feature = "redis")]
            SessionBackend::Redis => {
                let url = section.url.as_deref().ok_or_else(|| {
                    Error::config("[session]", "backend = \"redis\" needs url = \"redis://host:6379/0\"")
                })?;
                Box::new(RedisStore::new(url, &section.prefix).map_err(|e| Error::config("[session]", e.to_string()))?)
            }
            #[allow(unreachable_patterns)]
            missing => {
                let feature = if missing == SessionBackend::Redis { "redis" } else { "sqlite" };
                return Err(Error::config(
                    "[session]",
                    format!(
                        "backend = \"{feature}\" needs qqbot's `{feature}` feature; enable it in Cargo.toml or choose backend = \"memory\""
                    ),
                ));
            }
        };
        Ok(SessionManagerBuilder {
            store,
            clock: Arc::new(SystemClock),
            gc_interval: Duration::from_millis(section.gc_interval_ms.max(1)),
        }
        .build())
    }

    /// Checks that the store can be used ([`SessionStore::check`]); `App::run` calls it before connecting, so a
    /// damaged database file or a refused Redis password stops the bot with the file or URL named.
    pub async fn check_store(&self) -> Result<()> {
        self.inner.store.check().await.map_err(|e| Error::config("[session]", e.to_string()))
    }

    /// The store.
    pub fn store(&self) -> &dyn SessionStore {
        &*self.inner.store
    }

    /// The current time by the manager's clock, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.inner.clock.now_ms()
    }

    /// Remembers a bot account, so timeout replies of sessions that began on it can be sent after a restart or
    /// from another process. The `Session` extractor does this for every account that handles sessions.
    pub fn register_bot(&self, bot: &Arc<dyn Bot>) {
        let key = (bot.platform(), bot.self_id().to_owned());
        let known = self.inner.bots.read().is_ok_and(|b| b.contains_key(&key));
        if !known && let Ok(mut bots) = self.inner.bots.write() {
            bots.insert(key, bot.clone());
        }
    }

    fn bot_for(&self, origin: &Origin) -> Option<Arc<dyn Bot>> {
        let bots = self.inner.bots.read().ok()?;
        bots.iter().find(|((p, id), _)| p.name() == origin.platform && *id == origin.self_id).map(|(_, b)| b.clone())
    }

    // ----- qg_botsdk's operations -----

    /// Starts a session (qg_botsdk's `new`): ACTIVE, with `options`. `began` is the bot and event it began
    /// with, where its timeout reply goes.
    pub async fn start(
        &self,
        id: &SessionId,
        options: SessionOptions,
        began: Option<(Arc<dyn Bot>, Event)>,
    ) -> Result<SessionObject> {
        let now = self.now_ms();
        let origin = began.as_ref().and_then(|(bot, event)| {
            let target = match event {
                Event::Message(m) => Some(m.target()),
                Event::Notice(n) => match (n.group_id(), n.user_id()) {
                    (Some(g), _) => Some(Target::Group(g.to_owned())),
                    (None, Some(u)) => Some(Target::Private(u.to_owned())),
                    _ => None,
                },
            }?;
            Some(Origin::new(bot.platform(), bot.self_id(), &target, now))
        });
        let mut record = SessionRecord::new(id.clone(), options.data, now);
        record.timeout_ms = options.timeout.map(millis);
        record.timeout_reply = options.timeout_reply.as_ref().map(Message::to_string);
        record.inactive_gc_timeout_ms = options.inactive_gc_timeout.map(millis);
        record.origin = origin;
        let replace = options.replace;
        let mut exists = false;
        let result = self
            .inner
            .store
            .modify(id, now, &mut |current| match current {
                Some(c) if !replace && !c.is_collectable(now) => {
                    exists = true;
                    Change::Keep
                }
                _ => {
                    exists = false;
                    Change::Put(record.clone())
                }
            })
            .await?;
        if exists {
            return Err(SessionError::Exists { id: id.to_string() }.into());
        }
        let stored = result.ok_or_else(|| SessionError::NotFound { id: id.to_string() })?;
        let mut origins = lock(&self.inner.origins);
        match (began, options.timeout_reply) {
            (Some((bot, event)), Some(message)) => {
                origins.insert(id.clone(), LocalOrigin { bot, event, message, began_ms: now });
            }
            _ => {
                origins.remove(id);
            }
        }
        Ok(stored.object())
    }

    /// Reads a session (qg_botsdk's `get`); `None` when there is none. Counts as an operation: the session
    /// becomes ACTIVE and its timeout starts again.
    pub async fn get(&self, id: &SessionId) -> Result<Option<SessionObject>> {
        Ok(self.touch(id).await?.map(SessionRecord::into_object))
    }

    /// Reads a session, or returns `default` (qg_botsdk's `get(…, default)`).
    pub async fn get_or(&self, id: &SessionId, default: SessionObject) -> Result<SessionObject> {
        Ok(self.get(id).await?.unwrap_or(default))
    }

    async fn touch(&self, id: &SessionId) -> Result<Option<SessionRecord>> {
        let now = self.now_ms();
        // Most reads need no write: a plain ACTIVE session without a timeout has nothing to refresh.
        match self.inner.store.load(id).await? {
            None => return Ok(None),
            Some(r) if r.is_collectable(now) => return Ok(None),
            Some(r) if r.status == SessionStatus::ACTIVE && r.timeout_ms.is_none() => return Ok(Some(r)),
            Some(_) => {}
        }
        let record = self
            .inner
            .store
            .modify(id, now, &mut |current| match current {
                Some(c) if !c.is_collectable(now) => {
                    let mut c = c.clone();
                    c.touch(now);
                    Change::Put(c)
                }
                _ => Change::Keep,
            })
            .await?;
        Ok(record.filter(|r| !r.is_collectable(now)))
    }

    /// Merges `data` into a session (qg_botsdk's `update`: like `dict.update`). Fails with
    /// [`SessionError::NotFound`] when there is no session, unless `create` is set: then a plain session
    /// (no timeout) is started with `data`.
    pub async fn update(&self, id: &SessionId, data: Map<String, Value>, create: bool) -> Result<SessionObject> {
        let mut failure = None;
        let record = self
            .modify_data(
                id,
                create,
                &mut |map| {
                    for (k, v) in &data {
                        map.insert(k.clone(), v.clone());
                    }
                    Ok(())
                },
                &mut failure,
            )
            .await?;
        match (failure, record) {
            (Some(e), _) => Err(e.into()),
            (None, Some(r)) => Ok(r.into_object()),
            (None, None) => Err(SessionError::NotFound { id: id.to_string() }.into()),
        }
    }

    /// Atomically replaces field `field` with what `f` makes of its current value, and returns the new value.
    /// `f` may run more than once when another process writes the session at the same time, so it must only
    /// compute. Starts a plain session when there is none and `create` is set.
    pub async fn update_field<T, F>(&self, id: &SessionId, field: &str, create: bool, mut f: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned + Send,
        F: FnMut(Option<T>) -> T + Send,
    {
        let mut failure = None;
        let mut result: Option<T> = None;
        let record = self
            .modify_data(
                id,
                create,
                &mut |map| {
                    let old = read_field::<T>(map, field)?;
                    let new = f(old);
                    map.insert(field.to_owned(), to_json(field, &new)?);
                    result = Some(new);
                    Ok(())
                },
                &mut failure,
            )
            .await?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        match (record, result) {
            (Some(_), Some(v)) => Ok(v),
            _ => Err(SessionError::NotFound { id: id.to_string() }.into()),
        }
    }

    /// Atomically adds `by` to the integer field `field` (absent counts as 0) and returns the new value.
    pub async fn increment(&self, id: &SessionId, field: &str, by: i64, create: bool) -> Result<i64> {
        self.update_field::<i64, _>(id, field, create, |n| n.unwrap_or(0).saturating_add(by)).await
    }

    /// Applies `edit` to the data of a session that counts as an operation; the error slot receives `edit`'s
    /// failure (the store write is then skipped).
    async fn modify_data(
        &self,
        id: &SessionId,
        create: bool,
        edit: DataEdit<'_>,
        failure: &mut Option<SessionError>,
    ) -> Result<Option<SessionRecord>> {
        let now = self.now_ms();
        let record = self
            .inner
            .store
            .modify(id, now, &mut |current| {
                *failure = None;
                let mut record = match current {
                    Some(c) if !c.is_collectable(now) => c.clone(),
                    _ if create => SessionRecord::new(id.clone(), Map::new(), now),
                    _ => return Change::Keep,
                };
                if let Err(e) = edit(&mut record.data) {
                    *failure = Some(e);
                    return Change::Keep;
                }
                record.touch(now);
                Change::Put(record)
            })
            .await?;
        Ok(record.filter(|r| !r.is_collectable(now)))
    }

    /// Removes sessions (qg_botsdk's `remove`): every part of `filter` left out matches everything. Returns how
    /// many were removed.
    pub async fn remove(&self, filter: &SessionFilter) -> Result<u64> {
        let n = self.inner.store.remove(filter).await?;
        lock(&self.inner.origins).retain(|id, _| !filter.matches(id));
        Ok(n)
    }

    /// Ends a session (qg_botsdk's `end`): INACTIVE now, removed after its own `inactive_gc_timeout`.
    pub async fn end(&self, id: &SessionId) -> Result<SessionObject> {
        self.end_with(id, None).await
    }

    /// Ends a session and sets how long it is kept before removal (`None`: until removed).
    pub async fn end_after(&self, id: &SessionId, inactive_gc_timeout: Option<Duration>) -> Result<SessionObject> {
        self.end_with(id, Some(inactive_gc_timeout.map(millis))).await
    }

    async fn end_with(&self, id: &SessionId, gc: Option<Option<u64>>) -> Result<SessionObject> {
        let now = self.now_ms();
        let mut ended: Option<SessionRecord> = None;
        self.inner
            .store
            .modify(id, now, &mut |current| match current {
                Some(c) if !c.is_collectable(now) => {
                    let mut c = c.clone();
                    if let Some(gc) = gc {
                        c.inactive_gc_timeout_ms = gc;
                    }
                    c.end(now);
                    ended = Some(c.clone());
                    if c.is_collectable(now) { Change::Delete } else { Change::Put(c) }
                }
                _ => {
                    ended = None;
                    Change::Keep
                }
            })
            .await?;
        lock(&self.inner.origins).remove(id);
        ended.map(SessionRecord::into_object).ok_or_else(|| SessionError::NotFound { id: id.to_string() }.into())
    }

    /// Every session (qg_botsdk's `get_all`).
    pub async fn get_all(&self) -> Result<Vec<SessionObject>> {
        self.list(&SessionFilter::all()).await
    }

    /// Every session `filter` selects.
    pub async fn list(&self, filter: &SessionFilter) -> Result<Vec<SessionObject>> {
        let now = self.now_ms();
        let mut records = self.inner.store.list(filter).await?;
        records.retain(|r| !r.is_collectable(now));
        records.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(records.iter().map(SessionRecord::object).collect())
    }

    /// Sets a session's status (qg_botsdk's `set_status`): INACTIVE ends it; ACTIVE and HANGING count as an
    /// operation.
    pub async fn set_status(&self, id: &SessionId, status: SessionStatus) -> Result<()> {
        if status == SessionStatus::INACTIVE {
            return self.end(id).await.map(drop);
        }
        let now = self.now_ms();
        let record = self
            .inner
            .store
            .modify(id, now, &mut |current| match current {
                Some(c) if !c.is_collectable(now) => {
                    let mut c = c.clone();
                    c.touch(now);
                    c.status = status;
                    Change::Put(c)
                }
                _ => Change::Keep,
            })
            .await?;
        match record {
            Some(r) if !r.is_collectable(now) => Ok(()),
            _ => Err(SessionError::NotFound { id: id.to_string() }.into()),
        }
    }

    /// A session's status (qg_botsdk's `get_status`); `None` when there is none. Not an operation: the timeout
    /// is not refreshed.
    pub async fn get_status(&self, id: &SessionId) -> Result<Option<SessionStatus>> {
        let now = self.now_ms();
        Ok(self.inner.store.load(id).await?.filter(|r| !r.is_collectable(now)).map(|r| r.status))
    }

    // ----- the collector -----

    /// One collector pass: times out ACTIVE sessions whose timeout passed (sending their timeout replies) and
    /// removes ended sessions whose `inactive_gc_timeout` passed. The background task calls this every
    /// `gc_interval`; tests call it after moving a [`ManualClock`](super::ManualClock).
    pub async fn collect(&self) -> Result<CollectReport> {
        let mut report = CollectReport::default();
        if self.inner.store.is_empty_hint() {
            return Ok(report);
        }
        let now = self.now_ms();
        for _ in 0..MAX_BATCHES {
            let due = self.inner.store.due(now, BATCH).await?;
            let mut progress = false;
            for id in &due {
                match self.collect_one(id, now).await {
                    Ok(Collected::TimedOut(record)) => {
                        progress = true;
                        report.timed_out += 1;
                        tracing::debug!(session = %id, "session timed out");
                        if self.send_timeout_reply(&record, now).await {
                            report.replies_sent += 1;
                        }
                    }
                    Ok(Collected::Removed) => {
                        progress = true;
                        report.removed += 1;
                    }
                    Ok(Collected::Deferred) => report.deferred += 1,
                    Ok(Collected::Nothing) => {}
                    Err(e) => tracing::warn!(session = %id, "the session collector skipped a session: {e}"),
                }
            }
            if due.len() < BATCH || !progress {
                break;
            }
        }
        lock(&self.inner.origins).retain(|_, o| now.saturating_sub(o.began_ms) < PASSIVE_REPLY_WINDOW_MS);
        Ok(report)
    }

    async fn collect_one(&self, id: &SessionId, now: u64) -> Result<Collected> {
        let mut outcome = Collected::Nothing;
        let has_local = lock(&self.inner.origins).contains_key(id);
        self.inner
            .store
            .modify(id, now, &mut |current| {
                outcome = Collected::Nothing;
                let Some(c) = current else { return Change::Keep };
                if c.is_collectable(now) {
                    outcome = Collected::Removed;
                    return Change::Delete;
                }
                let Some(timeout_at) = c.timeout_at_ms().filter(|t| *t <= now) else { return Change::Keep };
                let reachable = c.timeout_message().is_none()
                    || has_local
                    || c.origin.as_ref().is_some_and(|o| self.bot_for(o).is_some());
                if !reachable && now < timeout_at.saturating_add(REPLY_GRACE_MS) {
                    outcome = Collected::Deferred;
                    return Change::Keep;
                }
                let mut ended = c.clone();
                ended.end(now);
                outcome = Collected::TimedOut(Box::new(c.clone()));
                if ended.is_collectable(now) { Change::Delete } else { Change::Put(ended) }
            })
            .await?;
        Ok(outcome)
    }

    /// Sends a timed-out session's reply where it began: a passive reply to the triggering event while the
    /// platform still accepts one, else a proactive message to the same conversation. Returns whether it was sent.
    async fn send_timeout_reply(&self, record: &SessionRecord, now: u64) -> bool {
        let local = lock(&self.inner.origins).remove(&record.id);
        let Some(mut message) = record.timeout_message() else { return false };
        if let Some(l) = &local {
            message = l.message.clone();
        }
        let target = record.origin.as_ref().and_then(|o| o.target());
        let send = async {
            match (local, target) {
                (Some(l), _) if now.saturating_sub(l.began_ms) < PASSIVE_REPLY_WINDOW_MS => {
                    l.bot.reply(&l.event, message).await
                }
                (Some(l), Some(target)) => l.bot.send(&target, message).await,
                (None, Some(target)) => match record.origin.as_ref().and_then(|o| self.bot_for(o)) {
                    Some(bot) => bot.send(&target, message).await,
                    None => Err(Error::Missing { what: "connected bot for the account the session began on" }),
                },
                (_, None) => Err(Error::Missing { what: "conversation where the session began" }),
            }
        };
        match tokio::time::timeout(REPLY_TIMEOUT, send).await {
            Ok(Ok(_)) => true,
            Ok(Err(e)) => {
                tracing::warn!(session = %record.id, "could not send the session's timeout reply: {e}");
                false
            }
            Err(_) => {
                tracing::warn!(session = %record.id, "the session's timeout reply took over {REPLY_TIMEOUT:?}; gave up");
                false
            }
        }
    }

    /// Starts the background collector (once; later calls do nothing), if a Tokio runtime is running. It
    /// stops when every clone of the manager is dropped or the app shuts down.
    pub fn start_collector(&self) {
        if self.inner.gc_started.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.inner.gc_started.store(false, Ordering::Release);
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        let interval = self.inner.gc_interval;
        let mut shutdown = self.inner.shutdown.get().cloned();
        runtime.spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failures: u64 = 0;
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = async {
                        match &mut shutdown {
                            Some(rx) => { let _ = rx.wait_for(|v| *v).await; }
                            None => std::future::pending::<()>().await,
                        }
                    } => break,
                }
                let Some(inner) = weak.upgrade() else { break };
                match (SessionManager { inner }).collect().await {
                    Ok(_) => failures = 0,
                    Err(e) => {
                        // One line when the store first fails, then one a minute or so, not one per tick.
                        if failures.is_multiple_of(120) {
                            tracing::warn!("the session collector could not reach the store: {e}");
                        }
                        failures += 1;
                    }
                }
            }
        });
    }

    /// Ties the background collector to an app's shutdown signal (the first call wins).
    pub(crate) fn set_shutdown(&self, shutdown: watch::Receiver<bool>) {
        let _ = self.inner.shutdown.set(shutdown);
    }
}
