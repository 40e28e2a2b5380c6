//! When each source is due: cron expressions from `sources.toml`.
//!
//! Operators write the Unix crontab form, 5 fields (`min hour dom mon dow`,
//! with 0 or 7 = Sunday), or the `cron` crate's 6-field form with seconds
//! first (`sec min hour dom mon dow`, where days of week follow the crate:
//! 1 = Sunday, or names). A 5-field expression gets a `0` seconds field and
//! its numeric days of week are renumbered, so that `1-5` still means
//! Monday to Friday.
//!
//! A source that keeps failing is backed off ([`next_due`]): its scheduled
//! runs are skipped until 2^failures × a base delay (capped) has passed
//! since its last fetch.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::Source;

/// The first time after `after` at which `source` is due.
pub fn next_run(source: &Source, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    source.schedule.after(&after).next()
}

/// How long a source that failed `failures` times in a row waits after
/// its last fetch before its schedule applies again: 2^failures × `base`,
/// at most `cap` (zero when it did not fail).
pub fn failure_backoff(failures: u32, base: Duration, cap: Duration) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    base.saturating_mul(1u32 << failures.min(20)).min(cap)
}

/// When `source` is next due after `now`: its next cron time, or, while a
/// failing source is backed off ([`failure_backoff`] after `last_fetch`),
/// the first cron time after the backoff ends. A source that comes back
/// is on its plain schedule again after its first success.
pub fn next_due(
    source: &Source,
    last_fetch: Option<DateTime<Utc>>,
    failures: u32,
    base: Duration,
    cap: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let backoff = chrono::Duration::from_std(failure_backoff(failures, base, cap))
        .unwrap_or(chrono::Duration::MAX);
    match last_fetch {
        Some(at) if failures > 0 => match at.checked_add_signed(backoff) {
            // A run falling exactly when the backoff ends is kept.
            Some(end) if end > now => next_run(source, end - chrono::Duration::seconds(1)),
            Some(_) => next_run(source, now),
            None => None,
        },
        _ => next_run(source, now),
    }
}

/// Parses a 5- or 6-field cron expression; the error says why it is
/// invalid.
pub(crate) fn parse_schedule(expr: &str) -> Result<cron::Schedule, String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let six = match fields.len() {
        5 => {
            let dow = unix_days_of_week(fields[4])?;
            format!("0 {} {} {} {} {dow}", fields[0], fields[1], fields[2], fields[3])
        }
        6 => fields.join(" "),
        n => {
            return Err(format!(
                "expected 5 fields (min hour dom mon dow) or 6 fields (sec min hour dom mon dow), found {n}"
            ))
        }
    };
    cron::Schedule::from_str(&six).map_err(|e| {
        // The crate's message quotes the expression over several lines,
        // with a caret; its last line says what is wrong.
        let msg = e.to_string();
        let last = msg
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        last.trim().trim_end_matches('.').to_string()
    })
}

/// The `cron` crate's number for a crontab day of week (0 or 7 = Sunday):
/// the crate counts from 1 = Sunday to 7 = Saturday.
fn cron_day(unix: usize) -> usize {
    if unix == 7 {
        1
    } else {
        unix + 1
    }
}

/// Rewrites a crontab day-of-week field (0 or 7 = Sunday, 1 = Monday) into
/// the `cron` crate's numbering (1 = Sunday). Names pass through.
fn unix_days_of_week(field: &str) -> Result<String, String> {
    let day = |s: &str| -> Result<Option<usize>, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        match s.parse::<usize>() {
            Ok(n) if n <= 7 => Ok(Some(n)),
            _ => Err(format!(
                "day of week {s} is out of range 0-7 (0 and 7 are Sunday)"
            )),
        }
    };
    let mut out = Vec::new();
    for part in field.split(',') {
        let (base, step) = match part.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (part, None),
        };
        let base = match base.split_once('-') {
            Some((a, b)) => match (day(a)?, day(b)?) {
                (Some(0), Some(7)) => "1-7".to_string(),
                // `5-7` is Friday to Sunday: Friday-Saturday, then Sunday.
                (Some(a), Some(7)) if step.is_none() => format!("{}-7,1", cron_day(a)),
                (Some(_), Some(7)) => {
                    return Err(format!(
                        "day-of-week range {base:?} ends on 7 and has a step: write it with 0-6"
                    ))
                }
                (Some(a), Some(b)) => format!("{}-{}", cron_day(a), cron_day(b)),
                _ => base.to_string(),
            },
            None => match day(base)? {
                Some(n) => cron_day(n).to_string(),
                None => base.to_string(),
            },
        };
        out.push(match step {
            Some(s) => format!("{base}/{s}"),
            None => base,
        });
    }
    Ok(out.join(","))
}

#[cfg(test)]
mod tests;
