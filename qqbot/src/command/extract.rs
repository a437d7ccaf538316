//! Handler parameters: extractors taken from the context, and typed arguments parsed from the text.
//!
//! A parameter type implements either [`FromCtx`] (an extractor: `Ctx`, `Message`, `Text`, `Scene`, `Sender` …)
//! or [`FromArg`] (a typed argument). The `#[command]` macro asks the compiler which, through [`HandlerParam`]
//! (word commands) or [`RegexParam`] (regex commands, where typed arguments bind to capture groups and
//! [`Captures`] is available), so a type alias works and an error lands on the one bad parameter.
//!
//! What only the running app can provide (a `State<T>`) is declared by the extractor as a [`Requirement`]; the
//! macro collects them into the [`BotCommand`](super::BotCommand) and `App::run` checks them before the first
//! connection, so a command never turns out to be unusable in the middle of a conversation.

use std::any::{Any, TypeId};
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

/// Something a handler parameter needs from the app, checked when the app starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requirement {
    /// Shared state of one type, added with `App::state`.
    State {
        /// The state's type.
        type_id: TypeId,
        /// The type's name, for the error.
        type_name: &'static str,
        /// The extractor that needs it, when that is not `State<T>` itself (`Session`).
        via: Option<&'static str>,
        /// How to provide it.
        hint: &'static str,
    },
}

impl Requirement {
    /// State of type `T`, as taken by `State<T>`.
    pub fn state<T: Any + Send + Sync>() -> Self {
        Requirement::State {
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
            via: None,
            hint: "add it with `App::state(value)` before `run`",
        }
    }

    /// State of type `T` needed by the extractor `via`, provided as `hint` says.
    pub fn state_via<T: Any + Send + Sync>(via: &'static str, hint: &'static str) -> Self {
        Requirement::State { type_id: TypeId::of::<T>(), type_name: std::any::type_name::<T>(), via: Some(via), hint }
    }

    /// What is missing and how to provide it, for the start-up error.
    pub fn describe(&self) -> String {
        match self {
            Requirement::State { type_name, via: None, hint, .. } => {
                let type_name = short_type_name(type_name);
                format!("takes `State<{type_name}>`, but no `{type_name}` was added: {hint}")
            }
            Requirement::State { type_name, via: Some(via), hint, .. } => {
                let type_name = short_type_name(type_name);
                format!("takes `{via}`, which needs `{type_name}`, but the app has none: {hint}")
            }
        }
    }
}

/// `alloc::sync::Arc<my_bot::Counter>` as the author wrote it, `Arc<Counter>`: each path keeps its last segment.
fn short_type_name(full: &str) -> String {
    fn last_segment(path: &str) -> &str {
        path.rsplit("::").next().unwrap_or(path)
    }
    let mut out = String::with_capacity(full.len());
    let mut path = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            path.push(c);
        } else {
            out.push_str(last_segment(&path));
            path.clear();
            out.push(c);
        }
    }
    out.push_str(last_segment(&path));
    out
}

/// A value taken from the handler context.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be taken from the handler context",
    note = "extractors are Ctx, Message, MessageEvent, Event, Text, RawText, Scene, Sender, Platform, Arc<dyn Bot>, Session and State<T>"
)]
pub trait FromCtx: Sized {
    /// Takes the value, or says why it is not there.
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error>;

    /// What the value needs from the app (state of some type …): checked when the app starts, so that
    /// `from_ctx` never fails for want of it. Push each requirement to `out`; the default needs nothing.
    fn requirements(out: &mut Vec<Requirement>) {
        let _ = out;
    }
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

/// Marker: the parameter holds a regex match.
#[doc(hidden)]
pub struct ViaCaptures;

/// A parameter of a command triggered by words: an extractor or a typed argument. Implemented through
/// [`FromCtx`] and [`FromArg`]; never implement it directly.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of a command triggered by words",
    label = "neither an extractor nor a typed argument",
    note = "extractors (FromCtx): Ctx, Message, MessageEvent, Event, Text, RawText, Scene, Sender, Platform, Session, State<T>",
    note = "typed arguments (FromArg): integers, floats, bool, String, At, Rest, Option<T>, Vec<T>",
    note = "`Captures` holds a regex match: it works only in a command declared with `regex = \"...\"`"
)]
pub trait HandlerParam<M>: Sized {
    /// Whether the parameter is a typed argument (for the macro's compile-time checks).
    const TYPED: bool;
    /// Whether, as a typed argument, it takes every remaining token, so that no typed argument may follow it.
    const GREEDY: bool;
    /// Fills the parameter.
    fn extract(ctx: &Ctx, args: &mut ArgCursor<'_>, name: &'static str, last: bool) -> Result<Self, ParamError>;
    /// How the parameter appears in the usage line (`None` for extractors).
    fn arg_spec() -> Option<ArgSpec>;
    /// What the parameter needs from the app.
    fn requirements(out: &mut Vec<Requirement>);
}

