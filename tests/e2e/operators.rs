//! What operators do without reading code: edit `sources.toml` under a
//! running veille, and read each source's record.

use std::time::Duration;

use crate::support::*;

fn source_block(id: &str, url: &str) -> String {
    format!("\n[[source]]\nid = \"{id}\"\nname = \"{id}\"\nurl = \"{url}\"\nkind = \"feed\"\n")
}

const HEADER: &str = "[crawler]\nuser_agent = \"veille-test (+http://127.0.0.1/contact)\"\nallow_private_networks = true\nmin_host_delay_ms = 0\n";

async fn wait_for(mut check: impl AsyncFnMut() -> bool, what: &str) {
    for _ in 0..150 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// A valid edit is picked up without restart; an invalid one is reported
/// with every problem and the previous list keeps running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_follows_edits_of_sources_toml() {
    let site = FixtureServer::start().await;
    let home = Home::new(&format!(
        "{HEADER}{}",
        source_block("fr", &site.url("/fr.rss"))
    ));
    let api = home.start("run", &[]).await;
    wait_for(
        async || site.seen(|s| s.requests.contains_key("/fr.rss")),
        "the first source's crawl",
    )
    .await;

    // Add a source: scheduled (overdue, so crawled at once) without restart.
    // The file's modification time has a one-second grain on some file
    // systems: wait so that the edit is seen as one.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let edited = format!(
        "{HEADER}{}{}",
        source_block("fr", &site.url("/fr.rss")),
        source_block("es", &site.url("/es.atom"))
    );
    std::fs::write(home.config(), &edited).unwrap();
    wait_for(
        async || site.seen(|s| s.requests.contains_key("/es.atom")),
        "the added source's crawl",
    )
    .await;
    let ids = async || -> Vec<String> {
        let (_, body) = api.get("/api/sources").await;
        body["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids().await, vec!["fr", "es"]);
    // The crawler counts its fetches; the API's /metrics shows them.
    wait_for(
        async || {
            let metrics = api.http.get(api.url("/metrics")).send().await.unwrap();
            let text = metrics.text().await.unwrap();
            text.lines()
                .any(|l| l.starts_with("veille_fetches_total{outcome=\"ok\"} "))
        },
        "the crawler's fetches on /metrics",
    )
    .await;

    // A broken edit: reported, ignored.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    std::fs::write(
        home.config(),
        format!("{edited}\n[[source]]\nid = \"bad\"\nname = \"Bad\"\nurl = \"ftp://nope\"\nkind = \"feed\"\nschedule = \"nonsense\"\n"),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(
        ids().await,
        vec!["fr", "es"],
        "the previous list keeps running"
    );
    let (code, log) = api.stop_with_log().await;
    assert_eq!(code, Some(0));
    assert!(log.contains("edit refused"), "{log}");
    assert!(
        log.contains("schedule") && log.contains("url"),
        "every problem logged: {log}"
    );
}

/// `veille sources status` over a store with known fetch outcomes and
/// reviews.
#[tokio::test]
async fn sources_status_shows_health_volume_and_precision() {
    use chrono::{TimeZone, Utc};
    use veille_store::{Candidate, Decision, NewItem, Review, SourceOutcome, Store};

    let home = Home::new(&format!(
        "{HEADER}{}{}",
        source_block("good", "http://127.0.0.1:9/good.xml"),
        source_block("flaky", "http://127.0.0.1:9/flaky.xml")
    ));
    std::fs::create_dir_all(home.data()).unwrap();
    let store = Store::open(&home.data().join("veille.db")).unwrap();
    let item = |n: u32, source: &str, candidate: bool| NewItem {
        url: format!("http://127.0.0.1:9/{source}/{n}"),
        source_id: source.into(),
        title: format!("item {n}"),
        text: format!("text {n}"),
        author: None,
        published: None,
        lang: Some("en".into()),
        lang_confidence: 1.0,
        country: None,
        candidate: Candidate {
            score: if candidate { 0.9 } else { 0.1 },
            is_candidate: candidate,
            ..Default::default()
        },
        fingerprint: None,
    };
    for n in 0..4 {
        store.upsert_item(&item(n, "good", n < 3)).unwrap();
    }
    store.upsert_item(&item(9, "gone", true)).unwrap();
    let review = |decision| Review {
        decision,
        curator: "alice".into(),
        note: None,
        at: Utc::now(),
    };
    let id = |n: u32| veille_store::item_id(&format!("http://127.0.0.1:9/good/{n}"));
    store
        .set_review(&id(0), &review(Decision::Approve))
        .unwrap();
    store
        .set_review(&id(1), &review(Decision::Approve))
        .unwrap();
    store.set_review(&id(2), &review(Decision::Reject)).unwrap();
    let outcome = |source: &str, day: u32, outcome: &str| SourceOutcome {
        source_id: source.into(),
        at: Utc.with_ymd_and_hms(2026, 11, day, 6, 0, 0).unwrap(),
        outcome: veille_store::Outcome::parse(outcome).expect("a known outcome"),
        error: (outcome == "failed")
            .then(|| "http://127.0.0.1:9/flaky.xml: http status 503".into()),
    };
    store
        .record_source_outcome(&outcome("good", 20, "ok"))
        .unwrap();
    store
        .record_source_outcome(&outcome("flaky", 20, "ok"))
        .unwrap();
    store
        .record_source_outcome(&outcome("flaky", 21, "failed"))
        .unwrap();
    store
        .record_source_outcome(&outcome("flaky", 22, "failed"))
        .unwrap();
    drop(store);

    let out = home.veille(&["sources", "status"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let row = |id: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no row for {id}: {}", out.stdout))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // source, last success (2 words), failures, items, /week, cand., appr., rej., precision
    let good = row("good");
    assert_eq!(good[1..3], ["2026-11-20", "06:00"]);
    assert_eq!(good[3], "0");
    assert_eq!(good[4..], ["4", "1.0", "3", "2", "1", "67%"], "{good:?}");
    let flaky = row("flaky");
    assert_eq!(flaky[1..3], ["2026-11-20", "06:00"], "last success stays");
    assert_eq!(
        flaky[3..7],
        ["2", "since", "2026-11-21", "06:00"],
        "{flaky:?}"
    );
    assert!(out
        .stdout
        .contains("last error: http://127.0.0.1:9/flaky.xml: http status 503"));
    let gone = row("gone");
    assert_eq!(gone[1], "(removed)");
}

/// `veille sources check --probe` fetches each source once and says what it
/// serves, without touching the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_check_probe_shows_what_each_source_serves() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    let out = home.veille(&["sources", "check", "--probe"]).await;
    assert_eq!(
        out.code,
        Some(1),
        "a failing source gives exit 1: {}",
        out.stdout
    );
    let row = |id: &str| -> Vec<String> {
        out.stdout
            .lines()
            .rev()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id}: {}", out.stdout))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        row("rqes-fr")[..6],
        ["rqes-fr", "yes", "allowed", "feed", "3", "fr"]
    );
    assert_eq!(
        row("reas-es")[..6],
        ["reas-es", "yes", "allowed", "feed", "2", "es"]
    );
    assert_eq!(
        row("cwn-en")[..6],
        ["cwn-en", "yes", "allowed", "page", "2", "en"]
    );
    let broken = row("broken");
    assert_eq!(broken[1], "yes", "the server answered: {broken:?}");
    assert!(broken.join(" ").contains("broken.xml"), "{broken:?}");
    // Plain progress lines on standard error when it is not a terminal.
    assert!(out.stderr.contains("[5/5]"), "{}", out.stderr);
    assert!(
        !home.data().join("veille.db").exists(),
        "the probe wrote nothing"
    );
}

/// `veille sources add URL --yes`: the site's declared feeds are found, the
/// first is appended to sources.toml (its comments kept) and the others are
/// listed; the file still validates; a second add of the same URL is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_add_discovers_and_appends_the_first_feed() {
    let site = FixtureServer::start().await;
    let original = format!("# our sources\n{HEADER}");
    let home = Home::new(&original);
    let out = home
        .veille(&[
            "sources",
            "add",
            &site.url("/"),
            "--yes",
            "--country",
            "CA",
            "--id",
            "rqes",
        ])
        .await;
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&site.url("/fr.rss")), "{}", out.stdout);
    assert!(
        out.stdout.contains(&site.url("/es.atom")),
        "both feeds listed: {}",
        out.stdout
    );
    assert!(out.stdout.contains("language fr"), "{}", out.stdout);
    assert!(out.stdout.contains("language es"), "{}", out.stdout);
    let written = std::fs::read_to_string(home.config()).unwrap();
    assert!(
        written.starts_with(&original),
        "the file's text is kept: {written}"
    );
    assert!(written.contains("id = \"rqes\""), "{written}");
    assert!(
        written.contains(&format!("url = \"{}\"", site.url("/fr.rss"))),
        "{written}"
    );
    assert!(written.contains("country = \"CA\""), "{written}");
    let check = home.veille(&["sources", "check"]).await;
    assert_eq!(check.code, Some(0), "{}{}", check.stdout, check.stderr);

    let again = home
        .veille(&["sources", "add", &site.url("/fr.rss"), "--yes"])
        .await;
    assert_ne!(again.code, Some(0));
    assert!(again.stderr.contains("already watched"), "{}", again.stderr);
}

