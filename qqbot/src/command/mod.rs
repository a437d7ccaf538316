//! Commands: the [`BotCommand`] registration object, the matcher index, typed arguments, extractors, the
//! dispatcher with its typed outcomes ([`CommandError`]) and `on_error` hooks, conversations
//! ([`Ctx::wait_reply`]), the built-in `/help` and "did you mean".
//!
//! Most bots declare commands with [`#[command]`](macro@crate::command) and never touch this module directly.

mod args;
mod bot_command;
mod conversation;
mod cooldown;
mod ctx;
mod dispatcher;
mod error;
mod extract;
mod help;
mod hooks;
mod matcher;
pub mod permission;
mod plugin_command;
mod reply;
mod suggest;
mod text;
mod trigger_regex;

pub use args::{ArgCursor, ArgError, ArgSpec, At, FromArg, Rest};
pub(crate) use bot_command::unmet_requirements;
pub use bot_command::{
    BotCommand, CommandRegistration, EventHandler, EventHandlerFn, EventRegistration, Handler, HandlerFuture,
    SourceLocation, WordMatch,
};
pub(crate) use cooldown::Limits;
pub use cooldown::{Cooldown, LimitScope, ParseLimitError, RateLimit, parse_duration, parse_rate};
pub(crate) use ctx::AppState;
pub use ctx::Ctx;
pub(crate) use dispatcher::dispatch_order;
pub use dispatcher::{Busy, DispatchHandle, Dispatcher};
pub use error::{BoxError, CommandError, OnError};
pub use extract::{
    CaptureCursor, Captures, EventParam, FromCtx, FromEvent, HandlerParam, ParamError, PluginConfig, RawText,
    RegexParam, Requirement, State, Text, ViaArg, ViaCaptures, ViaCtx, ViaEvent,
};
pub use help::{help_command, help_for, help_plugin, help_text};
pub(crate) use hooks::Hooks;
pub use hooks::{CommandOutcome, HookFlow};
pub use permission::{IntoPermission, Permission};
pub(crate) use plugin_command::plugin_command;
pub use reply::{Flow, HandlerOutput, IntoReply, ShortCircuitOutput};
pub use trigger_regex::TriggerRegex;
