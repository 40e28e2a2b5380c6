//! The whole road on the fixture world: `veille crawl --once` with the real
//! binary against a local server, then the API of `veille serve`: the right
//! items with the right languages and themes, the broken source reported
//! while the others succeed, a second crawl that creates no duplicates and
//! gets 304s, a review that survives an edition of the page, a restart and a
//! `reindex`, and 400s for bad queries.

use serde_json::json;

use crate::support::*;

/// Items in the world: 3 French, 2 Spanish, 2 English pages, 2 linked pages.
const WORLD_ITEMS: u64 = 9;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_search_review_restart_reindex() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));

    // First pass: four sources succeed, the broken one fails and is named.
    let out = home.veille(&["crawl", "--once"]).await;
    assert_eq!(
        out.code,
        Some(1),
        "a failed source gives exit 1\n{}{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout.contains("sources: 4 ok, 1 failed"),
        "summary: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("items: {WORLD_ITEMS} new")),
        "{}",
        out.stdout
    );
    let broken_line = out.stdout.lines().find(|l| l.contains("broken")).unwrap();
    assert!(
        broken_line.contains("failed") && broken_line.contains("broken.xml"),
        "{broken_line}"
    );
    // The listing's navigation was not followed; the listing's duplicate link
    // (same page with a tracking parameter) was fetched once.
    site.seen(|s| {
        assert!(
            !s.requests.contains_key("/en/about.html"),
            "{:?}",
            s.requests
        );
        assert_eq!(s.requests.get("/en/news/land-trust.html"), Some(&1));
        assert_eq!(s.requests.get("/pages/lemonde-1.html"), Some(&1));
    });

    let api = home.start("serve", &[]).await;
    let (status, all) = api.get("/api/search?per_page=100").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], WORLD_ITEMS, "{all:#}");
    let items = hits(&all);
    let langs = &all["facets"]["lang"];
    assert_eq!(langs["fr"], 4, "{langs}");
    assert_eq!(langs["es"], 2, "{langs}");
    assert_eq!(langs["en"], 2, "{langs}");
    assert_eq!(langs["ca"], 1, "{langs}");
    assert_eq!(all["facets"]["source"]["cwn-en"], 2);
    assert!(all["facets"]["source"].get("broken").is_none());

    // Empty query: newest first.
    let dates: Vec<&str> = items
        .iter()
        .filter_map(|h| h["published"].as_str())
        .collect();
    assert!(dates.len() >= 8, "{dates:?}");
    let parsed: Vec<_> = dates
        .iter()
        .map(|d| chrono::DateTime::parse_from_rfc3339(d).unwrap())
        .collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // The French practice: language, theme (housing), a candidate; its URL
    // without tracking parameters; its date with the feed's offset.
    let montreal = hit_titled(&items, "Montréal lance un fonds");
    assert_eq!(montreal["lang"], "fr");
    assert_eq!(montreal["status"], "unreviewed");
    assert!(
        montreal["candidate_score"].as_f64().unwrap() >= 0.5,
        "{montreal}"
    );
    assert!(
        montreal["themes"]
            .as_array()
            .unwrap()
            .contains(&json!("T1")),
        "{montreal}"
    );
    assert_eq!(
        montreal["url"],
        site.url("/nouvelles/fonds-cooperatives-habitation")
    );
    assert_eq!(montreal["published"], "2024-05-12T09:30:00-04:00");
    let barcelona = hit_titled(&items, "Barcelona pone en marcha");
    assert_eq!(barcelona["lang"], "es");
    assert_eq!(
        barcelona["url"],
        site.url("/es/noticias/barcelona-cooperativas-vivienda")
    );
    assert!(
        barcelona["themes"]
            .as_array()
            .unwrap()
            .contains(&json!("T1")),
        "{barcelona}"
    );
    let preston = hit_titled(&items, "Preston");
    assert_eq!(preston["lang"], "en");
    assert_eq!(preston["title"], "How Preston built community wealth");

    // The event announcement is not a candidate.
    let webinar = hit_titled(&items, "Webinaire");
    let (_, record) = api
        .get(&format!("/api/items/{}", webinar["id"].as_str().unwrap()))
        .await;
    assert_eq!(record["candidate"]["is_candidate"], false, "{record:#}");

    // A summary-only entry got its linked page's main text, not its menus.
    let lemonde = hit_titled(&items, "renseignement");
    let (_, record) = api
        .get(&format!("/api/items/{}", lemonde["id"].as_str().unwrap()))
        .await;
    let text = record["text"].as_str().unwrap();
    assert!(
        text.contains("Il sera désormais examiné par le Sénat"),
        "{text}"
    );
    assert!(text.contains("lanceurs d’alerte"), "{text}");
    assert_eq!(record["lang"], "fr");
    let girona = hit_titled(&items, "Girona");
    assert_eq!(girona["lang"], "ca");

    // A search with words: stemmed, snippets marked, filters and facets.
    let (status, found) = api.get("/api/search?q=cooperativas%20vivienda").await;
    assert_eq!(status, 200);
    assert_eq!(hits(&found)[0]["title"], barcelona["title"], "{found:#}");
    assert!(
        hits(&found)[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>"),
        "{found:#}"
    );
    let (_, french) = api.get("/api/search?q=coop%C3%A9rative&lang=fr").await;
    assert!(
        hits(&french).iter().all(|h| h["lang"] == "fr"),
        "{french:#}"
    );
    assert!(french["total"].as_u64().unwrap() >= 2, "{french:#}");

    // Sources: the broken one failed with its error; the others are fine.
    let (_, sources) = api.get("/api/sources").await;
    let sources = sources["sources"].as_array().unwrap().clone();
    let source = |id: &str| sources.iter().find(|s| s["id"] == id).unwrap().clone();
    assert_eq!(source("broken")["last_outcome"], "failed");
    assert!(source("broken")["last_error"]
        .as_str()
        .unwrap()
        .contains("broken.xml"));
    assert_eq!(source("rqes-fr")["last_outcome"], "ok");
    assert_eq!(source("rqes-fr")["item_count"], 3);
    assert_eq!(source("cwn-en")["item_count"], 2);

    // Bad queries are 400s that say what is wrong, never 500s.
    for bad in [
        "/api/search?sort=bogus",
        "/api/search?page=0",
        "/api/search?per_page=100000",
        "/api/search?from=yesterday",
        "/api/search?q=%22unbalanced",
        "/api/search?page=abc",
    ] {
        let (status, body) = api.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{bad}: {body}"
        );
    }
    assert_eq!(api.stop().await, Some(0));

    // Second pass: nothing new, conditional GETs answered 304.
    site.reset_counts();
    let out = home.veille(&["crawl", "--once"]).await;
    assert!(
        out.stdout.contains("items: 0 new, 0 updated"),
        "{}",
        out.stdout
    );
    let not_modified = site.seen(|s| s.not_modified);
    assert!(not_modified >= 4, "304s on the second pass: {not_modified}");

    // Reviews need a curator token.
    let id = montreal["id"].as_str().unwrap().to_string();
    let review_path = format!("/api/items/{id}/review");
    let approve = json!({"decision": "approve", "note": "housing policy, Montréal"});
    let api = home.start("serve", &[]).await;
    let (status, body) = api.post(&review_path, Some("anything"), &approve).await;
    assert!(status == 401 || status == 403, "{status} {body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("VEILLE_CURATOR_TOKENS"),
        "{body}"
    );
    api.stop().await;

    let tokens = [("VEILLE_CURATOR_TOKENS", "alice=s3cret-a,bob=s3cret-b")];
    let api = home.start("serve", &tokens).await;
    let (status, _) = api.post(&review_path, None, &approve).await;
    assert_eq!(status, 401);
    let (status, _) = api.post(&review_path, Some("wrong"), &approve).await;
    assert_eq!(status, 401);
    let (status, body) = api.post(&review_path, Some("s3cret-a"), &approve).await;
    assert_eq!(status, 200, "{body}");
    let (_, approved) = api.get("/api/search?status=approved").await;
    assert_eq!(approved["total"], 1, "{approved:#}");
    assert_eq!(hits(&approved)[0]["id"], id.as_str());
    assert_eq!(approved["facets"]["status"]["approved"], 1);
    api.stop().await;

    // The page is edited at the source: a re-crawl updates the item and keeps
    // the decision.
    site.edit("un fonds de 5 M$", "un fonds de 6 M$");
    let out = home
        .veille(&["crawl", "--once", "--source", "rqes-fr"])
        .await;
    assert!(
        out.stdout.contains("items: 0 new, 1 updated"),
        "{}",
        out.stdout
    );

    // After a restart and after a reindex, the decision and the edit stand.
    for step in ["restart", "reindex"] {
        if step == "reindex" {
            let out = home.veille(&["reindex"]).await;
            assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
            assert!(
                out.stdout
                    .contains(&format!("reindexed {WORLD_ITEMS} item(s)")),
                "{}",
                out.stdout
            );
        }
        let api = home.start("serve", &tokens).await;
        let (_, item) = api.get(&format!("/api/items/{id}")).await;
        assert_eq!(item["status"], "approved", "{step}: {item:#}");
        assert_eq!(item["review"]["curator"], "alice", "{step}");
        assert_eq!(item["review"]["note"], "housing policy, Montréal", "{step}");
        assert!(
            item["title"].as_str().unwrap().contains("6 M$"),
            "{step}: {item:#}"
        );
        let (_, all) = api.get("/api/search?per_page=100").await;
        assert_eq!(all["total"], WORLD_ITEMS, "{step}");
        assert_eq!(all["facets"]["status"]["approved"], 1, "{step}");
        let (_, found) = api.get("/api/search?q=fonds&status=approved").await;
        assert_eq!(found["total"], 1, "{step}: {found:#}");
        api.stop().await;
    }

    // The terminal search is the API's search.
    let out = home.veille(&["search", "cooperativas", "--json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let body: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(body["total"].as_u64().unwrap() >= 1);
    assert_eq!(hits(&body)[0]["lang"], "es");
}

/// `veille run`: never-fetched sources are overdue and crawled at once, the
/// API serves them while the scheduler runs, a terminal search works beside
/// it, and Ctrl-C stops both cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_schedules_serves_and_stops_on_ctrl_c() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    let api = home.start("run", &[]).await;
    let mut total = 0;
    for _ in 0..200 {
        let (_, body) = api.get("/api/search").await;
        total = body["total"].as_u64().unwrap_or(0);
        if total == WORLD_ITEMS {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        total, WORLD_ITEMS,
        "the scheduler crawled the overdue sources"
    );
    let (_, sources) = api.get("/api/sources").await;
    let broken = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "broken")
        .unwrap()
        .clone();
    assert_eq!(broken["status"], "failing", "{broken}");

    let out = home
        .veille(&["search", "coopératives", "--lang", "fr"])
        .await;
    assert_eq!(
        out.code,
        Some(0),
        "search beside a running veille: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("*coopératives*") || out.stdout.contains("*coopérative*"),
        "matched words marked, without terminal escapes: {}",
        out.stdout
    );
    assert!(!out.stdout.contains('\x1b'), "{}", out.stdout);
    assert!(
        out.stdout.contains("Montréal lance un fonds"),
        "{}",
        out.stdout
    );

    assert_eq!(api.stop().await, Some(0), "clean exit on Ctrl-C");
    // Each source was fetched once: the next runs are hours away.
    assert_eq!(site.seen(|s| s.requests.get("/fr.rss").copied()), Some(1));
}

