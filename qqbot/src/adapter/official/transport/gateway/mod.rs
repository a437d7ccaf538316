//! The WebSocket gateway transport: Hello → Identify (or Resume) → heartbeats → dispatches, reconnecting after
//! every drop and resuming the session so no event is lost.
//!
//! One task owns each shard's connection and its state machine; the heartbeat lives inside the connection's own
//! loop, so it is restarted with every connection and cannot outlive it.

mod policy;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use self::policy::{Backoff, Next, after_close};
use super::super::api::OfficialApi;
use super::super::config::OfficialConfig;
use super::super::dedup::dedup_key;
use super::super::error::{OfficialError, OfficialErrorKind};
use super::super::intents::Intents;
use super::super::protocol::decode::to_event;
use super::super::protocol::event::{OfficialEvent, OfficialPayload};
use super::super::protocol::model::{Hello, Payload, opcode};
use super::MakeBot;
use crate::adapter::delivery::{Delivery, Undelivered};
use crate::adapter::{EventSink, websocket};
use crate::api::Bot;
use crate::error::{Error, Result};
use crate::event::RecentIds;
use crate::event::{Disconnected, Event, Notice, NoticeEvent, Platform};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
/// Events queued for the dispatcher beyond the ones it is handling; when full, reading pauses (heartbeats go on).
const DELIVERY_QUEUE: usize = 1024;

/// Why the gateway stopped for good.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The platform refused the session in a way retrying cannot fix.
    #[error("the official gateway stopped: {0}")]
    Fatal(String),
}

/// One shard's connection loop.
pub(crate) struct Gateway {
    pub(crate) config: OfficialConfig,
    pub(crate) api: OfficialApi,
    pub(crate) sink: EventSink,
    pub(crate) intents: Intents,
    pub(crate) make_bot: MakeBot,
}

#[derive(Debug)]
struct SessionState {
    session_id: Option<String>,
    /// The last sequence number seen in this session.
    seq: Option<u64>,
    /// Resumes sent since the last successful READY/RESUMED.
    resume_failures: u32,
    bot: Option<Arc<dyn Bot>>,
    recent: RecentIds,
    last_token: Option<String>,
}

impl SessionState {
    fn forget_session(&mut self) {
        self.session_id = None;
        self.seq = None;
        self.resume_failures = 0;
    }
}

enum Ended {
    Shutdown,
    Next { next: Next, reason: String, healthy: bool },
}

