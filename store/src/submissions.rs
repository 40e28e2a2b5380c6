//! What partners send in through the collection point: a practice (a URL or
//! a text, with its name, place, contact and themes) or a source to watch
//! (a site's URL, with a note). Each submission is found by its receipt, 128
//! random bits in hex, which is all a submitter holds: the receipt alone
//! opens its status. Curators move it from `received` through `in_review`
//! to `published` or `declined` (with their reason).
//!
//! Everything a submitter sends is kept as text, capped field by field
//! ([`SubmissionFields::problems`]); whoever shows it escapes it.

use chrono::{DateTime, Utc};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::accounts::hex;
use crate::db::{params, Db, Row, Value};
use crate::{parse_utc, Result, Store, StoreError};

/// What is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// A practice: a URL or a text about it.
    Practice,
    /// A source to watch: a site.
    Source,
}

impl SubmissionKind {
    pub const ALL: [SubmissionKind; 2] = [SubmissionKind::Practice, SubmissionKind::Source];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionKind::Practice => "practice",
            SubmissionKind::Source => "source",
        }
    }

    pub fn parse(s: &str) -> Option<SubmissionKind> {
        SubmissionKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Stored; no curator has looked at it yet.
    #[default]
    Received,
    /// A curator is looking at it.
    InReview,
    /// Taken in: the practice is filed, or the source watched.
    Published,
    /// Not taken, with the curator's reason.
    Declined,
}

impl SubmissionStatus {
    pub const ALL: [SubmissionStatus; 4] = [
        SubmissionStatus::Received,
        SubmissionStatus::InReview,
        SubmissionStatus::Published,
        SubmissionStatus::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Received => "received",
            SubmissionStatus::InReview => "in_review",
            SubmissionStatus::Published => "published",
            SubmissionStatus::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<SubmissionStatus> {
        SubmissionStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The most characters of each field (of each theme, for `themes`).
pub mod caps {
    pub const URL: usize = 2_000;
    pub const TEXT: usize = 10_000;
    pub const NAME: usize = 300;
    pub const PLACE: usize = 200;
    pub const CONTACT: usize = 300;
    pub const NOTE: usize = 2_000;
    pub const THEME: usize = 100;
    /// Themes at most.
    pub const THEMES: usize = 20;
    /// A curator's reason.
    pub const REASON: usize = 2_000;
}

/// What a submitter sends: every field is text, kept as given (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SubmissionFields {
    /// The practice's page, or the site to watch.
    #[serde(default)]
    pub url: Option<String>,
    /// A practice described in the submitter's words, when it has no page.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    /// A source's note (why watch it), or anything else to tell curators.
    #[serde(default)]
    pub note: Option<String>,
}

impl SubmissionFields {
    /// What is wrong with it for a submission of `kind`, if anything: each
    /// message names the field and says what to give. Each text is
    /// measured trimmed, and a blank one is absent, as [`Self::trimmed`]
    /// keeps them; themes are counted as given.
    pub fn problems(&self, kind: SubmissionKind) -> Vec<String> {
        let mut out = Vec::new();
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        let fields = [
            ("url", &self.url, caps::URL),
            ("text", &self.text, caps::TEXT),
            ("name", &self.name, caps::NAME),
            ("place", &self.place, caps::PLACE),
            ("contact", &self.contact, caps::CONTACT),
            ("note", &self.note, caps::NOTE),
        ];
        for (name, value, cap) in fields {
            if value
                .as_deref()
                .is_some_and(|v| v.trim().chars().count() > cap)
            {
                out.push(format!("{name}: at most {cap} characters"));
            }
        }
        if self.themes.len() > caps::THEMES {
            out.push(format!("themes: at most {} themes", caps::THEMES));
        }
        if self
            .themes
            .iter()
            .any(|t| t.trim().chars().count() > caps::THEME)
        {
            out.push(format!("themes: at most {} characters each", caps::THEME));
        }
        match kind {
            SubmissionKind::Practice if !given(&self.url) && !given(&self.text) => {
                out.push("url or text: give the practice's page or describe it".to_string())
            }
            SubmissionKind::Source if !given(&self.url) => {
                out.push("url: give the address of the site to watch".to_string())
            }
            _ => {}
        }
        out
    }

    /// The same fields, trimmed, blank ones dropped.
    pub fn trimmed(self) -> SubmissionFields {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        SubmissionFields {
            url: clean(self.url),
            text: clean(self.text),
            name: clean(self.name),
            place: clean(self.place),
            contact: clean(self.contact),
            themes: self
                .themes
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            note: clean(self.note),
        }
    }
}

/// Who sent a submission without a partner token.
pub const ANONYMOUS: &str = "anonymous";

/// A submission as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// 32 hex digits (128 random bits): the only key to its status.
    pub receipt: String,
    pub kind: SubmissionKind,
    #[serde(flatten)]
    pub fields: SubmissionFields,
    /// The partner organisation's account, or `anonymous`.
    pub submitted_by: String,
    pub status: SubmissionStatus,
    /// The curator's reason, when declined.
    pub reason: Option<String>,
    /// The curator who decided last.
    pub decided_by: Option<String>,
    /// The item a submitted practice became.
    pub item_id: Option<String>,
    /// Why its page could not be fetched (it is then not tried again).
    pub fetch_error: Option<String>,
    /// For a source: what feed discovery found at the site, once probed.
    pub probe: Option<SourceProbe>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What feed discovery found at a submitted source's site: the source an
/// operator's one action would add to `sources.toml`, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceProbe {
    pub checked_at: DateTime<Utc>,
    /// The source to add, when a feed or a page to follow was found.
    pub proposal: Option<ProposedSource>,
    /// Why none can be proposed: robots.txt refuses, the site cannot be
    /// fetched, it has neither a feed nor article links.
    pub problem: Option<String>,
    /// Requests discovery sent (robots.txt included).
    pub requests: u64,
}

/// A source as discovery proposes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedSource {
    /// `feed` or `page`.
    pub kind: String,
    /// The feed's url, or the listing page's.
    pub url: String,
    pub name: String,
    /// ISO 639-1, as detected on the feed's entries or declared by the page.
    #[serde(default)]
    pub languages: Vec<String>,
    /// A page source's globs of article links.
    #[serde(default)]
    pub follow: Vec<String>,
    /// A feed's format: `rss`, `atom` or `json`.
    #[serde(default)]
    pub format: Option<String>,
    /// Entries in the feed, or article links the globs pick, now.
    pub items: usize,
    /// Titles of a few entries (or a few article urls).
    #[serde(default)]
    pub sample: Vec<String>,
}