/// The same press release on three sources: grouped, one hit in search
/// saying where else it appeared, and one decision for the whole group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_press_release_on_three_sources_is_one_practice() {
    let site = FixtureServer::start().await;
    let mut config = String::from(
        "[crawler]\nuser_agent = \"veille-test (+http://127.0.0.1/contact)\"\nallow_private_networks = true\nmin_host_delay_ms = 0\n",
    );
    for key in ["a", "b", "c"] {
        config.push_str(&format!(
            "\n[[source]]\nid = \"source-{key}\"\nname = \"{key}\"\nurl = \"{}\"\nkind = \"feed\"\n",
            site.url(&format!("/syndicated/{key}.rss"))
        ));
    }
    let home = Home::new(&config);
    let out = home.veille(&["crawl", "--once"]).await;
    assert!(out.stdout.contains("items: 6 new"), "{}", out.stdout);

    let tokens = [("VEILLE_CURATOR_TOKENS", "alice=s3cret-a")];
    let api = home.start("serve", &tokens).await;
    let (_, found) = api
        .get("/api/search?q=Bilbao%20worker%20cooperatives")
        .await;
    let found_hits = hits(&found);
    assert_eq!(found_hits.len(), 1, "one hit for the group: {found:#}");
    assert_eq!(found_hits[0]["duplicates"], 2, "{found:#}");
    let id = found_hits[0]["id"].as_str().unwrap().to_string();

    let (_, item) = api.get(&format!("/api/items/{id}")).await;
    let elsewhere: Vec<&str> = item["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["source_id"].as_str().unwrap())
        .collect();
    assert_eq!(elsewhere.len(), 2, "{item:#}");
    assert!(!elsewhere.contains(&item["source_id"].as_str().unwrap()));

    // The other items of each source stand alone.
    let (_, all) = api.get("/api/search?per_page=100").await;
    assert_eq!(all["total"], 4, "three singles and one group: {all:#}");

    let (status, body) = api
        .post(
            &format!("/api/items/{id}/review"),
            Some("s3cret-a"),
            &json!({"decision": "approve", "note": "worker buyout fund"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, approved) = api.get("/api/search?status=approved").await;
    assert_eq!(approved["total"], 1, "{approved:#}");
    for dup in item["duplicates"].as_array().unwrap() {
        let (_, other) = api
            .get(&format!("/api/items/{}", dup["id"].as_str().unwrap()))
            .await;
        assert_eq!(
            other["status"], "approved",
            "the decision applies to the group: {other:#}"
        );
    }
    api.stop().await;
}
