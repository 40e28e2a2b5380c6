//! The collection point's routes in the OpenAPI document: the schema twins
//! of a submission (`…Doc`), one documented stub per operation (with an
//! operation id of its own: the stubs' names are not unique), and the links
//! from a receipt to its status and its decision (`add_links`). The
//! bodies are in `requests.rs`, beside the others.

use serde::Serialize;
use utoipa::ToSchema;

use super::ErrorDoc;

/// What a submission is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKindDoc {
    Practice,
    Source,
}

/// Where a submission stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatusDoc {
    Received,
    InReview,
    Published,
    Declined,
}

/// The answer to a submission: its receipt, and where its status is.
#[derive(Serialize, ToSchema)]
pub struct ReceiptDoc {
    /// 32 hex digits (128 random bits): keep it, it is the only key to the
    /// status.
    #[schema(pattern = "^[0-9a-f]{32}$")]
    pub receipt: String,
    /// `/api/submissions/{receipt}`.
    pub status_url: String,
}

/// What a receipt opens.
#[derive(Serialize, ToSchema)]
pub struct SubmissionStateDoc {
    pub receipt: String,
    pub kind: SubmissionKindDoc,
    pub status: SubmissionStatusDoc,
    /// The curator's reason, when declined.
    pub reason: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A submission as curators see it. Every field is the submitter's text,
/// as sent (trimmed): whoever shows it must escape it.
#[derive(Serialize, ToSchema)]
pub struct SubmissionDoc {
    pub receipt: String,
    pub kind: SubmissionKindDoc,
    pub url: Option<String>,
    pub text: Option<String>,
    pub name: Option<String>,
    pub place: Option<String>,
    pub contact: Option<String>,
    pub themes: Vec<String>,
    pub note: Option<String>,
    /// The partner's (or another account's) name, or `anonymous`.
    pub submitted_by: String,
    pub status: SubmissionStatusDoc,
    /// The curator's reason, when declined.
    pub reason: Option<String>,
    /// The curator who decided last.
    pub decided_by: Option<String>,
    /// The item a submitted practice became (its source is `submitted`).
    pub item_id: Option<String>,
    /// Why the submitted page could not be fetched (not tried again).
    pub fetch_error: Option<String>,
    /// A suggested source: what feed discovery found at the site, once the
    /// crawler probed it.
    pub probe: Option<SourceProbeDoc>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// What feed discovery found at a suggested source's site.
#[derive(Serialize, ToSchema)]
pub struct SourceProbeDoc {
    /// RFC 3339.
    pub checked_at: String,
    /// The source an operator adds in one action (`/sources/suggestions`).
    pub proposal: Option<ProposedSourceDoc>,
    /// Why none is proposed.
    pub problem: Option<String>,
    /// Requests discovery sent, robots.txt included.
    pub requests: u64,
}

/// A source as feed discovery proposes it.
#[derive(Serialize, ToSchema)]
pub struct ProposedSourceDoc {
    /// `feed` or `page`.
    pub kind: String,
    /// The feed, or the listing page.
    pub url: String,
    pub name: String,
    /// ISO 639-1.
    pub languages: Vec<String>,
    /// A page source's globs of article links.
    pub follow: Vec<String>,
    /// A feed's format: `rss`, `atom` or `json`.
    pub format: Option<String>,
    /// Entries in the feed, or article links found.
    pub items: u64,
    /// A few entries' titles, or article URLs.
    pub sample: Vec<String>,
}

/// A page of submissions, oldest first.
#[derive(Serialize, ToSchema)]
pub struct SubmissionListDoc {
    /// How many submissions the filter keeps.
    pub total: u64,
    pub submissions: Vec<SubmissionDoc>,
}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/submissions", tag = "submissions",
    operation_id = "submit",
    summary = "Submit a practice or a source to watch (no account needed)",
    description = "A practice gives `url` or `text` (and may give `name`, `place`, `contact`, `themes`); a source gives `url` (and may give a `note`). Blank fields are the same as absent. A URL must be http or https and, on a server that does not crawl private networks, must not name a private address (host names are checked again when the crawler resolves them). Without a token, at most `VEILLE_SUBMISSIONS_PER_HOUR` (default 10) an hour per client address, every attempt counted; a partner's token (`veille users add NAME --role partner`), or any account's, is not counted by address but against the account's write rate, and its name is recorded. Leave `website_url2` out or empty: it is a trap for robots (when filled, the answer is the same 201, and nothing is stored).",
    security((), ("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "Received: keep the receipt", body = ReceiptDoc),
        (status = 400, description = "A bad body: an unknown field, a field past its cap, no url or text, a URL refused", body = ErrorDoc),
        (status = 401, description = "A token nobody holds", body = ErrorDoc),
        (status = 403, description = "A session-cookie write from another site's page", body = ErrorDoc),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorDoc),
        (status = 429, description = "Too many submissions from this address in the last hour, or writes from this account in the last minute", body = ErrorDoc),
    ))]
