//! The collection point: what anyone from a partner organisation sends in,
//! without an account.
//! - `POST /api/submissions`: a practice (`url` or `text`, with `name`,
//!   `place`, `contact`, `themes`) or a source to watch (`url`, `note`);
//!   201 with the receipt and the URL of its status;
//! - `GET /api/submissions/{receipt}`: the status (and the curator's reason
//!   when declined); only the receipt opens it;
//! - `GET /api/submissions` (curators): every submission, by status;
//! - `POST /api/submissions/{receipt}/decision` (curators): `in_review`,
//!   `published`, or `declined` with a reason.
//!
//! Abuse rules, in the order they apply to a submission: a token nobody
//! holds is a 401; without a token, at most `submissions_per_hour` per
//! client address (429 with `Retry-After`), a partner's (or any account's)
//! token counts against its account's write rate instead and names the
//! sender; a body past [`REVIEW_BODY_LIMIT`] is a 413, a field past its cap
//! a 400; a URL must be http(s) and, unless the crawler's
//! `allow_private_networks` is set, not name a private address (host names
//! are checked again when the crawler resolves them); then, when the hidden
//! field [`HONEYPOT`] is filled, the answer is a 201 with a receipt and
//! nothing is stored. Every field is stored as text; the pages escape it.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use veille_store::{Submission, SubmissionFields, SubmissionKind, SubmissionStatus, ANONYMOUS};

use crate::auth::{require, submitter, Need, Principal};
use crate::error::ApiError;
use crate::items::json_body;
use crate::{blocking, ApiState, REVIEW_BODY_LIMIT};

/// The hidden field of the form: people leave it empty, robots fill it.
pub const HONEYPOT: &str = "website_url2";

/// Submissions listed at most per page (`limit`).
pub const MAX_LIMIT: usize = 500;

/// The largest `offset`.
pub const MAX_OFFSET: usize = 1_000_000_000;

pub(crate) const SUBMIT_SHAPE: &str = r#"send {"kind": "practice", "url": "https://…" or "text": "…", "name", "place", "contact", "themes": [...], "note"} or {"kind": "source", "url": "https://…", "note": "…"}"#;

/// A submission as sent (as JSON, or from the page's form), the hidden
/// field among its fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmitBody {
    pub(crate) kind: SubmissionKind,
    #[serde(default)]
    pub(crate) url: Option<String>,
    #[serde(default)]
    pub(crate) text: Option<String>,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) place: Option<String>,
    #[serde(default)]
    pub(crate) contact: Option<String>,
    #[serde(default)]
    pub(crate) themes: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) note: Option<String>,
    #[serde(default)]
    pub(crate) website_url2: Option<String>,
}

/// What a submission is answered with.
#[derive(Debug, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt: String,
    pub status_url: String,
}

