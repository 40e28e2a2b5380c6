//! veille's system of record.
//!
//! Everything harvested and every curator decision lives in one embedded
//! SQLite database (WAL mode). The tantivy index is derived from it and can
//! always be rebuilt from it; nothing is ever only in the index.
//!
//! # Layout
//! - `types`: the record types ([`Harvested`], [`NewItem`], [`Item`],
//!   [`Review`], [`FetchState`], [`SourceHealth`] …), shared by every crate.
//! - `schema`: the versioned schema and its migrations, and the change feed
//!   (every change to an item takes the next `change_seq`).
//! - `backup`: online backups and restores (SQLite's backup API).
//! - `metrics`: the counter and histogram types each crate counts its own
//!   work with, in Prometheus's text format.
//! - `practices`: practice records ([`Practice`]), their versions and
//!   history.
//! - `submissions`: what partners send in ([`Submission`]), found by its
//!   receipt, and the curators' decisions on it.
//! - `activity`: each source's new items and approvals per week
//!   ([`SourceWeek`]).
//! - `readers`: the pool of read-only connections beside the one writer.
//! - `temporary`: the file behind a throwaway store.
//! - this file: [`Store`], the narrow interface the other crates use, kept
//!   small so that another engine could take SQLite's place.
//!
//! Invariants: an item's id is a hash of its canonical URL ([`item_id`]), so
//! storing the same URL twice updates, never duplicates; storing an item never
//! touches its review.

mod accounts;
mod activity;
mod backup;
mod copy;
mod curation;
mod db;
mod dedup;
mod fingerprints;
mod kits;
mod leases;
pub mod metrics;
pub mod postgres;
mod practices;
mod readers;
mod schema;
mod submissions;
mod temporary;
pub mod testing;
mod types;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use db::{params, Conn, Tx};
use postgres::{PgConn, Target};
use readers::{Pool, Reader, Readers};
use temporary::TemporaryFile;

