//! A bounded set of recently seen event ids, so an event delivered twice (around a resume, or a webhook retry)
//! is handled once.

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

    /// Forgets `id`, so the next delivery of it counts as new (an event we asked the platform to send again).
    pub(crate) fn forget(&mut self, id: &str) {
        if self.set.remove(id)
            && let Some(at) = self.order.iter().rposition(|o| o == id)
        {
            self.order.remove(at);
        }
    }
}

/// The de-duplication key of a dispatch: the envelope id, else the type and `d.id`.
pub(crate) fn dedup_key(t: &str, event_id: Option<&str>, d: &serde_json::value::RawValue) -> Option<String> {
    if let Some(id) = event_id.filter(|s| !s.is_empty()) {
        return Some(id.to_owned());
    }
    /// Only `d.id`; every other field is skipped without building anything.
    #[derive(serde::Deserialize)]
    struct IdOnly {
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    let IdOnly { id } = serde_json::from_str(d.get()).ok()?;
    id.as_ref().and_then(serde_json::Value::as_str).map(|id| format!("{t}:{id}"))
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
