//! Practice records: what the network files and transfers. A curator makes
//! one from one or more approved items (several articles about the same
//! initiative make one practice, which keeps them as its sources), corrects
//! it with the same versions as items (a write carries the version it was
//! based on; a stale one is refused), and every change is appended to
//! `practice_audit`, which triggers keep append-only. Publishing a record
//! publishes the submissions its sources came from.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{Result, Store, StoreError};

/// Where a practice record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PracticeStatus {
    /// Being written by curators; not shown to the public.
    #[default]
    Draft,
    /// Shown on the portal and in exports of published practices.
    Published,
    /// Taken back from the portal.
    Withdrawn,
}

impl PracticeStatus {
    pub const ALL: [PracticeStatus; 3] = [
        PracticeStatus::Draft,
        PracticeStatus::Published,
        PracticeStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PracticeStatus::Draft => "draft",
            PracticeStatus::Published => "published",
            PracticeStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<PracticeStatus> {
        PracticeStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// An organisation behind a practice, with its ESSGlobal kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PracticeOrganization {
    pub name: String,
    /// ESSGlobal organisational-structure ids (`OS…`).
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// A place of a practice, with its coordinates when the gazetteer has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PracticePlace {
    pub name: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

/// Where a field's text comes from: the sentence of a source item it was
/// pre-filled with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldEvidence {
    pub item_id: String,
    pub sentence: String,
}

/// One field of the record (challenge, approach, results, conditions) in
/// one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeText {
    /// `challenge`, `approach`, `results` or `conditions`.
    pub field: String,
    /// ISO 639-1.
    pub lang: String,
    pub text: String,
    /// The source sentence, for a pre-filled text; none for a curator's or
    /// a translation.
    #[serde(default)]
    pub evidence: Option<FieldEvidence>,
    /// Whether a curator wrote or checked it.
    #[serde(default)]
    pub reviewed: bool,
}

/// An amount a source gives (members, jobs, euros …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeFigure {
    pub text: String,
    pub value: f64,
    /// `members`, `jobs`, `people`, `households`, `area`, `money`,
    /// `percent`, `tonnes`, `organizations`.
    pub unit: String,
    #[serde(default)]
    pub item_id: Option<String>,
}

/// A source item of a practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeSource {
    pub item_id: String,
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
}

/// What a curator writes of a practice: every field but the identity,
/// version and dates the store keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PracticeDraft {
    pub name: String,
    #[serde(default)]
    pub status: PracticeStatus,
    #[serde(default)]
    pub organizations: Vec<PracticeOrganization>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub places: Vec<PracticePlace>,
    #[serde(default)]
    pub start_year: Option<i32>,
    /// ESSGlobal theme ids (`T1` … `T19`).
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub texts: Vec<PracticeText>,
    #[serde(default)]
    pub figures: Vec<PracticeFigure>,
    #[serde(default)]
    pub sources: Vec<PracticeSource>,
}

impl PracticeDraft {
    /// The languages the practice is described in (those of its texts).
    pub fn languages(&self) -> Vec<String> {
        let mut langs: Vec<String> = self.texts.iter().map(|t| t.lang.clone()).collect();
        langs.sort();
        langs.dedup();
        langs
    }

    /// What is wrong with it, if anything: the message says what to give.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push("name: give the practice a name".to_string());
        }
        if self.name.trim().chars().count() > MAX_NAME_CHARS {
            out.push(format!("name: at most {MAX_NAME_CHARS} characters"));
        }
        for t in &self.texts {
            if !FIELDS.contains(&t.field.as_str()) {
                out.push(format!(
                    "texts: unknown field {:?} (one of {})",
                    t.field,
                    FIELDS.join(", ")
                ));
            }
            if t.lang.len() != 2 || !t.lang.chars().all(|c| c.is_ascii_lowercase()) {
                out.push(format!(
                    "texts: language {:?} is not an ISO 639-1 code",
                    t.lang
                ));
            }
            if t.text.chars().count() > MAX_TEXT_CHARS {
                out.push(format!(
                    "texts: a {} text is at most {MAX_TEXT_CHARS} characters",
                    t.field
                ));
            }
        }
        if let Some(y) = self.start_year {
            if !(1800..=2100).contains(&y) {
                out.push(format!("start_year: {y} is not a plausible year"));
            }
        }
        out
    }
}

/// The record's text fields, in order.
pub const FIELDS: [&str; 4] = ["challenge", "approach", "results", "conditions"];

const MAX_NAME_CHARS: usize = 300;
const MAX_TEXT_CHARS: usize = 10_000;

