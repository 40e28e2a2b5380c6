//! The bodies of veille's fuzz targets: one function per target, taking
//! the fuzzer's bytes and calling the production code that reads what the
//! outside world sends (feeds, pages, robots.txt, `sources.toml`, OPML,
//! search queries, dates).
//!
//! The same functions run twice: under libFuzzer, from the thin binaries
//! of `fuzz/libfuzzer/` (`fuzz/run.sh`), and in `cargo test`, where
//! `tests/replay.rs` feeds them every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/`. A target fails by panicking: on a panic
//! of the code under test, or on a broken property checked here (each
//! says which promise of the code it holds it to).

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use url::Url;
use veille_crawler::robots::{product_token, RobotsRules};
use veille_crawler::{opml, sources_edit, Config};
use veille_indexer::extract::{self, dates};
use veille_indexer::index::{Index, IndexError};
use veille_indexer::search::{SearchRequest, Sort};
use veille_store::{Candidate, Item, Status};

/// A fuzz target: its name (the binary, and the corpus folder) and body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, in the order `fuzz/run.sh` runs them.
pub const TARGETS: &[Target] = &[
    ("feed", feed),
    ("extract", extract),
    ("robots", robots),
    ("config", config),
    ("opml", opml),
    ("search", search),
    ("date", date),
];

/// The clock of the targets, so that a run does not depend on the day.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

/// A date the store can keep: it writes RFC 3339 and reads it back
/// (`store::Store`), so a date that does not survive that trip is lost.
fn assert_storable(d: DateTime<FixedOffset>) {
    let written = d.to_rfc3339();
    assert_eq!(
        DateTime::parse_from_rfc3339(&written).ok(),
        Some(d),
        "date {written} does not read back"
    );
}

fn url(s: &str) -> Url {
    Url::parse(s).expect("the targets' URLs are valid")
}

/// A feed body, as fetched (charset from the XML declaration or BOM), by
/// `parse_feed`: RSS, RDF, Atom and JSON Feed, with the repair pass for
/// bare `&`, undeclared entities and unknown RSS versions.
pub fn feed(data: &[u8]) {
    let feed_url = url("https://example.org/feed/");
    let Ok(feed) = veille_crawler::parse_feed(data, None, Some("fr-FR, en"), &feed_url) else {
        return;
    };
    for entry in &feed.entries {
        // Entry links are resolved against the feed and normalized.
        if let Some(u) = &entry.url {
            assert!(u.has_host() || u.cannot_be_a_base(), "entry url {u}");
        }
        if let Some(d) = entry.published {
            assert_storable(d);
        }
    }
}

/// An HTML page, decoded as the crawler decodes it, through `extract`
/// (main text, title, date, author, language, canonical URL) and
/// `html_to_text` (feed summaries). Holds `extract` to its promise that a
/// publication date is never in the future.
pub fn extract(data: &[u8]) {
    let html = veille_crawler::decode_html(data, None);
    let article = extract::extract_at(
        &html,
        Some("https://example.org/2024/05/12/article.html"),
        now(),
    );
    if let Some(published) = article.published {
        assert_storable(published);
        assert!(
            published.with_timezone(&Utc) <= now(),
            "published {published} is after the clock"
        );
    }
    extract::html_to_text(&html);
}

/// A robots.txt body for veille's token, then paths checked against it:
/// a few fixed ones and the body's last line taken as a path.
pub fn robots(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let token = product_token(text.lines().next().unwrap_or_default());
    let base = url("https://example.org/");
    for token in ["veille", token.as_str()] {
        let rules = RobotsRules::parse(data, token);
        for path in [
            "/",
            "/private/a.html",
            "/a%2fb?q=%C3%A9",
            "/%E2%82%AC/*$",
            "/index.php?x=1",
        ] {
            rules.allowed(&base.join(path).expect("fixed paths join"));
        }
        if let Some(Ok(u)) = text.lines().last().map(|l| base.join(l)) {
            rules.allowed(&u);
        }
        if let Some(delay) = rules.crawl_delay {
            assert!(
                delay.as_secs() <= 86_400,
                "crawl delay {delay:?} above a day"
            );
        }
    }
}

/// A `sources.toml` text through `config::parse` (syntax, then every
/// rule). A file it accepts is exported to OPML and imported back into an
/// empty list: every source must come back as a valid new source.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = veille_crawler::parse(text, "sources.toml") else {
        return;
    };
    let exported = opml::export(&config);
    let plan = opml::import(&exported, "export.opml", empty_config())
        .unwrap_or_else(|e| panic!("the export of a valid file is not OPML: {e}\n{exported}"));
    assert!(
        plan.invalid.is_empty(),
        "exported sources are invalid on import: {:?}\n{exported}",
        plan.invalid
    );
}

/// A `sources.toml` holding one source, against which OPML is imported.
const EXISTING_SOURCES: &str = r#"[crawler]
user_agent = "veille/0.1 (+https://example.org/veille)"

[[source]]
id = "ripess"
name = "RIPESS"
url = "https://www.ripess.org/feed/"
kind = "feed"
"#;

