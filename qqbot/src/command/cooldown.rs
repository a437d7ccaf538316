//! Cooldowns and rate limits (Koishi's rate-limit plugin, NoneBot's cooldown helpers), declared on a command
//! with `cooldown = "30s"` / `rate_limit = "5/min"` and checked by the dispatcher after the permission checks.
//!
//! State is kept per command and per scope (user, group or everyone). With a persistent session store (SQLite,
//! Redis) each check is one atomic `modify` of a reserved session, so limits survive restarts and hold across
//! processes sharing a Redis store. With the in-memory store there is nothing to share or keep, so the state stays
//! in a process-local map and a check costs one lock — the fast path most tests and small bots run on.
//!
//! Time comes from the app's [`Clock`] (a [`TokioClock`](crate::session::TokioClock) unless set), so a test on
//! tokio's paused clock drives cooldowns with `tokio::time::advance`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};

pub use crate::config::{ParseLimitError, parse_duration, parse_rate};

use super::bot_command::BotCommand;
use super::error::CommandError;
use crate::event::{MessageEvent, Sender};
use crate::session::{Change, Clock, SessionId, SessionManager, SessionRecord};

/// Whose uses a cooldown or rate limit counts together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LimitScope {
    /// Each user on their own (the default).
    #[default]
    User,
    /// Everyone in one group, guild channel or private chat together.
    Group,
    /// Everyone everywhere together.
    Global,
}

impl LimitScope {
    /// Parses `user`, `group` or `global`.
    pub fn parse(name: &str) -> Option<LimitScope> {
        match name.trim() {
            "user" => Some(LimitScope::User),
            "group" => Some(LimitScope::Group),
            "global" => Some(LimitScope::Global),
            _ => None,
        }
    }
}

/// A command's cooldown: after a use, the command does not run again in the same scope for `period`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Cooldown {
    /// How long after a use the command stays cold.
    pub period: Duration,
    /// Whose uses count together.
    pub scope: LimitScope,
    /// Replied while it is cooling down, `{remaining}` replaced by the seconds left; `None`: the default text
    /// in the app's language; `Some("")`: nothing.
    pub message: Option<String>,
    /// Whether superusers skip it. Default `true`.
    pub exempt_superusers: bool,
}

impl Cooldown {
    /// A per-user cooldown of `period`, with the default text, superusers exempt.
    pub fn new(period: Duration) -> Self {
        Cooldown { period, scope: LimitScope::User, message: None, exempt_superusers: true }
    }

    /// A cooldown from a text such as `30s` or `1m30s`.
    pub fn parse(period: &str) -> Result<Self, ParseLimitError> {
        parse_duration(period).map(Cooldown::new)
    }

    /// Sets whose uses count together.
    pub fn scope(mut self, scope: LimitScope) -> Self {
        self.scope = scope;
        self
    }

    /// Sets the text replied while cooling down (`{remaining}`: seconds left; `""`: say nothing).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets whether superusers skip the cooldown.
    pub fn exempt_superusers(mut self, exempt: bool) -> Self {
        self.exempt_superusers = exempt;
        self
    }
}

/// A command's rate limit: at most `count` uses in any window of `per`, in the same scope.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Uses allowed per window.
    pub count: u32,
    /// The window.
    pub per: Duration,
    /// Whose uses count together.
    pub scope: LimitScope,
    /// Replied when over the limit, `{remaining}` replaced by the seconds until the next use is allowed;
    /// `None`: the default text; `Some("")`: nothing.
    pub message: Option<String>,
    /// Whether superusers skip it. Default `true`.
    pub exempt_superusers: bool,
}

impl RateLimit {
    /// A per-user limit of `count` uses per `per`, with the default text, superusers exempt.
    pub fn new(count: u32, per: Duration) -> Self {
        RateLimit { count: count.max(1), per, scope: LimitScope::User, message: None, exempt_superusers: true }
    }

    /// A rate limit from a text such as `5/min`.
    pub fn parse(rate: &str) -> Result<Self, ParseLimitError> {
        parse_rate(rate).map(|(count, per)| RateLimit::new(count, per))
    }

    /// Sets whose uses count together.
    pub fn scope(mut self, scope: LimitScope) -> Self {
        self.scope = scope;
        self
    }

    /// Sets the text replied when over the limit (`{remaining}`: seconds left; `""`: say nothing).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets whether superusers skip the limit.
    pub fn exempt_superusers(mut self, exempt: bool) -> Self {
        self.exempt_superusers = exempt;
        self
    }
}

/// The state of one command in one scope.
#[derive(Debug, Default, Clone)]
struct Slot {
    /// Cold until this clock time.
    until_ms: u64,
    /// Clock times of the uses inside the rate-limit window, oldest first.
    stamps: VecDeque<u64>,
}

/// Why a use was refused.
enum Refusal {
    Cooldown(u64),
    Rate(u64),
}

impl Slot {
    /// Decides one use at `now` and records it when allowed; the slot is changed only then.
    fn try_use(&mut self, now: u64, cooldown: Option<&Cooldown>, rate: Option<&RateLimit>) -> Result<(), Refusal> {
        if cooldown.is_some() && self.until_ms > now {
            return Err(Refusal::Cooldown(self.until_ms - now));
        }
        if let Some(rate) = rate {
            let window = millis(rate.per);
            while self.stamps.front().is_some_and(|&t| t.saturating_add(window) <= now) {
                self.stamps.pop_front();
            }
            if self.stamps.len() >= rate.count as usize {
                let oldest = self.stamps.front().copied().unwrap_or(now);
                return Err(Refusal::Rate(oldest.saturating_add(window).saturating_sub(now)));
            }
            self.stamps.push_back(now);
        }
        if let Some(cooldown) = cooldown {
            self.until_ms = now.saturating_add(millis(cooldown.period));
        }
        Ok(())
    }

