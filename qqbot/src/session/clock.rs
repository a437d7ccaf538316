//! The clock sessions are timed by: the system clock in a bot, a [`ManualClock`] in tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of wall-clock time in milliseconds since the Unix epoch.
///
/// Session deadlines are stored as such timestamps, so they survive restarts and are shared by several processes
/// on a Redis store; tests swap in a [`ManualClock`] to step through a session's life cycle without sleeping.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// Moves the clock forward by `by`, if this clock can be moved (the console sandbox's `:wait 30s`);
    /// returns whether it moved. The default cannot.
    fn skip(&self, by: Duration) -> bool {
        let _ = by;
        false
    }

    /// A receiver that changes every time [`Clock::skip`] moves the clock, so whoever sleeps until a clock time
    /// (the job scheduler) can wake up and look again; `None` for clocks that are never skipped.
    fn skips(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        None
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// A clock that moves only when told to: for tests of timeouts.
///
/// ```
/// use qqbot::session::{Clock, ManualClock};
/// use std::time::Duration;
/// let clock = ManualClock::new(1_000);
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.now_ms(), 3_000);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock showing `start_ms`.
    pub fn new(start_ms: u64) -> Self {
        ManualClock(AtomicU64::new(start_ms))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A duration in whole milliseconds (saturating).
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Wall-clock time that moves with tokio's timer: the wall time when it was made, plus the tokio time elapsed
/// since. In a bot that is the system clock; under a paused tokio clock (`#[tokio::test(start_paused = true)]`)
/// it stands still until `tokio::time::advance` (or an idle runtime's auto-advance) moves it, so cooldowns,
/// rate limits, scheduled jobs and outbound pacing — all timed by it — can be driven by one virtual clock.
///
/// ```
/// use qqbot::session::{Clock, TokioClock};
/// let clock = TokioClock::starting_at(1_000);
/// assert!(clock.now_ms() >= 1_000);
/// ```
///
/// It can also be moved forward on its own ([`Clock::skip`]): the console sandbox's `:wait 30s` fast-forwards
/// cooldowns and scheduled jobs that way, in a bot whose tokio clock runs in real time.
#[derive(Debug, Clone)]
pub struct TokioClock {
    wall_at_start_ms: u64,
    start: tokio::time::Instant,
    /// Milliseconds skipped so far (read on every `now_ms`, so a plain atomic) …
    skipped: std::sync::Arc<AtomicU64>,
    /// … and a watch that changes with it, so sleepers notice.
    skips: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

impl TokioClock {
    /// A clock showing the system time now.
    pub fn new() -> Self {
        TokioClock::starting_at(SystemClock.now_ms())
    }

    /// A clock showing `wall_ms` (milliseconds since the Unix epoch) now: tests start their virtual day here.
    pub fn starting_at(wall_ms: u64) -> Self {
        TokioClock {
            wall_at_start_ms: wall_ms,
            start: tokio::time::Instant::now(),
            skipped: std::sync::Arc::new(AtomicU64::new(0)),
            skips: std::sync::Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        TokioClock::new()
    }
}

impl Clock for TokioClock {
    fn now_ms(&self) -> u64 {
        let skipped = self.skipped.load(Ordering::Acquire);
        self.wall_at_start_ms.saturating_add(millis(self.start.elapsed())).saturating_add(skipped)
    }

    fn skip(&self, by: Duration) -> bool {
        let total = self.skipped.fetch_add(millis(by), Ordering::AcqRel).saturating_add(millis(by));
        self.skips.send_replace(total);
        true
    }

    fn skips(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        Some(self.skips.subscribe())
    }
}
