//! Lenient field decoders: the platform sends ids as strings or numbers, timestamps as RFC 3339 strings or unix
//! integers, booleans as `true` or `1`. Every decoder here accepts all of these and never fails on a wrong type,
//! so one odd field never loses a whole event.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string from a string, number or boolean; `None` for null, absent, arrays and objects.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// An integer from a number or a numeric string; `None` otherwise.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.as_ref().and_then(value_i64))
}

/// A boolean from `true`/`false`, a number (non-zero is true) or `"true"`/`"1"`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_f64().is_some_and(|f| f != 0.0)),
        Some(Value::String(s)) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// A list of strings from an array of strings or numbers; empty for null, absent or anything else.
pub(crate) fn vec_string<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// A list of `T` that treats null and absent as empty.
pub(crate) fn vec_or_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of unsigned integers (shard pairs) from numbers or numeric strings.
pub(crate) fn vec_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items.iter().filter_map(value_i64).filter_map(|i| u32::try_from(i).ok()).collect(),
        _ => Vec::new(),
    })
}

pub(crate) fn value_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_string")]
        id: Option<String>,
        #[serde(default, deserialize_with = "super::opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "super::opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "super::vec_string")]
        roles: Vec<String>,
    }

    #[test]
    fn accepts_strings_numbers_and_junk() {
        let t: T = serde_json::from_str(r#"{"id":47129941624960822,"n":"7200","b":1,"roles":["1",4,{}]}"#).unwrap();
        assert_eq!(t.id.as_deref(), Some("47129941624960822"));
        assert_eq!(t.n, Some(7200));
        assert_eq!(t.b, Some(true));
        assert_eq!(t.roles, vec!["1", "4"]);
        let t: T = serde_json::from_str(r#"{"id":{"x":1},"n":[1],"b":"maybe","roles":"x"}"#).unwrap();
        assert_eq!((t.id, t.n, t.b, t.roles.len()), (None, None, None, 0));
    }
}
