//! Tests of the store on a temporary database.

use super::*;

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

#[test]
fn same_url_updates_never_duplicates() {
    let store = Store::open_in_memory().unwrap();
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

#[test]
fn recrawl_keeps_the_review() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("veille.db");
    let id = item_id("https://example.org/a");
    {
        let store = Store::open(&path).unwrap();
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
    let store = Store::open(&path).unwrap();
    store
        .upsert_item(&item("https://example.org/a", "A, updated"))
        .unwrap();
    let got = store.get_item(&id).unwrap().unwrap();
    assert_eq!(got.status(), Status::Approved);
    assert_eq!(got.review.unwrap().curator, "alice");
    assert_eq!(got.title, "A, updated");
}

#[test]
fn source_health_counts_failures_and_recovers() {
    let store = Store::open_in_memory().unwrap();
    let fail = |at: &str| SourceOutcome {
        source_id: "s".into(),
        at: DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&Utc),
        outcome: "failed".into(),
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
    assert_eq!(
        h.failing_since.unwrap().to_rfc3339(),
        "2024-01-01T00:00:00+00:00"
    );
    assert_eq!(h.last_error.as_deref(), Some("http 500"));
    store
        .record_source_outcome(&SourceOutcome {
            source_id: "s".into(),
            at: Utc::now(),
            outcome: "ok".into(),
            error: None,
        })
        .unwrap();
    let h = &store.source_health().unwrap()[0];
    assert_eq!(h.consecutive_failures, 0);
    assert!(h.failing_since.is_none() && h.last_error.is_none());
    assert!(h.last_success.is_some());
}

#[test]
fn fetch_state_round_trips() {
    let store = Store::open_in_memory().unwrap();
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

#[test]
fn a_newer_schema_is_refused() {
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
fn near_duplicates_share_a_group_and_its_review() {
    let store = Store::open_in_memory().unwrap();
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
