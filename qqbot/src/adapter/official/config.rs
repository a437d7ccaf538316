//! The `[official]` table of `qqbot.toml`, with environment overrides.
//!
//! ```toml
//! [official]
//! appid = "102000000"
//! secret = "…"                 # the AppSecret (client secret)
//! # sandbox = true             # use the sandbox API host
//! # api_base = "https://api.bot.qq.com"          # REST and gateway discovery
//! # token_url = "https://bots.qq.com/app/getAppAccessToken"
//! # gateway_url = "wss://…"    # skip discovery
//! # intents = ["GROUP_AND_C2C_EVENT", "INTERACTION"]   # or a number; default: computed from the handlers
//! # shard = [0, 1]             # [shard_id, shard_count]; run each shard in its own process if you like
//! # webhook_listen = "0.0.0.0:8443"   # webhook mode instead of the gateway
//! # webhook_path = "/qqbot/webhook"
//!
//! # [official.resource]       # the resource server media is served from (see ResourceServerOptions)
//! # port = 8086
//! # public_url = "https://bot.example.com:8086"
//! ```
//!
//! Several accounts in one process: list them as `[[official.accounts]]`; each inherits every key of `[official]`
//! it does not set, so the shared `[official.resource]` is written once and one resource server serves them all.
//!
//! ```toml
//! [official.resource]
//! public_url = "https://bot.example.com:8086"
//!
//! [[official.accounts]]
//! appid = "102000001"
//! secret = "…"
//!
//! [[official.accounts]]
//! appid = "102000002"
//! secret = "…"
//! ```
//!
//! Environment variables override the file: `QQBOT_APPID`, `QQBOT_SECRET`, `QQBOT_API_BASE`, `QQBOT_TOKEN_URL`,
//! `QQBOT_GATEWAY_URL`, `QQBOT_SANDBOX`, `QQBOT_INTENTS`, `QQBOT_SHARD` (`0,4`), `QQBOT_WEBHOOK_LISTEN` (webhook
//! mode when set) and `QQBOT_WEBHOOK_PATH`.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::intents::Intents;
use super::media::ResourceServerOptions;
use crate::config::Config;
use crate::error::{Error, Result};

/// The production REST host (the platform moved here from `api.sgroup.qq.com` in 2026).
pub const DEFAULT_API_BASE: &str = "https://api.bot.qq.com";
/// The sandbox REST host.
pub const SANDBOX_API_BASE: &str = "https://sandbox.api.sgroup.qq.com";
/// The access-token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://bots.qq.com/app/getAppAccessToken";
/// The default webhook path.
pub const DEFAULT_WEBHOOK_PATH: &str = "/qqbot/webhook";

/// `intents` in the configuration: a number, or a list of names (`"GUILDS"`, `"GROUP_AND_C2C_EVENT"` …).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum IntentsSetting {
    /// The bitmask.
    Bits(u32),
    /// Flag names.
    Names(Vec<String>),
}

impl IntentsSetting {
    /// The bitmask, or an error naming the unknown flag.
    pub fn resolve(&self) -> Result<Intents> {
        match self {
            IntentsSetting::Bits(b) => Ok(Intents::from_bits_retain(*b)),
            IntentsSetting::Names(names) => Intents::from_names(names.iter().map(String::as_str)).map_err(|bad| {
                Error::config(
                    "[official] intents",
                    format!("unknown intent `{bad}`; known: {}", Intents::known_names()),
                )
            }),
        }
    }
}

