//! The Redis store, against a real `redis-server` named by `QQBOT_TEST_REDIS_URL`
//! (`redis://127.0.0.1:6399/`). Without it these tests are ignored; run them with
//! `QQBOT_TEST_REDIS_URL=redis://127.0.0.1:6399/ cargo test -p qqbot-tests --test session_redis -- --include-ignored`.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use qqbot::api::Target;
use qqbot::prelude::*;
use qqbot::session::{ManualClock, RedisStore, SessionFilter, SessionId, SessionOptions, SessionRef};
use qqbot::testing::{GROUP_ID, TestClient};

const WORKER_ENV: &str = "QQBOT_SESSION_REDIS_WORKER";
const PER_PROCESS: usize = 1000;
const T0: u64 = 1_700_000_000_000;

fn redis_url() -> String {
    std::env::var("QQBOT_TEST_REDIS_URL")
        .expect("set QQBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/ (a running redis-server) to run the Redis tests")
}

fn unique_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("qqbot-test.{}.{nanos}.{name}", std::process::id())
}

fn manager(prefix: &str, clock: Arc<ManualClock>) -> SessionManager {
    SessionManager::builder(RedisStore::new(&redis_url(), prefix).unwrap()).clock(clock).build()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn redis_life_cycle() {
    let prefix = unique_prefix("life");
    let clock = Arc::new(ManualClock::new(T0));
    let m = manager(&prefix, clock.clone());
    let id = |k: &str| SessionId::new(Scope::USER, "u:1*", k);

    // ACTIVE → (timeout) → INACTIVE → (inactive_gc_timeout) → gone.
    let opts = SessionOptions::new().timeout(secs(60)).inactive_gc_timeout(Some(secs(30)));
    m.start(&id("a"), opts, None).await.unwrap();
    clock.advance(secs(59));
    assert_eq!(m.collect().await.unwrap().timed_out, 0);
    m.get(&id("a")).await.unwrap();
    clock.advance(secs(59));
    assert_eq!(m.collect().await.unwrap().timed_out, 0, "the get refreshed the timeout");
    clock.advance(secs(2));
    assert_eq!(m.collect().await.unwrap().timed_out, 1);
    assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::INACTIVE));
    clock.advance(secs(31));
    assert_eq!(m.get_status(&id("a")).await.unwrap(), None);

    // HANGING ignores the timeout; the next operation makes it ACTIVE.
    m.start(&id("h"), SessionOptions::new().timeout(secs(10)), None).await.unwrap();
    m.set_status(&id("h"), SessionStatus::HANGING).await.unwrap();
    clock.advance(secs(100));
    assert_eq!(m.collect().await.unwrap().timed_out, 0);
    assert_eq!(m.get(&id("h")).await.unwrap().unwrap().status, SessionStatus::ACTIVE);
    clock.advance(secs(11));
    assert_eq!(m.collect().await.unwrap().timed_out, 1);
    // A zero inactive_gc_timeout: Redis drops the key itself.
    assert_eq!(m.store().load(&id("h")).await.unwrap(), None);

    // end(), update merging, replace refusal, typed fields.
    m.start(&id("e"), SessionOptions::new().inactive_gc_timeout(None), None).await.unwrap();
    assert_eq!(m.end(&id("e")).await.unwrap().status, SessionStatus::INACTIVE);
    clock.advance(secs(10_000));
    assert_eq!(m.get_status(&id("e")).await.unwrap(), Some(SessionStatus::INACTIVE));
    assert!(m.start(&id("e"), SessionOptions::new().replace(false), None).await.is_err());
    let r = SessionRef::new(&m, SessionId::new(Scope::GROUP, "g", "t"));
    r.set("name", "群").await.unwrap();
    r.update(serde_json::json!({"x": [1, 2]})).await.unwrap();
    assert_eq!(r.get::<String>("name").await.unwrap().as_deref(), Some("群"));
    assert_eq!(r.get::<Vec<u8>>("x").await.unwrap(), Some(vec![1, 2]));
    assert_eq!(r.increment("n", 5).await.unwrap(), 5);

    // get_all and remove by parts (identify and key with `:` and `*` stay exact). Ended sessions the manual
    // clock has moved past are still in Redis until their real TTL: clear them first.
    m.remove(&SessionFilter::all()).await.unwrap();
    m.start(&id("e"), SessionOptions::new(), None).await.unwrap();
    m.start(&SessionId::global("g1"), SessionOptions::new(), None).await.unwrap();
    m.start(&SessionId::new(Scope::USER, "u", "k"), SessionOptions::new(), None).await.unwrap();
    let all: Vec<SessionId> = m.get_all().await.unwrap().iter().map(|o| o.id()).collect();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(m.remove(&SessionFilter::all().scope(Scope::USER).identify("u")).await.unwrap(), 1);
    assert_eq!(m.remove(&SessionFilter::all().scope(Scope::USER).identify("u:1*").key("e")).await.unwrap(), 1);
    assert_eq!(m.remove(&SessionFilter::all()).await.unwrap(), 1);
    assert!(m.get_all().await.unwrap().is_empty());
}

