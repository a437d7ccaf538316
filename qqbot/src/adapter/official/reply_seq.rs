//! `msg_seq` numbering: the platform deduplicates passive replies by `(msg_id or event_id, msg_seq)`, so every
//! reply to the same message needs a new, increasing `msg_seq`. One counter per reply chain, forgotten after the
//! longest reply window (an hour).
//!
//! In a cluster, the instance that admitted a message numbers its chain here as well; another instance replying
//! in that chain takes numbers from a counter shared through Redis, in a range of its own, so the two never meet.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::{IdKeys, SweptMap};

const FORGET_AFTER: Duration = Duration::from_secs(3600);

/// Per-chain `msg_seq` counters.
#[derive(Debug, Default)]
pub(crate) struct ReplySeq {
    /// Per chain (by the key of its message or event id): the last number and when it was taken.
    chains: Mutex<SweptMap<u64, (u32, Instant)>>,
    keys: IdKeys,
    #[cfg(feature = "redis")]
    cluster: std::sync::OnceLock<std::sync::Arc<crate::cluster::Cluster>>,
}

impl ReplySeq {
    /// Shares the numbering of chains this instance did not admit with the rest of the cluster.
    #[cfg(feature = "redis")]
    pub(crate) fn share(&self, cluster: std::sync::Arc<crate::cluster::Cluster>) {
        let _ = self.cluster.set(cluster);
    }

    /// The next `msg_seq` of the chain (1 for the first reply).
    pub(crate) async fn next(&self, chain: &str) -> u32 {
        self.advance(chain, 1).await
    }

    /// Skips `by` numbers and returns the next one (after a "duplicate msg_seq" answer, whose cause is a
    /// number used before this process started).
    pub(crate) async fn advance(&self, chain: &str, by: u32) -> u32 {
        #[cfg(feature = "redis")]
        if let Some(cluster) = self.cluster.get()
            && !cluster.owns_chain(chain)
        {
            // Boxed: the Redis round trip is the cluster's rare case, and its future would otherwise enlarge
            // every reply's.
            match Box::pin(cluster.next_shared_seq(chain, by)).await {
                Ok(n) => return n,
                Err(e) => tracing::debug!("numbering reply chain {chain} locally: {e}"),
            }
        }
        self.advance_local(chain, by)
    }

    fn advance_local(&self, chain: &str, by: u32) -> u32 {
        let Ok(mut chains) = self.chains.lock() else { return by };
        let now = Instant::now();
        chains.sweep(|_, (_, at)| now.duration_since(*at) < FORGET_AFTER);
        let entry = chains.entry(self.keys.key(chain)).or_insert((0, now));
        entry.0 = entry.0.saturating_add(by);
        entry.1 = now;
        entry.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_per_chain() {
        let s = ReplySeq::default();
        assert_eq!((s.next("a").await, s.next("a").await, s.next("b").await, s.next("a").await), (1, 2, 1, 3));
        assert_eq!(s.advance("a", 10).await, 13);
    }
}
