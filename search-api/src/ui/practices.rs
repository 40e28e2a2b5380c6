//! The practice records' pages, which work without JavaScript:
//! - `/practices`: the records, newest change first;
//! - `POST /practices` (a form on an approved item's page): files a record
//!   drafted from the item and goes to it;
//! - `/practices/{id}`: the record (each field in each language, the
//!   sentence it was pre-filled from, figures, places, sources, history)
//!   and its form; `POST /practices/{id}` saves the form with the version
//!   it was read at, and a stale one shows the record as it is now (409).
//!
//! Writes need a curator's session (or token), as the API's; a session
//! cookie's write from another site's page is refused there.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use veille_store::{
    Practice, PracticeAuditEntry, PracticeDraft, PracticeEdit, PracticeFilter,
    PracticeOrganization, PracticeStatus, PracticeText, PRACTICE_FIELDS,
};

use super::{url_escape, when, Page, PageQuery};
use crate::auth::{require, Need};
use crate::error::ApiError;
use crate::{blocking, ApiState};

/// Records listed on the page, at most.
const LISTED: usize = 200;

impl Page {
    pub(super) fn practice_status(&self, s: PracticeStatus) -> &'static str {
        match s {
            PracticeStatus::Draft => self.t.practice_draft,
            PracticeStatus::Published => self.t.practice_published,
            PracticeStatus::Withdrawn => self.t.practice_withdrawn,
        }
    }

    fn field(&self, field: &str) -> &'static str {
        match field {
            "challenge" => self.t.field_challenge,
            "approach" => self.t.field_approach,
            "results" => self.t.field_results,
            _ => self.t.field_conditions,
        }
    }
}

pub(super) async fn list_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/practices").await;
    let store = state.store.clone();
    let listed =
        blocking(move || Ok(store.practices(&PracticeFilter::default(), 0, LISTED)?)).await;
    match listed {
        Ok((total, practices)) => {
            page.respond(StatusCode::OK, render_list(&page, total, &practices))
        }
        Err(e) => page.error(&e),
    }
}

fn render_list(page: &Page, total: usize, practices: &[Practice]) -> Markup {
    let t = page.t;
    let main = html! {
        h1 { (t.nav_practices) " (" (total) ")" }
        @if practices.is_empty() {
            p.empty { (t.no_practices) }
        } @else {
            table.practices {
                thead { tr { th { (t.practice_name) } th { (t.practice_status) } th { (t.places) } th { (t.themes) } th { (t.texts_by_language) } th { (t.updated) } } }
                tbody {
                    @for p in practices {
                        tr data-id=(p.id) {
                            td { a href={ "/practices/" (p.id) } { (p.record.name) } }
                            td { (page.practice_status(p.record.status)) }
                            td { (p.record.places.iter().map(|pl| pl.name.as_str()).collect::<Vec<_>>().join(", ")) }
                            td { (p.record.themes.iter().map(|th| page.theme(th)).collect::<Vec<_>>().join(", ")) }
                            td { (p.languages.join(", ")) }
                            td { (when(Some(p.updated_at), t.never)) }
                        }
                    }
                }
            }
        }
    };
    page.layout(t.nav_practices, "practices-page", main)
}

