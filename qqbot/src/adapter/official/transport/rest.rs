//! The REST layer every API call goes through: base URL, `Authorization: QQBot {token}` and `X-Union-Appid`,
//! tracing, the platform's error body turned into an [`OfficialError`], and one retry after a token refresh
//! (401 / 11241–11244) or a system error the platform says to retry once (11252, 11263, 11281).

use std::sync::Arc;
use std::time::Instant;

use reqwest::Method;
use serde_json::Value;

use super::super::credentials::Credentials;
use super::super::error::{OfficialError, OfficialErrorKind};
use crate::adapter::serde_lenient;
use crate::api::{ApiCall, ApiHooks};
use crate::error::{Error, Result};
use crate::event::Platform;

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Json(Value),
    /// `multipart/form-data`: text fields, and one file part.
    Multipart {
        fields: Vec<(String, String)>,
        file: Option<FilePart>,
    },
}

/// The file part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    pub(crate) field: String,
    pub(crate) filename: String,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) struct Rest {
    http: reqwest::Client,
    base: String,
    creds: Arc<Credentials>,
    hooks: Arc<ApiHooks>,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Percent-encodes one path segment (ids such as `ROBOT1.0_…!!` or `REFIDX_…=` carry reserved characters).
pub(crate) fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A transport error with its causes (`error sending request: tcp connect error: Connection refused`), without
/// the URL (which may carry ids).
pub(crate) fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut out = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

impl Rest {
    pub(crate) fn new(http: reqwest::Client, base: String, creds: Arc<Credentials>) -> Self {
        Rest { http, base, creds, hooks: Arc::default() }
    }

    /// Runs every call between the app's API-call hooks.
    pub(crate) fn with_hooks(mut self, hooks: Arc<ApiHooks>) -> Self {
        self.hooks = hooks;
        self
    }

    pub(crate) fn credentials(&self) -> &Arc<Credentials> {
        &self.creds
    }

    /// Performs a call; `label` names the endpoint in logs and errors (`POST /v2/groups/{group_openid}/messages`).
    /// The one call function of the official adapter: the app's API-call hooks see every request here.
    pub(crate) async fn call(&self, method: Method, path: &str, label: &str, body: &Body) -> Result<Value> {
        if self.hooks.is_empty() {
            return self.perform(method, path, label, body).await;
        }
        let params = match body {
            Body::Json(v) => v.clone(),
            Body::None | Body::Multipart { .. } => Value::Null,
        };
        let call = ApiCall {
            platform: Platform::Official,
            self_id: self.creds.appid().to_owned(),
            action: label.to_owned(),
            params,
        };
        self.hooks.around(&call, self.perform(method, path, label, body)).await
    }

    async fn perform(&self, method: Method, path: &str, label: &str, body: &Body) -> Result<Value> {
        let mut refreshed = false;
        let mut retried_system = false;
        loop {
            let token = self.creds.token().await?;
            let started = Instant::now();
            let mut req = self
                .http
                .request(method.clone(), format!("{}{}", self.base, path))
                .header("Authorization", format!("QQBot {token}"))
                .header("X-Union-Appid", self.creds.appid());
            req = match body {
                Body::None => req,
                Body::Json(v) => req.json(v),
                Body::Multipart { fields, file } => {
                    let mut form = reqwest::multipart::Form::new();
                    for (k, v) in fields {
                        form = form.text(k.clone(), v.clone());
                    }
                    if let Some(f) = file {
                        let part = reqwest::multipart::Part::bytes(f.bytes.clone()).file_name(f.filename.clone());
                        form = form.part(f.field.clone(), part);
                    }
                    req.multipart(form)
                }
            };
            let resp = req.send().await.map_err(|e| Error::adapter(OfficialError::transport(label, describe(e))))?;
            let status = resp.status().as_u16();
            let trace_id = resp.headers().get("X-Tps-trace-ID").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let bytes = resp.bytes().await.map_err(|e| Error::adapter(OfficialError::transport(label, describe(e))))?;
            tracing::debug!(endpoint = %label, status, elapsed_ms = started.elapsed().as_millis() as u64, trace_id = ?trace_id, "official API call");
            let json: Value =
                if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
            let code = json.get("code").and_then(serde_lenient::value_i64).filter(|c| *c != 0);
            let success = (200..300).contains(&status) && code.is_none();
            if success {
                return Ok(json);
            }
            if json.is_null() && !bytes.is_empty() {
                tracing::warn!(endpoint = %label, status, "official API answered with a body that is not JSON");
            }
            let err_code = json.get("err_code").and_then(serde_lenient::value_i64);
            let message = json
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("HTTP {status}"));
            let trace_id = trace_id.or_else(|| json.get("trace_id").and_then(Value::as_str).map(str::to_owned));
            let mut err = OfficialError::from_response(label, status, code, err_code, message, trace_id);
            if let OfficialErrorKind::AuditPending { audit_id } = &mut err.kind {
                *audit_id = json.pointer("/data/message_audit/audit_id").and_then(Value::as_str).map(str::to_owned);
            }
            if err.kind == OfficialErrorKind::TokenExpired && !refreshed {
                tracing::info!(endpoint = %label, "the access token was rejected; refreshing it and retrying once");
                self.creds.invalidate(&token);
                refreshed = true;
                continue;
            }
            if matches!(code, Some(11252 | 11263 | 11281)) && !retried_system {
                retried_system = true;
                continue;
            }
            return Err(Error::adapter(err));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(super::segment("ROBOT1.0_a!b=/c"), "ROBOT1.0_a%21b%3D%2Fc");
        assert_eq!(super::segment("中"), "%E4%B8%AD");
    }
}
