//! Which reply chains this instance numbers by itself.
//!
//! The platform refuses a second reply with the same `(msg_id, msg_seq)`. The instance that admitted a message
//! is the one that answers it, so it numbers that chain locally (1, 2, 3 …: no round trip). Any other instance
//! replying in the same chain (a handler that kept an old message, say) takes numbers from a counter in Redis
//! that starts at [`SHARED_BASE`], far above what one chain can use locally (the platform allows a handful of
//! replies per message), so the two never meet.

use std::sync::Mutex;

use crate::event::RecentIds;

/// Where numbers from the shared counter begin.
pub(crate) const SHARED_BASE: u32 = 1_000;

/// How many admitted message ids are remembered (about an hour of a busy bot's events would be more; replies
/// are allowed for minutes only).
const CAPACITY: usize = 65_536;

/// The message and event ids admitted by this instance, newest kept.
#[derive(Debug)]
pub(crate) struct OwnedChains(Mutex<RecentIds>);

impl Default for OwnedChains {
    fn default() -> Self {
        OwnedChains(Mutex::new(RecentIds::new(CAPACITY)))
    }
}

impl OwnedChains {
    pub(crate) fn insert(&self, id: &str) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id);
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(id)
    }
}

/// INCRBY the chain's shared counter and keep it for the longest reply window (an hour).
pub(crate) const NEXT_SHARED: &str = r"
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], 3600000)
return n
";
