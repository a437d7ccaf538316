//! Scheduled jobs (NoneBot's apscheduler, Koishi's `schedule`, Kovi's cron): `#[job(cron = "0 0 8 * * *")]` or
//! `#[job(every = "10m")]` on an `async fn(ctx: JobCtx)`, or a [`Job`] built by hand and added with
//! [`App::job`](crate::App::job).
//!
//! The scheduler starts with the app (and with the test kit). Each job has one task that sleeps until its next
//! firing by the app's clock — so tokio's paused clock drives jobs in tests — and runs the job in a task of its
//! own: a job never overlaps itself (a firing while the previous run is still going is skipped and logged), and a
//! run that fails or panics is logged while the next one still happens. Cron expressions have six fields, seconds
//! first, and are read in `[bot] timezone` (default `Asia/Shanghai`).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::TimeZone;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::sync::watch;

use crate::api::{Accounts, Bot, Target};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::session::Clock;

/// When a job fires.
#[derive(Clone)]
#[non_exhaustive]
pub enum Schedule {
    /// A cron expression with seconds (`sec min hour day month weekday`), in the app's time zone.
    Cron {
        /// The expression as written.
        expr: String,
        /// The parsed expression.
        cron: Box<croner::Cron>,
    },
    /// Every so long, the first time one period after the scheduler starts.
    Every(Duration),
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Cron { expr, .. } => write!(f, "cron({expr})"),
            Schedule::Every(d) => write!(f, "every({d:?})"),
        }
    }
}

impl Schedule {
    /// Parses a six-field cron expression (seconds first).
    pub fn cron(expr: &str) -> Result<Schedule> {
        let bad = |why: String| Error::config("job schedule", format!("invalid cron expression \"{expr}\": {why}"));
        if expr.split_whitespace().count() != 6 {
            return Err(bad("a job's cron expression has six fields, seconds first: \"0 0 8 * * *\"".into()));
        }
        let parser = croner::parser::CronParser::builder().seconds(croner::parser::Seconds::Required).build();
        let cron = parser.parse(expr).map_err(|e| bad(e.to_string()))?;
        Ok(Schedule::Cron { expr: expr.to_owned(), cron: Box::new(cron) })
    }

    /// The first firing strictly after `after_ms` (clock milliseconds), in time zone `tz`; for `Every`, counted
    /// from `start_ms`. `None` when a cron expression never fires again.
    fn next_after(&self, after_ms: u64, start_ms: u64, tz: chrono_tz::Tz) -> Option<u64> {
        match self {
            Schedule::Every(period) => {
                let period = u64::try_from(period.as_millis()).unwrap_or(u64::MAX).max(1);
                let periods = after_ms.saturating_sub(start_ms) / period + 1;
                Some(start_ms.saturating_add(periods.saturating_mul(period)))
            }
            Schedule::Cron { cron, .. } => {
                let now = tz.timestamp_millis_opt(i64::try_from(after_ms).ok()?).single()?;
                let next = cron.find_next_occurrence(&now, false).ok()?;
                // Cron works in whole seconds; the search keeps the start's fraction of a second, so drop it.
                u64::try_from(next.timestamp()).ok()?.checked_mul(1000)
            }
        }
    }
}

/// What a job's handler returns, boxed: `Err` carries the error's text for the log.
pub type JobFuture = BoxFuture<'static, std::result::Result<(), String>>;

/// A job's handler, type-erased.
pub type JobHandler = Arc<dyn Fn(JobCtx) -> JobFuture + Send + Sync>;

/// What a job function may return: nothing, or `Result<(), E>` with a displayable error (logged).
pub trait IntoJobResult {
    /// The outcome, with the error as text.
    fn into_job_result(self) -> std::result::Result<(), String>;
}

impl IntoJobResult for () {
    fn into_job_result(self) -> std::result::Result<(), String> {
        Ok(())
    }
}

impl<E: fmt::Display> IntoJobResult for std::result::Result<(), E> {
    fn into_job_result(self) -> std::result::Result<(), String> {
        self.map_err(|e| e.to_string())
    }
}

