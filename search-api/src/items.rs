//! One item and the curators' writes on it:
//! - `GET /api/items/{id}`: the whole record (corrections applied), its
//!   `status`, `version`, `reason`, `corrections`, `crawled` values and
//!   `history` (the audit entries);
//! - `GET /api/items/{id}/history`: `{"history": [...]}`;
//! - `POST /api/items/{id}/review`: `{"decision", "reason"?, "note"?,
//!   "version"?}`, applied to the item's duplicate group;
//! - `PATCH /api/items/{id}`: `{"version", "title"?, "summary"?, "themes"?,
//!   "kinds"?, "places"?, "organizations"?, "year"?}`;
//! - `POST /api/items/{id}/undo`: `{"version"?}` (or no body).
//!
//! A write carrying a `version` the record has moved past is a 409 with the
//! current record. A write goes to the store first (the system of record,
//! which appends it to the audit log), then to the index, so that search
//! and facets show it at once.
//!
//! `reason` is optional for both decisions, so that the scripts written for
//! `{"decision", "note"}` keep working; when given it must be one of
//! not_a_practice, out_of_scope, duplicate, low_quality, other.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use veille_store::{
    AuditEntry, Correction, Decision, Edit, Item, ItemRecord, Reason, Review, Status, Store,
};

use crate::auth::{require, Need};
use crate::error::ApiError;
use crate::{blocking, ApiState};

/// The largest body of a write on an item, in bytes (more is a 413).
pub const REVIEW_BODY_LIMIT: usize = 64 * 1024;

/// An item as the API shows it: every field of the stored item (corrections
/// applied), its review `status`, and its place in the workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: Item,
    pub status: Status,
    /// The version a write must carry (bumped on every curator change).
    pub version: i64,
    /// The reason given with the current decision.
    pub reason: Option<Reason>,
    /// The fields curators corrected, with their corrected values.
    pub corrections: Correction,
    /// The crawled values of the corrected fields.
    pub crawled: Correction,
    /// The audit entries of the item, oldest first.
    pub history: Vec<AuditEntry>,
    /// Where else the same text appeared: the other items of its
    /// near-duplicate group, first seen first.
    pub duplicates: Vec<DuplicateRef>,
}

/// Another item of an item's near-duplicate group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateRef {
    pub id: String,
    pub url: String,
    pub source_id: String,
    pub title: String,
}

impl From<&Item> for DuplicateRef {
    fn from(item: &Item) -> DuplicateRef {
        DuplicateRef {
            id: item.id.clone(),
            url: item.url.clone(),
            source_id: item.source_id.clone(),
            title: item.title.clone(),
        }
    }
}

impl From<Item> for ItemView {
    fn from(item: Item) -> ItemView {
        let status = item.status();
        ItemView {
            item,
            status,
            version: 0,
            reason: None,
            corrections: Correction::default(),
            crawled: Correction::default(),
            history: Vec::new(),
            duplicates: Vec::new(),
        }
    }
}

impl ItemView {
    /// The view of a record with its history.
    pub fn new(record: ItemRecord, history: Vec<AuditEntry>) -> ItemView {
        let status = record.item.status();
        ItemView {
            item: record.item,
            status,
            version: record.version,
            reason: record.reason,
            corrections: record.corrections,
            crawled: record.crawled,
            history,
            duplicates: Vec::new(),
        }
    }
}

/// The whole view of an item, from the store: what `/api/items/{id}`
/// answers and the item page shows; `None` when there is no such item.
/// Blocking.
pub(crate) fn find_view(store: &Store, id: &str) -> Result<Option<ItemView>, ApiError> {
    store
        .item_record(id)?
        .map(|record| view_of(store, record))
        .transpose()
}

/// [`find_view`], a 404 when there is no such item.
fn view(store: &Store, id: &str) -> Result<ItemView, ApiError> {
    find_view(store, id)?.ok_or_else(|| no_such_item(id))
}

/// The whole view of a record: its history and its duplicates added.
fn view_of(store: &Store, record: ItemRecord) -> Result<ItemView, ApiError> {
    let id = record.item.id.clone();
    let id = id.as_str();
    let history = store.history(id)?;
    let mut view = ItemView::new(record, history);
    view.duplicates = store
        .group_of(id)?
        .iter()
        .skip(1)
        .map(DuplicateRef::from)
        .collect();
    Ok(view)
}

