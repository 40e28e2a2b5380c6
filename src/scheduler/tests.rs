//! The frontier on a simulated clock: every source runs at its cron times,
//! overdue sources at once, failing ones backed off, removed ones stopped.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Timelike, Utc};
use veille_crawler::Config;
use veille_store::Outcome;

use super::{Frontier, Record};

const HOUR: Duration = Duration::from_secs(3600);

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    // A Monday.
    Utc.with_ymd_and_hms(2026, 1, 5, h, m, s).unwrap()
}

/// A list of sources, each `(id, schedule)`.
fn config(sources: &[(String, &str)]) -> Config {
    let mut text =
        String::from("[crawler]\nuser_agent = \"veille-test/0.1 (+http://127.0.0.1/contact)\"\n\n");
    for (id, schedule) in sources {
        text.push_str(&format!(
            "[[source]]\nid = \"{id}\"\nname = \"{id}\"\n\
             url = \"http://127.0.0.1:9/{id}/feed.xml\"\nkind = \"feed\"\nschedule = \"{schedule}\"\n\n"
        ));
    }
    veille_crawler::parse(&text, "sources.toml").expect("a valid list")
}

fn fetched(ids: &[&str], when: DateTime<Utc>, failures: u32) -> HashMap<String, Record> {
    ids.iter()
        .map(|id| {
            (
                id.to_string(),
                Record {
                    last_fetch: Some(when),
                    failures,
                },
            )
        })
        .collect()
}

/// Runs the frontier from `start` to `end` as the scheduler's loop does
/// (every crawl instantaneous, ending with `outcome`): the times each
/// source ran.
fn simulate(
    frontier: &mut Frontier,
    end: DateTime<Utc>,
    outcome: Outcome,
) -> HashMap<String, Vec<DateTime<Utc>>> {
    let mut runs: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
    let mut last = None;
    while let Some(now) = frontier.next_wake() {
        if now > end {
            break;
        }
        assert!(last.is_none_or(|l| l <= now), "time went back");
        last = Some(now);
        while let Some((ticket, source)) = frontier.pop_due(now) {
            runs.entry(source.id.clone()).or_default().push(now);
            frontier.finished(ticket, outcome, now);
        }
    }
    runs
}

#[test]
fn ten_thousand_sources_each_run_at_their_cron_times() {
    // Four schedules, 2,500 sources each; the ids say which.
    let schedules = ["0 * * * *", "*/15 * * * *", "30 3 * * *", "0 0 */6 * * *"];
    let sources: Vec<(String, &str)> = (0..10_000)
        .map(|i| (format!("s{}-{i:05}", i % 4), schedules[i % 4]))
        .collect();
    let ids: Vec<&str> = sources.iter().map(|(id, _)| id.as_str()).collect();
    // Every source was fetched at midnight, so none is overdue.
    let start = at(0, 0, 0);
    let mut frontier = Frontier::new(HOUR, 24 * HOUR);
    let applied = frontier.apply(&config(&sources), &fetched(&ids, start, 0), start);
    assert_eq!(applied.scheduled, 10_000);
    assert_eq!(frontier.len(), 10_000);

    let runs = simulate(&mut frontier, at(6, 0, 0), Outcome::NotModified);
    assert_eq!(runs.len(), 10_000, "every source ran");
    for (id, times) in &runs {
        let expected: Vec<DateTime<Utc>> = match &id[..2] {
            "s0" => (1..=6).map(|h| at(h, 0, 0)).collect(),
            "s1" => (1..=24)
                .map(|q| start + chrono::Duration::minutes(15 * q))
                .collect(),
            "s2" => vec![at(3, 30, 0)],
            "s3" => vec![at(6, 0, 0)],
            other => panic!("unexpected id {other}"),
        };
        assert_eq!(times, &expected, "{id}");
    }
    // Each is waiting for its next run.
    assert_eq!(frontier.due_of("s0-00000"), Some(at(7, 0, 0)));
    assert_eq!(
        frontier.due_of("s2-00002"),
        Some(at(3, 30, 0) + chrono::Duration::days(1))
    );
}

