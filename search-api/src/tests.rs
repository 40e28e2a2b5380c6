//! Tests of the API through the real router, over an in-memory store and an
//! in-RAM index filled with a few hand-made items.

use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tower::ServiceExt;
use veille_indexer::index::Index;
use veille_indexer::search::SearchRequest;
use veille_store::{Candidate, NewItem, SourceOutcome, Store};

use super::*;

pub(crate) const ALICE: &str = "alice-token-0123456789";
const BOB: &str = "bob-token-9876543210";

/// A hand-made item: (url, source, lang, country, published, score, themes, title, text).
struct Sample {
    url: &'static str,
    source: &'static str,
    lang: &'static str,
    country: &'static str,
    published: &'static str,
    score: f64,
    themes: &'static [&'static str],
    title: &'static str,
    text: &'static str,
}

const SAMPLES: [Sample; 4] = [
    Sample {
        url: "https://ripess.example/fr/cooperative-habitants-lyon",
        source: "ripess-eu",
        lang: "fr",
        country: "FR",
        published: "2024-03-10T09:00:00+01:00",
        score: 0.8,
        themes: &["T3", "T7"],
        title: "Une coopérative d'habitants à Lyon",
        text: "La ville de Lyon soutient une coopérative d'habitants qui construit \
               des logements abordables avec un fonds municipal dédié.",
    },
    Sample {
        url: "https://reas.example/mercado-social-madrid",
        source: "reas",
        lang: "es",
        country: "ES",
        published: "2024-05-02T12:00:00+02:00",
        score: 0.6,
        themes: &["T5"],
        title: "El mercado social de Madrid crece",
        text: "El mercado social de Madrid reúne a cooperativas y consumidores \
               en una red de economía social y solidaria.",
    },
    Sample {
        url: "https://ripess.example/en/community-energy",
        source: "ripess-eu",
        lang: "en",
        country: "GB",
        published: "2023-11-20T08:30:00Z",
        score: 0.3,
        themes: &["T7"],
        title: "Community energy cooperative in Bristol",
        text: "A community energy cooperative in Bristol installs solar panels on \
               schools, financed by local shareholders.",
    },
    Sample {
        url: "https://seoul-sse.example/news/42",
        source: "seoul-sse",
        lang: "ko",
        country: "KR",
        published: "2024-01-15T10:00:00+09:00",
        score: 0.5,
        themes: &["T3"],
        title: "서울시 사회적경제 지원센터",
        text: "서울시는 사회적경제 기업을 위한 지원센터를 운영합니다.",
    },
];

pub(crate) struct Fixture {
    pub(crate) app: Router,
    pub(crate) state: ApiState,
    /// Item ids, in the order of [`SAMPLES`].
    pub(crate) ids: Vec<String>,
}

pub(crate) fn fixture(curators: &str) -> Fixture {
    let store = Store::open_in_memory().unwrap();
    let index = Index::open_in_ram().unwrap();
    let mut ids = Vec::new();
    for s in &SAMPLES {
        let new = NewItem {
            url: s.url.to_string(),
            source_id: s.source.to_string(),
            title: s.title.to_string(),
            text: s.text.to_string(),
            author: None,
            published: Some(DateTime::parse_from_rfc3339(s.published).unwrap()),
            lang: Some(s.lang.to_string()),
            lang_confidence: 0.9,
            country: Some(s.country.to_string()),
            candidate: Candidate {
                score: s.score,
                is_candidate: s.score >= 0.5,
                themes: s.themes.iter().map(|t| t.to_string()).collect(),
                places: vec![],
                evidence: vec![],
                ..Default::default()
            },
            fingerprint: None,
        };
        store.upsert_item(&new).unwrap();
        let id = veille_store::item_id(s.url);
        let item = store.get_item(&id).unwrap().unwrap();
        index.upsert(&item).unwrap();
        ids.push(id);
    }
    index.commit().unwrap();
    let sources = vec![
        source_info("ripess-eu", "RIPESS Europe"),
        source_info("reas", "REAS Red de Redes"),
        source_info("new-source", "A source not fetched yet"),
    ];
    let (index, writer) = crate::test_index(&store, index);
    let state = ApiState {
        store,
        index,
        writer,
        curators: Arc::new(Curators::parse(curators).unwrap()),
        sources: Arc::new(RwLock::new(sources)),
        sources_file: None,
        access: Default::default(),
    };
    Fixture {
        app: router(state.clone()),
        state,
        ids,
    }
}