pub use accounts::{Role, SavedSearch, User, MIN_PASSWORD_CHARS};
pub use activity::{week_of, SourceWeek};
pub use backup::{check_backup, BackupInfo};
pub use copy::{TableCounts, TABLES};
pub use curation::{
    AuditEntry, Correction, Edit, ItemRecord, QueueEntry, QueueOrder, QueuePage, Reason, Rescore,
    ReviewState,
};
pub use db::{Dialect, Row as DbRow, Value};
pub use dedup::MAX_DUPLICATE_DISTANCE;
pub use kits::{
    is_lang, text_in, Kit, KitAuditEntry, KitDraft, KitEdit, KitEntry, Texts as KitTexts,
    MAX_NOTE_CHARS as KIT_MAX_NOTE_CHARS, MAX_PRACTICES as KIT_MAX_PRACTICES,
    MAX_TEXT_CHARS as KIT_MAX_TEXT_CHARS, MAX_TITLE_CHARS as KIT_MAX_TITLE_CHARS,
};
pub use leases::Claim;
pub use practices::{
    FieldEvidence, Practice, PracticeAuditEntry, PracticeDraft, PracticeEdit, PracticeFigure,
    PracticeFilter, PracticeOrganization, PracticePlace, PracticeSource, PracticeStatus,
    PracticeText, Written, FIELDS as PRACTICE_FIELDS,
};
pub use readers::MAX_READERS;
pub use submissions::{
    caps as submission_caps, is_receipt, new_receipt, ProposedSource, SourceProbe, Submission,
    SubmissionFields, SubmissionKind, SubmissionStatus, ANONYMOUS,
};
pub use types::*;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: {}", postgres::message(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// What this store's engine does not do (a SQLite backup of a
    /// PostgreSQL store); the message says what to do instead.
    #[error("{0}")]
    Unsupported(String),
    #[error(
        "database schema version {found} is newer than this veille knows ({known}): upgrade veille"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("stored record is corrupt: {0}")]
    Corrupt(String),
    /// A value given to the store is not acceptable (a user name, a
    /// password, a saved search …); the message says what to give.
    #[error("{0}")]
    Invalid(String),
    /// A record a write names does not exist (a kit's practice); the
    /// message says which.
    #[error("{0}")]
    Missing(String),
    #[error("there is already an account named {0:?}: choose another name")]
    UserExists(String),
    #[error("no account named {0:?}: create it with `veille users add {0} --role ROLE`")]
    NoSuchUser(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The id of the item at this canonical URL: the first 16 bytes of its
/// SHA-256, in hex.
pub fn item_id(canonical_url: &str) -> String {
    let digest = Sha256::digest(canonical_url.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The system of record. Cheap to clone; safe to share between threads.
///
/// On SQLite, one connection writes, behind a lock, so writes are
/// serialized; reads go to a pool of read-only connections (`readers`) and
/// never wait for the writer's transaction (WAL). On PostgreSQL every
/// method takes a connection from a pool, and PostgreSQL serializes what
/// must be. Either way a write has committed when its method returns, so
/// any read that follows sees it.
#[derive(Clone)]
pub struct Store {
    connections: Arc<Connections>,
}

struct Connections {
    engine: Engine,
    /// Every item's fingerprint, for the duplicate lookups of
    /// [`Store::upsert_items`], which holds this lock for its transaction:
    /// `None` until its first call loads it, and after a call that failed
    /// (it may hold what was rolled back), so that the next loads it again.
    fingerprints: Mutex<Option<fingerprints::Fingerprints>>,
    /// A throwaway store's file, removed after the connections close
    /// (fields drop in order).
    _temporary: Option<TemporaryFile>,
}

enum Engine {
    Sqlite {
        writer: Mutex<Connection>,
        readers: Readers,
    },
    Postgres {
        pool: Pool<PgConn>,
        shown: String,
    },
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                    path: path.display().to_string(),
                    source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
                })?;
            }
        }
        Store::open_file(path, None)
    }

    /// Opens the PostgreSQL database at `url` (`postgres://user:password@host:port/database`,
    /// or libpq's `key=value` form) and brings its schema up to date. The
    /// database must exist; its tables are created on first use.
    pub fn open_postgres(url: &str) -> Result<Store> {
        let target = Target::parse(url)?;
        let shown = target.shown.clone();
        let store = Store {
            connections: Arc::new(Connections {
                engine: Engine::Postgres {
                    pool: postgres::pool(target),
                    shown,
                },
                fingerprints: Mutex::new(None),
                _temporary: None,
            }),
        };
        let conn = store.write()?;
        schema::migrate_postgres(conn)?;
        Ok(store)
    }

    /// A throwaway store, private to this value and its clones: for tests,
    /// and for tools that must not remember what they fetched. It is a
    /// temporary file (see `temporary.rs`), removed when the last clone is
    /// dropped.
    pub fn open_in_memory() -> Result<Store> {
        let temporary = TemporaryFile::new();
        let path = temporary.path().to_path_buf();
        Store::open_file(&path, Some(temporary))
    }

    fn open_file(path: &Path, temporary: Option<TemporaryFile>) -> Result<Store> {
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.busy_timeout(readers::BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 32 MiB of page cache: the duplicate lookups and upserts of a large
        // batch stay in memory instead of re-reading pages.
        conn.pragma_update(None, "cache_size", -32_768)?;
        // Pages beyond the cache are read through a memory map rather than
        // copied by read(2): at a few hundred thousand items the duplicate
        // lookups read far more than 32 MiB, and the copies were a tenth of
        // ingestion's time. (Mapped pages are the kernel's page cache, shared
        // and reclaimable, though they count in the resident size.)
        conn.pragma_update(None, "mmap_size", WRITER_MMAP_BYTES)?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        // The file as SQLite resolved it, so that readers find it whatever
        // the working directory becomes.
        let resolved = conn
            .path()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| path.to_path_buf());
        Ok(Store {
            connections: Arc::new(Connections {
                engine: Engine::Sqlite {
                    writer: Mutex::new(conn),
                    readers: Readers::new(resolved),
                },
                fingerprints: Mutex::new(None),
                _temporary: temporary,
            }),
        })
    }

    /// Which engine holds this store.
    pub fn dialect(&self) -> Dialect {
        match self.connections.engine {
            Engine::Sqlite { .. } => Dialect::Sqlite,
            Engine::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Where the store is, for messages: a PostgreSQL URL without its
    /// password, or `sqlite`.
    pub fn describe(&self) -> String {
        match &self.connections.engine {
            Engine::Sqlite { .. } => "sqlite".to_string(),
            Engine::Postgres { shown, .. } => shown.clone(),
        }
    }

    fn sqlite_writer<'a>(writer: &'a Mutex<Connection>) -> MutexGuard<'a, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // write is a transaction), so a poisoned lock is still usable.
        writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection for writes outside a transaction (each statement
    /// commits on its own): SQLite's one writer, or a pooled PostgreSQL
    /// connection.
    pub(crate) fn write(&self) -> Result<Conn<'_>> {
        match &self.connections.engine {
            Engine::Sqlite { writer, .. } => Ok(Conn::Writer(Store::sqlite_writer(writer))),
            Engine::Postgres { pool, .. } => Ok(Conn::Postgres(pool.get()?)),
        }
    }

    /// A write transaction: committed by [`Tx::commit`], rolled back if
    /// dropped first.
    pub(crate) fn transaction(&self) -> Result<Tx<'_>> {
        Tx::begin(self.write()?, "BEGIN")
    }

    /// A connection for one read (several statements that must agree go in
    /// a [`Store::snapshot`]).
    pub(crate) fn read(&self) -> Result<Conn<'_>> {
        match &self.connections.engine {
            Engine::Sqlite { readers, .. } => Ok(Conn::Reader(readers.get()?)),
            Engine::Postgres { pool, .. } => Ok(Conn::Postgres(pool.get()?)),
        }
    }

    /// A read transaction: every statement in it sees the same committed
    /// state.
    pub(crate) fn snapshot(&self) -> Result<Tx<'_>> {
        let begin = match self.dialect() {
            Dialect::Sqlite => "BEGIN",
            Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        Tx::begin(self.read()?, begin)
    }

    fn sqlite_only(&self, what: &str) -> StoreError {
        StoreError::Unsupported(format!("{what} works on SQLite only ({})", self.describe()))
    }

    /// SQLite's one writer, for what only SQLite does (a restore).
    fn writer(&self) -> Result<MutexGuard<'_, Connection>> {
        match &self.connections.engine {
            Engine::Sqlite { writer, .. } => Ok(Store::sqlite_writer(writer)),
            Engine::Postgres { .. } => Err(self.sqlite_only("this write")),
        }
    }

    /// One of SQLite's readers, for what only SQLite does (a backup).
    fn reader(&self) -> Result<Reader<'_>> {
        match &self.connections.engine {
            Engine::Sqlite { readers, .. } => readers.get(),
            Engine::Postgres { .. } => Err(self.sqlite_only("this read")),
        }
    }

    /// Stores an item: inserts it, updates it if its content changed, or
    /// leaves it as it is. Never touches its review.
    pub fn upsert_item(&self, item: &NewItem) -> Result<Upsert> {
        self.upsert_items(std::slice::from_ref(item)).map(|v| v[0])
    }

    /// Stores many items in one transaction (see [`Store::upsert_item`]).
    pub fn upsert_items(&self, items: &[NewItem]) -> Result<Vec<Upsert>> {
        // The memory is taken out for the transaction and put back only
        // once it committed: a failure leaves none, and the next call loads
        // the store's state again.
        let mut held = self
            .connections
            .fingerprints
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let mut memory = held.take().unwrap_or_default();
        // SQLite's writer is taken at once (another process may write the
        // same file), so the catch-up below sees every write before this one.
        let begin = match self.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        };
        let tx = Tx::begin(self.write()?, begin)?;
        let db = tx.db();
        if db.dialect() == Dialect::Postgres {
            // The change counter first, as the curators' writes take it: every
            // change to an item holds it to the commit, so taking it before any
            // row leaves no order in which two writers wait for each other.
            db.execute("SELECT seq FROM change_counter FOR UPDATE", params![])?;
        }
        dedup::catch_up(db, &mut memory)?;
        let mut out = Vec::with_capacity(items.len());
        let now = Utc::now().to_rfc3339();
        for item in items {
            let id = item_id(&item.url);
            let candidate = serde_json::to_string(&item.candidate)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let hash = content_hash(item);
            let existing: Option<String> =
                db.value_opt("SELECT content_hash FROM items WHERE id = ?1", params![id])?;
            let mut args = params![
                id,
                item.url,
                item.source_id,
                item.title,
                item.text,
                item.author,
                item.published.map(|d| d.to_rfc3339()),
                item.lang,
                item.lang_confidence,
                item.country,
                candidate,
                hash,
                now,
                item.fingerprint.map(|f| f as i64),
            ]
            .to_vec();
            match existing {
                None => {
                    let group = match item.fingerprint {
                        Some(fp) => dedup::group_of(db, &memory, fp)?,
                        None => None,
                    };
                    args.push(Value::Text(group.clone().unwrap_or_else(|| id.clone())));
                    db.execute(
                        "INSERT INTO items (id, url, source_id, title, text, author, published,
                            lang, lang_confidence, country, candidate, content_hash, first_seen,
                            updated_at, fingerprint, group_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13,
                            ?14, ?15)",
                        &args,
                    )?;
                    memory.set(&id, item.fingerprint);
                    if let Some(group) = group.filter(|g| *g != id) {
                        dedup::inherit_review(db, &id, &group)?;
                    }
                    out.push(Upsert::New);
                }
                Some(h) if h == hash => out.push(Upsert::Unchanged),
                Some(_) => {
                    db.execute(
                        "UPDATE items SET url = ?2, source_id = ?3, title = ?4, text = ?5,
                            author = ?6, published = ?7, lang = ?8, lang_confidence = ?9,
                            country = ?10, candidate = ?11, content_hash = ?12, updated_at = ?13,
                            fingerprint = ?14
                         WHERE id = ?1",
                        &args,
                    )?;
                    memory.set(&id, item.fingerprint);
                    out.push(Upsert::Updated);
                }
            }
        }
        // What this transaction wrote is in the memory already: it reflects
        // the store up to the counter as this transaction leaves it.
        memory.seq = db.value("SELECT seq FROM change_counter", params![])?;
        tx.commit()?;
        *held = Some(memory);
        Ok(out)
    }

    /// The item with this id, with its review.
    pub fn get_item(&self, id: &str) -> Result<Option<Item>> {
        let conn = self.read()?;
        let row = conn
            .db()
            .query_opt(&format!("{ITEM_SELECT} WHERE i.id = ?1"), params![id])?;
        row.as_ref().map(read_item).transpose()
    }

    /// Calls `f` on every item, in id order, without holding them all in
    /// memory. Used to rebuild the index.
    pub fn for_each_item(&self, mut f: impl FnMut(Item)) -> Result<u64> {
        let conn = self.read()?;
        let mut n = 0;
        conn.db()
            .for_each(&format!("{ITEM_SELECT} ORDER BY i.id"), params![], |row| {
                f(read_item(&row)?);
                n += 1;
                Ok(())
            })?;
        Ok(n)
    }

    /// The highest change sequence: every change to an item (ingest,
    /// update, group, review, correction, undo) takes the next one, in the
    /// same transaction as the change.
    pub fn change_seq(&self) -> Result<i64> {
        self.read()?
            .db()
            .value("SELECT seq FROM change_counter", params![])
    }

    /// The items changed after sequence `after`, as they now stand, in
    /// change order, at most `limit` of them: what the index applies to
    /// catch up with the store. An item changed twice appears once, at its
    /// last change.
    pub fn changes_after(&self, after: i64, limit: usize) -> Result<Vec<ItemChange>> {
        let conn = self.read()?;
        conn.db().query_map(
            &format!("{ITEM_SELECT} WHERE i.change_seq > ?1 ORDER BY i.change_seq LIMIT ?2"),
            params![after, limit as i64],
            read_change,
        )
    }

    /// Calls `f` on every item with its version and change sequence, in id
    /// order, from one consistent snapshot, without holding them all in
    /// memory; returns the snapshot's change sequence (every change up to it
    /// was seen). Used to rebuild the index.
    pub fn snapshot_changes(&self, mut f: impl FnMut(ItemChange)) -> Result<i64> {
        let tx = self.snapshot()?;
        let db = tx.db();
        let seq: i64 = db.value("SELECT seq FROM change_counter", params![])?;
        db.for_each(&format!("{ITEM_SELECT} ORDER BY i.id"), params![], |row| {
            f(read_change(&row)?);
            Ok(())
        })?;
        tx.commit()?;
        Ok(seq)
    }

    /// The id, status and version of every item, in id order: what a
    /// consistency check compares the index with (`Index::documents`).
    pub fn item_versions(&self) -> Result<Vec<(String, Status, i64)>> {
        let conn = self.read()?;
        conn.db().query_map(
            "SELECT i.id, r.decision, i.version FROM items i
             LEFT JOIN reviews r ON r.item_id = i.id ORDER BY i.id",
            params![],
            |r| {
                let status = match r.get::<Option<String>>(1)?.as_deref() {
                    None => Status::Unreviewed,
                    Some(d) => parse_decision(d)?.into(),
                };
                Ok((r.get(0)?, status, r.get(2)?))
            },
        )
    }

    /// URLs stored under more than one item (there must be none: an item's
    /// id is a hash of its URL).
    pub fn duplicate_urls(&self) -> Result<Vec<String>> {
        self.read()?.db().query_map(
            "SELECT url FROM items GROUP BY url HAVING count(*) > 1 ORDER BY url",
            params![],
            |r| r.get(0),
        )
    }

    /// The engine's own check of its storage: `ok`, or what is damaged
    /// (SQLite's integrity check; PostgreSQL checks its own pages).
    pub fn integrity_check(&self) -> Result<String> {
        let conn = self.read()?;
        let Some(sqlite) = conn.sqlite() else {
            return Ok("ok".to_string());
        };
        let mut stmt = sqlite.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// The items with these ids (those that exist), in the order of `ids`,
    /// in one query.
    pub fn get_items(&self, ids: &[String]) -> Result<Vec<Item>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let conn = self.read()?;
        let db = conn.db();
        db.query_map(
            db.pick(ITEMS_BY_ID, ITEMS_BY_ID_POSTGRES),
            params![ids],
            read_item,
        )
    }

    /// Number of items stored.
    pub fn item_count(&self) -> Result<u64> {
        let n: i64 = self
            .read()?
            .db()
            .value("SELECT count(*) FROM items", params![])?;
        Ok(n as u64)
    }

    /// Records a curator's decision on an item and every near-duplicate of
    /// it (replacing an earlier one) and appends it to the audit log.
    /// Returns the item, or `None` when there is no item with this id; its
    /// group's members are [`Store::group_of`]. See [`Store::review_item`]
    /// for a decision with a reason and a version.
    pub fn set_review(&self, id: &str, review: &Review) -> Result<Option<Item>> {
        match self.review_item(id, review, None, None)? {
            Edit::Done(record) => Ok(Some(record.item)),
            Edit::Stale(record) | Edit::NothingToUndo(record) => Ok(Some(record.item)),
            Edit::NotFound => Ok(None),
        }
    }

    /// Every item of `id`'s duplicate group, `id`'s own first, then the
    /// others by first sight (empty when there is no such item).
    pub fn group_of(&self, id: &str) -> Result<Vec<Item>> {
        self.read()?
            .db()
            .query_map(GROUP_SELECT, params![id], read_item)
    }

    /// The HTTP cache state of a URL.
    pub fn fetch_state(&self, url: &str) -> Result<Option<FetchState>> {
        let conn = self.read()?;
        let row = conn.db().query_opt(
            "SELECT url, etag, last_modified, fetched_at, not_before FROM fetch_state WHERE url = ?1",
            params![url],
        )?;
        row.map(|r| {
            Ok(FetchState {
                url: r.get(0)?,
                etag: r.get(1)?,
                last_modified: r.get(2)?,
                fetched_at: parse_utc(r.get(3)?),
                not_before: parse_utc(r.get(4)?),
            })
        })
        .transpose()
    }

    /// Remembers the HTTP cache state of a URL.
    pub fn put_fetch_state(&self, state: &FetchState) -> Result<()> {
        self.put_fetch_states(std::slice::from_ref(state))
    }

    /// Remembers the HTTP cache states of many URLs, in one transaction.
    pub fn put_fetch_states(&self, states: &[FetchState]) -> Result<()> {
        let tx = self.transaction()?;
        for state in states {
            tx.db().execute(
                "INSERT INTO fetch_state (url, etag, last_modified, fetched_at, not_before)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(url) DO UPDATE SET etag = ?2, last_modified = ?3, fetched_at = ?4,
                    not_before = ?5",
                params![
                    state.url,
                    state.etag,
                    state.last_modified,
                    state.fetched_at.map(|d| d.to_rfc3339()),
                    state.not_before.map(|d| d.to_rfc3339()),
                ],
            )?;
        }
        tx.commit()
    }

    /// Records the outcome of a fetch of a source, updating its health.
    pub fn record_source_outcome(&self, outcome: &SourceOutcome) -> Result<()> {
        let conn = self.write()?;
        let at = outcome.at.to_rfc3339();
        if outcome.outcome == Outcome::Failed {
            conn.db().execute(
                "INSERT INTO source_health (source_id, last_fetch, last_outcome, last_error,
                    consecutive_failures, failing_since)
                 VALUES (?1, ?2, 'failed', ?3, 1, ?2)
                 ON CONFLICT(source_id) DO UPDATE SET last_fetch = ?2, last_outcome = 'failed',
                    last_error = ?3,
                    consecutive_failures = source_health.consecutive_failures + 1,
                    failing_since = coalesce(source_health.failing_since, ?2)",
                params![outcome.source_id, at, outcome.error],
            )?;
        } else {
            conn.db().execute(
                "INSERT INTO source_health (source_id, last_fetch, last_outcome, last_error,
                    last_success, consecutive_failures, failing_since)
                 VALUES (?1, ?2, ?3, NULL, ?2, 0, NULL)
                 ON CONFLICT(source_id) DO UPDATE SET last_fetch = ?2, last_outcome = ?3,
                    last_error = NULL, last_success = ?2, consecutive_failures = 0,
                    failing_since = NULL",
                params![outcome.source_id, at, outcome.outcome.as_str()],
            )?;
        }
        Ok(())
    }

    /// How many sources are failing: their last fetch failed, or failures
    /// have not been followed by a success yet.
    pub fn sources_failing(&self) -> Result<u64> {
        let n: i64 = self.read()?.db().value(
            "SELECT count(*) FROM source_health
             WHERE consecutive_failures > 0 OR last_outcome = ?1",
            params![Outcome::Failed.as_str()],
        )?;
        Ok(n as u64)
    }

    /// The health of one source, if the store has heard of it.
    pub fn source_health_of(&self, id: &str) -> Result<Option<SourceHealth>> {
        let conn = self.read()?;
        let row = conn.db().query_opt(
            &format!("{SOURCE_HEALTH_SELECT} WHERE ids.source_id = ?1"),
            params![id],
        )?;
        row.as_ref().map(read_source_health).transpose()
    }

    /// Every fetched source's last fetch and consecutive failures, which is
    /// all a scheduler needs: read from the health rows alone, so it costs
    /// the same however many items the store holds.
    pub fn source_fetches(&self) -> Result<Vec<SourceFetch>> {
        self.read()?.db().query_map(
            "SELECT source_id, last_fetch, consecutive_failures FROM source_health",
            params![],
            |r| Ok((r.get(0)?, parse_utc(r.get(1)?), r.get::<i64>(2)? as u32)),
        )
    }

    /// The health of every source the store has heard of (fetched, or holding
    /// items), by id.
    pub fn source_health(&self) -> Result<Vec<SourceHealth>> {
        self.read()?.db().query_map(
            &format!("{SOURCE_HEALTH_SELECT} ORDER BY ids.source_id"),
            params![],
            read_source_health,
        )
    }
}

