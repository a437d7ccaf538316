//! The handler context: the event, the bot, and what the matcher found.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{Notify, watch};

use super::text::CommandText;
use super::{BotCommand, Captures};
use crate::api::{Bot, Target};
use crate::error::{Error, Result};
use crate::event::{Event, MessageEvent, Platform, Scene, Sender};
use crate::i18n::Lang;
use crate::message::Message;

/// State shared by every handler of one `App`: language, commands, user state, shutdown.
pub(crate) struct AppState {
    pub(crate) lang: Lang,
    pub(crate) superusers: Vec<String>,
    pub(crate) commands: Vec<Arc<BotCommand>>,
    pub(crate) states: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    pub(crate) shutdown: watch::Receiver<bool>,
    /// Handlers waiting for a reply (`ctx.wait_reply`), offered each message first.
    pub(crate) waiters: super::conversation::Waiters,
    /// The app-wide error hook, asked after the command's own.
    pub(crate) on_error: Option<super::OnError>,
    /// The words of the built-in `/help` (without `/`); empty when it is turned off.
    pub(crate) help_words: Vec<String>,
    /// Whether a command-like message that matches no command gets a "did you mean".
    pub(crate) suggest: bool,
    /// Plugin switches, plugin defaults and the global deny list.
    pub(crate) switches: Arc<crate::plugin::Switches>,
    /// The plugins declared with `plugin!`.
    pub(crate) plugins: Vec<crate::plugin::PluginMeta>,
    /// Hooks around dispatch.
    pub(crate) hooks: super::hooks::Hooks,
    /// Cooldown and rate-limit state, and the app's clock.
    pub(crate) limits: super::Limits,
    /// The connected accounts, kept up to date from the events (for jobs).
    pub(crate) accounts: Arc<crate::api::Accounts>,
    /// Pacing and platform quotas around every account's sends.
    pub(crate) outbound: Arc<crate::api::Outbound>,
    /// Hooks around every outbound API call; the adapters take them from their `EventSink`.
    pub(crate) api_hooks: Arc<crate::api::ApiHooks>,
    /// This process's membership in a cluster (`[cluster]`), if any.
    #[cfg(feature = "redis")]
    pub(crate) cluster: Option<Arc<crate::cluster::Cluster>>,
}

/// Fired when the handling of one event has settled: its chain finished, or a handler began waiting for the
/// user's next message. The console sandbox waits for this before reading the next line.
#[derive(Default)]
pub(crate) struct Settle {
    done: std::sync::atomic::AtomicBool,
    notify: Notify,
}

impl Settle {
    pub(crate) fn fire(&self) {
        self.done.store(true, std::sync::atomic::Ordering::Release);
        self.notify.notify_waiters();
    }

    pub(crate) async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            if self.done.load(std::sync::atomic::Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

pub(crate) struct Shared {
    pub(crate) event: Event,
    pub(crate) bot: Arc<dyn Bot>,
    /// The message as command text (text segments, with mentions as `<@id>`) and its treated form (the bot's
    /// mention and one leading `/` removed: qg_botsdk's `treated_msg`), borrowing the message where it can.
    pub(crate) command_text: CommandText,
    pub(crate) sender: Sender,
    pub(crate) app: Arc<AppState>,
    pub(crate) settle: Option<Arc<Settle>>,
    /// Set while a handler of this event runs on after taking a message from a wait: ends that message's
    /// handling when the handler waits again or finishes.
    pub(crate) conversation: super::conversation::ConversationSlot,
}

impl Shared {
    /// The message as command text; empty for other events.
    pub(crate) fn text(&self) -> &str {
        match &self.event {
            Event::Message(m) => self.command_text.text(&m.message),
            Event::Notice(_) => "",
        }
    }

    /// The treated text; empty for other events.
    pub(crate) fn treated(&self) -> &str {
        match &self.event {
            Event::Message(m) => self.command_text.treated(&m.message),
            Event::Notice(_) => "",
        }
    }
}

/// What the matcher found for the command being run.
pub(crate) struct Hit {
    pub(crate) command: Arc<BotCommand>,
    /// Byte offset in the treated text where the arguments start.
    pub(crate) args_start: usize,
    pub(crate) captures: Option<Captures>,
}

/// Everything a handler can know and do: the event, its sender and scene, the bot to answer with.
///
/// Cheap to clone. Ask for it as a handler parameter (`ctx: Ctx`).
#[derive(Clone)]
pub struct Ctx {
    pub(crate) shared: Arc<Shared>,
    pub(crate) hit: Option<Arc<Hit>>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("event", &self.shared.event)
            .field("command", &self.hit.as_ref().map(|h| h.command.name.as_str()))
            .finish()
    }
}

impl Ctx {
    /// The event being handled.
    pub fn event(&self) -> &Event {
        &self.shared.event
    }

