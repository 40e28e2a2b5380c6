//! `GET /api/search`: one page of hits, the total and the facets, as JSON.
//! [`search`] is also what `veille search --json` prints.

use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Serialize;
use veille_indexer::index::Index;
use veille_indexer::search::{Facets, Hit, SearchRequest};

use crate::error::ApiError;
use crate::params::{check_request, parse_search_params};
use crate::{blocking, ApiState};

/// What `/api/search` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResponse {
    /// Number of items matching (all pages).
    pub total: u64,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    /// Counts per value of `lang`, `country`, `theme`, `source`, `status`
    /// over every matching item.
    pub facets: Facets,
}

/// Runs a search. Synchronous (tantivy): call it under `spawn_blocking` from
/// async code. A request error (page, per_page, a date range backwards, the
/// query syntax) is a [`ApiError::BadRequest`] naming the parameter; any
/// other index failure is an [`ApiError::Internal`].
pub fn search(index: &Index, req: &SearchRequest) -> Result<SearchResponse, ApiError> {
    check_request(req)?;
    let results = index.search(req)?;
    Ok(SearchResponse {
        total: results.total,
        page: req.page,
        per_page: req.per_page,
        hits: results.hits,
        facets: results.facets,
    })
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
