//! Tests of the sources' weekly activity: weeks from Monday, new items and
//! approvals per source and week, read through the first-seen index.

use chrono::{TimeZone, Utc};

use super::*;
use crate::{item_id, Candidate, NewItem, Review};

fn new_item(n: usize, source: &str) -> NewItem {
    NewItem {
        url: format!("https://example.org/{source}/{n}"),
        source_id: source.into(),
        title: format!("Item {n}"),
        text: "Une coopérative".into(),
        author: None,
        published: None,
        lang: Some("fr".into()),
        lang_confidence: 0.9,
        country: None,
        candidate: Candidate::default(),
        fingerprint: None,
    }
}

fn approve(store: &Store, url: &str, at: chrono::DateTime<Utc>) {
    store
        .set_review(
            &item_id(url),
            &Review {
                decision: Decision::Approve,
                curator: "ana".into(),
                note: None,
                at,
            },
        )
        .unwrap();
}

#[test]
fn weeks_start_on_monday() {
    let thursday = NaiveDate::from_ymd_opt(2024, 5, 16).unwrap();
    assert_eq!(
        week_of(thursday),
        NaiveDate::from_ymd_opt(2024, 5, 13).unwrap()
    );
    let sunday = NaiveDate::from_ymd_opt(2024, 5, 19).unwrap();
    assert_eq!(
        week_of(sunday),
        NaiveDate::from_ymd_opt(2024, 5, 13).unwrap()
    );
    assert_eq!(week_of(week_of(sunday)), week_of(sunday));
}

#[test]
fn each_source_counts_its_new_items_and_approvals_per_week() {
    let store = Store::open_in_memory().unwrap();
    for n in 0..5 {
        store.upsert_item(&new_item(n, "ripess")).unwrap();
    }
    store.upsert_item(&new_item(0, "socioeco")).unwrap();
    // Two items seen long ago (before the window), one of them approved
    // within it; two of this week's approved: one this week, one rejected
    // after its approval (not counted).
    {
        let conn = store.writer().unwrap();
        for n in [3, 4] {
            conn.execute(
                "UPDATE items SET first_seen = '2024-01-03T10:00:00+00:00' WHERE id = ?1",
                [item_id(&format!("https://example.org/ripess/{n}"))],
            )
            .unwrap();
        }
    }
    let now = Utc::now();
    approve(
        &store,
        "https://example.org/ripess/3",
        Utc.with_ymd_and_hms(2024, 5, 16, 9, 0, 0).unwrap(),
    );
    approve(&store, "https://example.org/ripess/0", now);
    approve(&store, "https://example.org/ripess/1", now);
    store
        .set_review(
            &item_id("https://example.org/ripess/1"),
            &Review {
                decision: Decision::Reject,
                curator: "ana".into(),
                note: None,
                at: now,
            },
        )
        .unwrap();

    let since = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let weeks = store.source_weeks(since).unwrap();
    let this_week = week_of(now.date_naive());
    let may = NaiveDate::from_ymd_opt(2024, 5, 13).unwrap();
    assert_eq!(
        weeks,
        vec![
            SourceWeek {
                source_id: "ripess".into(),
                week: may,
                items: 0,
                approvals: 1
            },
            SourceWeek {
                source_id: "ripess".into(),
                week: this_week,
                items: 3,
                approvals: 1
            },
            SourceWeek {
                source_id: "socioeco".into(),
                week: this_week,
                items: 1,
                approvals: 0
            },
        ]
    );
    // From January: the two old items appear in their week.
    let january = store
        .source_weeks(NaiveDate::from_ymd_opt(2024, 1, 4).unwrap())
        .unwrap();
    assert_eq!(
        january[0].week,
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
    );
    assert_eq!(january[0].items, 2);
}

#[test]
fn the_query_reads_items_by_their_first_seen_index() {
    let store = Store::open_in_memory().unwrap();
    let conn = store.reader().unwrap();
    let plan: Vec<String> = conn
        .prepare("EXPLAIN QUERY PLAN SELECT source_id FROM items WHERE first_seen >= '2024-01-01'")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        plan.iter().any(|p| p.contains("items_first_seen")),
        "{plan:?}"
    );
}
