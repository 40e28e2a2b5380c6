//! Prometheus metrics at `GET /metrics`, in the text exposition format
//! (version 0.0.4).
//!
//! Each crate counts its own work; this module only writes the counts out.
//! What other crates keep is written first, by the writers the binary
//! [`expose`]s at start-up (search-api depends on none of those crates):
//! - `veille_fetches_total{outcome}` and `veille_fetch_duration_seconds`:
//!   the crawler's fetches of sources (`veille_crawler::metrics`).
//!
//! What the API counts as it happens, in this process:
//! - `veille_search_duration_seconds`: a histogram of search latency (every
//!   `/api/search`, `/api/export`, `/feeds/…` and search page request, timed
//!   by the router's layer, or by a caller through [`record_search`]);
//! - `veille_http_responses_total{class}`: responses by status class.
//!
//! What is computed from the data at scrape time:
//! - `veille_items{status}`: items by review status (the index);
//! - `veille_queue_length`: unreviewed candidates waiting for a curator, and
//!   `veille_sources_failing`: sources whose last fetch failed (the store).
//!
//! The counters are process-wide (one registry per process), so that the
//! router's layer records without being handed anything.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use veille_indexer::search::SearchRequest;
use veille_store::metrics::{Counts, Family, Histogram};

use crate::error::ApiError;
use crate::{blocking, ApiState};

/// Upper bounds of the search latency buckets, in seconds.
pub const SEARCH_BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The Content-Type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What the API counts.
#[derive(Debug)]
struct Registry {
    search_latency: Histogram,
    /// By status class such as `2xx`.
    responses: Counts,
}

impl Default for Registry {
    fn default() -> Registry {
        Registry {
            search_latency: Histogram::new(&SEARCH_BUCKETS),
            responses: Counts::default(),
        }
    }
}

impl Registry {
    fn write(&self, out: &mut String) {
        self.search_latency.write(
            out,
            "veille_search_duration_seconds",
            "Time to answer a search, in seconds.",
        );
        self.responses.write(
            out,
            "veille_http_responses_total",
            "HTTP responses by status class.",
            "class",
        );
    }
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| Mutex::new(Registry::default()))
        .lock()
        // Counters stay meaningful after a panic elsewhere.
        .unwrap_or_else(|p| p.into_inner())
}

/// Writes another crate's counters in the text exposition format.
pub type Writer = fn(&mut String);

fn exposed() -> MutexGuard<'static, Vec<(&'static str, Writer)>> {
    static EXPOSED: OnceLock<Mutex<Vec<(&'static str, Writer)>>> = OnceLock::new();
    EXPOSED
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Exposes the counters another crate keeps (`name` says whose: exposing
/// the same name again replaces its writer). They are written before the
/// API's own, in the order they were first exposed.
pub fn expose(name: &'static str, write: Writer) {
    let mut exposed = exposed();
    match exposed.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = write,
        None => exposed.push((name, write)),
    }
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
    registry().responses.increment(&class);
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
    Ok(DataGauges {
        items_by_status,
        queue_length: state.store.queue_length()?,
        sources_failing: state.store.sources_failing()?,
    })
}

/// Writes every metric in the text exposition format.
pub fn render(gauges: &DataGauges) -> String {
    let writers: Vec<Writer> = exposed().iter().map(|(_, w)| *w).collect();
    render_with(&writers, &registry(), gauges)
}

/// Writes the exposed crates' counters, then the API's, then the gauges.
fn render_with(exposed: &[Writer], registry: &Registry, gauges: &DataGauges) -> String {
    let mut out = String::with_capacity(4096);
    for write in exposed {
        write(&mut out);
    }
    registry.write(&mut out);
    let gauge = |name, help| Family {
        name,
        help,
        kind: "gauge",
    };
    gauge("veille_items", "Items by review status.").write_labelled(
        &mut out,
        "status",
        &gauges.items_by_status,
    );
    gauge(
        "veille_queue_length",
        "Unreviewed candidates waiting for a curator.",
    )
    .write_value(&mut out, gauges.queue_length);
    gauge("veille_sources_failing", "Sources whose last fetch failed.")
        .write_value(&mut out, gauges.sources_failing);
    out
}

pub(crate) async fn handler(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let gauges = blocking(move || gauges(&state)).await?;
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], render(&gauges)).into_response())
}

#[cfg(test)]
mod tests;
