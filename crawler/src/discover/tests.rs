//! Tests of discovery: the reading of pages on strings, then whole
//! discoveries against a local site on 127.0.0.1 serving several alternate
//! feeds (one in another language, relative urls, a SPIP-style path), a
//! site without feeds, a WordPress site that declares none, and a site
//! whose robots.txt says no.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;

use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/discover/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

// ---------------------------------------------------------------------------
// Reading pages
// ---------------------------------------------------------------------------

#[test]
fn every_alternate_feed_is_read_with_its_title_language_and_absolute_url() {
    let html = String::from_utf8(fixture("site-feeds.html"))
        .unwrap()
        .replace("{{BASE}}", "https://ess.example");
    let links = feed_links(&html, &url("https://ess.example/"));
    let got: Vec<(&str, Option<&str>, Option<&str>, FeedKind)> = links
        .iter()
        .map(|l| {
            (
                l.url.as_str(),
                l.title.as_deref(),
                l.lang.as_deref(),
                l.kind,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "https://ess.example/feed/",
                Some("Réseau d'économie solidaire » Flux"),
                None,
                FeedKind::Rss
            ),
            (
                "https://ess.example/comments/feed/",
                Some("Réseau d'économie solidaire » Flux des commentaires"),
                None,
                FeedKind::Rss
            ),
            (
                "https://ess.example/es/atom.xml",
                Some("Noticias en castellano"),
                Some("es"),
                FeedKind::Atom
            ),
            (
                "https://ess.example/spip.php?page=backend",
                Some("Backend SPIP"),
                None,
                FeedKind::Rss
            ),
            (
                "https://ess.example/feed.json",
                Some("JSON"),
                None,
                FeedKind::Json
            ),
            (
                "https://ess.example/old-feed.xml",
                Some("Ancien flux"),
                None,
                FeedKind::Rss
            ),
        ]
    );
}

#[test]
fn relative_links_follow_the_page_and_its_base() {
    let html = r#"<html><head>
        <link rel="Alternate" type="application/rss+xml" href="spip.php?page=backend">
        <link rel="alternate nofollow" type="application/atom+xml; charset=utf-8" href="../atom.xml">
        <link rel="alternate" type="application/rss+xml" href="spip.php?page=backend#again">
        <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
    </head></html>"#;
    let links = feed_links(html, &url("https://ess.example/fr/accueil.html"));
    let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://ess.example/fr/spip.php?page=backend",
            "https://ess.example/atom.xml"
        ]
    );

    let with_base = r#"<html><head><base href="https://cdn.ess.example/site/">
        <link rel="alternate" type="application/rss+xml" href="feed/"></head></html>"#;
    let links = feed_links(with_base, &url("https://ess.example/"));
    assert_eq!(links[0].url.as_str(), "https://cdn.ess.example/site/feed/");
}

