//! The SQLite store keeps sessions across a restart of the app.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use qqbot::api::Target;
use qqbot::prelude::*;
use qqbot::session::{ManualClock, SessionId, SqliteStore};
use qqbot::testing::{GROUP_ID, TestClient, USER_ID};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qqbot-session-sqlite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn counter_app(config: qqbot::config::Config) -> App {
    App::empty()
        .with_config(config)
        .unwrap()
        .command(BotCommand::new("inc").word("/inc").handler(|ctx: Ctx| async move {
            let n = ctx.session()?.user("counter").increment("n", 1).await?;
            Ok::<_, Error>(n.to_string())
        }))
        .command(BotCommand::new("show").word("/show").handler(|ctx: Ctx| async move {
            let s = ctx.session()?;
            let n: i64 = s.user("counter").get_or("n", 0).await?;
            let note: Option<String> = s.global("note").get("text").await?;
            Ok::<_, Error>(format!("{n} {note:?}"))
        }))
        .command(BotCommand::new("note").word("/note").handler(|ctx: Ctx| async move {
            ctx.session()?.global("note").set("text", ctx.args()).await?;
            Ok::<_, Error>("ok")
        }))
}

#[tokio::test]
async fn state_survives_dropping_and_rebuilding_the_app() {
    let dir = temp_dir("restart");
    let toml = format!("[session]\nbackend = \"sqlite\"\npath = {:?}\n", dir.join("s.db").display().to_string());
    let config = || qqbot::config::Config::from_toml(&toml).unwrap();
    {
        let client = TestClient::new(counter_app(config())).unwrap();
        for n in 1..=3 {
            assert_eq!(client.send("/inc").await.texts(), vec![n.to_string()]);
        }
        client.send("/note 记住我").await;
        client.shutdown();
        client.idle().await;
    }
    // A new app on the same file (the old one, its store and its connection are gone).
    let client = TestClient::new(counter_app(config())).unwrap();
    assert_eq!(client.send("/show").await.texts(), vec!["3 Some(\"记住我\")"]);
    assert_eq!(client.send("/inc").await.texts(), vec!["4"]);
    assert_eq!(client.group_member(GROUP_ID, "someone-else").send("/show").await.texts(), vec!["0 Some(\"记住我\")"]);
    drop(client);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_timeout_set_before_a_restart_fires_after_it() {
    let dir = temp_dir("timeout");
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let manager = || SessionManager::builder(SqliteStore::new(dir.join("s.db"))).clock(clock.clone()).build();
    let app = |m: SessionManager| {
        counter_app(qqbot::config::Config::default()).state(m).command(BotCommand::new("game").word("/game").handler(
            |ctx: Ctx| async move {
                ctx.session()?.user("game").start().timeout(Duration::from_secs(60)).timeout_reply("游戏超时").await?;
                Ok::<_, Error>("开始")
            },
        ))
    };
    {
        let client = TestClient::new(app(manager())).unwrap();
        client.send("/game").await;
    }
    let m = manager();
    let client = TestClient::new(app(m.clone())).unwrap();
    assert_eq!(m.get_status(&SessionId::new(Scope::USER, USER_ID, "game")).await.unwrap(), Some(SessionStatus::ACTIVE));
    // The restarted process learns the account's bot when it next handles a session on it.
    client.send("/show").await;
    client.bot().clear();
    clock.advance(Duration::from_secs(61));
    let report = m.collect().await.unwrap();
    assert_eq!((report.timed_out, report.replies_sent), (1, 1));
    let sent = client.bot().sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message.to_string(), "游戏超时");
    assert_eq!(sent[0].target, Target::Group(GROUP_ID.into()));
    assert_eq!(sent[0].in_reply_to, None, "the triggering event is gone: sent proactively");
    drop(client);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_unreachable_account_defers_the_timeout_then_gives_up_on_the_reply() {
    let dir = temp_dir("defer");
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let m = SessionManager::builder(SqliteStore::new(dir.join("s.db"))).clock(clock.clone()).build();
    {
        let client = TestClient::new(App::empty().state(m.clone()).command(
            BotCommand::new("game").word("/game").handler(|ctx: Ctx| async move {
                ctx.session()?.user("g").start().timeout(Duration::from_secs(10)).timeout_reply("超时").await?;
                Ok::<_, Error>("")
            }),
        ))
        .unwrap();
        client.send("/game").await;
    }
    // A fresh manager on the file: no bot of that account is known here.
    let m = SessionManager::builder(SqliteStore::new(dir.join("s.db"))).clock(clock.clone()).build();
    clock.advance(Duration::from_secs(11));
    let report = m.collect().await.unwrap();
    assert_eq!((report.timed_out, report.deferred), (0, 1), "waits for a process serving the account");
    clock.advance(Duration::from_secs(31));
    let report = m.collect().await.unwrap();
    assert_eq!((report.timed_out, report.replies_sent), (1, 0), "after the grace period it times out without it");
    let _ = std::fs::remove_dir_all(dir);
}
