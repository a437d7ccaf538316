//! 一个可以同时运行多个实例的官方机器人（webhook 模式，负载均衡器后面跑几个进程）。
//! An official bot meant to run as several instances behind one webhook URL (see docs/src/deployment.md).
//!
//! Configured entirely by the environment:
//!
//! | variable | what |
//! | --- | --- |
//! | `QQBOT_APPID`, `QQBOT_SECRET` | the account |
//! | `QQBOT_WEBHOOK_LISTEN` (`QQBOT_WEBHOOK_PATH`) | webhook mode: where this instance listens |
//! | `QQBOT_API_BASE`, `QQBOT_TOKEN_URL` | another platform (a test's fake) |
//! | `QQBOT_REDIS_URL`, `QQBOT_INSTANCE_ID`, `QQBOT_CLUSTER_PREFIX` | cluster mode: the shared Redis |
//! | `QQBOT_SUPERUSERS` | who may switch plugins off (`/插件 关闭 工具`) |
//! | `CLUSTER_BOT_WAIT_SECS` | how long `/报名` waits for the name (default 60) |
//! | `CLUSTER_BOT_TICK_GROUP` | the group the every-2-seconds job reports to; without it the job stays quiet |
//!
//! Without `QQBOT_REDIS_URL` it is one plain process, which is how to try it first.
//!
//! ```text
//! QQBOT_APPID=… QQBOT_SECRET=… QQBOT_WEBHOOK_LISTEN=0.0.0.0:8080 QQBOT_REDIS_URL=redis://127.0.0.1:6379/ \
//!     QQBOT_INSTANCE_ID=web-1 cargo run -p qqbot-examples --bin cluster_bot
//! ```

use std::time::Duration;

use qqbot::prelude::*;

/// 复读：/echo <文字>
#[command("echo", scenes = GROUP | C2C)]
async fn echo(ctx: Ctx) -> String {
    ctx.args().to_owned()
}

/// 报名：先问名字，再打招呼（回答可以落在任何一个实例上）
#[command("报名", scenes = GROUP | C2C)]
async fn sign_up(ctx: Ctx) -> qqbot::Result<String> {
    ctx.reply("你叫什么名字？").await?;
    match ctx.wait_reply(wait_time()).await {
        Ok(name) => Ok(format!("你好，{}", name.plain_text().trim())),
        Err(qqbot::Error::PromptTimeout(_)) => Ok("报名超时了，下次再来吧".to_owned()),
        Err(e) => Err(e),
    }
}

/// 签到：每人 30 秒一次，所有实例共用冷却
#[command("签到", cooldown = "30s", cooldown_msg = "冷却中，还剩 {remaining} 秒", scenes = GROUP | C2C)]
async fn sign_in() -> &'static str {
    "签到成功"
}

/// 测试连通：/ping（属于插件「工具」，可以用 /插件 关闭 工具 关掉）
#[command("ping", plugin = "工具", scenes = GROUP | C2C)]
async fn ping() -> &'static str {
    "pong"
}

/// Every 2 seconds, tells the tick group when it fired and who fired it, so a test can count firings per period.
#[job(every = "2s")]
async fn tick(ctx: JobCtx) -> qqbot::Result<()> {
    let Some(group) = std::env::var("CLUSTER_BOT_TICK_GROUP").ok().filter(|g| !g.is_empty()) else {
        return Ok(());
    };
    let instance = std::env::var("QQBOT_INSTANCE_ID").unwrap_or_default();
    ctx.send(&Target::Group(group), format!("tick {} {instance}", ctx.fired_at_ms())).await?;
    Ok(())
}

fn wait_time() -> Duration {
    let secs = std::env::var("CLUSTER_BOT_WAIT_SECS").ok().and_then(|v| v.trim().parse::<u64>().ok());
    Duration::from_secs(secs.unwrap_or(60))
}

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    App::from_env()?.run().await
}
