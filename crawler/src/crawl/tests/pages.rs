//! Crawls of page sources: listing pages and the article pages their
//! `follow` globs select.

use super::*;

#[tokio::test]
async fn page_source_harvests_only_the_pages_its_globs_match() {
    let server = Server::start().await;
    server.route(
        "/actualites/",
        Route::file("pages/listing.html", "text/html; charset=utf-8").etag("\"l1\""),
    );
    server.route(
        "/actualites/2025/lemonde-1.html",
        Route::file("../pages/lemonde-1/source.html", "text/html"),
    );
    server.route(
        "/actualites/2025/title-en-dash.html",
        Route::file("pages/title-en-dash.html", "text/html"),
    );
    server.route("/agenda/2025/forum.html", Route::html("<p>agenda</p>"));
    let (crawler, _) = crawler();
    let page = source(
        "page",
        &server.url("/actualites/"),
        "follow = [\"/actualites/2025/*\"]",
    );

    let report = crawler.crawl_source(&page).await;

    assert_eq!(report.outcome, FetchOutcome::Ok);
    let urls: Vec<&str> = report.harvested.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            server.url("/actualites/2025/lemonde-1.html"),
            server.url("/actualites/2025/title-en-dash.html"),
        ]
    );
    let lemonde = &report.harvested[0];
    assert!(lemonde
        .html
        .as_deref()
        .unwrap()
        .contains("Martin Untersinger"));
    assert_eq!(lemonde.source_country.as_deref(), Some("FR"));
    assert_eq!(lemonde.source_languages, ["fr", "en"]);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].contains("/actualites/2025/disparu.html: http status 404"),
        "{}",
        report.errors[0]
    );
    assert_eq!(
        server.paths(),
        [
            "/robots.txt",
            "/actualites/",
            "/actualites/2025/lemonde-1.html",
            "/actualites/2025/title-en-dash.html",
            "/actualites/2025/disparu.html",
        ],
        "robots.txt first; no request outside the globs, none to the other host"
    );
    assert_eq!(report.requests, 5);

    // The listing did not change: nothing more is fetched.
    let again = crawler.crawl_source(&page).await;
    assert_eq!(again.outcome, FetchOutcome::NotModified);
    assert_eq!(again.not_modified, 1);
    assert_eq!(again.requests, 1);
}

#[tokio::test]
async fn article_pages_that_did_not_change_are_counted_unchanged() {
    let server = Server::start().await;
    server.route(
        "/actualites/",
        Route::file("pages/listing.html", "text/html"),
    );
    server.route(
        "/actualites/2025/lemonde-1.html",
        Route::file("../pages/lemonde-1/source.html", "text/html").etag("\"x\""),
    );
    server.route(
        "/actualites/2025/title-en-dash.html",
        Route::file("pages/title-en-dash.html", "text/html"),
    );
    let (crawler, _) = crawler();
    let page = source(
        "page",
        &server.url("/actualites/"),
        "follow = [\"/actualites/*\"]",
    );

    let first = crawler.crawl_source(&page).await;
    assert_eq!(first.harvested.len(), 2);
    let second = crawler.crawl_source(&page).await;
    assert_eq!(second.outcome, FetchOutcome::Ok);
    assert_eq!(second.unchanged, 1);
    assert_eq!(second.not_modified, 1);
    assert_eq!(second.harvested.len(), 1);
    assert_eq!(
        second.harvested[0].url,
        server.url("/actualites/2025/title-en-dash.html")
    );
}

#[tokio::test]
async fn page_without_follow_is_itself_the_item() {
    let server = Server::start().await;
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(
        "<html><head><meta charset=\"iso-8859-1\"><title>Coopérative</title></head></html>",
    );
    server.route(
        "/fiche.html",
        Route::bytes(latin1.into_owned(), "text/html"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("page", &server.url("/fiche.html#haut"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok);
    assert_eq!(report.harvested.len(), 1);
    let page = &report.harvested[0];
    assert_eq!(page.url, server.url("/fiche.html"));
    assert!(
        page.html
            .as_deref()
            .unwrap()
            .contains("<title>Coopérative</title>"),
        "decoded from its meta charset"
    );
    assert_eq!(page.title, None);
}
