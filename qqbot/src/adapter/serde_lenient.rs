//! Lenient field decoders for platform JSON, shared by every adapter: implementations send ids as strings or
//! numbers, integers as numeric strings, booleans as `true`, `1` or `"true"`, and `null` where a list or object
//! is empty. Every decoder here accepts all of these and never fails on a wrong type, so one odd field never
//! loses a whole event or answer.
//!
//! Models declare their structs inside [`lenient!`]: every field then decodes through the [`Lenient`] impl of its
//! type, with no attribute to remember — a new field of a type without an impl is a compile error, not an event
//! that silently turns into `Unknown` at run time. The functions below remain for the few hand-written decoders.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string from a string, number or boolean; `None` for null, absent, arrays and objects.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.and_then(value_string))
}

/// Like [`opt_string`], with "" for anything that is not text (ids in honour lists, `file_size`, `bkn`).
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// An integer from a number or a numeric string (`level: "12"`, `msgTime: "1734567890"`); `None` otherwise.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.as_ref().and_then(value_i64))
}

/// Like [`opt_i64`], with 0 for anything unreadable.
pub(crate) fn i64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(opt_i64(d)?.unwrap_or_default())
}

/// A float from a number or a numeric string; `None` otherwise.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A boolean from `true`/`false`, a number (non-zero is true) or `"true"`/`"1"`/`"yes"` (`"false"`, `"0"`,
/// `""` are false); `None` for anything else.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_f64().is_some_and(|f| f != 0.0)),
        Some(Value::String(s)) => match s.as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// Like [`opt_bool`], with `false` for anything unreadable.
pub(crate) fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_bool(d)?.unwrap_or_default())
}

/// A value whose `null` means "empty" (`null` lists in `get_group_system_msg`, the official API's `null`
/// arrays).
pub(crate) fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A list of strings from an array of strings or numbers; empty for null, absent or anything else.
#[cfg_attr(not(feature = "official"), allow(dead_code))] // only the official model reads these
pub(crate) fn vec_string<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => {
            items.into_iter().filter(|v| v.is_string() || v.is_number()).filter_map(value_string).collect()
        }
        _ => Vec::new(),
    })
}

/// A list of unsigned integers (shard pairs) from numbers or numeric strings.
#[cfg_attr(not(feature = "official"), allow(dead_code))] // only the official model reads these
pub(crate) fn vec_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items.iter().filter_map(value_i64).filter_map(|i| u32::try_from(i).ok()).collect(),
        _ => Vec::new(),
    })
}

/// A Unix time in seconds (or milliseconds, which NapCat's fallback clock produces); 0 or less means "none".
pub(crate) fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(opt_i64(d)?.and_then(|n| match n {
        n if n <= 0 => None,
        n if n > 100_000_000_000 => DateTime::from_timestamp_millis(n),
        n => DateTime::from_timestamp(n, 0),
    }))
}

/// An integer from a JSON number (fractions truncated) or a numeric string.
pub(crate) fn value_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_string(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// How one field type decodes leniently: the behaviour of the functions above, chosen by the field's type.
pub(crate) trait Lenient: Sized {
    /// Decodes the field; only a structurally broken nested model may fail.
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// The `deserialize_with` target every [`lenient!`] field uses.
pub(crate) fn field<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::lenient(d)
}

macro_rules! lenient_by {
    ($($ty:ty => $f:path),* $(,)?) => {
        $(impl Lenient for $ty {
            fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $f(d)
            }
        })*
    };
}

lenient_by! {
    String => string,
    Option<String> => opt_string,
    i64 => i64_or_zero,
    Option<i64> => opt_i64,
    bool => bool_or_false,
    Option<bool> => opt_bool,
    Vec<String> => vec_string,
    Vec<u32> => vec_u32,
    Option<DateTime<Utc>> => opt_time,
    Option<f64> => opt_f64,
    Value => or_default,
    Option<Value> => or_default,
    Vec<Value> => or_default,
    serde_json::Map<String, Value> => or_default,
}

/// Makes a model type usable as a [`lenient!`] field: itself, `Option<_>` and `Vec<_>` of it, with `null` read as
/// empty. For enums and hand-written structs; [`lenient!`] structs get it by themselves.
macro_rules! lenient_model {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $crate::adapter::serde_lenient::Lenient for $ty {
                fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    $crate::adapter::serde_lenient::or_default(d)
                }
            }
            impl $crate::adapter::serde_lenient::Lenient for Option<$ty> {
                fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    $crate::adapter::serde_lenient::or_default(d)
                }
            }
            impl $crate::adapter::serde_lenient::Lenient for Vec<$ty> {
                fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    $crate::adapter::serde_lenient::or_default(d)
                }
            }
        )*
    };
}
pub(crate) use lenient_model;

