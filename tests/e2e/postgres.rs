//! PostgreSQL as the store: `veille migrate --to postgres` copies a
//! crawled SQLite store into a PostgreSQL database the test starts itself
//! (`veille_store::testing`; skipped, loudly, where PostgreSQL is not
//! installed), and veille then works from the copy, selected by
//! `[store] url`.

use crate::accounts::{add_user, token_of};
use crate::crash::{verify, World};
use crate::support::Home;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawled_store_migrated_to_postgres_serves_the_same_search() {
    let Some(url) = veille_store::testing::postgres_url() else {
        return;
    };
    let world = World::start().await;
    let home = Home::new(&world.config());
    let crawl = home.veille(&["crawl", "--once", "--quiet"]).await;
    assert_eq!(crawl.code, Some(0), "{}", crawl.stderr);
    let before = verify(&home, "the SQLite store").await;
    let items = before["store_items"].as_u64().unwrap();
    assert!(items > 10, "{before}");

    let out = home
        .veille(&["migrate", "--to", "postgres", "--url", &url])
        .await;
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!("items: {items} row(s)")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("the copy is identical"),
        "{}",
        out.stdout
    );
    // Into a database that already holds a store: refused, nothing changed.
    let again = home
        .veille(&["migrate", "--to", "postgres", "--url", &url])
        .await;
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);

    // A home whose list names the database: its index is built from the
    // copy, and answers as the SQLite home does.
    let on_postgres = Home::new(&format!("{}\n[store]\nurl = \"{url}\"\n", world.config()));
    let reindex = on_postgres.veille(&["reindex"]).await;
    assert_eq!(reindex.code, Some(0), "{}", reindex.stderr);
    let after = verify(&on_postgres, "the PostgreSQL store").await;
    assert_eq!(after["store_items"], before["store_items"]);
    assert_eq!(after["store_change_seq"], before["store_change_seq"]);
    // The same groups, each with its duplicates (which member stands for a
    // group, and the order of equal scores, follow the index's segments).
    let (sqlite, postgres) = (search_ids(&home).await, search_ids(&on_postgres).await);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);

    // SQLite's backups are refused with what to use instead.
    let backup = on_postgres.dir.path().join("b.db");
    let out = on_postgres
        .veille(&["backup", backup.to_str().unwrap()])
        .await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("pg_dump"), "{}", out.stderr);
    // A wrong URL is named, its password hidden.
    let bad = Home::new(&format!(
        "{}\n[store]\nurl = \"postgres://veille:hunter2@127.0.0.1:1/none\"\n",
        world.config()
    ));
    let out = bad.veille(&["verify"]).await;
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("127.0.0.1:1"), "{}", out.stderr);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
}

/// The groups `veille search Story` finds, with their sizes, sorted.
async fn search_ids(home: &Home) -> Vec<(String, u64)> {
    let out = home
        .veille(&["search", "Story", "--json", "--limit", "50"])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let body: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut groups: Vec<(String, u64)> = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["group_id"].as_str().unwrap().to_string(),
                h["duplicates"].as_u64().unwrap(),
            )
        })
        .collect();
    groups.sort();
    groups
}

/// Two API nodes on one PostgreSQL store, each with its own index: what is
/// crawled and a review made on one node are found on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_on_one_api_node_is_searched_on_every_node() {
    let Some(url) = veille_store::testing::postgres_url() else {
        return;
    };
    let world = World::start().await;
    let config = format!("{}\n[store]\nurl = \"{url}\"\n", world.config());
    let (a, b) = (Home::new(&config), Home::new(&config));
    add_user(&a, "ana", "curator", "correct horse battery").await;
    let token = token_of(&b, "ana").await;
    let node_a = a.start_with(&["run", "--role", "api"], &[]).await;
    let node_b = b.start_with(&["run", "--role", "api"], &[]).await;
    // A crawl by a third process reaches both nodes' indexes.
    let crawler = Home::new(&config);
    let crawl = crawler.veille(&["crawl", "--once", "--quiet"]).await;
    assert_eq!(crawl.code, Some(0), "{}", crawl.stderr);
    let total = |body: &serde_json::Value| body["total"].as_u64().unwrap_or(0);
    let mut found = (0, 0);
    for _ in 0..40 {
        found = (
            total(&node_a.get("/api/search?q=Story").await.1),
            total(&node_b.get("/api/search?q=Story").await.1),
        );
        if found.0 > 0 && found.0 == found.1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(found.0 > 0 && found.0 == found.1, "{found:?}");

    // A review on node A is searched on node B within 2 s.
    let (_, body) = node_a.get("/api/search?q=Story&status=unreviewed").await;
    let id = body["hits"][0]["id"].as_str().unwrap().to_string();
    // The review is the group's: any member may stand for it in a search.
    let group = body["hits"][0]["group_id"].as_str().unwrap().to_string();
    let (status, _) = node_a
        .post(
            &format!("/api/items/{id}/review"),
            Some(&token),
            &serde_json::json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 200);
    let started = std::time::Instant::now();
    let approved = loop {
        let (_, body) = node_b.get("/api/search?q=Story&status=approved").await;
        let groups: Vec<&str> = body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["group_id"].as_str().unwrap())
            .collect();
        let seen = groups.contains(&group.as_str());
        if seen || started.elapsed() > std::time::Duration::from_secs(5) {
            break seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let took = started.elapsed();
    assert!(approved, "node B never saw the review");
    assert!(
        took < std::time::Duration::from_secs(2),
        "node B saw it after {took:?}"
    );
    node_a.stop().await;
    node_b.stop().await;
}