/// A practice record as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Practice {
    pub id: String,
    /// Bumped on every change; a write must carry the version it was based
    /// on.
    pub version: i64,
    #[serde(flatten)]
    pub record: PracticeDraft,
    /// The languages its texts are in.
    pub languages: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who made it.
    pub created_by: String,
}

/// What a versioned write (to a practice, a kit) did.
#[derive(Debug, Clone, PartialEq)]
pub enum Written<T> {
    Done(Box<T>),
    /// The record moved on since the version given: here it is now.
    Stale(Box<T>),
    NotFound,
}

/// What a write to a practice did.
pub type PracticeEdit = Written<Practice>;

/// One entry of a practice's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeAuditEntry {
    pub seq: i64,
    pub practice_id: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// `create` or `update`.
    pub action: String,
    pub before: Value,
    pub after: Value,
}

/// Which practices to list.
#[derive(Debug, Clone, Default)]
pub struct PracticeFilter {
    pub status: Option<PracticeStatus>,
    pub theme: Option<String>,
    pub country: Option<String>,
    pub lang: Option<String>,
    /// Practices holding this item among their sources.
    pub item_id: Option<String>,
}

impl PracticeFilter {
    /// Whether the filters SQL cannot see (those on the record's JSON)
    /// keep `p`.
    fn keeps(&self, p: &Practice) -> bool {
        self.theme
            .as_ref()
            .is_none_or(|t| p.record.themes.contains(t))
            && self.country.as_ref().is_none_or(|c| {
                p.record
                    .places
                    .iter()
                    .any(|pl| pl.country.as_deref() == Some(c.as_str()))
            })
            && self.lang.as_ref().is_none_or(|l| p.languages.contains(l))
    }
}

/// The next id of `table` (`practices`, `kits`): `prefix` and a number.
pub(crate) fn new_id(tx: &Transaction<'_>, table: &str, prefix: char) -> Result<String> {
    let n: i64 = tx.query_row(
        &format!("SELECT coalesce(max(rowid), 0) + 1 FROM {table}"),
        [],
        |r| r.get(0),
    )?;
    Ok(format!("{prefix}{n}"))
}

/// The history table of practices and its id column.
const PRACTICE_AUDIT: (&str, &str) = ("practice_audit", "practice_id");

/// The columns [`read_row`] reads.
const PRACTICE_SELECT: &str =
    "SELECT id, version, record, created_at, updated_at, created_by FROM practices";

/// A stored date, or what is wrong with it.
pub(crate) fn stored_date(what: &str, s: String) -> Result<DateTime<Utc>> {
    crate::parse_utc(Some(s.clone()))
        .ok_or_else(|| StoreError::Corrupt(format!("{what}: date {s:?}")))
}

/// What a row of a versioned record (`practices`, `kits`) holds: its id,
/// version, JSON body, dates and maker, read in that column order.
pub(crate) struct StoredRow<T> {
    pub id: String,
    pub version: i64,
    pub body: T,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
}

