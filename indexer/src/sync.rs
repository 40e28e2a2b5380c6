//! Keeping the index derived from the store.
//!
//! Every change to an item takes the store's next change sequence, in the
//! same transaction as the change (see the store's schema). The index
//! records, in each commit, the sequence it covers (its watermark). So:
//!
//! - [`catch_up`] applies every change after the watermark, in batches, and
//!   commits through the last one. Every command that opens the index calls
//!   it first ([`open_synced`]): whatever the moment of a crash, the next
//!   start shows exactly what the store holds.
//! - [`IndexSync`] is the index writer's one owner while veille runs: a
//!   thread that is told that the store changed, catches up on a short
//!   debounce (many changes, one commit) and at once when someone waits for
//!   a flush (a curator's write waits, so search shows the change at once).
//!
//! Invariant: nothing but this module commits an index that a store
//! follows; the index is never read to decide what to store.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use veille_store::Store;

use crate::index::{Index, IndexError};

/// Changes read from the store per batch of a catch-up.
const BATCH: usize = 2_000;

/// How long the owner waits after a change for more before committing.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(500);

/// How often a running veille looks for changes other processes made to
/// the store ([`IndexSync::follow_store`]).
pub const DEFAULT_FOLLOW: Duration = Duration::from_millis(500);

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// Items (re)indexed.
    pub applied: u64,
    /// The watermark now committed.
    pub watermark: i64,
}

/// Applies every change of `store` after the index's watermark and commits
/// through the last one. Nothing to apply, nothing committed.
pub fn catch_up(index: &Index, store: &Store) -> Result<CatchUp, IndexError> {
    let start = index.watermark();
    let mut seq = start;
    let mut applied = 0u64;
    loop {
        let changes = store.changes_after(seq, BATCH)?;
        let Some(last) = changes.last() else { break };
        seq = last.seq;
        index.apply(&changes)?;
        applied += changes.len() as u64;
    }
    if seq != start {
        index.commit_through(seq)?;
    }
    Ok(CatchUp {
        applied,
        watermark: seq,
    })
}

/// Opens the index in `dir` for writing and brings it up to date with
/// `store`. An index that is missing, unreadable, or built with another
/// schema is rebuilt from the store (with a log line saying why); an index
/// held by another process is [`IndexError::Locked`].
pub fn open_synced(dir: &Path, store: &Store) -> Result<Index, IndexError> {
    let index = match Index::open(dir) {
        Ok(index) => index,
        Err(e @ (IndexError::SchemaMismatch { .. } | IndexError::Open { .. })) => {
            tracing::warn!(
                dir = %dir.display(),
                cause = %e,
                "the index cannot be used as it is: rebuilding it from the store"
            );
            Index::rebuild(dir, store)?;
            Index::open(dir)?
        }
        Err(e) => return Err(e),
    };
    let started = Instant::now();
    let done = catch_up(&index, store)?;
    if done.applied > 0 {
        tracing::info!(
            items = done.applied,
            watermark = done.watermark,
            seconds = started.elapsed().as_secs_f64(),
            "index caught up with the store"
        );
    }
    Ok(index)
}

enum Message {
    /// The store changed; commit soon.
    Changed,
    /// Commit now, then answer.
    Flush(tokio::sync::oneshot::Sender<Result<CatchUp, String>>),
    /// Commit, then stop.
    Stop,
}

/// The index writer's owner: a thread that follows the store. Cheap to
/// clone; the thread stops, after a last catch-up, at [`IndexSync::close`]
/// or when the last clone is dropped.
#[derive(Clone)]
pub struct IndexSync {
    index: Arc<Index>,
    sender: mpsc::Sender<Message>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl IndexSync {
    /// Starts the owner of `index`, following `store`, committing `debounce`
    /// after the first of a burst of changes.
    pub fn spawn(index: Arc<Index>, store: Store, debounce: Duration) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel();
        let owned = index.clone();
        let thread = std::thread::Builder::new()
            .name("index-sync".into())
            .spawn(move || run(&owned, &store, &receiver, debounce))?;
        Ok(IndexSync {
            index,
            sender,
            thread: Arc::new(Mutex::new(Some(thread))),
        })
    }

    /// Also follows changes other processes make to the store (API nodes
    /// and crawler workers sharing one PostgreSQL store, or a command run
    /// beside `veille run`): every `poll`, the store's change sequence is
    /// read (one row), and a change past the index's watermark is applied
    /// as this process's own are, within the debounce. Stops with the owner.
    pub fn follow_store(&self, store: Store, poll: Duration) -> std::io::Result<()> {
        let sender = self.sender.clone();
        let index = self.index.clone();
        std::thread::Builder::new()
            .name("index-follow".into())
            .spawn(move || loop {
                std::thread::sleep(poll);
                match store.change_seq() {
                    Ok(seq) if seq > index.watermark() => {
                        if sender.send(Message::Changed).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(cause = %e, "cannot read the store's change sequence; trying again");
                    }
                }
                if Arc::strong_count(&index) == 1 {
                    // Every other holder of the index is gone: so is the owner.
                    return;
                }
            })?;
        Ok(())
    }

    /// The index, for searching.
    pub fn index(&self) -> &Arc<Index> {
        &self.index
    }

    /// Says that the store changed: the change is committed within the
    /// debounce.
    pub fn changed(&self) {
        let _ = self.sender.send(Message::Changed);
    }

    /// Commits every change the store held when this was called, and
    /// returns once searches see it.
    pub async fn flush(&self) -> Result<CatchUp, String> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.sender
            .send(Message::Flush(tx))
            .map_err(|_| "the index owner has stopped".to_string())?;
        rx.await
            .map_err(|_| "the index owner stopped before the flush".to_string())?
    }

    /// Stops the owner after a last catch-up, and waits for it (blocking:
    /// call under `spawn_blocking` from async code).
    pub fn close(self) {
        let thread = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        let _ = self.sender.send(Message::Stop);
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

fn run(index: &Index, store: &Store, receiver: &mpsc::Receiver<Message>, debounce: Duration) {
    let mut deadline: Option<Instant> = None;
    let mut waiters = Vec::new();
    loop {
        let message = match deadline {
            None => receiver.recv().ok(),
            Some(at) => match receiver.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(m) => Some(m),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    deadline = None;
                    None
                }
            },
        };
        // No message and no deadline: every sender is gone.
        let mut stopping = message.is_none() && deadline.is_none();
        match message {
            Some(Message::Changed) => {
                deadline.get_or_insert_with(|| Instant::now() + debounce);
                continue;
            }
            Some(Message::Flush(w)) => waiters.push(w),
            Some(Message::Stop) => stopping = true,
            None => {}
        }
        // Take every flush already asked for: one commit answers them all.
        while let Ok(m) = receiver.try_recv() {
            match m {
                Message::Flush(w) => waiters.push(w),
                Message::Stop => stopping = true,
                Message::Changed => {}
            }
        }
        let result = catch_up(index, store).map_err(|e| e.to_string());
        if let Err(e) = &result {
            tracing::error!(cause = %e, "the index could not catch up with the store; retrying at the next change");
        }
        for w in waiters.drain(..) {
            let _ = w.send(result.clone());
        }
        deadline = None;
        if stopping {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
