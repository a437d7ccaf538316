//! Gateway frames: the envelope, Hello, READY, and the discovery answer.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::guild::User;
use crate::adapter::serde_lenient::{self, lenient};

/// Opcodes of the gateway and webhook frames.
pub mod opcode {
    /// Dispatch (an event).
    pub const DISPATCH: u8 = 0;
    /// Heartbeat.
    pub const HEARTBEAT: u8 = 1;
    /// Identify.
    pub const IDENTIFY: u8 = 2;
    /// Resume.
    pub const RESUME: u8 = 6;
    /// Reconnect: the server asks the client to reconnect and resume.
    pub const RECONNECT: u8 = 7;
    /// Invalid session: identify again (unless `d` is `true`).
    pub const INVALID_SESSION: u8 = 9;
    /// Hello: the first frame after connecting.
    pub const HELLO: u8 = 10;
    /// Heartbeat ACK.
    pub const HEARTBEAT_ACK: u8 = 11;
    /// Webhook: HTTP callback ACK.
    pub const HTTP_CALLBACK_ACK: u8 = 12;
    /// Webhook: callback URL validation.
    pub const CALLBACK_VALIDATION: u8 = 13;
}

/// One frame: `{"id","op","d","s","t"}`. `d` stays raw JSON text (borrowed from nothing, no `Value` tree) and is
/// decoded once, straight into its type, per `t` — it is an object, a number, `""` (RESUMED), a boolean (op 9) or
/// absent (op 11).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payload {
    /// The opcode.
    pub op: u8,
    /// The data, as received.
    #[serde(default = "null_data")]
    pub d: Box<RawValue>,
    /// The sequence number (gateway dispatches only).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "opt_u64")]
    pub s: Option<u64>,
    /// The event type (dispatches).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "serde_lenient::opt_string")]
    pub t: Option<String>,
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "serde_lenient::opt_string")]
    pub id: Option<String>,
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        (self.op, self.d.get(), self.s, &self.t, &self.id) == (other.op, other.d.get(), other.s, &other.t, &other.id)
    }
}

impl Payload {
    /// `d` decoded as `T`, or `None` when it is not one.
    pub fn data<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_str(self.d.get()).ok()
    }
}

/// `d` of a frame without one.
pub(crate) fn null_data() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).unwrap_or_else(|_| unreachable!("`null` is JSON"))
}

fn opt_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(serde_lenient::opt_i64(d)?.and_then(|i| u64::try_from(i).ok()))
}

lenient! {
    /// Hello's data.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Hello {
        /// Milliseconds between heartbeats.
        pub heartbeat_interval: Option<i64>,
    }
}

lenient! {
    /// READY: the session is open.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Ready {
        /// The protocol version.
        pub version: Option<i64>,
        /// The session id, for Resume.
        pub session_id: Option<String>,
        /// The bot user: `user.id` is the id used in mentions of the bot.
        pub user: Option<User>,
        /// `[shard_id, shard_count]`.
        pub shard: Vec<u32>,
    }
}

lenient! {
    /// `GET /gateway/bot`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GatewayBot {
        /// The WebSocket URL.
        pub url: Option<String>,
        /// The recommended shard count.
        pub shards: Option<i64>,
        /// Identify limits.
        pub session_start_limit: Option<SessionStartLimit>,
    }
}

lenient! {
    /// How many Identify calls are left.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SessionStartLimit {
        /// Allowed per period.
        pub total: Option<i64>,
        /// Left in this period.
        pub remaining: Option<i64>,
        /// Milliseconds until the period resets.
        pub reset_after: Option<i64>,
        /// Identify calls allowed per 5 seconds.
        pub max_concurrency: Option<i64>,
    }
}
