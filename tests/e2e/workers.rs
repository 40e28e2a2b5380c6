//! Several crawler workers and API nodes on one PostgreSQL store: two
//! `veille run --role crawler` processes and two `veille run --role api`
//! processes share a loopback world of 500 sources over 50 hosts (the
//! addresses 127.0.0.1 to 127.0.0.50), and one crawler is killed with
//! SIGKILL in the middle. Every page must be stored once, no host may
//! ever serve two requests at once, and both API nodes must answer alike.
//! Skipped, loudly, where PostgreSQL is not installed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::support::Home;

const HOSTS: usize = 50;
const SOURCES_PER_HOST: usize = 10;
const PAGES_PER_SOURCE: usize = 3;

/// One host of the world: how many requests it is serving now, the most it
/// ever served at once, and how many it served.
#[derive(Default)]
struct Host {
    in_flight: AtomicUsize,
    most: AtomicUsize,
    served: AtomicUsize,
}

#[derive(Clone)]
struct HostState {
    host: usize,
    base: String,
    /// Pages each feed lists.
    pages: usize,
    counts: Arc<Host>,
}

/// Counts a request while it is served.
struct Serving(Arc<Host>);

impl Serving {
    fn new(host: &Arc<Host>) -> Serving {
        let now = host.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        host.most.fetch_max(now, Ordering::SeqCst);
        host.served.fetch_add(1, Ordering::SeqCst);
        Serving(host.clone())
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

const WORDS: &[&str] = &[
    "cooperative",
    "housing",
    "municipal",
    "network",
    "workers",
    "credit",
    "union",
    "market",
    "solidarity",
    "social",
    "economy",
    "energy",
    "community",
    "farmers",
    "school",
    "training",
    "women",
    "youth",
    "recycling",
    "repair",
    "bakery",
    "transport",
    "health",
    "care",
    "fund",
    "loans",
    "local",
    "council",
    "programme",
    "policy",
    "members",
    "assembly",
    "budget",
    "land",
    "trust",
    "water",
    "seeds",
    "cafe",
    "library",
    "tools",
    "bicycles",
    "garden",
    "forest",
];

/// A page's text: words chosen by a generator seeded with the page, so
/// that no two pages are near-duplicates.
fn text(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..160)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            WORDS[(x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % WORDS.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

async fn feed(State(state): State<HostState>, Path(file): Path<String>) -> Response {
    let _serving = Serving::new(&state.counts);
    tokio::time::sleep(Duration::from_millis(3)).await;
    let Some(s) = file
        .strip_suffix(".rss")
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (h, base) = (state.host, &state.base);
    let items: String = (0..state.pages)
        .map(|i| {
            format!(
                "<item><title>Practice {h}-{s}-{i}</title><link>{base}/p/{s}/{i}.html</link>\
                 <description>x</description></item>"
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Host {h} feed {s}</title>\
         <link>{base}/</link>{items}</channel></rss>"
    );
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

async fn page(State(state): State<HostState>, Path((s, file)): Path<(usize, String)>) -> Response {
    let _serving = Serving::new(&state.counts);
    tokio::time::sleep(Duration::from_millis(3)).await;
    let Some(i) = file
        .strip_suffix(".html")
        .and_then(|i| i.parse::<usize>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let h = state.host;
    let seed = (h * 1_000_000 + s * 1_000 + i) as u64;
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><title>Practice {h}-{s}-{i}</title></head>\
         <body><article><h1>Practice {h}-{s}-{i}</h1><p>{}</p><p>{}</p></article></body></html>",
        text(seed),
        text(seed + 7)
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn not_found(State(state): State<HostState>) -> StatusCode {
    let _serving = Serving::new(&state.counts);
    StatusCode::NOT_FOUND
}

/// Starts the world's 50 hosts; returns their counts and the list of
/// sources (with a `[store]` table naming `url`).
async fn world(url: &str) -> (Vec<Arc<Host>>, String) {
    world_of(Some(url), SOURCES_PER_HOST, PAGES_PER_SOURCE, 8).await
}

/// The world with `sources` feeds per host, each listing `pages` pages, its
/// list crawling `concurrency` sources at once into the store at `url`
/// (none: SQLite in the data directory).
async fn world_of(
    url: Option<&str>,
    sources: usize,
    pages: usize,
    concurrency: usize,
) -> (Vec<Arc<Host>>, String) {
    let mut hosts = Vec::new();
    let mut toml = format!(
        "[crawler]\nuser_agent = \"veille-test/0.1 (+http://127.0.0.1/contact)\"\n\
         allow_private_networks = true\nmin_host_delay_ms = 0\nmax_concurrency = {concurrency}\n",
    );
    if let Some(url) = url {
        toml.push_str(&format!("\n[store]\nurl = \"{url}\"\n"));
    }
    for h in 1..=HOSTS {
        let listener = tokio::net::TcpListener::bind(format!("127.0.0.{h}:0"))
            .await
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let counts = Arc::new(Host::default());
        let app = axum::Router::new()
            .route("/feeds/{file}", axum::routing::get(feed))
            .route("/p/{source}/{file}", axum::routing::get(page))
            .fallback(not_found)
            .with_state(HostState {
                host: h,
                base: base.clone(),
                pages,
                counts: counts.clone(),
            });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        for s in 0..sources {
            toml.push_str(&format!(
                "\n[[source]]\nid = \"h{h}-s{s}\"\nname = \"Host {h} feed {s}\"\n\
                 url = \"{base}/feeds/{s}.rss\"\nkind = \"feed\"\nschedule = \"0 0 * * * *\"\n"
            ));
        }
        hosts.push(counts);
    }
    (hosts, toml)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_one_killed_store_every_page_once_and_two_nodes_agree() {
    let Some(url) = veille_store::testing::postgres_url() else {
        return;
    };
    let (hosts, toml) = world(&url).await;
    let expected = HOSTS * SOURCES_PER_HOST * PAGES_PER_SOURCE;
    let (a, b) = (Home::new(&toml), Home::new(&toml));
    let lease = [("VEILLE_LEASE_SECONDS", "2")];
    let mut killed = a.spawn_with(&["run", "--role", "crawler"], &lease);
    let mut survivor = b.spawn_with(&["run", "--role", "crawler"], &lease);
    let node_a = Home::new(&toml);
    let node_b = Home::new(&toml);
    let api_a = node_a.start_with(&["run", "--role", "api"], &[]).await;
    let api_b = node_b.start_with(&["run", "--role", "api"], &[]).await;

    // The first worker dies in the middle of the crawl, its leases held.
    let started = Instant::now();
    let total = |body: &serde_json::Value| body["total_items"].as_u64().unwrap_or(0) as usize;
    loop {
        let stored = total(&api_a.get("/api/search?per_page=1").await.1);
        if stored >= expected / 4 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    killed.start_kill().unwrap();
    killed.wait().await.unwrap();

    // The survivor takes over its sources once their leases expire.
    let mut seen = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        seen = (
            total(&api_a.get("/api/search?per_page=1").await.1),
            total(&api_b.get("/api/search?per_page=1").await.1),
        );
        if seen == (expected, expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        seen,
        (expected, expected),
        "pages stored, as each API node sees them"
    );
    // Every page once: as many items as pages, whatever the kill redid.
    let verify = node_a.veille(&["verify", "--json"]).await;
    let report: serde_json::Value = serde_json::from_str(&verify.stdout).unwrap_or_default();
    assert_eq!(
        report["store_items"], expected as u64,
        "{}{}",
        verify.stdout, verify.stderr
    );
    assert_eq!(
        report["duplicate_urls"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );

    // No host ever served two requests at once.
    let most: HashMap<usize, usize> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (i + 1, h.most.load(Ordering::SeqCst)))
        .filter(|(_, most)| *most > 1)
        .collect();
    assert!(most.is_empty(), "hosts fetched by two at once: {most:?}");
    assert!(hosts.iter().all(|h| h.served.load(Ordering::SeqCst) > 0));

    // Both nodes give the same answers: the same counts for broad
    // searches (whose equal scores may fall in either order), the same
    // hits for narrow ones.
    for query in ["cooperative+housing", "solidarity+economy", "Practice"] {
        let path = format!("/api/search?q={query}&per_page=1");
        let (left, right) = (api_a.get(&path).await.1, api_b.get(&path).await.1);
        assert!(left["total"].as_u64().unwrap() > 0, "{query}");
        assert_eq!(left["total"], right["total"], "{query}");
        assert_eq!(left["facets"], right["facets"], "{query}");
    }
    for (h, s, i) in [(1, 0, 0), (17, 4, 2), (50, 9, 1)] {
        let path = format!("/api/search?q=%22Practice+{h}-{s}-{i}%22");
        let (left, right) = (api_a.get(&path).await.1, api_b.get(&path).await.1);
        let titles = |body: &serde_json::Value| {
            body["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h["id"].to_string(), h["title"].to_string()))
                .collect::<Vec<_>>()
        };
        assert!(
            titles(&left)
                .iter()
                .any(|(_, t)| t.contains(&format!("Practice {h}-{s}-{i}"))),
            "{left}"
        );
        assert_eq!(titles(&left), titles(&right));
    }
    survivor.start_kill().unwrap();
    let _ = survivor.wait().await;
    api_a.stop().await;
    api_b.stop().await;
}

/// Crawl and ingestion throughput with 1, 2 and 4 crawler workers against
/// one PostgreSQL, and one on SQLite beside them (BENCHMARKS.md): 50 hosts
/// × 20 feeds × 10 pages, each page served in 3 ms, 32 sources crawled at
/// once by each worker; each run on a fresh database, timed from the
/// workers' start to the last page stored.
///
/// `cargo test --release --test e2e workers_throughput -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: run it by name"]
async fn workers_throughput() {
    let Some(_) = veille_store::testing::cluster() else {
        return;
    };
    let (sources, pages, concurrency) = (20, 10, 32);
    let expected = (HOSTS * sources * pages) as u64;
    println!("| store | workers | pages | seconds | pages/s |");
    println!("| --- | --- | --- | --- | --- |");
    for (engine, workers) in [
        ("SQLite", 1),
        ("PostgreSQL", 1),
        ("PostgreSQL", 2),
        ("PostgreSQL", 4),
    ] {
        let url = (engine == "PostgreSQL").then(|| veille_store::testing::postgres_url().unwrap());
        let (_hosts, toml) = world_of(url.as_deref(), sources, pages, concurrency).await;
        let homes: Vec<Home> = (0..workers).map(|_| Home::new(&toml)).collect();
        let store = match &url {
            Some(url) => veille_store::Store::open_postgres(url).unwrap(),
            None => veille_store::Store::open(&homes[0].data().join("veille.db")).unwrap(),
        };
        let started = Instant::now();
        let mut children: Vec<_> = homes
            .iter()
            .map(|home| home.spawn_with(&["run", "--role", "crawler"], &[]))
            .collect();
        while store.item_count().unwrap() < expected && started.elapsed() < Duration::from_secs(900)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let seconds = started.elapsed().as_secs_f64();
        for child in &mut children {
            child.start_kill().unwrap();
            let _ = child.wait().await;
        }
        let stored = store.item_count().unwrap();
        println!(
            "| {engine} | {workers} | {stored} | {seconds:.1} | {:.0} |",
            stored as f64 / seconds
        );
        assert_eq!(stored, expected);
    }
}
