//! One WebSocket connection, forward or reverse: a single task reads frames, decodes each once, hands events
//! to the dispatcher queue, and writes the account's calls (batched: one flush per burst), matching responses to
//! callers by `echo` in a map only this task touches.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message as WsMessage, Utf8Bytes};

use super::super::protocol::inbound::{Inbound, LinkState, read_frame, unmatched_response};
use super::Accounts;
use super::gauges::QueueGauges;
use super::link::{Outgoing, Reply, WsLink};
use crate::adapter::EventSink;
use crate::adapter::delivery::{Delivery, Undelivered};
use crate::event::{Event, Notice, NoticeEvent, Platform};

/// What a connection is used for (reverse WS `X-Client-Role`; forward WS paths `/api`, `/event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Events and API calls.
    Universal,
    /// API calls only.
    Api,
    /// Events only.
    Event,
}

impl Role {
    /// Parses `X-Client-Role` (any case); unknown or absent means Universal.
    pub(crate) fn parse(s: Option<&str>) -> Role {
        match s.map(str::to_ascii_lowercase).as_deref() {
            Some("api") => Role::Api,
            Some("event") => Role::Event,
            _ => Role::Universal,
        }
    }
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The peer closed it (with a close frame or not); `normal` for an orderly close frame (no code, 1000 normal,
    /// 1001 going away: a restart, a logout), which is routine, not a warning.
    Closed {
        /// What the close said.
        why: String,
        /// Whether it was a normal close.
        normal: bool,
    },
    /// Reading or writing failed.
    Failed(String),
    /// No frame for longer than the heartbeat allows.
    Silent(Duration),
    /// The bot is shutting down.
    Shutdown,
}

impl Ended {
    /// Whether the end is routine (a normal close, shutdown): logged at INFO, where anything else is a warning.
    pub(crate) fn is_routine(&self) -> bool {
        matches!(self, Ended::Closed { normal: true, .. } | Ended::Shutdown)
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ended::Closed { why, .. } => write!(f, "closed by the implementation ({why})"),
            Ended::Failed(why) => write!(f, "connection error: {why}"),
            Ended::Silent(d) => write!(f, "no frame for {:.1} s although heartbeats were announced", d.as_secs_f64()),
            Ended::Shutdown => f.write_str("shutting down"),
        }
    }
}

/// Settings of a connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnOptions {
    /// Declare the connection dead after this long without a frame; `None`: three heartbeat intervals once a
    /// heartbeat has announced one, else never.
    pub(crate) heartbeat_timeout: Option<Duration>,
    /// Queue of calls waiting for this connection's writer.
    pub(crate) queue: usize,
    /// The adapter's queue high-water marks.
    pub(crate) gauges: Arc<QueueGauges>,
}

/// Frames read in a row before the connection task lets handlers run and replies be written.
const READ_BURST: u32 = 16;

/// Calls written between two sweeps of the answer map for callers that gave up (timed out): the map holds at most
/// the calls still awaited plus this many abandoned ones.
pub(crate) const PURGE_EVERY: u32 = 256;

struct Pending {
    reply: oneshot::Sender<Reply>,
}

