//! One piece of a message.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::{Mention, Message};

/// A picture, voice clip, video or file, referred to the way QQ implementations accept it.
///
/// `file` is a local path, `file://` URI, `http(s)://` URL, `base64://…` data, or a platform file id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Media {
    /// Where the media is (see the type's documentation).
    pub file: String,
    /// A download URL, when the platform provides one on received media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A display name (files), or a summary (images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Platform-specific fields (`sub_type`, `file_size`, `cache` …), kept so nothing is lost on re-encoding.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Media {
    /// Media at a path, URL or id.
    pub fn new(file: impl Into<String>) -> Self {
        Media { file: file.into(), ..Default::default() }
    }
}

/// Which music platform a [`Music`] share points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MusicKind {
    /// QQ 音乐.
    Qq,
    /// 网易云音乐.
    #[serde(rename = "163")]
    NetEase,
    /// 酷狗音乐.
    Kugou,
    /// 酷我音乐.
    Kuwo,
    /// 虾米音乐.
    Xm,
    /// A custom card with its own URL, audio, title and picture.
    Custom,
    /// Any other platform name an implementation accepts.
    #[serde(untagged)]
    Other(String),
}

/// A music share card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Music {
    /// The platform.
    pub kind: MusicKind,
    /// The song id on that platform (not used for custom cards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Custom card: the page to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Custom card: the audio URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    /// Custom card: the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Custom card: the description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Custom card: the picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// A node of a merged-forward message: either an existing message by id, or custom content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardNode {
    /// An existing message's id (the node then carries no content).
    pub id: Option<String>,
    /// The displayed sender id.
    pub user_id: Option<String>,
    /// The displayed sender name.
    pub nickname: Option<String>,
    /// The node's content.
    pub content: Message,
}

/// One piece of a [`Message`].
///
/// With serde it is `{"type": "text", "data": "…"}`, `{"type": "at", "data": {"id": "…", "name": null}}` …: the
/// neutral model, for storing and logging; a platform's wire format is the adapter's business.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Segment {
    /// Plain text.
    Text(String),
    /// A QQ face (表情) by id.
    Face(String),
    /// A mention of a user (the id, and what came with it).
    At(Mention),
    /// A mention of everyone (@全体成员).
    AtAll,
    /// A reference to the message this one replies to.
    Reply(String),
    /// A picture.
    Image(Media),
    /// A voice clip.
    Record(Media),
    /// A video.
    Video(Media),
    /// A file.
    File(Media),
    /// A JSON card (OneBot `json`, NapCat lightapp).
    Json(String),
    /// An XML card.
    Xml(String),
    /// Markdown text (official platform, NapCat).
    Markdown(String),
    /// A keyboard of buttons, as the platform's JSON.
    Keyboard(serde_json::Value),
    /// An ark template message (official platform), as its JSON.
    Ark(serde_json::Value),
    /// An embed (official guild messages), as its JSON.
    Embed(serde_json::Value),
    /// A music share card.
    Music(Music),
    /// A dice (骰子); the value is known on received messages.
    Dice(Option<u8>),
    /// Rock-paper-scissors (猜拳); the value is known on received messages.
    Rps(Option<u8>),
    /// A poke (戳一戳) of the given type and id.
    Poke {
        /// The poke type.
        kind: String,
        /// The poke id.
        id: String,
    },
    /// A window shake (窗口抖动).
    Shake,
    /// A merged-forward message by its forward id.
    Forward(String),
    /// A node of a merged-forward message being built.
    Node(Box<ForwardNode>),
    /// A location.
    Location {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
        /// A title.
        title: Option<String>,
        /// A description.
        content: Option<String>,
    },
    /// A link share.
    Share {
        /// The URL.
        url: String,
        /// The title.
        title: String,
        /// A description.
        content: Option<String>,
        /// A picture URL.
        image: Option<String>,
    },
    /// A contact card recommending a user (`qq`) or group (`group`).
    Contact {
        /// `qq` or `group`.
        kind: String,
        /// The id.
        id: String,
    },
    /// Any segment without a typed form here, kept with all its data.
    Other {
        /// The segment type as the platform names it.
        kind: String,
        /// Its data, exactly as received.
        data: serde_json::Map<String, serde_json::Value>,
    },
}

impl Segment {
    /// A text segment.
    pub fn text(text: impl Into<String>) -> Self {
        Segment::Text(text.into())
    }

    /// A picture from a path, URL, `base64://` data or id.
    pub fn image(file: impl Into<String>) -> Self {
        Segment::Image(Media::new(file))
    }

