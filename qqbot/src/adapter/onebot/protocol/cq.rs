//! CQ codes: OneBot's string form of a message, `你好[CQ:face,id=178]`.
//!
//! Escaping (OneBot 11 `message/string.md`): plain text escapes `&` `[` `]` as `&amp;` `&#91;` `&#93;`;
//! parameter values also escape `,` as `&#44;`. Escaping does `&` first; unescaping is one left-to-right pass,
//! which is the same as undoing `&amp;` last, so `&amp;#91;` becomes the text `&#91;`, never `[`.
//!
//! A `[CQ:` fragment that is not a well-formed code (no closing `]`, an empty or odd type, a parameter without
//! `=`) is kept as text, as NapCat does; [`parse_strict`] reports it instead.
//!
//! ```
//! use qqbot::adapter::onebot::cq;
//! use qqbot::message::{Message, Segment};
//! let m = cq::parse("&#91;第一部分&#93;[CQ:face,id=123]");
//! assert_eq!(m.segments(), &[Segment::Text("[第一部分]".into()), Segment::Face("123".into())]);
//! assert_eq!(cq::to_string(&m), "&#91;第一部分&#93;[CQ:face,id=123]");
//! ```

use serde_json::{Map, Value};

use super::segment::{segment_from_wire, segment_to_wire};
use crate::message::{Message, Segment};

/// Why a CQ string is not well formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CqError {
    /// `[CQ:` without a closing `]`.
    #[error("`[CQ:` at byte {0} is never closed with `]`")]
    Unclosed(usize),
    /// The code's type is empty or has characters other than letters, digits, `_`, `-`, `.`.
    #[error("the CQ code at byte {0} has an empty or invalid type")]
    BadType(usize),
    /// A parameter has no `=` or an empty key.
    #[error("the CQ code at byte {0} has a parameter without `key=`")]
    BadParam(usize),
}

/// Parses a CQ string into segments; malformed codes stay text.
pub fn parse(s: &str) -> Message {
    let mut segs = Vec::new();
    parse_into(s, &mut segs, None);
    Message::from_segments(segs)
}

/// Parses a CQ string, failing on the first malformed code.
pub fn parse_strict(s: &str) -> Result<Message, CqError> {
    let mut segs = Vec::new();
    let mut err = None;
    parse_into(s, &mut segs, Some(&mut err));
    match err {
        Some(e) => Err(e),
        None => Ok(Message::from_segments(segs)),
    }
}

/// Parses into (type, data) pairs with string values: what a CQ string literally says.
pub fn parse_wire(s: &str) -> Vec<(String, Map<String, Value>)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let mut offset = 0;
    while let Some(pos) = rest.find("[CQ:") {
        let (before, from) = rest.split_at(pos);
        text.push_str(before);
        match code(from, offset + pos) {
            Ok((kind, data, len)) => {
                if !text.is_empty() {
                    out.push(text_pair(unescape(&text)));
                    text.clear();
                }
                out.push((kind, data));
                rest = from.get(len..).unwrap_or("");
                offset += pos + len;
            }
            Err(_) => {
                // Keep `[CQ:` as text and look for the next code after it.
                text.push_str("[CQ:");
                rest = from.get(4..).unwrap_or("");
                offset += pos + 4;
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(text_pair(unescape(&text)));
    }
    out
}

fn text_pair(text: String) -> (String, Map<String, Value>) {
    let mut data = Map::new();
    data.insert("text".to_owned(), Value::String(text));
    ("text".to_owned(), data)
}

fn parse_into(s: &str, segs: &mut Vec<Segment>, err: Option<&mut Option<CqError>>) {
    if let Some(err) = err {
        let mut rest = s;
        let mut offset = 0;
        while let Some(pos) = rest.find("[CQ:") {
            let from = rest.get(pos..).unwrap_or("");
            match code(from, offset + pos) {
                Ok((_, _, len)) => {
                    rest = from.get(len..).unwrap_or("");
                    offset += pos + len;
                }
                Err(e) => {
                    *err = Some(e);
                    return;
                }
            }
        }
    }
    for (kind, data) in parse_wire(s) {
        segs.push(segment_from_wire(kind, data));
    }
}

/// One code at the start of `s` (which starts with `[CQ:`): its type, data and length in bytes.
fn code(s: &str, at: usize) -> Result<(String, Map<String, Value>, usize), CqError> {
    let end = s.find(']').ok_or(CqError::Unclosed(at))?;
    let inner = s.get(4..end).ok_or(CqError::Unclosed(at))?;
    let mut parts = inner.split(',');
    let kind = parts.next().unwrap_or_default();
    if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(CqError::BadType(at));
    }
    let mut data = Map::new();
    for part in parts {
        let (key, value) = part.split_once('=').ok_or(CqError::BadParam(at))?;
        if key.is_empty() {
            return Err(CqError::BadParam(at));
        }
        data.insert(key.to_owned(), Value::String(unescape(value)));
    }
    Ok((kind.to_owned(), data, end + 1))
}

