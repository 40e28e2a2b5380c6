//! The file behind a throwaway store ([`crate::Store::open_in_memory`]).
//!
//! A throwaway store is a database file, not SQLite's `:memory:`, so that its
//! readers and its writer share one database in WAL mode exactly as on disk.
//! The file has a random name in the system's temporary directory and is
//! removed, with its WAL files, when the store's last clone is dropped.

use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};

/// A database file removed on drop.
pub(crate) struct TemporaryFile {
    path: PathBuf,
}

impl TemporaryFile {
    /// A fresh name in the temporary directory (no file is made yet).
    pub(crate) fn new() -> TemporaryFile {
        let name = format!(
            "veille-store-{}-{:016x}.sqlite",
            std::process::id(),
            OsRng.next_u64()
        );
        TemporaryFile {
            path: std::env::temp_dir().join(name),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}
