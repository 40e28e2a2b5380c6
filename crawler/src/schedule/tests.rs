//! Tests of cron schedules: 5- and 6-field forms, crontab days of week.

use chrono::{DateTime, TimeZone, Utc};

use super::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

/// The next `n` runs of `expr` after `after`.
fn runs(expr: &str, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
    let schedule = parse_schedule(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    schedule.after(&after).take(n).collect()
}

#[test]
fn five_field_expression_runs_on_the_minute() {
    assert_eq!(
        runs("0 */6 * * *", at(2025, 1, 1, 1, 0, 0), 3),
        [
            at(2025, 1, 1, 6, 0, 0),
            at(2025, 1, 1, 12, 0, 0),
            at(2025, 1, 1, 18, 0, 0)
        ]
    );
    assert_eq!(
        runs("15 8 1 * *", at(2025, 1, 1, 9, 0, 0), 1),
        [at(2025, 2, 1, 8, 15, 0)]
    );
}

#[test]
fn six_field_expression_has_seconds_first() {
    assert_eq!(
        runs("30 0 */6 * * *", at(2025, 1, 1, 1, 0, 0), 2),
        [at(2025, 1, 1, 6, 0, 30), at(2025, 1, 1, 12, 0, 30)]
    );
}

#[test]
fn crontab_days_of_week_count_from_sunday_zero() {
    // 2025-03-07 is a Friday.
    let friday = at(2025, 3, 7, 12, 0, 0);
    assert_eq!(
        runs("0 9 * * 0", friday, 1),
        [at(2025, 3, 9, 9, 0, 0)],
        "0 = Sunday"
    );
    assert_eq!(
        runs("0 9 * * 7", friday, 1),
        [at(2025, 3, 9, 9, 0, 0)],
        "7 = Sunday"
    );
    assert_eq!(
        runs("0 9 * * 1", friday, 1),
        [at(2025, 3, 10, 9, 0, 0)],
        "1 = Monday"
    );
    assert_eq!(
        runs("0 9 * * 1-5", friday, 2),
        [at(2025, 3, 10, 9, 0, 0), at(2025, 3, 11, 9, 0, 0)],
        "Monday to Friday skips the weekend"
    );
    assert_eq!(
        runs("0 9 * * 5-7", friday, 4),
        [
            at(2025, 3, 8, 9, 0, 0),
            at(2025, 3, 9, 9, 0, 0),
            at(2025, 3, 14, 9, 0, 0),
            at(2025, 3, 15, 9, 0, 0),
        ],
        "Friday to Sunday"
    );
    assert_eq!(
        runs("0 9 * * SAT", friday, 1),
        [at(2025, 3, 8, 9, 0, 0)],
        "names pass through"
    );
}

#[test]
fn wrong_field_counts_and_values_are_explained() {
    let err = parse_schedule("* * *").unwrap_err();
    assert!(err.contains("found 3"), "{err}");
    let err = parse_schedule("0 0 0 * * * * *").unwrap_err();
    assert!(err.contains("found 8"), "{err}");
    let err = parse_schedule("0 9 * * 8").unwrap_err();
    assert!(err.contains("out of range 0-7"), "{err}");
    let err = parse_schedule("61 * * * *").unwrap_err();
    assert!(err.contains("'61'"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn next_run_uses_the_source_schedule() {
    let config = crate::parse(
        "[crawler]\nuser_agent = \"v (+https://example.org)\"\n\
         [[source]]\nid = \"a\"\nname = \"A\"\nurl = \"https://example.org/\"\nkind = \"feed\"\n",
        "sources.toml",
    )
    .expect("valid");
    let source = &config.sources[0];
    assert_eq!(
        next_run(source, at(2025, 1, 1, 5, 59, 59)),
        Some(at(2025, 1, 1, 6, 0, 0))
    );
    assert_eq!(
        next_run(source, at(2025, 1, 1, 6, 0, 0)),
        Some(at(2025, 1, 1, 12, 0, 0))
    );
}

#[test]
fn failing_sources_are_backed_off_up_to_the_cap_and_recover() {
    use std::time::Duration;
    let base = Duration::from_secs(30 * 60);
    let cap = Duration::from_secs(24 * 3600);
    assert_eq!(crate::failure_backoff(0, base, cap), Duration::ZERO);
    assert_eq!(
        crate::failure_backoff(1, base, cap),
        Duration::from_secs(3600)
    );
    assert_eq!(
        crate::failure_backoff(3, base, cap),
        Duration::from_secs(4 * 3600)
    );
    assert_eq!(crate::failure_backoff(12, base, cap), cap);

    let text = "[crawler]\nuser_agent = \"v (+https://example.org)\"\n\
        [[source]]\nid = \"a\"\nname = \"A\"\nurl = \"https://example.org/\"\nkind = \"feed\"\n\
        schedule = \"0 * * * *\"\n";
    let config = crate::parse(text, "sources.toml").expect("valid");
    let source = &config.sources[0];
    let last = Utc.with_ymd_and_hms(2025, 3, 7, 10, 0, 0).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 3, 7, 10, 5, 0).unwrap();
    let due = |failures| crate::next_due(source, Some(last), failures, base, cap, now).unwrap();
    assert_eq!(
        due(0),
        Utc.with_ymd_and_hms(2025, 3, 7, 11, 0, 0).unwrap(),
        "hourly"
    );
    assert_eq!(
        due(3),
        Utc.with_ymd_and_hms(2025, 3, 7, 14, 0, 0).unwrap(),
        "4 h of backoff: the runs of 11:00 to 13:00 are skipped"
    );
    assert_eq!(
        due(20),
        Utc.with_ymd_and_hms(2025, 3, 8, 10, 0, 0).unwrap(),
        "never more than the cap"
    );
}
