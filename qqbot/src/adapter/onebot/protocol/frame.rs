//! Frames on the wire: what arrives (an event or an action response), decoded once; and action requests.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::event::{Key, OneBotEvent};
use super::segment::WireMessage;
use crate::error::Error;

/// What one incoming frame holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// An event (it has a `post_type`).
    Event(Box<OneBotEvent>),
    /// The answer to an action.
    Response(ActionResponse),
}

/// Why a frame could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Not JSON, truncated, or a JSON value that is not an object.
    #[error("not a JSON object ({0})")]
    NotJson(serde_json::Error),
    /// JSON, but a field the framework reads has an impossible type; the event is kept raw.
    #[error("a field has an unexpected type ({error}); kept as a raw event")]
    BadField {
        /// The serde error.
        error: serde_json::Error,
        /// The whole frame.
        raw: Value,
    },
    /// A JSON object that is neither an event nor an action response.
    #[error("neither an event (no `post_type`) nor an action response (no `status`/`retcode`/`echo`)")]
    Unrecognised(Value),
}

/// Decodes one frame. Events and responses share one pass; only a frame with an oddly typed field is parsed a
/// second time (into raw JSON, so nothing is lost).
///
/// A frame whose first key is one of a plain action response's (the answer to every reply the bot sends) is first
/// read as one, which skips the event's field table and the `extra` map; anything that is not exactly such a
/// response takes the general path below, so the result is the same either way.
pub fn decode_frame(text: &str) -> Result<Frame, FrameError> {
    if first_key_is_a_response_key(text)
        && let Ok(PlainResponse(Some(response))) = serde_json::from_str::<PlainResponse>(text)
    {
        return Ok(Frame::Response(response));
    }
    match serde_json::from_str::<OneBotEvent>(text) {
        Ok(ev) => classify(ev),
        Err(error) => match serde_json::from_str::<Value>(text) {
            Ok(raw @ Value::Object(_)) => Err(FrameError::BadField { error, raw }),
            Ok(_) => Err(FrameError::NotJson(error)),
            Err(e) => Err(FrameError::NotJson(e)),
        },
    }
}

/// Decodes one frame already parsed as JSON (HTTP bodies, corpus files).
pub fn decode_value(value: Value) -> Result<Frame, FrameError> {
    match serde_json::from_value::<OneBotEvent>(value.clone()) {
        Ok(ev) => classify(ev),
        Err(error) if value.is_object() => Err(FrameError::BadField { error, raw: value }),
        Err(error) => Err(FrameError::NotJson(error)),
    }
}

/// Whether the object's first key is one a plain response has. A cheap look at the frame's first bytes that keeps
/// events (whose first key is `time`, `self_id`, `post_type` …) off the response shortcut.
fn first_key_is_a_response_key(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('{') else { return false };
    let rest = rest.trim_start();
    RESPONSE_KEYS
        .iter()
        .any(|key| rest.strip_prefix('"').and_then(|r| r.strip_prefix(key)).is_some_and(|r| r.starts_with('"')))
}

/// The keys of a plain action response.
const RESPONSE_KEYS: [&str; 8] = ["status", "retcode", "data", "echo", "message", "wording", "msg", "stream"];

/// An action response holding only the keys every implementation sends (`status`, `retcode`, `data`, `message`,
/// `wording`, `msg`, `echo`, NapCat's `stream`), decoded straight into an [`ActionResponse`] the way
/// [`ActionResponse::from_event`] would build it. Any other key, or no response key at all, gives `None`.
struct PlainResponse(Option<ActionResponse>);