/// OPML round trip through the command line: export, import into an empty
/// list, export again: the same sources.
#[tokio::test]
async fn opml_export_then_import_gives_the_same_sources() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    let exported = home.veille(&["sources", "export-opml"]).await;
    assert_eq!(exported.code, Some(0), "{}", exported.stderr);
    assert!(
        exported.stdout.contains("<opml version=\"2.0\""),
        "{}",
        exported.stdout
    );

    let other = Home::new(HEADER);
    let file = other.dir.path().join("sources.opml");
    std::fs::write(&file, &exported.stdout).unwrap();
    let imported = other
        .veille(&["sources", "import-opml", file.to_str().unwrap()])
        .await;
    assert_eq!(
        imported.code,
        Some(0),
        "{}{}",
        imported.stdout,
        imported.stderr
    );
    assert!(
        imported.stdout.contains("imported 5 source(s)"),
        "{}",
        imported.stdout
    );
    let again = other.veille(&["sources", "export-opml"]).await;
    assert_eq!(again.stdout, exported.stdout);

    // Importing the same file again: all duplicates, nothing written.
    let before = std::fs::read_to_string(other.config()).unwrap();
    let twice = other
        .veille(&["sources", "import-opml", file.to_str().unwrap()])
        .await;
    assert!(
        twice.stdout.contains("imported 0 source(s)") && twice.stdout.contains("5 duplicate(s)"),
        "{}",
        twice.stdout
    );
    assert_eq!(std::fs::read_to_string(other.config()).unwrap(), before);
}
