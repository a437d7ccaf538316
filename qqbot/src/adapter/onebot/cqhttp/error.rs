//! What can go wrong talking to the HTTP API or downloading.

use std::path::PathBuf;
use std::time::Duration;

/// A failure of the HTTP API client itself (the implementation's own refusals are `Error::Api`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpApiError {
    /// Nothing answered at the configured address.
    #[error(
        "could not reach the OneBot HTTP API at {url}: is the implementation running with its HTTP server on this address? ({source})"
    )]
    Connect {
        /// The URL called (no token in it).
        url: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// No answer in time.
    #[error("`{action}` got no answer within {after:?}")]
    Timeout {
        /// The action.
        action: String,
        /// The timeout.
        after: Duration,
    },
    /// The request or the answer broke off.
    #[error("`{action}` failed in transit: {source}")]
    Transport {
        /// The action.
        action: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The implementation refused the access token.
    #[error(
        "`{action}`: the OneBot HTTP API refused the access token (HTTP {status}); set `access_token` to the implementation's token"
    )]
    Unauthorized {
        /// The action.
        action: String,
        /// 401 or 403.
        status: u16,
    },
    /// An HTTP error status without a OneBot answer.
    #[error("`{action}`: HTTP {status} from the OneBot HTTP API: {body}")]
    Status {
        /// The action.
        action: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body, for the log.
        body: String,
    },
    /// The answer was not OneBot JSON.
    #[error("`{action}`: the answer is not a OneBot JSON response: {source}")]
    BadResponse {
        /// The action.
        action: String,
        /// What failed to parse.
        source: serde_json::Error,
    },
}

/// A failure of [`HttpApi::download_file`](super::HttpApi::download_file) or
/// [`HttpApi::download_img`](super::HttpApi::download_img).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The file name would leave the download folder (`../x`, `a/b`, an absolute path …) or is empty.
    #[error("refusing to save a download as {name:?}: a file name must be one plain name inside the download folder")]
    UnsafeFileName {
        /// The name given.
        name: String,
    },
    /// The server answered an error status.
    #[error("download of {file_name} failed with HTTP {code}")]
    Status {
        /// The file being downloaded.
        file_name: String,
        /// The HTTP status.
        code: u16,
    },
    /// The connection failed or broke off.
    #[error("download of {file_name} broke off: {source}")]
    Transport {
        /// The file being downloaded.
        file_name: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The body ended before its announced length.
    #[error("download of {file_name} ended after {received} of {expected} bytes")]
    Incomplete {
        /// The file being downloaded.
        file_name: String,
        /// The announced length.
        expected: u64,
        /// What arrived.
        received: u64,
    },
    /// Writing the file failed.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `get_image` failed, so the picture's URL is unknown.
    #[error("could not resolve picture {file} through get_image: {source}")]
    Resolve {
        /// The picture's cache name.
        file: String,
        /// The API error.
        source: Box<crate::Error>,
    },
    /// `get_image` answered without a URL (NapCat can give only a path on its own host).
    #[error("get_image gave no URL for picture {file}; the picture is only on the implementation's host")]
    NoUrl {
        /// The picture's cache name.
        file: String,
    },
    /// The download was started outside a Tokio runtime.
    #[error("downloads run on the Tokio runtime; start them from inside it (a handler or `#[tokio::main]`)")]
    NoRuntime,
    /// The download task was cancelled or panicked.
    #[error("the download task stopped before finishing")]
    Aborted,
}
