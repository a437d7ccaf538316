//! Cluster mode: several processes of one bot — on one machine or many — sharing Redis as their state and bus.
//!
//! On when `[cluster] redis` (or `QQBOT_REDIS_URL`) is set; see [`ClusterConfig`]. Then:
//!
//! - every event is **admitted** once cluster-wide: one script per event de-duplicates it (`SET NX PX` on its id)
//!   and, for a message, looks for a handler waiting for it anywhere (`ctx.wait_reply`) — one round trip;
//! - a message that a handler in another instance waits for is **handed over** to that instance over Redis
//!   pub/sub, and resumes the handler there; this instance's commands do not also see it;
//! - **sessions, plugin switches, cooldowns and rate limits** live in the Redis session store (used by default in
//!   cluster mode), and a switch changed in one instance is announced to the others, which read it again;
//! - a **job** runs once per firing cluster-wide: the first instance to take the firing's lease runs it;
//! - official **`msg_seq`** numbers never collide between instances replying in one chain.
//!
//! When Redis goes away during a run, nothing waits for it: each instance handles what it receives (at least
//! once — duplicates are possible while Redis is down, and the log says so once), shared operations fail with
//! [`ClusterError::Unavailable`], and one task reconnects under the retry policy; when it is back the log says so
//! once and everything resumes.

mod admission;
#[cfg(feature = "official")]
mod chains;
mod config;
mod handoff;
mod link;

pub use config::ClusterConfig;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::StreamExt;
use redis::Script;
use tokio::sync::watch;

pub(crate) use admission::Admission;
use admission::{admit_script, register_script, wait_entry, wait_keys};
#[cfg(feature = "official")]
use chains::{NEXT_SHARED, OwnedChains, SHARED_BASE};
use link::Link;

use crate::error::{Error, Result};
use crate::event::{Event, MessageEvent, Platform, Target};

/// Why a shared operation did not happen.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// Redis cannot be reached right now; the link is reconnecting by itself.
    #[error("Redis is unreachable (cluster mode); reconnecting by itself")]
    Unavailable,
    /// Redis answered with an error.
    #[error("Redis refused a cluster operation: {0}")]
    Redis(String),
    /// The configuration cannot work.
    #[error("{0}")]
    Config(String),
}

/// What a handed-over message is given to: the app delivers it to the waiting handler.
pub(crate) type HandoffReceiver = Arc<dyn Fn(u64, MessageEvent) + Send + Sync>;

/// One process's membership in a cluster. Made by the app from `[cluster]`; reach it with `ctx.cluster()`.
pub struct Cluster {
    config: ClusterConfig,
    instance: String,
    link: Arc<Link>,
    admit: Script,
    register: Script,
    #[cfg(feature = "official")]
    next_shared: Script,
    #[cfg(feature = "official")]
    owned: OwnedChains,
    started: AtomicBool,
    handoff: OnceLock<HandoffReceiver>,
    switches_changed: OnceLock<Arc<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("instance", &self.instance).field("link", &self.link).finish_non_exhaustive()
    }
}

impl Cluster {
    /// A cluster member from its configuration; nothing connects before [`Cluster::start`].
    pub fn new(config: ClusterConfig) -> Result<Cluster> {
        let url = config.redis.clone().unwrap_or_default();
        let link = Link::new(&url, config.redis_for_logs(), config.timeout, config.retry())
            .map_err(|e| Error::config("[cluster] redis", e.to_string()))?;
        Ok(Cluster {
            instance: config.instance(),
            config,
            link: Arc::new(link),
            admit: admit_script(),
            register: register_script(),
            #[cfg(feature = "official")]
            next_shared: Script::new(NEXT_SHARED),
            #[cfg(feature = "official")]
            owned: OwnedChains::default(),
            started: AtomicBool::new(false),
            handoff: OnceLock::new(),
            switches_changed: OnceLock::new(),
        })
    }

    /// This instance's id.
    pub fn instance_id(&self) -> &str {
        &self.instance
    }

    /// The configuration.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Whether Redis answers right now.
    pub fn is_connected(&self) -> bool {
        self.link.is_up()
    }

    /// How many Redis round trips this process has made for the cluster (for tests and the operations page).
    #[doc(hidden)]
    pub fn round_trips(&self) -> u64 {
        self.link.round_trips()
    }

    fn key(&self, rest: &str) -> String {
        format!("{}:{rest}", self.config.prefix)
    }

    fn inbox(&self, instance: &str) -> String {
        self.key(&format!("bus:inbox:{instance}"))
    }

    fn switches_channel(&self) -> String {
        self.key("bus:switches")
    }

