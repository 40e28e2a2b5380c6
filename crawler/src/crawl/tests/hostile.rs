//! Crawls against a deliberately misbehaving server: dripping, endless and
//! compressed-bomb bodies, redirect loops, 429 and 503, wrong content
//! types, and addresses veille must never connect to. Each test checks
//! what the server saw as well as what veille recorded.

use std::io::Write;

use super::*;

fn failed(report: &SourceReport) -> String {
    match &report.outcome {
        FetchOutcome::Failed(e) => e.to_string(),
        other => panic!("expected a failure, got {other:?}: {:?}", report.errors),
    }
}

fn count(server: &Server, path: &str) -> usize {
    server.paths().iter().filter(|p| *p == path).count()
}

#[tokio::test]
async fn a_body_dripping_one_byte_a_second_hits_the_whole_response_deadline() {
    let server = Server::start().await;
    server.route(
        "/drip.rss",
        Route {
            drip: Some(Duration::from_millis(1000)),
            ..Route::bytes(Vec::new(), "application/rss+xml")
        },
    );
    let mut settings = settings();
    settings.timeout = Duration::from_secs(2);
    settings.max_attempts = 1;
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/drip.rss"), ""))
        .await;

    let e = failed(&report);
    assert!(e.starts_with(&server.url("/drip.rss")), "{e}");
    assert!(e.contains("timed out after 2 s"), "{e}");
    assert_eq!(count(&server, "/drip.rss"), 1);
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_cap_and_not_retried() {
    let server = Server::start().await;
    server.route(
        "/endless",
        Route {
            stream: Some(u64::MAX),
            ..Route::bytes(Vec::new(), "application/rss+xml")
        },
    );
    let mut settings = settings();
    settings.max_body_bytes = 512 * 1024;
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/endless"), ""))
        .await;

    assert!(failed(&report).contains("larger than the 524288-byte cap"));
    assert_eq!(
        count(&server, "/endless"),
        1,
        "a too-large body is permanent"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        server.streamed() < 64 * 1024 * 1024,
        "{}",
        server.streamed()
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn a_gzip_bomb_is_capped_after_decompression() {
    // 64 MiB of zeros in a gzip body of about 64 KiB.
    let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 256 * 1024, "{}", bomb.len());
    let server = Server::start().await;
    server.route(
        "/bomb.rss",
        Route {
            headers: vec![("content-encoding", "gzip".to_string())],
            ..Route::bytes(bomb, "application/rss+xml")
        },
    );
    // A small gzip feed still reads fine.
    server.route(
        "/small.atom",
        Route {
            headers: vec![("content-encoding", "gzip".to_string())],
            ..Route::bytes(
                gzip(&std::fs::read(format!("{FIXTURES}/feeds/gsef-en.atom")).unwrap()),
                "application/atom+xml",
            )
        },
    );
    let mut settings = settings();
    settings.max_body_bytes = 1024 * 1024;
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/bomb.rss"), ""))
        .await;
    let e = failed(&report);
    assert!(
        e.contains("body larger than the 1048576-byte cap"),
        "decompressed bytes are counted: {e}"
    );
    assert_eq!(count(&server, "/bomb.rss"), 1);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/small.atom"), ""))
        .await;
    assert_eq!(report.outcome, FetchOutcome::Ok, "{:?}", report.outcome);
    assert_eq!(report.harvested.len(), 2);
}

#[tokio::test]
async fn a_brotli_bomb_is_capped_after_decompression() {
    // 64 MiB of zeros in a brotli body of a few hundred bytes.
    let mut bomb = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut bomb, 4096, 1, 22);
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..64 {
            encoder.write_all(&zeros).unwrap();
        }
    }
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let server = Server::start().await;
    server.route(
        "/bomb.rss",
        Route {
            headers: vec![("content-encoding", "br".to_string())],
            ..Route::bytes(bomb, "application/rss+xml")
        },
    );
    let mut settings = settings();
    settings.max_body_bytes = 1024 * 1024;
    let (crawler, _) = crawler_with(&settings);
    let report = crawler
        .crawl_source(&source("feed", &server.url("/bomb.rss"), ""))
        .await;
    let e = failed(&report);
    assert!(
        e.contains("body larger than the 1048576-byte cap"),
        "decompressed bytes are counted: {e}"
    );
    assert_eq!(count(&server, "/bomb.rss"), 1, "not retried");
}

