//! The pools of connections: SQLite's read-only connections beside the
//! store's one writer, and PostgreSQL's connections (`postgres.rs`).
//!
//! SQLite in WAL mode lets readers go on while a writer holds its
//! transaction: each reader sees the database as of the last commit when
//! its read began, so a read never waits behind an ingestion batch, and a
//! write that has returned (committed) is seen by every read begun after it.
//! A pool opens connections as they are first needed, up to its maximum
//! ([`MAX_READERS`] for SQLite's readers), and keeps them open; a caller
//! that finds them all busy waits for one to come back.
//!
//! SQLite's readers are opened read-only: a write sent to a reader by
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

type Opener<C> = Box<dyn Fn() -> Result<C> + Send + Sync>;

/// A pool of connections of one kind, opened by `open` as needed.
pub(crate) struct Pool<C> {
    open: Opener<C>,
    /// Whether an idle connection can still serve (a network connection
    /// may have closed while idle).
    alive: fn(&C) -> bool,
    max: usize,
    state: Mutex<Idle<C>>,
    returned: Condvar,
}

struct Idle<C> {
    /// Open connections no caller holds.
    connections: Vec<C>,
    /// Connections open, idle or held.
    open: usize,
}

/// The pool of read-only connections to one SQLite file.
pub(crate) type Readers = Pool<Connection>;

/// A pooled read-only SQLite connection.
pub(crate) type Reader<'a> = Lease<'a, Connection>;

impl Readers {
    /// A pool over the database at `path` (opened by the writer already, so
    /// that its schema is up to date and its WAL files exist).
    pub(crate) fn new(path: PathBuf) -> Readers {
        Pool::with_opener(MAX_READERS, move || open_reader(&path))
    }
}

fn open_reader(path: &PathBuf) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.display().to_string(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl<C> Pool<C> {
    /// A pool of at most `max` connections, each opened by `open`.
    pub(crate) fn with_opener(
        max: usize,
        open: impl Fn() -> Result<C> + Send + Sync + 'static,
    ) -> Pool<C> {
        Pool {
            open: Box::new(open),
            alive: |_| true,
            max,
            state: Mutex::new(Idle {
                connections: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    /// The same pool, dropping idle connections `alive` says are closed.
    pub(crate) fn checking(mut self, alive: fn(&C) -> bool) -> Pool<C> {
        self.alive = alive;
        self
    }

    fn state(&self) -> MutexGuard<'_, Idle<C>> {
        // The list stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection: an idle one, a new one while fewer than the maximum
    /// are open, else the first one returned.
    pub(crate) fn get(&self) -> Result<Lease<'_, C>> {
        let mut state = self.state();
        loop {
            if let Some(conn) = state.connections.pop() {
                if !(self.alive)(&conn) {
                    state.open -= 1;
                    continue;
                }
                return Ok(Lease {
                    conn: Some(conn),
                    pool: self,
                });
            }
            if state.open < self.max {
                state.open += 1;
                break;
            }
            state = self.returned.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        drop(state);
        match (self.open)() {
            Ok(conn) => Ok(Lease {
                conn: Some(conn),
                pool: self,
            }),
            Err(e) => {
                self.forget_one();
                Err(e)
            }
        }
    }

    fn forget_one(&self) {
        self.state().open -= 1;
        self.returned.notify_one();
    }

    fn give_back(&self, conn: C) {
        self.state().connections.push(conn);
        self.returned.notify_one();
    }
}

/// A connection held by one caller; back to the pool on drop, unless
/// [`Lease::discard`]ed.
pub(crate) struct Lease<'a, C> {
    conn: Option<C>,
    pool: &'a Pool<C>,
}

impl<C> Lease<'_, C> {
    /// Closes the connection instead of giving it back (it is broken, or
    /// in a state the next caller must not inherit).
    pub(crate) fn discard(mut self) {
        if self.conn.take().is_some() {
            self.pool.forget_one();
        }
    }
}

impl<C> Deref for Lease<'_, C> {
    type Target = C;

    fn deref(&self) -> &C {
        self.conn
            .as_ref()
            .expect("a lease holds its connection until dropped")
    }
}

impl<C> Drop for Lease<'_, C> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
