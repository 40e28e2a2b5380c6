//! Tests of the review workflow through the real router: roles, versions
//! and 409s, the audit log, undo, sign-in and sessions, API tokens, body
//! size, write rate, CORS, the queue, accounts and saved searches.

use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tower::ServiceExt;
use veille_indexer::index::Index;
use veille_store::{Candidate, NewItem, Role, Store};

use crate::{router, Access, AccessConfig, ApiState, Curators};

pub(crate) const ALICE: &str = "alice-env-token-0123456789";
pub(crate) const PASSWORD: &str = "a long enough password";

pub(crate) struct World {
    pub(crate) app: Router,
    pub(crate) store: Store,
    /// Item ids: a (score 0.9) and its near-duplicate b (0.6), c (0.7), d (0.2, not a candidate).
    pub(crate) ids: Vec<String>,
}

fn new_item(url: &str, title: &str, score: f64, fingerprint: Option<u64>) -> NewItem {
    NewItem {
        url: url.to_string(),
        source_id: "ripess-eu".to_string(),
        title: title.to_string(),
        text: format!("{title}: une coopérative d'habitants soutenue par un fonds municipal."),
        author: None,
        published: DateTime::parse_from_rfc3339("2024-03-10T09:00:00+01:00").ok(),
        lang: Some("fr".to_string()),
        lang_confidence: 0.9,
        country: Some("FR".to_string()),
        candidate: Candidate {
            score,
            is_candidate: score >= 0.5,
            themes: vec!["T3".to_string()],
            ..Default::default()
        },
        fingerprint,
    }
}

/// A world with the env curator alice, the accounts given, and `config`.
pub(crate) fn world(accounts: &[(&str, Role)], config: AccessConfig) -> World {
    let store = Store::open_in_memory().unwrap();
    let index = Index::open_in_ram().unwrap();
    let fp = 0x5555_aaaa_1234_8765u64;
    let items = [
        new_item(
            "https://ripess.example/a",
            "Habitat coopératif à Lyon",
            0.9,
            Some(fp),
        ),
        new_item(
            "https://mirror.example/a",
            "Habitat coopératif à Lyon (copie)",
            0.6,
            Some(fp ^ 0b11),
        ),
        new_item(
            "https://ripess.example/c",
            "Un fonds pour les coopératives",
            0.7,
            None,
        ),
        new_item("https://ripess.example/d", "Agenda du mois", 0.2, None),
    ];
    let mut ids = Vec::new();
    for new in &items {
        store.upsert_item(new).unwrap();
        let id = veille_store::item_id(&new.url);
        index
            .upsert(&store.get_item(&id).unwrap().unwrap())
            .unwrap();
        ids.push(id);
    }
    index.commit().unwrap();
    for (name, role) in accounts {
        store.add_user(name, *role, PASSWORD).unwrap();
    }
    let (index, writer) = crate::test_index(&store, index);
    let state = ApiState {
        store: store.clone(),
        index,
        writer,
        curators: Arc::new(Curators::parse(&format!("alice={ALICE}")).unwrap()),
        sources: Arc::new(RwLock::new(Vec::new())),
        sources_file: None,
        access: Arc::new(Access::new(config)),
    };
    World {
        app: router(state),
        store,
        ids,
    }
}

pub(crate) enum Auth<'a> {
    None,
    Bearer(&'a str),
    Cookie(&'a str),
}

pub(crate) async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    auth: Auth<'_>,
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    match auth {
        Auth::None => {}
        Auth::Bearer(token) => req = req.header(header::AUTHORIZATION, format!("Bearer {token}")),
        Auth::Cookie(cookie) => req = req.header(header::COOKIE, cookie),
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    send(app, req.body(body).unwrap()).await
}

pub(crate) async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{status}: body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    (status, headers, body)
}

