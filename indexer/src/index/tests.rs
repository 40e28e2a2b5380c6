//! Tests of the index: analysis per language, query syntax and its errors,
//! filters, facets, sorts, paging, snippets, upserts, reopening and
//! rebuilding; cross-language expansion, Korean bigrams, the month
//! histogram and one hit per duplicate group.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use veille_store::{Candidate, Decision, Item, NewItem, Review, Status, Store};

use super::{query_nesting_depth, Index, IndexError, MAX_QUERY_CHARS, MAX_QUERY_DEPTH};
use crate::search::{SearchRequest, SearchResults, Snippet, Sort};

/// An item as the store would hold it.
struct Spec {
    id: &'static str,
    title: &'static str,
    text: &'static str,
    lang: Option<&'static str>,
    country: Option<&'static str>,
    source: &'static str,
    themes: &'static [&'static str],
    score: f64,
    published: Option<&'static str>,
    decision: Option<Decision>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            id: "id",
            title: "",
            text: "",
            lang: None,
            country: None,
            source: "ripess",
            themes: &[],
            score: 0.0,
            published: None,
            decision: None,
        }
    }
}

fn date(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("test dates are RFC 3339")
}

fn item(spec: Spec) -> Item {
    let seen = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    Item {
        id: spec.id.to_string(),
        url: format!("https://example.org/{}", spec.id),
        source_id: spec.source.to_string(),
        title: spec.title.to_string(),
        text: spec.text.to_string(),
        author: None,
        published: spec.published.map(date),
        lang: spec.lang.map(str::to_string),
        lang_confidence: 0.9,
        country: spec.country.map(str::to_string),
        candidate: Candidate {
            score: spec.score,
            is_candidate: spec.score >= 0.5,
            themes: spec.themes.iter().map(|t| t.to_string()).collect(),
            places: vec![],
            evidence: vec![],
            ..Default::default()
        },
        fingerprint: None,
        group_id: spec.id.to_string(),
        first_seen: seen,
        updated_at: seen,
        review: spec.decision.map(|decision| Review {
            decision,
            curator: "ana".to_string(),
            note: None,
            at: seen,
        }),
    }
}

fn index_of(items: &[Item]) -> Index {
    let index = Index::open_in_ram().expect("an in-RAM index opens");
    index.upsert_many(items).expect("items are indexed");
    index.commit().expect("the index commits");
    index
}

fn query(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.to_string(),
        ..SearchRequest::default()
    }
}

