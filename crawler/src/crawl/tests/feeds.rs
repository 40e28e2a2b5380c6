//! Crawls of feed sources: entries harvested, teaser pages fetched,
//! conditional GETs on the second crawl.

use chrono::DateTime;

use super::*;

fn date(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    Some(DateTime::parse_from_rfc3339(s).unwrap())
}

#[tokio::test]
async fn french_rss_feed_is_harvested_and_teasers_are_fetched() {
    let server = Server::start().await;
    server.route(
        "/feed/",
        Route::file("feeds/ripess-fr.rss", "application/rss+xml; charset=UTF-8"),
    );
    server.route(
        "/actualites/2025/finance-solidaire/",
        Route::file("pages/title-en-dash.html", "text/html"),
    );
    server.route(
        "/actualites/2025/rencontres-mont-blanc/",
        Route::file("../pages/lemonde-1/source.html", "text/html; charset=utf-8"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed/"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok, "{:?}", report.errors);
    assert_eq!(report.source_id, "test");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.harvested.len(), 3);
    assert_eq!(
        report.requests, 4,
        "robots.txt, the feed and the two teasers' pages"
    );

    let forum = item(&report, &server.url("/actualites/2025/forum-bordeaux/"));
    assert_eq!(forum.source_id, "test");
    assert_eq!(
        forum.title.as_deref(),
        Some("Forum mondial de l'économie sociale et solidaire à Bordeaux")
    );
    assert_eq!(forum.author.as_deref(), Some("Équipe RIPESS"));
    assert_eq!(forum.published, date("2025-03-04T10:15:00+01:00"));
    assert_eq!(forum.declared_lang.as_deref(), Some("fr-fr"));
    assert_eq!(forum.source_languages, ["fr", "en"]);
    assert_eq!(forum.source_country.as_deref(), Some("FR"));
    assert!(forum
        .summary
        .as_deref()
        .unwrap()
        .contains("pôles territoriaux de coopération"));
    assert_eq!(
        forum.html, None,
        "full content in the feed: page not fetched"
    );

    let finance = item(&report, &server.url("/actualites/2025/finance-solidaire/"));
    assert!(
        finance.html.as_deref().unwrap().contains("<title>"),
        "teaser: page fetched"
    );
    assert_eq!(
        finance.summary.as_deref(),
        Some("Le réseau lance un appel à contributions sur les mutuelles et les tontines.")
    );

    let mont_blanc = item(
        &report,
        &server.url("/actualites/2025/rencontres-mont-blanc/"),
    );
    assert!(mont_blanc
        .html
        .as_deref()
        .unwrap()
        .contains("Le projet de loi sur le renseignement"));
    assert_eq!(mont_blanc.published, date("2025-01-31T17:30:00-05:00"));

    assert!(server
        .hits()
        .iter()
        .all(|h| h.user_agent == USER_AGENT && !h.conditional));
}

#[tokio::test]
async fn atom_feed_entries_keep_their_language() {
    let server = Server::start().await;
    server.route(
        "/en/news.atom",
        Route::file("feeds/gsef-en.atom", "application/atom+xml"),
    );
    server.route(
        "/en/news/seoul-centre",
        Route::html("<html><body><h1>Seoul</h1></body></html>"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/en/news.atom"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok);
    assert_eq!(report.harvested.len(), 2);
    let seoul = item(&report, &server.url("/en/news/seoul-centre"));
    assert_eq!(seoul.declared_lang.as_deref(), Some("en"));
    assert_eq!(seoul.published, date("2025-02-20T09:00:00+09:00"));
    assert!(seoul.html.as_deref().unwrap().contains("<h1>Seoul</h1>"));
    let bilbao = item(&report, &server.url("/es/news/bilbao"));
    assert_eq!(bilbao.declared_lang.as_deref(), Some("es"));
    assert_eq!(bilbao.html, None);
    assert_eq!(
        server.paths(),
        ["/robots.txt", "/en/news.atom", "/en/news/seoul-centre"]
    );
}

#[tokio::test]
async fn summaries_only_feed_fetches_pages_and_keeps_going_past_errors() {
    let server = Server::start().await;
    server.route(
        "/feed.rss",
        Route::file("feeds/summaries-only.rss", "application/rss+xml"),
    );
    server.route(
        "/articles/lemonde-1.html",
        Route::file("../pages/lemonde-1/source.html", "text/html"),
    );
    server.route(
        "/articles/title-en-dash.html",
        Route::file("pages/title-en-dash.html", "text/html"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.rss"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok);
    assert_eq!(
        report.harvested.len(),
        3,
        "the entry without a link is skipped"
    );
    let lemonde = item(&report, &server.url("/articles/lemonde-1.html"));
    assert!(lemonde
        .html
        .as_deref()
        .unwrap()
        .contains("Martin Untersinger"));
    assert_eq!(
        lemonde.title.as_deref(),
        Some("Le projet de loi sur le renseignement")
    );
    let dash = item(&report, &server.url("/articles/title-en-dash.html"));
    assert!(dash.html.is_some());
    let gone = item(&report, &server.url("/articles/missing.html"));
    assert_eq!(gone.html, None, "kept with its summary");
    assert_eq!(gone.summary.as_deref(), Some("This page answers 404."));

    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert!(
        report.errors[0].starts_with(&server.url("/articles/missing.html")),
        "{}",
        report.errors[0]
    );
    assert!(report.errors[0].contains("404"), "{}", report.errors[0]);
    assert!(
        report.errors[1].contains("\"No link at all\" has no link"),
        "{}",
        report.errors[1]
    );
}

#[tokio::test]
async fn second_crawl_is_conditional_and_gets_304() {
    let server = Server::start().await;
    server.route(
        "/feed.rss",
        Route::file("feeds/summaries-only.rss", "application/rss+xml").etag("\"v1\""),
    );
    server.route(
        "/articles/lemonde-1.html",
        Route::file("../pages/lemonde-1/source.html", "text/html").etag("\"a1\""),
    );
    let mut dash = Route::file("pages/title-en-dash.html", "text/html");
    dash.last_modified = Some("Tue, 04 Mar 2025 10:00:00 GMT".into());
    server.route("/articles/title-en-dash.html", dash);
    let (crawler, store) = crawler();
    let feed = source("feed", &server.url("/feed.rss"), "");

    let first = crawler.crawl_source(&feed).await;
    assert_eq!(first.outcome, FetchOutcome::Ok);
    assert_eq!(first.not_modified, 0);
    let state = store
        .fetch_state(&server.url("/feed.rss"))
        .unwrap()
        .unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    assert!(state.fetched_at.is_some());

    // Nothing changed: the feed answers 304 and nothing else is asked.
    let second = crawler.crawl_source(&feed).await;
    assert_eq!(second.outcome, FetchOutcome::NotModified);
    assert!(second.harvested.is_empty());
    assert_eq!(second.not_modified, 1);
    assert_eq!(second.requests, 1);
    let last = server.hits().last().unwrap().clone();
    assert!(last.conditional && last.path == "/feed.rss");

    // The feed changed, its pages did not: they answer 304 and their
    // entries are skipped as unchanged.
    server.route(
        "/feed.rss",
        Route::file("feeds/summaries-only.rss", "application/rss+xml").etag("\"v2\""),
    );
    let third = crawler.crawl_source(&feed).await;
    assert_eq!(third.outcome, FetchOutcome::Ok);
    assert_eq!(third.unchanged, 2, "{third:?}");
    assert_eq!(third.not_modified, 2);
    let urls: Vec<&str> = third.harvested.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(urls, [server.url("/articles/missing.html")]);
    let conditional: Vec<String> = server
        .hits()
        .into_iter()
        .filter(|h| h.conditional)
        .map(|h| h.path)
        .collect();
    assert_eq!(
        conditional,
        [
            "/feed.rss",
            "/feed.rss",
            "/articles/lemonde-1.html",
            "/articles/title-en-dash.html"
        ],
        "ETag and Last-Modified both used"
    );
}

#[tokio::test]
async fn windows_1252_and_bare_ampersand_feeds_are_read() {
    let server = Server::start().await;
    server.route(
        "/latin1.rss",
        Route::file("feeds/windows-1252.rss", "text/xml"),
    );
    server.route("/lettre/cooperative-nantes", Route::html("<p>Nantes</p>"));
    server.route(
        "/amp.rss",
        Route::file("feeds/bare-ampersand.rss", "application/rss+xml"),
    );
    server.route("/article?id=12&lang=fr", Route::html("<p>Santé</p>"));
    let (crawler, _) = crawler();

    let latin1 = crawler
        .crawl_source(&source("feed", &server.url("/latin1.rss"), ""))
        .await;
    assert_eq!(latin1.outcome, FetchOutcome::Ok);
    assert_eq!(
        latin1.harvested[0].title.as_deref(),
        Some("Une coopérative d’habitants à Nantes : 2 000 € par foyer")
    );

    let amp = crawler
        .crawl_source(&source("feed", &server.url("/amp.rss"), ""))
        .await;
    assert_eq!(amp.outcome, FetchOutcome::Ok, "{:?}", amp.outcome);
    let santé = item(&amp, &server.url("/article?id=12&lang=fr"));
    assert_eq!(
        santé.title.as_deref(),
        Some("Santé & solidarité : législation & pratiques")
    );
    assert_eq!(santé.html.as_deref(), Some("<p>Santé</p>"));
}

#[tokio::test]
async fn redirects_are_followed_and_the_final_url_kept() {
    let server = Server::start().await;
    server.route("/old-feed", Route::redirect("/feed.json"));
    server.route(
        "/feed.json",
        Route::file("feeds/jsonfeed.json", "application/feed+json"),
    );
    server.route(
        "/blog/community-energy",
        Route::redirect("http://veille.test/blog/2025/community-energy?utm_source=feed"),
    );
    server.route(
        "/blog/2025/community-energy",
        Route::html("<h1>Energy</h1>"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/old-feed"), ""))
        .await;

    assert_eq!(report.outcome, FetchOutcome::Ok, "{:?}", report.outcome);
    assert_eq!(
        report.requests, 5,
        "robots.txt, then a request per hop: two redirects and their targets"
    );
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains("moved permanently to") && e.contains("/feed.json")),
        "the 301 of the source's url is reported: {:?}",
        report.errors
    );
    let energy = &report.harvested[0];
    assert_eq!(
        energy.url,
        server.url("/blog/2025/community-energy"),
        "final URL, normalized"
    );
    assert_eq!(energy.html.as_deref(), Some("<h1>Energy</h1>"));
    assert_eq!(energy.declared_lang.as_deref(), Some("en-gb"));
}

#[tokio::test]
async fn a_linked_page_that_is_not_html_keeps_the_summary() {
    let server = Server::start().await;
    server.route(
        "/feed.rss",
        Route::file("feeds/summaries-only.rss", "application/rss+xml"),
    );
    server.route(
        "/articles/lemonde-1.html",
        Route::bytes(b"%PDF-1.4".to_vec(), "application/pdf"),
    );
    let (crawler, _) = crawler();

    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.rss"), ""))
        .await;

    let pdf = item(&report, &server.url("/articles/lemonde-1.html"));
    assert_eq!(pdf.html, None);
    assert!(pdf.summary.is_some());
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains("not an HTML page (content type application/pdf)")),
        "{:?}",
        report.errors
    );
}

#[tokio::test]
async fn feeds_in_legacy_charsets_are_decoded_right() {
    let server = Server::start().await;
    let cases = [
        (
            "/sjis.rss",
            "feeds/shift_jis.rss",
            "協同組合による地域の居場所づくり",
            "東京都の生活協同組合",
        ),
        (
            "/euckr.rss",
            "feeds/euc-kr.rss",
            "사회적경제 기업 지원센터 개소",
            "서울시는 사회적경제",
        ),
        (
            "/latin1.rss",
            "feeds/iso-8859-1.rss",
            "Coopérative d'habitation: « Habiter ensemble »",
            "La coopérative réunit déjà",
        ),
        (
            "/cp1252.rss",
            "feeds/windows-1252.rss",
            "Une coopérative d’habitants à Nantes : 2 000 € par foyer",
            "« Habiter autrement »",
        ),
    ];
    for (path, file, _, _) in cases {
        // No charset in the header: the XML declaration says it.
        server.route(path, Route::file(file, "application/rss+xml"));
    }
    let (crawler, _) = crawler();
    for (path, _, title, summary) in cases {
        let report = crawler
            .crawl_source(&source("feed", &server.url(path), ""))
            .await;
        assert_eq!(
            report.outcome,
            FetchOutcome::Ok,
            "{path}: {:?}",
            report.outcome
        );
        let entry = &report.harvested[0];
        assert_eq!(entry.title.as_deref(), Some(title), "{path}");
        assert!(
            entry.summary.as_deref().unwrap_or("").starts_with(summary),
            "{path}: {:?}",
            entry.summary
        );
    }
}

#[tokio::test]
async fn undeclared_entities_and_stray_ampersands_keep_the_feed() {
    let server = Server::start().await;
    server.route(
        "/feed.rss",
        Route::file("feeds/undeclared-entities.rss", "application/rss+xml"),
    );
    server.route("/cafe", Route::html("<p>café</p>"));
    let (crawler, _) = crawler();
    let report = crawler
        .crawl_source(&source("feed", &server.url("/feed.rss"), ""))
        .await;
    assert_eq!(report.outcome, FetchOutcome::Ok, "{:?}", report.outcome);
    let e = &report.harvested[0];
    assert_eq!(
        e.title.as_deref(),
        Some("Café coopératif – ouverture\u{a0}le 3 mai")
    );
    assert_eq!(e.url, server.url("/cafe?id=3&lang=fr"));
    assert_eq!(e.summary.as_deref(), Some("Le café © &unknownentity; R&D"));
}
