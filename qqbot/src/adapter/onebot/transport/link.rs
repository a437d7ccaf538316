//! One account's WebSocket link: the action channel that outlives each connection.
//!
//! A call is encoded in the caller's task, handed to the current connection's writer task over a channel, and
//! answered through a oneshot that the connection task resolves when the response with the call's `echo`
//! arrives. The pending calls live inside the connection task, so matching needs no lock. When no connection
//! is up, or the connection closes before it took the call, the call waits for the next connection until its
//! timeout.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::super::caller::ActionCaller;
use super::super::error::OneBotError;
use super::super::protocol::frame::{ActionResponse, encode_request_sized};
use super::super::protocol::id::{LargeIds, with_large_ids};
use super::gauges::QueueGauges;
use crate::error::{Error, Result};
use crate::event::Platform;

/// A call on its way to a connection.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) echo: u64,
    pub(crate) frame: String,
    pub(crate) reply: oneshot::Sender<Reply>,
}

/// What a connection tells a caller.
#[derive(Debug)]
pub(crate) enum Reply {
    /// The response arrived.
    Response(ActionResponse),
    /// The connection closed before writing the call: send it on the next one.
    NotSent(String),
}

/// The live connection a link sends calls to.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    pub(crate) id: u64,
    /// Where the writer queue's length is recorded.
    pub(crate) gauges: Arc<QueueGauges>,
    /// Boxed calls: the channel allocates its slots 32 at a time, and every connected account keeps a block.
    pub(crate) tx: mpsc::Sender<Box<Outgoing>>,
}

/// The action channel of one account over WebSocket (forward or reverse).
#[derive(Debug)]
pub struct WsLink {
    self_id: OnceLock<String>,
    label: String,
    current: watch::Sender<Option<ConnHandle>>,
    next_echo: AtomicU64,
    next_conn: AtomicU64,
    timeout: Duration,
    large_ids: LargeIds,
}

impl WsLink {
    /// A link with no connection yet. `label` names it in logs (the URI or listen address).
    pub(crate) fn new(
        label: impl Into<String>,
        self_id: Option<String>,
        timeout: Duration,
        large_ids: LargeIds,
    ) -> Arc<Self> {
        let cell = OnceLock::new();
        if let Some(id) = self_id.filter(|s| !s.is_empty()) {
            let _ = cell.set(id);
        }
        Arc::new(WsLink {
            self_id: cell,
            label: label.into(),
            current: watch::Sender::new(None),
            next_echo: AtomicU64::new(1),
            next_conn: AtomicU64::new(1),
            timeout,
            large_ids,
        })
    }

    /// Records the account id (the first one seen wins); returns whether it matches.
    pub(crate) fn learn_self_id(&self, id: &str) -> bool {
        if id.is_empty() {
            return true;
        }
        self.self_id.get_or_init(|| id.to_owned()) == id
    }

    /// The account id, once known.
    pub(crate) fn known_self_id(&self) -> Option<&str> {
        self.self_id.get().map(String::as_str)
    }

    /// Where this link connects or listens, for logs.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether a connection is up.
    pub fn is_connected(&self) -> bool {
        self.current.borrow().is_some()
    }

    /// Installs a new connection's channel; the returned id lets the connection remove only itself.
    pub(crate) fn attach(&self, tx: mpsc::Sender<Box<Outgoing>>, gauges: Arc<QueueGauges>) -> u64 {
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        self.current.send_replace(Some(ConnHandle { id, tx, gauges }));
        id
    }

    /// Removes the connection `id`, if it is still the current one.
    pub(crate) fn detach(&self, id: u64) {
        self.current.send_if_modified(|cur| {
            if cur.as_ref().is_some_and(|c| c.id == id) {
                *cur = None;
                true
            } else {
                false
            }
        });
    }

