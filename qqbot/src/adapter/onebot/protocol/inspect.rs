//! Recognises what a OneBot payload is and checks that it decodes without loss: the engine of
//! `cargo run --example decode -- onebot FILE…`, for bot authors debugging what their implementation sends.

use serde::Deserialize;
use serde_json::Value;

use super::convert::to_event;
use super::cq;
use super::event::{OneBotEvent, OneBotSender};
use super::frame::{Frame, decode_value};
use super::segment::{WireMessage, WireSegment};
use crate::event::Event;

/// What a payload holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadKind {
    /// An event, with its `post_type/…/sub_type` path and the neutral kind it became.
    Event {
        /// `message/group/normal`, `notice/notify/poke` …
        path: String,
        /// `message`, `notice:Poked`, `notice:Raw` …
        neutral: String,
    },
    /// An action request `{action, params, echo}`.
    ActionRequest(String),
    /// The params object of an action.
    ActionParams,
    /// An action response, `ok` or failed with its retcode.
    ActionResponse {
        /// Whether it reports success.
        ok: bool,
        /// The retcode.
        retcode: i64,
    },
    /// A message in array form, with its segment count.
    MessageArray(usize),
    /// One segment, with its type.
    Segment(String),
    /// A CQ-code string, with its segment count.
    CqString(usize),
    /// A `{cq, array}` pair whose two forms agree.
    CqPair(usize),
    /// A quick-operation object.
    QuickOperation,
    /// A `sender` object.
    Sender,
    /// An HTTP POST signature test vector (`secret`, `body_utf8`, `headers`) that verifies.
    SignatureVector,
    /// Reverse-WebSocket handshake headers.
    HandshakeHeaders,
}

impl std::fmt::Display for PayloadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayloadKind::Event { path, neutral } => write!(f, "event {path} -> {neutral}"),
            PayloadKind::ActionRequest(a) => write!(f, "action-request {a}"),
            PayloadKind::ActionParams => f.write_str("action-params"),
            PayloadKind::ActionResponse { ok, retcode } => {
                write!(f, "action-response {} retcode={retcode}", if *ok { "ok" } else { "failed" })
            }
            PayloadKind::MessageArray(n) => write!(f, "message-array ({n} segments)"),
            PayloadKind::Segment(t) => write!(f, "segment {t}"),
            PayloadKind::CqString(n) => write!(f, "cq-string ({n} segments)"),
            PayloadKind::CqPair(n) => write!(f, "cq-pair ({n} segments agree)"),
            PayloadKind::QuickOperation => f.write_str("quick-operation"),
            PayloadKind::Sender => f.write_str("sender"),
            PayloadKind::SignatureVector => f.write_str("http-post-signature (verifies)"),
            PayloadKind::HandshakeHeaders => f.write_str("reverse-ws-handshake-headers"),
        }
    }
}

/// Recognises `text` and checks that it decodes and re-encodes to the same JSON. The error says what is wrong.
pub fn inspect(text: &str) -> Result<PayloadKind, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match &value {
        Value::String(s) => {
            let m = cq::parse_strict(s).map_err(|e| format!("CQ string: {e}"))?;
            Ok(PayloadKind::CqString(m.len()))
        }
        Value::Array(_) => {
            let n = lossless::<Vec<WireSegment>>(&value, "message array")?.len();
            Ok(PayloadKind::MessageArray(n))
        }
        Value::Object(o) => {
            if o.contains_key("cq") && o.contains_key("array") {
                cq_pair(&value)
            } else if o.contains_key("post_type") {
                event(&value)
            } else if o.get("action").is_some_and(Value::is_string) {
                request(&value)
            } else if o.contains_key("secret") && o.contains_key("body_utf8") {
                signature_vector(&value)
            } else if o.keys().any(|k| k.eq_ignore_ascii_case("x-self-id")) {
                Ok(PayloadKind::HandshakeHeaders)
            } else if o.contains_key("status") || o.contains_key("retcode") {
                response(&value)
            } else if o.contains_key("type") && o.contains_key("data") {
                let WireSegment(seg) = lossless::<WireSegment>(&value, "segment")?;
                Ok(PayloadKind::Segment(seg.kind().to_owned()))
            } else if ["reply", "at_sender", "approve", "delete", "kick", "ban", "remark", "reason"]
                .iter()
                .any(|k| o.contains_key(*k))
            {
                if let Some(reply) = o.get("reply") {
                    lossless::<WireMessage>(reply, "quick-operation reply")?;
                }
                Ok(PayloadKind::QuickOperation)
            } else if o.contains_key("nickname") && (o.contains_key("user_id") || o.contains_key("sex")) {
                lossless::<OneBotSender>(&value, "sender")?;
                Ok(PayloadKind::Sender)
            } else {
                params(&value)?;
                Ok(PayloadKind::ActionParams)
            }
        }
        other => Err(format!("a bare {} is no OneBot payload", type_name(other))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Decodes `value` as `T`, re-encodes it, and demands the same JSON back.
fn lossless<T>(value: &Value, what: &str) -> Result<T, String>
where
    T: for<'de> Deserialize<'de> + serde::Serialize,
{
    let decoded = T::deserialize(value).map_err(|e| format!("{what} does not decode: {e}"))?;
    let again = serde_json::to_value(&decoded).map_err(|e| format!("{what} does not re-encode: {e}"))?;
    if &again != value {
        return Err(format!("{what} changes when re-encoded: {}", first_difference(value, &again)));
    }
    Ok(decoded)
}

/// Where two JSON values first differ, as a path.
fn first_difference(a: &Value, b: &Value) -> String {
    fn walk(a: &Value, b: &Value, path: &mut String) -> bool {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for k in x.keys().chain(y.keys()) {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    match (x.get(k), y.get(k)) {
                        (Some(p), Some(q)) => {
                            if walk(p, q, path) {
                                return true;
                            }
                        }
                        _ => return true,
                    }
                    path.truncate(len);
                }
                false
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    if walk(p, q, path) {
                        return true;
                    }
                    path.truncate(len);
                }
                false
            }
            _ => a != b,
        }
    }
    let mut path = String::from("$");
    walk(a, b, &mut path);
    path
}

