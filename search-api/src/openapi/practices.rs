//! The practice records' routes in the OpenAPI document: the schema twins
//! of a record (`…Doc`) and one documented stub per operation. The bodies
//! of the writes are in `requests.rs`, beside the others.

use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

use super::{CuratorWriteFailures, ErrorDoc};

/// An organisation behind a practice.
#[derive(Serialize, ToSchema)]
pub struct PracticeOrganizationDoc {
    pub name: String,
    /// ESSGlobal organisational-structure ids (`OS…`).
    pub kinds: Vec<String>,
}

/// A place of a practice.
#[derive(Serialize, ToSchema)]
pub struct PracticePlaceDoc {
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The source sentence a field was pre-filled with.
#[derive(Serialize, ToSchema)]
pub struct FieldEvidenceDoc {
    pub item_id: String,
    pub sentence: String,
}

/// One field of the record in one language.
#[derive(Serialize, ToSchema)]
pub struct PracticeTextDoc {
    /// `challenge`, `approach`, `results` or `conditions`.
    pub field: String,
    /// ISO 639-1.
    pub lang: String,
    pub text: String,
    /// The source sentence of a pre-filled text.
    pub evidence: Option<FieldEvidenceDoc>,
    /// Whether a curator wrote or checked it.
    pub reviewed: bool,
}

/// An amount a source gives.
#[derive(Serialize, ToSchema)]
pub struct PracticeFigureDoc {
    pub text: String,
    pub value: f64,
    /// `members`, `jobs`, `people`, `households`, `area`, `money`,
    /// `percent`, `tonnes` or `organizations`.
    pub unit: String,
    pub item_id: Option<String>,
}

/// A source item of a practice.
#[derive(Serialize, ToSchema)]
pub struct PracticeSourceDoc {
    pub item_id: String,
    pub url: String,
    pub title: String,
    pub lang: Option<String>,
    /// RFC 3339.
    pub published: Option<String>,
}

/// A practice record.
#[derive(Serialize, ToSchema)]
pub struct PracticeDoc {
    /// `p` and a number.
    pub id: String,
    /// The version a write must carry.
    pub version: i64,
    pub name: String,
    /// `draft`, `published` or `withdrawn`.
    pub status: String,
    pub organizations: Vec<PracticeOrganizationDoc>,
    pub website: Option<String>,
    pub contact: Option<String>,
    pub places: Vec<PracticePlaceDoc>,
    pub start_year: Option<i32>,
    /// ESSGlobal theme ids.
    pub themes: Vec<String>,
    pub texts: Vec<PracticeTextDoc>,
    pub figures: Vec<PracticeFigureDoc>,
    pub sources: Vec<PracticeSourceDoc>,
    /// The languages its texts are in.
    pub languages: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    pub created_by: String,
}

/// One change of a practice.
#[derive(Serialize, ToSchema)]
pub struct PracticeAuditEntryDoc {
    pub seq: i64,
    pub practice_id: String,
    pub actor: String,
    /// RFC 3339.
    pub at: String,
    /// `create` or `update`.
    pub action: String,
    /// The record before (null for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The record after.
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
}

/// A practice record with its history.
#[derive(Serialize, ToSchema)]
pub struct PracticeViewDoc {
    #[serde(flatten)]
    pub practice: PracticeDoc,
    /// Oldest first.
    pub history: Vec<PracticeAuditEntryDoc>,
}

/// A page of practice records.
#[derive(Serialize, ToSchema)]
pub struct PracticeListDoc {
    /// How many records the filters keep.
    pub total: u64,
    pub practices: Vec<PracticeDoc>,
}

/// A write refused because the record changed since it was read.
#[derive(Serialize, ToSchema)]
pub struct PracticeConflictDoc {
    pub error: String,
    pub current: PracticeViewDoc,
}

/// What a curator's write on a practice may answer besides the record and
/// [`CuratorWriteFailures`]. Never built: it only describes.
#[allow(dead_code, clippy::large_enum_variant)]
#[derive(IntoResponses)]
pub enum PracticeWriteFailures {
    #[response(status = 404, description = "No such practice, or no such item")]
    NotFound(ErrorDoc),
    #[response(status = 409, description = "The version is stale: the current record")]
    Stale(PracticeConflictDoc),
    #[response(status = 413, description = "The body is larger than 64 KiB")]
    TooLarge(ErrorDoc),
}

/// The formats of the list.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PracticeFormatDoc {
    Json,
    Jsonl,
    Csv,
    Jsonld,
}

