//! The scheduler of `veille run`: every enabled source on its own cron
//! schedule, until shutdown, following the edits of `sources.toml`.
//!
//! A source whose last fetch is older than its previous scheduled time (or
//! that was never fetched) is overdue and crawled at once, so a restart
//! never skips a run. A crawl in flight when shutdown comes is dropped: every
//! store write is a transaction, so nothing is half-written, and the next run
//! fetches it again. The index's owner commits what the sources stored on
//! its debounce, and once more on the way out.
//!
//! Beside the sources, the practices partners submitted are taken in every
//! [`SUBMISSIONS_INTERVAL`] (`crate::submissions`).
//!
//! `sources.toml` is watched (its modification time, every
//! [`RELOAD_INTERVAL`]): an edit that validates is applied without restart
//! (new sources scheduled, removed ones stopped, changed ones restarted); an
//! edit that does not is logged with every problem, and the previous list
//! keeps running.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;
use veille_crawler::config::Config;
use veille_store::Outcome;

use crate::pipeline::Pipeline;

pub mod frontier;
pub mod leasing;

pub use frontier::{Frontier, Record, Ticket};
pub use leasing::{Leasing, Turn};

/// How often `sources.toml` is checked for edits.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(2);

/// How often the submitted practices are taken in.
pub const SUBMISSIONS_INTERVAL: Duration = Duration::from_secs(30);

/// Takes in the submitted practices, every [`SUBMISSIONS_INTERVAL`], until
/// `shutdown` turns true (a pass in flight is dropped, as a source's crawl
/// is). A failure is logged and tried again next time.
async fn submissions_loop(pipeline: Pipeline, mut shutdown: watch::Receiver<bool>) {
    loop {
        let taken = tokio::select! {
            _ = shutdown.changed() => return,
            taken = crate::submissions::take_in(&pipeline) => taken,
        };
        match taken {
            Ok(done) if done.taken + done.failed + done.probed > 0 => {
                tracing::info!(
                    taken = done.taken,
                    failed = done.failed,
                    sources_probed = done.probed,
                    "submissions taken in"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::error!(cause = %format!("{e:#}"), "cannot take in submissions"),
        }
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tokio::time::sleep(SUBMISSIONS_INTERVAL) => {}
        }
    }
}

/// Where the list of sources comes from, and whom to tell when it changes.
pub struct SourceList {
    /// The file to watch.
    pub path: PathBuf,
    /// The list as loaded at start.
    pub initial: Config,
    /// Called with each new list that validates (the API's view of sources).
    pub on_reload: Box<dyn Fn(&Config) + Send + Sync>,
}

/// Runs every enabled source on its schedule until `shutdown` turns true:
/// one loop over the [`Frontier`], which starts each source when it is due
/// while fewer than `[crawler] max_concurrency` crawl (the others wait, in
/// the order they fell due; the crawler still fetches one request at a
/// time per host).
///
/// With `leasing` (several workers on one PostgreSQL store), each due
/// source is claimed in the store before it is crawled (`leasing.rs`): a
/// source another worker holds, or whose host it holds, waits until the
/// lease ends; a run another worker served is not crawled again.
pub async fn run(
    pipeline: Pipeline,
    sources: SourceList,
    leasing: Option<Leasing>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let store = pipeline.store.clone();
    let records =
        frontier::records(tokio::task::spawn_blocking(move || store.source_fetches()).await??);
    let settings = pipeline.crawler.settings();
    let max_crawls = settings.max_concurrency.get();
    let mut frontier = Frontier::new(settings.failure_backoff_base, settings.failure_backoff_cap);
    // The frontier keeps its own copy of each source: the list as loaded
    // is not kept (some 12 MB at 10,000 sources).
    let SourceList {
        path,
        initial,
        on_reload,
    } = sources;
    frontier.apply(&initial, &records, Utc::now());
    drop((records, initial));
    let mut crawls: JoinSet<(Ticket, Turn)> = JoinSet::new();
    let submissions = tokio::spawn(submissions_loop(pipeline.clone(), shutdown.clone()));
    let mut modified = modified_time(&path);
    let mut reload = tokio::time::interval_at(
        tokio::time::Instant::now() + RELOAD_INTERVAL,
        RELOAD_INTERVAL,
    );
    reload.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        while crawls.len() < max_crawls {
            let Some((ticket, source)) = frontier.pop_due(Utc::now()) else {
                break;
            };
            let pipeline = pipeline.clone();
            let leased = leasing
                .clone()
                .map(|l| (l, frontier.record_of(ticket).unwrap_or_default()));
            let crawl = crawls.spawn(async move {
                let turn = match leased {
                    None => Turn::Crawled(pipeline.run_source(&source).await.outcome),
                    Some((leasing, record)) => {
                        leasing::crawl(&pipeline, &leasing, &source, record).await
                    }
                };
                (ticket, turn)
            });
            frontier.started(ticket, crawl);
        }
        // Nothing can start while every permit is taken: no wake-up then.
        let wake = if crawls.len() < max_crawls {
            frontier.next_wake()
        } else {
            None
        };
        tokio::select! {
            _ = shutdown.changed() => break,
            Some(done) = crawls.join_next(), if !crawls.is_empty() => {
                // An aborted crawl's source was taken out: nothing to do.
                match done {
                    Ok((ticket, Turn::Crawled(outcome))) => {
                        frontier.finished(ticket, outcome, Utc::now())
                    }
                    // Its run is done: the next is after it, as after a fetch.
                    Ok((ticket, Turn::ServedElsewhere)) => {
                        frontier.finished(ticket, Outcome::NotModified, Utc::now())
                    }
                    Ok((ticket, Turn::Busy(at))) => frontier.defer(ticket, at),
                    Err(_) => {}
                }
            }
            _ = sleep_until(wake), if wake.is_some() => {}
            _ = reload.tick() => {
                let now_modified = modified_time(&path);
                if now_modified != modified {
                    modified = now_modified;
                    reload_list(&pipeline, &path, &*on_reload, &mut frontier).await;
                }
            }
        }
    }
    frontier.abort_all();
    crawls.shutdown().await;
    let _ = submissions.await;
    pipeline.commit().await
}