fn source_info(id: &str, name: &str) -> SourceInfo {
    SourceInfo {
        id: id.to_string(),
        name: name.to_string(),
        url: format!("https://{id}.example/feed.xml"),
        kind: "feed".to_string(),
        enabled: true,
        schedule: "0 0 */6 * * *".to_string(),
        country: Some("FR".to_string()),
        languages: vec!["fr".to_string(), "en".to_string()],
        network: Some("RIPESS".to_string()),
    }
}

/// Sends a request through the router; returns the status, the headers and
/// the body parsed as JSON (every answer must be JSON).
/// A JSON write of `body` as the curator alice.
pub(crate) fn write(method: &str, uri: &str, body: Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {ALICE}"))
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A form's POST, with a bearer token when given.
pub(crate) fn post_form(uri: &str, pairs: &[(&str, &str)], token: Option<&str>) -> Request<Body> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        body.append_pair(k, v);
    }
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    req.body(Body::from(body.finish())).unwrap()
}

/// A page's status, where it redirects to, and its text.
pub(crate) async fn call(app: &Router, req: Request<Body>) -> (StatusCode, Option<String>, String) {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, location, String::from_utf8(bytes.to_vec()).unwrap())
}

pub(crate) async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{status}: body is not JSON ({e}): {:?}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, headers, body)
}

pub(crate) async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let req = Request::get(uri).body(Body::empty()).unwrap();
    let (status, _, body) = send(app, req).await;
    (status, body)
}

pub(crate) async fn review(
    app: &Router,
    id: &str,
    token: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::post(format!("/api/items/{id}/review"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, req.body(body.into()).unwrap()).await
}

fn hit_titles(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

fn error_message(body: &Value) -> &str {
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message in {body}"))
}

#[tokio::test]
async fn empty_query_lists_everything_newest_first_with_facets() {
    let f = fixture("");
    let (status, body) = get(&f.app, "/api/search").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 4);
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 20);
    assert_eq!(
        hit_titles(&body),
        [
            SAMPLES[1].title,
            SAMPLES[0].title,
            SAMPLES[3].title,
            SAMPLES[2].title
        ]
    );
    let hit = &body["hits"][0];
    assert_eq!(hit["id"], f.ids[1]);
    assert_eq!(hit["url"], SAMPLES[1].url);
    assert_eq!(hit["source"], "reas");
    assert_eq!(hit["lang"], "es");
    assert_eq!(hit["themes"], json!(["T5"]));
    assert_eq!(hit["status"], "unreviewed");
    assert_eq!(hit["candidate_score"], 0.6);
    assert!(hit["published"].as_str().unwrap().starts_with("2024-05-02"));
    let facets = &body["facets"];
    assert_eq!(facets["lang"], json!({"en": 1, "es": 1, "fr": 1, "ko": 1}));
    assert_eq!(
        facets["country"],
        json!({"ES": 1, "FR": 1, "GB": 1, "KR": 1})
    );
    assert_eq!(facets["theme"], json!({"T3": 2, "T5": 1, "T7": 2}));
    assert_eq!(
        facets["source"],
        json!({"reas": 1, "ripess-eu": 2, "seoul-sse": 1})
    );
    assert_eq!(facets["status"], json!({"unreviewed": 4}));
}

