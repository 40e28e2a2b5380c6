//! `[crawler] max_concurrency` is honoured: six feeds on six loopback hosts
//! (127.0.0.2 … 127.0.0.7, so politeness does not serialize them), each
//! answering after 300 ms; the server counts how many feed requests are in
//! flight at once, under `crawl --once` and under `run`'s scheduler.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::Home;

#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
    done: AtomicUsize,
}

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Une coopérative</title><link>http://example.invalid/a</link>
<description>La coopérative compte quarante membres.</description></item>
</channel></rss>"#;

/// Six listeners sharing one count; returns their base URLs.
async fn slow_hosts(count: Arc<InFlight>) -> Vec<String> {
    let mut bases = Vec::new();
    for host in 2..=7 {
        let listener = tokio::net::TcpListener::bind(format!("127.0.0.{host}:0"))
            .await
            .unwrap();
        bases.push(format!("http://{}", listener.local_addr().unwrap()));
        let count = count.clone();
        let app = axum::Router::new()
            .route(
                "/feed.xml",
                axum::routing::get(move || {
                    let count = count.clone();
                    async move {
                        let now = count.now.fetch_add(1, Ordering::SeqCst) + 1;
                        count.max.fetch_max(now, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        count.now.fetch_sub(1, Ordering::SeqCst);
                        count.done.fetch_add(1, Ordering::SeqCst);
                        ([("content-type", "application/rss+xml")], FEED)
                    }
                }),
            )
            .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "") });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }
    bases
}

fn config(bases: &[String], max_concurrency: usize) -> String {
    let mut toml = format!(
        "[crawler]\nuser_agent = \"veille-test/0.1 (+http://127.0.0.1/)\"\n\
         allow_private_networks = true\nmin_host_delay_ms = 0\nmax_concurrency = {max_concurrency}\n"
    );
    for (i, base) in bases.iter().enumerate() {
        toml.push_str(&format!(
            "\n[[source]]\nid = \"feed-{i}\"\nname = \"Feed {i}\"\nurl = \"{base}/feed.xml\"\nkind = \"feed\"\n"
        ));
    }
    toml
}

#[tokio::test(flavor = "multi_thread")]
async fn crawl_once_crawls_at_most_max_concurrency_sources_at_once() {
    for limit in [2, 4] {
        let count = Arc::new(InFlight::default());
        let bases = slow_hosts(count.clone()).await;
        let home = Home::new(&config(&bases, limit));
        let out = home.veille(&["crawl", "--once"]).await;
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert_eq!(count.done.load(Ordering::SeqCst), 6, "{}", out.stderr);
        // At most the limit, and the limit reached: six slow feeds.
        assert_eq!(count.max.load(Ordering::SeqCst), limit, "limit {limit}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_scheduler_crawls_at_most_max_concurrency_sources_at_once() {
    let count = Arc::new(InFlight::default());
    let bases = slow_hosts(count.clone()).await;
    let home = Home::new(&config(&bases, 2));
    // Every source is due at once when `run` starts.
    let server = home.start("run", &[]).await;
    for _ in 0..200 {
        if count.done.load(Ordering::SeqCst) >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill().await;
    assert_eq!(count.done.load(Ordering::SeqCst), 6);
    assert_eq!(count.max.load(Ordering::SeqCst), 2);
}
