//! Practice records, the structured records the network files and
//! transfers:
//! - `GET /api/practices`: the records, newest change first (or, with a
//!   full-text query `q`, best match first, the query's SSE concepts also
//!   searched in the other languages unless `expand=false`), filtered by
//!   `status` (draft, published, withdrawn), `theme` (ESSGlobal id),
//!   `country` (ISO 3166-1), `lang` (a language a text is in) and `item`
//!   (an item among the sources), paged by `offset` and `limit`; `format`
//!   `json` (default, `{"total", "practices"}`), `jsonl`, `csv` or
//!   `jsonld` (a JSON-LD graph);
//! - `POST /api/practices`: `{"items": [ids], "name"?}` drafts a record
//!   from approved items (pre-filled fields with their evidence, figures,
//!   places with coordinates, sources) and files it (201);
//! - `GET /api/practices/{id}`: the record and its `history`;
//!   `?format=jsonld` gives it as JSON-LD (schema.org, with ESSGlobal's
//!   URIs for themes and kinds of organization);
//! - `PATCH /api/practices/{id}`: `{"version", and any field of the record}`;
//!   a stale `version` is a 409 with the current record.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use veille_store::{
    Decision, Practice, PracticeAuditEntry, PracticeDraft, PracticeEdit, PracticeFilter,
    PracticeStatus, Store, PRACTICE_FIELDS,
};

use crate::auth::{require, Need};
use crate::error::ApiError;
use crate::export::csv_field;
use crate::feeds::base_url;
use crate::items::{json_body_with_whole, take_version};
use crate::{blocking, ApiState};

/// Items one record is drafted from, at most.
pub const MAX_SOURCES: usize = 20;

/// Records listed at most per page (`limit`).
pub const MAX_LIMIT: usize = 500;

/// The largest `offset`.
pub const MAX_OFFSET: usize = 1_000_000_000;

/// The vocabularies of the JSON-LD (names, not addresses veille fetches):
/// schema.org's terms, and the bases of ESSGlobal's vocabulary, its themes
/// and its kinds of organization.
pub const SCHEMA_ORG: &str = "https://schema.org/";
pub const ESSGLOBAL_VOCAB: &str = "http://purl.org/essglobal/vocab/v2/";
pub const ESSGLOBAL_THEMES: &str = "http://purl.org/essglobal/standard/themes/";
pub const ESSGLOBAL_KINDS: &str = "http://purl.org/essglobal/standard/organisational-structure/";

/// The columns of the CSV of records, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "version",
    "status",
    "name",
    "organizations",
    "places",
    "countries",
    "start_year",
    "themes",
    "languages",
    "challenge",
    "approach",
    "results",
    "conditions",
    "figures",
    "sources",
];

/// A record as the API shows it, with its history.
#[derive(Debug, Serialize)]
pub(crate) struct PracticeView {
    #[serde(flatten)]
    pub(crate) practice: Practice,
    pub(crate) history: Vec<PracticeAuditEntry>,
}

#[derive(Debug, Serialize)]
struct PracticeList {
    total: usize,
    practices: Vec<Practice>,
}

/// What `GET /api/practices` and `GET /api/practices/{id}` answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    JsonLines,
    Csv,
    JsonLd,
}

fn parse_format(value: Option<&str>) -> Result<Format, ApiError> {
    Ok(match value.unwrap_or("json") {
        "json" => Format::Json,
        "jsonl" => Format::JsonLines,
        "csv" => Format::Csv,
        "jsonld" => Format::JsonLd,
        other => {
            return Err(ApiError::BadRequest(format!(
                "parameter format is {:?}: accepted values are json, jsonl, csv, jsonld",
                other.chars().take(40).collect::<String>()
            )))
        }
    })
}

fn no_such_practice(id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "no practice {:?}: the records are listed at /practices and GET /api/practices",
        id.chars().take(80).collect::<String>()
    ))
}

fn practice_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(format!("practice id: {e}")))?;
    if id.is_empty() || id.len() > 40 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(no_such_practice(&id));
    }
    Ok(id)
}

/// A full-text query of the records: the words, and whether their SSE
/// concepts are also searched in the other languages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextQuery {
    pub q: String,
    pub expand: bool,
}

/// The query's parameters: the filter, the text query, the page and the
/// format.
type ListQuery = (PracticeFilter, Option<TextQuery>, usize, usize, Format);

