//! The framework's error type.

use std::time::Duration;

use crate::event::Platform;

/// A `Result` whose error is the framework's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the framework, each variant saying what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `qqbot.toml` or an environment variable is malformed.
    #[error("configuration error in {source_name}: {message}")]
    Config {
        /// The file or variable.
        source_name: String,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// A file or socket operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// JSON could not be encoded or decoded.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// The connection to the platform is down and did not come back in time.
    #[error(
        "not connected to {platform} (account {self_id}): the call was not sent; it is retried only if you retry it"
    )]
    Disconnected {
        /// The platform.
        platform: Platform,
        /// The bot account.
        self_id: String,
    },
    /// An API call got no answer in time.
    #[error("API call `{action}` timed out after {after:?}; the implementation may be overloaded or stuck")]
    Timeout {
        /// The action or endpoint.
        action: String,
        /// The timeout that ran out.
        after: Duration,
    },
    /// The platform answered an API call with an error.
    #[error("API call `{action}` failed with code {code}: {message}")]
    Api {
        /// The action or endpoint.
        action: String,
        /// The platform's error code (OneBot `retcode`, official `code`).
        code: i64,
        /// The platform's message (OneBot `wording` / `message`, official `message`).
        message: String,
    },
    /// The handler asked for a platform's API on a bot of another platform.
    #[error("this needs the {expected} platform, but the event came from {actual}")]
    WrongPlatform {
        /// What the call needs.
        expected: Platform,
        /// What the bot is.
        actual: Platform,
    },
    /// The handler asked for something the current event does not have (a group id in a private chat …).
    #[error("the current event has no {what}")]
    Missing {
        /// What is missing.
        what: &'static str,
    },
    /// The platform cannot do this at all.
    #[error("{platform} does not support {what}")]
    Unsupported {
        /// The platform.
        platform: Platform,
        /// What was asked.
        what: String,
    },
    /// A send was refused before it left: over a platform quota (the official platform's 5 passive replies per
    /// message within 5 minutes …), or stopped by an `on_calling_api` hook.
    #[error("{action} refused: {reason}")]
    Refused {
        /// The call (`reply`, `send_group_msg`, `POST /v2/groups/{group_openid}/messages` …).
        action: String,
        /// Why, for logs.
        reason: String,
    },
    /// No bot account is connected to send through (a scheduled job ran before any connection came up).
    #[error("no bot account is connected")]
    NoAccount,
    /// Waiting for a user's reply ran out of time.
    #[error("no reply within {0:?}")]
    PromptTimeout(Duration),
    /// The bot is shutting down, so a wait or call was cancelled.
    #[error("the bot is shutting down")]
    ShuttingDown,
    /// An adapter-specific failure (transport, protocol, signature …).
    #[error("{0}")]
    Adapter(Box<dyn std::error::Error + Send + Sync>),
    /// A handler failed.
    #[error("{0}")]
    Handler(String),
    /// A session operation failed.
    #[error(transparent)]
    Session(#[from] crate::session::SessionError),
}

impl Error {
    /// A configuration error.
    pub fn config(source_name: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config { source_name: source_name.into(), message: message.into() }
    }

    /// Wraps an adapter's own error.
    pub fn adapter(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Adapter(Box::new(err))
    }

    /// Whether retrying the same operation later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Disconnected { .. } | Error::Timeout { .. } | Error::Io(_))
    }
}
