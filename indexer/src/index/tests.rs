//! Tests of the index: analysis per language, query syntax and its errors,
//! filters, facets, sorts, paging, snippets, upserts, reopening and rebuilding.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use veille_store::{Candidate, Decision, Item, NewItem, Review, Store};

use super::{query_nesting_depth, Index, IndexError, MAX_QUERY_CHARS, MAX_QUERY_DEPTH};
use crate::search::{SearchRequest, SearchResults, Sort};

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
    assert_eq!(ids(&search(&index, &query("사회적경제"))), ["ko-seoul"]);
    assert_eq!(ids(&search(&index, &query("지원합니다"))), ["ko-seoul"]);
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
            status: Some("unreviewed".into()),
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
    assert_eq!(hit.status, "approved");
    let undated = search(&index, &query("finance"));
    assert_eq!(undated.hits[0].published, None);
}

const LONG_TEXT: &str = "Le réseau des collectivités territoriales pour une économie solidaire \
    accompagne les communes qui soutiennent les coopératives, les associations et les \
    entreprises d'insertion, et publie chaque année un guide des politiques publiques \
    locales d'économie sociale et solidaire.";

#[test]
fn snippets_mark_the_matched_words_and_escape_the_rest() {
    let index = index_of(&[item(Spec {
        id: "html",
        title: "Cooperatives",
        text: "Tags like <script>alert(1)</script> & such stay text; the cooperatives \
               of the region met in Lille.",
        lang: Some("en"),
        ..Spec::default()
    })]);
    let snippet = &search(&index, &query("cooperative")).hits[0].snippet;
    assert!(snippet.contains("<mark>cooperatives</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(!snippet.contains("<script>"), "{snippet}");
    assert!(snippet.contains("&amp;"), "{snippet}");

    // With no query, the beginning of the text, escaped and unmarked.
    let snippet = &search(&index, &SearchRequest::default()).hits[0].snippet;
    assert!(snippet.starts_with("Tags like &lt;script&gt;"), "{snippet}");
    assert!(!snippet.contains("<mark>"), "{snippet}");

    // A match in the title only: the beginning of the text.
    let index = index_of(&[item(Spec {
        id: "title-only",
        title: "Lille",
        text: LONG_TEXT,
        lang: Some("fr"),
        ..Spec::default()
    })]);
    let snippet = &search(&index, &query("lille")).hits[0].snippet;
    assert!(snippet.ends_with('…'), "{snippet}");
    let shown = snippet.replace("&#x27;", "'");
    assert!(shown.chars().count() <= 201, "{snippet}");
    assert!(
        LONG_TEXT.starts_with(shown.trim_end_matches('…')),
        "{snippet}"
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
            status: Some("approved".into()),
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
            status: Some("approved".into()),
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
