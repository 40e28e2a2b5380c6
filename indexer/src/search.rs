//! The search request and its results, as plain data: what the API and the
//! terminal ask of the index, and what they get back.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
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

/// One hit. `S` is how its snippet is told: a [`Snippet`] as the index
/// makes it, or what a face rendered of it ([`Hit::map_snippet`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit<S = Snippet> {
    pub id: String,
    pub title: String,
    pub url: String,
    pub source: String,
    pub lang: Option<String>,
    /// RFC 3339, with the offset the page gave.
    pub published: Option<String>,
    /// A fragment of the text and the words the query matched in it.
    pub snippet: S,
    pub candidate_score: f64,
    pub themes: Vec<String>,
    pub status: Status,
    /// The near-duplicate group: the id of its first item. A search shows
    /// one hit per group, its best-ranked member.
    pub group_id: String,
    /// How many other items of the index are in the same group.
    pub duplicates: u64,
}

impl<S> Hit<S> {
    /// The same hit with its snippet told another way (HTML for the API and
    /// the pages, bold or stars for the terminal).
    pub fn map_snippet<T>(self, tell: impl FnOnce(S) -> T) -> Hit<T> {
        Hit {
            id: self.id,
            title: self.title,
            url: self.url,
            source: self.source,
            lang: self.lang,
            published: self.published,
            snippet: tell(self.snippet),
            candidate_score: self.candidate_score,
            themes: self.themes,
            status: self.status,
            group_id: self.group_id,
            duplicates: self.duplicates,
        }
    }
}

/// A fragment of an item's text with the words the query matched, as data:
/// each face marks them its own way. With no query (or no match in the
/// text), the beginning of the text, nothing highlighted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The fragment, plain text (`…` at its end when the text goes on).
    pub text: String,
    /// The matched words: byte ranges of `text`, in order, none overlapping.
    pub highlighted: Vec<Range<usize>>,
}

impl Snippet {
    /// The fragment cut at the highlighted ranges, in order: each piece
    /// with whether it is highlighted. Together they are the whole text.
    pub fn pieces(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut pieces = Vec::with_capacity(self.highlighted.len() * 2 + 1);
        let mut from = 0;
        for range in &self.highlighted {
            pieces.push((&self.text[from..range.start], false));
            pieces.push((&self.text[range.clone()], true));
            from = range.end;
        }
        pieces.push((&self.text[from..], false));
        pieces
            .into_iter()
            .filter(|(piece, highlighted)| *highlighted || !piece.is_empty())
    }

    /// The fragment with each highlighted piece between `open` and
    /// `close`, every piece passed through `text` (an escape, or nothing).
    pub fn render(&self, open: &str, close: &str, text: impl Fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.text.len() + 32);
        for (piece, highlighted) in self.pieces() {
            if highlighted {
                out.push_str(open);
                out.push_str(&text(piece));
                out.push_str(close);
            } else {
                out.push_str(&text(piece));
            }
        }
        out
    }
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

/// How many values of a field [`HistogramBy`] keeps apart; the others are
/// summed under [`OTHER`].
pub const STACKED_VALUES: usize = 5;

/// The key under which [`HistogramBy`] sums the values it does not keep.
pub const OTHER: &str = "other";

/// Matching items per month of publication (UTC) and per value of a facet
/// field: `"YYYY-MM"` → value → count, for stacked bar charts. Each field
/// keeps its [`STACKED_VALUES`] values with the most matches over the whole
/// search (ties by value) and sums the others of each month as [`OTHER`].
/// An item counts once per value it has (an item with two themes counts in
/// both) and not at all in a field it has no value of; undated items are
/// not counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HistogramBy {
    pub theme: BTreeMap<String, BTreeMap<String, u64>>,
    pub lang: BTreeMap<String, BTreeMap<String, u64>>,
    pub country: BTreeMap<String, BTreeMap<String, u64>>,
}

/// The values [`keep_top_values`] keeps apart, from each value's key, name
/// and matches over every month: the [`STACKED_VALUES`] with the most
/// matches, ties by name.
pub(crate) fn top_values<'a, K>(totals: impl IntoIterator<Item = (K, &'a str, u64)>) -> Vec<K> {
    let mut ranked: Vec<(K, &str, u64)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(b.1)));
    ranked
        .into_iter()
        .take(STACKED_VALUES)
        .map(|(key, _, _)| key)
        .collect()
}

/// Month → value → count, the [`STACKED_VALUES`] values with the most
/// matches over every month kept (ties by value), the others of each month
/// summed as [`OTHER`]: how [`HistogramBy`] keeps its stacks short, and
/// how the pages stack other records the same way.
pub fn keep_top_values(
    months: BTreeMap<String, HashMap<String, u64>>,
) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut totals: HashMap<&str, u64> = HashMap::new();
    for counts in months.values() {
        for (value, n) in counts {
            *totals.entry(value).or_insert(0) += n;
        }
    }
    let kept: HashSet<String> = top_values(totals.into_iter().map(|(value, n)| (value, value, n)))
        .into_iter()
        .map(str::to_string)
        .collect();
    months
        .into_iter()
        .map(|(month, counts)| {
            let mut out: BTreeMap<String, u64> = BTreeMap::new();
            for (value, n) in counts {
                let key = if kept.contains(&value) {
                    value
                } else {
                    OTHER.to_string()
                };
                *out.entry(key).or_insert(0) += n;
            }
            (month, out)
        })
        .collect()
}

/// The results of a search: one page of hits, the total and the facets.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Matching near-duplicate groups (= hits over all pages).
    pub total: u64,
    pub hits: Vec<Hit>,
    /// (The counts are shared with the cache that keeps them, and with
    /// every other answer to the same search, not copied.)
    pub facets: Arc<Facets>,
    /// Matching items, every member of a group counted.
    pub total_items: u64,
    /// Matching items per month of publication (UTC), `"YYYY-MM"` → count.
    pub histogram: Arc<BTreeMap<String, u64>>,
    /// The same months, split by theme, language and country.
    pub histogram_by: Arc<HistogramBy>,
    /// The terms cross-language expansion added: each expanded phrase of the
    /// query, as typed → the phrases searched for it in other languages (or
    /// synonyms). Empty with `expand: false` or when the query names no
    /// known concept.
    pub expansion: BTreeMap<String, Vec<String>>,
}