    /// Connects and starts listening on the bus. Fails when Redis cannot be reached and `required = true`.
    pub async fn start(self: &Arc<Self>, shutdown: watch::Receiver<bool>) -> Result<()> {
        if self.started.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        match self.link.connect().await {
            Ok(()) => tracing::info!(
                target: "qqbot::cluster",
                "cluster mode: instance {}, Redis {}, prefix {}",
                self.instance,
                self.config.redis_for_logs(),
                self.config.prefix
            ),
            Err(e) if self.config.required => {
                return Err(Error::config(
                    "[cluster] redis",
                    format!(
                        "cannot reach Redis at {} ({e}); start it, fix the URL, or set [cluster] required = false to \
                         start without it (events are then handled by each instance alone until Redis is reachable)",
                        self.config.redis_for_logs()
                    ),
                ));
            }
            Err(e) => {
                tracing::warn!(
                    target: "qqbot::cluster",
                    "cluster mode: instance {}, but Redis {} is unreachable ({e}); starting without it \
                     (required = false) and reconnecting",
                    self.instance,
                    self.config.redis_for_logs()
                );
                self.link.reconnect_in_background();
            }
        }
        let this = self.clone();
        tokio::spawn(async move { this.listen(shutdown).await });
        Ok(())
    }

    /// Reads the bus: messages handed over to this instance, and switch changes from the others. Reconnects when
    /// the subscription drops; after each (re)subscription the switches are read again, since announcements sent
    /// meanwhile were lost.
    async fn listen(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let (inbox, switches) = (self.inbox(&self.instance), self.switches_channel());
        let mut comebacks = self.link.comebacks();
        let mut failures = 0u32;
        loop {
            if *shutdown.borrow() {
                return;
            }
            let subscribed = async {
                let mut pubsub = self.link.client().get_async_pubsub().await?;
                pubsub.subscribe(&inbox).await?;
                pubsub.subscribe(&switches).await?;
                Ok::<_, redis::RedisError>(pubsub)
            };
            let mut pubsub = match tokio::time::timeout(Duration::from_secs(5), subscribed).await {
                Ok(Ok(p)) => p,
                Ok(Err(_)) | Err(_) => {
                    failures = failures.saturating_add(1);
                    let wait = Duration::from_millis(200u64.saturating_mul(1 << failures.min(5)));
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = comebacks.changed() => {}
                        _ = shutdown.wait_for(|s| *s) => return,
                    }
                    continue;
                }
            };
            failures = 0;
            self.announce_switches_locally();
            let mut messages = pubsub.on_message();
            loop {
                tokio::select! {
                    msg = messages.next() => match msg {
                        Some(msg) => self.on_bus_message(msg.get_channel_name(), msg.get_payload::<String>()),
                        None => break,
                    },
                    _ = shutdown.wait_for(|s| *s) => return,
                }
            }
            tracing::debug!(target: "qqbot::cluster", "bus subscription dropped; subscribing again");
        }
    }

    fn on_bus_message(&self, channel: &str, payload: redis::RedisResult<String>) {
        let Ok(payload) = payload else { return };
        if channel == self.switches_channel() {
            if payload != self.instance {
                self.announce_switches_locally();
            }
            return;
        }
        match handoff::decode(&payload) {
            Ok((waiter, event)) => match self.handoff.get() {
                Some(receive) => receive(waiter, event),
                None => {
                    tracing::warn!(target: "qqbot::cluster", "a handed-over message arrived before the app was ready")
                }
            },
            Err(e) => tracing::warn!(target: "qqbot::cluster", "ignoring an unreadable handed-over message: {e}"),
        }
    }

    fn announce_switches_locally(&self) {
        if let Some(f) = self.switches_changed.get() {
            f();
        }
    }

    pub(crate) fn on_handoff(&self, receive: HandoffReceiver) {
        let _ = self.handoff.set(receive);
    }

    pub(crate) fn on_switches_changed(&self, f: Arc<dyn Fn() + Send + Sync>) {
        let _ = self.switches_changed.set(f);
    }

    /// Tells the other instances that the plugin switches changed (they read them again).
    pub(crate) async fn publish_switches_changed(&self) {
        let (channel, me) = (self.switches_channel(), self.instance.clone());
        let sent = self
            .link
            .call(|mut c| async move { redis::cmd("PUBLISH").arg(channel).arg(me).query_async::<i64>(&mut c).await })
            .await;
        if let Err(e) = sent {
            tracing::warn!(target: "qqbot::cluster", "could not tell the other instances about a switch change: {e}");
        }
    }

    /// Admits an event: drops a second delivery of one already taken anywhere, and finds the handler waiting for
    /// a message anywhere. When Redis cannot answer, the event is admitted here (at least once).
    pub(crate) async fn admit(&self, event: &Event) -> Admission {
        let id = admission::event_id(event);
        let waits = match event {
            Event::Message(m) if !m.is_self => Some(wait_keys(&self.config.prefix, m)),
            _ => None,
        };
        if matches!(event_platform(event), Platform::Console) || (id.is_none() && waits.is_none()) {
            return Admission::Fresh;
        }
        let seen = id.map(|(self_id, platform, id)| self.key(&format!("seen:{platform}:{self_id}:{id}")));
        let (same_user, anyone) = waits.unwrap_or_default();
        let ttl = u64::try_from(self.config.dedup_ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut invocation = self.admit.prepare_invoke();
        invocation.arg(seen.unwrap_or_default()).arg(ttl).arg(&self.instance).arg(now_ms()).arg(same_user).arg(anyone);
        let answer =
            self.link.call(|mut c| async move { invocation.invoke_async::<Vec<redis::Value>>(&mut c).await }).await;
        let admission = match answer {
            Ok(values) => parse_admission(&values),
            Err(_) => Admission::Fresh,
        };
        // The instance that admitted a message numbers its reply chain (`msg_seq`) by itself.
        #[cfg(feature = "official")]
        if admission != Admission::Duplicate
            && let Event::Message(m) = event
        {
            self.owned.insert(&m.message_id);
            if let Some(e) = &m.event_id {
                self.owned.insert(e);
            }
        }
        admission
    }

    /// Hands a message to the handler waiting in another instance; false when nobody there received it (the
    /// instance is gone), so this instance handles it.
    pub(crate) async fn hand_over(&self, instance: &str, waiter: u64, event: &MessageEvent) -> bool {
        let payload = match handoff::encode(waiter, event) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(target: "qqbot::cluster", "cannot encode a message to hand over: {e}");
                return false;
            }
        };
        let channel = self.inbox(instance);
        let receivers = self
            .link
            .call(
                |mut c| async move { redis::cmd("PUBLISH").arg(channel).arg(payload).query_async::<i64>(&mut c).await },
            )
            .await;
        matches!(receivers, Ok(n) if n > 0)
    }

    /// Registers a waiting handler of this instance, so a message arriving anywhere finds it. Returns what
    /// [`Cluster::unregister_wait`] needs.
    pub(crate) async fn register_wait(
        &self,
        m: &MessageEvent,
        same_user: bool,
        waiter: u64,
        timeout: Duration,
    ) -> Option<(String, String)> {
        let target: Target = m.target();
        let user = same_user.then_some(m.sender.user_id.as_str());
        let key = admission::wait_key(&self.config.prefix, m.platform, &m.self_id, &target, user);
        let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let entry = wait_entry(now_ms().saturating_add(timeout_ms), &self.instance, waiter);
        let mut invocation = self.register.prepare_invoke();
        invocation.key(&key).arg(&entry).arg(timeout_ms.saturating_add(1_000));
        match self.link.call(|mut c| async move { invocation.invoke_async::<i64>(&mut c).await }).await {
            Ok(_) => Some((key, entry)),
            Err(e) => {
                tracing::debug!(target: "qqbot::cluster", "waiting in this instance only: {e}");
                None
            }
        }
    }

    /// Puts back the registration of a waiter that refused a message it was given (its filter said no), so the
    /// next message can still find it.
    pub(crate) async fn rewait(&self, key: String, entry: String) {
        let deadline: u64 = entry.split('|').next().and_then(|d| d.parse().ok()).unwrap_or(0);
        let ttl = deadline.saturating_sub(now_ms());
        if ttl == 0 {
            return;
        }
        let mut invocation = self.register.prepare_invoke();
        invocation.key(key).arg(entry).arg(ttl.saturating_add(1_000));
        let _ = self.link.call(|mut c| async move { invocation.invoke_async::<i64>(&mut c).await }).await;
    }

    /// Removes a registration whose wait ended here (answered, timed out, cancelled).
    pub(crate) async fn unregister_wait(&self, key: String, entry: String) {
        let _ = self
            .link
            .call(|mut c| async move { redis::cmd("LREM").arg(key).arg(1).arg(entry).query_async::<i64>(&mut c).await })
            .await;
    }

    /// Takes the lease of one firing of a job: true for exactly one instance (or when Redis cannot answer, in
    /// which case every instance runs it: at least once).
    pub(crate) async fn lease_job(&self, job: &str, due_ms: u64, hold: Duration) -> bool {
        let key = self.key(&format!("job:{job}:{due_ms}"));
        let (me, ms) = (self.instance.clone(), u64::try_from(hold.as_millis()).unwrap_or(u64::MAX).max(1));
        let taken = self
            .link
            .call(|mut c| async move {
                redis::cmd("SET")
                    .arg(key)
                    .arg(me)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms)
                    .query_async::<Option<String>>(&mut c)
                    .await
            })
            .await;
        match taken {
            Ok(v) => v.is_some(),
            Err(e) => {
                tracing::debug!(target: "qqbot::cluster", job, "running the job here without a lease: {e}");
                true
            }
        }
    }

    #[cfg(feature = "official")]
    /// Whether this instance admitted the message `chain` (so it numbers that reply chain by itself).
    pub(crate) fn owns_chain(&self, chain: &str) -> bool {
        self.owned.contains(chain)
    }

    #[cfg(feature = "official")]
    /// The next `msg_seq` of a chain this instance did not admit, from the counter all instances share.
    pub(crate) async fn next_shared_seq(&self, chain: &str, by: u32) -> std::result::Result<u32, ClusterError> {
        let mut invocation = self.next_shared.prepare_invoke();
        invocation.key(self.key(&format!("msgseq:{chain}"))).arg(by.max(1));
        let n = self.link.call(|mut c| async move { invocation.invoke_async::<u64>(&mut c).await }).await?;
        Ok(SHARED_BASE.saturating_add(u32::try_from(n).unwrap_or(u32::MAX - SHARED_BASE)))
    }
}

