//! Lenient field decoders: implementations disagree on numbers vs strings and on `null` vs absent, and one odd
//! field must never fail a whole answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string that may arrive as a JSON number (ids in honour lists, `file_size`, `bkn`); `null` becomes "".
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text_of(Value::deserialize(d)?).unwrap_or_default())
}

/// Like [`string`], keeping "absent" apart: `null` becomes `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text_of(Value::deserialize(d)?))
}

/// An integer that may arrive as a numeric string (`level: "12"`, `msgTime: "1734567890"`); anything else is 0.
pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(int_of(&Value::deserialize(d)?).unwrap_or_default())
}

/// Like [`int`], keeping "absent or unreadable" apart as `None`.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(int_of(&Value::deserialize(d)?))
}

/// A boolean that may arrive as `0`/`1` or `"true"`/`"false"`; anything else is `false`.
pub(crate) fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_i64().is_some_and(|n| n != 0),
        Value::String(s) => matches!(s.as_str(), "true" | "1" | "yes"),
        _ => false,
    })
}

/// A value whose `null` means "empty" (`get_group_system_msg` lists, `get_group_root_files` folders).
pub(crate) fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A Unix time in seconds (or milliseconds, which NapCat's fallback clock produces); 0 or less means "none".
pub(crate) fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(int_of(&Value::deserialize(d)?).and_then(time_of))
}

fn time_of(n: i64) -> Option<DateTime<Utc>> {
    match n {
        n if n <= 0 => None,
        n if n > 100_000_000_000 => DateTime::from_timestamp_millis(n),
        n => DateTime::from_timestamp(n, 0),
    }
}

fn text_of(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "string")]
        s: String,
        #[serde(default, deserialize_with = "int")]
        i: i64,
        #[serde(default, deserialize_with = "opt_time")]
        t: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "boolean")]
        b: bool,
    }

    #[test]
    fn numbers_and_strings_both_decode() {
        let p: Probe =
            serde_json::from_value(serde_json::json!({"s": 30003, "i": "12", "t": 1700000000, "b": 1})).unwrap();
        assert_eq!((p.s.as_str(), p.i, p.b), ("30003", 12, true));
        assert_eq!(p.t.map(|t| t.timestamp()), Some(1_700_000_000));
        let p: Probe = serde_json::from_value(serde_json::json!({"s": null, "i": "LV", "t": 0, "b": "no"})).unwrap();
        assert_eq!((p.s.as_str(), p.i, p.t, p.b), ("", 0, None, false));
        let p: Probe = serde_json::from_value(serde_json::json!({"t": 1700000000123i64})).unwrap();
        assert_eq!(p.t.map(|t| t.timestamp_millis()), Some(1_700_000_000_123));
    }
}
