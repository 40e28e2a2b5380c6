//! The OpenAPI 3.1 description of the API, served at
//! `GET /api/openapi.json`: what each route takes and answers, every status
//! code and every rule a request must follow, so that clients (and the
//! contract test, `tests/api/run.sh`) can rely on it.
//!
//! - The answers: the response types live in other crates (the index's
//!   `Hit`, the store's `Item`) that know nothing of OpenAPI, so this module
//!   holds their schema twins (`…Doc`, derived with utoipa's `ToSchema`) and
//!   one documented stub per route with its status codes; the tests
//!   serialize the real answers and check that their fields are exactly the
//!   twins' properties, and that every `/api` route of the router is
//!   described.
//! - The requests (`requests.rs`): the query parameters of the searches and
//!   the bodies of the writes, hand-written as JSON Schema, because their
//!   rules (white space trimmed, at least one field of a correction) are
//!   more than derive attributes say; built from the same constants as the
//!   code that checks them.
//! - Rules OpenAPI cannot state (`page` × `per_page` at most 10,000, `from`
//!   not after `to`, the query language of `q`) are in the descriptions, and
//!   named formats (`search-query`, `search-parameters`) mark the strings
//!   that follow a grammar.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

/// The body of every error: what is wrong and what to do.
#[derive(Serialize, ToSchema)]
pub struct ErrorDoc {
    pub error: String,
}

/// One search hit.
#[derive(Serialize, ToSchema)]
pub struct HitDoc {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The source id.
    pub source: String,
    /// ISO 639-1.
    pub lang: Option<String>,
    /// RFC 3339, with the offset the page gave.
    pub published: Option<String>,
    /// A fragment of the text, HTML-escaped, matched words in `<mark>`.
    pub snippet: String,
    pub candidate_score: f64,
    /// ESSGlobal theme ids.
    pub themes: Vec<String>,
    /// `unreviewed`, `approved` or `rejected`.
    pub status: String,
    /// The near-duplicate group this hit stands for.
    pub group_id: String,
    /// Other members of the group.
    pub duplicates: u64,
}

/// Counts per value of each facet field, over every match.
#[derive(Serialize, ToSchema)]
pub struct FacetsDoc {
    pub lang: BTreeMap<String, u64>,
    pub country: BTreeMap<String, u64>,
    pub theme: BTreeMap<String, u64>,
    pub source: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
}

/// Matching items per month and per value of a field, for stacked charts:
/// `{"2024-05": {"T1": 3, "T2": 1, "other": 2}}`. Each field keeps the five
/// values with the most matches over the whole search and sums the others
/// of each month as `other`; an item counts once per value it has, and
/// not in a field it has no value of.
#[derive(Serialize, ToSchema)]
pub struct HistogramByDoc {
    /// Per month, per ESSGlobal theme id.
    pub theme: BTreeMap<String, BTreeMap<String, u64>>,
    /// Per month, per language (ISO 639-1).
    pub lang: BTreeMap<String, BTreeMap<String, u64>>,
    /// Per month, per country (ISO 3166-1 alpha-2).
    pub country: BTreeMap<String, BTreeMap<String, u64>>,
}

/// What `/api/search` answers.
#[derive(Serialize, ToSchema)]
pub struct SearchResponseDoc {
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<HitDoc>,
    pub facets: FacetsDoc,
    /// Matching items, every member of a duplicate group counted (`total`
    /// counts each group once).
    pub total_items: u64,
    /// Matching items per month of publication (`2024-05`).
    pub histogram: BTreeMap<String, u64>,
    /// The same months split by theme, language and country.
    pub histogram_by: HistogramByDoc,
    /// The terms cross-language expansion added, per phrase of the query.
    pub expansion: BTreeMap<String, Vec<String>>,
}

