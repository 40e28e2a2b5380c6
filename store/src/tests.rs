//! Tests of the store on a temporary database.

use std::path::Path;

use super::*;

/// The same store test on each engine: `NAME::sqlite` and
/// `NAME::postgres` (the latter skipped, loudly, where PostgreSQL is not
/// installed; see `testing.rs`).
macro_rules! on_each_engine {
    ($(#[$meta:meta])* fn $name:ident($store:ident: Store) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($store: Store) $body

            #[test]
            fn sqlite() {
                body(Store::open_in_memory().unwrap())
            }

            #[test]
            fn postgres() {
                if let Some(store) = crate::testing::postgres_store() {
                    body(store)
                }
            }
        }
    };
    // A test that opens the same database more than once (`$open()` each
    // time): a file on SQLite, the test database on PostgreSQL.
    ($(#[$meta:meta])* fn $name:ident($open:ident: impl Fn() -> Store) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn body($open: impl Fn() -> Store) $body

            #[test]
            fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("veille.db");
                body(|| Store::open(&path).unwrap())
            }

            #[test]
            fn postgres() {
                if let Some(url) = crate::testing::postgres_url() {
                    body(|| Store::open_postgres(&url).unwrap())
                }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_each_engine;

fn item(url: &str, title: &str) -> NewItem {
    NewItem {
        url: url.into(),
        source_id: "ripess".into(),
        title: title.into(),
        text: "Une coopérative d'habitation à Montréal".into(),
        author: None,
        published: DateTime::parse_from_rfc3339("2024-05-12T10:00:00+02:00").ok(),
        lang: Some("fr".into()),
        lang_confidence: 0.9,
        country: Some("CA".into()),
        candidate: Candidate {
            score: 0.8,
            is_candidate: true,
            themes: vec!["T1".into()],
            places: vec![Place {
                name: "Montréal".into(),
                country: Some("CA".into()),
            }],
            evidence: vec!["coopérative d'habitation".into()],
            ..Default::default()
        },
        fingerprint: None,
    }
}

/// An error's message followed by its causes' (PostgreSQL's own message
/// is the cause of the driver's).
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(&format!(": {c}"));
        cause = c.source();
    }
    out
}

/// Stores one item, `https://example.org/a`, and returns its id.
fn with_one_item(store: &Store) -> String {
    store
        .upsert_item(&item("https://example.org/a", "A"))
        .unwrap();
    item_id("https://example.org/a")
}

on_each_engine! {
    fn same_url_updates_never_duplicates(store: Store) {
        let a = item("https://example.org/a", "A");
        assert_eq!(store.upsert_item(&a).unwrap(), Upsert::New);
        assert_eq!(store.upsert_item(&a).unwrap(), Upsert::Unchanged);
        let changed = item("https://example.org/a", "A, corrected");
        assert_eq!(store.upsert_item(&changed).unwrap(), Upsert::Updated);
        assert_eq!(store.item_count().unwrap(), 1);
        let got = store
            .get_item(&item_id("https://example.org/a"))
            .unwrap()
            .unwrap();
        assert_eq!(got.title, "A, corrected");
        assert_eq!(got.published.unwrap().offset().local_minus_utc(), 7200);
        assert_eq!(got.candidate.places[0].name, "Montréal");
    }
}

on_each_engine! {
    /// A review survives closing the store, opening it again and a re-crawl,
    /// on each engine (`open` opens the same database each time).
    fn recrawl_keeps_the_review(open: impl Fn() -> Store) {
        let id = item_id("https://example.org/a");
        {
            let store = open();
            store
                .upsert_item(&item("https://example.org/a", "A"))
                .unwrap();
            let review = Review {
                decision: Decision::Approve,
                curator: "alice".into(),
                note: Some("good".into()),
                at: Utc::now(),
            };
            let got = store.set_review(&id, &review).unwrap().unwrap();
            assert_eq!(got.status(), Status::Approved);
            assert!(store.set_review("nope", &review).unwrap().is_none());
        }
        let store = open();
        store
            .upsert_item(&item("https://example.org/a", "A, updated"))
            .unwrap();
        let got = store.get_item(&id).unwrap().unwrap();
        assert_eq!(got.status(), Status::Approved);
        assert_eq!(got.review.unwrap().curator, "alice");
        assert_eq!(got.title, "A, updated");
    }
}

on_each_engine! {
    fn source_health_counts_failures_and_recovers(store: Store) {
        let fail = |at: &str| SourceOutcome {
            source_id: "s".into(),
            at: DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&Utc),
            outcome: Outcome::Failed,
            error: Some("http 500".into()),
        };
        store
            .record_source_outcome(&fail("2024-01-01T00:00:00Z"))
            .unwrap();
        store
            .record_source_outcome(&fail("2024-01-02T00:00:00Z"))
            .unwrap();
        let h = &store.source_health().unwrap()[0];
        assert_eq!(h.consecutive_failures, 2);
        assert_eq!(store.sources_failing().unwrap(), 1);
        assert_eq!(store.source_health_of("s").unwrap().as_ref(), Some(h));
        assert_eq!(store.source_health_of("unheard-of").unwrap(), None);
        // What the scheduler reads: the last fetch and the failures in a row.
        assert_eq!(
            store.source_fetches().unwrap(),
            [("s".to_string(), h.last_fetch, 2)]
        );
        assert_eq!(
            h.failing_since.unwrap().to_rfc3339(),
            "2024-01-01T00:00:00+00:00"
        );
        assert_eq!(h.last_error.as_deref(), Some("http 500"));
        store
            .record_source_outcome(&SourceOutcome {
                source_id: "s".into(),
                at: Utc::now(),
                outcome: Outcome::Ok,
                error: None,
            })
            .unwrap();
        let h = &store.source_health().unwrap()[0];
        assert_eq!(h.consecutive_failures, 0);
        assert!(h.failing_since.is_none() && h.last_error.is_none());
        assert!(h.last_success.is_some());
        assert_eq!(store.sources_failing().unwrap(), 0);
        assert_eq!(store.source_fetches().unwrap()[0].2, 0);
    }
}

