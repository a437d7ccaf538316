//! Where a message was said: a QQ group, a C2C (private) chat, a guild channel or a guild DM.

use bitflags::bitflags;

bitflags! {
    /// The scene of a message (qg_botsdk's `CommandValidScenes`).
    ///
    /// An event has exactly one scene; a command accepts a set of them, combined with `|`:
    ///
    /// ```
    /// use qqbot::Scene;
    /// let scenes = Scene::GROUP | Scene::C2C;
    /// assert!(scenes.contains(Scene::GROUP));
    /// assert!(!scenes.contains(Scene::GUILD));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
    pub struct Scene: u8 {
        /// A guild (频道) text channel.
        const GUILD = 0b0001;
        /// A guild direct message (频道私信).
        const DM = 0b0010;
        /// A QQ group (QQ 群).
        const GROUP = 0b0100;
        /// A one-to-one QQ chat (QQ 私聊 / C2C).
        const C2C = 0b1000;
    }
}

impl Scene {
    /// Every scene: the default for commands that name none.
    pub const ANY: Scene = Scene::all();

    /// Whether this scene is a one-to-one conversation, where a mention of the bot is implicit.
    pub fn is_private(self) -> bool {
        self.intersects(Scene::C2C | Scene::DM)
    }

    /// A short lowercase name (`group`, `c2c`, `guild`, `dm`), `mixed` for a set of several.
    pub fn name(self) -> &'static str {
        match self {
            Scene::GUILD => "guild",
            Scene::DM => "dm",
            Scene::GROUP => "group",
            Scene::C2C => "c2c",
            _ => "mixed",
        }
    }
}

impl std::fmt::Display for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
