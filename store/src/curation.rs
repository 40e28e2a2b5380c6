//! The curators' workflow in the store: decisions with a reason, corrections
//! of the practice record, versions, undo, the append-only audit log and the
//! review queue.
//!
//! What the crawler writes (`items`) and what curators decide
//! (`reviews`, `item_corrections`) live in separate tables, so a re-crawl
//! never erases a decision or a correction: corrections are overlaid on the
//! crawled record when it is read ([`Correction::apply`]), and the crawled
//! values stay available ([`ItemRecord::crawled`]).
//!
//! Every change appends one row to `audit_log` with the state it replaced
//! (`before`) and the state it made (`after`), as JSON objects whose keys are
//! the parts of the curation state that changed: `review` (a
//! [`ReviewState`] or `null`) and `corrections` (a [`Correction`]). Undo
//! restores the `before` of the latest change not yet undone, as a new
//! entry; nothing in the log is ever updated or deleted (triggers refuse it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::db::{params, Db, Dialect, Row as DbRow};
use crate::{
    parse_utc, read_item, read_raw, Decision, Item, Place, Result, Review, Store, StoreError,
    ITEM_COLUMNS, ITEM_JOINS, ITEM_SELECT,
};

/// Why a curator decided as they did: a short fixed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NotAPractice,
    OutOfScope,
    Duplicate,
    LowQuality,
    Other,
}

impl Reason {
    /// Every reason, in the order a form shows them.
    pub const ALL: [Reason; 5] = [
        Reason::NotAPractice,
        Reason::OutOfScope,
        Reason::Duplicate,
        Reason::LowQuality,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotAPractice => "not_a_practice",
            Reason::OutOfScope => "out_of_scope",
            Reason::Duplicate => "duplicate",
            Reason::LowQuality => "low_quality",
            Reason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The order of the review queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueOrder {
    /// Candidates, the most likely practices first.
    #[default]
    Best,
    /// Every item waiting, the ones the model is least sure of (a score
    /// nearest 0.5) first: each decision teaches the model the most.
    Uncertain,
}

impl QueueOrder {
    /// As the API and the pages write it: `best`, `uncertain`.
    pub fn parse(s: &str) -> Option<QueueOrder> {
        match s {
            "best" => Some(QueueOrder::Best),
            "uncertain" => Some(QueueOrder::Uncertain),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QueueOrder::Best => "best",
            QueueOrder::Uncertain => "uncertain",
        }
    }
}

/// A new model's verdict on an item ([`Store::rescore`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Rescore {
    pub id: String,
    pub score: f64,
    pub is_candidate: bool,
    pub signals: Vec<crate::Signal>,
}

/// A decision as the workflow records it: the review and its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    pub decision: Decision,
    #[serde(default)]
    pub reason: Option<Reason>,
    pub note: Option<String>,
    pub curator: String,
    pub at: DateTime<Utc>,
}

/// A correction of the practice record: each field given replaces what the
/// crawler found (absent fields keep the crawled value).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// ESSGlobal theme ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub themes: Option<Vec<String>>,
    /// Kinds of organization (ESSGlobal organisational-structure ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<Vec<Place>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations: Option<Vec<String>>,
    /// The year the practice started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

impl Correction {
    /// Whether no field is corrected.
    pub fn is_empty(&self) -> bool {
        *self == Correction::default()
    }

    /// `self` with the fields `newer` gives replaced.
    pub fn merged(&self, newer: &Correction) -> Correction {
        Correction {
            title: newer.title.clone().or_else(|| self.title.clone()),
            summary: newer.summary.clone().or_else(|| self.summary.clone()),
            themes: newer.themes.clone().or_else(|| self.themes.clone()),
            kinds: newer.kinds.clone().or_else(|| self.kinds.clone()),
            places: newer.places.clone().or_else(|| self.places.clone()),
            organizations: newer
                .organizations
                .clone()
                .or_else(|| self.organizations.clone()),
            year: newer.year.or(self.year),
        }
    }

