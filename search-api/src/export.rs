//! `GET /api/export?format=csv|jsonl&` + the parameters of `/api/search`:
//! every result of a search, streamed as CSV or JSON Lines.
//!
//! The index gives the ids of every hit in the search's order (one per
//! duplicate group, past the deepest page a search can reach); the body is a
//! stream that reads their records from the store [`BATCH`] at a time (one
//! query a batch), so
//! memory holds the ids and one batch of records whatever the number of
//! results. The first batch is read before the answer starts, so that a bad
//! parameter is still a 400 with a JSON body; a failure later cuts the
//! stream short (and is logged).
//!
//! An export holds at most [`MAX_EXPORT_ROWS`] rows; the `X-Total-Count`
//! header gives the number of rows, and `X-Export-Truncated: true` says when
//! the search matched more (narrow it with filters, e.g. by date).

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures_util::{stream, StreamExt};
use serde::Serialize;
use veille_indexer::index::MAX_PER_PAGE;
use veille_indexer::search::SearchRequest;
use veille_store::{Item, Status};

use crate::error::ApiError;
use crate::params::parse_search_params;
use crate::{blocking, ApiState};

/// Hits read from the index at a time.
pub const BATCH: usize = MAX_PER_PAGE;

/// The most rows one export holds (the ids of that many hits stay in
/// memory while it streams: a few tens of megabytes).
pub const MAX_EXPORT_ROWS: usize = 500_000;

/// The columns of a CSV export, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "title",
    "url",
    "source",
    "lang",
    "country",
    "published",
    "status",
    "candidate_score",
    "themes",
    "places",
    "organizations",
    "summary",
    "reviewed_by",
    "first_seen",
    "updated_at",
];

/// The formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

impl ExportFormat {
    /// `csv` or `jsonl`.
    pub fn parse(value: &str) -> Option<ExportFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" | "ndjson" => Some(ExportFormat::JsonLines),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8; header=present",
            ExportFormat::JsonLines => "application/x-ndjson; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::JsonLines => "jsonl",
        }
    }
}

/// Splits an export's query string into its format and the search's own
/// query string (everything else, as `/api/search` takes it).
pub fn split_format(query_string: &str) -> Result<(ExportFormat, String), ApiError> {
    let mut format = None;
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        if key == "format" {
            if format.is_some() {
                return Err(ApiError::BadRequest(
                    "parameter format is given more than once: give it once".to_string(),
                ));
            }
            format = Some(ExportFormat::parse(&value).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "parameter format is {:?}: accepted values are csv, jsonl",
                    value.chars().take(40).collect::<String>()
                ))
            })?);
        } else {
            rest.append_pair(&key, &value);
        }
    }
    let format = format.ok_or_else(|| {
        ApiError::BadRequest(
            "parameter format is missing: add format=csv or format=jsonl to the search's \
             parameters"
                .to_string(),
        )
    })?;
    Ok((format, rest.finish()))
}

/// One CSV field: quoted when it holds a comma, a quote or a line break;
/// a leading `=`, `+`, `-`, `@` (a spreadsheet formula) is defused with `'`.
pub fn csv_field(value: &str) -> String {
    let defused;
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        defused = format!("'{value}");
        defused.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// The header line of a CSV export (CRLF-terminated, as RFC 4180).
pub fn csv_header() -> String {
    let mut line = CSV_COLUMNS.join(",");
    line.push_str("\r\n");
    line
}

/// One item as a CSV row (CRLF-terminated). Lists are joined with `; `.
pub fn csv_row(item: &Item) -> String {
    let c = &item.candidate;
    let places: Vec<String> = c
        .places
        .iter()
        .map(|p| match &p.country {
            Some(country) => format!("{} ({country})", p.name),
            None => p.name.clone(),
        })
        .collect();
    let fields = [
        item.id.clone(),
        item.title.clone(),
        item.url.clone(),
        item.source_id.clone(),
        item.lang.clone().unwrap_or_default(),
        item.country.clone().unwrap_or_default(),
        item.published.map(|d| d.to_rfc3339()).unwrap_or_default(),
        item.status().as_str().to_string(),
        format!("{}", c.score),
        c.themes.join("; "),
        places.join("; "),
        c.organizations.join("; "),
        c.summary.clone().unwrap_or_default(),
        item.review
            .as_ref()
            .map(|r| r.curator.clone())
            .unwrap_or_default(),
        item.first_seen.to_rfc3339(),
        item.updated_at.to_rfc3339(),
    ];
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// One line of a JSON Lines export: the item (curators' corrections
/// applied) and its review status, as `/api/items/{id}` shows them without
/// the workflow fields (version, history).
#[derive(Serialize)]
struct JsonLine<'a> {
    #[serde(flatten)]
    item: &'a Item,
    status: Status,
}

/// One item as a JSON line.
pub fn json_line(item: &Item) -> String {
    let line = JsonLine {
        item,
        status: item.status(),
    };
    let mut line = serde_json::to_string(&line)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot encode item: {e}\"}}"));
    line.push('\n');
    line
}

fn encode(format: ExportFormat, items: Vec<Item>) -> Bytes {
    let mut out = String::new();
    for item in items {
        match format {
            ExportFormat::Csv => out.push_str(&csv_row(&item)),
            ExportFormat::JsonLines => out.push_str(&json_line(&item)),
        }
    }
    Bytes::from(out)
}

/// The whole export as a streamed body, once the first batch is read.
pub(crate) async fn export(
    state: ApiState,
    format: ExportFormat,
    req: SearchRequest,
) -> Result<Response, ApiError> {
    let (mut ids, first) = {
        let state = state.clone();
        blocking(move || {
            let ids = state.index.search_ids(&req, MAX_EXPORT_ROWS + 1)?;
            let first = state.store.get_items(&ids[..ids.len().min(BATCH)])?;
            Ok((ids, first))
        })
        .await?
    };
    let truncated = ids.len() > MAX_EXPORT_ROWS;
    ids.truncate(MAX_EXPORT_ROWS);
    let total = ids.len();
    let mut head = match format {
        ExportFormat::Csv => csv_header().into_bytes(),
        ExportFormat::JsonLines => Vec::new(),
    };
    head.extend_from_slice(&encode(format, first));
    let rest: Vec<Vec<String>> = ids.chunks(BATCH).skip(1).map(<[String]>::to_vec).collect();
    let rest = stream::iter(rest).then(move |chunk| {
        let store = state.store.clone();
        async move {
            match blocking(move || Ok(store.get_items(&chunk)?)).await {
                Ok(items) => Ok::<Bytes, std::io::Error>(encode(format, items)),
                Err(e) => {
                    tracing::error!(cause = %e, "export stopped before its end");
                    Err(std::io::Error::other(e.to_string()))
                }
            }
        }
    });
    let body = Body::from_stream(
        stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(head)) }).chain(rest),
    );
    let filename = format!(
        "veille-export-{}.{}",
        Utc::now().format("%Y%m%d-%H%M%S"),
        format.extension()
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert("x-total-count", HeaderValue::from(total));
    if truncated {
        headers.insert("x-export-truncated", HeaderValue::from_static("true"));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(crate) async fn handler(
    State(state): State<ApiState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (format, search_query) = split_format(query.as_deref().unwrap_or(""))?;
    let req = parse_search_params(&search_query)?;
    export(state, format, req).await
}

#[cfg(test)]
pub(crate) mod tests;
