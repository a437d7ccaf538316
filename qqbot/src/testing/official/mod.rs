//! A fake QQ Open Platform on loopback, for tests of the official adapter (and of bots that use it).
//!
//! [`FakeOfficial`] serves the token endpoint, the REST API (recording every request and answering like the
//! platform), and the WebSocket gateway (Hello, Identify/Resume checks, heartbeats, dispatches, op 7/9 and drops
//! on command, replay on resume). [`WebhookSender`] posts webhook events with correct or deliberately wrong
//! signatures. [`spawn_app`] runs an `App` with one adapter until [`RunningApp::stop`].
//!
//! ```no_run
//! # async fn t() -> qqbot::Result<()> {
//! use qqbot::adapter::official::OfficialAdapter;
//! use qqbot::prelude::*;
//! use qqbot::testing::official::{FakeOfficial, spawn_app};
//!
//! let fake = FakeOfficial::start().await?;
//! let app = App::empty().command(BotCommand::new("ping").word("/ping").handler(|_: Ctx| async { "pong" }));
//! let running = spawn_app(app, OfficialAdapter::new(fake.config())?)?;
//! fake.wait_ready(1).await;
//! fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("USER", "/ping"));
//! let sent = fake.wait_requests(|r| r.path.ends_with("/messages"), 1).await;
//! assert_eq!(sent[0].body["content"], "pong");
//! running.stop().await?;
//! # Ok(()) }
//! ```

mod cluster;
mod gateway;
mod rest;
mod webhook;

pub use cluster::{
    ClusterDeliverer, Delivery, EventDelivery, ExactlyOnceError, Reason, ReplyTally, Spread, message_id,
};
pub use webhook::{Signing, WebhookAnswer, WebhookSender};

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

use crate::adapter::official::OfficialConfig;
use crate::adapter::{Adapter, EventSink};
use crate::app::App;
use crate::error::Result;

/// The fake platform's appid.
pub const APPID: &str = "102000001";
/// The fake platform's secret.
pub const SECRET: &str = "fake-secret-0123456789";
/// The bot's user id in READY and `GET /users/@me` (what mentions of the bot use).
pub const BOT_USER_ID: &str = "BOT-USER-1";

/// How long the `wait_*` helpers wait before giving up.
pub const WAIT: Duration = Duration::from_secs(10);

/// One REST request the fake received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// `GET`, `POST` …
    pub method: String,
    /// The path with its query, e.g. `/v2/groups/G/messages`.
    pub path: String,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The `X-Union-Appid` header.
    pub union_appid: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The JSON body (`Null` if none; a multipart body as a string).
    pub body: Value,
}

/// A scripted REST answer, used once by the first request whose path starts with `path_prefix`.
#[derive(Debug, Clone)]
pub struct ScriptedAnswer {
    /// Which requests it applies to.
    pub path_prefix: String,
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

/// Commands to the live gateway connection.
#[derive(Debug)]
pub(crate) enum Control {
    Frame(String),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Close with this code.
    Close(u16),
}

#[derive(Debug, Default)]
pub(crate) struct SessionLog {
    pub(crate) seq: u64,
    pub(crate) events: Vec<(u64, String)>,
    pub(crate) invalid: bool,
}

#[derive(Debug)]
pub(crate) struct FakeState {
    pub(crate) secret: String,
    pub(crate) token_lifetime: String,
    pub(crate) tokens_issued: Vec<String>,
    pub(crate) valid_tokens: HashSet<String>,
    pub(crate) token_requests: usize,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) scripted: Vec<ScriptedAnswer>,
    pub(crate) next_id: u64,
    pub(crate) heartbeat_interval_ms: u64,
    pub(crate) ack_heartbeats: bool,
    pub(crate) heartbeats: Vec<Value>,
    pub(crate) identifies: Vec<Value>,
    pub(crate) resumes: Vec<Value>,
    pub(crate) readies: usize,
    pub(crate) resumed: usize,
    pub(crate) connections: usize,
    pub(crate) sessions: HashMap<String, SessionLog>,
    pub(crate) current_session: Option<String>,
    pub(crate) live: Option<mpsc::UnboundedSender<Control>>,
    pub(crate) drop_after_seq: Option<u64>,
    pub(crate) replay_overlap: u64,
    /// Events dispatched before the first READY.
    pub(crate) pending: Vec<(String, String, Value)>,
}

pub(crate) struct FakeInner {
    pub(crate) state: Mutex<FakeState>,
    pub(crate) changed: Notify,
    pub(crate) ws_url: String,
}

