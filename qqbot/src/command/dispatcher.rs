//! The dispatcher: turns one event into handler runs, in the documented order.
//!
//! Every event is handled in its own task (bounded by `max_in_flight`, which gives the adapters back-pressure).
//! Inside it, `#[on_event]` handlers run first, then the candidate commands in dispatch order — priority (higher
//! first), then word commands before regex commands, then declaration order — each through its checks (scene, `at`,
//! `admin`, then cooldown and rate limit) and with its panics caught, until one short-circuits.
//!
//! What goes wrong becomes a [`CommandError`] and goes to the command's `on_error`, the app's, then the default
//! reply in the app's language. Commands skipped for their scene or for admins only are reported only when no
//! command ran and the message was addressed to the bot (a leading `/` or a mention), so chat text stays quiet.
//! A message addressed to the bot that matched no command gets the built-in `/help` when it asks for it, else a
//! "did you mean".

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::bot_command::{BotCommand, EventHandler, WordMatch};
use super::conversation::Offer;
use super::ctx::{AppState, Ctx, Hit, Settle, Shared};
use super::error::CommandError;
use super::extract::ParamError;
use super::help::{help_command, help_for, help_plugin, usable};
use super::hooks::{CommandOutcome, HookFlow};
use super::matcher::Matcher;
use super::reply::HandlerOutput;
use super::suggest::closest;
use super::text::CommandText;
use crate::api::Bot;
use crate::event::{Event, Sender};
use crate::i18n::Text;
use crate::message::Message;

/// Routes events to commands and event handlers. Built by `App`; adapters reach it through `EventSink`.
pub struct Dispatcher {
    pub(crate) commands: Vec<Arc<BotCommand>>,
    pub(crate) event_handlers: Vec<EventHandler>,
    matcher: Matcher,
    pub(crate) app: Arc<AppState>,
    permits: Arc<Semaphore>,
    max_in_flight: u32,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("commands", &self.commands.len())
            .field("event_handlers", &self.event_handlers.len())
            .finish_non_exhaustive()
    }
}

/// A handle on one dispatched event.
#[derive(Clone)]
pub struct DispatchHandle {
    settle: Arc<Settle>,
}

impl DispatchHandle {
    /// Resolves when the event's handling has settled: every handler in its chain finished, or one began
    /// waiting for the user's next message.
    pub async fn settled(&self) {
        self.settle.wait().await;
    }
}

/// Sorts commands into dispatch order: priority (higher first), word commands before regex commands, then the
/// order given (declaration order).
pub(crate) fn dispatch_order(commands: &mut [Arc<BotCommand>]) {
    commands.sort_by_key(|c| (std::cmp::Reverse(c.priority), c.words.is_empty()));
}

/// An event the dispatcher could not take without waiting, handed back by [`Dispatcher::try_dispatch`].
#[derive(Debug)]
pub struct Busy {
    /// The account it arrived on.
    pub bot: Arc<dyn Bot>,
    /// The event.
    pub event: Event,
}

