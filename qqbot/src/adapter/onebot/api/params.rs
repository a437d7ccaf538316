//! Building an action's parameter object.

use serde_json::{Map, Value};

use super::super::protocol::id::{LargeIds, with_large_ids};

/// One parameter, turned into JSON only when the request is encoded: an [`Id`](super::Id) becomes a number or a
/// string by the `[onebot] large_ids` policy of the implementation it is sent to, which is known only then.
type Deferred<'a> = Box<dyn FnOnce() -> Value + Send + 'a>;

/// An action's parameters: a JSON object built field by field, leaving out what the caller did not give.
#[derive(Default)]
pub(crate) struct Params<'a>(Vec<(String, Deferred<'a>)>);

impl std::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(k, _)| k)).finish()
    }
}

impl<'a> Params<'a> {
    pub(crate) fn new() -> Self {
        Params(Vec::new())
    }

    /// Sets a field.
    pub(crate) fn set(mut self, key: &str, value: impl Into<Value> + Send + 'a) -> Self {
        self.0.push((key.to_owned(), Box::new(move || value.into())));
        self
    }

    /// Sets a field when a value is given.
    pub(crate) fn opt(self, key: &str, value: Option<impl Into<Value> + Send + 'a>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// The JSON object, with ids written by `policy` (a key set twice keeps its last value).
    pub(crate) fn into_value(self, policy: LargeIds) -> Value {
        with_large_ids(policy, || Value::Object(self.0.into_iter().map(|(k, v)| (k, v())).collect::<Map<_, _>>()))
    }
}

impl From<Map<String, Value>> for Params<'_> {
    fn from(map: Map<String, Value>) -> Self {
        Params(map.into_iter().map(|(k, v)| (k, Box::new(move || v) as Deferred<'_>)).collect())
    }
}