/// One scheduled job.
///
/// ```
/// use qqbot::prelude::*;
/// use std::time::Duration;
/// let tick = Job::every("tick", Duration::from_secs(600)).handler(|ctx: JobCtx| async move {
///     ctx.send(&Target::Group("123".into()), "十分钟到了").await.map(drop)
/// });
/// let app = App::new().job(tick);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Job {
    /// The job's name (the function's for `#[job]`), in logs.
    pub name: String,
    /// When it fires.
    pub schedule: Schedule,
    /// The plugin it belongs to (`plugin = "…"`), for per-target switches.
    pub plugin: Option<String>,
    /// The handler.
    pub handler: JobHandler,
    /// Where it was declared.
    pub location: Option<crate::command::SourceLocation>,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("schedule", &self.schedule)
            .field("plugin", &self.plugin)
            .field("location", &self.location)
            .finish()
    }
}

impl Job {
    /// A job on `schedule` whose handler does nothing yet.
    pub fn new(name: impl Into<String>, schedule: Schedule) -> Self {
        Job {
            name: name.into(),
            schedule,
            plugin: None,
            handler: Arc::new(|_| Box::pin(async { Ok(()) })),
            location: None,
        }
    }

    /// A job on a cron expression (six fields, seconds first); an expression that does not parse is an error.
    pub fn cron(name: impl Into<String>, expr: &str) -> Result<Self> {
        Ok(Job::new(name, Schedule::cron(expr)?))
    }

    /// A job that fires every `period`.
    pub fn every(name: impl Into<String>, period: Duration) -> Self {
        Job::new(name, Schedule::Every(period))
    }

    /// Sets the handler: an async function of a [`JobCtx`] returning `()` or `Result<(), E: Display>`.
    pub fn handler<F, Fut, R>(mut self, f: F) -> Self
    where
        F: Fn(JobCtx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoJobResult,
    {
        self.handler = Arc::new(move |ctx| {
            let fut = f(ctx);
            Box::pin(async move { fut.await.into_job_result() })
        });
        self
    }

    /// Sets the plugin the job belongs to.
    pub fn plugin(mut self, plugin: impl Into<String>) -> Self {
        self.plugin = Some(plugin.into());
        self
    }
}

/// A `#[job]` registration collected at link time. Generated code only.
#[doc(hidden)]
pub struct JobRegistration {
    pub build: fn() -> Job,
}

inventory::collect!(JobRegistration);

/// What a running job can reach: the connected accounts to send through, the app's state, and when it fired.
#[derive(Clone)]
pub struct JobCtx {
    name: Arc<str>,
    plugin: Option<Arc<str>>,
    fired_at_ms: u64,
    env: Arc<JobEnv>,
}

impl fmt::Debug for JobCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobCtx").field("job", &self.name).field("fired_at_ms", &self.fired_at_ms).finish()
    }
}

impl JobCtx {
    /// The job's name.
    pub fn job(&self) -> &str {
        &self.name
    }

    /// The plugin the job belongs to, if any.
    pub fn plugin(&self) -> Option<&str> {
        self.plugin.as_deref()
    }

    /// When this run was due, in clock milliseconds since the Unix epoch.
    pub fn fired_at_ms(&self) -> u64 {
        self.fired_at_ms
    }

    /// The connected bot accounts (through the app's outbound layer: pacing and API hooks apply), in the order
    /// they connected: pick one when several are connected.
    pub fn bots(&self) -> Vec<Arc<dyn Bot>> {
        self.env.accounts.list().into_iter().map(|b| (self.env.outbound)(b)).collect()
    }

    /// Sends a message proactively through the first connected account; [`Error::NoAccount`] when none is, and
    /// [`Error::Refused`] when the job's plugin is switched off in that conversation (check with
    /// [`JobCtx::enabled_in`] first to skip such conversations quietly).
    pub async fn send(&self, target: &Target, message: impl Into<Message>) -> Result<String> {
        if !self.enabled_in(target).await {
            let plugin = self.plugin.as_deref().unwrap_or_default();
            return Err(Error::Refused {
                action: "send".into(),
                reason: format!("plugin `{plugin}` of job `{}` is switched off in {target}", self.name),
            });
        }
        let bot = self.bots().into_iter().next().ok_or(Error::NoAccount)?;
        bot.send(target, message.into()).await
    }

