//! [`IdKeys`]: map keys that stand for platform ids without copying them.

use std::hash::{BuildHasher, RandomState};

/// Turns ids (official message ids, reply chains) into 64-bit keys with a hash keyed at random per process, so a
/// map of per-message state holds no copy of each id (one allocation less per message, smaller entries).
///
/// Two ids meeting on one key is a 2⁻⁶⁴ chance per pair; for the maps that use it the worst outcome is two messages
/// sharing a `msg_seq` counter (each still gets increasing numbers, which is all the platform asks) or a passive-reply
/// quota.
#[derive(Debug, Default)]
pub(crate) struct IdKeys(RandomState);

impl IdKeys {
    /// The key of `id`.
    pub(crate) fn key(&self, id: &str) -> u64 {
        self.0.hash_one(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_id_same_key_other_id_other_key() {
        let keys = IdKeys::default();
        assert_eq!(keys.key("ROBOT1.0_a"), keys.key("ROBOT1.0_a"));
        assert_ne!(keys.key("ROBOT1.0_a"), keys.key("ROBOT1.0_b"));
    }
}
