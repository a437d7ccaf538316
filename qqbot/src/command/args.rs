//! Typed arguments parsed from the text after a command word.
//!
//! Tokens are separated by whitespace (ASCII or full-width); quotes (`"…"`, `'…'`, `“…”`, `「…」`, `『…』`)
//! group words. Full-width digits and signs are read as their ASCII forms.

use crate::i18n::{ArgKindText, Lang, Text};

/// A cursor over the argument text.
#[derive(Debug, Clone)]
pub struct ArgCursor<'a> {
    text: &'a str,
    pos: usize,
    used: bool,
}

const QUOTES: &[(char, char)] = &[('"', '"'), ('\'', '\''), ('“', '”'), ('「', '」'), ('『', '』'), ('‘', '’')];

impl<'a> ArgCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        ArgCursor { text, pos: 0, used: false }
    }

    fn skip_ws(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Takes the next token (a quoted group without its quotes), or `None` at the end.
    pub fn next_token(&mut self) -> Option<&'a str> {
        self.used = true;
        self.skip_ws();
        let rest = &self.text[self.pos..];
        let first = rest.chars().next()?;
        if let Some(&(_, close)) = QUOTES.iter().find(|(open, _)| *open == first) {
            let inner = &rest[first.len_utf8()..];
            if let Some(end) = inner.find(close) {
                self.pos += first.len_utf8() + end + close.len_utf8();
                return Some(&inner[..end]);
            }
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        self.pos += end;
        Some(&rest[..end])
    }

    /// Takes everything left, with leading whitespace removed and the rest unchanged.
    pub fn rest(&mut self) -> &'a str {
        self.used = true;
        self.skip_ws();
        let rest = &self.text[self.pos..];
        self.pos = self.text.len();
        rest.trim_end()
    }

    /// Whether nothing but whitespace is left.
    pub fn is_empty(&self) -> bool {
        self.text[self.pos..].trim().is_empty()
    }

    /// What is left, unconsumed.
    pub fn remaining(&self) -> &'a str {
        self.text[self.pos..].trim()
    }

    /// Whether any typed argument was read.
    pub fn was_used(&self) -> bool {
        self.used
    }

    fn position(&self) -> usize {
        self.pos
    }

    fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }
}

/// How an argument appears in a usage line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgSpec {
    /// What kind of value it takes.
    pub kind: ArgKindText,
    /// Whether it may be left out.
    pub optional: bool,
    /// Whether it takes every remaining token.
    pub variadic: bool,
}

impl ArgSpec {
    /// A required argument of the given kind.
    pub const fn required(kind: ArgKindText) -> Self {
        ArgSpec { kind, optional: false, variadic: false }
    }

    /// Renders `<name:kind>`, `[name:kind]` or `<name:kind…>`.
    pub fn render(&self, name: &str, lang: Lang) -> String {
        let kind = Text::Kind(self.kind).render(lang);
        let dots = if self.variadic { "…" } else { "" };
        if self.optional { format!("[{name}:{kind}{dots}]") } else { format!("<{name}:{kind}{dots}>") }
    }
}

/// Why an argument could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    /// What was expected.
    pub expected: ArgKindText,
    /// What the user wrote (`None`: nothing was there).
    pub got: Option<String>,
}

impl ArgError {
    /// An error for the token `got`.
    pub fn invalid(expected: ArgKindText, got: &str) -> Self {
        ArgError { expected, got: Some(got.to_owned()) }
    }

    /// An error for a missing argument.
    pub fn missing(expected: ArgKindText) -> Self {
        ArgError { expected, got: None }
    }
}

/// A value parsed from command arguments. Implement it for your own types to take them as handler parameters.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be parsed from command arguments",
    note = "typed arguments are integers, floats, bool, String, At, Rest, Option<T> and Vec<T>; implement `qqbot::command::FromArg` for your own type"
)]
pub trait FromArg: Sized {
    /// Whether it takes every remaining token (`Vec<T>`, `Rest`), so that no typed argument can follow it; the
    /// `#[command]` macro rejects one that is followed.
    const GREEDY: bool = false;

    /// Parses the value from the next token(s).
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError>;

    /// Parses the value when it is the handler's last typed argument (a `String` then takes the rest of the line).
    fn parse_last(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        Self::parse(args)
    }

    /// How it appears in a usage line.
    fn spec() -> ArgSpec;
}

/// Maps full-width digits, signs, dots and letters to ASCII so `１２` parses as `12`.
fn ascii_fold(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '。' => '.',
                _ => c,
            })
            .collect(),
    )
}

macro_rules! number_arg {
    ($kind:expr => $($t:ty),*) => {$(
        impl FromArg for $t {
            fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
                let token = args.next_token().ok_or(ArgError::missing($kind))?;
                ascii_fold(token).parse::<$t>().map_err(|_| ArgError::invalid($kind, token))
            }
            fn spec() -> ArgSpec {
                ArgSpec::required($kind)
            }
        }
    )*};
}

number_arg!(ArgKindText::Integer => i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
number_arg!(ArgKindText::Number => f32, f64);

impl FromArg for bool {
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        let token = args.next_token().ok_or(ArgError::missing(ArgKindText::Bool))?;
        match ascii_fold(token).to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" | "是" | "开" | "真" | "对" | "开启" => Ok(true),
            "false" | "no" | "n" | "off" | "0" | "否" | "关" | "假" | "错" | "关闭" => Ok(false),
            _ => Err(ArgError::invalid(ArgKindText::Bool, token)),
        }
    }
    fn spec() -> ArgSpec {
        ArgSpec::required(ArgKindText::Bool)
    }
}

