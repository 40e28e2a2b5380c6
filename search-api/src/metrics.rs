//! Prometheus metrics at `GET /metrics`, in the text exposition format
//! (version 0.0.4), written by hand.
//!
//! What is counted as it happens, in this process (the crawler runs in the
//! same process under `veille run` and calls the recording functions):
//! - `veille_fetches_total{outcome}`: source fetches by outcome
//!   (`ok`, `not_modified`, `failed`), via [`record_fetch`];
//! - `veille_fetch_duration_seconds`: a histogram of fetch latency;
//! - `veille_search_duration_seconds`: a histogram of search latency (every
//!   `/api/search`, `/api/export`, `/feeds/…` and search page request, timed
//!   by the router's layer, or by a caller through [`record_search`]);
//! - `veille_http_responses_total{class}`: responses by status class.
//!
//! What is computed from the data at scrape time:
//! - `veille_items{status}`: items by review status;
//! - `veille_queue_length`: unreviewed candidates waiting for a curator;
//! - `veille_sources_failing`: sources whose last fetch failed.
//!
//! The counters are process-wide (one registry per process), so that the
//! pipeline can record without being handed anything.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use veille_indexer::search::SearchRequest;

use crate::error::ApiError;
use crate::{blocking, ApiState};

/// Upper bounds of the fetch latency buckets, in seconds.
pub const FETCH_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Upper bounds of the search latency buckets, in seconds.
pub const SEARCH_BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The Content-Type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    /// Per bucket (not cumulative), plus one for +Inf.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, value: f64) {
        let value = if value.is_finite() && value >= 0.0 {
            value
        } else {
            0.0
        };
        let slot = self
            .bounds
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(self.bounds.len());
        self.counts[slot] += 1;
        self.sum += value;
        self.count += 1;
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

#[derive(Debug)]
struct Registry {
    /// (outcome, count), in first-seen order.
    fetches: Vec<(String, u64)>,
    fetch_latency: Histogram,
    search_latency: Histogram,
    /// (status class such as `2xx`, count).
    responses: Vec<(String, u64)>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            Mutex::new(Registry {
                fetches: Vec::new(),
                fetch_latency: Histogram::new(&FETCH_BUCKETS),
                search_latency: Histogram::new(&SEARCH_BUCKETS),
                responses: Vec::new(),
            })
        })
        .lock()
        // Counters stay meaningful after a panic elsewhere.
        .unwrap_or_else(|p| p.into_inner())
}

fn increment(counts: &mut Vec<(String, u64)>, label: &str) {
    match counts.iter_mut().find(|(l, _)| l == label) {
        Some((_, n)) => *n += 1,
        None => counts.push((label.to_string(), 1)),
    }
}

/// Records one fetch of a source: its outcome (`ok`, `not_modified`,
/// `failed`, …) and how long it took, in seconds.
pub fn record_fetch(outcome: &str, seconds: f64) {
    let mut r = registry();
    increment(&mut r.fetches, outcome);
    r.fetch_latency.observe(seconds);
}

/// Records one search and how long it took, in seconds.
pub fn record_search(seconds: f64) {
    registry().search_latency.observe(seconds);
}

/// Whether requests to this path are searches (timed as such).
fn is_search_path(path: &str) -> bool {
    path == "/"
        || path == "/api/search"
        || path == "/api/export"
        || (path.starts_with("/feeds/") && path.ends_with(".atom"))
}

/// The router's layer: times searches and counts responses by class.
pub(crate) async fn track(req: Request<Body>, next: Next) -> Response {
    let search = is_search_path(req.uri().path());
    let started = Instant::now();
    let response = next.run(req).await;
    if search && response.status().is_success() {
        // For an export this is the time to the first page, not the whole
        // stream: what a user waits for before the download starts.
        record_search(started.elapsed().as_secs_f64());
    }
    let class = format!("{}xx", response.status().as_u16() / 100);
    increment(&mut registry().responses, &class);
    response
}

