//! Tests of the Atom feeds: each is parsed with feed-rs, as a feed reader
//! would.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use super::*;
use crate::export::tests::{fetch, lang_of, world, ITEMS, TOKEN, TRICKY_TITLES};

fn parse(body: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(body.as_bytes()).unwrap_or_else(|e| panic!("not a feed ({e}): {body}"))
}

#[tokio::test]
async fn a_search_feed_holds_the_newest_matches_with_links() {
    let w = world();
    let (status, headers, body) = fetch(
        &w.app,
        "/feeds/search.atom?lang=es",
        &[("host", "veille.example:8080")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], CONTENT_TYPE);
    let feed = parse(&body);
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(feed.title.unwrap().content.contains("language es"));
    let spanish = (0..ITEMS).filter(|i| lang_of(*i) == "es").count();
    assert_eq!(feed.entries.len(), spanish.min(FEED_ENTRIES));
    assert!(feed.links.iter().any(|l| l.rel.as_deref() == Some("self")
        && l.href == "http://veille.example:8080/feeds/search.atom?lang=es"));
    // Newest first.
    let published: Vec<_> = feed.entries.iter().map(|e| e.published.unwrap()).collect();
    assert!(published.windows(2).all(|p| p[0] >= p[1]), "{published:?}");
    for entry in &feed.entries {
        let id = entry.id.strip_prefix("urn:veille:item:").unwrap();
        assert!(w.ids.iter().any(|i| i == id));
        assert!(entry
            .links
            .iter()
            .any(|l| l.href.starts_with("https://network")));
        assert!(entry
            .links
            .iter()
            .any(|l| l.href == format!("http://veille.example:8080/items/{id}")));
        assert!(entry.summary.as_ref().unwrap().content.len() > 10);
        let themes = entry
            .categories
            .iter()
            .filter(|c| c.scheme.as_deref() == Some("urn:essglobal:themes"))
            .count();
        assert_eq!(themes, 1, "one theme each");
    }
}

#[tokio::test]
async fn feed_text_is_escaped_and_read_back_intact() {
    let w = world();
    let (_, _, body) = fetch(
        &w.app,
        "/feeds/search.atom?sort=relevance&per_page=100",
        &[],
    )
    .await;
    let feed = parse(&body);
    for (i, tricky) in TRICKY_TITLES.iter().enumerate() {
        let entry = feed
            .entries
            .iter()
            .find(|e| e.id == format!("urn:veille:item:{}", w.ids[i]));
        if let Some(entry) = entry {
            assert_eq!(entry.title.as_ref().unwrap().content, *tricky);
        }
    }
    assert!(!body.contains("<script>"));
}

#[tokio::test]
async fn the_approved_feed_lists_approvals_and_follows_new_ones() {
    let w = world();
    let (status, _, body) = fetch(&w.app, "/feeds/approved.atom", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let feed = parse(&body);
    let listed: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.id.trim_start_matches("urn:veille:item:").to_string())
        .collect();
    let mut expected = w.approved.clone();
    expected.sort();
    let mut got = listed.clone();
    got.sort();
    assert_eq!(got, expected);

    // A curator approves one more: it appears.
    let newcomer = w
        .ids
        .iter()
        .find(|id| !w.approved.contains(id))
        .unwrap()
        .clone();
    let req = Request::post(format!("/api/items/{newcomer}/review"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"decision": "approve"}"#))
        .unwrap();
    let response = w.app.clone().oneshot(req).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, _, body) = fetch(&w.app, "/feeds/approved.atom", &[]).await;
    let feed = parse(&body);
    assert_eq!(feed.entries.len(), expected.len() + 1);
    assert!(feed
        .entries
        .iter()
        .any(|e| e.id == format!("urn:veille:item:{newcomer}")));
}

#[tokio::test]
async fn a_bad_feed_parameter_is_a_400() {
    let w = world();
    let (status, _, body) = fetch(&w.app, "/feeds/search.atom?status=maybe", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("status"));
}

#[test]
fn escape_drops_characters_xml_forbids() {
    assert_eq!(
        escape("a & b <c> \"d\" 'e'"),
        "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"
    );
    assert_eq!(escape("bell\u{7}tab\t"), "belltab\t");
}

#[tokio::test]
async fn a_saved_search_has_its_feed_behind_its_key() {
    let w = world();
    let saved = w
        .state
        .store
        .add_saved_search("alice", "Spanish cooperatives", "lang=es&q=cooperativa")
        .unwrap();
    let uri = format!("/feeds/saved/{}.atom?key={}", saved.id, saved.feed_key);
    let (status, headers, body) = fetch(&w.app, &uri, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], CONTENT_TYPE);
    let feed = parse(&body);
    assert!(feed.title.unwrap().content.contains("Spanish cooperatives"));
    let spanish = (0..ITEMS).filter(|i| lang_of(*i) == "es").count();
    assert_eq!(feed.entries.len(), spanish.min(FEED_ENTRIES));
    assert!(feed.entries.iter().all(
        |e| e.content.is_none() && e.summary.as_ref().unwrap().content.contains("cooperativa")
    ));

    // A wrong key, no key, or no such search: the same 404.
    for uri in [
        format!("/feeds/saved/{}.atom?key=0123", saved.id),
        format!("/feeds/saved/{}.atom", saved.id),
        format!("/feeds/saved/{}.atom?key={}", saved.id + 1, saved.feed_key),
        "/feeds/saved/latest.atom".to_string(),
    ] {
        let (status, _, body) = fetch(&w.app, &uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        assert!(!body.contains(&saved.feed_key));
    }
}
