//! The HTTP API client: each action is `POST <api>/<action>` with a JSON body and the access token.
//!
//! This is the one HTTP request path of the OneBot adapter: one exchange sends a request, reads the answer
//! (bounded) and decodes the envelope once, with the adapter's own frame decoder. The adapter's HTTP API
//! connections ([`HttpApiClient::call`]) and the go-cqhttp-style client
//! ([`crate::adapter::onebot::cqhttp::HttpApi`], which adds hooks and downloads) both go through it and differ
//! only in how they report failures.

use std::sync::OnceLock;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use tokio::time::Instant;

use super::super::caller::ActionCaller;
use super::super::error::OneBotError;
use super::super::protocol::frame::ActionResponse;
use super::super::protocol::id::{LargeIds, with_large_ids};
use super::super::protocol::inbound::{NotAnAnswer, preview, read_answer};
use crate::error::{Error, Result};
use crate::event::Platform;

/// The largest action answer read into memory (a member list of a 3000-member group is a few MiB).
pub(crate) const MAX_ANSWER_BYTES: usize = 64 << 20;

/// Why one request got no OneBot answer (an answer with `status: "failed"` is an answer, not a failure here).
#[derive(Debug)]
pub(crate) enum HttpFailure {
    /// Nothing accepted the connection.
    Connect(reqwest::Error),
    /// No complete answer within the timeout.
    Timeout,
    /// The request or the answer broke off.
    Transport(reqwest::Error),
    /// The answer was larger than [`MAX_ANSWER_BYTES`].
    TooLarge {
        /// The HTTP status.
        status: u16,
    },
    /// 401/403 without a OneBot answer: the access token was refused.
    Unauthorized {
        /// The HTTP status.
        status: u16,
    },
    /// An error status without a OneBot answer.
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body, for the log.
        body: String,
    },
    /// A success status, but the body is not a OneBot response.
    NotOneBot {
        /// The HTTP status.
        status: u16,
        /// The start of the body, for the log.
        body: String,
        /// The JSON error, when the body is not even JSON.
        parse: Option<serde_json::Error>,
    },
}

/// Calls actions over a OneBot implementation's HTTP API.
#[derive(Debug)]
pub struct HttpApiClient {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
    timeout: Duration,
    self_id: OnceLock<String>,
    large_ids: LargeIds,
}

impl HttpApiClient {
    /// A client for the API at `base` (`http://127.0.0.1:3000`).
    pub fn new(base: &str, token: Option<String>, timeout: Duration, self_id: Option<String>) -> Result<Self> {
        let client = crate::adapter::tls::http_client()
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::config("[onebot] api", format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpApiClient::with_client(client, base, token, timeout, self_id))
    }

    /// A client over an existing connection pool (the go-cqhttp-style client shares its pool with downloads).
    pub(crate) fn with_client(
        client: reqwest::Client,
        base: &str,
        token: Option<String>,
        timeout: Duration,
        self_id: Option<String>,
    ) -> Self {
        let cell = OnceLock::new();
        if let Some(id) = self_id.filter(|s| !s.is_empty()) {
            let _ = cell.set(id);
        }
        let token = token.filter(|t| !t.is_empty());
        let base = base.trim_end_matches('/').to_owned();
        HttpApiClient { base, token, client, timeout, self_id: cell, large_ids: LargeIds::default() }
    }

    /// Sends ids beyond ±2⁵³ as `policy` says (`[onebot] large_ids`).
    pub fn with_large_ids(mut self, policy: LargeIds) -> Self {
        self.large_ids = policy;
        self
    }

    /// The URL actions are posted under, without a trailing `/`.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The URL of `action` (no token in it: the token goes in a header).
    pub(crate) fn url(&self, action: &str) -> String {
        format!("{}/{}", self.base, action)
    }

    /// How long one action may take.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Records the account id learned from an event or `get_login_info` (the first one wins).
    pub(crate) fn learn_self_id(&self, id: &str) {
        if !id.is_empty() {
            let _ = self.self_id.set(id.to_owned());
        }
    }

