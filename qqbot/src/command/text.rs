//! The text commands match: a message's text segments with mentions written `<@id>`, and its treated form
//! (qg_botsdk's `treated_msg`: the bot's mentions removed, whitespace trimmed, one leading `/` removed).
//!
//! Both borrow the message where they can: a message of one text segment is not copied, and its treated form is
//! a range of it. A very long message then costs one copy (the one decoded from the frame), not three.

use std::ops::Range;

use crate::message::{Message, Segment};

/// A message's command text and treated text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandText {
    /// `None`: the text is the message's one text segment.
    own: Option<String>,
    treated: Treated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Treated {
    /// A range of the text.
    Range(Range<usize>),
    /// Mentions were cut out of the middle: a text of its own.
    Own(String),
}

impl CommandText {
    /// The command text of `message` for the account `self_id`.
    pub(crate) fn of(message: &Message, self_id: &str) -> Self {
        let own = match message.segments() {
            [Segment::Text(_)] => None,
            segments => Some(joined(segments)),
        };
        let text = own.as_deref().unwrap_or_else(|| single_text(message));
        let treated = treat(text, self_id);
        CommandText { own, treated }
    }

    /// The text (`message` must be the one this was made of).
    pub(crate) fn text<'a>(&'a self, message: &'a Message) -> &'a str {
        self.own.as_deref().unwrap_or_else(|| single_text(message))
    }

    /// The treated text (`message` must be the one this was made of).
    pub(crate) fn treated<'a>(&'a self, message: &'a Message) -> &'a str {
        match &self.treated {
            Treated::Own(s) => s,
            Treated::Range(r) => self.text(message).get(r.clone()).unwrap_or(""),
        }
    }
}

fn single_text(message: &Message) -> &str {
    match message.segments() {
        [Segment::Text(t)] => t,
        _ => "",
    }
}

/// Text segments, with mentions as `<@id> `.
fn joined(segments: &[Segment]) -> String {
    let mut out = String::new();
    for seg in segments {
        match seg {
            Segment::Text(t) => out.push_str(t),
            Segment::At(id) => {
                out.push_str("<@");
                out.push_str(id);
                out.push_str("> ");
            }
            _ => {}
        }
    }
    out
}

/// The range of `t` left after trimming and removing one leading `/` (or `／`).
fn strip_slash(t: &str) -> Range<usize> {
    let start = t.len() - t.trim_start().len();
    let end = t.trim_end().len().max(start);
    let inner = &t[start..end];
    let slash = if inner.starts_with('/') {
        1
    } else if inner.starts_with('／') {
        '／'.len_utf8()
    } else {
        0
    };
    start + slash..end
}

fn treat(text: &str, self_id: &str) -> Treated {
    if self_id.is_empty() || !text.contains("<@") {
        return Treated::Range(strip_slash(text));
    }
    let mut without = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("<@") {
        without.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        match crate::message::parse_mention(tail) {
            Some((id, len)) if id == self_id => rest = &tail[len..],
            _ => {
                without.push_str("<@");
                rest = &tail[2..];
            }
        }
    }
    without.push_str(rest);
    let range = strip_slash(&without);
    Treated::Own(without[range].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn treated(text: &str) -> String {
        let m = Message::from(text);
        CommandText::of(&m, "10").treated(&m).to_owned()
    }

    #[test]
    fn treat_removes_bot_mentions_and_one_slash() {
        assert_eq!(treated("<@!10> /echo hi"), "echo hi");
        assert_eq!(treated("<@10>  你好"), "你好");
        assert_eq!(treated("<@11> /x"), "<@11> /x");
        assert_eq!(treated(" //x "), "/x");
        assert_eq!(treated("／帮助"), "帮助");
        assert_eq!(treated("<@"), "<@");
        assert_eq!(treated("  "), "");
    }

    #[test]
    fn mentions_become_text_and_one_text_segment_is_not_copied() {
        let m = Message::new().at("10").text("/ban ").at("42").text(" 10");
        let t = CommandText::of(&m, "10");
        assert_eq!(t.text(&m), "<@10> /ban <@42>  10");
        assert_eq!(t.treated(&m), "ban <@42>  10");
        let single = Message::from("/echo hi");
        let t = CommandText::of(&single, "10");
        assert!(t.own.is_none() && matches!(t.treated, Treated::Range(_)));
        assert_eq!((t.text(&single), t.treated(&single)), ("/echo hi", "echo hi"));
    }
}
