//! What an incoming OneBot frame means: the one policy every transport (forward WebSocket, reverse WebSocket,
//! HTTP POST) applies, so the same frame gives the same result on each. Sans I/O: transports move bytes and call
//! [`read_frame`]; matching a response to its caller by `echo` stays with the transport that made the call.

use std::time::Duration;

use super::convert::to_event;
use super::frame::{ActionResponse, Frame, FrameError, decode_frame};
use super::id::WireId;
use crate::event::{Event, Notice, NoticeEvent, Platform, RawEvent};

/// The post types of OneBot v11 (and go-cqhttp's `message_sent`); any other is delivered raw, with a warning.
const KNOWN_POST_TYPES: [&str; 5] = ["message", "message_sent", "notice", "request", "meta_event"];

/// What one link (a WebSocket connection, an HTTP POST route) has learned from the frames read so far.
#[derive(Debug, Default)]
pub struct LinkState {
    /// A name for log lines (`ws://127.0.0.1:3001`, `reverse 127.0.0.1:51234` …).
    pub(crate) label: String,
    /// The heartbeat interval the implementation announced in its last heartbeat meta event.
    pub(crate) heartbeat: Option<Duration>,
    /// Events other than meta events read so far.
    pub(crate) events: u64,
}

impl LinkState {
    /// The state of a new link.
    pub fn new(label: impl Into<String>) -> Self {
        LinkState { label: label.into(), ..LinkState::default() }
    }
}

/// What a frame means.
#[derive(Debug)]
pub enum Inbound {
    /// The answer to an action; the transport matches it to its caller by `echo` (see [`unmatched_response`]).
    Response(ActionResponse),
    /// An event, decoded once, of the account [`Event::self_id`] names (the frame's own `self_id`, else the one the
    /// link knows; empty if neither).
    Event(Event),
    /// Nothing to hand on (already logged).
    Ignored(&'static str),
}

/// Decides what `text` means on a link. `known_self_id` is the account the link already serves, if known (learned
/// from earlier events, or an HTTP POST's `X-Self-ID` header).
pub fn read_frame(text: &str, known_self_id: Option<&str>, link: &mut LinkState) -> Inbound {
    match decode_frame(text) {
        Ok(Frame::Response(r)) => Inbound::Response(r),
        Ok(Frame::Event(ev)) => {
            if let Some(post_type) = ev.post_type.as_deref().filter(|p| !KNOWN_POST_TYPES.contains(p)) {
                tracing::warn!(
                    target: "qqbot::onebot", link = %link.label,
                    "unknown post_type `{post_type}`; delivered as a raw event"
                );
            }
            if ev.meta_event_type.as_deref() == Some("heartbeat") {
                let interval = ev.interval.as_ref().and_then(WireId::as_i64).filter(|i| *i > 0);
                link.heartbeat = interval.map(|ms| Duration::from_millis(ms as u64));
            }
            if ev.post_type.as_deref() != Some("meta_event") {
                link.events += 1;
            }
            Inbound::Event(to_event(*ev, known_self_id.unwrap_or("")))
        }
        Err(FrameError::BadField { error, raw }) => {
            tracing::warn!(
                target: "qqbot::onebot", link = %link.label,
                "an event field has an unexpected type ({error}); delivered as a raw event"
            );
            let self_id = match raw.get("self_id") {
                Some(v) => v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                None => known_self_id.unwrap_or_default().to_owned(),
            };
            if raw.get("post_type").and_then(|p| p.as_str()) != Some("meta_event") {
                link.events += 1;
            }
            let kind = ["post_type", "notice_type", "message_type", "request_type", "meta_event_type", "sub_type"]
                .iter()
                .filter_map(|k| raw.get(*k).and_then(|v| v.as_str()))
                .collect::<Vec<_>>()
                .join("/");
            let mut notice = NoticeEvent::new(Platform::OneBot, self_id, Notice::Raw(RawEvent { kind, data: raw }));
            notice.time = 0;
            Inbound::Event(Event::Notice(notice))
        }
        Err(e) => {
            tracing::warn!(
                target: "qqbot::onebot", link = %link.label,
                "ignored a frame of {} bytes: {e}; it starts with {:?}", text.len(), preview(text)
            );
            Inbound::Ignored("not a OneBot event or action response")
        }
    }
}

/// Why the body of an HTTP answer to an action is not a OneBot action response.
#[derive(Debug)]
pub(crate) enum NotAnAnswer {
    /// Not JSON, or JSON of an impossible shape.
    Malformed(serde_json::Error),
    /// JSON, but an event or something else.
    Other,
}

/// What the body of an HTTP answer to an action means: the response, or why it is none. Status codes are the
/// transport's to judge; the body is judged here, by the same decoder as every frame.
pub(crate) fn read_answer(text: &str) -> Result<ActionResponse, NotAnAnswer> {
    match decode_frame(text) {
        Ok(Frame::Response(response)) => Ok(response),
        Err(FrameError::NotJson(e) | FrameError::BadField { error: e, .. }) => Err(NotAnAnswer::Malformed(e)),
        Ok(Frame::Event(_)) | Err(_) => Err(NotAnAnswer::Other),
    }
}

/// Logs a response that answers no pending call: a refused access token is an error with advice, a response
/// without `echo` a warning, a late answer (its caller gave up) a debug line.
pub(crate) fn unmatched_response(r: &ActionResponse, link: &LinkState) {
    if r.echo.is_none() || r.echo == Some(serde_json::Value::Null) {
        if matches!(r.retcode, 1401 | 1403) {
            tracing::error!(
                target: "qqbot::onebot", link = %link.label,
                "the implementation rejected the access token ({}): set `token` to the one in its config", r.message
            );
        } else {
            tracing::warn!(
                target: "qqbot::onebot", link = %link.label,
                "ignored a response without echo (retcode {}, {:?}): it answers no call of ours", r.retcode, r.message
            );
        }
    } else {
        tracing::debug!(
            target: "qqbot::onebot", link = %link.label,
            "ignored a response to echo {:?}: its caller already gave up", r.echo
        );
    }
}

/// The first 120 characters of a frame, for a log line.
pub(crate) fn preview(text: &str) -> String {
    let mut s: String = text.chars().take(120).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Inbound, LinkState) {
        let mut link = LinkState::new("test");
        (read_frame(text, Some("10001"), &mut link), link)
    }

