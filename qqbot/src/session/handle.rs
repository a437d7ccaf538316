//! [`Session`]: the handler extractor — the app's session manager with identifies taken from the current event —
//! and [`SessionRef`], one session with typed fields.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::manager::SessionManager;
use super::object::{SessionObject, to_json, to_object};
use super::options::SessionOptions;
use super::scope::{Scope, SessionFilter, SessionId, SessionStatus};
use std::sync::Arc;

use crate::api::Bot;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::message::Message;

/// The sessions of the current event: a handler parameter (`async fn f(session: Session)`) or `ctx.session()?`.
///
/// Methods mirror qg_botsdk's session manager with the identify filled in from the event (the sender for
/// `USER`, the group for `GROUP`, the guild for `GUILD`, the channel for `CHANNEL`); [`Session::of`] and its
/// shortcuts give one session with typed fields:
///
/// ```no_run
/// use qqbot::prelude::*;
///
/// async fn count(session: Session) -> qqbot::Result<String> {
///     let n = session.group("stats").increment("messages", 1).await?;
///     Ok(format!("本群第 {n} 条"))
/// }
/// ```
#[derive(Clone)]
pub struct Session {
    manager: SessionManager,
    origin: Arc<Origin>,
}

/// The event a [`Session`] takes its identifies from, and the account it arrived on (where a timeout reply
/// goes).
pub(crate) struct Origin {
    pub(crate) bot: Arc<dyn Bot>,
    pub(crate) event: Event,
    /// The sender, or for a notice the user it concerns.
    pub(crate) user_id: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("manager", &self.manager).finish_non_exhaustive()
    }
}

impl Session {
    /// The sessions of one event. The command layer builds these for the `Session` extractor.
    pub(crate) fn for_event(manager: SessionManager, origin: Origin) -> Self {
        manager.start_collector();
        manager.register_bot(&origin.bot);
        Session { manager, origin: Arc::new(origin) }
    }
}

/// The identify of `scope` in the event of `origin`.
fn identify_of(origin: &Origin, scope: Scope) -> std::result::Result<String, &'static str> {
    let message = origin.event.as_message();
    match scope {
        Scope::USER => Some(origin.user_id.as_str()).filter(|u| !u.is_empty()).map(str::to_owned).ok_or("user id"),
        Scope::GROUP => match &origin.event {
            Event::Message(m) => m.group_id.clone(),
            Event::Notice(n) => n.group_id().map(str::to_owned),
        }
        .ok_or("group id"),
        Scope::GUILD => message.and_then(|m| m.guild_id.clone()).ok_or("guild id"),
        Scope::CHANNEL => message.and_then(|m| m.channel_id.clone()).ok_or("channel id"),
        Scope::GLOBAL => Ok(String::new()),
    }
}

impl Session {
    /// The manager.
    pub fn manager(&self) -> &SessionManager {
        &self.manager
    }

    /// One session of `scope` and `key`, its identify taken from the event.
    pub fn of(&self, scope: Scope, key: impl Into<String>) -> SessionRef {
        let key = key.into();
        let id = identify_of(&self.origin, scope).map(|identify| SessionId::new(scope, identify, key));
        SessionRef { manager: self.manager.clone(), origin: Some(self.origin.clone()), id }
    }

    /// One session with an explicit identify (another user's, another group's).
    pub fn of_id(&self, id: SessionId) -> SessionRef {
        SessionRef { manager: self.manager.clone(), origin: Some(self.origin.clone()), id: Ok(id) }
    }

    /// The sender's session `key`.
    pub fn user(&self, key: impl Into<String>) -> SessionRef {
        self.of(Scope::USER, key)
    }

    /// The group's session `key`.
    pub fn group(&self, key: impl Into<String>) -> SessionRef {
        self.of(Scope::GROUP, key)
    }

    /// The guild's session `key`.
    pub fn guild(&self, key: impl Into<String>) -> SessionRef {
        self.of(Scope::GUILD, key)
    }

    /// The channel's session `key`.
    pub fn channel(&self, key: impl Into<String>) -> SessionRef {
        self.of(Scope::CHANNEL, key)
    }

    /// The bot-wide session `key`.
    pub fn global(&self, key: impl Into<String>) -> SessionRef {
        self.of(Scope::GLOBAL, key)
    }

