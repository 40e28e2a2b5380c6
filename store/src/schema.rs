//! The versioned schema. `PRAGMA user_version` holds the version; each
//! migration brings the database from one version to the next, in a
//! transaction, and is never edited once shipped.
//!
//! `review_log` (migration 1) is written no more: migration 3 copied it into
//! `audit_log`, which records every decision since. The table stays so that
//! a database from before migration 3 still migrates.

use rusqlite::Connection;

use crate::db::{Conn, Tx};
use crate::{Result, StoreError};

pub(crate) const MIGRATIONS: &[&str] = &[
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
    // 3: the curators' workflow. Items get a `version` bumped on every
    // curator change; a review gets a `reason`; corrections are kept apart
    // from what the crawler writes and overlaid when reading; every change
    // is appended to `audit_log`, which triggers make append-only (the old
    // review log is copied into it); accounts, their API tokens and
    // sessions (secrets kept only as SHA-256 digests); saved searches.
    "ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE reviews ADD COLUMN reason TEXT;
    CREATE TABLE item_corrections (
        item_id TEXT PRIMARY KEY REFERENCES items (id),
        fields TEXT NOT NULL,
        curator TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL,
        undoes INTEGER
    );
    CREATE INDEX audit_log_item ON audit_log (item_id);
    CREATE INDEX audit_log_group ON audit_log (group_id);
    INSERT INTO audit_log (item_id, group_id, scope, actor, at, action, before, after)
        SELECT l.item_id, coalesce(i.group_id, l.item_id), 'group', l.curator, l.at, 'review',
            json_object('review', CASE WHEN p.seq IS NULL THEN json('null') ELSE json_object(
                'decision', p.decision, 'curator', p.curator, 'note', p.note, 'at', p.at,
                'reason', NULL) END),
            json_object('review', json_object('decision', l.decision, 'curator', l.curator,
                'note', l.note, 'at', l.at, 'reason', NULL))
        FROM review_log l
        LEFT JOIN items i ON i.id = l.item_id
        LEFT JOIN review_log p ON p.seq = (SELECT max(seq) FROM review_log q
            WHERE q.item_id = l.item_id AND q.seq < l.seq)
        ORDER BY l.seq;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE api_tokens (
        digest TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users (name),
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        digest TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users (name),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        query TEXT NOT NULL,
        feed_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (owner, name)
    );
    CREATE INDEX saved_searches_owner ON saved_searches (owner);",
    // 4: the duplicate lookup reads one contiguous range per band: each band
    // row carries the fingerprint, group and first-seen time of its item, so
    // finding a new item's near-duplicates never joins `items`.
    "DROP TABLE fingerprint_bands;
    CREATE TABLE fingerprint_bands (
        band INTEGER NOT NULL,
        value INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        fingerprint INTEGER NOT NULL,
        group_id TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (band, value, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX fingerprint_bands_item ON fingerprint_bands (item_id);
    INSERT INTO fingerprint_bands (band, value, item_id, fingerprint, group_id, first_seen)
        SELECT b.band, (i.fingerprint >> b.shift) & b.mask, i.id, i.fingerprint,
               coalesce(i.group_id, i.id), i.first_seen
        FROM items i,
             (SELECT 0 AS band, 0 AS shift, 1023 AS mask UNION ALL SELECT 1, 10, 511
              UNION ALL SELECT 2, 19, 511 UNION ALL SELECT 3, 28, 511 UNION ALL SELECT 4, 37, 511
              UNION ALL SELECT 5, 46, 511 UNION ALL SELECT 6, 55, 511) b
        WHERE i.fingerprint IS NOT NULL;",
    // 5: the change feed that keeps the index derived. Every change to an
    // item (ingest, update, group, review, correction, undo) gives it the
    // next `change_seq`, in the same transaction as the change itself: the
    // triggers below see every write, whichever code path makes it. The
    // index records the last sequence it committed and catches up from the
    // store's changes after it. Existing items get sequences in rowid order.
    "ALTER TABLE items ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    UPDATE items SET change_seq = rowid;
    CREATE INDEX items_change_seq ON items (change_seq);
    CREATE TABLE change_counter (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL
    );
    INSERT INTO change_counter (id, seq) SELECT 1, coalesce(max(change_seq), 0) FROM items;
    CREATE TRIGGER items_change_on_insert AFTER INSERT ON items BEGIN
        UPDATE change_counter SET seq = seq + 1;
        UPDATE items SET change_seq = (SELECT seq FROM change_counter) WHERE id = NEW.id;
    END;
    CREATE TRIGGER items_change_on_update AFTER UPDATE ON items
        WHEN NEW.change_seq = OLD.change_seq BEGIN
        UPDATE change_counter SET seq = seq + 1;
        UPDATE items SET change_seq = (SELECT seq FROM change_counter) WHERE id = NEW.id;
    END;
    CREATE TRIGGER items_no_delete BEFORE DELETE ON items
        BEGIN SELECT RAISE(ABORT, 'items are never deleted: the index could not follow'); END;
    CREATE TRIGGER reviews_change_on_insert AFTER INSERT ON reviews BEGIN
        UPDATE items SET change_seq = change_seq WHERE id = NEW.item_id;
    END;
    CREATE TRIGGER reviews_change_on_update AFTER UPDATE ON reviews BEGIN
        UPDATE items SET change_seq = change_seq WHERE id = NEW.item_id;
    END;
    CREATE TRIGGER reviews_change_on_delete AFTER DELETE ON reviews BEGIN
        UPDATE items SET change_seq = change_seq WHERE id = OLD.item_id;
    END;
    CREATE TRIGGER corrections_change_on_insert AFTER INSERT ON item_corrections BEGIN
        UPDATE items SET change_seq = change_seq WHERE id = NEW.item_id;
    END;
    CREATE TRIGGER corrections_change_on_update AFTER UPDATE ON item_corrections BEGIN
        UPDATE items SET change_seq = change_seq WHERE id = NEW.item_id;
    END;
    CREATE TRIGGER corrections_change_on_delete AFTER DELETE ON item_corrections BEGIN
        UPDATE items SET change_seq = change_seq WHERE id = OLD.item_id;
    END;",
    // 6: practice records (issue 13): the record as JSON with its version
    // and status, the items it was made from, and its history, which
    // triggers make append-only.
    "CREATE TABLE practices (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        record TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE INDEX practices_status ON practices (status, updated_at);
    CREATE TABLE practice_items (
        practice_id TEXT NOT NULL REFERENCES practices (id),
        item_id TEXT NOT NULL,
        PRIMARY KEY (practice_id, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX practice_items_item ON practice_items (item_id);
    CREATE TABLE practice_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        practice_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL
    );
    CREATE INDEX practice_audit_practice ON practice_audit (practice_id);
    CREATE TRIGGER practice_audit_no_update BEFORE UPDATE ON practice_audit
        BEGIN SELECT RAISE(ABORT, 'practice_audit is append-only'); END;
    CREATE TRIGGER practice_audit_no_delete BEFORE DELETE ON practice_audit
        BEGIN SELECT RAISE(ABORT, 'practice_audit is append-only'); END;",
    // 7: the collection point (issue 13): what partners submit, found by
    // its random receipt; the fields as JSON, the URL apart so that the
    // crawl of submitted pages finds it; the item a submitted practice
    // became, or why its page could not be fetched.
    "CREATE TABLE submissions (
        receipt TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        fields TEXT NOT NULL,
        url TEXT,
        submitted_by TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        decided_by TEXT,
        item_id TEXT,
        fetch_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX submissions_status ON submissions (status, created_at);
    CREATE INDEX submissions_item ON submissions (item_id);",
    // 8: what feed discovery found at a submitted source's site (JSON).
    "ALTER TABLE submissions ADD COLUMN probe TEXT;",
    // 9: the sources page's weekly charts read the items first seen and
    // the approvals of the last weeks without reading the whole tables.
    "CREATE INDEX items_first_seen ON items (first_seen, source_id);
    CREATE INDEX reviews_decision_at ON reviews (decision, at);",
    // 10: transfer kits (issue 14): the kit as JSON (titles, introductions
    // and conclusions per language, its practices in order with their
    // notes) with its version and status, and its history, which triggers
    // make append-only.
    "CREATE TABLE kits (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        kit TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE INDEX kits_status ON kits (status, updated_at);
    CREATE TABLE kit_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kit_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL
    );
    CREATE INDEX kit_audit_kit ON kit_audit (kit_id);
    CREATE TRIGGER kit_audit_no_update BEFORE UPDATE ON kit_audit
        BEGIN SELECT RAISE(ABORT, 'kit_audit is append-only'); END;
    CREATE TRIGGER kit_audit_no_delete BEFORE DELETE ON kit_audit
        BEGIN SELECT RAISE(ABORT, 'kit_audit is append-only'); END;",
    // 11: leases on due sources, for several crawler workers sharing one
    // store (leases.rs): who holds a source until when, and the due time
    // its last crawl served. And undo's look-up of the entries undoing one.
    "CREATE TABLE source_leases (
        source_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        worker TEXT,
        lease_until TEXT,
        done_through TEXT
    );
    CREATE INDEX source_leases_host ON source_leases (host, lease_until);
    CREATE INDEX audit_log_undoes ON audit_log (undoes);",
    // 12: the duplicate lookups hold every item's fingerprint in memory
    // (fingerprints.rs), loaded from `items_change_seq`, which now covers
    // the ids and fingerprints (a load reads the index, not the items'
    // texts) and still orders the change feed; the band table goes.
    MIGRATION_12,
];

/// Migration 12, the same on both engines.
const MIGRATION_12: &str = "DROP INDEX items_change_seq;
    CREATE INDEX items_change_seq ON items (change_seq, id, fingerprint);
    DROP TABLE fingerprint_bands;";

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

/// The schema on PostgreSQL, as (version, statements): the first brings an
/// empty database to SQLite's version 10 at once; each later one matches
/// SQLite's migration of the same number, so both engines hold the same
/// tables at the same version. Types: `BIGINT` for SQLite's integers,
/// `DOUBLE PRECISION` for its reals, `TEXT` for times (RFC 3339, as on
/// SQLite), every text in the "C" collation (compared byte by byte as
/// SQLite does, whatever the database's locale: ids, times and names sort
/// the same on both engines); triggers are PL/pgSQL functions.
pub(crate) const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (
        10,
        "CREATE TABLE items (
        id TEXT COLLATE \"C\" PRIMARY KEY,
        url TEXT COLLATE \"C\" NOT NULL,
        source_id TEXT COLLATE \"C\" NOT NULL,
        title TEXT COLLATE \"C\" NOT NULL,
        text TEXT COLLATE \"C\" NOT NULL,
        author TEXT COLLATE \"C\",
        published TEXT COLLATE \"C\",
        lang TEXT COLLATE \"C\",
        lang_confidence DOUBLE PRECISION NOT NULL,
        country TEXT COLLATE \"C\",
        candidate TEXT COLLATE \"C\" NOT NULL,
        content_hash TEXT COLLATE \"C\" NOT NULL,
        first_seen TEXT COLLATE \"C\" NOT NULL,
        updated_at TEXT COLLATE \"C\" NOT NULL,
        fingerprint BIGINT,
        group_id TEXT COLLATE \"C\",
        version BIGINT NOT NULL DEFAULT 0,
        change_seq BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX items_source ON items (source_id);
    CREATE INDEX items_group ON items (group_id);
    CREATE INDEX items_change_seq ON items (change_seq);
    CREATE INDEX items_first_seen ON items (first_seen, source_id);
    CREATE TABLE reviews (
        item_id TEXT COLLATE \"C\" PRIMARY KEY REFERENCES items (id),
        decision TEXT COLLATE \"C\" NOT NULL,
        curator TEXT COLLATE \"C\" NOT NULL,
        note TEXT COLLATE \"C\",
        at TEXT COLLATE \"C\" NOT NULL,
        reason TEXT COLLATE \"C\"
    );
    CREATE INDEX reviews_decision_at ON reviews (decision, at);
    CREATE TABLE review_log (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id TEXT COLLATE \"C\" NOT NULL,
        decision TEXT COLLATE \"C\" NOT NULL,
        curator TEXT COLLATE \"C\" NOT NULL,
        note TEXT COLLATE \"C\",
        at TEXT COLLATE \"C\" NOT NULL
    );
    CREATE TABLE fetch_state (
        url TEXT COLLATE \"C\" PRIMARY KEY,
        etag TEXT COLLATE \"C\",
        last_modified TEXT COLLATE \"C\",
        fetched_at TEXT COLLATE \"C\",
        not_before TEXT COLLATE \"C\"
    );
    CREATE TABLE source_health (
        source_id TEXT COLLATE \"C\" PRIMARY KEY,
        last_fetch TEXT COLLATE \"C\",
        last_outcome TEXT COLLATE \"C\",
        last_error TEXT COLLATE \"C\",
        last_success TEXT COLLATE \"C\",
        consecutive_failures BIGINT NOT NULL DEFAULT 0,
        failing_since TEXT COLLATE \"C\"
    );
    CREATE TABLE fingerprint_bands (
        band BIGINT NOT NULL,
        value BIGINT NOT NULL,
        item_id TEXT COLLATE \"C\" NOT NULL,
        fingerprint BIGINT NOT NULL,
        group_id TEXT COLLATE \"C\" NOT NULL,
        first_seen TEXT COLLATE \"C\" NOT NULL,
        PRIMARY KEY (band, value, item_id)
    );
    CREATE INDEX fingerprint_bands_item ON fingerprint_bands (item_id);
    CREATE TABLE item_corrections (
        item_id TEXT COLLATE \"C\" PRIMARY KEY REFERENCES items (id),
        fields TEXT COLLATE \"C\" NOT NULL,
        curator TEXT COLLATE \"C\" NOT NULL,
        at TEXT COLLATE \"C\" NOT NULL
    );
    CREATE TABLE audit_log (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id TEXT COLLATE \"C\" NOT NULL,
        group_id TEXT COLLATE \"C\" NOT NULL,
        scope TEXT COLLATE \"C\" NOT NULL,
        actor TEXT COLLATE \"C\" NOT NULL,
        at TEXT COLLATE \"C\" NOT NULL,
        action TEXT COLLATE \"C\" NOT NULL,
        before TEXT COLLATE \"C\" NOT NULL,
        after TEXT COLLATE \"C\" NOT NULL,
        undoes BIGINT
    );
    CREATE INDEX audit_log_item ON audit_log (item_id);
    CREATE INDEX audit_log_group ON audit_log (group_id);
    CREATE TABLE users (
        name TEXT COLLATE \"C\" PRIMARY KEY,
        role TEXT COLLATE \"C\" NOT NULL,
        password_hash TEXT COLLATE \"C\" NOT NULL,
        created_at TEXT COLLATE \"C\" NOT NULL
    );
    CREATE TABLE api_tokens (
        digest TEXT COLLATE \"C\" PRIMARY KEY,
        user_name TEXT COLLATE \"C\" NOT NULL REFERENCES users (name),
        created_at TEXT COLLATE \"C\" NOT NULL
    );
    CREATE TABLE sessions (
        digest TEXT COLLATE \"C\" PRIMARY KEY,
        user_name TEXT COLLATE \"C\" NOT NULL REFERENCES users (name),
        created_at TEXT COLLATE \"C\" NOT NULL,
        expires_at TEXT COLLATE \"C\" NOT NULL
    );
    CREATE TABLE saved_searches (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        owner TEXT COLLATE \"C\" NOT NULL,
        name TEXT COLLATE \"C\" NOT NULL,
        query TEXT COLLATE \"C\" NOT NULL,
        feed_key TEXT COLLATE \"C\" NOT NULL,
        created_at TEXT COLLATE \"C\" NOT NULL,
        UNIQUE (owner, name)
    );
    CREATE INDEX saved_searches_owner ON saved_searches (owner);
    CREATE TABLE change_counter (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        seq BIGINT NOT NULL
    );
    INSERT INTO change_counter (id, seq) VALUES (1, 0);
    CREATE FUNCTION veille_item_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE change_counter SET seq = seq + 1 RETURNING seq INTO NEW.change_seq;
        RETURN NEW;
    END $$;
    CREATE TRIGGER items_change BEFORE INSERT OR UPDATE ON items
        FOR EACH ROW EXECUTE FUNCTION veille_item_changed();
    CREATE FUNCTION veille_touch_item() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE items SET change_seq = change_seq WHERE id = OLD.item_id;
        ELSE
            UPDATE items SET change_seq = change_seq WHERE id = NEW.item_id;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER reviews_change AFTER INSERT OR UPDATE OR DELETE ON reviews
        FOR EACH ROW EXECUTE FUNCTION veille_touch_item();
    CREATE TRIGGER corrections_change AFTER INSERT OR UPDATE OR DELETE ON item_corrections
        FOR EACH ROW EXECUTE FUNCTION veille_touch_item();
    CREATE FUNCTION veille_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END $$;
    CREATE FUNCTION veille_never_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'items are never deleted: the index could not follow';
    END $$;
    CREATE TRIGGER items_no_delete BEFORE DELETE ON items
        FOR EACH ROW EXECUTE FUNCTION veille_never_delete();
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION veille_append_only();
    CREATE TABLE practices (
        id TEXT COLLATE \"C\" PRIMARY KEY,
        version BIGINT NOT NULL,
        status TEXT COLLATE \"C\" NOT NULL,
        record TEXT COLLATE \"C\" NOT NULL,
        created_at TEXT COLLATE \"C\" NOT NULL,
        updated_at TEXT COLLATE \"C\" NOT NULL,
        created_by TEXT COLLATE \"C\" NOT NULL
    );
    CREATE INDEX practices_status ON practices (status, updated_at);
    CREATE TABLE practice_items (
        practice_id TEXT COLLATE \"C\" NOT NULL REFERENCES practices (id),
        item_id TEXT COLLATE \"C\" NOT NULL,
        PRIMARY KEY (practice_id, item_id)
    );
    CREATE INDEX practice_items_item ON practice_items (item_id);
    CREATE TABLE practice_audit (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        practice_id TEXT COLLATE \"C\" NOT NULL,
        actor TEXT COLLATE \"C\" NOT NULL,
        at TEXT COLLATE \"C\" NOT NULL,
        action TEXT COLLATE \"C\" NOT NULL,
        before TEXT COLLATE \"C\" NOT NULL,
        after TEXT COLLATE \"C\" NOT NULL
    );
    CREATE INDEX practice_audit_practice ON practice_audit (practice_id);
    CREATE TRIGGER practice_audit_append_only BEFORE UPDATE OR DELETE ON practice_audit
        FOR EACH ROW EXECUTE FUNCTION veille_append_only();
    CREATE TABLE submissions (
        receipt TEXT COLLATE \"C\" PRIMARY KEY,
        kind TEXT COLLATE \"C\" NOT NULL,
        fields TEXT COLLATE \"C\" NOT NULL,
        url TEXT COLLATE \"C\",
        submitted_by TEXT COLLATE \"C\" NOT NULL,
        status TEXT COLLATE \"C\" NOT NULL,
        reason TEXT COLLATE \"C\",
        decided_by TEXT COLLATE \"C\",
        item_id TEXT COLLATE \"C\",
        fetch_error TEXT COLLATE \"C\",
        created_at TEXT COLLATE \"C\" NOT NULL,
        updated_at TEXT COLLATE \"C\" NOT NULL,
        probe TEXT COLLATE \"C\"
    );
    CREATE INDEX submissions_status ON submissions (status, created_at);
    CREATE INDEX submissions_item ON submissions (item_id);
    CREATE TABLE kits (
        id TEXT COLLATE \"C\" PRIMARY KEY,
        version BIGINT NOT NULL,
        status TEXT COLLATE \"C\" NOT NULL,
        kit TEXT COLLATE \"C\" NOT NULL,
        created_at TEXT COLLATE \"C\" NOT NULL,
        updated_at TEXT COLLATE \"C\" NOT NULL,
        created_by TEXT COLLATE \"C\" NOT NULL
    );
    CREATE INDEX kits_status ON kits (status, updated_at);
    CREATE TABLE kit_audit (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        kit_id TEXT COLLATE \"C\" NOT NULL,
        actor TEXT COLLATE \"C\" NOT NULL,
        at TEXT COLLATE \"C\" NOT NULL,
        action TEXT COLLATE \"C\" NOT NULL,
        before TEXT COLLATE \"C\" NOT NULL,
        after TEXT COLLATE \"C\" NOT NULL
    );
    CREATE INDEX kit_audit_kit ON kit_audit (kit_id);
    CREATE TRIGGER kit_audit_append_only BEFORE UPDATE OR DELETE ON kit_audit
        FOR EACH ROW EXECUTE FUNCTION veille_append_only();",
    ),
    (
        11,
        "CREATE TABLE source_leases (
        source_id TEXT COLLATE \"C\" PRIMARY KEY,
        host TEXT COLLATE \"C\" NOT NULL,
        worker TEXT COLLATE \"C\",
        lease_until TEXT COLLATE \"C\",
        done_through TEXT COLLATE \"C\"
    );
    CREATE INDEX source_leases_host ON source_leases (host, lease_until);
    CREATE INDEX audit_log_undoes ON audit_log (undoes);",
    ),
    (12, MIGRATION_12),
];

/// Brings a PostgreSQL database's schema up to date. Several processes may
/// start at once: the first to take the advisory lock migrates, the others
/// then find the version current.
pub(crate) fn migrate_postgres(conn: Conn<'_>) -> Result<()> {
    let tx = Tx::begin(conn, "BEGIN")?;
    let db = tx.db();
    // A constant key: "veille" in ASCII.
    db.batch(
        "SELECT pg_advisory_xact_lock(118101105108108101);
         CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)",
    )?;
    let found: i64 = db
        .value_opt("SELECT version FROM schema_version", &[])?
        .unwrap_or(0);
    if found > VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            known: VERSION,
        });
    }
    let mut version = found;
    for (to, sql) in POSTGRES_MIGRATIONS {
        if *to > version {
            db.batch(sql)?;
            version = *to;
        }
    }
    if version != found {
        db.execute("DELETE FROM schema_version", &[])?;
        db.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            crate::db::params![version],
        )?;
    }
    tx.commit()
}
