//! When a URL may be fetched again, as its server asks: `Retry-After`
//! (seconds or an HTTP date), `Cache-Control: max-age` (less `Age`), and a
//! feed's RSS `<ttl>` (minutes). What the server asks is kept at most
//! [`MAX_NOT_BEFORE`], so that a wrong header never silences a source.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, AGE, CACHE_CONTROL, RETRY_AFTER};

/// The longest a server can push back the next fetch of a URL.
pub const MAX_NOT_BEFORE: Duration = Duration::from_secs(24 * 3600);

/// The wait a `Retry-After` value asks for: delay-seconds or an HTTP date
/// (a date in the past is no wait).
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    Some((date.to_utc() - now).to_std().unwrap_or_default())
}

/// The `Retry-After` of a response.
pub(crate) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
}

/// How long a response stays fresh: `max-age` less `Age`; `None` with
/// `no-store`, `no-cache`, a zero or absent `max-age`.
pub(crate) fn fresh_for(headers: &HeaderMap) -> Option<Duration> {
    let mut max_age = None;
    for value in headers.get_all(CACHE_CONTROL) {
        let Ok(value) = value.to_str() else { continue };
        for directive in value.split(',') {
            let directive = directive.trim().to_ascii_lowercase();
            if directive == "no-store" || directive == "no-cache" {
                return None;
            }
            if let Some(n) = directive.strip_prefix("max-age=") {
                max_age = n.trim_matches('"').parse::<u64>().ok();
            }
        }
    }
    let age = headers
        .get(AGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let fresh = max_age?.saturating_sub(age);
    (fresh > 0).then(|| Duration::from_secs(fresh))
}

/// `now + wait`, the wait cut to [`MAX_NOT_BEFORE`].
pub(crate) fn not_before(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    let wait = wait.min(MAX_NOT_BEFORE);
    now + chrono::Duration::from_std(wait).unwrap_or_default()
}

#[cfg(test)]
mod tests;
