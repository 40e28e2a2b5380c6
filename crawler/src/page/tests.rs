//! Tests of listing pages: glob matching and article links.

use super::*;

#[test]
fn star_matches_any_run_including_slashes() {
    assert!(glob_match("/news/*", "/news/2025/03/coop.html"));
    assert!(glob_match("/news/*", "/news/"));
    assert!(!glob_match("/news/*", "/news"));
    assert!(!glob_match("/news/*", "/en/news/a"));
    assert!(glob_match(
        "/bdf_fiche-*",
        "/bdf_fiche-experience-123_fr.html"
    ));
    assert!(glob_match("/*/fiche-*.html", "/fr/a/b/fiche-12.html"));
    assert!(!glob_match("/*/fiche-*.html", "/fr/fiche-12.htm"));
    assert!(glob_match("/exact", "/exact"));
    assert!(!glob_match("/exact", "/exact/more"));
    assert!(glob_match("*", "/anything"));
    assert!(glob_match("/a*a", "/aa"));
    assert!(!glob_match("/a*a", "/a"), "the two `a` cannot overlap");
}

#[test]
fn listing_gives_same_host_matching_links_once_in_order() {
    let html = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/crawler/pages/listing.html"
    ))
    .unwrap();
    let page = Url::parse("http://veille.test/actualites/").unwrap();
    let links = article_links(&html, &page, &["/actualites/*".to_string()], MAX_FOLLOWED);
    let links: Vec<&str> = links.iter().map(Url::as_str).collect();
    assert_eq!(
        links,
        [
            "http://veille.test/actualites/2025/lemonde-1.html",
            "http://veille.test/actualites/2025/title-en-dash.html",
            "http://veille.test/actualites/2025/disparu.html",
        ],
        "relative link resolved, utm and fragment dropped, duplicate and listing itself left out, other host and /agenda left out"
    );
    let two = article_links(
        &html,
        &page,
        &["/actualites/*".into(), "/agenda/*".into()],
        2,
    );
    assert_eq!(two.len(), 2, "capped");
}

#[test]
fn base_href_is_honoured() {
    let html = r#"<html><head><base href="http://veille.test/fr/"></head>
        <body><a href="actu/1.html">1</a><a href="/fr/actu/2.html">2</a></body></html>"#;
    let page = Url::parse("http://veille.test/index.php").unwrap();
    let links = article_links(html, &page, &["/fr/actu/*".into()], 10);
    let links: Vec<&str> = links.iter().map(Url::as_str).collect();
    assert_eq!(
        links,
        [
            "http://veille.test/fr/actu/1.html",
            "http://veille.test/fr/actu/2.html"
        ]
    );
}
