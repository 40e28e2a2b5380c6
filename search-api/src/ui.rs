//! The web pages, rendered on the server with maud (which escapes every
//! value), in English, French or Spanish, with a little plain JavaScript:
//! - `/`: search (query box, facets with counts as links that add the
//!   filter, highlighted results, every filter in the URL; signed in, the
//!   matches and the practice records per month as stacked bars, split as
//!   `chart=` says, and the map of the matches' countries: `charts`, `map`);
//! - `/items/{id}`: an item (text with the evidence highlighted, metadata,
//!   places, themes, duplicates, link to the original, review history);
//! - `/queue`: the review queue, one item at a time, keyboard driven
//!   (j/k, a, r, e), the next items already in the page;
//! - `/sources`: the health of each source, and its new items and
//!   approvals over the last 12 weeks;
//! - `/login`: sign in (the form posts to `POST /api/login`);
//! - `/submit`, `/submissions/{receipt}`: the collection point's form and
//!   a submission's status (`submit`);
//! - `/assets/…`: the stylesheet and the script, compiled in.
//!
//! # Layout
//! - `i18n`: the languages and every text of the interface.
//! - `highlight`: evidence phrases marked in a text.
//! - `submit`: the collection point's pages, with their texts.
//! - `map`: the world map (SVG from shipped country outlines).
//! - `charts`: the analysts' charts (stacked months, weekly pairs), with their texts.
//! - `assets/`: `style.css`, `app.js`.
//! - this file: the handlers and the page templates.
//!
//! The interface's language comes from `?ui=` (or `?lang=` on the pages
//! where `lang` is not the search's language filter), kept in a cookie,
//! else from `Accept-Language`. The pages read the store and the index
//! directly and write through the JSON API (the review is a `fetch` from
//! the page, carrying the session cookie).

mod charts;
mod highlight;
mod i18n;
mod kits;
pub mod map;
mod practices;
mod submit;
mod suggestions;

use std::collections::BTreeMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use veille_indexer::practice::theme_label;
use veille_indexer::search::HistogramBy;
use veille_store::{AuditEntry, Decision, Item, QueueEntry, QueueOrder, Status};

use crate::auth::{identify, Principal};
use crate::error::ApiError;
use crate::items::{find_view, ItemView};
use crate::params::parse_search_params;
use crate::search::{search, SearchResponse};
use crate::sources::SourceView;
use crate::{blocking, ApiState};

pub use highlight::highlight;
pub use i18n::{best_accepted, Messages, UiLang};

/// Parameters of the search page that are not the search's: `chart`
/// (which field splits the months' bars).
const PAGE_ONLY: [&str; 1] = ["chart"];

/// Practice records the search page's chart counts, at most.
const PRACTICES_CHARTED: usize = 10_000;

/// The fields the months' bars can be split by (`chart=`), the first the
/// default.
const CHART_KEYS: [&str; 3] = ["theme", "lang", "country"];

/// Signals shown on a queue card, at most.
const QUEUE_SIGNALS: usize = 5;

/// Items of the queue put in one page (the next ones are in the page
/// before the curator gets to them).
pub const QUEUE_BATCH: u64 = 20;

const STYLE: &str = include_str!("ui/assets/style.css");
const SCRIPT: &str = include_str!("ui/assets/app.js");

/// The pages' routes.
pub(crate) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/", get(search_page))
        .route("/items/{id}", get(item_page))
        .route("/queue", get(queue_page))
        .route(
            "/practices",
            get(practices::list_page).post(practices::create),
        )
        .route(
            "/practices/{id}",
            get(practices::record_page).post(practices::save),
        )
        .route("/sources", get(sources_page))
        .route("/login", get(login_page))
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .merge(submit::routes())
        .merge(suggestions::routes())
        .merge(kits::routes())
}

async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The request's query pairs, the interface language taken out.
struct PageQuery {
    pairs: Vec<(String, String)>,
    ui: Option<String>,
}

