//! Shared helpers of the `onebot_api_*` tests: a recording `ActionCaller` and a fake OneBot HTTP API server on
//! loopback that answer from a script and remember every call.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::future::BoxFuture;
use qqbot::adapter::onebot::ActionCaller;
use serde_json::{Value, json};

/// The payload corpus, copied from the shared protocol research (see `corpus/onebot/PROVENANCE.md`).
pub fn corpus(name: &str) -> Value {
    let path = format!("{}/corpus/onebot/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("corpus file {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("corpus file {path}: {e}"))
}

/// A success envelope around `data`, as NapCat sends it.
pub fn ok(data: Value) -> Value {
    json!({"status": "ok", "retcode": 0, "data": data, "message": "", "wording": "", "stream": "normal-action"})
}

/// Scripted answers and the calls received, shared by a fake and the test.
#[derive(Default)]
pub struct Script {
    answers: Mutex<VecDeque<Value>>,
    calls: Mutex<Vec<(String, Value)>>,
}

impl Script {
    /// Queues the envelopes to answer the next calls with.
    pub fn answer(&self, envelopes: impl IntoIterator<Item = Value>) {
        self.answers.lock().unwrap().extend(envelopes);
    }

    /// Takes the calls received so far.
    pub fn take_calls(&self) -> Vec<(String, Value)> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }

    /// How many answers were not used.
    pub fn unused_answers(&self) -> usize {
        let mut answers = self.answers.lock().unwrap();
        let n = answers.len();
        answers.clear();
        n
    }

    fn next(&self, action: &str, params: Value) -> Option<Value> {
        self.calls.lock().unwrap().push((action.to_owned(), params));
        self.answers.lock().unwrap().pop_front()
    }
}

/// An `ActionCaller` that records calls and unwraps scripted envelopes the way a transport does.
pub struct RecordingCaller(pub Arc<Script>);

impl ActionCaller for RecordingCaller {
    fn call_action<'a>(&'a self, action: &'a str, params: Value) -> BoxFuture<'a, qqbot::Result<Value>> {
        Box::pin(async move {
            let Some(envelope) = self.0.next(action, params) else {
                return Err(qqbot::Error::Handler(format!("no scripted answer for `{action}`")));
            };
            match envelope.get("status").and_then(Value::as_str) {
                Some("ok") | Some("async") => Ok(envelope.get("data").cloned().unwrap_or(Value::Null)),
                _ => Err(qqbot::Error::Api {
                    action: action.to_owned(),
                    code: envelope.get("retcode").and_then(Value::as_i64).unwrap_or(-1),
                    message: envelope.get("wording").and_then(Value::as_str).unwrap_or("").to_owned(),
                }),
            }
        })
    }

    fn self_id(&self) -> &str {
        "10001"
    }
}

/// The token the fake HTTP server expects.
pub const TOKEN: &str = "test-token";

/// Starts a fake OneBot HTTP API on 127.0.0.1 (ephemeral port): `POST /<action>` with a JSON body, checked
/// `Authorization: Bearer test-token`, answered from the script. Returns its base URL.
pub async fn fake_http_api(script: Arc<Script>) -> String {
    async fn action(
        State(script): State<Arc<Script>>,
        Path(action): Path<String>,
        headers: HeaderMap,
        Json(params): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
        if auth != Some(&format!("Bearer {TOKEN}")) {
            return (StatusCode::FORBIDDEN, Json(json!({"message": "token verify failed!"})));
        }
        match script.next(&action, params) {
            Some(envelope) => (StatusCode::OK, Json(envelope)),
            None => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"message": "no scripted answer"}))),
        }
    }
    let app = Router::new().route("/{action}", post(action)).with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
