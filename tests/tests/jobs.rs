//! Scheduled jobs on tokio's paused clock: a cron job fires at the right virtual time in the configured time zone,
//! an interval job every period; a job never overlaps itself, survives a panicking or failing run, and sends
//! proactively through the connected account (the test kit's recording bot).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use qqbot::prelude::*;
use qqbot::session::TokioClock;
use qqbot::testing::TestClient;

/// 2026-01-01 00:00:00 UTC, which is 08:00 in Shanghai.
const EIGHT_AM_SHANGHAI: u64 = 1_767_225_600_000;

/// 早安
#[job(cron = "0 0 8 * * *")]
async fn good_morning(ctx: JobCtx) -> qqbot::Result<()> {
    ctx.send(&Target::Group("100".into()), "早上好").await?;
    Ok(())
}

fn client(app: App, start_ms: u64) -> TestClient {
    TestClient::new(app.clock(Arc::new(TokioClock::starting_at(start_ms)))).expect("app builds")
}

fn texts(c: &TestClient) -> Vec<(String, String)> {
    c.bot().sent().into_iter().map(|s| (s.target.to_string(), s.message.plain_text())).collect()
}

#[tokio::test(start_paused = true)]
async fn a_cron_job_fires_at_eight_in_shanghai_each_day() {
    let c = client(App::empty().job(good_morning::job()), EIGHT_AM_SHANGHAI - 10_000);
    tokio::time::sleep(Duration::from_secs(9)).await;
    assert!(texts(&c).is_empty(), "not yet 08:00");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(texts(&c), vec![("group:100".to_owned(), "早上好".to_owned())]);
    tokio::time::sleep(Duration::from_secs(86_400 - 2)).await;
    assert_eq!(texts(&c).len(), 1, "not before the next day's 08:00");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(texts(&c).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_time_zone_comes_from_the_config() {
    let config = qqbot::config::Config::from_toml("[bot]\ntimezone = \"UTC\"").expect("valid");
    let app = App::empty().with_config(config).expect("no adapters").job(good_morning::job());
    // 00:00 UTC is 08:00 in Shanghai, but this bot runs on UTC: nothing until 08:00 UTC.
    let c = client(app, EIGHT_AM_SHANGHAI - 1_000);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(texts(&c).is_empty());
    tokio::time::sleep(Duration::from_secs(8 * 3_600)).await;
    assert_eq!(texts(&c).len(), 1);
}

#[tokio::test]
async fn an_unknown_time_zone_stops_the_app() {
    let config = qqbot::config::Config::from_toml("[bot]\ntimezone = \"Mars/Olympus\"").expect("valid toml");
    let err = TestClient::new(App::empty().with_config(config).expect("no adapters")).expect_err("refused");
    assert!(err.to_string().contains("Mars/Olympus"), "{err}");
}

static TICKS: AtomicUsize = AtomicUsize::new(0);

#[job(every = "10m", name = "ticker")]
async fn tick(ctx: JobCtx) {
    TICKS.fetch_add(1, Ordering::SeqCst);
    assert_eq!(ctx.job(), "ticker");
    let _ = ctx.send(&Target::Private("42".into()), format!("tick {}", TICKS.load(Ordering::SeqCst))).await;
}

#[tokio::test(start_paused = true)]
async fn an_interval_job_fires_every_period() {
    let c = client(App::empty().job(tick::job()), EIGHT_AM_SHANGHAI);
    tokio::time::sleep(Duration::from_secs(599)).await;
    assert!(texts(&c).is_empty(), "the first run is one period after the start");
    tokio::time::sleep(Duration::from_secs(1_800)).await;
    let sent: Vec<String> = texts(&c).into_iter().map(|(_, t)| t).collect();
    assert_eq!(sent, vec!["tick 1", "tick 2", "tick 3"], "at 10, 20 and 30 minutes");
}

#[tokio::test(start_paused = true)]
async fn a_job_never_overlaps_itself() {
    let runs = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicUsize::new(0));
    let (r, busy) = (runs.clone(), running.clone());
    // Fires every second, works for 2.5 s: the firings at 2 s and 3 s fall inside the first run and are skipped.
    let slow = Job::every("slow", Duration::from_secs(1)).handler(move |_ctx: JobCtx| {
        let (r, busy) = (r.clone(), busy.clone());
        async move {
            assert_eq!(busy.fetch_add(1, Ordering::SeqCst), 0, "two runs at once");
            r.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(2_500)).await;
            busy.fetch_sub(1, Ordering::SeqCst);
        }
    });
    let _c = client(App::empty().job(slow), EIGHT_AM_SHANGHAI);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the firings at 2 s and 3 s were skipped");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the firing at 4 s ran: the first run ended at 3.5 s");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_or_failing_run_does_not_stop_the_job() {
    let runs = Arc::new(AtomicUsize::new(0));
    let r = runs.clone();
    let flaky = Job::every("flaky", Duration::from_secs(60)).handler(move |ctx: JobCtx| {
        let n = r.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            match n {
                1 => panic!("first run panics"),
                2 => Err("second run fails".to_owned()),
                _ => {
                    ctx.send(&Target::Group("7".into()), format!("run {n}")).await.map(drop).map_err(|e| e.to_string())
                }
            }
        }
    });
    let c = client(App::empty().job(flaky), EIGHT_AM_SHANGHAI);
    tokio::time::sleep(Duration::from_secs(181)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 3);
    assert_eq!(texts(&c), vec![("group:7".to_owned(), "run 3".to_owned())]);
}