    /// Overlays the corrected fields on a crawled item.
    pub fn apply(&self, item: &mut Item) {
        let c = &mut item.candidate;
        if let Some(title) = &self.title {
            item.title = title.clone();
        }
        if let Some(summary) = &self.summary {
            c.summary = Some(summary.clone());
        }
        if let Some(themes) = &self.themes {
            c.themes = themes.clone();
        }
        if let Some(kinds) = &self.kinds {
            c.kinds = kinds.clone();
        }
        if let Some(places) = &self.places {
            c.places = places.clone();
        }
        if let Some(organizations) = &self.organizations {
            c.organizations = organizations.clone();
        }
        if let Some(year) = self.year {
            c.year = Some(year);
        }
    }

    /// The crawled values of the fields this corrects (a crawled `summary`
    /// or `year` that is missing stays absent).
    pub fn crawled_values(&self, crawled: &Item) -> Correction {
        let c = &crawled.candidate;
        Correction {
            title: self.title.as_ref().map(|_| crawled.title.clone()),
            summary: self.summary.as_ref().and(c.summary.clone()),
            themes: self.themes.as_ref().map(|_| c.themes.clone()),
            kinds: self.kinds.as_ref().map(|_| c.kinds.clone()),
            places: self.places.as_ref().map(|_| c.places.clone()),
            organizations: self.organizations.as_ref().map(|_| c.organizations.clone()),
            year: self.year.and(c.year),
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log (increasing, never reused).
    pub seq: i64,
    /// The item acted on.
    pub item_id: String,
    /// Who: an account or curator name.
    pub actor: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// `review`, `correct` or `undo`.
    pub action: String,
    /// The state replaced: `{"review": …}` and/or `{"corrections": …}`.
    pub before: Value,
    /// The state made, with the same keys as `before`.
    pub after: Value,
    /// For an undo, the entry it reverted.
    pub undoes: Option<i64>,
}

/// An item with its place in the workflow: what `GET /api/items/{id}` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// The item, corrections applied.
    pub item: Item,
    /// Bumped on every curator change; a write must carry the version it
    /// was based on.
    pub version: i64,
    /// The reason of the current decision, if any.
    pub reason: Option<Reason>,
    /// The corrected fields (empty when none).
    pub corrections: Correction,
    /// The crawled values of the corrected fields.
    pub crawled: Correction,
}

/// What a curator's write did.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Written; the record as it now stands.
    Done(ItemRecord),
    /// Refused: the write was based on an older version. The current record.
    Stale(ItemRecord),
    /// Undo found no change left to revert. The current record.
    NothingToUndo(ItemRecord),
    /// No item with this id.
    NotFound,
}

/// One entry of the review queue: an item and how many near-duplicates it
/// stands for (itself excluded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub item: Item,
    /// The item's version (see [`ItemRecord::version`]).
    pub version: i64,
    pub duplicates: u64,
    /// Who submitted it through the collection point (an account, or
    /// `anonymous`), when it came from there.
    pub submitted_by: Option<String>,
}

/// A page of the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    /// Duplicate groups waiting for a decision.
    pub total: u64,
    pub entries: Vec<QueueEntry>,
}

impl Store {
    /// The item with its version, reason, corrections and crawled values.
    pub fn item_record(&self, id: &str) -> Result<Option<ItemRecord>> {
        let tx = self.snapshot()?;
        let found = record(tx.db(), id)?;
        tx.commit()?;
        Ok(found)
    }

    /// Records a decision (with its reason) on an item and its
    /// near-duplicates, bumps their versions and appends it to the audit
    /// log. With `expected_version`, a record that moved on is refused
    /// ([`Edit::Stale`]).
    pub fn review_item(
        &self,
        id: &str,
        review: &Review,
        reason: Option<Reason>,
        expected_version: Option<i64>,
    ) -> Result<Edit> {
        let tx = self.transaction()?;
        let db = tx.db();
        serialize_changes(db)?;
        let Some(current) = record(db, id)? else {
            return Ok(Edit::NotFound);
        };
        if expected_version.is_some_and(|v| v != current.version) {
            return Ok(Edit::Stale(current));
        }
        let members = group_members(db, &current.item.group_id, id)?;
        let before = review_state(db, id)?;
        let after = ReviewState {
            decision: review.decision,
            reason,
            note: review.note.clone(),
            curator: review.curator.clone(),
            at: review.at,
        };
        put_review(db, &members, Some(&after))?;
        bump(db, &members)?;
        append(
            db,
            &NewEntry {
                item_id: id,
                group_id: &current.item.group_id,
                scope: "group",
                actor: &review.curator,
                at: review.at,
                action: "review",
                before: json!({ "review": before }),
                after: json!({ "review": after }),
                undoes: None,
            },
        )?;
        let done = record(db, id)?.ok_or_else(|| gone(id))?;
        tx.commit()?;
        Ok(Edit::Done(done))
    }

