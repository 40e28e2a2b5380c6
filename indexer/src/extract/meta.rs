//! Page metadata: gathered element by element during the one walk over the
//! page ([`Collector::element`]), then chosen ([`Collector::finish`]).
//!
//! A title is chosen among the page's own statements of it (JSON-LD's
//! headline, `dc:title`, `og:title`, the `<h1>`s, `twitter:title`, the
//! `<title>`), each without the site's name: the one most of the others
//! agree with (`og:title` and its copy `twitter:title` count once), the
//! earlier in that order on a tie; an `<h1>` nothing agrees with
//! is no title (a logo, a section name). The authors are the persons of
//! the first source naming one among JSON-LD, the meta tags (WordPress's
//! "Written by" among them), the `rel=author` links, `itemprop=author` and
//! a byline, completed by a later source naming them and co-authors; an
//! organization JSON-LD credits beside a person is credited too, and the
//! site or an organization stands in only when no person is named.

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use scraper::{ElementRef, Html};

use super::author::{byline_name, clean_name, host_label, Site};
use super::date::{at_midnight, not_future, parse_date, text_dates, url_date, TextDate};
use super::ld::Ld;
use crate::language::normalize_code;

/// At most this many `<h1>`s are title candidates.
const MAX_H1: usize = 4;

/// At most this many `rel=author` links are read.
const MAX_REL_AUTHORS: usize = 8;

/// The earliest publication year believed: older dates on a news page are
/// quotations, birthdays, history, or placeholders ("1970-01-01").
const EARLIEST_YEAR: i32 = 1995;

/// What the page says about itself, before choosing.
#[derive(Debug, Default)]
pub(super) struct Collector {
    /// `(name|property|itemprop|http-equiv lowercased, content)`.
    metas: Vec<(String, String)>,
    title: Option<String>,
    h1s: Vec<String>,
    html_lang: Option<String>,
    canonical: Option<String>,
    base: Option<String>,
    ld: Ld,
    time_pub: Option<String>,
    time_first: Option<String>,
    /// The texts of the first `rel=author` link and of those beside it.
    rel_authors: Vec<String>,
    /// The first link to an author's page (`/author/jane-doe/`).
    author_link: Option<String>,
    itemprop_author: Option<String>,
    byline: Option<String>,
    /// Dates written in elements named like dates ("post-date",
    /// "entry-meta", "fecha" …), in page order.
    named_dates: Vec<TextDate>,
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

/// Characters that show nothing: soft hyphens, zero-width spaces and
/// joiners, word joiners, byte order marks.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'
    )
}

/// A text value as metadata gives it, made readable: character references
/// left encoded by a second escaping ("&amp;quot;", "&#8217;") decoded,
/// invisible characters dropped, whitespace collapsed.
pub(super) fn clean_text(s: &str) -> String {
    let decoded;
    let mut s = s;
    if s.contains('&') && s.contains(';') && !s.contains('<') {
        let frag = Html::parse_fragment(s);
        decoded = frag.root_element().text().collect::<String>();
        s = &decoded;
    }
    if s.chars().any(is_invisible) {
        collapse(&s.chars().filter(|&c| !is_invisible(c)).collect::<String>())
    } else {
        collapse(s)
    }
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
    // A <time> without `datetime`: its text is the date.
    (el.name() == "time" && el.attr("datetime").is_none())
        || [el.attr("class"), el.attr("id")]
            .into_iter()
            .flatten()
            .any(|name| {
                let n = name.to_ascii_lowercase();
                [
                    "date", "time", "publi", "posted", "meta", "byline", "fecha", "data", "datum",
                    "dateline", "tarih",
                ]
                .iter()
                .any(|k| n.contains(k))
            })
}

pub(super) fn nonempty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