fn empty_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        veille_crawler::parse(
            "[crawler]\nuser_agent = \"veille/0.1 (+https://example.org/veille)\"\n",
            "sources.toml",
        )
        .expect("the empty list is valid")
    })
}

fn existing_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        veille_crawler::parse(EXISTING_SOURCES, "sources.toml").expect("the list is valid")
    })
}

/// An OPML document through `opml::import` against a list of one source.
/// The plan it makes must apply: appending its new sources to that list
/// (what `veille sources import-opml` then writes) is never refused.
pub fn opml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = opml::import(text, "feeds.opml", existing_config()) else {
        return;
    };
    if !plan.new.is_empty() {
        if let Err(e) = sources_edit::append_sources(EXISTING_SOURCES, "sources.toml", &plan.new) {
            panic!("an import plan does not apply: {e}\n{:?}", plan.new);
        }
    }
}

/// A few documents in the portal's languages, indexed once per process.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = Index::open_in_ram().expect("an in-RAM index opens");
        let docs = [
            ("fr", "fr", "Une coopérative d'habitants à Lyon", "La coopérative rassemble des habitants autour d'une épicerie solidaire et d'une monnaie locale.", &["housing"][..], "2024-05-12T10:00:00+02:00"),
            ("en", "gb", "Community energy cooperative", "A community-owned wind cooperative shares its profits with the village; social economy at work.", &["energy"][..], "2023-11-02T08:30:00Z"),
            ("es", "es", "Economía social y solidaria en Barcelona", "Las cooperativas de trabajo y los mercados sociales crecen en Cataluña.", &[][..], "2025-01-20T00:00:00+01:00"),
            ("ko", "kr", "사회적경제 협동조합", "서울의 사회적경제 기업과 협동조합이 지역 공동체를 돕는다.", &["finance"][..], "2022-03-01T09:00:00+09:00"),
            ("de", "de", "Solidarische Landwirtschaft", "Die Genossenschaft versorgt Mitglieder mit Gemüse vom Hof.", &["agriculture"][..], "2021-07-07T12:00:00+02:00"),
        ];
        let items: Vec<Item> = docs
            .iter()
            .enumerate()
            .map(|(i, (lang, country, title, text, themes, published))| Item {
                id: format!("doc{i}"),
                url: format!("https://example.org/{i}"),
                source_id: if i % 2 == 0 { "ripess" } else { "socioeco" }.to_string(),
                title: title.to_string(),
                text: text.to_string(),
                author: None,
                published: DateTime::parse_from_rfc3339(published).ok(),
                lang: Some(lang.to_string()),
                lang_confidence: 0.9,
                country: Some(country.to_string()),
                candidate: Candidate {
                    score: i as f64 / 5.0,
                    is_candidate: i % 2 == 0,
                    themes: themes.iter().map(|t| t.to_string()).collect(),
                    ..Default::default()
                },
                fingerprint: None,
                group_id: format!("doc{}", i.min(3)),
                first_seen: now(),
                updated_at: now(),
                review: None,
            })
            .collect();
        index.upsert_many(&items).expect("the documents are indexed");
        index.commit().expect("the index commits");
        index
    })
}

/// A search: the first byte picks the sort, expansion, filters and page;
/// the rest is the query string, through `Index::search` and
/// `Index::search_ids` on an in-RAM index of five documents. A query may be
/// refused (`BadQuery`, a 400 for the API), never fail otherwise.
pub fn search(data: &[u8]) {
    let Some((&flags, q)) = data.split_first() else {
        return;
    };
    let req = SearchRequest {
        q: String::from_utf8_lossy(q).into_owned(),
        sort: match flags & 3 {
            1 => Sort::Date,
            2 => Sort::Score,
            _ => Sort::Relevance,
        },
        expand: flags & 4 == 0,
        lang: (flags & 8 != 0).then(|| "fr".to_string()),
        theme: (flags & 16 != 0).then(|| "housing".to_string()),
        from: (flags & 32 != 0)
            .then(|| DateTime::parse_from_rfc3339("2023-01-01T00:00:00Z").unwrap()),
        status: (flags & 64 != 0).then_some(Status::Unreviewed),
        page: if flags & 128 != 0 { 2 } else { 1 },
        per_page: 2,
        ..SearchRequest::default()
    };
    let index = index();
    match index.search(&req) {
        Ok(results) => assert!(results.hits.len() <= req.per_page),
        Err(IndexError::BadQuery(_)) => {}
        Err(e) => panic!("search {:?} failed: {e}", req.q),
    }
    match index.search_ids(&req, 10) {
        Ok(ids) => assert!(ids.len() <= 10),
        Err(IndexError::BadQuery(_)) => {}
        Err(e) => panic!("search_ids {:?} failed: {e}", req.q),
    }
}

/// A string through the date readers of extraction: as a meta tag or
/// `<time datetime>` value, as a URL path, and as a page's text (written
/// dates, in words and numeric). A date read must survive the store.
pub fn date(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for d in [dates::parse_date(&text), dates::url_date(&text)]
        .into_iter()
        .flatten()
    {
        assert_storable(d);
    }
    for numeric in [false, true] {
        let found = dates::text_dates(&text, 20, numeric);
        assert!(found.len() <= 20);
    }
}
