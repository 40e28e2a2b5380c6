//! `GET /api/sources` (the configured sources merged with the health the
//! store remembers) and `GET /healthz`.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use veille_store::{Outcome, SourceHealth};

use crate::error::ApiError;
use crate::{blocking, ApiState};

/// A configured source, as the binary read it from `sources.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub id: String,
    pub name: String,
    pub url: String,
    /// `feed`, `page`, `sitemap`, … as configured.
    pub kind: String,
    pub enabled: bool,
    /// The cron expression.
    pub schedule: String,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// ISO 639-1.
    pub languages: Vec<String>,
    pub network: Option<String>,
}

/// A source as `/api/sources` shows it: its configuration, its health and
/// a one-word `status`: `ok`, `failing` or `never_fetched`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceView {
    #[serde(flatten)]
    pub source: SourceInfo,
    pub last_fetch: Option<DateTime<Utc>>,
    /// `ok`, `not_modified` or `failed`.
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
    pub failing_since: Option<DateTime<Utc>>,
    pub item_count: u64,
    pub status: &'static str,
}

impl SourceView {
    /// Merges a configured source with its health (`None`: never heard of).
    pub fn new(source: SourceInfo, health: Option<&SourceHealth>) -> SourceView {
        let status = match health {
            None => "never_fetched",
            Some(h) if h.last_fetch.is_none() => "never_fetched",
            Some(h) if h.consecutive_failures > 0 || h.last_outcome == Some(Outcome::Failed) => {
                "failing"
            }
            Some(_) => "ok",
        };
        SourceView {
            source,
            last_fetch: health.and_then(|h| h.last_fetch),
            last_outcome: health.and_then(|h| h.last_outcome.map(|o| o.as_str().to_string())),
            last_error: health.and_then(|h| h.last_error.clone()),
            last_success: health.and_then(|h| h.last_success),
            consecutive_failures: health.map_or(0, |h| h.consecutive_failures),
            failing_since: health.and_then(|h| h.failing_since),
            item_count: health.map_or(0, |h| h.item_count),
            status,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct SourcesResponse {
    sources: Vec<SourceView>,
}

pub(crate) async fn list(State(state): State<ApiState>) -> Result<Json<SourcesResponse>, ApiError> {
    let store = state.store.clone();
    let health = blocking(move || Ok(store.source_health()?)).await?;
    let configured = state
        .sources
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    let sources = configured
        .into_iter()
        .map(|source| {
            let h = health.iter().find(|h| h.source_id == source.id);
            SourceView::new(source, h)
        })
        .collect();
    Ok(Json(SourcesResponse { sources }))
}

#[derive(Serialize)]
pub(crate) struct Health {
    status: &'static str,
    items: u64,
}

pub(crate) async fn healthz(State(state): State<ApiState>) -> Result<Json<Health>, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || Ok(store.item_count()?)).await?;
    Ok(Json(Health {
        status: "ok",
        items,
    }))
}
