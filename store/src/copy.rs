//! Copying a store from one engine to another (`veille migrate --to
//! postgres`), and checking that two stores hold the same rows.
//!
//! Every table is copied as it is, row for row, in its key's order: the
//! same ids, the same change sequence (the index built from the copy is the
//! index of the original), the same audit history. The target's triggers
//! are off while it is filled (they would give each copied item a new
//! change sequence, and the append-only tables refuse nothing here since
//! nothing is updated), and its identity counters are moved past the copied
//! rows afterwards. The whole copy is one transaction: a failure leaves the
//! target as it was.

use crate::db::{params, Db, Dialect, Value};
use crate::{Result, Store, StoreError};

/// Every table of the schema, parents before children, each with the
/// columns it is ordered by.
pub const TABLES: &[(&str, &str)] = &[
    ("items", "id"),
    ("reviews", "item_id"),
    ("review_log", "seq"),
    ("fetch_state", "url"),
    ("source_health", "source_id"),
    ("item_corrections", "item_id"),
    ("audit_log", "seq"),
    ("users", "name"),
    ("api_tokens", "digest"),
    ("sessions", "digest"),
    ("saved_searches", "id"),
    ("change_counter", "id"),
    ("practices", "id"),
    ("practice_items", "practice_id, item_id"),
    ("practice_audit", "seq"),
    ("submissions", "receipt"),
    ("kits", "id"),
    ("kit_audit", "seq"),
    ("source_leases", "source_id"),
];

/// The tables whose key is an identity counter on PostgreSQL, and the
/// counter's column.
const IDENTITIES: &[(&str, &str)] = &[
    ("review_log", "seq"),
    ("audit_log", "seq"),
    ("saved_searches", "id"),
    ("practice_audit", "seq"),
    ("kit_audit", "seq"),
];

/// How many rows of each table were copied or compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableCounts(pub Vec<(String, u64)>);

impl TableCounts {
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// The columns of `table`, in the order the engine lists them.
fn columns(db: Db<'_>, table: &str) -> Result<Vec<String>> {
    let sql = db.pick(
        "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
         WHERE table_name = ?1 AND table_schema = current_schema() ORDER BY ordinal_position",
    );
    db.query_map(sql, params![table], |r| r.get(0))
}

/// Calls `f` on every row of `table` (its columns as `names` lists them),
/// in key order.
fn each_row(
    db: Db<'_>,
    table: &str,
    key: &str,
    names: &[String],
    f: impl FnMut(crate::DbRow) -> Result<()>,
) -> Result<()> {
    let sql = format!("SELECT {} FROM {table} ORDER BY {key}", names.join(", "));
    db.for_each(&sql, params![], f)
}

impl Store {
    /// Copies every row of this store into `target`, which must be empty
    /// (no items, no accounts, no records); `progress` is told each table
    /// and its row count as it is done.
    pub fn copy_into(
        &self,
        target: &Store,
        mut progress: impl FnMut(&str, u64),
    ) -> Result<TableCounts> {
        let source = self.snapshot()?;
        let from = source.db();
        let tx = target.transaction()?;
        let to = tx.db();
        for table in ["items", "users", "practices", "kits", "submissions"] {
            let n: i64 = to.value(&format!("SELECT count(*) FROM {table}"), params![])?;
            if n > 0 {
                return Err(StoreError::Invalid(format!(
                    "the target store is not empty ({n} rows in {table}): copy into an empty database"
                )));
            }
        }
        let postgres = to.dialect() == Dialect::Postgres;
        if postgres {
            for (table, _) in TABLES {
                to.batch(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))?;
            }
        }
        // The counter's one row exists on both sides; it is copied as the rest.
        to.execute("DELETE FROM change_counter", params![])?;
        let mut counts = Vec::new();
        for (table, key) in TABLES {
            let names = columns(from, table)?;
            let theirs = columns(to, table)?;
            if names != theirs {
                return Err(StoreError::Invalid(format!(
                    "table {table} differs between the stores: ({}) against ({})",
                    names.join(", "),
                    theirs.join(", ")
                )));
            }
            let insert = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                (1..=names.len())
                    .map(|i| format!("?{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut n = 0u64;
            each_row(from, table, key, &names, |row| {
                to.execute(&insert, &row.into_values())?;
                n += 1;
                Ok(())
            })?;
            progress(table, n);
            counts.push((table.to_string(), n));
        }
        if postgres {
            for (table, _) in TABLES {
                to.batch(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))?;
            }
            for (table, column) in IDENTITIES {
                to.batch(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                        coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                ))?;
            }
        }
        tx.commit()?;
        source.commit()?;
        Ok(TableCounts(counts))
    }

