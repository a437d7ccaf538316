//! The fuzz targets: each feeds bytes to the decoders the adapters run on network input.

use std::fmt;

use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use qqbot::adapter::official::model::{Hello, Payload, opcode};
use qqbot::adapter::official::{OfficialEvent, WebhookKey, to_event as official_event};
use qqbot::adapter::onebot::__bench::{Inbound, LinkState, read_frame, read_handshake};
use qqbot::adapter::onebot::{OneBotConfig, WireMessage, cq, segment_from_wire, segment_to_wire};
use qqbot::config::Config;
use qqbot::event::Event;
use qqbot::message::Message;
use serde_json::value::RawValue;

/// A decoder under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A OneBot WebSocket frame or HTTP POST body through the frame policy every transport applies (event,
    /// action response or garbage), and the message of an event read back as text, mentions and CQ codes.
    OnebotFrame,
    /// A CQ-code string: parsed, printed back, and parsed again to the same segments.
    OnebotCq,
    /// A OneBot message in any of its wire forms (segment array, CQ string, single segment), each segment
    /// converted to the wire and back.
    OnebotSegments,
    /// A frame of the official gateway: the opcode envelope, then the dispatch or Hello body it carries.
    OfficialGateway,
    /// The body of an official dispatch of each event type (the first line names the type).
    OfficialDispatch,
    /// An official webhook request: the signature headers checked against the body, then the body decoded as
    /// the webhook handler does (half the inputs are signed correctly, so the decoder is reached).
    Webhook,
    /// The headers and query of an upgrade request to the reverse-WebSocket path.
    ReverseHandshake,
    /// A `qqbot.toml`: parsed, and every section the adapters and stores read.
    ConfigToml,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 8] = [
        Target::OnebotFrame,
        Target::OnebotCq,
        Target::OnebotSegments,
        Target::OfficialGateway,
        Target::OfficialDispatch,
        Target::Webhook,
        Target::ReverseHandshake,
        Target::ConfigToml,
    ];

    /// The target's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::OnebotFrame => "onebot_frame",
            Target::OnebotCq => "onebot_cq",
            Target::OnebotSegments => "onebot_segments",
            Target::OfficialGateway => "official_gateway",
            Target::OfficialDispatch => "official_dispatch",
            Target::Webhook => "webhook",
            Target::ReverseHandshake => "reverse_handshake",
            Target::ConfigToml => "config_toml",
        }
    }

    /// The target named `name`.
    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether inputs are JSON (mutated structurally as well as byte by byte).
    pub fn is_json(self) -> bool {
        matches!(self, Target::OnebotFrame | Target::OnebotSegments | Target::OfficialGateway)
    }

    /// Runs the target on one input. Panics only on a bug (which the fuzzer reports).
    pub fn run(self, data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        match self {
            Target::OnebotFrame => onebot_frame(&text),
            Target::OnebotCq => onebot_cq(&text),
            Target::OnebotSegments => onebot_segments(&text),
            Target::OfficialGateway => official_gateway(&text),
            Target::OfficialDispatch => official_dispatch(&text),
            Target::Webhook => webhook(data),
            Target::ReverseHandshake => reverse_handshake(&text),
            Target::ConfigToml => config_toml(&text),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a handler would do with a message: read it every way the API offers.
fn read_message(message: &Message) {
    let _ = message.plain_text();
    let _ = message.mentions().count();
    let _ = message.to_string();
    let _ = cq::to_string(message);
}

fn onebot_frame(text: &str) {
    let mut link = LinkState::new("fuzz");
    if let Inbound::Event(Event::Message(m)) = read_frame(text, Some("10000"), &mut link) {
        read_message(&m.message);
    }
}

fn onebot_cq(text: &str) {
    let parsed = cq::parse(text);
    let printed = cq::to_string(&parsed);
    let again = cq::parse(&printed);
    assert_eq!(again, parsed, "CQ codes must read back as written: {text:?} → {printed:?}");
}

fn onebot_segments(text: &str) {
    let message = match serde_json::from_str::<WireMessage>(text) {
        Ok(WireMessage::Array(m)) => m,
        Ok(WireMessage::Cq(s)) => cq::parse(&s),
        Ok(WireMessage::Single(s)) => Message::from(vec![s]),
        Err(_) => return,
    };
    for segment in message.segments() {
        let (kind, data) = segment_to_wire(segment);
        let _ = segment_from_wire(kind, data);
    }
    read_message(&message);
}

fn official_dispatch_payload(payload: Payload) {
    match payload.op {
        opcode::DISPATCH => {
            let event = official_event(OfficialEvent::from_payload(payload), "fuzz-bot");
            if let Event::Message(m) = &event {
                read_message(&m.message);
            }
        }
        opcode::HELLO => {
            let _ = payload.data::<Hello>();
        }
        _ => {
            let _ = payload.data::<serde_json::Value>();
        }
    }
}

fn official_gateway(text: &str) {
    if let Ok(payload) = serde_json::from_str::<Payload>(text) {
        official_dispatch_payload(payload);
    }
}

/// Event types whose bodies the dispatch target decodes (every family the model types, and one it does not).
const DISPATCH_TYPES: [&str; 16] = [
    "GROUP_AT_MESSAGE_CREATE",
    "GROUP_MESSAGE_CREATE",
    "C2C_MESSAGE_CREATE",
    "AT_MESSAGE_CREATE",
    "MESSAGE_CREATE",
    "DIRECT_MESSAGE_CREATE",
    "INTERACTION_CREATE",
    "GROUP_ADD_ROBOT",
    "FRIEND_ADD",
    "GUILD_MEMBER_ADD",
    "CHANNEL_CREATE",
    "MESSAGE_REACTION_ADD",
    "FORUM_THREAD_CREATE",
    "AUDIO_START",
    "READY",
    "SOMETHING_NEW",
];

fn official_dispatch(text: &str) {
    let (first, body) = text.split_once('\n').unwrap_or(("", text));
    let t = DISPATCH_TYPES.iter().find(|t| **t == first.trim()).copied().unwrap_or_else(|| {
        DISPATCH_TYPES[first.bytes().fold(0usize, |a, b| a.wrapping_add(b as usize)) % DISPATCH_TYPES.len()]
    });
    if let Ok(raw) = serde_json::from_str::<Box<RawValue>>(body) {
        let event = official_event(OfficialEvent::decode_raw(t, Some("fuzz".into()), Some(1), raw), "fuzz-bot");
        if let Event::Message(m) = &event {
            read_message(&m.message);
        }
    }
}

fn webhook(data: &[u8]) {
    thread_local! {
        static KEY: WebhookKey = WebhookKey::from_secret("fuzz-secret");
    }
    // Layout: one flag byte, then `timestamp\nsignature\nbody`.
    let Some((&flag, rest)) = data.split_first() else { return };
    let mut parts = rest.splitn(3, |b| *b == b'\n');
    let timestamp = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let signature = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default();
    KEY.with(|key| {
        let signature = if flag & 1 == 1 { key.sign_request(&timestamp, body) } else { signature };
        if key.verify(timestamp.trim(), body, signature.trim()).is_err() {
            return;
        }
        let _: Result<i64, _> = timestamp.trim().parse();
        if let Ok(payload) = serde_json::from_slice::<Payload>(body) {
            if payload.op == opcode::CALLBACK_VALIDATION {
                let d = payload.data::<serde_json::Value>().unwrap_or_default();
                let token = d.get("plain_token").and_then(|v| v.as_str()).unwrap_or("");
                let ts = d.get("event_ts").and_then(|v| v.as_str()).unwrap_or("");
                let _ = key.validation_answer(token, ts);
            } else {
                official_dispatch_payload(payload);
            }
        }
    });
}

fn reverse_handshake(text: &str) {
    // Layout: the query on the first line, then `name: value` header lines.
    let mut lines = text.split('\n');
    let query = lines.next().filter(|q| !q.is_empty());
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name.trim().as_bytes()), HeaderValue::from_str(value.trim()))
        else {
            continue;
        };
        headers.append(name, value);
    }
    for token in [None, Some("secret-token")] {
        if let Ok(h) = read_handshake(token, &headers, query) {
            assert!(!h.self_id.is_empty(), "an accepted handshake names its account");
        }
    }
}

fn config_toml(text: &str) {
    let Ok(config) = Config::from_toml(text) else { return };
    let _ = config.lang();
    let _ = OneBotConfig::load(&config);
    let _ = qqbot::adapter::official::OfficialConfig::from_config(&config);
    let _ = config.section::<qqbot::session::SessionConfig>("session");
    let _ = qqbot::session::SessionManager::from_config(&config);
}
