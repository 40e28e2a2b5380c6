//! The versioned schema. `PRAGMA user_version` holds the version; each
//! migration brings the database from one version to the next, in a
//! transaction, and is never edited once shipped.

use rusqlite::Connection;

use crate::{Result, StoreError};

const MIGRATIONS: &[&str] = &[
    // 1: items, reviews, the review log, HTTP cache state, source health.
    "CREATE TABLE items (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        source_id TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT,
        published TEXT,
        lang TEXT,
        lang_confidence REAL NOT NULL,
        country TEXT,
        candidate TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX items_source ON items (source_id);
    CREATE TABLE reviews (
        item_id TEXT PRIMARY KEY REFERENCES items (id),
        decision TEXT NOT NULL,
        curator TEXT NOT NULL,
        note TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE review_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        curator TEXT NOT NULL,
        note TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE fetch_state (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        fetched_at TEXT,
        not_before TEXT
    );
    CREATE TABLE source_health (
        source_id TEXT PRIMARY KEY,
        last_fetch TEXT,
        last_outcome TEXT,
        last_error TEXT,
        last_success TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        failing_since TEXT
    );",
    // 2: near-duplicate groups. `fingerprint` is a 64-bit simhash stored as a
    // signed integer; `fingerprint_bands` holds its bands (see dedup.rs).
    "ALTER TABLE items ADD COLUMN fingerprint INTEGER;
    ALTER TABLE items ADD COLUMN group_id TEXT;
    UPDATE items SET group_id = id;
    CREATE INDEX items_group ON items (group_id);
    CREATE TABLE fingerprint_bands (
        band INTEGER NOT NULL,
        value INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        PRIMARY KEY (band, value, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX fingerprint_bands_item ON fingerprint_bands (item_id);",
];

/// The schema version this code writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            known: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