    /// Compares every table of this store with `other`'s, row by row in key
    /// order: the rows counted, or the first difference found.
    pub fn compare_with(&self, other: &Store) -> Result<std::result::Result<TableCounts, String>> {
        let mine = self.snapshot()?;
        let theirs = other.snapshot()?;
        let (a, b) = (mine.db(), theirs.db());
        let mut counts = Vec::new();
        for (table, key) in TABLES {
            let names = columns(a, table)?;
            // The original's rows as digests, not as values: a million
            // items' texts need not be held to be compared.
            let mut left = Vec::new();
            each_row(a, table, key, &names, |row| {
                left.push(row_digest(&row.into_values()));
                Ok(())
            })?;
            let mut i = 0usize;
            let mut difference = None;
            each_row(b, table, key, &names, |row| {
                if difference.is_none() {
                    let row = row.into_values();
                    match left.get(i) {
                        Some(l) if *l == row_digest(&row) => {}
                        Some(_) => {
                            difference = Some(format!(
                                "{table}, row {}: the copy holds {row:?}, the original another",
                                i + 1
                            ))
                        }
                        None => difference = Some(format!("{table}: an extra row {row:?}")),
                    }
                }
                i += 1;
                Ok(())
            })?;
            if let Some(d) = difference {
                return Ok(Err(d));
            }
            if i != left.len() {
                return Ok(Err(format!("{table}: {} rows against {i}", left.len())));
            }
            counts.push((table.to_string(), i as u64));
        }
        mine.commit()?;
        theirs.commit()?;
        Ok(Ok(TableCounts(counts)))
    }
}

