//! The bot's own HTTP listener: reverse WebSocket (implementations connect to the bot) and HTTP POST (they push
//! events to it). Several accounts share one listener; credentials are checked before a WebSocket upgrade.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role as WsRole;

use super::super::protocol::auth::{Signature, check_signature};
use super::super::protocol::handshake::{Handshake, read_handshake};
use super::super::protocol::id::LargeIds;
use super::super::protocol::inbound::{Inbound, LinkState, read_frame};
use super::super::protocol::quick_op;
use super::Accounts;
use super::connection::{self, ConnOptions, Role};
use super::http_call::HttpApiClient;
use super::link::WsLink;
use crate::adapter::EventSink;
use crate::adapter::delivery::Delivery;
use crate::event::Event;

/// A reverse-WebSocket endpoint on the listener.
#[derive(Debug, Clone)]
pub(crate) struct ReverseRoute {
    /// `/onebot/v11/ws` by default; `<path>/api` and `<path>/event` are accepted too.
    pub(crate) path: String,
    pub(crate) token: Option<String>,
}

/// An HTTP POST endpoint on the listener.
#[derive(Debug, Clone)]
pub(crate) struct PostRoute {
    /// `/onebot/v11/http` by default.
    pub(crate) path: String,
    /// The HMAC key of `X-Signature`.
    pub(crate) secret: Option<String>,
    /// The account's HTTP API, for replies after the quick-operation window and for `ctx.onebot()`.
    pub(crate) api: Option<Arc<HttpApiClient>>,
    /// How long the HTTP response waits for a handler's first reply (sent as the quick operation).
    pub(crate) quick_window: Duration,
}

/// Everything one listener serves.
pub(crate) struct Server {
    pub(crate) listener: std::net::TcpListener,
    pub(crate) reverse: Vec<ReverseRoute>,
    pub(crate) post: Vec<PostRoute>,
    pub(crate) bots: Arc<dyn Accounts>,
    /// The capacity of each account's delivery queue.
    pub(crate) delivery_queue: usize,
    pub(crate) sink: EventSink,
    pub(crate) conn: ConnOptions,
    pub(crate) max_frame: usize,
    pub(crate) timeout: Duration,
    pub(crate) large_ids: LargeIds,
    /// Connections served over HTTP at once (WebSocket handshakes, HTTP POST); more wait in the kernel's backlog.
    pub(crate) max_handshakes: usize,
}

/// How long a connection may wait before sending a request's headers: an upgrade request arrives at once, and an
/// HTTP POST connection kept alive between events is closed after this long idle (as nginx does after 75 s), which
/// frees its place among the connections the listener serves.
const HEADER_TIMEOUT: Duration = Duration::from_secs(60);

struct Shared {
    addr: SocketAddr,
    reverse: Vec<ReverseRoute>,
    post: Vec<PostRoute>,
    /// Per account: its link, and its delivery (queue and lane), kept across reconnections so events stay in
    /// order and one account's backlog never holds up another's.
    links: Mutex<HashMap<String, (Arc<WsLink>, Delivery)>>,
    bots: Arc<dyn Accounts>,
    delivery_queue: usize,
    sink: EventSink,
    conn: ConnOptions,
    max_frame: usize,
    timeout: Duration,
    large_ids: LargeIds,
}

type Body = Full<Bytes>;

