//! Forward WebSocket: the bot connects to the implementation and reconnects under the retry policy.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use super::super::error::OneBotError;
use super::Accounts;
use super::connection::{self, ConnOptions, Ended, Role};
use super::link::WsLink;
use super::server_process::ServerControl;
use crate::adapter::EventSink;
use crate::adapter::delivery::Delivery;
use crate::error::{Error, Result};
use crate::retry::{RetryPolicy, RetryState};

/// A connection that lived this long, or delivered an event, counts as a success: the next reconnect is
/// immediate and the retry policy starts over. Others count as failed attempts, so a server that accepts and
/// drops at once is not hammered.
const STABLE: Duration = Duration::from_secs(5);

/// Settings of one forward connection.
#[derive(Debug, Clone)]
pub(crate) struct Forward {
    pub(crate) uri: String,
    pub(crate) token: Option<String>,
    pub(crate) policy: RetryPolicy,
    pub(crate) conn: ConnOptions,
    pub(crate) max_frame: usize,
    pub(crate) connect_timeout: Duration,
}

/// The URI without its query string (which may carry `access_token`), for logs.
pub(crate) fn loggable(uri: &str) -> &str {
    uri.split('?').next().unwrap_or(uri)
}

/// Connects, runs the connection, reconnects; returns when shutting down or when the policy gives up (and no
/// `start_server_command` can bring the implementation back).
pub(crate) async fn run(
    fwd: Forward,
    link: Arc<WsLink>,
    bots: Arc<dyn Accounts>,
    delivery: Delivery,
    sink: EventSink,
    server: ServerControl,
) -> Result<()> {
    let label = loggable(&fwd.uri).to_owned();
    let mut retry = RetryState::new();
    let mut last_error = String::new();
    let mut ever_connected = false;
    loop {
        if sink.is_shutting_down() {
            return Ok(());
        }
        let attempt = tokio::select! {
            a = connect(&fwd) => a,
            _ = sink.shutdown_signal() => return Ok(()),
        };
        match attempt {
            Ok(ws) => {
                match (ever_connected, retry.attempts()) {
                    (false, _) => tracing::info!(target: "qqbot::onebot", "connected to {label} (forward WebSocket)"),
                    (true, 0) => tracing::info!(target: "qqbot::onebot", "reconnected to {label}"),
                    (true, n) => {
                        tracing::info!(target: "qqbot::onebot", "reconnected to {label} after {n} failed attempts")
                    }
                }
                ever_connected = true;
                let started = Instant::now();
                let (ended, events) = connection::run(
                    ws,
                    Role::Universal,
                    link.clone(),
                    bots.clone(),
                    delivery.clone(),
                    sink.clone(),
                    fwd.conn.clone(),
                )
                .await;
                if ended == Ended::Shutdown {
                    tracing::info!(target: "qqbot::onebot", "disconnected from {label}: shutting down");
                    return Ok(());
                }
                if ended.is_routine() {
                    tracing::info!(target: "qqbot::onebot", "disconnected from {label}: {ended}; reconnecting");
                } else {
                    tracing::warn!(target: "qqbot::onebot", "disconnected from {label}: {ended}; reconnecting");
                }
                if events > 0 || started.elapsed() >= STABLE {
                    retry.reset();
                    continue;
                }
                last_error = ended.to_string();
            }
            Err(e) => {
                if e != last_error || retry.attempts() == 0 {
                    tracing::warn!(target: "qqbot::onebot", "cannot connect to {label}: {e}");
                } else {
                    tracing::debug!(target: "qqbot::onebot", "cannot connect to {label} (attempt {}): {e}", retry.attempts() + 1);
                }
                last_error = e;
            }
        }
        match retry.failed(&fwd.policy) {
            Some(wait) => {
                tracing::debug!(target: "qqbot::onebot", "next attempt to reach {label} in {:.2} s", wait.as_secs_f64());
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = sink.shutdown_signal() => return Ok(()),
                }
            }
            None if server.is_configured() => {
                tracing::warn!(
                    target: "qqbot::onebot",
                    "gave up reaching {label} after {} attempts ({}); restarting the implementation with start_server_command",
                    retry.attempts(), fwd.policy
                );
                if let Err(e) = server.restart().await {
                    tracing::error!(target: "qqbot::onebot", "{e}");
                }
                retry.reset();
            }
            None => {
                let err = OneBotError::GaveUp {
                    uri: label.clone(),
                    attempts: retry.attempts(),
                    policy: fwd.policy.to_string(),
                    last: last_error,
                };
                tracing::error!(target: "qqbot::onebot", "{err}");
                return Err(Error::adapter(err));
            }
        }
    }
}

async fn connect(
    fwd: &Forward,
) -> std::result::Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    String,
> {
    let mut request = fwd.uri.as_str().into_client_request().map_err(|e| format!("bad uri: {e}"))?;
    if let Some(token) = fwd.token.as_deref().filter(|t| !t.is_empty()) {
        let value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| "the token has characters a header cannot carry".to_owned())?;
        request.headers_mut().insert("Authorization", value);
    }
    let config = crate::adapter::websocket::config(fwd.max_frame);
    let connecting = async {
        if request.uri().scheme_str() == Some("wss") {
            crate::adapter::tls::install_crypto_provider();
            return tokio_tungstenite::connect_async_tls_with_config(request, Some(config), true, None).await;
        }
        // A plain `ws://` link (NapCat on the same machine, the usual case) needs no TLS code at all: connect the
        // socket ourselves and run only the WebSocket handshake over it.
        let uri = request.uri();
        let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
        let port = uri.port_u16().unwrap_or(80);
        let stream = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(tokio_tungstenite::tungstenite::Error::Io)?;
        // Replies are small frames written once per burst: send them at once rather than wait for more.
        stream.set_nodelay(true).map_err(tokio_tungstenite::tungstenite::Error::Io)?;
        let stream = tokio_tungstenite::MaybeTlsStream::Plain(stream);
        tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await
    };
    match tokio::time::timeout(fwd.connect_timeout, connecting).await {
        Err(_) => Err(format!("no handshake within {:.1} s", fwd.connect_timeout.as_secs_f64())),
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(resp))) => Err(match resp.status().as_u16() {
            401 => "HTTP 401: the implementation wants an access token; set `token`".to_owned(),
            403 => "HTTP 403: wrong access token; check `token`".to_owned(),
            s => format!("HTTP {s} instead of a WebSocket upgrade"),
        }),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok((ws, _))) => Ok(ws),
    }
}
