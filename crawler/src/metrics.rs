//! The crawler's counters of its own work, process-wide: every harvest of a
//! source counts its outcome (`ok`, `not_modified`, `failed`, `deferred`)
//! and how long it took. search-api exposes them at `/metrics`
//! ([`write()`] gives them in the text format), as `veille_fetches_total` and
//! `veille_fetch_duration_seconds`.

use std::sync::{Mutex, MutexGuard, OnceLock};

use veille_store::metrics::{Counts, Histogram};
use veille_store::Outcome;

/// Upper bounds of the fetch latency buckets, in seconds.
pub const FETCH_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Fetches of sources by outcome, and their latency.
#[derive(Debug)]
pub struct FetchMetrics {
    counts: Mutex<Fetches>,
}

#[derive(Debug)]
struct Fetches {
    by_outcome: Counts,
    latency: Histogram,
}

impl Default for FetchMetrics {
    fn default() -> FetchMetrics {
        FetchMetrics {
            counts: Mutex::new(Fetches {
                by_outcome: Counts::default(),
                latency: Histogram::new(&FETCH_BUCKETS),
            }),
        }
    }
}

impl FetchMetrics {
    fn counts(&self) -> MutexGuard<'_, Fetches> {
        // Counters stay meaningful after a panic elsewhere.
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one fetch of a source: its outcome and how long it took, in
    /// seconds.
    pub fn record(&self, outcome: Outcome, seconds: f64) {
        let mut counts = self.counts();
        counts.by_outcome.increment(outcome.as_str());
        counts.latency.observe(seconds);
    }

    /// Writes the counters in the text exposition format.
    pub fn write(&self, out: &mut String) {
        let counts = self.counts();
        counts.by_outcome.write(
            out,
            "veille_fetches_total",
            "Source fetches by outcome.",
            "outcome",
        );
        counts.latency.write(
            out,
            "veille_fetch_duration_seconds",
            "Time to fetch a source, in seconds.",
        );
    }
}

/// This process's fetch counters.
pub fn fetches() -> &'static FetchMetrics {
    static FETCHES: OnceLock<FetchMetrics> = OnceLock::new();
    FETCHES.get_or_init(FetchMetrics::default)
}

/// Writes this process's fetch counters in the text exposition format.
pub fn write(out: &mut String) {
    fetches().write(out);
}

#[cfg(test)]
mod tests;