impl Server {
    /// Accepts connections until shutdown.
    pub(crate) async fn run(self) -> std::io::Result<()> {
        self.listener.set_nonblocking(true)?;
        let addr = self.listener.local_addr()?;
        let listener = TcpListener::from_std(self.listener)?;
        let shared = Arc::new(Shared {
            addr,
            reverse: self.reverse,
            post: self.post,
            links: Mutex::new(HashMap::new()),
            bots: self.bots,
            delivery_queue: self.delivery_queue,
            sink: self.sink.clone(),
            conn: self.conn,
            max_frame: self.max_frame,
            timeout: self.timeout,
            large_ids: self.large_ids,
        });
        for r in &shared.reverse {
            tracing::info!(target: "qqbot::onebot", "reverse WebSocket: listening on ws://{addr}{}", r.path);
        }
        for p in &shared.post {
            tracing::info!(target: "qqbot::onebot", "HTTP POST: listening on http://{addr}{}", p.path);
        }
        let shutdown = self.sink.shutdown_signal();
        tokio::pin!(shutdown);
        // Bounds the connections that have not finished their HTTP exchange (a WebSocket connection leaves this
        // count once upgraded): peers that connect and send nothing cannot make the server hold unbounded tasks.
        let handshakes = Arc::new(Semaphore::new(self.max_handshakes.max(1)));
        loop {
            let permit = tokio::select! {
                permit = handshakes.clone().acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => return Ok(()),
                },
                _ = &mut shutdown => {
                    tracing::info!(target: "qqbot::onebot", "listener {addr} closed: shutting down");
                    return Ok(());
                }
            };
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(target: "qqbot::onebot", "accept on {addr} failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = &mut shutdown => {
                    tracing::info!(target: "qqbot::onebot", "listener {addr} closed: shutting down");
                    return Ok(());
                }
            };
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            let gauges = shared.conn.gauges.clone();
            tokio::spawn(async move {
                let _permit = permit;
                let _counted = gauges.handshake();
                let service = service_fn(move |req| {
                    let shared = shared.clone();
                    async move { Ok::<_, Infallible>(handle(shared, peer, req).await) }
                });
                let mut http = http1::Builder::new();
                http.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
                if let Err(e) = http.serve_connection(TokioIo::new(stream), service).with_upgrades().await {
                    tracing::debug!(target: "qqbot::onebot", "HTTP connection from {peer} ended: {e}");
                }
            });
        }
    }
}

fn text_response(status: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(text.to_owned())));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(shared: Arc<Shared>, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_owned();
    let path = if path.is_empty() { "/".to_owned() } else { path };
    for route in &shared.reverse {
        let base = route.path.trim_end_matches('/');
        let suffix_role = if path == base {
            Some(None)
        } else if path == format!("{base}/api") {
            Some(Some("api"))
        } else if path == format!("{base}/event") {
            Some(Some("event"))
        } else {
            None
        };
        if let Some(suffix_role) = suffix_role {
            return reverse(shared.clone(), route.clone(), suffix_role, peer, req);
        }
    }
    for route in &shared.post {
        if path == route.path.trim_end_matches('/') {
            return post(shared.clone(), route.clone(), peer, req).await;
        }
    }
    tracing::warn!(target: "qqbot::onebot", "refused {} {path} from {peer}: no OneBot endpoint at this path", req.method());
    text_response(StatusCode::NOT_FOUND, "no OneBot endpoint at this path")
}