/// Undoes CQ escaping in one pass (`&#44;` `&#91;` `&#93;` `&amp;`); other `&` sequences stay as they are.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(rest.get(..pos).unwrap_or(""));
        let tail = rest.get(pos..).unwrap_or("");
        let (ch, len) = if tail.starts_with("&amp;") {
            ('&', 5)
        } else if tail.starts_with("&#91;") {
            ('[', 5)
        } else if tail.starts_with("&#93;") {
            (']', 5)
        } else if tail.starts_with("&#44;") {
            (',', 5)
        } else {
            ('&', 1)
        };
        out.push(ch);
        rest = tail.get(len..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Whether `escaped` is exactly `text` written as CQ text ([`escape_text`]), compared without building it.
pub(crate) fn is_escaped_text(text: &str, escaped: &str) -> bool {
    let mut rest = escaped.as_bytes();
    for b in text.bytes() {
        let want: &[u8] = match b {
            b'&' => b"&amp;",
            b'[' => b"&#91;",
            b']' => b"&#93;",
            _ => std::slice::from_ref(&b),
        };
        match rest.strip_prefix(want) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Escapes plain text outside codes: `&` `[` `]`.
pub fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            c => out.push(c),
        }
    }
}

/// Escapes a parameter value: `&` `[` `]` `,`.
pub fn escape_param(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            ',' => out.push_str("&#44;"),
            c => out.push(c),
        }
    }
}

/// Writes a message as a CQ string. Values that are not strings are written as their JSON text (numbers,
/// booleans, objects); `null` values are left out.
pub fn to_string(message: &Message) -> String {
    let mut out = String::new();
    for seg in message.iter() {
        match seg {
            Segment::Text(t) => escape_text(t, &mut out),
            other => {
                let (kind, data) = segment_to_wire(other);
                write_code(&kind, &data, &mut out);
            }
        }
    }
    out
}

