//! The practice records' pages through the real router, without
//! JavaScript: a record made from an approved item's page, shown with its
//! fields by language, saved from its form, a stale form answered with the
//! record as it is now, and what a curator types escaped.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::tests::{call, fixture, post_form, review, ALICE};

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_record_is_made_from_an_item_page_and_saved_from_its_form() {
    let f = fixture(&format!("alice={ALICE}"));
    let lyon = f.ids[0].clone();

    // The button shows on an approved item's page only.
    let (_, _, page) = call(&f.app, get(&format!("/items/{lyon}"))).await;
    assert!(!page.contains(r#"action="/practices""#));
    review(&f.app, &lyon, Some(ALICE), r#"{"decision": "approve"}"#).await;
    let (_, _, page) = call(&f.app, get(&format!("/items/{lyon}?ui=fr"))).await;
    assert!(
        page.contains(r#"action="/practices""#) && page.contains("Créer une fiche pratique"),
        "{page}"
    );

    // Without credentials, nothing is filed.
    let (status, _, _) = call(&f.app, post_form("/practices", &[("item", &lyon)], None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, to, _) = call(
        &f.app,
        post_form("/practices", &[("item", &lyon)], Some(ALICE)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = to.unwrap();
    assert_eq!(to, "/practices/p1");

    let (status, _, page) = call(&f.app, get(&to)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<form class="practice-form" method="post" action="/practices/p1">"#),
        "{page}"
    );
    assert!(page.contains(r#"name="version" value="1""#));
    assert!(page.contains("Fields by language"));
    let (_, _, list) = call(&f.app, get("/practices")).await;
    assert!(list.contains(r#"href="/practices/p1""#), "{list}");

    // Saved with the version read: a name with markup stays text.
    let form = [
        ("version", "1"),
        ("name", "<script>alert(1)</script> Lyon"),
        ("status", "published"),
        ("themes", "T3, T7"),
        ("organizations", ""),
        ("start_year", "2016"),
        ("text:challenge:fr", "Des logements trop chers."),
        ("new_lang", "en"),
        ("new:challenge", "Housing too expensive."),
    ];
    let (status, to, _) = call(&f.app, post_form("/practices/p1", &form, Some(ALICE))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to.as_deref(), Some("/practices/p1?saved=1"));
    let (_, _, page) = call(&f.app, get("/practices/p1?saved=1")).await;
    assert!(page.contains("Saved."));
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Lyon"));
    assert!(page.contains("Housing too expensive.") && page.contains("Des logements trop chers."));
    let p = f.state.store.practice("p1").unwrap().unwrap();
    assert_eq!(p.version, 2);
    assert_eq!(p.languages, vec!["en", "fr"]);
    assert_eq!(p.record.start_year, Some(2016));
    assert!(p.record.texts.iter().all(|t| t.reviewed));

    // The same form again is stale: the record as it is now, with a 409.
    let (status, _, page) = call(&f.app, post_form("/practices/p1", &form, Some(ALICE))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("Someone changed this record meanwhile"),
        "{page}"
    );
    assert!(page.contains(r#"name="version" value="2""#));
    let (status, _, _) = call(&f.app, get("/practices/p404")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
