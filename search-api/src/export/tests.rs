//! Tests of the exports, through the real router, over a store and an index
//! of a few hundred generated items (more than two export batches). The
//! world they build ([`World`]) is shared with the tests of the feeds, the
//! metrics, the OpenAPI document and the pages.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tower::ServiceExt;
use veille_indexer::index::Index;
use veille_store::{Candidate, Decision, NewItem, Place, Review, Store};

use super::*;
use crate::{router, ApiState, Curators, SourceInfo};

/// The curator token of the test world.
pub(crate) const TOKEN: &str = "alice-test-token-0123456789";

/// Items in the test world.
pub(crate) const ITEMS: usize = 230;

/// Titles that CSV, XML and HTML must carry intact.
pub(crate) const TRICKY_TITLES: [&str; 4] = [
    "Cooperatives, \"fair\" trade\nand more",
    "=HYPERLINK(\"http://evil.example\") formula",
    "<script>alert('x')</script> & co",
    "Économie sociale et solidaire à Montréal",
];

pub(crate) struct World {
    pub app: Router,
    pub state: ApiState,
    /// Ids in creation order.
    pub ids: Vec<String>,
    /// Ids of the items approved at creation.
    pub approved: Vec<String>,
}

/// The language of generated item `i`.
pub(crate) fn lang_of(i: usize) -> &'static str {
    ["fr", "es", "en", "ko"][i % 4]
}

/// Whether generated item `i` is a candidate (score 0.5 or more).
pub(crate) fn is_candidate(i: usize) -> bool {
    !i.is_multiple_of(3)
}

pub(crate) fn world() -> World {
    let store = Store::open_in_memory().unwrap();
    let index = Index::open_in_ram().unwrap();
    let base: DateTime<Utc> = "2024-01-01T00:00:00Z".parse().unwrap();
    let mut ids = Vec::new();
    for i in 0..ITEMS {
        let lang = lang_of(i);
        let title = match TRICKY_TITLES.get(i) {
            Some(t) => t.to_string(),
            None => format!("Housing cooperative number {i}"),
        };
        let text = match lang {
            "fr" => format!("La coopérative d'habitation {i} de Lyon ouvre un fonds municipal pour le logement abordable."),
            "es" => format!("La cooperativa de vivienda {i} de Barcelona lanza un fondo municipal para la economía social."),
            "ko" => format!("서울시 사회적경제 주택협동조합 {i} 지원센터를 운영합니다."),
            _ => format!("The housing cooperative {i} in Bristol launched a community land trust with the city."),
        };
        let score = if is_candidate(i) {
            0.5 + (i % 50) as f64 / 100.0
        } else {
            0.2
        };
        let new = NewItem {
            url: format!("https://network{}.example/news/{i}", i % 3),
            source_id: format!("network-{}", i % 3),
            title,
            text,
            author: (i % 5 == 0).then(|| "Marie Curie".to_string()),
            published: Some((base + Duration::hours(i as i64)).fixed_offset()),
            lang: Some(lang.to_string()),
            lang_confidence: 0.9,
            country: Some(["FR", "ES", "GB", "KR"][i % 4].to_string()),
            candidate: Candidate {
                score,
                is_candidate: is_candidate(i),
                themes: vec![["T3", "T7", "T5"][i % 3].to_string()],
                places: vec![Place {
                    name: "Lyon".to_string(),
                    country: Some("FR".to_string()),
                }],
                evidence: vec!["coopérative d'habitation".to_string(), "fonds".to_string()],
                summary: (i % 2 == 0).then(|| format!("Summary of practice {i}.")),
                ..Candidate::default()
            },
            fingerprint: None,
        };
        store.upsert_item(&new).unwrap();
        ids.push(veille_store::item_id(&new.url));
    }
    // Every tenth candidate approved, every fifteenth item rejected.
    let mut approved = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let decision = if i % 10 == 1 {
            Decision::Approve
        } else if i % 15 == 7 {
            Decision::Reject
        } else {
            continue;
        };
        let review = Review {
            decision,
            curator: "alice".to_string(),
            note: None,
            at: Utc::now(),
        };
        store.set_review(id, &review).unwrap();
        if decision == Decision::Approve {
            approved.push(id.clone());
        }
    }
    store
        .for_each_item(|item| index.upsert(&item).unwrap())
        .unwrap();
    index.commit().unwrap();
    let sources = (0..3)
        .map(|n| SourceInfo {
            id: format!("network-{n}"),
            name: format!("Network {n}"),
            url: format!("https://network{n}.example/feed.xml"),
            kind: "feed".to_string(),
            enabled: true,
            schedule: "0 */6 * * *".to_string(),
            country: Some("FR".to_string()),
            languages: vec!["fr".to_string()],
            network: None,
        })
        .collect();
    let (index, writer) = crate::test_index(&store, index);
    let state = ApiState {
        store,
        index,
        writer,
        curators: Arc::new(Curators::parse(&format!("alice={TOKEN}")).unwrap()),
        sources: Arc::new(RwLock::new(sources)),
        sources_file: None,
        access: Arc::new(crate::Access::default()),
    };
    World {
        app: router(state.clone()),
        state,
        ids,
        approved,
    }
}

/// GET `uri` with these headers; the status, the headers and the body text.
pub(crate) async fn fetch(
    app: &Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let response = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "CSV does not end with CRLF"
    );
    rows
}

