//! Atom feeds (RFC 4287), written by hand:
//! - `GET /feeds/search.atom?` + the parameters of `/api/search`: the
//!   newest items of a search (newest first unless `sort` is given);
//! - `GET /feeds/approved.atom`: the practices curators approved;
//! - `GET /feeds/saved/{id}.atom?key=…`: a saved search of an account, the
//!   key (given with the saved search) standing for its owner, so that a
//!   feed reader needs no sign-in.
//!
//! An entry is an item: its id is `urn:veille:item:<id>`, its `alternate`
//! link the original page, its `related` link the item's page here; its
//! summary the practice's summary, or the beginning of the text; its
//! categories the ESSGlobal themes. Links are absolute, made from the
//! request's `Host` (and `X-Forwarded-Proto`) headers.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use veille_indexer::search::{SearchRequest, Sort};
use veille_store::{Item, Status};

use crate::error::ApiError;
use crate::params::parse_search_params;
use crate::{blocking, ApiState};

/// The Content-Type of an Atom feed.
pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// Entries in a feed when the request gives no `per_page`.
pub const FEED_ENTRIES: usize = 50;

/// Characters of text in an entry's summary when the item has none.
const SUMMARY_CHARS: usize = 400;

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedMeta {
    /// The feed's own absolute URL (its `id` and `self` link).
    pub self_url: String,
    /// The page showing the same items (`alternate` link).
    pub html_url: String,
    pub title: String,
    pub subtitle: String,
    /// Absolute base of the item pages (`http://host`).
    pub base: String,
}

/// Writes an Atom feed of `items`, in their order.
pub fn atom(meta: &FeedMeta, items: &[Item]) -> String {
    let updated = items
        .iter()
        .map(entry_updated)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut out = String::with_capacity(1024 + items.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(&mut out, 1, "id", &meta.self_url);
    element(&mut out, 1, "title", &meta.title);
    element(&mut out, 1, "subtitle", &meta.subtitle);
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&meta.self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&meta.html_url)
    ));
    element(&mut out, 1, "updated", &updated.to_rfc3339());
    out.push_str("  <generator>veille</generator>\n");
    for item in items {
        entry(&mut out, meta, item);
    }
    out.push_str("</feed>\n");
    out
}

/// When an entry last changed: its record, or its review if later.
fn entry_updated(item: &Item) -> DateTime<Utc> {
    let reviewed = item.review.as_ref().map(|r| r.at);
    reviewed.map_or(item.updated_at, |r| r.max(item.updated_at))
}

fn entry(out: &mut String, meta: &FeedMeta, item: &Item) {
    match &item.lang {
        Some(lang) if lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            out.push_str(&format!("  <entry xml:lang=\"{lang}\">\n"))
        }
        _ => out.push_str("  <entry>\n"),
    }
    element(out, 2, "id", &format!("urn:veille:item:{}", item.id));
    element(out, 2, "title", &item.title);
    out.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&item.url)
    ));
    out.push_str(&format!(
        "    <link rel=\"related\" type=\"text/html\" href=\"{}/items/{}\"/>\n",
        escape(&meta.base),
        escape(&item.id)
    ));
    if let Some(published) = item.published {
        element(out, 2, "published", &published.to_rfc3339());
    }
    element(out, 2, "updated", &entry_updated(item).to_rfc3339());
    let author = item.author.as_deref().unwrap_or(&item.source_id);
    out.push_str(&format!(
        "    <author><name>{}</name></author>\n",
        escape(author)
    ));
    for theme in &item.candidate.themes {
        let label = veille_indexer::practice::theme_label(theme, "en").unwrap_or(theme);
        out.push_str(&format!(
            "    <category term=\"{}\" scheme=\"urn:essglobal:themes\" label=\"{}\"/>\n",
            escape(theme),
            escape(label)
        ));
    }
    if item.status() == Status::Approved {
        out.push_str("    <category term=\"approved\" scheme=\"urn:veille:status\"/>\n");
    }
    let summary = match item.candidate.summary.as_deref() {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => beginning(&item.text, SUMMARY_CHARS),
    };
    out.push_str("    <summary type=\"text\">");
    out.push_str(&escape(&summary));
    out.push_str("</summary>\n");
    out.push_str("  </entry>\n");
}

/// The first `max` characters of `text`, cut at a word, with `…` if cut.
pub(crate) fn beginning(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

pub(crate) fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push_str(&format!("<{name}>{}</{name}>\n", escape(text)));
}