/// Whether a link leads to an author's page: `/author/jane-doe/`,
/// `/autoren/name/max-muster`, `/auteur/…`, `/writer/…`.
fn is_author_page(href: &str) -> bool {
    // Most links are not: look before lowercasing.
    let b = href.as_bytes();
    if !["aut", "writer", "journalist", "reporter"].iter().any(|k| {
        b.windows(k.len())
            .any(|w| w.eq_ignore_ascii_case(k.as_bytes()))
    }) {
        return false;
    }
    let path = href
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    segments.any(|s| {
        matches!(
            s,
            "author"
                | "authors"
                | "autor"
                | "autoren"
                | "auteur"
                | "auteurs"
                | "autore"
                | "autori"
                | "writer"
                | "writers"
                | "journalist"
                | "journalists"
                | "reporter"
        )
    }) && segments.next().is_some()
}

/// Whether a date as written has no time zone ("2026-04-20T14:09:42").
fn is_naive(s: &str) -> bool {
    let s = s.trim();
    if s.ends_with('Z') || s.ends_with("UTC") || s.ends_with("GMT") {
        return false;
    }
    // An offset at the end: "+02:00", "-0400".
    let tail: Vec<char> = s.chars().rev().take(6).collect();
    let offset = tail
        .iter()
        .position(|c| matches!(c, '+' | '-'))
        .is_some_and(|i| i >= 4 && tail[..i].iter().all(|c| c.is_ascii_digit() || *c == ':'));
    // A bare date ("2024-05-12") is naive too, and RFC 2822 names its zone.
    !offset && chrono::DateTime::parse_from_rfc2822(s).is_err()
}

/// Whether a date in this element is another's than the article's: in a
/// link (a teaser's), or in the page's boilerplate outside the article (a
/// banner's "today" widget, a list of related articles, a sidebar, the
/// comments, the page's footer). The nearest `<article>` or `<main>` ends
/// the search: what is in it is the article's.
fn not_the_articles(e: ElementRef<'_>) -> bool {
    // Nested deeper than this, a page is read as having no boilerplate.
    for a in e.ancestors().take(64).filter_map(ElementRef::wrap) {
        let el = a.value();
        match el.name() {
            "a" => return true,
            "article" | "main" => return false,
            "nav" | "aside" => return true,
            // An article's own footer ("Posted on …") is its; the page's is
            // not.
            "footer" => {
                return !a
                    .ancestors()
                    .take(64)
                    .filter_map(ElementRef::wrap)
                    .any(|x| x.value().name() == "article")
            }
            _ => {}
        }
        if matches!(
            el.attr("role"),
            Some("navigation" | "banner" | "contentinfo" | "complementary")
        ) {
            return true;
        }
        let names = [el.attr("class"), el.attr("id")];
        if names.into_iter().flatten().any(|n| {
            let n = n.to_ascii_lowercase();
            [
                "related",
                "comment",
                "sidebar",
                "footer",
                "recommend",
                "navbar",
                "topbar",
                "masthead",
            ]
            .iter()
            .any(|k| n.contains(k))
        }) {
            return true;
        }
    }
    false
}

fn is_rel_author(el: &scraper::node::Element) -> bool {
    el.attr("rel")
        .is_some_and(|r| r.split_whitespace().any(|r| r == "author"))
}

/// The texts of the first `rel=author` link and of the co-authors' links
/// beside it: in the same byline block, up to four levels up but not the
/// whole article (where other articles' teasers may link their authors).
fn rel_authors(first: ElementRef<'_>) -> Vec<String> {
    let scope = first
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(4)
        .take_while(|a| !matches!(a.value().name(), "article" | "main" | "body" | "html"))
        .last();
    let links: Vec<ElementRef<'_>> = match scope {
        Some(scope) => scope
            .descendants()
            .take(400)
            .filter_map(ElementRef::wrap)
            .filter(|a| a.value().name() == "a" && is_rel_author(a.value()))
            .take(MAX_REL_AUTHORS)
            .collect(),
        None => vec![first],
    };
    links
        .into_iter()
        .filter_map(|a| nonempty(element_text_capped(a, 200)))
        .collect()
}

