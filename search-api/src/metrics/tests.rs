//! Tests of `/metrics`: what the pipeline records, what a search records,
//! and the gauges read from the data, parsed back from the text format.

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

#[tokio::test]
async fn recorded_fetches_show_by_outcome_and_in_the_latency_histogram() {
    let w = world();
    let before = scrape(&w.app).await;
    let count_before = sample(&before, "veille_fetch_duration_seconds_count").unwrap_or(0.0);
    // An outcome no other test records, so that its count is exact.
    record_fetch("metrics-test-outcome", 0.2);
    record_fetch("metrics-test-outcome", 0.3);
    record_fetch("metrics \"quoted\"", 12.0);
    let after = scrape(&w.app).await;
    assert_eq!(
        sample(
            &after,
            "veille_fetches_total{outcome=\"metrics-test-outcome\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &after,
            "veille_fetches_total{outcome=\"metrics \\\"quoted\\\"\"}"
        ),
        Some(1.0)
    );
    let count_after = sample(&after, "veille_fetch_duration_seconds_count").unwrap();
    assert!(count_after >= count_before + 3.0);
    // Buckets are cumulative and end at the count.
    let buckets: Vec<f64> = after
        .lines()
        .filter(|l| l.starts_with("veille_fetch_duration_seconds_bucket"))
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(buckets.len(), FETCH_BUCKETS.len() + 1);
    assert!(buckets.windows(2).all(|b| b[0] <= b[1]));
    assert_eq!(*buckets.last().unwrap(), count_after);
}

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
