//! [`SessionRecord`]: a session as a store keeps it — data plus its life-cycle bookkeeping.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::SessionError;
use super::object::SessionObject;
use super::scope::{SessionId, SessionStatus};
use crate::api::Target;
use crate::event::Platform;
use crate::message::Message;

/// One stored session. Stores keep it as JSON ([`SessionRecord::to_json`]) and index it by
/// [`SessionRecord::deadline_ms`], the moment the collector has something to do with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub(crate) id: SessionId,
    pub(crate) status: SessionStatus,
    #[serde(default)]
    pub(crate) data: Map<String, Value>,
    /// ACTIVE → INACTIVE after this long without an operation; `None`: never.
    #[serde(default)]
    pub(crate) timeout_ms: Option<u64>,
    /// Sent where the session began when it times out. Kept as readable text: the process that started the
    /// session sends the full message it was given; after a restart, or from another process, this text.
    #[serde(default)]
    pub(crate) timeout_reply: Option<String>,
    /// INACTIVE → removed after this long; `None`: kept until removed.
    #[serde(default)]
    pub(crate) inactive_gc_timeout_ms: Option<u64>,
    /// The last operation (clock milliseconds).
    pub(crate) last_op_ms: u64,
    /// When an INACTIVE session is removed.
    #[serde(default)]
    pub(crate) gc_at_ms: Option<u64>,
    /// Where the session began, for the timeout reply.
    #[serde(default)]
    pub(crate) origin: Option<Origin>,
}

/// Where a session began: enough to send its timeout reply from any process that serves the same account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Origin {
    pub(crate) platform: String,
    pub(crate) self_id: String,
    /// The target's scene name (`group`, `c2c`, `guild`, `dm`).
    pub(crate) scene: String,
    pub(crate) target_id: String,
    pub(crate) began_ms: u64,
}

impl Origin {
    pub(crate) fn new(platform: Platform, self_id: &str, target: &Target, began_ms: u64) -> Self {
        Origin {
            platform: platform.name().to_owned(),
            self_id: self_id.to_owned(),
            scene: target.scene().name().to_owned(),
            target_id: target.id().to_owned(),
            began_ms,
        }
    }

    pub(crate) fn target(&self) -> Option<Target> {
        let id = self.target_id.clone();
        match self.scene.as_str() {
            "group" => Some(Target::Group(id)),
            "c2c" => Some(Target::Private(id)),
            "guild" => Some(Target::Channel(id)),
            "dm" => Some(Target::Dm(id)),
            _ => None,
        }
    }
}

impl SessionRecord {
    pub(crate) fn new(id: SessionId, data: Map<String, Value>, now_ms: u64) -> Self {
        SessionRecord {
            id,
            status: SessionStatus::ACTIVE,
            data,
            timeout_ms: None,
            timeout_reply: None,
            inactive_gc_timeout_ms: Some(0),
            last_op_ms: now_ms,
            gc_at_ms: None,
            origin: None,
        }
    }

    /// The session's id.
    pub fn id(&self) -> &SessionId {
        &self.id
    }

    /// Its status.
    pub fn status(&self) -> SessionStatus {
        self.status
    }

    /// Its data.
    pub fn data(&self) -> &Map<String, Value> {
        &self.data
    }

    /// When an ACTIVE session with a timeout times out.
    pub fn timeout_at_ms(&self) -> Option<u64> {
        match (self.status, self.timeout_ms) {
            (SessionStatus::ACTIVE, Some(t)) => Some(self.last_op_ms.saturating_add(t)),
            _ => None,
        }
    }

    /// When an INACTIVE session is removed.
    pub fn gc_at_ms(&self) -> Option<u64> {
        match self.status {
            SessionStatus::INACTIVE => self.gc_at_ms,
            _ => None,
        }
    }

    /// The next moment the collector has work with this session (a timeout, or removal); `None` when nothing is
    /// due ever (no timeout, `HANGING`, or kept forever after it ended). Stores index sessions by it.
    pub fn deadline_ms(&self) -> Option<u64> {
        self.timeout_at_ms().or_else(|| self.gc_at_ms())
    }

    /// Whether the session has ended and its `inactive_gc_timeout` has passed: it counts as gone.
    pub fn is_collectable(&self, now_ms: u64) -> bool {
        self.gc_at_ms().is_some_and(|t| t <= now_ms)
    }

    /// An operation: ACTIVE again, with a fresh timeout (as in qg_botsdk: any status becomes ACTIVE on an operation).
    pub(crate) fn touch(&mut self, now_ms: u64) {
        self.status = SessionStatus::ACTIVE;
        self.last_op_ms = now_ms;
        self.gc_at_ms = None;
    }

    /// Ends the session: INACTIVE, collected after `inactive_gc_timeout_ms`.
    pub(crate) fn end(&mut self, now_ms: u64) {
        self.status = SessionStatus::INACTIVE;
        self.gc_at_ms = self.inactive_gc_timeout_ms.map(|g| now_ms.saturating_add(g));
    }

    pub(crate) fn timeout_message(&self) -> Option<Message> {
        self.timeout_reply.as_deref().filter(|t| !t.is_empty()).map(Message::from)
    }

    /// The author-facing snapshot.
    pub fn object(&self) -> SessionObject {
        SessionObject::new(&self.id, self.status, self.data.clone())
    }

    /// The record as a [`SessionObject`], its data moved rather than cloned (a read that owns the record).
    pub(crate) fn into_object(self) -> SessionObject {
        SessionObject::new(&self.id, self.status, self.data)
    }

    /// The record as JSON, as stores keep it.
    pub fn to_json(&self) -> Result<String, SessionError> {
        serde_json::to_string(self)
            .map_err(|e| SessionError::Corrupt { id: self.id.to_string(), message: e.to_string() })
    }

    /// A record from its JSON; `what` names it in the error.
    pub fn from_json(json: &str, what: &dyn std::fmt::Display) -> Result<Self, SessionError> {
        serde_json::from_str(json).map_err(|e| SessionError::Corrupt { id: what.to_string(), message: e.to_string() })
    }
}
