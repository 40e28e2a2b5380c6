//! Politeness and freshness against a local server: robots.txt (allowed,
//! disallowed, 5xx, 404), `Crawl-delay`, one request at a time per host,
//! `Cache-Control: max-age` and RSS `ttl`.

use super::*;

fn failed(report: &SourceReport) -> String {
    match &report.outcome {
        FetchOutcome::Failed(e) => e.to_string(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn atom() -> Route {
    Route::file("feeds/gsef-en.atom", "application/atom+xml")
}

#[tokio::test]
async fn a_path_robots_txt_disallows_is_never_requested() {
    let server = Server::start().await;
    server.route(
        "/robots.txt",
        Route::bytes(
            "User-agent: otherbot\nDisallow: /\n\nUser-agent: veille-test\nDisallow: /private/\n\n\
             Sitemap: http://veille.test/sitemap.xml\n",
            "text/plain",
        ),
    );
    server.route("/private/feed.atom", atom());
    server.route("/feed.atom", atom());
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/private/feed.atom"), ""))
        .await;
    let e = failed(&report);
    assert!(e.contains("disallowed by"), "{e}");
    assert!(e.contains("/robots.txt"), "{e}");
    assert!(
        e.contains("\"veille-test\""),
        "names the token matched: {e}"
    );

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.atom"), ""))
        .await;
    assert_eq!(report.outcome, FetchOutcome::Ok);
    assert_eq!(
        server.paths(),
        ["/robots.txt", "/feed.atom", "/en/news/seoul-centre"],
        "robots.txt read once, the disallowed path never"
    );
    assert!(server.hits()[0].user_agent.starts_with("veille-test/0.1"));
    assert_eq!(
        crawler
            .sitemaps(&Url::parse(&server.url("/")).unwrap())
            .await,
        [Url::parse(&server.url("/sitemap.xml")).unwrap()]
    );
}

#[tokio::test]
async fn robots_txt_answering_500_closes_the_host() {
    let server = Server::start().await;
    server.route("/robots.txt", Route::status(500));
    server.route("/feed.atom", atom());
    server.route("/other.atom", atom());
    let (crawler, _) = crawler();

    for path in ["/feed.atom", "/other.atom"] {
        let report = crawler
            .crawl_source(&source("feed", &server.url(path), ""))
            .await;
        let e = failed(&report);
        assert!(e.starts_with(&server.url(path)), "{e}");
        assert!(e.contains("robots.txt unreachable"), "{e}");
        assert!(e.contains("http status 500"), "{e}");
    }
    assert_eq!(
        server.paths(),
        ["/robots.txt"],
        "nothing else asked, and the failure is remembered for a while"
    );
}

#[tokio::test]
async fn robots_txt_answering_404_allows_everything() {
    let server = Server::start().await;
    server.route("/feed.atom", atom());
    let (crawler, _) = crawler();
    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.atom"), ""))
        .await;
    assert_eq!(report.outcome, FetchOutcome::Ok);
    assert_eq!(server.paths()[..2], ["/robots.txt", "/feed.atom"]);
}

#[tokio::test]
async fn crawl_delay_spaces_the_requests_to_a_host() {
    let server = Server::start().await;
    server.route(
        "/robots.txt",
        Route::bytes("User-agent: *\nCrawl-delay: 2\n", "text/plain"),
    );
    server.route("/feed.atom", atom());
    server.route("/en/news/seoul-centre", Route::html("<h1>Seoul</h1>"));
    let mut settings = settings();
    settings.min_host_delay = Duration::from_millis(100);
    let (crawler, _) = crawler_with(&settings);

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.atom"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok);
    let hits = server.hits();
    assert_eq!(
        hits.iter().map(|h| h.path.as_str()).collect::<Vec<_>>(),
        ["/robots.txt", "/feed.atom", "/en/news/seoul-centre"]
    );
    for pair in hits.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= Duration::from_secs(2),
            "{} then {} after {gap:?}",
            pair[0].path,
            pair[1].path
        );
    }
}

#[tokio::test]
async fn fifty_sources_on_one_host_are_fetched_one_after_the_other() {
    let server = Server::start().await;
    // Minimal Atom (no namespace, which feed-rs does not need; feed/tests.rs
    // covers real Atom): this test is about politeness, not parsing.
    for i in 0..50 {
        server.route(
            &format!("/feed{i}.atom"),
            Route {
                delay: Some(Duration::from_millis(5)),
                ..Route::bytes(
                    format!(
                        "<feed><title>F{i}</title>\
                         <entry><id>http://veille.test/a{i}</id><title>A{i}</title>\
                         <link href=\"http://veille.test/a{i}\"/><content>{}</content></entry></feed>",
                        "long text ".repeat(60)
                    ),
                    "application/atom+xml",
                )
            },
        );
    }
    let (crawler, _) = crawler();
    let sources: Vec<Source> = (0..50)
        .map(|i| source("feed", &server.url(&format!("/feed{i}.atom")), ""))
        .collect();

    let reports =
        futures_util::future::join_all(sources.iter().map(|s| crawler.crawl_source(s))).await;

    assert!(reports.iter().all(|r| r.outcome == FetchOutcome::Ok));
    assert_eq!(server.hits().len(), 51, "robots.txt once, then each feed");
    assert_eq!(server.most_in_flight(), 1, "never two at once");
}

#[tokio::test]
async fn max_age_and_rss_ttl_defer_the_next_fetch() {
    let server = Server::start().await;
    server.route(
        "/cached.atom",
        Route {
            headers: vec![("cache-control", "public, max-age=3600".to_string())],
            ..atom()
        },
    );
    server.route(
        "/ttl.rss",
        Route::bytes(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><ttl>90</ttl>\
             <item><title>A</title><link>http://veille.test/a</link><description>x</description></item>\
             </channel></rss>",
            "application/rss+xml",
        ),
    );
    server.route("/a", Route::html("<p>a</p>"));
    let (crawler, store) = crawler();

    for (path, minutes) in [("/cached.atom", 59), ("/ttl.rss", 89)] {
        let feed = source("feed", &server.url(path), "");
        assert_eq!(crawler.crawl_source(&feed).await.outcome, FetchOutcome::Ok);
        let state = store.fetch_state(&server.url(path)).unwrap().unwrap();
        let wait = state.not_before.unwrap() - chrono::Utc::now();
        assert!(wait > chrono::Duration::minutes(minutes), "{path}: {wait}");

        let again = crawler.crawl_source(&feed).await;
        assert!(
            matches!(again.outcome, FetchOutcome::Deferred(_)),
            "{path}: {:?}",
            again.outcome
        );
        assert_eq!(again.requests, 0, "{path}: a deferred crawl sends nothing");
    }
    let feeds = server
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".atom") || p.ends_with(".rss"))
        .count();
    assert_eq!(feeds, 2, "each feed fetched once");
}

#[tokio::test]
async fn harvest_remembers_validators_only_when_told_that_what_they_brought_is_stored() {
    let server = Server::start().await;
    server.route("/feed.atom", atom().etag("\"v1\""));
    let (crawler, store) = crawler();
    let feed = source("feed", &server.url("/feed.atom"), "");

    // Harvested but (as if) never stored: nothing remembered, so the next
    // crawl fetches the feed again instead of getting a 304.
    let report = crawler.harvest(&feed).await;
    assert_eq!(report.outcome, FetchOutcome::Ok);
    assert!(!report.fetch_states.is_empty());
    assert_eq!(store.fetch_state(&server.url("/feed.atom")).unwrap(), None);
    let again = crawler.harvest(&feed).await;
    assert_eq!(again.outcome, FetchOutcome::Ok, "fetched again, not a 304");

    crawler.remember(&again.fetch_states).await;
    assert!(store
        .fetch_state(&server.url("/feed.atom"))
        .unwrap()
        .is_some());
    assert_eq!(
        crawler.harvest(&feed).await.outcome,
        FetchOutcome::NotModified
    );
}
