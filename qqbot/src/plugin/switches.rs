//! Per-group and per-user plugin switches, the plugin defaults of `[plugins.<name>]`, and the global deny list.
//!
//! The switches live in one store record (`qqbot.plugins`, global scope) whose fields are `global`,
//! `group:<id>` and `user:<id>`, each a map plugin → on/off. They are read once, on the first event, into a
//! cache that every check reads without a store round trip; each change is written through with an atomic
//! field update, so two admins switching at once lose nothing. In a cluster, a change is announced to the other
//! instances, which read the record again before their next check.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use futures_util::future::BoxFuture;
use serde::Deserialize;

use crate::session::{SessionId, SessionManager};

/// The store key of the switches record.
pub const SWITCHES_KEY: &str = "qqbot.plugins";

/// A plugin's defaults from `[plugins.<name>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PluginPolicy {
    /// Whether the plugin is on where nobody switched it (default `true`).
    pub enabled_by_default: bool,
    /// When not empty, the only groups where it may run.
    pub allow_groups: Vec<String>,
    /// Groups where it never runs.
    pub deny_groups: Vec<String>,
    /// When not empty, the only users who may use it.
    pub allow_users: Vec<String>,
    /// Users who may never use it.
    pub deny_users: Vec<String>,
}

impl Default for PluginPolicy {
    fn default() -> Self {
        PluginPolicy {
            enabled_by_default: true,
            allow_groups: Vec::new(),
            deny_groups: Vec::new(),
            allow_users: Vec::new(),
            deny_users: Vec::new(),
        }
    }
}

/// Why a switch could not be changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SwitchError {
    /// No command or handler of the app belongs to a plugin of that name.
    #[error("no plugin named `{0}`")]
    UnknownPlugin(String),
    /// The store refused the write; the cache was left unchanged.
    #[error("could not save the plugin switch: {0}")]
    Store(#[from] crate::Error),
}

/// Where a switch applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SwitchScope {
    /// Every group and chat.
    Global,
    /// One group.
    Group(String),
    /// One user, wherever they are.
    User(String),
}

impl SwitchScope {
    fn field(&self) -> String {
        match self {
            SwitchScope::Global => "global".to_owned(),
            SwitchScope::Group(g) => format!("group:{g}"),
            SwitchScope::User(u) => format!("user:{u}"),
        }
    }

    fn parse(field: &str) -> Option<SwitchScope> {
        if field == "global" {
            return Some(SwitchScope::Global);
        }
        if let Some(g) = field.strip_prefix("group:") {
            return Some(SwitchScope::Group(g.to_owned()));
        }
        field.strip_prefix("user:").map(|u| SwitchScope::User(u.to_owned()))
    }
}

/// The cached switches, one map per kind of scope so a lookup borrows the ids instead of building a key.
#[derive(Default)]
struct SwitchMap {
    global: HashMap<String, bool>,
    groups: HashMap<String, HashMap<String, bool>>,
    users: HashMap<String, HashMap<String, bool>>,
}

impl SwitchMap {
    fn is_empty(&self) -> bool {
        self.global.is_empty() && self.groups.is_empty() && self.users.is_empty()
    }

    fn scope_mut(&mut self, scope: SwitchScope) -> &mut HashMap<String, bool> {
        match scope {
            SwitchScope::Global => &mut self.global,
            SwitchScope::Group(g) => self.groups.entry(g).or_default(),
            SwitchScope::User(u) => self.users.entry(u).or_default(),
        }
    }
}

/// The plugin switches of one app: defaults, deny lists, and the run-time switches kept in the store.
///
/// Reach it from a handler with `ctx.switches()`; jobs and other code ask [`Switches::is_enabled`].
pub struct Switches {
    plugins: Vec<String>,
    policies: HashMap<String, PluginPolicy>,
    deny_users: HashSet<String>,
    deny_groups: HashSet<String>,
    store: Option<SessionManager>,
    /// The generation of the stored switches the cache holds, and the one it should hold: they differ before
    /// the first read and after another instance announced a change.
    loaded: AtomicU64,
    wanted: AtomicU64,
    reading: tokio::sync::Mutex<()>,
    cache: RwLock<SwitchMap>,
    /// Tells the other instances of a cluster that a switch changed.
    announce: OnceLock<Announcer>,
}

