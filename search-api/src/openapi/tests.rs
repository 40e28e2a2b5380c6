//! Tests of the OpenAPI document: every route the router mounts is in it,
//! and the schema twins have exactly the fields of the real answers.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::Value;

use crate::export::tests::{fetch, world};

/// The paths the router mounts, read from the source of `lib.rs` (so a
/// route added there is checked without editing this test).
fn mounted_paths() -> BTreeSet<String> {
    let source = include_str!("../lib.rs");
    let mut paths = BTreeSet::new();
    for chunk in source.split(".route(").skip(1) {
        let chunk = chunk.trim_start();
        if let Some(rest) = chunk.strip_prefix('"') {
            let path = &rest[..rest.find('"').unwrap()];
            paths.insert(path.to_string());
        }
    }
    paths
}

async fn document() -> Value {
    let w = world();
    let (status, headers, body) = fetch(&w.app, "/api/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn every_mounted_route_is_described() {
    let doc = document().await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let described: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let mounted = mounted_paths();
    assert!(mounted.contains("/api/search") && mounted.contains("/api/export"));
    let machine_paths: Vec<&String> = mounted
        .iter()
        .filter(|p| {
            p.starts_with("/api/")
                || p.starts_with("/feeds/")
                || *p == "/metrics"
                || *p == "/healthz"
        })
        .collect();
    let missing: Vec<&&String> = machine_paths
        .iter()
        .filter(|p| !described.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes mounted in lib.rs but not described in openapi.rs: {missing:?}"
    );
}

/// The property names of schema `name`.
fn properties(doc: &Value, name: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {name}"))
        .keys()
        .cloned()
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn schema_twins_match_the_real_answers() {
    let doc = document().await;
    let w = world();
    let (_, _, body) = fetch(&w.app, "/api/search?q=cooperative", &[]).await;
    let search: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        keys(&search),
        properties(&doc, "SearchResponseDoc"),
        "search response"
    );
    assert_eq!(keys(&search["hits"][0]), properties(&doc, "HitDoc"), "hit");
    assert_eq!(
        keys(&search["facets"]),
        properties(&doc, "FacetsDoc"),
        "facets"
    );

    let id = search["hits"][0]["id"].as_str().unwrap();
    let (_, _, body) = fetch(&w.app, &format!("/api/items/{id}"), &[]).await;
    let item: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(keys(&item), properties(&doc, "ItemDoc"), "item");
    assert_eq!(
        keys(&item["candidate"]),
        properties(&doc, "CandidateDoc"),
        "candidate"
    );

    let (_, _, body) = fetch(&w.app, "/api/sources", &[]).await;
    let sources: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        keys(&sources["sources"][0]),
        properties(&doc, "SourceDoc"),
        "source"
    );
    let (_, _, body) = fetch(&w.app, "/healthz", &[]).await;
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(keys(&health), properties(&doc, "HealthDoc"), "healthz");
}

#[tokio::test]
async fn writes_declare_their_security() {
    let doc = document().await;
    let review = &doc["paths"]["/api/items/{id}/review"]["post"];
    assert!(review["security"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
