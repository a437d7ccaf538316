//! `App`: commands, event handlers, adapters and configuration, run until shutdown.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::adapter::console::{ConsoleAdapter, ConsoleConfig};
use crate::adapter::{self, Adapter, EventSink};
use crate::command::{
    AppState, BotCommand, CommandError, CommandRegistration, Ctx, Dispatcher, EventHandler, EventRegistration, Hooks,
    OnError, dispatch_order,
};
use crate::command::{CommandOutcome, HookFlow};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::i18n::Lang;
use crate::job::{Job, JobEnv, JobRegistration};
use crate::plugin::{PluginMeta, Switches};
use crate::session::{Clock, TokioClock};

/// A bot application.
///
/// ```no_run
/// # async fn f() -> qqbot::Result<()> {
/// qqbot::App::from_env()?.run().await // qqbot.toml if present, else the console sandbox
/// # }
/// ```
pub struct App {
    config: Config,
    registered: bool,
    commands: Vec<BotCommand>,
    event_handlers: Vec<EventHandler>,
    adapters: Vec<Box<dyn Adapter>>,
    states: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    on_error: Option<OnError>,
    clock: Option<Arc<dyn Clock>>,
    jobs: Vec<Job>,
    api_hooks: crate::api::ApiHooks,
    hooks: Hooks,
    plugins: Vec<(PluginMeta, Option<crate::plugin::ConfigLoader>)>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("registered", &self.registered)
            .field("commands", &self.commands.len())
            .field("adapters", &self.adapters.iter().map(|a| a.name().to_owned()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// An app with every `#[command]` and `#[on_event]` in the binary, default configuration, and no adapter
    /// (`run` then uses the console sandbox).
    pub fn new() -> Self {
        App {
            config: Config::default(),
            registered: true,
            commands: Vec::new(),
            event_handlers: Vec::new(),
            adapters: Vec::new(),
            states: HashMap::new(),
            on_error: None,
            clock: None,
            jobs: Vec::new(),
            api_hooks: Default::default(),
            hooks: Hooks::default(),
            plugins: Vec::new(),
        }
    }

    /// An app with no commands at all: add them with [`App::command`] (`App::empty().command(hello::command())`).
    /// Tests use this so that each sees only the commands it names.
    pub fn empty() -> Self {
        App { registered: false, ..App::new() }
    }

    /// An app configured by `qqbot.toml` (or `QQBOT_CONFIG`) and the environment, with the adapters they
    /// describe; the console sandbox when they describe none.
    pub fn from_env() -> Result<Self> {
        App::new().with_config(Config::load()?)
    }

    /// Uses `config` and adds the adapters it describes.
    pub fn with_config(mut self, config: Config) -> Result<Self> {
        self.adapters.extend(adapter::from_config(&config)?);
        self.config = config;
        Ok(self)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Adds a command (built by hand, or `name::command()` for a `#[command] fn name`).
    pub fn command(mut self, command: BotCommand) -> Self {
        self.commands.push(command);
        self
    }

    /// Adds a scheduled job (built by hand, or `name::job()` for a `#[job] fn name`).
    pub fn job(mut self, job: Job) -> Self {
        self.jobs.push(job);
        self
    }

    /// Adds a hook run before every outbound API call (NoneBot's `on_calling_api`): OneBot actions — sends,
    /// replies, recalls and every typed API call — and official REST requests. Returning `Err(reason)` stops the
    /// call, which then fails with [`Error::Refused`]. Hooks run in the order added; keep them quick (they run on
    /// the calling task).
    ///
    /// ```
    /// use qqbot::prelude::*;
    /// let app = App::new().on_calling_api(|call: &qqbot::api::ApiCall| {
    ///     if call.action == "set_group_whole_ban" { Err("not today".to_owned()) } else { Ok(()) }
    /// });
    /// ```
    pub fn on_calling_api<F>(mut self, hook: F) -> Self
    where
        F: Fn(&crate::api::ApiCall) -> std::result::Result<(), String> + Send + Sync + 'static,
    {
        self.api_hooks.calling.push(Arc::new(hook));
        self
    }

    /// Adds a hook run after every outbound API call, with its outcome (NoneBot's `on_called_api`); calls stopped
    /// by [`App::on_calling_api`] included.
    pub fn on_called_api<F>(mut self, hook: F) -> Self
    where
        F: Fn(&crate::api::ApiCall, &Result<serde_json::Value>) + Send + Sync + 'static,
    {
        self.api_hooks.called.push(Arc::new(hook));
        self
    }

    /// Adds a handler of non-message events.
    pub fn on_event(mut self, handler: EventHandler) -> Self {
        self.event_handlers.push(handler);
        self
    }

    /// Adds an adapter (several may run at once: several accounts, several platforms).
    pub fn adapter(mut self, adapter: impl Adapter) -> Self {
        self.adapters.push(Box::new(adapter));
        self
    }

    /// Adds shared state, available to handlers as `State<T>` or `ctx.state::<T>()`.
    pub fn state<T: Any + Send + Sync>(mut self, value: T) -> Self {
        self.states.insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// Whether shared state of type `T` was added.
    pub fn has_state<T: Any + Send + Sync>(&self) -> bool {
        self.states.contains_key(&TypeId::of::<T>())
    }

    /// Adds a superuser: they may use admin-only commands anywhere.
    pub fn superuser(mut self, user_id: impl Into<String>) -> Self {
        self.config.bot.superusers.push(user_id.into());
        self
    }

    /// Sets the language of the framework's texts.
    pub fn lang(mut self, lang: Lang) -> Self {
        self.config.bot.lang = lang.tag().to_owned();
        self
    }

    /// Sets the app-wide error hook: `async fn(Ctx, CommandError) -> Result<(), CommandError>`, asked after a
    /// command's own [`BotCommand::on_error`] and for `#[on_event]` handlers. `Ok(())` means handled; `Err`
    /// passes the error on to the default, which replies in the app's language and logs the error in full.
    ///
    /// ```
    /// use qqbot::prelude::*;
    /// use qqbot::command::CommandError;
    ///
    /// async fn report(ctx: Ctx, err: CommandError) -> Result<(), CommandError> {
    ///     match err {
    ///         CommandError::PromptTimeout(_) => {
    ///             let _ = ctx.reply("太久没回复，已取消").await;
    ///             Ok(())
    ///         }
    ///         other => Err(other),
    ///     }
    /// }
    /// let app = App::new().on_error(report);
    /// ```
    pub fn on_error<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx, CommandError) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = std::result::Result<(), CommandError>> + Send + 'static,
    {
        self.on_error = Some(Arc::new(move |ctx, err| Box::pin(f(ctx, err))));
        self
    }

    /// Sets the words of the built-in `/help` (default `help` and `帮助`; a leading `/` is optional).
    pub fn help_words<I: IntoIterator<Item = S>, S: Into<String>>(mut self, words: I) -> Self {
        self.config.bot.help = words.into_iter().map(Into::into).collect();
        self
    }

    /// Turns the built-in `/help` off.
    pub fn without_help(self) -> Self {
        self.help_words(Vec::<String>::new())
    }

    /// Turns "did you mean" for mistyped commands on (the default) or off.
    pub fn suggest(mut self, suggest: bool) -> Self {
        self.config.bot.suggest = suggest;
        self
    }

    /// Sets the clock that times cooldowns, rate limits, scheduled jobs and outbound pacing. The default, a
    /// [`TokioClock`] showing the system time, moves with tokio's timer; a test starts its virtual day with
    /// `App::empty().clock(Arc::new(TokioClock::starting_at(ms)))` and moves it with `tokio::time::advance`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Declares a plugin's metadata by hand (what `plugin!` does for a whole binary).
    pub fn plugin(mut self, meta: PluginMeta) -> Self {
        self.plugins.push((meta, None));
        self
    }

    /// Sets the words of the built-in plugin switch command (default `插件` and `plugin`).
    pub fn plugin_words<I: IntoIterator<Item = S>, S: Into<String>>(mut self, words: I) -> Self {
        self.config.bot.plugin_words = words.into_iter().map(Into::into).collect();
        self
    }

    /// Turns the built-in plugin switch command off.
    pub fn without_plugin_commands(self) -> Self {
        self.plugin_words(Vec::<String>::new())
    }

    /// Ignores every message and event of this user, before any command or handler runs.
    pub fn deny_user(mut self, user_id: impl Into<String>) -> Self {
        self.config.bot.deny_users.push(user_id.into());
        self
    }

    /// Ignores every message and event in this group, before any command or handler runs.
    pub fn deny_group(mut self, group_id: impl Into<String>) -> Self {
        self.config.bot.deny_groups.push(group_id.into());
        self
    }

    /// Adds an event pre-processor: it sees every event before dispatch (after the deny list) and returns it,
    /// changed or not, or `None` to drop it (for example, to ignore other bots). Pre-processors run in the order
    /// added.
    pub fn pre_process<F>(mut self, f: F) -> Self
    where
        F: Fn(Event) -> Option<Event> + Send + Sync + 'static,
    {
        self.hooks.pre_process.push(Arc::new(f));
        self
    }

    /// Adds a hook run before every command, after its checks: [`HookFlow::Stop`] keeps the command from running
    /// (logged; nothing is sent unless the hook replied itself) and ends the event's chain.
    pub fn before_command<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = HookFlow> + Send + 'static,
    {
        self.hooks.add_before(f);
        self
    }

    /// Adds a hook run after every command that was tried, with how it ended.
    pub fn after_command<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx, CommandOutcome) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.hooks.add_after(f);
        self
    }

    /// Builds the dispatcher: registered commands (ordered by source location) then added ones, in dispatch
    /// order. The returned sender starts shutdown.
    pub(crate) fn build(self) -> Result<Built> {
        let mut registered: Vec<BotCommand> = Vec::new();
        let mut handlers: Vec<EventHandler> = Vec::new();
        if self.registered {
            registered.extend(inventory::iter::<CommandRegistration>.into_iter().map(|r| (r.build)()));
            registered.sort_by_key(|c| c.location);
            handlers.extend(inventory::iter::<EventRegistration>.into_iter().map(|r| (r.build)()));
            handlers.sort_by_key(|h| h.location);
        }
        let plugin_words: Vec<String> = self
            .config
            .bot
            .plugin_words
            .iter()
            .map(|w| w.trim().trim_start_matches(['/', '／']).to_owned())
            .filter(|w| !w.is_empty())
            .collect();
        let mut commands: Vec<Arc<BotCommand>> = registered.into_iter().chain(self.commands).map(Arc::new).collect();
        handlers.extend(self.event_handlers);
        let mut jobs: Vec<Job> = Vec::new();
        if self.registered {
            jobs.extend(inventory::iter::<JobRegistration>.into_iter().map(|r| (r.build)()));
            jobs.sort_by_key(|j| j.location);
        }
        jobs.extend(self.jobs);
        let tz = crate::job::timezone(&self.config.bot.timezone)?;
        let used: Vec<&str> = commands
            .iter()
            .filter_map(|c| c.plugin.as_deref())
            .chain(handlers.iter().filter_map(|h| h.plugin.as_deref()))
            .chain(jobs.iter().filter_map(|j| j.plugin.as_deref()))
            .collect();
        let plugins = crate::plugin::load(self.registered, &used, &self.plugins, &self.config)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let mut states = self.states;
        let sessions = crate::session::install(&mut states, &self.config, &shutdown_rx)?;
        #[cfg(feature = "redis")]
        let cluster = match crate::cluster::ClusterConfig::from_config(&self.config)? {
            Some(c) => Some(Arc::new(crate::cluster::Cluster::new(c)?)),
            None => None,
        };
        #[cfg(not(feature = "redis"))]
        if self.config.has_section("cluster") {
            return Err(Error::config(
                "[cluster]",
                "cluster mode needs qqbot's `redis` feature; enable it in Cargo.toml",
            ));
        }
        for (type_id, value) in plugins.configs {
            states.insert(type_id, value);
        }
        let mut plugin_names: Vec<String> = plugins.metas.iter().map(|m| m.name.clone()).collect();
        for name in commands
            .iter()
            .filter_map(|c| c.plugin.as_ref())
            .chain(handlers.iter().filter_map(|h| h.plugin.as_ref()))
            .chain(jobs.iter().filter_map(|j| j.plugin.as_ref()))
        {
            if !plugin_names.contains(name) {
                plugin_names.push(name.clone());
            }
        }
        // The switch command exists only in an app that has something to switch.
        if !plugin_words.is_empty() && !plugin_names.is_empty() {
            commands.push(Arc::new(crate::command::plugin_command(plugin_words)));
        }
        dispatch_order(&mut commands);
        let mut policies = HashMap::new();
        for name in &plugin_names {
            policies.insert(name.clone(), self.config.plugin_policy(name)?);
        }
        let store = Some(sessions.clone());
        let switches = Switches::new(
            plugin_names,
            policies,
            self.config.bot.deny_users.iter().cloned(),
            self.config.bot.deny_groups.iter().cloned(),
            store,
        );
        // What only the running app can know — state nobody added — stops it here, before the first connection,
        // with every problem listed at once; otherwise the command would be skipped at each message.
        let unmet = crate::command::unmet_requirements(&commands, &handlers, |t| states.contains_key(&t));
        if !unmet.is_empty() {
            let list: String = unmet.iter().map(|p| format!("\n  - {p}")).collect();
            return Err(Error::config(
                "the app's commands",
                format!("{} problem(s) must be fixed before the bot can start:{list}", unmet.len()),
            ));
        }
        let clock = self.clock.unwrap_or_else(|| Arc::new(TokioClock::new()));
        let accounts = Arc::new(crate::api::Accounts::default());
        let outbound = Arc::new(crate::api::Outbound::from_config(&self.config)?);
        let job_outbound = outbound.clone();
        let switches = Arc::new(switches);
        #[cfg(feature = "redis")]
        if let Some(cluster) = &cluster {
            let (sw, c) = (switches.clone(), cluster.clone());
            cluster.on_switches_changed(Arc::new(move || sw.invalidate()));
            switches.set_announcer(Arc::new(move || {
                let c = c.clone();
                Box::pin(async move { c.publish_switches_changed().await })
            }));
        }
        let job_switches = switches.clone();
        let job_env = Arc::new(JobEnv {
            accounts: accounts.clone(),
            clock: clock.clone(),
            tz,
            states: states.clone(),
            outbound: Arc::new(move |bot| job_outbound.wrap(bot, None)),
            // A job of a plugin sends only where its plugin is on (group and user switches, deny lists).
            target_filter: Some(Arc::new(move |plugin: &str, target: &crate::api::Target| {
                let (switches, plugin, target) = (job_switches.clone(), plugin.to_owned(), target.clone());
                Box::pin(async move {
                    switches.load().await;
                    match &target {
                        crate::api::Target::Group(group) => switches.is_enabled(&plugin, Some(group), None),
                        crate::api::Target::Private(user) => switches.is_enabled(&plugin, None, Some(user)),
                        // Guild switches key on the guild, which a channel or DM target does not name.
                        _ => switches.is_enabled(&plugin, None, None),
                    }
                })
            })),
            #[cfg(feature = "redis")]
            cluster: cluster.clone(),
        });
        // Read the stored switches now, so that the first event (or a job) finds them cached; the dispatcher
        // still waits for this load before its first check.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let switches = switches.clone();
            runtime.spawn(async move { switches.load().await });
        }
        let state = Arc::new(AppState {
            limits: crate::command::Limits::new(clock, Some(sessions.clone())),
            accounts,
            outbound,
            api_hooks: Arc::new(self.api_hooks),
            lang: self.config.lang(),
            superusers: self.config.bot.superusers.clone(),
            commands: commands.clone(),
            states,
            shutdown: shutdown_rx.clone(),
            waiters: Default::default(),
            on_error: self.on_error,
            help_words: self
                .config
                .bot
                .help
                .iter()
                .map(|w| w.trim().trim_start_matches(['/', '／']).to_owned())
                .filter(|w| !w.is_empty())
                .collect(),
            suggest: self.config.bot.suggest,
            switches: switches.clone(),
            plugins: plugins.metas,
            hooks: self.hooks,
            #[cfg(feature = "redis")]
            cluster: cluster.clone(),
        });
        let dispatcher = Dispatcher::new(commands, handlers, state, self.config.bot.max_in_flight).map_err(|e| {
            Error::config("commands", format!("the words that match anywhere do not build an index: {e}"))
        })?;
        let config = Arc::new(self.config);
        let dispatcher = Arc::new(dispatcher);
        // A message another instance hands over resumes a handler waiting here (or is dispatched here).
        #[cfg(feature = "redis")]
        if let Some(cluster) = &cluster {
            let weak = Arc::downgrade(&dispatcher);
            cluster.on_handoff(Arc::new(move |waiter, event| {
                if let Some(dispatcher) = weak.upgrade() {
                    tokio::spawn(async move { dispatcher.receive_handoff(waiter, event).await });
                }
            }));
        }
        let scheduler = Scheduler {
            jobs,
            env: job_env,
            shutdown: shutdown_rx.clone(),
            #[cfg(feature = "redis")]
            cluster,
        };
        let sink = EventSink::new(dispatcher, shutdown_rx, config.clone());
        Ok(Built { sink, shutdown: shutdown_tx, adapters: self.adapters, config, sessions, scheduler })
    }

