//! Tests of the headers that push back the next fetch.

use chrono::TimeZone;
use reqwest::header::HeaderValue;

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn retry_after_in_seconds_or_as_a_date() {
    let now = Utc.with_ymd_and_hms(2025, 3, 7, 12, 0, 0).unwrap();
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(
        parse_retry_after("Fri, 07 Mar 2025 12:05:00 GMT", now),
        Some(Duration::from_secs(300))
    );
    assert_eq!(
        parse_retry_after("Fri, 07 Mar 2025 11:00:00 GMT", now),
        Some(Duration::ZERO),
        "a date in the past"
    );
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(
        retry_after(&headers(&[("retry-after", " 7 ")]), now),
        Some(Duration::from_secs(7))
    );
}

#[test]
fn max_age_less_age_unless_no_store() {
    assert_eq!(
        fresh_for(&headers(&[("cache-control", "public, max-age=600")])),
        Some(Duration::from_secs(600))
    );
    assert_eq!(
        fresh_for(&headers(&[
            ("cache-control", "max-age=600"),
            ("age", "100")
        ])),
        Some(Duration::from_secs(500))
    );
    assert_eq!(
        fresh_for(&headers(&[
            ("cache-control", "max-age=600"),
            ("age", "900")
        ])),
        None
    );
    assert_eq!(
        fresh_for(&headers(&[("cache-control", "no-cache, max-age=600")])),
        None
    );
    assert_eq!(fresh_for(&headers(&[("cache-control", "max-age=0")])), None);
    assert_eq!(fresh_for(&headers(&[])), None);
}

#[test]
fn a_server_cannot_push_back_a_fetch_beyond_a_day() {
    let now = Utc.with_ymd_and_hms(2025, 3, 7, 12, 0, 0).unwrap();
    assert_eq!(
        not_before(now, Duration::from_secs(3600)),
        Utc.with_ymd_and_hms(2025, 3, 7, 13, 0, 0).unwrap()
    );
    assert_eq!(
        not_before(now, Duration::from_secs(365 * 86_400)),
        Utc.with_ymd_and_hms(2025, 3, 8, 12, 0, 0).unwrap()
    );
}