/// A row's digest, equal for equal rows; an integer stored in a real
/// column (SQLite keeps `1.0` as written, PostgreSQL as a double) counts as
/// the same real.
fn row_digest(row: &[Value]) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for value in row {
        match value {
            Value::Null => hash.update([0]),
            Value::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                hash.update([1]);
                hash.update((*f as i64).to_le_bytes());
            }
            Value::Int(i) => {
                hash.update([1]);
                hash.update(i.to_le_bytes());
            }
            Value::Real(f) => {
                hash.update([2]);
                hash.update(f.to_bits().to_le_bytes());
            }
            Value::Text(t) => {
                hash.update([3]);
                hash.update((t.len() as u64).to_le_bytes());
                hash.update(t.as_bytes());
            }
            Value::Blob(b) => {
                hash.update([4]);
                hash.update((b.len() as u64).to_le_bytes());
                hash.update(b);
            }
        }
    }
    let mut out = [0; 16];
    out.copy_from_slice(&hash.finalize()[..16]);
    out
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{item_id, Candidate, Decision, NewItem, Review};

    fn new_item(n: u64) -> NewItem {
        NewItem {
            url: format!("https://example.org/{n}"),
            source_id: format!("source-{}", n % 3),
            title: format!("Coopérative n°{n}"),
            text: format!("Une coopérative d'habitation, texte {n}"),
            author: n.is_multiple_of(2).then(|| "Ana".to_string()),
            published: None,
            lang: Some("fr".into()),
            lang_confidence: if n.is_multiple_of(2) { 1.0 } else { 0.75 },
            country: Some("CA".into()),
            candidate: Candidate {
                score: 0.5,
                is_candidate: n.is_multiple_of(2),
                ..Default::default()
            },
            // Items 0 and 1 are near-duplicates: one group.
            fingerprint: Some(if n < 2 {
                0xfeed_beef
            } else {
                n.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            }),
        }
    }

    /// A SQLite store with rows in every table.
    fn filled() -> Store {
        let store = Store::open_in_memory().unwrap();
        let items: Vec<NewItem> = (0..20).map(new_item).collect();
        store.upsert_items(&items).unwrap();
        store
            .set_review(
                &item_id(&items[0].url),
                &Review {
                    decision: Decision::Approve,
                    curator: "ana".into(),
                    note: Some("bon exemple".into()),
                    at: Utc::now(),
                },
            )
            .unwrap();
        // A changed item takes a new change sequence.
        let mut changed = new_item(5);
        changed.title = "Changed".into();
        store.upsert_item(&changed).unwrap();
        store
            .record_source_outcome(&crate::SourceOutcome {
                source_id: "source-1".into(),
                outcome: crate::Outcome::Failed,
                error: Some("timeout".into()),
                at: Utc::now(),
            })
            .unwrap();
        let now = Utc::now().to_rfc3339();
        for sql in [
            "INSERT INTO users (name, role, password_hash, created_at) VALUES ('ana', 'curator', 'x', ?1)",
            "INSERT INTO api_tokens (digest, user_name, created_at) VALUES ('d1', 'ana', ?1)",
            "INSERT INTO sessions (digest, user_name, created_at, expires_at) VALUES ('s1', 'ana', ?1, ?1)",
            "INSERT INTO saved_searches (owner, name, query, feed_key, created_at) VALUES ('ana', 'habitat', 'housing', 'k', ?1)",
            "INSERT INTO practices (id, version, status, record, created_at, updated_at, created_by) VALUES ('p1', 2, 'published', '{}', ?1, ?1, 'ana')",
            "INSERT INTO practice_audit (practice_id, actor, at, action, before, after) VALUES ('p1', 'ana', ?1, 'create', 'null', '{}')",
            "INSERT INTO submissions (receipt, kind, fields, submitted_by, status, created_at, updated_at) VALUES ('r1', 'source', '{}', 'anonymous', 'pending', ?1, ?1)",
            "INSERT INTO kits (id, version, status, kit, created_at, updated_at, created_by) VALUES ('k1', 1, 'draft', '{}', ?1, ?1, 'ana')",
            "INSERT INTO kit_audit (kit_id, actor, at, action, before, after) VALUES ('k1', 'ana', ?1, 'create', 'null', '{}')",
        ] {
            store.exec(sql, params![now]).unwrap();
        }
        store
            .exec(
                "INSERT INTO practice_items (practice_id, item_id) VALUES ('p1', ?1)",
                params![item_id(&items[0].url)],
            )
            .unwrap();
        store
    }

    #[test]
    fn a_row_digest_takes_an_integral_real_for_the_integer() {
        let row = |v: Value| row_digest(&[Value::Text("a".into()), v]);
        assert_eq!(row(Value::Int(1)), row(Value::Real(1.0)));
        assert_ne!(row(Value::Int(1)), row(Value::Real(1.5)));
        assert_ne!(row(Value::Null), row(Value::Text(String::new())));
        assert_ne!(
            row_digest(&[Value::Text("ab".into()), Value::Text("c".into())]),
            row_digest(&[Value::Text("a".into()), Value::Text("bc".into())])
        );
    }

    #[test]
    fn both_engines_reach_the_same_schema_version() {
        let last = crate::schema::POSTGRES_MIGRATIONS.last().unwrap().0;
        assert_eq!(last, crate::schema::VERSION);
    }

    #[test]
    fn the_table_list_is_the_schema() {
        let store = Store::open_in_memory().unwrap();
        let mut tables: Vec<String> = store
            .read()
            .unwrap()
            .db()
            .query_map(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
                params![],
                |r| r.get(0),
            )
            .unwrap();
        let mut listed: Vec<String> = TABLES.iter().map(|(t, _)| t.to_string()).collect();
        listed.sort();
        tables.sort();
        assert_eq!(tables, listed, "copy.rs's TABLES must list every table");
        if let Some(pg) = crate::testing::postgres_store() {
            let mut theirs: Vec<String> = pg
                .read()
                .unwrap()
                .db()
                .query_map(
                    "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
                     WHERE table_schema = current_schema() AND table_name <> 'schema_version'
                     ORDER BY table_name",
                    params![],
                    |r| r.get(0),
                )
                .unwrap();
            theirs.sort();
            assert_eq!(theirs, listed, "PostgreSQL's schema has the same tables");
        }
    }

    #[test]
    fn a_sqlite_store_copied_into_postgres_is_identical() {
        let Some(target) = crate::testing::postgres_store() else {
            return;
        };
        let source = filled();
        let mut told = Vec::new();
        let counts = source
            .copy_into(&target, |table, n| told.push((table.to_string(), n)))
            .unwrap();
        assert_eq!(told, counts.0);
        let count = |t: &str| counts.0.iter().find(|(n, _)| n == t).unwrap().1;
        assert_eq!(count("items"), 20);
        assert_eq!(count("reviews"), 2, "the review and its near-duplicate's");
        assert!(count("audit_log") >= 1);
        let compared = source.compare_with(&target).unwrap().unwrap();
        assert_eq!(compared, counts);
        // The copy reads as the original: items, change sequence, health.
        assert_eq!(target.change_seq().unwrap(), source.change_seq().unwrap());
        let id = item_id(&new_item(0).url);
        assert_eq!(target.get_item(&id).unwrap(), source.get_item(&id).unwrap());
        assert_eq!(
            target.changes_after(0, 100).unwrap(),
            source.changes_after(0, 100).unwrap()
        );
        assert_eq!(
            target.source_health().unwrap(),
            source.source_health().unwrap()
        );
        // Its triggers and counters work again after the copy.
        let before = target.change_seq().unwrap();
        target.upsert_item(&new_item(100)).unwrap();
        assert_eq!(target.change_seq().unwrap(), before + 1);
        target
            .exec(
                "INSERT INTO kit_audit (kit_id, actor, at, action, before, after)
                 VALUES ('k1', 'ana', 'now', 'update', '{}', '{}')",
                params![],
            )
            .unwrap();
        assert!(target.exec("DELETE FROM kit_audit", params![]).is_err());
        // A second copy into a store that is not empty is refused.
        let err = source.copy_into(&target, |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        // And a difference is found.
        target
            .exec("UPDATE items SET title = 'x' WHERE id = ?1", params![id])
            .unwrap();
        let difference = source.compare_with(&target).unwrap().unwrap_err();
        assert!(difference.starts_with("items"), "{difference}");
    }
}
