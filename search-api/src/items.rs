//! `GET /api/items/{id}` (the whole record) and
//! `POST /api/items/{id}/review` (a curator's decision, behind a bearer
//! token). A decision is written to the store first (the system of record),
//! then to the index, so that search and facets show it at once.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use veille_store::{Decision, Item, Review, Status};

use crate::auth::{Curators, NO_CURATORS_HINT};
use crate::error::ApiError;
use crate::{blocking, ApiState};

/// The largest review body accepted, in bytes (more is a 413).
pub const REVIEW_BODY_LIMIT: usize = 64 * 1024;

/// An item as the API shows it: every field of the stored item, plus its
/// review `status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: Item,
    pub status: Status,
}

impl From<Item> for ItemView {
    fn from(item: Item) -> ItemView {
        let status = item.status();
        ItemView { item, status }
    }
}

pub(crate) async fn get_item(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<ItemView>, ApiError> {
    let id = item_id(id)?;
    let store = state.store.clone();
    let item = blocking(move || {
        let item = store.get_item(&id)?;
        item.ok_or_else(|| no_such_item(&id))
    })
    .await?;
    Ok(Json(item.into()))
}

/// The body of a review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    decision: String,
    #[serde(default)]
    note: Option<String>,
}

const REVIEW_BODY_SHAPE: &str =
    r#"send {"decision": "approve" or "reject", "note": "..."} (note optional)"#;

pub(crate) async fn post_review(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ItemView>, ApiError> {
    let curator = authenticate(&state.curators, &headers)?;
    let id = item_id(id)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "review body is larger than {} KiB: {REVIEW_BODY_SHAPE}",
                REVIEW_BODY_LIMIT / 1024
            ))
        } else {
            ApiError::BadRequest(format!(
                "could not read the review body: {}",
                rejection.body_text()
            ))
        }
    })?;
    let body: ReviewBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::BadRequest(format!(
            "review body is not valid: {e}: {REVIEW_BODY_SHAPE}"
        ))
    })?;
    let decision = match body.decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        other => {
            return Err(ApiError::BadRequest(format!(
                "field decision is {:?}: accepted values are approve, reject",
                other.chars().take(60).collect::<String>()
            )))
        }
    };
    let review = Review {
        decision,
        curator,
        note: body.note.filter(|n| !n.trim().is_empty()),
        at: Utc::now(),
    };
    let (store, index) = (state.store.clone(), state.index.clone());
    let item = blocking(move || {
        let item = store.set_review(&id, &review)?.ok_or_else(|| no_such_item(&id))?;
        tracing::info!(item = %id, curator = %review.curator, decision = ?review.decision, "review recorded");
        // The decision applies to the item's near-duplicates too.
        let group = store.group_of(&id)?;
        index
            .upsert_many(&group)
            .and_then(|()| index.commit())
            .map_err(|e| {
                ApiError::Internal(format!(
                    "the review of item {id} is saved, but the search index could not be \
                     updated ({e}): run `veille reindex`"
                ))
            })?;
        Ok(item)
    })
    .await?;
    Ok(Json(item.into()))
}

/// The name of the curator whose bearer token the request carries.
fn authenticate(curators: &Curators, headers: &HeaderMap) -> Result<String, ApiError> {
    if curators.is_empty() {
        return Err(ApiError::Forbidden(NO_CURATORS_HINT.to_string()));
    }
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized(
            "missing Authorization header: send `Authorization: Bearer <token>` with your \
             curator token"
                .to_string(),
        )
    })?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "the Authorization header is not a bearer token: send \
                 `Authorization: Bearer <token>` with your curator token"
                    .to_string(),
            )
        })?;
    curators
        .authenticate(token)
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "no curator has this token: check the token the server was started with \
                 (VEILLE_CURATOR_TOKENS)"
                    .to_string(),
            )
        })
}

fn item_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|e| ApiError::BadRequest(format!("item id in the path: {}", e.body_text())))
}

fn no_such_item(id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "no item with id {id:?}: ids come from /api/search hits"
    ))
}