    /// Performs `action`. While the implementation refuses connections the call is retried until its timeout,
    /// then fails with [`Error::Disconnected`].
    pub async fn call<P: Serialize + ?Sized>(&self, action: &str, params: &P) -> Result<serde_json::Value> {
        let body = with_large_ids(self.large_ids, || serde_json::to_vec(params))
            .map_err(|source| Error::adapter(OneBotError::Encode { action: action.to_owned(), source }))?;
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let failure = match self.exchange(action, body.clone(), left).await {
                Ok(response) => return response.into_result(action),
                Err(failure) => failure,
            };
            let reason = match failure {
                HttpFailure::Connect(_) => {
                    if Instant::now() + Duration::from_millis(250) >= deadline {
                        return Err(Error::Disconnected {
                            platform: Platform::OneBot,
                            self_id: self.self_id().to_owned(),
                        });
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    continue;
                }
                HttpFailure::Timeout => return Err(Error::Timeout { action: action.to_owned(), after: self.timeout }),
                HttpFailure::Unauthorized { status } | HttpFailure::Status { status, .. } => {
                    return Err(Error::adapter(OneBotError::HttpStatus { action: action.to_owned(), status }));
                }
                HttpFailure::Transport(e) => e.to_string(),
                HttpFailure::TooLarge { .. } => {
                    format!("the answer exceeds {} MiB and was dropped", MAX_ANSWER_BYTES >> 20)
                }
                HttpFailure::NotOneBot { body, .. } => format!("the answer is not a OneBot response: {body:?}"),
            };
            return Err(Error::adapter(OneBotError::Http { action: action.to_owned(), reason }));
        }
    }

    /// One request: posts `body` to `action`, reads at most [`MAX_ANSWER_BYTES`] of the answer within
    /// `timeout`, and decodes the envelope. NapCat answers most failures with HTTP 200 and a OneBot body, so a
    /// OneBot body wins over the status code; others use the status code alone.
    pub(crate) async fn exchange(
        &self,
        action: &str,
        body: Vec<u8>,
        timeout: Duration,
    ) -> std::result::Result<ActionResponse, HttpFailure> {
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                HttpFailure::Timeout
            } else if e.is_connect() {
                HttpFailure::Connect(e)
            } else {
                HttpFailure::Transport(e)
            }
        };
        let mut req = self
            .client
            .post(self.url(action))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .timeout(timeout);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let mut bytes = Vec::new();
        while let Some(piece) = resp.chunk().await.map_err(transport)? {
            if bytes.len() + piece.len() > MAX_ANSWER_BYTES {
                return Err(HttpFailure::TooLarge { status: status.as_u16() });
            }
            bytes.extend_from_slice(&piece);
        }
        let text = String::from_utf8_lossy(&bytes);
        let status = status.as_u16();
        match read_answer(&text) {
            Ok(response) => Ok(response),
            _ if matches!(status, 401 | 403) => Err(HttpFailure::Unauthorized { status }),
            _ if !(200..300).contains(&status) => Err(HttpFailure::Status { status, body: preview(&text) }),
            Err(NotAnAnswer::Malformed(e)) => {
                Err(HttpFailure::NotOneBot { status, body: preview(&text), parse: Some(e) })
            }
            Err(NotAnAnswer::Other) => Err(HttpFailure::NotOneBot { status, body: preview(&text), parse: None }),
        }
    }
}

impl ActionCaller for HttpApiClient {
    fn call_action<'a>(
        &'a self,
        action: &'a str,
        params: serde_json::Value,
    ) -> BoxFuture<'a, Result<serde_json::Value>> {
        Box::pin(async move { self.call(action, &params).await })
    }

    fn large_ids(&self) -> LargeIds {
        self.large_ids
    }

    fn self_id(&self) -> &str {
        self.self_id.get().map_or("", String::as_str)
    }
}