#[test]
fn overdue_sources_run_at_once_unless_backed_off() {
    let list = config(&[
        ("never".into(), "0 * * * *"),
        ("missed".into(), "0 * * * *"),
        ("recent".into(), "0 * * * *"),
        ("failing".into(), "0 * * * *"),
        ("failed-long-ago".into(), "0 * * * *"),
    ]);
    let now = at(10, 5, 0);
    let mut records = fetched(&["missed"], at(8, 30, 0), 0);
    records.extend(fetched(&["recent"], at(10, 0, 30), 0));
    // 2^6 × 1 min = 64 min after 9:30: backed off until 10:34.
    records.extend(fetched(&["failing"], at(9, 30, 0), 6));
    // 2^3 × 1 min = 8 min after 9:30: over.
    records.extend(fetched(&["failed-long-ago"], at(9, 30, 0), 3));
    let mut frontier = Frontier::new(Duration::from_secs(60), 24 * HOUR);
    frontier.apply(&list, &records, now);

    assert_eq!(frontier.due_of("never"), Some(now));
    assert_eq!(frontier.due_of("missed"), Some(now));
    assert_eq!(frontier.due_of("failed-long-ago"), Some(now));
    assert_eq!(frontier.due_of("recent"), Some(at(11, 0, 0)));
    assert_eq!(frontier.due_of("failing"), Some(at(11, 0, 0)));
    // The overdue ones start at once, in the list's order.
    let started: Vec<String> = std::iter::from_fn(|| frontier.pop_due(now))
        .map(|(_, s)| s.id.clone())
        .collect();
    assert_eq!(started, ["never", "missed", "failed-long-ago"]);
}

#[test]
fn a_failing_source_is_backed_off_and_a_success_puts_it_back_on_schedule() {
    let list = config(&[("flaky".into(), "*/15 * * * *")]);
    let mut frontier = Frontier::new(HOUR, 24 * HOUR);
    frontier.apply(&list, &HashMap::new(), at(10, 0, 0));
    let (ticket, _) = frontier.pop_due(at(10, 0, 0)).expect("never fetched: due");
    assert_eq!(frontier.next_wake(), None, "not due again while it runs");
    // One failure: 2 h; two: 4 h.
    frontier.finished(ticket, Outcome::Failed, at(10, 0, 0));
    assert_eq!(frontier.due_of("flaky"), Some(at(12, 0, 0)));
    let (ticket, _) = frontier.pop_due(at(12, 0, 0)).expect("due");
    frontier.finished(ticket, Outcome::Failed, at(12, 0, 0));
    assert_eq!(frontier.due_of("flaky"), Some(at(16, 0, 0)));
    // Deferred (nothing sent): still two failures, from 12:00.
    let (ticket, _) = frontier.pop_due(at(16, 0, 0)).expect("due");
    frontier.finished(ticket, Outcome::Deferred, at(16, 0, 0));
    assert_eq!(frontier.due_of("flaky"), Some(at(16, 15, 0)));
    let (ticket, _) = frontier.pop_due(at(16, 15, 0)).expect("due");
    frontier.finished(ticket, Outcome::Ok, at(16, 15, 0));
    assert_eq!(frontier.due_of("flaky"), Some(at(16, 30, 0)));
}

#[tokio::test]
async fn a_removed_source_stops_and_a_changed_one_follows_its_new_schedule() {
    let now = at(10, 0, 0);
    let mut frontier = Frontier::new(HOUR, 24 * HOUR);
    frontier.apply(
        &config(&[
            ("removed".into(), "0 * * * *"),
            ("changed".into(), "0 * * * *"),
            ("kept".into(), "0 * * * *"),
        ]),
        &HashMap::new(),
        now,
    );
    // "removed" is crawling when the edit comes.
    let (ticket, source) = frontier.pop_due(now).expect("due");
    assert_eq!(source.id, "removed");
    let crawl = tokio::spawn(std::future::pending::<()>());
    frontier.started(ticket, crawl.abort_handle());
    let (changed_ticket, changed) = frontier.pop_due(now).expect("due");
    assert_eq!(changed.id, "changed");
    frontier.finished(changed_ticket, Outcome::Ok, now);
    let (kept_ticket, kept) = frontier.pop_due(now).expect("due");
    assert_eq!(kept.id, "kept");
    frontier.finished(kept_ticket, Outcome::Ok, now);

    let applied = frontier.apply(
        &config(&[
            ("changed".into(), "30 10 * * *"),
            ("kept".into(), "0 * * * *"),
        ]),
        &fetched(&["changed", "kept"], now, 0),
        now,
    );
    assert_eq!(
        (applied.scheduled, applied.unscheduled, applied.dropped),
        (1, 2, 1)
    );
    assert!(crawl.await.expect_err("aborted").is_cancelled());
    assert_eq!(frontier.len(), 2);
    assert_eq!(frontier.due_of("removed"), None);
    assert_eq!(frontier.due_of("changed"), Some(at(10, 30, 0)));
    assert_eq!(frontier.due_of("kept"), Some(at(11, 0, 0)));
    // The dropped crawl's end changes nothing.
    frontier.finished(ticket, Outcome::Failed, now);
    let runs = simulate(&mut frontier, at(12, 0, 0), Outcome::Ok);
    assert_eq!(runs.get("removed"), None);
    assert_eq!(runs["changed"], [at(10, 30, 0)]);
    assert_eq!(runs["kept"], [at(11, 0, 0), at(12, 0, 0)]);
}

