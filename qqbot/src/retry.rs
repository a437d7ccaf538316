//! Retry policies in the style of Python's `tenacity`: when to stop retrying, and how long to wait between
//! attempts. Adapters read them from `qqbot.toml` (`retry_config`) and use them to reconnect.
//!
//! ```toml
//! [onebot.retry_config]
//! stop_after_attempt = 10                   # give up after the 10th failed attempt …
//! stop_after_delay = 600                    # … or 600 s after the first failure, whichever comes first
//! wait_exponential = { multiplier = 1, min = 1, max = 30, exp_base = 2 }
//! wait_random = { min = 0, max = 1 }        # waits are added: exponential back-off plus up to 1 s of jitter
//! ```
//!
//! Every key is a tenacity function name; its value is a table of keyword arguments, a list of positional
//! arguments, or a single number (the first positional argument). Several `stop_*` keys stop when **any** of them
//! says so (tenacity's `stop_a | stop_b`); several `wait_*` keys are **added** (tenacity's `wait_a + wait_b`).
//! Times are seconds (fractions allowed).
//!
//! ```
//! use std::time::Duration;
//! use qqbot::retry::{RetryPolicy, Stop, Wait};
//!
//! let policy = RetryPolicy::new()
//!     .stop(Stop::AfterAttempt(3))
//!     .wait(Wait::Exponential { multiplier: 1.0, min: 0.0, max: 10.0, exp_base: 2.0 });
//! assert_eq!(policy.next_wait(1, Duration::ZERO), Some(Duration::from_secs(1)));
//! assert_eq!(policy.next_wait(2, Duration::ZERO), Some(Duration::from_secs(2)));
//! assert_eq!(policy.next_wait(3, Duration::ZERO), None); // the third failure was the last attempt
//! ```

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::{self, Deserializer};

/// When to give up.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Stop {
    /// Never give up (tenacity's `stop_never`).
    Never,
    /// Give up once this many attempts have failed (`stop_after_attempt`).
    AfterAttempt(u32),
    /// Give up once this much time has passed since the first attempt (`stop_after_delay`).
    AfterDelay(Duration),
}

/// How long to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Wait {
    /// No wait (`wait_none`).
    None,
    /// Always the same time, in seconds (`wait_fixed`).
    Fixed(f64),
    /// A uniformly random time between `min` and `max` seconds (`wait_random`).
    Random {
        /// Shortest wait.
        min: f64,
        /// Longest wait.
        max: f64,
    },
    /// `multiplier × exp_base^(attempt − 1)` seconds, clamped to `min ..= max` (`wait_exponential`).
    Exponential {
        /// Scale of the first wait.
        multiplier: f64,
        /// Shortest wait.
        min: f64,
        /// Longest wait.
        max: f64,
        /// Growth factor per attempt.
        exp_base: f64,
    },
    /// A uniformly random time between `min` and the `Exponential` wait of the same parameters
    /// (`wait_random_exponential`, "full jitter").
    RandomExponential {
        /// Scale of the first wait's upper bound.
        multiplier: f64,
        /// Shortest wait.
        min: f64,
        /// Longest wait.
        max: f64,
        /// Growth factor per attempt.
        exp_base: f64,
    },
    /// `start + increment × (attempt − 1)` seconds, at most `max` (`wait_incrementing`).
    Incrementing {
        /// The first wait.
        start: f64,
        /// Added per attempt.
        increment: f64,
        /// Longest wait.
        max: f64,
    },
}

impl Wait {
    /// The wait after failed attempt number `attempt` (1-based), in seconds.
    fn seconds(&self, attempt: u32) -> f64 {
        let n = attempt.max(1);
        match *self {
            Wait::None => 0.0,
            Wait::Fixed(s) => s,
            Wait::Random { min, max } => uniform(min, max),
            Wait::Exponential { multiplier, min, max, exp_base } => exponential(multiplier, min, max, exp_base, n),
            Wait::RandomExponential { multiplier, min, max, exp_base } => {
                uniform(min, exponential(multiplier, min, max, exp_base, n))
            }
            Wait::Incrementing { start, increment, max } => (start + increment * f64::from(n - 1)).min(max),
        }
    }
}

