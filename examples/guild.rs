//! 频道机器人：子频道、私信、表情表态和论坛事件。
//! A guild (频道) bot: channel commands, guild DMs, reactions and forum events.
//!
//! ```text
//! QQBOT_APPID=102000000 QQBOT_SECRET=… cargo run --example guild
//! ```
//!
//! The intents are computed from what is registered here (guild messages, DMs, and — because there are event
//! handlers — guilds, members, reactions, forums). A private-domain (私域) bot sets `private_domain = true` in
//! `[official]` to receive every message and private forum events; audio events need `intents` set explicitly.
//! Without an account (`QQBOT_APPID` unset, no `[official]` in qqbot.toml) it prints how to configure one (see
//! docs/src/official.md) and exits.

use qqbot::adapter::official::{OfficialConfig, OfficialPayload};
use qqbot::command::{EventHandler, HandlerOutput};
use qqbot::config::Config;
use qqbot::prelude::*;

fn commands() -> Vec<BotCommand> {
    vec![
        BotCommand::new("ping")
            .word("/ping")
            .scenes(Scene::GUILD | Scene::DM)
            .help("在子频道或私信里回复 pong")
            .handler(|ctx: Ctx| async move { format!("pong，{}", ctx.sender().name()) }),
        BotCommand::new("dm").word("/私信").scenes(Scene::GUILD).help("机器人私信你").handler(|ctx: Ctx| async move {
            let api = ctx.official()?;
            let guild = ctx.guild_id()?.to_owned();
            let session = api.create_dm(ctx.user_id(), &guild).await?;
            let dm_guild = session.guild_id.ok_or(qqbot::Error::Missing { what: "DM guild id" })?;
            ctx.send(&Target::Dm(dm_guild), "你好，这是私信。").await?;
            Ok::<_, qqbot::Error>("已私信你")
        }),
        BotCommand::new("admin")
            .word("/管理")
            .scenes(Scene::GUILD)
            .admin_error_msg("只有频道主和管理员可以用")
            .handler(|_: Ctx| async { "你是管理员" }),
    ]
}

/// Reactions and forum events arrive as raw notices with their typed payload in `event.official()`.
fn guild_events() -> EventHandler {
    EventHandler::new("guild-events", |ctx: Ctx| {
        let ev = ctx.event().official()?;
        let text = match &ev.payload {
            OfficialPayload::Reaction(r) if ev.t == "MESSAGE_REACTION_ADD" => {
                let emoji = r.emoji.as_ref().and_then(|e| e.id.clone()).unwrap_or_default();
                format!("收到表情 {emoji}")
            }
            OfficialPayload::ForumThread(t) if ev.t == "FORUM_THREAD_CREATE" => {
                let title =
                    t.thread_info.as_ref().and_then(|i| i.title.as_ref()).map(|r| r.plain_text()).unwrap_or_default();
                format!("新帖子：{title}")
            }
            OfficialPayload::OpenForum(f) if ev.t == "OPEN_FORUM_THREAD_CREATE" => {
                format!("有人（{}）发了新帖子", f.author_id.as_deref().unwrap_or("?"))
            }
            _ => return None,
        };
        // The reply goes to the event's channel as a passive reply by event_id.
        Some(Box::pin(async move { HandlerOutput::reply(text.into()) }))
    })
}

/// What to print when no official account is configured.
const NOT_CONFIGURED: &str = "\
没有配置官方 QQ 机器人账号 / no official QQ bot account is configured.
Set QQBOT_APPID and QQBOT_SECRET (the AppID and AppSecret from q.qq.com), e.g.
    QQBOT_APPID=102000000 QQBOT_SECRET=… cargo run --example guild
or write them into qqbot.toml:
    [official]
    appid = \"102000000\"
    secret = \"your AppSecret\"
See docs/src/official.md.";

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    if OfficialConfig::accounts_from_config(&Config::load()?)?.is_empty() {
        println!("{NOT_CONFIGURED}");
        return Ok(());
    }
    let mut app = App::from_env()?.on_event(guild_events());
    for cmd in commands() {
        app = app.command(cmd);
    }
    app.run().await
}
