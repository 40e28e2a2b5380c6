//! Practice records: what the network files and transfers. A curator makes
//! one from one or more approved items (several articles about the same
//! initiative make one practice, which keeps them as its sources), corrects
//! it with the same versions as items (a write carries the version it was
//! based on; a stale one is refused), and every change is appended to
//! `practice_audit`, which triggers keep append-only. Publishing a record
//! publishes the submissions its sources came from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::db::{params, Db, Dialect, Row};
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

/// The next id of `table` (`practices`, `kits`): `prefix` and a number,
/// one more than the last. SQLite numbers its rows in the order they were
/// inserted, and the ids follow; PostgreSQL has no row numbers, so the
/// number is read back from the ids. Called under [`lock_writes`], so two
/// writers never take the same number.
pub(crate) fn new_id(db: Db<'_>, table: &str, prefix: char) -> Result<String> {
    let sql = match db.dialect() {
        Dialect::Sqlite => format!("SELECT coalesce(max(rowid), 0) + 1 FROM {table}"),
        Dialect::Postgres => format!(
            "SELECT coalesce(max(CAST(substr(id, 2) AS BIGINT)), 0) + 1 FROM {table}
             WHERE id ~ '^{prefix}[0-9]+$'"
        ),
    };
    let n: i64 = db.value(&sql, params![])?;
    Ok(format!("{prefix}{n}"))
}

/// The order of the rows of `practices` or `kits` by when they were
/// inserted, last first: SQLite's row numbers, or on PostgreSQL the
/// numbers of their ids ([`new_id`]), a longer one being larger.
pub(crate) fn newest_rows_first(db: Db<'_>) -> &'static str {
    db.pick("rowid DESC", "length(id) DESC, id DESC")
}

/// What serializes the writes to practices (or kits) on PostgreSQL, where
/// several processes may write at once: a write takes it first, so the
/// version it checks is still current when it writes, a new record's
/// number is free, and the entries of the history commit in the order of
/// their numbers (which [`Store::practices_generation`] relies on). SQLite
/// has one writer, which serializes them already. The lock is PostgreSQL's
/// advisory lock `key`, held until the transaction ends.
pub(crate) fn lock_writes(db: Db<'_>, key: &[u8; 8]) -> Result<()> {
    if db.dialect() == Dialect::Postgres {
        db.execute(
            "SELECT pg_advisory_xact_lock(?1)",
            params![i64::from_be_bytes(*key)],
        )?;
    }
    Ok(())
}

/// The advisory lock of the writes to practices ([`lock_writes`]).
const PRACTICES_LOCK: &[u8; 8] = b"practice";

/// The history table of practices and its id column.
const PRACTICE_AUDIT: (&str, &str) = ("practice_audit", "practice_id");

/// The columns [`read_row`] reads.
const PRACTICE_SELECT: &str =
    "SELECT id, version, record, created_at, updated_at, created_by FROM practices";

/// The practices whose ids are in the JSON array `?1` that have the
/// status `?2` (any when null) and the item `?3` among their sources (any
/// when null), in the order of the array (which drives the loop; each
/// record is found by its key). The columns of [`PRACTICE_SELECT`].
const PRACTICES_BY_ID: &str =
    "SELECT p.id, p.version, p.record, p.created_at, p.updated_at, p.created_by
       FROM json_each(?1) j CROSS JOIN practices p ON p.id = j.value
      WHERE (?2 IS NULL OR p.status = ?2)
        AND (?3 IS NULL OR p.id IN (SELECT practice_id FROM practice_items WHERE item_id = ?3))
      ORDER BY j.key";

/// [`PRACTICES_BY_ID`] on PostgreSQL.
const PRACTICES_BY_ID_POSTGRES: &str =
    "SELECT p.id, p.version, p.record, p.created_at, p.updated_at, p.created_by
       FROM jsonb_array_elements_text(CAST(?1 AS jsonb)) WITH ORDINALITY AS j(value, key)
       JOIN practices p ON p.id = j.value
      WHERE (CAST(?2 AS TEXT) IS NULL OR p.status = ?2)
        AND (CAST(?3 AS TEXT) IS NULL
             OR p.id IN (SELECT practice_id FROM practice_items WHERE item_id = ?3))
      ORDER BY j.key";

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
    r: &Row,
) -> Result<StoredRow<T>> {
    let id: String = r.get(0)?;
    let what = format!("{kind} {id}");
    Ok(StoredRow {
        body: serde_json::from_str(&r.get::<String>(2)?)
            .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
        created_at: stored_date(&what, r.get(3)?)?,
        updated_at: stored_date(&what, r.get(4)?)?,
        version: r.get(1)?,
        created_by: r.get(5)?,
        id,
    })
}