/// A new receipt: 16 random bytes in hex.
pub fn new_receipt() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Whether `s` has the shape of a receipt (so that nothing else is looked up).
pub fn is_receipt(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A submission's columns, as [`read_row`] reads them.
const COLUMNS: &str = "receipt, kind, fields, submitted_by, status, reason, decided_by,
    item_id, created_at, updated_at, fetch_error, probe";

fn read_row(r: &Row) -> Result<Submission> {
    let receipt: String = r.get(0)?;
    let (kind, fields, status): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(4)?);
    let corrupt = |what: String| StoreError::Corrupt(format!("submission {receipt}: {what}"));
    let Some(kind) = SubmissionKind::parse(&kind) else {
        return Err(corrupt(format!("kind {kind:?}")));
    };
    let Some(status) = SubmissionStatus::parse(&status) else {
        return Err(corrupt(format!("status {status:?}")));
    };
    let fields: SubmissionFields =
        serde_json::from_str(&fields).map_err(|e| corrupt(e.to_string()))?;
    let probe: Option<String> = r.get(11)?;
    let probe: Option<SourceProbe> = probe
        .map(|p| serde_json::from_str(&p))
        .transpose()
        .map_err(|e| corrupt(format!("probe: {e}")))?;
    Ok(Submission {
        kind,
        fields,
        submitted_by: r.get(3)?,
        status,
        reason: r.get(5)?,
        decided_by: r.get(6)?,
        item_id: r.get(7)?,
        fetch_error: r.get(10)?,
        probe,
        created_at: parse_utc(r.get(8)?).unwrap_or_default(),
        updated_at: parse_utc(r.get(9)?).unwrap_or_default(),
        receipt,
    })
}

/// The submissions a query picks (`WHERE …` and the rest, after `FROM
/// submissions`).
fn read_where(db: Db<'_>, rest: &str, params: &[Value]) -> Result<Vec<Submission>> {
    db.query_map(
        &format!("SELECT {COLUMNS} FROM submissions {rest}"),
        params,
        read_row,
    )
}