on_each_engine! {
    fn fetch_state_round_trips(store: Store) {
        assert!(store
            .fetch_state("https://example.org/feed")
            .unwrap()
            .is_none());
        let state = FetchState {
            url: "https://example.org/feed".into(),
            etag: Some("\"abc\"".into()),
            last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
            fetched_at: Some(Utc::now()),
            not_before: None,
        };
        store.put_fetch_state(&state).unwrap();
        let got = store.fetch_state(&state.url).unwrap().unwrap();
        assert_eq!(got.etag, state.etag);
        assert_eq!(got.last_modified, state.last_modified);
    }
}

#[test]
fn the_writer_reads_the_file_through_a_memory_map() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("veille.db")).unwrap();
    let writer = store.writer().unwrap();
    let mapped: i64 = writer
        .query_row("PRAGMA mmap_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mapped, crate::WRITER_MMAP_BYTES);
}

/// A database whose schema is newer than this code is refused, on each
/// engine.
mod a_newer_schema_is_refused {
    use super::*;

    #[test]
    fn sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veille.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn postgres() {
        let Some(url) = crate::testing::postgres_url() else {
            return;
        };
        let store = Store::open_postgres(&url).unwrap();
        store
            .exec("UPDATE schema_version SET version = 99", params![])
            .unwrap();
        drop(store);
        let err = Store::open_postgres(&url).err().unwrap();
        assert!(err.to_string().contains("newer"), "{err}");
    }
}

on_each_engine! {
    fn near_duplicates_share_a_group_and_its_review(store: Store) {
        let with_fp = |url: &str, fp: u64| NewItem {
            fingerprint: Some(fp),
            ..item(url, url)
        };
        let base = 0xdead_beef_1234_5678u64;
        store
            .upsert_item(&with_fp("https://a.example.org/p", base))
            .unwrap();
        // Two bits off: the same press release on another site.
        store
            .upsert_item(&with_fp("https://b.example.org/p", base ^ 0b101))
            .unwrap();
        // Far away: another text.
        store
            .upsert_item(&with_fp("https://c.example.org/q", !base))
            .unwrap();
        let a = item_id("https://a.example.org/p");
        let b = store
            .get_item(&item_id("https://b.example.org/p"))
            .unwrap()
            .unwrap();
        let c = store
            .get_item(&item_id("https://c.example.org/q"))
            .unwrap()
            .unwrap();
        assert_eq!(b.group_id, a);
        assert_eq!(c.group_id, c.id);
        let group: Vec<String> = store
            .group_of(&b.id)
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(group, vec![b.id.clone(), a.clone()]);

        let review = Review {
            decision: Decision::Reject,
            curator: "bob".into(),
            note: None,
            at: Utc::now(),
        };
        store.set_review(&b.id, &review).unwrap();
        assert_eq!(
            store.get_item(&a).unwrap().unwrap().status(),
            Status::Rejected
        );
        assert_eq!(
            store.get_item(&c.id).unwrap().unwrap().status(),
            Status::Unreviewed
        );
        // A third copy seen later joins the group and its decision.
        store
            .upsert_item(&with_fp(
                "https://d.example.org/p",
                base ^ (0b111 << 40) ^ 0b1,
            ))
            .unwrap();
        let d = store
            .get_item(&item_id("https://d.example.org/p"))
            .unwrap()
            .unwrap();
        assert_eq!(d.group_id, a);
        assert_eq!(d.status(), Status::Rejected);
    }
}

fn review_by(curator: &str, decision: Decision) -> Review {
    Review {
        decision,
        curator: curator.into(),
        note: Some(format!("{curator}'s note")),
        at: Utc::now(),
    }
}

/// A database as veille wrote it at schema version 2 (the shipped
/// migrations 1 and 2, never edited), with an item reviewed twice.
fn v2_database(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    for sql in &schema::MIGRATIONS[..2] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 2).unwrap();
    let id = item_id("https://example.org/old");
    let candidate =
        serde_json::to_string(&item("https://example.org/old", "Old").candidate).unwrap();
    conn.execute(
        "INSERT INTO items (id, url, source_id, title, text, author, published, lang,
            lang_confidence, country, candidate, content_hash, first_seen, updated_at,
            fingerprint, group_id)
         VALUES (?1, 'https://example.org/old', 'ripess', 'Old', 'text', NULL, NULL, 'fr', 0.9,
            'CA', ?2, 'h', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', NULL, ?1)",
        rusqlite::params![id, candidate],
    )
    .unwrap();
    for (decision, curator, at) in [
        ("reject", "bob", "2024-02-01T00:00:00+00:00"),
        ("approve", "alice", "2024-02-02T00:00:00+00:00"),
    ] {
        conn.execute(
            "INSERT INTO review_log (item_id, decision, curator, note, at) VALUES (?1, ?2, ?3, NULL, ?4)",
            rusqlite::params![id, decision, curator, at],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO reviews (item_id, decision, curator, note, at)
         VALUES (?1, 'approve', 'alice', NULL, '2024-02-02T00:00:00+00:00')",
        [&id],
    )
    .unwrap();
    id
}