    /// A voice clip from a path, URL, `base64://` data or id.
    pub fn record(file: impl Into<String>) -> Self {
        Segment::Record(Media::new(file))
    }

    /// A video from a path, URL, `base64://` data or id.
    pub fn video(file: impl Into<String>) -> Self {
        Segment::Video(Media::new(file))
    }

    /// A file from a path, URL, `base64://` data or id.
    pub fn file(file: impl Into<String>) -> Self {
        Segment::File(Media::new(file))
    }

    /// The text, if this is a text segment.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Segment::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The segment's type name as OneBot spells it (`text`, `image`, `at` …).
    pub fn kind(&self) -> &str {
        match self {
            Segment::Text(_) => "text",
            Segment::Face(_) => "face",
            Segment::At(_) | Segment::AtAll => "at",
            Segment::Reply(_) => "reply",
            Segment::Image(_) => "image",
            Segment::Record(_) => "record",
            Segment::Video(_) => "video",
            Segment::File(_) => "file",
            Segment::Json(_) => "json",
            Segment::Xml(_) => "xml",
            Segment::Markdown(_) => "markdown",
            Segment::Keyboard(_) => "keyboard",
            Segment::Ark(_) => "ark",
            Segment::Embed(_) => "embed",
            Segment::Music(_) => "music",
            Segment::Dice(_) => "dice",
            Segment::Rps(_) => "rps",
            Segment::Poke { .. } => "poke",
            Segment::Shake => "shake",
            Segment::Forward(_) => "forward",
            Segment::Node(_) => "node",
            Segment::Location { .. } => "location",
            Segment::Share { .. } => "share",
            Segment::Contact { .. } => "contact",
            Segment::Other { kind, .. } => kind,
        }
    }
}

impl From<&str> for Segment {
    fn from(text: &str) -> Self {
        Segment::Text(text.to_owned())
    }
}

impl From<String> for Segment {
    fn from(text: String) -> Self {
        Segment::Text(text)
    }
}

/// Readable text: what a person would see, with placeholders like `[图片]` for media.
impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Text(t) => f.write_str(t),
            Segment::Face(id) => write!(f, "[表情:{id}]"),
            Segment::At(m) => write!(f, "@{}", m.id()),
            Segment::AtAll => f.write_str("@全体成员"),
            Segment::Reply(id) => write!(f, "[回复:{id}]"),
            Segment::Image(m) => match &m.url {
                Some(url) => write!(f, "[图片:{url}]"),
                None => write!(f, "[图片:{}]", m.file),
            },
            Segment::Record(m) => write!(f, "[语音:{}]", m.file),
            Segment::Video(m) => write!(f, "[视频:{}]", m.file),
            Segment::File(m) => write!(f, "[文件:{}]", m.name.as_deref().unwrap_or(&m.file)),
            Segment::Json(_) => f.write_str("[卡片]"),
            Segment::Xml(_) => f.write_str("[XML卡片]"),
            Segment::Markdown(md) => f.write_str(md),
            Segment::Keyboard(_) => f.write_str("[按钮]"),
            Segment::Ark(_) => f.write_str("[Ark]"),
            Segment::Embed(_) => f.write_str("[Embed]"),
            Segment::Music(m) => match (&m.title, &m.id) {
                (Some(t), _) => write!(f, "[音乐:{t}]"),
                (None, Some(id)) => write!(f, "[音乐:{id}]"),
                _ => f.write_str("[音乐]"),
            },
            Segment::Dice(v) => match v {
                Some(v) => write!(f, "[骰子:{v}]"),
                None => f.write_str("[骰子]"),
            },
            Segment::Rps(v) => match v {
                Some(v) => write!(f, "[猜拳:{v}]"),
                None => f.write_str("[猜拳]"),
            },
            Segment::Poke { .. } => f.write_str("[戳一戳]"),
            Segment::Shake => f.write_str("[窗口抖动]"),
            Segment::Forward(_) => f.write_str("[合并转发]"),
            Segment::Node(node) => write!(f, "[转发节点:{}]", node.content),
            Segment::Location { title, .. } => {
                write!(f, "[位置:{}]", title.as_deref().unwrap_or(""))
            }
            Segment::Share { title, .. } => write!(f, "[分享:{title}]"),
            Segment::Contact { kind, id } => write!(f, "[名片:{kind}:{id}]"),
            Segment::Other { kind, .. } => write!(f, "[{kind}]"),
        }
    }
}
