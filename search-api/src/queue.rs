//! `GET /api/queue?page=&per_page=&order=`: the review queue, unreviewed
//! candidate practices, best score first (or, `order=uncertain`, every item
//! waiting, those the model is least sure of first), one item per duplicate
//! group (with how many copies it stands for). Readable by anyone, as search is.

use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Serialize;

use veille_store::{Item, QueueOrder, Status};

use crate::error::ApiError;
use crate::{blocking, ApiState};

/// Items in a page of the queue when `per_page` is not given.
pub const QUEUE_PER_PAGE: u64 = 20;
/// The most items in a page of the queue.
pub const QUEUE_MAX_PER_PAGE: u64 = 100;
/// The deepest page served (`page * per_page` past it is a 400).
pub const QUEUE_MAX_WINDOW: u64 = 10_000;

/// One entry of the queue: the item (corrections applied), its status,
/// its version and its number of near-duplicates.
#[derive(Debug, Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub item: Item,
    pub status: Status,
    pub version: i64,
    pub duplicates: u64,
    /// Who submitted it through the collection point, when it came from
    /// there.
    pub submitted_by: Option<String>,
}

/// A page of the queue.
#[derive(Debug, Serialize)]
pub struct QueueResponse {
    /// Duplicate groups waiting for a decision.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<QueueItem>,
}

fn number(key: &str, value: &str, max: u64) -> Result<u64, ApiError> {
    match value.trim().parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::BadRequest(format!(
            "parameter {key} is {:?}: give a whole number from 1 to {max}",
            value.chars().take(40).collect::<String>()
        ))),
    }
}

pub(crate) async fn handler(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<QueueResponse>, ApiError> {
    let (mut page, mut per_page) = (1, QUEUE_PER_PAGE);
    let mut order = QueueOrder::Best;
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "page" => page = number("page", &value, QUEUE_MAX_WINDOW)?,
            "per_page" => per_page = number("per_page", &value, QUEUE_MAX_PER_PAGE)?,
            "order" => {
                order = QueueOrder::parse(&value).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter order is {:?}: give best or uncertain",
                        value.chars().take(40).collect::<String>()
                    ))
                })?
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {:?}: /api/queue takes page, per_page and order",
                    other.chars().take(40).collect::<String>()
                )))
            }
        }
    }
    if page * per_page > QUEUE_MAX_WINDOW {
        return Err(ApiError::BadRequest(format!(
            "parameter page is {page}: the queue serves its first {QUEUE_MAX_WINDOW} items; \
             decide on those first"
        )));
    }
    let store = state.store.clone();
    let queue =
        blocking(move || Ok(store.queue_in(order, (page - 1) * per_page, per_page)?)).await?;
    let items = queue
        .entries
        .into_iter()
        .map(|e| QueueItem {
            status: e.item.status(),
            item: e.item,
            version: e.version,
            duplicates: e.duplicates,
            submitted_by: e.submitted_by,
        })
        .collect();
    Ok(Json(QueueResponse {
        total: queue.total,
        page,
        per_page,
        items,
    }))
}
