//! Transfer kits (issue 14): a curator's selection of practice records,
//! with a title, an introduction and conclusions per language, and a note
//! per practice on why it belongs:
//! - `GET /api/kits`: `{"total", "kits"}`, newest change first, by
//!   `status`; anonymous readers see only the published ones;
//! - `POST /api/kits` (curators): `{"title": {lang: text}, "introduction",
//!   "conclusions", "status", "practices": [{"practice_id", "note"}]}`
//!   makes a kit (201);
//! - `GET /api/kits/{id}`: the kit (and, for curators, its history); a
//!   kit not published is a 404 to anonymous readers, who see only its
//!   published practices;
//! - `PATCH /api/kits/{id}` (curators): `{"version", and any field}`; a
//!   stale `version` is a 409 with the current kit;
//! - `GET /api/kits/{id}/kit.pdf?lang=`: the printable PDF (`pdf`);
//! - `GET /api/kits/{id}/kit.zip`: its records as JSON-LD and CSV with a
//!   `kit.json` (`archive`).
//!
//! `page` renders a published kit for the portal, `/portal/{lang}/kits/{id}`;
//! `labels` holds the words of the PDF and the page in each language.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};
use veille_store::{
    is_lang, Kit, KitAuditEntry, KitDraft, KitEdit, KitEntry, Practice, PracticeStatus, Store,
};

use crate::auth::{identify, require, Need};
use crate::error::ApiError;
use crate::feeds::base_url;
use crate::items::{json_body_with_whole, take_version};
use crate::{blocking, ApiState};

pub mod archive;
pub mod labels;
pub mod page;
pub mod pdf;

/// A kit as the API shows it: with its history to curators.
#[derive(Debug, Serialize)]
pub struct KitView {
    #[serde(flatten)]
    pub kit: Kit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<KitAuditEntry>>,
}

#[derive(Debug, Serialize)]
struct KitList {
    total: usize,
    kits: Vec<Kit>,
}

fn no_such_kit(id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "no kit {:?}: the published kits are listed at GET /api/kits",
        id.chars().take(80).collect::<String>()
    ))
}

/// Kits as the public sees them in a list: each with only its published
/// practices (one read for all). Blocking.
pub(crate) fn shown_to_public(store: &Store, kits: &mut [Kit]) -> Result<(), ApiError> {
    let ids: Vec<&str> = kits
        .iter()
        .flat_map(|k| k.kit.practices.iter().map(|e| e.practice_id.as_str()))
        .collect();
    let published = store.published_practices(&ids)?;
    for kit in kits {
        kit.kit
            .practices
            .retain(|e| published.contains(&e.practice_id));
    }
    Ok(())
}

/// Whether `id` looks like a kit's id (`k` and a number).
pub fn is_kit_id(id: &str) -> bool {
    id.len() <= 19
        && id
            .strip_prefix('k')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn kit_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(format!("kit id: {e}")))?;
    if !is_kit_id(&id) {
        return Err(no_such_kit(&id));
    }
    Ok(id)
}

/// Whether the caller is a curator or an admin (reading: a bad credential
/// is an anonymous reader).
pub(crate) async fn is_curator(state: &ApiState, headers: &HeaderMap) -> bool {
    identify(state, headers)
        .await
        .ok()
        .flatten()
        .is_some_and(|p| p.role.can_write())
}

/// The kit `id` as its reader may see it, with its practices in order: to
/// the public (`curator` false), only a published kit, with only its
/// published practices. Blocking.
pub fn readable(
    store: &Store,
    id: &str,
    curator: bool,
) -> Result<(Kit, Vec<(KitEntry, Practice)>), ApiError> {
    let mut kit = store.kit(id)?.ok_or_else(|| no_such_kit(id))?;
    if !curator && kit.kit.status != PracticeStatus::Published {
        return Err(no_such_kit(id));
    }
    let practices = store.kit_practices(&kit, !curator)?;
    if !curator {
        kit.kit.practices = practices.iter().map(|(e, _)| e.clone()).collect();
    }
    Ok((kit, practices))
}

/// The text of a record's `field` in `lang`, or else in English, or else
/// in any language, with the language it is in.
pub fn practice_text<'a>(p: &'a Practice, field: &str, lang: &str) -> Option<(&'a str, &'a str)> {
    let texts = || {
        p.record
            .texts
            .iter()
            .filter(move |t| t.field == field && !t.text.trim().is_empty())
    };
    let given = |l: &str| texts().find(|t| t.lang == l);
    given(lang)
        .or_else(|| given("en"))
        .or_else(|| texts().next())
        .map(|t| (t.text.as_str(), t.lang.as_str()))
}