impl FromArg for String {
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        args.next_token().map(str::to_owned).ok_or(ArgError::missing(ArgKindText::Word))
    }
    fn parse_last(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        let rest = args.rest();
        if rest.is_empty() { Err(ArgError::missing(ArgKindText::Rest)) } else { Ok(rest.to_owned()) }
    }
    fn spec() -> ArgSpec {
        ArgSpec::required(ArgKindText::Word)
    }
}

/// The rest of the line, unchanged (possibly empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rest(pub String);

impl FromArg for Rest {
    const GREEDY: bool = true;
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        Ok(Rest(args.rest().to_owned()))
    }
    fn spec() -> ArgSpec {
        ArgSpec { kind: ArgKindText::Rest, optional: true, variadic: false }
    }
}

impl std::ops::Deref for Rest {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A user, written as a mention (`@someone`, which arrives as `<@id>`) or a bare id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct At(pub String);

impl At {
    /// The user id.
    pub fn user_id(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromArg for At {
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        let token = args.next_token().ok_or(ArgError::missing(ArgKindText::User))?;
        if let Some((id, len)) = crate::message::parse_mention(token)
            && len == token.len()
        {
            return Ok(At(id.to_owned()));
        }
        let bare = token.strip_prefix('@').or_else(|| token.strip_prefix('＠')).unwrap_or(token);
        let bare = ascii_fold(bare);
        if !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            Ok(At(bare.into_owned()))
        } else {
            Err(ArgError::invalid(ArgKindText::User, token))
        }
    }
    fn spec() -> ArgSpec {
        ArgSpec::required(ArgKindText::User)
    }
}

impl<T: FromArg> FromArg for Option<T> {
    const GREEDY: bool = T::GREEDY;
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        if args.is_empty() {
            return Ok(None);
        }
        let pos = args.position();
        match T::parse(args) {
            Ok(v) => Ok(Some(v)),
            Err(_) => {
                args.reset(pos);
                Ok(None)
            }
        }
    }
    fn parse_last(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        if args.is_empty() { Ok(None) } else { T::parse_last(args).map(Some) }
    }
    fn spec() -> ArgSpec {
        ArgSpec { optional: true, ..T::spec() }
    }
}

impl<T: FromArg> FromArg for Vec<T> {
    const GREEDY: bool = true;
    fn parse(args: &mut ArgCursor<'_>) -> Result<Self, ArgError> {
        let mut out = Vec::new();
        while !args.is_empty() {
            out.push(T::parse(args)?);
        }
        Ok(out)
    }
    fn spec() -> ArgSpec {
        ArgSpec { optional: true, variadic: true, ..T::spec() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: FromArg>(text: &str) -> Result<T, ArgError> {
        T::parse_last(&mut ArgCursor::new(text))
    }

    #[test]
    fn tokens_split_on_full_width_space_and_quotes_group() {
        let mut c = ArgCursor::new("  甲\u{3000}“乙 丙” '丁 戊'  「己 庚」 x");
        assert_eq!(c.next_token(), Some("甲"));
        assert_eq!(c.next_token(), Some("乙 丙"));
        assert_eq!(c.next_token(), Some("丁 戊"));
        assert_eq!(c.next_token(), Some("己 庚"));
        assert_eq!(c.rest(), "x");
        assert!(c.is_empty());
        assert_eq!(c.next_token(), None);
    }

    #[test]
    fn unclosed_quote_is_a_plain_token() {
        let mut c = ArgCursor::new("\"abc def");
        assert_eq!(c.next_token(), Some("\"abc"));
    }

    #[test]
    fn numbers_accept_full_width() {
        assert_eq!(parse::<u32>("１２"), Ok(12));
        assert_eq!(parse::<i64>("－5"), Ok(-5));
        assert_eq!(parse::<f64>("3.5"), Ok(3.5));
        assert_eq!(parse::<u8>("300"), Err(ArgError::invalid(ArgKindText::Integer, "300")));
        assert_eq!(parse::<u8>(""), Err(ArgError::missing(ArgKindText::Integer)));
    }

    #[test]
    fn bools_in_chinese_and_english() {
        assert_eq!(parse::<bool>("是"), Ok(true));
        assert_eq!(parse::<bool>("OFF"), Ok(false));
        assert!(parse::<bool>("也许").is_err());
    }

    #[test]
    fn last_string_takes_the_rest_unchanged() {
        assert_eq!(parse::<String>("测试  123 "), Ok("测试  123".to_owned()));
        let mut c = ArgCursor::new("a b");
        assert_eq!(String::parse(&mut c), Ok("a".to_owned()));
    }

    #[test]
    fn at_accepts_mentions_and_ids() {
        assert_eq!(parse::<At>("<@123>"), Ok(At("123".into())));
        assert_eq!(parse::<At>("<@!abc>"), Ok(At("abc".into())));
        assert_eq!(parse::<At>("@42"), Ok(At("42".into())));
        assert_eq!(parse::<At>("４２"), Ok(At("42".into())));
        assert!(parse::<At>("张三").is_err());
    }

    #[test]
    fn option_backtracks_and_vec_takes_all() {
        let mut c = ArgCursor::new("abc 5");
        assert_eq!(Option::<u32>::parse(&mut c), Ok(None));
        assert_eq!(String::parse(&mut c), Ok("abc".into()));
        assert_eq!(Option::<u32>::parse(&mut c), Ok(Some(5)));
        assert_eq!(parse::<Vec<i32>>("1 2 ３"), Ok(vec![1, 2, 3]));
        assert!(parse::<Vec<i32>>("1 x").is_err());
        assert_eq!(parse::<Vec<i32>>(""), Ok(vec![]));
    }
}
