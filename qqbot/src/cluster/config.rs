//! The `[cluster]` table of `qqbot.toml`.
//!
//! ```toml
//! [cluster]
//! redis = "redis://127.0.0.1:6379/0"   # cluster mode is on when set (or QQBOT_REDIS_URL)
//! instance_id = "web-1"                # default "<host name>-<pid>" (or QQBOT_INSTANCE_ID)
//! prefix = "qqbot"                     # one bot's keys in a shared Redis (or QQBOT_CLUSTER_PREFIX)
//! required = true                      # false: start even when Redis cannot be reached, and keep trying
//! dedup_ttl = "10m"                    # how long an event id is remembered by every instance
//! timeout = "2s"                       # longest wait for one Redis answer before the event goes on without it
//!
//! [cluster.retry_config]               # reconnecting after Redis was lost (tenacity-style, see qqbot::retry);
//! wait_exponential = { multiplier = 0.2, min = 0.2, max = 5 }   # the default; it never stops trying
//! ```

use std::time::Duration;

use serde::Deserialize;

use crate::config::{Config, parse_duration};
use crate::error::{Error, Result};
use crate::retry::{RetryPolicy, Stop, Wait};

/// The `[cluster]` table: several processes of one bot sharing Redis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ClusterConfig {
    /// The Redis server every instance shares; cluster mode is on when set.
    pub redis: Option<String>,
    /// This process's name in the cluster (default: host name and process id).
    pub instance_id: Option<String>,
    /// The key prefix: instances with the same prefix form one cluster.
    pub prefix: String,
    /// Whether the bot refuses to start while Redis cannot be reached.
    pub required: bool,
    /// How long an event id is remembered across instances (`"10m"`).
    #[serde(deserialize_with = "duration_text")]
    pub dedup_ttl: Duration,
    /// The longest wait for one Redis answer (`"2s"` by default); past it the event is handled without the cluster.
    #[serde(deserialize_with = "duration_text")]
    pub timeout: Duration,
    /// How to reconnect after Redis was lost (default: exponential from 0.2 s to 5 s, never giving up).
    pub retry_config: Option<RetryPolicy>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            redis: None,
            instance_id: None,
            prefix: "qqbot".into(),
            required: true,
            dedup_ttl: Duration::from_secs(600),
            timeout: Duration::from_secs(2),
            retry_config: None,
        }
    }
}

fn duration_text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration(&text).map_err(serde::de::Error::custom)
}

impl ClusterConfig {
    /// The `[cluster]` table of `config`, with the environment overrides (`QQBOT_REDIS_URL`,
    /// `QQBOT_INSTANCE_ID`, `QQBOT_CLUSTER_PREFIX`). `None` when cluster mode is off.
    pub fn from_config(config: &Config) -> Result<Option<ClusterConfig>> {
        let mut c: ClusterConfig = config.section("cluster")?.unwrap_or_default();
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(url) = env("QQBOT_REDIS_URL") {
            c.redis = Some(url);
        }
        if let Some(id) = env("QQBOT_INSTANCE_ID") {
            c.instance_id = Some(id);
        }
        if let Some(prefix) = env("QQBOT_CLUSTER_PREFIX") {
            c.prefix = prefix;
        }
        if c.redis.as_deref().is_none_or(|u| u.trim().is_empty()) {
            return Ok(None);
        }
        if c.prefix.is_empty() || !c.prefix.chars().all(|ch| ch.is_ascii_alphanumeric() || "_-.:".contains(ch)) {
            return Err(Error::config(
                "[cluster] prefix",
                format!("`{}` must be non-empty ASCII letters, digits, `_`, `-`, `.` or `:`", c.prefix),
            ));
        }
        if let Some(id) = &c.instance_id
            && (id.is_empty() || id.contains(['|', ' ']))
        {
            return Err(Error::config(
                "[cluster] instance_id",
                format!("`{id}` must be non-empty, without `|` or spaces"),
            ));
        }
        Ok(Some(c))
    }

    /// The reconnection policy: `retry_config`, else exponential waits from 0.2 s to 5 s, never giving up.
    pub fn retry(&self) -> RetryPolicy {
        self.retry_config.clone().unwrap_or_else(|| {
            RetryPolicy::new().stop(Stop::Never).wait(Wait::Exponential {
                multiplier: 0.2,
                min: 0.2,
                max: 5.0,
                exp_base: 2.0,
            })
        })
    }

    /// The instance id: configured, else `<host name>-<pid>`.
    pub fn instance(&self) -> String {
        self.instance_id.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .or_else(|| std::env::var("HOSTNAME").ok())
                .map(|h| h.trim().replace(['|', ' '], "_"))
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "qqbot".to_owned());
            format!("{host}-{}", std::process::id())
        })
    }

    /// The Redis URL with any password replaced by `***`, for logs.
    pub fn redis_for_logs(&self) -> String {
        let url = self.redis.as_deref().unwrap_or_default();
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => format!("{}***{}", &url[..scheme + 3], &url[at..]),
            _ => url.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_without_a_url_and_checked_when_on() {
        let off = Config::from_toml("").expect("empty");
        if std::env::var_os("QQBOT_REDIS_URL").is_none() {
            assert!(ClusterConfig::from_config(&off).expect("no cluster").is_none());
        }
        let on = Config::from_toml("[cluster]\nredis = \"redis://:pw@127.0.0.1:6379/\"\ndedup_ttl = \"5m\"\n")
            .expect("toml");
        let c = ClusterConfig::from_config(&on).expect("valid").expect("on");
        assert_eq!(c.dedup_ttl, Duration::from_secs(300));
        assert_eq!(c.redis_for_logs(), "redis://***@127.0.0.1:6379/");
        assert!(c.instance().ends_with(&format!("-{}", std::process::id())) || c.instance_id.is_some());
        let bad = Config::from_toml("[cluster]\nredis = \"redis://127.0.0.1/\"\ndedup_ttl = \"soon\"\n").expect("toml");
        assert!(ClusterConfig::from_config(&bad).is_err());
    }
}
