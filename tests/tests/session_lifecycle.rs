//! The session life cycle (as in qg_botsdk), step by step with a manual clock, on the memory and SQLite stores.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use qqbot::api::Target;
use qqbot::prelude::*;
use qqbot::session::{ManualClock, MemoryStore, SessionError, SessionFilter, SessionId, SessionManager, SqliteStore};
use qqbot::testing::{GROUP_ID, TestClient, USER_ID};
use serde_json::json;

const T0: u64 = 1_700_000_000_000;

fn temp_db(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "qqbot-session-lifecycle-{}-{}-{}",
        std::process::id(),
        name,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("sessions.db")
}

/// One manager per store kind, sharing a manual clock.
fn managers(name: &str) -> Vec<(&'static str, SessionManager, Arc<ManualClock>)> {
    let make = |store: Box<dyn FnOnce(Arc<ManualClock>) -> SessionManager>| {
        let clock = Arc::new(ManualClock::new(T0));
        (store(clock.clone()), clock)
    };
    let (memory, c1) = make(Box::new(|c| SessionManager::builder(MemoryStore::new()).clock(c).build()));
    let path = temp_db(name);
    let (sqlite, c2) = make(Box::new(move |c| SessionManager::builder(SqliteStore::new(path)).clock(c).build()));
    vec![("memory", memory, c1), ("sqlite", sqlite, c2)]
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn id(key: &str) -> SessionId {
    SessionId::new(Scope::USER, "u1", key)
}

async fn start(m: &SessionManager, key: &str, timeout: Option<u64>, gc: Option<u64>) {
    let mut options = qqbot::session::SessionOptions::new().inactive_gc_timeout(gc.map(secs));
    if let Some(t) = timeout {
        options = options.timeout(secs(t));
    }
    m.start(&id(key), options, None).await.unwrap();
}

#[tokio::test]
async fn active_times_out_after_no_operation_then_is_collected() {
    for (store, m, clock) in managers("timeout") {
        start(&m, "a", Some(60), Some(30)).await;
        clock.advance(secs(59));
        assert_eq!(m.collect().await.unwrap().timed_out, 0, "{store}");
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::ACTIVE), "{store}");
        clock.advance(secs(2));
        assert_eq!(m.collect().await.unwrap().timed_out, 1, "{store}");
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::INACTIVE), "{store}");
        // INACTIVE for less than its inactive_gc_timeout: still there; after it: gone.
        clock.advance(secs(29));
        assert_eq!(m.collect().await.unwrap().removed, 0, "{store}");
        assert!(m.get_status(&id("a")).await.unwrap().is_some(), "{store}");
        clock.advance(secs(2));
        assert_eq!(m.collect().await.unwrap().removed, 1, "{store}");
        assert_eq!(m.get_status(&id("a")).await.unwrap(), None, "{store}");
        assert!(m.get_all().await.unwrap().is_empty(), "{store}");
    }
}

#[tokio::test]
async fn an_operation_restarts_the_timeout() {
    for (store, m, clock) in managers("touch") {
        start(&m, "a", Some(60), Some(0)).await;
        clock.advance(secs(50));
        assert!(m.get(&id("a")).await.unwrap().is_some(), "{store}");
        clock.advance(secs(50));
        m.collect().await.unwrap();
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::ACTIVE), "{store}: get refreshed it");
        m.update(&id("a"), json!({"x": 1}).as_object().unwrap().clone(), false).await.unwrap();
        clock.advance(secs(59));
        m.collect().await.unwrap();
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::ACTIVE), "{store}: update refreshed it");
        // get_status is not an operation.
        clock.advance(secs(2));
        let report = m.collect().await.unwrap();
        assert_eq!((report.timed_out, report.removed), (1, 0), "{store}");
        // A zero inactive_gc_timeout: gone at once.
        assert_eq!(m.get_status(&id("a")).await.unwrap(), None, "{store}");
    }
}

#[tokio::test]
async fn no_timeout_means_never_inactive() {
    for (store, m, clock) in managers("forever") {
        start(&m, "a", None, Some(0)).await;
        clock.advance(Duration::from_secs(10 * 365 * 24 * 3600));
        assert_eq!(m.collect().await.unwrap(), Default::default(), "{store}");
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::ACTIVE), "{store}");
    }
}

