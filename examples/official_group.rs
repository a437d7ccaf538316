//! 官方 QQ 群 / C2C 机器人：复读、发图片、发语音，并欢迎把它拉进群的人。
//! An official QQ group + C2C bot: `/echo`, an image reply, a voice reply, and a welcome when added to a group.
//!
//! Configure it with `qqbot.toml`:
//!
//! ```toml
//! [official]
//! appid = "102000000"
//! secret = "your AppSecret"
//! ```
//!
//! or with the environment: `QQBOT_APPID`, `QQBOT_SECRET` (and optionally `QQBOT_API_BASE`, `QQBOT_TOKEN_URL`,
//! `QQBOT_WEBHOOK_LISTEN` for webhook mode, `QQBOT_WEBHOOK_PATH`). Without either it prints how to configure it
//! (see docs/src/official.md) and exits. It runs the hello bot's commands (`/echo` …) plus the ones below.
//!
//! ```text
//! QQBOT_APPID=102000000 QQBOT_SECRET=… cargo run --example official_group
//! ```
//!
//! In a group, @ the bot: `@机器人 /echo 你好`, `@机器人 /图片 https://…/cat.png`, `@机器人 /语音 ./hello.silk`.
//! Local files and `base64://…` data are served to the platform by the resource server (`[official.resource]`,
//! port 8086 by default; set its `public_url`); voice is converted to SILK when qqbot's `silk` feature is on,
//! otherwise send `.silk` files (see docs/src/media.md).

#[path = "common/hello_commands.rs"]
mod hello_commands;

use qqbot::adapter::official::OfficialConfig;
use qqbot::command::{EventHandler, HandlerOutput};
use qqbot::config::Config;
use qqbot::event::Notice;
use qqbot::prelude::*;

/// What to print when no official account is configured.
const NOT_CONFIGURED: &str = "\
没有配置官方 QQ 机器人账号 / no official QQ bot account is configured.
Set QQBOT_APPID and QQBOT_SECRET (the AppID and AppSecret from q.qq.com), e.g.
    QQBOT_APPID=102000000 QQBOT_SECRET=… cargo run --example official_group
or write them into qqbot.toml:
    [official]
    appid = \"102000000\"
    secret = \"your AppSecret\"
See docs/src/official.md. To try the commands without an account: cargo run --example hello";

fn commands() -> Vec<BotCommand> {
    vec![
        BotCommand::new("picture")
            .word("/图片")
            .scenes(Scene::GROUP | Scene::C2C)
            .help("发一张图：/图片 <URL 或文件>")
            .handler(|ctx: Ctx| async move {
                match ctx.args() {
                    "" => Message::from("用法：/图片 <URL 或文件>"),
                    source => Message::new().text("给你的图片：").image(source),
                }
            }),
        BotCommand::new("voice")
            .word("/语音")
            .scenes(Scene::GROUP | Scene::C2C)
            .help("发一段语音：/语音 <文件或 URL>")
            .handler(|ctx: Ctx| async move {
                match ctx.args() {
                    "" => Message::from("用法：/语音 <文件或 URL>"),
                    source => Message::new().record(source),
                }
            }),
    ]
}

fn welcome() -> EventHandler {
    EventHandler::new("welcome", |ctx: Ctx| {
        let Notice::BotJoined(joined) = &ctx.event().as_notice()?.kind else { return None };
        let text = format!("大家好！我是机器人，@我并发送 /echo 试试。（群 {}）", joined.group_id);
        // A reply to GROUP_ADD_ROBOT goes out as a passive reply by event_id.
        Some(Box::pin(async move { HandlerOutput::reply(text.into()) }))
    })
}

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    if OfficialConfig::accounts_from_config(&Config::load()?)?.is_empty() {
        println!("{NOT_CONFIGURED}");
        return Ok(());
    }
    let mut app = App::from_env()?.state(hello_commands::CheckIns::default()).on_event(welcome());
    for cmd in commands() {
        app = app.command(cmd);
    }
    app.run().await
}