impl FakeInner {
    pub(crate) fn state(&self) -> MutexGuard<'_, FakeState> {
        // A test that panicked while holding the lock poisons it; the state is still usable for reporting.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The fake platform. Dropping it stops its servers.
pub struct FakeOfficial {
    inner: Arc<FakeInner>,
    rest_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeOfficial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeOfficial").field("rest", &self.rest_addr).field("ws", &self.inner.ws_url).finish()
    }
}

impl Drop for FakeOfficial {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl FakeOfficial {
    /// Starts the token endpoint, REST API and gateway on 127.0.0.1 (ephemeral ports).
    pub async fn start() -> Result<FakeOfficial> {
        let rest_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let ws_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let rest_addr = rest_listener.local_addr()?;
        let ws_url = format!("ws://{}/websocket", ws_listener.local_addr()?);
        let inner = Arc::new(FakeInner {
            state: Mutex::new(FakeState {
                secret: SECRET.into(),
                token_lifetime: "7200".into(),
                tokens_issued: Vec::new(),
                valid_tokens: HashSet::new(),
                token_requests: 0,
                requests: Vec::new(),
                scripted: Vec::new(),
                next_id: 1,
                heartbeat_interval_ms: 45_000,
                ack_heartbeats: true,
                heartbeats: Vec::new(),
                identifies: Vec::new(),
                resumes: Vec::new(),
                readies: 0,
                resumed: 0,
                connections: 0,
                sessions: HashMap::new(),
                current_session: None,
                live: None,
                drop_after_seq: None,
                replay_overlap: 0,
                pending: Vec::new(),
            }),
            changed: Notify::new(),
            ws_url,
        });
        let tasks = vec![
            tokio::spawn(rest::serve(rest_listener, inner.clone())),
            tokio::spawn(gateway::serve(ws_listener, inner.clone())),
        ];
        Ok(FakeOfficial { inner, rest_addr, tasks })
    }

    /// The REST base URL (`http://127.0.0.1:port`).
    pub fn api_base(&self) -> String {
        format!("http://{}", self.rest_addr)
    }

    /// The gateway URL.
    pub fn ws_url(&self) -> &str {
        &self.inner.ws_url
    }

    /// A configuration pointing an adapter at this fake (gateway discovered through `GET /gateway/bot`).
    ///
    /// It starts no resource server (`resource = None`: media goes inline as `file_data`), so tests that send no
    /// media bind nothing; set `resource` (e.g. to [`ResourceServerOptions::local`]) to test the server.
    ///
    /// [`ResourceServerOptions::local`]: crate::adapter::official::media::ResourceServerOptions::local
    pub fn config(&self) -> OfficialConfig {
        let mut c = OfficialConfig::new(APPID, SECRET);
        c.resource = None;
        c.api_base = Some(self.api_base());
        c.token_url = Some(format!("{}/app/getAppAccessToken", self.api_base()));
        c
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> R {
        let r = f(&mut self.inner.state());
        self.inner.changed.notify_waiters();
        r
    }

    /// Sets the Hello heartbeat interval for new connections.
    pub fn set_heartbeat_interval(&self, interval: Duration) {
        self.with_state(|s| s.heartbeat_interval_ms = interval.as_millis().max(1) as u64);
    }

    /// Stops (or resumes) acknowledging heartbeats, to simulate a zombie connection.
    pub fn set_ack_heartbeats(&self, ack: bool) {
        self.with_state(|s| s.ack_heartbeats = ack);
    }

    /// Sets `expires_in` of issued tokens (a string, as the platform sends it).
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.with_state(|s| s.token_lifetime = seconds.to_string());
    }

    /// Makes the token endpoint expect another secret (for tests of documented signature vectors).
    pub fn set_secret(&self, secret: &str) {
        self.with_state(|s| s.secret = secret.to_owned());
    }

    /// Makes every issued token invalid, as if they all expired.
    pub fn expire_tokens(&self) {
        self.with_state(|s| s.valid_tokens.clear());
    }

    /// Answers the next request whose path starts with `path_prefix` with `status` and `body`.
    pub fn script(&self, path_prefix: &str, status: u16, body: Value) {
        self.with_state(|s| s.scripted.push(ScriptedAnswer { path_prefix: path_prefix.to_owned(), status, body }));
    }

    /// Drops the gateway connection right after sending the event with this sequence number.
    pub fn drop_after_seq(&self, seq: u64) {
        self.with_state(|s| s.drop_after_seq = Some(seq));
    }

    /// On resume, also replay this many events the client already acknowledged (to test de-duplication).
    pub fn set_replay_overlap(&self, events: u64) {
        self.with_state(|s| s.replay_overlap = events);
    }