#[test]
fn the_queue_stays_within_twice_the_sources_across_reloads() {
    let start = at(0, 0, 0);
    let mut frontier = Frontier::new(HOUR, 24 * HOUR);
    let mut biggest = 0;
    for round in 0..50 {
        // Each reload moves a tenth of the sources to another minute.
        let minutes: Vec<String> = (0..1_000)
            .map(|i| {
                let m = if i % 10 == round % 10 { round } else { i % 60 };
                format!("{m} * * * *")
            })
            .collect();
        let sources: Vec<(String, &str)> = (0..1_000)
            .map(|i| (format!("s{i:04}"), minutes[i].as_str()))
            .collect();
        let ids: Vec<&str> = sources.iter().map(|(id, _)| id.as_str()).collect();
        frontier.apply(&config(&sources), &fetched(&ids, start, 0), start);
        assert_eq!(frontier.len(), 1_000);
        biggest = biggest.max(frontier.queued());
    }
    assert!(biggest <= 2 * 1_000 + 16, "the queue grew to {biggest}");
    // And every source still runs at its minute once an hour.
    let runs = simulate(&mut frontier, at(1, 0, 0), Outcome::Ok);
    assert_eq!(runs.len(), 1_000);
    for times in runs.values() {
        assert_eq!(times.len(), 1);
        assert_eq!(times[0].second(), 0);
    }
}

#[test]
fn a_source_another_worker_holds_waits_and_serves_the_same_run_on_every_worker() {
    let list = config(&[("a".to_string(), "0 0 * * * *")]);
    let source = &list.sources[0];
    // Two workers that read the same last fetch name the same run.
    let record = fetched(&["a"], at(9, 30, 0), 0)["a"];
    let mut one = Frontier::new(HOUR, 24 * HOUR);
    let mut two = Frontier::new(HOUR, 24 * HOUR);
    one.apply(&list, &fetched(&["a"], at(9, 30, 0), 0), at(10, 0, 5));
    two.apply(&list, &fetched(&["a"], at(9, 30, 0), 0), at(10, 0, 7));
    let (first, _) = one.pop_due(at(10, 0, 5)).unwrap();
    let (second, _) = two.pop_due(at(10, 0, 7)).unwrap();
    assert_eq!(one.record_of(first), Some(record));
    assert_eq!(
        super::leasing::run_served(source, one.record_of(first).unwrap()),
        super::leasing::run_served(source, two.record_of(second).unwrap()),
    );
    assert_eq!(super::leasing::run_served(source, record), at(10, 0, 0));
    // Never fetched: the same run too, the first one.
    assert_eq!(
        super::leasing::run_served(source, Record::default()),
        DateTime::<Utc>::UNIX_EPOCH
    );
    // Held elsewhere: due again when the lease ends, its record kept.
    two.defer(second, at(10, 2, 0));
    assert_eq!(two.due_of("a"), Some(at(10, 2, 0)));
    assert!(two.pop_due(at(10, 1, 0)).is_none());
    let (again, _) = two.pop_due(at(10, 2, 0)).unwrap();
    assert_eq!(two.record_of(again), Some(record));
    // Served elsewhere: the next run is the next hour's.
    two.finished(again, Outcome::NotModified, at(10, 2, 1));
    assert_eq!(two.due_of("a"), Some(at(11, 0, 0)));
}