#[test]
fn a_version_2_database_is_migrated_with_its_reviews_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("veille.db");
    let id = v2_database(&path);
    let store = Store::open(&path).unwrap();
    let version: i64 = store.query_value("PRAGMA user_version", params![]).unwrap();
    assert_eq!(version, schema::VERSION);
    let record = store.item_record(&id).unwrap().unwrap();
    assert_eq!(record.item.title, "Old");
    assert_eq!(record.item.status(), Status::Approved);
    assert_eq!(record.version, 0);
    assert_eq!(record.reason, None);
    let history = store.history(&id).unwrap();
    let who: Vec<(&str, &str)> = history
        .iter()
        .map(|e| {
            (
                e.actor.as_str(),
                e.after["review"]["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(who, [("bob", "reject"), ("alice", "approve")]);
    assert_eq!(history[0].before["review"], serde_json::Value::Null);
    assert_eq!(history[1].before["review"]["decision"], "reject");
    // The migrated history can be undone like a new one.
    let Edit::Done(undone) = store.undo(&id, "carol", Utc::now(), Some(0)).unwrap() else {
        panic!("undo refused");
    };
    assert_eq!(undone.item.status(), Status::Rejected);
    assert_eq!(undone.item.review.unwrap().curator, "bob");
    // Opening again migrates nothing more.
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.history(&id).unwrap().len(), 3);
}

on_each_engine! {
    fn corrections_overlay_the_crawl_and_survive_a_recrawl(store: Store) {
        let id = with_one_item(&store);
        let fix = Correction {
            title: Some("Housing cooperative fund, Montréal".into()),
            themes: Some(vec!["T3".into(), "T7".into()]),
            year: Some(2019),
            ..Default::default()
        };
        let Edit::Done(record) = store
            .correct_item(&id, 0, &fix, "alice", Utc::now())
            .unwrap()
        else {
            panic!("correction refused");
        };
        assert_eq!(record.version, 1);
        assert_eq!(record.item.title, "Housing cooperative fund, Montréal");
        assert_eq!(record.item.candidate.themes, ["T3", "T7"]);
        assert_eq!(record.item.candidate.year, Some(2019));
        assert_eq!(record.crawled.title.as_deref(), Some("A"));
        assert_eq!(record.crawled.themes, Some(vec!["T1".to_string()]));
        // The crawler edits the page: the crawled values change, the
        // corrections stand, and every reader sees them.
        store
            .upsert_item(&item("https://example.org/a", "A, edited"))
            .unwrap();
        let item_now = store.get_item(&id).unwrap().unwrap();
        assert_eq!(item_now.title, "Housing cooperative fund, Montréal");
        let mut seen = Vec::new();
        store.for_each_item(|i| seen.push(i.title)).unwrap();
        assert_eq!(seen, ["Housing cooperative fund, Montréal"]);
        let record = store.item_record(&id).unwrap().unwrap();
        assert_eq!(record.crawled.title.as_deref(), Some("A, edited"));
        assert_eq!(record.version, 1);
    }
}

on_each_engine! {
    fn a_write_on_an_old_version_is_refused_with_the_current_record(store: Store) {
        let id = with_one_item(&store);
        let first = Correction {
            summary: Some("A fund for housing cooperatives.".into()),
            ..Default::default()
        };
        let second = Correction {
            summary: Some("Something else.".into()),
            ..Default::default()
        };
        assert!(matches!(
            store
                .correct_item(&id, 0, &first, "alice", Utc::now())
                .unwrap(),
            Edit::Done(_)
        ));
        let Edit::Stale(current) = store
            .correct_item(&id, 0, &second, "bob", Utc::now())
            .unwrap()
        else {
            panic!("a stale write went through");
        };
        assert_eq!(current.version, 1);
        assert_eq!(
            current.item.candidate.summary.as_deref(),
            Some("A fund for housing cooperatives.")
        );
        let review = review_by("bob", Decision::Approve);
        assert!(matches!(
            store.review_item(&id, &review, None, Some(0)).unwrap(),
            Edit::Stale(_)
        ));
        assert_eq!(
            store.get_item(&id).unwrap().unwrap().status(),
            Status::Unreviewed
        );
        assert!(matches!(
            store
                .correct_item("nope", 0, &second, "bob", Utc::now())
                .unwrap(),
            Edit::NotFound
        ));
    }
}

on_each_engine! {
    fn undo_walks_back_through_reviews_and_corrections(store: Store) {
        let id = with_one_item(&store);
        assert!(matches!(
            store.undo(&id, "alice", Utc::now(), None).unwrap(),
            Edit::NothingToUndo(_)
        ));
        store
            .review_item(
                &id,
                &review_by("alice", Decision::Reject),
                Some(Reason::OutOfScope),
                Some(0),
            )
            .unwrap();
        let fix = Correction {
            title: Some("Corrected".into()),
            ..Default::default()
        };
        store
            .correct_item(&id, 1, &fix, "alice", Utc::now())
            .unwrap();
        store
            .review_item(&id, &review_by("bob", Decision::Approve), None, Some(2))
            .unwrap();

        let step = |expected: i64| match store
            .undo(&id, "carol", Utc::now(), Some(expected))
            .unwrap()
        {
            Edit::Done(r) => r,
            other => panic!("undo at version {expected}: {other:?}"),
        };
        // Undo bob's approval: alice's rejection, with its reason, is back.
        let r = step(3);
        assert_eq!(r.item.status(), Status::Rejected);
        assert_eq!(r.reason, Some(Reason::OutOfScope));
        assert_eq!(r.item.title, "Corrected");
        // Undo the correction: the crawled title is back.
        let r = step(4);
        assert_eq!(r.item.title, "A");
        assert!(r.corrections.is_empty());
        // Undo the rejection: unreviewed again.
        let r = step(5);
        assert_eq!(r.item.status(), Status::Unreviewed);
        assert_eq!(r.version, 6);
        assert!(matches!(
            store.undo(&id, "carol", Utc::now(), None).unwrap(),
            Edit::NothingToUndo(_)
        ));
        let history = store.history(&id).unwrap();
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["review", "correct", "review", "undo", "undo", "undo"]
        );
        assert_eq!(history[3].undoes, Some(history[2].seq));
        assert_eq!(history[3].actor, "carol");
        assert_eq!(history[3].before["review"]["curator"], "bob");
        assert_eq!(history[3].after["review"]["curator"], "alice");
    }
}

on_each_engine! {
    fn the_audit_log_only_grows(store: Store) {
        let id = with_one_item(&store);
        let mut seen: Vec<AuditEntry> = Vec::new();
        for n in 0..4 {
            match n % 2 {
                0 => {
                    store
                        .set_review(&id, &review_by("alice", Decision::Approve))
                        .unwrap();
                }
                _ => {
                    store.undo(&id, "bob", Utc::now(), None).unwrap();
                }
            }
            let log = store.audit_log(0, 100).unwrap();
            assert_eq!(log.len(), seen.len() + 1);
            assert_eq!(log[..seen.len()], seen[..], "an earlier entry changed");
            seen = log;
        }
        // The database itself refuses to rewrite or delete an entry.
        let update = store.exec("UPDATE audit_log SET actor = 'mallory'", params![]);
        let why = with_causes(&update.unwrap_err());
        assert!(why.contains("append-only"), "{why}");
        let delete = store.exec("DELETE FROM audit_log", params![]);
        let why = with_causes(&delete.unwrap_err());
        assert!(why.contains("append-only"), "{why}");
        assert_eq!(store.audit_log(0, 100).unwrap(), seen);
        assert_eq!(store.audit_log(seen[1].seq, 100).unwrap(), seen[2..]);
    }
}

on_each_engine! {
    fn concurrent_writes_on_one_version_let_exactly_one_through(store: Store) {
        let id = with_one_item(&store);
        let writers = 6;
        let start = std::sync::Arc::new(std::sync::Barrier::new(writers));
        let threads: Vec<_> = (0..writers)
            .map(|n| {
                let (store, id, start) = (store.clone(), id.clone(), start.clone());
                std::thread::spawn(move || {
                    let fix = Correction {
                        title: Some(format!("Title by writer {n}")),
                        ..Default::default()
                    };
                    start.wait();
                    if n % 2 == 0 {
                        store.correct_item(&id, 0, &fix, &format!("w{n}"), Utc::now())
                    } else {
                        let review = review_by(&format!("w{n}"), Decision::Approve);
                        store.review_item(&id, &review, None, Some(0))
                    }
                    .unwrap()
                })
            })
            .collect();
        let edits: Vec<Edit> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let done = edits.iter().filter(|e| matches!(e, Edit::Done(_))).count();
        let stale = edits.iter().filter(|e| matches!(e, Edit::Stale(_))).count();
        assert_eq!((done, stale), (1, writers - 1), "{edits:?}");
        assert_eq!(store.item_record(&id).unwrap().unwrap().version, 1);
        assert_eq!(store.history(&id).unwrap().len(), 1);
    }
}

on_each_engine! {
    fn a_new_model_learns_from_decisions_and_rescores_the_rest(store: Store) {
        let urls = [
            "https://example.org/1",
            "https://example.org/2",
            "https://example.org/3",
            "https://example.org/4",
            "https://example.org/5",
        ];
        for url in urls {
            store.upsert_item(&item(url, url)).unwrap();
        }
        let [a, b, c, d, e] = urls.map(item_id);
        let decide = |id: &str, decision, reason| {
            store
                .review_item(id, &review_by("alice", decision), reason, None)
                .unwrap();
        };
        decide(&a, Decision::Approve, None);
        decide(&b, Decision::Reject, Some(Reason::Duplicate));
        decide(&c, Decision::Reject, Some(Reason::OutOfScope));
        // A duplicate is no judgement on the source: one approval, one
        // rejection.
        assert_eq!(store.source_decisions("ripess").unwrap(), (1, 1));
        assert_eq!(store.source_decisions("unheard-of").unwrap(), (0, 0));

        let mut learned = Vec::new();
        let n = store
            .for_each_decision(|item, reason| learned.push((item.id, reason)))
            .unwrap();
        assert_eq!(n, 3);
        let mut expected = vec![
            (a.clone(), None),
            (b.clone(), Some(Reason::Duplicate)),
            (c.clone(), Some(Reason::OutOfScope)),
        ];
        expected.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(learned, expected);

        let mut waiting = vec![d.clone(), e.clone()];
        waiting.sort();
        let page = |after: &str, limit| -> Vec<String> {
            store
                .unreviewed_after(after, limit)
                .unwrap()
                .into_iter()
                .map(|i| i.id)
                .collect()
        };
        assert_eq!(page("", 10), waiting);
        assert_eq!(page("", 1), waiting[..1]);
        assert_eq!(page(&waiting[0], 10), waiting[1..]);

        // A corrected item keeps its correction through a rescore.
        let fix = Correction {
            title: Some("Corrected".into()),
            ..Default::default()
        };
        store.correct_item(&d, 0, &fix, "alice", Utc::now()).unwrap();
        let signals = vec![Signal {
            phrase: "coopérative".into(),
            kind: "sse".into(),
            weight: 0.25,
        }];
        // A score with all 17 digits: it must come back exactly.
        let score = 0.1 + 0.2;
        let scores = vec![
            Rescore {
                id: a.clone(),
                score,
                is_candidate: false,
                signals: signals.clone(),
            },
            Rescore {
                id: d.clone(),
                score,
                is_candidate: false,
                signals: signals.clone(),
            },
            // The same verdict as stored: nothing to change.
            Rescore {
                id: e.clone(),
                score: 0.8,
                is_candidate: true,
                signals: Vec::new(),
            },
        ];
        assert_eq!(store.rescore(&scores).unwrap(), 1);
        let got = store.get_item(&d).unwrap().unwrap();
        assert_eq!(got.candidate.score, score);
        assert!(!got.candidate.is_candidate);
        assert_eq!(got.candidate.signals, signals);
        assert_eq!(got.candidate.themes, ["T1"]);
        assert_eq!(got.title, "Corrected");
        // A decided item keeps the verdict it was decided on.
        let decided = store.get_item(&a).unwrap().unwrap();
        assert_eq!(decided.candidate.score, 0.8);
        assert!(decided.candidate.is_candidate);
        // Nothing left to change the second time.
        assert_eq!(store.rescore(&scores).unwrap(), 0);
        assert_eq!(store.queue_length().unwrap(), 1);
    }
}

on_each_engine! {
    fn the_queue_holds_unreviewed_candidates_best_first_one_per_group(store: Store) {
        let scored = |url: &str, score: f64, fp: Option<u64>| {
            let mut new = item(url, url);
            new.candidate.score = score;
            new.candidate.is_candidate = score >= 0.5;
            new.fingerprint = fp;
            new
        };
        let base = 0x0123_4567_89ab_cdefu64;
        store
            .upsert_item(&scored("https://a.example/1", 0.6, Some(base)))
            .unwrap();
        store
            .upsert_item(&scored("https://b.example/1", 0.9, Some(base ^ 1)))
            .unwrap();
        store
            .upsert_item(&scored("https://c.example/2", 0.7, None))
            .unwrap();
        store
            .upsert_item(&scored("https://d.example/3", 0.2, None))
            .unwrap();
        store
            .upsert_item(&scored("https://e.example/4", 0.8, None))
            .unwrap();
        store
            .set_review(
                &item_id("https://e.example/4"),
                &review_by("alice", Decision::Approve),
            )
            .unwrap();
        let page = store.queue(0, 10).unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(store.queue_length().unwrap(), 2);
        let got: Vec<(&str, u64)> = page
            .entries
            .iter()
            .map(|e| (e.item.url.as_str(), e.duplicates))
            .collect();
        assert_eq!(
            got,
            [("https://b.example/1", 1), ("https://c.example/2", 0)]
        );
        let second = store.queue(1, 1).unwrap();
        assert_eq!(second.total, 2);
        assert_eq!(second.entries[0].item.url, "https://c.example/2");
        // Each entry carries its item's version; the uncertain order takes
        // non-candidates too, the scores nearest 0.5 first.
        let b = store
            .item_record(&item_id("https://b.example/1"))
            .unwrap()
            .unwrap();
        assert_eq!(page.entries[0].version, b.version);
        let uncertain = store.queue_in(QueueOrder::Uncertain, 0, 10).unwrap();
        let got: Vec<&str> = uncertain
            .entries
            .iter()
            .map(|e| e.item.url.as_str())
            .collect();
        assert_eq!(uncertain.total, 3);
        assert_eq!(
            got,
            [
                "https://c.example/2",
                "https://d.example/3",
                "https://b.example/1"
            ]
        );
        // A decision on one copy takes the whole group out of the queue.
        store
            .set_review(
                &item_id("https://a.example/1"),
                &review_by("bob", Decision::Reject),
            )
            .unwrap();
        let page = store.queue(0, 10).unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.entries[0].item.url, "https://c.example/2");
    }
}

