//! `BotCommand`: the registration object of one command (qg_botsdk's BotCommandObject).

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::trigger_regex::TriggerRegex;
use futures_util::future::BoxFuture;

use super::args::ArgSpec;
use super::cooldown::{Cooldown, RateLimit};
use super::ctx::Ctx;
use super::error::{CommandError, OnError, on_error_hook};
use super::extract::{ParamError, Requirement};
use super::reply::{HandlerOutput, IntoReply};
use crate::event::Scene;
use crate::i18n::Lang;

/// The future a command handler shim returns.
pub type HandlerFuture = BoxFuture<'static, Result<HandlerOutput, ParamError>>;

/// A command handler, type-erased: what `#[command]` generates and [`BotCommand::handler`] wraps.
pub type Handler = Arc<dyn Fn(Ctx) -> HandlerFuture + Send + Sync>;

/// How a command word matches the treated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordMatch {
    /// At the start, followed by whitespace (ASCII or full-width) or the end: `/echo hi` matches `/echo`,
    /// `/echoes` does not. The default.
    #[default]
    Prefix,
    /// At the start, with the argument glued on: `天气北京` matches `天气` (the CJK habit).
    Glued,
    /// Anywhere in the text (qg_botsdk's `in treated_msg`).
    Anywhere,
}

/// Where a command was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceLocation {
    /// The file.
    pub file: &'static str,
    /// The line.
    pub line: u32,
    /// The column.
    pub column: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One command: its triggers, checks, ordering and handler.
///
/// `#[command]` builds these; build one by hand to add a command at run time:
///
/// ```
/// use qqbot::prelude::*;
/// let ping = BotCommand::new("ping").word("/ping").help("回复 pong").handler(|_ctx: Ctx| async { "pong" });
/// let app = App::new().command(ping);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct BotCommand {
    /// The command's name (the function name for `#[command]`).
    pub name: String,
    /// Words that trigger it (qg_botsdk's `command`); mutually exclusive with `regex`.
    pub words: Vec<String>,
    /// Regexes that trigger it, searched anywhere in the treated text (compiled when a message first needs them).
    pub regex: Vec<TriggerRegex>,
    /// How the words match.
    pub matching: WordMatch,
    /// The handler.
    pub handler: Handler,
    /// Whether the handler sees the treated text (bot mention and leading `/` removed). Default `true`.
    pub treat: bool,
    /// Whether the message must mention the bot (implicit in C2C and DM). Default `false`.
    pub at: bool,
    /// Whether the chain stops after this command fires. Default `true`.
    pub short_circuit: bool,
    /// Whether the chain stops only when the handler returns `true` (overrides `short_circuit`).
    pub is_custom_short_circuit: bool,
    /// Whether only group/guild owners and admins (and superusers) may use it.
    pub admin: bool,
    /// Replied (and the chain stopped) when a non-admin hits an admin command; without it the command is skipped.
    pub admin_error_msg: Option<String>,
    /// The scenes where it is valid. Default: all.
    pub scenes: Scene,
    /// Higher runs first. Default 0.
    pub priority: i32,
    /// The help text (the doc comment for `#[command]`).
    pub help: String,
    /// The typed arguments, for the usage line.
    pub params: Vec<(&'static str, ArgSpec)>,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
    /// What its parameters need from the app (state …), checked when the app starts.
    pub requirements: Vec<Requirement>,
    /// This command's error hook, asked first when something goes wrong (see [`BotCommand::on_error`]).
    pub on_error: Option<OnError>,
    /// The plugin it belongs to: switched on and off with it, listed under it by `/help`.
    pub plugin: Option<String>,
    /// Who may use it beyond `admin` (see [`crate::permission`]); denied users get the `admin_error_msg` path.
    pub permission: Option<crate::command::Permission>,
    /// Its cooldown (`cooldown = "30s"`), checked after the permission checks.
    pub cooldown: Option<Cooldown>,
    /// Its rate limit (`rate_limit = "5/min"`), checked with the cooldown.
    pub rate_limit: Option<RateLimit>,
}

