//! A test kit for bots: build an [`App`], send it events as a user, and assert on what it replied — no network.
//!
//! ```
//! use qqbot::prelude::*;
//! use qqbot::testing::TestClient;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = App::empty().command(BotCommand::new("ping").word("/ping").handler(|_: Ctx| async { "pong" }));
//! let client = TestClient::new(app).unwrap();
//! assert_eq!(client.send("/ping").await.texts(), vec!["pong"]);
//! # }
//! ```
//!
//! Fakes of the real protocol peers (a fake NapCat, a fake official gateway and REST API) live beside this
//! module, for adapter tests over loopback.

mod counting_allocator;
pub mod napcat;
#[cfg(feature = "official")]
pub mod official;
mod recording_bot;

pub use counting_allocator::CountingAllocator;
pub use recording_bot::{RecordingBot, Sent};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

use crate::api::Bot;
use crate::app::App;
use crate::command::Dispatcher;
use crate::error::Result;
use crate::event::{Event, MessageEvent, Platform, Role, Scene, Sender};
use crate::message::{Message, Segment};
use crate::session::SessionManager;

/// The bot id test events are addressed to.
pub const BOT_ID: &str = "10000";
/// The default group of [`TestClient::send`].
pub const GROUP_ID: &str = "20000";
/// The default user of [`TestClient::send`].
pub const USER_ID: &str = "12345";

/// An app under test.
pub struct TestClient {
    dispatcher: Arc<Dispatcher>,
    bot: Arc<RecordingBot>,
    shutdown: watch::Sender<bool>,
    next_id: AtomicU64,
    platform: Platform,
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient").field("dispatcher", &self.dispatcher).finish_non_exhaustive()
    }
}

impl TestClient {
    /// Builds the app (its adapters are not started) with a recording bot as account [`BOT_ID`]. Sessions live in
    /// memory unless the app was given a session manager or a `[session]` table, so tests leave no files behind.
    pub fn new(app: App) -> Result<Self> {
        let app = if app.has_state::<SessionManager>() || app.config().has_section("session") {
            app
        } else {
            app.state(SessionManager::memory())
        };
        let built = app.build()?;
        let bot = Arc::new(RecordingBot::new(BOT_ID));
        // The recording bot is the connected account: scheduled jobs send through it, on the app's clock.
        built.scheduler.accounts().add(bot.clone());
        built.scheduler.start();
        Ok(TestClient {
            dispatcher: built.sink.dispatcher().clone(),
            bot,
            shutdown: built.shutdown,
            next_id: AtomicU64::new(1),
            platform: Platform::Console,
        })
    }

    /// Makes test events claim to come from `platform` (the default is the console).
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// The recording bot: everything the app sent.
    pub fn bot(&self) -> &Arc<RecordingBot> {
        &self.bot
    }

    /// The dispatcher under test.
    pub fn dispatcher(&self) -> &Arc<Dispatcher> {
        &self.dispatcher
    }

    /// A member of a group.
    pub fn group_member(&self, group_id: &str, user_id: &str) -> Speaker<'_> {
        self.speaker(Scene::GROUP, user_id).group(group_id)
    }

    /// A user in a C2C (private) chat.
    pub fn private(&self, user_id: &str) -> Speaker<'_> {
        self.speaker(Scene::C2C, user_id)
    }

    /// A member of a guild channel.
    pub fn guild_member(&self, guild_id: &str, channel_id: &str, user_id: &str) -> Speaker<'_> {
        let mut s = self.speaker(Scene::GUILD, user_id);
        s.guild_id = Some(guild_id.to_owned());
        s.channel_id = Some(channel_id.to_owned());
        s
    }

    /// A user in a guild DM.
    pub fn dm(&self, guild_id: &str, user_id: &str) -> Speaker<'_> {
        let mut s = self.speaker(Scene::DM, user_id);
        s.guild_id = Some(guild_id.to_owned());
        s
    }

    fn speaker(&self, scene: Scene, user_id: &str) -> Speaker<'_> {
        Speaker {
            client: self,
            scene,
            sender: Sender::new(user_id),
            group_id: None,
            guild_id: None,
            channel_id: None,
            mention_bot: false,
        }
    }

    /// Sends `message` as user [`USER_ID`], a member of group [`GROUP_ID`], and returns the replies.
    pub async fn send(&self, message: impl Into<Message>) -> Replies {
        self.group_member(GROUP_ID, USER_ID).send(message).await
    }

    /// Dispatches any event and returns what was sent while it was handled (until it settled).
    pub async fn send_event(&self, event: Event) -> Replies {
        let before = self.bot.sent().len();
        let handle = self.dispatcher.dispatch(self.bot.clone() as Arc<dyn Bot>, event).await;
        handle.settled().await;
        Replies(self.bot.sent().split_off(before))
    }

    /// Dispatches an event without waiting for it to settle.
    pub async fn dispatch(&self, event: Event) -> crate::command::DispatchHandle {
        self.dispatcher.dispatch(self.bot.clone() as Arc<dyn Bot>, event).await
    }

    /// Waits until no event is being handled.
    pub async fn idle(&self) {
        self.dispatcher.idle().await
    }

    /// Begins shutdown: waiting conversations are cancelled.
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    fn next_message_id(&self) -> String {
        format!("m{}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }
}

/// A user who sends test messages somewhere.
#[derive(Debug, Clone)]
pub struct Speaker<'a> {
    client: &'a TestClient,
    scene: Scene,
    sender: Sender,
    group_id: Option<String>,
    guild_id: Option<String>,
    channel_id: Option<String>,
    mention_bot: bool,
}

impl Speaker<'_> {
    fn group(mut self, group_id: &str) -> Self {
        self.group_id = Some(group_id.to_owned());
        self
    }

    /// Gives the user a role.
    pub fn role(mut self, role: Role) -> Self {
        self.sender.role = role;
        self
    }

    /// Makes the user an admin.
    pub fn admin(self) -> Self {
        self.role(Role::Admin)
    }

    /// Makes the user the owner.
    pub fn owner(self) -> Self {
        self.role(Role::Owner)
    }

    /// Sets the user's nickname.
    pub fn nickname(mut self, name: &str) -> Self {
        self.sender.nickname = Some(name.to_owned());
        self
    }

    /// Makes every message start with a mention of the bot.
    pub fn mention_bot(mut self) -> Self {
        self.mention_bot = true;
        self
    }

    /// The event this user's message would be.
    pub fn event(&self, message: impl Into<Message>) -> MessageEvent {
        let mut message = message.into();
        if self.mention_bot {
            message.segments_mut().insert(0, Segment::At(BOT_ID.into()));
        }
        let mut e = MessageEvent::new(self.client.platform, self.scene, BOT_ID, self.sender.clone(), message);
        e.message_id = self.client.next_message_id();
        e.group_id = self.group_id.clone();
        e.guild_id = self.guild_id.clone();
        e.channel_id = self.channel_id.clone();
        e.to_me = e.mentions_me();
        e
    }

    /// Sends a message and returns the replies sent while it was handled.
    pub async fn send(&self, message: impl Into<Message>) -> Replies {
        self.client.send_event(Event::Message(self.event(message))).await
    }
}

/// What the app sent while handling one event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replies(pub Vec<Sent>);

impl Replies {
    /// The messages as readable text.
    pub fn texts(&self) -> Vec<String> {
        self.0.iter().map(|s| s.message.to_string()).collect()
    }

    /// The messages.
    pub fn messages(&self) -> Vec<&Message> {
        self.0.iter().map(|s| &s.message).collect()
    }

    /// Whether nothing was sent.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many messages were sent.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}