fn search(index: &Index, req: &SearchRequest) -> SearchResults {
    index
        .search(req)
        .unwrap_or_else(|e| panic!("search {req:?} failed: {e}"))
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

fn sorted_ids(results: &SearchResults) -> Vec<&str> {
    let mut ids = ids(results);
    ids.sort_unstable();
    ids
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// A small corpus in five languages, with every filter field varied.
fn corpus() -> Vec<Item> {
    vec![
        item(Spec {
            id: "fr-lyon",
            title: "Une coopérative d'habitants à Lyon",
            text: "La coopérative rassemble quarante familles autour d'un habitat partagé.",
            lang: Some("fr"),
            country: Some("FR"),
            source: "ripess-eu",
            themes: &["T3", "T7"],
            score: 0.9,
            published: Some("2024-03-10T09:00:00+01:00"),
            decision: Some(Decision::Approve),
        }),
        item(Spec {
            id: "en-leeds",
            title: "A worker cooperative in Leeds",
            text: "The cooperative repairs bicycles and trains young people.",
            lang: Some("en"),
            country: Some("GB"),
            source: "coopuk",
            themes: &["T7"],
            score: 0.6,
            published: Some("2024-05-02T12:00:00+00:00"),
            ..Spec::default()
        }),
        item(Spec {
            id: "es-bogota",
            title: "Economía social en Bogotá",
            text: "La economía social y solidaria crece en los barrios de Bogotá.",
            lang: Some("es"),
            country: Some("CO"),
            source: "ripess-lac",
            themes: &["T1"],
            score: 0.3,
            published: Some("2023-11-20T08:30:00-05:00"),
            decision: Some(Decision::Reject),
        }),
        item(Spec {
            id: "ko-seoul",
            title: "서울 사회적경제 지원센터",
            text: "사회적경제 기업을 지원합니다",
            lang: Some("ko"),
            country: Some("KR"),
            source: "gsef",
            themes: &["T1", "T3"],
            score: 0.75,
            published: Some("2024-01-15T10:00:00+09:00"),
            ..Spec::default()
        }),
        item(Spec {
            id: "undated",
            title: "Solidarity finance without a date",
            text: "A solidarity fund lends to cooperatives.",
            lang: Some("en"),
            source: "coopuk",
            score: 0.1,
            ..Spec::default()
        }),
    ]
}

#[test]
fn a_french_plural_finds_the_singular_in_a_french_item() {
    let index = index_of(&corpus());
    let results = search(&index, &query("coopératives"));
    assert!(ids(&results).contains(&"fr-lyon"), "{results:?}");
    let results = search(&index, &query("habitant"));
    assert_eq!(ids(&results), ["fr-lyon"]);
}

#[test]
fn an_english_plural_finds_the_singular_in_an_english_item() {
    let index = index_of(&corpus());
    let results = search(&index, &query("cooperatives repair"));
    assert_eq!(ids(&results), ["en-leeds"]);
    let results = search(&index, &query("workers"));
    assert_eq!(ids(&results), ["en-leeds"]);
}

#[test]
fn accents_and_case_do_not_matter() {
    let index = index_of(&corpus());
    for q in ["economia", "ECONOMÍA", "bogota", "Bogotá"] {
        assert_eq!(
            ids(&search(&index, &query(q))),
            ["es-bogota"],
            "query {q:?}"
        );
    }
    assert_eq!(
        ids(&search(&index, &query("cooperative habitants lyon"))),
        ["fr-lyon"]
    );
}

#[test]
fn a_korean_word_is_found_whole() {
    let index = index_of(&corpus());
    let exact = |q: &str| SearchRequest {
        expand: false,
        ..query(q)
    };
    assert_eq!(ids(&search(&index, &exact("사회적경제"))), ["ko-seoul"]);
    assert_eq!(ids(&search(&index, &exact("지원합니다"))), ["ko-seoul"]);
    // Expanded, the Korean concept also finds its Spanish name, below.
    assert_eq!(
        ids(&search(&index, &query("사회적경제"))),
        ["ko-seoul", "es-bogota"]
    );
}

#[test]
fn every_word_must_match() {
    let index = index_of(&corpus());
    assert_eq!(
        ids(&search(&index, &query("cooperative bicycles"))),
        ["en-leeds"]
    );
    assert_eq!(search(&index, &query("cooperative bogota")).total, 0);
    let either = search(&index, &query("bicycles OR bogota"));
    assert_eq!(sorted_ids(&either), ["en-leeds", "es-bogota"]);
}

#[test]
fn phrases_fields_and_exclusions_work() {
    let index = index_of(&corpus());
    assert_eq!(
        ids(&search(&index, &query("\"worker cooperative\""))),
        ["en-leeds"]
    );
    assert_eq!(search(&index, &query("\"cooperative worker\"")).total, 0);
    // `title:` searches the titles of every language, `text:` the texts.
    assert_eq!(ids(&search(&index, &query("title:leeds"))), ["en-leeds"]);
    assert_eq!(search(&index, &query("title:bicycles")).total, 0);
    assert_eq!(ids(&search(&index, &query("text:bicycles"))), ["en-leeds"]);
    assert_eq!(ids(&search(&index, &query("country:KR"))), ["ko-seoul"]);
    let range = "published:[2024-04-01T00:00:00Z TO *] OR published:{* TO 2023-12-01T00:00:00Z}";
    assert_eq!(
        sorted_ids(&search(&index, &query(range))),
        ["en-leeds", "es-bogota"]
    );
    // Only exclusions: everything but (the undated item has "cooperatives").
    let results = search(&index, &query("-cooperative"));
    assert_eq!(sorted_ids(&results), ["es-bogota", "ko-seoul"]);
}

#[test]
fn a_title_match_ranks_above_a_text_match() {
    let index = index_of(&[
        item(Spec {
            id: "in-text",
            title: "Annual report",
            text: "Our network supports a housing cooperative among other things.",
            lang: Some("en"),
            ..Spec::default()
        }),
        item(Spec {
            id: "in-title",
            title: "A housing cooperative",
            text: "Our network supports it among other things, every year.",
            lang: Some("en"),
            ..Spec::default()
        }),
    ]);
    assert_eq!(
        ids(&search(&index, &query("housing"))),
        ["in-title", "in-text"]
    );
}

#[test]
fn bad_queries_are_reported_not_panicked_on() {
    let index = index_of(&corpus());
    let cases = [
        ("\"unbalanced", "unbalanced quote"),
        ("title:(", "unbalanced parenthesis"),
        ("(economia", "unbalanced parenthesis"),
        ("foo:bar", "unknown field \"foo\""),
        ("url:example", "field \"url\" cannot be searched"),
    ];
    for (q, expected) in cases {
        match index.search(&query(q)) {
            Err(IndexError::BadQuery(msg)) => {
                assert!(msg.contains(expected), "query {q:?}: {msg}");
                assert!(msg.contains(q), "query {q:?}: the message names it: {msg}");
            }
            other => panic!("query {q:?}: expected BadQuery, got {other:?}"),
        }
    }
    // What people type as text is searched as text.
    assert_eq!(ids(&search(&index, &query("d'habitants"))), ["fr-lyon"]);
    assert_eq!(
        ids(&search(&index, &query("d'habitants lyon"))),
        ["fr-lyon"]
    );
    assert_eq!(search(&index, &query("l'économie sociale")).total, 0);
    assert_eq!(
        search(&index, &query("https://example.org/x 10:30")).total,
        0
    );
    // Odd but valid input never fails.
    for q in [
        "l'économie",
        "covid-19",
        "c++",
        "!!!",
        "a AND",
        "AND",
        "*",
        "économie\\:",
    ] {
        match index.search(&query(q)) {
            Ok(_) | Err(IndexError::BadQuery(_)) => {}
            Err(e) => panic!("query {q:?}: {e}"),
        }
    }
}

#[test]
fn paging_is_bounded_and_never_panics() {
    let index = index_of(&corpus());
    let page = |page, per_page| SearchRequest {
        page,
        per_page,
        ..SearchRequest::default()
    };
    let first = search(&index, &page(1, 2));
    let second = search(&index, &page(2, 2));
    let third = search(&index, &page(3, 2));
    assert_eq!(first.total, 5);
    assert_eq!(second.total, 5);
    assert_eq!(ids(&first), ["en-leeds", "fr-lyon"], "newest first");
    let mut all: Vec<&str> = [ids(&first), ids(&second), ids(&third)].concat();
    assert_eq!(all.len(), 5);
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 5, "pages do not overlap");
    assert!(search(&index, &page(4, 2)).hits.is_empty());
    for (p, n, expected) in [
        (usize::MAX, 100, "too deep"),
        (102, 100, "too deep"),
        (0, 20, "start at 1"),
        (1, 0, "per_page"),
        (1, 101, "per_page"),
    ] {
        match index.search(&page(p, n)) {
            Err(IndexError::BadQuery(msg)) => assert!(msg.contains(expected), "{msg}"),
            other => panic!("page {p} × {n}: expected BadQuery, got {other:?}"),
        }
    }
    assert_eq!(search(&index, &page(101, 100)).total, 5);
}

#[test]
fn filters_narrow_and_facets_count_every_match() {
    let index = index_of(&corpus());
    let all = search(&index, &SearchRequest::default());
    assert_eq!(all.total, 5);
    assert_eq!(
        all.facets.lang,
        counts(&[("en", 2), ("es", 1), ("fr", 1), ("ko", 1)])
    );
    assert_eq!(
        all.facets.country,
        counts(&[("CO", 1), ("FR", 1), ("GB", 1), ("KR", 1)])
    );
    assert_eq!(all.facets.theme, counts(&[("T1", 2), ("T3", 2), ("T7", 2)]));
    assert_eq!(
        all.facets.source,
        counts(&[
            ("coopuk", 2),
            ("gsef", 1),
            ("ripess-eu", 1),
            ("ripess-lac", 1)
        ])
    );
    assert_eq!(
        all.facets.status,
        counts(&[("approved", 1), ("rejected", 1), ("unreviewed", 3)])
    );

    let filtered = |req: SearchRequest| {
        let results = search(&index, &req);
        assert_eq!(results.total as usize, results.hits.len(), "{req:?}");
        sorted_ids(&results)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let base = SearchRequest::default;
    assert_eq!(
        filtered(SearchRequest {
            lang: Some("en".into()),
            ..base()
        }),
        ["en-leeds", "undated"]
    );
    // Filters are normalized like the documents.
    assert_eq!(
        filtered(SearchRequest {
            lang: Some("EN-gb".into()),
            country: Some("gb".into()),
            ..base()
        }),
        ["en-leeds"]
    );
    assert_eq!(
        filtered(SearchRequest {
            theme: Some("T3".into()),
            ..base()
        }),
        ["fr-lyon", "ko-seoul"]
    );
    assert_eq!(
        filtered(SearchRequest {
            source: Some("coopuk".into()),
            ..base()
        }),
        ["en-leeds", "undated"]
    );
    assert_eq!(
        filtered(SearchRequest {
            status: Some(Status::Unreviewed),
            ..base()
        }),
        ["en-leeds", "ko-seoul", "undated"]
    );
    assert_eq!(
        filtered(SearchRequest {
            from: Some(date("2024-01-15T10:00:00+09:00")),
            to: Some(date("2024-03-10T09:00:00+01:00")),
            ..base()
        }),
        ["fr-lyon", "ko-seoul"],
        "date bounds are inclusive, and compare instants across offsets"
    );
    assert_eq!(
        filtered(SearchRequest {
            from: Some(date("2024-03-10T09:00:01+01:00")),
            ..base()
        }),
        ["en-leeds"]
    );
    assert_eq!(
        filtered(SearchRequest {
            to: Some(date("2023-12-31T23:59:59Z")),
            ..base()
        }),
        ["es-bogota"]
    );
    assert!(matches!(
        index.search(&SearchRequest {
            from: Some(date("2024-02-01T00:00:00Z")),
            to: Some(date("2024-01-01T00:00:00Z")),
            ..base()
        }),
        Err(IndexError::BadQuery(_))
    ));

    // Facets count the matches of query and filters, not the whole index
    // nor only the page.
    let narrowed = search(
        &index,
        &SearchRequest {
            q: "cooperative".into(),
            source: Some("coopuk".into()),
            per_page: 1,
            ..base()
        },
    );
    assert_eq!(narrowed.total, 2);
    assert_eq!(narrowed.hits.len(), 1);
    assert_eq!(narrowed.facets.lang, counts(&[("en", 2)]));
    assert_eq!(narrowed.facets.country, counts(&[("GB", 1)]));
    assert_eq!(narrowed.facets.status, counts(&[("unreviewed", 2)]));
}

#[test]
fn a_language_filter_keeps_that_languages_hits_in_the_same_order() {
    // Several items per language, of different relevance, in pairs with a
    // stemmer (fr, en), without one (ko) and in the shared pair (ca, eu).
    let specs: [(&'static str, &'static str, &'static str, &'static str); 14] = [
        (
            "fr-1",
            "fr",
            "Coopérative d'habitation",
            "Une coopérative d'habitation.",
        ),
        (
            "fr-2",
            "fr",
            "Un quartier",
            "La coopérative d'habitation et la coopérative d'énergie.",
        ),
        (
            "fr-3",
            "fr",
            "Habitat",
            "Une coopérative parmi d'autres, une longue histoire de quartier.",
        ),
        (
            "en-1",
            "en",
            "Housing cooperative",
            "A housing cooperative.",
        ),
        (
            "en-2",
            "en",
            "A street",
            "The cooperative and the housing cooperative nearby.",
        ),
        ("ko-1", "ko", "주택협동조합", "주택협동조합 이야기"),
        (
            "ko-2",
            "ko",
            "마을",
            "협동조합과 주택협동조합은 함께 일한다",
        ),
        (
            "ca-1",
            "ca",
            "Cooperativa d'habitatge",
            "Una cooperativa d'habitatge.",
        ),
        (
            "ca-2",
            "ca",
            "Un barri",
            "La cooperativa i la cooperativa d'habitatge del barri.",
        ),
        (
            "eu-1",
            "eu",
            "Etxebizitza kooperatiba",
            "Etxebizitza kooperatiba bat.",
        ),
        (
            "es-1",
            "es",
            "Cooperativa de vivienda",
            "Una cooperativa de vivienda.",
        ),
        ("en-3", "en", "Elsewhere", "Nothing about it here."),
        (
            "nb-1",
            "nb",
            "Boligsamvirke",
            "Et boligsamvirke, a housing cooperative, i Oslo.",
        ),
        (
            "nn-1",
            "nn",
            "Bustadsamvirke",
            "Eit bustadsamvirke, a housing cooperative, i Bergen.",
        ),
    ];
    let items: Vec<Item> = specs
        .iter()
        .map(|&(id, lang, title, text)| {
            item(Spec {
                id,
                title,
                text,
                lang: Some(lang),
                ..Spec::default()
            })
        })
        .collect();
    let index = index_of(&items);
    let lang_of = |id: &str| specs.iter().find(|s| s.0 == id).map(|s| s.1);
    for q in [
        "coopérative d'habitation",
        "housing cooperative",
        "주택협동조합",
        "cooperativa d'habitatge",
        "\"housing cooperative\"",
        // Not asked per pair (an exclusion): the filter alone narrows.
        "cooperative -street",
    ] {
        let all = search(&index, &query(q));
        for lang in ["fr", "en", "ko", "ca", "eu", "es", "nb", "nn", "no", "de"] {
            let filtered = search(
                &index,
                &SearchRequest {
                    lang: Some(lang.into()),
                    ..query(q)
                },
            );
            let expected: Vec<&str> = ids(&all)
                .into_iter()
                .filter(|id| lang_of(id) == Some(lang))
                .collect();
            assert_eq!(ids(&filtered), expected, "{q:?} in {lang}");
            assert_eq!(filtered.total as usize, expected.len(), "{q:?} in {lang}");
            assert_eq!(
                filtered.facets.lang,
                all.facets
                    .lang
                    .get(lang)
                    .map_or_else(BTreeMap::new, |n| counts(&[(lang, *n)])),
                "{q:?} in {lang}"
            );
        }
    }
    // The search found something in most languages, in an order that
    // relevance decided.
    let all = search(&index, &query("housing cooperative"));
    assert!(all.total >= 8, "{:?}", ids(&all));
    assert_eq!(ids(&all)[0], "en-1", "{:?}", ids(&all));
}

#[test]
fn a_search_asked_by_many_at_once_is_counted_once() {
    let index = Arc::new(index_of(&corpus()));
    let asked = [
        "cooperative",
        "cooperative",
        "social economy",
        "cooperative",
    ];
    let start = Arc::new(std::sync::Barrier::new(asked.len() * 3));
    let threads: Vec<_> = asked
        .iter()
        .cycle()
        .take(asked.len() * 3)
        .map(|q| {
            let (index, start, q) = (index.clone(), start.clone(), q.to_string());
            std::thread::spawn(move || {
                start.wait();
                let results = search(&index, &query(&q));
                (q, ids(&results).join(" "), results.total, results.facets)
            })
        })
        .collect();
    let answers: Vec<_> = threads
        .into_iter()
        .map(|t| t.join().expect("a search thread ends"))
        .collect();
    // Twelve requests, two searches: two counts, and every request of a
    // search has the same answer as one asked alone.
    assert_eq!(index.stats.kept(), 2);
    for (q, hits, total, facets) in answers {
        let alone = search(&index_of(&corpus()), &query(&q));
        assert_eq!(hits, ids(&alone).join(" "), "{q}");
        assert_eq!((total, facets), (alone.total, alone.facets), "{q}");
    }
    assert_eq!(index.stats.kept(), 2, "asked again: from the cache");
}

#[test]
fn a_date_range_beside_a_query_keeps_the_matches_published_within_it() {
    let index = index_of(&corpus());
    let ranges = [
        (
            Some("2024-01-15T10:00:00+09:00"),
            Some("2024-03-10T09:00:00+01:00"),
        ),
        (Some("2024-03-10T09:00:01+01:00"), None),
        (None, Some("2023-12-31T23:59:59Z")),
        (Some("2024-01-15T01:00:00Z"), Some("2024-01-15T01:00:00Z")),
        (Some("2030-01-01T00:00:00Z"), None),
        (Some("0037-01-01T00:00:00Z"), Some("9999-01-01T00:00:00Z")),
    ];
    let mut found = 0;
    for (from, to) in ranges {
        let dated = |q: &str| {
            sorted_ids(&search(
                &index,
                &SearchRequest {
                    from: from.map(date),
                    to: to.map(date),
                    ..query(q)
                },
            ))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
        };
        // Without a query, the range alone (tantivy's range query).
        let within = dated("");
        for q in [
            "cooperative",
            "social",
            "사회적경제",
            "solidarity OR Lyon",
            "coopérative d'habitants",
        ] {
            let expected: Vec<String> = sorted_ids(&search(&index, &query(q)))
                .into_iter()
                .filter(|id| within.iter().any(|w| w == id))
                .map(str::to_string)
                .collect();
            assert_eq!(dated(q), expected, "{q:?} from {from:?} to {to:?}");
            found += expected.len();
        }
    }
    assert!(found >= 8, "{found}");
    // Both ends are inclusive: the instant ko-seoul was published finds it.
    let instant = Some(date("2024-01-15T01:00:00Z"));
    let at = search(
        &index,
        &SearchRequest {
            from: instant,
            to: instant,
            ..query("사회적경제")
        },
    );
    assert_eq!(ids(&at), ["ko-seoul"]);
}

#[test]
fn an_empty_query_lists_newest_first_and_undated_last() {
    let index = index_of(&corpus());
    let results = search(&index, &SearchRequest::default());
    assert_eq!(
        ids(&results),
        ["en-leeds", "fr-lyon", "ko-seoul", "es-bogota", "undated"]
    );
}

#[test]
fn sorts_by_date_and_by_score() {
    let index = index_of(&corpus());
    let by_date = search(
        &index,
        &SearchRequest {
            q: "cooperative".into(),
            sort: Sort::Date,
            ..SearchRequest::default()
        },
    );
    assert_eq!(ids(&by_date), ["en-leeds", "fr-lyon", "undated"]);
    let by_score = search(
        &index,
        &SearchRequest {
            sort: Sort::Score,
            ..SearchRequest::default()
        },
    );
    assert_eq!(
        ids(&by_score),
        ["fr-lyon", "ko-seoul", "en-leeds", "es-bogota", "undated"]
    );
}

#[test]
fn a_hit_carries_what_the_item_had() {
    let index = index_of(&corpus());
    let results = search(&index, &query("lyon"));
    let hit = &results.hits[0];
    assert_eq!(hit.id, "fr-lyon");
    assert_eq!(hit.title, "Une coopérative d'habitants à Lyon");
    assert_eq!(hit.url, "https://example.org/fr-lyon");
    assert_eq!(hit.source, "ripess-eu");
    assert_eq!(hit.lang.as_deref(), Some("fr"));
    // The publication date keeps the offset the page gave.
    assert_eq!(hit.published.as_deref(), Some("2024-03-10T09:00:00+01:00"));
    assert_eq!(hit.candidate_score, 0.9);
    assert_eq!(hit.themes, ["T3", "T7"]);
    assert_eq!(hit.status, Status::Approved);
    let undated = search(&index, &query("finance"));
    assert_eq!(undated.hits[0].published, None);
}

const LONG_TEXT: &str = "Le réseau des collectivités territoriales pour une économie solidaire \
    accompagne les communes qui soutiennent les coopératives, les associations et les \
    entreprises d'insertion, et publie chaque année un guide des politiques publiques \
    locales d'économie sociale et solidaire.";

/// A snippet with its highlighted pieces between `[` and `]`.
fn marked(snippet: &Snippet) -> String {
    snippet.render("[", "]", str::to_string)
}

#[test]
fn snippets_are_text_with_the_matched_words_as_ranges() {
    let index = index_of(&[item(Spec {
        id: "html",
        title: "Cooperatives",
        text: "Tags like <script>alert(1)</script> & such stay text; the cooperatives \
               of the region met in Lille.",
        lang: Some("en"),
        ..Spec::default()
    })]);
    let snippet = &search(&index, &query("cooperative")).hits[0].snippet;
    let words: Vec<&str> = snippet
        .highlighted
        .iter()
        .map(|r| &snippet.text[r.clone()])
        .collect();
    assert_eq!(words, ["cooperatives"], "{snippet:?}");
    assert!(
        marked(snippet).contains("the [cooperatives] of"),
        "{snippet:?}"
    );
    // Text, not HTML: nothing is escaped here.
    assert!(
        snippet.text.contains("<script>alert(1)</script> & such"),
        "{snippet:?}"
    );

    // With no query, the beginning of the text, nothing highlighted.
    let snippet = &search(&index, &SearchRequest::default()).hits[0].snippet;
    assert!(
        snippet.text.starts_with("Tags like <script>"),
        "{snippet:?}"
    );
    assert!(snippet.highlighted.is_empty(), "{snippet:?}");

    // A match in the title only: the beginning of the text.
    let index = index_of(&[item(Spec {
        id: "title-only",
        title: "Lille",
        text: LONG_TEXT,
        lang: Some("fr"),
        ..Spec::default()
    })]);
    let snippet = &search(&index, &query("lille")).hits[0].snippet;
    assert!(snippet.highlighted.is_empty(), "{snippet:?}");
    let shown = &snippet.text;
    assert!(shown.ends_with('…'), "{shown}");
    assert!(shown.chars().count() <= 201, "{shown}");
    assert!(
        LONG_TEXT.starts_with(shown.trim_end_matches('…')),
        "{shown}"
    );
}

#[test]
fn an_upsert_replaces_and_a_commit_shows_it_at_once() {
    let index = Index::open_in_ram().unwrap();
    let mut it = item(Spec {
        id: "same",
        title: "Solidarity fund",
        lang: Some("en"),
        ..Spec::default()
    });
    index.upsert(&it).unwrap();
    assert_eq!(index.doc_count(), 0, "nothing is visible before a commit");
    index.commit().unwrap();
    assert_eq!(index.doc_count(), 1);

    it.review = item(Spec {
        decision: Some(Decision::Approve),
        ..Spec::default()
    })
    .review;
    it.title = "Solidarity fund for housing".to_string();
    index.upsert(&it).unwrap();
    index.upsert(&it).unwrap();
    index.commit().unwrap();
    assert_eq!(index.doc_count(), 1);
    let approved = search(
        &index,
        &SearchRequest {
            q: "housing".into(),
            status: Some(Status::Approved),
            ..SearchRequest::default()
        },
    );
    assert_eq!(ids(&approved), ["same"]);
    assert_eq!(approved.facets.status, counts(&[("approved", 1)]));
    let all = search(&index, &SearchRequest::default());
    assert_eq!(all.total, 1);
    assert_eq!(all.facets.status, counts(&[("approved", 1)]));
}

#[test]
fn the_index_is_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Index>();
    let index = Arc::new(Index::open_in_ram().unwrap());
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let index = Arc::clone(&index);
            std::thread::spawn(move || {
                let items: Vec<Item> = (0..50)
                    .map(|i| {
                        let mut it = item(Spec {
                            title: "Shared",
                            lang: Some("en"),
                            ..Spec::default()
                        });
                        it.id = format!("t{t}-{i}");
                        it.group_id = it.id.clone();
                        it
                    })
                    .collect();
                index.upsert_many(&items).unwrap();
                index.search(&query("shared")).unwrap();
                index.commit().unwrap();
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(index.doc_count(), 200);
    assert_eq!(search(&index, &query("shared")).total, 200);
}

#[test]
fn a_reopened_index_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let index = Index::open(&path).unwrap();
        index.upsert_many(&corpus()).unwrap();
        index.commit().unwrap();
        index
            .upsert(&item(Spec {
                id: "uncommitted",
                ..Spec::default()
            }))
            .unwrap();
    }
    let index = Index::open(&path).unwrap();
    assert_eq!(index.doc_count(), 5);
    assert_eq!(
        ids(&search(&index, &query("coopératives lyon"))),
        ["fr-lyon"]
    );
}

#[test]
fn an_index_with_another_schema_says_to_reindex() {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("id", tantivy::schema::STRING);
    tantivy::Index::create_in_dir(dir.path(), builder.build()).unwrap();
    match Index::open(dir.path()) {
        Err(e @ IndexError::SchemaMismatch { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("veille reindex"), "{msg}");
            assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        }
        other => panic!("expected SchemaMismatch, got {:?}", other.err()),
    }
    // The fix the message gives works.
    let store = Store::open_in_memory().unwrap();
    store.upsert_item(&new_item(&corpus()[0])).unwrap();
    assert_eq!(Index::rebuild(dir.path(), &store).unwrap(), 1);
    assert_eq!(Index::open(dir.path()).unwrap().doc_count(), 1);
}

#[test]
fn an_index_open_elsewhere_is_reported_as_locked() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Index::open(dir.path()).unwrap();
    match Index::open(dir.path()) {
        Err(e @ IndexError::Locked { .. }) => {
            assert!(e.to_string().contains("in use by another process"), "{e}")
        }
        other => panic!("expected Locked, got {:?}", other.err()),
    }
}

