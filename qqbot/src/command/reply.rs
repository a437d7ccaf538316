//! What a handler's return value means.

use super::error::BoxError;
use crate::message::{Mention, Message, Segment};

/// What a handler asked for by returning: a reply, a failure, a short-circuit decision.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct HandlerOutput {
    /// The reply to send, if any.
    pub reply: Option<Message>,
    /// The handler failed with this error, kept as its own value: it becomes a
    /// [`CommandError::Handler`](super::CommandError::Handler) for the `on_error` hooks.
    pub error: Option<BoxError>,
    /// For `custom_short_circuit` handlers: whether to stop the chain.
    pub stop: Option<bool>,
}

impl HandlerOutput {
    /// Nothing to do.
    pub fn none() -> Self {
        HandlerOutput::default()
    }

    /// Reply with `message`.
    pub fn reply(message: Message) -> Self {
        HandlerOutput { reply: Some(message), ..Default::default() }
    }

    /// Fail with `error`.
    pub fn error(error: impl Into<BoxError>) -> Self {
        HandlerOutput { error: Some(error.into()), ..Default::default() }
    }
}

/// A handler return type: `()`, `String`, `&'static str`, `Message`, `Segment`, `Option<T>`, `Result<T, E>`
/// (with `E` any error, or a `String` / `&str`: anything `Into<Box<dyn Error + Send + Sync>>`) or `bool`
/// (custom short-circuit).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a command handler",
    note = "return (), String, &'static str, Message, Segment, Option<T>, Result<T, E: Error>, or bool for custom_short_circuit"
)]
pub trait IntoReply {
    /// Converts the value.
    fn into_reply(self) -> HandlerOutput;
}

impl IntoReply for () {
    fn into_reply(self) -> HandlerOutput {
        HandlerOutput::none()
    }
}

impl IntoReply for String {
    fn into_reply(self) -> HandlerOutput {
        if self.is_empty() { HandlerOutput::none() } else { HandlerOutput::reply(self.into()) }
    }
}

impl IntoReply for &'static str {
    fn into_reply(self) -> HandlerOutput {
        if self.is_empty() { HandlerOutput::none() } else { HandlerOutput::reply(self.into()) }
    }
}

impl IntoReply for Message {
    fn into_reply(self) -> HandlerOutput {
        if self.is_empty() { HandlerOutput::none() } else { HandlerOutput::reply(self) }
    }
}

impl IntoReply for Segment {
    fn into_reply(self) -> HandlerOutput {
        HandlerOutput::reply(self.into())
    }
}

impl IntoReply for Mention {
    fn into_reply(self) -> HandlerOutput {
        HandlerOutput::reply(self.into())
    }
}

impl IntoReply for bool {
    fn into_reply(self) -> HandlerOutput {
        HandlerOutput { stop: Some(self), ..Default::default() }
    }
}

impl IntoReply for HandlerOutput {
    fn into_reply(self) -> HandlerOutput {
        self
    }
}

impl<T: IntoReply> IntoReply for Option<T> {
    fn into_reply(self) -> HandlerOutput {
        self.map_or_else(HandlerOutput::none, IntoReply::into_reply)
    }
}

impl<T: IntoReply, E: Into<BoxError>> IntoReply for Result<T, E> {
    fn into_reply(self) -> HandlerOutput {
        match self {
            Ok(v) => v.into_reply(),
            Err(e) => HandlerOutput::error(e),
        }
    }
}

/// The return type of a `custom_short_circuit` handler: `true` stops the chain.
#[diagnostic::on_unimplemented(
    message = "a `custom_short_circuit` handler must return `bool`, not `{Self}`",
    label = "return `bool` here: `true` stops the chain, `false` lets the next command run",
    note = "use `short_circuit = true` instead to always stop after this command"
)]
pub trait ShortCircuitOutput: IntoReply {}

impl ShortCircuitOutput for bool {}
