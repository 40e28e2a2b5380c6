//! The portal through the real router: only published records, in every
//! language, with their alternates, feeds, sitemap and caching headers.

use axum::http::{header, HeaderMap, StatusCode};
use axum::Router;
use serde_json::Value;
use veille_store::{
    FieldEvidence, PracticeDraft, PracticeEdit, PracticePlace, PracticeSource, PracticeStatus,
    PracticeText, Store,
};

use crate::tests::fixture;

const HOST: &str = "127.0.0.1:8080";
const BASE: &str = "http://127.0.0.1:8080";
/// The curator who files the records: never on a public page.
const CURATOR: &str = "curator-ines-bouvier";

async fn get_with(
    app: &Router,
    uri: &str,
    extra: &[(header::HeaderName, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut headers: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    if !extra.iter().any(|(k, _)| k == header::HOST) {
        headers.push(("host", HOST));
    }
    crate::export::tests::fetch(app, uri, &headers).await
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let (status, _, body) = get_with(app, uri, &[]).await;
    (status, body)
}

fn record(
    name: &str,
    status: PracticeStatus,
    theme: &str,
    place: (&str, &str, f64, f64),
) -> PracticeDraft {
    PracticeDraft {
        name: name.to_string(),
        status,
        themes: vec![theme.to_string()],
        places: vec![PracticePlace {
            name: place.0.to_string(),
            country: Some(place.1.to_string()),
            lat: Some(place.2),
            lon: Some(place.3),
        }],
        texts: vec![
            PracticeText {
                field: "approach".to_string(),
                lang: "fr".to_string(),
                text: format!("{name} : la ville loue des terrains à la coopérative."),
                evidence: Some(FieldEvidence {
                    item_id: "item-a".to_string(),
                    sentence: "La ville loue des terrains.".to_string(),
                }),
                reviewed: true,
            },
            PracticeText {
                field: "approach".to_string(),
                lang: "en".to_string(),
                text: format!("{name}: the city leases land to the cooperative."),
                evidence: None,
                reviewed: true,
            },
        ],
        sources: vec![PracticeSource {
            item_id: "item-a".to_string(),
            url: "http://127.0.0.1:9/lyon-article".to_string(),
            title: "Article on the cooperative".to_string(),
            lang: Some("fr".to_string()),
            published: Some("2024-03-10".to_string()),
        }],
        ..PracticeDraft::default()
    }
}

/// Files `draft` (as a draft first, then with its status, as curators do).
fn file(store: &Store, draft: &PracticeDraft) -> String {
    let mut first = draft.clone();
    first.status = PracticeStatus::Draft;
    let p = store.create_practice(&first, CURATOR).unwrap();
    if draft.status != PracticeStatus::Draft {
        let PracticeEdit::Done(_) = store.update_practice(&p.id, 1, draft, CURATOR).unwrap() else {
            panic!("not filed");
        };
    }
    p.id
}

fn set_status(store: &Store, id: &str, status: PracticeStatus) {
    let p = store.practice(id).unwrap().unwrap();
    let mut draft = p.record.clone();
    draft.status = status;
    let PracticeEdit::Done(_) = store
        .update_practice(id, p.version, &draft, CURATOR)
        .unwrap()
    else {
        panic!("not changed");
    };
}

/// Three records: Lyon published (T1, FR), a draft in Bilbao (T1, ES), a
/// withdrawn one in Seoul (T1, KR); and a published one in Madrid (T5, ES).
struct World {
    app: Router,
    store: Store,
    lyon: String,
    draft: String,
    withdrawn: String,
    madrid: String,
}

fn world() -> World {
    let f = fixture("");
    let store = f.state.store.clone();
    let lyon = file(
        &store,
        &record(
            "Lyon housing cooperative",
            PracticeStatus::Published,
            "T1",
            ("Lyon", "FR", 45.76, 4.84),
        ),
    );
    let draft = file(
        &store,
        &record(
            "Bilbao secret draft",
            PracticeStatus::Draft,
            "T1",
            ("Bilbao", "ES", 43.26, -2.93),
        ),
    );
    let withdrawn = file(
        &store,
        &record(
            "Seoul withdrawn fund",
            PracticeStatus::Published,
            "T1",
            ("Seoul", "KR", 37.57, 126.98),
        ),
    );
    set_status(&store, &withdrawn, PracticeStatus::Withdrawn);
    let madrid = file(
        &store,
        &record(
            "Madrid social market",
            PracticeStatus::Published,
            "T5",
            ("Madrid", "ES", 40.42, -3.70),
        ),
    );
    World {
        app: f.app,
        store,
        lyon,
        draft,
        withdrawn,
        madrid,
    }
}

const HIDDEN: [&str; 2] = ["Bilbao secret draft", "Seoul withdrawn fund"];

fn shows_no_unpublished(uri: &str, body: &str) {
    for hidden in HIDDEN {
        assert!(!body.contains(hidden), "{uri} shows {hidden:?}");
    }
    assert!(!body.contains(CURATOR), "{uri} names the curator");
}

#[tokio::test]
async fn every_page_shows_the_published_records_and_nothing_else() {
    let w = world();
    for lang in ["en", "fr", "es", "ko"] {
        let pages = [
            format!("/portal/{lang}/"),
            format!("/portal/{lang}/themes/T1"),
            format!("/portal/{lang}/countries/ES"),
            format!("/portal/{lang}/countries/FR"),
            format!("/portal/{lang}/map"),
            format!("/portal/{lang}/search?q=cooperative"),
            format!("/portal/{lang}/feed.atom"),
            format!("/portal/{lang}/themes/T1/feed.atom"),
            format!("/portal/{lang}/practices/{}", w.lyon),
        ];
        for uri in &pages {
            let (status, body) = get(&w.app, uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            shows_no_unpublished(uri, &body);
            // No link into the signed-in pages or the API.
            for closed in [
                "href=\"/items/",
                "href=\"/practices",
                "href=\"/queue",
                "href=\"/api/",
                "/api/practices",
            ] {
                assert!(!body.contains(closed), "{uri} links to {closed}");
            }
        }
        let (_, home) = get(&w.app, &format!("/portal/{lang}/")).await;
        assert!(home.contains("Lyon housing cooperative"), "{home}");
        assert!(home.contains("Madrid social market"));
        assert!(home.contains(&format!("<html lang=\"{lang}\">")));
    }
    // In Korean too, the countries named in Korean.
    let (_, ko) = get(&w.app, "/portal/ko/").await;
    assert!(
        ko.contains("최근 사례") && ko.contains(">스페인</a>"),
        "{ko}"
    );
    // The theme page lists its published records only.
    let (_, theme) = get(&w.app, "/portal/fr/themes/T1").await;
    assert!(theme.contains("Lyon housing cooperative"));
    assert!(!theme.contains("Madrid social market"));
    assert!(theme.contains("1 pratique"), "{theme}");
    // Spain's page has Madrid, not the Bilbao draft; Korea has nothing
    // published, so its page does not exist.
    let (_, spain) = get(&w.app, "/portal/es/countries/ES").await;
    assert!(spain.contains("Madrid social market"));
    assert!(spain.contains("<h1>España</h1>"), "{spain}");
    assert_eq!(
        get(&w.app, "/portal/en/countries/KR").await.0,
        StatusCode::NOT_FOUND
    );
    // The search finds only published records.
    let (_, found) = get(&w.app, "/portal/en/search?q=secret+draft").await;
    assert!(
        found.contains("No published practice matches this search."),
        "{found}"
    );
}

#[tokio::test]
async fn a_guessed_address_of_an_unpublished_record_is_the_same_404_as_an_unknown_one() {
    let w = world();
    for lang in ["en", "fr", "es", "ko"] {
        let (status, unknown) = get(&w.app, &format!("/portal/{lang}/practices/p999")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for id in [&w.draft, &w.withdrawn] {
            let (status, body) = get(&w.app, &format!("/portal/{lang}/practices/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
            assert_eq!(body, unknown, "{id} answers differently from an unknown id");
        }
    }
    let (_, fr) = get(&w.app, "/portal/fr/practices/p999").await;
    assert!(fr.contains("Page introuvable"), "{fr}");
    // A record withdrawn now leaves the portal now.
    assert_eq!(
        get(&w.app, &format!("/portal/en/practices/{}", w.madrid))
            .await
            .0,
        StatusCode::OK
    );
    set_status(&w.store, &w.madrid, PracticeStatus::Withdrawn);
    // Requests at once share their reads of the store, none of them one
    // made before the withdrawal.
    let uri = format!("/portal/en/practices/{}", w.madrid);
    let at_once = futures_util::future::join_all((0..16).map(|_| get(&w.app, &uri))).await;
    assert!(at_once
        .iter()
        .all(|(status, _)| *status == StatusCode::NOT_FOUND));
    assert_eq!(
        get(&w.app, &format!("/portal/en/practices/{}", w.madrid))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, home) = get(&w.app, "/portal/en/").await;
    assert!(!home.contains("Madrid social market"));
    // And a draft published now enters it.
    set_status(&w.store, &w.draft, PracticeStatus::Published);
    let (status, page) = get(&w.app, &format!("/portal/en/practices/{}", w.draft)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Bilbao secret draft"));
}

#[tokio::test]
async fn bad_addresses_are_404s_and_bad_parameters_400s_never_500s() {
    let w = world();
    for uri in [
        "/portal/de/",
        "/portal/xx/practices/p1",
        "/portal/en/themes/T99",
        "/portal/en/themes/T99/feed.atom",
        "/portal/en/countries/ZZ",
        "/portal/en/countries/%3Cscript%3E",
        "/portal/en/nothing-here",
        "/portal/en/practices/%00",
        "/portal/en/themes/T1?page=9",
    ] {
        let (status, headers, body) = get_with(&w.app, uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{uri}"
        );
        assert!(
            body.contains("Page not found") || body.contains("Page introuvable"),
            "{uri}: {body}"
        );
        assert!(!body.contains("<script>"), "{uri}");
    }
    for uri in [
        "/portal/en/themes/T1?page=abc",
        "/portal/en/themes/T1?page=0",
        "/portal/en/search?q=x&page=-1",
    ] {
        let (status, body) = get(&w.app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(body.contains("give a whole number from 1"), "{uri}: {body}");
    }
    let long = "a".repeat(600);
    let (status, body) = get(&w.app, &format!("/portal/fr/search?q={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("at most 500 characters"), "{body}");
    // A lower-case country goes to its upper-case page; a bare language
    // to its home.
    let (status, headers, _) = get_with(&w.app, "/portal/en/countries/fr", &[]).await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers[header::LOCATION], "/portal/en/countries/FR");
    let (status, headers, _) = get_with(&w.app, "/portal/es", &[]).await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers[header::LOCATION], "/portal/es/");
}

#[tokio::test]
async fn the_portal_root_sends_each_visitor_to_their_language() {
    let w = world();
    for (accept, to) in [
        ("fr-CA,fr;q=0.9,en;q=0.5", "/portal/fr/"),
        ("es", "/portal/es/"),
        ("ko-KR,ko;q=0.9,en;q=0.5", "/portal/ko/"),
        ("de, en;q=0.3", "/portal/en/"),
        ("", "/portal/en/"),
    ] {
        for root in ["/portal/", "/portal"] {
            let (status, headers, body) =
                get_with(&w.app, root, &[(header::ACCEPT_LANGUAGE, accept)]).await;
            assert_eq!(status, StatusCode::FOUND, "{accept}");
            assert_eq!(headers[header::LOCATION], to, "{accept}");
            assert_eq!(headers[header::VARY], "Accept-Language");
            // Without following the redirect, the body links every language.
            for lang in ["/portal/en/", "/portal/fr/", "/portal/es/", "/portal/ko/"] {
                assert!(body.contains(&format!("href=\"{lang}\"")), "{body}");
            }
        }
    }
}

/// The content of the page's JSON-LD, parsed.
fn json_ld(page: &str) -> Value {
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[tokio::test]
async fn a_practice_page_has_its_record_alternates_open_graph_and_json_ld() {
    let w = world();
    let (status, page) = get(&w.app, &format!("/portal/fr/practices/{}", w.lyon)).await;
    assert_eq!(status, StatusCode::OK);
    // The record: its French text first, the source's sentence linked to
    // the source's own page, the theme and the country linked.
    assert!(page.contains("<h1>Lyon housing cooperative</h1>"), "{page}");
    assert!(page.contains("la ville loue des terrains à la coopérative"));
    assert!(
        !page.contains("<p>Lyon housing cooperative: the city leases land"),
        "the English text on the French page"
    );
    assert!(page.contains("La ville loue des terrains."));
    assert!(page.contains("href=\"http://127.0.0.1:9/lyon-article\""));
    assert!(page.contains("href=\"/portal/fr/themes/T1\""));
    assert!(page.contains("<a href=\"/portal/fr/countries/FR\">France</a>"));
    assert!(page.contains("Démarche"));
    // Every language version and x-default.
    for lang in ["en", "fr", "es", "ko"] {
        let link = format!(
            "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{BASE}/portal/{lang}/practices/{}\">",
            w.lyon
        );
        assert!(page.contains(&link), "missing {link}");
    }
    assert!(page.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"{BASE}/portal/en/practices/{}\">",
        w.lyon
    )));
    // Open Graph.
    assert!(page.contains("<meta property=\"og:title\" content=\"Lyon housing cooperative\">"));
    assert!(page.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(page.contains("<meta property=\"og:locale\" content=\"fr_FR\">"));
    assert!(page.contains(&format!(
        "<meta property=\"og:url\" content=\"{BASE}/portal/fr/practices/{}\">",
        w.lyon
    )));
    // schema.org JSON-LD of the record.
    let ld = json_ld(&page);
    assert_eq!(ld["@context"]["@vocab"], crate::practices::SCHEMA_ORG);
    assert_eq!(ld["@type"], "Project");
    assert_eq!(ld["name"], "Lyon housing cooperative");
    assert_eq!(ld["@id"], format!("{BASE}/portal/fr/practices/{}", w.lyon));
    assert_eq!(ld["location"][0]["address"]["addressCountry"], "FR");
    // A page kept from an earlier request is not another site's: its
    // absolute links follow the request's host.
    let (_, _, other) = get_with(
        &w.app,
        &format!("/portal/fr/practices/{}", w.lyon),
        &[(header::HOST, "127.0.0.1:9090")],
    )
    .await;
    assert!(other.contains("href=\"http://127.0.0.1:9090/portal/es/practices/"));
    assert!(!other.contains(BASE));
    // The English page shows the English text.
    let (_, en) = get(&w.app, &format!("/portal/en/practices/{}", w.lyon)).await;
    assert!(
        en.contains("<p>Lyon housing cooperative: the city leases land to the cooperative.</p>")
    );
    assert!(en.contains("Approach"));
    // The home's x-default is the negotiating root.
    let (_, home) = get(&w.app, "/portal/es/").await;
    assert!(home.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"{BASE}/portal/\">"
    )));
    assert!(home.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"fr\" href=\"{BASE}/portal/fr/\">"
    )));
}

#[tokio::test]
async fn what_a_curator_wrote_is_escaped_even_in_the_json_ld() {
    let f = fixture("");
    let mut evil = record(
        "Co-op </script><script>alert(1)</script> & <b>bold</b>",
        PracticeStatus::Published,
        "T1",
        ("Lyon", "FR", 45.76, 4.84),
    );
    evil.website = Some("javascript:alert(2)".to_string());
    evil.sources[0].url = "javascript:alert(3)".to_string();
    let id = file(&f.state.store, &evil);
    let (status, page) = get(&f.app, &format!("/portal/en/practices/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<b>bold</b>"));
    assert!(!page.contains("href=\"javascript:"), "a javascript: link");
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt;"));
    assert_eq!(
        json_ld(&page)["name"],
        "Co-op </script><script>alert(1)</script> & <b>bold</b>"
    );
}

#[tokio::test]
async fn the_sitemap_lists_every_published_practice_in_every_language() {
    let w = world();
    let (status, headers, map) = get_with(&w.app, "/portal/sitemap.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/xml; charset=utf-8"
    );
    for lang in ["en", "fr", "es", "ko"] {
        for id in [&w.lyon, &w.madrid] {
            assert!(
                map.contains(&format!("<loc>{BASE}/portal/{lang}/practices/{id}</loc>")),
                "{lang} {id}"
            );
        }
        for id in [&w.draft, &w.withdrawn] {
            assert!(
                !map.contains(&format!("/portal/{lang}/practices/{id}<")),
                "{id} in the sitemap"
            );
        }
        for page in [
            "/",
            "/map",
            "/themes/T1",
            "/themes/T5",
            "/countries/FR",
            "/countries/ES",
        ] {
            assert!(
                map.contains(&format!("<loc>{BASE}/portal/{lang}{page}</loc>")),
                "{lang}{page}"
            );
        }
        assert!(
            !map.contains(&format!("/portal/{lang}/countries/KR")),
            "a country with nothing published"
        );
    }
    // Per language: the home and the map, two themes, two countries, two
    // records, and the kits' list.
    assert_eq!(map.matches("<url>").count(), 4 * (2 + 2 + 2 + 2 + 1));

    let (status, robots) = get(&w.app, "/robots.txt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(robots.contains("Allow: /portal/\n"));
    for closed in [
        "Disallow: /api/\n",
        "Disallow: /queue\n",
        "Disallow: /items/\n",
        "Disallow: /practices\n",
        "Disallow: /kits\n",
    ] {
        assert!(robots.contains(closed), "{robots}");
    }
    assert!(robots.contains(&format!("Sitemap: {BASE}/portal/sitemap.xml")));
}

fn entry_titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect()
}

#[tokio::test]
async fn the_atom_feeds_parse_and_hold_the_new_practices() {
    let w = world();
    let (status, headers, body) = get_with(&w.app, "/portal/fr/feed.atom", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], crate::feeds::CONTENT_TYPE);
    let feed = feed_rs::parser::parse(body.as_bytes()).unwrap();
    let titles = entry_titles(&feed);
    // Newest first.
    assert_eq!(
        titles,
        vec!["Madrid social market", "Lyon housing cooperative"]
    );
    assert_eq!(
        feed.entries[1].links[0].href,
        format!("{BASE}/portal/fr/practices/{}", w.lyon)
    );
    assert!(feed.entries[1]
        .summary
        .as_ref()
        .unwrap()
        .content
        .contains("la ville loue des terrains"));

    let (_, body) = get(&w.app, "/portal/en/themes/T5/feed.atom").await;
    let feed = feed_rs::parser::parse(body.as_bytes()).unwrap();
    let titles = entry_titles(&feed);
    assert_eq!(titles, vec!["Madrid social market"]);
    assert_eq!(
        feed.entries[0].categories[0].label.as_deref(),
        Some("Environment and commons")
    );

    // A record published now is in the feed at once, first.
    let new = file(
        &w.store,
        &record(
            "Quito food network",
            PracticeStatus::Published,
            "T5",
            ("Quito", "EC", -0.22, -78.51),
        ),
    );
    let (_, body) = get(&w.app, "/portal/en/themes/T5/feed.atom").await;
    let feed = feed_rs::parser::parse(body.as_bytes()).unwrap();
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "Quito food network"
    );
    assert!(feed.entries[0].links[0]
        .href
        .ends_with(&format!("/portal/en/practices/{new}")));
}

#[tokio::test]
async fn a_current_copy_is_a_304_and_a_change_makes_a_new_etag() {
    let w = world();
    let uri = "/portal/en/";
    let (status, headers, _) = get_with(&w.app, uri, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let tag = headers[header::ETAG].to_str().unwrap().to_string();
    let modified = headers[header::LAST_MODIFIED].to_str().unwrap().to_string();
    assert!(tag.starts_with('"') && tag.len() > 10, "{tag}");
    assert!(modified.ends_with(" GMT"), "{modified}");

    let (status, h, body) = get_with(&w.app, uri, &[(header::IF_NONE_MATCH, &tag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(h[header::ETAG].to_str().unwrap(), tag);
    let weak = format!("\"other\", W/{tag}");
    assert_eq!(
        get_with(&w.app, uri, &[(header::IF_NONE_MATCH, &weak)])
            .await
            .0,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        get_with(&w.app, uri, &[(header::IF_MODIFIED_SINCE, &modified)])
            .await
            .0,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        get_with(&w.app, uri, &[(header::IF_NONE_MATCH, "\"stale\"")])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        get_with(
            &w.app,
            uri,
            &[(header::IF_MODIFIED_SINCE, "Mon, 01 Jan 2001 00:00:00 GMT")]
        )
        .await
        .0,
        StatusCode::OK
    );
    // Every answer of the portal has both headers, the feed and the
    // sitemap included.
    for uri in [
        "/portal/fr/feed.atom",
        "/portal/sitemap.xml",
        "/robots.txt",
        "/portal/en/map",
        "/portal/es/practices/p999",
    ] {
        let (_, h, _) = get_with(&w.app, uri, &[]).await;
        assert!(
            h.contains_key(header::ETAG) && h.contains_key(header::LAST_MODIFIED),
            "{uri}"
        );
    }

    // A new record changes the page: the old copy is no longer current.
    file(
        &w.store,
        &record(
            "Porto Alegre budget",
            PracticeStatus::Published,
            "T7",
            ("Porto Alegre", "BR", -30.03, -51.23),
        ),
    );
    let (status, h, body) = get_with(&w.app, uri, &[(header::IF_NONE_MATCH, &tag)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Porto Alegre budget"));
    assert_ne!(h[header::ETAG].to_str().unwrap(), tag);
    assert_eq!(
        get_with(&w.app, uri, &[(header::IF_MODIFIED_SINCE, &modified)])
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_map_page_tables_the_countries_with_their_counts() {
    let w = world();
    let (status, page) = get(&w.app, "/portal/es/map").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mapa mundial de las prácticas"));
    // The SVG map: the countries with published records linked to their
    // pages, the cities marked; none of the unpublished records' places.
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    assert!(
        svg.contains("<a href=\"/portal/es/countries/ES\" data-code=\"ES\">"),
        "{svg}"
    );
    assert!(svg.contains("<a href=\"/portal/es/countries/FR\" data-code=\"FR\">"));
    assert!(!svg.contains("href=\"/portal/es/countries/KR\""));
    assert_eq!(svg.matches("<circle").count(), 2, "Lyon and Madrid");
    assert!(svg.contains("data-country=\"FR\""));
    // The same counts as a table, with the countries' names.
    assert!(page.contains("<td>1</td>"));
    assert!(
        page.contains(">España</a>") && page.contains(">Francia</a>"),
        "{page}"
    );
    assert!(page.contains("href=\"/portal/es/countries/ES\""));
    assert!(page.contains("href=\"/portal/es/countries/FR\""));
    assert!(!page.contains("/countries/KR"));
}

#[tokio::test]
async fn the_search_finds_published_records_across_languages_and_nothing_else() {
    let f = fixture("");
    let store = f.state.store.clone();
    let mut lyon = record(
        "Coopérative d'habitants de Lyon",
        PracticeStatus::Published,
        "T1",
        ("Lyon", "FR", 45.76, 4.84),
    );
    lyon.texts.retain(|t| t.lang == "fr");
    let lyon = file(&store, &lyon);
    let mut draft = record(
        "Coopérative d'habitants de Nantes",
        PracticeStatus::Draft,
        "T1",
        ("Nantes", "FR", 47.22, -1.55),
    );
    draft.texts.retain(|t| t.lang == "fr");
    file(&store, &draft);

    // An English query finds the French record through its concept.
    let (status, page) = get(&f.app, "/portal/en/search?q=housing+cooperative").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Practices found for “housing cooperative”: 1"),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"/portal/en/practices/{lyon}\"")));
    assert!(!page.contains("Nantes"), "the draft is found");
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    // The query stays in the box, escaped, and in the alternates.
    assert!(page.contains("value=\"housing cooperative\""));
    assert!(page.contains(&format!(
        "hreflang=\"fr\" href=\"{BASE}/portal/fr/search?q=housing+cooperative\""
    )));
    let (status, page) = get(&f.app, "/portal/fr/search?q=%3Cb%3Ebicyclettes").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Aucune pratique publiée ne correspond à cette recherche."));
    assert!(page.contains("&lt;b&gt;bicyclettes") && !page.contains("<b>bicyclettes"));
    // Whatever the public types is a search, never an error.
    for q in [
        "%22abc",
        "-",
        "--",
        "'",
        "AND",
        "OR+OR",
        "NOT",
        "%3C%3C%3C",
        "a:b",
        "(x",
        "*",
        "~2",
        "^3",
        "\\",
    ] {
        let (status, page) = get(&f.app, &format!("/portal/en/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}: {page}");
        assert!(
            !page.contains(&format!("href=\"/portal/en/practices/{lyon}\"")),
            "{q} finds everything"
        );
    }
    // Without a query, the form alone.
    let (status, page) = get(&f.app, "/portal/es/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Buscar entre las prácticas") && !page.contains("Prácticas encontradas"));
}

#[tokio::test]
async fn a_sitemap_larger_than_one_file_is_an_index_of_its_parts() {
    let w = world();
    let filter = veille_store::PracticeFilter::default();
    let practices = w.store.practices(&filter, 0, 100).unwrap().1;
    let snapshot = super::Snapshot::new(1, chrono::Utc::now(), practices);
    let locs = |doc: &str| -> Vec<String> {
        doc.split("<loc>")
            .skip(1)
            .map(|s| s[..s.find("</loc>").unwrap()].to_string())
            .collect()
    };
    let whole = super::machines::sitemap_document(&snapshot, BASE, None, 50_000).unwrap();
    let all = locs(&whole);
    assert_eq!(all.len(), 36);
    // At most 5 URLs a file: an index of 8 parts, which list them all.
    let index = super::machines::sitemap_document(&snapshot, BASE, None, 5).unwrap();
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts = locs(&index);
    assert_eq!(parts.len(), 8);
    assert_eq!(parts[7], format!("{BASE}/portal/sitemaps/8.xml"));
    let mut listed = Vec::new();
    for n in 1..=8 {
        let part = super::machines::sitemap_document(&snapshot, BASE, Some(n), 5).unwrap();
        assert!(part.contains("<urlset"));
        listed.extend(locs(&part));
    }
    assert_eq!(listed, all);
    assert!(super::machines::sitemap_document(&snapshot, BASE, Some(9), 5).is_none());
    // Through HTTP, a site this small has no parts.
    for uri in [
        "/portal/sitemaps/1.xml",
        "/portal/sitemaps/x.xml",
        "/portal/sitemaps/99999999.xml",
    ] {
        assert_eq!(get(&w.app, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn a_search_lists_its_first_ten_pages_and_says_there_are_more() {
    let f = fixture("");
    let store = f.state.store.clone();
    for n in 0..=super::pages::SEARCH_MAX {
        let mut r = record(
            &format!("Bakery {n}"),
            PracticeStatus::Published,
            "T1",
            ("Lyon", "FR", 45.76, 4.84),
        );
        r.texts.clear();
        r.sources.clear();
        file(&store, &r);
    }
    let (status, page) = get(&f.app, "/portal/en/search?q=bakery").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Practices found for “bakery”: 500+"),
        "{page}"
    );
    assert!(page.contains("Page 1 / 10"));
    let (status, last) = get(&f.app, "/portal/en/search?q=bakery&page=10").await;
    assert_eq!(status, StatusCode::OK);
    assert!(last.contains("Page 10 / 10") && !last.contains("rel=\"next\""));
    assert_eq!(
        get(&f.app, "/portal/en/search?q=bakery&page=11").await.0,
        StatusCode::NOT_FOUND
    );
}
