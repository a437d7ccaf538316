//! `Message` → OneBot message array, for the messages this API sends.
//!
//! The adapter owns the canonical `Segment` ↔ OneBot JSON mapping; every sender here goes through
//! [`message_to_json`] alone, so pointing that one function at the adapter's encoder is the whole switch.

use serde_json::{Map, Value, json};

use crate::message::{ForwardNode, Media, Message, Music, MusicKind, Segment};

/// A message as a OneBot segment array.
pub(crate) fn message_to_json(message: &Message) -> Value {
    Value::Array(message.iter().map(segment_to_json).collect())
}

/// One segment as `{"type": …, "data": {…}}`; `data` is always present (strict parsers require it).
pub(crate) fn segment_to_json(segment: &Segment) -> Value {
    let data = match segment {
        Segment::Text(text) => json!({ "text": text }),
        Segment::Face(id) => json!({ "id": id }),
        Segment::At(id) => json!({ "qq": id }),
        Segment::AtAll => json!({ "qq": "all" }),
        Segment::Reply(id) => json!({ "id": id }),
        Segment::Image(media) => media_data(media, "summary"),
        Segment::Record(media) | Segment::Video(media) | Segment::File(media) => media_data(media, "name"),
        Segment::Json(data) | Segment::Xml(data) => json!({ "data": data }),
        Segment::Markdown(content) => json!({ "content": content }),
        Segment::Keyboard(v) | Segment::Ark(v) | Segment::Embed(v) => match v {
            Value::Object(_) => v.clone(),
            other => json!({ "content": other }),
        },
        Segment::Music(music) => music_data(music),
        Segment::Dice(_) | Segment::Rps(_) | Segment::Shake => json!({}),
        Segment::Poke { kind, id } => json!({ "type": kind, "id": id }),
        Segment::Forward(id) => json!({ "id": id }),
        Segment::Node(node) => node_data(node),
        Segment::Location { lat, lon, title, content } => {
            let mut data = Map::new();
            data.insert("lat".into(), lat.to_string().into());
            data.insert("lon".into(), lon.to_string().into());
            insert_opt(&mut data, "title", title);
            insert_opt(&mut data, "content", content);
            Value::Object(data)
        }
        Segment::Share { url, title, content, image } => {
            let mut data = Map::new();
            data.insert("url".into(), url.clone().into());
            data.insert("title".into(), title.clone().into());
            insert_opt(&mut data, "content", content);
            insert_opt(&mut data, "image", image);
            Value::Object(data)
        }
        Segment::Contact { kind, id } => json!({ "type": kind, "id": id }),
        Segment::Other { data, .. } => Value::Object(data.clone()),
        // `Segment` is non-exhaustive; a variant added later is sent by name with no data until mapped here.
        #[allow(unreachable_patterns)]
        _ => json!({}),
    };
    json!({ "type": segment.kind(), "data": data })
}

fn media_data(media: &Media, name_key: &str) -> Value {
    let mut data = media.extra.clone();
    data.insert("file".into(), media.file.clone().into());
    insert_opt(&mut data, name_key, &media.name);
    insert_opt(&mut data, "url", &media.url);
    Value::Object(data)
}

fn music_data(music: &Music) -> Value {
    let kind = match &music.kind {
        MusicKind::Qq => "qq",
        MusicKind::NetEase => "163",
        MusicKind::Kugou => "kugou",
        MusicKind::Kuwo => "kuwo",
        MusicKind::Xm => "xm",
        MusicKind::Custom => "custom",
        MusicKind::Other(name) => name.as_str(),
    };
    let mut data = Map::new();
    data.insert("type".into(), kind.into());
    insert_opt(&mut data, "id", &music.id);
    insert_opt(&mut data, "url", &music.url);
    insert_opt(&mut data, "audio", &music.audio);
    insert_opt(&mut data, "title", &music.title);
    insert_opt(&mut data, "content", &music.content);
    insert_opt(&mut data, "image", &music.image);
    Value::Object(data)
}

fn node_data(node: &ForwardNode) -> Value {
    let mut data = Map::new();
    insert_opt(&mut data, "id", &node.id);
    insert_opt(&mut data, "user_id", &node.user_id);
    insert_opt(&mut data, "nickname", &node.nickname);
    if node.id.is_none() || !node.content.is_empty() {
        data.insert("content".into(), message_to_json(&node.content));
    }
    Value::Object(data)
}

fn insert_opt(data: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        data.insert(key.to_owned(), v.clone().into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_encode_with_string_ids_and_data_always_present() {
        let msg = Message::new().reply("9").text("hi").at("1").face("178").dice();
        assert_eq!(
            message_to_json(&msg),
            json!([
                {"type": "reply", "data": {"id": "9"}},
                {"type": "text", "data": {"text": "hi"}},
                {"type": "at", "data": {"qq": "1"}},
                {"type": "face", "data": {"id": "178"}},
                {"type": "dice", "data": {}}
            ])
        );
    }
}
