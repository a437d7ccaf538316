//! [`Segment`] ↔ OneBot message segments (`{"type": …, "data": {…}}`), without loss.
//!
//! A segment becomes a typed [`Segment`] only when the typed form holds **all** of its data in the same JSON
//! types; media keep their extra fields in [`Media::extra`]; anything else (NapCat's `face.raw`, LLOneBot's
//! `at.name`, a number where the spec says string, unknown types such as `mface`) becomes [`Segment::Other`]
//! with its data untouched. So decoding and re-encoding a segment always gives back the same JSON.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::event::Key;
use crate::message::{ForwardNode, Media, Mention, Message, Music, MusicKind, Segment};

/// Decodes one segment from its type and data.
pub fn segment_from_wire(kind: String, mut data: Map<String, Value>) -> Segment {
    let typed = match kind.as_str() {
        "text" => only_string(&mut data, "text").map(Segment::Text),
        "face" => only_string(&mut data, "id").map(Segment::Face),
        "at" => at(&data),
        "reply" => only_string(&mut data, "id").map(Segment::Reply),
        "forward" => only_string(&mut data, "id").map(Segment::Forward),
        "json" => only_string(&mut data, "data").map(Segment::Json),
        "xml" => only_string(&mut data, "data").map(Segment::Xml),
        "markdown" => only_string(&mut data, "content").map(Segment::Markdown),
        "image" | "record" | "video" | "file" => media(&kind, &mut data),
        "keyboard" => Some(Segment::Keyboard(Value::Object(std::mem::take(&mut data)))),
        "shake" if data.is_empty() => Some(Segment::Shake),
        "dice" | "rps" => game(&kind, &data),
        "poke" => strings(&data, &["type", "id"], &[]).map(|mut v| {
            let id = v.pop().flatten().unwrap_or_default();
            let kind = v.pop().flatten().unwrap_or_default();
            Segment::Poke { kind, id }
        }),
        "contact" => strings(&data, &["type", "id"], &[]).map(|mut v| {
            let id = v.pop().flatten().unwrap_or_default();
            let kind = v.pop().flatten().unwrap_or_default();
            Segment::Contact { kind, id }
        }),
        "share" => strings(&data, &["url", "title"], &["content", "image"]).map(|mut v| {
            let image = v.pop().flatten();
            let content = v.pop().flatten();
            let title = v.pop().flatten().unwrap_or_default();
            let url = v.pop().flatten().unwrap_or_default();
            Segment::Share { url, title, content, image }
        }),
        "location" => location(&data),
        "music" => music(&data),
        "node" => node(&data),
        _ => None,
    };
    typed.unwrap_or(Segment::Other { kind, data })
}

/// A segment's `data` as decoded from a frame: most segments (text, at, face, reply) hold a single string, which
/// is kept without building a map; the rest becomes the map [`segment_from_wire`] takes.
enum SegmentData<'de> {
    Empty,
    One(Cow<'de, str>, Value),
    Many(Map<String, Value>),
}

impl SegmentData<'_> {
    fn into_map(self) -> Map<String, Value> {
        match self {
            SegmentData::Empty => Map::new(),
            SegmentData::One(key, value) => {
                let mut map = Map::new();
                map.insert(key.into_owned(), value);
                map
            }
            SegmentData::Many(map) => map,
        }
    }
}

