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

/// The property names of schema `name`, through `allOf` and `$ref` (a
/// flattened twin is an `allOf`).
fn properties(doc: &Value, name: &str) -> BTreeSet<String> {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "no schema {name}");
    let mut names = BTreeSet::new();
    collect_properties(doc, schema, &mut names);
    names
}

fn collect_properties(doc: &Value, schema: &Value, names: &mut BTreeSet<String>) {
    if let Some(target) = schema["$ref"].as_str() {
        let name = target.trim_start_matches("#/components/schemas/");
        collect_properties(doc, &doc["components"]["schemas"][name], names);
    }
    if let Some(properties) = schema["properties"].as_object() {
        names.extend(properties.keys().cloned());
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        collect_properties(doc, part, names);
    }
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
    assert_eq!(
        keys(&search["histogram_by"]),
        properties(&doc, "HistogramByDoc"),
        "histogram_by"
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

    let (_, _, body) = fetch(&w.app, "/api/queue?per_page=3", &[]).await;
    let queue: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(keys(&queue), properties(&doc, "QueueDoc"), "queue");
    assert_eq!(
        keys(&queue["items"][0]),
        properties(&doc, "QueueItemDoc"),
        "queue item"
    );
    let (_, _, body) = fetch(&w.app, "/api/export?format=jsonl&q=cooperative", &[]).await;
    let line: Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(
        keys(&line),
        properties(&doc, "StoredItemDoc"),
        "export line"
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

#[tokio::test]
async fn every_operation_documents_its_failures() {
    let doc = document().await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let secured = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            if path != "/api/openapi.json" {
                assert!(responses.contains_key("500"), "{method} {path}: no 500");
            }
            if secured {
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
                let www = &responses["401"]["headers"]["WWW-Authenticate"];
                assert_eq!(www["required"], true, "{method} {path}");
            }
            if let Some(too_many) = responses.get("429") {
                assert!(too_many["headers"]["Retry-After"].is_object(), "{path}");
            }
            if method != "get" && method != "delete" && path.starts_with("/api/") {
                assert!(
                    operation["requestBody"].is_object() || path == "/api/logout",
                    "{method} {path}: no request body"
                );
            }
        }
    }
    let search = &doc["paths"]["/api/search"]["get"]["parameters"];
    assert_eq!(
        search.as_array().unwrap().len(),
        crate::params::PARAMETERS.len()
    );
    let per_page = search
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "per_page")
        .unwrap();
    assert_eq!(per_page["schema"]["maximum"], crate::MAX_PER_PAGE);
    let export = &doc["paths"]["/api/export"]["get"]["parameters"][0];
    assert_eq!(export["name"], "format");
    assert_eq!(export["required"], true);
}

#[tokio::test]
async fn a_stale_write_answers_the_documented_conflict() {
    let doc = document().await;
    let conflict = &doc["paths"]["/api/items/{id}"]["patch"]["responses"]["409"];
    let schema = &conflict["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(schema, "#/components/schemas/ConflictDoc");
    assert_eq!(
        properties(&doc, "ConflictDoc"),
        ["current", "error"].map(String::from).into()
    );
}

/// Every `$ref` of the document, with where it is.
fn refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(target) = v.as_str() {
                        out.push((at.to_string(), target.to_string()));
                    }
                } else {
                    refs(v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves() {
    let doc = document().await;
    let mut all = Vec::new();
    refs(&doc, "", &mut all);
    assert!(!all.is_empty());
    let dangling: Vec<&(String, String)> = all
        .iter()
        .filter(|(_, target)| {
            doc.pointer(target.trim_start_matches('#'))
                .is_none_or(Value::is_null)
        })
        .collect();
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
}

#[tokio::test]
async fn operation_ids_are_unique_and_links_name_real_ones() {
    let doc = document().await;
    let mut ids = BTreeSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap().to_string();
            assert!(ids.insert(id.clone()), "operationId {id} twice");
        }
    }
    let links = &doc["paths"]["/api/submissions"]["post"]["responses"]["201"]["links"];
    for link in links.as_object().unwrap().values() {
        assert!(
            ids.contains(link["operationId"].as_str().unwrap()),
            "{link}"
        );
    }
}