/// What the receipt opens: where the submission stands.
#[derive(Debug, Serialize)]
pub struct SubmissionStatusView {
    pub receipt: String,
    pub kind: SubmissionKind,
    pub status: SubmissionStatus,
    /// The curator's reason, when declined.
    pub reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Submission> for SubmissionStatusView {
    fn from(s: Submission) -> SubmissionStatusView {
        SubmissionStatusView {
            receipt: s.receipt,
            kind: s.kind,
            status: s.status,
            reason: s.reason,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct SubmissionList {
    total: usize,
    submissions: Vec<Submission>,
}

/// The client's address as the rate limit counts it (the connection's, or
/// the one a trusted proxy forwarded, see [`crate::Access::client_ip`]): an
/// IPv4 address, or the /64 network of an IPv6 one (a single client is
/// given a whole /64, and could otherwise change address at each request);
/// "unknown" when the server was not started with connection info, as in
/// unit tests.
pub(crate) fn client_address(
    state: &ApiState,
    extensions: &Extensions,
    headers: &HeaderMap,
) -> String {
    let Some(ConnectInfo(address)) = extensions.get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".to_string();
    };
    match state.access.client_ip(address.ip(), headers) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

pub(crate) fn status_url(receipt: &str) -> String {
    format!("/api/submissions/{receipt}")
}

/// Refuses a URL the crawler would refuse: not http(s), not a URL, or a
/// private address named by its IP (unless private networks are allowed).
pub(crate) fn check_submitted_url(url: &str, allow_private: bool) -> Result<(), ApiError> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        ApiError::BadRequest(format!(
            "url: not a URL ({e}): give an address such as https://example.org/page"
        ))
    })?;
    veille_crawler::check_url(&parsed, allow_private).map_err(|e| match e {
        veille_crawler::CrawlError::Refused { why, .. } => {
            ApiError::BadRequest(format!("url: refused: {why}"))
        }
        other => ApiError::BadRequest(format!("url: refused: {other}")),
    })
}

pub(crate) async fn submit(
    State(state): State<ApiState>,
    headers: HeaderMap,
    extensions: Extensions,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let principal = submitter(
        &state,
        &headers,
        &client_address(&state, &extensions, &headers),
    )
    .await?;
    let body: SubmitBody = json_body(body, "submission", SUBMIT_SHAPE)?;
    let receipt = receive(&state, principal, body)
        .await
        .map_err(|e| match e {
            ApiError::BadRequest(m) => ApiError::BadRequest(format!("{m}: {SUBMIT_SHAPE}")),
            other => other,
        })?;
    let status_url = status_url(&receipt);
    Ok((
        StatusCode::CREATED,
        Json(Receipt {
            receipt,
            status_url,
        }),
    )
        .into_response())
}

/// Takes a submission from a sender already counted ([`submitter`]): the
/// caps (400), the URL check (400), then the hidden field; the receipt,
/// stored unless the hidden field is filled.
pub(crate) async fn receive(
    state: &ApiState,
    principal: Option<Principal>,
    f: SubmitBody,
) -> Result<String, ApiError> {
    let trap = f.website_url2.is_some_and(|v| !v.trim().is_empty());
    let fields = SubmissionFields {
        url: f.url,
        text: f.text,
        name: f.name,
        place: f.place,
        contact: f.contact,
        themes: f.themes.unwrap_or_default(),
        note: f.note,
    };
    let problems = fields.problems(f.kind);
    if !problems.is_empty() {
        return Err(ApiError::BadRequest(problems.join("; ")));
    }
    let fields = fields.trimmed();
    if let Some(url) = &fields.url {
        check_submitted_url(url, state.access.config.allow_private_urls)?;
    }
    if trap {
        // Answered as any other, so that robots learn nothing.
        tracing::info!("submission with the hidden field filled: not stored");
        return Ok(veille_store::new_receipt());
    }
    let by = principal.map_or_else(|| ANONYMOUS.to_string(), |p| p.name);
    let store = state.store.clone();
    let kind = f.kind;
    let stored = blocking(move || Ok(store.add_submission(kind, fields, &by)?)).await?;
    // Never the receipt: it is the submitter's key.
    tracing::info!(kind = kind.as_str(), by = %stored.submitted_by, "submission received");
    Ok(stored.receipt)
}

fn no_such_submission() -> ApiError {
    ApiError::NotFound(
        "no submission has this receipt: check the receipt you were given".to_string(),
    )
}

fn receipt_of(receipt: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(receipt) = receipt.map_err(|_| no_such_submission())?;
    if veille_store::is_receipt(&receipt) {
        Ok(receipt)
    } else {
        Err(no_such_submission())
    }
}

pub(crate) async fn status(
    State(state): State<ApiState>,
    receipt: Result<Path<String>, PathRejection>,
) -> Result<Json<SubmissionStatusView>, ApiError> {
    let receipt = receipt_of(receipt)?;
    let store = state.store.clone();
    let found = blocking(move || Ok(store.submission(&receipt)?)).await?;
    found.map(|s| Json(s.into())).ok_or_else(no_such_submission)
}

fn parse_list_query(
    query: Option<&str>,
) -> Result<(Option<SubmissionStatus>, usize, usize), ApiError> {
    let (mut status, mut offset, mut limit) = (None, 0usize, 50usize);
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let shown = v.chars().take(40).collect::<String>();
        let number = |name: &str, max: usize, min: usize| {
            v.parse::<usize>()
                .ok()
                .filter(|n| v.bytes().all(|b| b.is_ascii_digit()) && (min..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter {name} is {shown:?}: give a whole number from {min} to {max}"
                    ))
                })
        };
        match k.as_ref() {
            "status" => {
                status = Some(SubmissionStatus::parse(&v).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter status is {shown:?}: accepted values are received, \
                         in_review, published, declined"
                    ))
                })?)
            }
            "offset" => offset = number("offset", MAX_OFFSET, 0)?,
            "limit" => limit = number("limit", MAX_LIMIT, 1)?,
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {:?}: GET /api/submissions takes status, offset, limit",
                    other.chars().take(40).collect::<String>()
                )))
            }
        }
    }
    Ok((status, offset, limit))
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    require(&state, &headers, Need::Write).await?;
    let (status, offset, limit) = parse_list_query(query.as_deref())?;
    let store = state.store.clone();
    let (total, submissions) =
        blocking(move || Ok(store.submissions(status, offset, limit)?)).await?;
    Ok(Json(SubmissionList { total, submissions }).into_response())
}

const DECISION_SHAPE: &str = r#"send {"status": "in_review" or "published" or "declined", "reason": "..."} (a reason is required to decline; the submitter reads it)"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    status: SubmissionStatus,
    #[serde(default)]
    reason: Option<String>,
}

pub(crate) async fn decide(
    State(state): State<ApiState>,
    receipt: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Submission>, ApiError> {
    let curator = require(&state, &headers, Need::Write).await?.name;
    let body: DecisionBody = json_body(body, "decision", DECISION_SHAPE)?;
    let receipt = receipt_of(receipt)?;
    let store = state.store.clone();
    blocking(move || {
        let decided = store
            .decide_submission(&receipt, body.status, body.reason.as_deref(), &curator)
            .map_err(|e| match ApiError::from(e) {
                ApiError::BadRequest(m) => ApiError::BadRequest(format!("{m}: {DECISION_SHAPE}")),
                other => other,
            })?;
        let decided = decided.ok_or_else(no_such_submission)?;
        tracing::info!(status = decided.status.as_str(), curator = %curator, "submission decided");
        Ok(Json(decided))
    })
    .await
}

/// The body limit of the submission routes, as the other writes'.
pub const BODY_LIMIT: usize = REVIEW_BODY_LIMIT;

#[cfg(test)]
mod tests;
