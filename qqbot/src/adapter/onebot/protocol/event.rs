//! The OneBot event as received, typed where the framework reads it and kept whole otherwise.
//!
//! One struct covers every event (and, with `extra`, every action response): serde fills the typed fields in
//! one pass over the frame and keeps every other field in `extra` exactly as it arrived, so an event re-encodes
//! to the same JSON. The neutral [`crate::Event`] is built from it; it stays reachable as
//! `event.platform_data::<OneBotEvent>()`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::id::WireId;
use super::segment::WireMessage;

/// A map key, borrowed from the frame when it has no escapes. (`Cow<str>`'s own `Deserialize` always copies.)
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Declares a struct whose listed fields are typed (`Option`s) and whose other fields are kept in `extra`,
/// with a one-pass map visitor and a serializer that writes both back. A typed field that arrives as `null`
/// goes to `extra` as `null`, so it survives re-encoding too.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
            /// Every other field, exactly as received.
            pub extra: Map<String, Value>,
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(None)?;
                $( if let Some(v) = &self.$field { map.serialize_entry(stringify!($field), v)?; } )*
                for (k, v) in &self.extra {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a OneBot ", stringify!($name), " object"))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            match key.as_ref() {
                                $( stringify!($field) => match map.next_value::<Option<$ty>>()? {
                                    Some(v) => out.$field = Some(v),
                                    None => { out.extra.insert(key.into_owned(), Value::Null); }
                                }, )*
                                _ => {
                                    let v = map.next_value::<Value>()?;
                                    out.extra.insert(key.into_owned(), v);
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

wire_struct! {
    /// A OneBot v11 event (or any frame) as received: the fields the framework reads, typed; the rest in `extra`.
    ///
    /// ```
    /// use qqbot::adapter::onebot::OneBotEvent;
    /// let e: OneBotEvent = serde_json::from_str(
    ///     r#"{"time":1,"self_id":10,"post_type":"notice","notice_type":"group_msg_emoji_like","group_id":"2","likes":[]}"#,
    /// ).unwrap();
    /// assert_eq!(e.path(), "notice/group_msg_emoji_like");
    /// assert!(e.extra.contains_key("likes"));
    /// assert_eq!(e.group_id.as_ref().unwrap().as_str(), "2");
    /// ```
    pub struct OneBotEvent {
        /// Unix time in seconds (NapCat may fall back to milliseconds: use [`OneBotEvent::time_secs`]).
        time: WireId,
        /// The bot account.
        self_id: WireId,
        /// `message`, `message_sent`, `notice`, `request`, `meta_event`.
        post_type: String,
        /// `private`, `group` (message events).
        message_type: String,
        /// The notice type (notice events).
        notice_type: String,
        /// `friend`, `group` (request events).
        request_type: String,
        /// `lifecycle`, `heartbeat` (meta events).
        meta_event_type: String,
        /// The third-level type.
        sub_type: String,
        /// The message id (session-local; may be negative).
        message_id: WireId,
        /// The user the event is about (sender, joiner, requester …).
        user_id: WireId,
        /// The group.
        group_id: WireId,
        /// Who did it (admin, inviter …).
        operator_id: WireId,
        /// Who was poked / the lucky king / the receiver.
        target_id: WireId,
        /// Who poked (NapCat private pokes), the essence message's sender.
        sender_id: WireId,
        /// The message, in array or CQ form (for action responses: the error text, as `Cq`). In the platform data of
        /// a message event, only a CQ string is kept here: a segment array has moved into the neutral event.
        message: WireMessage,
        /// The message as a CQ string — or, from older NapCat (1.7) and LLOneBot (3.29) poke notices, an array:
        /// kept as it came (read the text with [`OneBotEvent::raw_message_text`]). Not kept for a message over
        /// 64 KiB of one text segment whose `raw_message` is exactly that text: read the message instead.
        raw_message: Value,
        /// The sender's profile.
        sender: OneBotSender,
        /// Mute duration in seconds.
        duration: WireId,
        /// The request's message.
        comment: String,
        /// The request's token for `set_*_add_request`.
        flag: WireId,
        /// Heartbeat interval in milliseconds.
        interval: WireId,
        /// Heartbeat status object (for action responses: `ok`/`failed`).
        status: Value,
        /// Uploaded file object.
        file: Value,
    }
}

wire_struct! {
    /// The `sender` object of a message event.
    pub struct OneBotSender {
        /// The sender.
        user_id: WireId,
        /// Nickname.
        nickname: String,
        /// Group card (群名片).
        card: String,
        /// `owner`, `admin`, `member`.
        role: String,
    }
}

impl OneBotEvent {
    /// `raw_message` when it is the usual CQ string.
    pub fn raw_message_text(&self) -> Option<&str> {
        self.raw_message.as_ref().and_then(Value::as_str)
    }

    /// `post_type/second/sub_type` with the parts present, e.g. `notice/notify/poke`, `message/group/normal`.
    pub fn path(&self) -> String {
        let mut path = self.post_type.clone().unwrap_or_default();
        for part in [self.detail_type(), self.sub_type.as_deref()].into_iter().flatten() {
            path.push('/');
            path.push_str(part);
        }
        path
    }

    /// The second-level type: `message_type`, `notice_type`, `request_type` or `meta_event_type`.
    pub fn detail_type(&self) -> Option<&str> {
        self.message_type
            .as_deref()
            .or(self.notice_type.as_deref())
            .or(self.request_type.as_deref())
            .or(self.meta_event_type.as_deref())
    }

    /// The time in seconds; values that look like milliseconds (NapCat's fallback) are divided by 1000.
    pub fn time_secs(&self) -> i64 {
        let t = self.time.as_ref().and_then(WireId::as_i64).unwrap_or(0);
        if t > 100_000_000_000 { t / 1000 } else { t }
    }

    /// Whether this frame is an event (it has a `post_type`).
    pub fn is_event(&self) -> bool {
        self.post_type.is_some()
    }

    /// The event as JSON, every field included.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_nulls_and_unknown_fields() {
        let text = r#"{"time":1,"self_id":"10","post_type":"message","message_type":"group","anonymous":null,
            "sub_type":null,"message":[{"type":"text","data":{"text":"a"}}],"sender":{"user_id":1,"level":"2"},"x":{"y":[1]}}"#;
        let e: OneBotEvent = serde_json::from_str(text).unwrap();
        assert_eq!(e.sub_type, None);
        assert_eq!(e.extra.get("sub_type"), Some(&Value::Null));
        assert_eq!(e.sender.as_ref().unwrap().extra.get("level"), Some(&Value::String("2".into())));
        let orig: Value = serde_json::from_str(text).unwrap();
        assert_eq!(e.to_value(), orig);
        assert_eq!(e.path(), "message/group");
    }

    #[test]
    fn milliseconds_become_seconds() {
        let e: OneBotEvent = serde_json::from_str(r#"{"time":1700000000123}"#).unwrap();
        assert_eq!(e.time_secs(), 1_700_000_000);
    }
}