async fn get(app: &Router, uri: &str) -> Value {
    let (status, _, body) = call(app, Method::GET, uri, Auth::None, None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body
}

pub(crate) fn error(body: &Value) -> &str {
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {body}"))
}

/// Signs in and returns the `name=value` of the session cookie.
async fn sign_in(app: &Router, name: &str) -> String {
    let (status, headers, body) = call(
        app,
        Method::POST,
        "/api/login",
        Auth::None,
        Some(json!({"name": name, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn analysts_read_curators_write_admins_manage_accounts() {
    let w = world(
        &[
            ("ana", Role::Analyst),
            ("cid", Role::Curator),
            ("adm", Role::Admin),
        ],
        AccessConfig::default(),
    );
    let id = &w.ids[0];
    let review = json!({"decision": "approve", "note": "housing"});
    let analyst = w.store.new_token("ana").unwrap();
    let curator = w.store.new_token("cid").unwrap();
    let admin = w.store.new_token("adm").unwrap();
    let uri = format!("/api/items/{id}/review");

    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &uri,
        Auth::Bearer(&analyst),
        Some(review.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(error(&body).contains("ana is an analyst"), "{body}");
    assert_eq!(
        get(&w.app, &format!("/api/items/{id}")).await["status"],
        "unreviewed"
    );
    // Reads need no credentials at all.
    assert_eq!(get(&w.app, "/api/queue").await["total"], 2);

    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &uri,
        Auth::Bearer(&curator),
        Some(review.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["review"]["curator"], "cid");
    assert_eq!(body["status"], "approved");

    // Accounts: only admins.
    for token in [&analyst, &curator] {
        let (status, _, body) =
            call(&w.app, Method::GET, "/api/users", Auth::Bearer(token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    let (status, _, body) = call(&w.app, Method::GET, "/api/users", Auth::None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let new = json!({"name": "dee", "role": "curator", "password": PASSWORD});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        "/api/users",
        Auth::Bearer(&admin),
        Some(new.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["role"], "curator");
    assert!(body.get("password").is_none() && !body.to_string().contains(PASSWORD));
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        "/api/users",
        Auth::Bearer(&admin),
        Some(new),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let bad = json!({"name": "eve", "role": "owner", "password": PASSWORD});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        "/api/users",
        Auth::Bearer(&admin),
        Some(bad),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(error(&body).contains("curator, analyst, admin"), "{body}");
    let (_, _, body) = call(
        &w.app,
        Method::GET,
        "/api/users",
        Auth::Bearer(&admin),
        None,
    )
    .await;
    let names: Vec<&str> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["adm", "ana", "cid", "dee"]);
}

#[tokio::test]
async fn a_second_edit_on_the_same_version_is_a_409_with_the_current_record() {
    let w = world(&[], AccessConfig::default());
    let id = &w.ids[2];
    let uri = format!("/api/items/{id}");
    let seen = get(&w.app, &uri).await;
    assert_eq!(seen["version"], 0);
    let first =
        json!({"version": 0, "title": "Fonds municipal pour les coopératives", "year": 2021});
    let second = json!({"version": 0, "title": "Autre titre", "themes": ["T1"]});
    let (status, _, body) = call(
        &w.app,
        Method::PATCH,
        &uri,
        Auth::Bearer(ALICE),
        Some(first),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], 1);
    assert_eq!(body["title"], "Fonds municipal pour les coopératives");
    assert_eq!(body["candidate"]["year"], 2021);
    assert_eq!(body["crawled"]["title"], "Un fonds pour les coopératives");

    let (status, _, body) = call(
        &w.app,
        Method::PATCH,
        &uri,
        Auth::Bearer(ALICE),
        Some(second),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(error(&body).contains("version 1"), "{body}");
    assert_eq!(body["current"]["version"], 1);
    assert_eq!(
        body["current"]["title"],
        "Fonds municipal pour les coopératives"
    );
    assert_eq!(body["current"]["candidate"]["themes"], json!(["T3"]));
    // Search shows the correction too.
    let found = get(&w.app, "/api/search?q=municipal").await;
    assert_eq!(
        found["hits"][0]["title"], "Fonds municipal pour les coopératives",
        "{found}"
    );

    // A review carrying an old version is refused the same way.
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &format!("{uri}/review"),
        Auth::Bearer(ALICE),
        Some(json!({"decision": "approve", "version": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(get(&w.app, &uri).await["status"], "unreviewed");
}

#[tokio::test]
async fn bad_corrections_and_reasons_are_400s_naming_the_field() {
    let w = world(&[], AccessConfig::default());
    let uri = format!("/api/items/{}", w.ids[2]);
    let cases = [
        (json!({"title": "x"}), "field version is missing"),
        (json!({"version": "0", "title": "x"}), "field version"),
        (json!({"version": 0}), "changes no field"),
        (
            json!({"version": 0, "colour": "red"}),
            "unknown field `colour`",
        ),
        (json!({"version": 0, "title": " "}), "field title is empty"),
        (json!({"version": 0, "year": 12}), "field year"),
        (
            json!({"version": 0, "places": [{"name": "Lyon", "country": "France"}]}),
            "field places",
        ),
    ];
    for (body, expected) in cases {
        let (status, _, response) = call(
            &w.app,
            Method::PATCH,
            &uri,
            Auth::Bearer(ALICE),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {response}");
        assert!(error(&response).contains(expected), "{body}: {response}");
    }
    let (status, _, response) = call(
        &w.app,
        Method::POST,
        &format!("{uri}/review"),
        Auth::Bearer(ALICE),
        Some(json!({"decision": "reject", "reason": "boring"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{response}");
    assert!(
        error(&response).contains("not_a_practice, out_of_scope"),
        "{response}"
    );
    assert_eq!(get(&w.app, &uri).await["version"], 0);
}

#[tokio::test]
async fn every_change_is_in_the_history_and_undo_restores_the_state_before() {
    let w = world(&[("cid", Role::Curator)], AccessConfig::default());
    let cid = w.store.new_token("cid").unwrap();
    let id = &w.ids[0];
    let uri = format!("/api/items/{id}");
    let before = Utc::now();
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &format!("{uri}/review"),
        Auth::Bearer(ALICE),
        Some(json!({"decision": "reject", "reason": "out_of_scope", "note": "a market, not housing"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reason"], "out_of_scope");
    let (status, _, body) = call(
        &w.app,
        Method::PATCH,
        &uri,
        Auth::Bearer(&cid),
        Some(json!({"version": 1, "summary": "Une coopérative d'habitants."})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let history = get(&w.app, &format!("{uri}/history")).await["history"].clone();
    let entries = history.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["actor"], "alice");
    assert_eq!(entries[0]["action"], "review");
    assert_eq!(entries[0]["before"], json!({"review": null}));
    assert_eq!(entries[0]["after"]["review"]["decision"], "reject");
    assert_eq!(entries[0]["after"]["review"]["reason"], "out_of_scope");
    let at: DateTime<Utc> = entries[0]["at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before && at <= Utc::now(), "{at}");
    assert_eq!(entries[1]["actor"], "cid");
    assert_eq!(entries[1]["before"], json!({"corrections": {}}));
    assert_eq!(
        entries[1]["after"],
        json!({"corrections": {"summary": "Une coopérative d'habitants."}})
    );
    // The item shows its history; its duplicate shares the decision and
    // shows the decision's entry.
    assert_eq!(get(&w.app, &uri).await["history"], history);
    let dup = get(&w.app, &format!("/api/items/{}", w.ids[1])).await;
    assert_eq!(dup["status"], "rejected");
    assert_eq!(dup["history"].as_array().unwrap().len(), 1);

    // Undo the correction, then the rejection (group-wide).
    let undo = format!("{uri}/undo");
    let (status, _, body) = call(&w.app, Method::POST, &undo, Auth::Bearer(&cid), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["candidate"]["summary"], Value::Null);
    assert_eq!(body["version"], 3);
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &undo,
        Auth::Bearer(&cid),
        Some(json!({"version": 3})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "unreviewed");
    assert_eq!(
        get(&w.app, &format!("/api/items/{}", w.ids[1])).await["status"],
        "unreviewed"
    );
    let (status, _, body) = call(&w.app, Method::POST, &undo, Auth::Bearer(&cid), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(error(&body).contains("no change left to undo"), "{body}");

    // The log only grew: the first two entries are as they were.
    let after = get(&w.app, &format!("{uri}/history")).await["history"].clone();
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), 4);
    assert_eq!(after[..2], entries[..]);
    assert_eq!(after[2]["action"], "undo");
    assert_eq!(after[2]["undoes"], entries[1]["seq"]);
    assert_eq!(after[3]["before"]["review"]["decision"], "reject");
    assert_eq!(after[3]["after"], json!({"review": null}));
    let search = get(&w.app, "/api/search?status=rejected").await;
    assert_eq!(search["total"], 0, "{search}");
}

#[tokio::test]
async fn sign_in_sets_a_session_cookie_that_writes_until_sign_out() {
    let w = world(&[("cid", Role::Curator)], AccessConfig::default());
    let uri = format!("/api/items/{}/review", w.ids[2]);
    let (status, headers, body) = call(
        &w.app,
        Method::POST,
        "/api/login",
        Auth::None,
        Some(json!({"name": "cid", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"name": "cid", "role": "curator"}));
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("veille_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();

    let me = call(&w.app, Method::GET, "/api/me", Auth::Cookie(&cookie), None).await;
    assert_eq!(me.2, json!({"name": "cid", "role": "curator"}));
    let approve = json!({"decision": "approve"});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &uri,
        Auth::Cookie(&cookie),
        Some(approve.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["review"]["curator"], "cid");

    // A page of another site cannot write with the cookie.
    let req = Request::post(&uri)
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "veille.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(approve.to_string()))
        .unwrap();
    let (status, _, body) = send(&w.app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, headers, _) = call(
        &w.app,
        Method::POST,
        "/api/logout",
        Auth::Cookie(&cookie),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &uri,
        Auth::Cookie(&cookie),
        Some(approve),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Wrong password, unknown name: the same 401.
    for (name, password) in [("cid", "not the password"), ("nobody", PASSWORD)] {
        let (status, headers, body) = call(
            &w.app,
            Method::POST,
            "/api/login",
            Auth::None,
            Some(json!({"name": name, "password": password})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(error(&body).contains("wrong name or password"), "{body}");
        assert!(headers.get(header::SET_COOKIE).is_none());
    }
}

#[tokio::test]
async fn a_form_sign_in_redirects_and_secure_cookies_when_configured() {
    let config = AccessConfig {
        secure_cookies: true,
        ..AccessConfig::default()
    };
    let w = world(&[("ana", Role::Analyst)], config);
    for (next, location) in [("/queue", Some("/queue")), ("//evil.example/", None)] {
        let form = format!(
            "name=ana&password={}&next={}",
            PASSWORD.replace(' ', "+"),
            next
        );
        let req = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        let (status, headers, body) = send(&w.app, req).await;
        let set = headers[header::SET_COOKIE].to_str().unwrap();
        assert!(set.contains("; Secure"), "{set}");
        match location {
            Some(location) => {
                assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
                assert_eq!(headers[header::LOCATION], location);
            }
            None => assert_eq!(status, StatusCode::OK, "{body}"),
        }
    }
}

#[tokio::test]
async fn an_account_token_authenticates_scripts() {
    let w = world(&[("cid", Role::Curator)], AccessConfig::default());
    let token = w.store.new_token("cid").unwrap();
    let uri = format!("/api/items/{}/review", w.ids[2]);
    let body = json!({"decision": "reject", "reason": "low_quality"});
    let (status, _, response) = call(
        &w.app,
        Method::POST,
        &uri,
        Auth::Bearer(&token),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["review"]["curator"], "cid");
    assert_eq!(response["reason"], "low_quality");
    let wrong = format!("{}x", &token[1..]);
    let (status, headers, response) =
        call(&w.app, Method::POST, &uri, Auth::Bearer(&wrong), Some(body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{response}");
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    assert!(!error(&response).contains(&wrong));
}

#[tokio::test]
async fn big_bodies_are_413s_and_fast_writers_get_429s() {
    let config = AccessConfig {
        writes_per_minute: 3,
        ..AccessConfig::default()
    };
    let w = world(&[], config);
    let uri = format!("/api/items/{}", w.ids[2]);
    let huge = json!({"version": 0, "summary": "x".repeat(crate::REVIEW_BODY_LIMIT + 1)});
    let (status, _, body) =
        call(&w.app, Method::PATCH, &uri, Auth::Bearer(ALICE), Some(huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(error(&body).contains("64 KiB"), "{body}");
    // The 413 counted as the first write; two more pass, the fourth waits.
    for version in 0..2 {
        let fix = json!({"version": version, "year": 2000 + version});
        let (status, _, body) =
            call(&w.app, Method::PATCH, &uri, Auth::Bearer(ALICE), Some(fix)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let fix = json!({"version": 2, "year": 2010});
    let (status, headers, body) =
        call(&w.app, Method::PATCH, &uri, Auth::Bearer(ALICE), Some(fix)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(error(&body).contains("at most 3 a minute"), "{body}");
    // Reads are not limited.
    assert_eq!(get(&w.app, &uri).await["candidate"]["year"], 2001);
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let config = AccessConfig {
        cors_origins: vec!["https://portal.example".to_string()],
        ..AccessConfig::default()
    };
    let configured = world(&[], config);
    let closed = world(&[], AccessConfig::default());
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/queue")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PATCH")
            .body(Body::empty())
            .unwrap()
    };
    let allow = |headers: &HeaderMap| {
        headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let response = configured
        .app
        .clone()
        .oneshot(preflight("https://portal.example"))
        .await
        .unwrap();
    assert_eq!(
        allow(response.headers()).as_deref(),
        Some("https://portal.example")
    );
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_CREDENTIALS],
        "true"
    );
    let methods = response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap();
    assert!(methods.contains("PATCH"), "{methods}");
    for app in [&configured.app, &closed.app] {
        let response = app
            .clone()
            .oneshot(preflight("https://evil.example"))
            .await
            .unwrap();
        assert_eq!(allow(response.headers()), None);
        let req = Request::get("/api/queue")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = send(app, req).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(allow(&headers), None);
    }
    let req = Request::get("/api/queue")
        .header(header::ORIGIN, "https://portal.example")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(&configured.app, req).await;
    assert_eq!(allow(&headers).as_deref(), Some("https://portal.example"));
}

#[tokio::test]
async fn the_queue_is_best_first_one_per_duplicate_group() {
    let w = world(&[], AccessConfig::default());
    let body = get(&w.app, "/api/queue").await;
    assert_eq!(body["total"], 2);
    let got: Vec<(&str, u64)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["duplicates"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [(w.ids[0].as_str(), 1), (w.ids[2].as_str(), 0)]);
    assert_eq!(body["items"][0]["status"], "unreviewed");
    assert_eq!(body["items"][0]["version"], 0);
    let page2 = get(&w.app, "/api/queue?page=2&per_page=1").await;
    assert_eq!(page2["items"][0]["id"], w.ids[2].as_str());
    for bad in ["page=0", "per_page=1000", "page=x", "sort=score"] {
        let (status, _, body) = call(
            &w.app,
            Method::GET,
            &format!("/api/queue?{bad}"),
            Auth::None,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    // A decision on the duplicate takes its group out.
    let (status, _, _) = call(
        &w.app,
        Method::POST,
        &format!("/api/items/{}/review", w.ids[1]),
        Auth::Bearer(ALICE),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let body = get(&w.app, "/api/queue").await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["id"], w.ids[2].as_str());
}

#[tokio::test]
async fn saved_searches_belong_to_their_account() {
    let w = world(
        &[("ana", Role::Analyst), ("bea", Role::Analyst)],
        AccessConfig::default(),
    );
    let ana = sign_in(&w.app, "ana").await;
    let bea = w.store.new_token("bea").unwrap();
    let save = json!({"name": "housing", "query": "?q=coopérative&lang=fr"});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        "/api/saved-searches",
        Auth::None,
        Some(save.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, saved) = call(
        &w.app,
        Method::POST,
        "/api/saved-searches",
        Auth::Cookie(&ana),
        Some(save),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["owner"], "ana");
    assert_eq!(saved["query"], "q=coopérative&lang=fr");
    let id = saved["id"].as_i64().unwrap();
    assert_eq!(
        w.store.saved_search(id).unwrap().unwrap().feed_key,
        saved["feed_key"]
    );
    let bad = json!({"name": "bad", "query": "lang=french"});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        "/api/saved-searches",
        Auth::Cookie(&ana),
        Some(bad),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(error(&body).contains("lang"), "{body}");
    // A name already used is a conflict with that search.
    let again = json!({"name": " housing ", "query": "q=logement"});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        "/api/saved-searches",
        Auth::Cookie(&ana),
        Some(again),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["id"], id, "{body}");

    let (_, _, list) = call(
        &w.app,
        Method::GET,
        "/api/saved-searches",
        Auth::Bearer(&bea),
        None,
    )
    .await;
    assert_eq!(list["saved_searches"], json!([]));
    let uri = format!("/api/saved-searches/{id}");
    let (status, _, _) = call(&w.app, Method::DELETE, &uri, Auth::Bearer(&bea), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, list) = call(
        &w.app,
        Method::GET,
        "/api/saved-searches",
        Auth::Cookie(&ana),
        None,
    )
    .await;
    assert_eq!(list["saved_searches"][0]["id"], id);
    let (status, _, _) = call(&w.app, Method::DELETE, &uri, Auth::Cookie(&ana), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(w.store.saved_search(id).unwrap().is_none());
}

#[tokio::test]
async fn whole_numbers_written_with_a_fraction_are_whole_numbers() {
    let w = world(&[], AccessConfig::default());
    let uri = format!("/api/items/{}", w.ids[2]);
    let fix = json!({"version": 0.0, "year": 2019.0, "title": "Un fonds"});
    let (status, _, body) = call(&w.app, Method::PATCH, &uri, Auth::Bearer(ALICE), Some(fix)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["candidate"]["year"], 2019);
    let review = json!({"decision": "approve", "version": 1.0});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &format!("{uri}/review"),
        Auth::Bearer(ALICE),
        Some(review),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let undo = json!({"version": 2.0});
    let (status, _, body) = call(
        &w.app,
        Method::POST,
        &format!("{uri}/undo"),
        Auth::Bearer(ALICE),
        Some(undo),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fraction = json!({"version": 3.5, "title": "x"});
    let (status, _, _) = call(
        &w.app,
        Method::PATCH,
        &uri,
        Auth::Bearer(ALICE),
        Some(fraction),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
