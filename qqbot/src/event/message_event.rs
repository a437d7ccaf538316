//! A message someone sent where the bot can see it.

use super::{Platform, PlatformData, Scene, Sender};
use crate::message::Message;

/// A message event, in the same shape on every platform.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MessageEvent {
    /// Where the event came from.
    pub platform: Platform,
    /// The scene: group, C2C, guild channel or guild DM.
    pub scene: Scene,
    /// The id of the bot account that received it.
    pub self_id: String,
    /// The platform's message id (the official platform's `id`, OneBot's `message_id`).
    pub message_id: String,
    /// The official platform's `event_id`, where the event has one (needed to reply to some events).
    pub event_id: Option<String>,
    /// Who sent it.
    pub sender: Sender,
    /// The group id (QQ group; the official platform's `group_openid`), for [`Scene::GROUP`].
    pub group_id: Option<String>,
    /// The guild id, for [`Scene::GUILD`] and [`Scene::DM`].
    pub guild_id: Option<String>,
    /// The channel id, for [`Scene::GUILD`] and [`Scene::DM`].
    pub channel_id: Option<String>,
    /// The message content.
    pub message: Message,
    /// The id of the message this one replies to, if any.
    pub reply_to: Option<String>,
    /// Whether the message mentions the bot (always true in C2C and DM, where the mention is implicit).
    pub to_me: bool,
    /// Unix time in seconds when the message was sent (0 if unknown).
    pub time: i64,
    /// Whether the bot itself sent this message (OneBot `message_sent`).
    pub is_self: bool,
    /// The adapter's own decoded payload.
    pub platform_data: PlatformData,
}

impl MessageEvent {
    /// A message event with the given scene and text, from `user_id`: the starting point for tests and adapters.
    pub fn new(platform: Platform, scene: Scene, self_id: impl Into<String>, sender: Sender, message: Message) -> Self {
        let to_me = scene.is_private();
        MessageEvent {
            platform,
            scene,
            self_id: self_id.into(),
            message_id: String::new(),
            event_id: None,
            sender,
            group_id: None,
            guild_id: None,
            channel_id: None,
            message,
            reply_to: None,
            to_me,
            time: 0,
            is_self: false,
            platform_data: PlatformData::none(),
        }
    }

    /// The user ids this message mentions.
    pub fn mentions(&self) -> impl Iterator<Item = &str> {
        self.message.mentions()
    }

    /// Whether the message mentions the bot, explicitly or implicitly (one-to-one chats).
    pub fn mentions_me(&self) -> bool {
        self.to_me || self.scene.is_private() || self.message.mentions().any(|id| id == self.self_id)
    }

    /// The conversation this message belongs to: where a reply goes.
    pub fn target(&self) -> super::Target {
        super::Target::of_event(self)
    }

    /// The decoded platform payload of type `T`, if the adapter stored one.
    pub fn platform_data<T: std::any::Any>(&self) -> Option<&T> {
        self.platform_data.get::<T>()
    }
}
