//! The file behind a throwaway store ([`crate::Store::open_in_memory`]).
//!
//! A throwaway store is a database file, not SQLite's `:memory:`, so that its
//! readers and its writer share one database in WAL mode exactly as on disk.
//! The file has a random name in the system's temporary directory and is
//! removed, with its WAL files, when the store's last clone is dropped. A
//! store that is never dropped (held until the process exits, or a crash)
//! leaves its files: the first throwaway store of a later process removes
//! those of processes that have ended, where it can tell (`/proc`).

use std::path::{Path, PathBuf};
use std::sync::Once;

use rand_core::{OsRng, RngCore};

/// How the files of throwaway stores are named, before `PID-RANDOM`.
const PREFIX: &str = "veille-store-";

/// Removes the throwaway stores' files in `dir` whose process has ended.
/// Nothing is removed where processes cannot be looked up.
pub(crate) fn remove_ended(dir: &Path) {
    let processes = Path::new("/proc");
    if !processes.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !processes.join(pid.to_string()).exists() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A database file removed on drop.
pub(crate) struct TemporaryFile {
    path: PathBuf,
}

impl TemporaryFile {
    /// A fresh name in the temporary directory (no file is made yet).
    pub(crate) fn new() -> TemporaryFile {
        let dir = std::env::temp_dir();
        static CLEANED: Once = Once::new();
        CLEANED.call_once(|| remove_ended(&dir));
        let name = format!(
            "{PREFIX}{}-{:016x}.sqlite",
            std::process::id(),
            OsRng.next_u64()
        );
        TemporaryFile {
            path: dir.join(name),
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
