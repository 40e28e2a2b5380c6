//! The public portal: the published practice records, read-only, with no
//! sign-in, in English, French, Spanish and Korean, every page plain HTML
//! that works without JavaScript.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /portal/` | a redirect to the visitor's language (`Accept-Language`) |
//! | `GET /portal/{lang}/` | the latest practices, the themes, the countries |
//! | `GET /portal/{lang}/practices/{id}` | a record, with JSON-LD and Open Graph |
//! | `GET /portal/{lang}/themes/{theme}` | a theme's (ESSGlobal `T1`…`T19`) records |
//! | `GET /portal/{lang}/countries/{cc}` | a country's records |
//! | `GET /portal/{lang}/search?q=` | the published records a search finds |
//! | `GET /portal/{lang}/map` | the world map and the table of countries |
//! | `GET /portal/{lang}/kits`, `/portal/{lang}/kits/{id}` | the published transfer kits; one, with its practices and downloads |
//! | `GET /portal/{lang}/feed.atom`, `/portal/{lang}/themes/{theme}/feed.atom` | Atom |
//! | `GET /portal/sitemap.xml`, `GET /robots.txt` | for search engines |
//! | `GET /portal/sitemaps/{n}.xml` | a part, when the pages are more than one sitemap lists (50,000) |
//!
//! Only records (and kits) with status `published` ever appear: the pages read a
//! [`cache::Snapshot`] that holds nothing else, so a draft's or withdrawn
//! record's id is the same 404 as an unknown one. Nothing of the curators'
//! shows: no link into the signed-in pages, no curator's name, no history.
//! Every answer has an `ETag` (a hash of its body) and a `Last-Modified`
//! (when the records last changed), and a matching `If-None-Match` or
//! `If-Modified-Since` is a 304.
//!
//! # Layout
//! - `texts`: the languages ([`Lang`]) and every text, one per language.
//! - `cache`: the published records in memory, read again when they change.
//! - `pages`: the HTML pages.
//! - `machines`: the Atom feeds, the sitemap and robots.txt.
//! - `assets/portal.css`: the stylesheet, compiled in.

/// The [`Request`] of a handler's language, or the answer to give
/// instead (the 404 of an unknown language, a failure of the store).
macro_rules! open {
    ($state:expr, $cache:expr, $lang:expr, $headers:expr) => {
        match Request::open(&$state, &$cache, &$lang, $headers).await {
            Ok(r) => r,
            Err(response) => return response,
        }
    };
}

mod cache;
mod machines;
mod pages;
mod texts;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::feeds::base_url;
use crate::ApiState;
pub use cache::{Cache, City, Snapshot};
pub use texts::{Lang, Texts};

const STYLE: &str = include_str!("portal/assets/portal.css");

/// Records listed on one page of a theme, a country or a search.
pub const PER_PAGE: usize = 50;

/// Records on the home page.
pub const LATEST: usize = 12;

/// The portal's routes, with their cache of the published records.
pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/portal", get(negotiate))
        .route("/portal/", get(negotiate))
        .route("/portal/sitemap.xml", get(machines::sitemap))
        .route("/portal/sitemaps/{file}", get(machines::sitemap_part))
        .route("/portal/assets/portal.css", get(style))
        .route("/robots.txt", get(machines::robots))
        .route("/portal/{lang}", get(lang_root))
        .route("/portal/{lang}/", get(pages::home))
        .route("/portal/{lang}/practices/{id}", get(pages::practice))
        .route("/portal/{lang}/themes/{theme}", get(pages::theme))
        .route(
            "/portal/{lang}/themes/{theme}/feed.atom",
            get(machines::theme_feed),
        )
        .route("/portal/{lang}/countries/{cc}", get(pages::country))
        .route("/portal/{lang}/search", get(pages::search))
        .route("/portal/{lang}/map", get(pages::map))
        .route("/portal/{lang}/kits", get(pages::kits))
        .route("/portal/{lang}/kits/{id}", get(pages::kit))
        .route("/portal/{lang}/feed.atom", get(machines::feed))
        .route("/portal/{lang}/{*rest}", get(unknown))
        .layer(Extension(Arc::new(Cache::default())))
}

/// What every portal handler starts from: the language of the path, the
/// snapshot, the site's absolute base and the request's headers.
pub(crate) struct Request {
    pub lang: Lang,
    pub t: &'static Texts,
    pub snapshot: Arc<Snapshot>,
    pub base: String,
    pub headers: HeaderMap,
}

impl Request {
    /// The request, or the 404 of an unknown language.
    async fn open(
        state: &ApiState,
        cache: &Cache,
        lang: &str,
        headers: HeaderMap,
    ) -> Result<Request, Response> {
        let snapshot = match cache.snapshot(&state.store).await {
            Ok(s) => s,
            Err(e) => return Err(failure(Lang::En, &headers, &e)),
        };
        let Some(lang) = Lang::from_path(lang) else {
            return Err(pages::not_found(Lang::En, &snapshot, &headers));
        };
        Ok(Request {
            lang,
            t: lang.texts(),
            base: base_url(&headers),
            snapshot,
            headers,
        })
    }

    /// An answer with the portal's caching headers (or a 304).
    fn answer(&self, status: StatusCode, content_type: &'static str, body: String) -> Response {
        answer(
            &self.headers,
            status,
            content_type,
            body,
            self.snapshot.built_at,
        )
    }