    /// The message event, if the event is a message.
    pub fn message_event(&self) -> Option<&MessageEvent> {
        self.shared.event.as_message()
    }

    /// The message (empty for non-message events).
    pub fn message(&self) -> &Message {
        static EMPTY: Message = Message::new();
        self.message_event().map_or(&EMPTY, |m| &m.message)
    }

    /// The message as text: text segments, with mentions written `<@id>`.
    pub fn raw_text(&self) -> &str {
        self.shared.text()
    }

    /// The text with the bot's mention and one leading `/` removed (qg_botsdk's `treated_msg`).
    pub fn treated_text(&self) -> &str {
        self.shared.treated()
    }

    /// The text this command sees: the treated text if the command has `treat = true` (the default), else the
    /// raw text.
    pub fn text(&self) -> &str {
        match &self.hit {
            Some(hit) if !hit.command.treat => self.shared.text(),
            _ => self.shared.treated(),
        }
    }

    /// The text after the command word (empty for regex commands and non-message events).
    pub fn args(&self) -> &str {
        match &self.hit {
            Some(hit) => self.shared.treated().get(hit.args_start..).unwrap_or("").trim_start(),
            None => "",
        }
    }

    /// The regex captures, for a command matched by `regex`.
    pub fn captures(&self) -> Option<&Captures> {
        self.hit.as_ref().and_then(|h| h.captures.as_ref())
    }

    /// The command being run, if this is a command handler.
    pub fn command(&self) -> Option<&BotCommand> {
        self.hit.as_deref().map(|h| &*h.command)
    }

    /// Who sent the event (for notices: the user it concerns, if any).
    pub fn sender(&self) -> &Sender {
        &self.shared.sender
    }

    /// The sender's user id.
    pub fn user_id(&self) -> &str {
        &self.shared.sender.user_id
    }

    /// The scene of a message event (`None` for notices).
    pub fn scene(&self) -> Option<Scene> {
        self.message_event().map(|m| m.scene)
    }

    /// The group id, or an error when the event is not in a group.
    pub fn group_id(&self) -> Result<&str> {
        match &self.shared.event {
            Event::Message(m) => m.group_id.as_deref(),
            Event::Notice(n) => n.group_id(),
        }
        .ok_or(Error::Missing { what: "group id" })
    }

    /// The guild id, or an error when the event is not in a guild.
    pub fn guild_id(&self) -> Result<&str> {
        self.message_event().and_then(|m| m.guild_id.as_deref()).ok_or(Error::Missing { what: "guild id" })
    }

    /// The channel id, or an error when the event is not in a guild channel.
    pub fn channel_id(&self) -> Result<&str> {
        self.message_event().and_then(|m| m.channel_id.as_deref()).ok_or(Error::Missing { what: "channel id" })
    }

    /// The bot account's id.
    pub fn self_id(&self) -> &str {
        self.shared.event.self_id()
    }

    /// The platform.
    pub fn platform(&self) -> Platform {
        self.shared.event.platform()
    }

