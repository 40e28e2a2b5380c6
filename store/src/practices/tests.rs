//! The practice records: filing, versions, the append-only history, the
//! filters of the list, refused records.

use super::*;
use crate::db::params;
use crate::tests::{on_each_engine, with_causes};

/// What `writers` threads did, each with its clone of `store` and its
/// number, all at once.
pub(crate) fn at_once<T: Send>(
    store: &Store,
    writers: usize,
    write: impl Fn(Store, usize) -> T + Sync,
) -> Vec<T> {
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..writers)
            .map(|w| {
                let (store, write) = (store.clone(), &write);
                s.spawn(move || write(store, w))
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

fn draft(name: &str) -> PracticeDraft {
    PracticeDraft {
        name: name.to_string(),
        themes: vec!["T1".to_string()],
        places: vec![PracticePlace {
            name: "Bilbao".to_string(),
            country: Some("ES".to_string()),
            lat: Some(43.26),
            lon: Some(-2.93),
        }],
        texts: vec![PracticeText {
            field: "approach".to_string(),
            lang: "es".to_string(),
            text: "La cooperativa gestiona viviendas.".to_string(),
            evidence: None,
            reviewed: false,
        }],
        sources: vec![PracticeSource {
            item_id: "item-1".to_string(),
            url: "http://127.0.0.1/a".to_string(),
            title: "A".to_string(),
            lang: Some("es".to_string()),
            published: None,
        }],
        ..PracticeDraft::default()
    }
}

on_each_engine! {
    fn a_practice_is_filed_corrected_with_versions_and_its_history_kept(store: Store) {
        let p = store
            .create_practice(&draft("Housing co-op"), "ana")
            .unwrap();
        assert_eq!((p.id.as_str(), p.version), ("p1", 1));
        assert_eq!(p.languages, vec!["es"]);
        assert_eq!(store.practice("p1").unwrap().unwrap(), p);

        let mut changed = p.record.clone();
        changed.name = "Housing cooperative of Bilbao".to_string();
        changed.status = PracticeStatus::Published;
        let PracticeEdit::Done(done) = store.update_practice("p1", 1, &changed, "ben").unwrap() else {
            panic!("not done");
        };
        assert_eq!(done.version, 2);
        assert_eq!(done.record.name, "Housing cooperative of Bilbao");

        // A write based on version 1 is refused, and shows what is there now.
        let PracticeEdit::Stale(now) = store.update_practice("p1", 1, &draft("x"), "ana").unwrap()
        else {
            panic!("not stale");
        };
        assert_eq!(now.version, 2);
        assert_eq!(
            store.update_practice("p9", 1, &draft("x"), "ana").unwrap(),
            PracticeEdit::NotFound
        );

        let history = store.practice_history("p1").unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| (h.action.as_str(), h.actor.as_str()))
                .collect::<Vec<_>>(),
            vec![("create", "ana"), ("update", "ben")]
        );
        assert_eq!(history[1].before["name"], "Housing co-op");
        assert_eq!(history[1].after["status"], "published");
    }
}

on_each_engine! {
    fn the_history_is_append_only(store: Store) {
        store.create_practice(&draft("A"), "ana").unwrap();
        for sql in [
            "DELETE FROM practice_audit",
            "UPDATE practice_audit SET actor = 'x'",
        ] {
            let err = with_causes(&store.exec(sql, params![]).unwrap_err());
            assert!(err.contains("practice_audit is append-only"), "{sql}: {err}");
        }
        let history = store.practice_history("p1").unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| (h.action.as_str(), h.actor.as_str()))
                .collect::<Vec<_>>(),
            vec![("create", "ana")]
        );
    }
}

