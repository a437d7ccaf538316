//! `msg_seq` numbering: the platform deduplicates passive replies by `(msg_id or event_id, msg_seq)`, so every
//! reply to the same message needs a new, increasing `msg_seq`. One counter per reply chain, forgotten after the
//! longest reply window (an hour).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;

const FORGET_AFTER: Duration = Duration::from_secs(3600);
const SWEEP_ABOVE: usize = 4096;

/// Per-chain `msg_seq` counters.
#[derive(Debug, Default)]
pub(crate) struct ReplySeq {
    chains: Mutex<HashMap<String, (u32, Instant)>>,
    /// The size above which the next sweep runs: twice what the last one kept, so a sweep that keeps most chains
    /// (every reply of the last hour, at thousands a second) does not run again on the next reply.
    sweep_above: AtomicUsize,
}

impl ReplySeq {
    /// The next `msg_seq` of the chain (1 for the first reply).
    pub(crate) fn next(&self, chain: &str) -> u32 {
        self.advance(chain, 1)
    }

    /// Skips `by` numbers and returns the next one (after a "duplicate msg_seq" answer, whose cause is a
    /// number used before this process started).
    pub(crate) fn advance(&self, chain: &str, by: u32) -> u32 {
        let Ok(mut chains) = self.chains.lock() else { return by };
        let now = Instant::now();
        if chains.len() > SWEEP_ABOVE.max(self.sweep_above.load(Ordering::Relaxed)) {
            chains.retain(|_, (_, at)| now.duration_since(*at) < FORGET_AFTER);
            self.sweep_above.store(chains.len().saturating_mul(2), Ordering::Relaxed);
        }
        let entry = chains.entry(chain.to_owned()).or_insert((0, now));
        entry.0 = entry.0.saturating_add(by);
        entry.1 = now;
        entry.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_chain() {
        let s = ReplySeq::default();
        assert_eq!((s.next("a"), s.next("a"), s.next("b"), s.next("a")), (1, 2, 1, 3));
        assert_eq!(s.advance("a", 10), 13);
    }
}
