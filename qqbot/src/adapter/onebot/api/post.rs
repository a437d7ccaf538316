//! The options of ncatbot's `post_group_msg` / `post_private_msg` and `post_group_file` / `post_private_file`.

use super::Id;
use crate::message::{Media, Message, Music, Segment};

/// What [`OneBotApi::post_group_msg`](super::OneBotApi::post_group_msg) and
/// [`OneBotApi::post_private_msg`](super::OneBotApi::post_private_msg) send: every keyword of ncatbot's
/// `post_group_msg`, as an options struct with `Default` and chainable setters.
///
/// The message is built in ncatbot's fixed order: `text`, `face`, `json`, `markdown`, `at`, then `reply` moved to
/// the front, then `music`, `dice`, `rps`, `image`, and finally the `rtf` chain (whose reply, if any, also goes to
/// the front). A plain `&str` converts into a `PostMsg` with only `text`, and a [`Message`] into one with only
/// `rtf`, so `post_group_msg(123, "你好")` reads like the seed's call.
///
/// Differences from ncatbot 3.x, on purpose: `markdown` is sent as a `markdown` segment (ncatbot rendered it to
/// a PNG), and an `rtf` chain is sent whole (ncatbot silently dropped json/music/record/video segments of mixed
/// chains).
///
/// ```
/// use qqbot::adapter::onebot::api::PostMsg;
/// let msg = PostMsg::text("你好呀").at(123456).reply(13579).to_message(true);
/// assert_eq!(msg.to_string(), "[回复:13579]你好呀@123456");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostMsg {
    /// 文本 — text.
    pub text: Option<String>,
    /// 表情 — a QQ face id.
    pub face: Option<Id>,
    /// JSON 卡片 — a JSON card's text.
    pub json: Option<String>,
    /// Markdown — markdown content (NapCat `markdown` segment).
    pub markdown: Option<String>,
    /// @ 的用户的 QQ 号 — a user to mention (group messages only; QQ drops mentions in private chats).
    pub at: Option<Id>,
    /// 需要回复的消息 id — the message to reply to.
    pub reply: Option<Id>,
    /// 音乐 — a music card.
    pub music: Option<Music>,
    /// 骰子 — a dice.
    pub dice: bool,
    /// 猜拳 — rock-paper-scissors.
    pub rps: bool,
    /// 图片 — a picture: path, URL, `base64://…` or file id.
    pub image: Option<String>,
    /// 消息链 — a whole message chain, appended last.
    pub rtf: Option<Message>,
}

impl PostMsg {
    /// An empty set of options (sending it fails with an empty-message error).
    pub fn new() -> Self {
        PostMsg::default()
    }

    /// Options with only `text`.
    pub fn text(text: impl Into<String>) -> Self {
        PostMsg { text: Some(text.into()), ..PostMsg::default() }
    }

    /// Options with only `rtf`: send a whole [`Message`].
    pub fn rtf(message: impl Into<Message>) -> Self {
        PostMsg { rtf: Some(message.into()), ..PostMsg::default() }
    }

    /// Sets the text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Adds a QQ face by id.
    pub fn face(mut self, id: impl Into<Id>) -> Self {
        self.face = Some(id.into());
        self
    }

    /// Adds a JSON card.
    pub fn json(mut self, data: impl Into<String>) -> Self {
        self.json = Some(data.into());
        self
    }

    /// Adds markdown.
    pub fn markdown(mut self, content: impl Into<String>) -> Self {
        self.markdown = Some(content.into());
        self
    }

    /// Mentions a user (group messages only).
    pub fn at(mut self, user_id: impl Into<Id>) -> Self {
        self.at = Some(user_id.into());
        self
    }

    /// Replies to a message.
    pub fn reply(mut self, message_id: impl Into<Id>) -> Self {
        self.reply = Some(message_id.into());
        self
    }

    /// Adds a music card.
    pub fn music(mut self, music: Music) -> Self {
        self.music = Some(music);
        self
    }

    /// Adds a dice.
    pub fn dice(mut self) -> Self {
        self.dice = true;
        self
    }

    /// Adds rock-paper-scissors.
    pub fn rps(mut self) -> Self {
        self.rps = true;
        self
    }

    /// Adds a picture.
    pub fn image(mut self, file: impl Into<String>) -> Self {
        self.image = Some(file.into());
        self
    }

    /// Appends a message chain.
    pub fn with_rtf(mut self, message: impl Into<Message>) -> Self {
        self.rtf = Some(message.into());
        self
    }