on_each_engine! {
    fn accounts_passwords_tokens_and_sessions(store: Store) {
        assert!(!store.has_writers().unwrap());
        let user = store
            .add_user("ana", Role::Analyst, "correct horse battery")
            .unwrap();
        assert_eq!(user.role, Role::Analyst);
        assert!(!store.has_writers().unwrap());
        assert!(matches!(
            store.add_user("ana", Role::Admin, "another password"),
            Err(StoreError::UserExists(_))
        ));
        assert!(matches!(
            store.add_user("bad name", Role::Admin, "another password"),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.add_user("bea", Role::Curator, "short"),
            Err(StoreError::Invalid(_))
        ));
        store
            .add_user("cid", Role::Curator, "curator's password")
            .unwrap();
        assert!(store.has_writers().unwrap());
        // Accounts made at once under one name: one is made, the others
        // are told the name is taken.
        let made = crate::practices::tests::at_once(&store, 3, |store, _| {
            store.add_user("dee", Role::Analyst, "dee's password").map(|u| u.name)
        });
        assert!(
            made.iter().filter(|m| m.is_ok()).count() == 1
                && made.iter().all(|m| m.is_ok() || matches!(m, Err(StoreError::UserExists(_)))),
            "{made:?}"
        );
        let names: Vec<String> = store.users().unwrap().into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["ana", "cid", "dee"]);

        let ok = store
            .check_password("ana", "correct horse battery")
            .unwrap();
        assert_eq!(ok.map(|u| u.name).as_deref(), Some("ana"));
        assert!(store
            .check_password("ana", "correct horse batter")
            .unwrap()
            .is_none());
        assert!(store
            .check_password("nobody", "correct horse battery")
            .unwrap()
            .is_none());
        // The hash, never the password, is stored.
        let stored: String = store
            .query_value(
                "SELECT password_hash FROM users WHERE name = 'ana'",
                params![],
            )
            .unwrap();
        assert!(
            stored.starts_with("$argon2id$") && !stored.contains("horse"),
            "{stored}"
        );

        let token = store.new_token("cid").unwrap();
        assert_eq!(token.len(), 64);
        assert_eq!(
            store.user_by_token(&token).unwrap().unwrap().role,
            Role::Curator
        );
        assert!(store.user_by_token(&token[1..]).unwrap().is_none());
        assert!(matches!(
            store.new_token("nobody"),
            Err(StoreError::NoSuchUser(_))
        ));
        assert_eq!(store.revoke_tokens("cid").unwrap(), 1);
        assert!(store.user_by_token(&token).unwrap().is_none());

        // A role change returns the account as it now is; a new password
        // replaces the old one.
        let promoted = store.set_role("ana", Role::Curator).unwrap();
        assert_eq!((promoted.name.as_str(), promoted.role), ("ana", Role::Curator));
        assert_eq!(promoted.created_at, user.created_at);
        assert_eq!(store.user("ana").unwrap().unwrap().role, Role::Curator);
        assert!(matches!(
            store.set_role("nobody", Role::Admin),
            Err(StoreError::NoSuchUser(_))
        ));
        store.set_password("ana", "a brand new password").unwrap();
        assert!(store
            .check_password("ana", "correct horse battery")
            .unwrap()
            .is_none());
        assert!(store
            .check_password("ana", "a brand new password")
            .unwrap()
            .is_some());
        assert!(matches!(
            store.set_password("nobody", "a brand new password"),
            Err(StoreError::NoSuchUser(_))
        ));

        let session = store
            .new_session("ana", chrono::Duration::hours(1))
            .unwrap();
        assert_eq!(store.session_user(&session).unwrap().unwrap().name, "ana");
        store.end_session(&session).unwrap();
        assert!(store.session_user(&session).unwrap().is_none());
        let expired = store
            .new_session("ana", chrono::Duration::seconds(-1))
            .unwrap();
        assert!(store.session_user(&expired).unwrap().is_none());
    }
}