#[tokio::test]
async fn end_makes_inactive_and_gc_timeout_decides_removal() {
    for (store, m, clock) in managers("end") {
        // Its own inactive_gc_timeout (10 s).
        start(&m, "kept10", None, Some(10)).await;
        let ended = m.end(&id("kept10")).await.unwrap();
        assert_eq!(ended.status, SessionStatus::INACTIVE, "{store}");
        // end_after overrides it; None keeps the ended session until removed.
        start(&m, "forever", None, Some(0)).await;
        m.end_after(&id("forever"), None).await.unwrap();
        // Zero: removed at once.
        start(&m, "gone", Some(5), Some(0)).await;
        m.end(&id("gone")).await.unwrap();
        assert_eq!(m.get_status(&id("gone")).await.unwrap(), None, "{store}");

        clock.advance(secs(11));
        let report = m.collect().await.unwrap();
        assert_eq!((report.timed_out, report.removed), (0, 1), "{store}: an ended session does not time out again");
        assert_eq!(m.get_status(&id("kept10")).await.unwrap(), None, "{store}");
        clock.advance(Duration::from_secs(1000 * 24 * 3600));
        m.collect().await.unwrap();
        assert_eq!(m.get_status(&id("forever")).await.unwrap(), Some(SessionStatus::INACTIVE), "{store}");
        // End on a missing session is an error that says what to do.
        let err = m.end(&id("missing")).await.unwrap_err();
        assert!(matches!(err, Error::Session(SessionError::NotFound { .. })), "{store}: {err}");
    }
}

#[tokio::test]
async fn an_operation_on_an_inactive_session_makes_it_active_again() {
    for (store, m, clock) in managers("revive") {
        start(&m, "a", Some(60), Some(300)).await;
        clock.advance(secs(61));
        m.collect().await.unwrap();
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::INACTIVE), "{store}");
        let obj = m.get(&id("a")).await.unwrap().unwrap();
        assert_eq!(obj.status, SessionStatus::ACTIVE, "{store}");
        // And its timeout runs again from that operation.
        clock.advance(secs(61));
        assert_eq!(m.collect().await.unwrap().timed_out, 1, "{store}");
    }
}

#[tokio::test]
async fn hanging_ignores_the_timeout_until_the_next_operation() {
    for (store, m, clock) in managers("hanging") {
        start(&m, "a", Some(60), Some(0)).await;
        m.set_status(&id("a"), SessionStatus::HANGING).await.unwrap();
        clock.advance(secs(3600));
        assert_eq!(m.collect().await.unwrap().timed_out, 0, "{store}");
        assert_eq!(m.get_status(&id("a")).await.unwrap(), Some(SessionStatus::HANGING), "{store}");
        // The next operation: ACTIVE, with the timeout counted from now.
        let obj = m.get(&id("a")).await.unwrap().unwrap();
        assert_eq!(obj.status, SessionStatus::ACTIVE, "{store}");
        clock.advance(secs(59));
        assert_eq!(m.collect().await.unwrap().timed_out, 0, "{store}");
        clock.advance(secs(2));
        assert_eq!(m.collect().await.unwrap().timed_out, 1, "{store}");
        // set_status(INACTIVE) ends a session.
        start(&m, "b", None, None).await;
        m.set_status(&id("b"), SessionStatus::INACTIVE).await.unwrap();
        assert_eq!(m.get_status(&id("b")).await.unwrap(), Some(SessionStatus::INACTIVE), "{store}");
        let err = m.set_status(&id("missing"), SessionStatus::HANGING).await.unwrap_err();
        assert!(matches!(err, Error::Session(SessionError::NotFound { .. })), "{store}");
    }
}

