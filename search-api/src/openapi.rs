//! The OpenAPI 3.1 description of the API, generated with utoipa and served
//! at `GET /api/openapi.json`.
//!
//! The response types live in other crates (the index's `Hit`, the store's
//! `Item`) that know nothing of OpenAPI, so this module holds their schema
//! twins (`…Doc`, derived with `ToSchema`) and one documented stub per
//! route; the tests serialize the real types and check that their fields are
//! exactly the twins' properties, and that every `/api` route of the router
//! is described, so that the document cannot silently drift from the code.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

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

/// An item: the stored record and its review status.
#[derive(Serialize, ToSchema)]
pub struct ItemDoc {
    pub id: String,
    pub url: String,
    pub source_id: String,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub lang_confidence: f64,
    pub country: Option<String>,
    pub candidate: CandidateDoc,
    pub fingerprint: Option<u64>,
    pub group_id: String,
    pub first_seen: String,
    pub updated_at: String,
    pub review: Option<ReviewDoc>,
    pub status: String,
    /// The version a write must carry.
    pub version: i64,
    /// The reason of the current decision.
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

/// A correction: the version read, and any corrected field.
#[derive(Serialize, ToSchema)]
pub struct PatchBodyDoc {
    pub version: i64,
    #[serde(flatten)]
    pub fields: CorrectionDoc,
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

/// A page of the review queue (one item per duplicate group, best first).
#[derive(Serialize, ToSchema)]
pub struct QueueDoc {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Items as `/api/items/{id}` (without `history`), with `duplicates`.
    pub items: Vec<ItemDoc>,
}

/// Sign-in.
#[derive(Serialize, ToSchema)]
pub struct LoginDoc {
    pub name: String,
    pub password: String,
    /// Where a form post goes next.
    pub next: Option<String>,
}

/// Who is signed in.
#[derive(Serialize, ToSchema)]
pub struct MeDoc {
    pub name: String,
    /// `curator`, `analyst` or `admin`.
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

/// A new account.
#[derive(Serialize, ToSchema)]
pub struct NewUserDoc {
    pub name: String,
    /// `curator`, `analyst` or `admin`.
    pub role: String,
    pub password: String,
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

/// A search to save.
#[derive(Serialize, ToSchema)]
pub struct NewSavedSearchDoc {
    pub name: String,
    pub query: String,
}

/// The body of a review.
#[derive(Serialize, ToSchema)]
pub struct ReviewBodyDoc {
    /// `approve` or `reject`.
    pub decision: String,
    /// `not_a_practice`, `out_of_scope`, `duplicate`, `low_quality`, `other`.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// The version read; an older one is a 409.
    pub version: Option<i64>,
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

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/search", tag = "search",
    summary = "Search the items",
    description = "One page of hits with marked snippets, the total and the facets. An empty `q` lists everything, newest first.",
    params(
        ("q" = Option<String>, Query, description = "The query: words, \"phrases\", -exclusion, OR"),
        ("lang" = Option<String>, Query, description = "ISO 639-1 language of the items"),
        ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-2"),
        ("theme" = Option<String>, Query, description = "ESSGlobal theme id (T1 … T19)"),
        ("source" = Option<String>, Query, description = "Source id"),
        ("status" = Option<String>, Query, description = "unreviewed, approved or rejected"),
        ("from" = Option<String>, Query, description = "Published on or after (YYYY-MM-DD or RFC 3339)"),
        ("to" = Option<String>, Query, description = "Published on or before (YYYY-MM-DD or RFC 3339)"),
        ("sort" = Option<String>, Query, description = "relevance (default), date or score"),
        ("page" = Option<usize>, Query, description = "1-based page"),
        ("per_page" = Option<usize>, Query, description = "Hits per page, 1 to 100"),
        ("expand" = Option<bool>, Query, description = "Cross-language expansion of the query (default true)"),
    ),
    responses(
        (status = 200, description = "Hits and facets", body = SearchResponseDoc),
        (status = 400, description = "A bad parameter or query", body = ErrorDoc),
    ))]
fn search() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/export", tag = "sharing",
    summary = "Export every result of a search",
    description = "Streams every result (one per duplicate group, up to 500,000) as CSV or JSON Lines, with the parameters of /api/search. `X-Total-Count` gives the number of rows; `X-Export-Truncated: true` says the search matched more.",
    params(
        ("format" = String, Query, description = "csv or jsonl"),
        ("q" = Option<String>, Query, description = "As in /api/search, like every other parameter of /api/search"),
    ),
    responses(
        (status = 200, description = "CSV (one row per item) or JSON Lines (one item per line)",
            content((String = "text/csv"), (ItemDoc = "application/x-ndjson"))),
        (status = 400, description = "A bad parameter or query", body = ErrorDoc),
    ))]
fn export() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/items/{id}", tag = "items",
    summary = "One item, whole",
    params(("id" = String, Path, description = "Item id (from search hits)")),
    responses(
        (status = 200, description = "The item", body = ItemDoc),
        (status = 404, description = "No such item", body = ErrorDoc),
    ))]