#[tokio::test]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn redis_timeout_reply_is_sent_by_the_process_serving_the_account() {
    let prefix = unique_prefix("reply");
    let clock = Arc::new(ManualClock::new(T0));
    let m = manager(&prefix, clock.clone());
    let app =
        App::empty().state(m.clone()).command(BotCommand::new("game").word("/game").handler(|ctx: Ctx| async move {
            ctx.session()?.group("game").start().timeout(secs(30)).timeout_reply("超时了").await?;
            Ok::<_, Error>("开始")
        }));
    let client = TestClient::new(app).unwrap();
    client.send("/game").await;
    // Another process with no bot for this account leaves the timeout to this one.
    let other = manager(&prefix, clock.clone());
    clock.advance(secs(31));
    assert_eq!(other.collect().await.unwrap().deferred, 1);
    let report = m.collect().await.unwrap();
    assert_eq!((report.timed_out, report.replies_sent), (1, 1));
    let last = client.bot().sent().last().cloned().unwrap();
    assert_eq!((last.message.to_string(), last.target), ("超时了".to_owned(), Target::Group(GROUP_ID.into())));
    m.remove(&SessionFilter::all()).await.unwrap();
}

/// Two processes (this test binary, re-run as a worker) update one GROUP session concurrently.
#[test]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
fn redis_two_processes_update_one_group_session_exactly() {
    if let Ok(prefix) = std::env::var(WORKER_ENV) {
        return worker(&prefix);
    }
    let url = redis_url();
    let prefix = unique_prefix("two");
    let exe = std::env::current_exe().unwrap();
    let spawn = || {
        Command::new(&exe)
            .args([
                "redis_two_processes_update_one_group_session_exactly",
                "--exact",
                "--include-ignored",
                "--nocapture",
            ])
            .env(WORKER_ENV, &prefix)
            .env("QQBOT_TEST_REDIS_URL", &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = [spawn(), spawn()];
    let deadline = Instant::now() + Duration::from_secs(90);
    for mut child in children {
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let out = child.wait_with_output().unwrap();
                assert!(
                    status.success(),
                    "worker failed:\n{}\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("a worker did not finish within 90 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let m = SessionManager::redis(&url, &prefix).unwrap();
        let r = SessionRef::new(&m, SessionId::new(Scope::GROUP, GROUP_ID, "counter"));
        assert_eq!(r.get::<u64>("n").await.unwrap(), Some(2 * PER_PROCESS as u64));
        m.remove(&SessionFilter::all()).await.unwrap();
    });
}

/// One worker process: an App on the shared Redis store whose `/inc` command adds one to the group's counter.
fn worker(prefix: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let toml = format!("[session]\nbackend = \"redis\"\nurl = {:?}\nprefix = {prefix:?}\n", redis_url());
        let app = App::empty()
            .with_config(qqbot::config::Config::from_toml(&toml).unwrap())
            .unwrap()
            .command(BotCommand::new("inc").word("/inc").handler(|ctx: Ctx| async move {
                let n = ctx.session()?.group("counter").update_with::<u64, _>("n", |n| n.unwrap_or(0) + 1).await?;
                Ok::<_, Error>(n.to_string())
            }))
            .command(BotCommand::new("ready").word("/ready").handler(|ctx: Ctx| async move {
                Ok::<_, Error>(ctx.session()?.global("ready").increment("n", 1).await?.to_string())
            }))
            .command(BotCommand::new("peek").word("/peek").handler(|ctx: Ctx| async move {
                Ok::<_, Error>(ctx.session()?.global("ready").get_or::<i64>("n", 0).await?.to_string())
            }));
        let client = Arc::new(TestClient::new(app).unwrap());
        // Start together: wait until both workers have checked in.
        client.send("/ready").await;
        let start = Instant::now();
        while client.send("/peek").await.texts() != vec!["2"] {
            assert!(start.elapsed() < Duration::from_secs(30), "the other worker never started");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        client.idle().await;
        let before = client.bot().sent().len();
        let mut tasks = tokio::task::JoinSet::new();
        for lane in 0..8 {
            let client = client.clone();
            tasks.spawn(async move {
                for i in (lane..PER_PROCESS).step_by(8) {
                    client.group_member(GROUP_ID, &format!("user{i}")).send("/inc").await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        client.idle().await;
        let sent = client.bot().sent();
        let mut counts: Vec<u64> = sent[before..]
            .iter()
            .map(|s| s.message.to_string())
            .map(|t| t.parse::<u64>().unwrap_or_else(|_| panic!("not a count: {t}")))
            .collect();
        assert_eq!(counts.len(), PER_PROCESS);
        counts.sort_unstable();
        counts.dedup();
        assert_eq!(counts.len(), PER_PROCESS, "every update saw a distinct count");
    });
}
