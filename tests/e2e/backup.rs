//! Backups: `veille backup` taken while a crawl writes is a consistent
//! store; `veille restore` brings it back (the store it replaces kept
//! beside it) with an index rebuilt to agree with it.

use std::time::Duration;

use crate::crash::{verify, Rng, World};
use crate::support::Home;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_crawl_restores_to_a_consistent_state() {
    let world = World::start().await;
    let mut rng = Rng::new();
    let home = Home::new(&world.config());
    let first = home.veille(&["crawl", "--once", "--quiet"]).await;
    assert!(first.code.is_some(), "{}", first.stderr);
    let before = verify(&home, "first crawl").await;

    // A new edition, crawled while backups are taken.
    world
        .edition
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut crawl = home.spawn(&["crawl", "--once", "--quiet"]);
    tokio::time::sleep(rng.between(Duration::from_millis(200), Duration::from_secs(3))).await;
    let backup = home.dir.path().join("mid-crawl.db");
    let out = home.veille(&["backup", backup.to_str().unwrap()]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("backed up"), "{}", out.stdout);
    // The same path again is refused: a backup never overwrites.
    let again = home.veille(&["backup", backup.to_str().unwrap()]).await;
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(crawl.wait().await.unwrap().code().is_some());
    let after = verify(&home, "crawl during the backup").await;

    // Restored into a new home: a whole store, and an index that agrees.
    let restored = Home::new(&world.config());
    let out = restored
        .veille(&["restore", backup.to_str().unwrap()])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let report = verify(&restored, "restored backup").await;
    let items = report["store_items"].as_u64().unwrap();
    assert!(items >= before["store_items"].as_u64().unwrap(), "{report}");
    assert!(items <= after["store_items"].as_u64().unwrap(), "{report}");
    assert!(
        report["store_change_seq"].as_i64().unwrap()
            >= before["store_change_seq"].as_i64().unwrap()
    );
    let search = restored.veille(&["search", "Story", "--json"]).await;
    assert_eq!(search.code, Some(0), "{}", search.stderr);
    assert!(search.stdout.contains("Story"), "{}", search.stdout);

    // Restored over the home it came from, twice within a second: each
    // store it replaces is kept beside it.
    for expected in 1..=2 {
        let out = home.veille(&["restore", backup.to_str().unwrap()]).await;
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert_eq!(
            replaced_stores(&home),
            expected,
            "the replaced store is kept"
        );
    }
    let report = verify(&home, "restored over its own home").await;
    assert_eq!(report["store_items"].as_u64().unwrap(), items);

    // Not a backup: a clear refusal, and the store untouched.
    let junk = home.dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let out = home.veille(&["restore", junk.to_str().unwrap()]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("junk.db"), "{}", out.stderr);
    assert_eq!(
        verify(&home, "refused restore").await["store_items"]
            .as_u64()
            .unwrap(),
        items
    );
}

/// How many replaced stores a restore kept in `home`'s data directory.
fn replaced_stores(home: &Home) -> usize {
    std::fs::read_dir(home.data())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("veille.db.before-restore-")
        })
        .count()
}
