//! The `[onebot]` table of `qqbot.toml`, with environment overrides.
//!
//! The short form is one connection (Aha's NapCat settings):
//!
//! ```toml
//! [onebot]
//! uri = "ws://127.0.0.1:3001"   # forward WebSocket (QQBOT_ONEBOT_URI)
//! token = "secret"              # access token (QQBOT_ONEBOT_TOKEN)
//! ```
//!
//! or `listen = "127.0.0.1:8080"` (QQBOT_ONEBOT_LISTEN) for a reverse-WebSocket server at `/onebot/v11/ws`.
//! Several connections, of any transport, are listed as `[[onebot.connections]]`:
//!
//! ```toml
//! [onebot]
//! token = "secret"                      # the default for every connection
//! timeout = 30                          # seconds an API call may take
//! start_server_command = "./napcat.sh"  # run by restart_server() and when reconnecting gives up
//! [onebot.retry_config]                 # tenacity-style, see qqbot::retry
//! wait_exponential = { multiplier = 1, min = 1, max = 30 }
//!
//! [[onebot.connections]]
//! kind = "forward"
//! uri = "ws://127.0.0.1:3001"
//!
//! [[onebot.connections]]
//! kind = "reverse"
//! listen = "0.0.0.0:8080"
//! path = "/onebot/v11/ws"
//!
//! [[onebot.connections]]
//! kind = "http"
//! api = "http://127.0.0.1:3000"         # HTTP API (actions)
//! listen = "127.0.0.1:8081"             # HTTP POST receiver (events) …
//! path = "/onebot/v11/http"             # … at this path
//! secret = "hmac-key"                   # checks X-Signature
//! ```

use super::protocol::id::LargeIds;
use std::time::Duration;

use serde::Deserialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::retry::RetryPolicy;

/// The default reverse-WebSocket path (what NoneBot users expect).
pub const DEFAULT_WS_PATH: &str = "/onebot/v11/ws";
/// The default HTTP POST path.
pub const DEFAULT_POST_PATH: &str = "/onebot/v11/http";

/// The `[onebot]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneBotConfig {
    /// Short form: a forward WebSocket to this URI.
    #[serde(default)]
    pub uri: Option<String>,
    /// Short form: a reverse-WebSocket server on this address.
    #[serde(default)]
    pub listen: Option<String>,
    /// Short form: the reverse-WebSocket path.
    #[serde(default)]
    pub path: Option<String>,
    /// The access token of connections that set none.
    #[serde(default)]
    pub token: Option<String>,
    /// The bot account (learned from events when absent).
    #[serde(default)]
    pub self_id: Option<String>,
    /// Seconds an API call may take, including waiting for a reconnection (default 30).
    #[serde(default = "default_timeout")]
    pub timeout: f64,
    /// Seconds without any frame before a connection is declared dead; default: three heartbeat intervals
    /// once the implementation announced one, else never.
    #[serde(default)]
    pub heartbeat_timeout: Option<f64>,
    /// How ids beyond ±2⁵³ are sent: `"string"` (default; NapCat and LLOneBot read JSON numbers as JavaScript
    /// doubles and would lose digits) or `"number"` for an implementation that needs numbers and reads 64-bit
    /// integers exactly. One setting per adapter: run implementations that differ as two adapters.
    #[serde(default)]
    pub large_ids: LargeIds,
    /// The largest frame accepted, in bytes (default 64 MiB; NapCat allows 50 MiB).
    #[serde(default = "default_max_frame")]
    pub max_frame_bytes: usize,
    /// Seconds an HTTP POST response waits for a handler's reply to send it as a quick operation (default 1).
    #[serde(default = "default_quick_window")]
    pub quick_reply_window: f64,
    /// Reconnection policy (tenacity style, see [`crate::retry`]).
    #[serde(default)]
    pub retry_config: Option<RetryPolicy>,
    /// A shell command that starts the implementation: run by `restart_server()` and when reconnecting gives up.
    #[serde(default)]
    pub start_server_command: Option<String>,
    /// The language of the framework's texts for this bot (`zh-CN`, `en-US`); `[bot] lang` applies otherwise.
    #[serde(default)]
    pub lang: Option<String>,
    /// Connections, of any transport.
    #[serde(default)]
    pub connections: Vec<ConnectionConfig>,
}

