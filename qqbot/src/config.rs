//! `qqbot.toml` and environment overrides.
//!
//! The file has one table per concern. `[bot]` is read here; every adapter and the session store read their own
//! table with [`Config::section`], so adding a platform never touches this file.
//!
//! ```toml
//! [bot]
//! superusers = ["12345"]   # may use admin-only commands anywhere
//! lang = "zh-CN"           # or "en-US": the framework's own texts
//! help = ["help", "帮助"]   # the built-in /help's words; [] turns it off
//! suggest = true           # "did you mean" for a mistyped command
//! plugin_words = ["插件", "plugin"] # the plugin switch command's words; [] turns it off
//! deny_users = ["666"]     # ignored before any command or handler runs
//! deny_groups = []
//!
//! [plugins."天气"]         # one table per plugin: switch defaults, then the plugin's own settings
//! enabled_by_default = true
//! deny_groups = ["123"]
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::i18n::Lang;

/// The name of the configuration file looked for in the working directory.
pub const CONFIG_FILE: &str = "qqbot.toml";

/// The `[bot]` table: settings every adapter shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BotConfig {
    /// User ids that count as admins everywhere (`QQBOT_SUPERUSERS`, comma-separated, adds to them).
    pub superusers: Vec<String>,
    /// The language of the framework's own texts (`QQBOT_LANG` overrides it).
    pub lang: String,
    /// How many events may be handled at once before the adapters stop reading (back-pressure).
    pub max_in_flight: usize,
    /// How many of those one connection (one account's link, one gateway shard, one webhook) may take; default a
    /// quarter of `max_in_flight`. An account whose implementation stops answering then holds only its own share,
    /// and every other account keeps being answered.
    pub max_in_flight_per_connection: Option<usize>,
    /// The folder for the bot's data (the session database …).
    pub data_dir: PathBuf,
    /// The words of the built-in `/help` (a leading `/` is optional); empty turns it off. A command of your own
    /// on the same word wins over it.
    pub help: Vec<String>,
    /// Whether a message addressed to the bot that matches no command gets a "did you mean" reply.
    pub suggest: bool,
    /// The words of the built-in plugin switch command (`/插件 列表|开启|关闭`); empty turns it off.
    pub plugin_words: Vec<String>,
    /// Users whose messages and events are ignored before any command or handler runs.
    pub deny_users: Vec<String>,
    /// Groups whose messages and events are ignored before any command or handler runs.
    pub deny_groups: Vec<String>,
    /// The time zone cron expressions of scheduled jobs are read in (an IANA name). Default `Asia/Shanghai`.
    pub timezone: String,
    /// `[bot.send_rate]`: outbound pacing per conversation and per account (none: unpaced).
    pub send_rate: Option<crate::api::SendRateConfig>,
}

impl BotConfig {
    /// The share of `max_in_flight` one connection may take (at least 1).
    pub fn connection_share(&self) -> usize {
        self.max_in_flight_per_connection.unwrap_or(self.max_in_flight / 4).clamp(1, self.max_in_flight.max(1))
    }
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            superusers: Vec::new(),
            lang: "zh-CN".into(),
            max_in_flight: 1024,
            max_in_flight_per_connection: None,
            data_dir: PathBuf::from("data"),
            help: vec!["help".into(), "帮助".into()],
            suggest: true,
            plugin_words: vec!["插件".into(), "plugin".into()],
            deny_users: Vec::new(),
            deny_groups: Vec::new(),
            timezone: "Asia/Shanghai".into(),
            send_rate: None,
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The `[bot]` table.
    pub bot: BotConfig,
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
    table: toml::Table,
}

impl Config {
    /// Reads `QQBOT_CONFIG` if set, else `./qqbot.toml` if it exists, else the defaults; then applies the
    /// environment overrides.
    pub fn load() -> Result<Config> {
        let mut config = match std::env::var_os("QQBOT_CONFIG") {
            Some(path) => Config::from_file(Path::new(&path))?,
            None if Path::new(CONFIG_FILE).exists() => Config::from_file(Path::new(CONFIG_FILE))?,
            None => Config::default(),
        };
        config.apply_env()?;
        Ok(config)
    }

