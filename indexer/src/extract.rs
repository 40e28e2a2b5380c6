//! Extraction: the main text and the metadata (title, date, author, declared
//! language, site name, canonical URL, description) of an HTML page.
//!
//! The page is parsed once (`scraper`); one walk over the parsed tree both
//! collects the metadata (`meta`, `link`, JSON-LD, `<time>`, bylines) and
//! builds a compact index-based copy of the body (`content`), on which a
//! readability-style scorer picks the subtree that holds the article.
//!
//! Metadata (`meta`, with `ld` for JSON-LD and `author` for names):
//! - title: chosen among the page's own statements of it, JSON-LD's
//!   `headline`, `dc:title`, `og:title`, the `<h1>`s, `twitter:title`, its
//!   `name` and the `<title>`, each without the site's name tacked on
//!   (" | Site", "Site - ", a part naming the host such as " - Golem.de", a
//!   byline) and with entities left escaped decoded: the one the others
//!   repeat most (an exact repetition counts 1, one with a part added after
//!   a separator ½), the earlier in that order on a tie. An `<h1>` nothing
//!   repeats (a logo, a section) is no title, nor is the site's name or a
//!   label ("Skip to content", "Log in");
//! - published: JSON-LD's `datePublished` (the article's wherever the page
//!   nests it: `@graph`, arrays, a `WebPage`'s `mainEntity`, hidden parts
//!   of the body), `article:published_time` and the usual meta date tags,
//!   `itemprop="datePublished"`, JSON-LD's `dateCreated`, the first `<time
//!   datetime>` that is the article's, a date in the URL (`/2024/05/12/`,
//!   `/2024-05-12-title`), then a date written in the page's words: first
//!   one announced as the publication date ("publié le 12 mai 2024",
//!   "publicado el 12 de mayo de 2024", "veröffentlicht am 12. Mai 2024",
//!   "argitaratua: 2024ko maiatzaren 12a", "게시일 2024년 5월 12일", "Datum
//!   28.04.2023", or `itemprop="datePublished"` around the text), else the
//!   first in a `<time>` without `datetime` or an element named like a date
//!   (`post-date`, `entry-meta`, `fecha` …) that is the article's and not
//!   announced as an update ("mis à jour", "updated", "actualizado",
//!   "Stand" …). A date is another's when it is in a link (a teaser) or,
//!   outside `<article>` and `<main>`, in the page's boilerplate (`nav`,
//!   `aside`, `footer`, a banner, related articles, a sidebar, the
//!   comments). The modified date is never read. A date in
//!   the future or before 1995 is passed over, and nothing falls back on
//!   the crawl date: no date is better than a wrong one. A time written
//!   without an offset is the page's local time: when it reads up to 14
//!   hours later than now, only its day is kept (midnight UTC);
//! - author: the persons named by the first source that names one, in
//!   order JSON-LD's `author` (persons, roles after a comma dropped), the
//!   meta author tags (every value of a repeated tag), `rel=author`,
//!   `itemprop=author`, a byline (an element whose class names the author,
//!   not an image credit or a comment's), a link to an author's page
//!   (`/author/…`), `twitter:creator`; an organization (typed so by
//!   JSON-LD, or named like the site or its host) stands in only when no
//!   source names a person. Names lose "By", "Von:", "Par", a handle in
//!   parentheses, an address, the role words of Korean and Japanese
//!   bylines, and in bylines the date and the dateline's place after them;
//! - lang: `<html lang>`, `content-language`, normalized to ISO 639-1.

mod author;
mod content;
mod date;
mod ld;
mod meta;

#[cfg(test)]
mod tests;

/// The date readers of [`extract`] on their own, for the fuzz targets
/// (`fuzz/`): not an API, call [`extract`].
#[doc(hidden)]
pub mod dates {
    pub use super::date::{parse_date, text_dates, url_date, TextDate};
}

use chrono::{DateTime, FixedOffset, Utc};
use scraper::Html;

/// At most this many bytes of a page's whole text are searched for a
/// written publication date.
const PAGE_TEXT_BYTES: usize = 100_000;

/// An HTML page, as extraction understood it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    /// `og:title` / `<title>` / `<h1>`, without the site name.
    pub title: Option<String>,
    /// The main text, paragraphs separated by `"\n\n"`.
    pub text: String,
    /// Publication date, with the offset the page gave; never in the future.
    pub published: Option<DateTime<FixedOffset>>,
    pub author: Option<String>,
    /// The declared language (`<html lang>`, `content-language`), ISO 639-1.
    pub lang: Option<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
    /// `rel=canonical` / `og:url`, resolved against the page URL.
    pub canonical_url: Option<String>,
    pub description: Option<String>,
}

/// Extracts the article of an HTML page; `url` is the page's URL, used to
/// resolve relative links and to find a date in the path.
pub fn extract(html: &str, url: Option<&str>) -> Article {
    extract_at(html, url, Utc::now())
}

/// [`extract`], with the clock given: dates after `now` are dropped.
pub fn extract_at(html: &str, url: Option<&str>, now: DateTime<Utc>) -> Article {
    let doc = Html::parse_document(html);
    let mut collector = meta::Collector::default();
    let dom = content::Dom::build(&doc, Some(&mut collector));
    let text = content::main_text(&dom);
    let meta = finish_metadata(collector, &dom, url, now);
    Article {
        title: meta.title,
        text,
        published: meta.published,
        author: meta.author,
        lang: meta.lang,
        site_name: meta.site_name,
        canonical_url: meta.canonical_url,
        description: meta.description,
    }
}

fn finish_metadata(
    collector: meta::Collector,
    dom: &content::Dom<'_>,
    url: Option<&str>,
    now: DateTime<Utc>,
) -> meta::Meta {
    let page_text = content::page_text(dom, PAGE_TEXT_BYTES);
    collector.finish(url, &page_text, now)
}

/// [`extract_at`]'s metadata alone, without the main text: what the tests
/// of titles, authors and dates need.
#[cfg(test)]
fn metadata_at(html: &str, url: Option<&str>, now: DateTime<Utc>) -> meta::Meta {
    let doc = Html::parse_document(html);
    let mut collector = meta::Collector::default();
    let dom = content::Dom::build(&doc, Some(&mut collector));
    finish_metadata(collector, &dom, url, now)
}

/// The text of an HTML fragment (a feed summary or content), blocks
/// separated by `"\n\n"`; scripts, styles and forms are dropped, nothing
/// else is judged.
pub fn html_to_text(fragment: &str) -> String {
    if !fragment.contains('<') && !fragment.contains('&') {
        return content::collapse_blocks(fragment);
    }
    let doc = Html::parse_fragment(fragment);
    let dom = content::Dom::build(&doc, None);
    content::all_text(&dom)
}
