//! The OneBot adapter: starts every configured connection and listener, and runs until shutdown.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::accounts::BotRegistry;
use super::config::{ConnectionConfig, DEFAULT_POST_PATH, DEFAULT_WS_PATH, OneBotConfig};
use super::error::OneBotError;
use super::protocol::id::LargeIds;
use super::transport::connection::ConnOptions;
use super::transport::forward::{self, Forward};
use super::transport::http_call::HttpApiClient;
use super::transport::link::WsLink;
use super::transport::server::{PostRoute, ReverseRoute, Server};
use super::transport::server_process::ServerControl;
use crate::adapter::delivery::Delivery;
use crate::adapter::{Adapter, EventSink};
use crate::config::Config;
use crate::error::{Error, Result};

/// Events waiting for the dispatcher, across all connections, before connections stop reading.
pub(crate) const DELIVERY_QUEUE: usize = 4096;

/// Connections a listener serves over HTTP at once (reverse-WebSocket handshakes, HTTP POST); a WebSocket leaves
/// the count once upgraded, so this bounds only peers that have not finished their HTTP exchange.
const MAX_HANDSHAKES: usize = 4096;

struct Listener {
    addr: String,
    socket: std::net::TcpListener,
    reverse: Vec<ReverseRoute>,
    post: Vec<PostRoute>,
}

/// The OneBot v11 adapter (NapCat, Lagrange, go-cqhttp, LLOneBot) over forward WebSocket, reverse WebSocket,
/// HTTP API and HTTP POST. Built from `[onebot]` in `qqbot.toml` by [`crate::App::from_env`], or by hand:
///
/// ```no_run
/// use qqbot::adapter::onebot::{OneBotAdapter, OneBotConfig};
/// # fn f() -> qqbot::Result<()> {
/// let adapter = OneBotAdapter::new(OneBotConfig { uri: Some("ws://127.0.0.1:3001".into()), ..Default::default() })?;
/// let app = qqbot::App::new().adapter(adapter);
/// # Ok(()) }
/// ```
pub struct OneBotAdapter {
    forwards: Vec<(Forward, Option<String>)>,
    listeners: Vec<Listener>,
    conn: ConnOptions,
    max_frame: usize,
    timeout: Duration,
    large_ids: LargeIds,
    server: ServerControl,
    max_handshakes: usize,
}

impl std::fmt::Debug for OneBotAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OneBotAdapter")
            .field("forward", &self.forwards.iter().map(|(f, _)| forward::loggable(&f.uri)).collect::<Vec<_>>())
            .field("listen", &self.listen_addrs())
            .finish_non_exhaustive()
    }
}

