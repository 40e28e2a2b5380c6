//! `GET /api/search`: one page of hits (one per near-duplicate group), the
//! total, the facets, the month histogram (also split by theme, language and
//! country) and the cross-language expansion,
//! as JSON. [`search`] is also what `veille search --json` prints.

use axum::extract::{RawQuery, State};
use axum::Json;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use veille_indexer::index::Index;
use veille_indexer::search::{Facets, HistogramBy, Hit, SearchRequest, SearchResults, Snippet};

use crate::error::ApiError;
use crate::params::{check_request, parse_search_params};
use crate::{blocking, ApiState};

/// What `/api/search` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResponse {
    /// Number of hits over all pages: matching items, each near-duplicate
    /// group counted once.
    pub total: u64,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Each snippet as HTML ([`snippet_html`]).
    pub hits: Vec<Hit<String>>,
    /// Counts per value of `lang`, `country`, `theme`, `source`, `status`
    /// over every matching item (duplicates included).
    pub facets: Arc<Facets>,
    /// Number of matching items, every member of a duplicate group counted.
    pub total_items: u64,
    /// Matching items per month of publication (UTC): `{"2024-05": 3, …}`.
    pub histogram: Arc<BTreeMap<String, u64>>,
    /// The same months split by theme, language and country, the five
    /// most frequent values of each and `other`:
    /// `{"theme": {"2024-05": {"T1": 2, "other": 1}}, "lang": …, "country": …}`.
    pub histogram_by: Arc<HistogramBy>,
    /// The terms cross-language expansion added: `{"housing cooperative":
    /// ["coopérative d'habitation", "cooperativa de vivienda", "주택협동조합",
    /// …]}`; empty with `expand=false`.
    pub expansion: BTreeMap<String, Vec<String>>,
}

/// Runs a search. Synchronous (tantivy): call it under `spawn_blocking` from
/// async code. A request error (page, per_page, a date range backwards, the
/// query syntax) is a [`ApiError::BadRequest`] naming the parameter; any
/// other index failure is an [`ApiError::Internal`].
pub fn search(index: &Index, req: &SearchRequest) -> Result<SearchResponse, ApiError> {
    check_request(req)?;
    Ok(SearchResponse::new(req, index.search(req)?))
}

impl SearchResponse {
    /// The answer to `req` of its `results`: what `/api/search` and
    /// `veille search --json` print.
    pub fn new(req: &SearchRequest, results: SearchResults) -> SearchResponse {
        SearchResponse {
            total: results.total,
            page: req.page,
            per_page: req.per_page,
            hits: results
                .hits
                .into_iter()
                .map(|hit| hit.map_snippet(|s| snippet_html(&s)))
                .collect(),
            facets: results.facets,
            total_items: results.total_items,
            histogram: results.histogram,
            histogram_by: results.histogram_by,
            expansion: results.expansion,
        }
    }
}

/// A snippet as HTML: the text escaped (`&`, `<`, `>`, `"`, `'`), the
/// matched words in `<mark>…</mark>`.
pub fn snippet_html(snippet: &Snippet) -> String {
    snippet.render("<mark>", "</mark>", escape_html)
}

/// The characters a snippet escapes, and how (as the snippets have always
/// been escaped: `'` as `&#x27;`).
const HTML_ENTITIES: [(char, &str); 5] = [
    ('&', "&amp;"),
    ('<', "&lt;"),
    ('>', "&gt;"),
    ('"', "&quot;"),
    ('\'', "&#x27;"),
];

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match HTML_ENTITIES.iter().find(|(special, _)| *special == c) {
            Some((_, entity)) => out.push_str(entity),
            None => out.push(c),
        }
    }
    out
}

pub(crate) async fn handler(
    State(state): State<ApiState>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let req = parse_search_params(query.as_deref().unwrap_or(""))?;
    let index = state.index.clone();
    let response = blocking(move || search(&index, &req)).await?;
    Ok(Json(response))
}

#[cfg(test)]
mod tests;