    fn to_data(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("until".into(), Value::from(self.until_ms));
        map.insert("stamps".into(), Value::from(self.stamps.iter().copied().collect::<Vec<u64>>()));
        map
    }

    fn from_data(data: &Map<String, Value>) -> Slot {
        let until_ms = data.get("until").and_then(Value::as_u64).unwrap_or(0);
        let stamps = data
            .get("stamps")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        Slot { until_ms, stamps }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The cooldown and rate-limit state of one app.
pub(crate) struct Limits {
    clock: Arc<dyn Clock>,
    /// Keyed by a 64-bit hash of (command, scope, who), so the fast path allocates nothing; two keys sharing a
    /// hash (odds 2⁻⁶⁴ per pair) would share a cooldown, which is harmless.
    local: Mutex<HashMap<u64, Slot>>,
    /// Set when the app's store keeps data beyond this process (SQLite, Redis).
    store: Option<SessionManager>,
}

impl Limits {
    pub(crate) fn new(clock: Arc<dyn Clock>, sessions: Option<SessionManager>) -> Self {
        let store = sessions.filter(|m| m.store().backend() != "memory");
        Limits { clock, local: Mutex::new(HashMap::new()), store }
    }

    /// The app's clock.
    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Counts one use of `cmd` by `sender` in `msg`'s conversation, or says why it may not run now.
    pub(crate) async fn check(
        &self,
        cmd: &BotCommand,
        sender: &Sender,
        msg: &MessageEvent,
    ) -> Result<(), CommandError> {
        let exempt = |e: bool| e && sender.is_superuser;
        let cooldown = cmd.cooldown.as_ref().filter(|c| !exempt(c.exempt_superusers));
        let rate = cmd.rate_limit.as_ref().filter(|r| !exempt(r.exempt_superusers));
        let scope = match (cooldown, rate) {
            (None, None) => return Ok(()),
            (Some(c), _) => c.scope,
            (None, Some(r)) => r.scope,
        };
        let target;
        let (kind, who) = match scope {
            LimitScope::User => ("u", sender.user_id.as_str()),
            LimitScope::Group => {
                target = msg.target();
                (target.scene().name(), target.id())
            }
            LimitScope::Global => ("*", ""),
        };
        let now = self.clock.now_ms();
        let verdict = match &self.store {
            None => {
                let key = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    (cmd.name.as_str(), kind, who).hash(&mut h);
                    h.finish()
                };
                let mut local = self.local.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                local.entry(key).or_default().try_use(now, cooldown, rate)
            }
            Some(sessions) => {
                let key = format!("{}:{kind}:{who}", cmd.name);
                // Kept until the longest window has passed, then collected like any timed-out session.
                let keep = cooldown.map_or(0, |c| millis(c.period)).max(rate.map_or(0, |r| millis(r.per)));
                let id = SessionId::global(format!("qqbot.limit:{key}"));
                let mut verdict = Ok(());
                let result = sessions
                    .store()
                    .modify(&id, now, &mut |current| {
                        let mut slot = current.map(|r| Slot::from_data(r.data())).unwrap_or_default();
                        verdict = slot.try_use(now, cooldown, rate);
                        if verdict.is_err() {
                            return Change::Keep;
                        }
                        let mut record = SessionRecord::new(id.clone(), slot.to_data(), now);
                        record.timeout_ms = Some(keep);
                        Change::Put(record)
                    })
                    .await;
                if let Err(e) = result {
                    // A store that cannot be reached must not silence every limited command: it runs, and
                    // the failure is logged.
                    tracing::warn!(command = %cmd.name, "cooldown state could not be read or written: {e}");
                    return Ok(());
                }
                verdict
            }
        };
        verdict.map_err(|refusal| match refusal {
            Refusal::Cooldown(ms) => CommandError::Cooldown {
                command: cmd.name.clone(),
                remaining: Duration::from_millis(ms),
                message: cooldown.and_then(|c| c.message.clone()),
            },
            Refusal::Rate(ms) => CommandError::RateLimited {
                command: cmd.name.clone(),
                remaining: Duration::from_millis(ms),
                message: rate.and_then(|r| r.message.clone()),
            },
        })
    }
}

/// Whole seconds left, rounded up, as users read them (never 0 while something is left).
pub(crate) fn remaining_secs(remaining: Duration) -> u64 {
    remaining.as_millis().div_ceil(1000).try_into().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_keeps_a_sliding_window() {
        let rate = RateLimit::new(2, Duration::from_secs(10));
        let mut slot = Slot::default();
        assert!(slot.try_use(0, None, Some(&rate)).is_ok());
        assert!(slot.try_use(4_000, None, Some(&rate)).is_ok());
        assert!(matches!(slot.try_use(5_000, None, Some(&rate)), Err(Refusal::Rate(5_000))));
        assert!(slot.try_use(10_000, None, Some(&rate)).is_ok(), "the first use left the window");
        let back = Slot::from_data(&slot.to_data());
        assert_eq!(back.stamps, slot.stamps);
    }
}