#[tokio::test]
async fn filters_narrow_the_hits_and_the_facets() {
    let f = fixture("");
    let cases: [(&str, &[&str]); 9] = [
        ("lang=fr", &[SAMPLES[0].title]),
        ("lang=FR", &[SAMPLES[0].title]),
        ("country=GB", &[SAMPLES[2].title]),
        ("source=ripess-eu", &[SAMPLES[0].title, SAMPLES[2].title]),
        ("theme=T3", &[SAMPLES[0].title, SAMPLES[3].title]),
        ("status=unreviewed&lang=es", &[SAMPLES[1].title]),
        ("status=approved", &[]),
        (
            "from=2024-01-15&to=2024-03-10",
            &[SAMPLES[0].title, SAMPLES[3].title],
        ),
        ("q=cooperative&lang=en", &[SAMPLES[2].title]),
    ];
    for (query, expected) in cases {
        let (status, body) = get(&f.app, &format!("/api/search?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(hit_titles(&body), expected, "{query}");
        assert_eq!(body["total"], expected.len(), "{query}");
    }
    let (_, body) = get(&f.app, "/api/search?source=ripess-eu").await;
    assert_eq!(body["facets"]["lang"], json!({"en": 1, "fr": 1}));
}

#[tokio::test]
async fn a_word_finds_its_item_with_a_marked_snippet() {
    let f = fixture("");
    let (status, body) = get(&f.app, "/api/search?q=Bristol").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(hit_titles(&body), [SAMPLES[2].title]);
    let snippet = body["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>Bristol</mark>"), "{snippet}");
}

#[tokio::test]
async fn sort_by_score_and_paging() {
    let f = fixture("");
    let (status, body) = get(&f.app, "/api/search?sort=score&per_page=2&page=2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 4);
    assert_eq!(body["page"], 2);
    assert_eq!(body["per_page"], 2);
    assert_eq!(hit_titles(&body), [SAMPLES[3].title, SAMPLES[2].title]);
    let (_, body) = get(&f.app, "/api/search?page=9").await;
    assert_eq!(body["total"], 4);
    assert_eq!(hit_titles(&body), Vec::<String>::new());
}

#[tokio::test]
async fn each_bad_parameter_is_a_400_naming_it() {
    let f = fixture("");
    let cases = [
        ("sort=best", "parameter sort"),
        ("page=0", "parameter page"),
        ("page=x", "parameter page"),
        ("per_page=1000", "parameter per_page"),
        ("from=notadate", "parameter from"),
        ("from=2024-06-01&to=2024-01-01", "is after parameter to"),
        ("colour=red", "unknown parameter \"colour\""),
        ("status=pending", "parameter status"),
        ("lang=french", "parameter lang"),
        ("q=%22unbalanced", "parameter q"),
        ("q=title%3A(", "parameter q"),
        ("q=%FF%FE", "parameter \"q\" is not valid UTF-8"),
    ];
    for (query, expected) in cases {
        let (status, body) = get(&f.app, &format!("/api/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let message = error_message(&body);
        assert!(message.contains(expected), "{query}: {message}");
    }
}

#[tokio::test]
async fn odd_queries_never_make_a_500() {
    let f = fixture("");
    let queries = [
        "q=*",
        "q=-",
        "q=%2B",
        "q=AND",
        "q=OR+OR",
        "q=()",
        "q=%5B",
        "q=lang%3Afr",
        "q=%E2%80%9Cquoted%E2%80%9D",
        "q=%00",
        "q=%5C",
        "q=a~2",
        "q=%2A%3A%2A",
        "q=published%3A%5B2024+TO+2025%5D",
        "q=%F0%9F%8C%8D",
        "q=%22%22",
    ];
    // Nesting is exponential in tantivy's grammar: refused past the limit.
    let deep = format!("q={}a{}", "(".repeat(490), ")".repeat(490));
    let long_or = format!("q={}", vec!["a"; 490].join("+OR+"));
    for query in queries
        .iter()
        .copied()
        .chain([deep.as_str(), long_or.as_str()])
    {
        let (status, body) = get(&f.app, &format!("/api/search?{query}")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{query}: {status} {body}"
        );
        if status == StatusCode::BAD_REQUEST {
            assert!(
                error_message(&body).contains("parameter q"),
                "{query}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn an_item_is_returned_whole_with_its_status() {
    let f = fixture("");
    let (status, body) = get(&f.app, &format!("/api/items/{}", f.ids[0])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], f.ids[0]);
    assert_eq!(body["url"], SAMPLES[0].url);
    assert_eq!(body["source_id"], "ripess-eu");
    assert_eq!(body["title"], SAMPLES[0].title);
    assert_eq!(body["text"], SAMPLES[0].text);
    assert_eq!(body["lang"], "fr");
    assert_eq!(body["country"], "FR");
    assert_eq!(body["published"], "2024-03-10T09:00:00+01:00");
    assert_eq!(body["candidate"]["score"], 0.8);
    assert_eq!(body["candidate"]["themes"], json!(["T3", "T7"]));
    assert_eq!(body["review"], Value::Null);
    assert_eq!(body["status"], "unreviewed");
    for field in ["author", "lang_confidence", "first_seen", "updated_at"] {
        assert!(body.get(field).is_some(), "no {field} in {body}");
    }
}

#[tokio::test]
async fn an_unknown_item_is_a_404() {
    let f = fixture("");
    let (status, body) = get(&f.app, "/api/items/0123456789abcdef").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error_message(&body).contains("0123456789abcdef"), "{body}");
}

#[tokio::test]
async fn review_without_a_token_is_a_401() {
    let f = fixture(&format!("alice={ALICE}"));
    let (status, headers, body) =
        review(&f.app, &f.ids[0], None, r#"{"decision": "approve"}"#).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    assert!(
        error_message(&body).contains("Authorization: Bearer"),
        "{body}"
    );
    let (_, item) = get(&f.app, &format!("/api/items/{}", f.ids[0])).await;
    assert_eq!(item["status"], "unreviewed");
}

#[tokio::test]
async fn review_with_a_wrong_token_is_a_401() {
    let f = fixture(&format!("alice={ALICE}"));
    for token in ["not-the-token", BOB, "", &ALICE[..ALICE.len() - 1]] {
        let (status, headers, body) =
            review(&f.app, &f.ids[0], Some(token), r#"{"decision": "approve"}"#).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}: {body}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
        assert!(!error_message(&body).contains(ALICE), "{body}");
    }
    // Not a bearer scheme.
    let req = Request::post(format!("/api/items/{}/review", f.ids[0]))
        .header(header::AUTHORIZATION, format!("Basic {ALICE}"))
        .body(Body::from(r#"{"decision": "approve"}"#))
        .unwrap();
    let (status, _, body) = send(&f.app, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (_, item) = get(&f.app, &format!("/api/items/{}", f.ids[0])).await;
    assert_eq!(item["status"], "unreviewed");
}

#[tokio::test]
async fn without_curators_every_review_is_refused_with_the_hint() {
    let f = fixture("");
    for token in [None, Some(ALICE), Some("")] {
        let (status, _, body) =
            review(&f.app, &f.ids[0], token, r#"{"decision": "approve"}"#).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            error_message(&body)
                .contains(r#"set VEILLE_CURATOR_TOKENS="name=token,..." when starting the server"#),
            "{body}"
        );
    }
}

#[tokio::test]
async fn an_approval_shows_at_once_in_the_item_and_in_search() {
    let f = fixture(&format!("alice={ALICE},bob={BOB}"));
    let id = &f.ids[2];
    let (status, _, body) = review(
        &f.app,
        id,
        Some(BOB),
        r#"{"decision": "approve", "note": "good example of community energy"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], *id);
    assert_eq!(body["status"], "approved");
    assert_eq!(body["review"]["curator"], "bob");

    let (_, item) = get(&f.app, &format!("/api/items/{id}")).await;
    assert_eq!(item["status"], "approved");
    assert_eq!(item["review"]["decision"], "approve");
    assert_eq!(item["review"]["curator"], "bob");
    assert_eq!(item["review"]["note"], "good example of community energy");
    let at: DateTime<Utc> = item["review"]["at"].as_str().unwrap().parse().unwrap();
    assert!((Utc::now() - at).num_seconds().abs() < 60, "{at}");

    let (_, body) = get(&f.app, "/api/search?status=approved").await;
    assert_eq!(hit_titles(&body), [SAMPLES[2].title]);
    assert_eq!(body["hits"][0]["status"], "approved");
    let (_, body) = get(&f.app, "/api/search").await;
    assert_eq!(body["total"], 4);
    assert_eq!(
        body["facets"]["status"],
        json!({"approved": 1, "unreviewed": 3})
    );

    // A later decision replaces the first one, by another curator.
    let (status, _, body) = review(&f.app, id, Some(ALICE), r#"{"decision": "reject"}"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "rejected");
    assert_eq!(body["review"]["curator"], "alice");
    assert_eq!(body["review"]["note"], Value::Null);
    let (_, body) = get(&f.app, "/api/search").await;
    assert_eq!(
        body["facets"]["status"],
        json!({"rejected": 1, "unreviewed": 3})
    );
    let stored = f.state.store.get_item(id).unwrap().unwrap();
    assert_eq!(stored.review.unwrap().curator, "alice");
}

#[tokio::test]
async fn reviewing_an_unknown_item_is_a_404() {
    let f = fixture(&format!("alice={ALICE}"));
    let (status, _, body) = review(
        &f.app,
        "ffffffffffffffff",
        Some(ALICE),
        r#"{"decision": "approve"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(error_message(&body).contains("ffffffffffffffff"), "{body}");
}

#[tokio::test]
async fn a_bad_review_body_is_a_400() {
    let f = fixture(&format!("alice={ALICE}"));
    let cases = [
        ("{not json", "review body is not valid"),
        ("", "review body is not valid"),
        (r#"{"note": "no decision"}"#, "missing field `decision`"),
        (
            r#"{"decision": "maybe"}"#,
            "accepted values are approve, reject",
        ),
        (
            r#"{"decision": "approve", "extra": 1}"#,
            "unknown field `extra`",
        ),
        (r#"{"decision": 1}"#, "review body is not valid"),
    ];
    for (body, expected) in cases {
        let (status, _, response) = review(&f.app, &f.ids[0], Some(ALICE), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {response}");
        let message = error_message(&response);
        assert!(message.contains(expected), "{body}: {message}");
    }
    let (_, item) = get(&f.app, &format!("/api/items/{}", f.ids[0])).await;
    assert_eq!(item["status"], "unreviewed");
}

#[tokio::test]
async fn a_huge_review_body_is_a_413() {
    let f = fixture(&format!("alice={ALICE}"));
    let note = "x".repeat(REVIEW_BODY_LIMIT + 1);
    let body = json!({"decision": "approve", "note": note}).to_string();
    let (status, _, response) = review(&f.app, &f.ids[0], Some(ALICE), body.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{response}");
    assert!(error_message(&response).contains("64 KiB"), "{response}");
    // Streamed, without a Content-Length.
    let stream = futures_stream(body.into_bytes());
    let (status, _, response) = review(&f.app, &f.ids[0], Some(ALICE), stream).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{response}");
    let (_, item) = get(&f.app, &format!("/api/items/{}", f.ids[0])).await;
    assert_eq!(item["status"], "unreviewed");
}

/// A body sent in chunks, with no length known in advance.
fn futures_stream(bytes: Vec<u8>) -> Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(4096).map(|c| Ok(c.to_vec())).collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn sources_merge_configuration_and_health() {
    let f = fixture("");
    let at: DateTime<Utc> = "2024-06-01T10:00:00Z".parse().unwrap();
    f.state
        .store
        .record_source_outcome(&SourceOutcome {
            source_id: "ripess-eu".to_string(),
            at,
            outcome: veille_store::Outcome::Ok,
            error: None,
        })
        .unwrap();
    for _ in 0..2 {
        f.state
            .store
            .record_source_outcome(&SourceOutcome {
                source_id: "reas".to_string(),
                at,
                outcome: veille_store::Outcome::Failed,
                error: Some("https://reas.example/feed.xml: HTTP 503".to_string()),
            })
            .unwrap();
    }
    let (status, body) = get(&f.app, "/api/sources").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sources = body["sources"].as_array().unwrap();
    let ids: Vec<&str> = sources.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ripess-eu", "reas", "new-source"]);

    let ripess = &sources[0];
    assert_eq!(ripess["name"], "RIPESS Europe");
    assert_eq!(ripess["url"], "https://ripess-eu.example/feed.xml");
    assert_eq!(ripess["kind"], "feed");
    assert_eq!(ripess["enabled"], true);
    assert_eq!(ripess["schedule"], "0 0 */6 * * *");
    assert_eq!(ripess["country"], "FR");
    assert_eq!(ripess["languages"], json!(["fr", "en"]));
    assert_eq!(ripess["network"], "RIPESS");
    assert_eq!(ripess["status"], "ok");
    assert_eq!(ripess["last_outcome"], "ok");
    assert_eq!(ripess["last_fetch"], "2024-06-01T10:00:00Z");
    assert_eq!(ripess["last_success"], "2024-06-01T10:00:00Z");
    assert_eq!(ripess["item_count"], 2);
    assert_eq!(ripess["consecutive_failures"], 0);

    let reas = &sources[1];
    assert_eq!(reas["status"], "failing");
    assert_eq!(reas["consecutive_failures"], 2);
    assert_eq!(
        reas["last_error"],
        "https://reas.example/feed.xml: HTTP 503"
    );
    assert_eq!(reas["failing_since"], "2024-06-01T10:00:00Z");
    assert_eq!(reas["last_success"], Value::Null);
    assert_eq!(reas["item_count"], 1);

    let new = &sources[2];
    assert_eq!(new["status"], "never_fetched");
    assert_eq!(new["item_count"], 0);
    assert_eq!(new["last_fetch"], Value::Null);

    // The binary may replace the configured sources while serving.
    f.state.sources.write().unwrap().truncate(1);
    let (_, body) = get(&f.app, "/api/sources").await;
    assert_eq!(body["sources"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn healthz_counts_the_items() {
    let f = fixture("");
    let (status, body) = get(&f.app, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok", "items": 4}));
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let f = fixture("");
    let (status, body) = get(&f.app, "/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error_message(&body).contains("/api/nothing-here"), "{body}");
    let req = Request::builder()
        .method(Method::DELETE)
        .uri("/api/search")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&f.app, req).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(error_message(&body).contains("DELETE"), "{body}");
}

#[tokio::test]
async fn serves_on_a_real_socket_and_shuts_down() {
    let f = fixture("");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, f.state.clone(), async {
        let _ = stopped.await;
    }));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"status":"ok","items":4}"#),
        "{response}"
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[test]
fn search_from_code_checks_the_request_too() {
    let f = fixture("");
    let cases = [
        (
            SearchRequest {
                per_page: 0,
                ..Default::default()
            },
            "parameter per_page",
        ),
        (
            SearchRequest {
                page: 0,
                ..Default::default()
            },
            "parameter page",
        ),
        (
            SearchRequest {
                q: "\"unbalanced".to_string(),
                ..Default::default()
            },
            "parameter q",
        ),
    ];
    for (req, expected) in cases {
        match search(&f.state.index, &req) {
            Err(ApiError::BadRequest(message)) => {
                assert!(message.contains(expected), "{req:?}: {message}")
            }
            other => panic!("{req:?}: {other:?}"),
        }
    }
    let response = search(&f.state.index, &SearchRequest::default()).unwrap();
    assert_eq!(response.total, 4);
    assert_eq!(response.hits.len(), 4);
}

#[tokio::test]
async fn a_server_error_is_a_500_with_a_json_message() {
    use axum::response::IntoResponse;
    let response = ApiError::Internal("store: disk I/O error".to_string()).into_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body, json!({"error": "store: disk I/O error"}));
}
