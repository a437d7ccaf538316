//! A message handed from the instance that received it to the instance where a handler waits for it: the
//! platform-neutral fields as JSON (the adapter's own payload stays behind).

use serde::{Deserialize, Serialize};

use crate::event::{MessageEvent, Platform, Scene, Sender};
use crate::message::Message;

#[derive(Serialize, Deserialize)]
struct Wire {
    /// The waiter number in the receiving instance.
    w: u64,
    platform: String,
    scene: Scene,
    self_id: String,
    message_id: String,
    event_id: Option<String>,
    sender: Sender,
    group_id: Option<String>,
    guild_id: Option<String>,
    channel_id: Option<String>,
    message: Message,
    reply_to: Option<String>,
    to_me: bool,
    time: i64,
}

pub(crate) fn encode(waiter: u64, m: &MessageEvent) -> Result<String, serde_json::Error> {
    serde_json::to_string(&Wire {
        w: waiter,
        platform: m.platform.name().to_owned(),
        scene: m.scene,
        self_id: m.self_id.clone(),
        message_id: m.message_id.clone(),
        event_id: m.event_id.clone(),
        sender: m.sender.clone(),
        group_id: m.group_id.clone(),
        guild_id: m.guild_id.clone(),
        channel_id: m.channel_id.clone(),
        message: m.message.clone(),
        reply_to: m.reply_to.clone(),
        to_me: m.to_me,
        time: m.time,
    })
}

pub(crate) fn decode(text: &str) -> Result<(u64, MessageEvent), String> {
    let w: Wire = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let platform = match w.platform.as_str() {
        "onebot" => Platform::OneBot,
        "official" => Platform::Official,
        "console" => Platform::Console,
        other => return Err(format!("unknown platform `{other}`")),
    };
    let mut m = MessageEvent::new(platform, w.scene, w.self_id, w.sender, w.message);
    m.message_id = w.message_id;
    m.event_id = w.event_id;
    m.group_id = w.group_id;
    m.guild_id = w.guild_id;
    m.channel_id = w.channel_id;
    m.reply_to = w.reply_to;
    m.to_me = w.to_me;
    m.time = w.time;
    Ok((w.w, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_the_trip() {
        let mut m =
            MessageEvent::new(Platform::Official, Scene::GROUP, "app", Sender::new("U1"), Message::new().text("张三"));
        m.group_id = Some("G1".into());
        m.message_id = "M-7527129663562465450".into();
        let (w, back) = decode(&encode(42, &m).expect("encodes")).expect("decodes");
        assert_eq!(w, 42);
        assert_eq!(back.target(), m.target());
        assert_eq!(back.message, m.message);
        assert_eq!(back.message_id, m.message_id);
        assert_eq!(back.sender.user_id, "U1");
    }
}