/// The `[official]` table: one bot account on the QQ Open Platform.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfficialConfig {
    /// The bot's AppID.
    pub appid: String,
    /// The bot's AppSecret (also accepted as `client_secret`).
    #[serde(alias = "client_secret")]
    pub secret: String,
    /// Use the sandbox API host (for bots under review or offline).
    pub sandbox: bool,
    /// The REST base URL (also used for gateway discovery). Default: production or sandbox host.
    pub api_base: Option<String>,
    /// The access-token endpoint.
    pub token_url: Option<String>,
    /// A gateway URL to use instead of asking `GET /gateway/bot`.
    pub gateway_url: Option<String>,
    /// Intents to ask for instead of the ones computed from the handlers.
    pub intents: Option<IntentsSetting>,
    /// The bot is a private-domain (私域) guild bot: ask for all guild messages and private forum events.
    pub private_domain: bool,
    /// `[shard_id, shard_count]`.
    pub shard: [u32; 2],
    /// Webhook mode: the address to listen on (`0.0.0.0:8443`). Gateway mode when unset.
    pub webhook_listen: Option<String>,
    /// Webhook mode: the path of the callback.
    pub webhook_path: String,
    /// Webhook mode: requests signed longer ago than this (seconds) are rejected as replays.
    pub webhook_max_age_secs: u64,
    /// Refresh the access token this many seconds before it expires.
    pub token_refresh_ahead_secs: u64,
    /// HTTP timeout of REST calls, in seconds.
    pub request_timeout_secs: u64,
    /// Failed Resume attempts in a row before falling back to a fresh Identify.
    pub max_resume_attempts: u32,
    /// Acknowledge button interactions (INTERACTION_CREATE) automatically with code 0.
    pub auto_ack_interactions: bool,
    /// `[official.resource]`: the resource server media is served from when no `chain_builder` is set. Every
    /// account gets one by default (`0.0.0.0:8086`, `./resource`), shared by all accounts on the same port.
    /// `None` (only settable from code; [`FakeOfficial::config`] does it) starts no server: media then goes to the
    /// platform inline as `file_data` ([`InlineChainBuilder`]).
    ///
    /// [`FakeOfficial::config`]: crate::testing::official::FakeOfficial::config
    /// [`InlineChainBuilder`]: super::media::InlineChainBuilder
    pub resource: Option<ResourceServerOptions>,
    /// How the gateway reconnects after a connection ends (`[official.retry_config]`, tenacity-style, see
    /// [`crate::retry`]). Without it: at once after a healthy session, then 1, 2, 5, 10, 30 and 60 seconds, forever.
    /// With it, the adapter stops with an error when the policy gives up.
    pub retry_config: Option<crate::retry::RetryPolicy>,
    /// The largest gateway frame and webhook body accepted, in bytes (default 16 MiB; the platform's own events are
    /// a few KiB). Larger ones are refused (webhook: HTTP 413) before any decoding.
    pub max_frame_bytes: usize,
}

impl Default for OfficialConfig {
    fn default() -> Self {
        OfficialConfig {
            appid: String::new(),
            secret: String::new(),
            sandbox: false,
            api_base: None,
            token_url: None,
            gateway_url: None,
            intents: None,
            private_domain: false,
            shard: [0, 1],
            webhook_listen: None,
            webhook_path: DEFAULT_WEBHOOK_PATH.to_owned(),
            webhook_max_age_secs: 300,
            token_refresh_ahead_secs: 60,
            request_timeout_secs: 10,
            max_resume_attempts: 3,
            auto_ack_interactions: true,
            resource: Some(ResourceServerOptions::default()),
            retry_config: None,
            max_frame_bytes: 16 << 20,
        }
    }
}

impl fmt::Debug for OfficialConfig {
    // Hand-written so the secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OfficialConfig")
            .field("appid", &self.appid)
            .field("secret", &if self.secret.is_empty() { "" } else { "<hidden>" })
            .field("sandbox", &self.sandbox)
            .field("api_base", &self.api_base())
            .field("token_url", &self.token_url())
            .field("gateway_url", &self.gateway_url)
            .field("intents", &self.intents)
            .field("private_domain", &self.private_domain)
            .field("shard", &self.shard)
            .field("webhook_listen", &self.webhook_listen)
            .field("webhook_path", &self.webhook_path)
            .field("resource", &self.resource)
            .field("retry_config", &self.retry_config)
            .finish_non_exhaustive()
    }
}

impl OfficialConfig {
    /// A configuration for one account.
    pub fn new(appid: impl Into<String>, secret: impl Into<String>) -> Self {
        OfficialConfig { appid: appid.into(), secret: secret.into(), ..OfficialConfig::default() }
    }

    /// Reads `[official]` and the environment. `None` when neither names an account; an error when
    /// `[[official.accounts]]` lists several (read them with [`OfficialConfig::accounts_from_config`]).
    pub fn from_config(config: &Config) -> Result<Option<OfficialConfig>> {
        let mut accounts = Self::accounts_from_config(config)?;
        match accounts.len() {
            0 | 1 => Ok(accounts.pop()),
            n => Err(Error::config(
                "[[official.accounts]]",
                format!("{n} accounts are configured; read them with OfficialConfig::accounts_from_config"),
            )),
        }
    }

