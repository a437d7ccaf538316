//! A fake NapCat for tests over loopback: a OneBot v11 implementation that pushes the events you give it,
//! answers actions from a table (realistic NapCat answers by default), records every call, and on command drops
//! its connections, stalls, or sends garbage.
//!
//! ```no_run
//! use qqbot::testing::napcat::{FakeNapCat, Options};
//! # async fn f() -> std::io::Result<()> {
//! let napcat = FakeNapCat::forward(Options::default()).await?; // the bot connects to napcat.ws_url()
//! // … start an App whose [onebot] uri is napcat.ws_url() …
//! napcat.push(napcat.group_message(1, "/echo hi")).await;
//! let calls = napcat.wait_calls("send_group_msg", 1, std::time::Duration::from_secs(5)).await;
//! assert_eq!(calls[0].params["message"][0]["data"]["text"], "hi");
//! # Ok(()) }
//! ```
//!
//! Three modes: [`FakeNapCat::forward`] (a WebSocket server the bot connects to), [`FakeNapCat::reverse`] (it
//! connects to the bot's reverse-WebSocket server), [`FakeNapCat::http`] (an HTTP API server, plus an HTTP POST
//! client that pushes events to the bot). [`NapCatFleet`] plays several accounts at once, each on its own
//! connection.

mod answers;
mod fleet;
mod http;
mod ws;

pub use answers::Answer;
pub use fleet::NapCatFleet;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

/// How the fake is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// The bot account it plays (NapCat's `self_id`).
    pub self_id: i64,
    /// The access token it demands (forward, HTTP API) or presents (reverse).
    pub token: Option<String>,
    /// Send a heartbeat meta event this often on every event connection.
    pub heartbeat: Option<Duration>,
    /// Send `lifecycle/connect` first on every connection, as NapCat does (default true).
    pub lifecycle: bool,
    /// HTTP POST: the HMAC key for `X-Signature`.
    pub secret: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options { self_id: 10000, token: None, heartbeat: None, lifecycle: true, secret: None }
    }
}

/// One action call the fake received.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The action name.
    pub action: String,
    /// The params (`{}` when absent).
    pub params: Value,
    /// The echo (`None` over HTTP).
    pub echo: Option<Value>,
}

/// How to drop connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropKind {
    /// With a WebSocket close frame.
    Close,
    /// Without: a TCP reset, as when NapCat crashes.
    Reset,
}

pub(crate) struct Shared {
    pub(crate) options: Options,
    pub(crate) calls: Mutex<Vec<Call>>,
    pub(crate) call_notify: Notify,
    pub(crate) answers: Mutex<HashMap<String, Answer>>,
    pub(crate) queued: Mutex<HashMap<String, VecDeque<Answer>>>,
    pub(crate) stalled: AtomicBool,
    pub(crate) deaf: AtomicBool,
    pub(crate) next_message_id: AtomicI64,
    pub(crate) conns: Mutex<Vec<ws::ConnEntry>>,
    pub(crate) conn_notify: Notify,
    pub(crate) accepted: AtomicU64,
    pub(crate) next_conn: AtomicU64,
}

impl Shared {
    pub(crate) fn record(&self, call: Call) {
        if let Ok(mut c) = self.calls.lock() {
            c.push(call);
        }
        self.call_notify.notify_waiters();
    }
}

/// The fake implementation. Dropping it stops its servers and closes its connections.
pub struct FakeNapCat {
    shared: Arc<Shared>,
    ws_addr: Option<SocketAddr>,
    http_addr: Option<SocketAddr>,
    reverse_url: Option<String>,
    post_url: Option<String>,
    http_client: Option<reqwest::Client>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for FakeNapCat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeNapCat").field("ws", &self.ws_addr).field("http", &self.http_addr).finish_non_exhaustive()
    }
}

impl Drop for FakeNapCat {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        self.drop_connections(DropKind::Close);
    }
}

impl FakeNapCat {
    fn with(options: Options) -> Self {
        FakeNapCat {
            shared: Arc::new(Shared {
                options,
                calls: Mutex::new(Vec::new()),
                call_notify: Notify::new(),
                answers: Mutex::new(HashMap::new()),
                queued: Mutex::new(HashMap::new()),
                stalled: AtomicBool::new(false),
                deaf: AtomicBool::new(false),
                next_message_id: AtomicI64::new(1_000),
                conns: Mutex::new(Vec::new()),
                conn_notify: Notify::new(),
                accepted: AtomicU64::new(0),
                next_conn: AtomicU64::new(1),
            }),
            ws_addr: None,
            http_addr: None,
            reverse_url: None,
            post_url: None,
            http_client: None,
            tasks: Vec::new(),
        }
    }

