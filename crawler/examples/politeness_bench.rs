//! Politeness and freshness benchmark: a simulated world of feeds spread
//! over many host names, all served by one local server on 127.0.0.1 (by
//! the `Host` header; a resolver override maps every name to 127.0.0.1),
//! crawled twice with the default politeness (one request at a time per
//! host, 1 s between two).
//!
//! Prints the time of each pass against the politeness bound (the busiest
//! host's requests × the delay), the requests and bytes the server sent,
//! and the process's peak memory. The second pass answers with 304s: its
//! bytes are compared with the first pass's.
//!
//! Run (see BENCHMARKS.md):
//! `cargo run --release -p veille-crawler --example politeness_bench -- [hosts] [feeds_per_host]`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use veille_crawler::{parse, Crawler, CrawlerSettings, FetchOutcome};
use veille_store::Store;

const ENTRIES_PER_FEED: usize = 20;

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    not_modified: AtomicU64,
    /// Response bytes: status line, headers (with an estimate of the
    /// `date` and `content-length` headers hyper adds) and body.
    bytes: AtomicU64,
}

fn feed_body(host: &str, path: &str) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
         <title>{host}{path}</title><link>http://{host}/</link><language>fr</language>"
    );
    for i in 0..ENTRIES_PER_FEED {
        xml.push_str(&format!(
            "<item><title>Coopérative {i} de {host}</title><link>http://{host}{path}/article-{i}</link>\
             <guid>http://{host}{path}/article-{i}</guid><pubDate>Tue, 04 Mar 2025 10:15:00 +0100</pubDate>\
             <description>{}</description></item>",
            "Une coopérative d'habitants ouvre ses portes et réunit trente foyers autour d'un fonds solidaire. "
                .repeat(6)
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

async fn serve(
    axum::extract::State(counters): axum::extract::State<Arc<Counters>>,
    request: Request<Body>,
) -> Response {
    counters.requests.fetch_add(1, Ordering::Relaxed);
    let headers: &HeaderMap = request.headers();
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_string();
    let path = request.uri().path().to_string();
    let response = if path == "/robots.txt" {
        let body = "User-agent: *\nDisallow: /private/\n";
        Response::builder()
            .header("content-type", "text/plain")
            .body(Body::from(body))
            .map(|r| (r, body.len()))
    } else {
        let etag = format!("\"{:x}\"", fnv(format!("{host}{path}").as_bytes()));
        if headers
            .get("if-none-match")
            .is_some_and(|v| v.as_bytes() == etag.as_bytes())
        {
            counters.not_modified.fetch_add(1, Ordering::Relaxed);
            Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header("etag", &etag)
                .body(Body::empty())
                .map(|r| (r, 0))
        } else {
            let body = feed_body(&host, &path);
            let len = body.len();
            Response::builder()
                .header("content-type", "application/rss+xml; charset=utf-8")
                .header("etag", &etag)
                .body(Body::from(body))
                .map(|r| (r, len))
        }
    };
    let (response, body_len) = response.expect("valid response");
    let head: usize = 17
        + 60
        + response
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>();
    counters
        .bytes
        .fetch_add((head + body_len) as u64, Ordering::Relaxed);
    response
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let hosts = args.first().copied().unwrap_or(200);
    let per_host = args.get(1).copied().unwrap_or(10);

    let counters = Arc::new(Counters::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new()
        .fallback(serve)
        .with_state(Arc::clone(&counters));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let names: Vec<String> = (0..hosts)
        .map(|i| format!("ess-{i:03}.veille-bench.test"))
        .collect();
    let mut toml =
        String::from("[crawler]\nuser_agent = \"veille-bench/0.1 (+http://127.0.0.1/contact)\"\n");
    for (h, name) in names.iter().enumerate() {
        for f in 0..per_host {
            toml.push_str(&format!(
                "[[source]]\nid = \"s{h}-{f}\"\nname = \"S\"\nurl = \"http://{name}:{port}/feed-{f}.xml\"\nkind = \"feed\"\n"
            ));
        }
    }
    let config = parse(&toml, "bench.toml").expect("valid config");
    // The default politeness; private networks refused, the bench's names
    // answered by the override.
    let mut settings: CrawlerSettings = config.crawler.clone();
    settings.resolve_overrides = names
        .iter()
        .map(|n| (n.clone(), "127.0.0.1".parse().unwrap()))
        .collect();
    let store = Store::open_in_memory().unwrap();
    let crawler = Crawler::new(&settings, store).unwrap();
    let delay = settings.min_host_delay;
    println!(
        "{} feeds over {hosts} hosts ({per_host} per host), {ENTRIES_PER_FEED} entries each; \
         min delay {:?} per host, {} at a time per host, {} in flight at most",
        config.sources.len(),
        delay,
        settings.per_host_concurrency,
        settings.max_in_flight
    );

    let mut first_bytes = 0;
    for pass in 1..=2 {
        let before_bytes = counters.bytes.load(Ordering::Relaxed);
        let before_requests = counters.requests.load(Ordering::Relaxed);
        let started = Instant::now();
        let reports: Vec<_> = futures_util::stream::iter(&config.sources)
            .map(|s| crawler.crawl_source(s))
            .buffer_unordered(config.sources.len())
            .collect()
            .await;
        let elapsed = started.elapsed();
        let requests = counters.requests.load(Ordering::Relaxed) - before_requests;
        let bytes = counters.bytes.load(Ordering::Relaxed) - before_bytes;
        let ok = reports
            .iter()
            .filter(|r| r.outcome == FetchOutcome::Ok)
            .count();
        let not_modified = reports
            .iter()
            .filter(|r| r.outcome == FetchOutcome::NotModified)
            .count();
        let failed: Vec<String> = reports
            .iter()
            .filter_map(|r| match &r.outcome {
                FetchOutcome::Failed(e) => Some(e.to_string()),
                _ => None,
            })
            .take(3)
            .collect();
        let entries: usize = reports.iter().map(|r| r.harvested.len()).sum();
        // The busiest host: its requests (robots.txt on the first pass).
        let busiest = per_host + usize::from(pass == 1);
        let bound = delay * (busiest as u32 - 1);
        if pass == 1 {
            first_bytes = bytes;
        }
        println!(
            "pass {pass}: {:.2} s (politeness bound {:.2} s = ({busiest} requests - 1) × {:?}; ratio {:.2}); \
             {requests} requests, {ok} ok, {not_modified} not modified, {} failed {failed:?}; \
             {entries} entries; {:.1} KiB sent{}",
            elapsed.as_secs_f64(),
            bound.as_secs_f64(),
            delay,
            elapsed.as_secs_f64() / bound.as_secs_f64().max(f64::EPSILON),
            reports.len() - ok - not_modified,
            bytes as f64 / 1024.0,
            if pass == 2 {
                format!(
                    " ({:.2}% of the first pass)",
                    100.0 * bytes as f64 / first_bytes.max(1) as f64
                )
            } else {
                String::new()
            }
        );
    }
    println!(
        "peak memory (VmHWM, server included): {:.1} MiB",
        peak_rss_mib()
    );
}