    /// Reads every configured account: the `[official]` table (one account), or each `[[official.accounts]]`
    /// entry, which inherits every key of `[official]` it does not set (so `[official.resource]`, `sandbox`,
    /// `api_base` … are written once). Environment overrides apply to every account; `QQBOT_APPID` and
    /// `QQBOT_SECRET` name a single account and cannot be combined with `[[official.accounts]]`. Empty when no
    /// account is configured.
    pub fn accounts_from_config(config: &Config) -> Result<Vec<OfficialConfig>> {
        let section: Option<toml::Table> = config.section("official")?;
        let env_names_account = std::env::var_os("QQBOT_APPID").is_some();
        let mut section = match section {
            Some(section) => section,
            None if env_names_account => toml::Table::new(),
            None => return Ok(Vec::new()),
        };
        let listed = section.contains_key("accounts");
        let entries = match section.remove("accounts") {
            None => vec![toml::Table::new()],
            Some(toml::Value::Array(entries)) => {
                if env_names_account {
                    return Err(Error::config(
                        "QQBOT_APPID",
                        "names one account, but qqbot.toml lists [[official.accounts]]: unset QQBOT_APPID and \
                         QQBOT_SECRET, or put the account in the list",
                    ));
                }
                let mut tables = Vec::with_capacity(entries.len());
                for (i, entry) in entries.into_iter().enumerate() {
                    match entry {
                        toml::Value::Table(t) => tables.push(t),
                        _ => {
                            return Err(Error::config(
                                "[[official.accounts]]",
                                format!("entry {} is not a table (write `[[official.accounts]]` blocks)", i + 1),
                            ));
                        }
                    }
                }
                tables
            }
            Some(_) => {
                return Err(Error::config(
                    "[official] accounts",
                    "must be a list of tables (write `[[official.accounts]]` blocks)",
                ));
            }
        };
        let mut accounts: Vec<OfficialConfig> = Vec::with_capacity(entries.len());
        for (i, entry) in entries.into_iter().enumerate() {
            let mut merged = section.clone();
            merge_tables(&mut merged, entry);
            let where_ =
                if listed { format!("[[official.accounts]] entry {}", i + 1) } else { "[official]".to_owned() };
            let mut c: OfficialConfig = toml::Value::Table(merged)
                .try_into()
                .map_err(|e: toml::de::Error| Error::config(where_.clone(), e.to_string()))?;
            c.apply_env(|k| std::env::var(k).ok())?;
            if let Some(resource) = &mut c.resource {
                resource.apply_env()?;
            }
            c.validate()?;
            if let Some(listen) = &c.webhook_listen
                && let Some(other) = accounts.iter().find(|a| a.webhook_listen.as_ref() == Some(listen))
            {
                return Err(Error::config(
                    where_,
                    format!(
                        "webhook_listen `{listen}` is already used by account {}: give each webhook account its own \
                         address",
                        other.appid
                    ),
                ));
            }
            accounts.push(c);
        }
        Ok(accounts)
    }

