//! [`Accounts`]: the bot accounts an app is connected through, for what it sends on its own (scheduled jobs).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::event::{Event, Notice, Platform};

use super::Bot;

/// The connected bot accounts of one app, kept by the dispatcher: an account is added when its connection comes
/// up (or its first event arrives, for implementations that announce nothing) and removed when it goes down.
#[derive(Default)]
pub struct Accounts {
    // Keyed by platform and account id, so the look-up every event makes costs the same with 1 000 accounts as
    // with one; the counter keeps the connection order for `list`.
    bots: RwLock<Connected>,
}

/// One platform's accounts by id, each with its place in the connection order.
type ById = HashMap<String, (u64, Arc<dyn Bot>)>;

#[derive(Default)]
struct Connected {
    by_platform: HashMap<Platform, ById>,
    next: u64,
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
        let seq = bots.next;
        bots.next += 1;
        bots.by_platform.entry(bot.platform()).or_default().insert(bot.self_id().to_owned(), (seq, bot));
    }

    /// Removes an account.
    pub fn remove(&self, platform: Platform, self_id: &str) {
        let mut bots = self.bots.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(accounts) = bots.by_platform.get_mut(&platform) {
            accounts.remove(self_id);
        }
    }

    /// The connected account `self_id` of `platform`, if any.
    pub fn get(&self, platform: Platform, self_id: &str) -> Option<Arc<dyn Bot>> {
        let bots = self.bots.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        bots.by_platform.get(&platform).and_then(|accounts| accounts.get(self_id)).map(|(_, bot)| bot.clone())
    }

    /// The connected accounts, in the order they connected.
    pub fn list(&self) -> Vec<Arc<dyn Bot>> {
        let bots = self.bots.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<&(u64, Arc<dyn Bot>)> = bots.by_platform.values().flat_map(HashMap::values).collect();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, bot)| bot.clone()).collect()
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
                let known = self.bots.read().is_ok_and(|bots| {
                    bots.by_platform.get(&bot.platform()).is_some_and(|accounts| accounts.contains_key(bot.self_id()))
                });
                if !known {
                    self.add(bot.clone());
                }
            }
        }
    }
}
