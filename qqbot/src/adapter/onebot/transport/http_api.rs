//! The HTTP API client: each action is `POST <api>/<action>` with a JSON body and the access token.

use std::sync::OnceLock;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use tokio::time::Instant;

use super::super::caller::ActionCaller;
use super::super::error::OneBotError;
use super::super::protocol::frame::{Frame, decode_frame};
use crate::error::{Error, Result};
use crate::event::Platform;

/// Calls actions over a OneBot implementation's HTTP API.
#[derive(Debug)]
pub struct HttpApiClient {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
    timeout: Duration,
    self_id: OnceLock<String>,
}

impl HttpApiClient {
    /// A client for the API at `base` (`http://127.0.0.1:3000`).
    pub fn new(base: &str, token: Option<String>, timeout: Duration, self_id: Option<String>) -> Result<Self> {
        let client = crate::tls::http_client()
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::config("[onebot] api", format!("cannot build the HTTP client: {e}")))?;
        let cell = OnceLock::new();
        if let Some(id) = self_id.filter(|s| !s.is_empty()) {
            let _ = cell.set(id);
        }
        Ok(HttpApiClient { base: base.trim_end_matches('/').to_owned(), token, client, timeout, self_id: cell })
    }

    /// Records the account id learned from an event (the first one wins).
    pub(crate) fn learn_self_id(&self, id: &str) {
        if !id.is_empty() {
            let _ = self.self_id.set(id.to_owned());
        }
    }

    /// Performs `action`. While the implementation refuses connections the call is retried until its timeout,
    /// then fails with [`Error::Disconnected`].
    pub async fn call<P: Serialize + ?Sized>(&self, action: &str, params: &P) -> Result<serde_json::Value> {
        let body = serde_json::to_vec(params)
            .map_err(|source| Error::adapter(OneBotError::Encode { action: action.to_owned(), source }))?;
        let url = format!("{}/{}", self.base, action);
        let deadline = Instant::now() + self.timeout;
        loop {
            let mut req = self
                .client
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .timeout(deadline.saturating_duration_since(Instant::now()));
            if let Some(t) = &self.token {
                req = req.bearer_auth(t);
            }
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) if e.is_timeout() => {
                    return Err(Error::Timeout { action: action.to_owned(), after: self.timeout });
                }
                Err(e) if e.is_connect() => {
                    if Instant::now() + Duration::from_millis(250) >= deadline {
                        return Err(Error::Disconnected {
                            platform: Platform::OneBot,
                            self_id: self.self_id().to_owned(),
                        });
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    continue;
                }
                Err(e) => {
                    return Err(Error::adapter(OneBotError::Http { action: action.to_owned(), reason: e.to_string() }));
                }
            };
            let status = resp.status();
            let bytes = resp.bytes().await.map_err(|e| {
                if e.is_timeout() {
                    Error::Timeout { action: action.to_owned(), after: self.timeout }
                } else {
                    Error::adapter(OneBotError::Http { action: action.to_owned(), reason: e.to_string() })
                }
            })?;
            let text = String::from_utf8_lossy(&bytes);
            // NapCat answers most failures with HTTP 200 and a OneBot body; others use the status code.
            return match decode_frame(&text) {
                Ok(Frame::Response(r)) => r.into_result(action),
                _ if !status.is_success() => {
                    Err(Error::adapter(OneBotError::HttpStatus { action: action.to_owned(), status: status.as_u16() }))
                }
                _ => Err(Error::adapter(OneBotError::Http {
                    action: action.to_owned(),
                    reason: format!("the answer is not a OneBot response: {:?}", super::connection::preview(&text)),
                })),
            };
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

    fn self_id(&self) -> &str {
        self.self_id.get().map_or("", String::as_str)
    }
}