#[test]
fn platforms_are_recognized_by_their_traces() {
    let cases: [(&str, &[Platform]); 7] = [
        (
            r#"<meta name="generator" content="WordPress 6.4">"#,
            &[Platform::WordPress],
        ),
        (
            r#"<link href="/wp-content/themes/x/style.css">"#,
            &[Platform::WordPress],
        ),
        (
            r#"<meta name="generator" content="SPIP 4.2.8 GIT [4.2: 3f2b]">"#,
            &[Platform::Spip],
        ),
        (r#"<a href="spip.php?page=recherche">"#, &[Platform::Spip]),
        (
            r#"<script type="application/json" data-drupal-selector="drupal-settings-json">{}</script>"#,
            &[Platform::Drupal],
        ),
        (
            r#"<meta name="generator" content="Joomla! - Open Source Content Management">"#,
            &[Platform::Joomla],
        ),
        ("<p>a hand-written page</p>", &[]),
    ];
    for (html, expected) in cases {
        assert_eq!(detect_platforms(html), expected, "{html}");
    }
    let paths = platform_paths(
        &url("https://ess.example/fr/"),
        &[Platform::Spip, Platform::Drupal],
    );
    let paths: Vec<&str> = paths.iter().map(Url::as_str).collect();
    assert_eq!(
        paths,
        [
            "https://ess.example/spip.php?page=backend",
            "https://ess.example/rss.xml"
        ]
    );
    let all = platform_paths(&url("https://ess.example/"), &[]);
    assert!(all
        .iter()
        .any(|u| u.as_str() == "https://ess.example/feed/"));
    assert!(all
        .iter()
        .any(|u| u.as_str() == "https://ess.example/index.php?format=feed&type=rss"));
}

#[test]
fn feed_bodies_are_told_from_pages() {
    assert_eq!(feed_kind(&fixture("feed-fr.rss")), Some(FeedKind::Rss));
    assert_eq!(feed_kind(&fixture("atom-es.xml")), Some(FeedKind::Atom));
    assert_eq!(feed_kind(&fixture("example.json")), Some(FeedKind::Json));
    assert_eq!(
        feed_kind(b"\xEF\xBB\xBF<?xml version=\"1.0\"?><!-- x --><rdf:RDF xmlns:rdf=\"...\">"),
        Some(FeedKind::Rss)
    );
    assert_eq!(feed_kind(&fixture("site-feeds.html")), None);
    assert_eq!(feed_kind(br#"{"id": 2}"#), None);
    assert_eq!(feed_kind(b""), None);
}

#[test]
fn a_listing_without_feed_gets_the_folder_of_its_articles() {
    let html = String::from_utf8(fixture("site-no-feed.html")).unwrap();
    let page = url("https://example.org/actualites");
    let follow = propose_follow(&html, &page);
    assert_eq!(follow, ["/actualites/*"]);
    // The pattern picks the articles, and only them.
    let picked = article_links(&html, &page, &follow, 10);
    let picked: Vec<&str> = picked.iter().map(Url::path).collect();
    assert_eq!(
        picked,
        [
            "/actualites/le-bilan-de-lannee-2023",
            "/actualites/appel-a-projets-innovation-sociale",
            "/actualites/les-pactes-territoriaux-pour-lemploi",
            "/actualites/cooperation-europeenne-2024",
        ]
    );
}

#[test]
fn date_permalinks_and_numbered_folders_are_generalized() {
    let links = |paths: &[&str]| -> String {
        paths
            .iter()
            .map(|p| format!("<a href=\"{p}\">x</a>"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let page = url("https://example.org/");
    let dated = links(&["/2024/05/a-b/", "/2024/04/c-d/", "/2023/12/e-f/", "/about/"]);
    assert_eq!(propose_follow(&dated, &page), ["/*/*/*"]);
    let nested = links(&[
        "/news/2024/a-b",
        "/news/2023/c-d",
        "/news/2022/e-f",
        "/en/news/x-y",
    ]);
    assert_eq!(propose_follow(&nested, &page), ["/news/*"]);
    let few = links(&["/blog/a-b", "/blog/c-d", "/contact"]);
    assert!(
        propose_follow(&few, &page).is_empty(),
        "two links are not a pattern"
    );
    let root = links(&["/a-b", "/c-d", "/e-f", "/g-h"]);
    assert!(
        propose_follow(&root, &page).is_empty(),
        "root pages have no folder"
    );
}

// ---------------------------------------------------------------------------
// Whole discoveries against a local site
// ---------------------------------------------------------------------------

type Routes = Arc<Mutex<HashMap<String, (u16, &'static str, Vec<u8>)>>>;

/// A site on 127.0.0.1: each path (with its query) answers a fixed status,
/// content type and body; anything else is a 404.
struct Site {
    addr: SocketAddr,
    routes: Routes,
}

impl Site {
    async fn start() -> Site {
        let routes: Routes = Arc::default();
        let shared = Arc::clone(&routes);
        let app = Router::new().fallback(move |uri: Uri| {
            let routes = Arc::clone(&shared);
            async move {
                let key = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
                let found = routes.lock().unwrap().get(&key).cloned();
                match found {
                    Some((status, ct, body)) => (
                        StatusCode::from_u16(status).unwrap(),
                        [(header::CONTENT_TYPE, ct)],
                        body,
                    )
                        .into_response(),
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Site { addr, routes }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn url(&self, path: &str) -> Url {
        url(&format!("{}{path}", self.base()))
    }

    fn serve(&self, path: &str, content_type: &'static str, body: Vec<u8>) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_string(), (200, content_type, body));
    }
}

fn discoverer() -> Discoverer {
    let mut settings = CrawlerSettings::new("veille-test/0.1 (+https://example.org/contact)");
    settings.allow_private_networks = true;
    settings.min_host_delay = Duration::ZERO;
    Discoverer::new(&settings).unwrap()
}

const RSS: &str = "application/rss+xml; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

fn serve_feeds_site(site: &Site) {
    let home = String::from_utf8(fixture("site-feeds.html"))
        .unwrap()
        .replace("{{BASE}}", &site.base());
    site.serve("/", HTML, home.into_bytes());
    site.serve("/feed/", RSS, fixture("feed-fr.rss"));
    site.serve("/comments/feed/", RSS, fixture("comments.rss"));
    site.serve(
        "/es/atom.xml",
        "application/atom+xml",
        fixture("atom-es.xml"),
    );
    site.serve(
        "/spip.php?page=backend",
        "text/xml; charset=utf-8",
        fixture("spip-backend.rss"),
    );
    site.serve(
        "/feed.json",
        "application/feed+json",
        fixture("example.json"),
    );
}

#[tokio::test]
async fn a_site_with_several_feeds_gives_each_checked_with_a_sample() {
    let site = Site::start().await;
    serve_feeds_site(&site);
    let d = discoverer().discover(&site.url("/")).await.unwrap();

    assert_eq!(d.robots, RobotsStatus::Allowed);
    assert_eq!(
        d.page_title.as_deref(),
        Some("Réseau d'économie solidaire – Accueil")
    );
    assert_eq!(d.page_lang.as_deref(), Some("fr"));
    let urls: Vec<&str> = d
        .feeds
        .iter()
        .map(|f| &f.url[url::Position::BeforePath..])
        .collect();
    assert_eq!(
        urls,
        [
            "/feed/",
            "/es/atom.xml",
            "/spip.php?page=backend",
            "/feed.json",
            "/comments/feed/"
        ],
        "declared order, the comments feed last"
    );

    let main = &d.feeds[0];
    assert_eq!(main.origin, FeedOrigin::Declared);
    assert_eq!(main.kind, FeedKind::Rss);
    assert_eq!(
        main.lang.as_deref(),
        Some("fr"),
        "from the feed's <language>"
    );
    assert_eq!(main.items, 3);
    assert_eq!(
        main.sample[0],
        "Une coopérative d'habitants ouvre ses portes à Lyon"
    );
    assert!(
        main.text_sample
            .contains("quarante ménages autour d'un projet"),
        "{}",
        main.text_sample
    );
    assert!(!main.text_sample.contains("<p>"));

    let es = &d.feeds[1];
    assert_eq!(es.kind, FeedKind::Atom);
    assert_eq!(es.lang.as_deref(), Some("es"), "from hreflang");
    assert_eq!(es.title.as_deref(), Some("Noticias en castellano"));
    assert_eq!(
        es.sample,
        [
            "Las cooperativas de trabajo crecen en Cataluña",
            "Mercado social: comprar a las empresas de la economía solidaria"
        ]
    );

    let spip = &d.feeds[2];
    assert_eq!(spip.kind, FeedKind::Rss);
    assert_eq!(spip.lang.as_deref(), Some("fr"));
    assert_eq!(
        spip.sample,
        ["Les achats publics responsables au service des territoires"]
    );

    let json = &d.feeds[3];
    assert_eq!(json.kind, FeedKind::Json);
    assert_eq!(json.items, 2);

    assert_eq!(d.rejected.len(), 1, "{:#?}", d.rejected);
    assert_eq!(d.rejected[0].url, site.url("/old-feed.xml"));
    assert!(
        d.rejected[0].reason.contains("http status 404"),
        "{}",
        d.rejected[0].reason
    );
    assert!(d.page_proposal.is_none());
}

#[tokio::test]
async fn a_site_without_feed_gets_a_page_proposal() {
    let site = Site::start().await;
    site.serve("/actualites", HTML, fixture("site-no-feed.html"));
    let d = discoverer()
        .discover(&site.url("/actualites"))
        .await
        .unwrap();

    assert!(d.feeds.is_empty());
    // No platform shows: its usual paths were all probed, and answered 404.
    assert!(d
        .rejected
        .iter()
        .all(|r| r.origin == FeedOrigin::PlatformPath));
    let probed: Vec<String> = d
        .rejected
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    for path in ["/feed/", "/spip.php", "/rss.xml", "/rss/"] {
        assert!(probed.iter().any(|p| p == path), "{path} in {probed:?}");
    }
    let proposal = d.page_proposal.expect("a page proposal");
    assert_eq!(proposal.url, site.url("/actualites"));
    assert_eq!(proposal.follow, ["/actualites/*"]);
    // The fourth article link names another host (example.org): not followed.
    assert_eq!(proposal.sample.len(), 3);
    assert_eq!(
        proposal.sample[0],
        site.url("/actualites/le-bilan-de-lannee-2023")
    );
}

#[tokio::test]
async fn a_wordpress_site_that_declares_no_feed_is_probed_at_its_usual_path_only() {
    let site = Site::start().await;
    site.serve("/", HTML, fixture("site-wordpress-nolink.html"));
    site.serve("/feed/", RSS, fixture("feed-fr.rss"));
    let d = discoverer().discover(&site.url("/")).await.unwrap();
    assert_eq!(d.feeds.len(), 1);
    assert_eq!(d.feeds[0].url, site.url("/feed/"));
    assert_eq!(d.feeds[0].origin, FeedOrigin::PlatformPath);
    assert!(
        d.rejected.is_empty(),
        "only /feed/ was probed: {:#?}",
        d.rejected
    );
    assert_eq!(d.requests, 3, "robots.txt, the page, /feed/");
}

#[tokio::test]
async fn a_declared_link_that_is_a_page_is_rejected_and_the_platform_probed() {
    let site = Site::start().await;
    let home = r#"<html><head><meta name="generator" content="WordPress 6.5">
        <link rel="alternate" type="application/rss+xml" title="Flux" href="/flux/"></head></html>"#;
    site.serve("/", HTML, home.as_bytes().to_vec());
    site.serve(
        "/flux/",
        "text/xml",
        b"<html><body>not found, but 200</body></html>".to_vec(),
    );
    site.serve("/feed/", RSS, fixture("feed-fr.rss"));
    let d = discoverer().discover(&site.url("/")).await.unwrap();
    assert_eq!(d.rejected.len(), 1);
    assert!(
        d.rejected[0].reason.contains("not a feed"),
        "{}",
        d.rejected[0].reason
    );
    assert_eq!(d.feeds.len(), 1);
    assert_eq!(d.feeds[0].origin, FeedOrigin::PlatformPath);
}

#[tokio::test]
async fn a_feed_url_given_is_taken_as_it_is() {
    let site = Site::start().await;
    serve_feeds_site(&site);
    let d = discoverer()
        .discover(&site.url("/es/atom.xml"))
        .await
        .unwrap();
    assert_eq!(d.feeds.len(), 1);
    assert_eq!(d.feeds[0].origin, FeedOrigin::Given);
    assert_eq!(d.feeds[0].kind, FeedKind::Atom);
    assert_eq!(
        d.feeds[0].title.as_deref(),
        Some("Noticias de la economía solidaria")
    );
    assert!(d.page_proposal.is_none());
}

#[tokio::test]
async fn a_page_robots_txt_disallows_is_reported_not_fetched() {
    let site = Site::start().await;
    serve_feeds_site(&site);
    site.serve(
        "/robots.txt",
        "text/plain",
        b"User-agent: veille-test\nDisallow: /\n".to_vec(),
    );
    let d = discoverer().discover(&site.url("/")).await.unwrap();
    match &d.robots {
        RobotsStatus::Disallowed(why) => assert!(why.contains("robots.txt"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(d.feeds.is_empty() && d.page_proposal.is_none());
    assert_eq!(d.requests, 1, "robots.txt only");
}

#[tokio::test]
async fn a_page_that_cannot_be_fetched_is_an_error_naming_it() {
    let site = Site::start().await;
    let err = discoverer()
        .discover(&site.url("/nowhere"))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&site.url("/nowhere").to_string()), "{msg}");
    assert!(msg.contains("404"), "{msg}");
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let site = Site::start().await;
    serve_feeds_site(&site);
    let settings = CrawlerSettings::new("veille-test/0.1 (+https://example.org/contact)");
    let err = discover(&settings, &site.url("/")).await.unwrap_err();
    assert!(matches!(err, CrawlError::Refused { .. }), "{err}");
}