/// Writes one code from its type and data.
pub fn write_code(kind: &str, data: &Map<String, Value>, out: &mut String) {
    if kind == "text"
        && let Some(Value::String(t)) = data.get("text")
    {
        escape_text(t, out);
        return;
    }
    out.push_str("[CQ:");
    out.push_str(kind);
    for (k, v) in data {
        let text = match v {
            Value::Null => continue,
            Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
            other => std::borrow::Cow::Owned(other.to_string()),
        };
        out.push(',');
        out.push_str(k);
        out.push('=');
        escape_param(&text, out);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_is_compared_without_building_it() {
        let mut out = String::new();
        escape_text("a&b[c]d,", &mut out);
        assert!(is_escaped_text("a&b[c]d,", &out));
        assert!(!is_escaped_text("a&b[c]d,", "a&b[c]d,"));
        assert!(!is_escaped_text("ab", "abc") && !is_escaped_text("abc", "ab") && is_escaped_text("", ""));
    }
    use proptest::prelude::*;

    #[test]
    fn escapes_differ_inside_and_outside_codes() {
        let m = Message::new().text("a,b&[c]").push(Segment::Other {
            kind: "x".into(),
            data: [("k".to_owned(), Value::String("1,2&[3]=".into()))].into_iter().collect(),
        });
        let s = to_string(&m);
        assert_eq!(s, "a,b&amp;&#91;c&#93;[CQ:x,k=1&#44;2&amp;&#91;3&#93;=]");
        assert_eq!(parse(&s), m);
    }

    #[test]
    fn amp_is_undone_last() {
        assert_eq!(unescape("&amp;#91;"), "&#91;");
        assert_eq!(unescape("&amp;amp;"), "&amp;");
        assert_eq!(unescape("&#91;&#93;&#44;&x"), "[],&x");
        assert_eq!(parse("&amp;#91;").plain_text(), "&#91;");
    }

    #[test]
    fn values_may_hold_equals_signs_and_broken_codes_stay_text() {
        let m = parse("[CQ:share,url=u,title=标题中有=等号]");
        assert!(matches!(&m.segments()[0], Segment::Share { title, .. } if title == "标题中有=等号"));
        for broken in ["[CQ:face,id=1", "[CQ:,a=1]", "[CQ:face,id]", "[CQ:fa ce]", "[CQ:x,=1]"] {
            let m = parse(broken);
            assert_eq!(m.segments(), &[Segment::Text(broken.into())], "{broken}");
            assert!(parse_strict(broken).is_err(), "{broken}");
        }
        let m = parse("x[CQ:a[CQ:face,id=2]y");
        assert_eq!(
            m.segments(),
            &[Segment::Text("x[CQ:a".into()), Segment::Face("2".into()), Segment::Text("y".into())]
        );
        assert_eq!(parse("[CQ:shake]").segments(), &[Segment::Shake]);
        assert_eq!(parse("").segments(), &[] as &[Segment]);
    }

    fn text() -> impl Strategy<Value = String> {
        "[a-z&,=;#0-9 中文CQ:\\[\\]]{1,12}"
    }

    fn segment() -> impl Strategy<Value = Segment> {
        prop_oneof![
            text().prop_map(Segment::Text),
            text().prop_map(Segment::Face),
            text().prop_filter("all is AtAll", |s| s != "all").prop_map(|id| Segment::At(id.into())),
            Just(Segment::AtAll),
            text().prop_map(Segment::Reply),
            (text(), text()).prop_map(|(f, u)| Segment::Image(crate::message::Media {
                file: f,
                url: Some(u),
                ..Default::default()
            })),
            (text(), text()).prop_map(|(k, v)| Segment::Other {
                kind: "x_y".into(),
                data: [(format!("k{}", k.len()), Value::String(v))].into_iter().collect(),
            }),
            Just(Segment::Shake),
        ]
    }

    /// Adjacent texts merge in the string form, so the generated chain merges them too.
    fn merged(segs: Vec<Segment>) -> Message {
        let mut m = Message::new();
        for s in segs {
            match s {
                Segment::Text(t) => m = m.text(t),
                other => m = m.push(other),
            }
        }
        m
    }

    proptest! {
        #[test]
        fn parse_inverts_serialize(segs in proptest::collection::vec(segment(), 0..8)) {
            let m = merged(segs);
            let s = to_string(&m);
            prop_assert_eq!(parse(&s), m.clone());
            prop_assert!(parse_strict(&s).is_ok());
            prop_assert_eq!(to_string(&parse(&s)), s);
        }

        #[test]
        fn any_string_parses_without_panicking(s in "\\PC{0,40}") {
            let m = parse(&s);
            // Serializing what was parsed and parsing again is stable.
            let once = to_string(&m);
            let twice = to_string(&parse(&once));
            prop_assert_eq!(twice, once);
        }
    }
}