    #[test]
    fn events_carry_their_own_account_or_the_links() {
        let (inbound, link) = read(
            r#"{"post_type":"notice","notice_type":"group_increase","self_id":42,"group_id":1,"user_id":2,"time":1}"#,
        );
        assert!(matches!(&inbound, Inbound::Event(e) if e.self_id() == "42"));
        assert_eq!(link.events, 1);
        let (inbound, _) = read(r#"{"post_type":"notice","notice_type":"group_increase","group_id":1,"user_id":2}"#);
        assert!(matches!(&inbound, Inbound::Event(e) if e.self_id() == "10001"));
    }

    #[test]
    fn heartbeats_announce_the_interval_and_are_not_counted() {
        let (inbound, link) =
            read(r#"{"post_type":"meta_event","meta_event_type":"heartbeat","self_id":42,"interval":5000,"time":1}"#);
        assert!(matches!(inbound, Inbound::Event(_)));
        assert_eq!(link.heartbeat, Some(Duration::from_millis(5000)));
        assert_eq!(link.events, 0);
    }

    #[test]
    fn a_field_of_an_unexpected_type_becomes_a_raw_event() {
        let (inbound, link) =
            read(r#"{"post_type":"message","message_type":"group","self_id":42,"message":{"oops":1}}"#);
        let Inbound::Event(Event::Notice(n)) = inbound else { panic!("not a raw event") };
        assert_eq!(n.self_id, "42");
        assert!(matches!(&n.kind, Notice::Raw(r) if r.kind == "message/group"), "{:?}", n.kind);
        assert_eq!(link.events, 1);
    }

    #[test]
    fn responses_and_garbage() {
        assert!(matches!(read(r#"{"status":"ok","retcode":0,"data":null,"echo":"7"}"#).0, Inbound::Response(_)));
        assert!(matches!(read("not json").0, Inbound::Ignored(_)));
        assert!(matches!(read(r#"{"hello":"world"}"#).0, Inbound::Ignored(_)));
    }
}