    /// Starts a session (qg_botsdk's `new`); await the returned builder after setting its options.
    #[allow(clippy::new_ret_no_self)] // qg_botsdk's name for the operation
    pub fn new(&self, scope: Scope, key: impl Into<String>) -> NewSession {
        self.of(scope, key).start()
    }

    /// Reads a session (qg_botsdk's `get`).
    pub async fn get(&self, scope: Scope, key: impl Into<String>) -> Result<Option<SessionObject>> {
        self.of(scope, key).load().await
    }

    /// Merges `data` into an existing session (qg_botsdk's `update`); fails when there is none.
    pub async fn update(&self, scope: Scope, key: impl Into<String>, data: impl Serialize) -> Result<SessionObject> {
        let r = self.of(scope, key);
        r.manager.update(&r.id()?, to_object(data)?, false).await
    }

    /// Removes sessions (qg_botsdk's `remove`); the filter's parts are not filled in from the event.
    pub async fn remove(&self, filter: &SessionFilter) -> Result<u64> {
        self.manager.remove(filter).await
    }

    /// Ends a session (qg_botsdk's `end`).
    pub async fn end(&self, scope: Scope, key: impl Into<String>) -> Result<SessionObject> {
        self.of(scope, key).end().await
    }

    /// Every session (qg_botsdk's `get_all`).
    pub async fn get_all(&self) -> Result<Vec<SessionObject>> {
        self.manager.get_all().await
    }

    /// Sets a session's status (qg_botsdk's `set_status`).
    pub async fn set_status(&self, scope: Scope, key: impl Into<String>, status: SessionStatus) -> Result<()> {
        self.of(scope, key).set_status(status).await
    }

    /// A session's status (qg_botsdk's `get_status`).
    pub async fn get_status(&self, scope: Scope, key: impl Into<String>) -> Result<Option<SessionStatus>> {
        self.of(scope, key).status().await
    }
}

/// One session, with typed fields. Field writes (`set`, `update`, `update_with`, `increment`) start a plain
/// session (no timeout) when there is none; use [`SessionRef::start`] for one with a timeout.
#[derive(Clone)]
pub struct SessionRef {
    manager: SessionManager,
    origin: Option<Arc<Origin>>,
    id: std::result::Result<SessionId, &'static str>,
}

impl std::fmt::Debug for SessionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRef").field("id", &self.id).finish_non_exhaustive()
    }
}

impl SessionRef {
    /// One session of a manager, outside any handler (no timeout reply can be sent for it).
    pub fn new(manager: &SessionManager, id: SessionId) -> Self {
        SessionRef { manager: manager.clone(), origin: None, id: Ok(id) }
    }

    /// The session's id, or which id the event lacked (a `GROUP` session in a private chat).
    pub fn id(&self) -> Result<SessionId> {
        self.id.clone().map_err(|what| Error::Missing { what })
    }

    /// Uses another identify in the same scope.
    pub fn identify(mut self, identify: impl Into<String>) -> Self {
        let identify = identify.into();
        self.id = match self.id {
            Ok(id) => Ok(SessionId::new(id.scope, identify, id.key)),
            Err(what) => Err(what),
        };
        self
    }

    /// Starts the session (qg_botsdk's `new`): set options on the builder, then await it.
    pub fn start(&self) -> NewSession {
        NewSession { session: self.clone(), options: SessionOptions::default(), error: None }
    }

    /// Reads the whole session (an operation: refreshes its timeout).
    pub async fn load(&self) -> Result<Option<SessionObject>> {
        self.manager.get(&self.id()?).await
    }

    /// Whether the session exists (not an operation).
    pub async fn exists(&self) -> Result<bool> {
        Ok(self.status().await?.is_some())
    }

    /// Field `field` as a `T`; `None` when the session or the field is absent.
    pub async fn get<T: DeserializeOwned>(&self, field: &str) -> Result<Option<T>> {
        match self.load().await? {
            Some(obj) => Ok(obj.get(field)?),
            None => Ok(None),
        }
    }

    /// Field `field` as a `T`, or `default`.
    pub async fn get_or<T: DeserializeOwned>(&self, field: &str, default: T) -> Result<T> {
        Ok(self.get(field).await?.unwrap_or(default))
    }

    /// Sets field `field`.
    pub async fn set(&self, field: &str, value: impl Serialize) -> Result<()> {
        let mut data = serde_json::Map::new();
        data.insert(field.to_owned(), to_json(field, value)?);
        self.manager.update(&self.id()?, data, true).await.map(drop)
    }

