//! The data directory: `veille.db` (the system of record) and `index/` (the
//! tantivy index derived from it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use veille_indexer::index::{Index, IndexError};
use veille_indexer::sync::{self, IndexSync};
use veille_store::Store;

/// Paths inside the data directory, and where the store is.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
    /// A PostgreSQL store's URL (`[store] url`, or `VEILLE_STORE_URL`);
    /// `None` for the embedded SQLite store in `root`.
    pub store_url: Option<String>,
}

impl DataDir {
    pub fn new(root: &Path) -> DataDir {
        DataDir {
            root: root.to_path_buf(),
            store_url: None,
        }
    }

    /// The same directory, its store at `url` (PostgreSQL) when given.
    pub fn with_store_url(mut self, url: Option<String>) -> DataDir {
        self.store_url = url;
        self
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join("veille.db")
    }

    pub fn index_path(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Opens (creating if needed) the store: the PostgreSQL database at
    /// [`DataDir::store_url`], else `veille.db` in the directory.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create data directory {}", self.root.display()))?;
        if let Some(url) = &self.store_url {
            return Store::open_postgres(url).with_context(|| {
                format!(
                    "cannot open the store at {}",
                    veille_store::postgres::redact(url)
                )
            });
        }
        Store::open(&self.db_path())
            .with_context(|| format!("cannot open the store in {}", self.root.display()))
    }

    /// Opens the embedded SQLite store of the directory, whatever
    /// [`DataDir::store_url`] says (`veille migrate` reads it).
    pub fn open_sqlite_store(&self) -> anyhow::Result<Store> {
        let path = self.db_path();
        anyhow::ensure!(
            path.exists(),
            "there is no SQLite store at {}: give the data directory that holds veille.db with --data",
            path.display()
        );
        Store::open(&path)
            .with_context(|| format!("cannot open the store in {}", self.root.display()))
    }

    /// Opens (creating, or rebuilding when unusable, if needed) the index,
    /// caught up with `store`, and starts its one writer: the owner that
    /// follows the store's changes from then on.
    pub fn open_index(&self, store: &Store) -> anyhow::Result<IndexSync> {
        let path = self.index_path();
        let index = sync::open_synced(&path, store)
            .with_context(|| format!("cannot open the index in {}", path.display()))?;
        IndexSync::spawn(Arc::new(index), store.clone(), sync::DEFAULT_DEBOUNCE)
            .context("cannot start the index's writer")
    }

    /// Opens the index for searching: caught up with `store` when no other
    /// process holds it, else as that process (`veille run`, which keeps it
    /// caught up) last committed it. The flag says which: `true` when
    /// another process holds it.
    pub fn open_index_for_search(&self, store: &Store) -> anyhow::Result<(Index, bool)> {
        let path = self.index_path();
        match sync::open_synced(&path, store) {
            Err(IndexError::Locked { .. }) => Index::open_read_only(&path).map(|i| (i, true)),
            other => other.map(|i| (i, false)),
        }
        .with_context(|| format!("cannot open the index in {}", path.display()))
    }
}