/// XML text and attribute escaping; characters XML 1.0 forbids (most
/// control characters) are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `http://host` of the request (the `Host` header; `X-Forwarded-Proto`
/// when a proxy sets it).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// The items of the hits of a search (corrections applied), in the order
/// of the hits.
pub(crate) fn search_items(state: &ApiState, req: &SearchRequest) -> Result<Vec<Item>, ApiError> {
    let results = crate::search::search(&state.index, req)?;
    let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    Ok(state.store.get_items(&ids)?)
}

/// A search request for a feed: newest first unless the query string says
/// otherwise, [`FEED_ENTRIES`] entries unless it says otherwise.
pub fn feed_request(query_string: &str) -> Result<SearchRequest, ApiError> {
    let mut req = parse_search_params(query_string)?;
    let given = |name: &str| {
        url::form_urlencoded::parse(query_string.as_bytes())
            .any(|(k, v)| k == name && !v.trim().is_empty())
    };
    if !given("sort") {
        req.sort = Sort::Date;
    }
    if !given("per_page") {
        req.per_page = FEED_ENTRIES;
    }
    Ok(req)
}

fn describe(req: &SearchRequest) -> String {
    let mut parts = Vec::new();
    if !req.q.trim().is_empty() {
        parts.push(format!("“{}”", req.q.trim()));
    }
    let status = req.status.map(|s| s.to_string());
    for (name, value) in [
        ("language", &req.lang),
        ("country", &req.country),
        ("theme", &req.theme),
        ("source", &req.source),
        ("status", &status),
    ] {
        if let Some(value) = value {
            parts.push(format!("{name} {value}"));
        }
    }
    if parts.is_empty() {
        "everything".to_string()
    } else {
        parts.join(", ")
    }
}

fn atom_response(body: String) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

pub(crate) async fn search_feed(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    let req = feed_request(&query)?;
    let base = base_url(&headers);
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let meta = FeedMeta {
        self_url: format!("{base}/feeds/search.atom{suffix}"),
        html_url: format!("{base}/{suffix}"),
        title: format!("veille: {}", describe(&req)),
        subtitle: "Items harvested by veille for this search, newest first".to_string(),
        base,
    };
    let items = blocking(move || search_items(&state, &req)).await?;
    Ok(atom_response(atom(&meta, &items)))
}

pub(crate) async fn approved_feed(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let req = SearchRequest {
        status: Some(Status::Approved),
        sort: Sort::Date,
        per_page: FEED_ENTRIES,
        ..SearchRequest::default()
    };
    let base = base_url(&headers);
    let meta = FeedMeta {
        self_url: format!("{base}/feeds/approved.atom"),
        html_url: format!("{base}/?status=approved&sort=date"),
        title: "veille: approved practices".to_string(),
        subtitle: "Social and solidarity economy practices approved by the curators".to_string(),
        base,
    };
    let items = blocking(move || search_items(&state, &req)).await?;
    Ok(atom_response(atom(&meta, &items)))
}

pub(crate) async fn saved_feed(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let not_found = |file: &str| {
        ApiError::NotFound(format!(
            "no saved search feed {:?} with this key: copy the feed address from \
             GET /api/saved-searches (it ends in .atom?key=...)",
            file.chars().take(40).collect::<String>()
        ))
    };
    let id: i64 = file
        .strip_suffix(".atom")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| not_found(&file))?;
    let key = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let store = state.store.clone();
    let saved = blocking(move || Ok(store.saved_search(id)?)).await?;
    // The key is compared in constant time; a wrong key and a missing
    // search look the same.
    let saved = saved
        .filter(|s| {
            use subtle::ConstantTimeEq;
            bool::from(s.feed_key.as_bytes().ct_eq(key.as_bytes()))
        })
        .ok_or_else(|| not_found(&file))?;
    let req = feed_request(&saved.query).map_err(|e| {
        ApiError::BadRequest(format!(
            "saved search {id} ({:?}) no longer parses: {e}; save it again",
            saved.name
        ))
    })?;
    let base = base_url(&headers);
    let meta = FeedMeta {
        self_url: format!("{base}/feeds/saved/{id}.atom"),
        html_url: if saved.query.is_empty() {
            format!("{base}/")
        } else {
            format!("{base}/?{}", saved.query)
        },
        title: format!("veille: {} ({})", saved.name, describe(&req)),
        subtitle: format!("A search saved by {}, newest first", saved.owner),
        base,
    };
    let items = blocking(move || search_items(&state, &req)).await?;
    Ok(atom_response(atom(&meta, &items)))
}

#[cfg(test)]
mod tests;
