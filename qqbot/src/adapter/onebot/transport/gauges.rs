//! High-water marks of the bounded queues on a OneBot adapter's paths, for the tests that flood them: each queue
//! has a fixed capacity, and these say how full it ever got, so a test proves "bounded" by what it observes rather
//! than by how long something took.
//!
//! Each mark is raised with a plain load first, so the common case (not a new maximum) writes nothing.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// How full each queue of one adapter ever got. Read it from
/// [`OneBotAdapter::queue_gauges`](crate::adapter::onebot::OneBotAdapter::queue_gauges). Not part of the API.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct QueueGauges {
    delivery: AtomicUsize,
    outgoing: AtomicUsize,
    pending: AtomicUsize,
    handshakes: AtomicUsize,
    handshaking: AtomicUsize,
    frames: AtomicU64,
}

fn raise(mark: &AtomicUsize, value: usize) {
    if value > mark.load(Ordering::Relaxed) {
        mark.fetch_max(value, Ordering::Relaxed);
    }
}

impl QueueGauges {
    /// The most events one connection ever had waiting for the dispatcher (its delivery queue, plus the one being
    /// handed over).
    pub fn delivery_max(&self) -> usize {
        self.delivery.load(Ordering::Relaxed)
    }

    /// The most calls ever waiting for one connection's writer.
    pub fn outgoing_max(&self) -> usize {
        self.outgoing.load(Ordering::Relaxed)
    }

    /// The most calls one connection ever had written and not yet answered (its answer map).
    pub fn pending_max(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    /// The most connections ever in their HTTP handshake at once on the adapter's listeners.
    pub fn handshakes_max(&self) -> usize {
        self.handshakes.load(Ordering::Relaxed)
    }

    /// Connections in their HTTP handshake now.
    pub fn handshakes_now(&self) -> usize {
        self.handshaking.load(Ordering::Relaxed)
    }

    /// WebSocket frames read so far, every connection together.
    pub fn frames_read(&self) -> u64 {
        self.frames.load(Ordering::Relaxed)
    }

    pub(crate) fn delivery(&self, queued: usize) {
        raise(&self.delivery, queued);
    }

    pub(crate) fn outgoing(&self, queued: usize) {
        raise(&self.outgoing, queued);
    }

    pub(crate) fn pending(&self, len: usize) {
        raise(&self.pending, len);
    }

    pub(crate) fn frame_read(&self) {
        self.frames.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a connection into its handshake until the guard drops.
    pub(crate) fn handshake(&self) -> HandshakeGuard<'_> {
        let now = self.handshaking.fetch_add(1, Ordering::Relaxed) + 1;
        raise(&self.handshakes, now);
        HandshakeGuard(self)
    }
}

/// A connection in its handshake; see [`QueueGauges::handshake`].
pub(crate) struct HandshakeGuard<'a>(&'a QueueGauges);

impl Drop for HandshakeGuard<'_> {
    fn drop(&mut self) {
        self.0.handshaking.fetch_sub(1, Ordering::Relaxed);
    }
}
