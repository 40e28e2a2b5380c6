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
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;
use veille_crawler::config::{Config, Source};
use veille_crawler::schedule::next_run;
use veille_store::Outcome;

use crate::pipeline::Pipeline;

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

struct Running {
    /// The source as scheduled, to tell whether an edit changed it.
    source: Source,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Runs every enabled source on its schedule until `shutdown` turns true.
pub async fn run(
    pipeline: Pipeline,
    sources: SourceList,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let store = pipeline.store.clone();
    let last_fetch: HashMap<String, DateTime<Utc>> =
        tokio::task::spawn_blocking(move || store.source_health())
            .await??
            .into_iter()
            .filter_map(|h| Some((h.source_id, h.last_fetch?)))
            .collect();
    let mut running: HashMap<String, Running> = HashMap::new();
    // `[crawler] max_concurrency` sources crawl at once; the others wait
    // for a permit (the crawler still fetches one request at a time per
    // host).
    let permits = Arc::new(Semaphore::new(
        pipeline.crawler.settings().max_concurrency.get(),
    ));
    apply(
        &pipeline,
        &sources.initial,
        &last_fetch,
        &permits,
        &mut running,
    );
    let submissions = tokio::spawn(submissions_loop(pipeline.clone(), shutdown.clone()));
    let mut modified = modified_time(&sources.path);
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = tokio::time::sleep(RELOAD_INTERVAL) => {}
        }
        let now_modified = modified_time(&sources.path);
        if now_modified == modified {
            continue;
        }
        modified = now_modified;
        match veille_crawler::config::load(&sources.path) {
            Ok(config) => {
                let health = last_fetches(&pipeline).await;
                apply(&pipeline, &config, &health, &permits, &mut running);
                (sources.on_reload)(&config);
                tracing::info!(
                    file = %sources.path.display(),
                    sources = config.sources.len(),
                    "sources reloaded"
                );
            }
            Err(errors) => {
                for problem in &errors.0 {
                    tracing::error!(problem = %problem, "sources.toml edit refused");
                }
                tracing::error!(
                    file = %sources.path.display(),
                    problems = errors.0.len(),
                    "sources.toml has problems: the previous list keeps running"
                );
            }
        }
    }
    for (_, r) in running.drain() {
        let _ = r.stop.send(true);
        let _ = r.task.await;
    }
    let _ = submissions.await;
    pipeline.commit().await
}

fn modified_time(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

async fn last_fetches(pipeline: &Pipeline) -> HashMap<String, DateTime<Utc>> {
    let store = pipeline.store.clone();
    match tokio::task::spawn_blocking(move || store.source_health()).await {
        Ok(Ok(health)) => health
            .into_iter()
            .filter_map(|h| Some((h.source_id, h.last_fetch?)))
            .collect(),
        _ => HashMap::new(),
    }
}

/// Brings the running tasks in line with `config`: starts new and changed
/// sources, stops removed, disabled and changed ones.
fn apply(
    pipeline: &Pipeline,
    config: &Config,
    last_fetch: &HashMap<String, DateTime<Utc>>,
    permits: &Arc<Semaphore>,
    running: &mut HashMap<String, Running>,
) {
    let wanted: HashMap<&str, &Source> = config
        .enabled_sources()
        .map(|s| (s.id.as_str(), s))
        .collect();
    running.retain(|id, r| {
        let keep = wanted.get(id.as_str()).is_some_and(|s| **s == r.source);
        if !keep {
            tracing::info!(source = %id, "unscheduled");
            let _ = r.stop.send(true);
        }
        keep
    });
    for (id, source) in wanted {
        if running.contains_key(id) {
            continue;
        }
        let overdue = match last_fetch.get(id) {
            None => true,
            Some(&at) => next_run(source, at).is_some_and(|next| next <= Utc::now()),
        };
        tracing::info!(source = %id, schedule = %source.schedule_expr, overdue, "scheduled");
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(source_loop(
            pipeline.clone(),
            source.clone(),
            overdue,
            permits.clone(),
            stop_rx,
        ));
        running.insert(
            id.to_string(),
            Running {
                source: source.clone(),
                stop,
                task,
            },
        );
    }
}

async fn source_loop(
    pipeline: Pipeline,
    source: Source,
    mut overdue: bool,
    permits: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    // A failing source is backed off: its runs are skipped until
    // 2^failures × base (capped) after its last fetch (the crawler decides).
    let (mut last_fetch, mut failures) = failure_record(&pipeline, &source.id).await;
    let backoff = veille_crawler::failure_backoff(
        failures,
        pipeline.crawler.settings().failure_backoff_base,
        pipeline.crawler.settings().failure_backoff_cap,
    );
    let backoff = chrono::Duration::from_std(backoff).unwrap_or(chrono::Duration::MAX);
    if overdue
        && last_fetch
            .and_then(|at| at.checked_add_signed(backoff))
            .is_some_and(|end| end > Utc::now())
    {
        tracing::info!(source = %source.id, failures, "failing: backed off");
        overdue = false;
    }
    loop {
        if *stop.borrow() {
            return;
        }
        if !overdue {
            let Some(next) = pipeline
                .crawler
                .next_due(&source, last_fetch, failures, Utc::now())
            else {
                tracing::warn!(source = %source.id, "the schedule has no future run; not scheduled again");
                return;
            };
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return,
            }
        }
        overdue = false;
        let _permit = tokio::select! {
            permit = permits.acquire() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = stop.changed() => return,
        };
        tokio::select! {
            result = pipeline.run_source(&source) => {
                match result.outcome {
                    Outcome::Deferred => {}
                    Outcome::Failed => {
                        failures += 1;
                        last_fetch = Some(Utc::now());
                    }
                    _ => {
                        failures = 0;
                        last_fetch = Some(Utc::now());
                    }
                }
            }
            _ = stop.changed() => {
                tracing::info!(source = %source.id, "stopped: crawl in flight dropped");
                return;
            }
        }
    }
}

/// The last fetch and consecutive failures the store records for a source.
async fn failure_record(pipeline: &Pipeline, id: &str) -> (Option<DateTime<Utc>>, u32) {
    let store = pipeline.store.clone();
    let id = id.to_string();
    match tokio::task::spawn_blocking(move || store.source_health_of(&id)).await {
        Ok(Ok(health)) => health.map_or((None, 0), |h| (h.last_fetch, h.consecutive_failures)),
        _ => (None, 0),
    }
}
