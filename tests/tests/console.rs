//! The console sandbox driven as a script: lines in, replies out, exit at end of input.

use std::sync::{Arc, Mutex};

use qqbot::adapter::console::{ConsoleAdapter, ConsoleConfig, ConsoleOutput};
use qqbot::prelude::*;

#[command("/echo")]
async fn echo(text: String) -> String {
    text
}

#[command("whoami")]
async fn whoami(ctx: Ctx) -> String {
    format!("{} {:?} {}", ctx.user_id(), ctx.sender().role, ctx.scene().map_or("-", Scene::name))
}

#[command("ping", at = true)]
async fn ping() -> &'static str {
    "pong"
}

#[command("/slow")]
async fn slow() -> &'static str {
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    "done"
}

async fn run_script(script: &str, interactive: bool) -> String {
    let buffer = Arc::new(Mutex::new(Vec::<u8>::new()));
    let output: ConsoleOutput = buffer.clone();
    let console = ConsoleAdapter::new(ConsoleConfig::default())
        .with_io(std::io::Cursor::new(script.as_bytes().to_vec()), output)
        .interactive(interactive);
    let app = App::empty()
        .command(echo::command())
        .command(whoami::command())
        .command(ping::command())
        .command(slow::command())
        .adapter(console);
    tokio::time::timeout(std::time::Duration::from_secs(10), app.run())
        .await
        .expect("the console exits at end of input")
        .expect("runs without error");
    let bytes = buffer.lock().expect("not poisoned").clone();
    String::from_utf8(bytes).expect("utf-8 output")
}

#[tokio::test]
async fn scripted_mode_prints_each_reply_in_order_and_exits() {
    let out =
        run_script("/slow\n/echo 测试 123\n\n:admin\nwhoami\n:c2c\nwhoami\nping\n:group\nping\n@bot ping\n", false)
            .await;
    assert_eq!(out, "done\n测试 123\n12345 Admin group\n12345 Member c2c\npong\npong\n");
}

#[tokio::test]
async fn interactive_mode_shows_the_banner_and_console_commands() {
    let out = run_script(":help\n:user 777 小明\nwhoami\n:quit\n/echo never\n", true).await;
    assert!(out.contains("console sandbox"), "{out}");
    assert!(out.contains(":group"), "{out}");
    assert!(out.contains("777 Member group"), "{out}");
    assert!(!out.contains("never"), "input after :quit is not read: {out}");
}
