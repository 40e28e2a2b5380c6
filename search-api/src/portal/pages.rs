//! The portal's HTML pages (maud, which escapes every value): the home,
//! a record, a theme, a country, the search and the map, each with its
//! `hreflang` alternates in every language, Open Graph tags, and no
//! script (a record's JSON-LD is data, not a script).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Extension;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;
use veille_indexer::practice::{kind_label, theme_ids, theme_label};
use veille_store::{Practice, PRACTICE_FIELDS};

use super::cache::countries;
use super::texts::language_name;
use super::{answer, Cache, Lang, Request, Snapshot, HTML, LATEST, PER_PAGE};
use crate::ui::map::{country_name, world_map, MapCity, MapCountry, MapLabels};
use crate::{blocking, ApiState};

/// A portal path in `lang`: `/portal/{lang}{tail}`.
pub(crate) fn url(lang: Lang, tail: &str) -> String {
    format!("/portal/{}{tail}", lang.code())
}

/// A theme's label in `lang`, or its id.
pub(crate) fn theme_name(id: &str, lang: Lang) -> String {
    theme_label(id, lang.code()).unwrap_or(id).to_string()
}

/// A country's name in `lang`, or its code.
pub(crate) fn country_label(code: &str, lang: Lang) -> String {
    country_name(code, lang.code()).unwrap_or(code).to_string()
}

/// Characters of a record's summary on cards and in Open Graph.
const SUMMARY_CHARS: usize = 240;

/// A record's texts of `field`: those in `lang` if there are any, else all
/// of them.
fn texts_of<'a>(p: &'a Practice, field: &str, lang: Lang) -> Vec<&'a veille_store::PracticeText> {
    let all: Vec<_> = p
        .record
        .texts
        .iter()
        .filter(|t| t.field == field && !t.text.trim().is_empty())
        .collect();
    let own: Vec<_> = all
        .iter()
        .copied()
        .filter(|t| t.lang == lang.code())
        .collect();
    if own.is_empty() {
        all
    } else {
        own
    }
}

/// What a card and Open Graph say of a record: the beginning of its
/// approach (or challenge, or results), preferably in `lang`.
pub(crate) fn summary(p: &Practice, lang: Lang) -> String {
    PRACTICE_FIELDS
        .iter()
        .find_map(|f| texts_of(p, f, lang).first().map(|t| t.text.clone()))
        .map(|text| crate::feeds::beginning(&text, SUMMARY_CHARS))
        .unwrap_or_default()
}

/// Whether `url` may be a link: only http and https (never `javascript:`).
fn linkable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// What goes in a page's `head` beside the common part.
pub(crate) struct Head {
    pub title: String,
    pub description: String,
    /// The path after `/portal/{lang}` (with its query), the same in
    /// every language.
    pub tail: String,
    pub og_type: &'static str,
    pub json_ld: Option<Value>,
    /// A feed of the page's records: (path after `/portal/{lang}`, title).
    pub feed: Option<(String, &'static str)>,
    /// Search results are not for search engines.
    pub noindex: bool,
}

impl Head {
    /// The head of an ordinary page (a `website` for Open Graph, no JSON-LD,
    /// no feed of its own, open to search engines); the others change a
    /// field or two of it.
    pub(crate) fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        tail: impl Into<String>,
    ) -> Head {
        Head {
            title: title.into(),
            description: description.into(),
            tail: tail.into(),
            og_type: "website",
            json_ld: None,
            feed: None,
            noindex: false,
        }
    }
}

/// JSON-LD as the content of a `script` element: the JSON with `<`, `>`
/// and `&` written as `\u003c`, `\u003e`, `\u0026` (JSON allows it), so
/// that nothing in a record's text can end the element. This is the one
/// place the portal writes unescaped markup, and what it writes is JSON
/// made safe for it.
pub(crate) fn json_ld_script(value: &Value) -> Markup {
    let json = value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    html! { script type="application/ld+json" { (PreEscaped(json)) } }
}