    /// Runs every adapter until they finish or Ctrl-C, then shuts down gracefully: waiting conversations are
    /// cancelled and running handlers get up to 30 seconds to finish.
    pub async fn run(self) -> Result<()> {
        crate::logging::init();
        let Built { sink, shutdown, mut adapters, config, sessions, scheduler } = self.build()?;
        sessions.check_store().await?;
        scheduler.start_cluster().await?;
        scheduler.start();
        if adapters.is_empty() {
            let console: ConsoleConfig = config.section("console")?.unwrap_or_default();
            tracing::debug!("no adapter configured: starting the console sandbox");
            adapters.push(Box::new(ConsoleAdapter::new(console)));
        }
        let mut tasks = tokio::task::JoinSet::new();
        for adapter in adapters {
            let name = adapter.name().to_owned();
            let sink = sink.clone();
            tasks.spawn(async move { (name, adapter.run(sink).await) });
        }
        let mut first_error = None;
        let mut interrupted = false;
        loop {
            tokio::select! {
                joined = tasks.join_next() => match joined {
                    None => break,
                    Some(Ok((name, Ok(())))) => tracing::debug!(adapter = %name, "adapter finished"),
                    Some(Ok((name, Err(e)))) => {
                        tracing::error!(adapter = %name, "adapter stopped with an error: {e}");
                        first_error.get_or_insert(e);
                    }
                    Some(Err(e)) => tracing::error!("adapter task failed: {e}"),
                },
                _ = tokio::signal::ctrl_c(), if !interrupted => {
                    tracing::info!("Ctrl-C: shutting down");
                    interrupted = true;
                    let _ = shutdown.send(true);
                }
            }
        }
        let _ = shutdown.send(true);
        if tokio::time::timeout(Duration::from_secs(30), sink.idle()).await.is_err() {
            tracing::warn!("handlers still running 30 s after shutdown; leaving them");
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A built app, ready to run.
pub(crate) struct Built {
    pub(crate) sink: EventSink,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) adapters: Vec<Box<dyn Adapter>>,
    pub(crate) config: Arc<Config>,
    /// The app's sessions, checked before the adapters start.
    pub(crate) sessions: crate::session::SessionManager,
    /// The app's jobs, started with the adapters.
    pub(crate) scheduler: Scheduler,
}

/// The app's jobs, ready to start, and the cluster membership they (and the dispatcher) rely on.
pub(crate) struct Scheduler {
    jobs: Vec<Job>,
    env: Arc<JobEnv>,
    shutdown: watch::Receiver<bool>,
    #[cfg(feature = "redis")]
    cluster: Option<Arc<crate::cluster::Cluster>>,
}

impl Scheduler {
    /// Joins the cluster (when `[cluster]` is set): connects to Redis and listens on the bus. Fails when Redis
    /// cannot be reached and the cluster requires it.
    pub(crate) async fn start_cluster(&self) -> Result<()> {
        #[cfg(feature = "redis")]
        if let Some(cluster) = &self.cluster {
            cluster.start(self.shutdown.clone()).await?;
        }
        Ok(())
    }

    /// Starts the jobs (nothing when there are none); they stop at shutdown.
    pub(crate) fn start(self) {
        if !self.jobs.is_empty() {
            crate::job::start(self.jobs, self.env, self.shutdown);
        }
    }

    /// The accounts jobs send through.
    pub(crate) fn accounts(&self) -> &Arc<crate::api::Accounts> {
        &self.env.accounts
    }
}
