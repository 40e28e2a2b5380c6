//! The counts of recent searches (facets, the month histograms, matches and
//! groups) and their rankings, kept while the index does not change.
//!
//! These counts read every match, which on a broad query over a large index
//! is most of a search's cost; the page of hits is cheap beside them. The
//! same query and filters over the same index give the same counts, so a
//! search that another asked for since the last commit (another page,
//! another sort, the same search from another analyst) takes them from
//! here and only collects its top documents. Its ranking (the best document
//! of each duplicate group, in its sort, as deep as a page asked) is kept
//! too, as a search engine's query-result cache does, so the same search
//! asked again, or its next page within what was collected, reads its
//! documents without running the query. The cache is keyed by the
//! searcher's generation: a commit makes a new one, and the counts of the
//! old are dropped at the first search after it, so a count is never
//! stale.
//!
//! A search the cache does not hold is counted once however many ask it at
//! the same time: the first takes its turn ([`StatsCache::turn`]), the
//! others wait for it and take what it kept. After a start or a commit,
//! when every search is new, many analysts asking the same searches (a
//! dashboard's, a shared link's) cost one count each, not one per request.

use std::collections::{HashMap, HashSet, VecDeque};
#[cfg(test)]
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use tantivy::DocAddress;

use super::facets::Counted;
use crate::search::{SearchRequest, Sort};

/// Searches whose counts are kept, at most (the oldest dropped first). A
/// search's counts are a few kilobytes.
pub(crate) const CAPACITY: usize = 512;

/// What the counts depend on: the query and the filters, not the sort or
/// the page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key(String);

impl Key {
    /// The key of the same search in `sort`.
    fn sorted(&self, sort: Sort) -> Key {
        Key(format!("{}|{sort:?}", self.0))
    }

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

/// What the cache keeps of a search: its counts, and its ranking per sort.
#[derive(Default)]
pub(crate) struct StatsCache {
    inner: Mutex<Inner>,
    /// The searches being counted now: their generation and key.
    counting: Mutex<HashSet<(u64, Key)>>,
    /// Told when a search's count ends.
    counted: Condvar,
    /// How many searches' counts were kept: the searches counted (what a
    /// test checks).
    #[cfg(test)]
    kept: AtomicU64,
}

/// A search's turn to count (see [`StatsCache::turn`]); the searches of the
/// same key wait until it is dropped.
pub(crate) struct Turn<'a> {
    cache: &'a StatsCache,
    key: (u64, Key),
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut counting = self
            .cache
            .counting
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        counting.remove(&self.key);
        self.cache.counted.notify_all();
    }
}

/// The best documents of a search in one sort, one per duplicate group, as
/// deep as a page asked; `complete` when they are every match's groups.
#[derive(Debug, Clone)]
pub(crate) struct Ranking {
    pub(crate) representatives: Arc<Vec<DocAddress>>,
    pub(crate) complete: bool,
}

impl Ranking {
    /// Whether it holds the first `want` representatives (or all there are).
    pub(crate) fn covers(&self, want: usize) -> bool {
        self.complete || self.representatives.len() >= want
    }
}

#[derive(Default)]
struct Inner {
    /// The searcher generation the entries are of.
    generation: u64,
    counts: Bounded<Key, Arc<Counted>>,
    rankings: Bounded<Key, Ranking>,
}

/// At most `N` values, the oldest dropped first (the searches' counts and
/// rankings here, the parsed query strings in `query`).
pub(crate) struct Bounded<K, V, const N: usize = CAPACITY> {
    pub(crate) values: HashMap<K, V>,
    /// Keys, oldest first.
    order: VecDeque<K>,
}

impl<K, V, const N: usize> Default for Bounded<K, V, N> {
    fn default() -> Self {
        Bounded {
            values: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<K: Clone + Eq + std::hash::Hash, V, const N: usize> Bounded<K, V, N> {
    pub(crate) fn put(&mut self, key: K, value: V) {
        if self.values.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > N {
            if let Some(oldest) = self.order.pop_front() {
                self.values.remove(&oldest);
            }
        }
    }

    fn clear(&mut self) {
        self.values.clear();
        self.order.clear();
    }
}

impl Inner {
    /// The entries, for `generation`; `None` for a search that started
    /// before the last commit (it keeps nothing).
    fn at(&mut self, generation: u64) -> Option<&mut Inner> {
        if generation < self.generation {
            return None;
        }
        if generation > self.generation {
            self.generation = generation;
            self.counts.clear();
            self.rankings.clear();
        }
        Some(self)
    }
}

impl StatsCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The counts of `key` over the index of `generation`, if kept.
    pub(crate) fn get(&self, generation: u64, key: &Key) -> Option<Arc<Counted>> {
        let inner = self.lock();
        (inner.generation == generation)
            .then(|| inner.counts.values.get(key).cloned())
            .flatten()
    }

    /// Keeps the counts of `key` over the index of `generation` (those of an
    /// older generation are dropped).
    pub(crate) fn put(&self, generation: u64, key: Key, stats: Arc<Counted>) {
        #[cfg(test)]
        self.kept.fetch_add(1, Ordering::Relaxed);
        if let Some(inner) = self.lock().at(generation) {
            inner.counts.put(key, stats);
        }
    }

    /// The ranking of `key` in `sort` over the index of `generation`, if
    /// kept and as deep as `want`.
    pub(crate) fn ranking(
        &self,
        generation: u64,
        key: &Key,
        sort: Sort,
        want: usize,
    ) -> Option<Ranking> {
        let inner = self.lock();
        (inner.generation == generation)
            .then(|| inner.rankings.values.get(&key.sorted(sort)).cloned())
            .flatten()
            .filter(|r| r.covers(want))
    }

    /// Keeps the ranking of `key` in `sort` over the index of `generation`.
    pub(crate) fn put_ranking(&self, generation: u64, key: &Key, sort: Sort, ranking: Ranking) {
        if let Some(inner) = self.lock().at(generation) {
            inner.rankings.put(key.sorted(sort), ranking);
        }
    }

    /// The turn to count the search `key` over the index of `generation`:
    /// at once when no other search of it is being counted, else when that
    /// one ends (it has kept its counts and ranking by then, or failed).
    pub(crate) fn turn(&self, generation: u64, key: &Key) -> Turn<'_> {
        let key = (generation, key.clone());
        let mut counting = self.counting.lock().unwrap_or_else(|p| p.into_inner());
        while counting.contains(&key) {
            counting = self
                .counted
                .wait(counting)
                .unwrap_or_else(|p| p.into_inner());
        }
        counting.insert(key.clone());
        Turn { cache: self, key }
    }

    /// How many searches' counts were kept: how many were counted.
    #[cfg(test)]
    pub(crate) fn kept(&self) -> u64 {
        self.kept.load(Ordering::Relaxed)
    }

    /// Forgets every search's counts and ranking.
    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.counts.clear();
        inner.rankings.clear();
    }

    /// How many searches' counts are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().counts.values.len()
    }

    /// How many rankings are kept.
    #[cfg(test)]
    pub(crate) fn rankings(&self) -> usize {
        self.lock().rankings.values.len()
    }
}