    /// Whether the job may send to `target`: always, unless the job belongs to a plugin that is switched off
    /// there.
    pub async fn enabled_in(&self, target: &Target) -> bool {
        match (&self.plugin, &self.env.target_filter) {
            (Some(plugin), Some(filter)) => filter(plugin, target).await,
            _ => true,
        }
    }

    /// Shared state added with `App::state`, if any.
    pub fn state<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.env.states.get(&TypeId::of::<T>()).cloned().and_then(|s| s.downcast::<T>().ok())
    }
}

/// Says whether a plugin is switched on in a conversation (the per-target plugin switches, kept in the store).
pub(crate) type TargetFilter = Arc<dyn Fn(&str, &Target) -> BoxFuture<'static, bool> + Send + Sync>;

/// Wraps an account's bot in the app's outbound layer.
pub(crate) type Outbound = Arc<dyn Fn(Arc<dyn Bot>) -> Arc<dyn Bot> + Send + Sync>;

/// What the scheduler gives every job.
pub(crate) struct JobEnv {
    pub(crate) accounts: Arc<Accounts>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tz: chrono_tz::Tz,
    pub(crate) states: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    pub(crate) outbound: Outbound,
    /// The plugin switches jobs of a plugin respect; `None`: every job may send everywhere.
    pub(crate) target_filter: Option<TargetFilter>,
    /// In a cluster, each firing runs in the one instance that takes its lease.
    #[cfg(feature = "redis")]
    pub(crate) cluster: Option<Arc<crate::cluster::Cluster>>,
}

/// Parses `[bot] timezone`.
pub(crate) fn timezone(name: &str) -> Result<chrono_tz::Tz> {
    name.parse::<chrono_tz::Tz>().map_err(|_| {
        Error::config(
            "[bot] timezone",
            format!("unknown time zone `{name}`: use an IANA name such as \"Asia/Shanghai\" or \"UTC\""),
        )
    })
}

/// How long the lease of one firing is kept: long enough for every instance's timer to have passed that firing,
/// whatever their clocks' skew and scheduling delays.
#[cfg(feature = "redis")]
const LEASE_HOLD: Duration = Duration::from_secs(120);

/// Starts one task per job; they end at shutdown.
pub(crate) fn start(jobs: Vec<Job>, env: Arc<JobEnv>, shutdown: watch::Receiver<bool>) {
    for job in jobs {
        let env = env.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let running = Arc::new(AtomicBool::new(false));
            // In a cluster every instance must agree on the firing times, so `every` counts from the Unix epoch
            // rather than from each process's start.
            #[cfg(feature = "redis")]
            let start_ms = if env.cluster.is_some() { 0 } else { env.clock.now_ms() };
            #[cfg(not(feature = "redis"))]
            let start_ms = env.clock.now_ms();
            // The first firing is the next one from now, even when periods count from the epoch: firings before
            // the process started are not owed.
            let mut after = env.clock.now_ms();
            let name: Arc<str> = Arc::from(job.name.as_str());
            let plugin: Option<Arc<str>> = job.plugin.as_deref().map(Arc::from);
            let mut skips = env.clock.skips();
            loop {
                let Some(due) = job.schedule.next_after(after, start_ms, env.tz) else {
                    tracing::info!(job = %name, "the job's schedule never fires again");
                    return;
                };
                let wait = Duration::from_millis(due.saturating_sub(env.clock.now_ms()));
                let skipped = async {
                    let moved = match skips.as_mut() {
                        Some(rx) => rx.changed().await.is_ok(),
                        None => false,
                    };
                    if !moved {
                        std::future::pending::<()>().await;
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    // The clock was moved forward (the console's `:wait`): look at the time again.
                    _ = skipped => continue,
                    _ = shutdown.wait_for(|stop| *stop) => return,
                }
                after = due;
                #[cfg(feature = "redis")]
                if let Some(cluster) = &env.cluster
                    && !cluster.lease_job(&name, due, LEASE_HOLD).await
                {
                    tracing::debug!(job = %name, "another instance of the cluster runs this firing");
                    continue;
                }
                if running.swap(true, Ordering::AcqRel) {
                    tracing::warn!(job = %name, "skipped a firing: the previous run is still going");
                    continue;
                }
                let ctx = JobCtx { name: name.clone(), plugin: plugin.clone(), fired_at_ms: due, env: env.clone() };
                let (handler, running, name) = (job.handler.clone(), running.clone(), name.clone());
                tokio::spawn(async move {
                    let outcome = match std::panic::catch_unwind(AssertUnwindSafe(|| handler(ctx))) {
                        Ok(fut) => AssertUnwindSafe(fut).catch_unwind().await,
                        Err(panic) => Err(panic),
                    };
                    match outcome {
                        Ok(Ok(())) => tracing::debug!(job = %name, "job ran"),
                        Ok(Err(e)) => tracing::warn!(job = %name, "job failed: {e}"),
                        Err(panic) => tracing::error!(job = %name, "job panicked: {}", panic_text(&panic)),
                    }
                    running.store(false, Ordering::Release);
                });
            }
        });
    }
}

