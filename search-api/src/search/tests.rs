//! Tests of what `/api/search` answers, as JSON: cross-language expansion
//! (on by default, off with `expand=false`), the month histogram, and one
//! hit per duplicate group with its count of duplicates.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use veille_indexer::index::Index;
use veille_store::{Candidate, Item};

use super::search;
use crate::params::parse_search_params;

fn item(id: &str, group: &str, lang: &str, title: &str, text: &str, published: &str) -> Item {
    let seen = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    Item {
        id: id.to_string(),
        url: format!("https://example.org/{id}"),
        source_id: format!("source-{lang}"),
        title: title.to_string(),
        text: text.to_string(),
        author: None,
        published: Some(DateTime::parse_from_rfc3339(published).unwrap()),
        lang: Some(lang.to_string()),
        lang_confidence: 0.9,
        country: None,
        candidate: Candidate::default(),
        fingerprint: None,
        group_id: group.to_string(),
        first_seen: seen,
        updated_at: seen,
        review: None,
    }
}

fn index() -> Index {
    let index = Index::open_in_ram().unwrap();
    index
        .upsert_many(&[
            item(
                "en",
                "en",
                "en",
                "Housing cooperative opens in Leeds",
                "Forty families founded a housing cooperative that owns its building.",
                "2024-05-02T12:00:00Z",
            ),
            item(
                "en-copy",
                "en",
                "en",
                "Housing cooperative opens in Leeds (syndicated)",
                "Forty families founded a housing cooperative that owns its building.",
                "2024-05-03T12:00:00Z",
            ),
            item(
                "fr",
                "fr",
                "fr",
                "Une coopérative d'habitation à Montréal",
                "La coopérative d'habitation loge trente ménages à loyer abordable.",
                "2024-03-10T09:00:00+01:00",
            ),
            item(
                "es",
                "es",
                "es",
                "Cooperativa de vivienda en Montevideo",
                "Las cooperativas de vivienda por ayuda mutua construyen barrios.",
                "2023-11-20T08:30:00-05:00",
            ),
            item(
                "ko",
                "ko",
                "ko",
                "서울시 주택협동조합 지원",
                "서울시는 주택협동조합에 공공부지를 장기 임대한다.",
                "2024-01-15T10:00:00+09:00",
            ),
        ])
        .unwrap();
    index.commit().unwrap();
    index
}

fn get(index: &Index, query_string: &str) -> Value {
    let req = parse_search_params(query_string).unwrap();
    serde_json::to_value(search(index, &req).unwrap()).unwrap()
}

fn hit_ids(response: &Value) -> Vec<String> {
    let mut ids: Vec<String> = response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn each_language_finds_the_others_and_says_what_it_added() {
    let index = index();
    for (q, own) in [
        ("housing+cooperative", "en"),
        ("coop%C3%A9rative+d%27habitation", "fr"),
        ("cooperativa+de+vivienda", "es"),
        (
            "%EC%A3%BC%ED%83%9D%ED%98%91%EB%8F%99%EC%A1%B0%ED%95%A9",
            "ko",
        ),
    ] {
        let response = get(&index, &format!("q={q}"));
        assert_eq!(hit_ids(&response), ["en", "es", "fr", "ko"], "q={q}");
        assert_eq!(response["hits"][0]["id"], own, "q={q}");
        let expansion = response["expansion"].as_object().unwrap();
        assert_eq!(expansion.len(), 1, "q={q}: {expansion:?}");
        let added: Vec<&str> = expansion
            .values()
            .next()
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let expected = [
            "housing cooperative",
            "coopérative d'habitation",
            "cooperativa de vivienda",
            "주택협동조합",
        ];
        assert_eq!(
            expected.iter().filter(|p| added.contains(p)).count(),
            3,
            "q={q}: the three other languages are added: {added:?}"
        );

        let exact = get(&index, &format!("q={q}&expand=false"));
        assert_eq!(hit_ids(&exact), [own], "q={q}&expand=false");
        assert_eq!(exact["expansion"], serde_json::json!({}));
    }
}

#[test]
fn the_response_counts_groups_shows_duplicates_and_a_histogram() {
    let index = index();
    let response = get(&index, "q=housing+cooperative&expand=false");
    assert_eq!(response["total"], 1);
    assert_eq!(response["total_items"], 2);
    assert_eq!(response["hits"][0]["group_id"], "en");
    assert_eq!(response["hits"][0]["duplicates"], 1);
    assert_eq!(response["histogram"], serde_json::json!({"2024-05": 2}));

    // The same months split by language; these items have no theme or
    // country, so those splits are empty.
    assert_eq!(
        response["histogram_by"],
        serde_json::json!({"lang": {"2024-05": {"en": 2}}, "theme": {}, "country": {}})
    );

    let everything = get(&index, "");
    assert_eq!(everything["total"], 4);
    assert_eq!(
        everything["histogram"],
        serde_json::json!({"2023-11": 1, "2024-01": 1, "2024-03": 1, "2024-05": 2})
    );
    let by_lang = &everything["histogram_by"]["lang"];
    for (month, n) in everything["histogram"].as_object().unwrap() {
        let split: u64 = by_lang[month]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(Some(split), n.as_u64(), "{month}");
    }
}

#[test]
fn a_snippet_is_html_escaped_with_its_words_marked() {
    let text = "<b>Tom's</b> \"co-op\" & cooperatives…";
    let start = text.find("cooperatives").unwrap();
    let word = start..start + "cooperatives".len();
    let snippet = veille_indexer::search::Snippet {
        text: text.to_string(),
        highlighted: vec![word],
    };
    assert_eq!(
        super::snippet_html(&snippet),
        "&lt;b&gt;Tom&#x27;s&lt;/b&gt; &quot;co-op&quot; &amp; <mark>cooperatives</mark>…"
    );
}
