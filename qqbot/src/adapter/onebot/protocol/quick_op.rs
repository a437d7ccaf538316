//! Quick operations: the JSON an HTTP POST receiver answers with (or `.handle_quick_operation` sends), so the
//! implementation acts on the event without a separate API call.

use serde_json::{Map, Value};

use super::segment::message_to_value;
use crate::message::Message;

/// The quick operation that replies `message` to a message event. `at_sender` is set to false explicitly,
/// because implementations default it to true in groups.
pub fn reply(message: &Message) -> Value {
    let mut op = Map::new();
    op.insert("reply".to_owned(), message_to_value(message));
    op.insert("auto_escape".to_owned(), Value::Bool(false));
    op.insert("at_sender".to_owned(), Value::Bool(false));
    Value::Object(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_never_mentions_the_sender_by_accident() {
        let op = reply(&Message::from("hi"));
        assert_eq!(op["at_sender"], false);
        assert_eq!(op["reply"][0]["data"]["text"], "hi");
    }
}
