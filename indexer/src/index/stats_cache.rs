//! The counts of recent searches (facets, the month histograms, matches and
//! groups), kept while the index does not change.
//!
//! These counts read every match, which on a broad query over a large index
//! is most of a search's cost; the page of hits is cheap beside them. The
//! same query and filters over the same index give the same counts, so a
//! search that another asked for since the last commit (another page,
//! another sort, the same search from another analyst) takes them from
//! here and only collects its top documents. The cache is keyed by the
//! searcher's generation: a commit makes a new one, and the counts of the
//! old are dropped at the first search after it, so a count is never
//! stale.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use super::Stats;
use crate::search::SearchRequest;

/// Searches whose counts are kept, at most (the oldest dropped first). A
/// search's counts are a few kilobytes.
pub(crate) const CAPACITY: usize = 512;

/// What the counts depend on: the query and the filters, not the sort or
/// the page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key(String);

impl Key {
    pub(crate) fn of(req: &SearchRequest) -> Key {
        Key(format!(
            "{:?}",
            (
                &req.q,
                &req.lang,
                &req.country,
                &req.theme,
                &req.source,
                req.status,
                req.from,
                req.to,
                req.expand,
            )
        ))
    }
}

#[derive(Default)]
pub(crate) struct StatsCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The searcher generation the counts are of.
    generation: u64,
    counts: HashMap<Key, Arc<Stats>>,
    /// Keys, oldest first.
    order: VecDeque<Key>,
}

impl StatsCache {
    /// The counts of `key` over the index of `generation`, if kept.
    pub(crate) fn get(&self, generation: u64, key: &Key) -> Option<Arc<Stats>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        (inner.generation == generation)
            .then(|| inner.counts.get(key).cloned())
            .flatten()
    }

    /// Keeps the counts of `key` over the index of `generation` (those of an
    /// older generation are dropped).
    pub(crate) fn put(&self, generation: u64, key: Key, stats: Arc<Stats>) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation {
            if generation < inner.generation {
                // A search that started before the last commit.
                return;
            }
            inner.generation = generation;
            inner.counts.clear();
            inner.order.clear();
        }
        if inner.counts.insert(key.clone(), stats).is_none() {
            inner.order.push_back(key);
        }
        while inner.order.len() > CAPACITY {
            if let Some(oldest) = inner.order.pop_front() {
                inner.counts.remove(&oldest);
            }
        }
    }

    /// How many searches' counts are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .counts
            .len()
    }
}
