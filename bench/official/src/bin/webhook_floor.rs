//! The floor of the webhook benchmark: the least a bot must do per callback, written by hand.
//!
//! An axum server that verifies each callback's ed25519 signature over `X-Signature-Timestamp ‖ body` (the key
//! derived from the secret as the platform specifies, checked as the platform's Go SDK checks it), parses the
//! payload, acknowledges with `{"op":12,"d":0}`, and
//! for a `GROUP_AT_MESSAGE_CREATE` saying `/echo <text>` posts `<text>` back with reqwest (kept-alive connections)
//! to `POST /v2/groups/{group_openid}/messages` with the access token it fetched at start. Configured by the same
//! environment variables as a qqbot bot: `QQBOT_APPID`, `QQBOT_SECRET`, `QQBOT_API_BASE`, `QQBOT_TOKEN_URL`,
//! `QQBOT_WEBHOOK_LISTEN`, `QQBOT_WEBHOOK_PATH`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ed25519_dalek::{Signature, SigningKey, Verifier, VerifyingKey};
use qqbot_bench_official::{GroupMessage, Replier, env_or, install_crypto, seed_from_secret};
use serde::Deserialize;
use serde_json::json;

struct Floor {
    key: VerifyingKey,
    replier: Replier,
}

#[derive(Deserialize)]
struct Payload<'a> {
    op: u8,
    #[serde(borrow)]
    t: Option<&'a str>,
    d: Option<GroupMessage>,
}

fn verify(key: &VerifyingKey, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut bytes = [0u8; 64];
    if hex::decode_to_slice(header("X-Signature-Ed25519"), &mut bytes).is_err() {
        return false;
    }
    let timestamp = header("X-Signature-Timestamp");
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    // The platform's check (botgo: Go's `ed25519.Verify`): cofactorless, canonical `s`.
    key.verify(&message, &Signature::from_bytes(&bytes)).is_ok()
}

async fn callback(State(floor): State<Arc<Floor>>, headers: HeaderMap, body: Bytes) -> Response {
    if !verify(&floor.key, &headers, &body) {
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let Ok(payload) = serde_json::from_slice::<Payload<'_>>(&body) else {
        return (StatusCode::BAD_REQUEST, "bad payload").into_response();
    };
    if payload.op == 0
        && payload.t == Some("GROUP_AT_MESSAGE_CREATE")
        && let Some(d) = payload.d
        && let Some(text) = d.content.trim().strip_prefix("/echo ")
    {
        let text = text.to_owned();
        let floor = floor.clone();
        tokio::spawn(async move { floor.replier.reply(&d, text, "webhook-floor").await });
    }
    axum::Json(json!({"op": 12, "d": 0})).into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    install_crypto();
    let (replier, secret) = Replier::from_env().await?;
    let listen = env_or("QQBOT_WEBHOOK_LISTEN", "127.0.0.1:8443");
    let path = env_or("QQBOT_WEBHOOK_PATH", "/qqbot/webhook");
    let floor = Arc::new(Floor { key: SigningKey::from_bytes(&seed_from_secret(&secret)).verifying_key(), replier });
    let app = Router::new().route(&path, post(callback)).with_state(floor);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
