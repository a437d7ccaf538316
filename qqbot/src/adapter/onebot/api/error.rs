//! Errors of the typed OneBot API itself (the implementation's own failures are `Error::Api`).

use crate::error::Error;

/// Something the typed API refused or could not understand, before or after the implementation answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OneBotApiError {
    /// A sender was given nothing to send.
    #[error("`{action}`: the message is empty (消息不能为空); set text, an image or another option")]
    EmptyMessage {
        /// The method called.
        action: String,
    },
    /// No target was given and the API carries no context target.
    #[error("`{action}` needs a group or user: pass one, or call it through `ctx.onebot()` inside a message handler")]
    NoTarget {
        /// The method called.
        action: String,
    },
    /// The target is a guild channel or DM, which OneBot cannot reach.
    #[error("`{action}` cannot send to {target}: OneBot reaches only groups and private chats")]
    UnsupportedTarget {
        /// The method called.
        action: String,
        /// The target given.
        target: String,
    },
    /// The answer's `data` did not have the documented shape.
    #[error("`{action}` answered data of an unexpected shape: {source}; the implementation may be newer than qqbot")]
    Decode {
        /// The action called.
        action: String,
        /// What did not match.
        source: serde_json::Error,
    },
    /// The answer lacked a field the method returns.
    #[error("`{action}` answered without `{field}`")]
    MissingField {
        /// The action called.
        action: String,
        /// The missing field.
        field: &'static str,
    },
    /// A segment given to OCR is neither an image nor a file.
    #[error("ocr_image needs a path, URL, image or file segment, not a `{kind}` segment")]
    NotAnImage {
        /// The segment type given.
        kind: String,
    },
}

impl From<OneBotApiError> for Error {
    fn from(e: OneBotApiError) -> Error {
        Error::adapter(e)
    }
}
