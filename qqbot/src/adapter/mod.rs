//! Adapters: one per way of reaching QQ. Each turns its platform's frames into [`Event`]s and implements
//! [`Bot`] for its accounts; nothing outside this module knows a wire format.
//!
//! Transports (forward WebSocket, reverse WebSocket, HTTP, webhook) are I/O only and live beside the protocol
//! code of each adapter, so a new transport never touches the protocol.

pub mod console;
pub(crate) mod delivery;
#[cfg(feature = "official")]
pub mod official;
pub mod onebot;
pub(crate) mod serde_lenient;
pub mod tls;
pub(crate) mod websocket;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::watch;

use crate::api::Bot;
use crate::command::{Busy, DispatchHandle, Dispatcher};
use crate::config::Config;
use crate::error::Result;
use crate::event::Event;
use crate::i18n::Lang;

/// A way of reaching QQ: the console sandbox, a OneBot implementation, the official platform.
///
/// `run` owns the adapter's connections until the bot shuts down. It decodes every incoming frame once into an
/// [`Event`] and hands it to [`EventSink::dispatch`] with the [`Bot`] of the account that received it. The three
/// platforms shape what a `Bot` must do:
///
/// - OneBot: API calls go over the same WebSocket as events (or over HTTP), correlated by `echo`; calls made while
///   disconnected wait for the reconnection up to their timeout, then fail.
/// - Official: replies are REST calls that carry the triggering `msg_id`/`event_id` and an increasing `msg_seq`,
///   which is why [`Bot::reply`] receives the whole event.
/// - Webhooks must be acknowledged within about 100 ms while handlers run on: `dispatch` returns as soon as the
///   event is queued, and the handlers run in their own task.
pub trait Adapter: Send + 'static {
    /// A short name for logs: `console`, `onebot-ws`, `official-gateway` …
    fn name(&self) -> &str;

    /// Runs until the platform is done (the console reached end of input) or the sink signals shutdown.
    fn run(self: Box<Self>, sink: EventSink) -> BoxFuture<'static, Result<()>>;
}

/// Where adapters deliver events; also tells them when to shut down.
#[derive(Clone)]
pub struct EventSink {
    dispatcher: Arc<Dispatcher>,
    shutdown: watch::Receiver<bool>,
    config: Arc<Config>,
}

impl std::fmt::Debug for EventSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSink").field("dispatcher", &self.dispatcher).finish_non_exhaustive()
    }
}

impl EventSink {
    /// This process's cluster membership (`[cluster]`), for adapters that share state through it (`msg_seq`).
    #[cfg(all(feature = "redis", feature = "official"))]
    pub(crate) fn cluster(&self) -> Option<Arc<crate::cluster::Cluster>> {
        self.dispatcher.app.cluster.clone()
    }

    pub(crate) fn new(dispatcher: Arc<Dispatcher>, shutdown: watch::Receiver<bool>, config: Arc<Config>) -> Self {
        EventSink { dispatcher, shutdown, config }
    }

    /// Hands an event over for handling; waits only while too many events are in flight (back-pressure).
    pub async fn dispatch(&self, bot: Arc<dyn Bot>, event: Event) -> DispatchHandle {
        self.dispatcher.dispatch(bot, event).await
    }

    /// Hands an event over if that needs no waiting; gives it back when `max_in_flight` events are in flight.
    pub fn try_dispatch(&self, bot: Arc<dyn Bot>, event: Event) -> Result<DispatchHandle, Box<Busy>> {
        self.dispatcher.try_dispatch(bot, event)
    }

    /// [`EventSink::dispatch`] holding a connection's lane permit until the handling ends.
    pub(crate) async fn dispatch_in_lane(
        &self,
        lane: Option<tokio::sync::OwnedSemaphorePermit>,
        bot: Arc<dyn Bot>,
        event: Event,
    ) -> DispatchHandle {
        self.dispatcher.dispatch_in_lane(lane, bot, event).await
    }

    /// [`EventSink::try_dispatch`] holding a connection's lane permit until the handling ends.
    pub(crate) fn try_dispatch_in_lane(
        &self,
        lane: Option<tokio::sync::OwnedSemaphorePermit>,
        bot: Arc<dyn Bot>,
        event: Event,
    ) -> Result<DispatchHandle, Box<Busy>> {
        self.dispatcher.try_dispatch_in_lane(lane, bot, event)
    }

    /// Waits until no event is being handled.
    pub async fn idle(&self) {
        self.dispatcher.idle().await
    }

    /// Announces a connected account (for adapters whose connection produces no `Connected` event), so
    /// scheduled jobs can send through it.
    pub fn add_account(&self, bot: Arc<dyn crate::api::Bot>) {
        self.dispatcher().app.accounts.add(bot);
    }

    /// The app's clock (cooldowns, jobs): the console's `:wait` moves it forward.
    pub fn clock(&self) -> Arc<dyn crate::session::Clock> {
        self.dispatcher().app.limits.clock().clone()
    }

    /// The app's API-call hooks, for the adapter's one call function.
    pub fn api_hooks(&self) -> Arc<crate::api::ApiHooks> {
        self.dispatcher().app.api_hooks.clone()
    }

    /// The dispatcher (its commands and event handlers tell the official adapter which intents to ask for).
    pub fn dispatcher(&self) -> &Arc<Dispatcher> {
        &self.dispatcher
    }

    /// The configuration the app was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The language of the framework's texts.
    pub fn lang(&self) -> Lang {
        self.dispatcher.app.lang
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Resolves when shutdown begins.
    pub async fn shutdown_signal(&self) {
        let mut rx = self.shutdown.clone();
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// Builds the adapters `qqbot.toml` and the environment ask for. Empty when none is configured (the `App` then
/// falls back to the console sandbox).
pub fn from_config(config: &Config) -> Result<Vec<Box<dyn Adapter>>> {
    let mut adapters: Vec<Box<dyn Adapter>> = Vec::new();
    if let Some(onebot) = onebot::OneBotAdapter::from_config(config)? {
        adapters.push(Box::new(onebot));
    }
    #[cfg(feature = "official")]
    for official in official::OfficialAdapter::all_from_config(config)? {
        adapters.push(Box::new(official));
    }
    #[cfg(not(feature = "official"))]
    if config.section::<toml::Value>("official")?.is_some() || std::env::var_os("QQBOT_APPID").is_some() {
        return Err(crate::Error::config(
            "[official]",
            "this program was built without qqbot's `official` feature; enable it in Cargo.toml to use the official platform",
        ));
    }
    Ok(adapters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_official_account_without_the_official_feature_is_refused_with_advice() {
        let config = Config::from_toml("[official]\nappid = \"102000000\"\nsecret = \"s\"\n").expect("valid toml");
        let built = from_config(&config);
        if cfg!(feature = "official") {
            assert!(built.is_ok_and(|adapters| adapters.iter().any(|a| a.name().starts_with("official"))));
        } else {
            let e = built.err().expect("refused");
            assert!(e.to_string().contains("`official` feature"), "{e}");
        }
    }
}