/// The language a kit is shown in when none is asked: English if it is
/// written in English, else its first language.
pub fn default_lang(kit: &Kit) -> String {
    if kit.languages.iter().any(|l| l == "en") || kit.languages.is_empty() {
        "en".to_string()
    } else {
        kit.languages[0].clone()
    }
}

/// The query's pairs, refusing any parameter but `allowed`.
fn query_pairs(
    query: Option<&str>,
    route: &str,
    allowed: &[&str],
) -> Result<Vec<(String, String)>, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for (k, _) in &pairs {
        if !allowed.contains(&k.as_str()) {
            let takes = if allowed.is_empty() {
                "no parameter".to_string()
            } else {
                allowed.join(", ")
            };
            return Err(ApiError::BadRequest(format!(
                "unknown parameter {:?}: {route} takes {takes}",
                k.chars().take(40).collect::<String>()
            )));
        }
    }
    Ok(pairs)
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(query.as_deref(), "GET /api/kits", &["status"])?;
    let mut status = None;
    for (_, v) in pairs {
        status = Some(PracticeStatus::parse(&v).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "parameter status is {:?}: accepted values are draft, published, withdrawn",
                v.chars().take(40).collect::<String>()
            ))
        })?);
    }
    let curator = is_curator(&state, &headers).await;
    if !curator && status.is_some_and(|s| s != PracticeStatus::Published) {
        return Ok(Json(serde_json::json!({"total": 0, "kits": []})));
    }
    let status = if curator {
        status
    } else {
        Some(PracticeStatus::Published)
    };
    let store = state.store.clone();
    let kits = blocking(move || {
        let mut kits = store.kits(status)?;
        if !curator {
            shown_to_public(&store, &mut kits)?;
        }
        Ok(kits)
    })
    .await?;
    let list = KitList {
        total: kits.len(),
        kits,
    };
    serde_json::to_value(list)
        .map(Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// A kit and, for curators, its history, or a 404. Blocking.
pub(crate) fn view(store: &Store, id: &str, curator: bool) -> Result<KitView, ApiError> {
    let (kit, _) = readable(store, id, curator)?;
    let history = if curator {
        Some(store.kit_history(id)?)
    } else {
        None
    };
    Ok(KitView { kit, history })
}

pub(crate) async fn get_one(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<KitView>, ApiError> {
    let id = kit_id(id)?;
    query_pairs(query.as_deref(), "GET /api/kits/{id}", &[])?;
    let curator = is_curator(&state, &headers).await;
    let store = state.store.clone();
    Ok(Json(blocking(move || view(&store, &id, curator)).await?))
}

/// The language asked by `?lang=`, or the kit's default.
fn asked_lang(pairs: &[(String, String)]) -> Result<Option<String>, ApiError> {
    match pairs.iter().find(|(k, _)| k == "lang") {
        None => Ok(None),
        Some((_, v)) if is_lang(v) => Ok(Some(v.clone())),
        Some((_, v)) => Err(ApiError::BadRequest(format!(
            "parameter lang is {:?}: give an ISO 639-1 code (two lowercase letters, e.g. en)",
            v.chars().take(40).collect::<String>()
        ))),
    }
}

fn download(content_type: &'static str, file: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The PDF of a kit in `lang` (its default when none) as its reader may
/// see it. Blocking.
pub fn pdf_of(
    store: &Store,
    id: &str,
    lang: Option<&str>,
    curator: bool,
) -> Result<(Vec<u8>, String), ApiError> {
    let (kit, practices) = readable(store, id, curator)?;
    let lang = lang.map_or_else(|| default_lang(&kit), str::to_string);
    let bytes =
        pdf::render(&kit, &practices, &lang, chrono::Utc::now()).map_err(ApiError::Internal)?;
    Ok((bytes, lang))
}

pub(crate) async fn get_pdf(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = kit_id(id)?;
    let pairs = query_pairs(query.as_deref(), "GET /api/kits/{id}/kit.pdf", &["lang"])?;
    let lang = asked_lang(&pairs)?;
    let curator = is_curator(&state, &headers).await;
    let store = state.store.clone();
    let (bytes, lang) = blocking(move || {
        let (bytes, lang) = pdf_of(&store, &id, lang.as_deref(), curator)?;
        Ok((bytes, format!("{id}-{lang}.pdf")))
    })
    .await?;
    Ok(download("application/pdf", lang, bytes))
}

/// The ZIP of a kit's records as its reader may see it, with JSON-LD ids
/// under `base`. Blocking.
pub fn zip_of(store: &Store, id: &str, base: &str, curator: bool) -> Result<Vec<u8>, ApiError> {
    let (kit, practices) = readable(store, id, curator)?;
    archive::render(&kit, &practices, base).map_err(ApiError::Internal)
}

/// A kit's records as one JSON-LD graph (as the ZIP's
/// `practices.jsonld`), ids under `base`. Blocking.
pub fn jsonld_of(store: &Store, id: &str, base: &str, curator: bool) -> Result<Value, ApiError> {
    let (_, practices) = readable(store, id, curator)?;
    let records: Vec<Practice> = practices.into_iter().map(|(_, p)| p).collect();
    Ok(crate::practices::ld_graph(&records, base))
}

pub(crate) async fn get_zip(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = kit_id(id)?;
    query_pairs(query.as_deref(), "GET /api/kits/{id}/kit.zip", &[])?;
    let curator = is_curator(&state, &headers).await;
    let base = base_url(&headers);
    let store = state.store.clone();
    let file = format!("{id}.zip");
    let bytes = blocking(move || zip_of(&store, &id, &base, curator)).await?;
    Ok(download("application/zip", file, bytes))
}

/// The largest body of a kit's write: room for a hundred practices with
/// their notes in a few languages.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A kit's body as JSON, a 413 past [`BODY_LIMIT`].
fn kit_body(
    body: Result<Bytes, BytesRejection>,
    shape: &str,
    whole: &[&str],
) -> Result<Map<String, Value>, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "kit body is larger than {} KiB: {shape}",
                BODY_LIMIT / 1024
            ))
        } else {
            ApiError::BadRequest(format!(
                "could not read the kit body: {}",
                rejection.body_text()
            ))
        }
    });
    json_body_with_whole(Ok(body?), "kit body", shape, whole)
}

