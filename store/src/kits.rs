//! Transfer kits: what a curator assembles to pass practices on. A kit has
//! a title, an introduction and conclusions per language, and an ordered
//! selection of practice records, each with a note per language on why it
//! belongs. Kits are versioned like practices (a write carries the version
//! it was based on; a stale one is refused), and every change is appended
//! to `kit_audit`, which triggers keep append-only.
//!
//! A kit may only name practices that exist; once published, the public
//! sees only those of its practices that are published themselves
//! ([`Store::kit_practices`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::db::{params, Db, Row};
use crate::practices::{
    audit, history, json_ids, lock_writes, new_id, newest_rows_first, read_many, read_one,
    stored_row,
};
use crate::{Practice, PracticeAuditEntry, PracticeStatus, Result, Store, StoreError};

/// Texts by language: ISO 639-1 code → text.
pub type Texts = BTreeMap<String, String>;

/// A practice of a kit, in the kit's order, with why it belongs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitEntry {
    pub practice_id: String,
    /// Why it belongs, per language.
    #[serde(default)]
    pub note: Texts,
}

/// What a curator writes of a kit: every field but the identity, version
/// and dates the store keeps. Its status is the practices' (draft,
/// published, withdrawn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KitDraft {
    /// Per language; at least one, none blank.
    #[serde(default)]
    pub title: Texts,
    #[serde(default)]
    pub introduction: Texts,
    #[serde(default)]
    pub conclusions: Texts,
    #[serde(default)]
    pub status: PracticeStatus,
    /// In the kit's order.
    #[serde(default)]
    pub practices: Vec<KitEntry>,
}

/// The longest title of a kit, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// The longest introduction or conclusions, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The longest note on a practice, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;
/// The most practices a kit holds.
pub const MAX_PRACTICES: usize = 100;

/// Whether `lang` is an ISO 639-1 code as the store keeps them.
pub fn is_lang(lang: &str) -> bool {
    lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase())
}

fn check_texts(out: &mut Vec<String>, what: &str, texts: &Texts, max: usize) {
    for (lang, text) in texts {
        if !is_lang(lang) {
            out.push(format!(
                "{what}: language {:?} is not an ISO 639-1 code (two lowercase letters)",
                lang.chars().take(20).collect::<String>()
            ));
        }
        if text.chars().count() > max {
            out.push(format!("{what}: at most {max} characters in {lang}"));
        }
    }
}

impl KitDraft {
    /// The languages the kit is written in: those of its titles,
    /// introductions and conclusions.
    pub fn languages(&self) -> Vec<String> {
        let mut langs: Vec<String> = [&self.title, &self.introduction, &self.conclusions]
            .into_iter()
            .flat_map(|t| t.iter().filter(|(_, v)| !v.trim().is_empty()))
            .map(|(l, _)| l.clone())
            .collect();
        langs.sort();
        langs.dedup();
        langs
    }

    /// Its title in `lang`, or else in English, or else in any language.
    pub fn title_in(&self, lang: &str) -> &str {
        text_in(&self.title, lang).map_or("", |(t, _)| t)
    }

    /// What is wrong with it, if anything: the message says what to give.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.title.is_empty() {
            out.push("title: give the kit a title in at least one language".to_string());
        }
        for (lang, t) in &self.title {
            if t.trim().is_empty() {
                out.push(format!(
                    "title: the title in {:?} is blank: write one or leave the language out",
                    lang.chars().take(20).collect::<String>()
                ));
            }
        }
        check_texts(&mut out, "title", &self.title, MAX_TITLE_CHARS);
        check_texts(&mut out, "introduction", &self.introduction, MAX_TEXT_CHARS);
        check_texts(&mut out, "conclusions", &self.conclusions, MAX_TEXT_CHARS);
        if self.practices.len() > MAX_PRACTICES {
            out.push(format!("practices: at most {MAX_PRACTICES}"));
        }
        let mut seen = std::collections::HashSet::new();
        for e in &self.practices {
            if !seen.insert(e.practice_id.as_str()) {
                out.push(format!(
                    "practices: {:?} is given twice",
                    e.practice_id.chars().take(40).collect::<String>()
                ));
            }
            check_texts(&mut out, "note", &e.note, MAX_NOTE_CHARS);
        }
        out
    }
}