pub(crate) async fn get_item(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<ItemView>, ApiError> {
    let id = item_id(id)?;
    let store = state.store.clone();
    Ok(Json(blocking(move || view(&store, &id)).await?))
}

#[derive(Debug, Serialize)]
pub(crate) struct History {
    history: Vec<AuditEntry>,
}

pub(crate) async fn get_history(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<History>, ApiError> {
    let id = item_id(id)?;
    let store = state.store.clone();
    let history = blocking(move || {
        store.get_item(&id)?.ok_or_else(|| no_such_item(&id))?;
        Ok(store.history(&id)?)
    })
    .await?;
    Ok(Json(History { history }))
}

/// The body of a review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

const REVIEW_BODY_SHAPE: &str = r#"send {"decision": "approve" or "reject", "reason": "...", "note": "...", "version": n} (reason, note and version optional)"#;

const REASONS: &str = "not_a_practice, out_of_scope, duplicate, low_quality, other";

/// Reads a JSON body of at most [`REVIEW_BODY_LIMIT`] bytes; `what` names
/// it and `shape` says what to send.
pub(crate) fn json_body<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    what: &str,
    shape: &str,
) -> Result<T, ApiError> {
    let body = read_body(body, what, shape)?;
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("{what} is not valid: {e}: {shape}")))
}

/// As [`json_body`], for a body whose `whole` fields are whole numbers:
/// JSON means `5.0` and `5` alike, so a whole number written with a
/// fraction is read as the integer it is.
pub(crate) fn json_body_with_whole<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    what: &str,
    shape: &str,
    whole: &[&str],
) -> Result<T, ApiError> {
    let mut value: Value = json_body(body, what, shape)?;
    if let Some(object) = value.as_object_mut() {
        for field in whole {
            if let Some(n) = object.get(*field).and_then(whole_number) {
                object.insert((*field).to_string(), Value::from(n));
            }
        }
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::BadRequest(format!("{what} is not valid: {e}: {shape}")))
}

/// The `version` a correction's body carries, taken out of it; a 400
/// when it is missing (saying to give the one read from `GET {read_at}`)
/// or not a whole number.
pub(crate) fn take_version(
    body: &mut serde_json::Map<String, Value>,
    shape: &str,
    read_at: &str,
) -> Result<i64, ApiError> {
    match body.remove("version") {
        Some(v) => v.as_i64().ok_or_else(|| {
            ApiError::BadRequest(format!("field version is not a whole number: {shape}"))
        }),
        None => Err(ApiError::BadRequest(format!(
            "field version is missing: give the version you read from GET {read_at}, \
             so that nobody's change is lost: {shape}"
        ))),
    }
}

/// The whole number a JSON number stands for, if it is one an `i64` holds.
fn whole_number(value: &Value) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && (-LIMIT..LIMIT).contains(f))
            .map(|f| f as i64)
    })
}

/// The bytes of a body, a 413 past the route's limit.
pub(crate) fn read_body(
    body: Result<Bytes, BytesRejection>,
    what: &str,
    shape: &str,
) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "{what} is larger than {} KiB: {shape}",
                REVIEW_BODY_LIMIT / 1024
            ))
        } else {
            ApiError::BadRequest(format!(
                "could not read the {what}: {}",
                rejection.body_text()
            ))
        }
    })
}

pub(crate) async fn post_review(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ItemView>, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let id = item_id(id)?;
    let body: ReviewBody =
        json_body_with_whole(body, "review body", REVIEW_BODY_SHAPE, &["version"])?;
    let decision = Decision::parse(&body.decision).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "field decision is {:?}: accepted values are approve, reject",
            body.decision.chars().take(60).collect::<String>()
        ))
    })?;
    let reason = match body.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(Reason::parse(r).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "field reason is {:?}: accepted values are {REASONS}",
                r.chars().take(60).collect::<String>()
            ))
        })?),
    };
    let review = Review {
        decision,
        curator,
        note: body.note.filter(|n| !n.trim().is_empty()),
        at: Utc::now(),
    };
    let version = body.version;
    write(&state, id, move |store, id| {
        let edit = store.review_item(id, &review, reason, version)?;
        if matches!(edit, Edit::Done(_)) {
            tracing::info!(item = %id, curator = %review.curator, decision = ?review.decision, "review recorded");
        }
        Ok(edit)
    })
    .await
}

const PATCH_SHAPE: &str = r#"send {"version": n, and any of "title": "...", "summary": "...", "themes": ["T1"], "kinds": ["..."], "places": [{"name": "...", "country": "FR"}], "organizations": ["..."], "year": 2019}"#;