/// Announces a switch change to the rest of a cluster.
pub(crate) type Announcer = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

impl std::fmt::Debug for Switches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Switches").field("plugins", &self.plugins).finish_non_exhaustive()
    }
}

impl Switches {
    pub(crate) fn new(
        plugins: Vec<String>,
        policies: HashMap<String, PluginPolicy>,
        deny_users: impl IntoIterator<Item = String>,
        deny_groups: impl IntoIterator<Item = String>,
        store: Option<SessionManager>,
    ) -> Self {
        Switches {
            plugins,
            policies,
            deny_users: deny_users.into_iter().collect(),
            deny_groups: deny_groups.into_iter().collect(),
            store,
            loaded: AtomicU64::new(u64::MAX),
            wanted: AtomicU64::new(0),
            reading: tokio::sync::Mutex::new(()),
            cache: RwLock::new(SwitchMap::default()),
            announce: OnceLock::new(),
        }
    }

    /// Makes the next [`Switches::load`] read the store again (another instance changed a switch).
    #[cfg(feature = "redis")]
    pub(crate) fn invalidate(&self) {
        self.wanted.fetch_add(1, Ordering::AcqRel);
    }

    /// Sets what announces a change to the other instances of a cluster.
    #[cfg(feature = "redis")]
    pub(crate) fn set_announcer(&self, announce: Announcer) {
        let _ = self.announce.set(announce);
    }

    /// The plugins the app knows (every plugin named by a command, an event handler or `plugin!`).
    pub fn plugins(&self) -> &[String] {
        &self.plugins
    }

    /// Whether the global deny list (`[bot] deny_users` / `deny_groups`) ignores this user or group.
    pub fn is_denied(&self, group: Option<&str>, user: Option<&str>) -> bool {
        user.is_some_and(|u| self.deny_users.contains(u)) || group.is_some_and(|g| self.deny_groups.contains(g))
    }

