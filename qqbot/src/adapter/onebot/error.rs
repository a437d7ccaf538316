//! The OneBot adapter's own failures (wrapped in [`crate::Error::Adapter`]).

/// What went wrong in the OneBot adapter.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OneBotError {
    /// The connection closed after the call was written, before its answer came: the implementation may or may
    /// not have performed it.
    #[error(
        "the connection closed while waiting for the answer to `{action}`; the implementation may or may not have \
         performed it (check before retrying a send)"
    )]
    ConnectionLost {
        /// The action.
        action: String,
    },
    /// The retry policy gave up reconnecting.
    #[error("gave up reconnecting to {uri} after {attempts} attempts ({policy}); last error: {last}")]
    GaveUp {
        /// Where.
        uri: String,
        /// How many attempts failed.
        attempts: u32,
        /// The policy, as text.
        policy: String,
        /// The last failure.
        last: String,
    },
    /// A listener could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The HTTP API answered with an HTTP error status.
    #[error("HTTP API `{action}` answered HTTP {status}{}", hint(*status))]
    HttpStatus {
        /// The action.
        action: String,
        /// The status code.
        status: u16,
    },
    /// The HTTP API request failed at the transport level.
    #[error("HTTP API `{action}` failed: {reason}")]
    Http {
        /// The action.
        action: String,
        /// Why.
        reason: String,
    },
    /// `start_server_command` is not configured or failed to start.
    #[error("cannot run start_server_command: {0}")]
    ServerCommand(String),
    /// The action request could not be encoded.
    #[error("cannot encode the request for `{action}`: {source}")]
    Encode {
        /// The action.
        action: String,
        /// The serde error.
        source: serde_json::Error,
    },
}

fn hint(status: u16) -> &'static str {
    match status {
        401 => " (no access token: set `token` for this connection)",
        403 => " (wrong access token: check `token` against the implementation's config)",
        404 => " (unknown action, or the api URL is wrong)",
        406 => " (unsupported Content-Type)",
        _ => "",
    }
}
