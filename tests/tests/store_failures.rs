//! Stores fail loudly at start and gracefully at run time: a damaged SQLite file or a Redis server that refuses
//! the password stops `App::run` with the file or URL named and what to do; a store that fails while the bot runs
//! gives the chat user a localized text (never the internal message), and the bot recovers when the store does.

use std::path::PathBuf;

use qqbot::config::Config;
use qqbot::prelude::*;
use qqbot::testing::TestClient;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qqbot-store-failures-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sqlite_config(path: &std::path::Path) -> Config {
    Config::from_toml(&format!("[session]\nbackend = \"sqlite\"\npath = {:?}\n", path.display().to_string())).unwrap()
}

fn counter_app(config: Config) -> App {
    App::empty().with_config(config).unwrap().command(BotCommand::new("inc").word("/inc").handler(
        |ctx: Ctx| async move {
            let n = ctx.session()?.user("counter").increment("n", 1).await?;
            Ok::<_, Error>(n.to_string())
        },
    ))
}

#[tokio::test]
async fn a_damaged_sqlite_file_stops_start_up_naming_the_file_and_the_fix() {
    let dir = temp_dir("corrupt");
    let path = dir.join("sessions.db");
    // Random bytes where the database should be (a disk error, a file copied over it).
    let junk: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, junk).unwrap();

    let err = counter_app(sqlite_config(&path)).run().await.expect_err("a damaged database must stop start-up");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "the file is named: {text}");
    assert!(text.contains("not a usable SQLite database"), "the cause is said: {text}");
    assert!(text.contains("move it away"), "and what to do: {text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_store_failing_at_run_time_gives_a_localized_text_and_recovers_with_the_store() {
    let dir = temp_dir("runtime");
    // The database's folder is a plain file: every open fails until it is removed.
    let blocker = dir.join("data");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let client = TestClient::new(counter_app(sqlite_config(&blocker.join("sessions.db")))).unwrap();

    let replies = client.send("/inc").await.texts();
    assert_eq!(replies.len(), 1, "one reply: {replies:?}");
    let reply = &replies[0];
    assert!(!reply.contains("sqlite") && !reply.contains("session store"), "no internal message: {reply}");
    assert!(!reply.chars().any(|c| c.is_ascii_alphabetic()), "a zh-CN text, no English words: {reply}");

    // The store comes back (the folder can be created now): the next command works without a restart.
    std::fs::remove_file(&blocker).unwrap();
    assert_eq!(client.send("/inc").await.texts(), vec!["1"]);
    assert_eq!(client.send("/inc").await.texts(), vec!["2"]);
    drop(client);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server without a password)"]
async fn a_redis_password_the_server_refuses_stops_start_up_naming_the_url() {
    let url = std::env::var("QQBOT_TEST_REDIS_URL").expect("set QQBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/");
    let with_password = url.replacen("redis://", "redis://:not-the-password@", 1);
    let config = Config::from_toml(&format!(
        "[session]\nbackend = \"redis\"\nurl = {with_password:?}\nprefix = \"qqbot-auth\"\n"
    ))
    .unwrap();
    let err = counter_app(config).run().await.expect_err("a refused password must stop start-up");
    let text = err.to_string();
    let host = url.trim_start_matches("redis://").trim_end_matches('/');
    assert!(text.contains(&format!("redis://{host}")), "the server is named: {text}");
    assert!(text.contains("password"), "and what to check: {text}");
    assert!(!text.contains("not-the-password"), "the password is never shown: {text}");
}