/// Whether a class names the element holding an article's author
/// ("byline", "author", "article__author", "author-name"), not an image
/// credit, a comment's author or an author's biography.
fn is_author_class(class: &str) -> bool {
    let has = |k: &str| {
        class
            .as_bytes()
            .windows(k.len())
            .any(|w| w.eq_ignore_ascii_case(k.as_bytes()))
    };
    if !has("author") && !has("byline") {
        return false;
    }
    class.split_whitespace().any(|t| {
        let t = t.to_ascii_lowercase();
        let named = t.contains("byline")
            || [
                "author",
                "authors",
                "authorname",
                "author-name",
                "author_name",
                "author__name",
                "authorline",
                "author-link",
            ]
            .iter()
            .any(|s| t.ends_with(s));
        named
            && ![
                "image", "img", "photo", "caption", "credit", "comment", "bio", "avatar", "thumb",
                "desc", "box", "info",
            ]
            .iter()
            .any(|k| t.contains(k))
    })
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
                        // "twitter:misc:Written by" is one name with a
                        // space; elsewhere a space separates names.
                        if k.get(..13)
                            .is_some_and(|p| p.eq_ignore_ascii_case("twitter:misc:"))
                        {
                            self.metas
                                .push((collapse(k).to_lowercase(), content.clone()));
                            continue;
                        }
                        for k in k.split_whitespace() {
                            self.metas.push((k.to_ascii_lowercase(), content.clone()));
                        }
                    }
                }
            }
            "title" if self.title.is_none() => self.title = nonempty(element_text(e)),
            "h1" if self.h1s.len() < MAX_H1 => {
                let t = element_text_capped(e, 400);
                if !t.is_empty() {
                    self.h1s.push(t);
                }
            }
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
                self.ld.read(&raw);
            }
            "time" => {
                if let Some(dt) = el.attr("datetime") {
                    if el.attr("pubdate").is_some() || el.attr("itemprop") == Some("datePublished")
                    {
                        self.time_pub.get_or_insert_with(|| dt.to_string());
                    }
                    if self.time_first.is_none() && !not_the_articles(e) {
                        self.time_first = Some(dt.to_string());
                    }
                }
            }
            "a" if self.rel_authors.is_empty() && is_rel_author(el) => {
                self.rel_authors = rel_authors(e);
            }
            "a" if self.author_link.is_none() && el.attr("href").is_some_and(is_author_page) => {
                let t = element_text_capped(e, 80);
                let words = t.split_whitespace().count();
                if (2..=5).contains(&words) && !t.chars().any(|c| c.is_ascii_digit()) {
                    self.author_link = Some(t);
                }
            }
            _ => {}
        }
        if let Some(prop) = el.attr("itemprop") {
            if prop == "datePublished" && el.name() != "meta" {
                if let Some(d) = el.attr("datetime").or_else(|| el.attr("content")) {
                    self.time_pub.get_or_insert_with(|| d.to_string());
                } else if self.named_dates.len() < 8 {
                    // The date as written: announced by its markup.
                    let t = element_text_capped(e, 100);
                    self.named_dates.extend(
                        text_dates(&t, 1, true)
                            .into_iter()
                            .map(|d| TextDate { cued: true, ..d }),
                    );
                }
            }
            if prop == "author" && self.itemprop_author.is_none() && el.name() != "meta" {
                self.itemprop_author = el
                    .attr("content")
                    .map(collapse)
                    .or_else(|| nonempty(element_text_capped(e, 200)));
            }
        }
        if self.named_dates.len() < 8 && is_date_named(el) && !not_the_articles(e) {
            let t = element_text_capped(e, 200);
            if t.chars().count() < 200 {
                self.named_dates.extend(text_dates(&t, 2, true));
            }
        }
        if self.byline.is_none() && el.attr("class").is_some_and(is_author_class) {
            // A link inside the byline is the name alone ("By <a>Jane
            // Doe</a>, Games Editor").
            let t = element_text_capped(e, 200);
            if t.chars().count() < 120 {
                let link = e
                    .descendants()
                    .take(64)
                    .filter_map(ElementRef::wrap)
                    .filter(|d| d.value().name() == "a")
                    .map(|a| element_text_capped(a, 60))
                    .find(|t| !t.is_empty() && t.chars().count() < 60);
                self.byline = link
                    .as_deref()
                    .and_then(byline_name)
                    .or_else(|| byline_name(&t));
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

    /// Every value of meta tag `key`, in page order.
    fn metas<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.metas
            .iter()
            .filter(move |(name, _)| name == key)
            .map(|(_, v)| v.as_str())
    }

    /// Chooses the metadata; `url` is the page's URL, `page_text` the text
    /// of the whole body (boilerplate included) where a publication date
    /// may be written.
    pub(super) fn finish(self, url: Option<&str>, page_text: &str, now: DateTime<Utc>) -> Meta {
        let main = self.ld.main();
        let site_name = self
            .meta(&["og:site_name"])
            .map(clean_text)
            .or_else(|| main.and_then(|a| a.publisher.clone()));
        // The site's names: JSON-LD's only when short (some pages name
        // their `WebSite` after the article).
        let mut site_names: Vec<&str> = Vec::new();
        site_names.extend(self.meta(&["og:site_name"]));
        site_names.extend(
            main.and_then(|a| a.publisher.as_deref())
                .into_iter()
                .chain(self.ld.site_names.iter().map(String::as_str))
                .filter(|n| n.split_whitespace().count() <= 5),
        );
        let site = Site {
            names: site_names,
            host_label: host_label(url),
        };

        let title = self.choose_title(&site);
        let published = self.choose_date(url, page_text, now);
        let author = self.choose_author(&site);

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
            .map(clean_text)
            .or_else(|| main.and_then(|a| a.description.clone()))
            .or_else(|| self.meta(&["dc.description"]).map(clean_text));

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

    /// The publication date: the first structured statement of it, then
    /// the URL, then one written in the page's words. A date in the future
    /// or before [`EARLIEST_YEAR`] is passed over; the crawl time never
    /// stands in.
    fn choose_date(
        &self,
        url: Option<&str>,
        page_text: &str,
        now: DateTime<Utc>,
    ) -> Option<DateTime<FixedOffset>> {
        let plausible = |d: Option<DateTime<FixedOffset>>| {
            not_future(d, now).filter(|d| d.year() >= EARLIEST_YEAR)
        };
        let main = self.ld.main();
        let mut sources: Vec<&str> = Vec::new();
        sources.extend(main.and_then(|a| a.published.as_deref()));
        sources.extend(
            self.ld
                .articles
                .iter()
                .filter_map(|a| a.published.as_deref()),
        );
        sources.extend(self.meta(&[
            "article:published_time",
            "og:published_time",
            "og:article:published_time",
            "datepublished",
            "article.published",
            "published_time",
            "parsely-pub-date",
            "sailthru.date",
            "dc.date.issued",
            "dcterms.issued",
            "dc.date",
            "dc:date",
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
            "article:published",
            "article.created",
            "article_date_original",
            "date_published",
            "published_date",
            "published-date",
            "datecreated",
            "dc.date.created",
            "dc.created",
            "dc:created",
            "dc.date.publication",
            "originalpublicationdate",
            "rnews:datepublished",
            "cxenseparse:recs:publishtime",
            "shareaholic:article_published_time",
            "mediator_published_time",
            "release_date",
            "displaydate",
            "pubtime",
        ]));
        sources.extend(self.time_pub.as_deref());
        sources.extend(main.and_then(|a| a.created.as_deref()));
        sources.extend(self.time_first.as_deref());
        // A time without an offset is the page's local time: up to 14 hours
        // ahead of UTC. One that reads a little later than now was written
        // east of Greenwich; its day is known, not its instant.
        let structured = |s: &str| {
            let d = parse_date(s)?;
            if d.with_timezone(&Utc) > now
                && is_naive(s)
                && d.naive_utc() - now.naive_utc() <= chrono::TimeDelta::hours(14)
            {
                return at_midnight(d.date_naive());
            }
            Some(d)
        };
        if let Some(d) = sources.into_iter().find_map(|d| plausible(structured(d))) {
            return Some(d);
        }
        if let Some(d) = plausible(url.and_then(url_date)) {
            return Some(d);
        }
        // Dates written in words: one marked up as the publication date
        // (`itemprop="datePublished"` around the text), one announced as it
        // anywhere in the page, else the first one in an element named
        // like a date that is not announced as an update.
        let in_text = text_dates(page_text, 64, false);
        let marked = self.named_dates.iter().filter(|d| d.cued && !d.updated);
        let cued = in_text.iter().filter(|d| d.cued && !d.updated);
        let named = self.named_dates.iter().filter(|d| !d.updated);
        marked
            .chain(cued)
            .chain(named)
            .find_map(|d| plausible(at_midnight(d.date)))
    }

    fn choose_title(&self, site: &Site<'_>) -> Option<String> {
        let main = self.ld.main();
        // A title that is the site's name is no article's title.
        // `application-name` is the site's only when the `<title>` does not
        // repeat it (some pages fill it with the article's title).
        let page_title = self.title.as_deref().map(clean_text).unwrap_or_default();
        let own_names: Vec<String> = self
            .metas("og:site_name")
            .map(clean_text)
            .chain(
                self.metas("application-name")
                    .map(clean_text)
                    .filter(|a| *a != page_title && !plus_a_part(a, &page_title)),
            )
            .collect();
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut add = |source: Source, raw: &str| {
            let raw = clean_text(raw);
            let stripped = if source == Source::Title {
                strip_site_name(&strip_site(&raw, site), None)
            } else {
                strip_site(&raw, site)
            };
            if stripped.is_empty() || is_label(&stripped) || own_names.contains(&stripped) {
                return;
            }
            candidates.push(Candidate {
                source,
                raw,
                stripped,
            });
        };
        if let Some(h) = main
            .filter(|a| a.article)
            .and_then(|a| a.headline.as_deref())
        {
            add(Source::Headline, h);
        }
        if let Some(t) = self.meta(&["dc:title", "dc.title", "dcterms.title"]) {
            add(Source::Dublin, t);
        }
        if let Some(t) = self.meta(&["og:title"]) {
            add(Source::Og, t);
        }
        for h in &self.h1s {
            add(Source::H1, h);
        }
        if let Some(t) = self.meta(&["twitter:title", "parsely-title"]) {
            add(Source::Twitter, t);
        }
        if let Some(n) = main.filter(|a| a.article).and_then(|a| a.name.as_deref()) {
            add(Source::LdName, n);
        }
        if let Some(t) = &self.title {
            add(Source::Title, t);
        }
        let support = |c: &Candidate| -> f32 {
            let agreement = |o: &Candidate| {
                if o.stripped == c.stripped || o.raw == c.stripped {
                    1.0
                } else if plus_a_part(&c.stripped, &o.raw) || plus_a_part(&c.stripped, &o.stripped)
                {
                    0.5
                } else {
                    0.0
                }
            };
            let mut by_statement = [0.0f32; 5];
            for o in candidates.iter().filter(|o| o.source != c.source) {
                let i = o.source.statement();
                by_statement[i] = by_statement[i].max(agreement(o));
            }
            by_statement[c.source.statement()] = 0.0;
            by_statement.iter().sum()
        };
        let only_h1s = candidates.iter().all(|c| c.source == Source::H1);
        candidates
            .iter()
            .map(|c| (support(c), c))
            .filter(|(s, c)| *s > 0.0 || c.source != Source::H1 || only_h1s)
            .max_by(|(sa, a), (sb, b)| sa.total_cmp(sb).then(b.source.cmp(&a.source)))
            .map(|(_, c)| c.stripped.clone())
    }

    /// The authors: the persons of the first source that names one (or of
    /// a later source naming them all and co-authors besides), else the
    /// first name given (an organization standing in). JSON-LD crediting
    /// persons and organizations together (a reporter and her agency or
    /// desk) credits them all.
    fn choose_author(&self, site: &Site<'_>) -> Option<String> {
        // Each source's names, each marked when it is an organization.
        let mut groups: Vec<Vec<(String, bool)>> = Vec::new();
        if let Some(main) = self.ld.main() {
            let mut ld: Vec<(String, bool)> = main
                .authors
                .iter()
                .flat_map(|a| {
                    let name = clean_text(&a.name);
                    let names = if a.organization {
                        vec![name]
                    } else {
                        ld_person_names(name)
                    };
                    names.into_iter().filter_map(|n| {
                        let n = clean_name(&n)?;
                        let org = a.organization || site.names_itself(&n);
                        Some((n, org))
                    })
                })
                .collect();
            if ld.iter().any(|(_, org)| !org) {
                for (_, org) in &mut ld {
                    *org = false;
                }
            }
            groups.push(ld);
        }
        let named = |values: &mut dyn Iterator<Item = &str>| -> Vec<(String, bool)> {
            values
                .filter_map(|v| clean_name(&clean_text(v)))
                .map(|n| {
                    let org = site.names_itself(&n);
                    (n, org)
                })
                .collect()
        };
        for key in [
            "dc:creator",
            "author",
            "article:author",
            "og:article:author",
            "parsely-author",
            "dc.creator",
            "dcterms.creator",
            "sailthru.author",
            "byl",
            "cxenseparse:author",
        ] {
            groups.push(named(&mut self.metas(key)));
        }
        groups.push(named(&mut self.written_by().into_iter()));
        groups.push(named(&mut self.rel_authors.iter().map(String::as_str)));
        for v in [
            self.itemprop_author.as_deref(),
            self.byline.as_deref(),
            self.author_link.as_deref(),
            self.meta(&["twitter:creator"]),
        ] {
            groups.push(named(&mut v.into_iter()));
        }

        let distinct = |names: &mut dyn Iterator<Item = &String>| -> Vec<String> {
            let mut seen: Vec<String> = Vec::new();
            for n in names {
                if !seen.iter().any(|s| s.eq_ignore_ascii_case(n)) {
                    seen.push(n.clone());
                }
            }
            seen
        };
        let persons: Vec<Vec<String>> = groups
            .iter()
            .map(|g| distinct(&mut g.iter().filter(|(_, org)| !org).map(|(n, _)| n)))
            .collect();
        let chosen = persons
            .iter()
            .find(|p| !p.is_empty())
            .map(|first| {
                persons
                    .iter()
                    .filter(|p| {
                        p.len() > first.len()
                            && first
                                .iter()
                                .all(|n| p.iter().any(|m| m.eq_ignore_ascii_case(n)))
                    })
                    .max_by_key(|p| p.len())
                    .unwrap_or(first)
                    .clone()
            })
            .or_else(|| {
                groups
                    .iter()
                    .map(|g| distinct(&mut g.iter().map(|(n, _)| n)))
                    .find(|names| !names.is_empty())
            })?;
        nonempty(chosen.join(", "))
    }

    /// The author WordPress's SEO plugins state for the social card:
    /// `twitter:label1` "Written by" and `twitter:data1` the name, or
    /// `twitter:misc:Written by`, in the site's language.
    fn written_by(&self) -> Option<&str> {
        const LABELS: &[&str] = &[
            "written by",
            "verfasst von",
            "geschrieben von",
            "écrit par",
            "escrito por",
            "escrit per",
            "scritto da",
            "geschreven door",
            "skrevet av",
            "skrevet af",
            "skrivet av",
        ];
        for i in 1..=4 {
            let label = self.meta(&[&format!("twitter:label{i}")]);
            if label.is_some_and(|l| LABELS.contains(&l.to_lowercase().as_str())) {
                return self.meta(&[&format!("twitter:data{i}")]);
            }
        }
        LABELS
            .iter()
            .find_map(|l| self.meta(&[&format!("twitter:misc:{l}")]))
    }
}

/// The persons a JSON-LD person's name gives: each name of a list written
/// as one ("Ana Pérez, Luis Gómez and Sara Lee"), else the name without
/// the role or affiliation after a comma ("Jane Doe, professor at the
/// University of X"); "Doe, Jane" is kept.
fn ld_person_names(name: String) -> Vec<String> {
    if let Some(list) = name_list(&name) {
        return list;
    }
    match name.split_once(", ") {
        Some((head, tail)) if tail.split_whitespace().count() >= 2 => vec![head.to_string()],
        _ => vec![name],
    }
}

/// The names of a list of names written as one string, joined by commas
/// and a last "and" ("&", "und", "et", "y", "e", "og", "en"): `None` unless
/// every part looks like a name (two to four capitalized words).
fn name_list(s: &str) -> Option<Vec<String>> {
    let (head, last) = [
        " and ", " & ", " und ", " et ", " y ", " e ", " og ", " en ",
    ]
    .iter()
    .find_map(|c| s.rsplit_once(c))?;
    let mut parts: Vec<&str> = head.split(", ").collect();
    parts.push(last);
    let looks_like_a_name = |p: &str| {
        let words: Vec<&str> = p.split_whitespace().collect();
        (2..=4).contains(&words.len())
            && words.iter().all(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && !w.chars().any(|c| c.is_ascii_digit())
            })
    };
    (parts.len() >= 2 && parts.iter().all(|p| looks_like_a_name(p)))
        .then(|| parts.iter().map(|p| p.trim().to_string()).collect())
}