/// The formats of one record.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnePracticeFormatDoc {
    Json,
    Jsonld,
}

/// The statuses of a record.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PracticeStatusDoc {
    Draft,
    Published,
    Withdrawn,
}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/practices", tag = "practices",
    summary = "Practice records, newest change first, or best match first for a text query",
    description = "Filters combine, with each other and with the text query `q` over the records' names, organisations, places and texts (the query language of /api/search; its SSE concepts also searched in the other languages unless `expand=false`); `format` gives JSON (`{total, practices}`), JSON Lines, CSV or a JSON-LD graph (schema.org, ESSGlobal URIs). Any other parameter is a 400.",
    params(
        ("expand" = Option<bool>, Query, description = "Also search the query's SSE concepts in the other languages (default true)"),
        ("status" = Option<PracticeStatusDoc>, Query, description = "Only records of this status"),
        ("theme" = Option<String>, Query, description = "Only records of this ESSGlobal theme id (`T1` …)"),
        ("country" = Option<String>, Query, description = "Only records with a place in this country (ISO 3166-1 alpha-2)"),
        ("lang" = Option<String>, Query, description = "Only records with a text in this language (ISO 639-1)"),
        ("item" = Option<String>, Query, description = "Only records made from this item"),
        ("offset" = Option<u64>, Query, minimum = 0, maximum = 1000000000, description = "Records skipped (default 0)"),
        ("limit" = Option<u64>, Query, minimum = 1, maximum = 500, description = "Records at most (default 50)"),
        ("format" = Option<PracticeFormatDoc>, Query, description = "`json` (default), `jsonl`, `csv`, `jsonld`"),
    ),
    responses(
        (status = 200, description = "The records",
            headers(("X-Total-Count" = Option<u64>, description = "With `jsonl` and `csv`: how many records the filters keep")),
            content((PracticeListDoc = "application/json"), (Vec<PracticeDoc> = "application/x-ndjson"),
                (String = "text/csv"), (Object = "application/ld+json"))),
        (status = 400, description = "A bad or unknown parameter", body = ErrorDoc),
    ))]
pub fn list() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/practices", tag = "practices",
    summary = "File a practice record drafted from approved items",
    description = "The fields are pre-filled from the items (the sentence answering each, its source kept as evidence), with their figures, places (and coordinates), themes and organizations. An item not approved is a 400; an item that does not exist a 404.",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Filed (version 1)", body = PracticeViewDoc),
        PracticeWriteFailures, CuratorWriteFailures,
    ))]
pub fn create() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/practices/{id}", tag = "practices",
    summary = "One practice record, with its history",
    params(
        ("id" = String, Path, pattern = "^p[0-9]{1,18}$", description = "Practice id"),
        ("format" = Option<OnePracticeFormatDoc>, Query, description = "`json` (default) or `jsonld`"),
    ),
    responses(
        (status = 200, description = "The record",
            content((PracticeViewDoc = "application/json"), (Object = "application/ld+json"))),
        (status = 400, description = "A bad or unknown parameter", body = ErrorDoc),
        (status = 404, description = "No such practice", body = ErrorDoc),
    ))]
pub fn get_one() {}

#[allow(dead_code)]
#[utoipa::path(patch, path = "/api/practices/{id}", tag = "practices",
    summary = "Correct a practice record",
    description = "Give the version read; each field given replaces the record's, the others stay.",
    params(("id" = String, Path, pattern = "^p[0-9]{1,18}$", description = "Practice id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The record, corrected", body = PracticeViewDoc),
        PracticeWriteFailures, CuratorWriteFailures,
    ))]
pub fn patch() {}