fn parse_query(query: Option<&str>) -> Result<ListQuery, ApiError> {
    let mut filter = PracticeFilter::default();
    let (mut offset, mut limit, mut format) = (0usize, 50usize, None);
    let (mut q, mut expand) = (None::<String>, true);
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let v = v.to_string();
        let number = |name: &str| {
            v.parse::<usize>()
                .ok()
                .filter(|_| v.bytes().all(|b| b.is_ascii_digit()) && v.len() <= 10)
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter {name} is {:?}: give a whole number",
                        v.chars().take(40).collect::<String>()
                    ))
                })
        };
        match k.as_ref() {
            "status" => {
                filter.status = Some(PracticeStatus::parse(&v).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter status is {:?}: accepted values are draft, published, withdrawn",
                        v.chars().take(40).collect::<String>()
                    ))
                })?)
            }
            "theme" => filter.theme = Some(v),
            "country" => filter.country = Some(v.to_ascii_uppercase()),
            "lang" => filter.lang = Some(v.to_ascii_lowercase()),
            "item" => filter.item_id = Some(v),
            "q" => q = Some(v),
            "expand" => {
                expand = crate::params::flag(&v).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter expand is {:?}: accepted values are true, false",
                        v.chars().take(40).collect::<String>()
                    ))
                })?
            }
            "offset" => {
                offset = number("offset")?;
                if offset > MAX_OFFSET {
                    return Err(ApiError::BadRequest(format!(
                        "parameter offset is {offset}: give 0 to {MAX_OFFSET}"
                    )));
                }
            }
            "limit" => {
                limit = number("limit")?;
                if limit == 0 || limit > MAX_LIMIT {
                    return Err(ApiError::BadRequest(format!(
                        "parameter limit is {limit}: give 1 to {MAX_LIMIT}"
                    )));
                }
            }
            "format" => format = Some(v),
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {:?}: GET /api/practices takes q, expand, status, \
                     theme, country, lang, item, offset, limit, format",
                    other.chars().take(40).collect::<String>()
                )))
            }
        }
    }
    let text = q
        .filter(|q| !q.trim().is_empty())
        .map(|q| TextQuery { q, expand });
    Ok((
        filter,
        text,
        offset,
        limit,
        parse_format(format.as_deref())?,
    ))
}

/// Most records a text query ranks.
const MAX_MATCHES: usize = 10_000;

/// The records `filter` keeps and, with a text query, that match it (best
/// match first; without one, newest change first): how many in all, and
/// those from `offset`, at most `limit`. What `GET /api/practices` and the
/// public portal's search list.
pub(crate) async fn find(
    state: &ApiState,
    filter: PracticeFilter,
    text: Option<TextQuery>,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<Practice>), ApiError> {
    let (store, index) = (state.store.clone(), state.index.clone());
    blocking(move || {
        let Some(text) = text.filter(|t| !t.q.trim().is_empty()) else {
            return Ok(store.practices(&filter, offset, limit)?);
        };
        let ranked = index.search_practices(&store, &text.q, text.expand, MAX_MATCHES)?;
        let found = store.practices_by_ids(&ranked, &filter)?;
        let total = found.len();
        Ok((total, found.into_iter().skip(offset).take(limit).collect()))
    })
    .await
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (filter, text, offset, limit, format) = parse_query(query.as_deref())?;
    let (total, practices) = find(&state, filter, text, offset, limit).await?;
    let base = base_url(&headers);
    Ok(match format {
        Format::Json => Json(PracticeList { total, practices }).into_response(),
        Format::JsonLd => ld_response(ld_graph(&practices, &base)),
        Format::JsonLines => {
            let mut body = String::new();
            for p in &practices {
                body.push_str(
                    &serde_json::to_string(p).map_err(|e| ApiError::Internal(e.to_string()))?,
                );
                body.push('\n');
            }
            (
                [(header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8")],
                [(
                    header::HeaderName::from_static("x-total-count"),
                    total.to_string(),
                )],
                body,
            )
                .into_response()
        }
        Format::Csv => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"practices.csv\"",
                ),
            ],
            [(
                header::HeaderName::from_static("x-total-count"),
                total.to_string(),
            )],
            csv_document(&practices),
        )
            .into_response(),
    })
}

pub(crate) async fn get_one(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = practice_id(id)?;
    let mut format = None;
    for (k, v) in url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "format" => format = Some(v.to_string()),
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {:?}: GET /api/practices/{{id}} takes format",
                    other.chars().take(40).collect::<String>()
                )))
            }
        }
    }
    let format = match parse_format(format.as_deref())? {
        f @ (Format::Json | Format::JsonLd) => f,
        _ => {
            return Err(ApiError::BadRequest(
                "parameter format: a single practice is json or jsonld".to_string(),
            ))
        }
    };
    let store = state.store.clone();
    let view = blocking(move || view(&store, &id)).await?;
    Ok(match format {
        Format::JsonLd => {
            let mut ld = json_ld(&view.practice, &base_url(&headers));
            if let Some(o) = ld.as_object_mut() {
                o.insert("@context".to_string(), context());
            }
            ld_response(ld)
        }
        _ => Json(view).into_response(),
    })
}

