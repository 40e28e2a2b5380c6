//! Backups of the store with SQLite's online backup API: a consistent copy
//! taken while `veille run` writes (the copy is one read transaction; WAL
//! lets the writers go on), and a restore that writes a backup into the
//! live database through the same API, transactionally.

use std::path::{Path, PathBuf};

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::{schema, Result, Store, StoreError};

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub items: u64,
    pub bytes: u64,
    /// The store's change sequence the copy covers.
    pub change_seq: i64,
}

impl Store {
    /// Copies the whole database to `path` (which must not exist yet), as
    /// of one moment, while others go on writing. The copy is written next
    /// to `path` and renamed into place once checked, so `path` is either
    /// absent or a whole, checked backup.
    pub fn backup_to(&self, path: &Path) -> Result<BackupInfo> {
        self.sqlite_files("veille backup")?;
        if path.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists: give a new file name for the backup",
                path.display()
            )));
        }
        let partial = partial_path(path);
        let _ = std::fs::remove_file(&partial);
        let result = (|| {
            let mut dest = Connection::open(&partial).map_err(|source| StoreError::Open {
                path: partial.display().to_string(),
                source,
            })?;
            {
                let conn = self.reader()?;
                let backup = Backup::new(&conn, &mut dest)?;
                // All pages in one step: one read transaction, one moment.
                backup.step(-1)?;
            }
            // The backup is a plain database file, not a WAL one.
            dest.pragma_update(None, "journal_mode", "DELETE")?;
            let info = describe(&dest, path)?;
            drop(dest);
            std::fs::rename(&partial, path).map_err(|e| io_error(path, e))?;
            Ok(info)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// Replaces the whole content of this database with the backup at
    /// `path`, in one transaction, after checking the backup
    /// (`PRAGMA integrity_check`, a schema this veille knows). The schema
    /// is then brought up to date.
    pub fn restore_from(&self, path: &Path) -> Result<BackupInfo> {
        self.sqlite_files("veille restore")?;
        let source = open_backup(path)?;
        let info = describe(&source, path)?;
        let mut conn = self.writer()?;
        {
            let backup = Backup::new(&source, &mut conn)?;
            backup.step(-1)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        schema::migrate(&mut conn)?;
        Ok(info)
    }
}

impl Store {
    /// Refuses `what` (a backup, a restore: SQLite's files) on a PostgreSQL
    /// store, saying what to use instead.
    fn sqlite_files(&self, what: &str) -> Result<()> {
        match self.dialect() {
            crate::Dialect::Sqlite => Ok(()),
            crate::Dialect::Postgres => Err(StoreError::Unsupported(format!(
                "{what} copies the embedded SQLite store; this store is PostgreSQL ({}): \
                 back it up and restore it with PostgreSQL's own tools (pg_dump and pg_restore, \
                 or continuous archiving)",
                self.describe()
            ))),
        }
    }
}

/// Checks the backup at `path` (`PRAGMA integrity_check`, a schema this
/// veille knows) and says what it holds, without changing anything.
pub fn check_backup(path: &Path) -> Result<BackupInfo> {
    describe(&open_backup(path)?, path)
}

fn open_backup(path: &Path) -> Result<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|source| {
        StoreError::Open {
            path: path.display().to_string(),
            source,
        }
    })
}

/// Checks a backup and says what it holds.
fn describe(conn: &Connection, path: &Path) -> Result<BackupInfo> {
    let bad = |why: String| {
        StoreError::Invalid(format!(
            "{} is not a usable veille backup: {why}",
            path.display()
        ))
    };
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if check != "ok" {
        return Err(bad(format!("the integrity check says {check}")));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        return Err(bad("it holds no veille data".into()));
    }
    if version > schema::VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            known: schema::VERSION,
        });
    }
    let items: i64 = conn
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    // Backups made before the change feed existed have no counter.
    let change_seq: i64 = conn
        .query_row("SELECT seq FROM change_counter", [], |r| r.get(0))
        .unwrap_or(0);
    let page_count: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok(BackupInfo {
        path: path.to_path_buf(),
        items: items as u64,
        bytes: (page_count * page_size) as u64,
        change_seq,
    })
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Open {
        path: path.display().to_string(),
        source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
    }
}
