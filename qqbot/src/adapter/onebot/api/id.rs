//! Ids that accept numbers or strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

// The same encoder as every id qqbot writes itself (replies, recalls): one rule for the wire.
use super::super::protocol::id::{is_js_safe, serialize_id};

/// A QQ number, group number, message id or any other OneBot id, given as a number or a string.
///
/// Implementations emit ids as numbers but declare them as strings in action parameters (NapCat converts either
/// way). An `Id` built from a canonical decimal (`123`, `"123"`, `"-5"`) is sent as the JSON number, which every
/// implementation accepts; anything else (`"all"`, `"0123"`) is sent as the string it is, and so is any number
/// beyond ±2⁵³, because NapCat parses JSON in JavaScript, where such a number would silently lose digits (NT
/// message ids and forward ids are that long).
///
/// ```
/// use qqbot::adapter::onebot::api::Id;
/// assert_eq!(serde_json::to_value(Id::from("123")).unwrap(), serde_json::json!(123));
/// assert_eq!(serde_json::to_value(Id::from(123u64)).unwrap(), serde_json::json!(123));
/// assert_eq!(Id::from("all").to_string(), "all");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id(Repr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Repr {
    Number(i64),
    Text(String),
}

impl Id {
    /// The id as a number, when it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Number(n) => Some(*n),
            Repr::Text(t) => t.parse().ok(),
        }
    }

    fn from_text(text: String) -> Id {
        // Only a canonical decimal becomes a number: "0123" or "+5" would change when printed back.
        match text.parse::<i64>() {
            Ok(n) if n.to_string() == text => Id::from_i64(n),
            _ => Id(Repr::Text(text)),
        }
    }

    fn from_i64(n: i64) -> Id {
        // A number beyond ±2⁵³ is kept as text, so that every way out (`Serialize`, `Value::from`) keeps its digits.
        if is_js_safe(n) { Id(Repr::Number(n)) } else { Id(Repr::Text(n.to_string())) }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Number(n) => write!(f, "{n}"),
            Repr::Text(t) => f.write_str(t),
        }
    }
}

macro_rules! id_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Id {
            fn from(n: $t) -> Id {
                Id::from_i64(i64::from(n))
            }
        }
    )*};
}
id_from_int!(i32, u32, i64, i16, u16, u8);

impl From<u64> for Id {
    fn from(n: u64) -> Id {
        match i64::try_from(n) {
            Ok(n) => Id::from_i64(n),
            Err(_) => Id(Repr::Text(n.to_string())),
        }
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Id {
        Id::from_text(text.to_owned())
    }
}

impl From<String> for Id {
    fn from(text: String) -> Id {
        Id::from_text(text)
    }
}

impl From<&String> for Id {
    fn from(text: &String) -> Id {
        Id::from_text(text.clone())
    }
}

impl From<&Id> for Id {
    fn from(id: &Id) -> Id {
        id.clone()
    }
}

impl From<Id> for serde_json::Value {
    fn from(id: Id) -> serde_json::Value {
        // Through the one encoder, so a large id follows the implementation's `large_ids` policy here too.
        serde_json::to_value(&id).unwrap_or_else(|_| serde_json::Value::String(id.to_string()))
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        match id.0 {
            Repr::Number(n) => n.to_string(),
            Repr::Text(t) => t,
        }
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Number(n) => s.serialize_i64(*n),
            Repr::Text(t) => serialize_id(t, s),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Signed(i64),
            Unsigned(u64),
            Text(String),
        }
        Ok(match Wire::deserialize(d)? {
            Wire::Signed(n) => Id::from(n),
            Wire::Unsigned(n) => Id::from(n),
            Wire::Text(t) => Id::from_text(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_numbers_become_numbers_and_the_rest_stays_text() {
        assert_eq!(serde_json::Value::from(Id::from("-964635551")), serde_json::json!(-964635551));
        assert_eq!(serde_json::Value::from(Id::from("0123")), serde_json::json!("0123"));
        assert_eq!(serde_json::Value::from(Id::from(u64::MAX)), serde_json::json!(u64::MAX.to_string()));
        let nt_msg_id = "7412345678901234567";
        assert_eq!(serde_json::Value::from(Id::from(nt_msg_id)), serde_json::json!(nt_msg_id));
        let id: Id = serde_json::from_value(serde_json::json!("42")).unwrap();
        assert_eq!(id.as_i64(), Some(42));
        let id: Id = serde_json::from_value(serde_json::json!(42)).unwrap();
        assert_eq!(id.to_string(), "42");
    }
}
