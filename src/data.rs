//! The data directory: `veille.db` (the system of record) and `index/` (the
//! tantivy index derived from it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use veille_indexer::index::Index;
use veille_store::Store;

/// Paths inside the data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    pub fn new(root: &Path) -> DataDir {
        DataDir {
            root: root.to_path_buf(),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join("veille.db")
    }

    pub fn index_path(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Opens (creating if needed) the store.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create data directory {}", self.root.display()))?;
        Store::open(&self.db_path())
            .with_context(|| format!("cannot open the store in {}", self.root.display()))
    }

    /// Opens (creating if needed) the index.
    pub fn open_index(&self) -> anyhow::Result<Arc<Index>> {
        let path = self.index_path();
        let index = Index::open(&path)
            .with_context(|| format!("cannot open the index in {}", path.display()))?;
        Ok(Arc::new(index))
    }

    /// Opens the existing index for searching only (no writer lock).
    pub fn open_index_read_only(&self) -> anyhow::Result<Index> {
        let path = self.index_path();
        Index::open_read_only(&path)
            .with_context(|| format!("cannot open the index in {}", path.display()))
    }
}
