//! The de-duplication key of an official dispatch.

use std::borrow::Cow;

/// The de-duplication key of a dispatch: the envelope id (borrowed), else the type and `d.id`.
pub(crate) fn dedup_key<'a>(
    t: &str,
    event_id: Option<&'a str>,
    d: &serde_json::value::RawValue,
) -> Option<Cow<'a, str>> {
    if let Some(id) = event_id.filter(|s| !s.is_empty()) {
        return Some(Cow::Borrowed(id));
    }
    /// Only `d.id`; every other field is skipped without building anything.
    #[derive(serde::Deserialize)]
    struct IdOnly {
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    let IdOnly { id } = serde_json::from_str(d.get()).ok()?;
    id.as_ref().and_then(serde_json::Value::as_str).map(|id| Cow::Owned(format!("{t}:{id}")))
}
