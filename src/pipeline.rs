//! The pipeline: crawl a source, prepare what it harvested (extract,
//! language, candidate), store it, and tell the index's owner that the store
//! changed. A pass runs it over many sources at once (the crawler keeps each
//! host polite) and ends when the index shows all it stored.
//!
//! A failure is recorded on its source and never stops the others.

use chrono::Utc;
use futures_util::StreamExt;
use veille_crawler::config::Source;
use veille_crawler::{Crawler, FetchOutcome, SourceReport};
use veille_indexer::sync::IndexSync;
use veille_store::{Harvested, Outcome, SourceOutcome, Store, Upsert};

/// What ingesting a batch of harvested entries did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IngestCounts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub candidates: u64,
}

impl IngestCounts {
    fn add(&mut self, other: IngestCounts) {
        self.new += other.new;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.candidates += other.candidates;
    }
}

/// What one source's crawl and ingestion did.
#[derive(Debug, Clone)]
pub struct SourceResult {
    pub source_id: String,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub counts: IngestCounts,
    /// 304 responses (the feed's and its pages').
    pub not_modified: u64,
    pub requests: u64,
    /// Non-fatal problems (an article page that failed, an entry skipped).
    pub warnings: Vec<String>,
}

/// The summary of a pass over many sources.
#[derive(Debug, Default, Clone)]
pub struct PassSummary {
    pub sources_ok: u64,
    pub sources_failed: u64,
    pub counts: IngestCounts,
    pub not_modified: u64,
    pub requests: u64,
    pub results: Vec<SourceResult>,
}

impl std::fmt::Display for PassSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for r in &self.results {
            match &r.error {
                Some(e) => writeln!(f, "  {:<24} failed: {e}", r.source_id)?,
                None => writeln!(
                    f,
                    "  {:<24} {}: {} new, {} updated, {} unchanged, {} candidates",
                    r.source_id,
                    r.outcome,
                    r.counts.new,
                    r.counts.updated,
                    r.counts.unchanged,
                    r.counts.candidates
                )?,
            }
            for w in &r.warnings {
                writeln!(f, "  {:<24}   warning: {w}", "")?;
            }
        }
        write!(
            f,
            "sources: {} ok, {} failed; items: {} new, {} updated, {} unchanged; candidates: {}; \
             requests: {} ({} not modified)",
            self.sources_ok,
            self.sources_failed,
            self.counts.new,
            self.counts.updated,
            self.counts.unchanged,
            self.counts.candidates,
            self.requests,
            self.not_modified
        )
    }
}

/// Prepares and stores harvested entries. The index follows from the
/// store's change feed. Synchronous: CPU and disk work, to run under
/// `spawn_blocking`.
pub fn ingest(store: &Store, harvested: &[Harvested]) -> anyhow::Result<IngestCounts> {
    Ok(ingest_with_ids(store, harvested)?.0)
}

/// [`ingest`], with the id of each entry's item, in order.
pub fn ingest_with_ids(
    store: &Store,
    harvested: &[Harvested],
) -> anyhow::Result<(IngestCounts, Vec<String>)> {
    // The candidate model weighs each source's past curator decisions.
    let mut sources = crate::models::SourceRecords::default();
    let mut items = Vec::with_capacity(harvested.len());
    for h in harvested {
        let record = sources.of(store, &h.source_id)?;
        items.push(veille_indexer::ingest::prepare_with(h, Some(record)));
    }
    let outcomes = store.upsert_items(&items)?;
    let mut counts = IngestCounts::default();
    for (item, outcome) in items.iter().zip(&outcomes) {
        match outcome {
            Upsert::New => counts.new += 1,
            Upsert::Updated => counts.updated += 1,
            Upsert::Unchanged => counts.unchanged += 1,
        }
        if item.candidate.is_candidate {
            counts.candidates += 1;
        }
    }
    let ids = items
        .iter()
        .map(|i| veille_store::item_id(&i.url))
        .collect();
    Ok((counts, ids))
}

/// Crawls, ingests and indexes sources; shared by `crawl --once` and `run`.
#[derive(Clone)]
pub struct Pipeline {
    pub store: Store,
    /// The index's owner, told when the store changed; `None` for a
    /// crawler worker (`veille run --role crawler`), whose store the API
    /// nodes' indexes follow.
    pub index: Option<IndexSync>,
    pub crawler: Crawler,
}

