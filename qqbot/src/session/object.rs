//! [`SessionObject`]: what a session operation returns (qg_botsdk's `SessionObject`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::SessionError;
use super::scope::{Scope, SessionId, SessionStatus};

/// A snapshot of one session: its scope, status, key, data and identify.
///
/// The data is a JSON object; read and write its fields with types through [`SessionObject::get`] and
/// [`SessionObject::set`] (in this snapshot only — write back with the session's `update`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SessionObject {
    /// The scope.
    pub scope: Scope,
    /// The status when the snapshot was taken.
    pub status: SessionStatus,
    /// The key.
    pub key: String,
    /// The data.
    pub data: Map<String, Value>,
    /// The identify inside the scope (`None` for [`Scope::GLOBAL`]).
    pub identify: Option<String>,
}

impl SessionObject {
    pub(crate) fn new(id: &SessionId, status: SessionStatus, data: Map<String, Value>) -> Self {
        SessionObject {
            scope: id.scope,
            status,
            key: id.key.clone(),
            data,
            identify: if id.scope == Scope::GLOBAL { None } else { Some(id.identify.clone()) },
        }
    }

    /// The session's id.
    pub fn id(&self) -> SessionId {
        SessionId::new(self.scope, self.identify.clone().unwrap_or_default(), self.key.clone())
    }

    /// Field `field` read as a `T` (`None` when absent or `null`).
    pub fn get<T: DeserializeOwned>(&self, field: &str) -> Result<Option<T>, SessionError> {
        read_field(&self.data, field)
    }

    /// Sets field `field` in this snapshot.
    pub fn set(&mut self, field: &str, value: impl Serialize) -> Result<(), SessionError> {
        self.data.insert(field.to_owned(), to_json(field, value)?);
        Ok(())
    }
}

pub(crate) fn read_field<T: DeserializeOwned>(
    data: &Map<String, Value>,
    field: &str,
) -> Result<Option<T>, SessionError> {
    match data.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => T::deserialize(v).map(Some).map_err(|source| SessionError::Data { field: field.to_owned(), source }),
    }
}

pub(crate) fn to_json(field: &str, value: impl Serialize) -> Result<Value, SessionError> {
    serde_json::to_value(value).map_err(|source| SessionError::Data { field: field.to_owned(), source })
}

/// Serializes `data` into a JSON object.
pub(crate) fn to_object(data: impl Serialize) -> Result<Map<String, Value>, SessionError> {
    match serde_json::to_value(data) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(other) => Err(SessionError::NotAnObject { kind: kind_of(&other) }),
        Err(source) => Err(SessionError::Data { field: String::new(), source }),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
