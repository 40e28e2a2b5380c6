//! The operators' safety net: `veille backup`, `veille restore` and
//! `veille verify`.
//!
//! - A backup is SQLite's online backup of the store, consistent while
//!   `veille run` writes. The index is not backed up: it is derived, and a
//!   restore rebuilds it.
//! - A restore first saves the current store beside it
//!   (`veille.db.before-restore-<time>`), so nothing is lost, then writes the
//!   backup into the store and rebuilds the index. It refuses while another
//!   veille holds the data directory.
//! - A verification checks the store (`PRAGMA integrity_check`, one item per
//!   URL) and that the index holds exactly the store's items with their
//!   statuses and versions.
//! - A migration (`veille migrate --to postgres`) copies the SQLite store
//!   into an empty PostgreSQL database, then compares the two row by row.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use veille_indexer::index::{Index, IndexError};
use veille_store::Status;

use crate::data::DataDir;

/// `veille backup PATH`.
pub fn backup(data: &DataDir, path: &Path) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let store = data.open_store()?;
    let info = store
        .backup_to(path)
        .with_context(|| format!("cannot back the store up to {}", path.display()))?;
    println!(
        "backed up {} item(s) ({:.1} MB, change {}) to {} in {:.1} s",
        info.items,
        info.bytes as f64 / 1e6,
        info.change_seq,
        info.path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `veille migrate --to postgres [--url URL]`.
pub fn migrate_to_postgres(
    data: &DataDir,
    url: Option<String>,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let Some(url) = url.or_else(|| data.store_url.clone()) else {
        anyhow::bail!(
            "no PostgreSQL database to copy into: give --url postgres://user:password@host:port/database \
             (or set [store] url in the list of sources, or VEILLE_STORE_URL)"
        );
    };
    veille_crawler::config::check_store_url(&url).map_err(|e| anyhow::anyhow!("--url: {e}"))?;
    let shown = veille_store::postgres::redact(&url);
    let source = data.open_sqlite_store()?;
    let target = veille_store::Store::open_postgres(&url)
        .with_context(|| format!("cannot open the store at {shown}"))?;
    let counts = source
        .copy_into(&target, |table, n| {
            if !quiet {
                println!("{table}: {n} row(s)");
            }
        })
        .with_context(|| format!("cannot copy the store into {shown}"))?;
    match source.compare_with(&target)? {
        Ok(compared) if compared == counts => {}
        Ok(compared) => anyhow::bail!(
            "the copy in {shown} does not hold what was copied: {compared:?} against {counts:?}"
        ),
        Err(difference) => anyhow::bail!("the copy in {shown} differs: {difference}"),
    }
    println!(
        "copied {} row(s) in {} tables into {shown} in {:.1} s; the copy is identical. \
         Set [store] url in the list of sources (or VEILLE_STORE_URL) to use it.",
        counts.total(),
        counts.0.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `veille restore PATH`.
pub fn restore(data: &DataDir, path: &Path) -> anyhow::Result<ExitCode> {
    if !path.is_file() {
        anyhow::bail!("no backup file at {}", path.display());
    }
    let index_path = data.index_path();
    // Whether another veille runs: it holds the index's writer lock. (An
    // unusable index does not matter: it is rebuilt below.)
    if let Err(IndexError::Locked { .. }) = Index::open(&index_path) {
        anyhow::bail!(
            "the data directory {} is in use by another veille (run, serve or crawl): \
             stop it, then restore",
            data.root.display()
        );
    }
    // A file that is not a usable backup is refused before anything moves.
    veille_store::check_backup(path)
        .with_context(|| format!("cannot restore {}", path.display()))?;
    let store = data.open_store()?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut saved = data.root.join(format!("veille.db.before-restore-{stamp}"));
    let mut n = 1;
    while saved.exists() {
        n += 1;
        saved = data
            .root
            .join(format!("veille.db.before-restore-{stamp}-{n}"));
    }
    if store.item_count()? > 0 || !store.users()?.is_empty() {
        store.backup_to(&saved).with_context(|| {
            format!(
                "cannot save the current store to {} before restoring",
                saved.display()
            )
        })?;
        println!("the current store is saved in {}", saved.display());
    }
    let info = store
        .restore_from(path)
        .with_context(|| format!("cannot restore {}", path.display()))?;
    let n = Index::rebuild(&index_path, &store)
        .with_context(|| format!("cannot rebuild the index in {}", index_path.display()))?;
    println!(
        "restored {} item(s) from {}; the index was rebuilt with {n} item(s)",
        info.items,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What `veille verify` found.
#[derive(Debug, Serialize)]
pub struct Verification {
    /// `ok`, or what SQLite found damaged.
    pub integrity: String,
    pub store_items: usize,
    pub index_documents: usize,
    /// The store's change sequence, and the one the index's commit covers.
    pub store_change_seq: i64,
    pub index_watermark: i64,
    /// URLs stored under more than one item.
    pub duplicate_urls: Vec<String>,
    /// Ids in the store but not in the index.
    pub missing: Vec<String>,
    /// Ids in the index but not in the store.
    pub extra: Vec<String>,
    /// Ids indexed more than once.
    pub indexed_twice: Vec<String>,
    /// Ids whose status or version differ between the store and the index.
    pub differing: Vec<String>,
    /// Whether the index is held by a running veille (then it was compared
    /// as that veille last committed it).
    pub index_in_use: bool,
    pub agree: bool,
}

/// Checks the store and compares the index with it.
pub fn verification(data: &DataDir) -> anyhow::Result<Verification> {
    let store = data.open_store()?;
    let integrity = store.integrity_check()?;
    let duplicate_urls = store.duplicate_urls()?;
    let (index, index_in_use) = data.open_index_for_search(&store)?;
    let items = store.item_versions()?;
    let store_change_seq = store.change_seq()?;
    let docs = index.documents()?;

    let in_store: std::collections::HashMap<&str, (Status, i64)> = items
        .iter()
        .map(|(id, status, version)| (id.as_str(), (*status, *version)))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let (mut extra, mut indexed_twice, mut differing) = (Vec::new(), Vec::new(), Vec::new());
    for (id, status, version) in &docs {
        if !seen.insert(id.as_str()) {
            indexed_twice.push(id.clone());
        }
        match in_store.get(id.as_str()) {
            None => extra.push(id.clone()),
            Some(s) if *s != (*status, *version) => differing.push(id.clone()),
            Some(_) => {}
        }
    }
    let missing: Vec<String> = items
        .iter()
        .filter(|(id, ..)| !seen.contains(id.as_str()))
        .map(|(id, ..)| id.clone())
        .collect();
    let agree = integrity == "ok"
        && duplicate_urls.is_empty()
        && missing.is_empty()
        && extra.is_empty()
        && indexed_twice.is_empty()
        && differing.is_empty();
    Ok(Verification {
        integrity,
        store_items: items.len(),
        index_documents: docs.len(),
        store_change_seq,
        index_watermark: index.watermark(),
        duplicate_urls,
        missing,
        extra,
        indexed_twice,
        differing,
        index_in_use,
        agree,
    })
}

/// `veille verify [--json]`: exits with 1 when the store is damaged or the
/// index disagrees with it.
pub fn verify(data: &DataDir, json: bool) -> anyhow::Result<ExitCode> {
    let v = verification(data)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "store: integrity {}; {} item(s)",
            v.integrity, v.store_items
        );
        println!(
            "index: {} document(s), through change {} of {}{}",
            v.index_documents,
            v.index_watermark,
            v.store_change_seq,
            if v.index_in_use {
                " (held by a running veille, which catches up on its own)"
            } else {
                ""
            }
        );
        let list = |what: &str, ids: &[String]| {
            if !ids.is_empty() {
                let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
                println!("{what}: {} ({}{})", ids.len(), shown.join(", "), {
                    if ids.len() > 5 {
                        ", …"
                    } else {
                        ""
                    }
                });
            }
        };
        list("URLs stored twice", &v.duplicate_urls);
        list("items missing from the index", &v.missing);
        list("documents not in the store", &v.extra);
        list("items indexed twice", &v.indexed_twice);
        list("items whose status or version differ", &v.differing);
        println!(
            "{}",
            if v.agree {
                "store and index agree"
            } else {
                "store and index DISAGREE: run `veille reindex` (with veille stopped)"
            }
        );
    }
    Ok(if v.agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
