//! The candidate models of a data directory: `models/candidates-NNNN.json`,
//! numbered in the order `veille train` wrote them; the highest is the one
//! in use. Every command that classifies installs it at start, and `run`
//! and `serve` watch the directory and install a newer one without a
//! restart. Without any, the shipped model (compiled in) is used.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use veille_indexer::practice::{self, model::Model, model::SourceRecord};
use veille_store::{Rescore, Store};

use crate::data::DataDir;

/// How often `run` and `serve` look for a newer model.
pub const WATCH_EVERY: Duration = Duration::from_secs(2);

/// Items rescored per transaction.
const RESCORE_BATCH: usize = 500;

/// The directory of the models.
pub fn dir(data: &DataDir) -> PathBuf {
    data.root.join("models")
}

/// The number in a model file's name (`candidates-0007.json` → 7).
fn number(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix("candidates-")?
        .strip_suffix(".json")?
        .parse()
        .ok()
}

/// The newest model file, with its number.
pub fn newest(data: &DataDir) -> Option<(u32, PathBuf)> {
    let entries = std::fs::read_dir(dir(data)).ok()?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| number(&e.path()).map(|n| (n, e.path())))
        .max_by_key(|(n, _)| *n)
}

/// Reads a model file.
pub fn load(path: &Path) -> anyhow::Result<Model> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the model {}", path.display()))?;
    Model::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The model in use: the newest of the data directory, else the shipped one.
/// `None` in the number means the shipped one.
pub fn in_use(data: &DataDir) -> anyhow::Result<(Option<u32>, Arc<Model>)> {
    match newest(data) {
        Some((n, path)) => Ok((Some(n), Arc::new(load(&path)?))),
        None => Ok((None, practice::model::shipped())),
    }
}

/// Installs the newest model of the data directory for this process; a
/// model that cannot be read is reported and the shipped one kept.
pub fn install_newest(data: &DataDir) -> Option<u32> {
    match in_use(data) {
        Ok((n, model)) => {
            practice::model::install(model);
            n
        }
        Err(e) => {
            tracing::warn!("keeping the shipped candidate model: {e:#}");
            None
        }
    }
}

/// Watches the data directory and installs each newer model; `changed`
/// runs after (to tell the index that `veille train` rescored the store).
pub async fn watch(data: DataDir, mut current: Option<u32>, changed: impl Fn() + Send + 'static) {
    let mut tick = tokio::time::interval(WATCH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some((n, path)) = newest(&data) else {
            continue;
        };
        if Some(n) <= current {
            continue;
        }
        match load(&path) {
            Ok(model) => {
                practice::model::install(Arc::new(model));
                tracing::info!(model = %path.display(), "installed a new candidate model");
                changed();
            }
            Err(e) => tracing::warn!("a new candidate model cannot be used: {e:#}"),
        }
        current = Some(n);
    }
}

/// Writes `model` as the data directory's next model (written aside, then
/// renamed into place, so a watcher never reads half of it).
pub fn save(data: &DataDir, model: &Model) -> anyhow::Result<PathBuf> {
    let dir = dir(data);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let next = newest(data).map_or(1, |(n, _)| n + 1);
    let path = dir.join(format!("candidates-{next:04}.json"));
    let tmp = dir.join(format!(".candidates-{next:04}.json.tmp"));
    std::fs::write(&tmp, model.to_json())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Each source's past curator decisions (an input of the model), read
/// from the store once per source.
#[derive(Debug, Default)]
pub struct SourceRecords(std::collections::HashMap<String, SourceRecord>);

impl SourceRecords {
    pub fn of(&mut self, store: &Store, source_id: &str) -> anyhow::Result<SourceRecord> {
        if let Some(r) = self.0.get(source_id) {
            return Ok(*r);
        }
        let (approved, rejected) = store.source_decisions(source_id)?;
        let r = SourceRecord { approved, rejected };
        self.0.insert(source_id.to_string(), r);
        Ok(r)
    }
}

/// Rescores every item no curator decided with `model` (and each source's
/// past decisions), so the queue follows the new model. Returns how many
/// changed.
pub fn rescore(store: &Store, model: &Model) -> anyhow::Result<usize> {
    let mut after = String::new();
    let mut changed = 0;
    let mut sources = SourceRecords::default();
    loop {
        let items = store.unreviewed_after(&after, RESCORE_BATCH)?;
        let Some(last) = items.last() else {
            break;
        };
        after = last.id.clone();
        let mut batch = Vec::with_capacity(items.len());
        for item in &items {
            let source = sources.of(store, &item.source_id)?;
            let c = practice::classify_with(
                &item.title,
                &item.text,
                &practice::Context {
                    lang: item.lang.as_deref(),
                    country: item.country.as_deref(),
                    source: Some(source),
                    model: Some(model),
                },
            );
            batch.push(Rescore {
                id: item.id.clone(),
                score: c.score,
                is_candidate: c.is_candidate,
                signals: c.signals,
            });
        }
        changed += store.rescore(&batch)?;
    }
    Ok(changed)
}