/// Files a record drafted from the items `ids` (each must be approved),
/// named `name` when it is not blank. Blocking. The API's `POST
/// /api/practices` and the item page's form both file records through it.
pub(crate) fn file_from_items(
    store: &Store,
    ids: &[String],
    name: Option<&str>,
    curator: &str,
) -> Result<Practice, ApiError> {
    let items = store.get_items(ids)?;
    for id in ids {
        let Some(item) = items.iter().find(|i| &i.id == id) else {
            return Err(ApiError::NotFound(format!(
                "item {:?} does not exist: a practice is made of approved items",
                id.chars().take(80).collect::<String>()
            )));
        };
        if item.review.as_ref().map(|r| r.decision) != Some(Decision::Approve) {
            return Err(ApiError::BadRequest(format!(
                "item {id} is not approved: a practice is made of approved items \
                 (approve it first: its page, or POST /api/items/{id}/review)"
            )));
        }
    }
    let mut draft = veille_indexer::practice::record::draft(&items);
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        draft.name = name.to_string();
    }
    let practice = store.create_practice(&draft, curator)?;
    tracing::info!(practice = %practice.id, curator = %curator, "practice filed");
    Ok(practice)
}

/// A record and its history, or a 404. Blocking.
pub(crate) fn view(store: &Store, id: &str) -> Result<PracticeView, ApiError> {
    let practice = store.practice(id)?.ok_or_else(|| no_such_practice(id))?;
    let history = store.practice_history(id)?;
    Ok(PracticeView { practice, history })
}

const CREATE_SHAPE: &str =
    r#"send {"items": ["item id", ...], "name": "..."} (name optional; the items approved)"#;

/// The longest name a curator may give a new practice (as the store's).
pub const MAX_NAME_CHARS: usize = 300;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    items: Vec<String>,
    #[serde(default)]
    name: Option<String>,
}

pub(crate) async fn create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let body: CreateBody = json_body_with_whole(body, "practice body", CREATE_SHAPE, &[])?;
    let mut ids = body.items;
    if ids.is_empty() || ids.len() > MAX_SOURCES {
        return Err(ApiError::BadRequest(format!(
            "field items: give 1 to {MAX_SOURCES} item ids: {CREATE_SHAPE}"
        )));
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    let store = state.store.clone();
    let practice = blocking(move || {
        let practice = file_from_items(&store, &ids, body.name.as_deref(), &curator)?;
        view(&store, &practice.id)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(practice)).into_response())
}

const PATCH_SHAPE: &str = r#"send {"version": n, and any of "name", "status", "organizations", "website", "contact", "places", "start_year", "themes", "texts", "figures", "sources"}"#;

pub(crate) async fn patch(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PracticeView>, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let id = practice_id(id)?;
    let mut body: Map<String, Value> = json_body_with_whole(
        body,
        "practice body",
        PATCH_SHAPE,
        &["version", "start_year"],
    )?;
    let version = take_version(&mut body, PATCH_SHAPE, &format!("/api/practices/{id}"))?;
    let store = state.store.clone();
    blocking(move || {
        let current = store.practice(&id)?.ok_or_else(|| no_such_practice(&id))?;
        // The fields given replace the current ones; the others stay.
        let mut merged =
            serde_json::to_value(&current.record).map_err(|e| ApiError::Internal(e.to_string()))?;
        if let Some(m) = merged.as_object_mut() {
            for (k, v) in body {
                if !m.contains_key(&k) {
                    return Err(ApiError::BadRequest(format!(
                        "unknown field {:?}: {PATCH_SHAPE}",
                        k.chars().take(40).collect::<String>()
                    )));
                }
                m.insert(k, v);
            }
        }
        let draft: PracticeDraft = serde_json::from_value(merged).map_err(|e| {
            ApiError::BadRequest(format!("practice body is not valid: {e}: {PATCH_SHAPE}"))
        })?;
        match store.update_practice(&id, version, &draft, &curator)? {
            PracticeEdit::Done(_) => Ok(Json(view(&store, &id)?)),
            PracticeEdit::NotFound => Err(no_such_practice(&id)),
            PracticeEdit::Stale(now) => Err(ApiError::Conflict {
                message: format!(
                    "practice {id} is at version {}, not {version}: someone changed it; \
                     read it again and apply your change to it",
                    now.version
                ),
                current: serde_json::to_value(view(&store, &id)?)
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            }),
        }
    })
    .await
}