    /// Corrects fields of an item's practice record, if `expected_version`
    /// is the item's current version; appends the change to the audit log.
    pub fn correct_item(
        &self,
        id: &str,
        expected_version: i64,
        correction: &Correction,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Edit> {
        let tx = self.transaction()?;
        let db = tx.db();
        serialize_changes(db)?;
        let Some(current) = record(db, id)? else {
            return Ok(Edit::NotFound);
        };
        if expected_version != current.version {
            return Ok(Edit::Stale(current));
        }
        let after = current.corrections.merged(correction);
        put_corrections(db, id, &after, actor, at)?;
        bump(db, &[id.to_string()])?;
        append(
            db,
            &NewEntry {
                item_id: id,
                group_id: &current.item.group_id,
                scope: "item",
                actor,
                at,
                action: "correct",
                before: json!({ "corrections": current.corrections }),
                after: json!({ "corrections": after }),
                undoes: None,
            },
        )?;
        let done = record(db, id)?.ok_or_else(|| gone(id))?;
        tx.commit()?;
        Ok(Edit::Done(done))
    }

    /// Reverts the latest change of this item (or of its duplicate group's
    /// decision) not yet undone, by appending an `undo` entry that restores
    /// the state before it. With `expected_version`, a record that moved on
    /// is refused.
    pub fn undo(
        &self,
        id: &str,
        actor: &str,
        at: DateTime<Utc>,
        expected_version: Option<i64>,
    ) -> Result<Edit> {
        let tx = self.transaction()?;
        let db = tx.db();
        serialize_changes(db)?;
        let Some(current) = record(db, id)? else {
            return Ok(Edit::NotFound);
        };
        if expected_version.is_some_and(|v| v != current.version) {
            return Ok(Edit::Stale(current));
        }
        let last = db.query_opt(
            "SELECT a.seq, a.item_id, a.scope, a.before FROM audit_log a
             WHERE (a.item_id = ?1 OR (a.scope = 'group' AND a.group_id = ?2))
               AND a.action != 'undo'
               AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.undoes = a.seq)
             ORDER BY a.seq DESC LIMIT 1",
            params![id, current.item.group_id],
        )?;
        let Some(last) = last else {
            return Ok(Edit::NothingToUndo(current));
        };
        let seq: i64 = last.get(0)?;
        let target: String = last.get(1)?;
        let scope: String = last.get(2)?;
        let before: String = last.get(3)?;
        let restore: Value = serde_json::from_str(&before)
            .map_err(|e| StoreError::Corrupt(format!("audit log entry {seq}: {e}")))?;
        let mut now_state = serde_json::Map::new();
        let mut touched = vec![target.clone()];
        if let Some(review) = restore.get("review") {
            now_state.insert("review".into(), json!(review_state(db, &target)?));
            let review: Option<ReviewState> = serde_json::from_value(review.clone())
                .map_err(|e| StoreError::Corrupt(format!("audit log entry {seq}: {e}")))?;
            touched = group_members(db, &current.item.group_id, &target)?;
            put_review(db, &touched, review.as_ref())?;
        }
        if let Some(corrections) = restore.get("corrections") {
            let crawled = record(db, &target)?.ok_or_else(|| gone(&target))?;
            now_state.insert("corrections".into(), json!(crawled.corrections));
            let corrections: Correction = serde_json::from_value(corrections.clone())
                .map_err(|e| StoreError::Corrupt(format!("audit log entry {seq}: {e}")))?;
            put_corrections(db, &target, &corrections, actor, at)?;
        }
        bump(db, &touched)?;
        append(
            db,
            &NewEntry {
                item_id: &target,
                group_id: &current.item.group_id,
                scope: &scope,
                actor,
                at,
                action: "undo",
                before: Value::Object(now_state),
                after: restore,
                undoes: Some(seq),
            },
        )?;
        let done = record(db, id)?.ok_or_else(|| gone(id))?;
        tx.commit()?;
        Ok(Edit::Done(done))
    }

