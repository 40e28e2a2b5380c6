//! Listing pages: the article links of a page source, chosen by the
//! source's `follow` globs.

use scraper::{Html, Selector};
use url::Url;

use crate::normalize::{normalize_url, resolve};

/// Most article pages fetched from one listing page.
pub const MAX_FOLLOWED: usize = 200;

/// Whether `path` matches `pattern`, where `*` matches any run of
/// characters, `/` included, and everything else matches itself.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields at least one part");
    let Some(mut left) = path.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return left.is_empty();
    };
    for part in middle {
        match left.find(part) {
            Some(i) => left = &left[i + part.len()..],
            None => return false,
        }
    }
    left.len() >= last.len() && left.ends_with(last)
}

/// The address relative links of a parsed page resolve against: its
/// `<base href>` (itself resolved against the page), else the page's own.
pub(crate) fn base_url(doc: &Html, page_url: &Url) -> Url {
    let base_sel = Selector::parse("base[href]").expect("valid selector");
    doc.select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone())
}

/// The links of `html` (a page at `page_url`) to pages of the same host
/// whose path matches one of `follow`: resolved (honouring `<base href>`),
/// normalized, deduplicated, in page order, at most `cap`. The page itself
/// is left out.
pub fn article_links(html: &str, page_url: &Url, follow: &[String], cap: usize) -> Vec<Url> {
    let doc = Html::parse_document(html);
    let link_sel = Selector::parse("a[href]").expect("valid selector");
    let base = base_url(&doc, page_url);
    let itself = normalize_url(page_url);
    let mut out: Vec<Url> = Vec::new();
    for a in doc.select(&link_sel) {
        let Some(url) = a.value().attr("href").and_then(|h| resolve(&base, h)) else {
            continue;
        };
        if url.host_str() != page_url.host_str()
            || url.port() != page_url.port()
            || url == itself
            || !follow.iter().any(|p| glob_match(p, url.path()))
            || out.contains(&url)
        {
            continue;
        }
        out.push(url);
        if out.len() >= cap {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests;