/// The pairs of a form body.
pub(super) fn form(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(super) fn value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

pub(super) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// The version a form was read at.
pub(super) fn form_version(pairs: &[(String, String)]) -> Result<i64, ApiError> {
    value(pairs, "version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| ApiError::BadRequest("the form has no version".into()))
}

/// `POST /practices`: a record from the approved item of the form.
pub(super) async fn create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/practices").await;
    let curator = match require(&state, &headers, Need::Write).await {
        Ok(p) => p.name,
        Err(e) => return page.error(&e),
    };
    let pairs = form(&body);
    let Some(item_id) = value(&pairs, "item").map(str::to_string) else {
        return page.error(&ApiError::BadRequest("the form names no item".into()));
    };
    let store = state.store.clone();
    let made = blocking(move || {
        crate::practices::file_from_items(&store, std::slice::from_ref(&item_id), None, &curator)
    })
    .await;
    match made {
        Ok(p) => see_other(&format!("/practices/{}", p.id)),
        Err(e) => page.error(&e),
    }
}

pub(super) async fn record_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (query, page, id) = match record_request(&state, &headers, id, raw).await {
        Ok(opened) => opened,
        Err(response) => return *response,
    };
    let saved = query.get("saved").is_some();
    let store = state.store.clone();
    match blocking(move || load(&store, &id)).await {
        Ok((p, history)) => {
            let note = saved.then_some(page.t.practice_saved);
            page.respond(StatusCode::OK, render_record(&page, &p, &history, note))
        }
        Err(e) => page.error(&e),
    }
}

/// A record page's query, page and practice id (or the error page of a
/// bad id).
async fn record_request(
    state: &ApiState,
    headers: &HeaderMap,
    id: Result<Path<String>, PathRejection>,
    raw: Option<String>,
) -> Result<(PageQuery, Page, String), Box<Response>> {
    let query = PageQuery::parse(raw.as_deref(), true);
    let Ok(Path(id)) = id else {
        let page = Page::new(&query, headers, "/practices");
        return Err(Box::new(page.error(&ApiError::BadRequest(
            "practice id in the path is not valid".into(),
        ))));
    };
    let page = Page::for_request(state, &query, headers, &format!("/practices/{id}")).await;
    Ok((query, page, id))
}

fn load(
    store: &veille_store::Store,
    id: &str,
) -> Result<(Practice, Vec<PracticeAuditEntry>), ApiError> {
    let view = crate::practices::view(store, id)?;
    Ok((view.practice, view.history))
}

/// `POST /practices/{id}`: the form saved.
pub(super) async fn save(
    State(state): State<ApiState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let (_, page, id) = match record_request(&state, &headers, id, raw).await {
        Ok(opened) => opened,
        Err(response) => return *response,
    };
    let curator = match require(&state, &headers, Need::Write).await {
        Ok(p) => p.name,
        Err(e) => return page.error(&e),
    };
    let pairs = form(&body);
    let store = state.store.clone();
    let id2 = id.clone();
    let outcome = blocking(move || {
        let (current, _) = load(&store, &id2)?;
        let version = form_version(&pairs)?;
        let draft = from_form(&current.record, &pairs)?;
        Ok(store.update_practice(&id2, version, &draft, &curator)?)
    })
    .await;
    match outcome {
        Ok(PracticeEdit::Done(_)) => see_other(&format!("/practices/{id}?saved=1")),
        Ok(PracticeEdit::NotFound) => page.error(&ApiError::NotFound(format!("no practice {id}"))),
        Ok(PracticeEdit::Stale(now)) => {
            let store = state.store.clone();
            let history =
                blocking(move || Ok(store.practice_history(&now.id).map(|h| (now, h))?)).await;
            match history {
                Ok((now, h)) => page.respond(
                    StatusCode::CONFLICT,
                    render_record(&page, &now, &h, Some(page.t.practice_stale)),
                ),
                Err(e) => page.error(&e),
            }
        }
        Err(e) => page.error(&e),
    }
}