impl<'de> Deserialize<'de> for SegmentData<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SegmentData<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a segment's data object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SegmentData<'de>, A::Error> {
                let Some(Key(first)) = map.next_key::<Key<'de>>()? else { return Ok(SegmentData::Empty) };
                let value = map.next_value::<Value>()?;
                let Some(Key(second)) = map.next_key::<Key<'de>>()? else { return Ok(SegmentData::One(first, value)) };
                let mut out = Map::new();
                out.insert(first.into_owned(), value);
                let value = map.next_value::<Value>()?;
                out.insert(second.into_owned(), value);
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.insert(k, v);
                }
                Ok(SegmentData::Many(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// [`segment_from_wire`] for decoded data: a segment whose data is one string under the key its typed form
/// reads becomes that typed segment straight away; everything else goes through the map.
fn segment_from_data(kind: Cow<'_, str>, data: SegmentData<'_>) -> Segment {
    let data = match data {
        SegmentData::One(key, Value::String(text)) => {
            let typed: Option<fn(String) -> Segment> = match (kind.as_ref(), key.as_ref()) {
                ("text", "text") => Some(Segment::Text),
                ("face", "id") => Some(Segment::Face),
                ("at", "qq") if text == "all" => return Segment::AtAll,
                ("at", "qq") => Some(|qq| Segment::At(Mention::new(qq))),
                ("reply", "id") => Some(Segment::Reply),
                ("forward", "id") => Some(Segment::Forward),
                ("json", "data") => Some(Segment::Json),
                ("xml", "data") => Some(Segment::Xml),
                ("markdown", "content") => Some(Segment::Markdown),
                _ => None,
            };
            match typed {
                Some(make) => return make(text),
                None => SegmentData::One(key, Value::String(text)),
            }
        }
        other => other,
    };
    segment_from_wire(kind.into_owned(), data.into_map())
}

/// The data map holds exactly `key`, a string: take it.
/// An `at` segment in any form implementations send: `qq` a string (the standard), a number (NapCat's documented
/// form) or `"all"`, with an optional display `name` (go-cqhttp, LLOneBot). Anything else stays raw.
fn at(data: &Map<String, Value>) -> Option<Segment> {
    if !data.keys().all(|k| k == "qq" || k == "name") {
        return None;
    }
    let name = match data.get("name") {
        None => None,
        Some(Value::String(n)) => Some(n.clone()),
        Some(_) => return None,
    };
    let mention = match data.get("qq")? {
        Value::String(qq) if qq == "all" && name.is_none() => return Some(Segment::AtAll),
        Value::String(qq) => Mention::new(qq.clone()),
        Value::Number(n) if n.is_u64() => Mention::numeric(n.to_string()),
        _ => return None,
    };
    Some(Segment::At(match name {
        Some(name) => mention.with_name(name),
        None => mention,
    }))
}

fn only_string(data: &mut Map<String, Value>, key: &str) -> Option<String> {
    if data.len() != 1 {
        return None;
    }
    match data.get_mut(key) {
        Some(Value::String(s)) => Some(std::mem::take(s)),
        _ => None,
    }
}

/// The data map holds the `required` keys and maybe the `optional` ones, all strings, and nothing else.
fn strings(data: &Map<String, Value>, required: &[&str], optional: &[&str]) -> Option<Vec<Option<String>>> {
    let known = data.keys().all(|k| required.contains(&k.as_str()) || optional.contains(&k.as_str()));
    if !known {
        return None;
    }
    let mut out = Vec::with_capacity(required.len() + optional.len());
    for key in required {
        out.push(Some(data.get(*key)?.as_str()?.to_owned()));
    }
    for key in optional {
        match data.get(*key) {
            None => out.push(None),
            Some(Value::String(s)) => out.push(Some(s.clone())),
            Some(_) => return None,
        }
    }
    Some(out)
}

fn media(kind: &str, data: &mut Map<String, Value>) -> Option<Segment> {
    let Some(Value::String(_)) = data.get("file") else { return None };
    if data.get("url").is_some_and(|v| !v.is_string()) || data.get("name").is_some_and(|v| !v.is_string()) {
        return None;
    }
    let take = |data: &mut Map<String, Value>, key: &str| match data.remove(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    let file = take(data, "file").unwrap_or_default();
    let url = take(data, "url");
    let name = take(data, "name");
    let media = Media { file, url, name, extra: std::mem::take(data) };
    Some(match kind {
        "image" => Segment::Image(media),
        "record" => Segment::Record(media),
        "video" => Segment::Video(media),
        _ => Segment::File(media),
    })
}

fn game(kind: &str, data: &Map<String, Value>) -> Option<Segment> {
    let value = match data.len() {
        0 => None,
        1 => {
            let s = data.get("result")?.as_str()?;
            let v: u8 = s.parse().ok()?;
            // Only the canonical spelling survives re-encoding.
            if v.to_string() != s {
                return None;
            }
            Some(v)
        }
        _ => return None,
    };
    Some(if kind == "dice" { Segment::Dice(value) } else { Segment::Rps(value) })
}

fn location(data: &Map<String, Value>) -> Option<Segment> {
    let mut v = strings(data, &["lat", "lon"], &["title", "content"])?;
    let content = v.pop().flatten();
    let title = v.pop().flatten();
    let lon_s = v.pop().flatten()?;
    let lat_s = v.pop().flatten()?;
    let lat: f64 = lat_s.parse().ok()?;
    let lon: f64 = lon_s.parse().ok()?;
    // Keep the typed form only when the number prints back as the same text.
    if lat.to_string() != lat_s || lon.to_string() != lon_s {
        return None;
    }
    Some(Segment::Location { lat, lon, title, content })
}

fn music(data: &Map<String, Value>) -> Option<Segment> {
    let v = strings(data, &["type"], &["id", "url", "audio", "title", "content", "image"])?;
    let mut it = v.into_iter();
    let kind = match it.next().flatten()?.as_str() {
        "qq" => MusicKind::Qq,
        "163" => MusicKind::NetEase,
        "kugou" => MusicKind::Kugou,
        "kuwo" => MusicKind::Kuwo,
        "xm" => MusicKind::Xm,
        "custom" => MusicKind::Custom,
        other => MusicKind::Other(other.to_owned()),
    };
    let mut next = || it.next().flatten();
    Some(Segment::Music(Music {
        kind,
        id: next(),
        url: next(),
        audio: next(),
        title: next(),
        content: next(),
        image: next(),
    }))
}

fn node(data: &Map<String, Value>) -> Option<Segment> {
    if data.len() == 1 {
        let id = data.get("id")?.as_str()?.to_owned();
        return Some(Segment::Node(Box::new(ForwardNode {
            id: Some(id),
            user_id: None,
            nickname: None,
            content: Message::new(),
        })));
    }
    if data.len() != 3 {
        return None;
    }
    let user_id = data.get("user_id")?.as_str()?.to_owned();
    let nickname = data.get("nickname")?.as_str()?.to_owned();
    let Value::Array(items) = data.get("content")? else { return None };
    let mut content = Vec::with_capacity(items.len());
    for item in items {
        let WireSegment(seg) = WireSegment::deserialize(item).ok()?;
        content.push(seg);
    }
    Some(Segment::Node(Box::new(ForwardNode {
        id: None,
        user_id: Some(user_id),
        nickname: Some(nickname),
        content: Message::from_segments(content),
    })))
}

/// The OneBot type name and data of a segment.
pub fn segment_to_wire(segment: &Segment) -> (String, Map<String, Value>) {
    let mut data = Map::new();
    let mut put = |k: &str, v: &str| {
        data.insert(k.to_owned(), Value::String(v.to_owned()));
    };
    let kind = match segment {
        Segment::Text(t) => {
            put("text", t);
            "text"
        }
        Segment::Face(id) => {
            put("id", id);
            "face"
        }
        Segment::At(m) => {
            if m.id_was_number()
                && let Ok(n) = m.id().parse::<u64>()
            {
                data.insert("qq".to_owned(), Value::from(n));
            } else {
                data.insert("qq".to_owned(), Value::String(m.id().to_owned()));
            }
            if let Some(name) = m.name() {
                data.insert("name".to_owned(), Value::String(name.to_owned()));
            }
            "at"
        }
        Segment::AtAll => {
            put("qq", "all");
            "at"
        }
        Segment::Reply(id) => {
            put("id", id);
            "reply"
        }
        Segment::Forward(id) => {
            put("id", id);
            "forward"
        }
        Segment::Json(d) => {
            put("data", d);
            "json"
        }
        Segment::Xml(d) => {
            put("data", d);
            "xml"
        }
        Segment::Markdown(c) => {
            put("content", c);
            "markdown"
        }
        Segment::Image(m) | Segment::Record(m) | Segment::Video(m) | Segment::File(m) => {
            data = media_data(m);
            segment.kind()
        }
        Segment::Keyboard(v) | Segment::Ark(v) | Segment::Embed(v) => {
            match v {
                Value::Object(o) => data = o.clone(),
                other => {
                    data.insert("data".to_owned(), other.clone());
                }
            }
            segment.kind()
        }
        Segment::Dice(v) | Segment::Rps(v) => {
            if let Some(v) = v {
                put("result", &v.to_string());
            }
            segment.kind()
        }
        Segment::Poke { kind, id } => {
            put("type", kind);
            put("id", id);
            "poke"
        }
        Segment::Shake => "shake",
        Segment::Contact { kind, id } => {
            put("type", kind);
            put("id", id);
            "contact"
        }
        Segment::Share { url, title, content, image } => {
            put("url", url);
            put("title", title);
            if let Some(c) = content {
                put("content", c);
            }
            if let Some(i) = image {
                put("image", i);
            }
            "share"
        }
        Segment::Location { lat, lon, title, content } => {
            put("lat", &lat.to_string());
            put("lon", &lon.to_string());
            if let Some(t) = title {
                put("title", t);
            }
            if let Some(c) = content {
                put("content", c);
            }
            "location"
        }
        Segment::Music(m) => {
            put("type", music_kind(&m.kind));
            for (k, v) in [
                ("id", &m.id),
                ("url", &m.url),
                ("audio", &m.audio),
                ("title", &m.title),
                ("content", &m.content),
                ("image", &m.image),
            ] {
                if let Some(v) = v {
                    put(k, v);
                }
            }
            "music"
        }
        Segment::Node(n) => {
            if let Some(id) = &n.id {
                put("id", id);
            }
            if let Some(u) = &n.user_id {
                put("user_id", u);
            }
            if let Some(nick) = &n.nickname {
                put("nickname", nick);
            }
            if n.id.is_none() || !n.content.is_empty() {
                data.insert("content".to_owned(), message_to_value(&n.content));
            }
            "node"
        }
        Segment::Other { kind, data: d } => return (kind.clone(), d.clone()),
        // `Segment` is non-exhaustive upstream; a variant added later travels under its own name.
        #[allow(unreachable_patterns)]
        other => other.kind(),
    };
    (kind.to_owned(), data)
}

fn media_data(m: &Media) -> Map<String, Value> {
    let mut data = m.extra.clone();
    data.insert("file".to_owned(), Value::String(m.file.clone()));
    if let Some(u) = &m.url {
        data.insert("url".to_owned(), Value::String(u.clone()));
    }
    if let Some(n) = &m.name {
        data.insert("name".to_owned(), Value::String(n.clone()));
    }
    data
}

fn music_kind(kind: &MusicKind) -> &str {
    match kind {
        MusicKind::Qq => "qq",
        MusicKind::NetEase => "163",
        MusicKind::Kugou => "kugou",
        MusicKind::Kuwo => "kuwo",
        MusicKind::Xm => "xm",
        MusicKind::Custom => "custom",
        MusicKind::Other(s) => s,
        #[allow(unreachable_patterns)]
        _ => "custom",
    }
}

/// A message as a JSON array of segments.
pub fn message_to_value(message: &Message) -> Value {
    Value::Array(
        message
            .iter()
            .map(|s| {
                let (kind, data) = segment_to_wire(s);
                let mut o = Map::new();
                o.insert("type".to_owned(), Value::String(kind));
                o.insert("data".to_owned(), Value::Object(data));
                Value::Object(o)
            })
            .collect(),
    )
}

/// A segment that (de)serializes in OneBot's array form.
#[derive(Debug, Clone, PartialEq)]
pub struct WireSegment(pub Segment);

impl Serialize for WireSegment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SegmentRef(&self.0).serialize(s)
    }
}

/// Serializes a borrowed segment in OneBot's array form; text (the hot path) is written without building a map.
pub(crate) struct SegmentRef<'a>(pub &'a Segment);

