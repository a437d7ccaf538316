//! The fake's HTTP API server: `POST /<action>` with a JSON body and the access token, NapCat-style answers.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::answers::{answer, envelope};
use super::{Call, Shared};
use crate::adapter::onebot::protocol::auth::{Auth, check_token};

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(&shared, req).await) }
            });
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn json_response(status: StatusCode, v: &Value) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    *r.status_mut() = status;
    r
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if check_token(shared.options.token.as_deref(), auth.as_deref(), req.uri().query()) != Auth::Ok {
        return json_response(StatusCode::FORBIDDEN, &json!({"message": "token verify failed!"}));
    }
    let action = req.uri().path().trim_matches('/').to_owned();
    let body = match Limited::new(req.into_body(), 64 << 20).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return json_response(StatusCode::BAD_REQUEST, &json!("Invalid JSON")),
    };
    let params: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return json_response(StatusCode::BAD_REQUEST, &json!("Invalid JSON")),
        }
    };
    let reply = answer(shared, &action, &params);
    shared.record(Call { action, params, echo: None });
    if shared.stalled.load(Ordering::Relaxed) {
        // A stalled implementation keeps the request open; the client's timeout ends it.
        std::future::pending::<()>().await;
    }
    match envelope(&reply, None) {
        Some(v) => json_response(StatusCode::OK, &v),
        None => {
            std::future::pending::<()>().await;
            json_response(StatusCode::OK, &Value::Null)
        }
    }
}