impl fmt::Debug for BotCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BotCommand")
            .field("name", &self.name)
            .field("words", &self.words)
            .field("regex", &self.regex.iter().map(TriggerRegex::as_str).collect::<Vec<_>>())
            .field("matching", &self.matching)
            .field("treat", &self.treat)
            .field("at", &self.at)
            .field("short_circuit", &self.short_circuit)
            .field("is_custom_short_circuit", &self.is_custom_short_circuit)
            .field("admin", &self.admin)
            .field("admin_error_msg", &self.admin_error_msg)
            .field("scenes", &self.scenes)
            .field("priority", &self.priority)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl BotCommand {
    /// A command with no trigger yet and a handler that does nothing.
    pub fn new(name: impl Into<String>) -> Self {
        BotCommand {
            name: name.into(),
            words: Vec::new(),
            regex: Vec::new(),
            matching: WordMatch::Prefix,
            handler: Arc::new(|_| Box::pin(async { Ok(HandlerOutput::none()) })),
            treat: true,
            at: false,
            short_circuit: true,
            is_custom_short_circuit: false,
            admin: false,
            admin_error_msg: None,
            scenes: Scene::ANY,
            priority: 0,
            help: String::new(),
            params: Vec::new(),
            location: None,
            requirements: Vec::new(),
            on_error: None,
            plugin: None,
            permission: None,
            cooldown: None,
            rate_limit: None,
        }
    }

    /// Puts the command in a plugin.
    pub fn plugin(mut self, plugin: impl Into<String>) -> Self {
        self.plugin = Some(plugin.into());
        self
    }

    /// Sets who may use the command: `SUPERUSER | GROUP_ADMIN`, an `async fn(&Ctx) -> bool`, or both joined
    /// with `|` (any of them lets the user through).
    pub fn permission(mut self, permission: impl crate::command::IntoPermission) -> Self {
        self.permission = Some(permission.into_permission());
        self
    }

    /// Adds a trigger word.
    pub fn word(mut self, word: impl Into<String>) -> Self {
        self.words.push(word.into());
        self
    }

    /// Adds trigger words.
    pub fn words<I: IntoIterator<Item = S>, S: Into<String>>(mut self, words: I) -> Self {
        self.words.extend(words.into_iter().map(Into::into));
        self
    }

    /// Adds a trigger regex: a compiled [`regex::Regex`], or a [`TriggerRegex`] compiled on first use.
    pub fn regex(mut self, regex: impl Into<TriggerRegex>) -> Self {
        self.regex.push(regex.into());
        self
    }

    /// Sets how words match.
    pub fn matching(mut self, matching: WordMatch) -> Self {
        self.matching = matching;
        self
    }

    /// Sets the handler: any async function of a [`Ctx`] returning a reply type.
    pub fn handler<F, Fut, R>(mut self, f: F) -> Self
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoReply,
    {
        self.handler = Arc::new(move |ctx| {
            let fut = f(ctx);
            Box::pin(async move { Ok(fut.await.into_reply()) })
        });
        self
    }

    /// Sets the type-erased handler directly.
    pub fn raw_handler(mut self, handler: Handler) -> Self {
        self.handler = handler;
        self
    }

    /// Sets `treat`.
    pub fn treat(mut self, treat: bool) -> Self {
        self.treat = treat;
        self
    }

    /// Sets `at`.
    pub fn at(mut self, at: bool) -> Self {
        self.at = at;
        self
    }

    /// Sets `short_circuit`.
    pub fn short_circuit(mut self, short_circuit: bool) -> Self {
        self.short_circuit = short_circuit;
        self
    }

    /// Sets `is_custom_short_circuit`: the chain stops when the handler returns `true`.
    pub fn custom_short_circuit(mut self, custom: bool) -> Self {
        self.is_custom_short_circuit = custom;
        self
    }

    /// Sets `admin`.
    pub fn admin(mut self, admin: bool) -> Self {
        self.admin = admin;
        self
    }

    /// Sets `admin_error_msg` (and `admin`).
    pub fn admin_error_msg(mut self, msg: impl Into<String>) -> Self {
        self.admin = true;
        self.admin_error_msg = Some(msg.into());
        self
    }

    /// Sets the valid scenes.
    pub fn scenes(mut self, scenes: Scene) -> Self {
        self.scenes = scenes;
        self
    }

    /// Sets the priority (higher first).
    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// Declares a typed argument for the usage line.
    pub fn param(mut self, name: &'static str, spec: ArgSpec) -> Self {
        self.params.push((name, spec));
        self
    }

    /// Declares something the handler needs from the app (`Requirement::state::<T>()` for `ctx.state::<T>()`):
    /// the app refuses to start without it.
    pub fn require(mut self, requirement: Requirement) -> Self {
        self.requirements.push(requirement);
        self
    }

    /// Sets this command's error hook: `async fn(Ctx, CommandError) -> Result<(), CommandError>`, asked before
    /// the app's [`App::on_error`](crate::App::on_error) and the default. Return `Ok(())` when you handled the
    /// error (replied, logged …), `Err(e)` to pass it on.
    pub fn on_error<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx, CommandError) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), CommandError>> + Send + 'static,
    {
        self.on_error = Some(on_error_hook(f));
        self
    }

    /// Sets a cooldown: `BotCommand::new("签到").cooldown(Cooldown::parse("1d")?.scope(LimitScope::User))`.
    pub fn cooldown(mut self, cooldown: Cooldown) -> Self {
        self.cooldown = Some(cooldown);
        self
    }

    /// Sets a rate limit: `.rate_limit(RateLimit::parse("5/min")?)`.
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = Some(rate_limit);
        self
    }

    /// The first paragraph of the help text (lines up to the first blank line, joined), trimmed.
    pub fn summary(&self) -> &str {
        let help = self.help.trim_start_matches(['\n', '\r', ' ', '\t']);
        let mut end = 0;
        let mut pos = 0;
        for line in help.split_inclusive('\n') {
            if line.trim().is_empty() {
                break;
            }
            pos += line.len();
            end = pos;
        }
        help[..end].trim_end()
    }

    /// The usage line, generated from the first word (the name for regex commands) and the typed arguments: `/禁言 <target:@用户> <minutes:整数>`.
    pub fn usage(&self, lang: Lang) -> String {
        // A regex is no usage a person can read; regex commands are listed by name.
        let mut out = self.words.first().cloned().unwrap_or_else(|| self.name.clone());
        for (name, spec) in &self.params {
            out.push(' ');
            out.push_str(&spec.render(name, lang));
        }
        out
    }
}

