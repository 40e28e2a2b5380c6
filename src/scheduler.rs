//! The scheduler of `veille run`: every enabled source on its own cron
//! schedule, until shutdown.
//!
//! A source whose last fetch is older than its previous scheduled time (or
//! that was never fetched) is overdue and crawled at once, so a restart
//! never skips a run. A crawl in flight when shutdown comes is dropped: every
//! store write is a transaction, so nothing is half-written, and the next run
//! fetches it again. The index is committed after each source that changed
//! something, and once more on the way out.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinSet;
use veille_crawler::config::Source;
use veille_crawler::schedule::next_run;

use crate::pipeline::Pipeline;

/// Runs every enabled source on its schedule until `shutdown` turns true.
pub async fn run(
    pipeline: Pipeline,
    sources: Vec<Source>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let store = pipeline.store.clone();
    let last_fetch: HashMap<String, DateTime<Utc>> =
        tokio::task::spawn_blocking(move || store.source_health())
            .await??
            .into_iter()
            .filter_map(|h| Some((h.source_id, h.last_fetch?)))
            .collect();
    let mut tasks = JoinSet::new();
    for source in sources.into_iter().filter(|s| s.enabled) {
        let overdue = match last_fetch.get(&source.id) {
            None => true,
            Some(&at) => next_run(&source, at).is_some_and(|next| next <= Utc::now()),
        };
        tracing::info!(source = %source.id, schedule = %source.schedule_expr, overdue, "scheduled");
        tasks.spawn(source_loop(
            pipeline.clone(),
            source,
            overdue,
            shutdown.clone(),
        ));
    }
    while tasks.join_next().await.is_some() {}
    pipeline.commit().await
}

async fn source_loop(
    pipeline: Pipeline,
    source: Source,
    mut overdue: bool,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        if !overdue {
            let Some(next) = next_run(&source, Utc::now()) else {
                tracing::warn!(source = %source.id, "the schedule has no future run; not scheduled again");
                return;
            };
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
        overdue = false;
        tokio::select! {
            result = pipeline.run_source(&source) => {
                if result.counts.new + result.counts.updated > 0 {
                    if let Err(e) = pipeline.commit().await {
                        tracing::error!(source = %source.id, cause = %e, "index commit failed");
                    }
                }
            }
            _ = shutdown.changed() => {
                tracing::info!(source = %source.id, "shutting down: crawl in flight dropped");
                return;
            }
        }
    }
}