/// Runs one connection until it ends. `role` says whether it carries calls, events or both. Returns why it
/// ended and how many non-meta events it delivered.
///
/// The connection's task is the one allocation every connected account keeps, so its future is kept small: the
/// arguments are captured by an `async move` block (an `async fn` would store them twice), and the rare waits —
/// a full delivery queue, the close handshake, the disconnect notice — are boxed instead of sized into it.
#[allow(clippy::manual_async_fn)] // on purpose, see above
pub(crate) fn run<S>(
    mut ws: WebSocketStream<S>,
    role: Role,
    link: Arc<WsLink>,
    bots: Arc<dyn Accounts>,
    delivery: Delivery,
    sink: EventSink,
    options: ConnOptions,
) -> impl Future<Output = (Ended, u64)>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    async move {
        let (tx, mut rx) = mpsc::channel::<Box<Outgoing>>(options.queue.max(1));
        let conn_id = (role != Role::Event).then(|| link.attach(tx, options.gauges.clone()));
        let mut pending: HashMap<u64, Pending> = HashMap::new();
        let mut since_purge = 0u32;
        let inbound = LinkState::new(link.label().to_string());
        let gauges = options.gauges.clone();
        let mut state = ReadState { link: link.clone(), bots, delivery, cached: None, inbound, gauges };
        let mut last_frame = Instant::now();
        let silence = tokio::time::sleep(Duration::from_secs(3600));
        tokio::pin!(silence);
        let shutdown = sink.shutdown_signal();
        tokio::pin!(shutdown);

        let mut armed: Option<Duration> = None;
        let mut read_streak = 0u32;
        let ended = loop {
            let limit =
                options.heartbeat_timeout.or(state.inbound.heartbeat.map(|i| (i * 3).max(Duration::from_secs(1))));
            if limit != armed {
                // Re-armed only when the limit changes or the timer fires, not on every frame.
                if let Some(limit) = limit {
                    silence.as_mut().reset(last_frame + limit);
                }
                armed = limit;
            }
            tokio::select! {
                frame = ws.next() => {
                    last_frame = Instant::now();
                    options.gauges.frame_read();
                    read_streak += 1;
                    if read_streak >= READ_BURST {
                        // Let the handlers of the frames read so far run and their replies go out before reading
                        // more: the implementation then works on them while we read, instead of waiting for a whole
                        // socket buffer of events to be handled first.
                        read_streak = 0;
                        tokio::task::yield_now().await;
                    }
                    match frame {
                        None => break Ended::Closed { why: "end of stream".into(), normal: false },
                        Some(Err(e)) => break Ended::Failed(e.to_string()),
                        Some(Ok(WsMessage::Text(text))) => {
                            if let Some(back) = state.on_text(text, &mut pending) {
                                state.wait_for_room(back).await;
                            }
                        }
                        Some(Ok(WsMessage::Binary(bytes))) => {
                            let len = bytes.len();
                            match Utf8Bytes::try_from(bytes) {
                                Ok(text) => {
                                    if let Some(back) = state.on_text(text, &mut pending) {
                                        state.wait_for_room(back).await;
                                    }
                                }
                                Err(_) => tracing::warn!(
                                    target: "qqbot::onebot",
                                    link = %link.label(),
                                    "ignored a binary frame of {len} bytes that is not UTF-8 text"
                                ),
                            }
                        }
                        Some(Ok(WsMessage::Close(frame))) => {
                            // An orderly close handshake: without a code, or with 1000/1001.
                            let normal = frame.as_ref().is_none_or(|f| matches!(f.code, CloseCode::Normal | CloseCode::Away));
                            let why = frame.map_or_else(|| "no close frame".to_owned(), |f| format!("code {}, {}", f.code, f.reason));
                            break Ended::Closed { why, normal };
                        }
                        // Pings are answered by the WebSocket layer; pongs and raw frames only prove liveness.
                        Some(Ok(_)) => {}
                    }
                }
                out = rx.recv(), if conn_id.is_some() => {
                    let Some(first) = out else { break Ended::Failed("call queue closed".into()) };
                    read_streak = 0;
                    let mut batch = 0;
                    let mut next = Some(first);
                    let mut failed = None;
                    while let Some(out) = next.take() {
                        let Outgoing { echo, frame, reply } = *out;
                        if reply.is_closed() {
                            // The caller gave up before the call was written.
                        } else {
                            pending.insert(echo, Pending { reply });
                            options.gauges.pending(pending.len());
                            since_purge += 1;
                            if let Err(e) = ws.feed(WsMessage::text(frame)).await {
                                failed = Some(e.to_string());
                                break;
                            }
                        }
                        batch += 1;
                        if batch < 128 {
                            next = rx.try_recv().ok();
                        }
                    }
                    if failed.is_none()
                        && let Err(e) = ws.flush().await {
                            failed = Some(e.to_string());
                        }
                    if let Some(e) = failed {
                        break Ended::Failed(e);
                    }
                    if since_purge >= PURGE_EVERY {
                        // Callers that timed out dropped their receivers; forget them. Counted since the last
                        // sweep, not as a multiple of all calls: a batch of several calls could step over every
                        // multiple, and the map would then grow without bound.
                        since_purge = 0;
                        pending.retain(|_, p| !p.reply.is_closed());
                    }
                }
                _ = &mut silence, if limit.is_some() => {
                    let quiet = last_frame.elapsed();
                    match limit {
                        Some(l) if quiet >= l => break Ended::Silent(quiet),
                        Some(l) => silence.as_mut().reset(last_frame + l),
                        None => {}
                    }
                }
                _ = &mut shutdown => {
                    let _ = Box::pin(tokio::time::timeout(Duration::from_secs(1), ws.close(None))).await;
                    break Ended::Shutdown;
                }
            }
        };

        if let Some(id) = conn_id {
            link.detach(id);
        }
        // Calls not yet taken by this connection go to the next one; calls already written lose their answer.
        rx.close();
        while let Ok(out) = rx.try_recv() {
            let Outgoing { frame, reply, .. } = *out;
            let _ = reply.send(Reply::NotSent(frame));
        }
        drop(pending);
        if !matches!(ended, Ended::Failed(_) | Ended::Silent(_)) {
            let _ = Box::pin(tokio::time::timeout(Duration::from_millis(200), ws.close(None))).await;
        }
        let events = state.inbound.events;
        if ended != Ended::Shutdown {
            Box::pin(state.disconnected(&ended)).await;
        }
        (ended, events)
    }
}