impl<'de> Deserialize<'de> for PlainResponse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PlainResponse;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an action response")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PlainResponse, A::Error> {
                let mut status = None;
                let mut retcode = None;
                let mut data = None;
                let mut echo = None;
                let mut wording = None;
                let mut message = None;
                let mut msg = None;
                let mut extra = Map::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let slot = match key.as_ref() {
                        "status" => &mut status,
                        "retcode" => &mut retcode,
                        "data" => &mut data,
                        "echo" => &mut echo,
                        "wording" => &mut wording,
                        "msg" => &mut msg,
                        "message" if message.is_none() => {
                            message = Some(map.next_value::<Option<WireMessage>>()?);
                            continue;
                        }
                        "stream" if !extra.contains_key("stream") => {
                            let v = map.next_value::<Value>()?;
                            extra.insert(key.into_owned(), v);
                            continue;
                        }
                        // Another key, or one seen twice: leave the frame to the general path.
                        _ => return Ok(PlainResponse(None)),
                    };
                    if slot.is_some() {
                        return Ok(PlainResponse(None));
                    }
                    *slot = Some(map.next_value::<Value>()?);
                }
                // The general path keeps a `null` status or message in `extra`.
                let status = match status {
                    Some(Value::Null) => {
                        extra.insert("status".to_owned(), Value::Null);
                        None
                    }
                    other => other,
                };
                let message = match message {
                    Some(None) => {
                        extra.insert("message".to_owned(), Value::Null);
                        None
                    }
                    Some(Some(m)) => Some(m),
                    None => None,
                };
                if status.is_none() && retcode.is_none() && echo.is_none() && data.is_none() {
                    return Ok(PlainResponse(None));
                }
                Ok(PlainResponse(Some(ActionResponse::from_parts(
                    status, retcode, data, echo, wording, message, msg, extra,
                ))))
            }
        }
        d.deserialize_map(V)
    }
}

fn classify(ev: OneBotEvent) -> Result<Frame, FrameError> {
    if ev.post_type.is_some() {
        return Ok(Frame::Event(Box::new(ev)));
    }
    let looks_like_response = ev.status.is_some()
        || ev.extra.contains_key("retcode")
        || ev.extra.contains_key("echo")
        || ev.extra.contains_key("data");
    if looks_like_response {
        Ok(Frame::Response(ActionResponse::from_event(ev)))
    } else {
        Err(FrameError::Unrecognised(ev.to_value()))
    }
}

/// An action response: `{"status","retcode","data","message","wording","echo"}` in any implementation's dialect.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResponse {
    /// `ok`, `async`, `failed` (Lagrange: sometimes free text).
    pub status: String,
    /// The return code (0 ok, 1 async, anything else failure; see the notes in the docs).
    pub retcode: i64,
    /// The result (`null` when the response had none).
    pub data: Value,
    /// The echo, as sent.
    pub echo: Option<Value>,
    /// The best error text: `wording`, else `message`, else go-cqhttp's `msg`.
    pub message: String,
    /// go-cqhttp's machine-readable error code (`GROUP_NOT_FOUND` …).
    pub msg: Option<String>,
    /// Every other field.
    pub extra: Map<String, Value>,
}