fn exponential(multiplier: f64, min: f64, max: f64, exp_base: f64, attempt: u32) -> f64 {
    // Large exponents overflow to infinity, which the clamp below brings back to `max`.
    let exp = exp_base.powi(i32::try_from(attempt - 1).unwrap_or(i32::MAX));
    let value = multiplier * exp;
    if value.is_nan() { max } else { value.clamp(min.min(max), max) }
}

/// A uniformly random number in `low ..= high`: jitter only, so a small non-cryptographic generator does.
fn uniform(low: f64, high: f64) -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut z = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).wrapping_add(seed);
    // SplitMix64 finaliser.
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
    if high <= low { low } else { low + (high - low) * unit }
}

/// A retry policy: stop conditions (any of them stops) and waits (added together).
///
/// The default reconnects forever with exponential back-off from 1 s to 30 s plus up to 1 s of jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    stops: Vec<Stop>,
    waits: Vec<Wait>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            stops: Vec::new(),
            waits: vec![
                Wait::Exponential { multiplier: 1.0, min: 1.0, max: 30.0, exp_base: 2.0 },
                Wait::Random { min: 0.0, max: 1.0 },
            ],
        }
    }
}

impl RetryPolicy {
    /// A policy that retries at once, forever; add conditions with [`RetryPolicy::stop`] and
    /// [`RetryPolicy::wait`].
    pub fn new() -> Self {
        RetryPolicy { stops: Vec::new(), waits: Vec::new() }
    }

    /// Adds a stop condition (any condition stops).
    pub fn stop(mut self, stop: Stop) -> Self {
        self.stops.push(stop);
        self
    }

    /// Adds a wait (waits are summed).
    pub fn wait(mut self, wait: Wait) -> Self {
        self.waits.push(wait);
        self
    }

    /// The stop conditions.
    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    /// The waits.
    pub fn waits(&self) -> &[Wait] {
        &self.waits
    }

    /// Whether to give up after `attempt` failed attempts (1-based), `elapsed` after the first one began.
    pub fn should_stop(&self, attempt: u32, elapsed: Duration) -> bool {
        self.stops.iter().any(|s| match *s {
            Stop::Never => false,
            Stop::AfterAttempt(n) => attempt >= n,
            Stop::AfterDelay(d) => elapsed >= d,
        })
    }

    /// How long to wait after failed attempt number `attempt` (1-based), or `None` to give up.
    pub fn next_wait(&self, attempt: u32, elapsed: Duration) -> Option<Duration> {
        if self.should_stop(attempt, elapsed) {
            return None;
        }
        let secs: f64 = self.waits.iter().map(|w| w.seconds(attempt)).sum();
        Some(Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or(Duration::MAX))
    }

    /// Runs `op` until it succeeds or the policy gives up; returns the last error then. `on_retry` sees each
    /// failure and the wait that follows it (to log it).
    pub async fn retry<T, E, F, Fut>(&self, mut op: F, mut on_retry: impl FnMut(&E, u32, Duration)) -> Result<T, E>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            match op(attempt).await {
                Ok(v) => return Ok(v),
                Err(e) => match self.next_wait(attempt, started.elapsed()) {
                    None => return Err(e),
                    Some(wait) => {
                        on_retry(&e, attempt, wait);
                        tokio::time::sleep(wait).await;
                    }
                },
            }
        }
    }
}

/// Counts attempts and elapsed time for a loop that retries by hand (a reconnect loop).
#[derive(Debug, Clone)]
pub struct RetryState {
    attempt: u32,
    started: Option<Instant>,
}

impl Default for RetryState {
    fn default() -> Self {
        RetryState::new()
    }
}

impl RetryState {
    /// No failure yet.
    pub fn new() -> Self {
        RetryState { attempt: 0, started: None }
    }