    /// The message these options describe, in ncatbot's order; `with_at` is false for private chats.
    pub fn to_message(&self, with_at: bool) -> Message {
        let mut segments = Vec::new();
        if let Some(text) = &self.text {
            segments.push(Segment::Text(text.clone()));
        }
        if let Some(face) = &self.face {
            segments.push(Segment::Face(face.to_string()));
        }
        if let Some(json) = &self.json {
            segments.push(Segment::Json(json.clone()));
        }
        if let Some(markdown) = &self.markdown {
            segments.push(Segment::Markdown(markdown.clone()));
        }
        if let (true, Some(at)) = (with_at, &self.at) {
            segments.push(Segment::At(at.to_string().into()));
        }
        if let Some(reply) = &self.reply {
            segments.insert(0, Segment::Reply(reply.to_string()));
        }
        if let Some(music) = &self.music {
            segments.push(Segment::Music(music.clone()));
        }
        if self.dice {
            segments.push(Segment::Dice(None));
        }
        if self.rps {
            segments.push(Segment::Rps(None));
        }
        if let Some(image) = &self.image {
            segments.push(Segment::Image(Media::new(image.clone())));
        }
        if let Some(rtf) = &self.rtf {
            let mut replied = false;
            for segment in rtf.iter() {
                match segment {
                    Segment::Reply(_) if !replied => {
                        replied = true;
                        segments.insert(0, segment.clone());
                    }
                    other => segments.push(other.clone()),
                }
            }
        }
        Message::from_segments(segments)
    }
}

impl From<&str> for PostMsg {
    fn from(text: &str) -> Self {
        PostMsg::text(text)
    }
}

impl From<String> for PostMsg {
    fn from(text: String) -> Self {
        PostMsg::text(text)
    }
}

impl From<Message> for PostMsg {
    fn from(message: Message) -> Self {
        PostMsg::rtf(message)
    }
}

/// What [`OneBotApi::post_group_file`](super::OneBotApi::post_group_file) and
/// [`OneBotApi::post_private_file`](super::OneBotApi::post_private_file) send: one media segment. Each `file` is a
/// path, URL, `base64://…` data or file id.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PostFile {
    /// 图片 — a picture.
    Image(String),
    /// 语音 — a voice clip (NapCat transcodes it with ffmpeg).
    Record(String),
    /// 视频 — a video.
    Video(String),
    /// 文件 — a file, with an optional display name.
    File {
        /// Where the file is.
        file: String,
        /// The name shown in the chat.
        name: Option<String>,
    },
    /// Markdown content.
    Markdown(String),
}

impl PostFile {
    /// A picture.
    pub fn image(file: impl Into<String>) -> Self {
        PostFile::Image(file.into())
    }

    /// A voice clip.
    pub fn record(file: impl Into<String>) -> Self {
        PostFile::Record(file.into())
    }

    /// A video.
    pub fn video(file: impl Into<String>) -> Self {
        PostFile::Video(file.into())
    }

    /// A file, shown under its own name.
    pub fn file(file: impl Into<String>) -> Self {
        PostFile::File { file: file.into(), name: None }
    }

    /// A file shown under `name`.
    pub fn named_file(file: impl Into<String>, name: impl Into<String>) -> Self {
        PostFile::File { file: file.into(), name: Some(name.into()) }
    }

    /// Markdown.
    pub fn markdown(content: impl Into<String>) -> Self {
        PostFile::Markdown(content.into())
    }

    /// The one-segment message this sends.
    pub fn to_message(&self) -> Message {
        let segment = match self {
            PostFile::Image(file) => Segment::image(file.clone()),
            PostFile::Record(file) => Segment::record(file.clone()),
            PostFile::Video(file) => Segment::video(file.clone()),
            PostFile::File { file, name } => {
                Segment::File(Media { file: file.clone(), name: name.clone(), ..Media::default() })
            }
            PostFile::Markdown(content) => Segment::Markdown(content.clone()),
        };
        Message::from(segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_follows_ncatbot_with_replies_in_front() {
        let opts = PostMsg::text("t")
            .face(1)
            .json("{}")
            .markdown("# m")
            .at(2)
            .reply(3)
            .dice()
            .rps()
            .image("a.png")
            .with_rtf(Message::new().text("r").reply("4"));
        let kinds: Vec<String> = opts.to_message(true).iter().map(|s| s.kind().to_owned()).collect();
        assert_eq!(kinds, ["reply", "reply", "text", "face", "json", "markdown", "at", "dice", "rps", "image", "text"]);
        assert_eq!(opts.to_message(true).reply_id(), Some("4"));
        assert!(opts.to_message(false).mentions().next().is_none());
    }
}