fn ld_response(value: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/ld+json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

/// The JSON-LD context of the records: schema.org's terms, ESSGlobal's
/// vocabularies by their URIs.
pub(crate) fn context() -> Value {
    json!({
        "@vocab": SCHEMA_ORG,
        "essglobal": ESSGLOBAL_VOCAB,
        "themes": ESSGLOBAL_THEMES,
        "kinds": ESSGLOBAL_KINDS,
    })
}

/// A record as JSON-LD: a schema.org `Project` whose organizations are
/// `Organization`s typed by their ESSGlobal kinds, themes the ESSGlobal
/// concepts it is `about`, places with their coordinates, the record's
/// texts as `PropertyValue`s in their languages, and its sources as the
/// `CreativeWork`s it is the `subjectOf`.
pub(crate) fn json_ld(p: &Practice, base: &str) -> Value {
    let r = &p.record;
    let lang_texts = |field: &str| -> Vec<Value> {
        r.texts
            .iter()
            .filter(|t| t.field == field)
            .map(|t| json!({"@language": t.lang, "@value": t.text}))
            .collect()
    };
    let mut ld = json!({
        "@type": "Project",
        "@id": format!("{base}/api/practices/{}", p.id),
        "identifier": p.id,
        "name": r.name,
        "inLanguage": p.languages,
        "dateModified": p.updated_at.to_rfc3339(),
        "creativeWorkStatus": r.status.as_str(),
        "about": r.themes.iter().map(|t| {
            let mut theme = json!({"@id": format!("{ESSGLOBAL_THEMES}{t}"), "identifier": t});
            if let Some(label) = veille_indexer::practice::theme_label(t, "en") {
                theme["name"] = json!(label);
            }
            theme
        }).collect::<Vec<_>>(),
        "member": r.organizations.iter().map(|o| json!({
            "@type": "Organization",
            "name": o.name,
            "additionalType": o.kinds.iter().map(|k| format!("{ESSGLOBAL_KINDS}{k}")).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "location": r.places.iter().map(|pl| {
            let mut place = json!({"@type": "Place", "name": pl.name});
            if let Some(c) = &pl.country {
                place["address"] = json!({"@type": "PostalAddress", "addressCountry": c});
            }
            if let (Some(lat), Some(lon)) = (pl.lat, pl.lon) {
                place["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
            }
            place
        }).collect::<Vec<_>>(),
        "description": lang_texts("approach"),
        "additionalProperty": PRACTICE_FIELDS.iter().filter_map(|f| {
            let texts = lang_texts(f);
            (!texts.is_empty()).then(|| json!({"@type": "PropertyValue", "propertyID": f, "value": texts}))
        }).chain(r.figures.iter().map(|f| json!({
            "@type": "PropertyValue", "propertyID": "figure", "name": f.text,
            "value": f.value, "unitText": f.unit,
        }))).collect::<Vec<_>>(),
        "subjectOf": r.sources.iter().map(|s| {
            let mut work = json!({"@type": "CreativeWork", "url": s.url, "name": s.title});
            if let Some(l) = &s.lang {
                work["inLanguage"] = json!(l);
            }
            if let Some(d) = &s.published {
                work["datePublished"] = json!(d);
            }
            work
        }).collect::<Vec<_>>(),
    });
    if let Some(y) = r.start_year {
        ld["foundingDate"] = json!(y.to_string());
    }
    if let Some(w) = &r.website {
        ld["url"] = json!(w);
    }
    if let Some(c) = &r.contact {
        ld["contactPoint"] = json!({"@type": "ContactPoint", "description": c});
    }
    ld
}

/// Records as one JSON-LD document: a graph under the records' context.
pub(crate) fn ld_graph(practices: &[Practice], base: &str) -> Value {
    json!({
        "@context": context(),
        "@graph": practices.iter().map(|p| json_ld(p, base)).collect::<Vec<_>>(),
    })
}

/// Records as a CSV document: the header of [`CSV_COLUMNS`], then a row
/// per record.
pub(crate) fn csv_document(practices: &[Practice]) -> String {
    let mut body = CSV_COLUMNS.join(",");
    body.push_str("\r\n");
    for p in practices {
        body.push_str(&csv_row(p));
    }
    body
}

/// One CSV row of a record (texts as `lang: text`, one per line).
fn csv_row(p: &Practice) -> String {
    let r = &p.record;
    let texts = |field: &str| {
        r.texts
            .iter()
            .filter(|t| t.field == field)
            .map(|t| format!("{}: {}", t.lang, t.text))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut countries: Vec<&str> = r
        .places
        .iter()
        .filter_map(|p| p.country.as_deref())
        .collect();
    countries.dedup();
    let cells = [
        p.id.clone(),
        p.version.to_string(),
        r.status.as_str().to_string(),
        r.name.clone(),
        r.organizations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        r.places
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        countries.join("; "),
        r.start_year.map(|y| y.to_string()).unwrap_or_default(),
        r.themes.join("; "),
        p.languages.join("; "),
        texts("challenge"),
        texts("approach"),
        texts("results"),
        texts("conditions"),
        r.figures
            .iter()
            .map(|f| f.text.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        r.sources
            .iter()
            .map(|s| s.url.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    ];
    let mut line = cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests;