fn new_item(it: &Item) -> NewItem {
    NewItem {
        url: it.url.clone(),
        source_id: it.source_id.clone(),
        title: it.title.clone(),
        text: it.text.clone(),
        author: None,
        published: it.published,
        lang: it.lang.clone(),
        lang_confidence: it.lang_confidence,
        country: it.country.clone(),
        candidate: it.candidate.clone(),
        fingerprint: None,
    }
}

#[test]
fn a_rebuild_from_the_store_matches_the_incremental_index() {
    let store = Store::open_in_memory().unwrap();
    for it in corpus() {
        store.upsert_item(&new_item(&it)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");

    // Incrementally: items as they come, one updated after a review.
    let incremental = Index::open(&path).unwrap();
    let mut first = None;
    store
        .for_each_item(|it| {
            first.get_or_insert(it.id.clone());
            incremental.upsert(&it).unwrap();
        })
        .unwrap();
    incremental.commit().unwrap();
    let reviewed = store
        .set_review(
            &first.unwrap(),
            &Review {
                decision: Decision::Approve,
                curator: "ana".into(),
                note: None,
                at: Utc::now(),
            },
        )
        .unwrap()
        .unwrap();
    incremental.upsert(&reviewed).unwrap();
    incremental.commit().unwrap();

    let requests = [
        SearchRequest::default(),
        SearchRequest {
            q: "cooperative".into(),
            sort: Sort::Date,
            ..SearchRequest::default()
        },
        SearchRequest {
            status: Some(Status::Approved),
            ..SearchRequest::default()
        },
        SearchRequest {
            q: "economia OR 사회적경제".into(),
            sort: Sort::Score,
            ..SearchRequest::default()
        },
    ];
    let before: Vec<SearchResults> = requests.iter().map(|r| search(&incremental, r)).collect();
    let relevance_before = search(&incremental, &query("cooperative"));

    assert!(
        matches!(
            Index::rebuild(&path, &store),
            Err(IndexError::Locked { .. })
        ),
        "an index held open is not swapped under its holder"
    );
    drop(incremental);
    assert_eq!(Index::rebuild(&path, &store).unwrap(), 5);
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(siblings, ["index"], "no temporary directory is left behind");

    let rebuilt = Index::open(&path).unwrap();
    assert_eq!(rebuilt.doc_count(), 5);
    for (req, before) in requests.iter().zip(&before) {
        assert_eq!(&search(&rebuilt, req), before, "{req:?}");
    }
    assert_eq!(before[2].total, 1);
    let relevance_after = search(&rebuilt, &query("cooperative"));
    assert_eq!(relevance_after.total, relevance_before.total);
    assert_eq!(sorted_ids(&relevance_after), sorted_ids(&relevance_before));
}

#[test]
fn a_rebuild_ends_with_one_segment_per_search_thread_and_every_item_found() {
    // A commit every 4 items in tests: 30 items leave 8 segments or more
    // (each indexing thread writes its own) before the rebuild's merge.
    let store = Store::open_in_memory().unwrap();
    let base = corpus();
    for n in 0..30 {
        let mut it = base[n % base.len()].clone();
        it.url = format!("https://example.org/rebuilt/{n}");
        store.upsert_item(&new_item(&it)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    assert_eq!(Index::rebuild(&path, &store).unwrap(), 30);
    let rebuilt = Index::open(&path).unwrap();
    let searcher = rebuilt.reader.searcher();
    let sizes: Vec<u32> = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.num_docs())
        .collect();
    assert_eq!(sizes.len(), super::search_threads().min(30), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<u32>(), 30);
    // Near-equal shares: apart by at most one commit's segment.
    let (least, most) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    assert!(most - least <= 4, "{sizes:?}");
    let all = search(&rebuilt, &SearchRequest::default());
    assert_eq!(all.total_items, 30);
}

#[test]
fn segments_are_parted_into_near_equal_shares() {
    // Each share's documents, most first.
    let sizes = |shares: Vec<Vec<(char, u64)>>| -> Vec<u64> {
        let mut sizes: Vec<u64> = shares
            .iter()
            .map(|share| share.iter().map(|(_, docs)| docs).sum())
            .collect();
        sizes.sort_by_key(|docs| std::cmp::Reverse(*docs));
        sizes
    };
    let named = |docs: &[u64]| -> Vec<((char, u64), u64)> {
        docs.iter()
            .zip('a'..)
            .map(|(docs, name)| ((name, *docs), *docs))
            .collect()
    };
    // The 1,100,000-item index a rebuild left before: 6 segments (in
    // tantivy's order, not by size).
    let six = named(&[128_023, 200_000, 186_653, 200_000, 185_324, 200_000]);
    assert_eq!(
        sizes(super::shares(six.clone(), 2)),
        [571_977, 528_023],
        "two threads"
    );
    assert_eq!(
        sizes(super::shares(six.clone(), 3)),
        [386_653, 385_324, 328_023]
    );
    assert_eq!(sizes(super::shares(six.clone(), 1)), [1_100_000]);
    assert_eq!(sizes(super::shares(six.clone(), 0)), [1_100_000]);
    // As many threads as segments or more: none merged.
    assert_eq!(super::shares(six.clone(), 8).len(), 6);
    assert!(super::shares(six, 8).iter().all(|share| share.len() == 1));
    // A segment larger than a fair share stays alone; the others share.
    let shares = super::shares(named(&[10, 10, 1_000, 10]), 2);
    assert_eq!(sizes(shares.clone()), [1_000, 30]);
    assert!(shares.contains(&vec![('c', 1_000)]), "{shares:?}");
    assert!(super::shares(Vec::<(char, u64)>::new(), 2).is_empty());
}

#[test]
fn a_rebuild_interrupted_between_its_renames_is_repaired_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let index = Index::open(&path).unwrap();
        index.upsert_many(&corpus()).unwrap();
        index.commit().unwrap();
    }
    std::fs::rename(&path, dir.path().join("index.old")).unwrap();
    let index = Index::open(&path).unwrap();
    assert_eq!(index.doc_count(), 5);
}

#[test]
fn deeply_nested_or_huge_queries_are_refused_before_the_parser() {
    let index = index_of(&corpus());
    let deep = format!("{}coop{}", "(".repeat(400), ")".repeat(400));
    match index.search(&query(&deep)) {
        Err(IndexError::BadQuery(msg)) => assert!(msg.contains("nests parentheses"), "{msg}"),
        other => panic!("expected BadQuery, got {other:?}"),
    }
    let huge = "coop ".repeat(MAX_QUERY_CHARS);
    assert!(matches!(
        index.search(&query(&huge)),
        Err(IndexError::BadQuery(_))
    ));
    let fine = format!(
        "{}coop{}",
        "(".repeat(MAX_QUERY_DEPTH),
        ")".repeat(MAX_QUERY_DEPTH)
    );
    assert!(index.search(&query(&fine)).is_ok());
    assert_eq!(query_nesting_depth(r"\(\(a"), 0);
    assert_eq!(query_nesting_depth("(a (b) (c (d)))"), 3);
}

#[test]
fn a_read_only_index_searches_beside_the_writer_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    assert!(matches!(
        Index::open_read_only(&path),
        Err(IndexError::Missing { .. })
    ));
    let writer = Index::open(&path).unwrap();
    let items = corpus();
    writer.upsert_many(&items).unwrap();
    writer.commit().unwrap();
    let reader = Index::open_read_only(&path).unwrap();
    assert_eq!(reader.doc_count(), items.len() as u64);
    assert!(matches!(
        reader.upsert(&items[0]),
        Err(IndexError::ReadOnly)
    ));
    assert!(matches!(reader.commit(), Err(IndexError::ReadOnly)));
}