/// What is computed from the data at scrape time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataGauges {
    /// (status, items), every status present.
    pub items_by_status: Vec<(String, u64)>,
    pub queue_length: u64,
    pub sources_failing: u64,
}

/// Reads the gauges: items by status from the index's status facet over
/// everything, the queue and the sources from the store.
/// Synchronous (store and index).
pub(crate) fn gauges(state: &ApiState) -> Result<DataGauges, ApiError> {
    let everything = SearchRequest {
        per_page: 1,
        ..SearchRequest::default()
    };
    let results = state.index.search(&everything)?;
    let mut items_by_status: Vec<(String, u64)> = veille_store::Status::ALL
        .iter()
        .map(|s| {
            (
                s.to_string(),
                results.facets.status.get(s.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    for (status, n) in &results.facets.status {
        if !items_by_status.iter().any(|(s, _)| s == status) {
            items_by_status.push((status.clone(), *n));
        }
    }
    let queue_length = queue_length(state)?;
    let sources_failing = state
        .store
        .source_health()?
        .iter()
        .filter(|h| {
            h.consecutive_failures > 0 || h.last_outcome == Some(veille_store::Outcome::Failed)
        })
        .count() as u64;
    Ok(DataGauges {
        items_by_status,
        queue_length,
        sources_failing,
    })
}

/// The review queue's length: unreviewed candidates, one per duplicate
/// group, as the store counts them for `GET /api/queue`.
fn queue_length(state: &ApiState) -> Result<u64, ApiError> {
    Ok(state.store.queue(0, 0)?.total)
}

/// Writes every metric in the text exposition format.
pub fn render(gauges: &DataGauges) -> String {
    let r = registry();
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "# HELP veille_fetches_total Source fetches by outcome."
    );
    let _ = writeln!(out, "# TYPE veille_fetches_total counter");
    for (outcome, n) in &r.fetches {
        let _ = writeln!(
            out,
            "veille_fetches_total{{outcome=\"{}\"}} {n}",
            escape_label(outcome)
        );
    }
    r.fetch_latency.write(
        &mut out,
        "veille_fetch_duration_seconds",
        "Time to fetch a source, in seconds.",
    );
    r.search_latency.write(
        &mut out,
        "veille_search_duration_seconds",
        "Time to answer a search, in seconds.",
    );
    let _ = writeln!(
        out,
        "# HELP veille_http_responses_total HTTP responses by status class."
    );
    let _ = writeln!(out, "# TYPE veille_http_responses_total counter");
    for (class, n) in &r.responses {
        let _ = writeln!(
            out,
            "veille_http_responses_total{{class=\"{}\"}} {n}",
            escape_label(class)
        );
    }
    drop(r);
    let _ = writeln!(out, "# HELP veille_items Items by review status.");
    let _ = writeln!(out, "# TYPE veille_items gauge");
    for (status, n) in &gauges.items_by_status {
        let _ = writeln!(
            out,
            "veille_items{{status=\"{}\"}} {n}",
            escape_label(status)
        );
    }
    let _ = writeln!(
        out,
        "# HELP veille_queue_length Unreviewed candidates waiting for a curator."
    );
    let _ = writeln!(out, "# TYPE veille_queue_length gauge");
    let _ = writeln!(out, "veille_queue_length {}", gauges.queue_length);
    let _ = writeln!(
        out,
        "# HELP veille_sources_failing Sources whose last fetch failed."
    );
    let _ = writeln!(out, "# TYPE veille_sources_failing gauge");
    let _ = writeln!(out, "veille_sources_failing {}", gauges.sources_failing);
    out
}

/// A label value escaped as the format asks (backslash, quote, newline).
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub(crate) async fn handler(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let gauges = blocking(move || gauges(&state)).await?;
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], render(&gauges)).into_response())
}

#[cfg(test)]
mod tests;