fn default_timeout() -> f64 {
    30.0
}

fn default_max_frame() -> usize {
    64 << 20
}

fn default_quick_window() -> f64 {
    1.0
}

impl Default for OneBotConfig {
    fn default() -> Self {
        OneBotConfig {
            uri: None,
            listen: None,
            path: None,
            token: None,
            self_id: None,
            timeout: default_timeout(),
            heartbeat_timeout: None,
            large_ids: LargeIds::default(),
            max_frame_bytes: default_max_frame(),
            quick_reply_window: default_quick_window(),
            retry_config: None,
            start_server_command: None,
            lang: None,
            connections: Vec::new(),
        }
    }
}

/// One connection.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConnectionConfig {
    /// The bot connects to the implementation's WebSocket server.
    Forward(ForwardConfig),
    /// The implementation connects to the bot's WebSocket server.
    Reverse(ReverseConfig),
    /// HTTP API for actions and/or an HTTP POST receiver for events.
    Http(HttpConfig),
}

/// `kind = "forward"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardConfig {
    /// `ws://host:port` or `wss://…`.
    pub uri: String,
    /// Access token (else the table's).
    #[serde(default)]
    pub token: Option<String>,
    /// The account (else learned from events).
    #[serde(default)]
    pub self_id: Option<String>,
}

/// `kind = "reverse"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReverseConfig {
    /// `host:port` to listen on.
    pub listen: String,
    /// The path (default `/onebot/v11/ws`).
    #[serde(default)]
    pub path: Option<String>,
    /// Access token implementations must present (else the table's).
    #[serde(default)]
    pub token: Option<String>,
}

/// `kind = "http"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// The implementation's HTTP API base URL.
    #[serde(default)]
    pub api: Option<String>,
    /// `host:port` for the HTTP POST receiver.
    #[serde(default)]
    pub listen: Option<String>,
    /// The POST path (default `/onebot/v11/http`).
    #[serde(default)]
    pub path: Option<String>,
    /// Access token for the API (else the table's).
    #[serde(default)]
    pub token: Option<String>,
    /// HMAC key checked against `X-Signature`.
    #[serde(default)]
    pub secret: Option<String>,
    /// The account (else learned from events).
    #[serde(default)]
    pub self_id: Option<String>,
}

