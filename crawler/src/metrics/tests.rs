//! Tests of the crawler's counters.

use super::*;

#[test]
fn fetches_are_written_by_outcome_and_in_the_latency_histogram() {
    let metrics = FetchMetrics::default();
    metrics.record(Outcome::Ok, 0.2);
    metrics.record(Outcome::Failed, 12.0);
    metrics.record(Outcome::Ok, 0.05);
    metrics.record(Outcome::NotModified, 0.0001);
    let mut out = String::new();
    metrics.write(&mut out);
    // As `/metrics` has always written them (scripts read these lines).
    assert_eq!(out, FOUR_FETCHES);
}

/// The text of the four fetches above.
const FOUR_FETCHES: &str = include_str!("four_fetches.prom");
