//! Publication dates as pages write them: RFC 3339 and its many near
//! misses, RFC 2822, bare dates, and dates in URL paths.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a date as found in meta tags, JSON-LD or `<time datetime>`.
/// A date without an offset is taken as UTC.
pub(super) fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.len() < 8 || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    // "2015-04-16T10:24:00+0200", "2015-04-16 10:24:00 +02:00", "… .123+0000".
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    let utc = FixedOffset::east_opt(0)?;
    let naive = s
        .trim_end_matches('Z')
        .trim_end_matches(" UTC")
        .trim_end_matches(" GMT");
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, f) {
            return utc.from_local_datetime(&d).single();
        }
    }
    // A bare date, possibly followed by something we cannot read.
    let head: String = naive.chars().take(10).collect();
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&head, f) {
            return utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
        }
    }
    if naive.len() == 8 && naive.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(d) = NaiveDate::parse_from_str(naive, "%Y%m%d") {
            return utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
        }
    }
    None
}

/// A `/2024/05/12/` date in the path of `url`, at midnight UTC.
pub(super) fn url_date(url: &str) -> Option<DateTime<FixedOffset>> {
    let path = match url::Url::parse(url) {
        Ok(u) => u.path().to_string(),
        Err(_) => url.to_string(),
    };
    let segs: Vec<&str> = path.split('/').collect();
    for w in segs.windows(3) {
        let (y, m, d) = (w[0], w[1], w[2]);
        let d = d
            .get(..2)
            .filter(|_| d.len() == 2 || d.as_bytes().get(2) == Some(&b'-'));
        let Some(d) = d else { continue };
        if y.len() == 4
            && (1..=2).contains(&m.len())
            && y.bytes().all(|b| b.is_ascii_digit())
            && m.bytes().all(|b| b.is_ascii_digit())
            && d.bytes().all(|b| b.is_ascii_digit())
        {
            let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
            if !(1990..=2100).contains(&y) {
                continue;
            }
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                let utc = FixedOffset::east_opt(0)?;
                return utc
                    .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                    .single();
            }
        }
    }
    None
}

/// `Some(d)` unless `d` is after `now`.
pub(super) fn not_future(
    d: Option<DateTime<FixedOffset>>,
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    d.filter(|d| d.with_timezone(&Utc) <= now)
}