impl OneBotConfig {
    /// Reads `[onebot]` and applies `QQBOT_ONEBOT_URI`, `QQBOT_ONEBOT_LISTEN`, `QQBOT_ONEBOT_TOKEN`. `None` when
    /// neither the table nor the variables configure a connection.
    pub fn load(config: &Config) -> Result<Option<OneBotConfig>> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let (uri, listen, token) = (env("QQBOT_ONEBOT_URI"), env("QQBOT_ONEBOT_LISTEN"), env("QQBOT_ONEBOT_TOKEN"));
        let section: Option<OneBotConfig> = config.section("onebot")?;
        if section.is_none() && uri.is_none() && listen.is_none() {
            return Ok(None);
        }
        let mut c = section.unwrap_or_default();
        c.uri = uri.or(c.uri);
        c.listen = listen.or(c.listen);
        c.token = token.or(c.token);
        c.validate()?;
        Ok(c.has_connections().then_some(c))
    }

    /// Whether any connection is configured.
    pub fn has_connections(&self) -> bool {
        self.uri.is_some() || self.listen.is_some() || !self.connections.is_empty()
    }

    /// Checks values that serde cannot (times, URIs, languages), with errors that say what to write.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, msg: String| Err(Error::config(format!("[onebot] {key}"), msg));
        for (key, v) in [
            ("timeout", Some(self.timeout)),
            ("heartbeat_timeout", self.heartbeat_timeout),
            ("quick_reply_window", Some(self.quick_reply_window)),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && v > 0.0)
            {
                return bad(key, format!("must be a positive number of seconds, got {v}"));
            }
        }
        if let Some(lang) = &self.lang
            && Lang::parse(lang).is_none()
        {
            return bad("lang", format!("unknown language `{lang}`: use \"zh-CN\" or \"en-US\""));
        }
        let check_uri = |key: &str, uri: &str| {
            if uri.starts_with("ws://") || uri.starts_with("wss://") {
                Ok(())
            } else {
                bad(key, format!("`{uri}` must start with ws:// or wss://"))
            }
        };
        if let Some(uri) = &self.uri {
            check_uri("uri", uri)?;
        }
        for c in &self.connections {
            match c {
                ConnectionConfig::Forward(f) => check_uri("connections.uri", &f.uri)?,
                ConnectionConfig::Http(h) => {
                    if h.api.is_none() && h.listen.is_none() {
                        return bad(
                            "connections",
                            "an http connection needs `api` (actions), `listen` (events) or both".into(),
                        );
                    }
                    if let Some(api) = &h.api
                        && !(api.starts_with("http://") || api.starts_with("https://"))
                    {
                        return bad("connections.api", format!("`{api}` must start with http:// or https://"));
                    }
                }
                ConnectionConfig::Reverse(_) => {}
            }
        }
        Ok(())
    }

    /// The API timeout.
    pub fn timeout(&self) -> Duration {
        Duration::try_from_secs_f64(self.timeout).unwrap_or(Duration::from_secs(30))
    }

    /// Every connection, the short form included.
    pub fn all_connections(&self) -> Vec<ConnectionConfig> {
        let mut all = Vec::new();
        if let Some(uri) = &self.uri {
            all.push(ConnectionConfig::Forward(ForwardConfig {
                uri: uri.clone(),
                token: None,
                self_id: self.self_id.clone(),
            }));
        }
        if let Some(listen) = &self.listen {
            all.push(ConnectionConfig::Reverse(ReverseConfig {
                listen: listen.clone(),
                path: self.path.clone(),
                token: None,
            }));
        }
        all.extend(self.connections.iter().cloned());
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_forms() {
        let c = Config::from_toml("[onebot]\nuri = \"ws://127.0.0.1:3001\"\ntoken = \"t\"").unwrap();
        let ob: OneBotConfig = c.section("onebot").unwrap().unwrap();
        assert_eq!(ob.all_connections().len(), 1);
        let c = Config::from_toml(
            "[onebot]\n[onebot.retry_config]\nstop_after_attempt = 3\n[[onebot.connections]]\nkind = \"reverse\"\nlisten = \"127.0.0.1:0\"\n\
             [[onebot.connections]]\nkind = \"http\"\napi = \"http://127.0.0.1:3000\"\nsecret = \"s\"",
        )
        .unwrap();
        let ob: OneBotConfig = c.section("onebot").unwrap().unwrap();
        ob.validate().unwrap();
        assert_eq!(ob.all_connections().len(), 2);
        assert!(ob.retry_config.is_some());
    }

    #[test]
    fn mistakes_are_reported() {
        let c = Config::from_toml("[onebot]\nurl = \"ws://x\"").unwrap();
        assert!(c.section::<OneBotConfig>("onebot").unwrap_err().to_string().contains("url"));
        let c = Config::from_toml("[onebot]\n[onebot.retry_config]\nwait_fixd = 1").unwrap();
        assert!(c.section::<OneBotConfig>("onebot").unwrap_err().to_string().contains("wait_fixd"));
        let ob = OneBotConfig { uri: Some("http://x".into()), ..Default::default() };
        assert!(ob.validate().unwrap_err().to_string().contains("ws://"));
        let ob = OneBotConfig { lang: Some("fr".into()), ..Default::default() };
        assert!(ob.validate().is_err());
    }
}
