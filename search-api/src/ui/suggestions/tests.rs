//! The operators' page of suggested sources through the real router: what
//! discovery found is shown escaped, an admin's one action appends the
//! source to `sources.toml` with its comments kept, others are refused, a
//! decline needs a reason the submitter reads.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Utc;
use veille_store::{
    ProposedSource, Role, SourceProbe, SubmissionFields, SubmissionKind, SubmissionStatus,
    ANONYMOUS,
};

use crate::tests::call;
use crate::tests::fixture;

const SOURCES: &str = "# The network's sources: kept as they are.\n\
[crawler]\n\
user_agent = \"veille-test (+http://127.0.0.1/contact)\"\n\
\n\
# A first source.\n\
[[source]]\n\
id = \"ripess-eu\"\n\
name = \"RIPESS Europe\"\n\
url = \"http://127.0.0.1:9/feed.xml\"\n\
kind = \"feed\"\n";

fn act(receipt: &str, pairs: &[(&str, &str)], token: &str) -> Request<Body> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        body.append_pair(k, v);
    }
    Request::post(format!("/sources/suggestions/{receipt}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.finish()))
        .unwrap()
}

fn probe(proposal: Option<ProposedSource>, problem: Option<&str>) -> SourceProbe {
    SourceProbe {
        checked_at: Utc::now(),
        proposal,
        problem: problem.map(str::to_string),
        requests: 2,
    }
}

#[tokio::test]
async fn an_admin_adds_a_suggested_source_to_sources_toml_in_one_action() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(&path, SOURCES).unwrap();
    let mut f = fixture("");
    f.state.sources_file = Some(path.clone());
    let app = crate::router(f.state.clone());
    let store = f.state.store.clone();
    store
        .add_user("adm", Role::Admin, "admin password 1")
        .unwrap();
    store
        .add_user("cid", Role::Curator, "curator password 1")
        .unwrap();
    let (admin, curator) = (
        store.new_token("adm").unwrap(),
        store.new_token("cid").unwrap(),
    );
    let suggest = |url: &str, note: &str| {
        store
            .add_submission(
                SubmissionKind::Source,
                SubmissionFields {
                    url: Some(url.to_string()),
                    note: Some(note.to_string()),
                    ..SubmissionFields::default()
                },
                ANONYMOUS,
            )
            .unwrap()
    };
    let feed = suggest(
        "http://127.0.0.1:9/",
        "<script>alert(1)</script>\n[[source]]\nid = \"injected\"",
    );
    let fresh = suggest("http://127.0.0.1:9/fresh/", "not probed yet");
    let empty = suggest("http://127.0.0.1:9/empty/", "nothing there");
    store
        .record_probe(
            &feed.receipt,
            &probe(
                Some(ProposedSource {
                    kind: "feed".to_string(),
                    url: "http://127.0.0.1:9/es/feed/".to_string(),
                    name: "Red de economía solidaria".to_string(),
                    languages: vec!["es".to_string()],
                    follow: vec![],
                    format: Some("rss".to_string()),
                    items: 10,
                    sample: vec!["Una cooperativa <b>nueva</b>".to_string()],
                }),
                None,
            ),
        )
        .unwrap();
    store
        .record_probe(
            &empty.receipt,
            &probe(None, Some("no feed and no article links found")),
        )
        .unwrap();

    // Everyone signed in or not sees what waits, escaped; the actions are
    // an admin's.
    let get = Request::get("/sources/suggestions?ui=es")
        .body(Body::empty())
        .unwrap();
    let (status, _, page) = call(&app, get).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Fuentes sugeridas"), "{page}");
    assert!(page.contains("http://127.0.0.1:9/es/feed/"), "{page}");
    assert!(page.contains("Aún no examinada"), "{page}");
    assert!(
        page.contains("no feed and no article links found"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("Una cooperativa &lt;b&gt;nueva&lt;/b&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("Solo un administrador"), "{page}");

    // A curator is not an operator: nothing is written.
    let (status, _, _) = call(&app, act(&feed.receipt, &[("action", "add")], &curator)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SOURCES);

    // The admin's one action appends it, the file's comments kept.
    let (status, to, body) = call(&app, act(&feed.receipt, &[("action", "add")], &admin)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(SOURCES), "{text}");
    let config = veille_crawler::config::parse(&text, "sources.toml").unwrap();
    assert_eq!(config.sources.len(), 2, "{text}");
    let added = &config.sources[1];
    assert_eq!(to, Some(format!("/sources/suggestions?added={}", added.id)));
    assert_eq!(added.url.as_str(), "http://127.0.0.1:9/es/feed/");
    assert_eq!(added.name, "Red de economía solidaria");
    assert_eq!(added.languages, vec!["es".to_string()]);
    // What the submitter wrote is one comment line, never TOML.
    assert!(text.contains("# suggested by anonymous on "), "{text}");
    assert!(
        text.contains("# note: <script>alert(1)</script> [[source]] id = \"injected\""),
        "{text}"
    );
    let status_now = store.submission(&feed.receipt).unwrap().unwrap();
    assert_eq!(status_now.status, SubmissionStatus::Published);
    assert_eq!(status_now.decided_by.as_deref(), Some("adm"));
    // Done once: it waits no more.
    let (status, _, _) = call(&app, act(&feed.receipt, &[("action", "add")], &admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nothing to add yet, or at all: said, and the file left alone.
    let (status, _, page) = call(&app, act(&fresh.receipt, &[("action", "add")], &admin)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("not probed yet"), "{page}");
    let (status, _, page) = call(&app, act(&empty.receipt, &[("action", "add")], &admin)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("nothing to add: no feed"), "{page}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // A decline needs the reason the submitter will read.
    let (status, _, _) = call(&app, act(&empty.receipt, &[("action", "decline")], &admin)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, to, _) = call(
        &app,
        act(
            &empty.receipt,
            &[("action", "decline"), ("reason", "No news on this site.")],
            &admin,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to.as_deref(), Some("/sources/suggestions?declined=1"));
    let declined = store.submission(&empty.receipt).unwrap().unwrap();
    assert_eq!(
        (declined.status, declined.reason.as_deref()),
        (SubmissionStatus::Declined, Some("No news on this site."))
    );
    let (status, _, _) = call(&app, act(&fresh.receipt, &[("action", "merge")], &admin)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