/// The whole document around `main`.
pub(crate) fn layout(lang: Lang, base: &str, head: &Head, main: Markup) -> Markup {
    let t = lang.texts();
    let here = |l: Lang| format!("{base}{}", url(l, &head.tail));
    let x_default = if head.tail == "/" {
        format!("{base}/portal/")
    } else {
        here(Lang::En)
    };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (head.title) " · " (t.site) }
                @if !head.description.is_empty() {
                    meta name="description" content=(head.description);
                }
                @if head.noindex {
                    meta name="robots" content="noindex";
                }
                link rel="canonical" href=(here(lang));
                @for l in Lang::ALL {
                    link rel="alternate" hreflang=(l.code()) href=(here(l));
                }
                link rel="alternate" hreflang="x-default" href=(x_default);
                meta property="og:site_name" content="veille";
                meta property="og:title" content=(head.title);
                meta property="og:type" content=(head.og_type);
                meta property="og:url" content=(here(lang));
                @if !head.description.is_empty() {
                    meta property="og:description" content=(head.description);
                }
                meta property="og:locale" content=(lang.locale());
                @for l in Lang::ALL.into_iter().filter(|l| *l != lang) {
                    meta property="og:locale:alternate" content=(l.locale());
                }
                link rel="alternate" type="application/atom+xml" title=(t.feed) href=(url(lang, "/feed.atom"));
                @if let Some((feed, title)) = &head.feed {
                    link rel="alternate" type="application/atom+xml" title=(title) href=(url(lang, feed));
                }
                link rel="stylesheet" href="/portal/assets/portal.css";
                @if let Some(ld) = &head.json_ld {
                    (json_ld_script(ld))
                }
            }
            body {
                a.skip href="#content" { (t.skip) }
                (banner(lang, &head.tail))
                main #content tabindex="-1" { (main) }
                footer.bottom {
                    p {
                        a href=(url(lang, "/feed.atom")) { (t.feed) }
                        @if let Some((feed, title)) = &head.feed {
                            " · " a href=(url(lang, feed)) { (title) }
                        }
                    }
                    p { (t.footer) }
                }
            }
        }
    }
}