on_each_engine! {
    fn saved_searches_belong_to_their_owner(store: Store) {
        let saved = store
            .add_saved_search("ana", "housing", "?q=housing+cooperative&lang=fr")
            .unwrap();
        assert_eq!(saved.query, "q=housing+cooperative&lang=fr");
        assert_eq!(saved.feed_key.len(), 64);
        assert!(matches!(
            store.add_saved_search("ana", "housing", "q=x"),
            Err(StoreError::Invalid(_))
        ));
        let other = store
            .add_saved_search("bob", "housing", "q=vivienda")
            .unwrap();
        assert_eq!(store.saved_search(saved.id).unwrap().unwrap(), saved);
        assert_eq!(
            store.saved_searches("ana").unwrap(),
            std::slice::from_ref(&saved)
        );
        assert_eq!(
            store.all_saved_searches().unwrap(),
            [saved.clone(), other.clone()]
        );
        assert!(!store.delete_saved_search("ana", other.id).unwrap());
        assert!(store.delete_saved_search("bob", other.id).unwrap());
        assert!(store.saved_search(other.id).unwrap().is_none());

        // Writers racing for one name: one saves it, the others are told
        // it is taken.
        let outcomes = crate::practices::tests::at_once(&store, 4, |store, w| {
            store.add_saved_search("cid", "raced", &format!("q=try{w}"))
        });
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
        assert!(
            outcomes
                .iter()
                .all(|o| o.is_ok() || matches!(o, Err(StoreError::Invalid(_)))),
            "{outcomes:?}"
        );
        assert_eq!(store.saved_searches("cid").unwrap().len(), 1);
    }
}