/// Where a title candidate comes from, in order of preference on a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Headline,
    Dublin,
    Og,
    H1,
    Twitter,
    LdName,
    Title,
}

impl Source {
    /// Which of the page's independent statements of its title this one
    /// repeats: `twitter:title` copies `og:title` on most pages (both the
    /// social card's title), JSON-LD's headline and name are one object's,
    /// so that their agreement counts once.
    fn statement(self) -> usize {
        match self {
            Source::Headline | Source::LdName => 0,
            Source::Dublin => 1,
            Source::Og | Source::Twitter => 2,
            Source::H1 => 3,
            Source::Title => 4,
        }
    }
}

#[derive(Debug)]
struct Candidate {
    source: Source,
    raw: String,
    /// Without the site's name.
    stripped: String,
}

/// Labels that are never an article's title.
fn is_label(t: &str) -> bool {
    let t = t.to_lowercase();
    t.starts_with("skip to")
        || t.starts_with("jump to")
        || t.starts_with("zum inhalt")
        || t.starts_with("aller au contenu")
        || t.starts_with("ir al contenido")
        || matches!(
            t.as_str(),
            "log in"
                | "login"
                | "sign in"
                | "sign up"
                | "menu"
                | "home"
                | "search"
                | "anmelden"
                | "connexion"
                | "se connecter"
                | "iniciar sesión"
                | "accedi"
                | "entrar"
                | "로그인"
        )
}