fn banner(lang: Lang, tail: &str) -> Markup {
    let t = lang.texts();
    html! {
        header.top {
            a.brand href=(url(lang, "/")) { "veille" span.site { (t.site) } }
            nav aria-label=(t.portal_nav) {
                ul {
                    li { a href=(url(lang, "/")) aria-current=[(tail == "/").then_some("page")] { (t.home) } }
                    li { a href=(url(lang, "/map")) aria-current=[(tail == "/map").then_some("page")] { (t.map) } }
                    li { a href=(url(lang, "/kits")) aria-current=[(tail == "/kits").then_some("page")] { (t.kits) } }
                    li { a href=(url(lang, "/search")) aria-current=[(tail == "/search").then_some("page")] { (t.search) } }
                }
            }
            nav.langs aria-label=(t.language) {
                ul {
                    @for l in Lang::ALL {
                        li {
                            @if l == lang {
                                a href=(url(l, tail)) lang=(l.code()) hreflang=(l.code()) aria-current="true" { (l.name()) }
                            } @else {
                                a href=(url(l, tail)) lang=(l.code()) hreflang=(l.code()) { (l.name()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Request {
    /// The HTML page at `tail`, kept once rendered (see
    /// [`Request::remember`]).
    fn page(&self, tail: &str, head: &Head, main: Markup) -> Response {
        let body = layout(self.lang, &self.base, head, main).into_string();
        self.remember(tail, StatusCode::OK, HTML, body)
    }
}

/// A page with only a heading and a sentence (errors, the language choice).
pub(crate) fn plain_page(lang: Lang, heading: &str, text: &str) -> Markup {
    let t = lang.texts();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (heading) " · " (t.site) }
                link rel="stylesheet" href="/portal/assets/portal.css";
            }
            body {
                a.skip href="#content" { (t.skip) }
                (banner(lang, "/"))
                main #content tabindex="-1" {
                    h1 { (heading) }
                    p role="alert" { (text) }
                    p { a href=(url(lang, "/")) { (t.home) } }
                }
            }
        }
    }
}

/// The body of `/portal/`'s redirect: the languages as links.
pub(crate) fn language_choice(to: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="robots" content="noindex";
                title { "veille" }
            }
            body {
                main {
                    h1 { "veille" }
                    p { a href=(to) { (to) } }
                    ul {
                        @for l in Lang::ALL {
                            li { a href=(url(l, "/")) lang=(l.code()) hreflang=(l.code()) { (l.texts().choose_language) ": " (l.name()) } }
                        }
                    }
                }
            }
        }
    }
}

/// The portal's 404: the same page for an unknown address and for a
/// record that is not published.
pub(crate) fn not_found(lang: Lang, snapshot: &Snapshot, headers: &HeaderMap) -> Response {
    let t = lang.texts();
    let body = plain_page(lang, t.not_found, t.not_found_text).into_string();
    answer(
        headers,
        StatusCode::NOT_FOUND,
        HTML,
        body,
        snapshot.built_at,
    )
}

/// A 400 page saying what is wrong.
fn bad_request(r: &Request, message: &str) -> Response {
    let body = plain_page(r.lang, r.t.bad_request, message).into_string();
    r.answer(StatusCode::BAD_REQUEST, HTML, body)
}

/// A card of a record in a list.
fn card(p: &Practice, lang: Lang) -> Markup {
    let t = lang.texts();
    let places: Vec<&str> = p.record.places.iter().map(|pl| pl.name.as_str()).collect();
    let themes: Vec<String> = p
        .record
        .themes
        .iter()
        .map(|th| theme_name(th, lang))
        .collect();
    let summary = summary(p, lang);
    html! {
        li.card {
            article {
                h3 { a href=(url(lang, &format!("/practices/{}", p.id))) { (p.record.name) } }
                @if !places.is_empty() || !themes.is_empty() {
                    p.meta {
                        @if !places.is_empty() { span { (t.places) ": " (places.join(", ")) } }
                        @if !places.is_empty() && !themes.is_empty() { " · " }
                        @if !themes.is_empty() { span { (t.themes) ": " (themes.join(", ")) } }
                    }
                }
                @if !summary.is_empty() {
                    p { (summary) }
                }
            }
        }
    }
}

fn cards(list: &[&Practice], lang: Lang) -> Markup {
    html! {
        @if list.is_empty() {
            p.empty { (lang.texts().no_practices) }
        } @else {
            ul.cards {
                @for p in list { (card(p, lang)) }
            }
        }
    }
}

/// Which page of a list `?page=` asks for (1 when not given), or what is
/// wrong with it.
fn page_number(query: Option<&str>) -> Result<usize, String> {
    let given = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v.into_owned());
    match given {
        None => Ok(1),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                format!(
                    "page is {:?}: give a whole number from 1",
                    v.chars().take(20).collect::<String>()
                )
            }),
    }
}

/// One page of `list` with links to the others, or `None` past the last.
fn paged(
    list: &[&Practice],
    page: usize,
    lang: Lang,
    link: impl Fn(usize) -> String,
) -> Option<Markup> {
    if page > list.len().div_ceil(PER_PAGE).max(1) {
        return None;
    }
    let shown = &list[(page - 1) * PER_PAGE..(page * PER_PAGE).min(list.len())];
    Some(html! {
        (cards(shown, lang))
        (pager(list.len(), page, lang, link))
    })
}

/// The links to the previous and next pages of a list of `total` records.
fn pager(total: usize, page: usize, lang: Lang, link: impl Fn(usize) -> String) -> Markup {
    let t = lang.texts();
    let pages = total.div_ceil(PER_PAGE).max(1);
    html! {
        @if pages > 1 {
            nav.pages aria-label=(t.pages) {
                @if page > 1 { a rel="prev" href=(link(page - 1)) { (t.previous) } }
                span { (t.page) " " (page) " / " (pages) }
                @if page < pages { a rel="next" href=(link(page + 1)) { (t.next) } }
            }
        }
    }
}

fn search_form(lang: Lang, q: &str) -> Markup {
    let t = lang.texts();
    html! {
        form.search role="search" method="get" action=(url(lang, "/search")) {
            label for="q" { (t.search_label) }
            input #q type="search" name="q" value=(q) maxlength="500";
            button type="submit" { (t.search_button) }
        }
    }
}