#[test]
fn fingerprints_stored_before_version_4_still_find_their_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("veille.db");
    let fp: u64 = 0x0123_4567_89ab_cdef;
    let old = item_id("https://a.example.org/release");
    {
        let conn = Connection::open(&path).unwrap();
        for sql in &schema::MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        let candidate = serde_json::to_string(&Candidate::default()).unwrap();
        conn.execute(
            "INSERT INTO items (id, url, source_id, title, text, author, published, lang,
                lang_confidence, country, candidate, content_hash, first_seen, updated_at,
                fingerprint, group_id)
             VALUES (?1, 'https://a.example.org/release', 's', 'Release', 'text', NULL, NULL,
                'en', 0.9, NULL, ?2, 'h', '2024-01-01T00:00:00+00:00',
                '2024-01-01T00:00:00+00:00', ?3, ?1)",
            rusqlite::params![old, candidate, fp as i64],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let copy = NewItem {
        fingerprint: Some(fp ^ 0b1001),
        ..item("https://b.example.org/release", "Release, syndicated")
    };
    store.upsert_item(&copy).unwrap();
    let got = store
        .get_item(&item_id("https://b.example.org/release"))
        .unwrap()
        .unwrap();
    assert_eq!(got.group_id, old);
    // A high-bit fingerprint (negative as SQLite's signed integer) too.
    let high: u64 = 0xfedc_ba98_7654_3210;
    store
        .upsert_item(&NewItem {
            fingerprint: Some(high),
            ..item("https://c.example.org/x", "X")
        })
        .unwrap();
    store
        .upsert_item(&NewItem {
            fingerprint: Some(high ^ (1 << 63)),
            ..item("https://d.example.org/x", "X again")
        })
        .unwrap();
    let d = store
        .get_item(&item_id("https://d.example.org/x"))
        .unwrap()
        .unwrap();
    assert_eq!(d.group_id, item_id("https://c.example.org/x"));
}

#[test]
fn outcomes_keep_their_names() {
    // The names the store, the API, the metrics and the command line show.
    let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
    assert_eq!(names, ["ok", "not_modified", "failed", "deferred"]);
    for o in Outcome::ALL {
        assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        assert_eq!(Outcome::parse(o.as_str()), Some(o));
        assert_eq!(o.to_string(), o.as_str());
    }
    assert_eq!(Outcome::parse("Failed"), None);
}

#[test]
fn decisions_keep_their_names() {
    for d in Decision::ALL {
        assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        assert_eq!(Decision::parse(d.as_str()), Some(d));
    }
    assert_eq!(Decision::ALL.map(Decision::as_str), ["approve", "reject"]);
    assert_eq!(Decision::parse("Approve"), None);
}

on_each_engine! {
    fn reads_go_on_while_the_writer_holds_a_transaction(store: Store) {
        let a = item("https://example.org/a", "A");
        store.upsert_item(&a).unwrap();
        let id = item_id(&a.url);
        // The writer is in the middle of a write: locked, transaction open,
        // a row written but not committed.
        let tx = store.transaction().unwrap();
        tx.db()
            .execute(
                "UPDATE items SET title = 'uncommitted' WHERE id = ?1",
                params![id],
            )
            .unwrap();
        let (sent, received) = std::sync::mpsc::channel();
        let reading = store.clone();
        let reader = std::thread::spawn(move || {
            let title = reading.get_item(&id).unwrap().unwrap().title;
            sent.send((title, reading.item_count().unwrap())).unwrap();
        });
        let read = received.recv_timeout(std::time::Duration::from_secs(5));
        tx.commit().unwrap();
        reader.join().unwrap();
        // The read did not wait, and saw the last commit.
        assert_eq!(read, Ok(("A".to_string(), 1)));
        // A write that has returned is seen by the next read.
        assert_eq!(
            store.get_item(&item_id(&a.url)).unwrap().unwrap().title,
            "uncommitted"
        );
        store
            .upsert_item(&item("https://example.org/b", "B"))
            .unwrap();
        assert_eq!(store.item_count().unwrap(), 2);
    }
}

#[test]
fn readers_refuse_writes() {
    let store = Store::open_in_memory().unwrap();
    let reader = store.reader().unwrap();
    let err = reader
        .execute("DELETE FROM sessions", [])
        .unwrap_err()
        .to_string();
    assert!(err.contains("readonly"), "{err}");
}

#[test]
fn reads_wait_for_a_free_reader_past_the_limit() {
    let store = Store::open_in_memory().unwrap();
    let held: Vec<_> = (0..MAX_READERS).map(|_| store.reader().unwrap()).collect();
    let (sent, received) = std::sync::mpsc::channel();
    let reading = store.clone();
    let waiting = std::thread::spawn(move || sent.send(reading.item_count().unwrap()).unwrap());
    let short = std::time::Duration::from_millis(200);
    assert!(
        received.recv_timeout(short).is_err(),
        "a reader past the limit"
    );
    drop(held);
    assert_eq!(
        received.recv_timeout(std::time::Duration::from_secs(5)),
        Ok(0)
    );
    waiting.join().unwrap();
}

#[test]
fn a_throwaway_store_leaves_no_file() {
    let store = Store::open_in_memory().unwrap();
    let path = store
        .connections
        ._temporary
        .as_ref()
        .unwrap()
        .path()
        .to_path_buf();
    store
        .upsert_item(&item("https://example.org/a", "A"))
        .unwrap();
    assert_eq!(store.item_count().unwrap(), 1);
    assert!(path.exists());
    let clone = store.clone();
    drop(store);
    assert!(path.exists(), "a clone still uses it");
    drop(clone);
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    assert!(!path.exists() && !Path::new(&wal).exists());
}

