//! Mentions: qg_botsdk's `AT('123')` helper, and the mention a [`Segment::At`] holds.

use std::fmt;

use super::Segment;

/// A mention of one user: what [`Segment::At`] holds and what [`at`] builds.
///
/// As text it is the official platform's mention syntax, `<@123>`, so it can be put into a `format!` string;
/// as a [`Segment`] it becomes a mention on every platform (OneBot `at`). It derefs to the user id. A mention
/// received from an implementation keeps what came with it: the display `name` go-cqhttp and LLOneBot send, and
/// whether the id arrived as a JSON number (NapCat's documented form), so it goes back out the same way.
#[derive(Debug, Clone, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(skip)]
    id_was_number: bool,
}

impl Mention {
    /// A mention of `user_id`.
    pub fn new(user_id: impl Into<String>) -> Self {
        Mention { id: user_id.into(), name: None, id_was_number: false }
    }

    /// The same mention with a display name (OneBot implementations show it when the user is not in the group).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The mentioned user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The display name that came with the mention, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// A mention whose id arrived as a JSON number (kept so it is sent back as one).
    pub(crate) fn numeric(user_id: impl Into<String>) -> Self {
        Mention { id: user_id.into(), name: None, id_was_number: true }
    }

    /// Whether the id arrived as a JSON number.
    pub(crate) fn id_was_number(&self) -> bool {
        self.id_was_number
    }
}

/// Two mentions are equal when they name the same user with the same display name, however the id was spelled.
impl PartialEq for Mention {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.name == other.name
    }
}

impl std::hash::Hash for Mention {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
        self.name.hash(state);
    }
}

impl std::ops::Deref for Mention {
    type Target = str;
    fn deref(&self) -> &str {
        &self.id
    }
}

impl From<&str> for Mention {
    fn from(user_id: &str) -> Self {
        Mention::new(user_id)
    }
}

impl From<String> for Mention {
    fn from(user_id: String) -> Self {
        Mention::new(user_id)
    }
}

/// Mentions a user: `at("123").to_string() == "<@123>"`, and `Message::new().push(at("123"))` mentions them.
///
/// ```
/// use qqbot::message::{at, Message, Segment};
/// assert_eq!(at("123456789").to_string(), "<@123456789>");
/// assert_eq!(Message::new().push(at("1")).segments(), &[Segment::At("1".into())]);
/// ```
pub fn at(user_id: impl Into<String>) -> Mention {
    Mention::new(user_id)
}

impl fmt::Display for Mention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<@{}>", self.id)
    }
}

impl From<Mention> for Segment {
    fn from(m: Mention) -> Self {
        Segment::At(m)
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