impl<T: FromCtx> HandlerParam<ViaCtx> for T {
    const TYPED: bool = false;
    const GREEDY: bool = false;
    fn extract(ctx: &Ctx, _: &mut ArgCursor<'_>, _: &'static str, _: bool) -> Result<Self, ParamError> {
        T::from_ctx(ctx).map_err(ParamError::Extract)
    }
    fn arg_spec() -> Option<ArgSpec> {
        None
    }
    fn requirements(out: &mut Vec<Requirement>) {
        T::requirements(out)
    }
}

impl<T: FromArg> HandlerParam<ViaArg> for T {
    const TYPED: bool = true;
    const GREEDY: bool = T::GREEDY;
    fn extract(_: &Ctx, args: &mut ArgCursor<'_>, name: &'static str, last: bool) -> Result<Self, ParamError> {
        let parsed = if last { T::parse_last(args) } else { T::parse(args) };
        parsed.map_err(|error| ParamError::Arg { param: name, error })
    }
    fn arg_spec() -> Option<ArgSpec> {
        Some(T::spec())
    }
    fn requirements(_: &mut Vec<Requirement>) {}
}

/// The capture groups of a regex command's match, handed out to its typed parameters: a group named like the
/// parameter, else the next unnamed group (the `#[command]` macro checks at compile time that every typed
/// parameter has one).
#[derive(Debug)]
pub struct CaptureCursor<'a> {
    captures: Option<&'a Captures>,
    next_unnamed: usize,
}

impl<'a> CaptureCursor<'a> {
    /// A cursor over the captures of `ctx` (none when the command did not match a regex).
    pub fn new(ctx: &'a Ctx) -> Self {
        CaptureCursor { captures: ctx.captures(), next_unnamed: 1 }
    }

    /// The text of the group for the parameter `name`; `None` when the group did not take part in the match.
    pub fn take(&mut self, name: &str) -> Option<&'a str> {
        let caps = self.captures?;
        if let Some(i) = caps.index_of(name) {
            return caps.get(i);
        }
        while self.next_unnamed < caps.len() {
            let i = self.next_unnamed;
            self.next_unnamed += 1;
            if caps.names.get(i).is_some_and(Option::is_none) {
                return caps.get(i);
            }
        }
        None
    }
}

/// A parameter of a command triggered by a regex: an extractor, [`Captures`], or a typed argument bound to a
/// capture group (by name, else by position). Implemented through [`FromCtx`] and [`FromArg`]; never implement
/// it directly.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of a regex command",
    label = "neither an extractor, `Captures`, nor a typed argument a capture group can bind to",
    note = "extractors (FromCtx): Ctx, Message, MessageEvent, Event, Text, RawText, Scene, Sender, Platform, Session, State<T>",
    note = "typed arguments (FromArg), each bound to a capture group: integers, floats, bool, String, At, Rest, Option<T>, Vec<T>"
)]
pub trait RegexParam<M>: Sized {
    /// Whether the parameter is a typed argument bound to a capture group (for the macro's compile-time checks).
    const TYPED: bool;
    /// Fills the parameter.
    fn extract(ctx: &Ctx, captures: &mut CaptureCursor<'_>, name: &'static str) -> Result<Self, ParamError>;
    /// How the parameter appears in the usage line (`None` for extractors).
    fn arg_spec() -> Option<ArgSpec>;
    /// What the parameter needs from the app.
    fn requirements(out: &mut Vec<Requirement>);
}

impl<T: FromCtx> RegexParam<ViaCtx> for T {
    const TYPED: bool = false;
    fn extract(ctx: &Ctx, _: &mut CaptureCursor<'_>, _: &'static str) -> Result<Self, ParamError> {
        T::from_ctx(ctx).map_err(ParamError::Extract)
    }
    fn arg_spec() -> Option<ArgSpec> {
        None
    }
    fn requirements(out: &mut Vec<Requirement>) {
        T::requirements(out)
    }
}