/// A place named by an item.
#[derive(Serialize, ToSchema)]
pub struct PlaceDoc {
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// A phrase that weighed in the candidate decision.
#[derive(Serialize, ToSchema)]
pub struct SignalDoc {
    pub phrase: String,
    pub kind: String,
    pub weight: f64,
}

/// Whether the item describes a concrete practice, and why.
#[derive(Serialize, ToSchema)]
pub struct CandidateDoc {
    pub score: f64,
    pub is_candidate: bool,
    pub themes: Vec<String>,
    pub places: Vec<PlaceDoc>,
    pub evidence: Vec<String>,
    pub signals: Vec<SignalDoc>,
    pub kinds: Vec<String>,
    pub organizations: Vec<String>,
    pub summary: Option<String>,
    pub year: Option<i32>,
}

/// A curator's decision.
#[derive(Serialize, ToSchema)]
pub struct ReviewDoc {
    /// `approve` or `reject`.
    pub decision: String,
    pub curator: String,
    pub note: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

/// An item as stored (curators' corrections applied) with its review
/// status: what every item answer holds, and one line of a JSON Lines
/// export.
#[derive(Serialize, ToSchema)]
pub struct StoredItemDoc {
    /// 32 hexadecimal digits (a digest of the item's normalized URL).
    pub id: String,
    pub url: String,
    pub source_id: String,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    /// RFC 3339, with the offset the page gave.
    pub published: Option<String>,
    /// ISO 639-1.
    pub lang: Option<String>,
    pub lang_confidence: f64,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub candidate: CandidateDoc,
    /// The simhash of the text.
    pub fingerprint: Option<u64>,
    pub group_id: String,
    /// RFC 3339, UTC.
    pub first_seen: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
    pub review: Option<ReviewDoc>,
    /// `unreviewed`, `approved` or `rejected`.
    pub status: String,
}

/// An item, whole: the stored record, its review status and its place in
/// the curators' workflow.
#[derive(Serialize, ToSchema)]
pub struct ItemDoc {
    #[serde(flatten)]
    pub item: StoredItemDoc,
    /// The version a write must carry.
    pub version: i64,
    /// The reason of the current decision: `not_a_practice`,
    /// `out_of_scope`, `duplicate`, `low_quality` or `other`.
    pub reason: Option<String>,
    /// The fields curators corrected.
    pub corrections: CorrectionDoc,
    /// The crawled values of the corrected fields.
    pub crawled: CorrectionDoc,
    /// The item's audit log, oldest first.
    pub history: Vec<AuditEntryDoc>,
    /// The other items of its near-duplicate group (where else it appeared).
    pub duplicates: Vec<DuplicateRefDoc>,
}

/// A write refused because the record changed since it was read (or has
/// no change left to undo): the message and the current record.
#[derive(Serialize, ToSchema)]
pub struct ConflictDoc {
    pub error: String,
    pub current: ItemDoc,
}

/// Another item of an item's near-duplicate group.
#[derive(Serialize, ToSchema)]
pub struct DuplicateRefDoc {
    pub id: String,
    pub url: String,
    pub source_id: String,
    pub title: String,
}

/// Corrected fields of a practice record (absent: not corrected).
#[derive(Serialize, ToSchema)]
pub struct CorrectionDoc {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub themes: Option<Vec<String>>,
    pub kinds: Option<Vec<String>>,
    pub places: Option<Vec<PlaceDoc>>,
    pub organizations: Option<Vec<String>>,
    pub year: Option<i32>,
}

/// One entry of the audit log (never rewritten).
#[derive(Serialize, ToSchema)]
pub struct AuditEntryDoc {
    pub seq: i64,
    pub item_id: String,
    pub actor: String,
    pub at: String,
    /// `review`, `correct` or `undo`.
    pub action: String,
    #[schema(value_type = Object)]
    pub before: serde_json::Value,
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
    pub undoes: Option<i64>,
}

/// An item's audit log.
#[derive(Serialize, ToSchema)]
pub struct HistoryDoc {
    pub history: Vec<AuditEntryDoc>,
}

/// An entry of the review queue: the stored item (corrections applied),
/// its version, and how many near-duplicates it stands for.
#[derive(Serialize, ToSchema)]
pub struct QueueItemDoc {
    #[serde(flatten)]
    pub item: StoredItemDoc,
    /// The version a write must carry.
    pub version: i64,
    /// Other members of its near-duplicate group.
    pub duplicates: u64,
    /// Who submitted it through the collection point (an account, or
    /// `anonymous`), when it came from there.
    pub submitted_by: Option<String>,
}

/// A page of the review queue (one item per duplicate group, best first).
#[derive(Serialize, ToSchema)]
pub struct QueueDoc {
    /// Duplicate groups waiting for a decision.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<QueueItemDoc>,
}

/// Who is signed in.
#[derive(Serialize, ToSchema)]
pub struct MeDoc {
    pub name: String,
    /// `curator`, `analyst`, `admin` or `partner`.
    pub role: String,
}

/// An account.
#[derive(Serialize, ToSchema)]
pub struct UserDoc {
    pub name: String,
    pub role: String,
    pub created_at: String,
}

/// The accounts.
#[derive(Serialize, ToSchema)]
pub struct UsersDoc {
    pub users: Vec<UserDoc>,
}

/// A saved search, with the key of its feed.
#[derive(Serialize, ToSchema)]
pub struct SavedSearchDoc {
    pub id: i64,
    pub owner: String,
    pub name: String,
    /// The query string of `/api/search`.
    pub query: String,
    /// `GET /feeds/saved/{id}.atom?key=<feed_key>` without signing in.
    pub feed_key: String,
    pub created_at: String,
}

/// An account's saved searches.
#[derive(Serialize, ToSchema)]
pub struct SavedSearchesDoc {
    pub saved_searches: Vec<SavedSearchDoc>,
}

/// A saved search refused because its owner has one of the same name.
#[derive(Serialize, ToSchema)]
pub struct SavedConflictDoc {
    pub error: String,
    pub current: SavedSearchDoc,
}

/// What `POST /api/logout` answers.
#[derive(Serialize, ToSchema)]
pub struct SignedOutDoc {
    /// Always `true`.
    pub signed_out: bool,
}

/// What `DELETE /api/saved-searches/{id}` answers.
#[derive(Serialize, ToSchema)]
pub struct DeletedDoc {
    /// The id of the deleted saved search.
    pub deleted: i64,
}

/// A configured source with its health.
#[derive(Serialize, ToSchema)]
pub struct SourceDoc {
    pub id: String,
    pub name: String,
    pub url: String,
    pub kind: String,
    pub enabled: bool,
    pub schedule: String,
    pub country: Option<String>,
    pub languages: Vec<String>,
    pub network: Option<String>,
    pub last_fetch: Option<String>,
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
    pub last_success: Option<String>,
    pub consecutive_failures: u32,
    pub failing_since: Option<String>,
    pub item_count: u64,
    /// `ok`, `failing` or `never_fetched`.
    pub status: String,
}

/// What `/api/sources` answers.
#[derive(Serialize, ToSchema)]
pub struct SourcesDoc {
    pub sources: Vec<SourceDoc>,
}

/// What `/healthz` answers.
#[derive(Serialize, ToSchema)]
pub struct HealthDoc {
    pub status: String,
    pub items: u64,
}

// --- the routes ---------------------------------------------------------------
//
// Each stub lists what its route answers. The query parameters of the
// searches and the request bodies are hand-written JSON Schema in
// `requests.rs`; `document` adds them, the 500 every route but this
// document can answer, and the headers of the 401 and 429 answers.

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/search", tag = "search",
    summary = "Search the items",
    description = "One page of hits with marked snippets, the total and the facets. An empty `q` lists everything, newest first. An unknown or repeated parameter is a 400.",
    responses(
        (status = 200, description = "Hits and facets", body = SearchResponseDoc),
        (status = 400, description = "A bad parameter or query", body = ErrorDoc),
    ))]
