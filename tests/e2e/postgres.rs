//! PostgreSQL as the store: `veille migrate --to postgres` copies a
//! crawled SQLite store into a PostgreSQL database the test starts itself
//! (`veille_store::testing`; skipped, loudly, where PostgreSQL is not
//! installed), and veille then works from the copy, selected by
//! `[store] url`.

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