    /// Applies the environment overrides, reading variables through `get`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<()> {
        let non_empty = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        if let Some(v) = non_empty("QQBOT_APPID") {
            self.appid = v;
        }
        if let Some(v) = non_empty("QQBOT_SECRET") {
            self.secret = v;
        }
        if let Some(v) = non_empty("QQBOT_API_BASE") {
            self.api_base = Some(v);
        }
        if let Some(v) = non_empty("QQBOT_TOKEN_URL") {
            self.token_url = Some(v);
        }
        if let Some(v) = non_empty("QQBOT_GATEWAY_URL") {
            self.gateway_url = Some(v);
        }
        if let Some(v) = non_empty("QQBOT_SANDBOX") {
            self.sandbox = matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on");
        }
        if let Some(v) = non_empty("QQBOT_INTENTS") {
            self.intents = Some(match v.parse::<u32>() {
                Ok(bits) => IntentsSetting::Bits(bits),
                Err(_) => IntentsSetting::Names(v.split(',').map(|s| s.trim().to_owned()).collect()),
            });
        }
        if let Some(v) = non_empty("QQBOT_SHARD") {
            let parts: Vec<Option<u32>> = v.split(',').map(|p| p.trim().parse().ok()).collect();
            match parts.as_slice() {
                [Some(id), Some(count)] => self.shard = [*id, *count],
                _ => {
                    return Err(Error::config(
                        "QQBOT_SHARD",
                        format!("`{v}` is not `shard_id,shard_count` (e.g. `0,4`)"),
                    ));
                }
            }
        }
        if let Some(v) = non_empty("QQBOT_WEBHOOK_LISTEN") {
            self.webhook_listen = Some(v);
        }
        if let Some(v) = non_empty("QQBOT_WEBHOOK_PATH") {
            self.webhook_path = v;
        }
        Ok(())
    }

    /// Checks that the account is usable, with errors that say what to set.
    pub fn validate(&self) -> Result<()> {
        if self.appid.is_empty() {
            return Err(Error::config("[official] appid", "missing: set `appid` in [official] or QQBOT_APPID"));
        }
        if self.secret.is_empty() {
            return Err(Error::config(
                "[official] secret",
                "missing: set `secret` (the AppSecret from the console) in [official] or QQBOT_SECRET",
            ));
        }
        let [id, count] = self.shard;
        if count == 0 || id >= count {
            return Err(Error::config(
                "[official] shard",
                format!("[{id}, {count}] is not [shard_id, shard_count] with shard_id < shard_count"),
            ));
        }
        if !self.webhook_path.starts_with('/') {
            return Err(Error::config("[official] webhook_path", "must start with `/`"));
        }
        if let Some(i) = &self.intents {
            i.resolve()?;
        }
        if let Some(resource) = &self.resource {
            resource.validated_prefix()?;
        }
        Ok(())
    }

    /// The REST base URL in use, without a trailing slash.
    pub fn api_base(&self) -> String {
        let base = match &self.api_base {
            Some(b) => b.as_str(),
            None if self.sandbox => SANDBOX_API_BASE,
            None => DEFAULT_API_BASE,
        };
        base.trim_end_matches('/').to_owned()
    }

    /// The token endpoint in use.
    pub fn token_url(&self) -> String {
        self.token_url.clone().unwrap_or_else(|| DEFAULT_TOKEN_URL.to_owned())
    }

    /// Whether webhook mode is on.
    pub fn is_webhook(&self) -> bool {
        self.webhook_listen.is_some()
    }

    pub(crate) fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }
}

/// Lays `over` onto `base`: nested tables merge key by key, every other value replaces.
fn merge_tables(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_tables(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_and_validation() {
        let c = Config::from_toml("[official]\nappid=\"1\"\nsecret=\"s\"\nintents=[\"GUILDS\"]\nshard=[1,2]").unwrap();
        let mut o: OfficialConfig = c.section("official").unwrap().unwrap();
        assert_eq!(o.api_base(), DEFAULT_API_BASE);
        o.apply_env(|k| match k {
            "QQBOT_API_BASE" => Some("http://127.0.0.1:9/".into()),
            "QQBOT_WEBHOOK_LISTEN" => Some("127.0.0.1:0".into()),
            "QQBOT_INTENTS" => Some("GROUP_AND_C2C_EVENT, INTERACTION".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(o.api_base(), "http://127.0.0.1:9");
        assert!(o.is_webhook());
        assert_eq!(o.webhook_path, DEFAULT_WEBHOOK_PATH);
        assert_eq!(o.intents.as_ref().unwrap().resolve().unwrap(), Intents::GROUP_AND_C2C_EVENT | Intents::INTERACTION);
        o.validate().unwrap();
        assert!(!format!("{o:?}").contains("\"s\""));

        o.shard = [2, 2];
        assert!(o.validate().unwrap_err().to_string().contains("shard"));
        let bad = OfficialConfig::new("1", "");
        assert!(bad.validate().unwrap_err().to_string().contains("QQBOT_SECRET"));
        let mut sandbox = OfficialConfig::new("1", "s");
        sandbox.sandbox = true;
        assert_eq!(sandbox.api_base(), SANDBOX_API_BASE);
        let e = IntentsSetting::Names(vec!["GUILDZ".into()]).resolve().unwrap_err().to_string();
        assert!(e.contains("GUILDZ") && e.contains("GUILDS"), "{e}");
    }
}
