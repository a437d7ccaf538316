//! Messages: an ordered chain of [`Segment`]s, with a builder and readable text.
//!
//! ```
//! use qqbot::message::Message;
//! let msg = Message::new().text("你好 ").at("123").image("https://example.com/a.png");
//! assert_eq!(msg.to_string(), "你好 @123[图片:https://example.com/a.png]");
//! ```

mod mention;
mod segment;

pub use mention::{Mention, at, parse_mention};
pub use segment::{ForwardNode, Media, Music, MusicKind, Segment};

use std::fmt;

/// An ordered chain of segments (ncatbot's MessageChain).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Message {
    segments: Vec<Segment>,
}

impl Message {
    /// An empty message.
    pub const fn new() -> Self {
        Message { segments: Vec::new() }
    }

    /// A message of the given segments.
    pub fn from_segments(segments: Vec<Segment>) -> Self {
        Message { segments }
    }

    /// Appends any segment (or anything that converts into one, such as [`at`]).
    pub fn push(mut self, segment: impl Into<Segment>) -> Self {
        self.segments.push(segment.into());
        self
    }

    /// Appends a segment in place.
    pub fn add(&mut self, segment: impl Into<Segment>) -> &mut Self {
        self.segments.push(segment.into());
        self
    }

    /// Appends text (merged into a preceding text segment).
    pub fn text(mut self, text: impl AsRef<str>) -> Self {
        match self.segments.last_mut() {
            Some(Segment::Text(t)) => t.push_str(text.as_ref()),
            _ => self.segments.push(Segment::Text(text.as_ref().to_owned())),
        }
        self
    }

    /// Appends a mention of a user.
    pub fn at(self, user_id: impl Into<String>) -> Self {
        self.push(Segment::At(Mention::new(user_id)))
    }

    /// Appends a mention of everyone.
    pub fn at_all(self) -> Self {
        self.push(Segment::AtAll)
    }

    /// Appends a QQ face by id.
    pub fn face(self, id: impl Into<String>) -> Self {
        self.push(Segment::Face(id.into()))
    }

    /// Makes the message a reply to the message `id` (placed first, as QQ expects).
    pub fn reply(mut self, id: impl Into<String>) -> Self {
        self.segments.insert(0, Segment::Reply(id.into()));
        self
    }

    /// Appends a picture from a path, URL, `base64://` data or id.
    pub fn image(self, file: impl Into<String>) -> Self {
        self.push(Segment::image(file))
    }

    /// Appends a voice clip from a path, URL, `base64://` data or id.
    pub fn record(self, file: impl Into<String>) -> Self {
        self.push(Segment::record(file))
    }

    /// Appends a video from a path, URL, `base64://` data or id.
    pub fn video(self, file: impl Into<String>) -> Self {
        self.push(Segment::video(file))
    }

    /// Appends a file from a path, URL, `base64://` data or id.
    pub fn file(self, file: impl Into<String>) -> Self {
        self.push(Segment::file(file))
    }

    /// Appends markdown.
    pub fn markdown(self, content: impl Into<String>) -> Self {
        self.push(Segment::Markdown(content.into()))
    }

    /// Appends a JSON card.
    pub fn json(self, data: impl Into<String>) -> Self {
        self.push(Segment::Json(data.into()))
    }

    /// Appends a music share.
    pub fn music(self, music: Music) -> Self {
        self.push(Segment::Music(music))
    }

    /// Appends a dice.
    pub fn dice(self) -> Self {
        self.push(Segment::Dice(None))
    }

    /// Appends rock-paper-scissors.
    pub fn rps(self) -> Self {
        self.push(Segment::Rps(None))
    }

    /// Appends a keyboard (official platform / NapCat JSON).
    pub fn keyboard(self, keyboard: serde_json::Value) -> Self {
        self.push(Segment::Keyboard(keyboard))
    }

    /// The segments in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segments, mutably.
    pub fn segments_mut(&mut self) -> &mut Vec<Segment> {
        &mut self.segments
    }

    /// Takes the segments out.
    pub fn into_segments(self) -> Vec<Segment> {
        self.segments
    }

    /// Whether there are no segments.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The number of segments.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Iterates over the segments.
    pub fn iter(&self) -> std::slice::Iter<'_, Segment> {
        self.segments.iter()
    }

    /// The text segments joined, everything else left out.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            if let Segment::Text(t) = s {
                out.push_str(t);
            }
        }
        out
    }

    /// The user ids mentioned, in order.
    pub fn mentions(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::At(m) => Some(m.id()),
            _ => None,
        })
    }

    /// The id of the message this one replies to, if it has a reply segment.
    pub fn reply_id(&self) -> Option<&str> {
        self.segments.iter().find_map(|s| match s {
            Segment::Reply(id) => Some(id.as_str()),
            _ => None,
        })
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            fmt::Display::fmt(s, f)?;
        }
        Ok(())
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message { segments: vec![Segment::Text(text.to_owned())] }
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message { segments: vec![Segment::Text(text)] }
    }
}

impl From<Segment> for Message {
    fn from(segment: Segment) -> Self {
        Message { segments: vec![segment] }
    }
}

impl From<Vec<Segment>> for Message {
    fn from(segments: Vec<Segment>) -> Self {
        Message { segments }
    }
}

impl From<Mention> for Message {
    fn from(m: Mention) -> Self {
        Message { segments: vec![m.into()] }
    }
}

impl FromIterator<Segment> for Message {
    fn from_iter<I: IntoIterator<Item = Segment>>(iter: I) -> Self {
        Message { segments: iter.into_iter().collect() }
    }
}

impl IntoIterator for Message {
    type Item = Segment;
    type IntoIter = std::vec::IntoIter<Segment>;
    fn into_iter(self) -> Self::IntoIter {
        self.segments.into_iter()
    }
}

impl<'a> IntoIterator for &'a Message {
    type Item = &'a Segment;
    type IntoIter = std::slice::Iter<'a, Segment>;
    fn into_iter(self) -> Self::IntoIter {
        self.segments.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_merges_text_and_puts_reply_first() {
        let m = Message::new().text("a").text("b").at("1").reply("9");
        assert_eq!(m.segments(), &[Segment::Reply("9".into()), Segment::Text("ab".into()), Segment::At("1".into())]);
        assert_eq!(m.reply_id(), Some("9"));
        assert_eq!(m.mentions().collect::<Vec<_>>(), vec!["1"]);
        assert_eq!(m.plain_text(), "ab");
    }
}
