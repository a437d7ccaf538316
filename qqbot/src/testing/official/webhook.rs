//! Posts webhook requests to an adapter, signed like the platform signs them — or deliberately wrong.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::adapter::official::WebhookKey;
use crate::error::{Error, Result};

/// How a [`WebhookSender`] signs a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signing {
    /// Correctly, with the current time.
    Valid,
    /// With a key derived from another secret.
    WrongKey,
    /// Correctly, but the body is altered after signing.
    TamperedBody,
    /// Without the signature headers.
    MissingHeaders,
    /// Correctly, but with a timestamp this many seconds in the past (a replay).
    OldTimestamp(u64),
}

/// Sends webhook requests to `url`.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    url: String,
    key: WebhookKey,
    http: reqwest::Client,
}

/// The adapter's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body (`Null` if not JSON).
    pub body: Value,
}

impl WebhookSender {
    /// A sender signing with `secret`'s key.
    pub fn new(url: impl Into<String>, secret: &str) -> Self {
        WebhookSender {
            url: url.into(),
            key: WebhookKey::from_secret(secret),
            http: crate::adapter::tls::http_client().build().unwrap_or_default(),
        }
    }

    /// Sends `frame` signed as `signing` says.
    pub async fn send(&self, frame: &Value, signing: Signing) -> Result<WebhookAnswer> {
        self.send_raw(frame.to_string().into_bytes(), signing).await
    }

    /// Sends raw body bytes signed as `signing` says.
    pub async fn send_raw(&self, body: Vec<u8>, signing: Signing) -> Result<WebhookAnswer> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let ts = match signing {
            Signing::OldTimestamp(age) => now.saturating_sub(age),
            _ => now,
        }
        .to_string();
        let signature = match signing {
            Signing::WrongKey => WebhookKey::from_secret("not-the-bot-secret").sign_request(&ts, &body),
            _ => self.key.sign_request(&ts, &body),
        };
        let mut body = body;
        if signing == Signing::TamperedBody {
            // Change one byte of the content while keeping the JSON valid.
            if let Some(pos) = body.iter().rposition(|b| b.is_ascii_alphanumeric()) {
                body[pos] = if body[pos] == b'x' { b'y' } else { b'x' };
            }
        }
        let mut req = self
            .http
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("User-Agent", "QQBot-Callback")
            .header("X-Bot-Appid", super::APPID);
        if signing != Signing::MissingHeaders {
            req = req.header("X-Signature-Ed25519", signature).header("X-Signature-Timestamp", ts);
        }
        let resp = req.body(body).send().await.map_err(|e| Error::Handler(format!("webhook request failed: {e}")))?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| Error::Handler(format!("webhook answer unreadable: {e}")))?;
        Ok(WebhookAnswer { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) })
    }
}
