//! Cooldowns and rate limits, end to end through `qqbot::testing` on tokio's paused clock: per user, per group and
//! global scopes with the remaining time in the reply, custom and silent texts, superusers exempt (or not),
//! sliding-window rate limits, `on_error` seeing the new kinds, and state that survives a restart on SQLite.

use std::sync::Arc;
use std::time::Duration;

use qqbot::command::{Cooldown, LimitScope, RateLimit};
use qqbot::prelude::*;
use qqbot::session::SessionManager;
use qqbot::testing::TestClient;

fn client(app: App) -> TestClient {
    TestClient::new(app).expect("app builds")
}

/// 签到
#[command("签到", cooldown = "30s")]
async fn sign_in() -> &'static str {
    "签到成功"
}

#[tokio::test(start_paused = true)]
async fn a_user_cooldown_replies_the_remaining_seconds_and_ends() {
    let c = client(App::empty().command(sign_in::command()));
    let alice = c.group_member("1", "alice");
    assert_eq!(alice.send("/签到").await.texts(), vec!["签到成功"]);
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(alice.send("/签到").await.texts(), vec!["冷却中，请 20 秒后再试"]);
    // Another user in the same group is not affected by alice's cooldown.
    assert_eq!(c.group_member("1", "bob").send("/签到").await.texts(), vec!["签到成功"]);
    tokio::time::advance(Duration::from_millis(19_500)).await;
    assert_eq!(alice.send("/签到").await.texts(), vec!["冷却中，请 1 秒后再试"], "rounded up, never 0");
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(alice.send("/签到").await.texts(), vec!["签到成功"]);
}

#[command("抽奖", cooldown = "1m", cooldown_scope = group, cooldown_msg = "本群冷却中，还剩 {remaining} 秒")]
async fn lottery() -> &'static str {
    "中奖了"
}

#[tokio::test(start_paused = true)]
async fn a_group_cooldown_is_shared_by_the_group_only() {
    let c = client(App::empty().command(lottery::command()));
    assert_eq!(c.group_member("1", "alice").send("抽奖").await.texts(), vec!["中奖了"]);
    tokio::time::advance(Duration::from_secs(15)).await;
    assert_eq!(c.group_member("1", "bob").send("抽奖").await.texts(), vec!["本群冷却中，还剩 45 秒"]);
    assert_eq!(c.group_member("2", "bob").send("抽奖").await.texts(), vec!["中奖了"], "another group");
    tokio::time::advance(Duration::from_secs(45)).await;
    assert_eq!(c.group_member("1", "bob").send("抽奖").await.texts(), vec!["中奖了"]);
}

#[command("广播", cooldown = "1h", cooldown_scope = global, cooldown_msg = "")]
async fn broadcast() -> &'static str {
    "已广播"
}

#[tokio::test(start_paused = true)]
async fn a_global_cooldown_with_an_empty_text_is_silent_everywhere() {
    let c = client(App::empty().command(broadcast::command()));
    assert_eq!(c.group_member("1", "alice").send("广播").await.texts(), vec!["已广播"]);
    assert!(c.group_member("2", "bob").send("广播").await.is_empty(), "silent, and the handler did not run");
    assert!(c.private("carol").send("广播").await.is_empty());
    tokio::time::advance(Duration::from_secs(3_600)).await;
    assert_eq!(c.private("carol").send("广播").await.texts(), vec!["已广播"]);
}

#[tokio::test(start_paused = true)]
async fn superusers_skip_cooldowns_unless_told_otherwise() {
    let c = client(App::empty().superuser("root").command(sign_in::command()));
    let root = c.group_member("1", "root");
    assert_eq!(root.send("签到").await.texts(), vec!["签到成功"]);
    assert_eq!(root.send("签到").await.texts(), vec!["签到成功"], "exempt by default");

    #[command("严格", cooldown = "10s", cooldown_exempt_superusers = false)]
    async fn strict() -> &'static str {
        "ok"
    }
    let c = client(App::empty().superuser("root").command(strict::command()));
    let root = c.group_member("1", "root");
    assert_eq!(root.send("严格").await.texts(), vec!["ok"]);
    assert_eq!(root.send("严格").await.texts(), vec!["冷却中，请 10 秒后再试"]);
}

#[command("查询", rate_limit = "3/min")]
async fn query() -> &'static str {
    "结果"
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_is_a_sliding_window_per_user() {
    let c = client(App::empty().command(query::command()));
    let alice = c.group_member("1", "alice");
    for _ in 0..3 {
        assert_eq!(alice.send("查询").await.texts(), vec!["结果"]);
        tokio::time::advance(Duration::from_secs(10)).await;
    }
    // Uses at 0 s, 10 s, 20 s; now 30 s: the first leaves the window at 60 s.
    assert_eq!(alice.send("查询").await.texts(), vec!["使用太频繁了，请 30 秒后再试"]);
    assert_eq!(c.group_member("1", "bob").send("查询").await.texts(), vec!["结果"], "per user");
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(alice.send("查询").await.texts(), vec!["结果"], "one slot freed");
    assert_eq!(alice.send("查询").await.texts(), vec!["使用太频繁了，请 10 秒后再试"]);
}

#[tokio::test(start_paused = true)]
async fn limits_built_by_hand_and_seen_by_on_error() {
    let cmd = BotCommand::new("roll")
        .word("roll")
        .handler(|_ctx: Ctx| async { "4" })
        .cooldown(Cooldown::parse("5s").expect("valid").scope(LimitScope::User))
        .rate_limit(RateLimit::parse("10/h").expect("valid"))
        .on_error(|ctx: Ctx, err: CommandError| async move {
            match err {
                CommandError::Cooldown { remaining, .. } => {
                    let _ = ctx.reply(format!("wait {}ms", remaining.as_millis())).await;
                    Ok(())
                }
                other => Err(other),
            }
        });
    let c = client(App::empty().lang(qqbot::i18n::Lang::EnUs).command(cmd));
    assert_eq!(c.send("roll").await.texts(), vec!["4"]);
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(c.send("roll").await.texts(), vec!["wait 3000ms"]);
    assert!(Cooldown::parse("5 parsecs").is_err());
    assert!(RateLimit::parse("5/fortnight").is_err());
}

#[tokio::test(start_paused = true)]
async fn english_default_texts() {
    let c = client(App::empty().lang(qqbot::i18n::Lang::EnUs).command(query::command()).command(sign_in::command()));
    c.send("签到").await;
    assert_eq!(c.send("签到").await.texts(), vec!["this command is cooling down, try again in 30 s"]);
    for _ in 0..3 {
        c.send("查询").await;
    }
    assert_eq!(c.send("查询").await.texts(), vec!["used too often, try again in 60 s"]);
}

#[tokio::test(start_paused = true)]
async fn a_cooldown_on_sqlite_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("limits.db");
    // The store's collector removes expired limit records by the session manager's (system) clock, so the
    // virtual day starts at the system time.
    let start = qqbot::session::TokioClock::new();
    let app = || {
        App::empty()
            .state(SessionManager::sqlite(path.clone()))
            .clock(Arc::new(start.clone()))
            .command(sign_in::command())
    };
    let first = client(app());
    assert_eq!(first.send("签到").await.texts(), vec!["签到成功"]);
    first.shutdown();
    drop(first);
    tokio::time::advance(Duration::from_secs(5)).await;
    let second = client(app());
    assert_eq!(second.send("签到").await.texts(), vec!["冷却中，请 25 秒后再试"], "kept in the SQLite file");
    tokio::time::advance(Duration::from_secs(25)).await;
    assert_eq!(second.send("签到").await.texts(), vec!["签到成功"]);
}
