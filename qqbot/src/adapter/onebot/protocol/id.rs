//! Ids and integers as OneBot implementations send them: JSON numbers or strings (NapCat sends both).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An id (or integer field) as it arrived: a JSON number or a string. It re-encodes in the same form, so decoding
/// and re-encoding an event changes nothing.
///
/// ```
/// use qqbot::adapter::onebot::WireId;
/// let a: WireId = serde_json::from_str("-964635551").unwrap();
/// let b: WireId = serde_json::from_str("\"964635551\"").unwrap();
/// assert_eq!(a.as_i64(), Some(-964635551));
/// assert_eq!(b.as_str(), "964635551");
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"964635551\"");
/// ```
#[derive(Clone, Default)]
pub struct WireId {
    text: Text,
    quoted: bool,
}

/// The longest text kept inside the `WireId` itself: every `i64`/`u64` fits, and so do most string ids.
const INLINE: usize = 22;

/// An id's text. Ids arrive several times in every event, so short ones (all numbers) are stored inline instead
/// of allocating a `String` each.
#[derive(Clone)]
enum Text {
    /// `len` bytes of `buf`, always valid UTF-8 (written only from a `&str` or from ASCII digits).
    Inline { len: u8, buf: [u8; INLINE] },
    /// Longer text.
    Heap(Box<str>),
}

impl Default for Text {
    fn default() -> Self {
        Text::Inline { len: 0, buf: [0; INLINE] }
    }
}

impl Text {
    fn from_str(s: &str) -> Text {
        let mut buf = [0; INLINE];
        match buf.get_mut(..s.len()) {
            Some(dst) => {
                dst.copy_from_slice(s.as_bytes());
                Text::Inline { len: s.len() as u8, buf }
            }
            None => Text::Heap(s.into()),
        }
    }

    fn from_string(s: String) -> Text {
        if s.len() <= INLINE { Text::from_str(&s) } else { Text::Heap(s.into_boxed_str()) }
    }

    /// The decimal digits of `magnitude`, after a `-` when `negative`; no allocation, no formatter.
    fn from_integer(negative: bool, mut magnitude: u64) -> Text {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(d) = digits.get_mut(start) {
                *d = b'0' + (magnitude % 10) as u8;
            }
            magnitude /= 10;
            if magnitude == 0 || start == 0 {
                break;
            }
        }
        let mut buf = [0; INLINE];
        let mut len = 0;
        if negative {
            buf[0] = b'-';
            len = 1;
        }
        for &d in digits.get(start..).unwrap_or_default() {
            if let Some(slot) = buf.get_mut(len) {
                *slot = d;
                len += 1;
            }
        }
        Text::Inline { len: len as u8, buf }
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Inline { len, buf } => {
                std::str::from_utf8(buf.get(..usize::from(*len)).unwrap_or_default()).unwrap_or_default()
            }
            Text::Heap(s) => s,
        }
    }
}

impl WireId {
    /// An id that encodes as a JSON number when it is one (`"123"` → `123`), else as a string.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let quoted = !is_integer(&text);
        WireId { text: Text::from_string(text), quoted }
    }

    /// An id that encodes as a JSON string.
    pub fn string(text: impl Into<String>) -> Self {
        WireId { text: Text::from_string(text.into()), quoted: true }
    }

    /// The id as text (numbers in decimal).
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The id as a number, if it is one (strings of digits count).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().trim().parse().ok()
    }

    /// Whether it arrived as a JSON string.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// Takes the text out.
    pub fn into_string(self) -> String {
        match self.text {
            Text::Inline { .. } => self.text.as_str().to_owned(),
            Text::Heap(s) => s.into_string(),
        }
    }

    fn integer(v: i64) -> WireId {
        WireId { text: Text::from_integer(v < 0, v.unsigned_abs()), quoted: false }
    }
}

fn is_integer(s: &str) -> bool {
    s.parse::<i64>().is_ok() || s.parse::<u64>().is_ok()
}

impl PartialEq for WireId {
    fn eq(&self, other: &WireId) -> bool {
        self.quoted == other.quoted && self.as_str() == other.as_str()
    }
}

impl Eq for WireId {}

impl std::hash::Hash for WireId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
        self.quoted.hash(state);
    }
}

impl fmt::Debug for WireId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted { write!(f, "{:?}", self.as_str()) } else { f.write_str(self.as_str()) }
    }
}

impl fmt::Display for WireId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<i64> for WireId {
    fn from(v: i64) -> Self {
        WireId::integer(v)
    }
}

impl From<&str> for WireId {
    fn from(v: &str) -> Self {
        WireId { text: Text::from_str(v), quoted: !is_integer(v) }
    }
}

impl From<String> for WireId {
    fn from(v: String) -> Self {
        WireId::new(v)
    }
}

impl Serialize for WireId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.as_str();
        if !self.quoted {
            if let Ok(v) = text.parse::<i64>() {
                return s.serialize_i64(v);
            }
            if let Ok(v) = text.parse::<u64>() {
                return s.serialize_u64(v);
            }
        }
        s.serialize_str(text)
    }
}