fn search() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/export", tag = "sharing",
    summary = "Export every result of a search",
    description = "Streams every result (one per duplicate group, up to 500,000) as CSV or JSON Lines, with the parameters of /api/search (`page` and `per_page` are checked as there, and ignored).",
    responses(
        (status = 200, description = "CSV (a header row, then one row per item) or JSON Lines (one `StoredItemDoc` per line; as a sequential media type, the lines are described as an array)",
            headers(
                ("X-Total-Count" = u64, description = "The number of rows"),
                ("X-Export-Truncated" = String, description = "`true` when the search matched more than the export holds"),
                ("Content-Disposition" = String, description = "`attachment; filename=\"veille-export-….csv\"` (or `.jsonl`)"),
            ),
            content((String = "text/csv"), (Vec<StoredItemDoc> = "application/x-ndjson"))),
        (status = 400, description = "A bad parameter or query", body = ErrorDoc),
    ))]
fn export() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/items/{id}", tag = "items",
    summary = "One item, whole",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "Item id (from search hits)")),
    responses(
        (status = 200, description = "The item", body = ItemDoc),
        (status = 400, description = "The id is not valid UTF-8", body = ErrorDoc),
        (status = 404, description = "No such item", body = ErrorDoc),
    ))]
fn item() {}

/// What any curator's write may answer besides what it wrote: a bad body,
/// no credentials, not a curator, too many writes. Never built: it only
/// describes.
#[allow(dead_code)]
#[derive(IntoResponses)]
pub enum CuratorWriteFailures {
    #[response(status = 400, description = "A bad body")]
    BadBody(ErrorDoc),
    #[response(status = 401, description = "No credentials, or a token nobody holds")]
    NotSignedIn(ErrorDoc),
    #[response(
        status = 403,
        description = "Not a curator or an admin; no curator configured on the server; or a session-cookie write from another site's page"
    )]
    NotACurator(ErrorDoc),
    #[response(
        status = 429,
        description = "Too many writes from this account in the last minute"
    )]
    TooMany(ErrorDoc),
}