impl Serialize for SegmentRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        match self.0 {
            Segment::Text(t) => {
                map.serialize_entry("type", "text")?;
                map.serialize_entry("data", &TextData(t))?;
            }
            other => {
                let (kind, data) = segment_to_wire(other);
                map.serialize_entry("type", &kind)?;
                map.serialize_entry("data", &data)?;
            }
        }
        map.end()
    }
}

struct TextData<'a>(&'a str);

impl Serialize for TextData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("text", self.0)?;
        map.end()
    }
}

/// Serializes a borrowed message as a segment array.
pub(crate) struct MessageRef<'a>(pub &'a Message);

impl Serialize for MessageRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for seg in self.0.iter() {
            seq.serialize_element(&SegmentRef(seg))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for WireSegment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireSegment;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message segment {\"type\": …, \"data\": {…}}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireSegment, A::Error> {
                let mut kind: Option<Cow<'de, str>> = None;
                let mut data: Option<SegmentData<'de>> = None;
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match key.as_ref() {
                        "type" => kind = Some(map.next_value::<Key<'de>>()?.0),
                        "data" => data = map.next_value::<Option<SegmentData<'de>>>()?,
                        // Other keys beside type and data carry nothing any implementation reads.
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
                Ok(WireSegment(segment_from_data(kind, data.unwrap_or(SegmentData::Empty))))
            }
        }
        d.deserialize_map(V)
    }
}