/// The record `id` read with `select` (the columns of [`StoredRow`]) and
/// `row`, if there is one.
pub(crate) fn read_one<T>(
    db: Db<'_>,
    select: &str,
    id: &str,
    row: fn(&Row) -> Result<T>,
) -> Result<Option<T>> {
    db.query_opt(&format!("{select} WHERE id = ?1"), params![id])?
        .as_ref()
        .map(row)
        .transpose()
}

/// A practice from a row of [`PRACTICE_SELECT`].
fn read_row(r: &Row) -> Result<Practice> {
    let row = stored_row::<PracticeDraft>("practice", r)?;
    Ok(Practice {
        languages: row.body.languages(),
        id: row.id,
        version: row.version,
        record: row.body,
        created_at: row.created_at,
        updated_at: row.updated_at,
        created_by: row.created_by,
    })
}

fn read(db: Db<'_>, id: &str) -> Result<Option<Practice>> {
    read_one(db, PRACTICE_SELECT, id, read_row)
}

/// The ids of a JSON array of texts `?1` (`json_ids(db)` as a table of
/// one column, `value`): SQLite's `json_each`, PostgreSQL's
/// `jsonb_array_elements_text`.
pub(crate) fn json_ids(db: Db<'_>) -> &'static str {
    db.pick(
        "json_each(?1)",
        "jsonb_array_elements_text(CAST(?1 AS jsonb)) AS j(value)",
    )
}

/// The practices of `ids` that exist, in one read, in no order.
pub(crate) fn read_many(db: Db<'_>, ids: &[&str]) -> Result<Vec<Practice>> {
    let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
    db.query_map(
        &format!(
            "{PRACTICE_SELECT} WHERE id IN (SELECT value FROM {})",
            json_ids(db)
        ),
        params![ids],
        read_row,
    )
}

fn put_sources(db: Db<'_>, id: &str, draft: &PracticeDraft) -> Result<()> {
    db.execute(
        "DELETE FROM practice_items WHERE practice_id = ?1",
        params![id],
    )?;
    for s in &draft.sources {
        db.execute(
            "INSERT INTO practice_items (practice_id, item_id) VALUES (?1, ?2)
             ON CONFLICT DO NOTHING",
            params![id, s.item_id],
        )?;
    }
    Ok(())
}

/// A published record publishes the submissions its sources came from
/// (those not declined): the submitter's status page says so.
fn publish_submissions(
    db: Db<'_>,
    id: &str,
    draft: &PracticeDraft,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    if draft.status != PracticeStatus::Published {
        return Ok(());
    }
    db.execute(
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
    db: Db<'_>,
    (table, id_column): (&str, &str),
    id: &str,
    actor: &str,
    at: DateTime<Utc>,
    action: &str,
    before: Value,
    after: Value,
) -> Result<()> {
    db.execute(
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
        let tx = self.transaction()?;
        let db = tx.db();
        lock_writes(db, PRACTICES_LOCK)?;
        let id = new_id(db, "practices", 'p')?;
        let body = serde_json::to_string(draft).map_err(|e| StoreError::Invalid(e.to_string()))?;
        db.execute(
            "INSERT INTO practices (id, version, status, record, created_at, updated_at, created_by)
             VALUES (?1, 1, ?2, ?3, ?4, ?4, ?5)",
            params![id, draft.status.as_str(), body, now.to_rfc3339(), actor],
        )?;
        put_sources(db, &id, draft)?;
        publish_submissions(db, &id, draft, actor, now)?;
        audit(
            db,
            PRACTICE_AUDIT,
            &id,
            actor,
            now,
            "create",
            Value::Null,
            json!(draft),
        )?;
        let done =
            read(db, &id)?.ok_or_else(|| StoreError::Corrupt(format!("practice {id} vanished")))?;
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
        let tx = self.transaction()?;
        let db = tx.db();
        lock_writes(db, PRACTICES_LOCK)?;
        let Some(current) = read(db, id)? else {
            return Ok(PracticeEdit::NotFound);
        };
        if current.version != expected_version {
            return Ok(PracticeEdit::Stale(Box::new(current)));
        }
        if &current.record == draft {
            return Ok(PracticeEdit::Done(Box::new(current)));
        }
        let body = serde_json::to_string(draft).map_err(|e| StoreError::Invalid(e.to_string()))?;
        db.execute(
            "UPDATE practices SET version = version + 1, status = ?2, record = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, draft.status.as_str(), body, now.to_rfc3339()],
        )?;
        put_sources(db, id, draft)?;
        publish_submissions(db, id, draft, actor, now)?;
        audit(
            db,
            PRACTICE_AUDIT,
            id,
            actor,
            now,
            "update",
            json!(current.record),
            json!(draft),
        )?;
        let done =
            read(db, id)?.ok_or_else(|| StoreError::Corrupt(format!("practice {id} vanished")))?;
        tx.commit()?;
        Ok(PracticeEdit::Done(Box::new(done)))
    }

    /// A practice record.
    pub fn practice(&self, id: &str) -> Result<Option<Practice>> {
        read(self.read()?.db(), id)
    }

    /// The practices `filter` keeps, newest change first, and how many
    /// there are in all.
    pub fn practices(
        &self,
        filter: &PracticeFilter,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<Practice>)> {
        let conn = self.read()?;
        let db = conn.db();
        // Status and item are filtered here; theme, country and language,
        // which live in the record's JSON, below.
        let mut kept = Vec::new();
        db.for_each(
            &format!(
                "{PRACTICE_SELECT}
                 WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1)
                   AND (CAST(?2 AS TEXT) IS NULL
                        OR id IN (SELECT practice_id FROM practice_items WHERE item_id = ?2))
                 ORDER BY updated_at DESC, {}",
                newest_rows_first(db)
            ),
            params![filter.status.map(PracticeStatus::as_str), filter.item_id],
            |row| {
                let p = read_row(&row)?;
                if filter.keeps(&p) {
                    kept.push(p);
                }
                Ok(())
            },
        )?;
        let total = kept.len();
        Ok((total, kept.into_iter().skip(offset).take(limit).collect()))
    }

    /// A number that grows with every write to a practice record (the
    /// last entry of the append-only history): what a cache of the records
    /// (the practices' search index) compares to know it is stale.
    pub fn practices_generation(&self) -> Result<i64> {
        self.read()?.db().value(
            "SELECT coalesce(max(seq), 0) FROM practice_audit",
            params![],
        )
    }

    /// The practices of `ids` that `filter` keeps, in the order of `ids`
    /// (an unknown id is skipped): what a ranked search lists, without
    /// reading the other records.
    pub fn practices_by_ids(
        &self,
        ids: &[String],
        filter: &PracticeFilter,
    ) -> Result<Vec<Practice>> {
        let conn = self.read()?;
        let db = conn.db();
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut kept = Vec::new();
        db.for_each(
            db.pick(PRACTICES_BY_ID, PRACTICES_BY_ID_POSTGRES),
            params![
                ids,
                filter.status.map(PracticeStatus::as_str),
                filter.item_id
            ],
            |row| {
                let p = read_row(&row)?;
                if filter.keeps(&p) {
                    kept.push(p);
                }
                Ok(())
            },
        )?;
        Ok(kept)
    }

    /// A number that grows with every write to a practice record or a
    /// transfer kit (the last entries of their append-only histories): what
    /// the public portal's snapshot of the published ones compares.
    pub fn portal_generation(&self) -> Result<i64> {
        self.read()?.db().value(
            "SELECT (SELECT coalesce(max(seq), 0) FROM practice_audit)
                  + (SELECT coalesce(max(seq), 0) FROM kit_audit)",
            params![],
        )
    }

    /// A practice's history, oldest first.
    pub fn practice_history(&self, id: &str) -> Result<Vec<PracticeAuditEntry>> {
        history(self.read()?.db(), PRACTICE_AUDIT, id)
    }
}

/// The history of `id` in the audit `table`, oldest first.
pub(crate) fn history(
    db: Db<'_>,
    (table, id_column): (&str, &str),
    id: &str,
) -> Result<Vec<PracticeAuditEntry>> {
    db.query_map(
        &format!(
            "SELECT seq, {id_column}, actor, at, action, before, after FROM {table}
             WHERE {id_column} = ?1 ORDER BY seq"
        ),
        params![id],
        |r| {
            let seq: i64 = r.get(0)?;
            let parse = |s: String| {
                serde_json::from_str(&s)
                    .map_err(|e| StoreError::Corrupt(format!("{table} {seq}: {e}")))
            };
            Ok(PracticeAuditEntry {
                seq,
                practice_id: r.get(1)?,
                actor: r.get(2)?,
                at: stored_date(&format!("{table} {seq}"), r.get(3)?)?,
                action: r.get(4)?,
                before: parse(r.get(5)?)?,
                after: parse(r.get(6)?)?,
            })
        },
    )
}

#[cfg(test)]
pub(crate) mod tests;