#[tokio::test]
async fn new_replaces_or_refuses_and_update_merges() {
    for (store, m, _clock) in managers("new") {
        let data = json!({"a": 1, "b": 2});
        let opts = || qqbot::session::SessionOptions::new().data(&data).unwrap();
        m.start(&id("k"), opts(), None).await.unwrap();
        let err = m.start(&id("k"), opts().replace(false), None).await.unwrap_err();
        assert!(matches!(err, Error::Session(SessionError::Exists { .. })), "{store}: {err}");
        assert!(err.to_string().contains("replace(true)"), "{err}");
        let merged = m.update(&id("k"), json!({"b": 20, "c": 30}).as_object().unwrap().clone(), false).await.unwrap();
        assert_eq!(serde_json::Value::Object(merged.data), json!({"a": 1, "b": 20, "c": 30}), "{store}");
        // Replacing starts afresh.
        m.start(&id("k"), qqbot::session::SessionOptions::new(), None).await.unwrap();
        assert!(m.get(&id("k")).await.unwrap().unwrap().data.is_empty(), "{store}");
        let err = m.update(&id("nope"), Default::default(), false).await.unwrap_err();
        assert!(matches!(err, Error::Session(SessionError::NotFound { .. })), "{store}");
        // get with a default.
        let default = m.get(&id("k")).await.unwrap().unwrap();
        assert_eq!(m.get_or(&id("nope"), default.clone()).await.unwrap(), default);
    }
}

#[tokio::test]
async fn remove_by_scope_identify_and_key() {
    for (store, m, _clock) in managers("remove") {
        let ids = [
            SessionId::new(Scope::USER, "u1", "a"),
            SessionId::new(Scope::USER, "u1", "b"),
            SessionId::new(Scope::USER, "u2", "a"),
            SessionId::new(Scope::GROUP, "g1", "a"),
            SessionId::global("a"),
        ];
        for i in &ids {
            m.start(i, Default::default(), None).await.unwrap();
        }
        assert_eq!(m.get_all().await.unwrap().len(), 5, "{store}");
        assert_eq!(m.remove(&SessionFilter::all().scope(Scope::USER).identify("u1").key("a")).await.unwrap(), 1);
        assert_eq!(m.remove(&SessionFilter::all().scope(Scope::USER).identify("u1")).await.unwrap(), 1);
        assert_eq!(m.remove(&SessionFilter::all().key("a").scope(Scope::GROUP)).await.unwrap(), 1);
        let left: Vec<SessionId> = m.get_all().await.unwrap().iter().map(|o| o.id()).collect();
        assert_eq!(left, vec![SessionId::new(Scope::USER, "u2", "a"), SessionId::global("a")], "{store}");
        let global = m.get(&SessionId::global("a")).await.unwrap().unwrap();
        assert_eq!(global.identify, None, "{store}");
        assert_eq!(m.remove(&SessionFilter::all()).await.unwrap(), 2, "{store}");
        assert!(m.get_all().await.unwrap().is_empty(), "{store}");
    }
}

#[tokio::test]
async fn typed_fields_and_atomic_updates() {
    for (store, m, _clock) in managers("typed") {
        let r = qqbot::session::SessionRef::new(&m, id("t"));
        // Field writes start a plain session.
        r.set("name", "小明").await.unwrap();
        r.set("scores", vec![1u32, 2, 3]).await.unwrap();
        assert_eq!(r.get::<String>("name").await.unwrap().as_deref(), Some("小明"), "{store}");
        assert_eq!(r.get::<Vec<u32>>("scores").await.unwrap(), Some(vec![1, 2, 3]), "{store}");
        assert_eq!(r.get::<u32>("missing").await.unwrap(), None, "{store}");
        assert_eq!(r.get_or::<u32>("missing", 7).await.unwrap(), 7, "{store}");
        let err = r.get::<u32>("name").await.unwrap_err();
        assert!(err.to_string().contains("`name`"), "{store}: {err}");
        assert_eq!(r.increment("n", 2).await.unwrap(), 2);
        assert_eq!(r.increment("n", 3).await.unwrap(), 5);
        let doubled =
            r.update_with::<Vec<u32>, _>("scores", |v| v.unwrap_or_default().into_iter().map(|x| x * 2).collect());
        assert_eq!(doubled.await.unwrap(), vec![2, 4, 6], "{store}");
        // A failed typed update writes nothing.
        assert!(r.update_with::<u32, _>("name", |n| n.unwrap_or(0)).await.is_err());
        assert_eq!(r.get::<String>("name").await.unwrap().as_deref(), Some("小明"), "{store}");
        let obj = r.load().await.unwrap().unwrap();
        assert_eq!(obj.get::<i64>("n").unwrap(), Some(5));
        assert!(r.remove().await.unwrap());
        assert!(!r.exists().await.unwrap());
    }
}