/// A source's id, last fetch and consecutive failures
/// ([`Store::source_fetches`]).
pub type SourceFetch = (String, Option<DateTime<Utc>>, u32);

/// Every source the store has heard of, with its health and item count.
const SOURCE_HEALTH_SELECT: &str = "WITH ids AS (SELECT source_id FROM source_health
        UNION SELECT DISTINCT source_id FROM items)
     SELECT ids.source_id, h.last_fetch, h.last_outcome, h.last_error, h.last_success,
            coalesce(h.consecutive_failures, 0), h.failing_since,
            (SELECT count(*) FROM items i WHERE i.source_id = ids.source_id)
     FROM ids LEFT JOIN source_health h ON h.source_id = ids.source_id";

fn read_source_health(r: &DbRow) -> Result<SourceHealth> {
    Ok(SourceHealth {
        source_id: r.get(0)?,
        last_fetch: parse_utc(r.get(1)?),
        last_outcome: r
            .get::<Option<String>>(2)?
            .as_deref()
            .and_then(Outcome::parse),
        last_error: r.get(3)?,
        last_success: parse_utc(r.get(4)?),
        consecutive_failures: r.get::<i64>(5)? as u32,
        failing_since: parse_utc(r.get(6)?),
        item_count: r.get::<i64>(7)? as u64,
    })
}