impl<'de> Deserialize<'de> for WireId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = WireId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id: a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<WireId, E> {
                Ok(WireId::integer(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<WireId, E> {
                Ok(WireId { text: Text::from_integer(false, v), quoted: false })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<WireId, E> {
                // Some clients send ids through JavaScript numbers; an integral float is still an id.
                if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(WireId::integer(v as i64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WireId, E> {
                Ok(WireId { text: Text::from_str(v), quoted: true })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<WireId, E> {
                Ok(WireId { text: Text::from_string(v), quoted: true })
            }
        }
        d.deserialize_any(V)
    }
}

/// The largest integer a JavaScript implementation (NapCat, LLOneBot) reads without losing a digit: it parses JSON
/// numbers into doubles, so `7527129663562465450` would arrive as `7527129663562465000`.
pub(crate) const JS_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// How ids beyond ±2⁵³ leave (`[onebot] large_ids`): as strings (the default, right for NapCat and LLOneBot,
/// which parse JSON in JavaScript) or as JSON numbers, for an implementation that wants numbers and reads 64-bit
/// integers exactly (Lagrange, go-cqhttp).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum LargeIds {
    /// Ids beyond ±2⁵³ are sent as strings with every digit.
    #[default]
    String,
    /// Every canonical decimal id is sent as a JSON number.
    Number,
}

thread_local! {
    // Set only for the duration of one synchronous encode (`with_large_ids`), so it never leaks across tasks.
    static LARGE_IDS: std::cell::Cell<LargeIds> = const { std::cell::Cell::new(LargeIds::String) };
}

/// Runs `encode` with `policy` applied to every id [`serialize_id`] writes. Encoding is synchronous, so the
/// setting cannot leak into another task.
pub(crate) fn with_large_ids<R>(policy: LargeIds, encode: impl FnOnce() -> R) -> R {
    let before = LARGE_IDS.with(|c| c.replace(policy));
    let out = encode();
    LARGE_IDS.with(|c| c.set(before));
    out
}

/// The one rule for an id that qqbot sends (replies, quotes, recalls, every API call): a JSON number when it is an
/// integer the implementation reads exactly, else a string with every digit. Every OneBot implementation accepts
/// ids as strings; beyond ±2⁵³ numbers are written only when the link's [`LargeIds`] policy says so.
pub(crate) fn serialize_id<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    match canonical_i64(text) {
        Some(n) if is_js_safe(n) || LARGE_IDS.with(|c| c.get()) == LargeIds::Number => s.serialize_i64(n),
        _ => s.serialize_str(text),
    }
}

/// `text` as an integer when printing it back gives the same text (`"0123"`, `"+5"`, `"-0"` do not), without
/// the allocation of printing it: this runs for every id of every request.
fn canonical_i64(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == text.len(),
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    };
    if canonical { text.parse().ok() } else { None }
}

/// Whether a JavaScript implementation reads `n` exactly.
pub(crate) fn is_js_safe(n: i64) -> bool {
    (-JS_SAFE_INTEGER..=JS_SAFE_INTEGER).contains(&n)
}

/// An id parameter borrowed from text, encoded by [`serialize_id`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdParam<'a>(pub(crate) &'a str);

impl Serialize for IdParam<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_id(self.0, s)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn canonical_decimals_only() {
        for (text, want) in
            [("0", Some(0)), ("-5", Some(-5)), ("123", Some(123)), ("9223372036854775807", Some(i64::MAX))]
        {
            assert_eq!(canonical_i64(text), want, "{text}");
        }
        for text in ["", "-", "-0", "0123", "+5", "1e3", "12a", " 1", "9223372036854775808", "all"] {
            assert_eq!(canonical_i64(text), None, "{text}");
        }
    }
    use super::*;

    #[test]
    fn keeps_the_form_it_arrived_in() {
        for text in ["123", "\"123\"", "-2147482433", "1482675043933618437", "\"all\"", "\"\"", "18446744073709551615"]
        {
            let id: WireId = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&id).unwrap(), text);
        }
        assert!(serde_json::from_str::<WireId>("1.5").is_err());
        assert!(serde_json::from_str::<WireId>("{}").is_err());
        assert_eq!(serde_json::from_str::<WireId>("7.0").unwrap().as_i64(), Some(7));
    }

    #[test]
    fn short_and_long_texts_behave_alike() {
        for v in [0i64, -1, 7, i64::MIN, i64::MAX, -964635551] {
            assert_eq!(WireId::from(v).as_str(), v.to_string());
            assert_eq!(WireId::from(v), WireId::new(v.to_string()));
        }
        let long = "x".repeat(INLINE + 1);
        let exact = "y".repeat(INLINE);
        for text in ["", "猫猫", exact.as_str(), long.as_str(), "u_abcdefghijklmnopqrstuvwxyz"] {
            let id = WireId::string(text);
            assert_eq!((id.as_str(), id.clone().into_string().as_str()), (text, text));
            assert_eq!(WireId::from(text), WireId::new(text.to_owned()));
            let back: WireId = serde_json::from_str(&serde_json::to_string(&id).unwrap()).unwrap();
            assert_eq!(back, id);
        }
        assert_ne!(WireId::string("1"), WireId::new("1"), "the form it arrived in is part of the id");
        assert_eq!(WireId::default().as_str(), "");
    }
}

#[cfg(test)]
mod id_param_tests {
    use super::IdParam;

    #[test]
    fn ids_beyond_two_to_the_53_leave_as_strings() {
        let json = |t: &str| serde_json::to_string(&IdParam(t)).unwrap();
        assert_eq!(json("123456"), "123456");
        assert_eq!(json("-964635551"), "-964635551");
        assert_eq!(json("9007199254740991"), "9007199254740991");
        assert_eq!(json("9007199254740992"), "\"9007199254740992\"");
        assert_eq!(json("7527129663562465450"), "\"7527129663562465450\"");
        assert_eq!(json("-9007199254740992"), "\"-9007199254740992\"");
        assert_eq!(json("007"), "\"007\"");
        assert_eq!(json("u1"), "\"u1\"");
    }
}
