//! The transfer kits' routes in the OpenAPI document: the schema twins of
//! a kit (`…Doc`) and one documented stub per operation. The bodies of
//! the writes are in `requests.rs`, beside the others.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

use super::{CuratorWriteFailures, ErrorDoc};

/// A practice of a kit, with why it belongs.
#[derive(Serialize, ToSchema)]
pub struct KitEntryDoc {
    /// A practice record's id.
    pub practice_id: String,
    /// Why it belongs, by ISO 639-1 language.
    pub note: BTreeMap<String, String>,
}

/// A transfer kit.
#[derive(Serialize, ToSchema)]
pub struct KitDoc {
    /// `k` and a number.
    pub id: String,
    /// The version a write must carry.
    pub version: i64,
    /// By ISO 639-1 language.
    pub title: BTreeMap<String, String>,
    /// By ISO 639-1 language.
    pub introduction: BTreeMap<String, String>,
    /// By ISO 639-1 language.
    pub conclusions: BTreeMap<String, String>,
    /// `draft`, `published` or `withdrawn`.
    pub status: String,
    /// In the kit's order; to anonymous readers, only the published ones.
    pub practices: Vec<KitEntryDoc>,
    /// The languages it is written in.
    pub languages: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    pub created_by: String,
}

/// One change of a kit.
#[derive(Serialize, ToSchema)]
pub struct KitAuditEntryDoc {
    pub seq: i64,
    pub kit_id: String,
    pub actor: String,
    /// RFC 3339.
    pub at: String,
    /// `create` or `update`.
    pub action: String,
    /// The kit before (null for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The kit after.
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
}

/// A kit, with its history for curators.
#[derive(Serialize, ToSchema)]
pub struct KitViewDoc {
    #[serde(flatten)]
    pub kit: KitDoc,
    /// Oldest first; only to curators and admins.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub history: Option<Vec<KitAuditEntryDoc>>,
}

/// The kits.
#[derive(Serialize, ToSchema)]
pub struct KitListDoc {
    pub total: u64,
    pub kits: Vec<KitDoc>,
}

/// A write refused because the kit changed since it was read.
#[derive(Serialize, ToSchema)]
pub struct KitConflictDoc {
    pub error: String,
    pub current: KitViewDoc,
}

/// What a curator's write on a kit may answer besides the kit and
/// [`CuratorWriteFailures`]. Never built: it only describes.
#[allow(dead_code, clippy::large_enum_variant)]
#[derive(IntoResponses)]
pub enum KitWriteFailures {
    #[response(status = 404, description = "No such kit, or no such practice")]
    NotFound(ErrorDoc),
    #[response(status = 409, description = "The version is stale: the current kit")]
    Stale(KitConflictDoc),
    #[response(status = 413, description = "The body is larger than 1 MiB")]
    TooLarge(ErrorDoc),
}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/kits",
    operation_id = "list_kits", tag = "kits",
    summary = "Transfer kits, newest change first",
    description = "Anonymous readers see only the published kits, each with its published practices. Any other parameter is a 400.",
    params(
        ("status" = Option<super::practices::PracticeStatusDoc>, Query, description = "Only kits of this status"),
    ),
    responses(
        (status = 200, description = "The kits", body = KitListDoc),
        (status = 400, description = "A bad or unknown parameter", body = ErrorDoc),
    ))]
pub fn list() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/kits",
    operation_id = "create_kit", tag = "kits",
    summary = "Make a transfer kit",
    description = "A title in at least one language, and maybe an introduction, conclusions and practices in order with their notes. A practice given twice is kept where it came first; one that does not exist is a 404.",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Made (version 1)", body = KitViewDoc),
        KitWriteFailures, CuratorWriteFailures,
    ))]
pub fn create() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/kits/{id}",
    operation_id = "get_kit", tag = "kits",
    summary = "One transfer kit",
    description = "To anonymous readers a kit not published is a 404, and a published one shows only its published practices, without history.",
    params(("id" = String, Path, pattern = "^k[0-9]{1,18}$", description = "Kit id")),
    responses(
        (status = 200, description = "The kit", body = KitViewDoc),
        (status = 400, description = "A parameter (it takes none)", body = ErrorDoc),
        (status = 404, description = "No such kit (or not published)", body = ErrorDoc),
    ))]
pub fn get_one() {}

#[allow(dead_code)]
#[utoipa::path(patch, path = "/api/kits/{id}",
    operation_id = "patch_kit", tag = "kits",
    summary = "Correct a transfer kit",
    description = "Give the version read; each field given replaces the kit's, the others stay.",
    params(("id" = String, Path, pattern = "^k[0-9]{1,18}$", description = "Kit id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The kit, corrected", body = KitViewDoc),
        KitWriteFailures, CuratorWriteFailures,
    ))]
pub fn patch() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/kits/{id}/kit.pdf",
    operation_id = "kit_pdf", tag = "kits",
    summary = "A transfer kit as a printable PDF",
    description = "Cover, contents, introduction, one section per practice (its note, places, organisations, themes, challenge, approach, results, conditions for transfer, figures, sources and a small map), conclusions. Texts missing in `lang` are shown in another language, marked as such.",
    params(
        ("id" = String, Path, pattern = "^k[0-9]{1,18}$", description = "Kit id"),
        ("lang" = Option<String>, Query, pattern = "^[a-z]{2}$", min_length = 2, max_length = 2, description = "ISO 639-1; default English if the kit has it, else its first language"),
    ),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = String),
        (status = 400, description = "A bad or unknown parameter", body = ErrorDoc),
        (status = 404, description = "No such kit (or not published)", body = ErrorDoc),
    ))]
pub fn pdf() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/kits/{id}/kit.zip",
    operation_id = "kit_zip", tag = "kits",
    summary = "A transfer kit's records as a ZIP",
    description = "`kit.json` (the kit), `practices.jsonld` (its records as a JSON-LD graph) and `practices.csv`, in the kit's order.",
    params(("id" = String, Path, pattern = "^k[0-9]{1,18}$", description = "Kit id")),
    responses(
        (status = 200, description = "The ZIP", content_type = "application/zip", body = String),
        (status = 400, description = "A parameter (it takes none)", body = ErrorDoc),
        (status = 404, description = "No such kit (or not published)", body = ErrorDoc),
    ))]
pub fn zip() {}