/// A message as OneBot carries it: a segment array, a CQ-code string, or (where a message is accepted) a
/// single segment object. Re-encodes in the form it arrived in.
#[derive(Debug, Clone, PartialEq)]
pub enum WireMessage {
    /// The array form.
    Array(Message),
    /// The CQ-code string form, as received (parse it with [`super::cq::parse`]).
    Cq(String),
    /// A single segment object.
    Single(Segment),
}

impl WireMessage {
    /// The message as segments (CQ strings are parsed).
    pub fn to_message(&self) -> Message {
        match self {
            WireMessage::Array(m) => m.clone(),
            WireMessage::Cq(s) => super::cq::parse(s),
            WireMessage::Single(s) => Message::from(s.clone()),
        }
    }

    /// The message as segments, consuming it.
    pub fn into_message(self) -> Message {
        match self {
            WireMessage::Array(m) => m,
            WireMessage::Cq(s) => super::cq::parse(&s),
            WireMessage::Single(s) => Message::from(s),
        }
    }
}

impl Serialize for WireMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            WireMessage::Array(m) => MessageRef(m).serialize(s),
            WireMessage::Cq(c) => s.serialize_str(c),
            WireMessage::Single(seg) => SegmentRef(seg).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for WireMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireMessage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message: a segment array, a CQ string or a segment object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WireMessage, E> {
                Ok(WireMessage::Cq(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<WireMessage, E> {
                Ok(WireMessage::Cq(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireMessage, A::Error> {
                let mut segs = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(64));
                while let Some(WireSegment(s)) = seq.next_element()? {
                    segs.push(s);
                }
                Ok(WireMessage::Array(Message::from_segments(segs)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WireMessage, A::Error> {
                let WireSegment(s) = WireSegment::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(WireMessage::Single(s))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: Value) -> Segment {
        let WireSegment(seg) = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(WireSegment(seg.clone())).unwrap(), v, "{seg:?}");
        seg
    }

    #[test]
    fn typed_when_exact_other_when_not() {
        assert_eq!(round_trip(json!({"type":"text","data":{"text":"hi"}})), Segment::Text("hi".into()));
        assert_eq!(round_trip(json!({"type":"at","data":{"qq":"all"}})), Segment::AtAll);
        assert_eq!(round_trip(json!({"type":"at","data":{"qq":"12"}})), Segment::At("12".into()));
        assert_eq!(round_trip(json!({"type":"at","data":{"qq":12}})), Segment::At("12".into()));
        assert_eq!(
            round_trip(json!({"type":"at","data":{"qq":"1","name":"x"}})),
            Segment::At(crate::message::Mention::new("1").with_name("x"))
        );
        assert!(matches!(round_trip(json!({"type":"at","data":{"qq":"1","extra":"x"}})), Segment::Other { .. }));
        assert!(matches!(round_trip(json!({"type":"face","data":{"id":"1","raw":{"a":1}}})), Segment::Other { .. }));
        let img = round_trip(json!({"type":"image","data":{"file":"a.jpg","sub_type":0,"url":"u","file_size":"9"}}));
        let Segment::Image(m) = img else { panic!("{img:?}") };
        assert_eq!(m.extra.len(), 2);
        assert_eq!(round_trip(json!({"type":"dice","data":{"result":"5"}})), Segment::Dice(Some(5)));
        assert!(matches!(round_trip(json!({"type":"dice","data":{"result":5}})), Segment::Other { .. }));
        assert!(matches!(
            round_trip(json!({"type":"location","data":{"lat":"39.8969426","lon":"116.3109099"}})),
            Segment::Location { .. }
        ));
        assert!(matches!(
            round_trip(json!({"type":"location","data":{"lat":"39.50","lon":"1"}})),
            Segment::Other { .. }
        ));
        assert!(matches!(round_trip(json!({"type":"music","data":{"type":"163","id":"28949129"}})), Segment::Music(_)));
        let node = json!({"type":"node","data":{"user_id":"1","nickname":"n","content":[{"type":"text","data":{"text":"x"}}]}});
        assert!(matches!(round_trip(node), Segment::Node(_)));
        assert!(matches!(round_trip(json!({"type":"node","data":{"id":"123"}})), Segment::Node(_)));
        assert!(matches!(
            round_trip(json!({"type":"mface","data":{"emoji_package_id":244959}})),
            Segment::Other { .. }
        ));
        assert!(matches!(round_trip(json!({"type":"keyboard","data":{"rows":[]}})), Segment::Keyboard(_)));
    }

    #[test]
    fn messages_in_every_form() {
        let m: WireMessage = serde_json::from_str(r#""hi[CQ:face,id=1]""#).unwrap();
        assert_eq!(m.to_message().segments(), &[Segment::Text("hi".into()), Segment::Face("1".into())]);
        let m: WireMessage = serde_json::from_str(r#"{"type":"text","data":{"text":"x"}}"#).unwrap();
        assert_eq!(m, WireMessage::Single(Segment::Text("x".into())));
        assert!(serde_json::from_str::<WireMessage>("[{\"data\":{}}]").is_err());
        let m: WireMessage = serde_json::from_str(r#"[{"type":"shake"}]"#).unwrap();
        assert_eq!(m.to_message().segments(), &[Segment::Shake]);
    }
}