on_each_engine! {
    fn get_items_reads_many_in_the_order_asked(store: Store) {
        let urls: Vec<String> = (0..1500)
            .map(|n| format!("https://example.org/{n}"))
            .collect();
        let items: Vec<NewItem> = urls.iter().map(|u| item(u, u)).collect();
        store.upsert_items(&items).unwrap();
        store
            .correct_item(
                &item_id(&urls[7]),
                0,
                &Correction {
                    title: Some("Corrected".into()),
                    ..Correction::default()
                },
                "alice",
                Utc::now(),
            )
            .unwrap();
        // Reversed, with an unknown id and a repeated one: the ones that
        // exist, as asked, corrections applied.
        let mut ids: Vec<String> = urls.iter().rev().map(|u| item_id(u)).collect();
        ids.insert(3, "no such item".into());
        ids.push(item_id(&urls[1499]));
        let got = store.get_items(&ids).unwrap();
        let mut expected: Vec<String> = urls.iter().rev().map(|u| item_id(u)).collect();
        expected.push(item_id(&urls[1499]));
        assert_eq!(
            got.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
            expected
        );
        assert_eq!(got[1500 - 1 - 7].title, "Corrected");
        assert_eq!(got[0], store.get_item(&ids[0]).unwrap().unwrap());
        assert!(store.get_items(&[]).unwrap().is_empty());
    }
}

on_each_engine! {
    fn decisions_are_logged_once_in_the_audit_log(store: Store) {
        let id = with_one_item(&store);
        store
            .set_review(&id, &review_by("alice", Decision::Approve))
            .unwrap();
        assert_eq!(store.history(&id).unwrap().len(), 1);
        // The old review log is kept for migrations only.
        let old: i64 = store
            .query_value("SELECT count(*) FROM review_log", params![])
            .unwrap();
        assert_eq!(old, 0);
    }
}

#[test]
fn the_files_a_process_left_are_removed_by_the_next() {
    // A store of a process that ended without dropping it (no process has
    // this id: the kernel's limit is lower).
    let dir = std::env::temp_dir();
    let left = dir.join("veille-store-4294967295-0000000000000000.sqlite");
    std::fs::write(&left, b"").unwrap();
    temporary::remove_ended(&dir);
    assert!(!left.exists() || !Path::new("/proc/self").exists());
    // This process's own are kept.
    let store = Store::open_in_memory().unwrap();
    temporary::remove_ended(&dir);
    let own = store.connections._temporary.as_ref().unwrap().path();
    assert!(own.exists());
}

#[test]
fn statuses_keep_their_names() {
    for s in Status::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        assert_eq!(Status::parse(s.as_str()), Some(s));
        assert_eq!(s.to_string(), s.as_str());
    }
    assert_eq!(
        Status::ALL.map(Status::as_str),
        ["unreviewed", "approved", "rejected"]
    );
    assert_eq!(Status::parse("Approved"), None);
}

#[test]
fn the_fingerprints_load_from_the_change_index_alone() {
    // A million items' rows hold their texts (4 GB and more): the load and
    // the catch-up read the covering index, and the change feed still
    // reads in its order.
    let store = Store::open_in_memory().unwrap();
    let writer = store.writer().unwrap();
    let plan = |sql: &str, params: &[i64]| -> String {
        let mut stmt = writer
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
    };
    let load = plan(
        "SELECT id, fingerprint FROM items WHERE change_seq > ?1 ORDER BY change_seq",
        &[i64::MIN],
    );
    assert!(load.contains("COVERING INDEX items_change_seq"), "{load}");
    let feed = plan(
        &format!("{ITEM_SELECT} WHERE i.change_seq > ?1 ORDER BY i.change_seq LIMIT ?2"),
        &[0, 10],
    );
    assert!(feed.contains("INDEX items_change_seq"), "{feed}");
    assert!(!feed.contains("TEMP B-TREE"), "{feed}");
}

/// An item at `url` with fingerprint `fp`.
fn with_fingerprint(url: &str, fp: u64) -> NewItem {
    NewItem {
        fingerprint: Some(fp),
        ..item(url, url)
    }
}

/// The group of the item at `url`.
fn group_at(store: &Store, url: &str) -> String {
    store.get_item(&item_id(url)).unwrap().unwrap().group_id
}

on_each_engine! {
    fn a_copy_finds_its_original_among_thousands_sharing_its_bands(store: Store) {
        // The original, with an id that sorts after most others' (a band's
        // rows were once read in id order, the first 256 only).
        let original = (0..)
            .map(|n| format!("https://first.example.org/release-{n}"))
            .find(|url| item_id(url).starts_with('f'))
            .unwrap();
        let fp = 0x5a5a_0f0f_3c3c_9669u64;
        store.upsert_item(&with_fingerprint(&original, fp)).unwrap();
        // 3,000 other texts, each sharing five of its seven bands' values
        // and 8 bits away (the high 4 bits of two bands flipped).
        let high_bits = |band: u32| {
            let shift = if band == 0 { 0 } else { 10 + 9 * (band - 1) };
            let width = if band == 0 { 10 } else { 9 };
            0b1111u64 << (shift + width - 4)
        };
        let others: Vec<NewItem> = (0..3000u32)
            .map(|i| {
                let a = i % 7;
                let b = (a + 1 + (i / 7) % 6) % 7;
                with_fingerprint(
                    &format!("https://other.example.org/{i}"),
                    fp ^ high_bits(a) ^ high_bits(b),
                )
            })
            .collect();
        store.upsert_items(&others).unwrap();
        // The same release syndicated, and again with a few words changed.
        store
            .upsert_items(&[
                with_fingerprint("https://copy.example.org/release", fp),
                with_fingerprint("https://edit.example.org/release", fp ^ 0b1_1111),
            ])
            .unwrap();
        let group = item_id(&original);
        assert_eq!(group_at(&store, "https://copy.example.org/release"), group);
        assert_eq!(group_at(&store, "https://edit.example.org/release"), group);
        assert_eq!(store.group_of(&group).unwrap().len(), 3);
        assert_eq!(group_at(&store, "https://other.example.org/42"), item_id("https://other.example.org/0"));
    }
}

