//! Page metadata: gathered element by element during the one walk over the
//! page ([`Collector::element`]), then resolved in priority order
//! ([`Collector::finish`]).

use chrono::{DateTime, FixedOffset, Utc};
use scraper::ElementRef;
use serde_json::Value;

use super::date::{at_midnight, not_future, parse_date, text_dates, url_date, TextDate};
use crate::language::normalize_code;

/// What the page says about itself, before choosing.
#[derive(Debug, Default)]
pub(super) struct Collector {
    /// `(name|property|itemprop|http-equiv lowercased, content)`.
    metas: Vec<(String, String)>,
    title: Option<String>,
    h1: Option<String>,
    html_lang: Option<String>,
    canonical: Option<String>,
    base: Option<String>,
    ld: LdInfo,
    time_pub: Option<String>,
    time_first: Option<String>,
    rel_author: Option<String>,
    itemprop_author: Option<String>,
    byline: Option<String>,
    /// Dates written in elements named like dates ("post-date",
    /// "entry-meta", "fecha" …), in page order.
    named_dates: Vec<TextDate>,
}

#[derive(Debug, Default)]
struct LdInfo {
    headline: Option<String>,
    published: Option<String>,
    author: Option<String>,
    description: Option<String>,
    publisher: Option<String>,
}

/// The chosen metadata.
#[derive(Debug, Default)]
pub(super) struct Meta {
    pub title: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    pub description: Option<String>,
}

/// Whitespace collapsed to single spaces, trimmed.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn element_text(e: ElementRef<'_>) -> String {
    let mut s = String::new();
    for t in e.text() {
        s.push_str(t);
        s.push(' ');
    }
    collapse(&s)
}

/// At most about `cap` characters of an element's text, collapsed.
fn element_text_capped(e: ElementRef<'_>, cap: usize) -> String {
    let mut s = String::new();
    for t in e.text() {
        s.push_str(t);
        s.push(' ');
        if s.len() > cap * 4 {
            break;
        }
    }
    collapse(&s)
}

/// Whether the element's class or id names a date ("date", "time",
/// "published", "posted", "entry-meta", "byline", "fecha", "data",
/// "datum", "data-publicacao" …).
fn is_date_named(el: &scraper::node::Element) -> bool {
    [el.attr("class"), el.attr("id")]
        .into_iter()
        .flatten()
        .any(|name| {
            let n = name.to_ascii_lowercase();
            [
                "date", "time", "publi", "posted", "meta", "byline", "fecha", "data", "datum",
                "dateline",
            ]
            .iter()
            .any(|k| n.contains(k))
        })
}

fn nonempty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

