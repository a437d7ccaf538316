//! A group-management bot: two plugins (群管 and 签到) that group admins switch on and off per group, a cooldown,
//! a daily job and a welcome for new members. Try it in the console sandbox:
//!
//! ```text
//! cargo run --example group_admin
//! ```
//!
//! then type, for example: `/签到` twice (the second time is cooling down), `:wait 1m` and `/签到` again,
//! `/插件 列表`, `:su` (you are a superuser now) and `/插件 关闭 签到` (the plugin stays quiet in this group),
//! `:join 42` (a new member is welcomed), `/禁言 42 10`, `/help` (commands grouped by plugin), and
//! `:wait 24h` (the morning notice is sent).
//!
//! With a `qqbot.toml` (NapCat over OneBot, or the official platform) the same bot runs in real groups; its
//! switches and cooldowns are kept in `data/sessions.db`.

use qqbot::prelude::*;

qqbot::plugin! {
    name = "群管",
    description = "群管理：禁言、踢人、入群欢迎、每日公告",
    usage = "/禁言 @成员 [分钟]，/踢 @成员",
    version = "1.0",
}

qqbot::plugin! {
    name = "签到",
    description = "每日签到，30 秒内不能重复",
    usage = "/签到",
    version = "1.0",
}

/// 禁言成员（管理员）/ mute a member (group admins)
#[command("/禁言", plugin = "群管", scenes = GROUP, permission = SUPERUSER | GROUP_ADMIN,
    admin_error_msg = "只有群管理员可以禁言")]
async fn mute(ctx: Ctx, who: At, minutes: Option<u32>) -> qqbot::Result<String> {
    let minutes = minutes.unwrap_or(10);
    match (ctx.onebot(), ctx.message_event().and_then(|m| m.group_id.clone())) {
        (Ok(api), Some(group)) => {
            api.set_group_ban(group.as_str(), who.user_id(), minutes * 60).await?;
            Ok(format!("已禁言 {} {minutes} 分钟", who.user_id()))
        }
        // The console sandbox and the official platform have no mute action: say what would happen.
        _ => Ok(format!("（演示）将禁言 {} {minutes} 分钟", who.user_id())),
    }
}

/// 踢出成员（管理员）/ remove a member (group admins)
#[command("/踢", plugin = "群管", scenes = GROUP, permission = SUPERUSER | GROUP_ADMIN,
    admin_error_msg = "只有群管理员可以踢人")]
async fn kick(ctx: Ctx, who: At) -> qqbot::Result<String> {
    match (ctx.onebot(), ctx.message_event().and_then(|m| m.group_id.clone())) {
        (Ok(api), Some(group)) => {
            api.set_group_kick(group.as_str(), who.user_id(), false).await?;
            Ok(format!("已将 {} 移出本群", who.user_id()))
        }
        _ => Ok(format!("（演示）将 {} 移出本群", who.user_id())),
    }
}

/// 入群欢迎 / welcome new members
#[on_event(plugin = "群管")]
async fn welcome(joined: MemberJoined) -> String {
    format!("欢迎新成员 {}！发送 /help 看看我能做什么。", joined.user_id)
}

/// 每日签到 / daily check-in
#[command("/签到", plugin = "签到", cooldown = "30s", cooldown_msg = "签过啦，{remaining} 秒后再来")]
async fn check_in(ctx: Ctx) -> String {
    format!("{} 签到成功！", ctx.sender().name())
}

/// 每天早上八点的公告 / the morning notice, every day at 08:00 (Asia/Shanghai by default)
#[job(cron = "0 0 8 * * *", plugin = "群管")]
async fn morning_notice(ctx: JobCtx) -> qqbot::Result<()> {
    let group = Target::Group(std::env::var("GROUP_ADMIN_NOTICE_GROUP").unwrap_or_else(|_| "20000".into()));
    if ctx.enabled_in(&group).await {
        ctx.send(&group, "早上好！今天也请遵守群规。").await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    App::from_env()?.run().await
}
