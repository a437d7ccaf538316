//! The request a sent message becomes: `send_group_msg` / `send_private_msg` with the message as a segment array.
//!
//! [`OneBotBot`](crate::adapter::onebot::OneBotBot) sends every reply through [`SendRequest`], serialized straight
//! into the frame by [`encode_request`](super::frame::encode_request) without a JSON tree in between; it is public
//! so the benchmarks measure the very encoding the send path performs.
//!
//! ```
//! use qqbot::Target;
//! use qqbot::adapter::onebot::__bench::{SendRequest, encode_request};
//! let message = qqbot::Message::from("hi");
//! let target = Target::Group("20".into());
//! let request = SendRequest::new(&target, &message).unwrap();
//! let frame = encode_request(request.action(), &request, 7).unwrap();
//! assert_eq!(
//!     frame,
//!     r#"{"action":"send_group_msg","params":{"group_id":20,"message":[{"type":"text","data":{"text":"hi"}}]},"echo":"7"}"#
//! );
//! ```

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use super::id::IdParam;
use super::segment::MessageRef;
use crate::api::Target;
use crate::error::Error;
use crate::event::Platform;
use crate::message::{Message, Segment};

/// The params of one send action, borrowing the target and the message. Serializes as the `params` object.
#[derive(Clone, Copy)]
pub struct SendRequest<'a> {
    action: &'static str,
    /// `group_id` or `user_id`.
    key: &'static str,
    id: IdParam<'a>,
    message: &'a Message,
}

impl<'a> SendRequest<'a> {
    /// The request for `message` to `target`; guild channels and DMs are not OneBot targets.
    pub fn new(target: &'a Target, message: &'a Message) -> Result<Self, Error> {
        let (action, key, id) = match target {
            Target::Group(id) => ("send_group_msg", "group_id", id),
            Target::Private(id) => ("send_private_msg", "user_id", id),
            other => {
                return Err(Error::Unsupported {
                    platform: Platform::OneBot,
                    what: format!("sending to {other} (guild channels and DMs)"),
                });
            }
        };
        Ok(SendRequest { action, key, id: IdParam(id), message })
    }

    /// The action name: `send_group_msg` or `send_private_msg`.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// About how many bytes the request's frame takes: its texts and a little per segment (escapes may add more).
    pub fn size_hint(&self) -> usize {
        let texts: usize = self.message.iter().map(|s| if let Segment::Text(t) = s { t.len() } else { 96 }).sum();
        256 + texts + texts / 16
    }
}

impl std::fmt::Debug for SendRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendRequest").field("action", &self.action).field(self.key, &self.id.0).finish_non_exhaustive()
    }
}

impl Serialize for SendRequest<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SendParams", 2)?;
        st.serialize_field(self.key, &self.id)?;
        st.serialize_field("message", &MessageRef(self.message))?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::onebot::protocol::frame::encode_request;

    #[test]
    fn private_sends_and_string_ids() {
        let m = Message::from("a");
        let target = Target::Private("u1".into());
        let r = SendRequest::new(&target, &m).unwrap();
        assert_eq!(r.action(), "send_private_msg");
        assert_eq!(
            encode_request(r.action(), &r, 3).unwrap(),
            r#"{"action":"send_private_msg","params":{"user_id":"u1","message":[{"type":"text","data":{"text":"a"}}]},"echo":"3"}"#
        );
        assert!(SendRequest::new(&Target::Channel("c".into()), &m).is_err());
    }
}
