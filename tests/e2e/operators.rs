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