/// Sleeps until `at` (on the wall clock, as cron times are).
async fn sleep_until(at: Option<DateTime<Utc>>) {
    let wait = at.map_or(Duration::ZERO, |at| {
        (at - Utc::now()).to_std().unwrap_or_default()
    });
    tokio::time::sleep(wait).await
}

/// Reads `sources.toml` again and applies it when it validates; else logs
/// every problem, and the previous list keeps running.
async fn reload_list(
    pipeline: &Pipeline,
    file: &std::path::Path,
    on_reload: &(dyn Fn(&Config) + Send + Sync),
    frontier: &mut Frontier,
) {
    // Reading 10,000 sources takes some 70 ms: not on the loop's thread.
    let path = file.to_path_buf();
    let loaded = tokio::task::spawn_blocking(move || veille_crawler::config::load(&path)).await;
    let Ok(loaded) = loaded else {
        tracing::error!(file = %file.display(), "reading sources.toml panicked");
        return;
    };
    match loaded {
        Ok(config) => {
            let records = last_records(pipeline).await;
            frontier.apply(&config, &records, Utc::now());
            on_reload(&config);
            tracing::info!(
                file = %file.display(),
                sources = config.sources.len(),
                "sources reloaded"
            );
        }
        Err(errors) => {
            for problem in &errors.0 {
                tracing::error!(problem = %problem, "sources.toml edit refused");
            }
            tracing::error!(
                file = %file.display(),
                problems = errors.0.len(),
                "sources.toml has problems: the previous list keeps running"
            );
        }
    }
}

fn modified_time(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Every source's last fetch and failures in a row, as the store records
/// them (none when the store cannot be read).
async fn last_records(pipeline: &Pipeline) -> HashMap<String, Record> {
    let store = pipeline.store.clone();
    match tokio::task::spawn_blocking(move || store.source_fetches()).await {
        Ok(Ok(health)) => frontier::records(health),
        _ => HashMap::new(),
    }
}

#[cfg(test)]
mod tests;