/// The columns [`read_item`] reads: an item as crawled, its review, its
/// corrections (column 19), its version (20) and the sequence of its last
/// change (21), `i` being the item.
macro_rules! item_columns {
    () => {
        "i.id, i.url, i.source_id, i.title, i.text, i.author, i.published,
        i.lang, i.lang_confidence, i.country, i.candidate, i.first_seen, i.updated_at,
        r.decision, r.curator, r.note, r.at, i.fingerprint, coalesce(i.group_id, i.id),
        c.fields, i.version, i.change_seq"
    };
}

/// The tables the item columns come from besides the item `i`.
macro_rules! item_joins {
    () => {
        "LEFT JOIN reviews r ON r.item_id = i.id
     LEFT JOIN item_corrections c ON c.item_id = i.id"
    };
}

/// How much of the SQLite file the writing connection reads through a
/// memory map: SQLite's own ceiling on Linux (a little under 2 GiB).
pub(crate) const WRITER_MMAP_BYTES: i64 = 0x7fff_0000;

pub(crate) const ITEM_COLUMNS: &str = item_columns!();
pub(crate) const ITEM_JOINS: &str = item_joins!();

/// Every item, as [`read_item`] reads it.
pub(crate) const ITEM_SELECT: &str =
    concat!("SELECT ", item_columns!(), " FROM items i ", item_joins!());

