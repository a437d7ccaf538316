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
//! `QQBOT_WEBHOOK_LISTEN` for webhook mode, `QQBOT_WEBHOOK_PATH`). Without either it starts the console sandbox.
//!
//! ```text
//! QQBOT_APPID=102000000 QQBOT_SECRET=… cargo run --example official_group
//! ```
//!
//! In a group, @ the bot: `@机器人 /echo 你好`, `@机器人 /图片 https://…/cat.png`, `@机器人 /语音 ./hello.silk`.
//! Media must be reachable by the platform (a public URL) or readable here (a file or `base64://…`); voice must be
//! SILK unless a chain builder converts it (see docs/src/official.md).

use qqbot::command::{EventHandler, HandlerOutput};
use qqbot::event::Notice;
use qqbot::prelude::*;

fn commands() -> Vec<BotCommand> {
    vec![
        BotCommand::new("echo")
            .word("/echo")
            .help("复读：/echo <文字>")
            .handler(|ctx: Ctx| async move { ctx.args().to_owned() }),
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
    let mut app = App::from_env()?.on_event(welcome());
    for cmd in commands() {
        app = app.command(cmd);
    }
    app.run().await
}
