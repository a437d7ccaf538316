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

// ---- the sandbox keeps its word ----------------------------------------------------------------------------------

#[command("/踢", admin = true, admin_error_msg = "只有管理员可以踢人")]
async fn kick() -> &'static str {
    "踢走了"
}

#[on_event]
async fn welcome(joined: MemberJoined) -> String {
    format!("欢迎 {}", joined.user_id)
}

#[on_event]
async fn poked(poke: Poked) -> String {
    format!("{} 戳了 {}", poke.user_id, poke.target_id)
}

#[command("/ask")]
async fn ask(ctx: Ctx) -> qqbot::Result<String> {
    ctx.reply("你叫什么名字？").await?;
    let name = ctx.wait_reply(std::time::Duration::from_secs(5)).await?;
    Ok(format!("你好，{name}"))
}

async fn run_sandbox(script: &str) -> String {
    let buffer = Arc::new(Mutex::new(Vec::<u8>::new()));
    let output: ConsoleOutput = buffer.clone();
    let console = ConsoleAdapter::new(ConsoleConfig::default())
        .with_io(std::io::Cursor::new(script.as_bytes().to_vec()), output)
        .interactive(false);
    let app = App::empty()
        .state(SessionManager::memory())
        .command(kick::command())
        .command(ask::command())
        .on_event(welcome::handler())
        .on_event(poked::handler())
        .adapter(console);
    tokio::time::timeout(std::time::Duration::from_secs(60), app.run())
        .await
        .expect("the console exits at end of input")
        .expect("runs without error");
    let bytes = buffer.lock().expect("not poisoned").clone();
    String::from_utf8(bytes).expect("utf-8 output")
}

#[tokio::test]
async fn su_makes_admin_commands_work() {
    let out = run_sandbox("/踢\n:su\n/踢\n:su\n/踢\n").await;
    assert_eq!(out, "只有管理员可以踢人\n踢走了\n只有管理员可以踢人\n");
}

#[tokio::test]
async fn simulated_notices_reach_event_handlers() {
    let out = run_sandbox(":join 42\n:poke\n:c2c\n:poke 777\n").await;
    assert_eq!(out, "欢迎 42\n12345 戳了 10000\n12345 戳了 777\n");
}

#[tokio::test(start_paused = true)]
async fn input_ending_during_a_conversation_lets_it_time_out() {
    let out = run_sandbox("/ask\n").await;
    assert_eq!(out, "你叫什么名字？\n等待回复超时\n", "not cancelled as if the bot were shutting down");
    let answered = run_sandbox("/ask\n小明\n").await;
    assert_eq!(answered, "你叫什么名字？\n你好，小明\n");
}
