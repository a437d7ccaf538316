//! Handler parameters: extractors taken from the context, and typed arguments parsed from the text.
//!
//! A parameter type implements either [`FromCtx`] (an extractor: `Ctx`, `Message`, `Text`, `Captures`, `Scene`,
//! `Sender` …) or [`FromArg`] (a typed argument). The `#[command]` macro asks the compiler which, through
//! [`HandlerParam`], so a type alias works and an error lands on the one bad parameter.

use std::sync::Arc;

use super::args::{ArgCursor, ArgError, ArgSpec, FromArg};
use super::ctx::Ctx;
use crate::api::Bot;
use crate::error::Error;
use crate::event::{
    AdminChanged, BotJoined, BotLeft, Connected, Disconnected, Event, FileUploaded, FriendAdded, FriendRequest,
    GroupRequest, Heartbeat, MemberJoined, MemberLeft, MemberMuted, MessageEvent, MessageRecalled, Notice, NoticeEvent,
    Platform, Poked, RawEvent, Scene, Sender,
};
use crate::message::Message;

/// A value taken from the handler context.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be taken from the handler context",
    note = "extractors are Ctx, Message, MessageEvent, Event, Text, RawText, Captures, Scene, Sender, Platform, Arc<dyn Bot> and State<T>"
)]
pub trait FromCtx: Sized {
    /// Takes the value, or says why it is not there.
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error>;
}

/// Why a handler parameter could not be filled.
#[derive(Debug)]
#[non_exhaustive]
pub enum ParamError {
    /// A typed argument did not parse: the bot replies the usage line.
    Arg {
        /// The parameter's name.
        param: &'static str,
        /// What went wrong.
        error: ArgError,
    },
    /// Text was left over after the last typed argument.
    TooMany(String),
    /// An extractor was not available for this event (logged, the command is skipped).
    Extract(Error),
}

/// Marker: the parameter is an extractor.
#[doc(hidden)]
pub struct ViaCtx;
/// Marker: the parameter is a typed argument.
#[doc(hidden)]
pub struct ViaArg;
/// Marker: the parameter is a typed event.
#[doc(hidden)]
pub struct ViaEvent;

/// A command handler parameter: an extractor or a typed argument. Implemented through [`FromCtx`] and
/// [`FromArg`]; never implement it directly.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither an extractor nor a typed argument, so it cannot be a command handler parameter",
    label = "this parameter",
    note = "extractors (FromCtx): Ctx, Message, MessageEvent, Event, Text, RawText, Captures, Scene, Sender, Platform, State<T>",
    note = "typed arguments (FromArg): integers, floats, bool, String, At, Rest, Option<T>, Vec<T>"
)]
pub trait HandlerParam<M>: Sized {
    /// Fills the parameter.
    fn extract(ctx: &Ctx, args: &mut ArgCursor<'_>, name: &'static str, last: bool) -> Result<Self, ParamError>;
    /// How the parameter appears in the usage line (`None` for extractors).
    fn arg_spec() -> Option<ArgSpec>;
}

impl<T: FromCtx> HandlerParam<ViaCtx> for T {
    fn extract(ctx: &Ctx, _: &mut ArgCursor<'_>, _: &'static str, _: bool) -> Result<Self, ParamError> {
        T::from_ctx(ctx).map_err(ParamError::Extract)
    }
    fn arg_spec() -> Option<ArgSpec> {
        None
    }
}

impl<T: FromArg> HandlerParam<ViaArg> for T {
    fn extract(_: &Ctx, args: &mut ArgCursor<'_>, name: &'static str, last: bool) -> Result<Self, ParamError> {
        let parsed = if last { T::parse_last(args) } else { T::parse(args) };
        parsed.map_err(|error| ParamError::Arg { param: name, error })
    }
    fn arg_spec() -> Option<ArgSpec> {
        Some(T::spec())
    }
}

/// A value taken from a non-message event, for `#[on_event]` handlers. `None` means the handler does not apply.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an event type `#[on_event]` can deliver",
    note = "use a typed event (MemberJoined, MemberLeft, Poked, FriendRequest, GroupRequest, …), NoticeEvent, RawEvent, or an extractor such as Ctx"
)]
pub trait FromEvent: Sized {
    /// Takes the value from the event, if it is the right kind.
    fn from_event(event: &Event) -> Option<Self>;
}