/// Declares a model struct whose every field decodes leniently (absent → default, through [`Lenient`]). Fields in
/// an optional trailing `keep { … }` block are emitted as written (`#[serde(flatten)]` catch-alls, hand-written
/// decoders).
macro_rules! lenient {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fattr:meta])*
                $fvis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
        $(keep {
            $(
                $(#[$kattr:meta])*
                $kvis:vis $kfield:ident : $kty:ty
            ),* $(,)?
        })?
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $(
                $(#[$fattr])*
                #[serde(default, deserialize_with = "crate::adapter::serde_lenient::field")]
                $fvis $field: $ty,
            )*
            $($(
                $(#[$kattr])*
                $kvis $kfield: $kty,
            )*)?
        }
        $crate::adapter::serde_lenient::lenient_model!($name);
    };
}
pub(crate) use lenient;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_string")]
        id: Option<String>,
        #[serde(default, deserialize_with = "string")]
        s: String,
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "i64_or_zero")]
        i: i64,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "bool_or_false")]
        flag: bool,
        #[serde(default, deserialize_with = "vec_string")]
        roles: Vec<String>,
        #[serde(default, deserialize_with = "vec_u32")]
        shard: Vec<u32>,
        #[serde(default, deserialize_with = "or_default")]
        list: Vec<i64>,
        #[serde(default, deserialize_with = "opt_time")]
        t: Option<DateTime<Utc>>,
    }

    fn probe(v: Value) -> Probe {
        serde_json::from_value(v).expect("lenient decoders never fail")
    }

    #[test]
    fn numbers_and_strings_both_decode() {
        let p = probe(json!({"id": 47129941624960822u64, "s": 30003, "n": "7200", "i": "12", "b": 1, "flag": "yes",
            "roles": ["1", 4, {}], "shard": [0, "2"], "list": [1], "t": 1700000000}));
        assert_eq!((p.id.as_deref(), p.s.as_str()), (Some("47129941624960822"), "30003"));
        assert_eq!((p.n, p.i, p.b, p.flag), (Some(7200), 12, Some(true), true));
        assert_eq!((p.roles, p.shard, p.list), (vec!["1".to_owned(), "4".to_owned()], vec![0, 2], vec![1]));
        assert_eq!(p.t.map(|t| t.timestamp()), Some(1_700_000_000));
        let p = probe(json!({"t": 1700000000123i64}));
        assert_eq!(p.t.map(|t| t.timestamp_millis()), Some(1_700_000_000_123));
    }

    #[test]
    fn junk_and_null_read_as_absent_or_empty() {
        let p = probe(json!({"id": {"x": 1}, "s": null, "n": [1], "i": "LV", "b": "maybe", "flag": "no",
            "roles": "x", "shard": null, "list": null, "t": 0}));
        assert_eq!((p.id, p.s.as_str(), p.n, p.i, p.b, p.flag), (None, "", None, 0, None, false));
        assert!(p.roles.is_empty() && p.shard.is_empty() && p.list.is_empty() && p.t.is_none());
    }

    lenient! {
        #[derive(Debug, Default, Deserialize)]
        struct Inner {
            name: String,
        }
    }

    lenient! {
        #[derive(Debug, Default, Deserialize)]
        struct Model {
            id: Option<String>,
            count: i64,
            ratio: Option<f64>,
            on: bool,
            inner: Option<Inner>,
            list: Vec<Inner>,
            #[serde(rename = "type")]
            kind: Option<i64>,
        } keep {
            #[serde(flatten)]
            extra: serde_json::Map<String, Value>,
        }
    }

    #[test]
    fn a_lenient_model_reads_every_field_leniently_without_attributes() {
        let m: Model = serde_json::from_value(json!({"id": 7527129663562465450u64, "count": "3", "ratio": "0.5",
            "on": "1", "inner": {"name": 12}, "list": null, "type": "2", "new_field": [1]}))
        .expect("lenient models never fail on a field's type");
        assert_eq!((m.id.as_deref(), m.count, m.ratio, m.on), (Some("7527129663562465450"), 3, Some(0.5), true));
        assert_eq!((m.inner.map(|i| i.name), m.list.len(), m.kind), (Some("12".to_owned()), 0, Some(2)));
        assert_eq!(m.extra.get("new_field"), Some(&json!([1])));
        let empty: Model = serde_json::from_value(json!({})).expect("absent fields are defaults");
        assert!(empty.id.is_none() && empty.count == 0 && !empty.on && empty.inner.is_none());
    }
}
