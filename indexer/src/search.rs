//! The search request and its results, as plain data: what the API and the
//! terminal ask of the index, and what they get back.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeMap;
use veille_store::Status;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first; with an empty query, newest first.
    #[default]
    Relevance,
    /// Newest publication date first.
    Date,
    /// Highest candidate score first.
    Score,
}

/// A search: a query string plus filters, a sort and a page.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query, in tantivy's query syntax (words, "phrases", -exclusion,
    /// OR). Empty lists everything.
    pub q: String,
    /// Filters; each is an exact value (ISO 639-1, ISO 3166-1 alpha-2, an
    /// ESSGlobal theme id, a source id, a review status).
    pub lang: Option<String>,
    pub country: Option<String>,
    pub theme: Option<String>,
    pub source: Option<String>,
    pub status: Option<Status>,
    /// Publication date bounds, inclusive.
    pub from: Option<DateTime<FixedOffset>>,
    pub to: Option<DateTime<FixedOffset>>,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Also search the SSE concepts of the query in the other languages
    /// (default true); the added terms are in [`SearchResults::expansion`].
    pub expand: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            lang: None,
            country: None,
            theme: None,
            source: None,
            status: None,
            from: None,
            to: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            expand: true,
        }
    }
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub url: String,
    pub source: String,
    pub lang: Option<String>,
    /// RFC 3339, with the offset the page gave.
    pub published: Option<String>,
    /// A fragment of the text with the matched words marked `<mark>…</mark>`
    /// (the rest HTML-escaped).
    pub snippet: String,
    pub candidate_score: f64,
    pub themes: Vec<String>,
    pub status: Status,
    /// The near-duplicate group: the id of its first item. A search shows
    /// one hit per group, its best-ranked member.
    pub group_id: String,
    /// How many other items of the index are in the same group.
    pub duplicates: u64,
}

/// Counts of the matching items per value of each facet field (items, not
/// groups: each member of a duplicate group counts).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    pub lang: BTreeMap<String, u64>,
    pub country: BTreeMap<String, u64>,
    pub theme: BTreeMap<String, u64>,
    pub source: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
}

/// The results of a search: one page of hits, the total and the facets.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Matching near-duplicate groups (= hits over all pages).
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Matching items, every member of a group counted.
    pub total_items: u64,
    /// Matching items per month of publication (UTC), `"YYYY-MM"` → count.
    pub histogram: BTreeMap<String, u64>,
    /// The terms cross-language expansion added: each expanded phrase of the
    /// query, as typed → the phrases searched for it in other languages (or
    /// synonyms). Empty with `expand: false` or when the query names no
    /// known concept.
    pub expansion: BTreeMap<String, Vec<String>>,
}
