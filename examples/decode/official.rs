//! `decode official FILE…`: the official platform's frames (`{"op":0,"t":…,"d":…}`) and bare `d` bodies
//! (`*.d.json`, the event type taken from the file name: `dispatch-AT_MESSAGE_CREATE-1.d.json`,
//! `GROUP_AT_MESSAGE_CREATE.d.json`) decoded into the framework's `Event`.

use std::path::Path;

use qqbot::Event;
use qqbot::adapter::official::model::Payload;
use qqbot::adapter::official::{OfficialEvent, to_event};

/// The id the decoded events are addressed to (what mentions of the bot would use).
pub const SELF_ID: &str = "self";

/// The event type in a bare-`d` file name, if it names one.
fn type_from_file_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.strip_suffix(".d.json")?;
    let name = name.strip_prefix("dispatch-").unwrap_or(name);
    // Drop a trailing `-<n>` sample number.
    let t = match name.rsplit_once('-') {
        Some((t, n)) if n.chars().all(|c| c.is_ascii_digit()) => t,
        _ => name,
    };
    (!t.is_empty()).then(|| t.to_owned())
}

/// Decodes one file's text into an event.
pub fn decode(path: &Path, text: &str) -> Result<Event, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let ev = if let Some(t) = type_from_file_name(path) {
        OfficialEvent::decode(&t, None, None, json)
    } else {
        let frame: Payload =
            serde_json::from_str(&json.to_string()).map_err(|e| format!("not an official frame: {e}"))?;
        if frame.op != 0 {
            return Err(format!("op {} is not a dispatch (op 0); nothing to decode into an event", frame.op));
        }
        if frame.t.as_deref().unwrap_or("").is_empty() {
            return Err("a dispatch without `t`".into());
        }
        OfficialEvent::from_payload(frame)
    };
    Ok(to_event(ev, SELF_ID))
}
