//! Ingestion: the analysis stages wired together, from what the crawler
//! harvested ([`Harvested`]) to an item ready to store ([`NewItem`]).
//!
//! 1. extract the page if there is one (one parse);
//! 2. text: the page's main text, or the feed summary's text when the page
//!    gives much less (fewer than half its words) or there is no page;
//! 3. title: the feed's, else the page's, else the first words of the text;
//!    author and date: the feed's, else the page's;
//! 4. language: [`language::detect`] with the declared languages in order:
//!    the page's `<html lang>`, the feed's language, the source's hints;
//! 5. candidate: [`practice::classify_with`], with the source's country
//!    to resolve shared place names;
//! 6. country: the first place the candidate names, else the source's;
//! 7. URL: the page's canonical URL when it is on the same host as the
//!    harvested URL (`www.` aside), else the harvested URL.
//!
//! [`analyze_html`] and [`analyze_text`] are the same analysis for one
//! document, as `veille extract` prints it.

#[cfg(test)]
mod tests;

use serde::Serialize;
use veille_store::{Candidate, Harvested, NewItem};

use crate::extract::{extract, html_to_text, Article};
use crate::{language, practice};

/// Words of the text used as a title when nothing else gives one.
const TITLE_WORDS: usize = 12;

/// Prepares a harvested entry or page for the store.
pub fn prepare(h: &Harvested) -> NewItem {
    prepare_with(h, None)
}

/// Prepares a harvested entry or page for the store, knowing its source's
/// past curator decisions (an input of the candidate model).
pub fn prepare_with(h: &Harvested, source: Option<practice::model::SourceRecord>) -> NewItem {
    let article: Option<Article> = h.html.as_deref().map(|html| extract(html, Some(&h.url)));
    let summary = h.summary.as_deref().map(html_to_text).unwrap_or_default();

    let text = match &article {
        Some(a) if word_count(&a.text) * 2 >= word_count(&summary) => a.text.clone(),
        _ => summary,
    };

    let title = h
        .title
        .as_deref()
        .map(clean_title)
        .filter(|t| !t.is_empty())
        .or_else(|| article.as_ref().and_then(|a| a.title.clone()))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| first_words(&text, TITLE_WORDS))
        .to_string();
    let title = if title.is_empty() {
        h.url.clone()
    } else {
        title
    };

    let author = h
        .author
        .clone()
        .filter(|a| !a.trim().is_empty())
        .or_else(|| article.as_ref().and_then(|a| a.author.clone()));
    let published = h
        .published
        .or_else(|| article.as_ref().and_then(|a| a.published));

    let mut declared: Vec<&str> = Vec::with_capacity(2 + h.source_languages.len());
    if let Some(l) = article.as_ref().and_then(|a| a.lang.as_deref()) {
        declared.push(l);
    }
    if let Some(l) = h.declared_lang.as_deref() {
        declared.push(l);
    }
    declared.extend(h.source_languages.iter().map(String::as_str));
    let detected = language::detect(&text, &title, &declared);

    let candidate = practice::classify_with(
        &title,
        &text,
        &practice::Context {
            lang: detected.lang.as_deref(),
            country: h.source_country.as_deref(),
            source,
            model: None,
        },
    );
    let country = candidate
        .places
        .first()
        .and_then(|p| p.country.clone())
        .or_else(|| h.source_country.clone());

    let url = article
        .as_ref()
        .and_then(|a| a.canonical_url.as_deref())
        .filter(|c| same_host(c, &h.url))
        .map_or_else(|| h.url.clone(), str::to_string);

    let fingerprint = crate::dedup::fingerprint(&text);
    NewItem {
        url,
        source_id: h.source_id.clone(),
        title,
        text,
        author,
        published,
        lang: detected.lang,
        lang_confidence: detected.confidence,
        country,
        candidate,
        fingerprint,
    }
}

/// The analysis of one document, as `veille extract` prints it (JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub title: Option<String>,
    pub text: String,
    /// RFC 3339, with the offset the page gave.
    pub published: Option<String>,
    pub author: Option<String>,
    /// ISO 639-1.
    pub lang: Option<String>,
    pub lang_confidence: f64,
    pub candidate: Candidate,
}

/// Analyzes an HTML page; `url` resolves relative links and may hold a date.
pub fn analyze_html(html: &str, url: Option<&str>) -> Analysis {
    let a = extract(html, url);
    let declared: Vec<&str> = a.lang.as_deref().into_iter().collect();
    let title = a.title.clone().unwrap_or_default();
    let detected = language::detect(&a.text, &title, &declared);
    let candidate = practice::classify(&title, &a.text, detected.lang.as_deref());
    Analysis {
        title: a.title,
        text: a.text,
        published: a.published.map(|d| d.to_rfc3339()),
        author: a.author,
        lang: detected.lang,
        lang_confidence: detected.confidence,
        candidate,
    }
}

/// Analyzes plain text (no title, date or author to find).
pub fn analyze_text(text: &str) -> Analysis {
    let text = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let detected = language::detect(&text, "", &[]);
    let candidate = practice::classify("", &text, detected.lang.as_deref());
    Analysis {
        title: None,
        text,
        published: None,
        author: None,
        lang: detected.lang,
        lang_confidence: detected.confidence,
        candidate,
    }
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A feed title, which may carry markup or entities.
fn clean_title(t: &str) -> String {
    if t.contains('<') || t.contains('&') {
        html_to_text(t)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The first `n` words of `text` (its first paragraph at most), with "…"
/// when cut.
fn first_words(text: &str, n: usize) -> String {
    let para = text.split("\n\n").next().unwrap_or("");
    let words: Vec<&str> = para.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{}…", words[..n].join(" "))
    }
}

fn same_host(a: &str, b: &str) -> bool {
    let host = |u: &str| {
        url::Url::parse(u).ok().and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
        })
    };
    matches!((host(a), host(b)), (Some(x), Some(y)) if x == y)
}
