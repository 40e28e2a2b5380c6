//! The read-only connections beside the store's one writer.
//!
//! SQLite in WAL mode lets readers go on while a writer holds its
//! transaction: each reader sees the database as of the last commit when
//! its read began, so a read never waits behind an ingestion batch, and a
//! write that has returned (committed) is seen by every read begun after it.
//! The pool opens connections as they are first needed, up to
//! [`MAX_READERS`], and keeps them open; a read that finds them all busy
//! waits for one to come back.
//!
//! The connections are opened read-only: a write sent to a reader by
//! mistake fails ("attempt to write a readonly database") instead of racing
//! the writer.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::{Result, StoreError};

/// The most read-only connections a store opens.
pub const MAX_READERS: usize = 8;

/// How long a connection waits for a lock SQLite holds (a checkpoint, a
/// restore) before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The pool of read-only connections to one database file.
pub(crate) struct Readers {
    path: PathBuf,
    state: Mutex<Idle>,
    returned: Condvar,
}

struct Idle {
    /// Open connections no read holds.
    connections: Vec<Connection>,
    /// Connections open, idle or held.
    open: usize,
}

impl Readers {
    /// A pool over the database at `path` (opened by the writer already, so
    /// that its schema is up to date and its WAL files exist).
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            state: Mutex::new(Idle {
                connections: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, Idle> {
        // The list stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection for one read: an idle one, a new one while fewer than
    /// [`MAX_READERS`] are open, else the first one returned.
    pub(crate) fn get(&self) -> Result<Reader<'_>> {
        let mut state = self.state();
        loop {
            if let Some(conn) = state.connections.pop() {
                return Ok(Reader {
                    conn: Some(conn),
                    pool: self,
                });
            }
            if state.open < MAX_READERS {
                state.open += 1;
                break;
            }
            state = self.returned.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        drop(state);
        match self.open() {
            Ok(conn) => Ok(Reader {
                conn: Some(conn),
                pool: self,
            }),
            Err(e) => {
                self.state().open -= 1;
                self.returned.notify_one();
                Err(e)
            }
        }
    }

    fn open(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn =
            Connection::open_with_flags(&self.path, flags).map_err(|source| StoreError::Open {
                path: self.path.display().to_string(),
                source,
            })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        self.state().connections.push(conn);
        self.returned.notify_one();
    }
}

/// A read-only connection held for one read; back to the pool on drop.
pub(crate) struct Reader<'a> {
    conn: Option<Connection>,
    pool: &'a Readers,
}

impl Deref for Reader<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