/// The row `r` of a `kind` of versioned record, or what is wrong with it.
pub(crate) fn stored_row<T: serde::de::DeserializeOwned>(
    kind: &str,
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<Result<StoredRow<T>>> {
    let id: String = r.get(0)?;
    let (version, body): (i64, String) = (r.get(1)?, r.get(2)?);
    let (created, updated, created_by): (String, String, String) =
        (r.get(3)?, r.get(4)?, r.get(5)?);
    let what = format!("{kind} {id}");
    Ok((|| {
        Ok(StoredRow {
            body: serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
            created_at: stored_date(&what, created)?,
            updated_at: stored_date(&what, updated)?,
            id,
            version,
            created_by,
        })
    })())
}

/// The record `id` read with `select` (the columns of [`StoredRow`]) and
/// `row`, if there is one.
pub(crate) fn read_one<T>(
    conn: &rusqlite::Connection,
    select: &str,
    id: &str,
    row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<Result<T>>,
) -> Result<Option<T>> {
    conn.query_row(&format!("{select} WHERE id = ?1"), [id], row)
        .optional()?
        .transpose()
}

/// A practice from a row of [`PRACTICE_SELECT`].
fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Practice>> {
    Ok(
        stored_row::<PracticeDraft>("practice", r)?.map(|row| Practice {
            languages: row.body.languages(),
            id: row.id,
            version: row.version,
            record: row.body,
            created_at: row.created_at,
            updated_at: row.updated_at,
            created_by: row.created_by,
        }),
    )
}

fn read(conn: &rusqlite::Connection, id: &str) -> Result<Option<Practice>> {
    read_one(conn, PRACTICE_SELECT, id, read_row)
}

/// The practices of `ids` that exist, in one read, in no order.
pub(crate) fn read_many(conn: &rusqlite::Connection, ids: &[&str]) -> Result<Vec<Practice>> {
    let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut stmt = conn.prepare(&format!(
        "{PRACTICE_SELECT} WHERE id IN (SELECT value FROM json_each(?1))"
    ))?;
    let rows = stmt.query_map([ids], read_row)?;
    rows.map(|r| r?).collect()
}

fn put_sources(tx: &Transaction<'_>, id: &str, draft: &PracticeDraft) -> Result<()> {
    tx.execute("DELETE FROM practice_items WHERE practice_id = ?1", [id])?;
    let mut stmt =
        tx.prepare("INSERT OR IGNORE INTO practice_items (practice_id, item_id) VALUES (?1, ?2)")?;
    for s in &draft.sources {
        stmt.execute(params![id, s.item_id])?;
    }
    Ok(())
}

/// A published record publishes the submissions its sources came from
/// (those not declined): the submitter's status page says so.
fn publish_submissions(
    tx: &Transaction<'_>,
    id: &str,
    draft: &PracticeDraft,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    if draft.status != PracticeStatus::Published {
        return Ok(());
    }
    tx.execute(
        "UPDATE submissions SET status = 'published', decided_by = ?2, updated_at = ?3
         WHERE item_id IN (SELECT item_id FROM practice_items WHERE practice_id = ?1)
           AND status IN ('received', 'in_review')",
        params![id, actor, at.to_rfc3339()],
    )?;
    Ok(())
}

/// One change appended to the history `table` (`practice_audit`,
/// `kit_audit`), whose id column is `practice_id` or `kit_id`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit(
    tx: &Transaction<'_>,
    (table, id_column): (&str, &str),
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
    action: &str,
    before: Value,
    after: Value,
) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO {table} ({id_column}, actor, at, action, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        ),
        params![
            id,
            actor,
            at.to_rfc3339(),
            action,
            before.to_string(),
            after.to_string()
        ],
    )?;
    Ok(())
}

fn invalid(draft: &PracticeDraft) -> Result<()> {
    let problems = draft.problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems.join("; ")))
    }
}

impl Store {
    /// Files a new practice record (version 1) made by `actor`.
    pub fn create_practice(&self, draft: &PracticeDraft, actor: &str) -> Result<Practice> {
        invalid(draft)?;
        let now = Utc::now();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let id = new_id(&tx, "practices", 'p')?;
        let body = serde_json::to_string(draft).map_err(|e| StoreError::Invalid(e.to_string()))?;
        tx.execute(
            "INSERT INTO practices (id, version, status, record, created_at, updated_at, created_by)
             VALUES (?1, 1, ?2, ?3, ?4, ?4, ?5)",
            params![id, draft.status.as_str(), body, now.to_rfc3339(), actor],
        )?;
        put_sources(&tx, &id, draft)?;
        publish_submissions(&tx, &id, draft, actor, now)?;
        audit(
            &tx,
            PRACTICE_AUDIT,
            &id,
            actor,
            now,
            "create",
            Value::Null,
            json!(draft),
        )?;
        let done = read(&tx, &id)?
            .ok_or_else(|| StoreError::Corrupt(format!("practice {id} vanished")))?;
        tx.commit()?;
        Ok(done)
    }

    /// Replaces a practice's record if `expected_version` is its current
    /// version; appends the change to its history.
    pub fn update_practice(
        &self,
        id: &str,
        expected_version: i64,
        draft: &PracticeDraft,
        actor: &str,
    ) -> Result<PracticeEdit> {
        invalid(draft)?;
        let now = Utc::now();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let Some(current) = read(&tx, id)? else {
            return Ok(PracticeEdit::NotFound);
        };
        if current.version != expected_version {
            return Ok(PracticeEdit::Stale(Box::new(current)));
        }
        if &current.record == draft {
            return Ok(PracticeEdit::Done(Box::new(current)));
        }
        let body = serde_json::to_string(draft).map_err(|e| StoreError::Invalid(e.to_string()))?;
        tx.execute(
            "UPDATE practices SET version = version + 1, status = ?2, record = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, draft.status.as_str(), body, now.to_rfc3339()],
        )?;
        put_sources(&tx, id, draft)?;
        publish_submissions(&tx, id, draft, actor, now)?;
        audit(
            &tx,
            PRACTICE_AUDIT,
            id,
            actor,
            now,
            "update",
            json!(current.record),
            json!(draft),
        )?;
        let done =
            read(&tx, id)?.ok_or_else(|| StoreError::Corrupt(format!("practice {id} vanished")))?;
        tx.commit()?;
        Ok(PracticeEdit::Done(Box::new(done)))
    }

