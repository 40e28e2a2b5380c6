//! Submissions: receipts, fields kept as text, caps, the curators'
//! decisions, the listing by status.

use super::*;
use crate::tests::on_each_engine;
use SubmissionKind::{Practice, Source};

fn practice(url: &str) -> SubmissionFields {
    SubmissionFields {
        url: Some(url.to_string()),
        name: Some("  Coop <b>Bilbao</b>  ".to_string()),
        themes: vec!["T1".to_string(), "  ".to_string()],
        ..SubmissionFields::default()
    }
}

fn submit(store: &Store, kind: SubmissionKind, url: &str, by: &str) -> Submission {
    store.add_submission(kind, practice(url), by).unwrap()
}

fn decline_as_spam(store: &Store, submission: &Submission) {
    store
        .decide_submission(
            &submission.receipt,
            SubmissionStatus::Declined,
            Some("spam"),
            "cid",
        )
        .unwrap();
}

fn receipts(list: Vec<Submission>) -> Vec<String> {
    list.into_iter().map(|s| s.receipt).collect()
}

on_each_engine! {
    fn a_submission_gets_an_unguessable_receipt_and_keeps_its_fields_as_text(store: Store) {
        let a = submit(&store, Practice, "http://a.test/a", ANONYMOUS);
        let b = submit(&store, Practice, "http://a.test/a", "coop-org");
        assert!(is_receipt(&a.receipt), "{}", a.receipt);
        assert_ne!(a.receipt, b.receipt);
        assert_eq!(a.status, SubmissionStatus::Received);
        assert_eq!(a.submitted_by, "anonymous");
        assert_eq!(b.submitted_by, "coop-org");
        // Trimmed, blank themes dropped, the markup kept as the text it is.
        assert_eq!(a.fields.name.as_deref(), Some("Coop <b>Bilbao</b>"));
        assert_eq!(a.fields.themes, ["T1"]);
        assert_eq!(store.submission(&a.receipt).unwrap().unwrap(), a);
        // Only a receipt opens one.
        assert!(store.submission("p1").unwrap().is_none());
        assert!(store.submission(&"0".repeat(32)).unwrap().is_none());
    }
}

on_each_engine! {
    fn oversized_or_empty_submissions_are_refused(store: Store) {
        let long = SubmissionFields {
            text: Some("x".repeat(caps::TEXT + 1)),
            name: Some("n".repeat(caps::NAME + 1)),
            themes: vec!["T".to_string(); caps::THEMES + 1],
            ..SubmissionFields::default()
        };
        let err = store
            .add_submission(SubmissionKind::Practice, long, ANONYMOUS)
            .unwrap_err()
            .to_string();
        assert!(err.contains("text: at most 10000 characters"), "{err}");
        assert!(err.contains("name: at most 300"), "{err}");
        assert!(err.contains("themes: at most 20"), "{err}");
        let blank = SubmissionFields {
            text: Some("   ".to_string()),
            ..SubmissionFields::default()
        };
        let err = store
            .add_submission(SubmissionKind::Practice, blank, ANONYMOUS)
            .unwrap_err()
            .to_string();
        assert!(err.contains("url or text"), "{err}");
        let err = store
            .add_submission(
                SubmissionKind::Source,
                SubmissionFields::default(),
                ANONYMOUS,
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("url: give the address"), "{err}");
        assert_eq!(store.submissions(None, 0, 10).unwrap().0, 0);
    }
}

on_each_engine! {
    fn curators_decide_and_a_declined_submission_keeps_the_reason(store: Store) {
        let a = submit(&store, Practice, "http://a.test/a", ANONYMOUS);
        let b = submit(&store, Source, "http://a.test/feed", ANONYMOUS);
        let err = store
            .decide_submission(&a.receipt, SubmissionStatus::Declined, Some(" "), "cid")
            .unwrap_err();
        assert!(err.to_string().contains("say why"), "{err}");
        assert!(store
            .decide_submission(&a.receipt, SubmissionStatus::Received, None, "cid")
            .is_err());
        let reviewing = store
            .decide_submission(
                &a.receipt,
                SubmissionStatus::InReview,
                Some("looking"),
                "cid",
            )
            .unwrap()
            .unwrap();
        assert_eq!(reviewing.status, SubmissionStatus::InReview);
        assert_eq!(reviewing.reason, None, "a reason is kept only to decline");
        let published = store
            .decide_submission(&a.receipt, SubmissionStatus::Published, None, "cid")
            .unwrap()
            .unwrap();
        assert_eq!(published.status, SubmissionStatus::Published);
        assert_eq!(published.decided_by.as_deref(), Some("cid"));
        let declined = store
            .decide_submission(
                &b.receipt,
                SubmissionStatus::Declined,
                Some("a shop"),
                "cid",
            )
            .unwrap()
            .unwrap();
        assert_eq!(declined.reason.as_deref(), Some("a shop"));
        assert!(store
            .decide_submission(&"f".repeat(32), SubmissionStatus::Published, None, "cid")
            .unwrap()
            .is_none());

        let (total, all) = store.submissions(None, 0, 10).unwrap();
        assert_eq!((total, all.len()), (2, 2));
        let (total, declined) = store
            .submissions(Some(SubmissionStatus::Declined), 0, 10)
            .unwrap();
        assert_eq!(total, 1);
        assert_eq!(declined[0].receipt, b.receipt);
        assert_eq!(store.submissions(None, 1, 10).unwrap().1.len(), 1);
    }
}

