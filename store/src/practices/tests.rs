//! The practice records: filing, versions, the append-only history, the
//! filters of the list, refused records.

use super::*;

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

#[test]
fn a_practice_is_filed_corrected_with_versions_and_its_history_kept() {
    let store = Store::open_in_memory().unwrap();
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

#[test]
fn the_history_is_append_only() {
    let store = Store::open_in_memory().unwrap();
    store.create_practice(&draft("A"), "ana").unwrap();
    let conn = store.writer().unwrap();
    assert!(conn.execute("DELETE FROM practice_audit", []).is_err());
    assert!(conn
        .execute("UPDATE practice_audit SET actor = 'x'", [])
        .is_err());
}

#[test]
fn practices_are_listed_by_status_theme_country_language_and_item() {
    let store = Store::open_in_memory().unwrap();
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

#[test]
fn a_bad_record_is_refused_with_what_to_give() {
    let store = Store::open_in_memory().unwrap();
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

#[test]
fn publishing_a_record_publishes_the_submissions_of_its_sources() {
    use crate::{SubmissionFields, SubmissionKind, SubmissionStatus};
    let store = Store::open_in_memory().unwrap();
    let fields = SubmissionFields {
        text: Some("A housing cooperative run by its members.".to_string()),
        ..SubmissionFields::default()
    };
    let sent = store
        .add_submission(SubmissionKind::Practice, fields.clone(), "ripess")
        .unwrap();
    let other = store
        .add_submission(SubmissionKind::Practice, fields, "anonymous")
        .unwrap();
    store
        .take_in_submission(&sent.receipt, Ok("item-1"))
        .unwrap();
    store
        .take_in_submission(&other.receipt, Ok("item-9"))
        .unwrap();
    // A draft publishes nothing; publishing does, for its sources only.
    let p = store.create_practice(&draft("A"), "ana").unwrap();
    let status = |r: &str| store.submission(r).unwrap().unwrap().status;
    assert_eq!(status(&sent.receipt), SubmissionStatus::Received);
    let mut published = p.record.clone();
    published.status = PracticeStatus::Published;
    store.update_practice(&p.id, 1, &published, "ben").unwrap();
    assert_eq!(status(&sent.receipt), SubmissionStatus::Published);
    assert_eq!(status(&other.receipt), SubmissionStatus::Received);
}

#[test]
fn the_generation_moves_with_every_write_and_only_then() {
    let store = Store::open_in_memory().unwrap();
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

#[test]
fn practices_are_read_by_ids_in_their_order_through_the_filter() {
    let store = Store::open_in_memory().unwrap();
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
}