    /// The audit entries that concern an item (its own changes and its
    /// duplicate group's decisions), oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<AuditEntry>> {
        let tx = self.snapshot()?;
        let db = tx.db();
        let group: Option<String> = db.value_opt(
            "SELECT coalesce(group_id, id) FROM items WHERE id = ?1",
            params![id],
        )?;
        let group = group.unwrap_or_else(|| id.to_string());
        let entries = db.query_map(
            &format!(
                "{AUDIT_SELECT} WHERE item_id = ?1 OR (scope = 'group' AND group_id = ?2)
                 ORDER BY seq"
            ),
            params![id, group],
            read_entry,
        )?;
        tx.commit()?;
        Ok(entries)
    }

    /// The audit log after entry `after_seq` (0: from the start), at most
    /// `limit` entries, oldest first.
    pub fn audit_log(&self, after_seq: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read()?.db().query_map(
            &format!("{AUDIT_SELECT} WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
            params![after_seq, limit as i64],
            read_entry,
        )
    }

    /// Calls `f` on every item a curator decided (corrections applied)
    /// with its decision's reason, in id order: what a model learns from.
    pub fn for_each_decision(&self, mut f: impl FnMut(Item, Option<Reason>)) -> Result<u64> {
        let conn = self.read()?;
        let mut n = 0;
        // The reason is the column after the item's (see `ITEM_COLUMNS`).
        conn.db().for_each(
            &format!(
                "SELECT {ITEM_COLUMNS}, r.reason FROM items i {ITEM_JOINS}
                 WHERE r.item_id IS NOT NULL ORDER BY i.id"
            ),
            params![],
            |row| {
                let reason = row
                    .get::<Option<String>>(ITEM_WIDTH)?
                    .as_deref()
                    .and_then(Reason::parse);
                f(read_item(&row)?, reason);
                n += 1;
                Ok(())
            },
        )?;
        Ok(n)
    }

    /// How many of a source's items curators approved, and how many they
    /// rejected as not practices (reason `not_a_practice`,
    /// `out_of_scope`, or none): `(approved, rejected)`.
    pub fn source_decisions(&self, source_id: &str) -> Result<(u32, u32)> {
        let conn = self.read()?;
        let row = conn.db().query_one(
            "SELECT count(*) FILTER (WHERE r.decision = 'approve'),
                    count(*) FILTER (WHERE r.decision = 'reject' AND (r.reason IS NULL
                        OR r.reason IN ('not_a_practice', 'out_of_scope')))
             FROM reviews r JOIN items i ON i.id = r.item_id WHERE i.source_id = ?1",
            params![source_id],
        )?;
        Ok((row.get(0)?, row.get(1)?))
    }

    /// Up to `limit` items no curator decided, after id `after` in id
    /// order (corrections applied): a page of what a new model rescores.
    pub fn unreviewed_after(&self, after: &str, limit: usize) -> Result<Vec<Item>> {
        self.read()?.db().query_map(
            &format!("{ITEM_SELECT} WHERE r.item_id IS NULL AND i.id > ?1 ORDER BY i.id LIMIT ?2"),
            params![after, limit as i64],
            read_item,
        )
    }

    /// Replaces the score, the decision and the signals of the crawled
    /// candidate of items no curator has decided (a new model's verdict),
    /// in one transaction; the rest of the candidate, any correction, and
    /// an item decided meanwhile are left as they are. Returns how many
    /// changed.
    pub fn rescore(&self, scores: &[Rescore]) -> Result<usize> {
        let tx = self.transaction()?;
        let db = tx.db();
        // A review written meanwhile commits first, and is seen.
        serialize_changes(db)?;
        let mut changed = 0;
        for r in scores {
            let signals = serde_json::to_string(&r.signals)
                .map_err(|e| StoreError::Corrupt(format!("signals of {}: {e}", r.id)))?;
            let flag = if r.is_candidate { "true" } else { "false" };
            // The score as JSON text too, for the stored candidate: its
            // shortest exact form (both engines write a number they are
            // given with 15 digits at most).
            let score_json = serde_json::to_string(&r.score)
                .map_err(|e| StoreError::Invalid(format!("score of {}: {e}", r.id)))?;
            changed += db.execute(
                db.pick(RESCORE, RESCORE_POSTGRES),
                params![r.id, r.score, flag, signals, score_json],
            )?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// The review queue: unreviewed candidates, best score first, one per
    /// duplicate group (its best-scored member), `limit` from `offset`.
    pub fn queue(&self, offset: u64, limit: u64) -> Result<QueuePage> {
        self.queue_in(QueueOrder::Best, offset, limit)
    }

    /// How many duplicate groups wait in the review queue (its `total`),
    /// in one query.
    pub fn queue_length(&self) -> Result<u64> {
        let conn = self.read()?;
        let db = conn.db();
        Ok(queue_total(db, &queue_cte(db, QueueOrder::Best))? as u64)
    }

    /// The review queue in `order`, `limit` from `offset`: two queries (the
    /// count and the page), from one snapshot.
    pub fn queue_in(&self, order: QueueOrder, offset: u64, limit: u64) -> Result<QueuePage> {
        let sort = match order {
            QueueOrder::Best => "b.score DESC, b.first_seen, b.id",
            QueueOrder::Uncertain => "abs(b.score - 0.5), b.first_seen, b.id",
        };
        let tx = self.snapshot()?;
        let db = tx.db();
        let cte = queue_cte(db, order);
        let total = queue_total(db, &cte)?;
        // SQLite reads the page first for `CROSS JOIN`; PostgreSQL plans
        // the join itself (and takes no `ON` after `CROSS JOIN`).
        let join = db.pick("CROSS JOIN", "JOIN");
        // The page is chosen on the small rows of `best`; only its items
        // are read whole.
        let entries = db.query_map(
            &format!(
                "{cte}, page AS (SELECT b.* FROM best b ORDER BY {sort} LIMIT ?1 OFFSET ?2)
                 SELECT {ITEM_COLUMNS}, b.size,
                        (SELECT s.submitted_by FROM submissions s WHERE s.item_id = i.id
                         ORDER BY s.created_at LIMIT 1)
                 FROM page b {join} items i ON i.id = b.id
                 {ITEM_JOINS} ORDER BY {sort}"
            ),
            params![limit as i64, offset as i64],
            |r| {
                let size: i64 = r.get(ITEM_WIDTH)?;
                Ok(QueueEntry {
                    item: read_item(r)?,
                    version: r.get(20)?,
                    duplicates: (size.max(1) - 1) as u64,
                    submitted_by: r.get(ITEM_WIDTH + 1)?,
                })
            },
        )?;
        tx.commit()?;
        Ok(QueuePage {
            total: total as u64,
            entries,
        })
    }
}

/// How many columns [`ITEM_COLUMNS`] holds: a query's own columns follow.
const ITEM_WIDTH: usize = 22;

/// A new model's verdict on an undecided item whose score or signals
/// differ: `?1` the item, `?2` the score, `?3` `true` or `false`, `?4` the
/// signals as JSON, `?5` the score as JSON.
const RESCORE: &str = "UPDATE items SET candidate = json_set(candidate, '$.score', json(?5),
         '$.is_candidate', json(?3), '$.signals', json(?4))
     WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM reviews WHERE item_id = ?1)
     AND (json_extract(candidate, '$.score') IS NOT ?2
          OR json_extract(candidate, '$.signals') IS NOT json(?4))";