fn event(value: &Value) -> Result<PayloadKind, String> {
    let ev = lossless::<OneBotEvent>(value, "event")?;
    let path = ev.path();
    let neutral = match to_event(ev, "0") {
        Event::Message(m) => format!("message:{}", m.scene),
        Event::Notice(n) => {
            let debug = format!("{:?}", n.kind);
            format!("notice:{}", debug.split('(').next().unwrap_or("?"))
        }
        #[allow(unreachable_patterns)]
        _ => "other".to_owned(),
    };
    Ok(PayloadKind::Event { path, neutral })
}

fn request(value: &Value) -> Result<PayloadKind, String> {
    let action = value.get("action").and_then(Value::as_str).unwrap_or_default().to_owned();
    if let Some(p) = value.get("params") {
        params(p)?;
    }
    Ok(PayloadKind::ActionRequest(action))
}

/// Action params: every message-like field must decode without loss.
fn params(value: &Value) -> Result<(), String> {
    let Value::Object(o) = value else { return Err("params must be an object".into()) };
    for key in ["message", "messages"] {
        if let Some(m) = o.get(key) {
            lossless::<WireMessage>(m, key)?;
        }
    }
    Ok(())
}

fn response(value: &Value) -> Result<PayloadKind, String> {
    lossless::<OneBotEvent>(value, "response")?;
    match decode_value(value.clone()) {
        Ok(Frame::Response(r)) => Ok(PayloadKind::ActionResponse { ok: r.is_ok(), retcode: r.retcode }),
        Ok(Frame::Event(_)) => Err("looks like a response but decodes as an event".into()),
        Err(e) => Err(e.to_string()),
    }
}

fn cq_pair(value: &Value) -> Result<PayloadKind, String> {
    let cq_text = value.get("cq").and_then(Value::as_str).ok_or("`cq` must be a string")?;
    let array = value.get("array").ok_or("`array` missing")?;
    lossless::<Vec<WireSegment>>(array, "array")?;
    let Value::Array(items) = array else { return Err("`array` must be an array".into()) };
    let parsed = cq::parse_wire(cq_text);
    if cq::parse_strict(cq_text).is_err() {
        return Err("the CQ string has a malformed code".into());
    }
    if parsed.len() != items.len() {
        return Err(format!("the CQ string has {} segments, the array {}", parsed.len(), items.len()));
    }
    for (i, ((kind, data), item)) in parsed.iter().zip(items).enumerate() {
        let item_kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
        if kind != item_kind {
            return Err(format!("segment {i}: `{kind}` in the CQ string, `{item_kind}` in the array"));
        }
        let empty = serde_json::Map::new();
        let item_data = item.get("data").and_then(Value::as_object).unwrap_or(&empty);
        for key in data.keys().chain(item_data.keys()) {
            let cq_value = data.get(key).and_then(Value::as_str).unwrap_or("");
            let agrees = match item_data.get(key) {
                None | Some(Value::Null) => cq_value.is_empty(),
                Some(Value::String(s)) => s == cq_value,
                // The string form writes other values as JSON text (NapCat, LLOneBot).
                Some(other) => serde_json::from_str::<Value>(cq_value).ok().as_ref() == Some(other),
            };
            if !agrees {
                return Err(format!("segment {i} ({kind}): `{key}` differs between the two forms"));
            }
        }
    }
    Ok(PayloadKind::CqPair(items.len()))
}

fn signature_vector(value: &Value) -> Result<PayloadKind, String> {
    let secret = value.get("secret").and_then(Value::as_str).ok_or("`secret` must be a string")?;
    let body = value.get("body_utf8").and_then(Value::as_str).ok_or("`body_utf8` must be a string")?;
    let header = value
        .get("headers")
        .and_then(Value::as_object)
        .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-signature")))
        .and_then(|(_, v)| v.as_str())
        .ok_or("no X-Signature header")?;
    match crate::adapter::onebot::protocol::auth::check_signature(Some(secret), Some(header), body.as_bytes()) {
        crate::adapter::onebot::protocol::auth::Signature::Ok => {}
        _ => return Err("X-Signature does not match HMAC-SHA1(secret, body)".into()),
    }
    let body: Value = serde_json::from_str(body).map_err(|e| format!("body is not JSON: {e}"))?;
    lossless::<OneBotEvent>(&body, "signed event")?;
    Ok(PayloadKind::SignatureVector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_kinds() {
        assert!(matches!(inspect(r#""hi[CQ:face,id=1]""#), Ok(PayloadKind::CqString(2))));
        assert!(matches!(inspect(r#"{"post_type":"notice","notice_type":"x"}"#), Ok(PayloadKind::Event { .. })));
        assert!(matches!(
            inspect(r#"{"status":"ok","retcode":0,"data":null}"#),
            Ok(PayloadKind::ActionResponse { ok: true, .. })
        ));
        assert!(matches!(inspect(r#"{"action":"get_status"}"#), Ok(PayloadKind::ActionRequest(_))));
        assert!(inspect("{").unwrap_err().starts_with("not JSON"));
        assert!(inspect(r#""[CQ:face,id=1""#).is_err());
        assert!(inspect(r#"{"cq":"[CQ:face,id=1]","array":[{"type":"face","data":{"id":"2"}}]}"#).is_err());
        assert!(inspect("5").is_err());
    }
}
