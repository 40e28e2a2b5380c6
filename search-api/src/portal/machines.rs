//! What the portal says to machines: the Atom feeds of new practices
//! (overall and per theme, in each language), the sitemap of every
//! published page in every language, and `/robots.txt` (the portal open,
//! the signed-in pages and the API closed).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use veille_indexer::practice::theme_ids;
use veille_store::Practice;

use super::pages::{not_found, summary, theme_name, url};
use super::{answer, Cache, Lang, Request, Snapshot};
use crate::feeds::{base_url, element, escape, CONTENT_TYPE, FEED_ENTRIES};
use crate::ApiState;

/// The most URLs one sitemap file may list (sitemaps.org).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// An Atom feed of `practices` (newest change first) in `lang`.
fn atom(
    r: &Request,
    self_tail: &str,
    html_tail: &str,
    title: &str,
    practices: &[&Practice],
) -> String {
    let (lang, base) = (r.lang, &r.base);
    let updated = practices
        .iter()
        .map(|p| p.updated_at)
        .max()
        .unwrap_or(r.snapshot.built_at);
    let self_url = format!("{base}{}", url(lang, self_tail));
    let mut out = String::with_capacity(1024 + practices.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.code()
    ));
    element(&mut out, 1, "id", &self_url);
    element(&mut out, 1, "title", title);
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}{}\"/>\n",
        escape(base),
        escape(&url(lang, html_tail))
    ));
    element(&mut out, 1, "updated", &updated.to_rfc3339());
    out.push_str("  <author><name>veille</name></author>\n");
    out.push_str("  <generator>veille</generator>\n");
    for p in practices.iter().take(FEED_ENTRIES) {
        out.push_str("  <entry>\n");
        element(&mut out, 2, "id", &format!("urn:veille:practice:{}", p.id));
        element(&mut out, 2, "title", &p.record.name);
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}{}\"/>\n",
            escape(base),
            escape(&url(lang, &format!("/practices/{}", p.id)))
        ));
        element(&mut out, 2, "published", &p.created_at.to_rfc3339());
        element(&mut out, 2, "updated", &p.updated_at.to_rfc3339());
        for theme in &p.record.themes {
            out.push_str(&format!(
                "    <category term=\"{}\" scheme=\"urn:essglobal:themes\" label=\"{}\"/>\n",
                escape(theme),
                escape(&theme_name(theme, lang))
            ));
        }
        let text = summary(p, lang);
        if !text.is_empty() {
            element(&mut out, 2, "summary", &text);
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub(crate) async fn feed(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    if let Some(kept) = r.remembered("/feed.atom") {
        return kept;
    }
    let list: Vec<&Practice> = r.snapshot.practices.iter().take(FEED_ENTRIES).collect();
    let title = format!("veille: {}", r.t.latest);
    let body = atom(&r, "/feed.atom", "/", &title, &list);
    r.remember("/feed.atom", StatusCode::OK, CONTENT_TYPE, body)
}

pub(crate) async fn theme_feed(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path((lang, theme)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, lang, headers);
    if !theme_ids().contains(&theme.as_str()) {
        return not_found(r.lang, &r.snapshot, &r.headers);
    }
    let tail = format!("/themes/{theme}/feed.atom");
    if let Some(kept) = r.remembered(&tail) {
        return kept;
    }
    let list = r.snapshot.theme(&theme);
    let title = format!("veille: {}: {}", r.t.latest, theme_name(&theme, r.lang));
    let body = atom(&r, &tail, &format!("/themes/{theme}"), &title, &list);
    r.remember(&tail, StatusCode::OK, CONTENT_TYPE, body)
}

/// Every page the sitemap lists, in every language: the home, the map,
/// the themes and countries with practices, every published practice (with
/// its last change), the kits' list and every published kit.
fn sitemap_urls(s: &Snapshot) -> Vec<(String, Option<String>)> {
    let mut urls = Vec::new();
    for lang in Lang::ALL {
        urls.push((url(lang, "/"), None));
        urls.push((url(lang, "/map"), None));
        for theme in theme_ids() {
            if s.theme_count(theme) > 0 {
                urls.push((url(lang, &format!("/themes/{theme}")), None));
            }
        }
        for code in s.by_country.keys() {
            urls.push((url(lang, &format!("/countries/{code}")), None));
        }
        for p in &s.practices {
            urls.push((
                url(lang, &format!("/practices/{}", p.id)),
                Some(p.updated_at.format("%Y-%m-%d").to_string()),
            ));
        }
        urls.push((url(lang, "/kits"), None));
        for (kit, _) in &s.kits {
            urls.push((
                url(lang, &format!("/kits/{}", kit.id)),
                Some(kit.updated_at.format("%Y-%m-%d").to_string()),
            ));
        }
    }
    urls
}

/// The sitemap document `part` (`None`: `/portal/sitemap.xml`; `Some(n)`:
/// `/portal/sitemaps/{n}.xml`) when one file holds at most `max` URLs:
/// with more URLs than that, `sitemap.xml` is the index of the parts.
/// `None` for a part that does not exist.
pub(crate) fn sitemap_document(
    s: &Snapshot,
    base: &str,
    part: Option<usize>,
    max: usize,
) -> Option<String> {
    let urls = sitemap_urls(s);
    let parts = urls.len().div_ceil(max);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let listed = match part {
        None if parts > 1 => {
            out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for n in 1..=parts {
                out.push_str(&format!(
                    "  <sitemap><loc>{}/portal/sitemaps/{n}.xml</loc></sitemap>\n",
                    escape(base)
                ));
            }
            out.push_str("</sitemapindex>\n");
            return Some(out);
        }
        None => &urls[..],
        Some(n) if parts > 1 && (1..=parts).contains(&n) => {
            &urls[(n - 1) * max..(n * max).min(urls.len())]
        }
        Some(_) => return None,
    };
    out.reserve(listed.len() * 100);
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in listed {
        out.push_str("  <url><loc>");
        out.push_str(&escape(&format!("{base}{path}")));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(d);
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    Some(out)
}

const XML: &str = "application/xml; charset=utf-8";

/// `/portal/sitemap.xml`: the pages, or the index of the parts when they
/// are more than a sitemap may list.
pub(crate) async fn sitemap(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, "en", headers);
    if let Some(kept) = r.remembered("/sitemap.xml") {
        return kept;
    }
    let body = sitemap_document(&r.snapshot, &r.base, None, SITEMAP_MAX_URLS).unwrap_or_default();
    r.remember("/sitemap.xml", StatusCode::OK, XML, body)
}

/// `/portal/sitemaps/{n}.xml`: a part of a sitemap too large for one file.
pub(crate) async fn sitemap_part(
    State(state): State<ApiState>,
    Extension(cache): Extension<Arc<Cache>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let r = open!(state, cache, "en", headers);
    let part = file
        .strip_suffix(".xml")
        .filter(|n| n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<usize>().ok());
    let tail = format!("/sitemaps/{file}");
    if let Some(kept) = r.remembered(&tail) {
        return kept;
    }
    match part.and_then(|n| sitemap_document(&r.snapshot, &r.base, Some(n), SITEMAP_MAX_URLS)) {
        Some(body) => r.remember(&tail, StatusCode::OK, XML, body),
        None => not_found(r.lang, &r.snapshot, &r.headers),
    }
}

/// The paths robots may not visit: the API and the signed-in pages
/// (search of everything harvested, items, the queue, the records and kits
/// being written, the sources, sign-in, a submission's status).
pub const DISALLOWED: [&str; 11] = [
    "/api/",
    "/items/",
    "/queue",
    "/practices",
    "/kits",
    "/sources",
    "/login",
    "/submissions/",
    "/feeds/",
    "/$",
    "/?",
];

pub(crate) async fn robots(headers: HeaderMap) -> Response {
    let base = base_url(&headers);
    let mut body = String::from("User-agent: *\nAllow: /portal/\n");
    for path in DISALLOWED {
        body.push_str("Disallow: ");
        body.push_str(path);
        body.push('\n');
    }
    body.push_str(&format!("\nSitemap: {base}/portal/sitemap.xml\n"));
    answer(
        &headers,
        StatusCode::OK,
        "text/plain; charset=utf-8",
        body,
        *super::cache::STARTED,
    )
}