    /// Merges `data` (a JSON object, a map or a struct) into the session's data.
    pub async fn update(&self, data: impl Serialize) -> Result<SessionObject> {
        self.manager.update(&self.id()?, to_object(data)?, true).await
    }

    /// Atomically replaces field `field` with `f(current)` and returns it — safe against other handlers and
    /// other processes writing the same session. `f` may run more than once, so it must only compute.
    pub async fn update_with<T, F>(&self, field: &str, f: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned + Send,
        F: FnMut(Option<T>) -> T + Send,
    {
        self.manager.update_field(&self.id()?, field, true, f).await
    }

    /// Atomically adds `by` to integer field `field` (absent counts as 0); returns the new value.
    pub async fn increment(&self, field: &str, by: i64) -> Result<i64> {
        self.manager.increment(&self.id()?, field, by, true).await
    }

    /// Ends the session (qg_botsdk's `end`): INACTIVE, removed after its `inactive_gc_timeout`.
    pub async fn end(&self) -> Result<SessionObject> {
        self.manager.end(&self.id()?).await
    }

    /// Ends the session, keeping it `inactive_gc_timeout` before removal (`None`: until removed).
    pub async fn end_after(&self, inactive_gc_timeout: Option<Duration>) -> Result<SessionObject> {
        self.manager.end_after(&self.id()?, inactive_gc_timeout).await
    }

    /// Removes the session now; returns whether there was one.
    pub async fn remove(&self) -> Result<bool> {
        Ok(self.manager.remove(&SessionFilter::id(&self.id()?)).await? > 0)
    }

    /// The session's status (`None`: no session). Not an operation.
    pub async fn status(&self) -> Result<Option<SessionStatus>> {
        self.manager.get_status(&self.id()?).await
    }

    /// Sets the session's status: `INACTIVE` ends it, `HANGING` pauses its timeout until the next operation.
    pub async fn set_status(&self, status: SessionStatus) -> Result<()> {
        self.manager.set_status(&self.id()?, status).await
    }
}

/// A session about to start: set options, then `.await` it.
///
/// ```no_run
/// # use qqbot::prelude::*;
/// # use std::time::Duration;
/// # async fn f(session: Session) -> qqbot::Result<()> {
/// session
///     .user("guess_number")
///     .start()
///     .data(serde_json::json!({ "answer": 42, "tries": 0 }))
///     .timeout(Duration::from_secs(60))
///     .timeout_reply("时间到，游戏结束")
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a session starts only when the builder is awaited"]
pub struct NewSession {
    session: SessionRef,
    options: SessionOptions,
    error: Option<Error>,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession").field("id", &self.session.id).field("options", &self.options).finish()
    }
}

impl NewSession {
    /// The initial data (anything that serializes to a JSON object).
    pub fn data(mut self, data: impl Serialize) -> Self {
        match to_object(data) {
            Ok(map) => self.options.data = map,
            Err(e) => self.error = Some(e.into()),
        }
        self
    }

    /// Whether an existing session is replaced (default) or the start fails.
    pub fn replace(mut self, replace: bool) -> Self {
        self.options.replace = replace;
        self
    }

    /// ACTIVE → INACTIVE after this long without an operation.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Sent where the session began when it times out.
    pub fn timeout_reply(mut self, reply: impl Into<Message>) -> Self {
        self.options.timeout_reply = Some(reply.into());
        self
    }

    /// How long the session is kept after it ends (default: removed at once; `None`: until removed).
    pub fn inactive_gc_timeout(mut self, gc: Option<Duration>) -> Self {
        self.options.inactive_gc_timeout = gc;
        self
    }

    /// All options at once.
    pub fn options(mut self, options: SessionOptions) -> Self {
        self.options = options;
        self
    }
}

impl IntoFuture for NewSession {
    type Output = Result<SessionObject>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<SessionObject>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            if let Some(e) = self.error {
                return Err(e);
            }
            let id = self.session.id()?;
            // Where the session began matters only for its timeout reply.
            let began = match (&self.session.origin, &self.options.timeout_reply) {
                (Some(origin), Some(_)) => Some((origin.bot.clone(), origin.event.clone())),
                _ => None,
            };
            self.session.manager.start(&id, self.options, began).await
        })
    }
}
