//! Sessions in memory: for tests, and for bots that need nothing kept across restarts.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use super::{Change, Modify, SessionStore, StoreFuture};
use crate::session::error::SessionError;
use crate::session::record::SessionRecord;
use crate::session::scope::{SessionFilter, SessionId};

/// Sessions in a hash map, with a deadline index so the collector never scans every session.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    records: HashMap<SessionId, SessionRecord>,
    deadlines: BTreeSet<(u64, SessionId)>,
}

impl Inner {
    fn put(&mut self, record: SessionRecord) {
        let id = record.id.clone();
        if let Some(old) = self.records.get(&id).and_then(SessionRecord::deadline_ms) {
            self.deadlines.remove(&(old, id.clone()));
        }
        if let Some(d) = record.deadline_ms() {
            self.deadlines.insert((d, id.clone()));
        }
        self.records.insert(id, record);
    }

    fn delete(&mut self, id: &SessionId) -> bool {
        match self.records.remove(id) {
            Some(old) => {
                if let Some(d) = old.deadline_ms() {
                    self.deadlines.remove(&(d, id.clone()));
                }
                true
            }
            None => false,
        }
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the map half-updated (every update is one insert or
        // remove), so a poisoned lock is safe to keep using.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SessionStore for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    fn load<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, Option<SessionRecord>> {
        let found = self.lock().records.get(id).cloned();
        Box::pin(std::future::ready(Ok(found)))
    }

    fn modify<'a>(&'a self, id: &'a SessionId, _now_ms: u64, f: Modify<'a>) -> StoreFuture<'a, Option<SessionRecord>> {
        let mut inner = self.lock();
        let result = match f(inner.records.get(id)) {
            Change::Keep => inner.records.get(id).cloned(),
            Change::Put(record) => {
                let mut record = record;
                record.id = id.clone();
                inner.put(record.clone());
                Some(record)
            }
            Change::Delete => {
                inner.delete(id);
                None
            }
        };
        Box::pin(std::future::ready(Ok(result)))
    }

    fn remove<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, u64> {
        let mut inner = self.lock();
        let ids: Vec<SessionId> = inner.records.keys().filter(|id| filter.matches(id)).cloned().collect();
        let n = ids.iter().filter(|id| inner.delete(id)).count() as u64;
        Box::pin(std::future::ready(Ok(n)))
    }

    fn list<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, Vec<SessionRecord>> {
        let mut out: Vec<SessionRecord> =
            self.lock().records.values().filter(|r| filter.matches(&r.id)).cloned().collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Box::pin(std::future::ready(Ok(out)))
    }

    fn due<'a>(&'a self, now_ms: u64, limit: usize) -> StoreFuture<'a, Vec<SessionId>> {
        let ids: Vec<SessionId> = self
            .lock()
            .deadlines
            .iter()
            .take_while(|(d, _)| *d <= now_ms)
            .take(limit)
            .map(|(_, id)| id.clone())
            .collect();
        Box::pin(std::future::ready(Ok::<_, SessionError>(ids)))
    }
}
