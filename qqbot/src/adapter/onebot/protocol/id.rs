//! Ids and integers as OneBot implementations send them: JSON numbers or strings (NapCat sends both).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An id (or integer field) as it arrived: a JSON number or a string. It re-encodes in the same form, so decoding
/// and re-encoding an event changes nothing.
///
/// ```
/// use qqbot::adapter::onebot::Id;
/// let a: Id = serde_json::from_str("-964635551").unwrap();
/// let b: Id = serde_json::from_str("\"964635551\"").unwrap();
/// assert_eq!(a.as_i64(), Some(-964635551));
/// assert_eq!(b.as_str(), "964635551");
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"964635551\"");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Id {
    text: String,
    quoted: bool,
}

impl Id {
    /// An id that encodes as a JSON number when it is one (`"123"` → `123`), else as a string.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let quoted = !is_integer(&text);
        Id { text, quoted }
    }

    /// An id that encodes as a JSON string.
    pub fn string(text: impl Into<String>) -> Self {
        Id { text: text.into(), quoted: true }
    }

    /// The id as text (numbers in decimal).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The id as a number, if it is one (strings of digits count).
    pub fn as_i64(&self) -> Option<i64> {
        self.text.trim().parse().ok()
    }

    /// Whether it arrived as a JSON string.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// Takes the text out.
    pub fn into_string(self) -> String {
        self.text
    }
}

fn is_integer(s: &str) -> bool {
    s.parse::<i64>().is_ok() || s.parse::<u64>().is_ok()
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted { write!(f, "{:?}", self.text) } else { f.write_str(&self.text) }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<i64> for Id {
    fn from(v: i64) -> Self {
        Id { text: v.to_string(), quoted: false }
    }
}

impl From<&str> for Id {
    fn from(v: &str) -> Self {
        Id::new(v)
    }
}

impl From<String> for Id {
    fn from(v: String) -> Self {
        Id::new(v)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.quoted {
            if let Ok(v) = self.text.parse::<i64>() {
                return s.serialize_i64(v);
            }
            if let Ok(v) = self.text.parse::<u64>() {
                return s.serialize_u64(v);
            }
        }
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id: a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id { text: v.to_string(), quoted: false })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id { text: v.to_string(), quoted: false })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id, E> {
                // Some clients send ids through JavaScript numbers; an integral float is still an id.
                if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(Id { text: (v as i64).to_string(), quoted: false })
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id { text: v.to_owned(), quoted: true })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id { text: v, quoted: true })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_form_it_arrived_in() {
        for text in ["123", "\"123\"", "-2147482433", "1482675043933618437", "\"all\"", "\"\"", "18446744073709551615"]
        {
            let id: Id = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&id).unwrap(), text);
        }
        assert!(serde_json::from_str::<Id>("1.5").is_err());
        assert!(serde_json::from_str::<Id>("{}").is_err());
        assert_eq!(serde_json::from_str::<Id>("7.0").unwrap().as_i64(), Some(7));
    }
}