    /// Records a failed attempt and returns how long to wait before the next, or `None` to give up.
    pub fn failed(&mut self, policy: &RetryPolicy) -> Option<Duration> {
        let started = *self.started.get_or_insert_with(Instant::now);
        self.attempt = self.attempt.saturating_add(1);
        policy.next_wait(self.attempt, started.elapsed())
    }

    /// The number of failed attempts so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Forgets the failures (after a success).
    pub fn reset(&mut self) {
        *self = RetryState::new();
    }
}

/// An error in a `retry_config` table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retry_config: {0}")]
pub struct RetryConfigError(String);

impl RetryPolicy {
    /// Reads a `retry_config` table (see the module documentation).
    pub fn from_toml(table: &toml::Table) -> Result<Self, RetryConfigError> {
        let mut policy = RetryPolicy::new();
        for (key, value) in table {
            let args = Args::new(key, value)?;
            match key.as_str() {
                "stop_never" => policy.stops.push(Stop::Never),
                "stop_after_attempt" => {
                    let n = args.get(0, "max_attempt_number")?.ok_or_else(|| args.missing("max_attempt_number"))?;
                    if n < 1.0 || n.fract() != 0.0 || n > f64::from(u32::MAX) {
                        return Err(RetryConfigError(format!("{key}: max_attempt_number must be a whole number ≥ 1")));
                    }
                    policy.stops.push(Stop::AfterAttempt(n as u32));
                }
                "stop_after_delay" => {
                    let s = args.get(0, "max_delay")?.ok_or_else(|| args.missing("max_delay"))?;
                    policy.stops.push(Stop::AfterDelay(args.duration("max_delay", s)?));
                }
                "wait_none" => policy.waits.push(Wait::None),
                "wait_fixed" => {
                    let s = args.get(0, "wait")?.ok_or_else(|| args.missing("wait"))?;
                    args.duration("wait", s)?;
                    policy.waits.push(Wait::Fixed(s));
                }
                "wait_random" => {
                    let min = args.get(0, "min")?.unwrap_or(0.0);
                    let max = args.get(1, "max")?.unwrap_or(1.0);
                    args.ordered(min, max)?;
                    policy.waits.push(Wait::Random { min, max });
                }
                "wait_exponential" | "wait_random_exponential" => {
                    let multiplier = args.get(0, "multiplier")?.unwrap_or(1.0);
                    let max = args.get(1, "max")?.unwrap_or(f64::INFINITY);
                    let exp_base = args.get(2, "exp_base")?.unwrap_or(2.0);
                    let min = args.get(3, "min")?.unwrap_or(0.0);
                    args.ordered(min, max)?;
                    if multiplier < 0.0 || exp_base < 0.0 {
                        return Err(RetryConfigError(format!("{key}: multiplier and exp_base must not be negative")));
                    }
                    policy.waits.push(if key == "wait_exponential" {
                        Wait::Exponential { multiplier, min, max, exp_base }
                    } else {
                        Wait::RandomExponential { multiplier, min, max, exp_base }
                    });
                }
                "wait_incrementing" => {
                    let start = args.get(0, "start")?.unwrap_or(0.0);
                    let increment = args.get(1, "increment")?.unwrap_or(100.0);
                    let max = args.get(2, "max")?.unwrap_or(f64::INFINITY);
                    policy.waits.push(Wait::Incrementing { start, increment, max });
                }
                other => {
                    return Err(RetryConfigError(format!(
                        "unknown key `{other}`: expected one of stop_never, stop_after_attempt, stop_after_delay, \
                         wait_none, wait_fixed, wait_random, wait_exponential, wait_random_exponential, \
                         wait_incrementing"
                    )));
                }
            }
        }
        Ok(policy)
    }
}

/// The arguments of one `retry_config` key: positional (list or single number) or keyword (table).
struct Args<'a> {
    key: &'a str,
    positional: Vec<&'a toml::Value>,
    keyword: Option<&'a toml::Table>,
}

