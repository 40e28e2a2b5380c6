//! Kill tests: the real binary is killed with SIGKILL at random moments
//! (seeded; the seed is printed, and `VEILLE_KILL_SEED` replays it) during
//! crawls of a loopback world, during reviews arriving over the API, and
//! during `veille reindex`. After each kill, `veille verify` must find the
//! store intact (`PRAGMA integrity_check`), one item per URL, and an index
//! holding exactly the store's items, statuses and versions; no decision
//! the API acknowledged may be missing; and a last clean crawl must end
//! with every item a crawl without kills stores.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::support::{Home, PAGES};

/// Sources of the world, and article pages per source.
const SOURCES: usize = 10;
const PAGES_PER_SOURCE: usize = 12;

/// A small deterministic generator (xorshift64*), so a seed replays a run.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new() -> Rng {
        let seed = std::env::var("VEILLE_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        eprintln!("kill test seed: VEILLE_KILL_SEED={seed}");
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A duration between `lo` and `hi`.
    pub(crate) fn between(&mut self, lo: Duration, hi: Duration) -> Duration {
        let span = (hi - lo).as_millis().max(1) as u64;
        lo + Duration::from_millis(self.next() % span)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The loopback world: `/feeds/K.rss` lists `/p/K/I.html`, each a real
/// page of `tests/fixtures/pages/` (several sources syndicate the same
/// pages, so near-duplicate groups form), served a little slowly so that
/// kills land inside crawls, with ETags and 304s as real servers send.
/// Bumping the edition changes every title.
pub(crate) struct World {
    base: String,
    pub(crate) edition: Arc<AtomicU64>,
}

#[derive(Clone)]
struct WorldState {
    base: Arc<Mutex<String>>,
    pages: Arc<Vec<PathBuf>>,
    edition: Arc<AtomicU64>,
}

impl World {
    pub(crate) async fn start() -> World {
        let mut pages: Vec<PathBuf> = std::fs::read_dir(PAGES)
            .unwrap()
            .map(|e| e.unwrap().path().join("source.html"))
            .filter(|p| p.is_file())
            .collect();
        pages.sort();
        let state = WorldState {
            base: Arc::default(),
            pages: Arc::new(pages),
            edition: Arc::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        *state.base.lock().unwrap() = base.clone();
        let edition = state.edition.clone();
        let app = axum::Router::new()
            .route("/feeds/{file}", axum::routing::get(feed))
            .route("/p/{source}/{file}", axum::routing::get(page))
            .with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        World { base, edition }
    }

    pub(crate) fn config(&self) -> String {
        let mut toml = String::from(
            "[crawler]\nuser_agent = \"veille-test/0.1 (+http://127.0.0.1/contact)\"\n\
             allow_private_networks = true\nmin_host_delay_ms = 0\n",
        );
        for k in 0..SOURCES {
            toml.push_str(&format!(
                "\n[[source]]\nid = \"network-{k}\"\nname = \"Network {k}\"\n\
                 url = \"{}/feeds/{k}.rss\"\nkind = \"feed\"\n",
                self.base
            ));
        }
        toml
    }
}

/// A body with its ETag, or a 304 when the client already has it.
fn conditional(headers: &HeaderMap, content_type: &str, body: String) -> Response {
    let etag = format!(
        "\"{:016x}\"",
        body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    );
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

async fn feed(
    axum::extract::State(state): axum::extract::State<WorldState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(k) = file
        .strip_suffix(".rss")
        .and_then(|k| k.parse::<usize>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let base = state.base.lock().unwrap().clone();
    let edition = state.edition.load(Ordering::SeqCst);
    let items: String = (0..PAGES_PER_SOURCE)
        .map(|i| {
            format!(
                "<item><title>Story {k}-{i}, edition {edition}</title>\
                 <link>{base}/p/{k}/{i}.html</link><description>x</description></item>"
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Network {k}</title>\
         <link>{base}/</link>{items}</channel></rss>"
    );
    conditional(&headers, "application/rss+xml", body)
}

async fn page(
    axum::extract::State(state): axum::extract::State<WorldState>,
    Path((source, file)): Path<(usize, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(i) = file
        .strip_suffix(".html")
        .and_then(|i| i.parse::<usize>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    tokio::time::sleep(Duration::from_millis(5)).await;
    // Neighbouring sources share pages: syndication.
    let which = (source / 2 * PAGES_PER_SOURCE + i) % state.pages.len();
    let html = std::fs::read_to_string(&state.pages[which]).unwrap();
    let edition = state.edition.load(Ordering::SeqCst);
    let html = html.replacen(
        "<title>",
        &format!("<title>Story {source}-{i}, edition {edition}: "),
        1,
    );
    conditional(&headers, "text/html; charset=utf-8", html)
}

/// `veille verify --json`, which must pass: the store intact, one item per
/// URL, the index equal to the store.
pub(crate) async fn verify(home: &Home, when: &str) -> serde_json::Value {
    let out = home.veille(&["verify", "--json"]).await;
    let report: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{when}: verify printed no JSON ({e}): {}", out.stderr));
    assert_eq!(
        (out.code, &report["agree"]),
        (Some(0), &json!(true)),
        "{when}: store and index disagree: {report:#}\n{}",
        out.stderr
    );
    assert_eq!(report["integrity"], "ok", "{when}");
    report
}

/// Runs `veille ARGS` and kills it with SIGKILL after `after` (or lets it
/// finish first). Returns whether it was killed.
async fn kill_after(home: &Home, args: &[&str], after: Duration) -> bool {
    let mut child = home.spawn(args);
    match tokio::time::timeout(after, child.wait()).await {
        Ok(status) => {
            status.unwrap();
            false
        }
        Err(_) => {
            child.kill().await.unwrap();
            true
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kills_at_random_moments_lose_nothing() {
    let world = World::start().await;
    let mut rng = Rng::new();

    // What a crawl without kills stores.
    let reference = Home::new(&world.config());
    let started = Instant::now();
    let out = reference.veille(&["crawl", "--once", "--quiet"]).await;
    let pass = started.elapsed();
    assert!(out.code.is_some(), "{}", out.stderr);
    let expected = verify(&reference, "reference crawl").await["store_items"].clone();
    assert!(expected.as_u64().unwrap() > 50, "{expected}");

    // Crawls killed at random moments, each followed by a check.
    let home = Home::new(&world.config());
    let mut killed = 0;
    let mut rounds = 0;
    // Until three crawls were killed mid-way (a crawl may finish first).
    while killed < 3 && rounds < 8 {
        rounds += 1;
        if rounds > 1 {
            // A new edition: every crawl has the whole world to fetch again,
            // and updates items, not only adds them.
            world.edition.fetch_add(1, Ordering::SeqCst);
        }
        let after = rng.between(Duration::from_millis(200), pass * 3 / 4);
        if kill_after(&home, &["crawl", "--once", "--quiet"], after).await {
            killed += 1;
        }
        verify(&home, &format!("crawl killed after {after:?}")).await;
    }
    assert!(
        killed >= 3,
        "only {killed} of {rounds} crawls were killed mid-way"
    );
    eprintln!("crawls killed mid-way: {killed} of {rounds} (a pass takes {pass:?})");
    let out = home.veille(&["crawl", "--once", "--quiet"]).await;
    assert!(out.code.is_some(), "{}", out.stderr);
    let report = verify(&home, "after a clean crawl").await;
    assert_eq!(report["store_items"], expected, "items lost to the kills");
    assert_eq!(report["duplicate_urls"], json!([]));

    // Reviews arriving over the API, the server killed mid-stream.
    let token = "kill-test-token-0123456789abcdef";
    let env = [
        (
            "VEILLE_CURATOR_TOKENS",
            "kim=kill-test-token-0123456789abcdef",
        ),
        ("VEILLE_WRITES_PER_MINUTE", "1000000"),
    ];
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    for round in 0..3 {
        let server = home.start("serve", &env).await;
        let (status, body) = server.get("/api/search?per_page=100").await;
        assert_eq!(status, 200, "{body}");
        let ids: Vec<String> = body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        assert!(!ids.is_empty());
        // Four curators' clients at once, until a random moment.
        let deadline =
            Instant::now() + rng.between(Duration::from_millis(500), Duration::from_secs(3));
        let ids = Arc::new(ids);
        let clients: Vec<_> = (0..4)
            .map(|client| {
                let (ids, http, base) = (ids.clone(), server.http.clone(), server.base.clone());
                let mut rng = Rng(rng.next() | 1);
                tokio::spawn(async move {
                    let mut acked = Vec::new();
                    let mut n = 0;
                    while Instant::now() < deadline {
                        let id = &ids[rng.below(ids.len())];
                        let note = format!("kill-round-{round}-client-{client}-review-{n}");
                        let approve = !rng.next().is_multiple_of(3);
                        let mut body = json!({"decision": "approve", "note": note});
                        if !approve {
                            body = json!({"decision": "reject", "reason": "not_a_practice", "note": note});
                        }
                        let answer = http
                            .post(format!("{base}/api/items/{id}/review"))
                            .bearer_auth(token)
                            .json(&body)
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(answer.status(), 200);
                        let answer: serde_json::Value = answer.json().await.unwrap();
                        let status = if approve { "approved" } else { "rejected" };
                        assert_eq!(answer["status"], status, "{answer}");
                        acked.push((id.clone(), note));
                        n += 1;
                    }
                    acked
                })
            })
            .collect();
        for client in clients {
            acknowledged.extend(client.await.unwrap());
        }
        // A review in flight when the server dies.
        let id = ids[rng.below(ids.len())].clone();
        let http = server.http.clone();
        let url = server.url(&format!("/api/items/{id}/review"));
        let in_flight = tokio::spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({"decision": "approve"}))
                .send()
                .await
        });
        tokio::time::sleep(Duration::from_millis(rng.next() % 20)).await;
        server.kill().await;
        let _ = in_flight.await;
        verify(
            &home,
            &format!("server killed during reviews, round {round}"),
        )
        .await;
    }
    assert!(
        acknowledged.len() >= 10,
        "only {} reviews",
        acknowledged.len()
    );
    eprintln!(
        "reviews acknowledged before 3 kills of the server: {}",
        acknowledged.len()
    );
    let server = home.start("serve", &env).await;
    for (id, note) in &acknowledged {
        let (status, history) = server.get(&format!("/api/items/{id}/history")).await;
        assert_eq!(status, 200, "{history}");
        assert!(
            history.to_string().contains(note.as_str()),
            "acknowledged review {note} of item {id} is lost: {history:#}"
        );
    }
    server.stop().await;

    // Rebuilds killed at random moments.
    let started = Instant::now();
    let out = home.veille(&["reindex"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rebuild = started.elapsed();
    let mut killed = 0;
    for _ in 0..4 {
        let after = rng.between(
            Duration::from_millis(1),
            rebuild + Duration::from_millis(50),
        );
        killed += u32::from(kill_after(&home, &["reindex"], after).await);
        let report = verify(&home, &format!("reindex killed after {after:?}")).await;
        assert_eq!(report["store_items"], expected);
    }
    eprintln!("rebuilds killed mid-way: {killed} of 4 (a rebuild takes {rebuild:?})");
}