    /// A forward-WebSocket server on `127.0.0.1` (ephemeral port) that the bot connects to.
    pub async fn forward(options: Options) -> std::io::Result<Self> {
        let mut fake = FakeNapCat::with(options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        fake.ws_addr = Some(listener.local_addr()?);
        fake.tasks.push(tokio::spawn(ws::accept_loop(listener, fake.shared.clone())));
        Ok(fake)
    }

    /// A client of the bot's reverse-WebSocket server at `url` (it connects at once; see
    /// [`FakeNapCat::connect`] to connect again after a drop).
    pub async fn reverse(url: &str, options: Options) -> Result<Self, String> {
        let mut fake = FakeNapCat::with(options);
        fake.reverse_url = Some(url.to_owned());
        fake.connect().await?;
        Ok(fake)
    }

    /// An HTTP API server on `127.0.0.1` (see [`FakeNapCat::api_url`]); events go to the bot's HTTP POST receiver
    /// at `post_url`, signed when [`Options::secret`] is set.
    pub async fn http(post_url: Option<String>, options: Options) -> std::io::Result<Self> {
        let mut fake = FakeNapCat::with(options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        fake.http_addr = Some(listener.local_addr()?);
        fake.tasks.push(tokio::spawn(http::serve(listener, fake.shared.clone())));
        fake.post_url = post_url;
        fake.http_client = Some(crate::adapter::tls::http_client().build().map_err(std::io::Error::other)?);
        Ok(fake)
    }

    /// Sets where [`FakeNapCat::post`] sends events (the bot's HTTP POST receiver).
    pub fn post_to(&mut self, url: impl Into<String>) {
        self.post_url = Some(url.into());
    }

    /// Opens one more reverse-WebSocket connection to the bot (reverse mode).
    pub async fn connect(&mut self) -> Result<(), String> {
        let url = self.reverse_url.clone().ok_or("not in reverse mode")?;
        let before = self.connections_accepted();
        let task = ws::connect_reverse(&url, self.shared.clone()).await?;
        self.tasks.push(task);
        // Return once the connection can carry pushes.
        if !self.wait_connections(before + 1, Duration::from_secs(10)).await {
            return Err("connected, but the connection closed at once".into());
        }
        Ok(())
    }

    /// `ws://127.0.0.1:<port>` of the forward server.
    pub fn ws_url(&self) -> String {
        self.ws_addr.map(|a| format!("ws://{a}")).unwrap_or_default()
    }

    /// `http://127.0.0.1:<port>` of the HTTP API server.
    pub fn api_url(&self) -> String {
        self.http_addr.map(|a| format!("http://{a}")).unwrap_or_default()
    }

    /// The go-cqhttp-style HTTP client aimed at this fake's HTTP API, with its token (HTTP mode): a
    /// [`OneBotApi`](crate::adapter::onebot::OneBotApi) for tests and examples that call actions without running
    /// an app, as `napcat.http_client()?.api()`.
    pub fn http_client(&self) -> crate::Result<crate::adapter::onebot::cqhttp::HttpApi> {
        if self.http_addr.is_none() {
            return Err(crate::Error::config("FakeNapCat", "http_client() needs a fake made by FakeNapCat::http"));
        }
        crate::adapter::onebot::cqhttp::HttpApi::new(crate::adapter::onebot::cqhttp::HttpApiOptions {
            base_url: Some(self.api_url()),
            access_token: self.shared.options.token.clone(),
            self_id: Some(self.self_id().to_string()),
            timeout_secs: 10,
            ..Default::default()
        })
    }

    /// The account it plays.
    pub fn self_id(&self) -> i64 {
        self.shared.options.self_id
    }

    /// How many WebSocket connections were established so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::Relaxed)
    }

    /// Waits until at least `n` connections were established in all. Returns whether they were in time.
    pub async fn wait_connections(&self, n: u64, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.conn_notify.notified();
            if self.connections_accepted() >= n && self.open_connections() > 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.shared.conns.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// Sends an event to every open connection (WebSocket modes).
    pub async fn push(&self, event: Value) {
        self.push_text(event.to_string()).await;
    }

    /// Sends any text frame, garbage included, to every open connection.
    pub async fn push_text(&self, text: String) {
        ws::broadcast(&self.shared, text);
    }

    /// Posts an event to the bot's HTTP POST receiver; returns the HTTP status and body (the quick operation).
    pub async fn post(&self, event: &Value) -> Result<(u16, String), String> {
        let body = event.to_string().into_bytes();
        let sig = self.shared.options.secret.as_deref().map(|s| crate::adapter::onebot::protocol::auth::sign(s, &body));
        self.post_raw(body, sig).await
    }

    /// Posts any body with any signature header.
    pub async fn post_raw(&self, body: Vec<u8>, signature: Option<String>) -> Result<(u16, String), String> {
        let (Some(client), Some(url)) = (&self.http_client, &self.post_url) else {
            return Err("not in HTTP mode, or no post_url".into());
        };
        let mut req = client
            .post(url)
            .header("content-type", "application/json")
            .header("x-self-id", self.self_id().to_string())
            .body(body);
        if let Some(sig) = signature {
            req = req.header("x-signature", sig);
        }
        let resp = req.send().await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(|e| e.to_string())?;
        Ok((status, text))
    }

    /// Drops every open WebSocket connection.
    pub fn drop_connections(&self, kind: DropKind) {
        let conns: Vec<ws::ConnEntry> = self.shared.conns.lock().map(|mut c| c.drain(..).collect()).unwrap_or_default();
        for c in conns {
            let _ = c.kill.send(kind);
        }
    }

    /// Stops answering actions (they are still recorded) and sending heartbeats until called with `false`: a
    /// stuck implementation that keeps its sockets open.
    pub fn stall(&self, stalled: bool) {
        self.shared.stalled.store(stalled, Ordering::Relaxed);
    }

    /// Stops reading its WebSocket connections (events can still be pushed) until called with `false`: a frozen
    /// implementation whose socket buffers fill up, so the bot's writes to it block.
    pub fn stop_reading(&self, deaf: bool) {
        self.shared.deaf.store(deaf, Ordering::Relaxed);
    }

    /// Sets the answer to `action`, replacing the default.
    pub fn answer(&self, action: &str, answer: Answer) {
        if let Ok(mut a) = self.shared.answers.lock() {
            a.insert(action.to_owned(), answer);
        }
    }

    /// Queues a one-shot answer to the next call of `action`; queued answers are used in order, before the one
    /// set by [`FakeNapCat::answer`] (so a test can give two calls of the same action different answers).
    pub fn answer_once(&self, action: &str, answer: Answer) {
        if let Ok(mut q) = self.shared.queued.lock() {
            q.entry(action.to_owned()).or_default().push_back(answer);
        }
    }

    /// How many one-shot answers are still queued (for a test to check that every one was used), and drops them.
    pub fn take_queued_answers(&self) -> usize {
        self.shared.queued.lock().map(|mut q| q.drain().map(|(_, a)| a.len()).sum()).unwrap_or(0)
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// The calls of `action` so far.
    pub fn calls_of(&self, action: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.action == action).collect()
    }

    /// Waits until at least `n` calls of `action` arrived (or `timeout` passed) and returns those there are.
    pub async fn wait_calls(&self, action: &str, n: usize, timeout: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.call_notify.notified();
            let calls = self.calls_of(action);
            if calls.len() >= n {
                return calls;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.calls_of(action);
            }
        }
    }

    /// A NapCat-shaped group message event (array form, string ids inside segments, numbers outside).
    pub fn group_message(&self, message_id: i64, text: &str) -> Value {
        let (uid, gid) = (30001, 20001);
        json!({
            "self_id": self.self_id(), "user_id": uid, "time": 1_700_000_000, "message_id": message_id,
            "message_seq": message_id, "real_id": message_id, "real_seq": message_id.to_string(),
            "message_type": "group", "sender": {"user_id": uid, "nickname": "测试用户", "card": "", "role": "member"},
            "raw_message": crate::adapter::onebot::cq::to_string(&crate::message::Message::from(text)),
            "font": 14, "sub_type": "normal",
            "message": [{"type": "text", "data": {"text": text}}],
            "message_format": "array", "post_type": "message", "group_id": gid, "group_name": "测试群"
        })
    }

    /// A NapCat-shaped private (friend) message event.
    pub fn private_message(&self, message_id: i64, text: &str) -> Value {
        let uid = 30001;
        json!({
            "self_id": self.self_id(), "user_id": uid, "time": 1_700_000_000, "message_id": message_id,
            "message_seq": message_id, "real_id": message_id, "real_seq": message_id.to_string(),
            "message_type": "private", "sender": {"user_id": uid, "nickname": "测试用户", "card": ""},
            "raw_message": text, "font": 14, "sub_type": "friend", "target_id": self.self_id(),
            "message": [{"type": "text", "data": {"text": text}}],
            "message_format": "array", "post_type": "message"
        })
    }
}

/// The events channel of one connection, for the tasks that send frames.
pub(crate) type FrameTx = mpsc::UnboundedSender<String>;
