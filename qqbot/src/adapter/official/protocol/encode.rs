//! Turns a [`Message`] into the request bodies of the official send endpoints.
//!
//! One `Message` may need several platform messages: groups and C2C carry one piece of media per message
//! (`msg_type` 7), guild channels one picture per message, and markdown, ark and embed are message types of their
//! own. The first part carries the quote (`message_reference`); text travels with the first piece of media when
//! there is one.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::super::media::MediaKind;
use crate::error::{Error, Result};
use crate::event::{Platform, Scene};
use crate::message::{Media, Message, Segment};

/// `msg_type` values of group and C2C messages.
pub mod msg_type {
    /// Text.
    pub const TEXT: u8 = 0;
    /// Markdown (also keyboard-only messages).
    pub const MARKDOWN: u8 = 2;
    /// Ark template.
    pub const ARK: u8 = 3;
    /// Embed.
    pub const EMBED: u8 = 4;
    /// Media (`media.file_info` from the files endpoint).
    pub const MEDIA: u8 = 7;
}

/// One message body of the send endpoints (`POST /v2/groups/{id}/messages`, `/v2/users/{id}/messages`,
/// `/channels/{id}/messages`, `/dms/{id}/messages`), as the Open Platform defines it. [`plan`] builds it from a
/// [`Message`]; the sender completes it — the reply ids (`msg_id` / `event_id`), the uploaded media, and
/// [`OfficialApi::send_message`](crate::adapter::official::OfficialApi::send_message) the `msg_seq` of passive replies. Fields left
/// `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OutgoingMessage {
    /// Group and C2C only: 0 text, 2 markdown, 3 ark, 4 embed, 7 media (see [`msg_type`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_type: Option<u8>,
    /// The text (mentions as `<@id>`, faces as `<emoji:id>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// A markdown body: `{"content": …}` or a template `{"custom_template_id", "params"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<Value>,
    /// A keyboard: a template `{"id": …}` or inline `{"content": …}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyboard: Option<Value>,
    /// An ark template message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ark: Option<Value>,
    /// An embed (guild channels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed: Option<Value>,
    /// Group and C2C media: the `file_info` the files endpoint returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaRef>,
    /// Guild channels: a picture by URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The quoted message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_reference: Option<MessageReference>,
    /// A passive reply: the message replied to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<String>,
    /// A passive reply to an event (interactions, group/friend additions …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The sequence number of a passive reply in its reply chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_seq: Option<u32>,
}

/// `media` of a group or C2C message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaRef {
    /// What the files endpoint returned for the upload.
    pub file_info: String,
}

/// `message_reference`: a quote of an earlier message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageReference {
    /// The quoted message.
    pub message_id: String,
    /// Guild channels: send even if the quoted message cannot be read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ignore_get_message_error: bool,
}

impl OutgoingMessage {
    /// The body as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// One platform message to send: its body, and the media it still needs (uploaded or resolved by the sender).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The body, without `msg_id`/`event_id`/`msg_seq` (added by the sender).
    pub body: OutgoingMessage,
    /// Media to make available and attach.
    pub media: Option<(MediaKind, Media)>,
}

/// A markdown template segment: `custom_template_id` with `params` (`[{key, values:[…]}]`).
pub fn markdown_template(template_id: impl Into<String>, params: Vec<(String, Vec<String>)>) -> Segment {
    let params: Vec<Value> = params.into_iter().map(|(key, values)| json!({ "key": key, "values": values })).collect();
    let mut data = Map::new();
    data.insert("custom_template_id".into(), Value::String(template_id.into()));
    data.insert("params".into(), Value::Array(params));
    Segment::Other { kind: "markdown".into(), data }
}

/// A keyboard from a template id (`{"id": …}`).
pub fn keyboard_template(template_id: impl Into<String>) -> Segment {
    Segment::Keyboard(json!({ "id": template_id.into() }))
}

/// An ark message: `template_id` (23, 24, 37 …) and its `kv` pairs.
pub fn ark(template_id: u32, kv: Vec<(String, String)>) -> Segment {
    let kv: Vec<Value> = kv.into_iter().map(|(key, value)| json!({ "key": key, "value": value })).collect();
    Segment::Ark(json!({ "template_id": template_id, "kv": kv }))
}

fn unsupported(what: impl Into<String>) -> Error {
    Error::Unsupported { platform: Platform::Official, what: what.into() }
}