/// `long` is `short` plus a part after or before a separator.
fn plus_a_part(short: &str, long: &str) -> bool {
    if short.is_empty() || short.len() >= long.len() {
        return false;
    }
    SEPARATORS.iter().chain(TIGHT_SEPARATORS).any(|sep| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with(sep))
            || long
                .strip_suffix(short)
                .is_some_and(|rest| rest.ends_with(sep))
    })
}

/// Separators written without spaces between a title and a site name.
const TIGHT_SEPARATORS: &[&str] = &["｜", "|"];

/// The title without a site name tacked on before or after it: one of the
/// site's names, or a part naming its host ("Golem.de", "mdr.de").
fn strip_site(title: &str, site: &Site<'_>) -> String {
    let mut t = title;
    // A few parts at most ("Title | by Jane | Site"): a title made of
    // separators is not worth more.
    for _ in 0..4 {
        match strip_one_site_part(t, site) {
            Some(rest) => t = rest,
            None => break,
        }
    }
    t.to_string()
}

/// `title` without one site name (or byline) before or after a separator.
fn strip_one_site_part<'a>(t: &'a str, site: &Site<'_>) -> Option<&'a str> {
    for sep in SEPARATORS.iter().chain(TIGHT_SEPARATORS) {
        if let Some(p) = t.rfind(sep) {
            let (head, tail) = (t[..p].trim(), t[p + sep.len()..].trim());
            let byline = tail.get(..3).is_some_and(|t| t.eq_ignore_ascii_case("by "));
            if !head.is_empty()
                && tail.split_whitespace().count() <= 6
                && (byline || site.names_itself(tail))
            {
                return Some(head);
            }
        }
        if let Some(p) = t.find(sep) {
            let (head, tail) = (t[..p].trim(), t[p + sep.len()..].trim());
            if !tail.is_empty()
                && head.split_whitespace().count() <= 6
                && site.names.iter().any(|n| collapse(n) == head)
            {
                return Some(tail);
            }
        }
    }
    None
}

const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " » ", " ‹ ", " « ", " * ",
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