const SHAPE: &str = r#"send {"title": {"en": "..."}, and any of "introduction", "conclusions" (texts by ISO 639-1 language), "status" (draft, published, withdrawn), "practices": [{"practice_id": "p1", "note": {"en": "..."}}]}"#;

const PATCH_SHAPE: &str = r#"send {"version": n, and any of "title", "introduction", "conclusions", "status", "practices"}"#;

/// The fields of a kit's body over `current`'s (all of them for a new
/// kit): each field given replaces the current one; a practice given
/// twice is kept where it came first.
fn merged(current: &KitDraft, body: Map<String, Value>, shape: &str) -> Result<KitDraft, ApiError> {
    let mut merged =
        serde_json::to_value(current).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(m) = merged.as_object_mut() {
        for (k, v) in body {
            if !m.contains_key(&k) {
                return Err(ApiError::BadRequest(format!(
                    "unknown field {:?}: {shape}",
                    k.chars().take(40).collect::<String>()
                )));
            }
            m.insert(k, v);
        }
    }
    let mut draft: KitDraft = serde_json::from_value(merged)
        .map_err(|e| ApiError::BadRequest(format!("kit body is not valid: {e}: {shape}")))?;
    let mut seen = std::collections::HashSet::new();
    draft
        .practices
        .retain(|e| seen.insert(e.practice_id.clone()));
    Ok(draft)
}

pub(crate) async fn create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let body = kit_body(body, SHAPE, &[])?;
    let draft = merged(&KitDraft::default(), body, SHAPE)?;
    let store = state.store.clone();
    let view = blocking(move || {
        let kit = store.create_kit(&draft, &curator)?;
        tracing::info!(kit = %kit.id, curator = %curator, "kit made");
        view(&store, &kit.id, true)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

pub(crate) async fn patch(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<KitView>, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let id = kit_id(id)?;
    let mut body = kit_body(body, PATCH_SHAPE, &["version"])?;
    let version = take_version(&mut body, PATCH_SHAPE, &format!("/api/kits/{id}"))?;
    let store = state.store.clone();
    blocking(move || {
        let current = store.kit(&id)?.ok_or_else(|| no_such_kit(&id))?;
        let draft = merged(&current.kit, body, PATCH_SHAPE)?;
        save(&store, &id, version, &draft, &curator).map(Json)
    })
    .await
}

/// Saves a kit with the version read: the kit saved, or a 409 with the
/// kit as it is now. Blocking; the API and the curators' form save
/// through it.
pub(crate) fn save(
    store: &Store,
    id: &str,
    version: i64,
    draft: &KitDraft,
    curator: &str,
) -> Result<KitView, ApiError> {
    match store.update_kit(id, version, draft, curator)? {
        KitEdit::Done(_) => view(store, id, true),
        KitEdit::NotFound => Err(no_such_kit(id)),
        KitEdit::Stale(now) => Err(ApiError::Conflict {
            message: format!(
                "kit {id} is at version {}, not {version}: someone changed it; \
                 read it again and apply your change to it",
                now.version
            ),
            current: serde_json::to_value(view(store, id, true)?)
                .map_err(|e| ApiError::Internal(e.to_string()))?,
        }),
    }
}

#[cfg(test)]
mod tests;