impl Pipeline {
    /// Crawls one source and ingests what it brought, recording the outcome
    /// on the source. The index shows it after the owner's debounce.
    pub async fn run_source(&self, source: &Source) -> SourceResult {
        let report = self.crawler.harvest(source).await;
        let SourceReport {
            source_id,
            outcome,
            harvested,
            unchanged,
            not_modified,
            requests,
            errors,
            fetch_states,
        } = report;
        let mut result = SourceResult {
            source_id,
            outcome: outcome.kind(),
            error: None,
            counts: IngestCounts {
                unchanged,
                ..IngestCounts::default()
            },
            not_modified,
            requests,
            warnings: errors,
        };
        match outcome {
            FetchOutcome::Ok | FetchOutcome::NotModified => {}
            FetchOutcome::Failed(e) => result.error = Some(e.to_string()),
            // No request was sent: the server asked not to come back yet.
            // Nothing is recorded on the source (its health stays as it was).
            FetchOutcome::Deferred(until) => {
                result.warnings.push(format!(
                    "not fetched: the server asked not to come back before {until}"
                ));
            }
        }
        let mut stored = true;
        if !harvested.is_empty() {
            let store = self.store.clone();
            let ingested = tokio::task::spawn_blocking(move || ingest(&store, &harvested)).await;
            stored = matches!(ingested, Ok(Ok(_)));
            match ingested {
                Ok(Ok(counts)) => {
                    if counts.new + counts.updated > 0 {
                        self.index_changed();
                    }
                    result.counts.add(counts);
                }
                Ok(Err(e)) => {
                    result.outcome = Outcome::Failed;
                    result.error = Some(format!("ingestion failed: {e:#}"));
                }
                Err(e) => {
                    result.outcome = Outcome::Failed;
                    result.error = Some(format!("ingestion panicked: {e}"));
                }
            }
        }
        // Only now that what they brought is stored: remembered earlier, a
        // crash in between would make the next pass get 304s for content
        // that was never stored.
        if stored {
            self.crawler.remember(&fetch_states).await;
        }
        let outcome = SourceOutcome {
            source_id: result.source_id.clone(),
            at: Utc::now(),
            outcome: result.outcome,
            error: result.error.clone(),
        };
        let store = self.store.clone();
        let deferred = result.outcome == Outcome::Deferred;
        match tokio::task::spawn_blocking(move || {
            if deferred {
                return Ok(());
            }
            store.record_source_outcome(&outcome)
        })
        .await
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::error!(source = %result.source_id, cause = %e, "cannot record the source's outcome")
            }
            Err(e) => {
                tracing::error!(source = %result.source_id, cause = %e, "recording the outcome panicked")
            }
        }
        match &result.error {
            Some(e) => tracing::warn!(source = %result.source_id, error = %e, "source failed"),
            None => tracing::info!(
                source = %result.source_id,
                outcome = result.outcome.as_str(),
                new = result.counts.new,
                updated = result.counts.updated,
                unchanged = result.counts.unchanged,
                "source crawled"
            ),
        }
        result
    }

    /// Tells the index's owner, if any, that the store changed.
    pub fn index_changed(&self) {
        if let Some(index) = &self.index {
            index.changed();
        }
    }

    /// Returns once searches see everything stored so far (at once without
    /// an index).
    pub async fn commit(&self) -> anyhow::Result<()> {
        if let Some(index) = &self.index {
            index.flush().await.map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }

    /// One pass over `sources`, `concurrency` at a time (the crawler still
    /// fetches one request at a time per host), then an index flush.
    pub async fn pass(
        &self,
        sources: &[Source],
        concurrency: usize,
    ) -> anyhow::Result<PassSummary> {
        self.pass_with_progress(sources, concurrency, |_| {}).await
    }

    /// [`Pipeline::pass`], calling `on_done` as each source finishes.
    pub async fn pass_with_progress(
        &self,
        sources: &[Source],
        concurrency: usize,
        mut on_done: impl FnMut(&SourceResult),
    ) -> anyhow::Result<PassSummary> {
        let mut results: Vec<SourceResult> = futures_util::stream::iter(sources)
            .map(|s| self.run_source(s))
            .buffer_unordered(concurrency.max(1))
            .inspect(|r| on_done(r))
            .collect()
            .await;
        self.commit().await?;
        let order: std::collections::HashMap<&str, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        results.sort_by_key(|r| order.get(r.source_id.as_str()).copied());
        let mut summary = PassSummary::default();
        for r in &results {
            if r.error.is_some() {
                summary.sources_failed += 1;
            } else {
                summary.sources_ok += 1;
            }
            summary.counts.add(r.counts);
            summary.not_modified += r.not_modified;
            summary.requests += r.requests;
        }
        summary.results = results;
        Ok(summary)
    }
}