fn event_platform(event: &Event) -> Platform {
    match event {
        Event::Message(m) => m.platform,
        Event::Notice(n) => n.platform,
    }
}

fn parse_admission(values: &[redis::Value]) -> Admission {
    let text =
        |v: Option<&redis::Value>| -> Option<String> { v.and_then(|v| redis::from_redis_value_ref::<String>(v).ok()) };
    match values.first().and_then(|v| redis::from_redis_value_ref::<i64>(v).ok()) {
        Some(0) => Admission::Duplicate,
        Some(1) => match (text(values.get(1)), text(values.get(2)).and_then(|w| w.parse().ok())) {
            (Some(instance), Some(waiter)) => Admission::Waiter { instance, waiter },
            _ => Admission::Fresh,
        },
        _ => Admission::Fresh,
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Scene, Sender};
    use crate::message::Message;

    async fn member(prefix: &str, id: &str) -> Arc<Cluster> {
        let url = std::env::var("QQBOT_TEST_REDIS_URL").expect("QQBOT_TEST_REDIS_URL (a running redis-server)");
        let config = ClusterConfig {
            redis: Some(url),
            instance_id: Some(id.to_owned()),
            prefix: prefix.to_owned(),
            ..ClusterConfig::default()
        };
        let c = Arc::new(Cluster::new(config).expect("cluster"));
        c.start(watch::channel(false).1).await.expect("Redis reachable");
        c
    }

    fn message(id: &str, user: &str) -> MessageEvent {
        let mut m =
            MessageEvent::new(Platform::Official, Scene::GROUP, "app", Sender::new(user), Message::new().text("hi"));
        m.group_id = Some("G".into());
        m.message_id = id.to_owned();
        m
    }

    #[tokio::test]
    #[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
    async fn one_admission_per_event_and_waiters_found_anywhere() {
        let prefix = format!("qqbot-unit-{}-{}", std::process::id(), now_ms());
        let (a, b) = (member(&prefix, "a").await, member(&prefix, "b").await);
        let first = Event::Message(message("M1", "U"));
        let trips = b.round_trips();
        assert_eq!(b.admit(&first).await, Admission::Fresh);
        assert_eq!(b.round_trips() - trips, 1, "one round trip for an event nobody waits for");
        assert_eq!(a.admit(&first).await, Admission::Duplicate);
        #[cfg(feature = "official")]
        assert!(b.owns_chain("M1") && !a.owns_chain("M1"));

        let registered = a.register_wait(&message("M1", "U"), true, 7, Duration::from_secs(30)).await;
        assert!(registered.is_some());
        let answer = Event::Message(message("M2", "U"));
        assert_eq!(b.admit(&answer).await, Admission::Waiter { instance: "a".into(), waiter: 7 });
        assert_eq!(b.admit(&Event::Message(message("M3", "U"))).await, Admission::Fresh, "taken once");

        // A wait past its deadline is skipped (its instance died, or it timed out without unregistering).
        a.register_wait(&message("M1", "V"), true, 8, Duration::ZERO).await.expect("registered");
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(b.admit(&Event::Message(message("M4", "V"))).await, Admission::Fresh);

        // Foreign chains are numbered from the shared counter, above what a chain uses locally.
        #[cfg(feature = "official")]
        assert_eq!(a.next_shared_seq("M1", 1).await.expect("seq"), SHARED_BASE + 1);
        #[cfg(feature = "official")]
        assert_eq!(b.next_shared_seq("M1", 1).await.expect("seq"), SHARED_BASE + 2);
        #[cfg(feature = "official")]
        assert_eq!(a.next_shared_seq("M1", 16).await.expect("seq"), SHARED_BASE + 18);

        assert!(a.lease_job("tick", 1_000, Duration::from_secs(5)).await);
        assert!(!b.lease_job("tick", 1_000, Duration::from_secs(5)).await);
        assert!(b.lease_job("tick", 2_000, Duration::from_secs(5)).await);
    }
}
