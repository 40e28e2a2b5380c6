//! The candidate model learns from the curators: decisions taken through
//! the API, `veille train` on them, and the next model scores the approved
//! kind of text higher and the rejected kind lower, in `veille extract`,
//! in the store (the items waiting are rescored) and, without a restart,
//! in the running server's search.

use std::collections::HashMap;
use std::time::Duration;

use crate::support::*;

/// `veille extract --text` of `text`: its candidate score.
async fn score_of(home: &Home, text: &str) -> f64 {
    let path = home.data().join("extract-input.txt");
    std::fs::create_dir_all(home.data()).unwrap();
    std::fs::write(&path, text).unwrap();
    let out = home
        .veille(&["extract", "--text", path.to_str().unwrap()])
        .await;
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    v["candidate"]["score"].as_f64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_and_rejecting_moves_the_next_models_scores() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    home.veille(&["crawl", "--once"]).await;
    let tokens = [("VEILLE_CURATOR_TOKENS", "alice=s3cret-a")];
    let api = home.start("serve", &tokens).await;
    let (status, all) = api.get("/api/search?per_page=100").await;
    assert_eq!(status, 200, "{all}");
    // Per source, its items' ids and texts.
    let mut by_source: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for hit in all["hits"].as_array().unwrap() {
        let id = hit["id"].as_str().unwrap().to_string();
        let (_, item) = api.get(&format!("/api/items/{id}")).await;
        by_source
            .entry(item["source_id"].as_str().unwrap().to_string())
            .or_default()
            .push((id, item["text"].as_str().unwrap().to_string()));
    }
    for items in by_source.values_mut() {
        items.sort();
    }
    // The curators approve the English pages, and reject the Spanish
    // feed's items as not practices, all but one of each.
    let approved = &by_source["cwn-en"];
    let rejected = &by_source["reas-es"];
    assert!(approved.len() >= 2 && rejected.len() >= 2, "{by_source:?}");
    let (kept_up, decided_up) = approved.split_last().unwrap();
    let (kept_down, decided_down) = rejected.split_last().unwrap();

    let mut before = Vec::new();
    for (_, text) in decided_up.iter().chain(decided_down) {
        before.push(score_of(&home, text).await);
    }
    let queued = |id: &str| {
        let id = id.to_string();
        let api = &api;
        async move {
            let (_, item) = api.get(&format!("/api/items/{id}")).await;
            item["candidate"]["score"].as_f64().unwrap()
        }
    };
    let up_before = queued(&kept_up.0).await;
    let down_before = queued(&kept_down.0).await;

    for ((id, _), decision) in decided_up
        .iter()
        .map(|i| (i, "approve"))
        .chain(decided_down.iter().map(|i| (i, "reject")))
    {
        let (_, item) = api.get(&format!("/api/items/{id}")).await;
        let mut body = serde_json::json!({"decision": decision, "version": item["version"]});
        if decision == "reject" {
            body["reason"] = "not_a_practice".into();
        }
        let (status, answer) = api
            .post(&format!("/api/items/{id}/review"), Some("s3cret-a"), &body)
            .await;
        assert_eq!(status, 200, "{answer}");
    }

    // Train on the corpus and these decisions (forced: a handful of
    // decisions may not move the cross-validated figures).
    let out = home.veille(&["train", "--force"]).await;
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("new model"), "{}", out.stdout);
    assert!(home.data().join("models/candidates-0001.json").exists());
    assert!(out.stderr.contains("rescored"), "{}", out.stderr);

    // The approved texts score higher, the rejected ones lower.
    let mut after = Vec::new();
    for (_, text) in decided_up.iter().chain(decided_down) {
        after.push(score_of(&home, text).await);
    }
    let n = decided_up.len();
    for i in 0..before.len() {
        if i < n {
            assert!(
                after[i] > before[i],
                "approved text {i}: {before:?} → {after:?}"
            );
        } else {
            assert!(
                after[i] < before[i],
                "rejected text {i}: {before:?} → {after:?}"
            );
        }
    }
    // The items still waiting were rescored by the new model in the store
    // (with their sources' decisions among its inputs).
    let up_after = queued(&kept_up.0).await;
    let down_after = queued(&kept_down.0).await;
    assert_ne!(up_after, up_before);
    assert_ne!(down_after, down_before);

    // The running server installed the new model and its search follows
    // the store, without a restart.
    let mut seen = None;
    for _ in 0..50 {
        let (_, hits) = api.get("/api/search?per_page=100").await;
        let hit = hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == kept_up.0.as_str())
            .cloned()
            .unwrap();
        seen = hit["candidate_score"].as_f64();
        if seen.is_some_and(|s| (s - up_after).abs() < 1e-6) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(seen, Some(up_after));
    api.stop().await;
}
