//! The collection point through the real router: receipts and status,
//! the curators' decisions, and the abuse rules (a flood from one address,
//! oversized fields and bodies, markup kept as text, URLs to private
//! networks and other schemes, the hidden field).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use veille_store::Role;

use crate::items::tests::{call, error, send, world, Auth, ALICE};
use crate::AccessConfig;

/// A submission from `address`, with a bearer token if given.
async fn submit(
    app: &Router,
    address: &str,
    token: Option<&str>,
    body: &Value,
) -> (StatusCode, HeaderMap, Value) {
    submit_via(app, address, None, token, body).await
}

/// A submission from `address`, with an `X-Forwarded-For` if given.
async fn submit_via(
    app: &Router,
    address: &str,
    forwarded_for: Option<&str>,
    token: Option<&str>,
    body: &Value,
) -> (StatusCode, HeaderMap, Value) {
    let address: SocketAddr = format!("{address}:40000").parse().unwrap();
    let mut req = Request::post("/api/submissions")
        .header(header::CONTENT_TYPE, "application/json")
        .extension(ConnectInfo(address));
    if let Some(chain) = forwarded_for {
        req = req.header("x-forwarded-for", chain);
    }
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, req.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_is_counted_by_the_address_it_forwards() {
    let config = AccessConfig::from_vars(|name| {
        (name == "VEILLE_TRUSTED_PROXIES").then(|| "10.0.0.0/8, ::1".to_string())
    })
    .unwrap();
    let config = AccessConfig {
        submissions_per_hour: 2,
        ..config
    };
    let w = world(&[], config);
    let body = practice("https://coop.example/a");
    let created = |r: (StatusCode, HeaderMap, Value)| r.0 == StatusCode::CREATED;
    // Two visitors through the same proxy each have their own allowance.
    for _ in 0..2 {
        assert!(created(
            submit_via(&w.app, "10.0.0.5", Some("198.51.100.1"), None, &body).await
        ));
        assert!(created(
            submit_via(&w.app, "10.0.0.5", Some("198.51.100.2"), None, &body).await
        ));
    }
    let (status, _, _) = submit_via(&w.app, "10.0.0.5", Some("198.51.100.1"), None, &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // What a client writes left of the proxies is not believed: the address
    // the last trusted proxy saw is the one counted.
    let (status, _, _) = submit_via(
        &w.app,
        "10.0.0.5",
        Some("203.0.113.50, 198.51.100.1, 10.1.1.1"),
        None,
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A client that is not a trusted proxy cannot choose its address.
    for _ in 0..2 {
        let sent = submit_via(&w.app, "192.0.2.7", Some("198.51.100.9"), None, &body).await;
        assert!(created(sent));
    }
    let (status, _, _) = submit_via(&w.app, "192.0.2.7", Some("198.51.100.10"), None, &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A bad entry counts against the proxy that passed it on.
    let (status, _, _) = submit_via(&w.app, "[::1]", Some("not-an-address"), None, &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, _) = submit_via(&w.app, "[::1]", Some("<script>"), None, &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, _) = submit_via(&w.app, "[::1]", None, None, &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn trusted_proxies_are_read_from_the_environment_and_a_bad_one_is_named() {
    let read = |value: &str| {
        let value = value.to_string();
        AccessConfig::from_vars(move |name| {
            (name == "VEILLE_TRUSTED_PROXIES").then(|| value.clone())
        })
    };
    let config = read(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,").unwrap();
    let nets: Vec<String> = config
        .trusted_proxies
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(nets, ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]);
    let err = read("10.0.0.0/8, proxy.local").unwrap_err();
    assert!(
        err.contains("VEILLE_TRUSTED_PROXIES has \"proxy.local\""),
        "{err}"
    );
    assert!(AccessConfig::default().trusted_proxies.is_empty());
}

fn practice(url: &str) -> Value {
    json!({"kind": "practice", "url": url, "name": "Coop", "themes": ["T1"]})
}

async fn listed(app: &Router) -> Value {
    let (status, _, body) = call(
        app,
        Method::GET,
        "/api/submissions",
        Auth::Bearer(ALICE),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn decide(app: &Router, receipt: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let uri = format!("/api/submissions/{receipt}/decision");
    let (status, _, body) = call(app, Method::POST, &uri, Auth::Bearer(token), Some(body)).await;
    (status, body)
}

#[tokio::test]
async fn a_receipt_opens_its_status_which_says_published_after_the_curators_decision() {
    let w = world(&[("ripess", Role::Partner)], AccessConfig::default());
    let (status, _, got) = submit(
        &w.app,
        "203.0.113.9",
        None,
        &practice("https://coop.example/a"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    let receipt = got["receipt"].as_str().unwrap().to_string();
    assert!(veille_store::is_receipt(&receipt), "{receipt}");
    assert_eq!(got["status_url"], format!("/api/submissions/{receipt}"));

    let status_of = |r: String| {
        let app = w.app.clone();
        async move {
            let uri = format!("/api/submissions/{r}");
            call(&app, Method::GET, &uri, Auth::None, None).await
        }
    };
    let (status, _, view) = status_of(receipt.clone()).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "received");
    assert_eq!(view["kind"], "practice");
    assert!(
        view.get("submitted_by").is_none() && view.get("url").is_none(),
        "{view}"
    );
    // Anything but a receipt finds nothing.
    for other in ["0".repeat(32), "p1".to_string(), receipt.to_uppercase()] {
        assert_eq!(status_of(other).await.0, StatusCode::NOT_FOUND);
    }

    // Only curators list and decide.
    let (status, _, _) = call(&w.app, Method::GET, "/api/submissions", Auth::None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let partner = w.store.new_token("ripess").unwrap();
    let (status, _, body) = call(
        &w.app,
        Method::GET,
        "/api/submissions",
        Auth::Bearer(&partner),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error(&body).contains("ripess is a partner"), "{body}");
    let (status, _) = decide(&w.app, &receipt, &partner, json!({"status": "published"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let list = listed(&w.app).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["submissions"][0]["submitted_by"], "anonymous");
    assert_eq!(list["submissions"][0]["url"], "https://coop.example/a");

    // A decline needs a reason; an unknown receipt is a 404.
    let (status, body) = decide(&w.app, &receipt, ALICE, json!({"status": "declined"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = decide(
        &w.app,
        &"a".repeat(32),
        ALICE,
        json!({"status": "published"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = decide(&w.app, &receipt, ALICE, json!({"status": "in_review"})).await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::OK, &json!("in_review"))
    );
    let (status, body) = decide(&w.app, &receipt, ALICE, json!({"status": "published"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["decided_by"], "alice");
    assert_eq!(status_of(receipt.clone()).await.2["status"], "published");

    // Declined: the submitter reads why.
    let (_, _, other) = submit(
        &w.app,
        "203.0.113.9",
        None,
        &json!({"kind": "source", "url": "https://news.example/", "note": "a network's news"}),
    )
    .await;
    let other = other["receipt"].as_str().unwrap().to_string();
    let (status, _) = decide(
        &w.app,
        &other,
        ALICE,
        json!({"status": "declined", "reason": "already watched"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, view) = status_of(other).await;
    assert_eq!(
        (&view["status"], &view["reason"]),
        (&json!("declined"), &json!("already watched"))
    );
    let (_, _, declined) = call(
        &w.app,
        Method::GET,
        "/api/submissions?status=declined",
        Auth::Bearer(ALICE),
        None,
    )
    .await;
    assert_eq!(declined["total"], 1);
    let (status, _, _) = call(
        &w.app,
        Method::GET,
        "/api/submissions?sort=new",
        Auth::Bearer(ALICE),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_flood_from_one_address_gets_429_but_partners_and_other_addresses_go_on() {
    let config = AccessConfig {
        submissions_per_hour: 3,
        ..AccessConfig::default()
    };
    let w = world(&[("ripess", Role::Partner)], config);
    let body = practice("https://coop.example/a");
    for _ in 0..3 {
        assert_eq!(
            submit(&w.app, "198.51.100.7", None, &body).await.0,
            StatusCode::CREATED
        );
    }
    let (status, headers, got) = submit(&w.app, "198.51.100.7", None, &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{got}");
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    assert!(error(&got).contains("at most 3 an hour"), "{got}");
    // Junk counts too: a flood of bad bodies is stopped as well.
    assert_eq!(
        submit(&w.app, "198.51.100.7", None, &json!({})).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // An IPv6 client counts by its /64: another address in it is the same.
    for _ in 0..3 {
        assert_eq!(
            submit(&w.app, "[2001:db8:1:2::10]", None, &body).await.0,
            StatusCode::CREATED
        );
    }
    let (status, _, _) = submit(&w.app, "[2001:db8:1:2::99]", None, &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another address, and a partner's token from the same one.
    assert_eq!(
        submit(&w.app, "198.51.100.8", None, &body).await.0,
        StatusCode::CREATED
    );
    let partner = w.store.new_token("ripess").unwrap();
    for _ in 0..5 {
        let (status, _, got) = submit(&w.app, "198.51.100.7", Some(&partner), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{got}");
    }
    let list = listed(&w.app).await;
    assert_eq!(list["total"], 12);
    let by_partner = list["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["submitted_by"] == "ripess")
        .count();
    assert_eq!(by_partner, 5);
    // A token nobody holds is refused, not taken as anonymous.
    assert_eq!(
        submit(&w.app, "198.51.100.9", Some("nobody's"), &body)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn oversized_fields_are_400_and_an_oversized_body_413() {
    let w = world(&[], AccessConfig::default());
    let cases = [
        (
            json!({"kind": "practice", "url": "https://a.example/", "name": "n".repeat(301)}),
            "name: at most 300",
        ),
        (
            json!({"kind": "practice", "text": "t".repeat(10_001)}),
            "text: at most 10000",
        ),
        (
            json!({"kind": "practice", "text": "t", "themes": vec!["T1"; 21]}),
            "themes: at most 20",
        ),
        (
            json!({"kind": "practice", "name": "no url, no text"}),
            "url or text",
        ),
        (json!({"kind": "source", "note": "no url"}), "url: give"),
        (
            json!({"kind": "event", "url": "https://a.example/"}),
            "unknown variant",
        ),
        (
            json!({"kind": "practice", "url": "https://a.example/", "extra": 1}),
            "unknown field",
        ),
    ];
    for (body, expected) in cases {
        let (status, _, got) = submit(&w.app, "192.0.2.1", None, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {got}");
        assert!(error(&got).contains(expected), "{expected}: {got}");
    }
    let huge = json!({"kind": "practice", "text": "x".repeat(70 * 1024)});
    let (status, _, got) = submit(&w.app, "192.0.2.2", None, &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{got}");
    assert_eq!(listed(&w.app).await["total"], 0);
}

#[tokio::test]
async fn markup_is_stored_and_answered_as_the_text_it_is() {
    let w = world(&[], AccessConfig::default());
    let script = "<script>alert('x')</script>";
    let body = json!({"kind": "practice", "text": script, "name": format!("Coop {script}"), "contact": "<img src=x onerror=alert(1)>"});
    let (status, _, got) = submit(&w.app, "192.0.2.1", None, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    let receipt = got["receipt"].as_str().unwrap();
    let stored = w.store.submission(receipt).unwrap().unwrap();
    assert_eq!(stored.fields.text.as_deref(), Some(script));
    let list = listed(&w.app).await;
    assert_eq!(list["submissions"][0]["name"], format!("Coop {script}"));
    assert_eq!(
        list["submissions"][0]["contact"],
        "<img src=x onerror=alert(1)>"
    );
}

#[tokio::test]
async fn urls_to_private_networks_and_other_schemes_are_refused() {
    let w = world(&[], AccessConfig::default());
    // One address per URL, so that the rate limit stays out of the way.
    for (i, url) in [
        "http://127.0.0.1:8080/a",
        "http://10.1.2.3/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0x7f.1/",
        "http://2130706433/",
        "file:///etc/passwd",
        "ftp://files.example/x",
        "javascript:alert(1)",
        "gopher://a.example/",
        "not a url",
    ]
    .into_iter()
    .enumerate()
    {
        let address = format!("192.0.2.{}", i + 1);
        for kind in ["practice", "source"] {
            let (status, _, got) =
                submit(&w.app, &address, None, &json!({"kind": kind, "url": url})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {got}");
            assert!(error(&got).starts_with("url: "), "{url}: {got}");
        }
    }
    assert_eq!(listed(&w.app).await["total"], 0);
    // Where the crawler may fetch private addresses (tests on 127.0.0.1),
    // so may a submission name one.
    let config = AccessConfig {
        allow_private_urls: true,
        ..AccessConfig::default()
    };
    let w = world(&[], config);
    let (status, _, got) = submit(
        &w.app,
        "127.0.0.1",
        None,
        &practice("http://127.0.0.1:8080/a"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    let (status, _, _) = submit(&w.app, "127.0.0.1", None, &practice("file:///etc/passwd")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_hidden_field_gets_a_receipt_and_stores_nothing() {
    let w = world(&[], AccessConfig::default());
    let mut body = practice("https://coop.example/a");
    body["website_url2"] = json!("https://spam.example/");
    let (status, _, got) = submit(&w.app, "192.0.2.1", None, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    let receipt = got["receipt"].as_str().unwrap();
    assert!(veille_store::is_receipt(receipt));
    assert_eq!(got["status_url"], format!("/api/submissions/{receipt}"));
    assert_eq!(listed(&w.app).await["total"], 0);
    assert!(w.store.submission(receipt).unwrap().is_none());
    // Left empty, as people leave it, it changes nothing.
    body["website_url2"] = json!("");
    assert_eq!(
        submit(&w.app, "192.0.2.1", None, &body).await.0,
        StatusCode::CREATED
    );
    assert_eq!(listed(&w.app).await["total"], 1);
}

/// The property names of a schema of the OpenAPI document.
fn documented(doc: &Value, name: &str) -> Vec<String> {
    let mut names: Vec<String> = doc["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {name}"))
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

fn answered(value: &Value) -> Vec<String> {
    let mut names: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_answers_have_exactly_the_documented_fields() {
    let doc = crate::openapi::document();
    let w = world(&[], AccessConfig::default());
    let (_, _, receipt) = submit(&w.app, "192.0.2.1", None, &practice("https://a.example/")).await;
    assert_eq!(answered(&receipt), documented(&doc, "ReceiptDoc"));
    let r = receipt["receipt"].as_str().unwrap();
    let (_, _, state) = call(
        &w.app,
        Method::GET,
        &format!("/api/submissions/{r}"),
        Auth::None,
        None,
    )
    .await;
    assert_eq!(answered(&state), documented(&doc, "SubmissionStateDoc"));
    let list = listed(&w.app).await;
    assert_eq!(answered(&list), documented(&doc, "SubmissionListDoc"));
    assert_eq!(
        answered(&list["submissions"][0]),
        documented(&doc, "SubmissionDoc")
    );
    let (_, decided) = decide(&w.app, r, ALICE, json!({"status": "published"})).await;
    assert_eq!(answered(&decided), documented(&doc, "SubmissionDoc"));
    let retry =
        &doc["paths"]["/api/submissions"]["post"]["responses"]["429"]["headers"]["Retry-After"];
    assert_eq!(retry["schema"]["maximum"], 3600);
}
