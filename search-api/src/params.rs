//! The query string of `/api/search`, parsed and checked by hand (not by
//! axum's `Query` extractor), so that every mistake gets a 400 naming the
//! parameter and the values it accepts.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use veille_indexer::search::{SearchRequest, Sort};
use veille_store::Status;

use crate::error::ApiError;

/// The parameters `/api/search` accepts.
pub const PARAMETERS: [&str; 12] = [
    "q", "lang", "country", "theme", "source", "status", "from", "to", "sort", "page", "per_page",
    "expand",
];

/// The largest `per_page`.
pub const MAX_PER_PAGE: usize = 100;

/// How deep one can page: `page * per_page` must stay within this, so that a
/// request cannot make the index collect millions of hits.
pub const MAX_RESULT_WINDOW: usize = 10_000;

pub use veille_indexer::index::{MAX_QUERY_CHARS, MAX_QUERY_DEPTH};

/// Parses the URL query string of `/api/search` (without the `?`).
///
/// An empty value is the same as an absent parameter (as a form sends it).
/// `from`/`to` accept `YYYY-MM-DD` (a day in UTC; in `to` it means the end of
/// that day) or RFC 3339. `expand` (cross-language expansion of the query's
/// SSE concepts) is `true` by default; `false`, `0`, `no` or `off` turn it off.
pub fn parse_search_params(query_string: &str) -> Result<SearchRequest, ApiError> {
    let mut req = SearchRequest::default();
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        let key = key.as_ref();
        if key.contains(char::REPLACEMENT_CHARACTER) || value.contains(char::REPLACEMENT_CHARACTER)
        {
            return Err(bad(format!(
                "parameter {} is not valid UTF-8: percent-encode text as UTF-8",
                quote(key)
            )));
        }
        if !PARAMETERS.contains(&key) {
            return Err(unknown_parameter(key));
        }
        if seen.iter().any(|k| k == key) {
            return Err(bad(format!(
                "parameter {key} is given more than once: give it once"
            )));
        }
        seen.push(key.to_string());
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key {
            "q" => req.q = value.to_string(),
            "lang" => {
                req.lang = Some(
                    two_letters(key, value, "an ISO 639-1 code such as fr, es, ko")?
                        .to_ascii_lowercase(),
                )
            }
            "country" => {
                req.country = Some(
                    two_letters(key, value, "an ISO 3166-1 alpha-2 code such as FR, BR, KR")?
                        .to_ascii_uppercase(),
                )
            }
            "theme" => req.theme = Some(value.to_string()),
            "source" => req.source = Some(value.to_string()),
            "status" => {
                let status = Status::parse(&value.to_ascii_lowercase()).ok_or_else(|| {
                    bad(format!(
                        "parameter status is {}: accepted values are {}",
                        quote(value),
                        Status::ALL.map(Status::as_str).join(", ")
                    ))
                })?;
                req.status = Some(status);
            }
            "from" => req.from = Some(parse_date(key, value, false)?),
            "to" => req.to = Some(parse_date(key, value, true)?),
            "sort" => {
                req.sort = match value.to_ascii_lowercase().as_str() {
                    "relevance" => Sort::Relevance,
                    "date" => Sort::Date,
                    "score" => Sort::Score,
                    _ => {
                        return Err(bad(format!(
                            "parameter sort is {}: accepted values are relevance, date, score",
                            quote(value)
                        )))
                    }
                }
            }
            "page" => {
                req.page = match value.parse::<usize>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        return Err(bad(format!(
                            "parameter page is {}: give an integer from 1",
                            quote(value)
                        )))
                    }
                }
            }
            "per_page" => {
                req.per_page = match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => n,
                    _ => {
                        return Err(bad(format!(
                            "parameter per_page is {}: give an integer from 1 to {MAX_PER_PAGE}",
                            quote(value)
                        )))
                    }
                }
            }
            "expand" => {
                req.expand = flag(value).ok_or_else(|| {
                    bad(format!(
                        "parameter expand is {}: accepted values are true, false",
                        quote(value)
                    ))
                })?
            }
            _ => return Err(unknown_parameter(key)),
        }
    }
    check_request(&req)?;
    Ok(req)
}

/// Checks what a request built in code (not from a query string) could
/// still get wrong: the query's size and nesting, the page, its size, the
/// date range. Once it passes, the only request error left to the index is
/// in the query syntax.
pub(crate) fn check_request(req: &SearchRequest) -> Result<(), ApiError> {
    if req.q.chars().count() > MAX_QUERY_CHARS {
        return Err(bad(format!(
            "parameter q is longer than {MAX_QUERY_CHARS} characters: shorten the query"
        )));
    }
    if veille_indexer::index::query_nesting_depth(&req.q) > MAX_QUERY_DEPTH {
        return Err(bad(format!(
            "parameter q nests parentheses more than {MAX_QUERY_DEPTH} deep: simplify the query"
        )));
    }
    if req.page == 0 {
        return Err(bad(
            "parameter page is 0: give an integer from 1".to_string()
        ));
    }
    if !(1..=MAX_PER_PAGE).contains(&req.per_page) {
        return Err(bad(format!(
            "parameter per_page is {}: give an integer from 1 to {MAX_PER_PAGE}",
            req.per_page
        )));
    }
    if let (Some(from), Some(to)) = (req.from, req.to) {
        if from > to {
            return Err(bad(format!(
                "parameter from ({}) is after parameter to ({}): swap them",
                from.to_rfc3339(),
                to.to_rfc3339()
            )));
        }
    }
    if req.page.saturating_mul(req.per_page) > MAX_RESULT_WINDOW {
        return Err(bad(format!(
            "parameters page and per_page reach past result {MAX_RESULT_WINDOW}: \
             page × per_page must be at most {MAX_RESULT_WINDOW}; narrow the search with filters"
        )));
    }
    Ok(())
}

fn unknown_parameter(key: &str) -> ApiError {
    bad(format!(
        "unknown parameter {}: accepted parameters are {}",
        quote(key),
        PARAMETERS.join(", ")
    ))
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

/// The value in quotes, cut if long, for an error message.
fn quote(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() > MAX {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut:?}…")
    } else {
        format!("{value:?}")
    }
}

fn two_letters<'a>(key: &str, value: &'a str, what: &str) -> Result<&'a str, ApiError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(value)
    } else {
        Err(bad(format!(
            "parameter {key} is {}: give two letters, {what}",
            quote(value)
        )))
    }
}

fn parse_date(key: &str, value: &str, end_of_day: bool) -> Result<DateTime<FixedOffset>, ApiError> {
    if let Ok(date) = DateTime::parse_from_rfc3339(value) {
        return Ok(date);
    }
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let time = if end_of_day {
            NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999)
        } else {
            NaiveTime::from_hms_opt(0, 0, 0)
        };
        let utc = FixedOffset::east_opt(0).expect("a zero offset is valid");
        if let Some(date) = time.and_then(|t| utc.from_local_datetime(&day.and_time(t)).single()) {
            return Ok(date);
        }
    }
    Err(bad(format!(
        "parameter {key} is {}: give a date as YYYY-MM-DD or RFC 3339 (2024-05-01T12:00:00Z)",
        quote(value)
    )))
}

/// A boolean parameter's value: `true`, `1`, `yes`, `on` or their
/// opposites, in any case.
pub(crate) fn flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