impl Dispatcher {
    pub(crate) fn new(
        commands: Vec<Arc<BotCommand>>,
        mut event_handlers: Vec<EventHandler>,
        app: Arc<AppState>,
        max_in_flight: usize,
    ) -> Result<Self, aho_corasick::BuildError> {
        let matcher = Matcher::new(&commands)?;
        event_handlers.sort_by_key(|h| std::cmp::Reverse(h.priority));
        let max_in_flight = max_in_flight.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize)) as u32;
        Ok(Dispatcher {
            commands,
            event_handlers,
            matcher,
            app,
            permits: Arc::new(Semaphore::new(max_in_flight as usize)),
            max_in_flight,
        })
    }

    /// The commands in dispatch order.
    pub fn commands(&self) -> &[Arc<BotCommand>] {
        &self.commands
    }

    /// The app's plugin switches and deny lists: the one place that decides whether a plugin runs for a target.
    pub fn switches(&self) -> &Arc<crate::plugin::Switches> {
        &self.app.switches
    }

    /// Hands an event over for handling. Waits while `max_in_flight` events are being handled (back-pressure),
    /// then returns at once; the handlers run in their own task.
    pub async fn dispatch(self: &Arc<Self>, bot: Arc<dyn Bot>, event: Event) -> DispatchHandle {
        self.dispatch_in_lane(None, bot, event).await
    }

    /// [`Dispatcher::dispatch`], holding `lane` (a connection's share of the in-flight events) until the event's
    /// handling ends.
    pub(crate) async fn dispatch_in_lane(
        self: &Arc<Self>,
        lane: Option<OwnedSemaphorePermit>,
        bot: Arc<dyn Bot>,
        event: Event,
    ) -> DispatchHandle {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            let settle = Arc::new(Settle::default());
            settle.fire();
            return DispatchHandle { settle };
        };
        self.spawn_handling((permit, lane), bot, event)
    }

    /// Hands an event over only if that needs no waiting (fewer than `max_in_flight` events in flight); gives it
    /// back otherwise (boxed: the busy path is the rare one), so the caller can queue it.
    pub fn try_dispatch(self: &Arc<Self>, bot: Arc<dyn Bot>, event: Event) -> Result<DispatchHandle, Box<Busy>> {
        self.try_dispatch_in_lane(None, bot, event)
    }

    /// [`Dispatcher::try_dispatch`], holding `lane` until the event's handling ends.
    pub(crate) fn try_dispatch_in_lane(
        self: &Arc<Self>,
        lane: Option<OwnedSemaphorePermit>,
        bot: Arc<dyn Bot>,
        event: Event,
    ) -> Result<DispatchHandle, Box<Busy>> {
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => Ok(self.spawn_handling((permit, lane), bot, event)),
            Err(_) => Err(Box::new(Busy { bot, event })),
        }
    }

    fn spawn_handling(
        self: &Arc<Self>,
        permit: (OwnedSemaphorePermit, Option<OwnedSemaphorePermit>),
        bot: Arc<dyn Bot>,
        event: Event,
    ) -> DispatchHandle {
        let settle = Arc::new(Settle::default());
        let handle = DispatchHandle { settle: settle.clone() };
        let this = self.clone();
        tokio::spawn(async move {
            this.handle(bot, event, Some(settle.clone())).await;
            settle.fire();
            drop(permit);
        });
        handle
    }

    /// Waits until no event is being handled.
    pub async fn idle(&self) {
        if let Ok(all) = self.permits.acquire_many(self.max_in_flight).await {
            drop(all);
        }
    }

    /// Handles one event to the end, in the caller's task (no back-pressure, no separate task).
    pub async fn handle_event(&self, bot: Arc<dyn Bot>, event: Event) {
        self.handle(bot, event, None).await
    }

    pub(crate) async fn handle(&self, bot: Arc<dyn Bot>, event: Event, settle: Option<Arc<Settle>>) {
        self.app.accounts.note(&bot, &event);
        let bot = self.app.outbound.wrap(bot, Some(&event));
        // The global deny list comes before everything, pre-processors included: those users do not exist.
        let (group, user) = group_and_user(&event);
        if self.app.switches.is_denied(group, user) {
            tracing::trace!(?group, ?user, "ignored: on the deny list");
            return;
        }
        #[cfg(feature = "redis")]
        let event = match &self.app.cluster {
            None => event,
            // Boxed: a cluster is the rarer setup, and its wait would otherwise enlarge every event's task.
            Some(cluster) => match Box::pin(self.admit(cluster, event)).await {
                Some(event) => event,
                None => return,
            },
        };
        self.handle_admitted(bot, event, settle).await
    }

    /// Admits an event in a cluster: `None` when it is a duplicate or went to a waiting handler (here or in
    /// another instance), else the event to dispatch as usual.
    #[cfg(feature = "redis")]
    async fn admit(&self, cluster: &Arc<crate::cluster::Cluster>, event: Event) -> Option<Event> {
        use crate::cluster::Admission;
        match cluster.admit(&event).await {
            Admission::Duplicate => {
                tracing::debug!("dropped: another delivery of an event an instance of the cluster already took");
                None
            }
            Admission::Fresh => Some(event),
            Admission::Waiter { instance, waiter } if instance == cluster.instance_id() => {
                self.give_to_waiter(cluster, waiter, event).await
            }
            Admission::Waiter { instance, waiter } => {
                if let Event::Message(m) = &event
                    && cluster.hand_over(&instance, waiter, m).await
                {
                    tracing::debug!(%instance, "handed a message to the handler waiting for it in another instance");
                    return None;
                }
                Some(event)
            }
        }
    }

    /// Gives a message to waiter number `waiter` of this instance; `Some` when it did not take it.
    #[cfg(feature = "redis")]
    async fn give_to_waiter(&self, cluster: &Arc<crate::cluster::Cluster>, waiter: u64, event: Event) -> Option<Event> {
        use super::conversation::Handed;
        match self.app.waiters.deliver_to(waiter, event) {
            Handed::Taken(resumed) => {
                let _ = resumed.await;
                None
            }
            Handed::Refused { event, rewait } => {
                if let Some((key, entry)) = rewait {
                    cluster.rewait(key, entry).await;
                }
                Some(event)
            }
        }
    }

    /// A message another instance of the cluster handed over for waiter number `waiter` here: given to it, or
    /// dispatched here when it no longer waits or refuses it.
    #[cfg(feature = "redis")]
    pub(crate) async fn receive_handoff(&self, waiter: u64, m: crate::event::MessageEvent) {
        let Some(cluster) = self.app.cluster.clone() else { return };
        let Some(bot) = self.app.accounts.get(m.platform, &m.self_id) else {
            tracing::warn!(
                account = %m.self_id,
                "a message was handed over for a handler here, but account {} is not connected to this instance; \
                 dropping it",
                m.self_id
            );
            return;
        };
        let event = Event::Message(m);
        let bot = self.app.outbound.wrap(bot, Some(&event));
        if let Some(event) = self.give_to_waiter(&cluster, waiter, event).await {
            self.handle_admitted(bot, event, None).await;
        }
    }

    async fn handle_admitted(&self, bot: Arc<dyn Bot>, event: Event, settle: Option<Arc<Settle>>) {
        let event = if self.app.hooks.pre_process.is_empty() {
            event
        } else {
            match self.app.hooks.pre_process(event) {
                Some(event) => event,
                None => {
                    tracing::debug!("event dropped by a pre-processor");
                    return;
                }
            }
        };
        if !self.app.switches.loaded() {
            // Boxed: a reload happens after a switch change, not per event.
            Box::pin(self.app.switches.load()).await;
        }
        // A message a waiting handler takes (`ctx.wait_reply`) goes to it alone; its handling lasts until that
        // handler settles again. Costs one atomic load when nobody waits.
        let event = match self.app.waiters.offer(event) {
            Offer::Declined(event) => event,
            Offer::Taken(resumed) => {
                let _ = Box::pin(resumed).await;
                return;
            }
        };
        let (command_text, mut sender) = match &event {
            Event::Message(m) => (CommandText::of(&m.message, &m.self_id), m.sender.clone()),
            Event::Notice(n) => (CommandText::of(&Message::new(), ""), Sender::new(n.user_id().unwrap_or_default())),
        };
        // An adapter may already have said so (the console's `:su`); the configured list adds to that.
        sender.is_superuser |= self.app.superusers.contains(&sender.user_id);
        let is_self = matches!(&event, Event::Message(m) if m.is_self);
        let shared = Arc::new(Shared {
            event,
            bot,
            command_text,
            sender,
            app: self.app.clone(),
            settle,
            conversation: Default::default(),
        });

        for h in &self.event_handlers {
            if let Some(plugin) = &h.plugin
                && !self.plugin_on(plugin, &shared)
            {
                tracing::trace!(handler = %h.name, plugin, "skipped: plugin off here");
                continue;
            }
            let ctx = Ctx { shared: shared.clone(), hit: None };
            let fut = match std::panic::catch_unwind(AssertUnwindSafe(|| (h.handler)(ctx.clone()))) {
                Ok(Some(fut)) => fut,
                Ok(None) => continue,
                Err(panic) => {
                    let err = CommandError::Panic { command: h.name.clone(), message: panic_message(&panic) };
                    self.fail(ctx, None, err, false).await;
                    continue;
                }
            };
            match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(out) => self.deliver(&ctx, None, &h.name, out).await,
                Err(panic) => {
                    let err = CommandError::Panic { command: h.name.clone(), message: panic_message(&panic) };
                    self.fail(ctx, None, err, false).await;
                }
            }
        }

        if is_self {
            return;
        }
        let Event::Message(msg) = &shared.event else {
            return;
        };
        // Addressed to the bot: a leading `/`, or a mention of the bot (an implicit one in private chats does not
        // count, or every chat line there would be taken for a mistyped command).
        let command_like =
            shared.text().trim_start().starts_with(['/', '／']) || msg.message.mentions().any(|id| id == msg.self_id);
        let mut ran = false;
        let mut any_candidate = false;
        let mut skipped: Option<(Ctx, Arc<BotCommand>, CommandError)> = None;
        for cand in self.matcher.candidates(shared.treated(), &self.commands) {
            any_candidate = true;
            let cmd = &self.commands[cand.cmd as usize];
            // A plugin that is off here stays silent: no denial, no "did you mean".
            if let Some(plugin) = &cmd.plugin
                && !self.plugin_on(plugin, &shared)
            {
                tracing::trace!(command = %cmd.name, plugin, "skipped: plugin off here");
                continue;
            }
            let hit = Hit { command: cmd.clone(), args_start: cand.args_start, captures: cand.captures };
            let ctx = Ctx { shared: shared.clone(), hit: Some(Arc::new(hit)) };
            if !cmd.scenes.contains(msg.scene) {
                tracing::trace!(command = %cmd.name, scene = %msg.scene, "skipped: scene not valid");
                if skipped.is_none() {
                    let err = CommandError::SceneMismatch {
                        command: cmd.name.clone(),
                        scene: msg.scene,
                        allowed: cmd.scenes,
                    };
                    skipped = Some((ctx, cmd.clone(), err));
                }
                continue;
            }
            if cmd.at && !msg.mentions_me() {
                tracing::trace!(command = %cmd.name, "skipped: the bot was not mentioned");
                continue;
            }
            if cmd.admin && !shared.sender.is_admin() {
                let err =
                    CommandError::PermissionDenied { command: cmd.name.clone(), message: cmd.admin_error_msg.clone() };
                if cmd.admin_error_msg.is_some() {
                    ran = true;
                    self.fail(ctx, Some(cmd), err, command_like).await;
                    break;
                }
                tracing::trace!(command = %cmd.name, "skipped: admins only");
                if skipped.is_none() {
                    skipped = Some((ctx, cmd.clone(), err));
                }
                continue;
            }
            if let Some(permission) = &cmd.permission
                && !Box::pin(permission.allows(&ctx)).await
            {
                let err =
                    CommandError::PermissionDenied { command: cmd.name.clone(), message: cmd.admin_error_msg.clone() };
                if cmd.admin_error_msg.is_some() {
                    ran = true;
                    self.fail(ctx.clone(), Some(cmd), err, command_like).await;
                    Box::pin(self.app.hooks.after(&ctx, CommandOutcome::PermissionDenied)).await;
                    break;
                }
                tracing::trace!(command = %cmd.name, "skipped: permission check failed");
                if skipped.is_none() {
                    skipped = Some((ctx, cmd.clone(), err));
                }
                continue;
            }
            if (cmd.cooldown.is_some() || cmd.rate_limit.is_some())
                && let Err(err) = Box::pin(self.app.limits.check(cmd, &shared.sender, msg)).await
            {
                // A limited command was hit and answered (or silenced on purpose): the chain ends here, as for a
                // command that ran.
                ran = true;
                self.fail(ctx, Some(cmd), err, true).await;
                break;
            }
            if !self.app.hooks.before_command.is_empty()
                && Box::pin(self.app.hooks.before(&ctx)).await == HookFlow::Stop
            {
                tracing::info!(command = %cmd.name, user = %shared.sender.user_id, "stopped by a before_command hook");
                ran = true;
                Box::pin(self.app.hooks.after(&ctx, CommandOutcome::Stopped)).await;
                break;
            }
            let result = match std::panic::catch_unwind(AssertUnwindSafe(|| (cmd.handler)(ctx.clone()))) {
                Ok(fut) => AssertUnwindSafe(fut).catch_unwind().await,
                Err(panic) => Err(panic),
            };
            if !matches!(result, Ok(Err(ParamError::Extract(_)))) {
                ran = true;
            }
            let mut outcome = CommandOutcome::BadArgument;
            let stop = match result {
                Ok(Ok(out)) => {
                    let stop = if cmd.is_custom_short_circuit { out.stop == Some(true) } else { cmd.short_circuit };
                    outcome = if out.error.is_some() { CommandOutcome::HandlerFailed } else { CommandOutcome::Ok };
                    self.deliver(&ctx, Some(cmd), &cmd.name, out).await;
                    stop
                }
                Ok(Err(ParamError::Extract(e))) => {
                    tracing::debug!(command = %cmd.name, "skipped: {e}");
                    continue;
                }
                Ok(Err(ParamError::Arg { param, error })) => {
                    let (usage, summary) = (cmd.usage(self.app.lang), cmd.summary().to_owned());
                    let command = cmd.name.clone();
                    let expected = error.expected;
                    let err = match error.got {
                        Some(got) => CommandError::BadArgument { command, param, expected, got, usage, summary },
                        None => CommandError::MissingArgument { command, param, expected, usage, summary },
                    };
                    self.fail(ctx.clone(), Some(cmd), err, command_like).await;
                    true
                }
                Ok(Err(ParamError::TooMany(extra))) => {
                    let (usage, summary) = (cmd.usage(self.app.lang), cmd.summary().to_owned());
                    let err = CommandError::TooManyArguments { command: cmd.name.clone(), extra, usage, summary };
                    self.fail(ctx.clone(), Some(cmd), err, command_like).await;
                    true
                }
                Err(panic) => {
                    outcome = CommandOutcome::Panicked;
                    let err = CommandError::Panic { command: cmd.name.clone(), message: panic_message(&panic) };
                    self.fail(ctx.clone(), Some(cmd), err, command_like).await;
                    cmd.short_circuit && !cmd.is_custom_short_circuit
                }
            };
            if !self.app.hooks.after_command.is_empty() {
                Box::pin(self.app.hooks.after(&ctx, outcome)).await;
            }
            if stop {
                break;
            }
        }
        if ran {
            return;
        }
        if let Some((ctx, cmd, err)) = skipped {
            self.fail(ctx, Some(&cmd), err, command_like).await;
            return;
        }
        if any_candidate {
            return;
        }
        let ctx = Ctx { shared: shared.clone(), hit: None };
        // In a private chat every line is said to the bot, so `帮助` alone asks for help there; a suggestion still
        // needs a `/` or a mention, or every chat line would be taken for a mistyped command.
        let help = if command_like || msg.scene.is_private() {
            self.builtin_help(&shared, msg.scene, shared.sender.is_admin())
        } else {
            None
        };
        // Boxed, like the other rare paths: help and suggestions are not what most events do.
        if let Some(text) = help {
            Box::pin(self.send_reply(&ctx, "help", text.into())).await;
        } else if self.app.suggest && command_like {
            Box::pin(self.suggest(&ctx, msg.scene)).await;
        }
    }

    /// Whether `plugin` is on for this event's sender and group.
    fn plugin_on(&self, plugin: &str, shared: &Shared) -> bool {
        let (group, _) = group_and_user(&shared.event);
        self.app.switches.is_enabled(plugin, group, Some(&shared.sender.user_id))
    }

    /// The built-in `/help` (or `/help <command>` / `/help <plugin>`), when the treated text asks for it. Commands
    /// of plugins that are off here are left out.
    fn builtin_help(&self, shared: &Shared, scene: crate::event::Scene, is_admin: bool) -> Option<String> {
        let mut parts = shared.treated().split_whitespace();
        let first = parts.next()?;
        let word = self.app.help_words.iter().find(|w| w.as_str() == first)?;
        let lang = self.app.lang;
        let commands: Vec<Arc<BotCommand>> = self
            .commands
            .iter()
            .filter(|c| c.plugin.as_deref().is_none_or(|p| self.plugin_on(p, shared)))
            .cloned()
            .collect();
        Some(match parts.next() {
            None => help_for(&commands, scene, is_admin, lang, word),
            // A plugin's name wins over a command word: its page lists that command too.
            Some(name) => help_plugin(&commands, &self.app.plugins, name, scene, is_admin, lang)
                .or_else(|| help_command(&commands, name, scene, is_admin, lang))
                .unwrap_or_else(|| {
                    let mut text = Text::HelpNoSuchCommand(name).render(lang);
                    text.push('\n');
                    text.push_str(&help_for(&commands, scene, is_admin, lang, word));
                    text
                }),
        })
    }

    /// "Did you mean": the closest command word usable here, for a command-like message that matched nothing.
    async fn suggest(&self, ctx: &Ctx, scene: crate::event::Scene) {
        let Some(typed) = ctx.shared.treated().split_whitespace().next() else { return };
        let is_admin = ctx.shared.sender.is_admin();
        let words = self
            .commands
            .iter()
            .filter(|c| usable(c, scene, is_admin))
            .filter(|c| c.plugin.as_deref().is_none_or(|p| self.plugin_on(p, &ctx.shared)))
            .flat_map(|c| c.words.iter().map(move |w| (w.as_str(), c.matching == WordMatch::Glued)))
            .chain(self.app.help_words.iter().map(|w| (w.as_str(), false)));
        if let Some(word) = closest(typed, words) {
            let shown = if word.starts_with(['/', '／']) { word.to_owned() } else { format!("/{word}") };
            tracing::debug!(typed, suggestion = %shown, "no command matched; suggesting the closest");
            self.send_reply(ctx, "did-you-mean", Text::DidYouMean(&shown).render(self.app.lang).into()).await;
        }
    }

    async fn deliver(&self, ctx: &Ctx, cmd: Option<&BotCommand>, name: &str, out: HandlerOutput) {
        if let Some(err) = out.error {
            // A handler that ran and failed always owes the user an answer, addressed or not.
            self.fail(ctx.clone(), cmd, CommandError::from_handler(name, err), true).await;
        }
        if let Some(reply) = out.reply {
            self.send_reply(ctx, name, reply).await;
        }
    }

    /// Routes an error: the command's `on_error`, then the app's, then the default reply in the app's language.
    /// `command_like` says whether the message was addressed to the bot: skipped commands are mentioned only then.
    ///
    /// Boxed: errors are the rare path, and their hooks and rendering would otherwise enlarge every event's task.
    fn fail<'a>(
        &'a self,
        ctx: Ctx,
        cmd: Option<&'a BotCommand>,
        err: CommandError,
        command_like: bool,
    ) -> futures_util::future::BoxFuture<'a, ()> {
        Box::pin(self.fail_inner(ctx, cmd, err, command_like))
    }

    async fn fail_inner(&self, ctx: Ctx, cmd: Option<&BotCommand>, err: CommandError, command_like: bool) {
        log_error(&err, cmd);
        let hooks = cmd.and_then(|c| c.on_error.as_ref()).into_iter().chain(self.app.on_error.as_ref());
        let mut err = err;
        for hook in hooks {
            let fut = match std::panic::catch_unwind(AssertUnwindSafe(|| hook(ctx.clone(), err))) {
                Ok(fut) => fut,
                Err(panic) => {
                    tracing::error!("an on_error hook panicked: {}", panic_message(&panic));
                    return;
                }
            };
            err = match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(Ok(())) => return,
                Ok(Err(passed_on)) => passed_on,
                Err(panic) => {
                    tracing::error!("an on_error hook panicked: {}", panic_message(&panic));
                    return;
                }
            };
        }
        if err.is_skip() && !command_like {
            return;
        }
        if ctx.target().is_none() {
            // A meta event (connected, heartbeat …) has nobody to tell; the error is logged above.
            return;
        }
        let name = err.command().unwrap_or("dispatch").to_owned();
        let text = err.default_reply(self.app.lang);
        if text.is_empty() {
            return;
        }
        self.send_reply(&ctx, &name, text.into()).await;
    }

    async fn send_reply(&self, ctx: &Ctx, name: &str, message: Message) {
        if let Err(e) = ctx.shared.bot.reply(&ctx.shared.event, message).await {
            tracing::warn!(handler = %name, "could not send the reply: {e}");
        }
    }
}

/// Logs what went wrong in full, at a level matching how surprising it is: users mistyping arguments is
/// normal, a handler failing deserves a warning, a panic is a bug.
fn log_error(err: &CommandError, cmd: Option<&BotCommand>) {
    let location = cmd.and_then(|c| c.location);
    match err {
        CommandError::Handler { command, source } => {
            let mut chain = source.to_string();
            let mut next = source.source();
            while let Some(cause) = next {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                next = cause.source();
            }
            tracing::warn!(handler = %command, ?location, "handler returned an error: {chain}");
        }
        CommandError::Panic { command, message } => {
            tracing::error!(handler = %command, ?location, "handler panicked: {message}");
        }
        CommandError::PromptTimeout(_) | CommandError::ShuttingDown => tracing::info!("{err}"),
        other => tracing::debug!("{other}"),
    }
}

/// The group (or guild) and user an event comes from, for deny lists and plugin switches.
pub(crate) fn group_and_user(event: &Event) -> (Option<&str>, Option<&str>) {
    match event {
        Event::Message(m) => (m.group_id.as_deref().or(m.guild_id.as_deref()), Some(m.sender.user_id.as_str())),
        Event::Notice(n) => (n.group_id(), n.user_id()),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}