impl ActionResponse {
    fn from_event(mut ev: OneBotEvent) -> Self {
        let status = ev.status.take();
        let message = ev.message.take();
        // The keys the event type knows (`time`, `self_id`, `user_id` …) go back to the raw ones: in a response
        // they are just more fields, and what a response carried must survive.
        let mut rest = match ev.to_value() {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let retcode = rest.remove("retcode");
        let data = rest.remove("data");
        let echo = rest.remove("echo");
        let wording = rest.remove("wording");
        let msg = rest.remove("msg");
        ActionResponse::from_parts(status, retcode, data, echo, wording, message, msg, rest)
    }

    /// Builds a response from its fields as they arrived (`None` = absent).
    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        status: Option<Value>,
        retcode: Option<Value>,
        data: Option<Value>,
        echo: Option<Value>,
        wording: Option<Value>,
        message: Option<WireMessage>,
        msg: Option<Value>,
        extra: Map<String, Value>,
    ) -> Self {
        let status = match status {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let retcode = match retcode {
            Some(Value::Number(n)) => n.as_i64().unwrap_or(-1),
            Some(Value::String(s)) => s.trim().parse().unwrap_or(-1),
            _ => 0,
        };
        let data = data.unwrap_or(Value::Null);
        let wording = match wording {
            Some(Value::String(s)) => s,
            _ => String::new(),
        };
        let message = match message {
            Some(WireMessage::Cq(s)) => s,
            Some(other) => other.to_message().to_string(),
            None => String::new(),
        };
        let msg = match msg {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let message =
            [wording, message, msg.clone().unwrap_or_default()].into_iter().find(|s| !s.is_empty()).unwrap_or_default();
        ActionResponse { status, retcode, data, echo, message, msg, extra }
    }

    /// Whether the action succeeded: `status` decides (`ok`/`async`); without a status, `retcode` 0 or 1.
    pub fn is_ok(&self) -> bool {
        match self.status.as_str() {
            "ok" | "async" => true,
            "" => self.retcode == 0 || self.retcode == 1,
            _ => false,
        }
    }

    /// The data on success, else the typed error for `action`.
    pub fn into_result(self, action: &str) -> Result<Value, Error> {
        if self.is_ok() {
            return Ok(self.data);
        }
        let message = if self.message.is_empty() {
            format!("status `{}`, no message from the implementation", self.status)
        } else {
            self.message
        };
        Err(Error::Api { action: action.to_owned(), code: self.retcode, message })
    }

    /// Our own echo number, if the echo is one we generate (a string or number of digits).
    pub fn echo_id(&self) -> Option<u64> {
        match self.echo.as_ref()? {
            Value::String(s) => s.parse().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }
}

/// What kind of failure an [`Error::Api`] from a OneBot implementation is, across dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiFailure {
    /// The implementation does not have this action (1404, 404, NapCat HTTP `不支持的Api`).
    Unsupported,
    /// The parameters were rejected (1400, 400).
    BadRequest,
    /// The access token was missing or wrong (1401, 1403, 401, 403).
    Unauthorized,
    /// NapCat's opaque send timeout (1200/200 with `Timeout`): often risk control; the message may have been
    /// delivered, so do not resend blindly.
    SendTimeout,
    /// Any other failure.
    Failed,
}

impl ApiFailure {
    /// Classifies an error; `None` when it is not an [`Error::Api`].
    pub fn of(error: &Error) -> Option<ApiFailure> {
        let Error::Api { code, message, .. } = error else { return None };
        Some(match *code {
            1404 | 404 => ApiFailure::Unsupported,
            _ if message.contains("不支持的Api")
                || message.contains("不支持的API")
                || message.contains("API_NOT_FOUND") =>
            {
                ApiFailure::Unsupported
            }
            1400 | 400 => ApiFailure::BadRequest,
            1401 | 1403 | 401 | 403 => ApiFailure::Unauthorized,
            1200 | 200 if message.contains("Timeout") || message.contains("超时") => ApiFailure::SendTimeout,
            _ => ApiFailure::Failed,
        })
    }
}

#[derive(Serialize)]
struct Request<'a, P: Serialize + ?Sized> {
    action: &'a str,
    params: &'a P,
    echo: Echo,
}

/// Our echo, written as a JSON string of digits straight into the frame (no intermediate `String`).
struct Echo(u64);

impl Serialize for Echo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// An action request frame: `{"action","params","echo"}` with our echo as a string of digits.
pub fn encode_request<P: Serialize + ?Sized>(action: &str, params: &P, echo: u64) -> Result<String, serde_json::Error> {
    encode_request_sized(action, params, echo, 128)
}

/// [`encode_request`] into a buffer of `capacity` bytes to start with: a long message is written once, not
/// copied at every doubling of the buffer.
pub fn encode_request_sized<P: Serialize + ?Sized>(
    action: &str,
    params: &P,
    echo: u64,
    capacity: usize,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut out, &Request { action, params, echo: Echo(echo) })?;
    // serde_json writes only valid UTF-8.
    Ok(String::from_utf8(out).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn responses_in_every_dialect() {
        let Frame::Response(r) =
            decode_frame(r#"{"status":"ok","retcode":0,"data":{"message_id":5},"message":"","wording":"","echo":"7"}"#)
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(r.echo_id(), Some(7));
        assert_eq!(r.clone().into_result("x").unwrap(), json!({"message_id":5}));
        let Frame::Response(r) =
            decode_frame(r#"{"status":"failed","retcode":100,"data":null,"msg":"GROUP_NOT_FOUND","wording":"群聊不存在","echo":{"seq":7}}"#)
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(r.echo_id(), None);
        let e = r.into_result("send_group_msg").unwrap_err();
        assert!(e.to_string().contains("群聊不存在") && e.to_string().contains("100"), "{e}");
        assert_eq!(ApiFailure::of(&e), Some(ApiFailure::Failed));
        // Lagrange: free-text status with retcode 0 is a failure.
        let Frame::Response(r) =
            decode_frame(r#"{"status":"user not found in the buffer","retcode":0,"echo":1}"#).unwrap()
        else {
            panic!()
        };
        assert!(!r.is_ok());
        // NapCat void success has no data key.
        let Frame::Response(r) =
            decode_frame(r#"{"status":"ok","retcode":0,"message":"","wording":"","echo":"3"}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(r.into_result("delete_msg").unwrap(), Value::Null);
    }

    /// The plain-response shortcut and the general path agree, including on the odd shapes it hands over.
    #[test]
    fn plain_responses_decode_like_the_general_path() {
        for text in [
            r#"{"status":"ok","retcode":0,"data":{"message_id":5},"message":"","wording":"","echo":"7","stream":"normal-action"}"#,
            r#"{"status":null,"retcode":"3","message":null,"echo":{"seq":1}}"#,
            r#"{"status":"failed","retcode":1400,"message":[{"type":"text","data":{"text":"bad"}}],"msg":"X","wording":5}"#,
            r#"{"status":"ok","retcode":0,"data":null,"echo":"1","time":5}"#,
            r#"{"status":"ok","status":"failed","echo":"1"}"#,
            r#"{"wording":"w","stream":"s"}"#,
            r#"{"status":"ok","message":5}"#,
        ] {
            let general = match serde_json::from_str::<OneBotEvent>(text) {
                Ok(ev) => classify(ev).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            let fast = decode_frame(text).map_err(|e| e.to_string());
            match (&general, &fast) {
                (Ok(g), Ok(f)) => assert_eq!(g, f, "{text}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{text}: general {general:?}, fast {fast:?}"),
            }
        }
        let Ok(PlainResponse(Some(r))) = serde_json::from_str::<PlainResponse>(r#"{"status":"ok","echo":"9"}"#) else {
            panic!("a plain response takes the shortcut")
        };
        assert_eq!(r.echo_id(), Some(9));
    }

    /// A response with keys an event also has keeps them, typed or not, as raw fields.
    #[test]
    fn responses_keep_keys_that_events_also_have() {
        let text = r#"{"status":"ok","retcode":0,"data":null,"echo":"1","time":5,"self_id":"10","user_id":7,"x":[1]}"#;
        let Frame::Response(r) = decode_frame(text).unwrap() else { panic!("a response") };
        assert_eq!(r.echo_id(), Some(1));
        assert_eq!(r.extra.get("time"), Some(&json!(5)));
        assert_eq!(r.extra.get("self_id"), Some(&json!("10")));
        assert_eq!(r.extra.get("user_id"), Some(&json!(7)));
        assert_eq!(r.extra.get("x"), Some(&json!([1])));
        assert!(!r.extra.contains_key("status") && !r.extra.contains_key("echo"));
    }

    #[test]
    fn bad_frames_are_reported_not_panicked() {
        assert!(matches!(decode_frame("not json"), Err(FrameError::NotJson(_))));
        assert!(matches!(decode_frame("{\"post_type\":\"mess"), Err(FrameError::NotJson(_))));
        assert!(matches!(decode_frame("[1,2]"), Err(FrameError::NotJson(_))));
        assert!(matches!(decode_frame("{\"a\":1}"), Err(FrameError::Unrecognised(_))));
        assert!(matches!(decode_frame("{\"post_type\":5}"), Err(FrameError::BadField { .. })));
    }

    #[test]
    fn requests_carry_a_string_echo() {
        let s = encode_request("get_status", &json!({}), 42).unwrap();
        assert_eq!(s, r#"{"action":"get_status","params":{},"echo":"42"}"#);
    }
}