/// What a curator's write on an item (review, correction, undo) may answer
/// besides the item and [`CuratorWriteFailures`]. Never built: it only
/// describes.
#[allow(dead_code, clippy::large_enum_variant)]
#[derive(IntoResponses)]
enum ItemWriteFailures {
    #[response(status = 404, description = "No such item")]
    NoSuchItem(ErrorDoc),
    #[response(
        status = 409,
        description = "The version is stale (or, for an undo, nothing is left to undo): the current item"
    )]
    Stale(ConflictDoc),
    #[response(status = 413, description = "The body is larger than 64 KiB")]
    TooLarge(ErrorDoc),
}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/items/{id}/review", tag = "items",
    summary = "A curator's decision on an item and its near-duplicates",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "Item id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The item, reviewed", body = ItemDoc),
        ItemWriteFailures, CuratorWriteFailures,
    ))]
fn review() {}

#[allow(dead_code)]
#[utoipa::path(patch, path = "/api/items/{id}", tag = "items",
    summary = "Correct the practice record",
    description = "Give the version read and at least one field; a field left out, or null, keeps its value.",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "Item id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The item, corrected", body = ItemDoc),
        ItemWriteFailures, CuratorWriteFailures,
    ))]
fn patch_item() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/items/{id}/undo", tag = "items",
    summary = "Undo the latest change of an item",
    description = "No body, or the version read.",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "Item id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The item as it was", body = ItemDoc),
        ItemWriteFailures, CuratorWriteFailures,
    ))]
fn undo() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/items/{id}/history", tag = "items",
    summary = "The audit log of an item",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "Item id")),
    responses(
        (status = 200, description = "Oldest first", body = HistoryDoc),
        (status = 400, description = "The id is not valid UTF-8", body = ErrorDoc),
        (status = 404, description = "No such item", body = ErrorDoc),
    ))]
fn history() {}

/// The order of the review queue.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QueueOrderDoc {
    Best,
    Uncertain,
}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/queue", tag = "items",
    summary = "The review queue: unreviewed candidates, best first, one per duplicate group",
    description = "Only the first 10,000 entries are served: `page` × `per_page` must be at most 10,000. Any other parameter is a 400.",
    params(
        ("page" = Option<u64>, Query, minimum = 1, maximum = 10000, description = "1-based (default 1); `page` × `per_page` at most 10,000"),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 100, description = "Entries per page (default 20)"),
        ("order" = Option<QueueOrderDoc>, Query, description = "`best` (default): candidates, the most likely practices first; `uncertain`: every item waiting, those the model is least sure of first"),
    ),
    responses(
        (status = 200, description = "A page of the queue", body = QueueDoc),
        (status = 400, description = "A bad or unknown parameter, or a page past the 10,000th entry", body = ErrorDoc),
    ))]
fn queue() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/login", tag = "accounts",
    summary = "Sign in: sets the session cookie",
    description = "A JSON body, or a form. A form with `next` (a path on this server) is answered with a 303 to it.",
    responses(
        (status = 200, description = "Signed in", body = MeDoc,
            headers(("Set-Cookie" = String, description = "The session cookie `veille_session` (HttpOnly, SameSite=Lax)"))),
        (status = 303, description = "Signed in from a form with `next`: go there", body = MeDoc,
            headers(
                ("Set-Cookie" = String, description = "The session cookie"),
                ("Location" = String, description = "The `next` path"),
            )),
        (status = 400, description = "A bad body, or a name or password missing", body = ErrorDoc),
        (status = 401, description = "Wrong name or password", body = ErrorDoc),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorDoc),
        (status = 429, description = "Too many attempts for this name in the last minute", body = ErrorDoc),
    ))]