impl<'a> Args<'a> {
    fn new(key: &'a str, value: &'a toml::Value) -> Result<Self, RetryConfigError> {
        match value {
            toml::Value::Table(t) => Ok(Args { key, positional: Vec::new(), keyword: Some(t) }),
            toml::Value::Array(a) => Ok(Args { key, positional: a.iter().collect(), keyword: None }),
            toml::Value::Integer(_) | toml::Value::Float(_) => Ok(Args { key, positional: vec![value], keyword: None }),
            // `stop_never = true`, `wait_none = {}`: keys without arguments.
            toml::Value::Boolean(true) => Ok(Args { key, positional: Vec::new(), keyword: None }),
            other => Err(RetryConfigError(format!(
                "{key}: expected a table of keyword arguments, a list of positional arguments or a number, got {}",
                other.type_str()
            ))),
        }
    }

    fn get(&self, index: usize, name: &str) -> Result<Option<f64>, RetryConfigError> {
        let value = match self.keyword {
            Some(t) => {
                if let Some(unknown) = t.keys().find(|k| !KNOWN_KWARGS.contains(&k.as_str())) {
                    return Err(RetryConfigError(format!("{}: unknown argument `{unknown}`", self.key)));
                }
                t.get(name)
            }
            None => self.positional.get(index).copied(),
        };
        match value {
            None => Ok(None),
            Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(toml::Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
            Some(other) => Err(RetryConfigError(format!("{}: `{name}` must be a number, got {other}", self.key))),
        }
    }

    fn missing(&self, name: &str) -> RetryConfigError {
        RetryConfigError(format!("{}: `{name}` is required", self.key))
    }

    fn duration(&self, name: &str, secs: f64) -> Result<Duration, RetryConfigError> {
        Duration::try_from_secs_f64(secs)
            .map_err(|_| RetryConfigError(format!("{}: `{name}` must be a non-negative number of seconds", self.key)))
    }

    fn ordered(&self, min: f64, max: f64) -> Result<(), RetryConfigError> {
        if min < 0.0 || max < min {
            return Err(RetryConfigError(format!("{}: need 0 ≤ min ≤ max (got min {min}, max {max})", self.key)));
        }
        Ok(())
    }
}

const KNOWN_KWARGS: &[&str] =
    &["max_attempt_number", "max_delay", "wait", "min", "max", "multiplier", "exp_base", "start", "increment"];

impl<'de> Deserialize<'de> for RetryPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let table = toml::Table::deserialize(deserializer)?;
        RetryPolicy::from_toml(&table).map_err(de::Error::custom)
    }
}

