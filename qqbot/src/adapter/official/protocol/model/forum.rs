//! Forum (论坛) events: qg_botsdk's FORUMS_EVENT (private bots: FORUM_THREAD_*, FORUM_POST_*, FORUM_REPLY_*,
//! FORUM_PUBLISH_AUDIT_RESULT) with `thread_info`'s paragraphs and elements, and OPEN_FORUMS (public bots).
//!
//! The rich text arrives in several shapes: a JSON *string* holding `{"paragraphs":[…]}` (the second decode qg_botsdk
//! does), the object itself, or a bare list of elements (posts and replies). [`RichText`] accepts all three.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::adapter::serde_lenient::{lenient, lenient_model};

lenient! {
    /// FORUM_THREAD_CREATE / UPDATE / DELETE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ForumThread {
        /// The guild.
        pub guild_id: Option<String>,
        /// The forum channel.
        pub channel_id: Option<String>,
        /// The author's guild user id.
        pub author_id: Option<String>,
        /// The thread.
        pub thread_info: Option<ThreadInfo>,
    }
}

lenient! {
    /// A thread's details.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ThreadInfo {
        /// The thread id.
        pub thread_id: Option<String>,
        /// The title.
        pub title: Option<RichText>,
        /// The body.
        pub content: Option<RichText>,
        /// When it was published (ISO 8601).
        pub date_time: Option<String>,
    }
}

lenient! {
    /// FORUM_POST_CREATE / DELETE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ForumPost {
        /// The guild.
        pub guild_id: Option<String>,
        /// The forum channel.
        pub channel_id: Option<String>,
        /// The author's guild user id.
        pub author_id: Option<String>,
        /// The post.
        pub post_info: Option<PostInfo>,
    }
}

lenient! {
    /// A post's details.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct PostInfo {
        /// The thread.
        pub thread_id: Option<String>,
        /// The post id.
        pub post_id: Option<String>,
        /// The body.
        pub content: Option<RichText>,
        /// When it was published.
        pub date_time: Option<String>,
    }
}

lenient! {
    /// FORUM_REPLY_CREATE / DELETE.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ForumReply {
        /// The guild.
        pub guild_id: Option<String>,
        /// The forum channel.
        pub channel_id: Option<String>,
        /// The author's guild user id.
        pub author_id: Option<String>,
        /// The reply.
        pub reply_info: Option<ReplyInfo>,
    }
}

lenient! {
    /// A reply's details.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ReplyInfo {
        /// The thread.
        pub thread_id: Option<String>,
        /// The post.
        pub post_id: Option<String>,
        /// The reply id.
        pub reply_id: Option<String>,
        /// The body.
        pub content: Option<RichText>,
        /// When it was published.
        pub date_time: Option<String>,
    }
}

lenient! {
    /// FORUM_PUBLISH_AUDIT_RESULT: the audit outcome of something the bot published.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ForumAuditResult {
        /// The guild.
        pub guild_id: Option<String>,
        /// The channel.
        pub channel_id: Option<String>,
        /// The author.
        pub author_id: Option<String>,
        /// 1 thread, 2 post, 3 reply.
        #[serde(rename = "type")]
        pub kind: Option<i64>,
        /// 0 passed, 1 rejected.
        pub result: Option<i64>,
        /// Why it was rejected.
        pub err_msg: Option<String>,
        /// The thread.
        pub thread_id: Option<String>,
        /// The post.
        pub post_id: Option<String>,
        /// The reply.
        pub reply_id: Option<String>,
    }
}

lenient! {
    /// OPEN_FORUM_* events (public bots): only who and where.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct OpenForumEvent {
        /// The guild.
        pub guild_id: Option<String>,
        /// The channel.
        pub channel_id: Option<String>,
        /// The author.
        pub author_id: Option<String>,
    }
}

/// Rich text: paragraphs of elements (qg_botsdk's `sub_thr`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RichText {
    /// The paragraphs.
    pub paragraphs: Vec<Paragraph>,
}

lenient_model!(RichText);

lenient! {
    /// One paragraph (qg_botsdk's `para`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Paragraph {
        /// The elements.
        pub elems: Vec<Elem>,
        /// Paragraph properties (alignment …).
        pub props: Option<Value>,
    }
}

