//! Mentions: seed 003's `AT('123')` helper.

use std::fmt;

use super::Segment;

/// A mention of one user, built by [`at`].
///
/// As text it is the official platform's mention syntax, `<@123>`, so it can be put into a `format!` string;
/// as a [`Segment`] it becomes a mention on every platform (OneBot `at`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mention(pub String);

/// Mentions a user: `at("123").to_string() == "<@123>"`, and `Message::new().push(at("123"))` mentions them.
///
/// ```
/// use qqbot::message::{at, Message, Segment};
/// assert_eq!(at("123456789").to_string(), "<@123456789>");
/// assert_eq!(Message::new().push(at("1")).segments(), &[Segment::At("1".into())]);
/// ```
pub fn at(user_id: impl Into<String>) -> Mention {
    Mention(user_id.into())
}

impl fmt::Display for Mention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<@{}>", self.0)
    }
}

impl From<Mention> for Segment {
    fn from(m: Mention) -> Self {
        Segment::At(m.0)
    }
}

/// Parses the official platform's mention syntax at the start of `text`: `<@123>`, `<@!123>`, or `<qqbot-at-user id="123" />`.
/// Returns the user id and the number of bytes the mention takes.
pub fn parse_mention(text: &str) -> Option<(&str, usize)> {
    if let Some(rest) = text.strip_prefix("<@") {
        let rest_trim = rest.strip_prefix('!').unwrap_or(rest);
        let skipped = rest.len() - rest_trim.len();
        let end = rest_trim.find('>')?;
        let id = &rest_trim[..end];
        if id.is_empty() || id.contains(char::is_whitespace) {
            return None;
        }
        return Some((id, 2 + skipped + end + 1));
    }
    if let Some(rest) = text.strip_prefix("<qqbot-at-user id=\"") {
        let end = rest.find('"')?;
        let id = &rest[..end];
        let after = &rest[end + 1..];
        let close = after.find("/>")?;
        if !after[..close].trim().is_empty() {
            return None;
        }
        return Some((id, "<qqbot-at-user id=\"".len() + end + 1 + close + 2));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_official_mentions() {
        assert_eq!(parse_mention("<@123> hi"), Some(("123", 6)));
        assert_eq!(parse_mention("<@!123>"), Some(("123", 7)));
        assert_eq!(parse_mention("<@>"), None);
        assert_eq!(parse_mention("<@12"), None);
        assert_eq!(parse_mention("<qqbot-at-user id=\"abc\" />x"), Some(("abc", 26)));
    }
}