/// Plans the bodies for a message to `scene`.
pub fn plan(message: &Message, scene: Scene) -> Result<Vec<Part>> {
    let guild = scene.intersects(Scene::GUILD | Scene::DM);
    let mut text = String::new();
    let mut reference: Option<String> = None;
    let mut markdown: Option<Value> = None;
    let mut keyboard: Option<Value> = None;
    let mut arks: Vec<Value> = Vec::new();
    let mut embeds: Vec<Value> = Vec::new();
    let mut media: Vec<(MediaKind, Media)> = Vec::new();

    for seg in message.segments() {
        if let Some((kind, m)) = MediaKind::of_segment(seg) {
            media.push((kind, m.clone()));
            continue;
        }
        match seg {
            Segment::Text(t) => text.push_str(t),
            Segment::At(id) => {
                text.push_str(if guild { "<@!" } else { "<@" });
                text.push_str(id);
                text.push('>');
            }
            Segment::AtAll => text.push_str("@everyone"),
            Segment::Face(id) => {
                text.push_str("<emoji:");
                text.push_str(id);
                text.push('>');
            }
            Segment::Reply(id) => reference = Some(id.clone()),
            Segment::Markdown(md) => match &mut markdown {
                Some(Value::Object(obj)) if obj.contains_key("content") => {
                    if let Some(Value::String(c)) = obj.get_mut("content") {
                        c.push_str(md);
                    }
                }
                _ => markdown = Some(json!({ "content": md })),
            },
            Segment::Other { kind, data } if kind == "markdown" => markdown = Some(Value::Object(data.clone())),
            Segment::Keyboard(k) => keyboard = Some(k.clone()),
            Segment::Ark(a) => arks.push(a.clone()),
            Segment::Embed(e) => embeds.push(e.clone()),
            other => {
                return Err(unsupported(format!(
                    "sending `{}` segments (send text, mentions, faces, quotes, images, voice, video, files, markdown, keyboards, ark or embed)",
                    other.kind()
                )));
            }
        }
    }
    if guild && let Some((kind, _)) = media.iter().find(|(k, _)| *k != MediaKind::Image) {
        return Err(unsupported(format!(
            "sending {} to guild channels or DMs (they take pictures only)",
            match kind {
                MediaKind::Voice => "voice",
                MediaKind::Video => "video",
                _ => "files",
            }
        )));
    }

    let mut parts: Vec<Part> = Vec::new();
    let has_text = !text.trim().is_empty();
    let text_rides_with_media = has_text && !media.is_empty() && markdown.is_none();
    if has_text && !text_rides_with_media {
        parts.push(body_part(guild, msg_type::TEXT, |b| b.content = Some(text.clone())));
    }
    if markdown.is_some() || keyboard.is_some() {
        parts.push(body_part(guild, msg_type::MARKDOWN, |b| {
            b.markdown = markdown.take();
            b.keyboard = keyboard.take();
        }));
    }
    for a in arks {
        parts.push(body_part(guild, msg_type::ARK, |b| b.ark = Some(a)));
    }
    for e in embeds {
        parts.push(body_part(guild, msg_type::EMBED, |b| b.embed = Some(e)));
    }
    for (i, (kind, m)) in media.into_iter().enumerate() {
        let mut part = body_part(guild, msg_type::MEDIA, |b| {
            if i == 0 && text_rides_with_media {
                b.content = Some(text.clone());
            } else if !guild {
                // Group/C2C: `content` must not be empty, even for media.
                b.content = Some(" ".into());
            }
        });
        part.media = Some((kind, m));
        parts.push(part);
    }
    if parts.is_empty() {
        return Err(unsupported("sending an empty message"));
    }
    if let Some(id) = reference {
        parts[0].body.message_reference = Some(MessageReference { message_id: id, ignore_get_message_error: guild });
    }
    Ok(parts)
}

fn body_part(guild: bool, kind: u8, fill: impl FnOnce(&mut OutgoingMessage)) -> Part {
    let mut body = OutgoingMessage { msg_type: (!guild).then_some(kind), ..OutgoingMessage::default() };
    fill(&mut body);
    Part { body, media: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_mentions_faces_and_quote() {
        let m = Message::new().reply("REFIDX_1").text("hi ").at("u1").face("4");
        let parts = plan(&m, Scene::GROUP).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(
            parts[0].body.to_value(),
            json!({"msg_type":0,"content":"hi <@u1><emoji:4>","message_reference":{"message_id":"REFIDX_1"}})
        );
        let parts = plan(&Message::new().text("x").at("u"), Scene::GUILD).unwrap();
        assert_eq!(parts[0].body.to_value(), json!({"content":"x<@!u>"}));
    }

    #[test]
    fn media_splits_and_text_rides_along() {
        let m = Message::new().text("看图").image("https://a/1.png").record("a.silk");
        let parts = plan(&m, Scene::C2C).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body.to_value(), json!({"msg_type":7,"content":"看图"}));
        assert_eq!(parts[0].media.as_ref().unwrap().0, MediaKind::Image);
        assert_eq!(parts[1].body.to_value(), json!({"msg_type":7,"content":" "}));
        assert_eq!(parts[1].media.as_ref().unwrap().0, MediaKind::Voice);
        let err = plan(&Message::new().record("a.silk"), Scene::GUILD).unwrap_err().to_string();
        assert!(err.contains("voice"), "{err}");
    }

    #[test]
    fn rich_types_and_unsupported_segments() {
        let m = Message::new()
            .push(markdown_template("tpl", vec![("k".into(), vec!["v".into()])]))
            .push(keyboard_template("kb"));
        let parts = plan(&m, Scene::GROUP).unwrap();
        assert_eq!(
            parts[0].body.to_value(),
            json!({"msg_type":2,"markdown":{"custom_template_id":"tpl","params":[{"key":"k","values":["v"]}]},"keyboard":{"id":"kb"}})
        );
        let parts = plan(&Message::new().push(ark(23, vec![("#DESC#".into(), "d".into())])), Scene::C2C).unwrap();
        assert_eq!(parts[0].body.to_value()["msg_type"], 3);
        assert!(plan(&Message::new().dice(), Scene::GROUP).unwrap_err().to_string().contains("dice"));
        assert!(plan(&Message::new(), Scene::GROUP).is_err());
    }
}
