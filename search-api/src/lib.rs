//! veille's HTTP API: search with facets, the items, the curators' review,
//! the sources and their health. The only crate that knows HTTP routes and
//! the JSON shapes of the API.
//!
//! # Layout
//! - `params`: the query string of `/api/search`, parsed and checked by hand.
//! - `search`: [`SearchResponse`] and [`search`], what `/api/search` returns
//!   (also printed by `veille search --json`), and [`snippet_html`], the
//!   HTML face of a snippet (the API's `snippet` field and the pages).
//! - `items`: `/api/items/{id}` and `POST /api/items/{id}/review`.
//! - `sources`: `/api/sources` (configured sources merged with their health)
//!   and `/healthz`.
//! - `auth`: [`Curators`] and their bearer tokens.
//! - `error`: [`ApiError`] and the one place errors become status codes and
//!   a JSON body `{"error": "..."}`.
//! - `export`: `/api/export?format=csv|jsonl&…`, every result of a search,
//!   streamed.
//! - `feeds`: Atom feeds of a search, of the approved practices, of a saved
//!   search.
//! - `openapi`: the OpenAPI document at `/api/openapi.json` (utoipa).
//! - `metrics`: Prometheus metrics at `/metrics`: the API's own counters,
//!   and those other crates keep, [`metrics::expose`]d by the binary.
//! - `kits`: transfer kits, `/api/kits`: a curator's selection of
//!   practices, as JSON, a printable PDF and a ZIP of records, and a
//!   published kit's public page.
//! - `submissions`: the collection point, `/api/submissions`: what partners
//!   send in, its receipt and status, and the curators' decisions.
//! - `ui`: the web pages (`/`, `/items/{id}`, `/queue`, `/sources`,
//!   `/login`), in English, French and Spanish.
//! - `portal`: the public portal of the published practice records,
//!   `/portal/…`, with its feeds, sitemap and `/robots.txt`.
//! - this file: [`ApiState`], [`router`], [`serve`].
//!
//! # Routes
//! | route | answer |
//! | --- | --- |
//! | `GET /api/search?q=&lang=&country=&theme=&source=&status=&from=&to=&sort=&page=&per_page=&expand=` | [`SearchResponse`] |
//! | `GET /api/items/{id}` | the whole item, plus `status` |
//! | `POST /api/items/{id}/review` (bearer token) | `{"decision": "approve"\|"reject", "note": "..."}` → the item |
//! | `POST /api/submissions` (no account needed) | `{"kind": "practice"\|"source", "url", "text", …}` → 201 `{"receipt", "status_url"}` |
//! | `GET /api/submissions/{receipt}` | the submission's status |
//! | `GET /api/submissions`, `POST /api/submissions/{receipt}/decision` (curators) | the submissions; a decision |
//! | `GET /api/kits`, `GET /api/kits/{id}`, `/kit.pdf`, `/kit.zip`; `POST`, `PATCH` (curators) | transfer kits |
//! | `GET /portal/{lang}/kits/{id}` | a published kit's page |
//! | `GET /api/sources` | `{"sources": [...]}` |
//! | `GET /healthz` | `{"status": "ok", "items": n}` |
//! | `GET /api/export?format=csv\|jsonl&` + search parameters | every result, streamed |
//! | `GET /feeds/search.atom?…`, `/feeds/approved.atom`, `/feeds/saved/{id}.atom?key=` | Atom |
//! | `GET /api/openapi.json` | the OpenAPI 3.1 description |
//! | `GET /metrics` | Prometheus text format |
//! | `GET /`, `/items/{id}`, `/queue`, `/sources`, `/login` | HTML pages |
//! | `GET /portal/…`, `/robots.txt` | the public portal (see `portal`) |
//!
//! Invariants: every answer of `/api`, errors included, is JSON; no user input makes a
//! 500; the store and the index (synchronous) are only called under
//! `spawn_blocking`.

mod auth;
mod error;
pub mod export;
pub mod feeds;
mod items;
pub mod kits;
pub mod metrics;
pub mod openapi;
mod params;
pub mod portal;
pub mod practices;
mod queue;
mod search;
mod sources;
pub mod submissions;
pub mod ui;
mod users;

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Request, Response, Uri};
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::trace::TraceLayer;
use veille_indexer::index::Index;
use veille_indexer::sync::IndexSync;
use veille_store::Store;