    /// Whether the cache holds the newest switches (no [`Switches::load`] needed).
    pub fn loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire) == self.wanted.load(Ordering::Acquire)
    }

    /// Reads the stored switches into the cache, once (and again after another instance of a cluster changed
    /// them); otherwise it returns at once. The dispatcher calls it before each check; other code calls it before
    /// [`Switches::is_enabled`].
    pub async fn load(&self) {
        if self.loaded() {
            return;
        }
        let _reading = self.reading.lock().await;
        let wanted = self.wanted.load(Ordering::Acquire);
        if self.loaded.load(Ordering::Acquire) == wanted {
            return;
        }
        self.read_store().await;
        self.loaded.store(wanted, Ordering::Release);
    }

    async fn read_store(&self) {
        let Some(store) = &self.store else { return };
        // Nothing stored yet (no database file): nothing to read, and no file is created just to look.
        if store.store().is_empty_hint() {
            return;
        }
        match store.store().load(&SessionId::global(SWITCHES_KEY)).await {
            Ok(record) => {
                let mut map = SwitchMap::default();
                for (field, value) in record.as_ref().map(|r| r.data()).into_iter().flatten() {
                    let (Some(scope), Ok(switches)) =
                        (SwitchScope::parse(field), serde_json::from_value(value.clone()))
                    else {
                        tracing::warn!(field, "ignoring an unreadable plugin switch record field");
                        continue;
                    };
                    *map.scope_mut(scope) = switches;
                }
                *self.cache.write().unwrap_or_else(|p| p.into_inner()) = map;
            }
            Err(e) => tracing::error!("could not read the plugin switches; keeping the ones known: {e}"),
        }
    }

    /// Whether `plugin` may run for `user` in `group` (`None` for private chats or targets without a user).
    /// A command or handler without a plugin is always enabled. The order: the plugin's deny lists, its allow
    /// lists, then the most specific switch (user, group, global), then `enabled_by_default`.
    pub fn is_enabled(&self, plugin: &str, group: Option<&str>, user: Option<&str>) -> bool {
        let policy = self.policies.get(plugin);
        if let Some(p) = policy {
            if group.is_some_and(|g| p.deny_groups.iter().any(|d| d == g))
                || user.is_some_and(|u| p.deny_users.iter().any(|d| d == u))
            {
                return false;
            }
            if let Some(g) = group
                && !p.allow_groups.is_empty()
                && !p.allow_groups.iter().any(|a| a == g)
            {
                return false;
            }
            if let Some(u) = user
                && !p.allow_users.is_empty()
                && !p.allow_users.iter().any(|a| a == u)
            {
                return false;
            }
        }
        let cache = self.cache.read().unwrap_or_else(|p| p.into_inner());
        if !cache.is_empty() {
            let scopes =
                [user.and_then(|u| cache.users.get(u)), group.and_then(|g| cache.groups.get(g)), Some(&cache.global)];
            for map in scopes.into_iter().flatten() {
                if let Some(on) = map.get(plugin) {
                    return *on;
                }
            }
        }
        policy.is_none_or(|p| p.enabled_by_default)
    }

    /// Switches `plugin` on or off where `scope` says, in the store and the cache.
    pub async fn set(&self, plugin: &str, scope: SwitchScope, on: bool) -> Result<(), SwitchError> {
        if !self.plugins.iter().any(|p| p == plugin) {
            return Err(SwitchError::UnknownPlugin(plugin.to_owned()));
        }
        self.load().await;
        let field = scope.field();
        if let Some(store) = &self.store {
            let name = plugin.to_owned();
            store
                .update_field::<HashMap<String, bool>, _>(&SessionId::global(SWITCHES_KEY), &field, true, |old| {
                    let mut map = old.unwrap_or_default();
                    map.insert(name.clone(), on);
                    map
                })
                .await?;
        }
        self.cache.write().unwrap_or_else(|p| p.into_inner()).scope_mut(scope).insert(plugin.to_owned(), on);
        if let Some(announce) = self.announce.get() {
            announce().await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switches(policy: PluginPolicy) -> Switches {
        let policies = HashMap::from([("p".to_owned(), policy)]);
        Switches::new(vec!["p".into()], policies, ["bad".to_owned()], ["badg".to_owned()], None)
    }

    #[tokio::test]
    async fn the_most_specific_switch_wins_and_deny_lists_come_first() {
        let s = switches(PluginPolicy { deny_users: vec!["x".into()], ..Default::default() });
        assert!(s.is_enabled("p", Some("g"), Some("u")), "on by default");
        s.set("p", SwitchScope::Global, false).await.expect("set");
        assert!(!s.is_enabled("p", Some("g"), Some("u")));
        s.set("p", SwitchScope::Group("g".into()), true).await.expect("set");
        assert!(s.is_enabled("p", Some("g"), Some("u")), "group over global");
        assert!(!s.is_enabled("p", Some("h"), Some("u")));
        s.set("p", SwitchScope::User("u".into()), false).await.expect("set");
        assert!(!s.is_enabled("p", Some("g"), Some("u")), "user over group");
        assert!(s.is_enabled("p", Some("g"), Some("v")));
        s.set("p", SwitchScope::Group("g".into()), true).await.expect("set");
        assert!(!s.is_enabled("p", Some("g"), Some("x")), "the plugin's deny list beats every switch");
        assert!(matches!(s.set("q", SwitchScope::Global, true).await, Err(SwitchError::UnknownPlugin(_))));
        assert!(s.is_denied(None, Some("bad")) && s.is_denied(Some("badg"), Some("u")));
        assert!(!s.is_denied(Some("g"), Some("u")));
    }

    #[test]
    fn defaults_and_allow_lists() {
        let s =
            switches(PluginPolicy { enabled_by_default: false, allow_groups: vec!["a".into()], ..Default::default() });
        assert!(!s.is_enabled("p", Some("a"), None), "off by default");
        let s = switches(PluginPolicy { allow_users: vec!["u".into()], ..Default::default() });
        assert!(s.is_enabled("p", None, Some("u")));
        assert!(!s.is_enabled("p", None, Some("v")));
        assert!(s.is_enabled("other", None, Some("v")), "a plugin nobody configured is on");
    }
}