/// [`RESCORE`] on PostgreSQL.
const RESCORE_POSTGRES: &str = "UPDATE items SET candidate = CAST(CAST(candidate AS jsonb)
         || jsonb_build_object('score', CAST(?5 AS jsonb), 'is_candidate', CAST(?3 AS jsonb),
            'signals', CAST(?4 AS jsonb)) AS TEXT)
     WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM reviews WHERE item_id = ?1)
     AND (CAST(CAST(candidate AS jsonb)->>'score' AS DOUBLE PRECISION) IS DISTINCT FROM ?2
          OR CAST(candidate AS jsonb)->'signals' IS DISTINCT FROM CAST(?4 AS jsonb))";

/// The queue's CTE for `order` in `db`'s dialect: its `{score}` and
/// `{which}` filled in.
fn queue_cte(db: Db<'_>, order: QueueOrder) -> String {
    let (score, best) = match db.dialect() {
        Dialect::Sqlite => (QUEUE_SCORE, QUEUE_BEST),
        Dialect::Postgres => (QUEUE_SCORE_POSTGRES, QUEUE_BEST_POSTGRES),
    };
    let which = match order {
        QueueOrder::Best => best,
        QueueOrder::Uncertain => "",
    };
    QUEUE_CTE
        .replace("{score}", score)
        .replace("{which}", which)
}

