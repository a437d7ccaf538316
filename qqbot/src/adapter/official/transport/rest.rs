//! The REST layer every API call goes through: base URL, `Authorization: QQBot {token}` and `X-Union-Appid`,
//! tracing, the platform's error body turned into an [`OfficialError`], and one retry after a token refresh
//! (401 / 11241–11244) or a system error the platform says to retry once (11252, 11263, 11281).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
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
    /// A JSON body already encoded (a typed body, serialized once, without a JSON tree in between).
    Encoded(Bytes),
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
    push_segment(&mut out, id);
    out
}

/// [`segment`], appended to `out`.
pub(crate) fn push_segment(out: &mut String, id: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.extend(['%', HEX[usize::from(b >> 4)] as char, HEX[usize::from(b & 15)] as char]);
        }
    }
}

impl Body {
    /// `value` encoded as JSON.
    pub(crate) fn encode(value: &impl serde::Serialize) -> Result<Body> {
        serde_json::to_vec(value)
            .map(|bytes| Body::Encoded(bytes.into()))
            .map_err(|e| Error::Handler(format!("cannot encode a request body as JSON: {e}")))
    }

    /// The body as JSON, for the API-call hooks.
    fn params(&self) -> Value {
        match self {
            Body::Json(v) => v.clone(),
            Body::Encoded(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
            Body::None | Body::Multipart { .. } => Value::Null,
        }
    }
}

/// The one field of an answer that says whether a call failed, read without building the rest of the answer.
#[derive(Deserialize)]
struct Outcome {
    #[serde(default)]
    code: Option<Value>,
}

/// An answer's JSON (`null` for an empty body or one that is not JSON, as the platform sends for some endpoints).
fn json_of(bytes: &[u8]) -> Value {
    if bytes.is_empty() { Value::Null } else { serde_json::from_slice(bytes).unwrap_or(Value::Null) }
}

/// Decodes an answer into `T`; `label` names the endpoint in the error.
fn decode<T: DeserializeOwned>(label: &str, v: Value) -> Result<T> {
    T::deserialize(&v).map_err(|e| {
        Error::adapter(OfficialError::from_response(label, 200, None, None, format!("unexpected answer: {e}"), None))
    })
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
            return self.perform(method, path, label, body).await.map(|answer| json_of(&answer));
        }
        let call = ApiCall {
            platform: Platform::Official,
            self_id: self.creds.appid().to_owned(),
            action: label.to_owned(),
            params: body.params(),
        };
        // Boxed: without hooks (the usual case) this future is then just the request's.
        Box::pin(self.hooks.around(&call, async { self.perform(method, path, label, body).await.map(|a| json_of(&a)) }))
            .await
    }

    /// [`Rest::call`] with the answer decoded straight into `T`: no JSON tree is built when no API-call hook
    /// needs to see one.
    pub(crate) async fn call_decoded<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        label: &str,
        body: &Body,
    ) -> Result<T> {
        if !self.hooks.is_empty() {
            // Boxed: with hooks the call goes through JSON anyway, and its future would double this one's size.
            return decode(label, Box::pin(self.call(method, path, label, body)).await?);
        }
        let answer = self.perform(method, path, label, body).await?;
        match serde_json::from_slice(&answer) {
            Ok(decoded) => Ok(decoded),
            // The same error (or the same lenient reading of an empty body) as through the JSON tree.
            Err(_) => decode(label, json_of(&answer)),
        }
    }

    /// Sends the request (again after a token refresh or a system error the platform says to retry) and returns
    /// the body of a successful answer.
    async fn perform(&self, method: Method, path: &str, label: &str, body: &Body) -> Result<Bytes> {
        let mut refreshed = false;
        let mut retried_system = false;
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        loop {
            let authorization = self.creds.authorization().await?;
            let started = Instant::now();
            let mut req = self
                .http
                .request(method.clone(), url.as_str())
                .header(AUTHORIZATION, authorization.clone())
                .header("X-Union-Appid", self.creds.appid());
            req = match body {
                Body::None => req,
                Body::Json(v) => req.json(v),
                Body::Encoded(bytes) => {
                    req.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(bytes.clone())
                }
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
            // Most answers succeed: only their `code` is read here, the rest is decoded once by the caller.
            let code = if bytes.is_empty() {
                None
            } else {
                serde_json::from_slice::<Outcome>(&bytes).ok().and_then(|o| o.code)
            };
            let code = code.as_ref().and_then(serde_lenient::value_i64).filter(|c| *c != 0);
            if (200..300).contains(&status) && code.is_none() {
                return Ok(bytes);
            }
            let json = json_of(&bytes);
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
                self.creds.invalidate_header(&authorization);
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
