//! URL normalization: the form under which an entry's or page's URL is
//! stored, so that the same page reached through a tracking link is the
//! same item.

use url::Url;

/// Query parameters that only track a click, never change the page.
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || matches!(
            name.as_str(),
            "fbclid" | "gclid" | "dclid" | "msclkid" | "mc_cid" | "mc_eid" | "igshid"
        )
}

/// Lowercase scheme and host (done by `url` when parsing), no default
/// port, no fragment, no tracking parameters (`utm_*`, `fbclid`, `gclid` …).
pub fn normalize_url(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let had = url.query_pairs().count();
        if kept.is_empty() {
            url.set_query(None);
        } else if kept.len() != had {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url
}

/// Resolves `href` against `base` and normalizes it; `None` when it is not
/// an http(s) URL.
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let url = base.join(href.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| normalize_url(&url))
}

#[cfg(test)]
mod tests;
