//! What a handler's return value means.

use std::fmt::Display;

use crate::message::{Mention, Message, Segment};

/// What a handler asked for by returning: a reply, a failure, a short-circuit decision.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct HandlerOutput {
    /// The reply to send, if any.
    pub reply: Option<Message>,
    /// The handler failed with this error (logged, and replied in a friendly form).
    pub error: Option<String>,
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
}

/// A handler return type: `()`, `String`, `&'static str`, `Message`, `Segment`, `Option<T>`, `Result<T, E>`
/// (with `E: Display`) or `bool` (custom short-circuit).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a command handler",
    note = "return (), String, &'static str, Message, Segment, Option<T>, Result<T, E: Display>, or bool for custom_short_circuit"
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

impl<T: IntoReply, E: Display> IntoReply for Result<T, E> {
    fn into_reply(self) -> HandlerOutput {
        match self {
            Ok(v) => v.into_reply(),
            Err(e) => HandlerOutput { error: Some(e.to_string()), ..Default::default() },
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