/// The items whose ids are in the JSON array `?1`, in its order (the array
/// drives the loop; each item is found by its key).
const ITEMS_BY_ID: &str = concat!(
    "SELECT ",
    item_columns!(),
    " FROM json_each(?1) j CROSS JOIN items i ON i.id = j.value ",
    item_joins!(),
    " ORDER BY j.key"
);

/// [`ITEMS_BY_ID`] on PostgreSQL.
const ITEMS_BY_ID_POSTGRES: &str = concat!(
    "SELECT ",
    item_columns!(),
    " FROM jsonb_array_elements_text(CAST(?1 AS jsonb)) WITH ORDINALITY AS j(value, key)
     JOIN items i ON i.id = j.value ",
    item_joins!(),
    " ORDER BY j.key"
);

/// The items of the duplicate group of the item `?1`, that item first, then
/// the others by first sight.
const GROUP_SELECT: &str = concat!(
    "SELECT ",
    item_columns!(),
    " FROM items i ",
    item_joins!(),
    " WHERE i.id = ?1
        OR i.group_id = (SELECT coalesce(group_id, id) FROM items WHERE id = ?1)
     ORDER BY i.id != ?1, i.first_seen, i.id"
);

/// An item with its corrections applied.
pub(crate) fn read_item(r: &DbRow) -> Result<Item> {
    let (mut item, corrections) = read_raw(r)?;
    if let Some(c) = corrections {
        c.apply(&mut item);
    }
    Ok(item)
}