/// A `#[command]` registration collected at link time. Generated code only.
#[doc(hidden)]
pub struct CommandRegistration {
    pub build: fn() -> BotCommand,
}

inventory::collect!(CommandRegistration);

/// A handler of non-message events (`#[on_event]`): returns `None` when the event is not for it.
pub type EventHandlerFn = Arc<dyn Fn(Ctx) -> Option<BoxFuture<'static, HandlerOutput>> + Send + Sync>;

/// One `#[on_event]` handler.
#[derive(Clone)]
#[non_exhaustive]
pub struct EventHandler {
    /// The handler's name.
    pub name: String,
    /// Higher runs first.
    pub priority: i32,
    /// The handler.
    pub handler: EventHandlerFn,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
    /// What its parameters need from the app (state …), checked when the app starts.
    pub requirements: Vec<Requirement>,
    /// The plugin it belongs to: it does not run where the plugin is off.
    pub plugin: Option<String>,
}

impl fmt::Debug for EventHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHandler").field("name", &self.name).field("location", &self.location).finish()
    }
}

impl EventHandler {
    /// An event handler from a closure that picks its events.
    pub fn new(
        name: impl Into<String>,
        handler: impl Fn(Ctx) -> Option<BoxFuture<'static, HandlerOutput>> + Send + Sync + 'static,
    ) -> Self {
        EventHandler {
            name: name.into(),
            priority: 0,
            handler: Arc::new(handler),
            location: None,
            requirements: Vec::new(),
            plugin: None,
        }
    }

    /// Puts the handler in a plugin.
    pub fn plugin(mut self, plugin: impl Into<String>) -> Self {
        self.plugin = Some(plugin.into());
        self
    }

    /// Declares something the handler needs from the app: the app refuses to start without it.
    pub fn require(mut self, requirement: Requirement) -> Self {
        self.requirements.push(requirement);
        self
    }
}

/// Every requirement of `commands` and `handlers` that `has_state` says the app does not meet, one line each
/// naming the command or handler, where it was declared, and what is missing. Empty when all are met.
pub(crate) fn unmet_requirements(
    commands: &[Arc<BotCommand>],
    handlers: &[EventHandler],
    has_state: impl Fn(std::any::TypeId) -> bool,
) -> Vec<String> {
    let owners = commands
        .iter()
        .map(|c| ("command", &c.name, c.location, &c.requirements))
        .chain(handlers.iter().map(|h| ("event handler", &h.name, h.location, &h.requirements)));
    let mut problems = Vec::new();
    for (kind, name, location, requirements) in owners {
        for req in requirements {
            let met = match req {
                Requirement::State { type_id, .. } => has_state(*type_id),
            };
            if !met {
                let at = location.map(|l| format!(" ({l})")).unwrap_or_default();
                problems.push(format!("{kind} `{name}`{at} {}", req.describe()));
            }
        }
    }
    problems
}

/// An `#[on_event]` registration collected at link time. Generated code only.
#[doc(hidden)]
pub struct EventRegistration {
    pub build: fn() -> EventHandler,
}

inventory::collect!(EventRegistration);