/// What keeps the queue's best order to candidates, and what partners
/// submitted through the collection point (whatever the model says of it).
const QUEUE_BEST: &str = "AND (json_extract(i.candidate, '$.is_candidate') = 1
                               OR i.source_id = 'submitted')";

/// [`QUEUE_BEST`] on PostgreSQL.
const QUEUE_BEST_POSTGRES: &str = "AND (CAST(i.candidate AS jsonb)->>'is_candidate' = 'true'
                               OR i.source_id = 'submitted')";

/// An item's score (0 when it has none).
const QUEUE_SCORE: &str = "coalesce(json_extract(i.candidate, '$.score'), 0)";

/// [`QUEUE_SCORE`] on PostgreSQL.
const QUEUE_SCORE_POSTGRES: &str =
    "coalesce(CAST(CAST(i.candidate AS jsonb)->>'score' AS DOUBLE PRECISION), 0)";

/// The length of the queue `cte` describes.
fn queue_total(db: Db<'_>, cte: &str) -> Result<i64> {
    db.value(&format!("{cte} SELECT count(*) FROM best"), params![])
}

/// Unreviewed candidates ranked within their duplicate group; `best` keeps
/// each group's first, with the group's size.
const QUEUE_CTE: &str = "WITH waiting AS (
        SELECT i.id, coalesce(i.group_id, i.id) AS grp, i.first_seen, i.version,
               {score} AS score
        FROM items i LEFT JOIN reviews r ON r.item_id = i.id
        WHERE r.item_id IS NULL {which}
    ), ranked AS (
        SELECT id, grp, first_seen, score, version,
               row_number() OVER (PARTITION BY grp ORDER BY score DESC, first_seen, id) AS rn,
               count(*) OVER (PARTITION BY grp) AS size
        FROM waiting
    ), best AS (SELECT id, first_seen, score, size, version FROM ranked WHERE rn = 1)";

const AUDIT_SELECT: &str =
    "SELECT seq, item_id, actor, at, action, before, after, undoes FROM audit_log";

fn read_entry(r: &DbRow) -> Result<AuditEntry> {
    let seq: i64 = r.get(0)?;
    let json = |s: String| {
        serde_json::from_str::<Value>(&s)
            .map_err(|e| StoreError::Corrupt(format!("audit log entry {seq}: {e}")))
    };
    Ok(AuditEntry {
        seq,
        item_id: r.get(1)?,
        actor: r.get(2)?,
        at: parse_utc(r.get(3)?).unwrap_or_default(),
        action: r.get(4)?,
        before: json(r.get(5)?)?,
        after: json(r.get(6)?)?,
        undoes: r.get(7)?,
    })
}

fn gone(id: &str) -> StoreError {
    StoreError::Corrupt(format!("item {id} vanished during a write"))
}

/// On PostgreSQL, waits for the change counter's row and holds it until
/// the transaction ends. Every change to an item, its review or its
/// corrections takes the counter (the triggers of `schema.rs`) and keeps it
/// until its commit, so once it is held no other curator or crawler can
/// change an item: a version check, an undo's choice of entry and the
/// writes they allow see one state. Taking it first (rather than the rows,
/// then the counter at the first write) leaves no other lock to wait for
/// while holding it. SQLite's one writer already writes one transaction at
/// a time.
fn serialize_changes(db: Db<'_>) -> Result<()> {
    if db.dialect() == Dialect::Postgres {
        db.query("SELECT seq FROM change_counter FOR UPDATE", params![])?;
    }
    Ok(())
}

