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

/// A handler return type: `()`, `String`, `&'static str`, `Message`, `Segment`, `Option<T>` or `Result<T, E>`
/// (with `E` any error, or a `String` / `&str`: anything `Into<Box<dyn Error + Send + Sync>>`). `bool` is not one:
/// it decides the chain, so only a `custom_short_circuit` handler may return it (see [`ShortCircuitOutput`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler",
    label = "not a reply",
    note = "return (), String, &'static str, Message, Segment, Option<T> or Result<T, E: Error>",
    note = "a handler that decides whether the next command runs returns `bool`, `(bool, reply)` or `Flow`, and needs `custom_short_circuit = true`"
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

/// What a `custom_short_circuit` handler decided: stop the chain or let the next command run, with an optional
/// reply either way.
///
/// ```
/// use qqbot::command::Flow;
/// let done = Flow::stop("已签到");
/// let pass = Flow::next();
/// ```
#[derive(Debug)]
#[must_use]
pub struct Flow {
    stop: bool,
    output: HandlerOutput,
}

impl Flow {
    /// Reply with `reply` and stop the chain.
    pub fn stop(reply: impl IntoReply) -> Self {
        Flow { stop: true, output: reply.into_reply() }
    }

    /// Stop the chain without replying.
    pub fn stop_silently() -> Self {
        Flow { stop: true, output: HandlerOutput::none() }
    }

    /// Let the next command run, without replying.
    pub fn next() -> Self {
        Flow { stop: false, output: HandlerOutput::none() }
    }

    /// Reply with `reply`, then let the next command run too.
    pub fn next_with(reply: impl IntoReply) -> Self {
        Flow { stop: false, output: reply.into_reply() }
    }

    /// Whether the chain stops.
    pub fn stops(&self) -> bool {
        self.stop
    }
}

/// The return type of a `custom_short_circuit` handler: `bool` (`true` stops the chain), `(bool, reply)`,
/// [`Flow`], or a `Result` of one of them (an error lets the chain go on).
#[diagnostic::on_unimplemented(
    message = "a `custom_short_circuit` handler must return `bool`, `(bool, reply)` or `Flow`, not `{Self}`",
    label = "return `bool` here: `true` stops the chain, `false` lets the next command run",
    note = "`(true, \"reply\")` or `Flow::stop(reply)` replies as well; use `short_circuit = true` instead to always stop after this command"
)]
pub trait ShortCircuitOutput {
    /// Converts the value, with its decision in [`HandlerOutput::stop`].
    fn into_output(self) -> HandlerOutput;
}

impl ShortCircuitOutput for bool {
    fn into_output(self) -> HandlerOutput {
        HandlerOutput { stop: Some(self), ..Default::default() }
    }
}

impl ShortCircuitOutput for Flow {
    fn into_output(self) -> HandlerOutput {
        HandlerOutput { stop: Some(self.stop), ..self.output }
    }
}

impl<R: IntoReply> ShortCircuitOutput for (bool, R) {
    fn into_output(self) -> HandlerOutput {
        HandlerOutput { stop: Some(self.0), ..self.1.into_reply() }
    }
}

impl<T: ShortCircuitOutput, E: Into<BoxError>> ShortCircuitOutput for Result<T, E> {
    fn into_output(self) -> HandlerOutput {
        match self {
            Ok(v) => v.into_output(),
            Err(e) => HandlerOutput::error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(out: &HandlerOutput) -> Option<String> {
        out.reply.as_ref().map(Message::plain_text)
    }

    #[test]
    fn short_circuit_outputs_carry_decision_and_reply() {
        let out = true.into_output();
        assert_eq!((out.stop, text(&out)), (Some(true), None));
        let out = (false, "继续").into_output();
        assert_eq!((out.stop, text(&out)), (Some(false), Some("继续".to_owned())));
        let out = Flow::stop(String::from("好")).into_output();
        assert_eq!((out.stop, text(&out)), (Some(true), Some("好".to_owned())));
        let out = Flow::next().into_output();
        assert_eq!((out.stop, text(&out)), (Some(false), None));
        let out = Result::<bool, String>::Err("坏".into()).into_output();
        assert_eq!((out.stop, out.error.map(|e| e.to_string())), (None, Some("坏".to_owned())));
    }
}
