//! The index follows the store: catch-up after a watermark, a rebuild of an
//! unusable index, and the writer's owner.

use std::time::Duration;

use veille_store::{Decision, Harvested, Review, Store};

use super::*;
use crate::ingest::prepare;

fn entry(n: usize, words: &str) -> Harvested {
    Harvested {
        source_id: "ripess".into(),
        url: format!("https://www.example.org/news/{n}"),
        title: Some(format!("News {n}: {words}")),
        summary: Some(format!(
            "<p>Item {n}. {words} The cooperative number {n} works with the city.</p>"
        )),
        ..Harvested::default()
    }
}

fn store_with(n: usize) -> Store {
    let store = Store::open_in_memory().unwrap();
    let items: Vec<_> = (0..n)
        .map(|i| prepare(&entry(i, &format!("distinct words {}", i * 7919))))
        .collect();
    store.upsert_items(&items).unwrap();
    store
}

/// The index's (id, status, version) agree with the store's.
fn assert_agree(index: &Index, store: &Store) {
    assert_eq!(index.documents().unwrap(), store.item_versions().unwrap());
}

#[test]
fn catch_up_applies_every_change_after_the_watermark_and_records_it() {
    let store = store_with(5);
    let index = Index::open_in_ram().unwrap();
    let done = catch_up(&index, &store).unwrap();
    assert_eq!(done.applied, 5);
    assert_eq!(done.watermark, store.change_seq().unwrap());
    assert_eq!(index.watermark(), done.watermark);
    assert_agree(&index, &store);

    // Nothing changed: nothing applied, nothing committed.
    assert_eq!(catch_up(&index, &store).unwrap().applied, 0);

    // A review changes one item (its status and version): only it is applied.
    let id = veille_store::item_id("https://www.example.org/news/3");
    let review = Review {
        decision: Decision::Approve,
        curator: "ana".into(),
        note: None,
        at: chrono::Utc::now(),
    };
    store.set_review(&id, &review).unwrap();
    let done = catch_up(&index, &store).unwrap();
    assert_eq!(done.applied, 1);
    assert_agree(&index, &store);
}

#[test]
fn an_index_reopened_after_a_crash_catches_up_from_its_committed_watermark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let store = store_with(3);
    {
        let index = open_synced(&path, &store).unwrap();
        assert_eq!(index.doc_count(), 3);
        // Applied but never committed: what a crash loses.
        let more: Vec<_> = (3..6).map(|i| prepare(&entry(i, "late words"))).collect();
        store.upsert_items(&more).unwrap();
        index
            .apply(&store.changes_after(index.watermark(), 100).unwrap())
            .unwrap();
    }
    let index = open_synced(&path, &store).unwrap();
    assert_eq!(index.doc_count(), 6);
    assert_agree(&index, &store);
}

#[test]
fn a_corrupt_index_is_rebuilt_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let store = store_with(4);
    drop(open_synced(&path, &store).unwrap());
    std::fs::write(path.join("meta.json"), b"{ not json").unwrap();
    let index = open_synced(&path, &store).unwrap();
    assert_eq!(index.doc_count(), 4);
    assert_agree(&index, &store);
}

#[tokio::test]
async fn the_owner_commits_after_its_debounce_and_at_once_on_a_flush() {
    let store = store_with(2);
    let index = std::sync::Arc::new(Index::open_in_ram().unwrap());
    let sync = IndexSync::spawn(index.clone(), store.clone(), Duration::from_millis(50)).unwrap();
    sync.flush().await.unwrap();
    assert_eq!(index.doc_count(), 2);

    store.upsert_item(&prepare(&entry(2, "third"))).unwrap();
    sync.changed();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while index.doc_count() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "no commit after the debounce"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    store.upsert_item(&prepare(&entry(3, "fourth"))).unwrap();
    let done = sync.flush().await.unwrap();
    assert_eq!(done.applied, 1);
    assert_eq!(index.doc_count(), 4);

    // Closing commits what is left.
    store.upsert_item(&prepare(&entry(4, "fifth"))).unwrap();
    sync.changed();
    tokio::task::spawn_blocking(move || sync.close())
        .await
        .unwrap();
    assert_eq!(index.doc_count(), 5);
    assert_agree(&index, &store);
}
