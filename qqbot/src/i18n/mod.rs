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
    /// A handler returned an error; the bot says this to the user.
    HandlerFailed(&'a str),
    /// A handler panicked.
    HandlerPanicked,
    /// The header of `/help`.
    HelpHeader,
    /// Text after a command word that the command does not take.
    TooManyArguments(&'a str),
    /// Waiting for a reply timed out.
    ReplyTimeout,
    /// Argument kind names.
    Kind(ArgKindText),
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
            Text::HandlerFailed(err) => {
                let _ = write!(s, "{}{err}", if zh { "出错了：" } else { "something went wrong: " });
            }
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
        }
        s
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
