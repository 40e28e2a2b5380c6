//! Crawls that fail: broken feeds, error statuses, oversized bodies,
//! timeouts, private addresses. Each gives a report naming the URL, never
//! a panic.

use super::*;

async fn failed(server: &Server, path: &str) -> String {
    let (crawler, _) = crawler();
    let report = crawler
        .crawl_source(&source("feed", &server.url(path), ""))
        .await;
    assert!(report.harvested.is_empty());
    match report.outcome {
        FetchOutcome::Failed(e) => {
            let e = e.to_string();
            assert!(e.starts_with(&server.url(path)), "names the URL: {e}");
            e
        }
        other => panic!("{path}: {other:?}"),
    }
}

#[tokio::test]
async fn broken_feeds_fail_with_the_url() {
    let server = Server::start().await;
    server.route(
        "/truncated.rss",
        Route::file("feeds/truncated.rss", "application/rss+xml"),
    );
    server.route(
        "/home.html",
        Route::file("feeds/not-a-feed.html", "text/html; charset=utf-8"),
    );
    server.route(
        "/garbage",
        Route::bytes(b"\x00\x01\x02 nothing".to_vec(), "application/octet-stream"),
    );
    server.route("/empty", Route::bytes(Vec::new(), "application/rss+xml"));
    server.route("/error", Route::status(500));
    server.route("/gone", Route::status(404));

    let e = failed(&server, "/truncated.rss").await;
    assert!(e.contains("not a feed: truncated XML"), "{e}");
    let e = failed(&server, "/home.html").await;
    assert!(e.contains("not a feed"), "{e}");
    let e = failed(&server, "/garbage").await;
    assert!(e.contains("not a feed"), "{e}");
    let e = failed(&server, "/empty").await;
    assert!(e.contains("not a feed: empty body"), "{e}");
    let e = failed(&server, "/error").await;
    assert!(e.contains("http status 500"), "{e}");
    let e = failed(&server, "/gone").await;
    assert!(
        e.contains("http status 404") && e.contains("check the source url"),
        "{e}"
    );
}

#[tokio::test]
async fn unreachable_server_fails_with_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/feed", listener.local_addr().unwrap());
    drop(listener);
    let (crawler, _) = crawler();
    let report = crawler.crawl_source(&source("feed", &url, "")).await;
    match report.outcome {
        FetchOutcome::Failed(e) => {
            let e = e.to_string();
            assert!(e.starts_with(&url) && e.len() > url.len() + 2, "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn declared_body_larger_than_the_cap_is_refused() {
    let server = Server::start().await;
    server.route(
        "/big.rss",
        Route::bytes(vec![b' '; 300 * 1024], "application/rss+xml"),
    );
    let mut settings = settings();
    settings.max_body_bytes = 100 * 1024;
    let (crawler, _) = crawler_with(&settings);
    let report = crawler
        .crawl_source(&source("feed", &server.url("/big.rss"), ""))
        .await;
    match report.outcome {
        FetchOutcome::Failed(e) => {
            let e = e.to_string();
            assert!(e.starts_with(&server.url("/big.rss")), "{e}");
            assert!(e.contains("larger than the 102400-byte cap"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn streamed_body_larger_than_the_cap_is_cut_short() {
    let server = Server::start().await;
    let total = 256 * 1024 * 1024;
    server.route(
        "/endless.rss",
        Route {
            stream: Some(total),
            ..Route::bytes(Vec::new(), "application/rss+xml")
        },
    );
    let mut settings = settings();
    settings.max_body_bytes = 256 * 1024;
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/endless.rss"), ""))
        .await;

    match &report.outcome {
        FetchOutcome::Failed(e) => {
            let e = e.to_string();
            assert!(e.contains("larger than the 262144-byte cap"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // The server stops producing once the connection is dropped: far less
    // than the whole body was ever produced.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let streamed = server.streamed();
    assert!(
        streamed < total / 8,
        "the server produced {streamed} bytes of {total}"
    );
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = Server::start().await;
    server.route(
        "/slow.rss",
        Route {
            delay: Some(Duration::from_secs(5)),
            ..Route::file("feeds/gsef-en.atom", "application/atom+xml")
        },
    );
    let mut settings = settings();
    settings.timeout = Duration::from_millis(300);
    let (crawler, _) = crawler_with(&settings);
    let report = crawler
        .crawl_source(&source("feed", &server.url("/slow.rss"), ""))
        .await;
    match report.outcome {
        FetchOutcome::Failed(e) => {
            assert!(matches!(e, CrawlError::Network { .. }), "{e:?}");
            let e = e.to_string();
            assert!(e.contains("timed out"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn redirect_loops_stop() {
    let server = Server::start().await;
    server.route("/a", Route::redirect("/b"));
    server.route("/b", Route::redirect("/a"));
    let e = failed(&server, "/a").await;
    assert!(e.contains("redirects"), "{e}");
    assert!(
        server.hits().len() <= MAX_REDIRECTS_FOR_TEST + 1,
        "{} requests",
        server.hits().len()
    );
}

const MAX_REDIRECTS_FOR_TEST: usize = crate::fetch::MAX_REDIRECTS + 1;

#[tokio::test]
async fn private_addresses_are_refused_without_a_request() {
    let server = Server::start().await;
    server.route(
        "/feed.rss",
        Route::file("feeds/gsef-en.atom", "application/atom+xml"),
    );
    let mut settings = settings();
    settings.allow_private_networks = false;
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.rss"), ""))
        .await;
    match &report.outcome {
        FetchOutcome::Failed(e) => {
            let e = e.to_string();
            assert!(e.starts_with(&server.url("/feed.rss")), "{e}");
            assert!(e.contains("refused: private address 127.0.0.1"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(report.requests, 0);

    // A name that resolves to loopback is refused by the resolver.
    let port = server.base.rsplit(':').next().unwrap();
    let by_name = format!("http://localhost:{port}/feed.rss");
    let report = crawler.crawl_source(&source("feed", &by_name, "")).await;
    match &report.outcome {
        FetchOutcome::Failed(e) => {
            let e = e.to_string();
            assert!(e.starts_with(&by_name), "{e}");
            assert!(e.contains("refused: private address"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        server.hits().is_empty(),
        "the server saw {:?}",
        server.paths()
    );
}