    /// A practice record.
    pub fn practice(&self, id: &str) -> Result<Option<Practice>> {
        let conn = self.reader()?;
        read(&conn, id)
    }

    /// The practices `filter` keeps, newest change first, and how many
    /// there are in all.
    pub fn practices(
        &self,
        filter: &PracticeFilter,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<Practice>)> {
        let conn = self.reader()?;
        // Status and item are filtered here; theme, country and language,
        // which live in the record's JSON, below.
        let mut stmt = conn.prepare(&format!(
            "{PRACTICE_SELECT}
             WHERE (?1 IS NULL OR status = ?1)
               AND (?2 IS NULL OR id IN (SELECT practice_id FROM practice_items WHERE item_id = ?2))
             ORDER BY updated_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map(
            params![filter.status.map(PracticeStatus::as_str), filter.item_id],
            read_row,
        )?;
        let mut kept = Vec::new();
        for row in rows {
            let p = row??;
            if filter.keeps(&p) {
                kept.push(p);
            }
        }
        let total = kept.len();
        Ok((total, kept.into_iter().skip(offset).take(limit).collect()))
    }

    /// A number that grows with every write to a practice record (the
    /// last entry of the append-only history): what a cache of the records
    /// (the practices' search index) compares to know it is stale.
    pub fn practices_generation(&self) -> Result<i64> {
        let conn = self.reader()?;
        Ok(conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM practice_audit",
            [],
            |r| r.get(0),
        )?)
    }

    /// The practices of `ids` that `filter` keeps, in the order of `ids`
    /// (an unknown id is skipped): what a ranked search lists, without
    /// reading the other records.
    pub fn practices_by_ids(
        &self,
        ids: &[String],
        filter: &PracticeFilter,
    ) -> Result<Vec<Practice>> {
        let conn = self.reader()?;
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        // The columns of `PRACTICE_SELECT`, for `read_row`.
        let mut stmt = conn.prepare(
            "SELECT p.id, p.version, p.record, p.created_at, p.updated_at, p.created_by
               FROM json_each(?1) j CROSS JOIN practices p ON p.id = j.value
              WHERE (?2 IS NULL OR p.status = ?2)
                AND (?3 IS NULL OR p.id IN (SELECT practice_id FROM practice_items WHERE item_id = ?3))
              ORDER BY j.key",
        )?;
        let rows = stmt.query_map(
            params![
                ids,
                filter.status.map(PracticeStatus::as_str),
                filter.item_id
            ],
            read_row,
        )?;
        let mut kept = Vec::new();
        for row in rows {
            let p = row??;
            if filter.keeps(&p) {
                kept.push(p);
            }
        }
        Ok(kept)
    }

    /// A number that grows with every write to a practice record or a
    /// transfer kit (the last entries of their append-only histories): what
    /// the public portal's snapshot of the published ones compares.
    pub fn portal_generation(&self) -> Result<i64> {
        let conn = self.reader()?;
        Ok(conn.query_row(
            "SELECT (SELECT coalesce(max(seq), 0) FROM practice_audit)
                  + (SELECT coalesce(max(seq), 0) FROM kit_audit)",
            [],
            |r| r.get(0),
        )?)
    }

    /// A practice's history, oldest first.
    pub fn practice_history(&self, id: &str) -> Result<Vec<PracticeAuditEntry>> {
        let conn = self.reader()?;
        history(&conn, PRACTICE_AUDIT, id)
    }
}

/// The history of `id` in the audit `table`, oldest first.
pub(crate) fn history(
    conn: &rusqlite::Connection,
    (table, id_column): (&str, &str),
    id: &str,
) -> Result<Vec<PracticeAuditEntry>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, {id_column}, actor, at, action, before, after FROM {table}
         WHERE {id_column} = ?1 ORDER BY seq"
    ))?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    rows.map(|row| {
        let (seq, practice_id, actor, at, action, before, after) = row?;
        let parse = |s: &str| {
            serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{table} {seq}: {e}")))
        };
        Ok(PracticeAuditEntry {
            seq,
            at: stored_date(&format!("{table} {seq}"), at)?,
            practice_id,
            actor,
            action,
            before: parse(&before)?,
            after: parse(&after)?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests;
