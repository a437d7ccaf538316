//! The fake's WebSocket side: the forward server, the reverse client, and the per-connection task.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};

use super::answers::{answer, envelope};
use super::{Call, DropKind, FrameTx, Shared};
use crate::adapter::onebot::protocol::auth::{Auth, check_token};

/// Frames and messages up to 64 MiB, as large as the bot accepts (NapCat allows 50 MiB).
fn frame_limits() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    crate::adapter::websocket::config(64 << 20)
}

/// An open connection, as the fake's commands see it.
pub(crate) struct ConnEntry {
    pub(crate) id: u64,
    pub(crate) tx: FrameTx,
    pub(crate) kill: oneshot::Sender<DropKind>,
}

pub(crate) fn broadcast(shared: &Shared, text: String) {
    if let Ok(conns) = shared.conns.lock() {
        for c in conns.iter() {
            let _ = c.tx.send(text.clone());
        }
    }
}

pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let token = shared.options.token.clone();
            #[allow(clippy::result_large_err)]
            let check = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
                let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok());
                match check_token(token.as_deref(), auth, req.uri().query()) {
                    Auth::Ok => Ok(resp),
                    Auth::Missing => Err(refuse(StatusCode::UNAUTHORIZED)),
                    Auth::Wrong => Err(refuse(StatusCode::FORBIDDEN)),
                }
            };
            let Ok(ws) = tokio_tungstenite::accept_hdr_async_with_config(stream, check, Some(frame_limits())).await
            else {
                return;
            };
            serve(ws, shared, Linger::Tcp).await;
        });
    }
}

fn refuse(status: StatusCode) -> ErrorResponse {
    let mut r = ErrorResponse::new(Some("token verify failed".into()));
    *r.status_mut() = status;
    r
}

pub(crate) async fn connect_reverse(url: &str, shared: Arc<Shared>) -> Result<tokio::task::JoinHandle<()>, String> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    let h = req.headers_mut();
    h.insert("X-Self-ID", HeaderValue::from(shared.options.self_id));
    h.insert("X-Client-Role", HeaderValue::from_static("Universal"));
    h.insert("User-Agent", HeaderValue::from_static("OneBot/11"));
    // NapCat always sends the header, with an empty token when it has none.
    let auth = format!("Bearer {}", shared.options.token.as_deref().unwrap_or(""));
    h.insert("Authorization", HeaderValue::from_str(auth.trim_end()).map_err(|e| e.to_string())?);
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(frame_limits()), true)
        .await
        .map_err(|e| e.to_string())?;
    Ok(tokio::spawn(serve(ws, shared, Linger::MaybeTls)))
}

/// How to reach the TCP socket under a WebSocket, to reset it.
enum Linger {
    Tcp,
    MaybeTls,
}

trait AsTcp {
    fn tcp(&self) -> Option<&TcpStream>;
}

impl AsTcp for TcpStream {
    fn tcp(&self) -> Option<&TcpStream> {
        Some(self)
    }
}

impl AsTcp for tokio_tungstenite::MaybeTlsStream<TcpStream> {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            tokio_tungstenite::MaybeTlsStream::Plain(s) => Some(s),
            _ => None,
        }
    }
}

async fn serve<S>(ws: WebSocketStream<S>, shared: Arc<Shared>, _kind: Linger)
where
    S: AsyncRead + AsyncWrite + Unpin + AsTcp,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let (kill_tx, mut kill_rx) = oneshot::channel::<DropKind>();
    let id = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    let sid = shared.options.self_id;
    if shared.options.lifecycle {
        let _ = tx.send(
            json!({"time": 1_700_000_000, "self_id": sid, "post_type": "meta_event", "meta_event_type": "lifecycle", "sub_type": "connect"})
                .to_string(),
        );
    }
    if let Ok(mut c) = shared.conns.lock() {
        c.push(ConnEntry { id, tx: tx.clone(), kill: kill_tx });
    }
    shared.accepted.fetch_add(1, Ordering::Relaxed);
    shared.conn_notify.notify_waiters();
    let heartbeat = shared.options.heartbeat;
    let mut beat = tokio::time::interval(heartbeat.unwrap_or(Duration::from_secs(3600)));
    beat.tick().await;
    let mut ws = ws;
    loop {
        tokio::select! {
            frame = ws.next(), if !shared.deaf.load(Ordering::Relaxed) => match frame {
                Some(Ok(Message::Text(text))) => on_action(&shared, text.as_str(), &tx),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            out = rx.recv() => match out {
                Some(text) => if ws.send(Message::text(text)).await.is_err() { break },
                None => break,
            },
            _ = beat.tick(), if heartbeat.is_some() => {
                if shared.stalled.load(Ordering::Relaxed) {
                    continue;
                }
                let ms = heartbeat.map_or(0, |d| d.as_millis() as u64);
                let hb = json!({"time": 1_700_000_000, "self_id": sid, "post_type": "meta_event", "meta_event_type": "heartbeat",
                    "status": {"online": true, "good": true}, "interval": ms});
                if ws.send(Message::text(hb.to_string())).await.is_err() { break }
            }
            kind = &mut kill_rx => {
                match kind {
                    Ok(DropKind::Reset) => {
                        if let Some(tcp) = ws.get_ref().tcp() {
                            #[allow(deprecated)]
                            let _ = tcp.set_linger(Some(Duration::ZERO));
                        }
                    }
                    Ok(DropKind::Close) | Err(_) => {
                        let _ = tokio::time::timeout(Duration::from_millis(200), ws.close(None)).await;
                    }
                }
                break;
            }
        }
    }
    if let Ok(mut c) = shared.conns.lock() {
        c.retain(|c| c.id != id);
    }
}

fn on_action(shared: &Shared, text: &str, tx: &FrameTx) {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        // NapCat answers unparsable frames with 1400 and no echo.
        let _ = tx.send(
            json!({"status": "failed", "retcode": 1400, "data": null, "message": "json解析失败", "wording": "json解析失败", "echo": null})
                .to_string(),
        );
        return;
    };
    let action = v.get("action").and_then(Value::as_str).unwrap_or_default().to_owned();
    let params = v.get("params").cloned().unwrap_or_else(|| json!({}));
    let echo = v.get("echo").cloned();
    let reply = answer(shared, &action, &params);
    shared.record(Call { action, params, echo: echo.clone() });
    if shared.stalled.load(Ordering::Relaxed) {
        return;
    }
    if let Some(resp) = envelope(&reply, echo.as_ref()) {
        let _ = tx.send(resp.to_string());
    }
}
