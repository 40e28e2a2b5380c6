//! Tests of `/metrics`: the text as scripts read it, other crates'
//! counters exposed, what a search records, and the gauges read from the
//! data, parsed back from the text format.

use axum::http::{header, StatusCode};

use super::*;
use crate::export::tests::{fetch, is_candidate, world, ITEMS};

/// The value of the sample `name` (with its labels, as written), if any.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(app: &axum::Router) -> String {
    let (status, headers, body) = fetch(app, "/metrics", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], CONTENT_TYPE);
    body
}

/// Another crate's counters.
fn another_crates_counters(out: &mut String) {
    out.push_str(CRAWLER_PART);
}

#[tokio::test]
async fn exposed_counters_are_written_first() {
    let w = world();
    expose("metrics-test", another_crates_counters);
    let body = scrape(&w.app).await;
    assert!(body.starts_with(CRAWLER_PART), "{body}");
    assert_eq!(
        sample(&body, "veille_fetches_total{outcome=\"failed\"}"),
        Some(1.0)
    );
}

#[test]
fn the_text_stays_as_scripts_read_it() {
    let mut registry = Registry::default();
    registry.search_latency.observe(0.003);
    registry.search_latency.observe(7.5);
    for class in ["2xx", "4xx", "2xx"] {
        registry.responses.increment(class);
    }
    let gauges = DataGauges {
        items_by_status: vec![
            ("unreviewed".into(), 5),
            ("approved".into(), 2),
            ("rejected".into(), 0),
        ],
        queue_length: 3,
        sources_failing: 1,
    };
    let text = render_with(&[another_crates_counters], &registry, &gauges);
    assert_eq!(text, format!("{CRAWLER_PART}{API_PART}"));
    // Labels are escaped.
    registry.responses.increment("a \"quoted\"\nclass");
    let text = render_with(&[], &registry, &gauges);
    assert!(text.contains("veille_http_responses_total{class=\"a \\\"quoted\\\"\\nclass\"} 1\n"));
}

/// What another crate writes (the crawler's text is tested in
/// `veille_crawler::metrics`).
const CRAWLER_PART: &str = "# HELP veille_fetches_total Source fetches by outcome.
# TYPE veille_fetches_total counter
veille_fetches_total{outcome=\"failed\"} 1
";

/// What the API writes after two searches (3 ms, 7.5 s), three responses
/// and the gauges above.
const API_PART: &str = include_str!("api.prom");

#[tokio::test]
async fn searches_are_timed() {
    let w = world();
    let before = scrape(&w.app).await;
    let n = sample(&before, "veille_search_duration_seconds_count").unwrap_or(0.0);
    let (status, _, _) = fetch(&w.app, "/api/search?q=cooperative", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = fetch(&w.app, "/api/search?q=zzz&per_page=9999", &[]).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a refused search is not timed"
    );
    let after = scrape(&w.app).await;
    let m = sample(&after, "veille_search_duration_seconds_count").unwrap();
    assert!(m >= n + 1.0, "{n} → {m}");
    assert!(sample(&after, "veille_http_responses_total{class=\"4xx\"}").unwrap() >= 1.0);
}

#[tokio::test]
async fn items_by_status_and_the_queue_come_from_the_data() {
    let w = world();
    let body = scrape(&w.app).await;
    let approved = (0..ITEMS).filter(|i| i % 10 == 1).count();
    let rejected = (0..ITEMS).filter(|i| i % 10 != 1 && i % 15 == 7).count();
    assert_eq!(
        sample(&body, "veille_items{status=\"approved\"}"),
        Some(approved as f64)
    );
    assert_eq!(
        sample(&body, "veille_items{status=\"rejected\"}"),
        Some(rejected as f64)
    );
    assert_eq!(
        sample(&body, "veille_items{status=\"unreviewed\"}"),
        Some((ITEMS - approved - rejected) as f64)
    );
    let waiting = (0..ITEMS)
        .filter(|i| is_candidate(*i) && i % 10 != 1 && i % 15 != 7)
        .count();
    assert_eq!(sample(&body, "veille_queue_length"), Some(waiting as f64));
    assert_eq!(sample(&body, "veille_sources_failing"), Some(0.0));
}

#[tokio::test]
async fn a_failing_source_is_counted() {
    let w = world();
    w.state
        .store
        .record_source_outcome(&veille_store::SourceOutcome {
            source_id: "network-1".to_string(),
            at: chrono::Utc::now(),
            outcome: veille_store::Outcome::Failed,
            error: Some("HTTP 500".to_string()),
        })
        .unwrap();
    let body = scrape(&w.app).await;
    assert_eq!(sample(&body, "veille_sources_failing"), Some(1.0));
}
