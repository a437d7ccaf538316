//! # qqbot
//!
//! A framework for QQ bots: one program of annotated async functions runs on the official QQ Open Platform
//! (guild, group and C2C bots), on OneBot v11 implementations (NapCat, Lagrange, go-cqhttp, LLOneBot), and in a
//! console sandbox that needs no account.
//!
//! ```no_run
//! use qqbot::prelude::*;
//!
//! /// 打个招呼
//! #[command("你好", "hello")]
//! async fn hello(ctx: Ctx) -> String {
//!     format!("你好，{}！", ctx.sender().name())
//! }
//!
//! /// 复读：/echo <文字>
//! #[command("/echo")]
//! async fn echo(text: String) -> String {
//!     text
//! }
//!
//! #[tokio::main]
//! async fn main() -> qqbot::Result<()> {
//!     App::from_env()?.run().await // qqbot.toml if present, else the console sandbox
//! }
//! ```
//!
//! The path of one message: an adapter decodes a frame once into an [`Event`]; the dispatcher computes the treated
//! text (bot mention and one leading `/` removed), finds the candidate commands through its index, runs their
//! checks (scene, `at`, `admin`) and handlers in order until one short-circuits, and sends what they return as
//! replies through the adapter's [`Bot`].
//!
//! The guide in `docs/` covers commands, handlers and extractors, and the sandbox in depth.

#![warn(missing_docs)]

pub mod adapter;
pub mod api;
mod app;
#[cfg(feature = "redis")]
pub mod cluster;
pub mod command;
pub mod config;
mod error;
pub mod event;
pub mod i18n;
pub mod job;
pub mod logging;
pub mod message;
pub mod plugin;
pub mod retry;
pub mod session;
pub mod testing;

/// TLS settings for the HTTP clients a bot makes itself (the same roots and options qqbot uses).
pub use adapter::tls;
pub use api::{Bot, Target};
pub use app::App;
pub use command::permission;
pub use command::{At, BotCommand, Captures, Ctx, PluginConfig, RawText, Rest, State, Text, WordMatch};
pub use error::{Error, Result};
pub use event::{Event, MessageEvent, Platform, Role, Scene, Sender};
pub use message::{Message, Segment, at};
/// Declares a command: `#[command("你好", at = true, admin = true, scenes = GROUP | C2C)]`.
///
/// Positional string literals are the trigger words; keys: `regex`, `at`, `admin`, `admin_error_msg`, `scenes`,
/// `short_circuit`, `custom_short_circuit`, `treat`, `priority`, `name`, `matching` (`prefix`, `glued`,
/// `anywhere`), `on_error` (the path of an `async fn(Ctx, CommandError) -> Result<(), CommandError>`, asked first
/// when the command fails), `cooldown` (`"30s"`, `"1m30s"`), `rate_limit` (`"5/min"`), `cooldown_scope` (`user`,
/// `group`, `global`), `cooldown_msg` (`{remaining}` is the seconds left; `""` says nothing) and
/// `cooldown_exempt_superusers` (default `true`). The doc comment becomes the help text. The function stays callable; the macro adds a module of
/// the same name whose `command()` returns the [`BotCommand`], and registers it so [`App::new`] finds it.
pub use qqbot_macros::command;
/// Declares a scheduled job: `#[job(cron = "0 0 8 * * *")]` (six fields, seconds first, in `[bot] timezone`) or
/// `#[job(every = "10m")]` on an `async fn(ctx: JobCtx)` returning `()` or `Result<(), E: Display>`; keys `name`,
/// `plugin`. The expression or duration is checked at compile time. The macro adds `name::job()` returning the
/// [`job::Job`], and registers it so [`App::new`] finds it.
pub use qqbot_macros::job;
/// Declares a handler of non-message events: its parameters say which events (`MemberJoined`, `Poked`,
/// `FriendRequest`, `RawEvent` …) and which extractors (`Ctx`) it takes.
pub use qqbot_macros::on_event;

/// The names most bots need: `use qqbot::prelude::*;`.
pub mod prelude {
    pub use crate::api::{Bot, Target};
    pub use crate::app::App;
    pub use crate::command::permission::{GROUP_ADMIN, GROUP_MEMBER, GROUP_OWNER, PRIVATE, SUPERUSER};
    pub use crate::command::{
        At, BotCommand, Captures, CommandError, Ctx, Flow, PluginConfig, RawText, Rest, State, Text, WordMatch,
    };
    pub use crate::error::{Error, Result};
    pub use crate::event::{
        Event, FriendRequest, GroupRequest, MemberJoined, MemberLeft, MessageEvent, NoticeEvent, Platform, Poked,
        RawEvent, Role, Scene, Sender,
    };
    pub use crate::job::{Job, JobCtx};
    pub use crate::message::{Message, Segment, at};
    pub use crate::session::{Scope, Session, SessionManager, SessionObject, SessionStatus};
    pub use qqbot_macros::{command, job, on_event};
}

/// Paths the macros' generated code names. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::command::Permission;
    pub use crate::command::{
        ArgCursor, ArgSpec, BotCommand, CaptureCursor, CommandRegistration, Cooldown, Ctx, EventHandler, EventParam,
        EventRegistration, HandlerOutput, HandlerParam, IntoReply, LimitScope, ParamError, RateLimit, RegexParam,
        Requirement, ShortCircuitOutput, SourceLocation, WordMatch,
    };
    pub use crate::event::Scene;
    pub use crate::job::{IntoJobResult, Job, JobCtx, JobFuture, JobRegistration, Schedule};
    pub use futures_util::future::BoxFuture;

    /// The value of one leaf of `permission = a | b | …`, converted with its span on the leaf.
    pub fn permission<P: crate::command::IntoPermission>(p: P) -> crate::command::Permission {
        p.into_permission()
    }
    pub use inventory;
    pub use regex::Regex;
    pub use std::sync::Arc;
    pub use std::time::Duration;

    /// A regex the macro already validated, compiled when a message first needs it.
    pub fn regex(pattern: &str) -> crate::command::TriggerRegex {
        crate::command::TriggerRegex::validated(pattern)
    }

    /// The text after the command word, for the argument parser.
    pub fn args_of(ctx: &Ctx) -> &str {
        ctx.args()
    }

    /// Fails when typed arguments were read and text is left over.
    pub fn finish_args(args: &ArgCursor<'_>) -> Result<(), ParamError> {
        if args.was_used() && !args.is_empty() { Err(ParamError::TooMany(args.remaining().to_owned())) } else { Ok(()) }
    }
}
