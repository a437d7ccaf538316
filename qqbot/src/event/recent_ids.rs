//! A bounded set of recently seen event ids: an event delivered twice (around a gateway resume, a webhook retry)
//! is handled once, and a cluster instance remembers which messages it admitted.

use std::collections::{HashSet, VecDeque};

/// The last `capacity` ids.
#[derive(Debug)]
pub(crate) struct RecentIds {
    set: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl RecentIds {
    pub(crate) fn new(capacity: usize) -> Self {
        RecentIds { set: HashSet::new(), order: VecDeque::new(), capacity: capacity.max(1) }
    }

    /// Records `id`; false if it was seen recently.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(id.to_owned());
        self.order.push_back(id.to_owned());
        true
    }

    /// Whether `id` was seen recently.
    #[cfg(all(feature = "redis", feature = "official"))]
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    /// Forgets `id`, so the next delivery of it counts as new (an event we asked the platform to send again).
    pub(crate) fn forget(&mut self, id: &str) {
        if self.set.remove(id)
            && let Some(at) = self.order.iter().rposition(|o| o == id)
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