on_each_engine! {
    /// Two stores open on one database, as two processes hold it: what one
    /// writes, the other's duplicate lookups find.
    fn another_process_writes_are_found(open: impl Fn() -> Store) {
        let (a, b) = (open(), open());
        let fp = 0x0123_4567_89ab_cdefu64;
        // B has loaded its memory before A writes.
        b.upsert_item(&with_fingerprint("https://b.example.org/first", !fp))
            .unwrap();
        a.upsert_item(&with_fingerprint("https://a.example.org/release", fp))
            .unwrap();
        b.upsert_item(&with_fingerprint("https://b.example.org/copy", fp ^ 0b11))
            .unwrap();
        let original = item_id("https://a.example.org/release");
        assert_eq!(group_at(&b, "https://b.example.org/copy"), original);
        // A's page changes to another text: B follows it to its new bands.
        let moved = fp ^ 0xffff_0000_0000_0000;
        assert_eq!(
            a.upsert_item(&NewItem {
                title: "Another text".into(),
                ..with_fingerprint("https://a.example.org/release", moved)
            })
            .unwrap(),
            Upsert::Updated
        );
        b.upsert_item(&with_fingerprint(
            "https://b.example.org/moved",
            moved ^ 0b1,
        ))
        .unwrap();
        assert_eq!(group_at(&b, "https://b.example.org/moved"), original);
        // And A finds what B wrote.
        a.upsert_item(&with_fingerprint("https://a.example.org/far", !fp ^ 0b100))
            .unwrap();
        assert_eq!(
            group_at(&a, "https://a.example.org/far"),
            item_id("https://b.example.org/first")
        );
    }
}

on_each_engine! {
    fn a_batch_rolled_back_leaves_no_trace_in_the_lookups(store: Store) {
        let fp = 0x0f0f_f0f0_1234_4321u64;
        let kept = "https://kept.example.org/release";
        store.upsert_item(&with_fingerprint(kept, fp)).unwrap();
        // A page the store refuses (a trigger here), after a new item and a
        // change to the kept one's text in the same batch.
        let refuse = "https://refused.example.org/";
        match store.dialect() {
            Dialect::Sqlite => store.exec(
                "CREATE TRIGGER refuse BEFORE INSERT ON items
                 WHEN NEW.url = 'https://refused.example.org/'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END",
                params![],
            ),
            Dialect::Postgres => store
                .exec(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                         IF NEW.url = 'https://refused.example.org/' THEN
                             RAISE EXCEPTION 'refused';
                         END IF;
                         RETURN NEW;
                     END $$",
                    params![],
                )
                .and_then(|_| {
                    store.exec(
                        "CREATE TRIGGER refuse BEFORE INSERT ON items
                         FOR EACH ROW EXECUTE FUNCTION refuse()",
                        params![],
                    )
                }),
        }
        .unwrap();
        let failed = store.upsert_items(&[
            with_fingerprint("https://lost.example.org/page", !fp),
            NewItem {
                title: "Rewritten".into(),
                ..with_fingerprint(kept, fp ^ 0xffff_ffff_0000_0000)
            },
            with_fingerprint(refuse, 0),
        ]);
        assert!(failed.is_err());
        assert!(store.get_item(&item_id("https://lost.example.org/page")).unwrap().is_none());
        // The kept item is found at its stored fingerprint, not the one the
        // failed batch gave it; nothing joins the lost item.
        store
            .upsert_items(&[
                with_fingerprint("https://copy.example.org/release", fp ^ 0b1),
                with_fingerprint("https://copy.example.org/lost", !fp),
            ])
            .unwrap();
        assert_eq!(group_at(&store, "https://copy.example.org/release"), item_id(kept));
        assert_eq!(
            group_at(&store, "https://copy.example.org/lost"),
            item_id("https://copy.example.org/lost")
        );
    }
}

/// The memory's size and load time on a big store (the `veille.db` at
/// `VEILLE_FINGERPRINTS_DB`, opened read-only: an older schema is read as
/// it is, through its items' rows), and what a lookup costs:
/// `VEILLE_FINGERPRINTS_DB=… cargo test -p veille-store
/// fingerprints_of_a_big_store -- --ignored --nocapture`.
#[test]
#[ignore]
fn fingerprints_of_a_big_store() {
    let path = std::env::var("VEILLE_FINGERPRINTS_DB").expect("VEILLE_FINGERPRINTS_DB");
    let rss = || -> String {
        std::fs::read_to_string("/proc/self/status")
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("RssAnon") || l.starts_with("VmRSS"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let conn =
        Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    println!("before: {}", rss());
    let mut memory = fingerprints::Fingerprints::default();
    let started = std::time::Instant::now();
    dedup::catch_up(db::Db::Sqlite(&conn), &mut memory).unwrap();
    println!(
        "loaded {} fingerprints in {:?}: {} bytes; after: {}",
        memory.len(),
        started.elapsed(),
        memory.heap_bytes(),
        rss()
    );
    let started = std::time::Instant::now();
    let mut found = 0;
    let n = 20_000u64;
    for i in 0..n {
        found += memory
            .candidates(i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .len();
    }
    println!(
        "{n} lookups in {:?} ({found} candidates)",
        started.elapsed()
    );
}

#[test]
fn a_restored_backup_is_what_the_duplicate_lookups_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("veille.db")).unwrap();
    let fp = 0x1357_9bdf_0246_8aceu64;
    let release = "https://a.example.org/release";
    store.upsert_item(&with_fingerprint(release, fp)).unwrap();
    let backup = dir.path().join("backup.db");
    store.backup_to(&backup).unwrap();
    // The page becomes another text, then the backup is restored: the
    // release is back, at its old fingerprint.
    store
        .upsert_item(&NewItem {
            title: "Another text".into(),
            ..with_fingerprint(release, !fp)
        })
        .unwrap();
    store.restore_from(&backup).unwrap();
    store
        .upsert_item(&with_fingerprint(
            "https://b.example.org/release",
            fp ^ 0b110,
        ))
        .unwrap();
    assert_eq!(
        group_at(&store, "https://b.example.org/release"),
        item_id(release)
    );
}