impl OneBotAdapter {
    /// Builds the adapter; listeners are bound now, so a busy port is reported at start-up.
    pub fn new(config: OneBotConfig) -> Result<Self> {
        config.validate()?;
        let timeout = config.timeout();
        let policy = config.retry_config.clone().unwrap_or_default();
        let heartbeat_timeout = config.heartbeat_timeout.and_then(|s| Duration::try_from_secs_f64(s).ok());
        let conn = ConnOptions { heartbeat_timeout, queue: 1024, gauges: Arc::default() };
        let quick_window = Duration::try_from_secs_f64(config.quick_reply_window).unwrap_or(Duration::from_secs(1));
        let mut forwards = Vec::new();
        let mut routes: BTreeMap<String, (Vec<ReverseRoute>, Vec<PostRoute>)> = BTreeMap::new();
        for c in config.all_connections() {
            match c {
                ConnectionConfig::Forward(f) => forwards.push((
                    Forward {
                        uri: f.uri,
                        token: f.token.or_else(|| config.token.clone()),
                        policy: policy.clone(),
                        conn: conn.clone(),
                        max_frame: config.max_frame_bytes,
                        connect_timeout: Duration::from_secs(10),
                    },
                    f.self_id.or_else(|| config.self_id.clone()),
                )),
                ConnectionConfig::Reverse(r) => routes.entry(r.listen).or_default().0.push(ReverseRoute {
                    path: r.path.unwrap_or_else(|| DEFAULT_WS_PATH.to_owned()),
                    token: r.token.or_else(|| config.token.clone()),
                }),
                ConnectionConfig::Http(h) => {
                    let token = h.token.or_else(|| config.token.clone());
                    let api = match &h.api {
                        Some(base) => Some(Arc::new(
                            HttpApiClient::new(base, token, timeout, h.self_id.clone())?
                                .with_large_ids(config.large_ids),
                        )),
                        None => None,
                    };
                    if let Some(listen) = h.listen {
                        routes.entry(listen).or_default().1.push(PostRoute {
                            path: h.path.unwrap_or_else(|| DEFAULT_POST_PATH.to_owned()),
                            secret: h.secret,
                            api,
                            quick_window,
                        });
                    }
                }
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
        let mut listeners = Vec::new();
        for (addr, (reverse, post)) in routes {
            let socket = std::net::TcpListener::bind(&addr)
                .map_err(|source| Error::adapter(OneBotError::Listen { addr: addr.clone(), source }))?;
            listeners.push(Listener { addr, socket, reverse, post });
        }
        Ok(OneBotAdapter {
            forwards,
            listeners,
            conn,
            max_frame: config.max_frame_bytes,
            timeout,
            large_ids: config.large_ids,
            server: ServerControl::new(config.start_server_command.clone()),
            max_handshakes: MAX_HANDSHAKES,
        })
    }

    /// How full each of the adapter's queues ever got, for the tests that flood them. Not part of the API.
    #[doc(hidden)]
    pub fn queue_gauges(&self) -> Arc<super::__bench::QueueGauges> {
        self.conn.gauges.clone()
    }

    /// Sets how many connections each listener serves over HTTP at once (default 4096), so a test can fill the
    /// limit with a few connections. Not part of the API.
    #[doc(hidden)]
    pub fn with_handshake_limit(mut self, limit: usize) -> Self {
        self.max_handshakes = limit;
        self
    }

    /// The adapter `qqbot.toml` and the environment describe, if they describe one.
    pub fn from_config(config: &Config) -> Result<Option<Self>> {
        OneBotConfig::load(config)?.map(OneBotAdapter::new).transpose()
    }

    /// The addresses the adapter's listeners are bound to (useful with port 0).
    pub fn listen_addrs(&self) -> Vec<SocketAddr> {
        self.listeners.iter().filter_map(|l| l.socket.local_addr().ok()).collect()
    }

    /// The control of `start_server_command` (restart the implementation from a handler).
    pub fn server(&self) -> ServerControl {
        self.server.clone()
    }
}

impl Adapter for OneBotAdapter {
    fn name(&self) -> &str {
        "onebot"
    }

    fn run(self: Box<Self>, sink: EventSink) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            let this = *self;
            let bots = Arc::new(BotRegistry::new(sink.api_hooks()));
            let mut tasks = tokio::task::JoinSet::new();
            for (fwd, self_id) in this.forwards {
                let link = WsLink::new(forward::loggable(&fwd.uri).to_owned(), self_id, this.timeout, this.large_ids);
                // One delivery (queue and lane) per link: a stuck account never holds up another.
                let delivery = Delivery::spawn(sink.clone(), DELIVERY_QUEUE);
                let (bots, sink, server) = (bots.clone(), sink.clone(), this.server.clone());
                tasks.spawn(forward::run(fwd, link, bots, delivery, sink, server));
            }
            for l in this.listeners {
                let server = Server {
                    listener: l.socket,
                    reverse: l.reverse,
                    post: l.post,
                    bots: bots.clone(),
                    delivery_queue: DELIVERY_QUEUE,
                    sink: sink.clone(),
                    conn: this.conn.clone(),
                    max_frame: this.max_frame,
                    timeout: this.timeout,
                    large_ids: this.large_ids,
                    max_handshakes: this.max_handshakes,
                };
                let addr = l.addr;
                tasks.spawn(async move {
                    server.run().await.map_err(|source| Error::adapter(OneBotError::Listen { addr, source }))
                });
            }
            let mut first_error = None;
            while let Some(joined) = tasks.join_next().await {
                match joined {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        first_error.get_or_insert(e);
                    }
                    Err(e) => tracing::error!(target: "qqbot::onebot", "a OneBot connection task failed: {e}"),
                }
            }
            first_error.map_or(Ok(()), Err)
        })
    }
}