fn reverse(
    shared: Arc<Shared>,
    route: ReverseRoute,
    suffix_role: Option<&str>,
    peer: SocketAddr,
    mut req: Request<Incoming>,
) -> Response<Body> {
    let Handshake { self_id, role, accept } = match read_handshake(
        route.token.as_deref(),
        req.headers(),
        req.uri().query(),
    ) {
        Ok(h) => h,
        Err(refusal) => {
            tracing::warn!(target: "qqbot::onebot", "refused a reverse WebSocket from {peer}: {}", refusal.reason());
            return text_response(refusal.status(), refusal.body());
        }
    };
    let role = Role::parse(role.as_deref().or(suffix_role));
    let on_upgrade = hyper::upgrade::on(&mut req);
    let (link, delivery) = {
        let mut links = match shared.links.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        links
            .entry(self_id.clone())
            .or_insert_with(|| {
                let label = format!("reverse {}:{self_id}", shared.addr);
                let link = WsLink::new(label, Some(self_id.clone()), shared.timeout, shared.large_ids);
                (link, Delivery::spawn(shared.sink.clone(), shared.delivery_queue))
            })
            .clone()
    };
    tokio::spawn(async move {
        let upgraded = match on_upgrade.await {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(target: "qqbot::onebot", "reverse WebSocket upgrade from {peer} failed: {e}");
                return;
            }
        };
        let config = crate::adapter::websocket::config(shared.max_frame);
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), WsRole::Server, Some(config)).await;
        tracing::info!(target: "qqbot::onebot", "account {self_id} connected over reverse WebSocket from {peer} ({role:?})");
        let (ended, _) =
            connection::run(ws, role, link, shared.bots.clone(), delivery, shared.sink.clone(), shared.conn.clone())
                .await;
        // A normal close is routine (a host restarting 1 000 accounts must not print 1 000 warnings).
        if ended.is_routine() {
            tracing::info!(target: "qqbot::onebot", "account {self_id} disconnected (reverse WebSocket from {peer}): {ended}");
        } else {
            tracing::warn!(target: "qqbot::onebot", "account {self_id} disconnected (reverse WebSocket from {peer}): {ended}");
        }
    });
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    r
}

async fn post(shared: Arc<Shared>, route: PostRoute, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    if req.method() != Method::POST {
        return text_response(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    let header_self_id = header_str(req.headers(), "x-self-id").map(str::to_owned);
    let signature = header_str(req.headers(), "x-signature").map(str::to_owned);
    let body = match Limited::new(req.into_body(), shared.max_frame).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            tracing::warn!(target: "qqbot::onebot", "refused an HTTP POST event from {peer}: cannot read the body ({e})");
            return text_response(StatusCode::PAYLOAD_TOO_LARGE, "body unreadable or too large");
        }
    };
    match check_signature(route.secret.as_deref(), signature.as_deref(), &body) {
        Signature::Ok => {}
        Signature::Missing => {
            tracing::warn!(target: "qqbot::onebot", "refused an HTTP POST event from {peer}: no X-Signature although a secret is set");
            return text_response(StatusCode::UNAUTHORIZED, "X-Signature required");
        }
        Signature::Bad => {
            tracing::warn!(target: "qqbot::onebot", "refused an HTTP POST event from {peer}: X-Signature does not match the body (wrong secret?)");
            return text_response(StatusCode::FORBIDDEN, "bad signature");
        }
    }
    let text = String::from_utf8_lossy(&body);
    let mut link = LinkState::new(format!("HTTP POST from {peer}"));
    let (self_id, event) = match read_frame(&text, header_self_id.as_deref(), &mut link) {
        Inbound::Event(event) => (event.self_id().to_owned(), event),
        Inbound::Response(_) => {
            tracing::warn!(target: "qqbot::onebot", "ignored an HTTP POST body from {peer} that is an action response, not an event");
            return text_response(StatusCode::BAD_REQUEST, "not a OneBot event");
        }
        Inbound::Ignored(why) => return text_response(StatusCode::BAD_REQUEST, why),
    };
    if let Some(api) = &route.api {
        api.learn_self_id(&self_id);
    }
    let (tx, rx) = oneshot::channel();
    let quick_reply = matches!(event, Event::Message(_)).then_some(tx);
    let quick = shared.bots.over_http_post(&self_id, route.api.as_ref(), quick_reply);
    let handle = shared.sink.dispatch(quick, event).await;
    let reply = tokio::select! {
        // A reply already handed over must win over the handler's settling right after.
        biased;
        m = rx => m.ok(),
        _ = handle.settled() => None,
        _ = tokio::time::sleep(route.quick_window) => None,
    };
    match reply {
        Some(message) => {
            let body = quick_op::reply(&message).to_string();
            let mut r = Response::new(Full::new(Bytes::from(body)));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        None => {
            let mut r = Response::new(Full::new(Bytes::new()));
            *r.status_mut() = StatusCode::NO_CONTENT;
            r
        }
    }
}