impl PageQuery {
    /// `lang_is_ui`: whether `lang` chooses the interface (pages other than
    /// search, where `lang` filters by the items' language).
    fn parse(raw: Option<&str>, lang_is_ui: bool) -> PageQuery {
        let mut pairs = Vec::new();
        let mut ui = None;
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if k == "ui" || (lang_is_ui && k == "lang") {
                ui = Some(v.into_owned());
            } else {
                pairs.push((k.into_owned(), v.into_owned()));
            }
        }
        PageQuery { pairs, ui }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// The query string of the page (without `ui`).
    fn search_string(&self) -> String {
        encode(self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The query string of the search itself: the page's without what
    /// only the page reads (`chart`), as `/api/search` takes it.
    fn api_string(&self) -> String {
        encode(
            self.pairs
                .iter()
                .filter(|(k, _)| !PAGE_ONLY.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// `/?…` with `key` set to `value` (or removed when `None`), the page
    /// reset to the first.
    fn with(&self, key: &str, value: Option<&str>) -> String {
        self.with_all(&[(key, value)])
    }

    /// `/?…` with each key set to its value (or removed when `None`), the
    /// page reset to the first.
    fn with_all(&self, changes: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, v)| {
                !changes.iter().any(|(key, _)| k == key) && k != "page" && !v.is_empty()
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (key, value) in changes {
            if let Some(value) = value {
                pairs.push((key, value));
            }
        }
        let query = encode(pairs.into_iter());
        if query.is_empty() {
            "/".to_string()
        } else {
            format!("/?{query}")
        }
    }

    fn page_link(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, v)| k != "page" && !v.is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let page = page.to_string();
        pairs.push(("page", &page));
        format!("/?{}", encode(pairs.into_iter()))
    }
}

fn encode<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// What every page knows: the language, its texts and the current path.
struct Page {
    lang: UiLang,
    t: &'static Messages,
    /// Path and query, for the language links and `next` after sign-in.
    here: String,
    /// Set the language cookie (the choice came from the URL).
    remember: bool,
    /// Who is signed in (session cookie), if anyone.
    user: Option<Principal>,
}

impl Page {
    fn new(query: &PageQuery, headers: &HeaderMap, path: &str) -> Page {
        let lang = UiLang::choose(query.ui.as_deref(), headers);
        let remember = query.ui.as_deref().and_then(UiLang::parse).is_some();
        let search = query.search_string();
        let here = if search.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{search}")
        };
        Page {
            lang,
            t: lang.messages(),
            here,
            remember,
            user: None,
        }
    }

    /// The page, with who is signed in.
    async fn for_request(
        state: &ApiState,
        query: &PageQuery,
        headers: &HeaderMap,
        path: &str,
    ) -> Page {
        let mut page = Page::new(query, headers, path);
        // A bad credential is only "not signed in" for reading a page.
        page.user = identify(state, headers).await.ok().flatten();
        page
    }

    fn theme(&self, id: &str) -> String {
        theme_label(id, self.lang.code())
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    }

    fn status(&self, status: Status) -> &'static str {
        match status {
            Status::Unreviewed => self.t.status_unreviewed,
            Status::Approved => self.t.status_approved,
            Status::Rejected => self.t.status_rejected,
        }
    }

    fn lang_link(&self, lang: UiLang) -> String {
        let sep = if self.here.contains('?') { '&' } else { '?' };
        format!("{}{sep}ui={}", self.here, lang.code())
    }

    /// The whole document around `main`.
    fn layout(&self, title: &str, body_class: &str, main: Markup) -> Markup {
        let t = self.t;
        html! {
            (DOCTYPE)
            html lang=(self.lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · veille" }
                    link rel="stylesheet" href="/assets/style.css";
                    link rel="alternate" type="application/atom+xml" title="veille: approved" href="/feeds/approved.atom";
                    script src="/assets/app.js" defer {}
                }
                body class=(body_class) data-lang=(self.lang.code()) {
                    header.top {
                        a.brand href="/" { "veille" }
                        nav {
                            a href="/" { (t.nav_search) }
                            a href="/queue" { (t.nav_queue) }
                            a href="/practices" { (t.nav_practices) }
                            a href="/kits" { (t.nav_kits) }
                            a href="/submit" { (t.nav_submit) }
                            a href="/sources" { (t.nav_sources) }
                            @if let Some(user) = &self.user {
                                span.user { (t.signed_in_as) " " strong { (user.name) } " (" (user.role.as_str()) ")" }
                                button #logout.link type="button" { (t.nav_logout) }
                            } @else {
                                a href={ "/login?next=" (url_escape(&self.here)) } { (t.nav_login) }
                            }
                        }
                        nav.langs aria-label=(t.language) {
                            @for lang in UiLang::ALL {
                                @if lang == self.lang {
                                    strong lang=(lang.code()) { (lang.code()) }
                                } @else {
                                    a href=(self.lang_link(lang)) lang=(lang.code()) hreflang=(lang.code()) title=(lang.name()) { (lang.code()) }
                                }
                            }
                        }
                    }
                    main { (main) }
                }
            }
        }
    }

    /// The page as a response, with the language cookie when chosen now
    /// and headers that keep the page to itself.
    fn respond(&self, status: StatusCode, markup: Markup) -> Response {
        let mut response = html_response(status, markup);
        let headers = response.headers_mut();
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
        if self.remember {
            let cookie = format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                i18n::COOKIE,
                self.lang.code()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.insert(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// An error page: the status and the API's message.
    fn error(&self, err: &ApiError) -> Response {
        let status = err.status();
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), cause = %err, "page failed");
        }
        let heading = match status {
            StatusCode::NOT_FOUND => self.t.not_found,
            s if s.is_server_error() => self.t.server_error,
            _ => self.t.bad_request,
        };
        let main = html! {
            h1 { (heading) }
            p.error role="alert" { (err.to_string()) }
            p { a href="/" { (self.t.nav_search) } }
        };
        self.respond(status, self.layout(heading, "error-page", main))
    }
}

/// A page as a response, with headers that keep it to itself: no script
/// or style from elsewhere, no framing, no sniffing, no referrer outside.
pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

fn url_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn short_date(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

fn when(date: Option<DateTime<Utc>>, never: &str) -> String {
    date.map_or_else(
        || never.to_string(),
        |d| d.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

// --- search -----------------------------------------------------------------

async fn search_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), false);
    let page = Page::for_request(&state, &query, &headers, "/").await;
    let req = match parse_search_params(&query.api_string()) {
        Ok(req) => req,
        Err(e) => return search_error(&page, &query, &e),
    };
    if let Some(chart) = query.get("chart").filter(|c| !CHART_KEYS.contains(c)) {
        let err = ApiError::BadRequest(format!(
            "parameter chart is \"{chart}\": accepted values are {}",
            CHART_KEYS.join(", ")
        ));
        return search_error(&page, &query, &err);
    }
    let (index, store) = (state.index.clone(), state.store.clone());
    let charts = page.user.is_some();
    let found = blocking(move || {
        let results = search(&index, &req)?;
        let practices = if charts && results.total > 0 {
            let filter = veille_store::PracticeFilter {
                theme: req.theme.clone(),
                country: req.country.clone(),
                lang: req.lang.clone(),
                ..Default::default()
            };
            let (_, practices) = store.practices(&filter, 0, PRACTICES_CHARTED)?;
            Some(charts::practice_months(&practices, req.from, req.to))
        } else {
            None
        };
        Ok((results, practices))
    })
    .await;
    match found {
        Ok((results, practices)) => page.respond(
            StatusCode::OK,
            render_search(&page, &query, &results, practices.as_ref()),
        ),
        Err(e) if e.status().is_client_error() => search_error(&page, &query, &e),
        Err(e) => page.error(&e),
    }
}

fn search_error(page: &Page, query: &PageQuery, err: &ApiError) -> Response {
    let main = html! {
        (search_form(page, query))
        p.error role="alert" { (err.to_string()) }
    };
    page.respond(err.status(), page.layout(page.t.search, "search", main))
}

fn search_form(page: &Page, query: &PageQuery) -> Markup {
    let t = page.t;
    let kept: Vec<(&str, &str)> = ["lang", "country", "theme", "source", "status", "chart"]
        .iter()
        .filter_map(|k| query.get(k).map(|v| (*k, v)))
        .collect();
    let sort = query.get("sort").unwrap_or("relevance");
    html! {
        form.search action="/" method="get" role="search" {
            input type="search" name="q" value=(query.get("q").unwrap_or("")) placeholder=(t.search_placeholder) aria-label=(t.search) autofocus;
            @for (k, v) in &kept {
                input type="hidden" name=(k) value=(v);
            }
            button type="submit" { (t.search) }
            details.more open[query.get("from").is_some() || query.get("to").is_some() || query.get("sort").is_some()] {
                summary { (t.sort) " · " (t.from) "/" (t.to) }
                label { (t.sort) " "
                    select name="sort" {
                        option value="relevance" selected[sort == "relevance"] { (t.sort_relevance) }
                        option value="date" selected[sort == "date"] { (t.sort_date) }
                        option value="score" selected[sort == "score"] { (t.sort_score) }
                    }
                }
                label { (t.from) " " input type="date" name="from" value=(query.get("from").unwrap_or("")); }
                label { (t.to) " " input type="date" name="to" value=(query.get("to").unwrap_or("")); }
            }
        }
    }
}

fn render_search(
    page: &Page,
    query: &PageQuery,
    results: &SearchResponse,
    practices: Option<&HistogramBy>,
) -> Markup {
    let t = page.t;
    let search = query.api_string();
    let with_search = |path: &str| {
        if search.is_empty() {
            path.to_string()
        } else {
            format!(
                "{path}{}{search}",
                if path.contains('?') { "&" } else { "?" }
            )
        }
    };
    let pages = (results.total as usize).div_ceil(results.per_page).max(1);
    let last_reachable = crate::params::MAX_RESULT_WINDOW / results.per_page;
    let facets: [(&str, &str, &BTreeMap<String, u64>); 5] = [
        ("status", t.facet_status, &results.facets.status),
        ("theme", t.facet_theme, &results.facets.theme),
        ("lang", t.facet_lang, &results.facets.lang),
        ("country", t.facet_country, &results.facets.country),
        ("source", t.facet_source, &results.facets.source),
    ];
    let main = html! {
        (search_form(page, query))
        @if page.user.is_some() && results.total > 0 {
            (search_charts(page, query, results, practices))
        }
        div.results-layout {
            aside.facets aria-label=(t.filters) {
                @for (key, title, counts) in facets {
                    @if !counts.is_empty() {
                        section.facet data-facet=(key) {
                            h2 { (title) }
                            ul {
                                @for (value, count) in sorted_counts(counts) {
                                    @let label = match key {
                                        "theme" => page.theme(value),
                                        "status" => Status::parse(value)
                                            .map_or_else(|| value.to_string(), |s| page.status(s).to_string()),
                                        _ => value.to_string(),
                                    };
                                    @if query.get(key) == Some(value) {
                                        li.active {
                                            a href=(query.with(key, None)) title=(t.remove_filter) data-value=(value) {
                                                (label) " ✕"
                                            }
                                            " " span.count { (count) }
                                        }
                                    } @else {
                                        li {
                                            a href=(query.with(key, Some(value))) data-value=(value) { (label) }
                                            " " span.count { (count) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.hits {
                p.summary {
                    strong.total { (results.total) } " " (t.results)
                    " · " a href=(with_search("/api/export?format=csv")) download { (t.export_csv) }
                    " · " a href=(with_search("/api/export?format=jsonl")) download { (t.export_jsonl) }
                    " · " a href=(with_search("/feeds/search.atom")) type="application/atom+xml" { (t.feed) }
                }
                @if !results.expansion.is_empty() {
                    p.expansion {
                        (t.expanded) ": "
                        @for (i, (phrase, terms)) in results.expansion.iter().enumerate() {
                            @if i > 0 { " · " }
                            strong { (phrase) } " → " (terms.join(", "))
                        }
                    }
                }
                @if results.hits.is_empty() {
                    p.empty { (t.no_results) }
                }
                ol.hit-list start=((results.page - 1) * results.per_page + 1) {
                    @for hit in &results.hits {
                        li.hit data-id=(hit.id) data-status=(hit.status) {
                            h3 { a href={ "/items/" (hit.id) } { (hit.title) } }
                            p.meta {
                                span.status.{ "status-" (hit.status) } { (page.status(hit.status)) }
                                " · " (hit.source)
                                @if let Some(lang) = &hit.lang { " · " span.lang { (lang) } }
                                @if let Some(published) = &hit.published { " · " time datetime=(published) { (short_date(published)) } }
                                " · " (t.score) " " (format!("{:.2}", hit.candidate_score))
                                @if hit.duplicates > 0 { " · " (t.duplicates) " " (hit.duplicates) }
                            }
                            p.snippet { (PreEscaped(&hit.snippet)) }
                            @if !hit.themes.is_empty() {
                                p.themes {
                                    @for theme in &hit.themes {
                                        a.tag href=(query.with("theme", Some(theme))) { (page.theme(theme)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if pages > 1 {
                    nav.pager aria-label=(t.page) {
                        @if results.page > 1 {
                            a rel="prev" href=(query.page_link(results.page - 1)) { "← " (t.previous) }
                        }
                        span { (t.page) " " (results.page) " / " (pages) }
                        @if results.page < pages && results.page < last_reachable {
                            a rel="next" href=(query.page_link(results.page + 1)) { (t.next) " →" }
                        }
                    }
                }
            }
        }
    };
    let title = match query.get("q") {
        Some(q) => format!("{q} · {}", t.search),
        None => t.search.to_string(),
    };
    page.layout(&title, "search", main)
}

/// The signed-in analysts' pictures of the search: its matches per month
/// split by theme, language or country (`chart=`), and the world map of
/// its countries, each with its figures as a table; every bar segment and
/// country narrows the search.
fn search_charts(
    page: &Page,
    query: &PageQuery,
    results: &SearchResponse,
    practices: Option<&HistogramBy>,
) -> Markup {
    let ct = charts::texts(page.lang);
    let key = query
        .get("chart")
        .filter(|c| CHART_KEYS.contains(c))
        .unwrap_or(CHART_KEYS[0]);
    let months = split_by(&results.histogram_by, key);
    let practice_months = practices
        .map(|by| split_by(by, key))
        .filter(|m| !m.is_empty());
    let label = |value: &str| match key {
        "theme" => page.theme(value),
        "country" => map::country_name(value, page.lang.code())
            .map_or_else(|| value.to_string(), str::to_string),
        _ => value.to_string(),
    };
    let href = |month: &str, value: Option<&str>| {
        let (from, to) = charts::month_bounds(month).unwrap_or_default();
        let mut changes = vec![("from", Some(from.as_str())), ("to", Some(to.as_str()))];
        if let Some(value) = value {
            changes.push((key, Some(value)));
        }
        query.with_all(&changes)
    };
    let countries: Vec<map::MapCountry> = sorted_counts(&results.facets.country)
        .into_iter()
        .map(|(code, count)| map::MapCountry {
            code: code.to_string(),
            count: count as usize,
            href: query.with("country", Some(code)),
        })
        .collect();
    let labels = map::MapLabels {
        title: ct.map_title,
        description: ct.map_description,
        lang: page.lang.code(),
    };
    html! {
        section.charts aria-label=(ct.charts) {
            div.chart-panel {
                h2 { (ct.items_per_month) }
                nav.chart-keys aria-label=(ct.split_by) {
                    (ct.split_by) " "
                    @for (i, k) in CHART_KEYS.iter().enumerate() {
                        @if i > 0 { " · " }
                        @let name = match *k { "lang" => ct.by_lang, "country" => ct.by_country, _ => ct.by_theme };
                        @if *k == key {
                            strong aria-current="true" { (name) }
                        } @else {
                            a href=(query.with("chart", Some(k))) { (name) }
                        }
                    }
                }
                (charts::stacked_months(ct, map::Counted::Items, key, months, label, href))
            }
            @if let Some(practice_months) = practice_months {
                div.chart-panel {
                    h2 { (ct.practices_per_month) }
                    (charts::stacked_months(ct, map::Counted::Practices, key, practice_months, label, href))
                }
            }
            @if !countries.is_empty() {
                div.chart-panel {
                    h2 { (ct.map_title) }
                    (map::world_map_of(&countries, &[], &labels, map::Counted::Items))
                    details.chart-table {
                        summary { (ct.as_table) }
                        table.figures {
                            caption { (ct.map_title) }
                            thead { tr { th scope="col" { (ct.country) } th.num scope="col" { (ct.items) } } }
                            tbody {
                                @for c in &countries {
                                    tr {
                                        th scope="row" {
                                            a href=(c.href) { (map::country_name(&c.code, page.lang.code()).unwrap_or(&c.code)) }
                                        }
                                        td.num { (c.count) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The months split by `key` (`theme`, `lang` or `country`).
fn split_by<'a>(by: &'a HistogramBy, key: &str) -> &'a BTreeMap<String, BTreeMap<String, u64>> {
    match key {
        "lang" => &by.lang,
        "country" => &by.country,
        _ => &by.theme,
    }
}

fn sorted_counts(counts: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

// --- item -------------------------------------------------------------------

async fn item_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let Ok(Path(id)) = id else {
        let page = Page::new(&query, &headers, "/items");
        return page.error(&ApiError::BadRequest(
            "item id in the path is not valid".into(),
        ));
    };
    let page = Page::for_request(&state, &query, &headers, &format!("/items/{id}")).await;
    let store = state.store.clone();
    let data = blocking(move || {
        find_view(&store, &id)?.ok_or_else(|| {
            ApiError::NotFound(format!(
                "no item with id {:?}: items are reached from the search page",
                id.chars().take(64).collect::<String>()
            ))
        })
    })
    .await;
    match data {
        Ok(data) => page.respond(StatusCode::OK, render_item(&page, &data)),
        Err(e) => page.error(&e),
    }
}

fn render_item(page: &Page, data: &ItemView) -> Markup {
    let t = page.t;
    let item = &data.item;
    let c = &item.candidate;
    let status = item.status();
    let main = html! {
        article.item data-id=(item.id) data-status=(status.as_str()) data-version=(data.version) {
            h1 { (item.title) }
            p.meta {
                span.status.{ "status-" (status.as_str()) } data-role="status" { (page.status(status)) }
                " · " a.original href=(item.url) rel="noopener noreferrer" { (t.original) " ↗" }
            }
            (review_controls(page, item))
            @if status == Status::Approved {
                form.make-practice method="post" action="/practices" {
                    input type="hidden" name="item" value=(item.id);
                    button type="submit" { (page.t.make_practice) }
                }
            }
            div.item-layout {
                section.record {
                    dl {
                        dt { (t.source) } dd { a href={ "/?source=" (url_escape(&item.source_id)) } { (item.source_id) } }
                        @if let Some(published) = item.published {
                            dt { (t.published) } dd { time datetime=(published.to_rfc3339()) { (published.format("%Y-%m-%d")) } }
                        }
                        @if let Some(author) = &item.author { dt { (t.author) } dd { (author) } }
                        @if let Some(lang) = &item.lang { dt { (t.item_language) } dd { (lang) } }
                        @if let Some(country) = &item.country { dt { (t.country) } dd { (country) } }
                        dt { (t.score) } dd.score { (format!("{:.2}", c.score)) }
                        @if !c.themes.is_empty() {
                            dt { (t.themes) }
                            dd.themes {
                                @for theme in &c.themes {
                                    a.tag href={ "/?theme=" (url_escape(theme)) } data-theme=(theme) { (page.theme(theme)) }
                                }
                            }
                        }
                        @if !c.places.is_empty() {
                            dt { (t.places) }
                            dd.places {
                                @for (i, place) in c.places.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (place.name)
                                    @if let Some(country) = &place.country { " (" (country) ")" }
                                }
                            }
                        }
                        @if !c.kinds.is_empty() { dt { (t.kinds) } dd { (c.kinds.join(", ")) } }
                        @if !c.organizations.is_empty() { dt { (t.organizations) } dd { (c.organizations.join(", ")) } }
                        @if let Some(year) = c.year { dt { (t.year) } dd { (year) } }
                        @if !c.evidence.is_empty() {
                            dt { (t.evidence) }
                            dd.evidence { @for phrase in &c.evidence { mark { (phrase) } " " } }
                        }
                    }
                    @if let Some(summary) = &c.summary {
                        h2 { (t.summary) }
                        p.summary-text { (summary) }
                    }
                    (edit_form(page, item))
                    h2 { (t.text) }
                    div.text lang=[item.lang.as_deref()] {
                        @for paragraph in highlight(&item.text, &c.evidence).split("\n\n") {
                            @if !paragraph.trim().is_empty() {
                                p { (PreEscaped(paragraph.replace('\n', "<br>"))) }
                            }
                        }
                    }
                }
                aside.side {
                    section.duplicates {
                        h2 { (t.duplicates) }
                        @if data.duplicates.is_empty() {
                            p { (t.no_duplicates) }
                        } @else {
                            ul {
                                @for dup in &data.duplicates {
                                    li { a href={ "/items/" (dup.id) } { (dup.title) } " · " (dup.source_id) }
                                }
                            }
                        }
                    }
                    section.history {
                        h2 { (t.history) }
                        @if data.history.is_empty() {
                            @match &item.review {
                                Some(review) => p { (page.status(review.decision.into())) " " (t.reviewed_by) " " (review.curator) " · " (when(Some(review.at), t.never)) },
                                None => p { (t.not_reviewed) },
                            }
                        } @else {
                            ol.history-list {
                                @for entry in data.history.iter().rev() {
                                    li {
                                        strong { (entry.action) } " " (t.reviewed_by) " " (entry.actor) " · " (when(Some(entry.at), t.never))
                                        (audit_change(page, entry))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page.layout(&item.title, "item-page", main)
}

/// The form that corrects the practice record (`PATCH /api/items/{id}` with
/// the version shown, sent by app.js; `e` on the queue opens it).
fn edit_form(page: &Page, item: &Item) -> Markup {
    let t = page.t;
    let c = &item.candidate;
    html! {
        details.edit id="edit" {
            summary { (t.edit_record) }
            form.edit-form data-id=(item.id) {
                label { (t.title_field) input type="text" name="title" value=(item.title); }
                label { (t.summary) textarea name="summary" rows="4" { (c.summary.as_deref().unwrap_or("")) } }
                label { (t.themes) input type="text" name="themes" value=(c.themes.join(", ")); }
                label { (t.kinds) input type="text" name="kinds" value=(c.kinds.join(", ")); }
                label { (t.organizations) input type="text" name="organizations" value=(c.organizations.join(", ")); }
                label { (t.year) input type="number" name="year" value=[c.year]; }
                p.help { (t.edit_help) }
                button type="submit" { (t.save) }
                span.message data-conflict=(t.edit_conflict) {}
            }
        }
    }
}

/// What an audit entry changed, in a line: the decision, the fields.
fn audit_change(page: &Page, entry: &AuditEntry) -> Markup {
    let decision = entry
        .after
        .get("review")
        .and_then(|r| r.get("decision"))
        .and_then(|d| d.as_str())
        .map(|d| page.status(Decision::parse(d).map_or(Status::Unreviewed, Status::from)));
    let fields: Vec<String> = entry
        .after
        .get("corrections")
        .and_then(|c| c.as_object())
        .map(|o| {
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    let note = entry
        .after
        .get("review")
        .and_then(|r| r.get("note"))
        .and_then(|n| n.as_str());
    html! {
        @if let Some(decision) = decision { " → " span.decision { (decision) } }
        @if !fields.is_empty() { " (" (fields.join(", ")) ")" }
        @if let Some(note) = note { br; q { (note) } }
    }
}

/// Approve / reject buttons (the script sends them to the JSON API).
fn review_controls(page: &Page, item: &Item) -> Markup {
    let t = page.t;
    html! {
        div.review-controls data-id=(item.id)
            data-msg-approved=(t.saved_approved) data-msg-rejected=(t.saved_rejected)
            data-msg-forbidden=(t.not_allowed) data-msg-login=(t.sign_in_first)
            data-label-approved=(t.status_approved) data-label-rejected=(t.status_rejected) {
            label.note { (t.note) " " input type="text" name="note" maxlength="2000"; }
            button type="button" data-decision="approve" { (t.approve) " (a)" }
            button type="button" data-decision="reject" { (t.reject) " (r)" }
            p.message role="status" aria-live="polite" {}
        }
    }
}

// --- queue ------------------------------------------------------------------

async fn queue_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    // `offset`: where in the queue the cards start (the page fetches the
    // next ones as the curator goes; a bad value is the start).
    let offset = query
        .pairs
        .iter()
        .find(|(k, _)| k == "offset")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(0);
    // `order`: best first (the default) or uncertain first.
    let order = query
        .pairs
        .iter()
        .find(|(k, _)| k == "order")
        .and_then(|(_, v)| QueueOrder::parse(v))
        .unwrap_or_default();
    let page = Page::for_request(&state, &query, &headers, "/queue").await;
    let store = state.store.clone();
    match blocking(move || Ok(store.queue_in(order, offset, QUEUE_BATCH)?)).await {
        Ok(queue) => page.respond(
            StatusCode::OK,
            render_queue(&page, order, queue.total, &queue.entries),
        ),
        Err(e) => page.error(&e),
    }
}

fn render_queue(page: &Page, order: QueueOrder, total: u64, entries: &[QueueEntry]) -> Markup {
    let t = page.t;
    let main = html! {
        h1 { (t.queue) " " span.count { (total) } }
        nav.queue-order {
            @for (o, label, href) in [(QueueOrder::Best, t.queue_best, "/queue"), (QueueOrder::Uncertain, t.queue_uncertain, "/queue?order=uncertain")] {
                @if o == order { strong aria-current="page" { (label) } } @else { a href=(href) { (label) } }
                " "
            }
        }
        p.help { kbd { "j" } " " kbd { "k" } " " kbd { "a" } " " kbd { "r" } " " kbd { "e" } " — " (t.queue_help) }
        @if entries.is_empty() {
            p.empty { (t.queue_empty) }
        }
        div #queue data-total=(total) data-of=(t.of) {
            @for (i, entry) in entries.iter().enumerate() {
                @let item = &entry.item;
                @let c = &item.candidate;
                section.card data-id=(item.id) data-index=(i) data-status=(item.status().as_str()) hidden[i > 0] {
                    p.position { span.n { (i + 1) } " " (t.of) " " (total) }
                    h2 { a href={ "/items/" (item.id) } { (item.title) } }
                    p.meta {
                        span.status.{ "status-" (item.status().as_str()) } data-role="status" { (page.status(item.status())) }
                        " · " (item.source_id)
                        @if let Some(lang) = &item.lang { " · " (lang) }
                        " · " (t.score) " " (format!("{:.2}", c.score))
                        @if entry.duplicates > 0 { " · " (t.duplicates) " " (entry.duplicates) }
                        @if let Some(by) = &entry.submitted_by { " · " span.submitted { (t.submitted_by) " " strong { (by) } } }
                        " · " a href=(item.url) rel="noopener noreferrer" { (t.original) " ↗" }
                    }
                    @if !c.themes.is_empty() {
                        p.themes { @for theme in &c.themes { span.tag { (page.theme(theme)) } } }
                    }
                    @if let Some(summary) = &c.summary { p.summary-text { (summary) } }
                    @if !c.signals.is_empty() {
                        p.signals {
                            (t.signals) ": "
                            @for s in c.signals.iter().take(QUEUE_SIGNALS) {
                                span.signal.{ @if s.weight >= 0.0 { "for" } @else { "against" } } title=(s.kind) {
                                    (s.phrase) " " (format!("{:+.1}", s.weight))
                                }
                                " "
                            }
                        }
                    }
                    div.text.excerpt lang=[item.lang.as_deref()] {
                        @let excerpt = excerpt(&item.text, 1500);
                        @for paragraph in highlight(&excerpt, &c.evidence).split("\n\n") {
                            @if !paragraph.trim().is_empty() { p { (PreEscaped(paragraph.replace('\n', "<br>"))) } }
                        }
                    }
                    (review_controls(page, item))
                }
            }
        }
    };
    page.layout(t.queue, "queue-page", main)
}

/// The first `max` characters of a text, cut at a paragraph or a word.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let end = cut
        .rfind("\n\n")
        .filter(|i| *i > max / 2)
        .or_else(|| cut.rfind(char::is_whitespace))
        .unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end())
}

// --- sources ----------------------------------------------------------------

async fn sources_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/sources").await;
    let configured = state
        .sources
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    let (store, index) = (state.store.clone(), state.index.clone());
    let data = blocking(move || {
        let health = store.source_health()?;
        let mondays = charts::last_weeks(Utc::now().date_naive());
        let activity = store.source_weeks(mondays[0])?;
        let approved = index
            .search(&veille_indexer::search::SearchRequest {
                status: Some(Status::Approved),
                per_page: 1,
                ..Default::default()
            })?
            .facets
            .source
            .clone();
        Ok((health, approved, mondays, activity))
    })
    .await;
    let (health, approved, mondays, activity) = match data {
        Ok(data) => data,
        Err(e) => return page.error(&e),
    };
    let mut views: Vec<SourceView> = configured
        .into_iter()
        .map(|source| {
            let h = health.iter().find(|h| h.source_id == source.id);
            SourceView::new(source, h)
        })
        .collect();
    // Failing first, then by name.
    views.sort_by(|a, b| {
        (a.status != "failing")
            .cmp(&(b.status != "failing"))
            .then_with(|| a.source.name.cmp(&b.source.name))
    });
    let weeks: BTreeMap<String, Vec<veille_store::SourceWeek>> = views
        .iter()
        .map(|v| {
            let id = v.source.id.clone();
            let weeks = charts::weeks_of(&id, &mondays, &activity);
            (id, weeks)
        })
        .collect();
    page.respond(
        StatusCode::OK,
        render_sources(&page, &views, &approved, &weeks),
    )
}

fn render_sources(
    page: &Page,
    views: &[SourceView],
    approved: &BTreeMap<String, u64>,
    weeks: &BTreeMap<String, Vec<veille_store::SourceWeek>>,
) -> Markup {
    let t = page.t;
    let ct = charts::texts(page.lang);
    let main = html! {
        h1 { (t.sources) " " span.count { (views.len()) } }
        p { a href="/sources/suggestions" { (suggestions::texts(page.lang).link) } }
        div.table-wrap {
            table.sources {
                thead { tr {
                    th { (t.source) } th { (t.health) } th { (t.last_success) } th { (t.last_error) }
                    th { (ct.last_weeks) }
                    th.num { (t.items) } th.num { (t.approved_items) }
                } }
                tbody {
                    @for (i, v) in views.iter().enumerate() {
                        tr data-source=(v.source.id) data-status=(v.status) {
                            td {
                                a href={ "/?source=" (url_escape(&v.source.id)) } { (v.source.name) }
                                br; small { (v.source.id) " · " (v.source.kind) @if let Some(c) = &v.source.country { " · " (c) } }
                            }
                            td { span.{ "health-" (v.status) } {
                                (match v.status { "ok" => t.health_ok, "failing" => t.health_failing, _ => t.health_never })
                                @if v.consecutive_failures > 0 { " (" (v.consecutive_failures) ")" }
                            } }
                            td { (when(v.last_success, t.never)) }
                            td.error-text { (v.last_error.as_deref().unwrap_or("")) }
                            td.weeks {
                                @if let Some(weeks) = weeks.get(&v.source.id) {
                                    (charts::weekly_pairs(ct, &format!("s{i}"), &v.source.name, weeks))
                                }
                            }
                            td.num { (v.item_count) }
                            td.num { (approved.get(&v.source.id).copied().unwrap_or(0)) }
                        }
                    }
                }
            }
        }
    };
    page.layout(t.sources, "sources-page", main)
}

// --- login ------------------------------------------------------------------

async fn login_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/login").await;
    // Only a path on this site: never an open redirect.
    let next = query
        .get("next")
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or("/queue");
    let t = page.t;
    let main = html! {
        h1 { (t.login) }
        form #login-form.login method="post" action="/api/login" data-next=(next) data-msg-failed=(t.login_failed) {
            label { (t.username) input type="text" name="name" autocomplete="username" required autofocus; }
            label { (t.password) input type="password" name="password" autocomplete="current-password" required; }
            button type="submit" { (t.sign_in) }
            p.message role="alert" {}
        }
    };
    page.respond(StatusCode::OK, page.layout(t.login, "login-page", main))
}

#[cfg(test)]
mod tests;
