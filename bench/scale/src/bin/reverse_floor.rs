//! The floor of the many-accounts benchmark: the least work a reverse-WebSocket OneBot server must do.
//!
//! It accepts every account's connection (checking `Authorization: Bearer <token>` and `X-Self-ID` the way qqbot
//! does, before the upgrade), parses each frame into a `serde_json::Value`, and answers `/echo <text>` group
//! messages with a `send_group_msg` over the same connection. One task per connection, no framework, no logging:
//! the same shape as the minimal forward client of `../shared/bench/baseline`, as a server.
//!
//! ```text
//! reverse-floor 127.0.0.1:PORT [--token T] [--read-buffer BYTES]
//! ```
//!
//! `--read-buffer` is tungstenite's read chunk (default 4 KiB, the size qqbot uses): tungstenite's own default of
//! 128 KiB would make every idle connection of the floor cost far more than a framework that chose small reads,
//! and the per-account memory ratio is meant to show what a framework adds, not a default it changed.

use std::process::ExitCode;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// The largest frame accepted (what qqbot accepts by default).
const MAX_FRAME: usize = 64 << 20;

struct Options {
    token: Option<String>,
    config: WebSocketConfig,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut listen = None;
    let mut token = None;
    let mut read_buffer = 4096usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--token" => token = args.next().filter(|t| !t.is_empty()),
            "--read-buffer" => match args.next().and_then(|v| v.parse().ok()) {
                Some(v) => read_buffer = v,
                None => return usage("--read-buffer needs a number of bytes"),
            },
            _ if listen.is_none() && !a.starts_with('-') => listen = Some(a),
            _ => return usage(&format!("unknown argument {a:?}")),
        }
    }
    let Some(listen) = listen else { return usage("the listen address is missing") };
    let config = WebSocketConfig::default()
        .read_buffer_size(read_buffer)
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME));
    let options = Arc::new(Options { token, config });
    // One thread, like the qqbot bot it is compared with.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("reverse-floor: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match TcpListener::bind(&listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("reverse-floor: cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            tokio::spawn(serve(tcp, options.clone()));
        }
    })
}

fn usage(why: &str) -> ExitCode {
    eprintln!("reverse-floor: {why}\nusage: reverse-floor 127.0.0.1:PORT [--token T] [--read-buffer BYTES]");
    ExitCode::from(2)
}

/// Whether the request carries the token (`Bearer`/`Token` prefix or none), as qqbot checks it.
fn authorized(req: &Request, token: Option<&str>) -> bool {
    let Some(token) = token else { return true };
    let given = req.headers().get("authorization").and_then(|h| h.to_str().ok()).map(str::trim);
    let given = given.map(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("Token ")).unwrap_or(h).trim());
    given == Some(token)
}

fn refuse(status: StatusCode, why: &str) -> ErrorResponse {
    let mut e = ErrorResponse::new(Some(why.to_owned()));
    *e.status_mut() = status;
    e
}

// The error type is tungstenite's, fixed by `accept_hdr_async`.
#[allow(clippy::result_large_err)]
async fn serve(tcp: TcpStream, options: Arc<Options>) {
    let _ = tcp.set_nodelay(true);
    let check = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        if !authorized(req, options.token.as_deref()) {
            return Err(refuse(StatusCode::UNAUTHORIZED, "access token required"));
        }
        let self_id = req.headers().get("x-self-id").and_then(|h| h.to_str().ok()).map(str::trim);
        if self_id.is_none_or(str::is_empty) {
            return Err(refuse(StatusCode::BAD_REQUEST, "X-Self-ID header required"));
        }
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async_with_config(tcp, check, Some(options.config)).await else {
        return;
    };
    let mut seq: u64 = 0;
    while let Some(frame) = ws.next().await {
        let text = match frame {
            Ok(Message::Text(t)) => t,
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        let Ok(ev) = serde_json::from_str::<Value>(text.as_str()) else { continue };
        // Action responses, meta events and other messages need no answer.
        if ev["post_type"] != "message" || ev["message_type"] != "group" {
            continue;
        }
        let Some(arg) = ev["raw_message"].as_str().and_then(|r| r.strip_prefix("/echo ")) else { continue };
        seq += 1;
        let action = json!({
            "action": "send_group_msg",
            "params": {
                "group_id": ev["group_id"],
                "message": [{"type": "text", "data": {"text": arg}}],
            },
            "echo": seq.to_string(),
        });
        if ws.send(Message::text(action.to_string())).await.is_err() {
            break;
        }
    }
}