on_each_engine! {
    fn practices_are_listed_by_status_theme_country_language_and_item(store: Store) {
        let mut a = draft("A");
        a.status = PracticeStatus::Published;
        store.create_practice(&a, "ana").unwrap();
        let mut b = draft("B");
        b.themes = vec!["T5".to_string()];
        b.places[0].country = Some("FR".to_string());
        b.sources[0].item_id = "item-2".to_string();
        store.create_practice(&b, "ana").unwrap();
        let names = |f: PracticeFilter| {
            let (total, ps) = store.practices(&f, 0, 10).unwrap();
            assert_eq!(total, ps.len());
            ps.into_iter().map(|p| p.record.name).collect::<Vec<_>>()
        };
        assert_eq!(names(PracticeFilter::default()), vec!["B", "A"]);
        let published = PracticeFilter {
            status: Some(PracticeStatus::Published),
            ..PracticeFilter::default()
        };
        assert_eq!(names(published), vec!["A"]);
        let theme = PracticeFilter {
            theme: Some("T5".into()),
            ..PracticeFilter::default()
        };
        assert_eq!(names(theme), vec!["B"]);
        let country = PracticeFilter {
            country: Some("ES".into()),
            ..PracticeFilter::default()
        };
        assert_eq!(names(country), vec!["A"]);
        let item = PracticeFilter {
            item_id: Some("item-2".into()),
            ..PracticeFilter::default()
        };
        assert_eq!(names(item), vec!["B"]);
        let lang = PracticeFilter {
            lang: Some("fr".into()),
            ..PracticeFilter::default()
        };
        assert!(names(lang).is_empty());
    }
}

on_each_engine! {
    fn a_bad_record_is_refused_with_what_to_give(store: Store) {
        let mut d = draft(" ");
        d.texts[0].field = "summary".to_string();
        d.start_year = Some(20);
        let err = store.create_practice(&d, "ana").unwrap_err().to_string();
        assert!(err.contains("name: give the practice a name"), "{err}");
        assert!(err.contains("unknown field \"summary\""), "{err}");
        assert!(err.contains("start_year"), "{err}");
        assert_eq!(
            store
                .practices(&PracticeFilter::default(), 0, 10)
                .unwrap()
                .0,
            0
        );
    }
}

/// A practice submitted by `by` whose page became the item `item`, as
/// the collection point leaves it (`submissions.rs` tests how); its
/// receipt.
fn submitted(store: &Store, by: &str, item: &str) -> String {
    let receipt = crate::new_receipt();
    store
        .exec(
            "INSERT INTO submissions (receipt, kind, fields, submitted_by, status, item_id,
                created_at, updated_at)
             VALUES (?1, 'practice', ?2, ?3, 'received', ?4, ?5, ?5)",
            params![
                receipt,
                r#"{"text":"A housing cooperative run by its members."}"#,
                by,
                item,
                Utc::now().to_rfc3339()
            ],
        )
        .unwrap();
    receipt
}

on_each_engine! {
    fn publishing_a_record_publishes_the_submissions_of_its_sources(store: Store) {
        let sent = submitted(&store, "ripess", "item-1");
        let other = submitted(&store, "anonymous", "item-9");
        // A draft publishes nothing; publishing does, for its sources only.
        let p = store.create_practice(&draft("A"), "ana").unwrap();
        let status = |r: &str| {
            store
                .query_value::<String>(
                    "SELECT status || ' by ' || coalesce(decided_by, 'nobody')
                     FROM submissions WHERE receipt = ?1",
                    params![r],
                )
                .unwrap()
        };
        assert_eq!(status(&sent), "received by nobody");
        let mut published = p.record.clone();
        published.status = PracticeStatus::Published;
        store.update_practice(&p.id, 1, &published, "ben").unwrap();
        assert_eq!(status(&sent), "published by ben");
        assert_eq!(status(&other), "received by nobody");
    }
}

on_each_engine! {
    fn the_generation_moves_with_every_write_and_only_then(store: Store) {
        assert_eq!(store.practices_generation().unwrap(), 0);
        let p = store.create_practice(&draft("A"), "ana").unwrap();
        let created = store.practices_generation().unwrap();
        assert!(created > 0);
        store.practices(&PracticeFilter::default(), 0, 10).unwrap();
        assert_eq!(store.practices_generation().unwrap(), created);
        store.update_practice(&p.id, 1, &draft("B"), "ana").unwrap();
        let updated = store.practices_generation().unwrap();
        assert!(updated > created);
        // A stale write changes nothing.
        store.update_practice(&p.id, 1, &draft("C"), "ana").unwrap();
        assert_eq!(store.practices_generation().unwrap(), updated);
    }
}