/// The text of `texts` in `lang`, or else in English, or else the first
/// language that has one (blank texts count as none), with the language it
/// is in.
pub fn text_in<'a>(texts: &'a Texts, lang: &str) -> Option<(&'a str, &'a str)> {
    let given = |l: &str| {
        texts
            .get_key_value(l)
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(l, t)| (t.as_str(), l.as_str()))
    };
    given(lang).or_else(|| given("en")).or_else(|| {
        texts
            .iter()
            .find(|(_, t)| !t.trim().is_empty())
            .map(|(l, t)| (t.as_str(), l.as_str()))
    })
}

/// A kit as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kit {
    /// `k` and a number.
    pub id: String,
    /// Bumped on every change; a write must carry the version it was based
    /// on.
    pub version: i64,
    #[serde(flatten)]
    pub kit: KitDraft,
    /// The languages it is written in.
    pub languages: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
}

/// What a write to a kit did.
pub type KitEdit = crate::Written<Kit>;

/// One entry of a kit's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KitAuditEntry {
    pub seq: i64,
    pub kit_id: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// `create` or `update`.
    pub action: String,
    pub before: Value,
    pub after: Value,
}

impl From<PracticeAuditEntry> for KitAuditEntry {
    fn from(e: PracticeAuditEntry) -> KitAuditEntry {
        KitAuditEntry {
            seq: e.seq,
            kit_id: e.practice_id,
            actor: e.actor,
            at: e.at,
            action: e.action,
            before: e.before,
            after: e.after,
        }
    }
}

/// The history table of kits and its id column.
const KIT_AUDIT: (&str, &str) = ("kit_audit", "kit_id");

/// The columns [`read_row`] reads.
const KIT_SELECT: &str = "SELECT id, version, kit, created_at, updated_at, created_by FROM kits";

/// The advisory lock of the writes to kits on PostgreSQL ([`lock_writes`]).
const KITS_LOCK: &[u8; 8] = b"kit_list";

/// A kit from a row of [`KIT_SELECT`].
fn read_row(r: &Row) -> Result<Kit> {
    let row = stored_row::<KitDraft>("kit", r)?;
    Ok(Kit {
        languages: row.body.languages(),
        id: row.id,
        version: row.version,
        kit: row.body,
        created_at: row.created_at,
        updated_at: row.updated_at,
        created_by: row.created_by,
    })
}

fn read(db: Db<'_>, id: &str) -> Result<Option<Kit>> {
    read_one(db, KIT_SELECT, id, read_row)
}

/// Refuses a draft with problems, or naming a practice that does not
/// exist.
fn check(db: Db<'_>, draft: &KitDraft) -> Result<()> {
    let problems = draft.problems();
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems.join("; ")));
    }
    for e in &draft.practices {
        let found = db.query_opt(
            "SELECT 1 FROM practices WHERE id = ?1",
            params![e.practice_id],
        )?;
        if found.is_none() {
            return Err(StoreError::Missing(format!(
                "practices: there is no practice {:?} (a kit holds existing practice records)",
                e.practice_id.chars().take(40).collect::<String>()
            )));
        }
    }
    Ok(())
}

fn body(draft: &KitDraft) -> Result<String> {
    serde_json::to_string(draft).map_err(|e| StoreError::Invalid(e.to_string()))
}

