//! The `[session]` table of `qqbot.toml`.
//!
//! ```toml
//! [session]
//! backend = "sqlite"               # "memory" | "sqlite" (the default) | "redis" (each store is a cargo feature)
//! path = "data/sessions.db"        # sqlite: the database file (default: <bot.data_dir>/sessions.db)
//! sync = "normal"                  # sqlite: "normal" (survives the bot crashing) | "full" (also power cuts)
//! url = "redis://127.0.0.1:6379/0" # redis: the server
//! prefix = "qqbot"                 # redis: key prefix; processes with the same prefix share sessions
//! gc_interval_ms = 500             # how often timeouts are checked
//! ```

use std::path::PathBuf;

use serde::Deserialize;

/// Where sessions are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionBackend {
    /// In memory: lost on restart (the default when qqbot is built without its `sqlite` feature).
    Memory,
    /// A SQLite file under the bot's data folder: the default (qqbot's `sqlite` feature, on by default).
    Sqlite,
    /// A Redis server, shared by several bot processes.
    Redis,
}

/// The `[session]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SessionConfig {
    /// The store.
    pub backend: SessionBackend,
    /// The SQLite file (default `<bot.data_dir>/sessions.db`).
    pub path: Option<PathBuf>,
    /// How SQLite flushes commits.
    pub sync: SqliteSync,
    /// The Redis URL.
    pub url: Option<String>,
    /// The Redis key prefix.
    pub prefix: String,
    /// Milliseconds between two runs of the collector.
    pub gc_interval_ms: u64,
}

impl Default for SessionBackend {
    fn default() -> Self {
        if cfg!(feature = "sqlite") { SessionBackend::Sqlite } else { SessionBackend::Memory }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            backend: SessionBackend::default(),
            path: None,
            sync: SqliteSync::Normal,
            url: None,
            prefix: "qqbot".into(),
            gc_interval_ms: 500,
        }
    }
}

/// How hard SQLite works to keep a commit when the machine (not just the bot) crashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// WAL with `synchronous = NORMAL`: a commit survives the bot crashing or being killed; a power cut may
    /// lose the last moments. Commits take microseconds, so they run inline.
    #[default]
    Normal,
    /// `synchronous = FULL`: every commit is flushed to the disk (milliseconds each); they run off the async
    /// worker threads.
    Full,
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::session::SessionManager;

    #[test]
    fn the_default_store_follows_the_sqlite_feature() {
        let expected = if cfg!(feature = "sqlite") { "sqlite" } else { "memory" };
        let config = Config::from_toml("").expect("empty config");
        let manager = SessionManager::from_config(&config).expect("default sessions");
        assert_eq!(manager.store().backend(), expected);
    }

    #[test]
    fn a_store_left_out_of_the_build_is_refused_with_advice() {
        for (backend, enabled) in [("sqlite", cfg!(feature = "sqlite")), ("redis", cfg!(feature = "redis"))] {
            let text = format!("[session]\nbackend = \"{backend}\"\nurl = \"redis://127.0.0.1:1/\"\n");
            let config = Config::from_toml(&text).expect("valid toml");
            match SessionManager::from_config(&config) {
                Ok(_) => assert!(enabled, "{backend} is not built in, yet a manager came back"),
                Err(e) => {
                    assert!(!enabled, "{backend} is built in but failed: {e}");
                    assert!(e.to_string().contains(&format!("`{backend}` feature")), "{e}");
                }
            }
        }
    }
}