    /// The bot account that received the event.
    pub fn bot(&self) -> &Arc<dyn Bot> {
        &self.shared.bot
    }

    /// The account's typed API as `T` (see [`Bot::api`]), if it is one.
    pub fn api_as<T: Any>(&self) -> Option<&T> {
        self.shared.bot.api().downcast_ref::<T>()
    }

    /// The language of the framework's texts.
    pub fn lang(&self) -> Lang {
        self.shared.app.lang
    }

    /// Where a reply to this event goes, if it has a conversation.
    pub fn target(&self) -> Option<Target> {
        match &self.shared.event {
            Event::Message(m) => Some(m.target()),
            Event::Notice(n) => match (n.group_id(), n.user_id()) {
                (Some(g), _) => Some(Target::Group(g.to_owned())),
                (None, Some(u)) => Some(Target::Private(u.to_owned())),
                _ => None,
            },
        }
    }

    /// Replies to the event, following the platform's reply rules. Returns the new message's id.
    pub async fn reply(&self, message: impl Into<Message>) -> Result<String> {
        self.shared.bot.reply(&self.shared.event, message.into()).await
    }

    /// Sends a message to any conversation. Returns the new message's id.
    pub async fn send(&self, target: &Target, message: impl Into<Message>) -> Result<String> {
        self.shared.bot.send(target, message.into()).await
    }

    /// Shared state registered with `App::state`.
    pub fn state<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.shared.app.states.get(&TypeId::of::<T>()).cloned().and_then(|s| s.downcast::<T>().ok())
    }

    /// The commands of the app, in dispatch order (what `/help` lists).
    pub fn commands(&self) -> &[Arc<BotCommand>] {
        &self.shared.app.commands
    }

    /// The app's plugin switches: ask [`Switches::is_enabled`](crate::plugin::Switches::is_enabled), or change
    /// them.
    pub fn switches(&self) -> &Arc<crate::plugin::Switches> {
        &self.shared.app.switches
    }

    /// This process's membership in a cluster (`[cluster]` in `qqbot.toml`); `None` for a single process.
    #[cfg(feature = "redis")]
    pub fn cluster(&self) -> Option<&Arc<crate::cluster::Cluster>> {
        self.shared.app.cluster.as_ref()
    }

    /// Whether the bot is shutting down.
    pub fn is_shutting_down(&self) -> bool {
        *self.shared.app.shutdown.borrow()
    }

    /// Resolves when the bot begins shutting down: long waits select on it.
    pub async fn shutdown_signal(&self) {
        let mut rx = self.shared.app.shutdown.clone();
        let _ = rx.wait_for(|v| *v).await;
    }

    /// The sessions of this event (what the [`Session`](crate::session::Session) extractor gives).
    pub fn session(&self) -> Result<crate::session::Session> {
        <crate::session::Session as super::FromCtx>::from_ctx(self)
    }

    /// Tells whoever waits for this event's handling (the console sandbox, the test harness) that the handler is
    /// now waiting for the user, so they may send the next message. Conversation helpers call this.
    pub fn mark_waiting(&self) {
        if let Some(settle) = &self.shared.settle {
            settle.fire();
        }
    }
}

impl super::FromCtx for crate::session::Session {
    fn from_ctx(ctx: &Ctx) -> Result<Self> {
        let manager = ctx.state::<crate::session::SessionManager>().ok_or(Error::Missing {
            what: "session manager (App::state(SessionManager::…) replaced by something else?)",
        })?;
        let origin = crate::session::Origin {
            bot: ctx.bot().clone(),
            event: ctx.event().clone(),
            user_id: ctx.user_id().to_owned(),
        };
        Ok(crate::session::Session::for_event((*manager).clone(), origin))
    }

    fn requirements(out: &mut Vec<super::Requirement>) {
        out.push(super::Requirement::state_via::<crate::session::SessionManager>(
            "Session",
            "configure a store in `[session]` of qqbot.toml, or add one with `App::state(SessionManager::…)`",
        ));
    }
}