pub use auth::{
    Access, AccessConfig, Credential, Curators, Principal, NO_CURATORS_HINT, SESSION_COOKIE,
};
pub use error::ApiError;
pub use items::{ItemView, REVIEW_BODY_LIMIT};
pub use params::{
    parse_search_params, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_QUERY_DEPTH, MAX_RESULT_WINDOW,
};
pub use queue::{QueueItem, QueueResponse, QUEUE_MAX_PER_PAGE, QUEUE_PER_PAGE};
pub use search::{search, snippet_html, SearchResponse};
pub use sources::{SourceInfo, SourceView};
pub use users::Me;

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct ApiState {
    pub store: Store,
    /// The index, for searching.
    pub index: Arc<Index>,
    /// The index's one writer: a curator's write to the store waits for its
    /// flush, so that search shows the change at once.
    pub writer: IndexSync,
    pub curators: Arc<Curators>,
    /// The configured sources (from `sources.toml`); the binary may replace
    /// them when the file is reloaded.
    pub sources: Arc<RwLock<Vec<SourceInfo>>>,
    /// The `sources.toml` the sources come from, which the operators' page
    /// of suggested sources appends to (`None`: no file, nothing appended).
    pub sources_file: Option<std::path::PathBuf>,
    /// CORS origins, cookie and rate settings, and the write limiter
    /// (`Default`: no CORS origin, 60 writes a minute per account).
    pub access: Arc<Access>,
}

/// The API's routes over this state, with request logs.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/search", get(search::handler))
        .route(
            "/api/items/{id}",
            get(items::get_item)
                .patch(items::patch_item)
                .layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route(
            "/api/items/{id}/review",
            post(items::post_review).layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        // The review workflow and accounts (`items`, `queue`, `users`).
        .route(
            "/api/items/{id}/undo",
            post(items::post_undo).layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route("/api/items/{id}/history", get(items::get_history))
        .route("/api/queue", get(queue::handler))
        .route(
            "/api/login",
            post(users::login).layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route("/api/logout", post(users::logout))
        .route("/api/me", get(users::me))
        .route(
            "/api/users",
            get(users::list_users)
                .post(users::add_user)
                .layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route(
            "/api/saved-searches",
            get(users::list_saved)
                .post(users::add_saved)
                .layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route("/api/saved-searches/{id}", delete(users::delete_saved))
        // Practice records (`practices`).
        .route(
            "/api/practices",
            get(practices::list)
                .post(practices::create)
                .layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route(
            "/api/practices/{id}",
            get(practices::get_one)
                .patch(practices::patch)
                .layer(DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        // Transfer kits (`kits`), and a published kit's public page.
        .route(
            "/api/kits",
            get(kits::list)
                .post(kits::create)
                .layer(DefaultBodyLimit::max(kits::BODY_LIMIT)),
        )
        .route(
            "/api/kits/{id}",
            get(kits::get_one)
                .patch(kits::patch)
                .layer(DefaultBodyLimit::max(kits::BODY_LIMIT)),
        )
        .route("/api/kits/{id}/kit.pdf", get(kits::get_pdf))
        .route("/api/kits/{id}/kit.zip", get(kits::get_zip))
        // The collection point (`submissions`).
        .route(
            "/api/submissions",
            get(submissions::list)
                .post(submissions::submit)
                .layer(DefaultBodyLimit::max(submissions::BODY_LIMIT)),
        )
        .route("/api/submissions/{receipt}", get(submissions::status))
        .route(
            "/api/submissions/{receipt}/decision",
            post(submissions::decide).layer(DefaultBodyLimit::max(submissions::BODY_LIMIT)),
        )
        .route("/api/sources", get(sources::list))
        .route("/healthz", get(sources::healthz))
        // Sharing, machines and the web pages.
        .route("/api/export", get(export::handler))
        .route("/api/openapi.json", get(openapi::handler))
        .route("/feeds/search.atom", get(feeds::search_feed))
        .route("/feeds/approved.atom", get(feeds::approved_feed))
        .route("/feeds/saved/{file}", get(feeds::saved_feed))
        .route("/metrics", get(metrics::handler))
        .merge(ui::routes())
        .merge(portal::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // One span per request (method and path: never headers, which carry
        // tokens) and one INFO line per response, under this crate's target
        // so that the binary's log filter shows them. Server errors are
        // logged with their cause where they become responses (`error`).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(|res: &Response<Body>, latency: Duration, _: &tracing::Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_millis() as u64,
                        "response"
                    );
                })
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn(metrics::track))
        // Outermost: CORS answers preflights and marks every answer.
        .layer(state.access.cors())
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: ApiState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // With each connection's address: the submissions' per-address limit.
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The index of a test's state and its writer, which follows `store` at
/// once (no debounce).
#[cfg(test)]
pub(crate) fn test_index(store: &Store, index: Index) -> (Arc<Index>, IndexSync) {
    let index = Arc::new(index);
    let writer = IndexSync::spawn(index.clone(), store.clone(), Duration::ZERO).unwrap();
    (index, writer)
}

/// Runs synchronous work (the store, the index) off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await?
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no route for {method} {}: the API has GET /api/search, GET /api/items/{{id}}, \
         POST /api/items/{{id}}/review, GET /api/sources, GET /healthz",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "method {method} is not allowed on {}: see the routes of the API \
         (GET /api/search, GET /api/items/{{id}}, POST /api/items/{{id}}/review, \
         GET /api/sources, GET /healthz)",
        uri.path()
    ))
}

#[cfg(test)]
mod tests;