/// The same practice, a housing cooperative, told in four languages, and an
/// unrelated item.
fn housing_corpus() -> Vec<Item> {
    vec![
        item(Spec {
            id: "en",
            title: "Housing cooperative opens in Leeds",
            text: "Forty families founded a housing cooperative that owns its building.",
            lang: Some("en"),
            ..Spec::default()
        }),
        item(Spec {
            id: "fr",
            title: "Une coopérative d'habitation à Montréal",
            text: "La coopérative d'habitation loge trente ménages à loyer abordable.",
            lang: Some("fr"),
            ..Spec::default()
        }),
        item(Spec {
            id: "es",
            title: "Cooperativa de vivienda en Montevideo",
            text: "Las cooperativas de vivienda por ayuda mutua construyen barrios enteros.",
            lang: Some("es"),
            ..Spec::default()
        }),
        item(Spec {
            id: "ko",
            title: "서울시 주택협동조합 지원",
            text: "서울시는 주택협동조합에 공공부지를 장기 임대한다.",
            lang: Some("ko"),
            ..Spec::default()
        }),
        item(Spec {
            id: "other",
            title: "Football club signs a striker",
            text: "The club signed a striker for the coming season.",
            lang: Some("en"),
            ..Spec::default()
        }),
    ]
}

#[test]
fn a_concept_in_each_language_finds_the_items_in_the_others() {
    let index = index_of(&housing_corpus());
    let cases = [
        ("housing cooperative", "en", "cooperativa de vivienda"),
        ("coopérative d'habitation", "fr", "주택협동조합"),
        ("cooperativas de vivienda", "es", "housing cooperative"),
        ("주택협동조합", "ko", "coopérative d'habitation"),
    ];
    for (q, own, added) in cases {
        let results = search(&index, &query(q));
        assert_eq!(
            sorted_ids(&results),
            ["en", "es", "fr", "ko"],
            "query {q:?}: {results:?}"
        );
        // What was typed ranks above what expansion added.
        assert_eq!(ids(&results)[0], own, "query {q:?}: {results:?}");
        let expansion = &results.expansion[q];
        assert!(
            expansion.iter().any(|p| p == added),
            "query {q:?}: {expansion:?}"
        );
        assert!(!expansion.iter().any(|p| p == q), "{expansion:?}");
        // Turned off, only the query's own language is found.
        let exact = search(
            &index,
            &SearchRequest {
                expand: false,
                ..query(q)
            },
        );
        assert_eq!(ids(&exact), [own], "query {q:?} with expand=false");
        assert!(exact.expansion.is_empty());
    }
}

#[test]
fn expansion_keeps_the_other_words_and_what_the_user_excluded() {
    let index = index_of(&housing_corpus());
    // The other words of the query stay required.
    let results = search(&index, &query("housing cooperative montevideo"));
    assert_eq!(ids(&results), ["es"]);
    assert!(results.expansion.contains_key("housing cooperative"));
    // An exclusion is not expanded.
    let results = search(&index, &query("club -\"housing cooperative\""));
    assert_eq!(ids(&results), ["other"]);
    assert!(results.expansion.is_empty(), "{:?}", results.expansion);
    // A query naming no concept adds nothing.
    let results = search(&index, &query("striker"));
    assert!(results.expansion.is_empty());
    assert_eq!(ids(&results), ["other"]);
    // Korean: a particle after the noun, and the noun inside a longer word.
    let results = search(&index, &query("주택협동조합에"));
    assert!(
        results.expansion.contains_key("주택협동조합에"),
        "{results:?}"
    );
    assert_eq!(sorted_ids(&results), ["en", "es", "fr", "ko"]);
}

#[test]
fn snippets_mark_expanded_terms_in_the_items_language() {
    let index = index_of(&housing_corpus());
    let results = search(&index, &query("housing cooperative"));
    let snippet = |id: &str| {
        results
            .hits
            .iter()
            .find(|h| h.id == id)
            .map(|h| marked(&h.snippet))
            .unwrap_or_default()
    };
    assert!(snippet("fr").contains("[coopérative]"), "{}", snippet("fr"));
    assert!(
        snippet("es").contains("[cooperativas]"),
        "{}",
        snippet("es")
    );
    assert!(snippet("ko").contains("[주택협동조합"), "{}", snippet("ko"));
    assert!(
        snippet("en").contains("[housing] [cooperative]"),
        "{}",
        snippet("en")
    );
}