impl Store {
    /// Stores a submission sent by `submitted_by` (a partner's account name,
    /// or [`ANONYMOUS`]), status `received`, under a new receipt. Blank
    /// fields are dropped; a field past its cap is refused.
    pub fn add_submission(
        &self,
        kind: SubmissionKind,
        fields: SubmissionFields,
        submitted_by: &str,
    ) -> Result<Submission> {
        let problems = fields.problems(kind);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems.join("; ")));
        }
        let fields = fields.trimmed();
        let body =
            serde_json::to_string(&fields).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let receipt = new_receipt();
        let now = Utc::now().to_rfc3339();
        let conn = self.write()?;
        let row = conn.db().query_one(
            &format!(
                "INSERT INTO submissions (receipt, kind, fields, url, submitted_by, status,
                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'received', ?6, ?6)
                 RETURNING {COLUMNS}"
            ),
            params![receipt, kind.as_str(), body, fields.url, submitted_by, now],
        )?;
        read_row(&row)
    }

    /// The submission with this receipt.
    pub fn submission(&self, receipt: &str) -> Result<Option<Submission>> {
        if !is_receipt(receipt) {
            return Ok(None);
        }
        let conn = self.read()?;
        let row = conn.db().query_opt(
            &format!("SELECT {COLUMNS} FROM submissions WHERE receipt = ?1"),
            params![receipt],
        )?;
        row.as_ref().map(read_row).transpose()
    }

    /// The submissions of `status` (all without), oldest first, skipping
    /// `offset` and at most `limit`; with how many there are.
    pub fn submissions(
        &self,
        status: Option<SubmissionStatus>,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<Submission>)> {
        let status = status.map(SubmissionStatus::as_str);
        // The count and the page from the same state.
        let tx = self.snapshot()?;
        let db = tx.db();
        let total: i64 = db.value(
            "SELECT count(*) FROM submissions WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1",
            params![status],
        )?;
        let list = read_where(
            db,
            "WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1 ORDER BY created_at, receipt
             LIMIT ?2 OFFSET ?3",
            params![status, limit as i64, offset as i64],
        )?;
        tx.commit()?;
        Ok((total as usize, list))
    }

    /// A curator's decision: the new status, and the reason (required to
    /// decline, kept only then). `None` for an unknown receipt.
    pub fn decide_submission(
        &self,
        receipt: &str,
        status: SubmissionStatus,
        reason: Option<&str>,
        curator: &str,
    ) -> Result<Option<Submission>> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        match (status, reason) {
            (SubmissionStatus::Declined, None) => {
                return Err(StoreError::Invalid(
                    "reason: say why the submission is declined; the submitter reads it"
                        .to_string(),
                ))
            }
            (_, Some(r)) if r.chars().count() > caps::REASON => {
                return Err(StoreError::Invalid(format!(
                    "reason: at most {} characters",
                    caps::REASON
                )))
            }
            _ => {}
        }
        if status == SubmissionStatus::Received {
            return Err(StoreError::Invalid(
                "status: a decision is in_review, published or declined".to_string(),
            ));
        }
        if !is_receipt(receipt) {
            return Ok(None);
        }
        let reason = reason.filter(|_| status == SubmissionStatus::Declined);
        // One statement decides and returns the submission as decided.
        let conn = self.write()?;
        let row = conn.db().query_opt(
            &format!(
                "UPDATE submissions SET status = ?2, reason = ?3, decided_by = ?4, updated_at = ?5
                 WHERE receipt = ?1 RETURNING {COLUMNS}"
            ),
            params![
                receipt,
                status.as_str(),
                reason,
                curator,
                Utc::now().to_rfc3339()
            ],
        )?;
        row.as_ref().map(read_row).transpose()
    }

    /// The submitted practices still to take in, oldest first, at most
    /// `limit`: not declined, not yet an item, not failed.
    pub fn pending_submissions(&self, limit: usize) -> Result<Vec<Submission>> {
        read_where(
            self.read()?.db(),
            "WHERE kind = 'practice' AND item_id IS NULL AND fetch_error IS NULL
             AND status IN ('received', 'in_review') ORDER BY created_at, receipt LIMIT ?1",
            params![limit as i64],
        )
    }

    /// The sources partners suggested that wait for a decision (received
    /// or in review), oldest first, at most `limit`: what
    /// `veille sources suggestions` and the operators' page list.
    pub fn suggested_sources(&self, limit: usize) -> Result<Vec<Submission>> {
        read_where(
            self.read()?.db(),
            "WHERE kind = 'source' AND status IN ('received', 'in_review')
             ORDER BY created_at, receipt LIMIT ?1",
            params![limit as i64],
        )
    }

    /// The submitted sources not yet probed with feed discovery, oldest
    /// first, at most `limit`: not decided yet.
    pub fn unprobed_sources(&self, limit: usize) -> Result<Vec<Submission>> {
        read_where(
            self.read()?.db(),
            "WHERE kind = 'source' AND probe IS NULL
             AND status IN ('received', 'in_review') ORDER BY created_at, receipt LIMIT ?1",
            params![limit as i64],
        )
    }

    /// Records what feed discovery found at a submitted source's site.
    pub fn record_probe(&self, receipt: &str, probe: &SourceProbe) -> Result<()> {
        let body = serde_json::to_string(probe).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.write()?.db().execute(
            "UPDATE submissions SET probe = ?2, updated_at = ?3 WHERE receipt = ?1",
            params![receipt, body, Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// Records what became of a submitted practice: the item it is now, or
    /// why its page could not be fetched.
    pub fn take_in_submission(
        &self,
        receipt: &str,
        taken: std::result::Result<&str, &str>,
    ) -> Result<()> {
        let (item, error) = match taken {
            Ok(item) => (Some(item), None),
            Err(error) => (None, Some(error)),
        };
        self.write()?.db().execute(
            "UPDATE submissions SET item_id = ?2, fetch_error = ?3, updated_at = ?4
             WHERE receipt = ?1",
            params![receipt, item, error, Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