/// The item (corrected) with its workflow state, read on `db` (inside a
/// transaction, so that both statements agree).
pub(crate) fn record(db: Db<'_>, id: &str) -> Result<Option<ItemRecord>> {
    let Some(row) = db.query_opt(&format!("{ITEM_SELECT} WHERE i.id = ?1"), params![id])? else {
        return Ok(None);
    };
    let (mut item, corrections) = read_raw(&row)?;
    let reason: Option<String> = db.value(
        "SELECT r.reason FROM items i LEFT JOIN reviews r ON r.item_id = i.id
         WHERE i.id = ?1",
        params![id],
    )?;
    let corrections = corrections.unwrap_or_default();
    let crawled = corrections.crawled_values(&item);
    corrections.apply(&mut item);
    Ok(Some(ItemRecord {
        item,
        version: row.get(20)?,
        reason: reason.as_deref().and_then(Reason::parse),
        corrections,
        crawled,
    }))
}

/// The ids of `id`'s duplicate group (`id` included).
fn group_members(db: Db<'_>, group: &str, id: &str) -> Result<Vec<String>> {
    db.query_map(
        "SELECT id FROM items WHERE group_id = ?1 OR id = ?2",
        params![group, id],
        |r| r.get(0),
    )
}

fn review_state(db: Db<'_>, id: &str) -> Result<Option<ReviewState>> {
    let Some(row) = db.query_opt(
        "SELECT decision, reason, note, curator, at FROM reviews WHERE item_id = ?1",
        params![id],
    )?
    else {
        return Ok(None);
    };
    let decision: String = row.get(0)?;
    let reason: Option<String> = row.get(1)?;
    Ok(Some(ReviewState {
        decision: crate::parse_decision(&decision)?,
        reason: reason.as_deref().and_then(Reason::parse),
        note: row.get(2)?,
        curator: row.get(3)?,
        at: parse_utc(row.get(4)?).unwrap_or_default(),
    }))
}

fn put_review(db: Db<'_>, members: &[String], review: Option<&ReviewState>) -> Result<()> {
    for member in members {
        match review {
            Some(r) => {
                db.execute(
                    "INSERT INTO reviews (item_id, decision, curator, note, at, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(item_id) DO UPDATE SET decision = ?2, curator = ?3, note = ?4,
                        at = ?5, reason = ?6",
                    params![
                        member,
                        r.decision.as_str(),
                        r.curator,
                        r.note,
                        r.at.to_rfc3339(),
                        r.reason.map(Reason::as_str),
                    ],
                )?;
            }
            None => {
                db.execute("DELETE FROM reviews WHERE item_id = ?1", params![member])?;
            }
        }
    }
    Ok(())
}

fn put_corrections(
    db: Db<'_>,
    id: &str,
    corrections: &Correction,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    if corrections.is_empty() {
        db.execute(
            "DELETE FROM item_corrections WHERE item_id = ?1",
            params![id],
        )?;
        return Ok(());
    }
    let fields =
        serde_json::to_string(corrections).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    db.execute(
        "INSERT INTO item_corrections (item_id, fields, curator, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(item_id) DO UPDATE SET fields = ?2, curator = ?3, at = ?4",
        params![id, fields, actor, at.to_rfc3339()],
    )?;
    Ok(())
}

fn bump(db: Db<'_>, ids: &[String]) -> Result<()> {
    for id in ids {
        db.execute(
            "UPDATE items SET version = version + 1 WHERE id = ?1",
            params![id],
        )?;
    }
    Ok(())
}

struct NewEntry<'a> {
    item_id: &'a str,
    group_id: &'a str,
    scope: &'a str,
    actor: &'a str,
    at: DateTime<Utc>,
    action: &'a str,
    before: Value,
    after: Value,
    undoes: Option<i64>,
}

/// Appends an entry to the audit log. On PostgreSQL the change's
/// transaction holds the change counter ([`serialize_changes`]), so
/// entries take their numbers in the order their changes commit.
fn append(db: Db<'_>, e: &NewEntry<'_>) -> Result<()> {
    db.execute(
        "INSERT INTO audit_log (item_id, group_id, scope, actor, at, action, before, after, undoes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            e.item_id,
            e.group_id,
            e.scope,
            e.actor,
            e.at.to_rfc3339(),
            e.action,
            e.before.to_string(),
            e.after.to_string(),
            e.undoes,
        ],
    )?;
    Ok(())
}