    /// The page at `tail` (after `/portal/{lang}`, with its query) as the
    /// snapshot rendered it before, if it did.
    fn remembered(&self, tail: &str) -> Option<Response> {
        let page = self.snapshot.recall(&self.memo_key(tail))?;
        Some(respond(&self.headers, &page, self.snapshot.built_at))
    }

    /// [`Request::answer`], the page kept for the next requests of `tail`
    /// while the snapshot lasts.
    fn remember(
        &self,
        tail: &str,
        status: StatusCode,
        content_type: &'static str,
        body: String,
    ) -> Response {
        let page = Arc::new(Rendered::new(status, content_type, body));
        self.snapshot.keep(self.memo_key(tail), page.clone());
        respond(&self.headers, &page, self.snapshot.built_at)
    }

    /// Pages differ by language, path and the site's address (absolute
    /// links).
    fn memo_key(&self, tail: &str) -> String {
        format!("{} {}{tail}", self.base, self.lang.code())
    }
}

/// The error page of a failure that is not the visitor's (the store).
pub(crate) fn failure(lang: Lang, headers: &HeaderMap, err: &ApiError) -> Response {
    tracing::error!(cause = %err, "portal page failed");
    let t = lang.texts();
    let body = pages::plain_page(lang, t.server_error, t.server_error).into_string();
    answer(
        headers,
        err.status(),
        HTML,
        body,
        DateTime::<Utc>::UNIX_EPOCH,
    )
}

pub(crate) const HTML: &str = "text/html; charset=utf-8";

/// `/portal/`: the visitor's language, by `Accept-Language`.
async fn negotiate(headers: HeaderMap) -> Response {
    let lang = Lang::negotiate(&headers);
    let to = format!("/portal/{}/", lang.code());
    let mut response = answer(
        &headers,
        StatusCode::FOUND,
        HTML,
        pages::language_choice(&to).into_string(),
        *cache::STARTED,
    );
    let h = response.headers_mut();
    if let Ok(to) = HeaderValue::from_str(&to) {
        h.insert(header::LOCATION, to);
    }
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

/// `/portal/{lang}` goes to `/portal/{lang}/`.
async fn lang_root(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    let to = format!("/portal/{}/", r.lang.code());
    let mut response = r.answer(
        StatusCode::MOVED_PERMANENTLY,
        HTML,
        pages::language_choice(&to).into_string(),
    );
    if let Ok(to) = HeaderValue::from_str(&to) {
        response.headers_mut().insert(header::LOCATION, to);
    }
    response
}

/// Any other path under `/portal/{lang}/`: the portal's 404.
async fn unknown(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path((lang, _)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_path(&lang).unwrap_or(Lang::En);
    match cache.snapshot(&state.store).await {
        Ok(snapshot) => pages::not_found(lang, &snapshot, &headers),
        Err(e) => failure(lang, &headers, &e),
    }
}

async fn style(headers: HeaderMap, RawQuery(_): RawQuery) -> Response {
    answer(
        &headers,
        StatusCode::OK,
        "text/css; charset=utf-8",
        STYLE.to_string(),
        *cache::STARTED,
    )
}

/// `Last-Modified`'s form of a date.
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The entity tag of a body: a hash of it.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether the client's copy (`If-None-Match`, else `If-Modified-Since`)
/// is the current one.
fn not_modified(headers: &HeaderMap, tag: &str, modified: DateTime<Utc>) -> bool {
    if let Some(given) = headers.get(header::IF_NONE_MATCH) {
        let Ok(given) = given.to_str() else {
            return false;
        };
        return given
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| modified.timestamp() <= since.timestamp())
}

/// An answer's status, type, body and entity tag (a hash of the body),
/// made once and kept (see [`Snapshot::keep`]).
pub struct Rendered {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    etag: String,
}

impl Rendered {
    pub fn new(status: StatusCode, content_type: &'static str, body: String) -> Rendered {
        Rendered {
            etag: etag(body.as_bytes()),
            status,
            content_type,
            body: Bytes::from(body),
        }
    }

    /// Its size in memory, near enough.
    pub fn size(&self) -> usize {
        self.body.len() + self.etag.len() + 64
    }
}

/// Every portal answer: its body with an `ETag`, a `Last-Modified`, a
/// `Cache-Control` that has caches ask again (a withdrawn record leaves at
/// once), the pages' security headers; a 304 when the client's copy is
/// current.
pub(crate) fn answer(
    headers: &HeaderMap,
    status: StatusCode,
    content_type: &'static str,
    body: String,
    modified: DateTime<Utc>,
) -> Response {
    respond(
        headers,
        &Rendered::new(status, content_type, body),
        modified,
    )
}

/// [`answer`] of a page already rendered.
fn respond(headers: &HeaderMap, page: &Rendered, modified: DateTime<Utc>) -> Response {
    let tag = &page.etag;
    let mut response = if page.status == StatusCode::OK && not_modified(headers, tag, modified) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (page.status, page.body.clone()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(page.content_type),
        );
        r
    };
    let h = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, tag);
    }
    if let Ok(date) = HeaderValue::from_str(&http_date(modified)) {
        h.insert(header::LAST_MODIFIED, date);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self' data:; style-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}

#[cfg(test)]
mod tests;
