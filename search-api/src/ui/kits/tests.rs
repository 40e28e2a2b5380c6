//! The kits' pages through the real router, without JavaScript: a kit
//! made from the list's form, practices added, noted, reordered and taken
//! out from its form, published with its button, a stale form answered
//! with the kit as it is now (409), the pages in French and Spanish, and
//! what the public sees.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use veille_store::{PracticeDraft, PracticeStatus};

use crate::tests::{call, fixture, post_form, Fixture, ALICE};

fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    req.body(Body::empty()).unwrap()
}

fn practice(f: &Fixture, name: &str) -> String {
    let draft = PracticeDraft {
        name: name.to_string(),
        status: PracticeStatus::Published,
        ..PracticeDraft::default()
    };
    f.state.store.create_practice(&draft, "alice").unwrap().id
}

/// The practice ids of kit k1, in order.
fn order(f: &Fixture) -> Vec<String> {
    let kit = f.state.store.kit("k1").unwrap().unwrap();
    kit.kit
        .practices
        .into_iter()
        .map(|e| e.practice_id)
        .collect()
}

#[tokio::test]
async fn a_kit_is_made_filled_reordered_and_published_from_its_forms() {
    let f = fixture(&format!("alice={ALICE}"));
    let (a, b) = (
        practice(&f, "Habitat Bilbao"),
        practice(&f, "Logement Lyon"),
    );

    // Without credentials nothing is made; the list offers no form.
    let (status, _, _) = call(&f.app, post_form("/kits", &[("title:fr", "x")], None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, _, page) = call(&f.app, get("/kits?ui=es", None)).await;
    assert!(page.contains("Kits de transferencia"), "{page}");
    assert!(!page.contains(r#"action="/kits""#));

    // A kit needs a title.
    let (status, _, page) = call(
        &f.app,
        post_form("/kits", &[("title:en", " ")], Some(ALICE)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("title"), "{page}");
    let (status, to, _) = call(
        &f.app,
        post_form("/kits", &[("title:fr", "Logement coopératif")], Some(ALICE)),
    )
    .await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/kits/k1"))
    );

    // Two practices added, one at a time.
    for (version, id) in [("1", &a), ("2", &b)] {
        let (status, _, page) = call(
            &f.app,
            post_form(
                "/kits/k1",
                &[
                    ("version", version),
                    ("title:fr", "Logement coopératif"),
                    ("practice:0", &a),
                    ("position:0", "1"),
                    ("add", id),
                    ("add_note:fr", "Un modèle à suivre"),
                ],
                Some(ALICE),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    }
    assert_eq!(order(&f), vec![a.clone(), b.clone()]);

    // The form in French shows both, with their notes.
    let (status, _, page) = call(&f.app, get("/kits/k1?ui=fr", Some(ALICE))).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Habitat Bilbao",
        "Logement Lyon",
        "Un modèle à suivre",
        "Pourquoi elle y figure",
        "Enregistrer et publier",
    ] {
        assert!(page.contains(expected), "{expected:?} not in {page}");
    }
    assert!(page.contains(r#"name="version" value="3""#), "{page}");

    // Reordered (b before a), a's note changed, then a taken out and the kit
    // published with its button.
    let (status, _, _) = call(
        &f.app,
        post_form(
            "/kits/k1",
            &[
                ("version", "3"),
                ("title:fr", "Logement coopératif"),
                ("title:en", "Cooperative housing"),
                ("practice:0", &a),
                ("position:0", "2"),
                ("note:0:fr", "Le premier"),
                ("practice:1", &b),
                ("position:1", "1"),
            ],
            Some(ALICE),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(order(&f), vec![b.clone(), a.clone()]);
    let kit = f.state.store.kit("k1").unwrap().unwrap();
    assert_eq!(kit.kit.practices[1].note["fr"], "Le premier");
    assert_eq!(kit.kit.title["en"], "Cooperative housing");
    let (status, to, _) = call(
        &f.app,
        post_form(
            "/kits/k1",
            &[
                ("version", "4"),
                ("title:fr", "Logement coopératif"),
                ("practice:0", &b),
                ("practice:1", &a),
                ("remove:1", "1"),
                ("publish", "1"),
            ],
            Some(ALICE),
        ),
    )
    .await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/kits/k1?saved=1"))
    );
    let kit = f.state.store.kit("k1").unwrap().unwrap();
    assert_eq!(kit.kit.status, PracticeStatus::Published);
    assert_eq!(order(&f), vec![b.clone()]);

    // A form read at an older version is a 409 showing the kit as it is.
    let (status, _, page) = call(
        &f.app,
        post_form(
            "/kits/k1?ui=fr",
            &[("version", "2"), ("title:fr", "Autre")],
            Some(ALICE),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Quelqu'un a modifié ce kit"), "{page}");
    assert!(page.contains(r#"name="version" value="5""#), "{page}");
    assert_eq!(f.state.store.kit("k1").unwrap().unwrap().version, 5);

    // The public sees the published kit's page, and not a draft's.
    let (status, _, page) = call(&f.app, get("/kits/k1?ui=fr", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Logement Lyon") && !page.contains("Habitat Bilbao"),
        "{page}"
    );
    assert!(!page.contains("<form class=\"kit-form\""), "{page}");
    let (status, _, _) = call(
        &f.app,
        post_form("/kits", &[("title:en", "Draft kit")], Some(ALICE)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = call(&f.app, get("/kits/k2", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, list) = call(&f.app, get("/kits", None)).await;
    assert!(
        list.contains("/kits/k1") && !list.contains("/kits/k2"),
        "{list}"
    );
    let (status, _, _) = call(&f.app, get("/kits/nope", Some(ALICE))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn what_a_curator_typed_is_escaped_in_the_form() {
    let f = fixture(&format!("alice={ALICE}"));
    let (status, _, _) = call(
        &f.app,
        post_form(
            "/kits",
            &[("title:en", "<script>alert(1)</script>")],
            Some(ALICE),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = call(&f.app, get("/kits/k1", Some(ALICE))).await;
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    let (_, _, list) = call(&f.app, get("/kits", Some(ALICE))).await;
    assert!(!list.contains("<script>alert"), "{list}");
}