impl Collector {
    /// Looks at one element of the page.
    pub(super) fn element(&mut self, e: ElementRef<'_>) {
        let el = e.value();
        match el.name() {
            "html" if self.html_lang.is_none() => {
                self.html_lang = el
                    .attr("lang")
                    .or_else(|| el.attr("xml:lang"))
                    .map(str::to_string);
            }
            "meta" => {
                let Some(content) = el.attr("content").map(collapse) else {
                    return;
                };
                if content.is_empty() {
                    return;
                }
                for key in ["property", "name", "itemprop", "http-equiv"] {
                    if let Some(k) = el.attr(key) {
                        for k in k.split_whitespace() {
                            self.metas.push((k.to_ascii_lowercase(), content.clone()));
                        }
                    }
                }
            }
            "title" if self.title.is_none() => self.title = nonempty(element_text(e)),
            "h1" if self.h1.is_none() => self.h1 = nonempty(element_text(e)),
            "link" => {
                let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                if self.canonical.is_none() && rel.split_whitespace().any(|r| r == "canonical") {
                    self.canonical = el.attr("href").map(|h| h.trim().to_string());
                }
            }
            "base" if self.base.is_none() => {
                self.base = el.attr("href").map(|h| h.trim().to_string());
            }
            "script"
                if el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                let raw: String = e.text().collect();
                let json = raw
                    .trim()
                    .trim_start_matches("//")
                    .trim_start_matches("<![CDATA[")
                    .trim_end_matches("//")
                    .trim_end_matches("]]>")
                    .trim();
                if let Ok(v) = serde_json::from_str::<Value>(json) {
                    ld_walk(&v, &mut self.ld, 0);
                }
            }
            "time" => {
                if let Some(dt) = el.attr("datetime") {
                    if el.attr("pubdate").is_some() || el.attr("itemprop") == Some("datePublished")
                    {
                        self.time_pub.get_or_insert_with(|| dt.to_string());
                    }
                    self.time_first.get_or_insert_with(|| dt.to_string());
                }
            }
            "a" if self.rel_author.is_none()
                && el
                    .attr("rel")
                    .is_some_and(|r| r.split_whitespace().any(|r| r == "author")) =>
            {
                self.rel_author = nonempty(element_text(e));
            }
            _ => {}
        }
        if let Some(prop) = el.attr("itemprop") {
            if prop == "datePublished" && el.name() != "meta" {
                if let Some(d) = el.attr("datetime").or_else(|| el.attr("content")) {
                    self.time_pub.get_or_insert_with(|| d.to_string());
                }
            }
            if prop == "author" && self.itemprop_author.is_none() && el.name() != "meta" {
                self.itemprop_author = el
                    .attr("content")
                    .map(collapse)
                    .or_else(|| nonempty(element_text(e)));
            }
        }
        if self.named_dates.len() < 8 && is_date_named(el) {
            let t = element_text_capped(e, 200);
            if t.chars().count() < 200 {
                self.named_dates.extend(text_dates(&t, 2, true));
            }
        }
        if self.byline.is_none() {
            if let Some(class) = el.attr("class") {
                let c = class.to_ascii_lowercase();
                if c.contains("byline") || c.split_whitespace().any(|t| t == "author") {
                    let t = element_text(e);
                    if t.chars().count() < 100 {
                        self.byline = nonempty(t);
                    }
                }
            }
        }
    }

    fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.as_str())
        })
    }

    /// Chooses the metadata; `url` is the page's URL, `page_text` the text
    /// of the whole body (boilerplate included) where a publication date
    /// may be written.
    pub(super) fn finish(self, url: Option<&str>, page_text: &str, now: DateTime<Utc>) -> Meta {
        let site_name = self
            .meta(&["og:site_name"])
            .map(str::to_string)
            .or_else(|| self.ld.publisher.clone());

        let title = self.choose_title(site_name.as_deref());

        let mut published = None;
        let mut date_sources: Vec<&str> = Vec::new();
        if let Some(d) = self.ld.published.as_deref() {
            date_sources.push(d);
        }
        if let Some(d) = self.meta(&[
            "article:published_time",
            "og:published_time",
            "datepublished",
            "article.published",
            "published_time",
            "parsely-pub-date",
            "sailthru.date",
            "dc.date.issued",
            "dcterms.issued",
            "dc.date",
            "dcterms.date",
            "dcterms.created",
            "date",
            "pubdate",
            "publishdate",
            "publish-date",
            "publish_date",
            "publication_date",
            "citation_publication_date",
            "citation_date",
        ]) {
            date_sources.push(d);
        }
        if let Some(d) = self.time_pub.as_deref() {
            date_sources.push(d);
        }
        if let Some(d) = self.time_first.as_deref() {
            date_sources.push(d);
        }
        for d in date_sources {
            published = not_future(parse_date(d), now);
            if published.is_some() {
                break;
            }
        }
        if published.is_none() {
            published = not_future(url.and_then(url_date), now);
        }
        // Dates written in words: one announced as the publication date
        // anywhere in the page, else the first one in an element named
        // like a date that is not announced as an update.
        if published.is_none() {
            let in_text = text_dates(page_text, 64, false);
            let cued = in_text.iter().filter(|d| d.cued && !d.updated);
            let named = self.named_dates.iter().filter(|d| !d.updated);
            published = cued
                .chain(named)
                .find_map(|d| not_future(at_midnight(d.date), now));
        }

        let author = [
            self.ld.author.as_deref(),
            self.meta(&[
                "author",
                "article:author",
                "parsely-author",
                "dc.creator",
                "dcterms.creator",
                "sailthru.author",
                "byl",
                "twitter:creator",
            ]),
            self.rel_author.as_deref(),
            self.itemprop_author.as_deref(),
            self.byline.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find_map(clean_author);

        let lang = self
            .html_lang
            .as_deref()
            .and_then(normalize_code)
            .or_else(|| {
                self.meta(&["content-language", "language", "dc.language", "og:locale"])
                    .and_then(|l| l.split(',').next())
                    .and_then(normalize_code)
            });

        let description = self
            .meta(&["og:description", "description", "twitter:description"])
            .map(str::to_string)
            .or_else(|| self.ld.description.clone())
            .or_else(|| self.meta(&["dc.description"]).map(str::to_string));

        let canonical_url = self
            .canonical
            .as_deref()
            .or_else(|| self.meta(&["og:url"]))
            .and_then(|href| resolve(href, url, self.base.as_deref()));

        Meta {
            title,
            published,
            author,
            lang,
            site_name,
            canonical_url,
            description,
        }
    }

    fn choose_title(&self, site: Option<&str>) -> Option<String> {
        // JSON-LD's headline is the article's own; og:title is sometimes a
        // social-media variant of it.
        let from_meta = self
            .ld
            .headline
            .clone()
            .or_else(|| {
                self.meta(&["og:title", "twitter:title"])
                    .map(str::to_string)
            })
            .or_else(|| {
                self.meta(&["dc.title", "dcterms.title"])
                    .map(str::to_string)
            });
        if let Some(t) = from_meta {
            let t = strip_site_name(&t, site);
            if !t.is_empty() {
                return Some(t);
            }
        }
        if let Some(t) = &self.title {
            if let Some(h1) = &self.h1 {
                if h1.split_whitespace().count() >= 3 && t.contains(h1.as_str()) {
                    return Some(h1.clone());
                }
            }
            let t = strip_site_name(t, site);
            if !t.is_empty() {
                return Some(t);
            }
        }
        self.h1.clone()
    }
}

