//! The fake's WebSocket gateway: Hello, Identify/Resume checks, heartbeats, dispatches, replay on resume, and
//! drops, closes, op 7 and op 9 on command.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::{BOT_USER_ID, Control, FakeInner, FakeState};

pub(crate) async fn serve(listener: tokio::net::TcpListener, inner: Arc<FakeInner>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, inner.clone()));
            }
            Err(e) => {
                tracing::warn!("fake gateway accept failed: {e}");
                return;
            }
        }
    }
}

/// Records an event in the current session's log and sends it on the live connection.
pub(crate) fn push_event(s: &mut FakeState, t: &str, event_id: &str, d: Value) -> u64 {
    let Some(session) = s.current_session.clone() else {
        s.pending.push((t.to_owned(), event_id.to_owned(), d));
        return 0;
    };
    let log = s.sessions.entry(session).or_default();
    log.seq += 1;
    let seq = log.seq;
    let frame = json!({"op": 0, "s": seq, "t": t, "id": event_id, "d": d}).to_string();
    log.events.push((seq, frame.clone()));
    if let Some(live) = &s.live {
        let _ = live.send(Control::Frame(frame));
        if s.drop_after_seq == Some(seq) {
            let _ = live.send(Control::Drop);
            s.drop_after_seq = None;
        }
    }
    seq
}

fn token_ok(s: &FakeState, d: &Value) -> bool {
    d.get("token")
        .and_then(Value::as_str)
        .and_then(|t| t.strip_prefix("QQBot "))
        .is_some_and(|t| s.valid_tokens.contains(t))
}

async fn connection(stream: tokio::net::TcpStream, inner: Arc<FakeInner>) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else { return };
    let (ctl_tx, mut ctl_rx) = mpsc::unbounded_channel::<Control>();
    let interval = {
        let mut s = inner.state();
        s.connections += 1;
        s.heartbeat_interval_ms
    };
    inner.changed.notify_waiters();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": interval}}).to_string();
    if ws.send(WsMessage::text(hello)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            frame = ws.next() => {
                let text = match frame {
                    Some(Ok(WsMessage::Text(t))) => t.to_string(),
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                let d = payload.get("d").cloned().unwrap_or(Value::Null);
                let mut out: Vec<String> = Vec::new();
                let mut close: Option<u16> = None;
                {
                    let mut s = inner.state();
                    match payload.get("op").and_then(Value::as_u64) {
                        Some(2) => {
                            s.identifies.push(d.clone());
                            if !token_ok(&s, &d) {
                                close = Some(4004);
                            } else {
                                let session = format!("session-{}", s.identifies.len());
                                let log = s.sessions.entry(session.clone()).or_default();
                                log.seq += 1;
                                let ready = json!({"op": 0, "s": log.seq, "t": "READY", "id": "",
                                    "d": {"version": 1, "session_id": session,
                                          "user": {"id": BOT_USER_ID, "username": "fake-bot", "bot": true},
                                          "shard": d.get("shard").cloned().unwrap_or(json!([0, 1]))}});
                                out.push(ready.to_string());
                                s.current_session = Some(session);
                                s.live = Some(ctl_tx.clone());
                                s.readies += 1;
                                let pending = std::mem::take(&mut s.pending);
                                for (t, id, d) in pending {
                                    // Sent through the control channel, after READY.
                                    push_event(&mut s, &t, &id, d);
                                }
                            }
                        }
                        Some(6) => {
                            s.resumes.push(d.clone());
                            let session = d.get("session_id").and_then(Value::as_str).unwrap_or("").to_owned();
                            let from = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
                            let overlap = s.replay_overlap;
                            let ok = token_ok(&s, &d);
                            match s.sessions.get(&session) {
                                Some(log) if ok && !log.invalid => {
                                    out.push(json!({"op": 0, "t": "RESUMED", "id": "", "d": ""}).to_string());
                                    let start = from.saturating_sub(overlap);
                                    out.extend(log.events.iter().filter(|(seq, _)| *seq > start).map(|(_, f)| f.clone()));
                                    s.current_session = Some(session);
                                    s.live = Some(ctl_tx.clone());
                                    s.resumed += 1;
                                }
                                _ => out.push(json!({"op": 9, "d": false}).to_string()),
                            }
                        }
                        Some(1) => {
                            s.heartbeats.push(d.clone());
                            if s.ack_heartbeats {
                                out.push(json!({"op": 11}).to_string());
                            }
                        }
                        _ => {}
                    }
                }
                inner.changed.notify_waiters();
                for f in out {
                    if ws.send(WsMessage::text(f)).await.is_err() {
                        break;
                    }
                }
                if let Some(code) = close {
                    let _ = ws.send(WsMessage::Close(Some(CloseFrame { code: CloseCode::from(code), reason: "".into() }))).await;
                    break;
                }
            }
            ctl = ctl_rx.recv() => match ctl {
                Some(Control::Frame(f)) => {
                    if ws.send(WsMessage::text(f)).await.is_err() {
                        break;
                    }
                }
                Some(Control::Close(code)) => {
                    let _ = ws.send(WsMessage::Close(Some(CloseFrame { code: CloseCode::from(code), reason: "".into() }))).await;
                    break;
                }
                Some(Control::Drop) | None => break,
            }
        }
    }
    {
        let mut s = inner.state();
        if s.live.as_ref().is_some_and(|l| l.same_channel(&ctl_tx)) {
            s.live = None;
        }
    }
    inner.changed.notify_waiters();
}
