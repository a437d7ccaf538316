//! The fake's token endpoint and REST API.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::{APPID, BOT_USER_ID, FakeInner, RecordedRequest};

pub(crate) async fn serve(listener: tokio::net::TcpListener, inner: Arc<FakeInner>) {
    let app = Router::new().route("/app/getAppAccessToken", post(token)).fallback(api).with_state(inner);
    if let Err(e) = axum::serve(listener, app).await {
        tracing::warn!("fake official REST server stopped: {e}");
    }
}

fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

async fn token(State(inner): State<Arc<FakeInner>>, body: Bytes) -> Response {
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut s = inner.state();
    s.token_requests += 1;
    inner.changed.notify_waiters();
    if req["appId"] != APPID || req["clientSecret"] != s.secret.as_str() {
        return json_response(200, json!({"code": 100016, "message": "invalid appid or secret"}));
    }
    let value = format!("fake-token-{}", s.tokens_issued.len() + 1);
    s.tokens_issued.push(value.clone());
    s.valid_tokens.insert(value.clone());
    json_response(200, json!({"access_token": value, "expires_in": s.token_lifetime}))
}

async fn api(
    State(inner): State<Arc<FakeInner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type");
    let body_value = if content_type.as_deref().is_some_and(|c| c.starts_with("multipart/")) {
        Value::String(String::from_utf8_lossy(&body).into_owned())
    } else if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let path = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let record = RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        authorization: header("authorization"),
        union_appid: header("x-union-appid"),
        content_type,
        body: body_value,
    };
    let mut s = inner.state();
    let authorized = record
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("QQBot "))
        .is_some_and(|t| s.valid_tokens.contains(t))
        && record.union_appid.as_deref() == Some(APPID);
    s.requests.push(record);
    inner.changed.notify_waiters();
    if !authorized {
        return json_response(
            401,
            json!({"code": 11244, "message": "token not exist or expire", "err_code": 40012002}),
        );
    }
    if let Some(pos) = s.scripted.iter().position(|a| path.starts_with(&a.path_prefix)) {
        let answer = s.scripted.remove(pos);
        return json_response(answer.status, answer.body);
    }
    let n = s.next_id;
    s.next_id += 1;
    let p = uri.path();
    match (method.as_str(), p) {
        ("GET", "/users/@me") => json_response(200, json!({"id": BOT_USER_ID, "username": "fake-bot", "bot": true})),
        ("GET", "/gateway") => json_response(200, json!({"url": inner.ws_url})),
        ("GET", "/gateway/bot") => json_response(
            200,
            json!({"url": inner.ws_url, "shards": 1,
                   "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}}),
        ),
        ("POST", p) if p.ends_with("/files") => json_response(
            200,
            json!({"file_uuid": format!("uuid-{n}"), "file_info": format!("file-info-{n}"), "ttl": 3600}),
        ),
        ("POST", p) if p.starts_with("/channels/") || p.starts_with("/dms/") => json_response(
            200,
            json!({"id": format!("msg-{n}"), "channel_id": p.split('/').nth(2).unwrap_or(""), "timestamp": "2025-03-13T23:30:49+08:00"}),
        ),
        ("POST", p) if p.ends_with("/messages") => {
            json_response(200, json!({"id": format!("msg-{n}"), "timestamp": "2025-03-13T23:30:49+08:00"}))
        }
        ("DELETE", _) => StatusCode::NO_CONTENT.into_response(),
        _ => json_response(200, json!({})),
    }
}