/// An item with its corrections applied, its version and change sequence.
fn read_change(r: &DbRow) -> Result<ItemChange> {
    Ok(ItemChange {
        item: read_item(r)?,
        version: r.get(20)?,
        seq: r.get(21)?,
    })
}

/// An item as crawled, and its corrections if any.
pub(crate) fn read_raw(r: &DbRow) -> Result<(Item, Option<Correction>)> {
    let corrections = match r.get::<Option<String>>(19)? {
        None => None,
        Some(json) => Some(
            serde_json::from_str::<Correction>(&json)
                .map_err(|e| StoreError::Corrupt(format!("corrections: {e}")))?,
        ),
    };
    Ok((read_crawled(r)?, corrections))
}

fn read_crawled(r: &DbRow) -> Result<Item> {
    let candidate: String = r.get(10)?;
    let candidate = serde_json::from_str(&candidate)
        .map_err(|e| StoreError::Corrupt(format!("candidate: {e}")))?;
    let review = match r.get::<Option<String>>(13)?.as_deref() {
        None => None,
        Some(d) => Some(Review {
            decision: parse_decision(d)?,
            curator: r.get(14)?,
            note: r.get(15)?,
            at: parse_utc(r.get(16)?).unwrap_or_default(),
        }),
    };
    Ok(Item {
        id: r.get(0)?,
        url: r.get(1)?,
        source_id: r.get(2)?,
        title: r.get(3)?,
        text: r.get(4)?,
        author: r.get(5)?,
        published: r
            .get::<Option<String>>(6)?
            .and_then(|s| DateTime::<FixedOffset>::parse_from_rfc3339(&s).ok()),
        lang: r.get(7)?,
        lang_confidence: r.get(8)?,
        country: r.get(9)?,
        candidate,
        fingerprint: r.get::<Option<i64>>(17)?.map(|f| f as u64),
        group_id: r.get(18)?,
        first_seen: parse_utc(r.get(11)?).unwrap_or_default(),
        updated_at: parse_utc(r.get(12)?).unwrap_or_default(),
        review,
    })
}

/// A stored decision (`approve` or `reject`).
pub(crate) fn parse_decision(d: &str) -> Result<Decision> {
    Decision::parse(d).ok_or_else(|| StoreError::Corrupt(format!("decision {d:?}")))
}

fn parse_utc(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// What says an item changed: all of it but the model's verdict (score,
/// decision, signals), which moves with the model and the source's past
/// decisions, not with the page (`veille train` rescores the items).
fn content_hash(item: &NewItem) -> String {
    let mut item = item.clone();
    item.candidate.score = 0.0;
    item.candidate.is_candidate = false;
    item.candidate.signals.clear();
    let json = serde_json::to_vec(&item).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
impl Store {
    /// Runs one statement on the store's engine: for tests that change or
    /// inspect rows directly.
    pub(crate) fn exec(&self, sql: &str, params: &[Value]) -> Result<usize> {
        self.write()?.db().execute(sql, params)
    }

    /// The first column of the first row of a query, for tests.
    pub(crate) fn query_value<T: db::FromValue>(&self, sql: &str, params: &[Value]) -> Result<T> {
        self.read()?.db().value(sql, params)
    }
}