#[tokio::test]
async fn csv_export_holds_every_result_not_one_page() {
    let w = world();
    let (status, headers, body) = fetch(&w.app, "/api/export?format=csv", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"veille-export-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    assert_eq!(headers["x-total-count"], ITEMS.to_string().as_str());
    assert!(headers.get("x-export-truncated").is_none());
    let rows = parse_csv(&body);
    assert_eq!(rows[0], CSV_COLUMNS);
    assert_eq!(rows.len(), ITEMS + 1, "header plus one row per item");
    let exported: BTreeSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let expected: BTreeSet<&str> = w.ids.iter().map(String::as_str).collect();
    assert_eq!(exported, expected, "every item exactly once");
    assert!(rows.iter().all(|r| r.len() == CSV_COLUMNS.len()));
}

#[tokio::test]
async fn csv_fields_survive_commas_quotes_newlines_and_formulas() {
    let w = world();
    let (_, _, body) = fetch(&w.app, "/api/export?format=csv", &[]).await;
    let rows = parse_csv(&body);
    let title_of = |id: &str| rows.iter().find(|r| r[0] == id).unwrap()[1].clone();
    assert_eq!(title_of(&w.ids[0]), TRICKY_TITLES[0]);
    // A formula is defused for spreadsheets.
    assert_eq!(title_of(&w.ids[1]), format!("'{}", TRICKY_TITLES[1]));
    assert_eq!(title_of(&w.ids[3]), TRICKY_TITLES[3]);
    // Lists joined, the reviewer named.
    let row = rows.iter().find(|r| r[0] == w.ids[1]).unwrap();
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    assert_eq!(row[col("status")], "approved");
    assert_eq!(row[col("reviewed_by")], "alice");
    assert_eq!(row[col("places")], "Lyon (FR)");
}

#[tokio::test]
async fn jsonl_export_follows_the_search_filters_and_sort() {
    let w = world();
    let (status, headers, body) =
        fetch(&w.app, "/api/export?format=jsonl&lang=fr&sort=date", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/x-ndjson"));
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .ends_with(".jsonl\""));
    let items: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let french = (0..ITEMS).filter(|i| lang_of(*i) == "fr").count();
    assert_eq!(items.len(), french);
    assert!(items.iter().all(|i| i["lang"] == "fr"));
    assert!(items
        .iter()
        .all(|i| i["text"].as_str().unwrap().contains("coopérative")));
    let dates: Vec<&str> = items
        .iter()
        .map(|i| i["published"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
}

#[tokio::test]
async fn export_errors_are_400_naming_the_parameter() {
    let w = world();
    for (uri, word) in [
        ("/api/export", "format is missing"),
        ("/api/export?format=xlsx", "format is \"xlsx\""),
        ("/api/export?format=csv&format=jsonl", "more than once"),
        ("/api/export?format=csv&colour=red", "unknown parameter"),
        (
            "/api/export?format=csv&from=2024-05-01&to=2024-01-01",
            "swap them",
        ),
    ] {
        let (status, _, body) = fetch(&w.app, uri, &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        let json: Value = serde_json::from_str(&body).unwrap();
        assert!(
            json["error"].as_str().unwrap().contains(word),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn an_empty_search_exports_just_the_header() {
    let w = world();
    let (status, headers, body) = fetch(&w.app, "/api/export?format=csv&q=zzzznothing", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-total-count"], "0");
    assert_eq!(body, csv_header());
}

#[test]
fn csv_field_quotes_only_when_needed() {
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field("-1"), "'-1");
    assert_eq!(csv_field("@cmd"), "'@cmd");
}

/// An export reaches past the deepest page a search can page to.
#[tokio::test]
async fn jsonl_export_reaches_past_the_deepest_search_page() {
    let n = veille_indexer::index::MAX_OFFSET + 2 * BATCH + 7;
    let store = Store::open_in_memory().unwrap();
    let index = Index::open_in_ram().unwrap();
    let items: Vec<NewItem> = (0..n)
        .map(|i| NewItem {
            url: format!("https://bulk.example/news/{i}"),
            source_id: "bulk".to_string(),
            title: format!("Practice {i}"),
            text: format!("A housing cooperative, number {i}."),
            author: None,
            published: None,
            lang: Some("en".to_string()),
            lang_confidence: 0.9,
            country: None,
            candidate: Candidate::default(),
            fingerprint: None,
        })
        .collect();
    store.upsert_items(&items).unwrap();
    let ids: Vec<String> = items
        .iter()
        .map(|i| veille_store::item_id(&i.url))
        .collect();
    index.upsert_many(&store.get_items(&ids).unwrap()).unwrap();
    index.commit().unwrap();
    let (index, writer) = crate::test_index(&store, index);
    let state = ApiState {
        store,
        index,
        writer,
        curators: Arc::new(Curators::parse("").unwrap()),
        sources: Arc::new(RwLock::new(Vec::new())),
        sources_file: None,
        access: Arc::new(crate::Access::default()),
    };
    let app = router(state);
    let (status, headers, body) = fetch(&app, "/api/export?format=jsonl&sort=date", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["x-total-count"], n.to_string().as_str());
    assert!(headers.get("x-export-truncated").is_none());
    let exported: BTreeSet<String> = body
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(exported.len(), n, "every item exactly once");
}