/// The record the form describes: its fields over the current record
/// (organizations keep their kinds by name; places, figures and sources
/// are not in the form and stay).
fn from_form(
    current: &PracticeDraft,
    pairs: &[(String, String)],
) -> Result<PracticeDraft, ApiError> {
    let mut d = current.clone();
    let list = |key: &str| -> Vec<String> {
        value(pairs, key)
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let optional = |key: &str| {
        value(pairs, key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    if let Some(name) = value(pairs, "name") {
        d.name = name.trim().to_string();
    }
    if let Some(s) = value(pairs, "status") {
        d.status = PracticeStatus::parse(s).ok_or_else(|| {
            ApiError::BadRequest(format!("status {s:?} is not draft, published or withdrawn"))
        })?;
    }
    d.start_year = match optional("start_year") {
        None => None,
        Some(y) => Some(
            y.parse()
                .map_err(|_| ApiError::BadRequest(format!("year {y:?} is not a year")))?,
        ),
    };
    d.website = optional("website");
    d.contact = optional("contact");
    d.themes = list("themes");
    d.organizations = list("organizations")
        .into_iter()
        .map(|name| PracticeOrganization {
            kinds: current
                .organizations
                .iter()
                .find(|o| o.name == name)
                .map(|o| o.kinds.clone())
                .unwrap_or_default(),
            name,
        })
        .collect();
    // Texts: `text:{field}:{lang}`, and a new language's `new:{field}`.
    let mut texts: Vec<PracticeText> = Vec::new();
    let new_lang = optional("new_lang").map(|l| l.to_ascii_lowercase());
    for (k, v) in pairs {
        let (field, lang) = if let Some(rest) = k.strip_prefix("text:") {
            match rest.split_once(':') {
                Some((f, l)) => (f.to_string(), l.to_string()),
                None => continue,
            }
        } else if let (Some(f), Some(l)) = (k.strip_prefix("new:"), new_lang.as_ref()) {
            (f.to_string(), l.clone())
        } else {
            continue;
        };
        let text = v.trim();
        if text.is_empty() {
            continue;
        }
        let before = current
            .texts
            .iter()
            .find(|t| t.field == field && t.lang == lang);
        let unchanged = before.is_some_and(|b| b.text == text);
        texts.push(PracticeText {
            field,
            lang,
            text: text.to_string(),
            evidence: before.and_then(|b| b.evidence.clone()),
            reviewed: !unchanged || before.is_some_and(|b| b.reviewed),
        });
    }
    d.texts = texts;
    Ok(d)
}

fn render_record(
    page: &Page,
    p: &Practice,
    history: &[PracticeAuditEntry],
    note: Option<&str>,
) -> Markup {
    let t = page.t;
    let r = &p.record;
    let mut langs = p.languages.clone();
    if langs.is_empty() {
        langs.push(page.lang.code().to_string());
    }
    let text_of =
        |field: &str, lang: &str| r.texts.iter().find(|x| x.field == field && x.lang == lang);
    let main = html! {
        article.practice data-id=(p.id) data-version=(p.version) data-status=(r.status.as_str()) {
            h1 { (r.name) }
            p.meta { span.status { (page.practice_status(r.status)) } " · " (t.updated) " " (when(Some(p.updated_at), t.never)) " · " a href={ "/api/practices/" (p.id) "?format=jsonld" } { "JSON-LD" } }
            @if let Some(note) = note { p.message role="status" { (note) } }
            div.item-layout {
                section.record {
                    dl {
                        @if !r.organizations.is_empty() { dt { (t.organizations) } dd { (r.organizations.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", ")) } }
                        @if !r.places.is_empty() {
                            dt { (t.places) }
                            dd.places {
                                @for (i, pl) in r.places.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (pl.name) @if let Some(c) = &pl.country { " (" (c) ")" }
                                    @if let (Some(lat), Some(lon)) = (pl.lat, pl.lon) { " " small.coords { (format!("{lat:.2}, {lon:.2}")) } }
                                }
                            }
                        }
                        @if let Some(y) = r.start_year { dt { (t.year) } dd { (y) } }
                        @if !r.themes.is_empty() { dt { (t.themes) } dd.themes { @for th in &r.themes { span.tag data-theme=(th) { (page.theme(th)) } " " } } }
                        @if let Some(w) = &r.website { dt { (t.website) } dd { (w) } }
                        @if let Some(c) = &r.contact { dt { (t.contact) } dd { (c) } }
                    }
                    h2 { (t.texts_by_language) }
                    table.field-languages {
                        thead { tr { th {} @for l in &langs { th { (l) } } } }
                        tbody {
                            @for f in PRACTICE_FIELDS {
                                tr { th scope="row" { (page.field(f)) } @for l in &langs { td { @if text_of(f, l).is_some() { "✓" } @else { "—" } } } }
                            }
                        }
                    }
                    @for f in PRACTICE_FIELDS {
                        @for l in &langs {
                            @if let Some(x) = text_of(f, l) {
                                section.field data-field=(f) lang=(l) {
                                    h3 { (page.field(f)) " (" (l) ")" }
                                    p { (x.text) }
                                    @if let Some(ev) = &x.evidence {
                                        @if !x.reviewed { p.evidence { small { (t.from_sentence) " " a href={ "/items/" (url_escape(&ev.item_id)) } { (ev.item_id.chars().take(8).collect::<String>()) } } } }
                                    }
                                }
                            }
                        }
                    }
                    @if !r.figures.is_empty() {
                        h2 { (t.figures) }
                        ul.figures { @for fig in &r.figures { li { (fig.text) " " small { "(" (fig.unit) ")" } } } }
                    }
                    h2 { (t.practice_sources) }
                    ul.sources { @for s in &r.sources { li { a href={ "/items/" (url_escape(&s.item_id)) } { (s.title) } " · " a href=(s.url) rel="noopener noreferrer" { (t.original) " ↗" } } } }
                    (record_form(page, p, &langs))
                }
                aside.side {
                    section.history {
                        h2 { (t.history) }
                        ol.history-list {
                            @for h in history.iter().rev() {
                                li { strong { (h.action) } " " (t.reviewed_by) " " (h.actor) " · " (when(Some(h.at), t.never)) }
                            }
                        }
                    }
                }
            }
        }
    };
    page.layout(&r.name, "practice-page", main)
}

fn record_form(page: &Page, p: &Practice, langs: &[String]) -> Markup {
    let t = page.t;
    let r = &p.record;
    let text_of = |field: &str, lang: &str| {
        r.texts
            .iter()
            .find(|x| x.field == field && x.lang == lang)
            .map(|x| x.text.as_str())
            .unwrap_or("")
    };
    html! {
        details.edit id="edit" open {
            summary { (t.edit_record) }
            form.practice-form method="post" action={ "/practices/" (p.id) } {
                input type="hidden" name="version" value=(p.version);
                label { (t.practice_name) input type="text" name="name" required maxlength="300" value=(r.name); }
                label { (t.practice_status)
                    select name="status" {
                        @for s in PracticeStatus::ALL {
                            option value=(s.as_str()) selected[s == r.status] { (page.practice_status(s)) }
                        }
                    }
                }
                label { (t.organizations) input type="text" name="organizations" value=(r.organizations.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", ")); }
                label { (t.themes) input type="text" name="themes" value=(r.themes.join(", ")); }
                label { (t.year) input type="number" name="start_year" min="1800" max="2100" value=[r.start_year]; }
                label { (t.website) input type="text" name="website" value=[r.website.as_deref()]; }
                label { (t.contact) input type="text" name="contact" value=[r.contact.as_deref()]; }
                @for l in langs {
                    fieldset lang=(l) {
                        legend { (l) }
                        @for f in PRACTICE_FIELDS {
                            label { (page.field(f)) textarea name={ "text:" (f) ":" (l) } rows="3" { (text_of(f, l)) } }
                        }
                    }
                }
                fieldset.new-translation {
                    legend { (t.add_translation) " " input type="text" name="new_lang" size="2" maxlength="2" pattern="[a-z]{2}" aria-label=(t.add_translation); }
                    @for f in PRACTICE_FIELDS {
                        label { (page.field(f)) textarea name={ "new:" (f) } rows="2" {} }
                    }
                }
                p.help { (t.practice_help) }
                button type="submit" { (t.save) }
            }
        }
    }
}

#[cfg(test)]
mod tests;