impl<T: FromArg> RegexParam<ViaArg> for T {
    const TYPED: bool = true;
    fn extract(_: &Ctx, captures: &mut CaptureCursor<'_>, name: &'static str) -> Result<Self, ParamError> {
        // A group that did not take part reads as nothing written: `None` for `Option<T>`, else "missing".
        let text = captures.take(name).unwrap_or("");
        let mut cursor = ArgCursor::new(text);
        let value = T::parse_last(&mut cursor).map_err(|error| ParamError::Arg { param: name, error })?;
        if cursor.is_empty() {
            Ok(value)
        } else {
            Err(ParamError::Arg { param: name, error: ArgError::invalid(T::spec().kind, text.trim()) })
        }
    }
    fn arg_spec() -> Option<ArgSpec> {
        Some(T::spec())
    }
    fn requirements(_: &mut Vec<Requirement>) {}
}

impl RegexParam<ViaCaptures> for Captures {
    const TYPED: bool = false;
    fn extract(ctx: &Ctx, _: &mut CaptureCursor<'_>, _: &'static str) -> Result<Self, ParamError> {
        ctx.captures().cloned().ok_or(ParamError::Extract(Error::Missing { what: "regex captures" }))
    }
    fn arg_spec() -> Option<ArgSpec> {
        None
    }
    fn requirements(_: &mut Vec<Requirement>) {}
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
    /// What the parameter needs from the app.
    fn requirements(out: &mut Vec<Requirement>);
}

impl<T: FromCtx> EventParam<ViaCtx> for T {
    fn from_event_ctx(ctx: &Ctx) -> Option<Self> {
        T::from_ctx(ctx).ok()
    }
    fn requirements(out: &mut Vec<Requirement>) {
        T::requirements(out)
    }
}

impl<T: FromEvent> EventParam<ViaEvent> for T {
    fn from_event_ctx(ctx: &Ctx) -> Option<Self> {
        T::from_event(ctx.event())
    }
    fn requirements(_: &mut Vec<Requirement>) {}
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

/// The captures of a `regex` command's match: a parameter of regex commands only (a compile error elsewhere).
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
        self.get(self.index_of(name)?)
    }

    /// The index of the group called `name`, whether or not it took part in the match.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.as_deref() == Some(name))
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

    fn requirements(out: &mut Vec<Requirement>) {
        out.push(Requirement::state::<T>());
    }
}

/// A plugin's typed configuration, read from `[plugins.<name>]` of `qqbot.toml` when the app starts: the
/// `config = T` of its [`plugin!`](crate::plugin!). The app refuses to start when no `plugin!` declares `T`.
#[derive(Debug)]
pub struct PluginConfig<T>(pub Arc<T>);

impl<T> Clone for PluginConfig<T> {
    fn clone(&self) -> Self {
        PluginConfig(self.0.clone())
    }
}

impl<T> std::ops::Deref for PluginConfig<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Send + Sync + 'static> FromCtx for PluginConfig<T> {
    fn from_ctx(ctx: &Ctx) -> Result<Self, Error> {
        ctx.state::<crate::plugin::ConfigSlot<T>>().map(|slot| PluginConfig(slot.0.clone())).ok_or(Error::Missing {
            what: "plugin configuration of this type (declare it with `plugin! { …, config = T }`)",
        })
    }

    fn requirements(out: &mut Vec<Requirement>) {
        out.push(Requirement::state_via::<crate::plugin::ConfigSlot<T>>(
            "PluginConfig",
            "declare it with `qqbot::plugin! { name = \"…\", config = T }`",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_name_types_as_written() {
        assert_eq!(short_type_name("alloc::sync::Arc<std::sync::Mutex<alloc::vec::Vec<u8>>>"), "Arc<Mutex<Vec<u8>>>");
        assert_eq!(short_type_name("my_bot::计数器"), "计数器");
        assert_eq!(short_type_name("(i32, a::B)"), "(i32, B)");
        struct Counter;
        let text = Requirement::state::<Counter>().describe();
        assert!(text.starts_with("takes `State<Counter>`, but no `Counter` was added"), "{text}");
    }
}