/// The reading side's state.
struct ReadState {
    link: Arc<WsLink>,
    bots: Arc<dyn Accounts>,
    delivery: Delivery,
    /// The bot of the last event's account, to skip the registry lookup.
    cached: Option<(String, Arc<dyn crate::api::Bot>)>,
    /// What the frames read so far taught: the announced heartbeat interval, the events delivered.
    inbound: LinkState,
    gauges: Arc<QueueGauges>,
}

impl ReadState {
    /// Reads one frame. The frame is dropped as soon as it is decoded, before its event is handled, so a large
    /// message is not held twice while its handler runs. Gives the event back when its queue is full.
    fn on_text(&mut self, text: Utf8Bytes, pending: &mut HashMap<u64, Pending>) -> Option<Box<Undelivered>> {
        let inbound = read_frame(text.as_str(), self.link.known_self_id(), &mut self.inbound);
        drop(text);
        match inbound {
            Inbound::Response(r) => {
                match r.echo_id().and_then(|e| pending.remove(&e)) {
                    Some(p) => {
                        let _ = p.reply.send(Reply::Response(r));
                    }
                    None => unmatched_response(&r, &self.inbound),
                }
                None
            }
            Inbound::Event(event) => self.deliver(event).err(),
            Inbound::Ignored(_) => None,
        }
    }

    /// Hands `event` to its account's bot without waiting; gives it back when the queue is full. The account is
    /// the event's own (the decoder already fell back on the one the link knows), read in place: no allocation per
    /// event once the bot is cached.
    fn deliver(&mut self, event: Event) -> Result<(), Box<Undelivered>> {
        let bot = {
            let self_id = event.self_id();
            if !self.link.learn_self_id(self_id) {
                tracing::warn!(
                    target: "qqbot::onebot", link = %self.link.label(),
                    "an event for account {self_id} arrived on the link of account {}; handled as {self_id}",
                    self.link.known_self_id().unwrap_or("?")
                );
            }
            match &self.cached {
                Some((id, bot)) if id == self_id => bot.clone(),
                _ => {
                    let bot = self.bots.over_ws(self_id, &self.link);
                    self.cached = Some((self_id.to_owned(), bot.clone()));
                    bot
                }
            }
        };
        let delivered = self.delivery.try_deliver(bot, event);
        self.gauges.delivery(self.delivery.queued());
        delivered
    }

    /// Waits for room in the delivery queue (the connection stops reading meanwhile: back-pressure). Boxed: it is
    /// rare, and its future would otherwise be part of every connection's task.
    async fn wait_for_room(&self, back: Box<Undelivered>) {
        Box::pin(self.delivery.deliver_later(*back)).await;
        self.gauges.delivery(self.delivery.queued());
    }

    /// Tells handlers the connection went down (events sent meanwhile are lost: implementations do not queue).
    async fn disconnected(&mut self, ended: &Ended) {
        let Some(self_id) = self.link.known_self_id().map(str::to_owned) else { return };
        let event = Event::Notice(NoticeEvent::new(
            Platform::OneBot,
            self_id.clone(),
            Notice::Disconnected(crate::event::Disconnected { reason: ended.to_string() }),
        ));
        if let Err(back) = self.deliver(event) {
            self.delivery.deliver_later(*back).await;
        }
    }
}