fn item() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/items/{id}/review", tag = "items",
    summary = "A curator's decision on an item and its near-duplicates",
    params(("id" = String, Path, description = "Item id")),
    request_body = ReviewBodyDoc,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The item, reviewed", body = ItemDoc),
        (status = 400, description = "A bad body", body = ErrorDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 403, description = "Not a curator", body = ErrorDoc),
        (status = 404, description = "No such item", body = ErrorDoc),
        (status = 409, description = "The version is stale: the current item", body = ItemDoc),
        (status = 413, description = "The body is too large", body = ErrorDoc),
        (status = 429, description = "Too many writes", body = ErrorDoc),
    ))]
fn review() {}

#[allow(dead_code)]
#[utoipa::path(patch, path = "/api/items/{id}", tag = "items",
    summary = "Correct the practice record",
    params(("id" = String, Path, description = "Item id")),
    request_body = PatchBodyDoc,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The item, corrected", body = ItemDoc),
        (status = 400, description = "A bad body", body = ErrorDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
        (status = 403, description = "Not a curator", body = ErrorDoc),
        (status = 409, description = "The version is stale: the current item", body = ItemDoc),
    ))]
fn patch_item() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/items/{id}/undo", tag = "items",
    summary = "Undo the latest change of an item",
    params(("id" = String, Path, description = "Item id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The item as it was", body = ItemDoc),
        (status = 403, description = "Not a curator", body = ErrorDoc),
        (status = 409, description = "Stale version, or nothing to undo", body = ItemDoc),
    ))]
fn undo() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/items/{id}/history", tag = "items",
    summary = "The audit log of an item",
    params(("id" = String, Path, description = "Item id")),
    responses((status = 200, description = "Oldest first", body = HistoryDoc)))]
fn history() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/queue", tag = "items",
    summary = "The review queue: unreviewed candidates, best first, one per duplicate group",
    params(
        ("page" = Option<u64>, Query, description = "1-based"),
        ("per_page" = Option<u64>, Query, description = "1 to 100 (default 20)"),
    ),
    responses(
        (status = 200, description = "A page of the queue", body = QueueDoc),
        (status = 400, description = "A bad parameter", body = ErrorDoc),
    ))]
fn queue() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/login", tag = "accounts",
    summary = "Sign in: sets the session cookie",
    request_body = LoginDoc,
    responses(
        (status = 200, description = "Signed in", body = MeDoc),
        (status = 401, description = "Wrong name or password", body = ErrorDoc),
        (status = 429, description = "Too many attempts", body = ErrorDoc),
    ))]
fn login() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/logout", tag = "accounts",
    summary = "Sign out: ends the session",
    responses((status = 200, description = "Signed out", body = Object)))]
fn logout() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    summary = "Who is signed in",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The account", body = MeDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
    ))]
fn me() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/users", tag = "accounts",
    summary = "The accounts (admins)",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Every account", body = UsersDoc),
        (status = 403, description = "Not an admin", body = ErrorDoc),
    ))]
fn users() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/users", tag = "accounts",
    summary = "Create an account (admins)",
    request_body = NewUserDoc,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = UserDoc),
        (status = 400, description = "A bad body", body = ErrorDoc),
        (status = 403, description = "Not an admin", body = ErrorDoc),
    ))]
fn add_user() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/saved-searches", tag = "sharing",
    summary = "The signed-in account's saved searches, with their feed keys",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Saved searches", body = SavedSearchesDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
    ))]
fn saved_searches() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/saved-searches", tag = "sharing",
    summary = "Save a search",
    request_body = NewSavedSearchDoc,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Saved", body = SavedSearchDoc),
        (status = 400, description = "A bad body or query", body = ErrorDoc),
        (status = 401, description = "Not signed in", body = ErrorDoc),
    ))]
fn add_saved_search() {}

#[allow(dead_code)]
#[utoipa::path(delete, path = "/api/saved-searches/{id}", tag = "sharing",
    summary = "Delete one of your saved searches",
    params(("id" = i64, Path, description = "Saved search id")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Deleted", body = Object),
        (status = 404, description = "No such saved search of yours", body = ErrorDoc),
    ))]
fn delete_saved_search() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/feeds/saved/{file}", tag = "sharing",
    summary = "A saved search as an Atom feed",
    description = "`{file}` is `<id>.atom`; the key given with the saved search stands for its owner, so a feed reader needs no sign-in.",
    params(
        ("file" = String, Path, description = "`<id>.atom`"),
        ("key" = String, Query, description = "The saved search's feed_key"),
    ),
    responses(
        (status = 200, description = "Atom 1.0", content_type = "application/atom+xml", body = String),
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
    params(("q" = Option<String>, Query, description = "As in /api/search, like every other parameter of /api/search")),
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
    ),
    modifiers(&Security),
    tags(
        (name = "search", description = "Search with facets"),
        (name = "items", description = "Items and their review"),
        (name = "sources", description = "What is watched, and its health"),
        (name = "accounts", description = "Sign-in and accounts"),
        (name = "sharing", description = "Exports and Atom feeds"),
        (name = "machines", description = "Health, metrics, this description"),
    )
)]
struct ApiDoc;

/// The OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

/// The document as JSON, made once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        document().to_pretty_json().unwrap_or_else(|e| {
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

#[cfg(test)]
mod tests;