    /// Sends an event on the current session (queued for replay if no connection is up). Returns its `s`.
    pub fn dispatch(&self, t: &str, d: Value) -> u64 {
        let id = self.with_state(|s| {
            let n = s.next_id;
            s.next_id += 1;
            n
        });
        self.dispatch_with_id(t, &format!("{t}:fake-{id}"), d)
    }

    /// Sends an event with a given envelope id.
    pub fn dispatch_with_id(&self, t: &str, event_id: &str, d: Value) -> u64 {
        self.with_state(|s| gateway::push_event(s, t, event_id, d))
    }

    /// Sends a raw frame on the live connection.
    pub fn send_frame(&self, frame: Value) {
        self.control(Control::Frame(frame.to_string()));
    }

    /// Sends op 7 (Reconnect).
    pub fn send_reconnect(&self) {
        self.send_frame(json!({"op": 7}));
    }

    /// Sends op 9 (Invalid Session) with `d = can_resume`; when false the session is also forgotten, so a
    /// Resume of it fails.
    pub fn send_invalid_session(&self, can_resume: bool) {
        if !can_resume {
            self.invalidate_session();
        }
        self.send_frame(json!({"op": 9, "d": can_resume}));
    }

    /// Forgets the current session: a Resume of it gets op 9.
    pub fn invalidate_session(&self) {
        self.with_state(|s| {
            if let Some(id) = s.current_session.clone()
                && let Some(log) = s.sessions.get_mut(&id)
            {
                log.invalid = true;
            }
        });
    }

    /// Drops the TCP connection without a close frame.
    pub fn drop_connection(&self) {
        self.control(Control::Drop);
    }

    /// Closes the connection with a close code.
    pub fn close_connection(&self, code: u16) {
        self.control(Control::Close(code));
    }

    fn control(&self, c: Control) {
        self.with_state(|s| {
            if let Some(live) = &s.live {
                let _ = live.send(c);
            }
        });
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.state().requests.clone()
    }

    /// Identify frames received.
    pub fn identifies(&self) -> Vec<Value> {
        self.inner.state().identifies.clone()
    }

    /// Resume frames received.
    pub fn resumes(&self) -> Vec<Value> {
        self.inner.state().resumes.clone()
    }

    /// Heartbeat frames received.
    pub fn heartbeats(&self) -> Vec<Value> {
        self.inner.state().heartbeats.clone()
    }

    /// How many times the token endpoint was called.
    pub fn token_requests(&self) -> usize {
        self.inner.state().token_requests
    }

    /// Gateway connections accepted so far.
    pub fn connections(&self) -> usize {
        self.inner.state().connections
    }

    /// Waits until `cond` holds on the fake's state, or [`WAIT`] passes. Returns whether it held.
    ///
    /// `cond` runs with the fake's state locked: read it through the view, not through `self`.
    pub async fn wait_until(&self, cond: impl Fn(&FakeView<'_>) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let notified = self.inner.changed.notified();
            if cond(&FakeView(&self.inner.state())) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            // Conditions may also read state outside the fake (a test's own counters), so look again every
            // few milliseconds even without a change here.
            let _ = tokio::time::timeout(Duration::from_millis(10), notified).await;
        }
    }

    /// Waits until `n` READY frames were sent in all.
    pub async fn wait_ready(&self, n: usize) -> bool {
        self.wait_until(|v| v.readies() >= n).await
    }

    /// Waits until `n` requests matching `filter` arrived, and returns the matching requests.
    pub async fn wait_requests(&self, filter: impl Fn(&RecordedRequest) -> bool, n: usize) -> Vec<RecordedRequest> {
        self.wait_until(|v| v.0.requests.iter().filter(|r| filter(r)).count() >= n).await;
        self.requests().into_iter().filter(|r| filter(r)).collect()
    }

    /// A webhook sender signing with this fake's secret.
    pub fn webhook_sender(&self, url: impl Into<String>) -> WebhookSender {
        WebhookSender::new(url, SECRET)
    }

    /// A `d` of a C2C message from `user` saying `content`.
    pub fn c2c_message(&self, user: &str, content: &str) -> Value {
        let id = self.with_state(|s| {
            let n = s.next_id;
            s.next_id += 1;
            n
        });
        json!({
            "id": format!("ROBOT1.0_c2c_{id}"),
            "content": content,
            "timestamp": "2025-03-13T23:30:49+08:00",
            "author": {"id": user, "user_openid": user, "union_openid": user},
            "message_scene": {"source": "default"},
            "message_type": 0
        })
    }