impl fmt::Display for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.stops {
            if !first {
                f.write_str(" | ")?;
            }
            first = false;
            match s {
                Stop::Never => f.write_str("stop_never")?,
                Stop::AfterAttempt(n) => write!(f, "stop_after_attempt({n})")?,
                Stop::AfterDelay(d) => write!(f, "stop_after_delay({}s)", d.as_secs_f64())?,
            }
        }
        for w in &self.waits {
            f.write_str(if first { "" } else { " + " })?;
            first = false;
            write!(f, "{w:?}")?;
        }
        if first {
            f.write_str("retry at once, forever")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Result<RetryPolicy, RetryConfigError> {
        RetryPolicy::from_toml(&text.parse::<toml::Table>().map_err(|e| RetryConfigError(e.to_string()))?)
    }

    #[test]
    fn exponential_follows_tenacity() {
        let p = policy("wait_exponential = { multiplier = 1, min = 1, max = 30, exp_base = 2 }").unwrap();
        let waits: Vec<u64> = (1..=7).map(|a| p.next_wait(a, Duration::ZERO).unwrap().as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 30, 30]);
        // min raises small waits.
        let p = policy("wait_exponential = { multiplier = 0.5, min = 2 }").unwrap();
        assert_eq!(p.next_wait(1, Duration::ZERO), Some(Duration::from_secs(2)));
        assert_eq!(p.next_wait(4, Duration::ZERO), Some(Duration::from_secs(4)));
        // Huge attempt numbers saturate instead of overflowing.
        let p = policy("wait_exponential = { max = 60 }").unwrap();
        assert_eq!(p.next_wait(u32::MAX, Duration::ZERO), Some(Duration::from_secs(60)));
    }

    #[test]
    fn stops_combine_with_or() {
        let p = policy("stop_after_attempt = 3\nstop_after_delay = 10\nwait_fixed = 1").unwrap();
        assert!(p.next_wait(2, Duration::from_secs(1)).is_some());
        assert!(p.next_wait(3, Duration::from_secs(1)).is_none());
        assert!(p.next_wait(1, Duration::from_secs(10)).is_none());
    }

    #[test]
    fn waits_add_up_and_random_stays_in_range() {
        let p = policy("wait_fixed = [2]\nwait_random = { min = 0.5, max = 1.5 }").unwrap();
        for a in 1..50 {
            let w = p.next_wait(a, Duration::ZERO).unwrap().as_secs_f64();
            assert!((2.5..=3.5).contains(&w), "{w}");
        }
        let p = policy("wait_random_exponential = { multiplier = 1, max = 8 }").unwrap();
        for a in 1..50 {
            let w = p.next_wait(a, Duration::ZERO).unwrap().as_secs_f64();
            let high = 2f64.powi(a as i32 - 1).min(8.0);
            assert!((0.0..=high).contains(&w), "attempt {a}: {w}");
        }
    }

    #[test]
    fn incrementing_and_positional_args() {
        let p = policy("wait_incrementing = [1, 2, 4]").unwrap();
        let waits: Vec<u64> = (1..=4).map(|a| p.next_wait(a, Duration::ZERO).unwrap().as_secs()).collect();
        assert_eq!(waits, vec![1, 3, 4, 4]);
        let p = policy("wait_exponential = [1, 10]").unwrap();
        assert_eq!(p.next_wait(9, Duration::ZERO), Some(Duration::from_secs(10)));
    }

    #[test]
    fn bad_tables_say_what_is_wrong() {
        assert!(policy("wait_exponental = {}").unwrap_err().0.contains("unknown key `wait_exponental`"));
        assert!(policy("stop_after_attempt = 0").unwrap_err().0.contains("≥ 1"));
        assert!(policy("wait_random = { min = 3, max = 1 }").unwrap_err().0.contains("min ≤ max"));
        assert!(policy("wait_fixed = { wiat = 1 }").unwrap_err().0.contains("unknown argument `wiat`"));
        assert!(policy("wait_fixed = \"1s\"").unwrap_err().0.contains("expected a table"));
        assert!(policy("stop_after_attempt = {}").unwrap_err().0.contains("required"));
    }

    #[tokio::test]
    async fn retry_runs_until_success_or_give_up() {
        let p = RetryPolicy::new().stop(Stop::AfterAttempt(5)).wait(Wait::Fixed(0.001));
        let mut seen = Vec::new();
        let r: Result<u32, u32> =
            p.retry(|a| async move { if a < 3 { Err(a) } else { Ok(a) } }, |e, a, w| seen.push((*e, a, w))).await;
        assert_eq!(r, Ok(3));
        assert_eq!(seen, vec![(1, 1, Duration::from_millis(1)), (2, 2, Duration::from_millis(1))]);
        let r: Result<(), u32> = p.retry(|a| async move { Err(a) }, |_, _, _| {}).await;
        assert_eq!(r, Err(5));
    }

    #[test]
    fn state_counts_failures() {
        let p = RetryPolicy::new().stop(Stop::AfterAttempt(2));
        let mut s = RetryState::new();
        assert_eq!(s.failed(&p), Some(Duration::ZERO));
        assert_eq!(s.failed(&p), None);
        s.reset();
        assert_eq!(s.attempts(), 0);
    }
}