    /// Waits until a connection is up, at most `timeout`. Returns whether one is.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let mut rx = self.current.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(Option::is_some)).await.is_ok_and(|r| r.is_ok())
    }

    /// Performs `action` with any serializable params, with the link's timeout.
    pub async fn call<P: Serialize + ?Sized>(&self, action: &str, params: &P) -> Result<serde_json::Value> {
        self.call_with_timeout(action, params, self.timeout).await
    }

    /// Performs `action` with an explicit timeout.
    pub async fn call_with_timeout<P: Serialize + ?Sized>(
        &self,
        action: &str,
        params: &P,
        timeout: Duration,
    ) -> Result<serde_json::Value> {
        let (echo, frame) = self.encode(action, params)?;
        let response = self.send_frame(action, echo, frame, timeout).await?;
        response.into_result(action)
    }

    /// The frame of a call, with its `echo`: for a caller that wants to drop what it encoded from (a long message)
    /// before the call is under way ([`WsLink::call_encoded`]).
    pub(crate) fn encode<P: Serialize + ?Sized>(&self, action: &str, params: &P) -> Result<(u64, String)> {
        self.encode_sized(action, params, 128)
    }

    /// [`WsLink::encode`] into a buffer of `capacity` bytes to start with.
    pub(crate) fn encode_sized<P: Serialize + ?Sized>(
        &self,
        action: &str,
        params: &P,
        capacity: usize,
    ) -> Result<(u64, String)> {
        let echo = self.next_echo.fetch_add(1, Ordering::Relaxed);
        let frame = with_large_ids(self.large_ids, || encode_request_sized(action, params, echo, capacity))
            .map_err(|source| Error::adapter(OneBotError::Encode { action: action.to_owned(), source }))?;
        Ok((echo, frame))
    }

    /// Performs a call [`WsLink::encode`] encoded, with the link's timeout.
    pub(crate) async fn call_encoded(&self, action: &str, (echo, frame): (u64, String)) -> Result<serde_json::Value> {
        self.send_frame(action, echo, frame, self.timeout).await?.into_result(action)
    }

    async fn send_frame(
        &self,
        action: &str,
        echo: u64,
        mut frame: String,
        timeout: Duration,
    ) -> Result<ActionResponse> {
        let deadline = Instant::now() + timeout;
        let mut rx = self.current.subscribe();
        loop {
            let handle = rx.borrow_and_update().clone();
            let Some(handle) = handle else {
                self.wait_change(&mut rx, deadline).await?;
                continue;
            };
            let (tx, reply) = oneshot::channel();
            match tokio::time::timeout_at(deadline, handle.tx.send(Box::new(Outgoing { echo, frame, reply: tx }))).await
            {
                Err(_) => return Err(Error::Timeout { action: action.to_owned(), after: timeout }),
                Ok(Err(mpsc::error::SendError(back))) => {
                    // The connection is closing; it will clear itself from the watch.
                    frame = back.frame;
                    self.wait_change(&mut rx, deadline).await?;
                    continue;
                }
                Ok(Ok(())) => handle.gauges.outgoing(handle.tx.max_capacity() - handle.tx.capacity()),
            }
            match tokio::time::timeout_at(deadline, reply).await {
                Err(_) => return Err(Error::Timeout { action: action.to_owned(), after: timeout }),
                Ok(Err(_)) => return Err(Error::adapter(OneBotError::ConnectionLost { action: action.to_owned() })),
                Ok(Ok(Reply::Response(r))) => return Ok(r),
                Ok(Ok(Reply::NotSent(back))) => {
                    frame = back;
                    self.wait_change(&mut rx, deadline).await?;
                }
            }
        }
    }

    async fn wait_change(&self, rx: &mut watch::Receiver<Option<ConnHandle>>, deadline: Instant) -> Result<()> {
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => Ok(()),
            // The link itself is gone: the adapter stopped.
            Ok(Err(_)) => Err(Error::ShuttingDown),
            Err(_) => Err(Error::Disconnected {
                platform: Platform::OneBot,
                self_id: self.known_self_id().unwrap_or(&self.label).to_owned(),
            }),
        }
    }
}

impl ActionCaller for WsLink {
    fn call_action<'a>(
        &'a self,
        action: &'a str,
        params: serde_json::Value,
    ) -> BoxFuture<'a, Result<serde_json::Value>> {
        Box::pin(async move { self.call(action, &params).await })
    }

    fn large_ids(&self) -> LargeIds {
        self.large_ids
    }

    fn self_id(&self) -> &str {
        self.known_self_id().unwrap_or("")
    }
}
