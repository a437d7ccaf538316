//! The hello bot over OneBot v11 (NapCat, Lagrange, go-cqhttp, LLOneBot).
//!
//! Configure it in `qqbot.toml`:
//!
//! ```toml
//! [onebot]
//! uri = "ws://127.0.0.1:3001"   # NapCat's WebSocket server (网络配置 → WebSocket 服务器)
//! token = "your-token"          # the same token as in NapCat
//! ```
//!
//! or, overriding the file, with the environment:
//!
//! ```text
//! QQBOT_ONEBOT_URI=ws://127.0.0.1:3001 QQBOT_ONEBOT_TOKEN=your-token cargo run --release --example onebot
//! QQBOT_ONEBOT_LISTEN=127.0.0.1:8080 cargo run --release --example onebot   # NapCat WebSocket 客户端 → ws://127.0.0.1:8080/onebot/v11/ws
//! ```
//!
//! Without any of them it starts the console sandbox. The commands are the hello bot's (`examples/common`), plus
//! `/whoami`, which calls the OneBot API. `BENCH_COMMANDS=N` adds `N` more commands `/cmd0` … `/cmd{N-1}` at run
//! time, the way a bot author adds commands from data (`bench/onebot_e2e.py` uses it for the scaling run).

#[path = "common/hello_commands.rs"]
mod hello_commands;

use qqbot::prelude::*;

/// 机器人账号信息（OneBot API 示例）/ the bot account, from the OneBot API
#[command("/whoami")]
async fn whoami(ctx: Ctx) -> qqbot::Result<String> {
    let info = ctx.onebot()?.call("get_login_info", serde_json::json!({})).await?;
    Ok(format!("我是 {}（{}）", info["nickname"].as_str().unwrap_or("?"), info["user_id"]))
}

/// `/cmd0` … `/cmd{n-1}`, each answering its own number: commands added at run time through `App::command`.
fn numbered_commands(mut app: App, n: u32) -> App {
    for k in 0..n {
        let reply = format!("cmd{k}");
        app = app.command(BotCommand::new(format!("cmd{k}")).word(format!("/cmd{k}")).handler(move |_: Ctx| {
            let reply = reply.clone();
            async move { reply }
        }));
    }
    app
}

fn main() -> qqbot::Result<()> {
    // One thread: per-event work is a few microseconds, and a single-threaded runtime spares the cross-thread
    // wake-ups (about 1.6× the throughput of a multi-threaded runtime on the shared 2-core bench machine).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let extra = std::env::var("BENCH_COMMANDS").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    runtime.block_on(async {
        let app = App::from_env()?.state(hello_commands::CheckIns::default());
        numbered_commands(app, extra).run().await
    })
}