#[test]
fn the_concept_table_parses_and_covers_the_portals_languages() {
    let concepts = super::expansion::parse_concepts(include_str!("../../data/concepts.tsv"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(concepts.len() >= 30, "{} concepts", concepts.len());
    for concept in &concepts {
        for lang in ["en", "fr", "es", "ko"] {
            assert!(
                concept.phrases.iter().any(|p| p.lang == lang),
                "a concept has no {lang} phrase: {:?}",
                concept.phrases.first()
            );
        }
    }
    let themes = super::expansion::parse_themes(include_str!("../../data/themes.tsv"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(themes.len() >= 19);
    assert!(super::expansion::parse_concepts("id\ten\tfr\nx\tonly english\n").is_err());
}

#[test]
fn a_theme_label_expands_to_its_labels_in_the_other_languages() {
    let index = index_of(&[item(Spec {
        id: "fr",
        title: "Politiques publiques de l'ESS",
        text: "Le conseil adopte des politiques publiques pour l'économie sociale.",
        lang: Some("fr"),
        ..Spec::default()
    })]);
    let results = search(&index, &query("public policies"));
    assert_eq!(ids(&results), ["fr"]);
    assert!(results.expansion["public policies"]
        .iter()
        .any(|p| p == "Politiques Publiques"));
}

#[test]
fn korean_is_cut_into_overlapping_bigrams() {
    let text = "ESS협동조합은 2024년 설립, 집";
    let tokens: Vec<&str> = super::cjk::token_ranges(text)
        .into_iter()
        .map(|(from, to)| &text[from..to])
        .collect();
    assert_eq!(
        tokens,
        ["ESS", "협동", "동조", "조합", "합은", "2024", "년", "설립", "집"]
    );
}

/// Korean SSE sentences, each with the words (nouns inside longer eojeols)
/// a search must find in it.
const KOREAN_SENTENCES: &str = include_str!("testdata/ko_sse.tsv");

#[test]
fn a_korean_word_inside_a_longer_eojeol_is_found() {
    let mut items = Vec::new();
    let mut expected: Vec<(String, String)> = Vec::new();
    for (n, line) in KOREAN_SENTENCES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .enumerate()
    {
        let (sentence, words) = line.split_once('\t').expect("sentence<TAB>words");
        let id: &'static str = Box::leak(format!("ko-{n}").into_boxed_str());
        let text: &'static str = Box::leak(sentence.to_string().into_boxed_str());
        items.push(item(Spec {
            id,
            text,
            lang: Some("ko"),
            ..Spec::default()
        }));
        for word in words.split(',') {
            assert!(
                !sentence.split_whitespace().any(|eojeol| eojeol == word),
                "{word} stands alone in {sentence}: test a word inside an eojeol"
            );
            expected.push((word.to_string(), id.to_string()));
        }
    }
    assert!(items.len() >= 10);
    let index = index_of(&items);
    for (word, id) in expected {
        let results = search(
            &index,
            &SearchRequest {
                expand: false,
                per_page: 100,
                ..query(&word)
            },
        );
        assert!(
            ids(&results).contains(&id.as_str()),
            "{word} in {id}: {results:?}"
        );
        let hit = results.hits.iter().find(|h| h.id == id).unwrap();
        assert!(
            !hit.snippet.highlighted.is_empty(),
            "{word}: {:?}",
            hit.snippet
        );
    }
}

#[test]
fn the_histogram_counts_every_match_by_month() {
    let index = index_of(&corpus());
    let results = search(
        &index,
        &SearchRequest {
            per_page: 1,
            ..SearchRequest::default()
        },
    );
    assert_eq!(
        *results.histogram,
        counts(&[
            ("2023-11", 1),
            ("2024-01", 1),
            ("2024-03", 1),
            ("2024-05", 1)
        ])
    );
    let french = search(
        &index,
        &SearchRequest {
            lang: Some("fr".into()),
            ..SearchRequest::default()
        },
    );
    assert_eq!(*french.histogram, counts(&[("2024-03", 1)]));
    // The month is UTC's: 2024-01-15T10:00+09:00 is 01:00 UTC, same month;
    // 2024-06-01T01:00+02:00 is still May in UTC.
    let index = index_of(&[
        item(Spec {
            id: "a",
            published: Some("2024-06-01T01:00:00+02:00"),
            ..Spec::default()
        }),
        item(Spec {
            id: "b",
            published: Some("2024-05-31T12:00:00+00:00"),
            ..Spec::default()
        }),
        item(Spec {
            id: "c",
            published: Some("2024-06-02T12:00:00+00:00"),
            ..Spec::default()
        }),
    ]);
    let all = search(&index, &SearchRequest::default());
    assert_eq!(*all.histogram, counts(&[("2024-05", 2), ("2024-06", 1)]));
}

#[test]
fn a_days_month_is_the_calendars() {
    use super::facets::{month_name, month_of_day};
    // Every day from 1600 to 2400 (leap centuries included), against chrono.
    let start = chrono::NaiveDate::from_ymd_opt(1600, 1, 1).unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let mut day = start;
    while chrono::Datelike::year(&day) < 2400 {
        let n = (day - epoch).num_days();
        assert_eq!(
            month_name(month_of_day(n)),
            day.format("%Y-%m").to_string(),
            "{day}"
        );
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn the_histogram_by_theme_language_and_country_keeps_the_top_values_and_sums_the_others() {
    let spec = |id, published, lang, country, themes| Spec {
        id,
        published: Some(published),
        lang: Some(lang),
        country: Some(country),
        themes,
        ..Spec::default()
    };
    let may = "2024-05-10T12:00:00+00:00";
    let june = "2024-06-03T12:00:00+00:00";
    let index = index_of(&[
        item(spec("a", may, "fr", "FR", &["T1", "T2"])),
        item(spec("b", may, "fr", "FR", &["T1"])),
        item(spec("c", june, "es", "ES", &["T1", "T3"])),
        item(spec("d", june, "en", "CA", &["T4", "T5"])),
        item(spec("e", june, "ko", "KR", &["T6"])),
        item(spec("f", may, "pt", "BR", &["T2"])),
        item(spec("g", may, "it", "IT", &[])),
        item(Spec {
            id: "undated",
            lang: Some("fr"),
            themes: &["T1"],
            ..Spec::default()
        }),
    ]);
    let month = |pairs: &[(&str, u64)]| counts(pairs);
    let all = search(&index, &SearchRequest::default());
    // Six themes: T1 (3) and T2 (2) first, then T3…T6 (1 each) by name; T6
    // is the sixth and goes to "other". An item counts once per theme.
    assert_eq!(
        all.histogram_by.theme,
        BTreeMap::from([
            ("2024-05".to_string(), month(&[("T1", 2), ("T2", 2)])),
            (
                "2024-06".to_string(),
                month(&[("T1", 1), ("T3", 1), ("T4", 1), ("T5", 1), ("other", 1)])
            ),
        ])
    );
    // Six languages: fr (2) then en, es, it, ko, pt by name; pt is sixth.
    assert_eq!(
        all.histogram_by.lang,
        BTreeMap::from([
            (
                "2024-05".to_string(),
                month(&[("fr", 2), ("it", 1), ("other", 1)])
            ),
            (
                "2024-06".to_string(),
                month(&[("en", 1), ("es", 1), ("ko", 1)])
            ),
        ])
    );
    // Six countries: FR (2) then BR, CA, ES, IT, KR by name; KR is sixth.
    assert_eq!(
        all.histogram_by.country["2024-05"],
        month(&[("BR", 1), ("FR", 2), ("IT", 1)])
    );
    assert_eq!(
        all.histogram_by.country["2024-06"],
        month(&[("CA", 1), ("ES", 1), ("other", 1)])
    );
    // The months' totals are the plain histogram's (one language per item).
    for (m, n) in all.histogram.iter() {
        assert_eq!(all.histogram_by.lang[m].values().sum::<u64>(), *n, "{m}");
    }
    // The filters apply: French items only.
    let french = search(
        &index,
        &SearchRequest {
            lang: Some("fr".into()),
            ..SearchRequest::default()
        },
    );
    assert_eq!(
        french.histogram_by.theme,
        BTreeMap::from([("2024-05".to_string(), month(&[("T1", 2), ("T2", 1)]))])
    );
    assert!(french.histogram_by.lang.keys().eq(["2024-05"]));
}

#[test]
fn a_duplicate_group_is_one_hit_its_best_ranked_member() {
    let member = |id: &'static str, group: &str, title: &'static str, source: &'static str| {
        let mut it = item(Spec {
            id,
            title,
            text: "The solidarity fund lends to worker cooperatives in the region.",
            lang: Some("en"),
            source,
            published: Some("2024-05-02T12:00:00+00:00"),
            ..Spec::default()
        });
        it.group_id = group.to_string();
        it
    };
    let index = index_of(&[
        member("orig", "orig", "A fund for cooperatives", "ripess"),
        member(
            "copy-1",
            "orig",
            "Solidarity fund: a fund for cooperatives",
            "gsef",
        ),
        member(
            "copy-2",
            "orig",
            "A fund for cooperatives (repost)",
            "coopuk",
        ),
        member("alone", "alone", "Another fund", "ripess"),
    ]);
    let results = search(&index, &query("solidarity fund"));
    assert_eq!(results.total, 2, "{results:?}");
    assert_eq!(results.total_items, 4);
    // copy-1 has "solidarity" in its title too: it is the best of its group.
    assert_eq!(ids(&results), ["copy-1", "alone"]);
    assert_eq!(results.hits[0].group_id, "orig");
    assert_eq!(results.hits[0].duplicates, 2);
    assert_eq!(results.hits[1].duplicates, 0);
    // Facets count items, every member of a group included.
    assert_eq!(
        results.facets.source,
        counts(&[("coopuk", 1), ("gsef", 1), ("ripess", 2)])
    );
    // Paging goes group by group.
    let page = |page| {
        search(
            &index,
            &SearchRequest {
                page,
                per_page: 1,
                ..query("fund")
            },
        )
    };
    let (first, second, third) = (page(1), page(2), page(3));
    assert_eq!(first.hits.len() + second.hits.len(), 2);
    assert_ne!(first.hits[0].group_id, second.hits[0].group_id);
    assert!(third.hits.is_empty());
    // A filter that leaves one member shows that member.
    let gsef = search(
        &index,
        &SearchRequest {
            source: Some("gsef".into()),
            ..query("fund")
        },
    );
    assert_eq!(ids(&gsef), ["copy-1"]);
}

#[test]
fn a_hits_duplicates_are_its_groups_members_as_they_are_now() {
    let member = |id: &'static str, group: &str, title: &'static str| {
        let mut it = item(Spec {
            id,
            title,
            text: "The solidarity fund lends to worker cooperatives in the region.",
            lang: Some("en"),
            ..Spec::default()
        });
        it.group_id = group.to_string();
        it
    };
    let index = index_of(&[
        member("orig", "orig", "A fund for cooperatives"),
        member("copy-1", "orig", "A fund for cooperatives, again"),
        member("copy-2", "orig", "A fund for cooperatives (repost)"),
    ]);
    let duplicates = |index: &Index| {
        let results = search(index, &query("solidarity fund"));
        results
            .hits
            .iter()
            .map(|hit| (hit.group_id.clone(), hit.duplicates))
            .collect::<Vec<_>>()
    };
    assert_eq!(duplicates(&index), [("orig".to_string(), 2)]);
    // A member written again: its older version, deleted, is no member.
    let updated = member("copy-2", "orig", "A fund for cooperatives (reposted)");
    index.upsert(&updated).unwrap();
    index.commit().unwrap();
    assert_eq!(duplicates(&index), [("orig".to_string(), 2)]);
    // A member that left the group (its text no longer a copy).
    let left = member("copy-1", "copy-1", "A fund for cooperatives, again");
    index.upsert(&left).unwrap();
    index.commit().unwrap();
    let mut now = duplicates(&index);
    now.sort();
    assert_eq!(now, [("copy-1".to_string(), 0), ("orig".to_string(), 1)]);
}

#[test]
fn a_page_stays_full_when_one_storys_copies_outrank_everything() {
    // 100 copies of one story, each scoring above the 15 other stories:
    // the first documents collected are all one group, and the page is
    // filled by collecting deeper.
    let mut items = Vec::new();
    for i in 0..100 {
        let mut copy = item(Spec {
            title: "Solidarity fund for worker cooperatives",
            text:
                "The solidarity fund lends to worker cooperatives; the fund is solidarity finance.",
            lang: Some("en"),
            ..Spec::default()
        });
        copy.id = format!("copy-{i}");
        copy.group_id = "story".to_string();
        items.push(copy);
    }
    for i in 0..15 {
        let mut other = item(Spec {
            title: "News of the region",
            text: "A solidarity fund opened in the region, among other news of the week and the weather.",
            lang: Some("en"),
            ..Spec::default()
        });
        other.id = format!("other-{i}");
        other.group_id = other.id.clone();
        items.push(other);
    }
    let index = index_of(&items);
    let page = |page| {
        search(
            &index,
            &SearchRequest {
                page,
                per_page: 10,
                ..query("solidarity fund")
            },
        )
    };
    let first = page(1);
    assert_eq!(first.total, 16, "{first:?}");
    assert_eq!(first.hits.len(), 10);
    assert_eq!(first.hits[0].group_id, "story");
    assert_eq!(first.hits[0].duplicates, 99);
    let groups: std::collections::HashSet<&str> =
        first.hits.iter().map(|hit| hit.group_id.as_str()).collect();
    assert_eq!(groups.len(), 10, "one hit per group");
    let second = page(2);
    assert_eq!(second.hits.len(), 6, "{second:?}");
    assert!(second.hits.iter().all(|hit| hit.id.starts_with("other-")));
}

#[test]
fn search_ids_reaches_past_the_deepest_page_in_the_search_order() {
    let index = Index::open_in_ram().unwrap();
    let n = super::MAX_OFFSET + 250;
    let items: Vec<Item> = (0..n)
        .map(|i| {
            let mut it = item(Spec {
                id: "x",
                title: "Worker cooperative",
                text: "A worker cooperative runs the bakery.",
                ..Spec::default()
            });
            it.id = format!("item-{i:05}");
            it.group_id = it.id.clone();
            it.candidate.score = (i % 100) as f64 / 100.0;
            it
        })
        .collect();
    index.upsert_many(&items).unwrap();
    index.commit().unwrap();
    let req = SearchRequest {
        sort: Sort::Score,
        ..query("")
    };
    let ids = index.search_ids(&req, usize::MAX).unwrap();
    assert_eq!(ids.len(), n, "every hit, past page {}", super::MAX_OFFSET);
    let first_page = search(
        &index,
        &SearchRequest {
            per_page: 100,
            ..req.clone()
        },
    );
    let page_ids: Vec<&str> = first_page.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids[..100].iter().map(String::as_str).collect::<Vec<_>>(),
        page_ids
    );
    assert_eq!(index.search_ids(&req, 10).unwrap().len(), 10);
}

#[test]
fn dates_beyond_what_the_index_holds_neither_overflow_nor_fail() {
    let mut items = corpus();
    items.push(item(Spec {
        id: "far-future",
        title: "Dated by mistake",
        text: "A page dated in the year 9000.",
        published: Some("9000-01-01T00:00:00Z"),
        ..Spec::default()
    }));
    let index = index_of(&items);
    let everything = search(&index, &SearchRequest::default()).total;
    let wide = SearchRequest {
        from: Some(date("0037-10-02T19:13:11Z")),
        to: Some(date("9283-02-25T00:00:00Z")),
        ..SearchRequest::default()
    };
    assert_eq!(
        search(&index, &wide).total,
        everything - 1,
        "undated left out"
    );
    let ancient = SearchRequest {
        to: Some(date("0252-12-01T22:31:49Z")),
        ..SearchRequest::default()
    };
    assert_eq!(search(&index, &ancient).total, 0);
    let after_2262 = SearchRequest {
        from: Some(date("2300-01-01T00:00:00Z")),
        ..SearchRequest::default()
    };
    assert_eq!(ids(&search(&index, &after_2262)), ["far-future"]);
}

#[test]
fn a_query_the_grammar_panics_on_is_refused_not_a_crash() {
    // Found by the `search` fuzz target: tantivy's query grammar (0.25)
    // panics ("Exist query without a field isn't allowed") on this input.
    let index = index_of(&corpus());
    match index.search(&query("pu0  :o0r +  *]\u{0} ")) {
        Err(IndexError::BadQuery(msg)) => assert!(msg.contains("pu0"), "{msg}"),
        other => panic!("expected BadQuery, got {other:?}"),
    }
}

/// One sentence in each language the detector identifies (the first of
/// lingua's test data for it of 6 to 14 words).
const EVERY_LANGUAGE: &[(&str, &str)] = &[
    ("en", "It will not splice together different exons to produce a coding sequence."),
    ("fr", "Chemins de traverse se veut différent mais il reste ancré dans lEcole."),
    ("es", "20 famosos que se parecen a otros famosos?"),
    ("ca", "Estem citats -ha dit- a un debat en profunditat que haurà de ser net."),
    ("eu", "1424 Sundmania asteroide gerrikoan aurkitutako 1424."),
    ("pt", "14 de Março de 2013 às 18:03 Tà bom de show!"),
    ("it", "8. La Conferenza ha esaminato il ruolo della dimensione religiosa del dialogo interculturale."),
    ("de", "Nochmals vielen Dank an dieser Stelle an alle HelferInnen."),
    ("ko", "앞으로 국부펀드의 강력한 도전으로 신자본주의 시대의 글로벌 머니게임은 더욱 치열해질 것이 분명하다."),
    ("nl", "Aan de noordwestzijde van het uitkijkplatform is een overdekte schuilnis."),
    ("pl", "Ale my nic nikomu nie jesteśmy winni - tłumaczył Owsiak."),
    ("ja", "クロノたちが13年ぶりに再会！"),
    ("zh", "2002年的台湾，各金融机构都磨刀霍霍准备在逐渐起飞的财富管理业务，抢得一席之地。"),
    ("ar", "قليلة من الفوسفور والحديد والمغنزيوم ونسبة من المواد الدهنية."),
    ("sw", "1998 Dublin ilisheherekea sikukuu ya kumaliza miaka 1000."),
    ("tr", "14 Şubat'ta Ankara'da TMMOB Olağanüstü Genel Kurulu'nda buluşuyoruz!"),
    ("ru", "Ты делаешь только то, что предполагал делать."),
    ("id", "Bayangan yang terlampau terang dibandingkan dengan jarak antara perapiannya dan tempat itu."),
    ("hi", "0 राजेश उत्‍साही प्रस्तुतकर्ता राजेश उत्‍साही पर 5:18 am इसे ईमेल करेंइसे ब्लॉग करें!"),
    ("el", "11. Ορισμός Επιτροπής παραλαβής του έργου : «Κατασκευές-ανακατασκευές εξωτερικών διακλαδώσεων στο υφιστάμενο δίκτυο, αρ."),
    ("ro", "10. Ce înseamnă „Cu Dumnezeu la o Ţigară”?"),
    ("sv", "Vattenpasset är billigt och plastigt men fungerar dock."),
    ("da", "11. Lederen underretter løbende bestyrelsen om personaleforholdene i institutionen."),
    ("nb", "Vi har selvfølgelig ingenting i mot at våre medlemmer får lønnsopprykk."),
    ("fi", "Tuki on kustannusarvion mukaan kohteesta riippuen korkeintaan 2000-2500 mk/ha."),
    ("cs", "Přistroj zaznamenává časy začátku a konce podpětí, přepětí nebo výpadku v rozvodné síti 230V/50Hz."),
    ("hu", "1. Csibi nem ukrajnában él, hanem Kárpátalján."),
    ("uk", "Цього року відбудеться 8-ий Фестиваль української культури Калина у місцевості Інджія."),
    ("vi", "2/ Trường hợp nào sao đây được miễn, giảm thuế?"),
    ("he", "4. שלוש איגרות פולמוסיות העוסקות בנושא הקץ, שנשלחו ליהודים שונים."),
    ("fa", "۱۵ ۱۵ کد شهرستان تبریز و همه حروف مربوط به این شهرستان است."),
    ("bn", "০০টা পর্যন্ত বিভিন্ন ভাবে বিভিন্ন প্রকার স্বাস্থ্য সেবা দিয়ে থাকেন।"),
    ("ta", "1624: பிரிக்ஸ் என்பவர் ஒரு எண்ணுக்கு தசம அடிப்படையில் மடக்கை கணித்திருக்கிறார்."),
    ("tl", "3. Special Report - Dito itinatanghal ang mga ginawang pag-uulat ng mga senshi."),
    ("ur", "8)بزنس جرنلزم:اس میں تجارتی دنیا کی ہر چھوٹی بڑی خبریں پیش کی جاتی ہیں."),
];

#[test]
fn every_language_the_detector_knows_is_stored_faceted_and_searched() {
    use crate::language::SUPPORTED;
    assert_eq!(EVERY_LANGUAGE.len(), SUPPORTED.len());
    let items: Vec<Item> = EVERY_LANGUAGE
        .iter()
        .map(|(lang, text)| {
            item(Spec {
                id: lang,
                text,
                lang: Some(lang),
                ..Spec::default()
            })
        })
        .collect();
    let index = index_of(&items);
    let all = search(&index, &SearchRequest::default());
    let langs: Vec<&str> = SUPPORTED.iter().map(|(code, _)| *code).collect();
    assert_eq!(
        all.facets.lang,
        langs
            .iter()
            .map(|l| (l.to_string(), 1))
            .collect::<BTreeMap<_, _>>()
    );
    for (lang, text) in EVERY_LANGUAGE {
        // The sentence's longest word (in Chinese and Japanese, which do
        // not space words, its first four characters after any digits),
        // found with the language's filter.
        let word: String = if matches!(*lang, "zh" | "ja") {
            text.chars().skip_while(char::is_ascii).take(4).collect()
        } else {
            text.split(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
                .max_by_key(|w| w.chars().count())
                .unwrap()
                .to_string()
        };
        let found = search(
            &index,
            &SearchRequest {
                q: word.clone(),
                lang: Some(lang.to_string()),
                ..SearchRequest::default()
            },
        );
        assert_eq!(ids(&found), vec![*lang], "{lang}: {word:?} in {text:?}");
    }
}

#[test]
fn a_snippet_renders_its_pieces_in_order() {
    let snippet = Snippet {
        text: "ab cd ef".to_string(),
        highlighted: vec![0..2, 3..5],
    };
    let pieces: Vec<(&str, bool)> = snippet.pieces().collect();
    assert_eq!(
        pieces,
        [("ab", true), (" ", false), ("cd", true), (" ef", false)]
    );
    assert_eq!(
        snippet.render("<b>", "</b>", str::to_uppercase),
        "<b>AB</b> <b>CD</b> EF"
    );
    assert_eq!(marked(&Snippet::default()), "");
}

#[test]
fn counts_are_kept_for_the_same_search_and_never_outlive_a_commit() {
    let index = index_of(&corpus());
    let mut req = query("cooperative");
    let first = search(&index, &req);
    assert_eq!(index.stats.len(), 1);
    // Another page and sort of the same search: the same counts, kept.
    req.sort = Sort::Date;
    req.per_page = 1;
    let again = search(&index, &req);
    assert_eq!(index.stats.len(), 1);
    assert_eq!(
        (
            again.total,
            again.total_items,
            &again.facets,
            &again.histogram
        ),
        (
            first.total,
            first.total_items,
            &first.facets,
            &first.histogram
        )
    );
    assert_eq!(again.hits.len(), 1);
    // A filter is another search.
    let filtered = search(
        &index,
        &SearchRequest {
            lang: Some("fr".to_string()),
            ..query("cooperative")
        },
    );
    assert_eq!(index.stats.len(), 2);
    assert!(filtered.total <= first.total);

    // A new matching item is counted at the first search after its commit.
    index
        .upsert(&item(Spec {
            id: "new-coop",
            title: "A new cooperative",
            text: "A cooperative bakery opens.",
            lang: Some("en"),
            country: Some("BE"),
            ..Spec::default()
        }))
        .unwrap();
    index.commit().unwrap();
    let after = search(&index, &query("cooperative"));
    assert_eq!(after.total, first.total + 1);
    assert_eq!(
        after.facets.country.get("BE").copied().unwrap_or(0),
        first.facets.country.get("BE").copied().unwrap_or(0) + 1
    );
    assert_eq!(index.stats.len(), 1, "the old index's counts are dropped");
}

#[test]
fn the_counts_kept_are_bounded() {
    let index = index_of(&corpus());
    for i in 0..(super::stats_cache::CAPACITY + 40) {
        search(&index, &query(&format!("cooperative OR word{i}")));
    }
    assert_eq!(index.stats.len(), super::stats_cache::CAPACITY);
}

#[test]
fn a_ranking_is_kept_per_sort_and_gives_the_same_pages_until_a_commit() {
    let index = index_of(&corpus());
    let mut req = query("cooperative");
    req.per_page = 2;
    let first = search(&index, &req);
    assert_eq!(index.stats.rankings(), 1);
    // Asked again, and its next page: the kept ranking, the same hits as
    // a search without the cache would give.
    assert_eq!(ids(&search(&index, &req)), ids(&first));
    req.page = 2;
    let second = search(&index, &req);
    assert_eq!(index.stats.rankings(), 1);
    let fresh = index_of(&corpus());
    assert_eq!(ids(&second), ids(&search(&fresh, &req)));
    // Another sort is another ranking.
    req.sort = Sort::Date;
    assert_eq!(ids(&search(&index, &req)), ids(&search(&fresh, &req)));
    assert_eq!(index.stats.rankings(), 2);

    // A commit drops them: a new item ranks where it belongs.
    index
        .upsert(&item(Spec {
            id: "newest-coop",
            title: "Cooperative cooperative cooperative",
            text: "A cooperative of cooperatives.",
            lang: Some("en"),
            published: Some("2030-01-01T00:00:00Z"),
            ..Spec::default()
        }))
        .unwrap();
    index.commit().unwrap();
    req.page = 1;
    let after = search(&index, &req);
    assert_eq!(ids(&after)[0], "newest-coop");
    assert_eq!(index.stats.rankings(), 1);
}

#[test]
fn facets_name_every_value_of_a_dictionary_of_many_blocks() {
    // A thousand sources: their names span several blocks of the column's
    // dictionary, read in one pass.
    let items: Vec<Item> = (0..1500)
        .map(|i| {
            let mut it = item(Spec {
                published: Some("2024-03-01T00:00:00+00:00"),
                country: Some("FR"),
                ..Spec::default()
            });
            it.id = format!("item-{i}");
            it.group_id = it.id.clone();
            it.url = format!("https://example.org/{i}");
            it.source_id = format!("feed-{:04}", i % 1000);
            it
        })
        .collect();
    let index = index_of(&items);
    let all = search(&index, &SearchRequest::default());
    assert_eq!(all.total_items, 1500);
    assert_eq!(all.facets.source.len(), 1000);
    assert_eq!(all.facets.source["feed-0000"], 2);
    assert_eq!(all.facets.source["feed-0499"], 2);
    assert_eq!(all.facets.source["feed-0500"], 1);
    assert_eq!(all.facets.source["feed-0999"], 1);
    assert_eq!(all.facets.source.values().sum::<u64>(), 1500);
    assert_eq!(*all.histogram, counts(&[("2024-03", 1500)]));
    assert_eq!(all.histogram_by.country["2024-03"]["FR"], 1500);
}

#[test]
fn counts_over_many_segments_and_changes_equal_those_of_one_segment() {
    // Sixty items in eight commits (a segment each, unless tantivy merges
    // them), searched between the commits so that each segment's table is
    // read when it is new; then some items change (their old documents are
    // deleted, not removed) and a group gains members in later segments.
    let langs = ["en", "fr", "es", "ko"];
    let countries = [Some("FR"), Some("GB"), None, Some("KR"), Some("CO")];
    let themes: [&[&str]; 4] = [&["T1"], &["T3", "T7"], &[], &["T7"]];
    let sources = ["ripess", "gsef", "coopuk"];
    let make = |n: usize, round: usize| {
        let mut it = item(Spec {
            title: "A cooperative",
            text: "The cooperative lends to its members.",
            lang: Some(langs[n % 4]),
            country: countries[(n + round) % 5],
            source: sources[n % 3],
            themes: themes[(n + round) % 4],
            ..Spec::default()
        });
        it.id = format!("item-{n}");
        it.url = format!("https://example.org/{n}");
        it.group_id = if n % 7 == 3 {
            "item-3".into()
        } else {
            it.id.clone()
        };
        it.published = (!n.is_multiple_of(9)).then(|| {
            date(&format!(
                "20{:02}-{:02}-1{}T12:00:00+00:00",
                18 + n % 5,
                1 + (n + round) % 12,
                n % 10
            ))
        });
        it
    };
    let incremental = Index::open_in_ram().unwrap();
    let mut latest: std::collections::BTreeMap<usize, Item> = Default::default();
    let requests = [
        query("cooperative"),
        SearchRequest::default(),
        SearchRequest {
            lang: Some("fr".into()),
            ..query("cooperative")
        },
        SearchRequest {
            theme: Some("T7".into()),
            ..SearchRequest::default()
        },
    ];
    for chunk in 0..6 {
        let items: Vec<Item> = (chunk * 10..chunk * 10 + 10).map(|n| make(n, 0)).collect();
        incremental.upsert_many(&items).unwrap();
        incremental.commit().unwrap();
        for it in items {
            latest.insert(latest.len(), it);
        }
        for req in &requests {
            search(&incremental, req);
        }
    }
    for round in 1..3 {
        let changed: Vec<Item> = (0..60)
            .filter(|n| n % (round + 2) == 0)
            .map(|n| make(n, round))
            .collect();
        incremental.upsert_many(&changed).unwrap();
        incremental.commit().unwrap();
        for it in changed {
            let n: usize = it.id["item-".len()..].parse().unwrap();
            latest.insert(n, it);
        }
    }
    let at_once = index_of(&latest.into_values().collect::<Vec<_>>());
    for req in &requests {
        let (a, b) = (search(&incremental, req), search(&at_once, req));
        assert_eq!(
            (a.total, a.total_items),
            (b.total, b.total_items),
            "{req:?}"
        );
        assert!(a.total < a.total_items, "a group spans segments: {req:?}");
        assert_eq!(a.facets, b.facets, "{req:?}");
        assert_eq!(a.histogram, b.histogram, "{req:?}");
        assert_eq!(a.histogram_by, b.histogram_by, "{req:?}");
    }
    let all = search(&incremental, &SearchRequest::default());
    assert_eq!(all.total_items, 60);
    // item-3's group: 3, 10, 17, 24, 31, 38, 45, 52, 59.
    assert_eq!(all.total, 60 - 8);
}

#[test]
fn a_query_asked_per_language_finds_and_ranks_as_over_every_field() {
    use tantivy::collector::{Count, TopDocs};
    // The corpus in several languages, and words each language shares
    // ("cooperative", "social") or not.
    let mut items = corpus();
    let more = [
        (
            "fr-2",
            "fr",
            "Économie sociale à Montréal",
            "Une coopérative de solidarité et l'économie sociale.",
        ),
        (
            "es-2",
            "es",
            "Cooperativa de vivienda",
            "La cooperativa de vivienda de Montevideo y la economía social.",
        ),
        (
            "en-2",
            "en",
            "Social economy in Leeds",
            "A housing cooperative and a credit union, social and solidarity.",
        ),
        (
            "ko-2",
            "ko",
            "서울의 주택협동조합",
            "주택협동조합은 사회적경제 기업이다. 주택협동조합 두 곳과 협동조합.",
        ),
        (
            "ca-1",
            "ca",
            "Economia social a Barcelona",
            "La cooperativa d'habitatge i l'economia social i solidària.",
        ),
        (
            "de-1",
            "de",
            "Sozialwirtschaft",
            "Eine Wohnungsgenossenschaft in Berlin, social economy.",
        ),
        (
            "pt-1",
            "pt",
            "Economia social",
            "A cooperativa de habitação e a economia social e solidária.",
        ),
    ];
    for (id, lang, title, text) in more {
        let mut it = item(Spec {
            title,
            text,
            lang: Some(lang),
            ..Spec::default()
        });
        it.id = id.to_string();
        it.url = format!("https://example.org/{id}");
        it.group_id = it.id.clone();
        items.push(it);
    }
    let index = index_of(&items);
    let searcher = index.reader.searcher();
    let mut split = 0;
    for q in [
        "cooperative",
        "social economy",
        "housing cooperative",
        "cooperativa de vivienda",
        "économie sociale",
        "\"social economy\"",
        "social OR solidarity",
        "(housing OR credit) cooperative",
        "title:cooperative",
        "text:\"economia social\"",
        "text_fr:coopérative social",
        "사회적경제",
        // The vocabulary's phrases as typed, asked through their terms.
        "주택협동조합",
        "사회적경제 서울",
        "\"cooperativa de vivienda\"",
        "\"economia social\" OR \"social economy\"",
        "(\"housing cooperative\")^3 leeds",
        "Montréal",
        "cooperative^2 social",
        // Not asked per pair: negations and other fields.
        "cooperative -housing",
        "cooperative lang:en",
    ] {
        let (all, per_pair) = super::query::both_ways(&index.parser, q);
        let Some(per_pair) = per_pair else {
            assert!(
                q.contains('-') || q.contains("lang:"),
                "{q} is asked per pair"
            );
            continue;
        };
        split += 1;
        let count = |query: &dyn tantivy::query::Query| searcher.search(query, &Count).unwrap();
        assert_eq!(count(&*all), count(&*per_pair), "{q}");
        let top = |query: &dyn tantivy::query::Query| {
            searcher
                .search(query, &TopDocs::with_limit(50))
                .unwrap()
                .into_iter()
                .map(|(score, address)| ((score * 1e4).round() as i64, address))
                .collect::<Vec<_>>()
        };
        assert_eq!(top(&*all), top(&*per_pair), "{q}");
        assert!(count(&*all) > 0, "{q} finds something");
    }
    assert_eq!(split, 19);
}

#[test]
fn the_counts_tables_follow_the_segments_through_commits_and_merges() {
    let index = index_of(&corpus());
    // Before any search, commits read no tables (a crawl that serves no
    // search pays nothing).
    assert_eq!(index.tables.len(), 0);
    search(&index, &query("cooperative"));
    for n in 0..24 {
        let mut it = corpus().remove(n % 5);
        it.id = format!("more-{n}");
        it.url = format!("https://example.org/more/{n}");
        it.group_id = it.id.clone();
        index.upsert(&it).unwrap();
        index.commit().unwrap();
        // Each commit reads its new segments' tables and drops those of
        // the segments merged away: exactly the searched segments' tables.
        let segments = index.reader.searcher().segment_readers().len();
        assert_eq!(index.tables.len(), segments, "after commit {n}");
    }
    let all = search(&index, &SearchRequest::default());
    assert_eq!(all.total_items, 5 + 24);
    assert_eq!(
        index.tables.len(),
        index.reader.searcher().segment_readers().len()
    );
}

/// Every phrase of the expansion's vocabulary written as one term where a
/// document holds it (`phrases`) is found exactly where the phrase query
/// of its words on its language's fields matches: in the title or the
/// text, cased, folded, across punctuation, twice, after other words,
/// inside a Korean eojeol; and not with a word between, in reverse, or in
/// another language's item.
#[test]
fn a_phrase_written_as_a_term_matches_where_its_words_match_as_a_phrase() {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{BooleanQuery, Occur, QueryParser, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    let mut phrases: Vec<(String, String)> = Vec::new();
    for concept in &super::expansion::concepts().concepts {
        for phrase in &concept.phrases {
            if !phrases
                .iter()
                .any(|(l, t)| *l == phrase.lang && *t == phrase.text)
            {
                phrases.push((phrase.lang.clone(), phrase.text.clone()));
            }
        }
    }
    let mut items = Vec::new();
    for (n, (lang, text)) in phrases.iter().enumerate() {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut reversed = words.clone();
        reversed.reverse();
        let variants: Vec<(String, String, &str)> = vec![
            (
                String::new(),
                format!("Depuis 2019, {text} accueille 30 familles."),
                lang,
            ),
            (text.to_string(), "Rien ici.".to_string(), lang),
            (String::new(), format!("«{}»", words.join(", ")), lang),
            (String::new(), text.to_uppercase(), lang),
            (String::new(), format!("{text}. {text}!"), lang),
            (String::new(), format!("{text}에 대한 서울{text}은"), lang),
            (String::new(), words.join(" zzz "), lang),
            (String::new(), reversed.join(" "), lang),
            (
                String::new(),
                text.to_string(),
                if lang == "de" { "pt" } else { "de" },
            ),
        ];
        for (v, (title, body, lang)) in variants.into_iter().enumerate() {
            let mut it = item(Spec::default());
            it.lang = Some(lang.to_string());
            it.id = format!("{n}-{v}");
            it.group_id = it.id.clone();
            it.title = title;
            it.text = body;
            items.push(it);
        }
    }
    let index = index_of(&items);
    let searcher = index.reader.searcher();
    let mut checked = 0;
    for (lang, text) in &phrases {
        let suffix = super::analyzers::suffix_for(Some(lang));
        let Some(term) = super::phrases::term(suffix, text) else {
            continue;
        };
        let pair = index.fields.pairs[suffix];
        let words = QueryParser::for_index(searcher.index(), vec![pair.title, pair.text])
            .parse_query(&format!("\"{}\"", text.replace('"', " ")))
            .expect("a vocabulary phrase parses");
        let terms = BooleanQuery::new(
            [index.fields.phrases.title, index.fields.phrases.text]
                .into_iter()
                .map(|field| {
                    let query = TermQuery::new(
                        Term::from_field_text(field, &term),
                        IndexRecordOption::Basic,
                    );
                    (
                        Occur::Should,
                        Box::new(query) as Box<dyn tantivy::query::Query>,
                    )
                })
                .collect(),
        );
        let by_words = searcher.search(&words, &DocSetCollector).expect("searches");
        let by_term = searcher.search(&terms, &DocSetCollector).expect("searches");
        assert!(!by_words.is_empty(), "{lang} {text:?} is found");
        assert_eq!(by_term, by_words, "{lang} {text:?} as {term}");
        checked += 1;
    }
    assert!(checked > 400, "{checked} phrases of several tokens checked");
}

/// A query string asked again is taken from the ones parsed lately, with
/// the same hits, expansion and snippets; at most 256 are kept, and a
/// query the parser refuses is refused again.
#[test]
fn a_query_asked_again_is_not_parsed_again_and_answers_the_same() {
    let index = index_of(&housing_corpus());
    let first = search(&index, &query("housing cooperative"));
    assert_eq!(index.parser.kept(), 1);
    index.forget_searches();
    let again = search(&index, &query("housing cooperative"));
    assert_eq!(index.parser.kept(), 1);
    assert_eq!(ids(&again), ids(&first));
    assert_eq!(again.expansion, first.expansion);
    let snippets = |r: &SearchResults| {
        r.hits
            .iter()
            .map(|h| marked(&h.snippet))
            .collect::<Vec<_>>()
    };
    assert_eq!(snippets(&again), snippets(&first));
    assert!(snippets(&again).iter().any(|s| s.contains("[coopérative]")));
    let unexpanded = search(
        &index,
        &SearchRequest {
            expand: false,
            ..query("housing cooperative")
        },
    );
    assert_eq!(index.parser.kept(), 2);
    assert_eq!(ids(&unexpanded), ["en"]);
    for n in 0..300 {
        search(&index, &query(&format!("word{n}")));
    }
    assert_eq!(index.parser.kept(), 256);
    for _ in 0..2 {
        assert!(matches!(
            index.search(&query("unknownfield:x")),
            Err(IndexError::BadQuery(_))
        ));
    }
}

/// Matches of equal relevance rank the earlier published first: an
/// original before its later copy, which an added phrase scores alike,
/// whichever was indexed first.
#[test]
fn of_equal_relevance_the_original_ranks_before_its_later_copy() {
    let copy = item(Spec {
        id: "copy",
        title: "Housing cooperative opens in Leeds (syndicated)",
        text: "Forty families founded a housing cooperative that owns its building.",
        lang: Some("en"),
        published: Some("2024-05-03T12:00:00Z"),
        ..Spec::default()
    });
    let original = item(Spec {
        id: "original",
        title: "Housing cooperative opens in Leeds",
        text: "Forty families founded a housing cooperative that owns its building.",
        lang: Some("en"),
        published: Some("2024-05-02T12:00:00Z"),
        ..Spec::default()
    });
    for order in [[&copy, &original], [&original, &copy]] {
        let index = Index::open_in_ram().expect("an in-RAM index opens");
        for it in order {
            index.upsert(it).expect("indexed");
            index.commit().expect("committed");
        }
        // Found in English through the French phrase's expansion only.
        let results = search(&index, &query("coopérative d'habitation"));
        assert_eq!(
            ids(&results),
            ["original", "copy"],
            "{:?} first",
            order[0].id
        );
    }
}
