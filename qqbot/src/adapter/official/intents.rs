//! Gateway intents: which event families the bot subscribes to, computed from the handlers it registered.

use bitflags::bitflags;

use crate::command::Dispatcher;
use crate::event::Scene;

bitflags! {
    /// The Identify `intents` bitmask.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Intents: u32 {
        /// GUILD_CREATE/UPDATE/DELETE, CHANNEL_CREATE/UPDATE/DELETE.
        const GUILDS = 1 << 0;
        /// GUILD_MEMBER_ADD/UPDATE/REMOVE.
        const GUILD_MEMBERS = 1 << 1;
        /// MESSAGE_CREATE, MESSAGE_DELETE (private-domain bots only).
        const GUILD_MESSAGES = 1 << 9;
        /// MESSAGE_REACTION_ADD/REMOVE.
        const GUILD_MESSAGE_REACTIONS = 1 << 10;
        /// DIRECT_MESSAGE_CREATE/DELETE (guild DMs).
        const DIRECT_MESSAGE = 1 << 12;
        /// OPEN_FORUM_* (public forum events).
        const OPEN_FORUMS_EVENT = 1 << 18;
        /// AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER/EXIT.
        const AUDIO_OR_LIVE_CHANNEL_MEMBER = 1 << 19;
        /// ENTER_AIO.
        const ENTER_AIO = 1 << 23;
        /// GROUP_MEMBER_ADD/REMOVE (not in the official table; used by nonebot).
        const GROUP_MEMBERS = 1 << 24;
        /// Group and C2C messages and events (GROUP_AT_MESSAGE_CREATE, C2C_MESSAGE_CREATE, FRIEND_*, GROUP_*_ROBOT …).
        const GROUP_AND_C2C_EVENT = 1 << 25;
        /// INTERACTION_CREATE.
        const INTERACTION = 1 << 26;
        /// MESSAGE_AUDIT_PASS/REJECT.
        const MESSAGE_AUDIT = 1 << 27;
        /// FORUM_* (private-domain bots only).
        const FORUMS_EVENT = 1 << 28;
        /// AUDIO_START/FINISH/ON_MIC/OFF_MIC.
        const AUDIO_ACTION = 1 << 29;
        /// AT_MESSAGE_CREATE, PUBLIC_MESSAGE_DELETE.
        const PUBLIC_GUILD_MESSAGES = 1 << 30;
    }
}

impl Intents {
    /// Parses flag names (as in the constants, case-insensitive). Returns the first unknown name on failure.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Intents, String> {
        let mut out = Intents::empty();
        for name in names {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            match Intents::from_name(&name.to_ascii_uppercase()) {
                Some(flag) => out |= flag,
                None => return Err(name.to_owned()),
            }
        }
        Ok(out)
    }

    /// The known flag names, comma-separated (for error messages).
    pub fn known_names() -> String {
        Intents::all().iter_names().map(|(n, _)| n).collect::<Vec<_>>().join(", ")
    }

    /// The intents the registered handlers need.
    ///
    /// Message intents follow the scenes of the commands: GROUP/C2C → `GROUP_AND_C2C_EVENT`; GUILD →
    /// `PUBLIC_GUILD_MESSAGES` (or `GUILD_MESSAGES` for a private-domain bot); DM → `DIRECT_MESSAGE`. Event handlers
    /// add `INTERACTION` and, when guild scenes are in use, the guild notice families a public bot may receive
    /// (guilds, members, reactions, forums, audits). Audio and `GROUP_MEMBERS` events must be asked for with
    /// `intents` in `[official]`.
    pub fn for_handlers(dispatcher: &Dispatcher, private_domain: bool) -> Intents {
        let scenes = dispatcher.commands().iter().fold(Scene::empty(), |acc, c| acc | c.scenes);
        let has_event_handlers = !dispatcher.event_handlers.is_empty();
        // With no commands at all, event handlers may want anything: consider every scene.
        let scenes = if scenes.is_empty() && has_event_handlers { Scene::ANY } else { scenes };
        let mut out = Intents::empty();
        if scenes.intersects(Scene::GROUP | Scene::C2C) {
            out |= Intents::GROUP_AND_C2C_EVENT;
        }
        if scenes.contains(Scene::GUILD) {
            out |= if private_domain { Intents::GUILD_MESSAGES } else { Intents::PUBLIC_GUILD_MESSAGES };
        }
        if scenes.contains(Scene::DM) {
            out |= Intents::DIRECT_MESSAGE;
        }
        if has_event_handlers {
            out |= Intents::INTERACTION;
            if scenes.intersects(Scene::GUILD | Scene::DM) {
                out |= Intents::GUILDS
                    | Intents::GUILD_MEMBERS
                    | Intents::GUILD_MESSAGE_REACTIONS
                    | Intents::MESSAGE_AUDIT;
                out |= if private_domain { Intents::FORUMS_EVENT } else { Intents::OPEN_FORUMS_EVENT };
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(Intents::from_names(["guilds", "INTERACTION"]).unwrap(), Intents::GUILDS | Intents::INTERACTION);
        assert_eq!(Intents::from_names(["NOPE"]).unwrap_err(), "NOPE");
        assert_eq!((Intents::GROUP_AND_C2C_EVENT | Intents::INTERACTION).bits(), (1 << 25) | (1 << 26));
        assert_eq!(
            (Intents::GUILDS
                | Intents::GUILD_MEMBERS
                | Intents::GUILD_MESSAGE_REACTIONS
                | Intents::DIRECT_MESSAGE
                | Intents::PUBLIC_GUILD_MESSAGES)
                .bits(),
            1 | 2 | 1024 | 4096 | (1 << 30)
        );
    }
}
