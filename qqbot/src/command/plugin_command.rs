//! The built-in plugin switch command: `/插件 列表|开启 <名字>|关闭 <名字>` and `/plugin list|enable|disable`.
//!
//! Group owners and admins switch plugins for their own group; superusers anywhere, for every group at once
//! (`全局` / `global`) or for one user (`@某人` or a user id). Anyone else gets the denial text.

use super::bot_command::BotCommand;
use super::ctx::Ctx;
use crate::i18n::{PluginScopeText, Text};
use crate::plugin::{SwitchError, SwitchScope};

/// The switch command answering to `words`.
pub(crate) fn plugin_command(words: Vec<String>) -> BotCommand {
    BotCommand::new("plugin").words(words).priority(i32::MAX).handler(|ctx: Ctx| async move { run(&ctx).await })
}

async fn run(ctx: &Ctx) -> String {
    let app = &ctx.shared.app;
    let lang = app.lang;
    // The usage names the word the user typed, so `/plugin` answers in English words and `/插件` in Chinese.
    let word = ctx.treated_text().split_whitespace().next().unwrap_or("plugin");
    let mut parts = ctx.args().split_whitespace();
    let group = super::dispatcher::group_and_user(ctx.event()).0.map(str::to_owned);
    let on = match parts.next() {
        Some("列表" | "list") => return list(ctx, group.as_deref()),
        Some("开启" | "enable" | "on") => true,
        Some("关闭" | "disable" | "off") => false,
        _ => return Text::PluginUsage(word).render(lang),
    };
    let Some(name) = parts.next() else { return Text::PluginUsage(word).render(lang) };
    let sender = ctx.sender();
    let scope = match parts.next() {
        None => match &group {
            Some(g) => SwitchScope::Group(g.clone()),
            None if sender.is_superuser => SwitchScope::Global,
            None => return Text::PluginSwitchDenied.render(lang),
        },
        Some("全局" | "global") => SwitchScope::Global,
        Some(user) => match crate::message::parse_mention(user) {
            Some((id, _)) => SwitchScope::User(id.to_owned()),
            None if user.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                SwitchScope::User(user.to_owned())
            }
            None => return Text::PluginUsage(word).render(lang),
        },
    };
    let allowed = match &scope {
        SwitchScope::Group(_) => sender.is_admin(),
        SwitchScope::Global | SwitchScope::User(_) => sender.is_superuser,
    };
    if !allowed {
        return Text::PluginSwitchDenied.render(lang);
    }
    match app.switches.set(name, scope.clone(), on).await {
        Ok(()) => {
            let where_ = match &scope {
                SwitchScope::Global => Text::PluginScope(PluginScopeText::Global).render(lang),
                SwitchScope::Group(_) => Text::PluginScope(PluginScopeText::Group).render(lang),
                SwitchScope::User(u) => Text::PluginScope(PluginScopeText::User(u)).render(lang),
            };
            tracing::info!(plugin = name, ?scope, on, by = %sender.user_id, "plugin switched");
            Text::PluginSwitched { name, on, scope: &where_ }.render(lang)
        }
        Err(SwitchError::UnknownPlugin(_)) => Text::PluginUnknown(name).render(lang),
        Err(e) => {
            tracing::error!(plugin = name, "{e}");
            Text::StorageFailed.render(lang)
        }
    }
}

fn list(ctx: &Ctx, group: Option<&str>) -> String {
    let app = &ctx.shared.app;
    let lang = app.lang;
    let plugins = app.switches.plugins();
    if plugins.is_empty() {
        return Text::PluginNone.render(lang);
    }
    let mut out = Text::PluginListHeader.render(lang);
    for name in plugins {
        let description = app.plugins.iter().find(|m| &m.name == name).map_or("", |m| m.description.as_str());
        let on = app.switches.is_enabled(name, group, Some(ctx.user_id()));
        out.push('\n');
        out.push_str(&Text::PluginListLine { name, on, description }.render(lang));
    }
    out
}
