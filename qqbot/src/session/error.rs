//! What can go wrong with sessions.

/// A session operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// `new` found a session with the same id and was told not to replace it.
    #[error("session {id} already exists; call `.replace(true)` to replace it, or `get` it instead")]
    Exists {
        /// The session.
        id: String,
    },
    /// The operation needs a session that does not exist (or was collected after it ended).
    #[error("no session {id}; start it with `new` first (it may have timed out and been collected)")]
    NotFound {
        /// The session.
        id: String,
    },
    /// A field did not hold the type asked for, or a value could not be written as JSON.
    #[error("session field `{field}`: {source}; read it with the type it was written with")]
    Data {
        /// The field.
        field: String,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// Session data must be a JSON object.
    #[error("session data must be a JSON object (a map or a struct), not {kind}")]
    NotAnObject {
        /// What it was instead.
        kind: &'static str,
    },
    /// The store failed (the database file, the Redis server).
    #[error("session store `{backend}` failed: {message}")]
    Backend {
        /// `sqlite`, `redis` …
        backend: &'static str,
        /// What happened, and what to check.
        message: String,
    },
    /// A stored session could not be read back (written by an incompatible version, or edited by hand).
    #[error("session {id} in the store is unreadable ({message}); remove it or fix the store")]
    Corrupt {
        /// The session.
        id: String,
        /// The decoding error.
        message: String,
    },
    /// An atomic update kept losing to concurrent writers.
    #[error("gave up updating session {id} after {attempts} attempts: too many processes write it at once")]
    Contention {
        /// The session.
        id: String,
        /// How many attempts were made.
        attempts: u32,
    },
}

impl SessionError {
    #[cfg(any(feature = "sqlite", feature = "redis"))]
    pub(crate) fn backend(backend: &'static str, err: impl std::fmt::Display) -> Self {
        SessionError::Backend { backend, message: err.to_string() }
    }
}
