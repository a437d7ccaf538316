//! Every text the framework itself says to users, in zh-CN (the default) and en-US.
//!
//! Bot authors choose the language with `lang = "en-US"` under `[bot]` in `qqbot.toml` or with `QQBOT_LANG`.

use std::fmt::Write as _;

/// A language for the framework's own texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    ZhCn,
    /// English.
    EnUs,
}

impl Lang {
    /// Parses `zh-CN`, `zh_CN`, `zh`, `en-US`, `en` … (case-insensitive); `None` for anything else.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        match s.as_str() {
            "zh" | "zh-cn" | "zh-hans" | "cn" => Some(Lang::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Lang::EnUs),
            _ => None,
        }
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::EnUs => "en-US",
        }
    }
}

/// One framework text, with its arguments.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Text<'a> {
    /// A typed argument could not be parsed: which parameter, what was expected, what was given.
    BadArgument {
        /// The parameter name.
        param: &'a str,
        /// What it expects, already translated.
        expected: &'a str,
        /// What the user wrote, if anything.
        got: Option<&'a str>,
    },
    /// The usage line of a command.
    Usage(&'a str),
    /// A handler returned an error the framework cannot explain to a user (the error itself is logged).
    HandlerFailed,
    /// A handler panicked.
    HandlerPanicked,
    /// The header of `/help`.
    HelpHeader,
    /// Text after a command word that the command does not take.
    TooManyArguments(&'a str),
    /// Waiting for a reply timed out.
    ReplyTimeout,
    /// The bot is shutting down, so what the user started was cancelled.
    ShuttingDown,
    /// A non-admin used an admin-only command.
    AdminOnly,
    /// A command was used outside the scenes where it is valid (which are given).
    WrongScene(crate::event::Scene),
    /// The platform could not be reached (disconnected, timed out, I/O).
    PlatformUnavailable,
    /// The platform refused an API call, with its error code.
    PlatformRefused(i64),
    /// The platform or this conversation cannot do what the command tried.
    NotSupportedHere,
    /// The command needs something this conversation does not have (a group in a private chat …).
    NotAvailableHere,
    /// Reading or writing the bot's stored data failed.
    StorageFailed,
    /// "Did you mean": the closest command to what the user typed.
    DidYouMean(&'a str),
    /// The last line of `/help`: how to see one command's details (the help word is given).
    HelpFooter(&'a str),
    /// A command's other words, in `/help`.
    HelpAliases(&'a str),
    /// `/help <name>` named no command valid here.
    HelpNoSuchCommand(&'a str),
    /// `/help` when no command is valid here.
    HelpEmpty,
    /// Argument kind names.
    Kind(ArgKindText),
    /// A command is cooling down for this user, group or everyone: seconds left.
    OnCooldown(u64),
    /// A command was used more often than its rate limit allows: seconds until the next use.
    RateLimited(u64),
    /// The header of `/插件 列表`.
    PluginListHeader,
    /// One line of `/插件 列表`: the plugin, whether it is on here, its description.
    PluginListLine {
        /// The plugin's name.
        name: &'a str,
        /// Whether it is on for the asker here.
        on: bool,
        /// Its description (may be empty).
        description: &'a str,
    },
    /// `/插件 列表` when the app has no plugins.
    PluginNone,
    /// A plugin was switched on or off; `scope` is where (already rendered by [`Text::PluginScope`]).
    PluginSwitched {
        /// The plugin's name.
        name: &'a str,
        /// On or off.
        on: bool,
        /// Where.
        scope: &'a str,
    },
    /// Where a switch applies: everywhere, this group, one user.
    PluginScope(PluginScopeText<'a>),
    /// No plugin of that name.
    PluginUnknown(&'a str),
    /// The asker may not switch plugins here.
    PluginSwitchDenied,
    /// How to use the switch command (its word is given).
    PluginUsage(&'a str),
    /// The header of a plugin's group in `/help`, and of `/help <plugin>`.
    HelpPluginHeader(&'a str),
    /// The version line of `/help <plugin>`.
    HelpPluginVersion(&'a str),
}

/// Where a plugin switch applies, as [`Text::PluginScope`] renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PluginScopeText<'a> {
    /// Every group and chat.
    Global,
    /// This group.
    Group,
    /// One user (their id).
    User(&'a str),
}

/// Names of argument kinds as users read them in usage lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgKindText {
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// Yes / no.
    Bool,
    /// A word.
    Word,
    /// Text to the end.
    Rest,
    /// A user (mention or id).
    User,
}

impl Text<'_> {
    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let mut s = String::new();
        match *self {
            Text::BadArgument { param, expected, got } => match (zh, got) {
                (true, Some(g)) => {
                    let _ = write!(s, "参数 {param} 应为{expected}，但收到了「{g}」");
                }
                (true, None) => {
                    let _ = write!(s, "缺少参数 {param}（{expected}）");
                }
                (false, Some(g)) => {
                    let _ = write!(s, "argument {param} should be {expected}, got \"{g}\"");
                }
                (false, None) => {
                    let _ = write!(s, "missing argument {param} ({expected})");
                }
            },
            Text::Usage(usage) => {
                let _ = write!(s, "{}{usage}", if zh { "用法：" } else { "usage: " });
            }
            Text::HandlerFailed => s.push_str(if zh {
                "出错了，请稍后再试"
            } else {
                "something went wrong, please try again later"
            }),
            Text::HandlerPanicked => s.push_str(if zh {
                "出错了，请稍后再试"
            } else {
                "something went wrong, please try again later"
            }),
            Text::HelpHeader => s.push_str(if zh { "可用命令：" } else { "commands:" }),
            Text::TooManyArguments(extra) => {
                let _ = write!(s, "{}「{extra}」", if zh { "多余的参数：" } else { "unexpected arguments: " });
            }
            Text::ReplyTimeout => s.push_str(if zh { "等待回复超时" } else { "timed out waiting for a reply" }),
            Text::ShuttingDown => s.push_str(if zh {
                "机器人正在关闭，请稍后再试"
            } else {
                "the bot is shutting down, please try again later"
            }),
            Text::OnCooldown(secs) => {
                if zh {
                    let _ = write!(s, "冷却中，请 {secs} 秒后再试");
                } else {
                    let _ = write!(s, "this command is cooling down, try again in {secs} s");
                }
            }
            Text::RateLimited(secs) => {
                if zh {
                    let _ = write!(s, "使用太频繁了，请 {secs} 秒后再试");
                } else {
                    let _ = write!(s, "used too often, try again in {secs} s");
                }
            }
            Text::AdminOnly => s.push_str(if zh {
                "只有管理员可以使用这个命令"
            } else {
                "only admins can use this command"
            }),
            Text::WrongScene(allowed) => {
                let names: Vec<&str> = allowed.iter().map(|scene| scene_name(scene, zh)).collect();
                if zh {
                    let _ = write!(s, "这个命令只能在{}中使用", names.join("、"));
                } else {
                    let _ = write!(s, "this command can only be used in {}", names.join(", "));
                }
            }
            Text::PlatformUnavailable => s.push_str(if zh {
                "暂时连不上平台，请稍后再试"
            } else {
                "the platform cannot be reached right now, please try again later"
            }),
            Text::PlatformRefused(code) => {
                if zh {
                    let _ = write!(s, "平台拒绝了这次操作（错误码 {code}）");
                } else {
                    let _ = write!(s, "the platform refused the operation (code {code})");
                }
            }
            Text::NotSupportedHere => {
                s.push_str(if zh { "这里不支持这个操作" } else { "this is not supported here" })
            }
            Text::NotAvailableHere => {
                s.push_str(if zh { "这个命令在这里用不了" } else { "this command cannot be used here" })
            }
            Text::StorageFailed => s.push_str(if zh {
                "数据读写失败，请稍后再试"
            } else {
                "could not read or save data, please try again later"
            }),
            Text::DidYouMean(word) => {
                let _ = if zh { write!(s, "你是不是想用 {word}？") } else { write!(s, "did you mean {word}?") };
            }
            Text::HelpFooter(word) => {
                let _ = if zh {
                    write!(s, "发送 /{word} <命令> 查看详细说明")
                } else {
                    write!(s, "send /{word} <command> for details")
                };
            }
            Text::HelpAliases(words) => {
                let _ = if zh { write!(s, "（又名 {words}）") } else { write!(s, " (also {words})") };
            }
            Text::HelpNoSuchCommand(name) => {
                let _ = if zh {
                    write!(s, "没有「{name}」这个命令")
                } else {
                    write!(s, "there is no command \"{name}\"")
                };
            }
            Text::HelpEmpty => {
                s.push_str(if zh { "这里没有可用的命令" } else { "no commands are available here" })
            }
            Text::Kind(kind) => s.push_str(match (zh, kind) {
                (true, ArgKindText::Integer) => "整数",
                (true, ArgKindText::Number) => "数字",
                (true, ArgKindText::Bool) => "是/否",
                (true, ArgKindText::Word) => "文字",
                (true, ArgKindText::Rest) => "文字",
                (true, ArgKindText::User) => "@用户",
                (false, ArgKindText::Integer) => "an integer",
                (false, ArgKindText::Number) => "a number",
                (false, ArgKindText::Bool) => "yes/no",
                (false, ArgKindText::Word) => "a word",
                (false, ArgKindText::Rest) => "text",
                (false, ArgKindText::User) => "a user (@mention or id)",
            }),
            Text::PluginListHeader => s.push_str(if zh { "插件列表：" } else { "plugins:" }),
            Text::PluginListLine { name, on, description } => {
                let state = match (zh, on) {
                    (true, true) => "已开启",
                    (true, false) => "已关闭",
                    (false, true) => "on",
                    (false, false) => "off",
                };
                let _ = write!(s, "{name} [{state}]");
                if !description.is_empty() {
                    let _ = write!(s, " — {description}");
                }
            }
            Text::PluginNone => s.push_str(if zh { "没有插件" } else { "there are no plugins" }),
            Text::PluginSwitched { name, on, scope } => {
                let _ = match (zh, on) {
                    (true, true) => write!(s, "已在{scope}开启插件「{name}」"),
                    (true, false) => write!(s, "已在{scope}关闭插件「{name}」"),
                    (false, true) => write!(s, "plugin \"{name}\" enabled {scope}"),
                    (false, false) => write!(s, "plugin \"{name}\" disabled {scope}"),
                };
            }
            Text::PluginScope(scope) => {
                let _ = match (zh, scope) {
                    (true, PluginScopeText::Global) => write!(s, "所有群"),
                    (true, PluginScopeText::Group) => write!(s, "本群"),
                    (true, PluginScopeText::User(u)) => write!(s, "用户 {u} 处"),
                    (false, PluginScopeText::Global) => write!(s, "everywhere"),
                    (false, PluginScopeText::Group) => write!(s, "in this group"),
                    (false, PluginScopeText::User(u)) => write!(s, "for user {u}"),
                };
            }
            Text::PluginUnknown(name) => {
                let _ = if zh {
                    write!(s, "没有「{name}」这个插件")
                } else {
                    write!(s, "there is no plugin \"{name}\"")
                };
            }
            Text::PluginSwitchDenied => s.push_str(if zh {
                "只有群主、管理员或超级用户可以开关插件"
            } else {
                "only group owners, admins and superusers can switch plugins"
            }),
            Text::PluginUsage(word) => {
                let _ = if zh {
                    write!(
                        s,
                        "用法：/{word} 列表 | /{word} 开启 <插件> [全局|@用户] | /{word} 关闭 <插件> [全局|@用户]"
                    )
                } else {
                    write!(
                        s,
                        "usage: /{word} list | /{word} enable <plugin> [global|@user] | /{word} disable <plugin> [global|@user]"
                    )
                };
            }
            Text::HelpPluginHeader(name) => {
                let _ = if zh { write!(s, "【{name}】") } else { write!(s, "[{name}]") };
            }
            Text::HelpPluginVersion(v) => {
                let _ = if zh { write!(s, "版本：{v}") } else { write!(s, "version: {v}") };
            }
        }
        s
    }
}

fn scene_name(scene: crate::event::Scene, zh: bool) -> &'static str {
    use crate::event::Scene;
    match (zh, scene) {
        (true, Scene::GROUP) => "群聊",
        (true, Scene::C2C) => "私聊",
        (true, Scene::GUILD) => "频道",
        (true, Scene::DM) => "频道私信",
        (false, Scene::GROUP) => "group chats",
        (false, Scene::C2C) => "private chats",
        (false, Scene::GUILD) => "guild channels",
        (false, Scene::DM) => "guild DMs",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_language_tags() {
        assert_eq!(Lang::parse("zh_CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("EN-us"), Some(Lang::EnUs));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn renders_both_languages() {
        let t = Text::BadArgument { param: "n", expected: "整数", got: Some("abc") };
        assert_eq!(t.render(Lang::ZhCn), "参数 n 应为整数，但收到了「abc」");
        assert!(Text::HelpHeader.render(Lang::EnUs).starts_with("commands"));
    }
}