on_each_engine! {
    fn submitted_practices_wait_until_they_become_an_item_or_fail(store: Store) {
        let page = submit(&store, Practice, "http://a.test/page", ANONYMOUS);
        let gone = submit(&store, Practice, "http://a.test/gone", ANONYMOUS);
        let declined = submit(&store, Practice, "http://a.test/no", ANONYMOUS);
        submit(&store, Source, "http://a.test/feed", ANONYMOUS);
        decline_as_spam(&store, &declined);
        let pending = receipts(store.pending_submissions(10).unwrap());
        assert_eq!(pending, [page.receipt.clone(), gone.receipt.clone()]);
        store
            .take_in_submission(&page.receipt, Ok("item-1"))
            .unwrap();
        store
            .take_in_submission(&gone.receipt, Err("http status 404"))
            .unwrap();
        assert!(store.pending_submissions(10).unwrap().is_empty());
        let page = store.submission(&page.receipt).unwrap().unwrap();
        assert_eq!(page.item_id.as_deref(), Some("item-1"));
        let gone = store.submission(&gone.receipt).unwrap().unwrap();
        assert_eq!(gone.fetch_error.as_deref(), Some("http status 404"));
    }
}

on_each_engine! {
fn a_submitted_item_waits_in_the_queue_with_who_sent_it_whatever_its_score(store: Store) {
    use crate::{Candidate, NewItem, QueueOrder};
    let new = |url: &str, source: &str, is_candidate: bool| NewItem {
        url: url.into(),
        source_id: source.into(),
        title: url.into(),
        text: format!("text of {url}"),
        author: None,
        published: None,
        lang: Some("en".into()),
        lang_confidence: 0.9,
        country: None,
        candidate: Candidate {
            score: if is_candidate { 0.9 } else { 0.1 },
            is_candidate,
            ..Default::default()
        },
        fingerprint: None,
    };
    store
        .upsert_item(&new("http://127.0.0.1/a", "network", true))
        .unwrap();
    store
        .upsert_item(&new("http://127.0.0.1/b", "network", false))
        .unwrap();
    store
        .upsert_item(&new("http://127.0.0.1/s", "submitted", false))
        .unwrap();
    let sent = submit(&store, Practice, "http://127.0.0.1/s", "ripess");
    let submitted_id = crate::item_id("http://127.0.0.1/s");
    store
        .take_in_submission(&sent.receipt, Ok(&submitted_id))
        .unwrap();
    let page = store.queue_in(QueueOrder::Best, 0, 10).unwrap();
    let queued: Vec<(&str, Option<&str>)> = page
        .entries
        .iter()
        .map(|e| (e.item.source_id.as_str(), e.submitted_by.as_deref()))
        .collect();
    // The candidate and the submission wait; the other item does not.
    assert_eq!(
        queued,
        vec![("network", None), ("submitted", Some("ripess"))]
    );
    assert_eq!(page.total, 2);
    assert_eq!(store.queue_length().unwrap(), 2);
}
}

on_each_engine! {
    fn submitted_sources_wait_for_a_probe_which_is_kept_with_them(store: Store) {
        let site = submit(&store, Source, "http://a.test/", ANONYMOUS);
        let declined = submit(&store, Source, "http://b.test/", ANONYMOUS);
        submit(&store, Practice, "http://a.test/page", ANONYMOUS);
        decline_as_spam(&store, &declined);
        let unprobed = receipts(store.unprobed_sources(10).unwrap());
        assert_eq!(unprobed, std::slice::from_ref(&site.receipt));
        assert_eq!(site.probe, None);
        // What waits for the operators: the undecided sources only, even
        // behind more practices than the limit.
        for i in 0..3 {
            submit(&store, Practice, &format!("http://a.test/p{i}"), ANONYMOUS);
        }
        let waiting = receipts(store.suggested_sources(2).unwrap());
        assert_eq!(waiting, std::slice::from_ref(&site.receipt));

        let probe = SourceProbe {
            checked_at: Utc::now(),
            proposal: Some(ProposedSource {
                kind: "feed".to_string(),
                url: "http://a.test/feed.xml".to_string(),
                name: "A <b>site</b>".to_string(),
                languages: vec!["fr".to_string()],
                follow: vec![],
                format: Some("rss".to_string()),
                items: 12,
                sample: vec!["First".to_string()],
            }),
            problem: None,
            requests: 3,
        };
        store.record_probe(&site.receipt, &probe).unwrap();
        assert!(store.unprobed_sources(10).unwrap().is_empty());
        let kept = store.submission(&site.receipt).unwrap().unwrap();
        assert_eq!(
            kept.probe.as_ref().map(|p| &p.proposal),
            Some(&probe.proposal)
        );
        assert_eq!(kept.probe.map(|p| p.requests), Some(3));
    }
}