fn panic_text(panic: &Box<dyn Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic payload)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_fires_in_the_time_zone() {
        let s = Schedule::cron("0 0 8 * * *").expect("valid");
        // 2026-01-01 00:00:00 UTC = 08:00 in Shanghai.
        let midnight_utc = 1_767_225_600_000;
        let shanghai = timezone("Asia/Shanghai").expect("known");
        assert_eq!(s.next_after(midnight_utc - 1, 0, shanghai), Some(midnight_utc));
        assert_eq!(s.next_after(midnight_utc, 0, shanghai), Some(midnight_utc + 86_400_000), "strictly after");
        let eight_utc = midnight_utc + 8 * 3_600_000;
        assert_eq!(s.next_after(midnight_utc - 1, 0, chrono_tz::UTC), Some(eight_utc));
        assert!(Schedule::cron("0 8 * * *").is_err(), "five fields");
        assert!(Schedule::cron("0 61 8 * * *").is_err());
        assert!(timezone("Mars/Olympus").is_err());
    }

    #[tokio::test]
    async fn a_job_of_a_switched_off_plugin_skips_that_conversation() {
        let filter: TargetFilter = Arc::new(|plugin: &str, target: &Target| {
            let on = !(plugin == "天气" && *target == Target::Group("off".into()));
            Box::pin(async move { on })
        });
        let env = Arc::new(JobEnv {
            accounts: Arc::default(),
            clock: Arc::new(crate::session::TokioClock::new()),
            tz: chrono_tz::UTC,
            states: HashMap::new(),
            outbound: Arc::new(|bot| bot),
            target_filter: Some(filter),
            #[cfg(feature = "redis")]
            cluster: None,
        });
        let ctx = |plugin: Option<&str>| JobCtx {
            name: "j".into(),
            plugin: plugin.map(Arc::from),
            fired_at_ms: 0,
            env: env.clone(),
        };
        let (off, on) = (Target::Group("off".into()), Target::Group("on".into()));
        assert!(!ctx(Some("天气")).enabled_in(&off).await);
        assert!(ctx(Some("天气")).enabled_in(&on).await);
        assert!(ctx(None).enabled_in(&off).await, "a job of no plugin sends everywhere");
        let refused = ctx(Some("天气")).send(&off, "x").await;
        assert!(matches!(refused, Err(Error::Refused { .. })), "{refused:?}");
        let no_account = ctx(Some("天气")).send(&on, "x").await;
        assert!(matches!(no_account, Err(Error::NoAccount)), "{no_account:?}");
    }

    #[test]
    fn every_counts_from_the_start_without_drift() {
        let s = Schedule::Every(Duration::from_secs(10));
        assert_eq!(s.next_after(1_000, 1_000, chrono_tz::UTC), Some(11_000));
        assert_eq!(s.next_after(11_000, 1_000, chrono_tz::UTC), Some(21_000));
        assert_eq!(s.next_after(25_500, 1_000, chrono_tz::UTC), Some(31_000), "a late wake-up keeps the grid");
    }
}
