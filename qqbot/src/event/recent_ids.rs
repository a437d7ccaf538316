//! A bounded set of recently seen event ids: an event delivered twice (around a gateway resume, a webhook retry)
//! is handled once, and a cluster instance remembers which messages it admitted.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// The last `capacity` ids. Each id is stored once, shared by the set and the order.
#[derive(Debug)]
pub(crate) struct RecentIds {
    set: HashSet<Arc<str>>,
    order: VecDeque<Arc<str>>,
    capacity: usize,
}

impl RecentIds {
    pub(crate) fn new(capacity: usize) -> Self {
        RecentIds { set: HashSet::new(), order: VecDeque::new(), capacity: capacity.max(1) }
    }

    /// Records `id`; false if it was seen recently.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        self.admit(id).is_some()
    }

    /// Records `id` and returns the stored id (to [`RecentIds::forget`] it later without a copy); `None` if it was
    /// seen recently.
    pub(crate) fn admit(&mut self, id: &str) -> Option<Arc<str>> {
        if self.set.contains(id) {
            return None;
        }
        if self.order.len() >= self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        let id: Arc<str> = Arc::from(id);
        self.set.insert(id.clone());
        self.order.push_back(id.clone());
        Some(id)
    }

    /// Whether `id` was seen recently.
    #[cfg(all(feature = "redis", feature = "official"))]
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    /// Forgets `id`, so the next delivery of it counts as new (an event we asked the platform to send again).
    pub(crate) fn forget(&mut self, id: &str) {
        if self.set.remove(id)
            && let Some(at) = self.order.iter().rposition(|o| &**o == id)
        {
            self.order.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_oldest() {
        let mut r = RecentIds::new(2);
        assert!(r.insert("a"));
        assert!(!r.insert("a"));
        assert!(r.insert("b"));
        assert!(r.insert("c"));
        assert!(r.insert("a"));
        assert!(!r.insert("c"));
    }
}