on_each_engine! {
    fn practices_are_read_by_ids_in_their_order_through_the_filter(store: Store) {
        let a = store.create_practice(&draft("A"), "ana").unwrap();
        let mut published = draft("B");
        published.status = PracticeStatus::Published;
        let b = store.create_practice(&published, "ana").unwrap();
        let c = store.create_practice(&draft("C"), "ana").unwrap();
        let ids = |ps: Vec<Practice>| ps.into_iter().map(|p| p.id).collect::<Vec<_>>();
        let asked = vec![c.id.clone(), "p99".to_string(), a.id.clone(), b.id.clone()];
        assert_eq!(
            ids(store
                .practices_by_ids(&asked, &PracticeFilter::default())
                .unwrap()),
            vec![c.id.clone(), a.id.clone(), b.id.clone()]
        );
        let only_published = PracticeFilter {
            status: Some(PracticeStatus::Published),
            ..PracticeFilter::default()
        };
        assert_eq!(
            ids(store.practices_by_ids(&asked, &only_published).unwrap()),
            vec![b.id.clone()]
        );
        let elsewhere = PracticeFilter {
            country: Some("FR".to_string()),
            ..PracticeFilter::default()
        };
        assert!(store
            .practices_by_ids(&asked, &elsewhere)
            .unwrap()
            .is_empty());
        let mut from_item_2 = draft("D");
        from_item_2.sources[0].item_id = "item-2".to_string();
        let d = store.create_practice(&from_item_2, "ana").unwrap();
        let of_item_2 = PracticeFilter {
            item_id: Some("item-2".to_string()),
            ..PracticeFilter::default()
        };
        assert_eq!(
            ids(store
                .practices_by_ids(&[d.id.clone(), a.id.clone()], &of_item_2)
                .unwrap()),
            vec![d.id.clone()]
        );
        assert!(store.practices_by_ids(&[], &of_item_2).unwrap().is_empty());
    }
}

on_each_engine! {
    fn ids_count_on_past_nine_and_the_newest_comes_first_at_the_same_time(store: Store) {
        for n in 1..=11 {
            let p = store.create_practice(&draft(&format!("N{n}")), "ana").unwrap();
            assert_eq!(p.id, format!("p{n}"));
        }
        // Written in the same instant, the last made is listed first.
        store
            .exec(
                "UPDATE practices SET updated_at = ?1",
                params!["2026-01-01T00:00:00+00:00"],
            )
            .unwrap();
        let (total, listed) = store
            .practices(&PracticeFilter::default(), 0, 3)
            .unwrap();
        assert_eq!(total, 11);
        assert_eq!(
            listed.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            vec!["p11", "p10", "p9"]
        );
    }
}

on_each_engine! {
    fn writers_at_once_get_their_own_ids_and_one_of_them_wins_a_version(store: Store) {
        let first = store.create_practice(&draft("A"), "ana").unwrap();
        let writers = 4;
        let (mut made, edits): (Vec<String>, Vec<PracticeEdit>) = at_once(&store, writers, |store, w| {
            let made = store
                .create_practice(&draft(&format!("New {w}")), "ana")
                .unwrap();
            let edit = store
                .update_practice(&first.id, 1, &draft(&format!("A by {w}")), "ben")
                .unwrap();
            (made.id, edit)
        })
        .into_iter()
        .unzip();
        made.sort();
        assert_eq!(made, vec!["p2", "p3", "p4", "p5"]);
        let done = edits
            .iter()
            .filter(|e| matches!(e, PracticeEdit::Done(_)))
            .count();
        let stale = edits
            .iter()
            .filter(|e| matches!(e, PracticeEdit::Stale(p) if p.version == 2))
            .count();
        assert_eq!((done, stale), (1, writers - 1));
        let now = store.practice(&first.id).unwrap().unwrap();
        assert_eq!(now.version, 2);
        let history = store.practice_history(&first.id).unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].after["name"], now.record.name);
    }
}