lenient! {
    /// One element (qg_botsdk's `elems_t` / `elems_c`): `type` 1 text, 2 image, 3 video, 4 URL (posts: 4 emoji).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Elem {
        /// The element type.
        #[serde(rename = "type")]
        pub kind: Option<i64>,
        /// Text (`text` or `text_info`).
        #[serde(alias = "text_info")]
        pub text: Option<TextElem>,
        /// A link (`url` or `url_info`).
        #[serde(alias = "url_info")]
        pub url: Option<UrlElem>,
        /// A picture (`image` or `image_info`).
        #[serde(alias = "image_info")]
        pub image: Option<Value>,
        /// A video (`video` or `video_info`).
        #[serde(alias = "video_info")]
        pub video: Option<Value>,
        /// An emoji (`emoji` or `emoji_info`).
        #[serde(alias = "emoji_info")]
        pub emoji: Option<EmojiElem>,
    }
}

lenient! {
    /// A text element.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct TextElem {
        /// The text.
        pub text: Option<String>,
    }
}

lenient! {
    /// A link element.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct UrlElem {
        /// The URL.
        pub url: Option<String>,
        /// Its description.
        pub desc: Option<String>,
    }
}

lenient! {
    /// An emoji element.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct EmojiElem {
        /// The emoji id.
        pub id: Option<String>,
        /// The emoji type.
        #[serde(rename = "type")]
        pub kind: Option<String>,
    }
}

impl RichText {
    /// The text elements and link descriptions joined, paragraphs separated by newlines.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for e in &p.elems {
                if let Some(t) = e.text.as_ref().and_then(|t| t.text.as_deref()) {
                    out.push_str(t);
                } else if let Some(u) = &e.url {
                    out.push_str(u.desc.as_deref().or(u.url.as_deref()).unwrap_or(""));
                }
            }
        }
        out
    }

    fn from_value(v: Value) -> RichText {
        match v {
            Value::String(s) => match serde_json::from_str::<Value>(&s) {
                Ok(inner @ (Value::Object(_) | Value::Array(_))) => RichText::from_value(inner),
                // A plain string title: one text element.
                _ => RichText {
                    paragraphs: vec![Paragraph {
                        elems: vec![Elem { kind: Some(1), text: Some(TextElem { text: Some(s) }), ..Elem::default() }],
                        props: None,
                    }],
                },
            },
            Value::Object(mut map) => {
                let paragraphs = map
                    .remove("paragraphs")
                    .and_then(|p| serde_json::from_value::<Vec<Paragraph>>(p).ok())
                    .unwrap_or_default();
                RichText { paragraphs }
            }
            Value::Array(items) => {
                let elems = items.into_iter().filter_map(|e| serde_json::from_value::<Elem>(e).ok()).collect();
                RichText { paragraphs: vec![Paragraph { elems, props: None }] }
            }
            _ => RichText::default(),
        }
    }
}

impl<'de> Deserialize<'de> for RichText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(RichText::from_value(Value::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_info_second_decode() {
        let d = serde_json::json!({
            "guild_id": 1, "channel_id": "2", "author_id": "3",
            "thread_info": {
                "thread_id": "t",
                "title": "{\"paragraphs\":[{\"elems\":[{\"text\":{\"text\":\"标题\"},\"type\":1}],\"props\":{}}]}",
                "content": "{\"paragraphs\":[{\"elems\":[{\"type\":1,\"text\":{\"text\":\"正文\"}},{\"type\":4,\"url\":{\"url\":\"https://q.qq.com\",\"desc\":\"链接\"}}],\"props\":{}}]}",
                "date_time": "2022-01-01T00:00:00+08:00"
            }
        });
        let t: ForumThread = serde_json::from_value(d).unwrap();
        assert_eq!(t.guild_id.as_deref(), Some("1"));
        let info = t.thread_info.unwrap();
        assert_eq!(info.title.unwrap().plain_text(), "标题");
        let content = info.content.unwrap();
        assert_eq!(content.plain_text(), "正文链接");
        assert_eq!(content.paragraphs[0].elems[1].url.as_ref().unwrap().url.as_deref(), Some("https://q.qq.com"));
    }
}
