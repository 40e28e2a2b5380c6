//! The collection point's pages: the form in each language, a posted form
//! answered with its receipt (or shown again with what to fix), markup
//! shown escaped, the hidden field, and the status page after the
//! curator's decision.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::json;
use tower::ServiceExt;
use veille_store::{SubmissionStatus, ANONYMOUS};

use crate::items::tests::{call, world, Auth, ALICE};
use crate::AccessConfig;

async fn page(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn post_form(app: &Router, form: &str) -> (StatusCode, String) {
    let address: SocketAddr = "192.0.2.50:40000".parse().unwrap();
    let req = Request::post("/submit?ui=fr")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(ConnectInfo(address))
        .body(Body::from(form.to_string()))
        .unwrap();
    page(app, req).await
}

fn receipt_in(html: &str) -> String {
    let start = html.find("<code>").expect("a receipt") + "<code>".len();
    html[start..start + 32].to_string()
}

#[tokio::test]
async fn the_form_is_in_three_languages_and_hides_its_trap() {
    let w = world(&[], AccessConfig::default());
    for (ui, words) in [
        ("en", "Submit a practice"),
        ("fr", "Proposer une pratique"),
        ("es", "Proponer una práctica"),
    ] {
        let (status, html) = page(
            &w.app,
            Request::get(format!("/submit?ui={ui}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(words), "{ui}: {html}");
        assert!(html.contains(&format!("<html lang=\"{ui}\"")), "{ui}");
        assert!(html.contains("<div hidden aria-hidden=\"true\">"), "{html}");
        assert!(html.contains("name=\"website_url2\""), "{html}");
    }
}

#[tokio::test]
async fn a_posted_form_gets_its_receipt_and_the_status_page_follows_the_decision() {
    let w = world(&[], AccessConfig::default());
    let form = "kind=practice&url=https%3A%2F%2Fcoop.example%2Fa&name=Coop+%3Cscript%3Ealert(1)%3C%2Fscript%3E&themes=T1%2C+T3&website_url2=";
    let (status, html) = post_form(&w.app, form).await;
    assert_eq!(status, StatusCode::CREATED, "{html}");
    assert!(html.contains("votre proposition a été reçue"), "{html}");
    let receipt = receipt_in(&html);
    let stored = w.store.submission(&receipt).unwrap().unwrap();
    assert_eq!(
        stored.fields.name.as_deref(),
        Some("Coop <script>alert(1)</script>")
    );
    assert_eq!(stored.fields.themes, ["T1", "T3"]);
    assert_eq!(stored.submitted_by, ANONYMOUS);

    let status_page = |ui: &'static str| {
        let (app, uri) = (w.app.clone(), format!("/submissions/{receipt}?ui={ui}"));
        async move { page(&app, Request::get(uri).body(Body::empty()).unwrap()).await }
    };
    let (status, html) = status_page("en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>Received</strong>"), "{html}");
    let (status, _, _) = call(
        &w.app,
        Method::POST,
        &format!("/api/submissions/{receipt}/decision"),
        Auth::Bearer(ALICE),
        Some(json!({"status": "published"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(status_page("en")
        .await
        .1
        .contains("<strong>Published</strong>"));
    assert!(status_page("es")
        .await
        .1
        .contains("<strong>Publicada</strong>"));

    // A curator's reason is shown escaped.
    w.store
        .decide_submission(
            &receipt,
            SubmissionStatus::Declined,
            Some("<b>dup</b>"),
            "alice",
        )
        .unwrap();
    let html = status_page("fr").await.1;
    assert!(
        html.contains("Refusée") && html.contains("&lt;b&gt;dup&lt;/b&gt;"),
        "{html}"
    );
    let (status, _) = page(
        &w.app,
        Request::get(format!("/submissions/{}", "0".repeat(32)))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_form_comes_back_with_what_to_fix_escaped_and_the_trap_stores_nothing() {
    let w = world(&[], AccessConfig::default());
    let (status, html) = post_form(
        &w.app,
        "kind=practice&url=http%3A%2F%2F10.0.0.1%2F&name=%3Cscript%3Ex%3C%2Fscript%3E",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("private address"), "{html}");
    assert!(
        html.contains("value=\"&lt;script&gt;x&lt;/script&gt;\""),
        "{html}"
    );
    assert!(!html.contains("<script>x"), "{html}");
    let (status, html) = post_form(
        &w.app,
        "kind=practice&url=https%3A%2F%2Fa.example%2F&website_url2=https%3A%2F%2Fspam.example",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{html}");
    assert!(w.store.submission(&receipt_in(&html)).unwrap().is_none());
    assert_eq!(w.store.submissions(None, 0, 10).unwrap().0, 0);
}