    /// Reads a file (no environment overrides).
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::config(path.display().to_string(), format!("cannot read the file: {e}")))?;
        let mut config = Config::from_toml(&text).map_err(|e| match e {
            Error::Config { message, .. } => Error::config(path.display().to_string(), message),
            other => other,
        })?;
        config.path = Some(path.to_owned());
        Ok(config)
    }

    /// Parses TOML text (no environment overrides).
    pub fn from_toml(text: &str) -> Result<Config> {
        let table: toml::Table =
            text.parse().map_err(|e: toml::de::Error| Error::config(CONFIG_FILE, e.to_string()))?;
        let bot = match table.get("bot") {
            Some(v) => {
                v.clone().try_into().map_err(|e: toml::de::Error| Error::config(CONFIG_FILE, format!("[bot]: {e}")))?
            }
            None => BotConfig::default(),
        };
        let config = Config { bot, path: None, table };
        config.lang_checked()?;
        Ok(config)
    }

    /// Applies `QQBOT_LANG`, `QQBOT_SUPERUSERS` and `QQBOT_DATA_DIR`.
    pub fn apply_env(&mut self) -> Result<()> {
        if let Ok(lang) = std::env::var("QQBOT_LANG") {
            self.bot.lang = lang;
        }
        if let Ok(users) = std::env::var("QQBOT_SUPERUSERS") {
            self.bot.superusers.extend(users.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from));
        }
        if let Some(dir) = std::env::var_os("QQBOT_DATA_DIR") {
            self.bot.data_dir = PathBuf::from(dir);
        }
        self.lang_checked()?;
        Ok(())
    }

    fn lang_checked(&self) -> Result<Lang> {
        Lang::parse(&self.bot.lang).ok_or_else(|| {
            Error::config("[bot] lang", format!("unknown language `{}`: use \"zh-CN\" or \"en-US\"", self.bot.lang))
        })
    }

    /// The language of the framework's texts.
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.bot.lang).unwrap_or_default()
    }

    /// Whether the file has a table named `name`.
    pub fn has_section(&self, name: &str) -> bool {
        self.table.contains_key(name)
    }

    /// Deserializes the table `name` (`None` when absent), with an error naming the table.
    pub fn section<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        match self.table.get(name) {
            None => Ok(None),
            Some(v) => v
                .clone()
                .try_into()
                .map(Some)
                .map_err(|e: toml::de::Error| Error::config(self.source_name(), format!("[{name}]: {e}"))),
        }
    }

    /// The table `[plugins.<name>]`, if present.
    pub fn plugin_section(&self, name: &str) -> Option<toml::Table> {
        self.table.get("plugins")?.as_table()?.get(name)?.as_table().cloned()
    }

    /// The switch defaults of `[plugins.<name>]` (its other keys are the plugin's own configuration).
    pub fn plugin_policy(&self, name: &str) -> Result<crate::plugin::PluginPolicy> {
        let Some(mut table) = self.plugin_section(name) else { return Ok(Default::default()) };
        table.retain(|k, _| {
            let k: &str = k;
            crate::plugin::SWITCH_KEYS.contains(&k)
        });
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| Error::config(self.source_name(), format!("[plugins.{name}]: {e}")))
    }

    pub(crate) fn source_name(&self) -> String {
        self.path.as_ref().map_or_else(|| CONFIG_FILE.to_owned(), |p| p.display().to_string())
    }
}

// ----- time values: durations ("30s", "1m30s") and rates ("5/min"), shared by cooldowns, jobs and pacing -----

/// A text given for a duration or rate that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a {what}: {advice}")]
pub struct ParseLimitError {
    input: String,
    what: &'static str,
    advice: &'static str,
}

const DURATION_ADVICE: &str = "write a number and a unit (s, m, h, d), such as \"30s\", \"10m\" or \"1m30s\"";
const RATE_ADVICE: &str = "write uses per period, such as \"5/min\", \"1/s\", \"100/h\" or \"1000/day\"";

/// Parses a duration such as `30s`, `10m`, `1h`, `1d` or `1m30s` (units s, m, h, d; at least one part; not zero).
pub fn parse_duration(text: &str) -> std::result::Result<Duration, ParseLimitError> {
    let err = || ParseLimitError { input: text.to_owned(), what: "duration", advice: DURATION_ADVICE };
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    let mut parts = 0;
    for c in text.trim().chars() {
        if let Some(d) = c.to_digit(10) {
            number =
                Some(number.unwrap_or(0).checked_mul(10).and_then(|n| n.checked_add(u64::from(d))).ok_or_else(err)?);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(err()),
        };
        let n = number.take().ok_or_else(err)?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(err)?;
        parts += 1;
    }
    if number.is_some() || parts == 0 || total == 0 {
        return Err(err());
    }
    Ok(Duration::from_secs(total))
}

/// Parses a rate such as `5/min`: uses (at least 1) per `s`/`sec`, `min`, `h`/`hour` or `day`/`d`.
pub fn parse_rate(text: &str) -> std::result::Result<(u32, Duration), ParseLimitError> {
    let err = || ParseLimitError { input: text.to_owned(), what: "rate", advice: RATE_ADVICE };
    let (count, per) = text.trim().split_once('/').ok_or_else(err)?;
    let count: u32 = count.trim().parse().map_err(|_| err())?;
    let secs = match per.trim() {
        "s" | "sec" | "second" => 1,
        "min" | "minute" => 60,
        "h" | "hour" => 3_600,
        "d" | "day" => 86_400,
        _ => return Err(err()),
    };
    if count == 0 {
        return Err(err());
    }
    Ok((count, Duration::from_secs(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_combinations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        for bad in ["", "30", "s", "3x", "0s", "1.5m", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rates_parse() {
        assert_eq!(parse_rate("5/min"), Ok((5, Duration::from_secs(60))));
        assert_eq!(parse_rate("1/s"), Ok((1, Duration::from_secs(1))));
        assert_eq!(parse_rate("100/day"), Ok((100, Duration::from_secs(86_400))));
        for bad in ["5", "0/min", "5/week", "x/min", "/min"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_bot_table_and_sections() {
        let c = Config::from_toml("[bot]\nsuperusers=[\"1\"]\nlang=\"en-US\"\n[console]\nself_id=\"9\"").unwrap();
        assert_eq!(c.bot.superusers, vec!["1"]);
        assert_eq!(c.lang(), Lang::EnUs);
        #[derive(Deserialize)]
        struct Console {
            self_id: String,
        }
        assert_eq!(c.section::<Console>("console").unwrap().unwrap().self_id, "9");
        assert!(c.section::<Console>("missing").unwrap().is_none());
        assert_eq!(c.bot.help, vec!["help", "帮助"], "the built-in help is on by default");
        assert!(c.bot.suggest);
        let c = Config::from_toml("[bot]\nhelp=[]\nsuggest=false").unwrap();
        assert!(c.bot.help.is_empty() && !c.bot.suggest);
    }

    #[test]
    fn rejects_unknown_keys_and_languages() {
        let e = Config::from_toml("[bot]\nsuperuser=[\"1\"]").unwrap_err().to_string();
        assert!(e.contains("superuser"), "{e}");
        let e = Config::from_toml("[bot]\nlang=\"fr\"").unwrap_err().to_string();
        assert!(e.contains("zh-CN"), "{e}");
    }
}