#[tokio::test(start_paused = true)]
async fn jobs_see_the_connected_accounts_and_app_state() {
    struct Greeting(&'static str);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    let job = Job::every("hello", Duration::from_secs(1)).handler(move |ctx: JobCtx| {
        let s = s.clone();
        async move {
            let ids: Vec<String> = ctx.bots().iter().map(|b| b.self_id().to_owned()).collect();
            let greeting = ctx.state::<Greeting>().map(|g| g.0).unwrap_or("?");
            s.lock().expect("not poisoned").push((ids, greeting));
        }
    });
    let c = client(App::empty().state(Greeting("hi")).job(job), EIGHT_AM_SHANGHAI);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let seen = seen.lock().expect("not poisoned").clone();
    assert_eq!(seen, vec![(vec![qqbot::testing::BOT_ID.to_owned()], "hi")]);
    drop(c);
}

#[test]
fn a_bad_cron_expression_built_by_hand_is_an_error() {
    let err = Job::cron("x", "0 0 25 * * *").expect_err("hour 25");
    assert!(err.to_string().contains("0 0 25 * * *"), "{err}");
}

// ---- the console sandbox's `:wait` -----------------------------------------------------------------------

/// 签到
#[command("签到", cooldown = "30s")]
async fn sign_in() -> &'static str {
    "签到成功"
}

#[job(every = "10m", name = "reminder")]
async fn reminder(ctx: JobCtx) -> qqbot::Result<()> {
    ctx.send(&Target::Group("20000".into()), "该喝水了").await.map(drop)
}

#[tokio::test]
async fn the_console_wait_fast_forwards_cooldowns_and_jobs() {
    use qqbot::adapter::console::{ConsoleAdapter, ConsoleConfig, ConsoleOutput};
    let buffer = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let output: ConsoleOutput = buffer.clone();
    let script = "签到\n签到\n:wait 30s\n签到\n:wait 10m\n:wait 5s\n";
    let console = ConsoleAdapter::new(ConsoleConfig::default())
        .with_io(std::io::Cursor::new(script.as_bytes().to_vec()), output)
        .interactive(false);
    // Sessions (and the limits kept with them) in memory: the test leaves no files behind.
    let app = App::empty()
        .state(qqbot::session::SessionManager::memory())
        .command(sign_in::command())
        .job(reminder::job())
        .adapter(console);
    tokio::time::timeout(Duration::from_secs(10), app.run()).await.expect("exits at end of input").expect("runs");
    let out = String::from_utf8(buffer.lock().expect("not poisoned").clone()).expect("utf-8");
    assert_eq!(out, "签到成功\n冷却中，请 30 秒后再试\n签到成功\n该喝水了\n", "{out}");
}

// ---- plugin switches -------------------------------------------------------------------------------------

/// 天气播报
#[job(every = "1h", plugin = "天气")]
async fn weather_report(ctx: JobCtx) -> qqbot::Result<()> {
    for group in ["20000", "20001"] {
        let target = Target::Group(group.into());
        if ctx.enabled_in(&target).await {
            ctx.send(&target, "今天晴").await?;
        }
    }
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_plugin_job_skips_a_group_where_the_plugin_is_switched_off() {
    let c = client(App::empty().superuser(qqbot::testing::USER_ID).job(weather_report::job()), EIGHT_AM_SHANGHAI);
    // Switched off in 20001 by its admin (a superuser here), through the built-in command.
    let reply = c.group_member("20001", qqbot::testing::USER_ID).send("/插件 关闭 天气").await.texts();
    assert_eq!(reply.len(), 1, "{reply:?}");
    tokio::time::sleep(Duration::from_secs(3_601)).await;
    let sent: Vec<(String, String)> = texts(&c).into_iter().filter(|(_, t)| t == "今天晴").collect();
    assert_eq!(sent, vec![("group:20000".to_owned(), "今天晴".to_owned())], "only where the plugin is on");
}