#[tokio::test]
async fn many_concurrent_increments_lose_nothing() {
    for (store, m, _clock) in managers("concurrent") {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let m = m.clone();
            tasks.spawn(async move {
                let r = qqbot::session::SessionRef::new(&m, SessionId::new(Scope::GROUP, "g", "count"));
                for _ in 0..20 {
                    r.increment("n", 1).await.unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let r = qqbot::session::SessionRef::new(&m, SessionId::new(Scope::GROUP, "g", "count"));
        assert_eq!(r.get::<i64>("n").await.unwrap(), Some(1000), "{store}");
    }
}

/// Starts a game with a timeout reply from a handler; the identify comes from the event.
fn game_app(m: &SessionManager) -> App {
    App::empty()
        .state(m.clone())
        .command(BotCommand::new("start").word("/start").handler(|ctx: Ctx| async move {
            let session = ctx.session()?;
            session
                .user("game")
                .start()
                .data(json!({"answer": 42}))
                .timeout(Duration::from_secs(60))
                .timeout_reply("时间到，游戏结束")
                .await?;
            Ok::<_, qqbot::Error>("开始")
        }))
        .command(BotCommand::new("peek").word("/peek").handler(|ctx: Ctx| async move {
            let s = ctx.session()?;
            let answer: Option<u32> = s.user("game").get("answer").await?;
            Ok::<_, qqbot::Error>(format!("{answer:?}"))
        }))
        .command(BotCommand::new("group").word("/group").handler(|ctx: Ctx| async move {
            let n = ctx.session()?.group("stats").increment("n", 1).await?;
            Ok::<_, qqbot::Error>(format!("{n}"))
        }))
}

#[tokio::test]
async fn timeout_reply_goes_where_the_session_began_as_a_passive_reply() {
    for (store, m, clock) in managers("reply") {
        let client = TestClient::new(game_app(&m)).unwrap();
        let alice = client.group_member(GROUP_ID, "alice");
        let event = alice.event("/start");
        let started_id = event.message_id.clone();
        assert_eq!(client.send_event(Event::Message(event)).await.texts(), vec!["开始"]);
        assert_eq!(client.send("/peek").await.texts(), vec!["None"], "{store}: another user has no game");
        assert_eq!(alice.send("/peek").await.texts(), vec!["Some(42)"], "{store}");
        let ids: Vec<SessionId> = m.get_all().await.unwrap().iter().map(|o| o.id()).collect();
        assert_eq!(ids, vec![SessionId::new(Scope::USER, "alice", "game")], "{store}");

        client.bot().clear();
        clock.advance(secs(61));
        let report = m.collect().await.unwrap();
        assert_eq!((report.timed_out, report.replies_sent), (1, 1), "{store}");
        let sent = client.bot().sent();
        assert_eq!(sent.len(), 1, "{store}");
        assert_eq!(sent[0].message.to_string(), "时间到，游戏结束");
        assert_eq!(sent[0].target, Target::Group(GROUP_ID.into()));
        assert_eq!(sent[0].in_reply_to.as_deref(), Some(started_id.as_str()), "{store}: a passive reply");
        // Exactly once.
        clock.advance(secs(61));
        m.collect().await.unwrap();
        assert_eq!(client.bot().sent().len(), 1, "{store}");
    }
}

#[tokio::test]
async fn late_timeout_reply_is_sent_proactively() {
    for (store, m, clock) in managers("late") {
        let app = game_app(&m).command(BotCommand::new("long").word("/long").handler(|ctx: Ctx| async move {
            ctx.session()?.user("game").start().timeout(Duration::from_secs(600)).timeout_reply("超时").await?;
            Ok::<_, qqbot::Error>("")
        }));
        let client = TestClient::new(app).unwrap();
        client.private("bob").send("/long").await;
        clock.advance(secs(601));
        assert_eq!(m.collect().await.unwrap().replies_sent, 1, "{store}");
        let sent = client.bot().sent();
        let last = sent.last().unwrap();
        assert_eq!(last.target, Target::Private("bob".into()), "{store}");
        assert_eq!(last.in_reply_to, None, "{store}: past the passive-reply window, a proactive message");
    }
}

#[tokio::test]
async fn identify_comes_from_the_event_and_missing_ids_are_clear_errors() {
    let m = SessionManager::memory();
    let client = TestClient::new(game_app(&m)).unwrap();
    assert_eq!(client.group_member("g1", "u1").send("/group").await.texts(), vec!["1"]);
    assert_eq!(client.group_member("g1", "u2").send("/group").await.texts(), vec!["2"]);
    assert_eq!(client.group_member("g2", "u1").send("/group").await.texts(), vec!["1"]);
    // A GROUP session in a private chat: the handler fails with `Error::Missing` (logged, naming the group id);
    // the user reads a translated text, not the English error.
    let reply = client.private(USER_ID).send("/group").await.texts();
    assert_eq!(reply, vec![qqbot::i18n::Text::NotAvailableHere.render(qqbot::i18n::Lang::ZhCn)]);
}

#[tokio::test]
async fn the_app_has_a_default_sqlite_manager_under_the_data_folder() {
    let db = temp_db("default");
    let dir = db.parent().unwrap().to_owned();
    let config =
        // An empty `[session]` table means the defaults an `App` uses; without it the test kit keeps sessions in memory.
        qqbot::config::Config::from_toml(&format!("[bot]\ndata_dir = {:?}\n[session]\n", dir.display().to_string()))
            .unwrap();
    let app = App::empty().with_config(config).unwrap().command(BotCommand::new("n").word("/n").handler(
        |ctx: Ctx| async move { Ok::<_, qqbot::Error>(ctx.session()?.user("n").increment("n", 1).await?.to_string()) },
    ));
    let client = TestClient::new(app).unwrap();
    assert!(!db.exists(), "the file is created on first use, not before");
    assert_eq!(client.send("/n").await.texts(), vec!["1"]);
    assert!(db.exists(), "sessions.db under data_dir");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn config_chooses_the_store_and_rejects_mistakes() {
    let memory = qqbot::config::Config::from_toml("[session]\nbackend = \"memory\"").unwrap();
    assert_eq!(SessionManager::from_config(&memory).unwrap().store().backend(), "memory");
    let redis = qqbot::config::Config::from_toml("[session]\nbackend = \"redis\"").unwrap();
    let err = SessionManager::from_config(&redis).unwrap_err().to_string();
    assert!(err.contains("url"), "{err}");
    let typo = qqbot::config::Config::from_toml("[session]\nbackend = \"sqlite\"\npaht = \"x\"").unwrap();
    let err = SessionManager::from_config(&typo).unwrap_err().to_string();
    assert!(err.contains("paht"), "{err}");
    let bad = qqbot::config::Config::from_toml("[session]\nbackend = \"mongo\"").unwrap();
    assert!(SessionManager::from_config(&bad).is_err());
}

/// A clock that follows Tokio's (paused) time, so the background collector can be driven without sleeping.
struct TokioClock(tokio::time::Instant);

impl qqbot::session::Clock for TokioClock {
    fn now_ms(&self) -> u64 {
        T0 + self.0.elapsed().as_millis() as u64
    }
}

#[tokio::test(start_paused = true)]
async fn the_background_collector_times_sessions_out_by_itself() {
    let m = SessionManager::builder(MemoryStore::new())
        .clock(Arc::new(TokioClock(tokio::time::Instant::now())))
        .gc_interval(Duration::from_millis(500))
        .build();
    let client = TestClient::new(game_app(&m)).unwrap();
    client.send("/start").await;
    client.bot().clear();
    // Paused time: this sleep returns at once, having let the collector tick through the minute.
    tokio::time::sleep(Duration::from_secs(62)).await;
    assert!(client.bot().wait_for(1, Duration::from_secs(5)).await);
    assert_eq!(client.bot().sent()[0].message.to_string(), "时间到，游戏结束");
    assert_eq!(m.store().load(&SessionId::new(Scope::USER, USER_ID, "game")).await.unwrap(), None);
    // After shutdown the collector stops: a new timeout is not acted on.
    client.send("/start").await;
    client.shutdown();
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(client.bot().sent().len(), 2, "only the /start reply was added");
}