fn login() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/logout", tag = "accounts",
    summary = "Sign out: ends the session",
    responses((status = 200, description = "Signed out", body = SignedOutDoc,
        headers(("Set-Cookie" = String, description = "Clears the session cookie")))))]
fn logout() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    summary = "Who is signed in",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The account", body = MeDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
    ))]
fn me() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/users", tag = "accounts",
    summary = "The accounts (admins)",
    description = "Counted as a write against the admin's rate.",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Every account", body = UsersDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
        (status = 403, description = "Not an admin, or a session-cookie request from another site's page", body = ErrorDoc),
        (status = 429, description = "Too many writes from this account in the last minute", body = ErrorDoc),
    ))]
fn users() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/users", tag = "accounts",
    summary = "Create an account (admins)",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = UserDoc),
        (status = 400, description = "A bad body: name, role or password", body = ErrorDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
        (status = 403, description = "Not an admin, or a session-cookie write from another site's page", body = ErrorDoc),
        (status = 409, description = "An account with this name exists", body = ErrorDoc),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorDoc),
        (status = 429, description = "Too many writes from this account in the last minute", body = ErrorDoc),
    ))]
fn add_user() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/saved-searches", tag = "sharing",
    summary = "The signed-in account's saved searches, with their feed keys",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Saved searches", body = SavedSearchesDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
    ))]
fn saved_searches() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/saved-searches", tag = "sharing",
    summary = "Save a search",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Saved", body = SavedSearchDoc),
        (status = 400, description = "A bad body, or a query that is not a valid search", body = ErrorDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
        (status = 403, description = "A session-cookie write from another site's page", body = ErrorDoc),
        (status = 409, description = "You have a saved search of this name: `current` is it", body = SavedConflictDoc),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorDoc),
        (status = 429, description = "Too many writes from this account in the last minute", body = ErrorDoc),
    ))]
fn add_saved_search() {}

#[allow(dead_code)]
#[utoipa::path(delete, path = "/api/saved-searches/{id}", tag = "sharing",
    summary = "Delete one of your saved searches",
    params(("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "Saved search id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Deleted", body = DeletedDoc),
        (status = 400, description = "The id is not a whole number", body = ErrorDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
        (status = 403, description = "A session-cookie write from another site's page", body = ErrorDoc),
        (status = 404, description = "No such saved search of yours", body = ErrorDoc),
        (status = 429, description = "Too many writes from this account in the last minute", body = ErrorDoc),
    ))]
fn delete_saved_search() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/feeds/saved/{file}", tag = "sharing",
    summary = "A saved search as an Atom feed",
    description = "`{file}` is `<id>.atom`; the key given with the saved search stands for its owner, so a feed reader needs no sign-in.",
    params(
        ("file" = String, Path, pattern = "^[0-9]+\\.atom$", description = "`<id>.atom`"),
        ("key" = String, Query, description = "The saved search's feed_key"),
    ),
    responses(
        (status = 200, description = "Atom 1.0", content_type = "application/atom+xml", body = String),
        (status = 400, description = "The saved query no longer parses: save it again", body = ErrorDoc),
        (status = 404, description = "No such saved search with this key", body = ErrorDoc),
    ))]
fn saved_feed() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/sources", tag = "sources",
    summary = "The configured sources and their health",
    responses((status = 200, description = "Every source", body = SourcesDoc)))]
fn sources() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/openapi.json", tag = "machines",
    summary = "This document",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json", body = Object)))]
fn openapi_json() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/healthz", tag = "machines",
    summary = "Liveness",
    responses((status = 200, description = "Alive", body = HealthDoc)))]
fn healthz() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/metrics", tag = "machines",
    summary = "Prometheus metrics",
    description = "Fetches by outcome, fetch latency, search latency, responses by class, items by status, queue length, failing sources; text exposition format 0.0.4.",
    responses((status = 200, description = "Metrics", content_type = "text/plain; version=0.0.4", body = String)))]
fn metrics() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/feeds/search.atom", tag = "sharing",
    summary = "A search as an Atom feed",
    description = "The parameters of /api/search; newest first unless `sort` is given; 50 entries unless `per_page` is given.",
    responses(
        (status = 200, description = "Atom 1.0", content_type = "application/atom+xml", body = String),
        (status = 400, description = "A bad parameter or query", body = ErrorDoc),
    ))]