pub(crate) async fn home(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    if let Some(kept) = r.remembered("/") {
        return kept;
    }
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    let latest: Vec<&Practice> = s.practices.iter().take(LATEST).collect();
    let main = html! {
        h1 { (t.site) }
        p.intro { (t.intro) }
        (search_form(lang, ""))
        section aria-labelledby="latest" {
            h2 #latest { (t.latest) }
            (cards(&latest, lang))
        }
        section aria-labelledby="themes" {
            h2 #themes { (t.themes) }
            ul.themes {
                @for id in theme_ids() {
                    li {
                        a href=(url(lang, &format!("/themes/{id}"))) { (theme_name(id, lang)) }
                        " " span.count { "(" (t.count(s.theme_count(id))) ")" }
                    }
                }
            }
        }
        section aria-labelledby="countries" {
            h2 #countries { (t.countries) }
            (country_list(s, lang))
            p { a href=(url(lang, "/map")) { (t.map_title) } }
        }
        @if !s.kits.is_empty() {
            section aria-labelledby="kits" {
                h2 #kits { (t.kits) }
                (kit_list(s, lang))
            }
        }
    };
    let head = Head::new(t.home, t.intro, "/");
    r.page("/", &head, main)
}

/// The published kits, each linked, with how many practices it holds.
fn kit_list(s: &Snapshot, lang: Lang) -> Markup {
    let t = lang.texts();
    html! {
        @if s.kits.is_empty() {
            p.empty { (t.no_kits) }
        } @else {
            ul.kits {
                @for (kit, practices) in &s.kits {
                    li {
                        a href=(url(lang, &format!("/kits/{}", kit.id))) { (kit.kit.title_in(lang.code())) }
                        " " span.count { "(" (t.count(practices.len())) ")" }
                    }
                }
            }
        }
    }
}

/// `/portal/{lang}/kits`: the published transfer kits.
pub(crate) async fn kits(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    if let Some(kept) = r.remembered("/kits") {
        return kept;
    }
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    let main = html! {
        h1 { (t.kits) }
        p.intro { (t.kits_intro) }
        (kit_list(s, lang))
    };
    let head = Head::new(t.kits, t.kits_intro, "/kits");
    r.page("/kits", &head, main)
}

