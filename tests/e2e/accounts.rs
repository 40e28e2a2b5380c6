//! Accounts through the real binary: `veille users add` (password on
//! standard input), sign-in with a session cookie, `veille users token` for
//! scripts, and roles: curators write, analysts only read.

use std::process::Stdio;

use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::support::*;

/// The API token `veille users token` prints for an account.
pub async fn token_of(home: &Home, name: &str) -> String {
    let out = home.veille(&["users", "token", name]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    out.stdout.trim().lines().last().unwrap().trim().to_string()
}

pub async fn add_user(home: &Home, name: &str, role: &str, password: &str) {
    let mut child = tokio::process::Command::new(BIN)
        .arg("--config")
        .arg(home.config())
        .arg("--data")
        .arg(home.data())
        .args(["users", "add", name, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{password}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "users add {name}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curators_sign_in_and_write_analysts_only_read() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    home.veille(&["crawl", "--once"]).await;
    add_user(&home, "alice", "curator", "correct horse battery").await;
    add_user(&home, "ann", "analyst", "analyst password 1").await;
    let token = home.veille(&["users", "token", "ann"]).await;
    assert_eq!(token.code, Some(0), "{}", token.stderr);
    let ann_token = token
        .stdout
        .trim()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();

    let api = home.start("serve", &[]).await;
    let (_, all) = api.get("/api/search?q=Montr%C3%A9al%20fonds").await;
    let id = hits(&all)[0]["id"].as_str().unwrap().to_string();
    let review = format!("/api/items/{id}/review");
    let approve = json!({"decision": "approve", "reason": null, "note": "municipal fund"});

    // Wrong password: no session.
    let resp = api
        .http
        .post(api.url("/api/login"))
        .json(&json!({"name": "alice", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);

    // The curator signs in: an HTTP-only session cookie.
    let resp = api
        .http
        .post(api.url("/api/login"))
        .json(&json!({"name": "alice", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();
    let resp = api
        .http
        .post(api.url(&review))
        .header("cookie", &session)
        .json(&approve)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "{}",
        resp.text().await.unwrap()
    );
    let (_, item) = api.get(&format!("/api/items/{id}")).await;
    assert_eq!(item["status"], "approved");
    assert_eq!(item["review"]["curator"], "alice");

    // The analyst's token reads but cannot write.
    let resp = api
        .http
        .get(api.url("/api/search"))
        .bearer_auth(&ann_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (status, body) = api
        .post(&review, Some(&ann_token), &json!({"decision": "reject"}))
        .await;
    assert_eq!(status, 403, "{body}");
    let (_, item) = api.get(&format!("/api/items/{id}")).await;
    assert_eq!(item["status"], "approved", "the analyst changed nothing");
    api.stop().await;
}
