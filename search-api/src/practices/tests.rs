//! Practice records through the real router: filed from approved items,
//! corrected with versions (409 on a stale one), listed with filters and
//! exported as JSON-LD, JSON Lines and CSV.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::tests::{fixture, review, send, write, ALICE};

async fn raw(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let kind = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, kind, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn a_practice_is_filed_from_approved_items_corrected_and_exported() {
    let f = fixture(&format!("alice={ALICE}"));
    let lyon = f.ids[0].clone();

    // Only approved items make a practice.
    let (status, _, body) = send(
        &f.app,
        write("POST", "/api/practices", json!({"items": [lyon]})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("is not approved"),
        "{body}"
    );
    let (status, _, _) = review(&f.app, &lyon, Some(ALICE), r#"{"decision": "approve"}"#).await;
    assert_eq!(status, StatusCode::OK);

    // Unauthenticated writes are refused.
    let anonymous = Request::post("/api/practices")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"items": [lyon]}).to_string()))
        .unwrap();
    assert_eq!(send(&f.app, anonymous).await.0, StatusCode::UNAUTHORIZED);

    let (status, _, p) = send(
        &f.app,
        write(
            "POST",
            "/api/practices",
            json!({"items": [lyon], "name": "Coopérative d'habitants de Lyon"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["version"], 1);
    assert_eq!(p["status"], "draft");
    assert_eq!(p["sources"][0]["item_id"], lyon.as_str());
    assert_eq!(p["history"][0]["action"], "create");
    assert_eq!(p["history"][0]["actor"], "alice");

    // A correction carries the version it was based on.
    let (status, _, p2) = send(
        &f.app,
        write(
            "PATCH",
            &format!("/api/practices/{id}"),
            json!({"version": 1, "status": "published", "start_year": 2016,
                   "places": [{"name": "Lyon", "country": "FR", "lat": 45.75, "lon": 4.85}],
                   "texts": [{"field": "challenge", "lang": "fr",
                              "text": "Des logements trop chers.", "reviewed": true}]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p2}");
    assert_eq!(p2["version"], 2);
    assert_eq!(p2["name"], "Coopérative d'habitants de Lyon");
    let (status, _, stale) = send(
        &f.app,
        write(
            "PATCH",
            &format!("/api/practices/{id}"),
            json!({"version": 1, "name": "x"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["current"]["version"], 2);
    let (status, _, bad) = send(
        &f.app,
        write(
            "PATCH",
            &format!("/api/practices/{id}"),
            json!({"version": 2, "colour": "red"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .contains("unknown field \"colour\""),
        "{bad}"
    );

    // JSON-LD parses, and says what the record says with ESSGlobal's URIs.
    let (status, kind, text) = raw(&f.app, &format!("/api/practices/{id}?format=jsonld")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("application/ld+json"), "{kind}");
    let ld: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(ld["@context"]["@vocab"], super::SCHEMA_ORG);
    assert_eq!(ld["@type"], "Project");
    assert_eq!(ld["name"], "Coopérative d'habitants de Lyon");
    assert_eq!(ld["foundingDate"], "2016");
    assert_eq!(ld["creativeWorkStatus"], "published");
    assert_eq!(ld["location"][0]["geo"]["latitude"], 45.75);
    assert_eq!(ld["location"][0]["address"]["addressCountry"], "FR");
    let themes: Vec<&str> = ld["about"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["@id"].as_str().unwrap())
        .collect();
    assert!(
        themes.contains(&format!("{}T3", super::ESSGLOBAL_THEMES).as_str()),
        "{themes:?}"
    );
    let challenge = ld["additionalProperty"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["propertyID"] == "challenge")
        .unwrap();
    assert_eq!(
        challenge["value"][0],
        json!({"@language": "fr", "@value": "Des logements trop chers."})
    );
    assert!(ld["subjectOf"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("cooperative-habitants-lyon"));

    // Listed with filters, and exported.
    let (_, _, list) = send(
        &f.app,
        Request::get("/api/practices?status=published&country=FR")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(list["total"], 1);
    let (_, _, none) = send(
        &f.app,
        Request::get("/api/practices?status=draft")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(none["total"], 0);
    let (status, _, bad) = send(
        &f.app,
        Request::get("/api/practices?status=done")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (_, kind, lines) = raw(&f.app, "/api/practices?format=jsonl").await;
    assert!(kind.starts_with("application/x-ndjson"));
    let first: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], id.as_str());
    let (_, kind, csv) = raw(&f.app, "/api/practices?format=csv").await;
    assert!(kind.starts_with("text/csv"));
    let mut rows = csv.split("\r\n");
    assert!(rows.next().unwrap().starts_with("id,version,status,name,"));
    let row = rows.next().unwrap();
    assert!(row.starts_with(&format!("{id},2,published,")), "{row}");
    assert!(row.contains("fr: Des logements trop chers."), "{row}");
    let (_, _, graph) = raw(&f.app, "/api/practices?format=jsonld").await;
    let graph: Value = serde_json::from_str(&graph).unwrap();
    assert_eq!(graph["@graph"][0]["identifier"], id.as_str());
    let (status, _) = crate::tests::get(&f.app, "/api/practices/p999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The property names of a schema of the OpenAPI document, through `$ref`
/// and `allOf` (a flattened twin is an `allOf`).
fn properties(doc: &Value, schema: &Value, names: &mut std::collections::BTreeSet<String>) {
    if let Some(target) = schema["$ref"].as_str() {
        let name = target.trim_start_matches("#/components/schemas/");
        properties(doc, &doc["components"]["schemas"][name], names);
    }
    if let Some(p) = schema["properties"].as_object() {
        names.extend(p.keys().cloned());
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        properties(doc, part, names);
    }
}

fn keys(v: &Value) -> std::collections::BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn the_documented_record_has_the_fields_of_the_real_one() {
    let f = fixture(&format!("alice={ALICE}"));
    let lyon = f.ids[0].clone();
    review(&f.app, &lyon, Some(ALICE), r#"{"decision": "approve"}"#).await;
    let (status, _, p) = send(
        &f.app,
        write("POST", "/api/practices", json!({"items": [lyon]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let doc = crate::openapi::document();
    let twin = |name: &str| {
        let mut names = std::collections::BTreeSet::new();
        properties(&doc, &doc["components"]["schemas"][name], &mut names);
        assert!(!names.is_empty(), "no schema {name}");
        names
    };
    assert_eq!(keys(&p), twin("PracticeViewDoc"));
    assert_eq!(keys(&p["sources"][0]), twin("PracticeSourceDoc"));
    assert_eq!(keys(&p["history"][0]), twin("PracticeAuditEntryDoc"));
    for (list, name) in [
        ("texts", "PracticeTextDoc"),
        ("places", "PracticePlaceDoc"),
        ("figures", "PracticeFigureDoc"),
        ("organizations", "PracticeOrganizationDoc"),
    ] {
        if let Some(first) = p[list].get(0) {
            assert_eq!(keys(first), twin(name), "{list}");
        }
    }
    let (_, _, list) = send(
        &f.app,
        Request::get("/api/practices").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(keys(&list), twin("PracticeListDoc"));
    // The bodies the document describes are the ones the server takes.
    let patch = &doc["components"]["schemas"]["PracticePatchBody"]["properties"];
    let mut fields: Vec<&String> = patch.as_object().unwrap().keys().collect();
    fields.retain(|k| *k != "version");
    let record = serde_json::to_value(veille_store::PracticeDraft::default()).unwrap();
    let mut expected: Vec<&String> = record.as_object().unwrap().keys().collect();
    fields.sort();
    expected.sort();
    assert_eq!(fields, expected);
}

#[tokio::test]
async fn records_are_searched_by_their_words_in_every_language_with_the_filters() {
    let f = fixture(&format!("alice={ALICE}"));
    let lyon = f.ids[0].clone();
    review(&f.app, &lyon, Some(ALICE), r#"{"decision": "approve"}"#).await;
    let (status, _, p) = send(
        &f.app,
        write(
            "POST",
            "/api/practices",
            json!({"items": [lyon], "name": "Coopérative d'habitants de Lyon"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    let list = |uri: &str| {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let app = f.app.clone();
        async move { send(&app, request).await }
    };
    let ids = |body: &Value| -> Vec<String> {
        body["practices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };

    // The French record answers an English query through its concept, and
    // not when the expansion is off.
    let (status, _, found) = list("/api/practices?q=housing%20cooperative").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(
        (ids(&found), found["total"].clone()),
        (vec![id.clone()], json!(1))
    );
    let (_, _, literal) = list("/api/practices?q=housing%20cooperative&expand=false").await;
    assert_eq!(literal["total"], 0, "{literal}");
    // Filters still apply to a text query.
    let (_, _, draft) = list("/api/practices?q=Lyon&status=draft").await;
    assert_eq!(ids(&draft), vec![id.clone()]);
    let (_, _, published) = list("/api/practices?q=Lyon&status=published").await;
    assert_eq!(published["total"], 0);
    let (_, _, elsewhere) = list("/api/practices?q=bicyclettes").await;
    assert_eq!(elsewhere["total"], 0);

    // A correction is searchable at once.
    let (status, _, _) = send(
        &f.app,
        write(
            "PATCH",
            &format!("/api/practices/{id}"),
            json!({"version": 1, "texts": [{"field": "results", "lang": "en",
                   "text": "Forty families moved into bicycle-friendly homes."}]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, now) = list("/api/practices?q=families").await;
    assert_eq!(ids(&now), vec![id.clone()]);

    // A query or a flag the API cannot read is a 400 that says why.
    let (status, _, bad) = list("/api/practices?expand=maybe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad["error"].as_str().unwrap().contains("expand"), "{bad}");
    let deep = format!("{}a{}", "(".repeat(20), ")".repeat(20));
    let (status, _, bad) = list(&format!(
        "/api/practices?q={}",
        url::form_urlencoded::byte_serialize(deep.as_bytes()).collect::<String>()
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

#[test]
fn the_records_text_query_is_documented_as_the_search_language() {
    let doc = crate::openapi::document();
    let doc = serde_json::to_value(doc).unwrap();
    let q = doc["paths"]["/api/practices"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "q")
        .expect("q is documented");
    assert_eq!(q["schema"]["format"], "search-query", "{q}");
    assert!(
        q["description"].as_str().unwrap().contains("is a 400"),
        "{q}"
    );
}