const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " » ", " ‹ ", " « ",
];

/// Removes the site name tacked on a title (" | Site", " - Site", "Site | …").
pub(crate) fn strip_site_name(title: &str, site: Option<&str>) -> String {
    let t = collapse(title);
    if let Some(site) = site.map(collapse).filter(|s| !s.is_empty() && *s != t) {
        for sep in SEPARATORS {
            if let Some(head) = t.strip_suffix(&format!("{sep}{site}")) {
                return head.trim().to_string();
            }
            if let Some(tail) = t.strip_prefix(&format!("{site}{sep}")) {
                return tail.trim().to_string();
            }
        }
    }
    // The last separated part, when short, is a site or section name.
    let last = SEPARATORS
        .iter()
        .filter_map(|sep| t.rfind(sep).map(|p| (p, sep.len())))
        .max_by_key(|&(p, _)| p);
    if let Some((p, len)) = last {
        let head = t[..p].trim();
        let tail = t[p + len..].trim();
        if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3 {
            return head.to_string();
        }
    }
    t
}

fn clean_author(s: &str) -> Option<String> {
    let s = collapse(s);
    if s.starts_with("http://") || s.starts_with("https://") || s.starts_with('@') {
        return None;
    }
    let lower = s.to_lowercase();
    let mut out = s.as_str();
    for prefix in [
        "by ",
        "par ",
        "por ",
        "von ",
        "door ",
        "di ",
        "da ",
        "written by ",
    ] {
        if lower.starts_with(prefix) {
            out = &s[prefix.len()..];
            break;
        }
    }
    let out = out.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '-' | ':'));
    if out.is_empty() || out.chars().count() > 100 || !out.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(out.to_string())
}

fn resolve(href: &str, page: Option<&str>, base: Option<&str>) -> Option<String> {
    let page = page.and_then(|p| url::Url::parse(p).ok());
    let base = match (page, base) {
        (Some(p), Some(b)) => p.join(b).ok().or(Some(p)),
        (Some(p), None) => Some(p),
        (None, Some(b)) => url::Url::parse(b).ok(),
        (None, None) => None,
    };
    let u = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

fn ld_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => nonempty(collapse(s)),
        Value::Object(o) => o.get("name").and_then(ld_str),
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(ld_str).collect();
            nonempty(names.join(", "))
        }
        _ => None,
    }
}

fn is_article_type(v: Option<&Value>) -> bool {
    let check =
        |s: &str| s.contains("Article") || s.contains("Posting") || s == "Report" || s == "Blog";
    match v {
        Some(Value::String(s)) => check(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(check),
        _ => false,
    }
}

fn ld_walk(v: &Value, out: &mut LdInfo, depth: u32) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                ld_walk(x, out, depth + 1);
            }
        }
        Value::Object(o) => {
            if let Some(g) = o.get("@graph") {
                ld_walk(g, out, depth + 1);
            }
            let article = is_article_type(o.get("@type"));
            let has_date = o.contains_key("datePublished");
            if !(article || has_date) {
                return;
            }
            if out.headline.is_none() && article {
                out.headline = o.get("headline").or_else(|| o.get("name")).and_then(ld_str);
            }
            if out.published.is_none() {
                out.published = o
                    .get("datePublished")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            if out.author.is_none() {
                out.author = o.get("author").and_then(ld_str);
            }
            if out.description.is_none() && article {
                out.description = o.get("description").and_then(ld_str);
            }
            if out.publisher.is_none() {
                out.publisher = o.get("publisher").and_then(ld_str);
            }
        }
        _ => {}
    }
}