impl Store {
    /// Makes a new kit (version 1) by `actor`.
    pub fn create_kit(&self, draft: &KitDraft, actor: &str) -> Result<Kit> {
        let now = Utc::now();
        let tx = self.transaction()?;
        let db = tx.db();
        lock_writes(db, KITS_LOCK)?;
        check(db, draft)?;
        let id = new_id(db, "kits", 'k')?;
        db.execute(
            "INSERT INTO kits (id, version, status, kit, created_at, updated_at, created_by)
             VALUES (?1, 1, ?2, ?3, ?4, ?4, ?5)",
            params![
                id,
                draft.status.as_str(),
                body(draft)?,
                now.to_rfc3339(),
                actor
            ],
        )?;
        audit(
            db,
            KIT_AUDIT,
            &id,
            actor,
            now,
            "create",
            Value::Null,
            json!(draft),
        )?;
        let done =
            read(db, &id)?.ok_or_else(|| StoreError::Corrupt(format!("kit {id} vanished")))?;
        tx.commit()?;
        Ok(done)
    }

    /// Replaces a kit if `expected_version` is its current version;
    /// appends the change to its history.
    pub fn update_kit(
        &self,
        id: &str,
        expected_version: i64,
        draft: &KitDraft,
        actor: &str,
    ) -> Result<KitEdit> {
        let now = Utc::now();
        let tx = self.transaction()?;
        let db = tx.db();
        lock_writes(db, KITS_LOCK)?;
        let Some(current) = read(db, id)? else {
            return Ok(KitEdit::NotFound);
        };
        if current.version != expected_version {
            return Ok(KitEdit::Stale(Box::new(current)));
        }
        check(db, draft)?;
        if &current.kit == draft {
            return Ok(KitEdit::Done(Box::new(current)));
        }
        db.execute(
            "UPDATE kits SET version = version + 1, status = ?2, kit = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, draft.status.as_str(), body(draft)?, now.to_rfc3339()],
        )?;
        audit(
            db,
            KIT_AUDIT,
            id,
            actor,
            now,
            "update",
            json!(current.kit),
            json!(draft),
        )?;
        let done =
            read(db, id)?.ok_or_else(|| StoreError::Corrupt(format!("kit {id} vanished")))?;
        tx.commit()?;
        Ok(KitEdit::Done(Box::new(done)))
    }

    /// A kit.
    pub fn kit(&self, id: &str) -> Result<Option<Kit>> {
        read(self.read()?.db(), id)
    }

    /// The kits of `status` (all when none), newest change first.
    pub fn kits(&self, status: Option<PracticeStatus>) -> Result<Vec<Kit>> {
        let conn = self.read()?;
        let db = conn.db();
        db.query_map(
            &format!(
                "{KIT_SELECT} WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1)
                 ORDER BY updated_at DESC, {}",
                newest_rows_first(db)
            ),
            params![status.map(PracticeStatus::as_str)],
            read_row,
        )
    }

    /// A kit's history, oldest first.
    pub fn kit_history(&self, id: &str) -> Result<Vec<KitAuditEntry>> {
        Ok(history(self.read()?.db(), KIT_AUDIT, id)?
            .into_iter()
            .map(KitAuditEntry::from)
            .collect())
    }

    /// Which of the practices `ids` are published, in one read.
    pub fn published_practices(&self, ids: &[&str]) -> Result<std::collections::HashSet<String>> {
        let conn = self.read()?;
        let db = conn.db();
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut published = std::collections::HashSet::new();
        db.for_each(
            &format!(
                "SELECT id FROM practices
                 WHERE status = 'published' AND id IN (SELECT value FROM {})",
                json_ids(db)
            ),
            params![ids],
            |r| {
                published.insert(r.get(0)?);
                Ok(())
            },
        )?;
        Ok(published)
    }

    /// The practices of `kit` in its order, each with its entry; only the
    /// published ones when `public`.
    pub fn kit_practices(&self, kit: &Kit, public: bool) -> Result<Vec<(KitEntry, Practice)>> {
        let conn = self.read()?;
        let ids: Vec<&str> = kit
            .kit
            .practices
            .iter()
            .map(|e| e.practice_id.as_str())
            .collect();
        let mut found = read_many(conn.db(), &ids)?;
        Ok(kit
            .kit
            .practices
            .iter()
            .filter_map(|e| {
                let at = found.iter().position(|p| p.id == e.practice_id)?;
                let p = found.swap_remove(at);
                (!public || p.record.status == PracticeStatus::Published).then(|| (e.clone(), p))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