fn search_feed() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/feeds/approved.atom", tag = "sharing",
    summary = "The approved practices as an Atom feed",
    responses((status = 200, description = "Atom 1.0", content_type = "application/atom+xml", body = String)))]
fn approved_feed() {}

/// Declares how clients authenticate: a bearer token (scripts) or the
/// session cookie (the web pages).
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("veille_session"))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "veille",
        description = "International monitoring of social and solidarity economy practices: search, review, sharing.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        search, export, item, review, sources, openapi_json, healthz, metrics, search_feed,
        approved_feed,
        // The review workflow and accounts.
        patch_item, undo, history, queue, login, logout, me, users, add_user, saved_searches,
        add_saved_search, delete_saved_search, saved_feed,
        // Practice records.
        practices::list, practices::create, practices::get_one, practices::patch,
        // Transfer kits.
        kits::list, kits::create, kits::get_one, kits::patch, kits::pdf, kits::zip,
        // The collection point.
        submissions::submit, submissions::status, submissions::list, submissions::decide,
    ),
    // The answers named only by `ItemWriteFailures` and
    // `PracticeWriteFailures`,
    // and the enums of query parameters, which utoipa refers to without
    // adding them.
    components(schemas(
        ConflictDoc, ErrorDoc, QueueOrderDoc, practices::PracticeConflictDoc,
        practices::PracticeFormatDoc, practices::OnePracticeFormatDoc,
        practices::PracticeStatusDoc, submissions::SubmissionStatusDoc, kits::KitConflictDoc,
    )),
    modifiers(&Security),
    tags(
        (name = "search", description = "Search with facets"),
        (name = "items", description = "Items and their review"),
        (name = "sources", description = "What is watched, and its health"),
        (name = "accounts", description = "Sign-in and accounts"),
        (name = "sharing", description = "Exports and Atom feeds"),
        (name = "practices", description = "Practice records made from approved items"),
        (name = "kits", description = "Transfer kits: a curator's selection of practices, as JSON, a printable PDF and a ZIP of records"),
        (name = "submissions", description = "The collection point: practices and sources partners send in"),
        (name = "machines", description = "Health, metrics, this description"),
    )
)]
struct ApiDoc;

/// The OpenAPI document: the routes and their answers (derived above),
/// then the request side (`requests`), the 500 every route but this
/// document may answer, and the headers of every 401 and 429.
pub fn document() -> Value {
    let mut api = ApiDoc::openapi();
    api.info.version = env!("CARGO_PKG_VERSION").to_string();
    let mut doc = serde_json::to_value(&api).unwrap_or_default();
    requests::add_to(&mut doc);
    submissions::add_links(&mut doc);
    add_common_answers(&mut doc);
    doc
}

/// What the error layer (`error.rs`) adds to every route: a 500 for a
/// failure of the server itself (the store, the index), `WWW-Authenticate`
/// on a 401 and `Retry-After` on a 429.
fn add_common_answers(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            if path != "/api/openapi.json" {
                responses.insert(
                    "500".to_string(),
                    json!({
                        "description": "A failure of the server itself (database, index); logged",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDoc"}}},
                    }),
                );
            }
            let headers = [
                (
                    "401",
                    "WWW-Authenticate",
                    json!({"type": "string", "const": "Bearer"}),
                ),
                (
                    "429",
                    "Retry-After",
                    json!({"type": "integer", "minimum": 1, "maximum": retry_after_max(path, method)}),
                ),
            ];
            for (status, name, schema) in headers {
                if let Some(response) = responses.get_mut(status).and_then(Value::as_object_mut) {
                    response.insert(
                        "headers".to_string(),
                        json!({name: {"required": true, "schema": schema}}),
                    );
                }
            }
        }
    }
}

/// The longest wait a 429 of this operation asks for: a minute for the
/// write rate, an hour for anonymous submissions.
fn retry_after_max(path: &str, method: &str) -> u64 {
    if path == "/api/submissions" && method == "post" {
        3600
    } else {
        60
    }
}

/// The document as JSON, made once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_string_pretty(&document()).unwrap_or_else(|e| {
            format!("{{\"error\": \"cannot encode the OpenAPI document: {e}\"}}")
        })
    })
}

pub(crate) async fn handler() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
        .into_response()
}

pub mod kits;
pub mod practices;
mod requests;
pub mod submissions;

#[cfg(test)]
mod tests;
