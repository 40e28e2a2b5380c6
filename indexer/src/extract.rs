//! Extraction: the main text and the metadata (title, date, author, declared
//! language, site name, canonical URL, description) of an HTML page.
//!
//! The page is parsed once (`scraper`); one walk over the parsed tree both
//! collects the metadata (`meta`, `link`, JSON-LD, `<time>`, bylines) and
//! builds a compact index-based copy of the body ([`content`]), on which a
//! readability-style scorer picks the subtree that holds the article.
//!
//! Metadata, in priority order:
//! - title: JSON-LD `headline`, `og:title`, `twitter:title`, `<title>` (or
//!   the `<h1>` it contains), the first `<h1>`; the site name tacked on
//!   (" | Site", " - Site", " – Site") is removed;
//! - published: JSON-LD `datePublished`, `article:published_time` and the
//!   usual meta date tags, `itemprop="datePublished"`, `<time datetime>`, a
//!   date in the URL (`/2024/05/12/`), then a date written in the page's
//!   words: first one announced as the publication date ("publié le 12 mai
//!   2024", "publicado el 12 de mayo de 2024", "veröffentlicht am 12. Mai
//!   2024", "argitaratua: 2024ko maiatzaren 12a", "게시일 2024년 5월 12일"),
//!   else the first in an element named like a date (`post-date`,
//!   `entry-meta`, `fecha` …) that is not announced as an update ("mis à
//!   jour", "updated", "actualizado" …). A date in the future is dropped,
//!   and nothing falls back on the crawl date;
//! - author: JSON-LD `author`, meta author tags, `rel=author`,
//!   `itemprop=author`, byline classes;
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