fn ended(next: Next, reason: impl Into<String>, healthy: bool) -> Ended {
    Ended::Next { next, reason: reason.into(), healthy }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn is_permanent(e: &Error) -> bool {
    OfficialError::find(e).is_some_and(|o| {
        matches!(
            o.kind,
            OfficialErrorKind::BadCredentials
                | OfficialErrorKind::IpNotWhitelisted
                | OfficialErrorKind::LegacyTokenDisabled
        )
    })
}

impl Gateway {
    pub(crate) async fn run(self) -> Result<()> {
        let mut state = SessionState {
            session_id: None,
            seq: None,
            resume_failures: 0,
            bot: None,
            recent: RecentIds::new(4096),
            last_token: None,
        };
        let delivery = Delivery::spawn(self.sink.clone(), DELIVERY_QUEUE);
        let mut backoff = Backoff::default();
        let mut retry = self.config.retry_config.clone().map(|policy| (policy, crate::retry::RetryState::new()));
        let [shard_id, shard_count] = self.config.shard;
        tracing::info!(appid = %self.api.appid(), shard = ?[shard_id, shard_count], intents = self.intents.bits(), "official gateway starting");
        loop {
            if self.sink.is_shutting_down() {
                return Ok(());
            }
            let outcome = match self.discover(state.session_id.is_none()).await {
                Ok(url) => self.connection(&url, &mut state, &delivery).await,
                Err(e) if is_permanent(&e) => return Err(e),
                Err(e) => ended(Next::Resume, format!("gateway discovery failed: {e}"), false),
            };
            match outcome {
                Ended::Shutdown => return Ok(()),
                Ended::Next { next, reason, healthy } => {
                    if healthy {
                        backoff.reset();
                        if let Some((_, state)) = &mut retry {
                            state.reset();
                        }
                    }
                    tracing::warn!(appid = %self.api.appid(), "official gateway connection ended: {reason}");
                    if let Some(bot) = &state.bot {
                        let n = NoticeEvent::new(
                            Platform::Official,
                            crate::api::Bot::self_id(bot.as_ref()),
                            Notice::Disconnected(Disconnected { reason: reason.clone() }),
                        );
                        delivery.deliver(bot.clone(), Event::Notice(n)).await;
                    }
                    match next {
                        Next::Resume => {}
                        Next::Identify => state.forget_session(),
                        Next::RefreshAndIdentify => {
                            if let Some(t) = &state.last_token {
                                self.api.inner.rest.credentials().invalidate(t);
                            }
                            state.forget_session();
                        }
                        Next::Fatal(message) => return Err(Error::adapter(GatewayError::Fatal(message))),
                    }
                }
            }
            let delay = match &mut retry {
                Some((policy, state)) => match state.failed(policy) {
                    Some(delay) => delay,
                    None => {
                        return Err(Error::adapter(GatewayError::Fatal(format!(
                            "gave up reconnecting to the official gateway after {} attempts ([official.retry_config]: {policy})",
                            state.attempts()
                        ))));
                    }
                },
                None => backoff.next_delay(),
            };
            if !delay.is_zero() {
                tracing::info!("reconnecting to the official gateway in {delay:?}");
            }
            tokio::select! {
                _ = self.sink.shutdown_signal() => return Ok(()),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// The gateway URL: the configured one, or `GET /gateway/bot` (waiting out an exhausted Identify budget).
    async fn discover(&self, will_identify: bool) -> Result<String> {
        if let Some(url) = &self.config.gateway_url {
            return Ok(url.clone());
        }
        let info = self.api.gateway_bot().await?;
        if will_identify
            && let Some(limit) = &info.session_start_limit
            && limit.remaining == Some(0)
        {
            let wait = Duration::from_millis(limit.reset_after.unwrap_or(60_000).clamp(1_000, 86_400_000) as u64);
            tracing::warn!("the official session start limit is used up; waiting {wait:?} before identifying");
            tokio::select! {
                _ = self.sink.shutdown_signal() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        info.url.filter(|u| !u.is_empty()).ok_or_else(|| {
            Error::adapter(OfficialError::from_response(
                "GET /gateway/bot",
                200,
                None,
                None,
                "no url in the answer",
                None,
            ))
        })
    }

    async fn connection(&self, url: &str, state: &mut SessionState, delivery: &Delivery) -> Ended {
        let mut ws: Ws = match tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio_tungstenite::connect_async_with_config(
                url,
                Some(websocket::config(self.config.max_frame_bytes)),
                false,
            ),
        )
        .await
        {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(e)) => return ended(Next::Resume, format!("cannot connect to the gateway: {e}"), false),
            Err(_) => return ended(Next::Resume, "connecting to the gateway timed out", false),
        };
        let hello = match tokio::time::timeout(HELLO_TIMEOUT, read_hello(&mut ws)).await {
            Ok(Some(h)) => h,
            Ok(None) => return ended(Next::Resume, "the gateway closed before Hello", false),
            Err(_) => return ended(Next::Resume, "no Hello from the gateway", false),
        };
        let interval = Duration::from_millis(hello.heartbeat_interval.unwrap_or(45_000).clamp(10, 600_000) as u64);
        let token = match self.api.inner.rest.credentials().token().await {
            Ok(t) => t,
            Err(e) if is_permanent(&e) => return ended(Next::Fatal(e.to_string()), "", false),
            Err(e) => return ended(Next::Resume, format!("cannot get an access token: {e}"), false),
        };
        state.last_token = Some(token.clone());
        if state.session_id.is_some() && state.resume_failures >= self.config.max_resume_attempts.max(1) {
            tracing::warn!("{} resumes failed in a row; identifying a new session", state.resume_failures);
            state.forget_session();
        }
        let first = match (&state.session_id, state.seq) {
            (Some(session_id), seq) => {
                state.resume_failures += 1;
                tracing::info!(session_id = %session_id, seq = ?seq, "resuming the official gateway session");
                json!({"op": opcode::RESUME, "d": {"token": format!("QQBot {token}"), "session_id": session_id, "seq": seq.unwrap_or(0)}})
            }
            (None, _) => json!({"op": opcode::IDENTIFY, "d": {
                "token": format!("QQBot {token}"),
                "intents": self.intents.bits(),
                "shard": self.config.shard,
                "properties": {"$os": std::env::consts::OS, "$browser": "qqbot-rs", "$device": "qqbot-rs"},
            }}),
        };
        if let Err(e) = ws.send(WsMessage::text(first.to_string())).await {
            return ended(Next::Resume, format!("cannot send Identify/Resume: {e}"), false);
        }

        let mut ticker = tokio::time::interval_at(Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut awaiting_ack = false;
        let mut healthy = false;
        // An event waiting for room in the delivery queue. Meanwhile no frame is read (back-pressure stays on this
        // connection) but heartbeats go on, so the platform keeps the session.
        let mut pending: Option<Pin<Box<dyn Future<Output = ()> + Send>>> = None;
        // Whether reading paused since the last heartbeat: its ACK may be unread in the socket, not missing.
        let mut paused = false;
        loop {
            tokio::select! {
                _ = self.sink.shutdown_signal() => {
                    let _ = ws.close(None).await;
                    return Ended::Shutdown;
                }
                _ = async { if let Some(p) = pending.as_mut() { p.await } }, if pending.is_some() => {
                    pending = None;
                }
                _ = ticker.tick() => {
                    if awaiting_ack && !paused {
                        let _ = ws.close(None).await;
                        return ended(Next::Resume, format!("no heartbeat ACK within {interval:?} (zombie connection)"), healthy);
                    }
                    paused = pending.is_some();
                    if let Err(e) = ws.send(WsMessage::text(json!({"op": opcode::HEARTBEAT, "d": state.seq}).to_string())).await {
                        return ended(Next::Resume, format!("cannot send a heartbeat: {e}"), healthy);
                    }
                    awaiting_ack = true;
                }
                frame = ws.next(), if pending.is_none() => {
                    let text = match frame {
                        None => return ended(Next::Resume, "the gateway closed the connection", healthy),
                        Some(Err(e)) => return ended(Next::Resume, format!("gateway connection error: {e}"), healthy),
                        Some(Ok(WsMessage::Text(t))) => t.to_string(),
                        Some(Ok(WsMessage::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                        Some(Ok(WsMessage::Close(frame))) => {
                            let (code, reason) = frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                            return ended(after_close(code), format!("closed by the gateway with code {code} {reason}"), healthy);
                        }
                        Some(Ok(WsMessage::Ping(_))) => {
                            // tungstenite queued the Pong; flush it now rather than with the next heartbeat.
                            let _ = ws.flush().await;
                            continue;
                        }
                        Some(Ok(_)) => continue,
                    };
                    let payload: Payload = match serde_json::from_str(&text) {
                        Ok(p) => p,
                        Err(e) => {
                            tracing::warn!("ignoring a gateway frame that is not a valid payload ({e}); {} bytes", text.len());
                            continue;
                        }
                    };
                    match payload.op {
                        opcode::DISPATCH => {
                            let (opened, event) = self.on_dispatch(payload, state);
                            healthy |= opened;
                            if let Some(Undelivered { bot, event }) = event
                                && let Err(item) = delivery.try_deliver(bot, event)
                            {
                                paused = true;
                                pending = Some(later(delivery.clone(), *item));
                            }
                        }
                        opcode::HEARTBEAT => {
                            let beat = json!({"op": opcode::HEARTBEAT, "d": state.seq}).to_string();
                            if let Err(e) = ws.send(WsMessage::text(beat)).await {
                                return ended(Next::Resume, format!("cannot send a heartbeat: {e}"), healthy);
                            }
                        }
                        opcode::HEARTBEAT_ACK => awaiting_ack = false,
                        opcode::RECONNECT => {
                            let _ = ws.close(None).await;
                            return ended(Next::Resume, "the gateway asked to reconnect (op 7)", healthy);
                        }
                        opcode::INVALID_SESSION => {
                            let _ = ws.close(None).await;
                            if payload.data::<bool>() == Some(true) && state.session_id.is_some() {
                                return ended(Next::Resume, "invalid session, resumable (op 9)", healthy);
                            }
                            return ended(Next::Identify, "invalid session (op 9): identifying a new session", healthy);
                        }
                        opcode::HELLO => {}
                        other => tracing::debug!(op = other, "ignoring gateway opcode"),
                    }
                }
            }
        }
    }

    /// Handles one dispatch: whether it (re)opened the session, and the event to deliver (none for a repeat).
    fn on_dispatch(&self, frame: Payload, state: &mut SessionState) -> (bool, Option<Undelivered>) {
        let t = frame.t.clone().unwrap_or_default();
        let lifecycle = t == "READY" || t == "RESUMED";
        if let Some(s) = frame.s {
            if !lifecycle && state.seq.is_some_and(|cur| s <= cur) {
                tracing::debug!(seq = s, event = %t, "skipping an event delivered again after resume");
                return (false, None);
            }
            if t != "READY" {
                state.seq = Some(state.seq.map_or(s, |cur| cur.max(s)));
            } else {
                state.seq = Some(s);
            }
        }
        if !lifecycle
            && let Some(key) = dedup_key(&t, frame.id.as_deref(), &frame.d)
            && !state.recent.insert(&key)
        {
            tracing::debug!(event = %t, "skipping an event delivered twice");
            return (false, None);
        }
        let ev = OfficialEvent::from_payload(frame);
        let mut opened = false;
        match &ev.payload {
            OfficialPayload::Ready(ready) => {
                state.session_id = ready.session_id.clone();
                state.resume_failures = 0;
                opened = true;
                let self_id =
                    ready.user.as_ref().and_then(|u| u.id.clone()).unwrap_or_else(|| self.api.appid().to_owned());
                if state.bot.as_ref().is_none_or(|b| crate::api::Bot::self_id(b.as_ref()) != self_id) {
                    state.bot = Some((self.make_bot)(&self_id));
                }
                tracing::info!(self_id = %self_id, session_id = ?ready.session_id, "official gateway ready");
            }
            OfficialPayload::Resumed => {
                state.resume_failures = 0;
                opened = true;
                tracing::info!(seq = ?state.seq, "official gateway session resumed");
            }
            OfficialPayload::Interaction(i) if self.config.auto_ack_interactions => {
                if let Some(id) = i.id.clone() {
                    let api = self.api.clone();
                    tokio::spawn(async move {
                        if let Err(e) = api.ack_interaction(&id, 0).await {
                            tracing::warn!("could not acknowledge interaction {id}: {e}");
                        }
                    });
                }
            }
            _ => {}
        }
        let Some(bot) = state.bot.clone() else {
            tracing::warn!(event = %ev.t, "dropping an event that arrived before READY");
            return (opened, None);
        };
        let event = to_event(ev, crate::api::Bot::self_id(bot.as_ref()));
        (opened, Some(Undelivered { bot, event }))
    }
}

/// The hand-over of an event the delivery queue had no room for, as a future the connection loop can poll beside
/// its heartbeats.
fn later(delivery: Delivery, item: Undelivered) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move { delivery.deliver_later(item).await })
}

/// Reads frames until Hello. `None` if the connection ends first.
async fn read_hello(ws: &mut Ws) -> Option<Hello> {
    while let Some(frame) = ws.next().await {
        match frame {
            Ok(WsMessage::Text(t)) => match serde_json::from_str::<Payload>(&t) {
                Ok(p) if p.op == opcode::HELLO => return Some(p.data::<Hello>().unwrap_or_default()),
                Ok(p) => tracing::debug!(op = p.op, "ignoring a frame before Hello"),
                Err(e) => tracing::warn!("ignoring a gateway frame before Hello that is not valid ({e})"),
            },
            Ok(WsMessage::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}
