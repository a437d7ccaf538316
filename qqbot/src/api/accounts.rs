//! [`Accounts`]: the bot accounts an app is connected through, for what it sends on its own (scheduled jobs).

use std::sync::{Arc, RwLock};

use crate::event::{Event, Notice, Platform};

use super::Bot;

/// The connected bot accounts of one app, kept by the dispatcher: an account is added when its connection comes
/// up (or its first event arrives, for implementations that announce nothing) and removed when it goes down.
#[derive(Default)]
pub struct Accounts {
    bots: RwLock<Vec<Arc<dyn Bot>>>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.list().iter().map(|b| format!("{}:{}", b.platform(), b.self_id()))).finish()
    }
}

impl Accounts {
    /// Adds (or replaces) an account.
    pub fn add(&self, bot: Arc<dyn Bot>) {
        let mut bots = self.bots.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        bots.retain(|b| !same(b.as_ref(), bot.platform(), bot.self_id()));
        bots.push(bot);
    }

    /// Removes an account.
    pub fn remove(&self, platform: Platform, self_id: &str) {
        let mut bots = self.bots.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        bots.retain(|b| !same(b.as_ref(), platform, self_id));
    }

    /// The connected accounts, in the order they connected.
    pub fn list(&self) -> Vec<Arc<dyn Bot>> {
        self.bots.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Learns from one event: a connection coming up adds its account, going down removes it, and the first
    /// event of an account nobody announced adds it.
    pub(crate) fn note(&self, bot: &Arc<dyn Bot>, event: &Event) {
        match event {
            Event::Notice(n) if matches!(n.kind, Notice::Disconnected(_)) => {
                self.remove(bot.platform(), bot.self_id());
            }
            Event::Notice(n) if matches!(n.kind, Notice::Connected(_)) => self.add(bot.clone()),
            _ => {
                let known = self
                    .bots
                    .read()
                    .is_ok_and(|bots| bots.iter().any(|b| same(b.as_ref(), bot.platform(), bot.self_id())));
                if !known {
                    self.add(bot.clone());
                }
            }
        }
    }
}

fn same(bot: &dyn Bot, platform: Platform, self_id: &str) -> bool {
    bot.platform() == platform && bot.self_id() == self_id
}