#[tokio::test]
async fn a_redirect_loop_is_detected_at_its_first_repeat() {
    let server = Server::start().await;
    server.route("/a", Route::redirect("/b"));
    server.route("/b", Route::redirect("/c"));
    server.route("/c", Route::redirect("/a"));
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/a"), ""))
        .await;

    let e = failed(&report);
    assert!(e.contains("redirect loop"), "{e}");
    assert_eq!(
        server.paths(),
        ["/robots.txt", "/a", "/b", "/c"],
        "each URL once, and no retry"
    );
}

#[tokio::test]
async fn a_long_redirect_chain_stops_after_five() {
    let server = Server::start().await;
    for i in 0..8 {
        server.route(&format!("/r{i}"), Route::redirect(&format!("/r{}", i + 1)));
    }
    let (crawler, _) = crawler();
    let report = crawler
        .crawl_source(&source("feed", &server.url("/r0"), ""))
        .await;
    assert!(failed(&report).contains("more than 5 redirects"));
    assert_eq!(count(&server, "/r5"), 1);
    assert_eq!(
        count(&server, "/r6"),
        0,
        "the sixth redirect is not followed"
    );
}

#[tokio::test]
async fn too_many_requests_with_retry_after_waits_then_succeeds() {
    let server = Server::start().await;
    let mut slow_down = Route::status(429);
    slow_down.headers = vec![("retry-after", "1".to_string())];
    server.queue("/feed.atom", vec![slow_down]);
    server.route(
        "/feed.atom",
        Route::file("feeds/gsef-en.atom", "application/atom+xml"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.atom"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok, "{:?}", report.outcome);
    let hits: Vec<Hit> = server
        .hits()
        .into_iter()
        .filter(|h| h.path == "/feed.atom")
        .collect();
    assert_eq!(hits.len(), 2);
    assert!(
        hits[1].at - hits[0].at >= Duration::from_secs(1),
        "Retry-After honoured: {:?}",
        hits[1].at - hits[0].at
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_a_crawl_waits_defers_the_source() {
    let server = Server::start().await;
    let mut slow_down = Route::status(429);
    slow_down.headers = vec![("retry-after", "3600".to_string())];
    server.route("/feed.atom", slow_down);
    let (crawler, store) = crawler();
    let feed = source("feed", &server.url("/feed.atom"), "");

    let report = crawler.crawl_source(&feed).await;
    let e = failed(&report);
    assert!(
        e.contains("http status 429: the server asks to come back after"),
        "{e}"
    );
    assert_eq!(count(&server, "/feed.atom"), 1, "no retry within the crawl");
    let state = store
        .fetch_state(&server.url("/feed.atom"))
        .unwrap()
        .unwrap();
    let wait = state.not_before.unwrap() - chrono::Utc::now();
    assert!(wait > chrono::Duration::minutes(59), "{wait}");

    // The next crawl sends nothing until then.
    let again = crawler.crawl_source(&feed).await;
    assert!(
        matches!(again.outcome, FetchOutcome::Deferred(_)),
        "{:?}",
        again.outcome
    );
    assert_eq!(again.requests, 0);
    assert_eq!(count(&server, "/feed.atom"), 1);
}

#[tokio::test]
async fn service_unavailable_then_ok_is_retried_with_backoff() {
    let server = Server::start().await;
    server.queue("/feed.atom", vec![Route::status(503), Route::status(502)]);
    server.route(
        "/feed.atom",
        Route::file("feeds/gsef-en.atom", "application/atom+xml"),
    );
    server.route("/gone.atom", Route::status(404));
    let mut settings = settings();
    settings.retry_base_delay = Duration::from_millis(20);
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.atom"), ""))
        .await;
    assert_eq!(report.outcome, FetchOutcome::Ok, "{:?}", report.outcome);
    assert_eq!(report.harvested.len(), 2);
    assert_eq!(count(&server, "/feed.atom"), 3, "503, 502, then 200");

    // A permanent failure is not retried.
    let report = crawler
        .crawl_source(&source("feed", &server.url("/gone.atom"), ""))
        .await;
    assert!(failed(&report).contains("http status 404"));
    assert_eq!(count(&server, "/gone.atom"), 1);

    // Always 503: at most max_attempts requests, then a failure.
    server.route("/down.atom", Route::status(503));
    let report = crawler
        .crawl_source(&source("feed", &server.url("/down.atom"), ""))
        .await;
    assert!(failed(&report).contains("http status 503"));
    assert_eq!(count(&server, "/down.atom"), 3);
}

#[tokio::test]
async fn a_content_type_the_source_kind_does_not_parse_is_not_read() {
    let server = Server::start().await;
    server.route(
        "/feed",
        Route {
            stream: Some(64 * 1024 * 1024),
            ..Route::bytes(Vec::new(), "image/png")
        },
    );
    let (crawler, _) = crawler();
    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed"), ""))
        .await;
    let e = failed(&report);
    assert!(e.contains("not a feed (content type image/png)"), "{e}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        server.streamed() < 16 * 1024 * 1024,
        "the body was not read: {} bytes produced",
        server.streamed()
    );
}

/// Settings that refuse private networks (the server is on 127.0.0.1).
fn guarded() -> CrawlerSettings {
    let mut s = settings();
    s.allow_private_networks = false;
    s
}

#[tokio::test]
async fn loopback_in_any_spelling_is_refused_before_any_byte_is_sent() {
    let server = Server::start().await;
    server.route(
        "/feed.atom",
        Route::file("feeds/gsef-en.atom", "application/atom+xml"),
    );
    let port = server.port();
    let (crawler, _) = crawler_with(&guarded());
    for url in [
        format!("http://127.0.0.1:{port}/feed.atom"),
        format!("http://0x7f.1:{port}/feed.atom"),
        format!("http://2130706433:{port}/feed.atom"),
        format!("http://127.1:{port}/feed.atom"),
        format!("http://[::ffff:127.0.0.1]:{port}/feed.atom"),
    ] {
        let report = crawler.crawl_source(&source("feed", &url, "")).await;
        let e = failed(&report);
        assert!(e.contains("refused: private address"), "{url}: {e}");
        assert_eq!(report.requests, 0, "{url}");
    }
    assert!(
        server.hits().is_empty(),
        "the server saw {:?}",
        server.paths()
    );
}

#[tokio::test]
async fn a_public_looking_name_redirecting_to_another_loopback_address_is_refused() {
    // The page is served from 127.0.0.1 under a public-looking name (the
    // override stands for DNS); it redirects to 127.0.0.2, where a second
    // server listens and must see nothing.
    let public = Server::start().await;
    let inside = Server::start_on("127.0.0.2:0").await;
    let name = "news.example-network.org";
    public.route(
        "/feed.atom",
        Route::redirect(&format!("http://127.0.0.2:{}/admin", inside.port())),
    );
    public.route(
        "/other.atom",
        Route::redirect(&format!("http://localhost:{}/admin", inside.port())),
    );
    inside.route("/admin", Route::html("secret"));
    let mut settings = guarded();
    settings.resolve_overrides = vec![(name.to_string(), "127.0.0.1".parse().unwrap())];
    let (crawler, _) = crawler_with(&settings);

    let url = format!("http://{name}:{}/feed.atom", public.port());
    let report = crawler.crawl_source(&source("feed", &url, "")).await;
    let e = failed(&report);
    assert!(e.starts_with(&url), "{e}");
    assert!(e.contains("refused: private address 127.0.0.2"), "{e}");

    let url = format!("http://{name}:{}/other.atom", public.port());
    let report = crawler.crawl_source(&source("feed", &url, "")).await;
    assert!(
        failed(&report).contains("refused: private address"),
        "{:?}",
        report.outcome
    );

    assert_eq!(
        public.paths(),
        ["/robots.txt", "/feed.atom", "/other.atom"],
        "the public name was crawled"
    );
    assert!(public.hits().iter().all(|h| h.host.starts_with(name)));
    assert!(
        inside.hits().is_empty(),
        "127.0.0.2 saw {:?}",
        inside.paths()
    );
}