/// `/portal/{lang}/kits/{id}`: a published kit, its practices (the
/// published ones) in its order, and its downloads.
pub(crate) async fn kit(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path((lang, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    let (lang, s) = (r.lang, &r.snapshot);
    let Some((kit, practices)) = s.kit(&id) else {
        return not_found(lang, s, &r.headers);
    };
    let tail = format!("/kits/{}", kit.id);
    if let Some(kept) = r.remembered(&tail) {
        return kept;
    }
    let description = veille_store::text_in(&kit.kit.introduction, lang.code())
        .map(|(text, _)| text.chars().take(200).collect::<String>())
        .unwrap_or_default();
    let head = Head {
        og_type: "article",
        ..Head::new(kit.kit.title_in(lang.code()), description, tail.clone())
    };
    r.page(
        &tail,
        &head,
        crate::kits::page::body(kit, practices, lang.code()),
    )
}

fn country_list(s: &Snapshot, lang: Lang) -> Markup {
    let t = lang.texts();
    html! {
        @if s.by_country.is_empty() {
            p.empty { (t.no_practices) }
        } @else {
            ul.countries {
                @for (code, list) in &s.by_country {
                    li {
                        a href=(url(lang, &format!("/countries/{code}"))) { (country_label(code, lang)) }
                        " " span.count { "(" (t.count(list.len())) ")" }
                    }
                }
            }
        }
    }
}

/// A record's text fields, each in the page's language when it has one.
fn fields(p: &Practice, lang: Lang) -> Markup {
    let t = lang.texts();
    let label = |f: &str| match f {
        "challenge" => t.challenge,
        "approach" => t.approach,
        "results" => t.results,
        _ => t.conditions,
    };
    let source_url = |item: &str| {
        p.record
            .sources
            .iter()
            .find(|s| s.item_id == item && linkable(&s.url))
            .map(|s| s.url.clone())
    };
    html! {
        @for f in PRACTICE_FIELDS {
            @let texts = texts_of(p, f, lang);
            @if !texts.is_empty() {
                section.field {
                    h2 { (label(f)) }
                    @for text in texts {
                        div.text lang=(text.lang) {
                            @if text.lang != lang.code() {
                                p.written-in lang=(lang.code()) { (t.written_in) " " (language_name(&text.lang)) }
                            }
                            @for para in text.text.split("\n\n").map(str::trim).filter(|s| !s.is_empty()) {
                                p { (para) }
                            }
                            @if let Some(e) = &text.evidence {
                                figure.evidence {
                                    blockquote { p { (e.sentence) } }
                                    figcaption lang=(lang.code()) {
                                        (t.from_source) " "
                                        @if let Some(u) = source_url(&e.item_id) {
                                            a href=(u) { (u) }
                                        } @else {
                                            (t.sources)
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
}

pub(crate) async fn practice(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path((lang, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    let Some(p) = s.get(&id) else {
        return not_found(lang, s, &r.headers);
    };
    let tail = format!("/practices/{}", p.id);
    if let Some(kept) = r.remembered(&tail) {
        return kept;
    }
    let rec = &p.record;
    let codes = countries(p);
    let main = html! {
        article.practice {
            h1 { (rec.name) }
            dl.facts {
                @if !rec.places.is_empty() {
                    dt { (t.places) }
                    dd {
                        @for (i, pl) in rec.places.iter().enumerate() {
                            @if i > 0 { ", " }
                            (pl.name)
                        }
                        @if !codes.is_empty() {
                            " ("
                            @for (i, c) in codes.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href=(url(lang, &format!("/countries/{c}"))) { (country_label(c, lang)) }
                            }
                            ")"
                        }
                    }
                }
                @if !rec.themes.is_empty() {
                    dt { (t.themes) }
                    dd {
                        @for (i, th) in rec.themes.iter().enumerate() {
                            @if i > 0 { ", " }
                            @if theme_label(th, "en").is_some() {
                                a href=(url(lang, &format!("/themes/{th}"))) { (theme_name(th, lang)) }
                            } @else {
                                (th)
                            }
                        }
                    }
                }
                @if let Some(y) = rec.start_year {
                    dt { (t.since) } dd { (y) }
                }
                @if !rec.organizations.is_empty() {
                    dt { (t.organizations) }
                    dd {
                        ul {
                            @for o in &rec.organizations {
                                li {
                                    (o.name)
                                    @let kinds: Vec<&str> = o.kinds.iter().filter_map(|k| kind_label(k, lang.code())).collect();
                                    @if !kinds.is_empty() { " (" (kinds.join(", ")) ")" }
                                }
                            }
                        }
                    }
                }
                @if let Some(w) = rec.website.as_deref().filter(|w| !w.trim().is_empty()) {
                    dt { (t.website) }
                    dd { @if linkable(w) { a href=(w) { (w) } } @else { (w) } }
                }
                @if let Some(c) = rec.contact.as_deref().filter(|c| !c.trim().is_empty()) {
                    dt { (t.contact) } dd { (c) }
                }
            }
            (fields(p, lang))
            @if !rec.figures.is_empty() {
                section {
                    h2 { (t.figures) }
                    ul.figures { @for f in &rec.figures { li { (f.text) } } }
                }
            }
            @if !rec.sources.is_empty() {
                section {
                    h2 { (t.sources) }
                    ul.sources {
                        @for src in &rec.sources {
                            li lang=[src.lang.as_deref()] {
                                @if linkable(&src.url) { a href=(src.url) { (src.title) } } @else { (src.title) }
                                @if let Some(d) = &src.published { " (" (d.get(..10).unwrap_or(d)) ")" }
                            }
                        }
                    }
                }
            }
            p.updated { (t.updated) ": " time datetime=(p.updated_at.to_rfc3339()) { (p.updated_at.format("%Y-%m-%d")) } }
        }
    };
    let mut ld = crate::practices::json_ld(p, &r.base);
    if let Some(o) = ld.as_object_mut() {
        o.insert("@context".to_string(), crate::practices::context());
        o.insert(
            "@id".to_string(),
            Value::String(format!("{}{}", r.base, url(lang, &tail))),
        );
    }
    let head = Head {
        og_type: "article",
        json_ld: Some(ld),
        ..Head::new(rec.name.clone(), summary(p, lang), tail.clone())
    };
    r.page(&tail, &head, main)
}

pub(crate) async fn theme(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path((lang, theme)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let r = open!(state, cache, lang, headers);
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    if !theme_ids().contains(&theme.as_str()) {
        return not_found(lang, s, &r.headers);
    }
    let page = match page_number(query.as_deref()) {
        Ok(n) => n,
        Err(e) => return bad_request(&r, &e),
    };
    let list = s.theme(&theme);
    let intro = format!("{} (ESSGlobal {theme})", t.theme_intro);
    let feed = (format!("/themes/{theme}/feed.atom"), t.theme_feed);
    list_page(
        &r,
        &format!("/themes/{theme}"),
        page,
        &list,
        &theme_name(&theme, lang),
        &intro,
        Some(feed),
    )
}

/// A page of a theme's or a country's records (`base_tail`, page `page`),
/// kept once rendered; past the last page, the 404.
fn list_page(
    r: &Request,
    base_tail: &str,
    page: usize,
    list: &[&Practice],
    name: &str,
    intro: &str,
    feed: Option<(String, &'static str)>,
) -> Response {
    let (t, lang) = (r.t, r.lang);
    let memo = format!("{base_tail}?page={page}");
    if let Some(kept) = r.remembered(&memo) {
        return kept;
    }
    let Some(shown) = paged(list, page, lang, |n| {
        url(lang, &format!("{base_tail}?page={n}"))
    }) else {
        return not_found(lang, &r.snapshot, &r.headers);
    };
    let main = html! {
        h1 { (name) }
        p.intro { (intro) " · " (t.count(list.len())) }
        (shown)
    };
    let tail = if page > 1 { memo.as_str() } else { base_tail };
    let head = Head {
        feed,
        ..Head::new(name, format!("{name}: {}", t.count(list.len())), tail)
    };
    r.page(&memo, &head, main)
}

pub(crate) async fn country(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path((lang, cc)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let r = open!(state, cache, lang, headers);
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    let upper = cc.to_ascii_uppercase();
    if upper != cc && upper.len() == 2 && s.by_country.contains_key(&upper) {
        // `/countries/fr` is `/countries/FR`.
        let to = url(lang, &format!("/countries/{upper}"));
        let mut response = r.answer(
            StatusCode::MOVED_PERMANENTLY,
            HTML,
            plain_page(lang, &to, &to).into_string(),
        );
        if let Ok(to) = HeaderValue::from_str(&to) {
            response.headers_mut().insert(header::LOCATION, to);
        }
        return response;
    }
    let list = s.country(&cc);
    if list.is_empty() {
        return not_found(lang, s, &r.headers);
    }
    let page = match page_number(query.as_deref()) {
        Ok(n) => n,
        Err(e) => return bad_request(&r, &e),
    };
    let name = country_label(&cc, lang);
    list_page(
        &r,
        &format!("/countries/{cc}"),
        page,
        &list,
        &name,
        t.country_intro,
        None,
    )
}

/// The words and phrases of a visitor's search, without the operators of
/// the analysts' query grammar (fields, ranges, groups): the public types
/// words, and `<b>` or `a:b` is not a mistake to correct.
fn words(q: &str) -> String {
    // An unbalanced quote quotes nothing; a dash or an apostrophe joins
    // words (never negates or quotes); AND, OR and NOT are words (lower
    // case).
    let quotes = q.matches('"').count().is_multiple_of(2);
    let chars: Vec<char> = q.to_lowercase().chars().collect();
    let word = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphanumeric())
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| match c {
            '"' if quotes => c,
            '-' | '\'' | '’' if word(i.checked_sub(1)) && word(Some(i + 1)) => c,
            c if c.is_alphanumeric() || c.is_whitespace() => c,
            _ => ' ',
        })
        .collect()
}

/// The best matches of a search the portal lists, at most (ten pages):
/// ranking them is the search's cost (its ids are read from the index),
/// and a reader refines a search rather than reading its eleventh page.
pub const SEARCH_MAX: usize = 10 * PER_PAGE;

/// The longest search the portal takes, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

pub(crate) async fn search(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(lang): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let r = open!(state, cache, lang, headers);
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    let q = url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return bad_request(&r, &format!("q: at most {MAX_QUERY_CHARS} characters"));
    }
    let page = match page_number(query.as_deref()) {
        Ok(n) => n,
        Err(e) => return bad_request(&r, &e),
    };
    let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let mut results = None;
    if !q.is_empty() {
        let (store, index, wanted) = (state.store.clone(), state.index.clone(), words(&q));
        // The records' index (the API's search, with the query's SSE
        // concepts also searched in the other languages), kept to the
        // snapshot's published records, best match first. Not
        // `practices::find`, which reads and parses every stored record of
        // the filter per search (1.6 s at p99 over 10,000, BENCHMARKS.md).
        let ranked = if wanted.trim().is_empty() {
            Ok(Vec::new())
        } else {
            blocking(move || Ok(index.search_practices(&store, &wanted, true, SEARCH_MAX)?)).await
        };
        match ranked {
            Ok(ids) => {
                let more = ids.len() >= SEARCH_MAX;
                let found: Vec<&Practice> = ids.iter().filter_map(|id| s.get(id)).collect();
                if page > 1 && (page - 1) * PER_PAGE >= found.len() {
                    return not_found(lang, s, &r.headers);
                }
                results = Some((found, more));
            }
            Err(e) if e.status().is_client_error() => return bad_request(&r, &e.to_string()),
            Err(e) => return super::failure(lang, &r.headers, &e),
        }
    }
    let main = html! {
        h1 { (t.search_label) }
        (search_form(lang, &q))
        @if let Some((found, more)) = &results {
            h2 { (t.results_for) " “" (q) "”: " (found.len()) @if *more { "+" } }
            @if found.is_empty() {
                p.empty { (t.no_results) }
            } @else {
                (paged(found, page, lang, |n| url(lang, &format!("/search?q={encoded}&page={n}"))).unwrap_or_default())
            }
        }
    };
    let tail = match (q.is_empty(), page) {
        (true, _) => "/search".to_string(),
        (false, 1) => format!("/search?q={encoded}"),
        (false, n) => format!("/search?q={encoded}&page={n}"),
    };
    let title = if q.is_empty() {
        t.search.to_string()
    } else {
        format!("{}: {q}", t.search)
    };
    let head = Head {
        noindex: !q.is_empty(),
        ..Head::new(title, "", tail)
    };
    r.answer(
        StatusCode::OK,
        HTML,
        layout(lang, &r.base, &head, main).into_string(),
    )
}

pub(crate) async fn map(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    if let Some(kept) = r.remembered("/map") {
        return kept;
    }
    let (t, lang, s) = (r.t, r.lang, &r.snapshot);
    let countries: Vec<MapCountry> = s
        .by_country
        .iter()
        .map(|(code, list)| MapCountry {
            code: code.clone(),
            count: list.len(),
            href: url(lang, &format!("/countries/{code}")),
        })
        .collect();
    let cities: Vec<MapCity> = s
        .cities
        .iter()
        .map(|c| MapCity {
            name: c.name.clone(),
            country: c.country.clone(),
            lat: c.lat,
            lon: c.lon,
            count: c.count,
            href: Some(url(lang, &format!("/countries/{}", c.country))),
        })
        .collect();
    let labels = MapLabels {
        title: t.map_title,
        description: t.map_description,
        lang: lang.code(),
    };
    let main = html! {
        h1 { (t.map_title) }
        p { (t.map_description) }
        div.map-figure { (world_map(&countries, &cities, &labels)) }
        @if s.by_country.is_empty() {
            p.empty { (t.no_practices) }
        } @else {
            table.countries {
                caption { (t.countries) }
                thead { tr { th scope="col" { (t.country) } th scope="col" { (t.practices_heading) } } }
                tbody {
                    @for (code, list) in &s.by_country {
                        tr {
                            th scope="row" { a href=(url(lang, &format!("/countries/{code}"))) { (country_label(code, lang)) } }
                            td { (list.len()) }
                        }
                    }
                }
            }
        }
    };
    let head = Head::new(t.map_title, t.map_description, "/map");
    r.page("/map", &head, main)
}