    /// A `d` of a group @-message from `member` in `group` saying `content` (the mention already removed).
    pub fn group_at_message(&self, group: &str, member: &str, content: &str) -> Value {
        let id = self.with_state(|s| {
            let n = s.next_id;
            s.next_id += 1;
            n
        });
        json!({
            "id": format!("ROBOT1.0_grp_{id}"),
            "content": format!(" {content}"),
            "timestamp": "2025-09-08T23:13:34+08:00",
            "author": {"id": member, "member_openid": member, "union_openid": member},
            "group_id": group,
            "group_openid": group,
            "message_scene": {"source": "default"},
            "message_type": 0
        })
    }

    /// A `d` of a guild @-message in `channel` from `user` with the given roles.
    pub fn channel_at_message(&self, guild: &str, channel: &str, user: &str, roles: &[&str], content: &str) -> Value {
        let id = self.with_state(|s| {
            let n = s.next_id;
            s.next_id += 1;
            n
        });
        json!({
            "id": format!("guildmsg{id}"),
            "channel_id": channel,
            "guild_id": guild,
            "content": format!("<@!{BOT_USER_ID}> {content}"),
            "timestamp": "2021-05-20T15:14:58+08:00",
            "author": {"id": user, "username": "member", "bot": false},
            "member": {"roles": roles, "joined_at": "2021-04-12T16:34:42+08:00"},
            "seq": id,
            "seq_in_channel": id.to_string()
        })
    }
}

/// A read-only view of the fake's state, for [`FakeOfficial::wait_until`].
pub struct FakeView<'a>(&'a FakeState);

impl FakeView<'_> {
    /// READY frames sent.
    pub fn readies(&self) -> usize {
        self.0.readies
    }
    /// RESUMED frames sent.
    pub fn resumed(&self) -> usize {
        self.0.resumed
    }
    /// Identify frames received.
    pub fn identifies(&self) -> usize {
        self.0.identifies.len()
    }
    /// Resume frames received.
    pub fn resumes(&self) -> usize {
        self.0.resumes.len()
    }
    /// Heartbeats received.
    pub fn heartbeats(&self) -> usize {
        self.0.heartbeats.len()
    }
    /// Gateway connections accepted.
    pub fn connections(&self) -> usize {
        self.0.connections
    }
    /// REST requests received.
    pub fn requests(&self) -> &[RecordedRequest] {
        &self.0.requests
    }
    /// Calls of the token endpoint.
    pub fn token_requests(&self) -> usize {
        self.0.token_requests
    }
    /// Whether a gateway connection is up.
    pub fn connected(&self) -> bool {
        self.0.live.is_some()
    }
}

/// An app running one adapter, started by [`spawn_app`].
pub struct RunningApp {
    shutdown: watch::Sender<bool>,
    sink: EventSink,
    task: JoinHandle<Result<()>>,
}

impl std::fmt::Debug for RunningApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningApp").finish_non_exhaustive()
    }
}

/// Runs `app`'s dispatcher with `adapter` in a background task.
pub fn spawn_app(app: App, adapter: impl Adapter) -> Result<RunningApp> {
    let built = app.build()?;
    let sink = built.sink.clone();
    let adapter: Box<dyn Adapter> = Box::new(adapter);
    let scheduler = built.scheduler;
    let run_sink = built.sink;
    let task = tokio::spawn(async move {
        scheduler.start_cluster().await?;
        scheduler.start();
        adapter.run(run_sink).await
    });
    Ok(RunningApp { shutdown: built.shutdown, sink, task })
}

/// Runs `app`'s dispatcher with the adapters it already has (from [`App::with_config`] or [`App::adapter`]) in a
/// background task, all at once; the task ends when every adapter has ended, with the first error.
pub fn spawn_configured(app: App) -> Result<RunningApp> {
    let built = app.build()?;
    let sink = built.sink.clone();
    let scheduler = built.scheduler;
    let runs: Vec<_> = built.adapters.into_iter().map(|adapter| adapter.run(sink.clone())).collect();
    let task = tokio::spawn(async move {
        scheduler.start_cluster().await?;
        scheduler.start();
        let results = futures_util::future::join_all(runs).await;
        results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
    });
    Ok(RunningApp { shutdown: built.shutdown, sink, task })
}

impl RunningApp {
    /// Waits until no event is being handled.
    pub async fn idle(&self) {
        self.sink.idle().await
    }

    /// Whether the adapter task has ended (e.g. with a fatal error).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Waits for the adapter to end by itself (up to [`WAIT`]) and returns its result.
    pub async fn join(self) -> Result<()> {
        match tokio::time::timeout(WAIT, self.task).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => Err(crate::Error::Handler(format!("adapter task failed: {e}"))),
            Err(_) => Err(crate::Error::Timeout { action: "adapter run".into(), after: WAIT }),
        }
    }

    /// Shuts down and waits for the adapter to finish.
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(true);
        self.join().await
    }
}
