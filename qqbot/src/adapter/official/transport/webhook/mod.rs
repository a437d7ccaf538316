//! The webhook transport: an HTTP endpoint (axum) the platform POSTs events to.
//!
//! Every request's ed25519 signature is checked over the raw body before anything else; a missing, malformed,
//! mismatching or stale (replayed) signature gets 401 and no handler runs. The callback validation (op 13) is
//! answered with the signed `plain_token`; dispatches are acknowledged at once with `{"op":12,"d":0}` and handed to
//! the handlers in arrival order by one forwarding task.

mod signature;

pub use signature::{SignatureError, WebhookKey};

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::super::api::OfficialApi;
use super::super::config::OfficialConfig;
use super::super::dedup::dedup_key;
use super::super::error::{OfficialError, OfficialErrorKind};
use super::super::protocol::decode::to_event;
use super::super::protocol::event::{OfficialEvent, OfficialPayload};
use super::super::protocol::model::{Payload, opcode};
use super::MakeBot;
use crate::adapter::EventSink;
use crate::adapter::delivery::Delivery;
use crate::api::Bot;
use crate::error::{Error, Result};
use crate::event::RecentIds;

/// The webhook server of one bot.
pub(crate) struct Webhook {
    pub(crate) config: OfficialConfig,
    pub(crate) api: OfficialApi,
    pub(crate) sink: EventSink,
    pub(crate) make_bot: MakeBot,
    pub(crate) listener: Option<std::net::TcpListener>,
}

/// Events queued for the dispatcher beyond the ones it is handling; when full, the platform is asked to push again.
const DELIVERY_QUEUE: usize = 1024;

struct WebhookState {
    key: WebhookKey,
    max_age: Duration,
    self_id: String,
    api: OfficialApi,
    auto_ack: bool,
    bot: Arc<dyn Bot>,
    delivery: Delivery,
    recent: Mutex<RecentIds>,
}

impl Webhook {
    pub(crate) async fn run(self) -> Result<()> {
        let self_id = match self.api.me().await {
            Ok(me) => me.id.filter(|id| !id.is_empty()).unwrap_or_else(|| self.api.appid().to_owned()),
            Err(e) => {
                if OfficialError::find(&e).is_some_and(|o| {
                    matches!(o.kind, OfficialErrorKind::BadCredentials | OfficialErrorKind::LegacyTokenDisabled)
                }) {
                    return Err(e);
                }
                tracing::warn!("could not read the bot's own id (GET /users/@me): {e}; using the appid for mentions");
                self.api.appid().to_owned()
            }
        };
        let bot = (self.make_bot)(&self_id);
        // No connection announces a webhook account: it is there once its URL serves, so jobs can send before
        // the first event arrives.
        self.sink.add_account(bot.clone());
        let delivery = Delivery::spawn(self.sink.clone(), DELIVERY_QUEUE);
        let state = Arc::new(WebhookState {
            key: WebhookKey::from_secret(&self.config.secret),
            max_age: Duration::from_secs(self.config.webhook_max_age_secs),
            self_id,
            api: self.api.clone(),
            auto_ack: self.config.auto_ack_interactions,
            bot,
            delivery,
            recent: Mutex::new(RecentIds::new(4096)),
        });
        let app = Router::new()
            .route(&self.config.webhook_path, post(handle))
            .layer(axum::extract::DefaultBodyLimit::max(self.config.max_frame_bytes))
            .with_state(state);
        let listener = match self.listener {
            Some(l) => {
                l.set_nonblocking(true)?;
                tokio::net::TcpListener::from_std(l)?
            }
            None => {
                let addr = self.config.webhook_listen.clone().unwrap_or_else(|| "0.0.0.0:8443".into());
                tokio::net::TcpListener::bind(&addr)
                    .await
                    .map_err(|e| Error::config("[official] webhook_listen", format!("cannot listen on {addr}: {e}")))?
            }
        };
        tracing::info!(addr = ?listener.local_addr().ok(), path = %self.config.webhook_path, "official webhook listening");
        let sink = self.sink.clone();
        let served =
            axum::serve(listener, app).with_graceful_shutdown(async move { sink.shutdown_signal().await }).await;
        served.map_err(Error::Io)
    }
}

