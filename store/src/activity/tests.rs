//! Tests of the sources' weekly activity: weeks from Monday, new items and
//! approvals per source and week, read through the first-seen index.

use chrono::{TimeZone, Utc};

use super::*;
use crate::db::params;
use crate::tests::on_each_engine;
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

/// A curator's decision on the item at `url`, through `Store::set_review`;
/// where that is not available yet on the store's engine (the review is
/// not yet written for PostgreSQL), the review row it would leave.
fn decide(store: &Store, url: &str, decision: Decision, at: chrono::DateTime<Utc>) {
    let review = Review {
        decision,
        curator: "ana".into(),
        note: None,
        at,
    };
    let found = store.set_review(&item_id(url), &review).unwrap();
    assert!(found.is_some(), "no item at {url}");
}

fn approve(store: &Store, url: &str, at: chrono::DateTime<Utc>) {
    decide(store, url, Decision::Approve, at);
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

on_each_engine! {
    fn each_source_counts_its_new_items_and_approvals_per_week(store: Store) {
        for n in 0..5 {
            store.upsert_item(&new_item(n, "ripess")).unwrap();
        }
        store.upsert_item(&new_item(0, "socioeco")).unwrap();
        // Two items seen long ago (before the window), one of them approved
        // within it; two of this week's approved: one this week, one rejected
        // after its approval (not counted).
        for n in [3, 4] {
            store
                .exec(
                    "UPDATE items SET first_seen = '2024-01-03T10:00:00+00:00' WHERE id = ?1",
                    params![item_id(&format!("https://example.org/ripess/{n}"))],
                )
                .unwrap();
        }
        let now = Utc::now();
        approve(
            &store,
            "https://example.org/ripess/3",
            Utc.with_ymd_and_hms(2024, 5, 16, 9, 0, 0).unwrap(),
        );
        approve(&store, "https://example.org/ripess/0", now);
        approve(&store, "https://example.org/ripess/1", now);
        decide(&store, "https://example.org/ripess/1", Decision::Reject, now);

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
}

on_each_engine! {
    fn the_query_reads_items_by_their_first_seen_index(store: Store) {
        let query = "SELECT source_id FROM items WHERE first_seen >= '2024-01-01'";
        let tx = store.snapshot().unwrap();
        let db = tx.db();
        let plan: Vec<String> = match db.dialect() {
            crate::Dialect::Sqlite => db
                .query_map(&format!("EXPLAIN QUERY PLAN {query}"), params![], |r| {
                    r.get::<String>(3)
                })
                .unwrap(),
            // PostgreSQL plans by its statistics (a small table is read
            // whole): told to avoid that, it must find the index.
            crate::Dialect::Postgres => {
                db.batch("SET LOCAL enable_seqscan = off").unwrap();
                db.query_map(&format!("EXPLAIN {query}"), params![], |r| {
                    r.get::<String>(0)
                })
                .unwrap()
            }
        };
        assert!(
            plan.iter().any(|p| p.contains("items_first_seen")),
            "{plan:?}"
        );
    }
}
