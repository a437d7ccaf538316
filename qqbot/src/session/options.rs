//! [`SessionOptions`]: how a new session behaves (qg_botsdk's `new(…)` parameters).

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::SessionError;
use super::object::to_object;
use crate::message::Message;

/// The settings of a new session. The defaults follow qg_botsdk's session manager: replace an existing session, no timeout, no
/// timeout reply, removed as soon as it ends (`inactive_gc_timeout` of zero).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionOptions {
    /// The initial data.
    pub data: Map<String, Value>,
    /// Whether an existing session with the same id is replaced (`true`) or the call fails (`false`).
    pub replace: bool,
    /// ACTIVE → INACTIVE after this long without an operation; `None`: never.
    pub timeout: Option<Duration>,
    /// Sent where the session began when it times out.
    pub timeout_reply: Option<Message>,
    /// INACTIVE → removed after this long; `None`: kept (INACTIVE) until removed.
    pub inactive_gc_timeout: Option<Duration>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            data: Map::new(),
            replace: true,
            timeout: None,
            timeout_reply: None,
            inactive_gc_timeout: Some(Duration::ZERO),
        }
    }
}

impl SessionOptions {
    /// The defaults.
    pub fn new() -> Self {
        SessionOptions::default()
    }

    /// Sets the initial data: anything that serializes to a JSON object (`json!({…})`, a map, a struct).
    pub fn data(mut self, data: impl Serialize) -> Result<Self, SessionError> {
        self.data = to_object(data)?;
        Ok(self)
    }

    /// Sets whether an existing session is replaced.
    pub fn replace(mut self, replace: bool) -> Self {
        self.replace = replace;
        self
    }

    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the timeout reply.
    pub fn timeout_reply(mut self, reply: impl Into<Message>) -> Self {
        self.timeout_reply = Some(reply.into());
        self
    }

    /// Sets how long an ended session is kept before it is removed (`None`: until removed).
    pub fn inactive_gc_timeout(mut self, gc: Option<Duration>) -> Self {
        self.inactive_gc_timeout = gc;
        self
    }
}