/// The acknowledgement of a dispatch (`d: 0`), and the request to push it again (`d: 1`): fixed bytes, so the reply
/// to every callback is written without building and serializing a JSON value.
const ACK: &str = r#"{"op":12,"d":0}"#;
const ACK_AGAIN: &str = r#"{"op":12,"d":1}"#;

fn ack(body: &'static str) -> Response {
    let mut response = Response::new(axum::body::Body::from(bytes::Bytes::from_static(body.as_bytes())));
    response
        .headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    response
}

fn reject(status: StatusCode, why: &str) -> Response {
    (status, axum::Json(json!({ "error": why }))).into_response()
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

async fn handle(State(state): State<Arc<WebhookState>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").trim();
    let signature = header("X-Signature-Ed25519");
    let timestamp = header("X-Signature-Timestamp");
    let verdict = state.key.verify(timestamp, &body, signature).and_then(|()| {
        let ts: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
        if (now_secs() - ts).unsigned_abs() > state.max_age.as_secs() { Err(SignatureError::Stale) } else { Ok(()) }
    });
    if let Err(e) = verdict {
        tracing::warn!("rejected a webhook request: {e}");
        return reject(StatusCode::UNAUTHORIZED, &e.to_string());
    }
    let payload: Payload = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("rejected a webhook request whose body is not a valid payload: {e}");
            return reject(StatusCode::BAD_REQUEST, "body is not a valid payload");
        }
    };
    match payload.op {
        opcode::CALLBACK_VALIDATION => {
            let d: Value = payload.data().unwrap_or(Value::Null);
            let plain_token = d.get("plain_token").and_then(Value::as_str).unwrap_or("");
            let event_ts = d.get("event_ts").and_then(Value::as_str).unwrap_or("");
            if plain_token.is_empty() {
                return reject(StatusCode::BAD_REQUEST, "op 13 without plain_token");
            }
            axum::Json(state.key.validation_answer(plain_token, event_ts)).into_response()
        }
        opcode::HEARTBEAT => axum::Json(json!({ "op": opcode::HEARTBEAT_ACK, "d": payload.d })).into_response(),
        opcode::DISPATCH => {
            let t = payload.t.as_deref().unwrap_or_default();
            let key = match dedup_key(t, payload.id.as_deref(), &payload.d) {
                None => None,
                Some(key) => match state.recent.lock().map(|mut r| r.admit(&key)) {
                    Ok(Some(stored)) => Some(stored),
                    Ok(None) => {
                        tracing::debug!(event = %t, "acknowledging a webhook event delivered twice without handling it again");
                        return ack(ACK);
                    }
                    Err(_) => None,
                },
            };
            let ev = OfficialEvent::from_payload(payload);
            if state.auto_ack
                && let OfficialPayload::Interaction(i) = &ev.payload
                && let Some(id) = i.id.clone()
            {
                let api = state.api.clone();
                tokio::spawn(async move {
                    if let Err(e) = api.ack_interaction(&id, 0).await {
                        tracing::warn!("could not acknowledge interaction {id}: {e}");
                    }
                });
            }
            // The ACK never waits on a handler: the event is queued, or the platform is asked to push it again.
            if state.delivery.try_deliver(state.bot.clone(), to_event(ev, &state.self_id)).is_err() {
                tracing::warn!("webhook queue full; asking the platform to push the event again");
                if let Some(key) = &key
                    && let Ok(mut recent) = state.recent.lock()
                {
                    recent.forget(key);
                }
                return ack(ACK_AGAIN);
            }
            ack(ACK)
        }
        other => {
            tracing::debug!(op = other, "ignoring a webhook opcode");
            axum::Json(json!({ "op": opcode::HTTP_CALLBACK_ACK, "d": 0 })).into_response()
        }
    }
}