pub fn submit() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/submissions/{receipt}", tag = "submissions",
    operation_id = "submission_status",
    summary = "Where a submission stands (its receipt opens it)",
    params(("receipt" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The receipt given on submission")),
    responses(
        (status = 200, description = "Its status, and the curator's reason when declined", body = SubmissionStateDoc),
        (status = 404, description = "No submission has this receipt", body = ErrorDoc),
    ))]
pub fn status() {}

#[allow(dead_code)]
#[utoipa::path(get, path = "/api/submissions", tag = "submissions",
    operation_id = "list_submissions",
    summary = "The submissions, oldest first (curators)",
    description = "Counted as a write against the curator's rate. Any other parameter is a 400.",
    params(
        ("status" = Option<SubmissionStatusDoc>, Query, description = "Only submissions of this status"),
        ("offset" = Option<u64>, Query, minimum = 0, maximum = 1000000000, description = "Submissions skipped (default 0)"),
        ("limit" = Option<u64>, Query, minimum = 1, maximum = 500, description = "Submissions at most (default 50)"),
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The submissions", body = SubmissionListDoc),
        (status = 400, description = "A bad or unknown parameter", body = ErrorDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
        (status = 403, description = "Not a curator or an admin; no curator configured on the server; or a session-cookie request from another site's page", body = ErrorDoc),
        (status = 429, description = "Too many writes from this account in the last minute", body = ErrorDoc),
    ))]
pub fn list() {}

#[allow(dead_code)]
#[utoipa::path(post, path = "/api/submissions/{receipt}/decision", tag = "submissions",
    operation_id = "decide_submission",
    summary = "Decide on a submission (curators)",
    description = "`in_review`, `published`, or `declined` with a reason the submitter reads (a reason is kept only to decline).",
    params(("receipt" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The submission's receipt")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The submission, decided", body = SubmissionDoc),
        (status = 400, description = "A bad body, or a decline without a reason", body = ErrorDoc),
        (status = 401, description = "No credentials, or a token nobody holds", body = ErrorDoc),
        (status = 403, description = "Not a curator or an admin; no curator configured on the server; or a session-cookie write from another site's page", body = ErrorDoc),
        (status = 404, description = "No submission has this receipt", body = ErrorDoc),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorDoc),
        (status = 429, description = "Too many writes from this account in the last minute", body = ErrorDoc),
    ))]
pub fn decide() {}

/// Links the receipt of `POST /api/submissions` to the operations it
/// opens, so that clients (and the contract test's stateful phase) follow
/// it.
pub(crate) fn add_links(doc: &mut serde_json::Value) {
    let receipt = serde_json::json!({"receipt": "$response.body#/receipt"});
    if let Some(created) = doc.pointer_mut("/paths/~1api~1submissions/post/responses/201") {
        created["links"] = serde_json::json!({
            "SubmissionStatus": {"operationId": "submission_status", "parameters": receipt},
            "DecideSubmission": {"operationId": "decide_submission", "parameters": receipt},
        });
    }
}
