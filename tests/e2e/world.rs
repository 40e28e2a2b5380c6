//! The whole road on the fixture world, one scenario per test, each from
//! its own `veille crawl --once` (the real binary against a local server,
//! [`crawled_world`]): the broken source reported while the others
//! succeed, the right items with the right languages and themes through the
//! API of `veille serve`, words stemmed and marked, 400s for bad queries, a
//! second crawl that creates no duplicates and gets 304s, reviews that need
//! a token and survive an edition of the page, a restart and a `reindex`,
//! and the terminal's search that is the API's.

use serde_json::json;

use crate::support::*;

/// Items in the world: 3 French, 2 Spanish, 2 English pages, 2 linked pages.
const WORLD_ITEMS: u64 = 9;

/// The curators of the review scenarios.
const TOKENS: [(&str, &str); 1] = [("VEILLE_CURATOR_TOKENS", "alice=s3cret-a,bob=s3cret-b")];

/// The fixture world after one `veille crawl --once`, in a home of its own.
struct World {
    site: FixtureServer,
    home: Home,
    /// What the crawl printed.
    crawl: Output,
}

async fn crawled_world() -> World {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    let crawl = home.veille(&["crawl", "--once"]).await;
    World { site, home, crawl }
}

/// The crawled world and its `veille serve` (no curator).
async fn served_world() -> (World, Server) {
    let world = crawled_world().await;
    let api = world.home.start("serve", &[]).await;
    (world, api)
}

/// The id of the hit whose title contains `needle`.
fn id_titled(hits: &[serde_json::Value], needle: &str) -> String {
    hit_titled(hits, needle)["id"].as_str().unwrap().to_string()
}

/// Every item of the world, through the API of `veille serve`.
async fn every_hit(api: &Server) -> Vec<serde_json::Value> {
    let (status, all) = api.get("/api/search?per_page=100").await;
    assert_eq!(status, 200, "{all}");
    hits(&all)
}

/// Alice approves the Montréal practice; its id.
async fn approve_montreal(world: &World) -> String {
    let api = world.home.start("serve", &TOKENS).await;
    let id = id_titled(&every_hit(&api).await, "Montréal lance un fonds");
    let approve = json!({"decision": "approve", "note": "housing policy, Montréal"});
    let (status, body) = api
        .post(
            &format!("/api/items/{id}/review"),
            Some("s3cret-a"),
            &approve,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    api.stop().await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_names_the_broken_source_and_fetches_each_article_once() {
    let World {
        site, crawl: out, ..
    } = crawled_world().await;
    // Four sources succeed, the broken one fails and is named.
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_items_have_their_languages_themes_urls_and_dates() {
    let (World { site, .. }, api) = served_world().await;
    let (_, all) = api.get("/api/search?per_page=100").await;
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
    let girona = hit_titled(&items, "Girona");
    assert_eq!(girona["lang"], "ca");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_is_no_candidate_and_a_summary_gets_its_pages_text() {
    let (_world, api) = served_world().await;
    let items = every_hit(&api).await;
    let record_of = |needle: &str| {
        let id = id_titled(&items, needle);
        let api = &api;
        async move { api.get(&format!("/api/items/{id}")).await.1 }
    };

    // The event announcement is not a candidate.
    let record = record_of("Webinaire").await;
    assert_eq!(record["candidate"]["is_candidate"], false, "{record:#}");

    // A summary-only entry got its linked page's main text, not its menus.
    let record = record_of("renseignement").await;
    let text = record["text"].as_str().unwrap();
    assert!(
        text.contains("Il sera désormais examiné par le Sénat"),
        "{text}"
    );
    assert!(text.contains("lanceurs d’alerte"), "{text}");
    assert_eq!(record["lang"], "fr");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_are_stemmed_marked_and_filtered() {
    let (_world, api) = served_world().await;
    let (status, found) = api.get("/api/search?q=cooperativas%20vivienda").await;
    assert_eq!(status, 200);
    let first = |key: &str| hits(&found)[0][key].as_str().unwrap().to_string();
    assert!(
        first("title").starts_with("Barcelona pone en marcha"),
        "{found:#}"
    );
    assert!(first("snippet").contains("<mark>"), "{found:#}");
    let (_, french) = api.get("/api/search?q=coop%C3%A9rative&lang=fr").await;
    assert!(
        hits(&french).iter().all(|h| h["lang"] == "fr"),
        "{french:#}"
    );
    assert!(french["total"].as_u64().unwrap() >= 2, "{french:#}");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broken_source_is_reported_with_its_error() {
    let (_world, api) = served_world().await;
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
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_are_400s_that_say_what_is_wrong() {
    let (_world, api) = served_world().await;
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_crawl_gets_304s_and_creates_nothing() {
    let World { site, home, .. } = crawled_world().await;
    site.reset_counts();
    let out = home.veille(&["crawl", "--once"]).await;
    assert!(
        out.stdout.contains("items: 0 new, 0 updated"),
        "{}",
        out.stdout
    );
    let not_modified = site.seen(|s| s.not_modified);
    assert!(not_modified >= 4, "304s on the second pass: {not_modified}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_need_a_curator_token() {
    let (world, api) = served_world().await;
    let id = id_titled(&every_hit(&api).await, "Montréal lance un fonds");
    let review_path = format!("/api/items/{id}/review");
    let approve = json!({"decision": "approve", "note": "housing policy, Montréal"});
    // No curator configured: writes are refused, and the answer says how.
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

    let api = world.home.start("serve", &TOKENS).await;
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_survives_an_edition_a_restart_and_a_reindex() {
    let world = crawled_world().await;
    let id = approve_montreal(&world).await;
    let home = &world.home;

    // The page is edited at the source: a re-crawl updates the item and keeps
    // the decision.
    world.site.edit("un fonds de 5 M$", "un fonds de 6 M$");
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
        let api = home.start("serve", &TOKENS).await;
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
}

/// The terminal's search is the API's: `--json` prints the API's answer,
/// and the text output is the API's hits with the marks as stars and the
/// HTML undone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_search_is_the_apis_search() {
    let (World { home, .. }, api) = served_world().await;
    let (_, answer) = api.get("/api/search?q=cooperativas&per_page=10").await;
    api.stop().await;

    let out = home.veille(&["search", "cooperativas", "--json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let printed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(printed, answer);
    assert!(answer["total"].as_u64().unwrap() >= 1);
    assert_eq!(hits(&answer)[0]["lang"], "es");

    let out = home.veille(&["search", "cooperativas"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let mut expected = format!("{} hit(s)\n", answer["total"]);
    for hit in hits(&answer) {
        let text = |key: &str| hit[key].as_str().unwrap_or_default().to_string();
        expected.push_str(&format!(
            "\n{}  [{}] {} · {} · score {:.2} · {}\n  {}\n  {}\n",
            text("title"),
            hit["lang"].as_str().unwrap_or("??"),
            text("source"),
            hit["published"].as_str().unwrap_or("undated"),
            hit["candidate_score"].as_f64().unwrap(),
            text("status"),
            text("url"),
            starred(&text("snippet")),
        ));
    }
    assert_eq!(out.stdout, expected);
    assert!(out.stdout.contains("*cooperativas*"), "{}", out.stdout);
}

/// An HTML snippet as a pipe shows it: marks as stars, entities undone.
fn starred(html: &str) -> String {
    html.replace("<mark>", "*")
        .replace("</mark>", "*")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
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