/// An `#[on_event]` handler parameter: a typed event or an extractor. Never implement it directly.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an `#[on_event]` handler parameter",
    label = "this parameter",
    note = "use a typed event (MemberJoined, Poked, FriendRequest, NoticeEvent, RawEvent …) or an extractor such as Ctx"
)]
pub trait EventParam<M>: Sized {
    /// Fills the parameter, or `None` when the handler does not apply to this event.
    fn from_event_ctx(ctx: &Ctx) -> Option<Self>;
}

impl<T: FromCtx> EventParam<ViaCtx> for T {
    fn from_event_ctx(ctx: &Ctx) -> Option<Self> {
        T::from_ctx(ctx).ok()
    }
}

impl<T: FromEvent> EventParam<ViaEvent> for T {
    fn from_event_ctx(ctx: &Ctx) -> Option<Self> {
        T::from_event(ctx.event())
    }
}

macro_rules! notice_event {
    ($($variant:ident),*) => {$(
        impl FromEvent for $variant {
            fn from_event(event: &Event) -> Option<Self> {
                match event {
                    Event::Notice(NoticeEvent { kind: Notice::$variant(v), .. }) => Some(v.clone()),
                    _ => None,
                }
            }
        }
    )*};
}

notice_event!(
    MemberJoined,
    MemberLeft,
    AdminChanged,
    MemberMuted,
    FileUploaded,
    MessageRecalled,
    FriendAdded,
    Poked,
    FriendRequest,
    GroupRequest,
    BotJoined,
    BotLeft,
    Connected,
    Disconnected,
    Heartbeat
);

impl FromEvent for RawEvent {
    fn from_event(event: &Event) -> Option<Self> {
        match event {
            Event::Notice(NoticeEvent { kind: Notice::Raw(v), .. }) => Some(v.clone()),
            _ => None,
        }
    }
}

impl FromEvent for NoticeEvent {
    fn from_event(event: &Event) -> Option<Self> {
        event.as_notice().cloned()
    }
}

impl FromCtx for Ctx {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(ctx.clone())
    }
}

impl FromCtx for Event {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(ctx.event().clone())
    }
}

impl FromCtx for MessageEvent {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        ctx.message_event().cloned().ok_or(Error::Missing { what: "message" })
    }
}

impl FromCtx for Message {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        ctx.message_event().map(|m| m.message.clone()).ok_or(Error::Missing { what: "message" })
    }
}

impl FromCtx for Scene {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        ctx.scene().ok_or(Error::Missing { what: "scene" })
    }
}

impl FromCtx for Sender {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(ctx.sender().clone())
    }
}

impl FromCtx for Platform {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(ctx.platform())
    }
}

impl FromCtx for Arc<dyn Bot> {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(ctx.bot().clone())
    }
}

/// The message text this command sees: treated (bot mention and leading `/` removed) when the command has
/// `treat = true`, the default; raw otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl FromCtx for Text {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(Text(ctx.text().to_owned()))
    }
}

/// The message text exactly as received (mentions written `<@id>`), whatever `treat` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawText(pub String);

impl FromCtx for RawText {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        Ok(RawText(ctx.raw_text().to_owned()))
    }
}

macro_rules! deref_str {
    ($($t:ident),*) => {$(
        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
deref_str!(Text, RawText);

/// The captures of a `regex` command's match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captures {
    groups: Vec<Option<String>>,
    names: Vec<Option<String>>,
}

impl Captures {
    pub(crate) fn from_regex(regex: &regex::Regex, caps: &regex::Captures<'_>) -> Self {
        Captures {
            groups: caps.iter().map(|m| m.map(|m| m.as_str().to_owned())).collect(),
            names: regex.capture_names().map(|n| n.map(str::to_owned)).collect(),
        }
    }

    /// Group `i` (0 is the whole match).
    pub fn get(&self, i: usize) -> Option<&str> {
        self.groups.get(i).and_then(|g| g.as_deref())
    }

    /// A named group.
    pub fn name(&self, name: &str) -> Option<&str> {
        let i = self.names.iter().position(|n| n.as_deref() == Some(name))?;
        self.get(i)
    }

    /// The number of groups, including group 0.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups (never, for a match).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

impl std::ops::Index<usize> for Captures {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
}

impl FromCtx for Captures {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        ctx.captures().cloned().ok_or(Error::Missing { what: "regex captures (the command has no `regex`)" })
    }
}

/// Shared state registered with `App::state(value)`.
#[derive(Debug)]
pub struct State<T>(pub Arc<T>);

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T> std::ops::Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Send + Sync + 'static> FromCtx for State<T> {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        ctx.state::<T>().map(State).ok_or(Error::Missing { what: "state of this type (register it with App::state)" })
    }
}