pub(crate) async fn patch_item(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ItemView>, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let id = item_id(id)?;
    let mut body: serde_json::Map<String, Value> =
        json_body_with_whole(body, "correction body", PATCH_SHAPE, &["version", "year"])?;
    let version = take_version(&mut body, PATCH_SHAPE, &format!("/api/items/{id}"))?;
    let correction: Correction = serde_json::from_value(Value::Object(body)).map_err(|e| {
        ApiError::BadRequest(format!("correction body is not valid: {e}: {PATCH_SHAPE}"))
    })?;
    check_correction(&correction)?;
    write(&state, id, move |store, id| {
        let edit = store.correct_item(id, version, &correction, &curator, Utc::now())?;
        if matches!(edit, Edit::Done(_)) {
            tracing::info!(item = %id, curator = %curator, "correction recorded");
        }
        Ok(edit)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UndoBody {
    #[serde(default)]
    version: Option<i64>,
}

const UNDO_SHAPE: &str = r#"send no body, or {"version": n}"#;

pub(crate) async fn post_undo(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ItemView>, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let id = item_id(id)?;
    let bytes = read_body(body, "undo body", UNDO_SHAPE)?;
    let body: UndoBody = if bytes.iter().all(u8::is_ascii_whitespace) {
        UndoBody::default()
    } else {
        json_body_with_whole(Ok(bytes), "undo body", UNDO_SHAPE, &["version"])?
    };
    write(&state, id, move |store, id| {
        let edit = store.undo(id, &curator, Utc::now(), body.version)?;
        if matches!(edit, Edit::Done(_)) {
            tracing::info!(item = %id, curator = %curator, "undo recorded");
        }
        Ok(edit)
    })
    .await
}

/// Runs a write on the store, then waits until the index shows it (the
/// item's whole group, which a decision changes); answers the new record, a
/// 409 with the current one, or a 404.
async fn write(
    state: &ApiState,
    id: String,
    edit: impl FnOnce(&Store, &str) -> Result<Edit, ApiError> + Send + 'static,
) -> Result<Json<ItemView>, ApiError> {
    let store = state.store.clone();
    let view = blocking(move || match edit(&store, &id)? {
        Edit::NotFound => Err(no_such_item(&id)),
        Edit::Stale(current) => {
            let current = ItemView::new(current, store.history(&id)?);
            Err(ApiError::Conflict {
                message: format!(
                    "item {id} changed since you read it (it is now at version {}): \
                         here is the current record; apply your change to it and send it \
                         with this version",
                    current.version
                ),
                current: serde_json::to_value(&current).unwrap_or_default(),
            })
        }
        Edit::NothingToUndo(current) => {
            let current = ItemView::new(current, store.history(&id)?);
            Err(ApiError::Conflict {
                message: format!("item {id} has no change left to undo"),
                current: serde_json::to_value(&current).unwrap_or_default(),
            })
        }
        // The record as this write left it (a concurrent write may
        // already have moved it on).
        Edit::Done(record) => view_of(&store, record),
    })
    .await?;
    state.writer.flush().await.map_err(|e| {
        ApiError::Internal(format!(
            "the change to item {} is saved, but the search index could not be updated \
             ({e}): it will catch up at the next change or restart",
            view.item.id
        ))
    })?;
    Ok(Json(view))
}

/// Sizes and shapes a correction may have.
fn check_correction(c: &Correction) -> Result<(), ApiError> {
    if c.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "the correction changes no field: {PATCH_SHAPE}"
        )));
    }
    let text = |field: &str, value: &Option<String>, max: usize| match value {
        Some(v) if v.trim().is_empty() => Err(ApiError::BadRequest(format!(
            "field {field} is empty: give a value, or leave the field out"
        ))),
        Some(v) if v.chars().count() > max => Err(ApiError::BadRequest(format!(
            "field {field} is longer than {max} characters: shorten it"
        ))),
        _ => Ok(()),
    };
    text("title", &c.title, 500)?;
    text("summary", &c.summary, 10_000)?;
    let list = |field: &str, values: Option<Vec<&String>>| match values {
        Some(v) if v.len() > 100 => Err(ApiError::BadRequest(format!(
            "field {field} has more than 100 entries: keep the main ones"
        ))),
        Some(v)
            if v.iter()
                .any(|s| s.trim().is_empty() || s.chars().count() > 300) =>
        {
            Err(ApiError::BadRequest(format!(
                "field {field} has an empty entry or one longer than 300 characters"
            )))
        }
        _ => Ok(()),
    };
    list("themes", c.themes.as_ref().map(|v| v.iter().collect()))?;
    list("kinds", c.kinds.as_ref().map(|v| v.iter().collect()))?;
    list(
        "organizations",
        c.organizations.as_ref().map(|v| v.iter().collect()),
    )?;
    list(
        "places",
        c.places
            .as_ref()
            .map(|v| v.iter().map(|p| &p.name).collect()),
    )?;
    if let Some(places) = &c.places {
        if let Some(bad) = places
            .iter()
            .filter_map(|p| p.country.as_deref())
            .find(|c| c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()))
        {
            return Err(ApiError::BadRequest(format!(
                "field places: country {bad:?} is not an ISO 3166-1 alpha-2 code (like FR, KR)"
            )));
        }
    }
    if let Some(year) = c.year {
        if !(1800..=2100).contains(&year) {
            return Err(ApiError::BadRequest(format!(
                "field year is {year}: give a year between 1800 and 2100"
            )));
        }
    }
    Ok(())
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

#[cfg(test)]
pub(crate) mod tests;
