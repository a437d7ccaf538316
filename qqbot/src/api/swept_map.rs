//! [`SweptMap`]: a map of entries that go stale, swept only when it has doubled since the last sweep.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::{Deref, DerefMut};

/// No sweep below this size.
const SWEEP_ABOVE: usize = 4096;

/// A map whose stale entries are removed by [`SweptMap::sweep`] — but only once the map has doubled
/// since the last sweep: a sweep that keeps most entries (every message of the last minutes, at thousands of
/// events a second) would otherwise run again on the next call, and each call would scan the whole map.
#[derive(Debug)]
pub(crate) struct SweptMap<K, V> {
    map: HashMap<K, V>,
    sweep_above: usize,
}

impl<K, V> Default for SweptMap<K, V> {
    fn default() -> Self {
        SweptMap { map: HashMap::new(), sweep_above: SWEEP_ABOVE }
    }
}

impl<K: Hash + Eq, V> SweptMap<K, V> {
    /// Keeps only the entries `keep` accepts, when the map is due for a sweep.
    pub(crate) fn sweep(&mut self, keep: impl FnMut(&K, &mut V) -> bool) {
        if self.map.len() > self.sweep_above {
            self.map.retain(keep);
            self.sweep_above = self.map.len().saturating_mul(2).max(SWEEP_ABOVE);
        }
    }
}

impl<K, V> Deref for SweptMap<K, V> {
    type Target = HashMap<K, V>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<K, V> DerefMut for SweptMap<K, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_only_once_doubled() {
        let mut m: SweptMap<String, usize> = SweptMap::default();
        for i in 0..=SWEEP_ABOVE {
            m.insert(i.to_string(), i);
        }
        let mut scans = 0;
        m.sweep(|_, _| {
            scans += 1;
            true
        });
        assert_eq!(scans, SWEEP_ABOVE + 1, "past the floor: swept");
        m.insert("x".into(), 0);
        m.sweep(|_, _| panic!("kept everything last time: not due until doubled"));
        m.sweep(|_, _| true);
        assert_eq!(m.len(), SWEEP_ABOVE + 2);
    }
}
