//! Crawling beside other workers on one store: each due source is claimed
//! in the store before it is crawled (`veille_store::Store::claim_source`),
//! its lease renewed while the crawl goes on and let go after it, with the
//! due time the crawl served.
//!
//! Every worker schedules every source of the same list, so each computes
//! the same due times; the time a claim names is the scheduled run the
//! crawl serves (the first cron time after the source's last fetch, or
//! "never fetched"), the same on every worker that read the same last
//! fetch, so a run served by one worker is not served again by another.

use std::time::Duration;

use chrono::{DateTime, Utc};
use veille_crawler::config::Source;
use veille_crawler::schedule::next_run;
use veille_store::{Claim, Outcome};

use super::Record;
use crate::pipeline::Pipeline;

/// How long a lease lasts unless renewed (`VEILLE_LEASE_SECONDS`).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);

/// This worker's name in the leases, and how long they last.
#[derive(Debug, Clone)]
pub struct Leasing {
    pub worker: String,
    pub ttl: Duration,
}

impl Leasing {
    /// A name unique to this process (host name, process id and a random
    /// part), leases of `ttl`.
    pub fn new(ttl: Duration) -> Leasing {
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "worker".to_string());
        let random = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Leasing {
            worker: format!("{host}-{}-{random:08x}", std::process::id()),
            ttl,
        }
    }

    /// The lease length `VEILLE_LEASE_SECONDS` asks for, else
    /// [`DEFAULT_LEASE`]; a value that is not a positive number is an
    /// error.
    pub fn ttl_from_env() -> anyhow::Result<Duration> {
        match std::env::var("VEILLE_LEASE_SECONDS") {
            Err(_) => Ok(DEFAULT_LEASE),
            Ok(v) => match v.trim().parse::<f64>() {
                Ok(s) if s > 0.0 && s.is_finite() => Ok(Duration::from_secs_f64(s)),
                _ => anyhow::bail!(
                    "VEILLE_LEASE_SECONDS={v:?}: expected a number of seconds above 0"
                ),
            },
        }
    }
}

/// How a leased turn of a source went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// This worker crawled it.
    Crawled(Outcome),
    /// Another worker served this run already.
    ServedElsewhere,
    /// Another worker holds it or its host: due again at this time.
    Busy(DateTime<Utc>),
}

/// The scheduled run a crawl of `source` serves, given what this worker
/// knows of its fetches.
pub fn run_served(source: &Source, record: Record) -> DateTime<Utc> {
    record
        .last_fetch
        .and_then(|at| next_run(source, at))
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// Claims `source`, crawls it while renewing the lease, and lets it go.
pub async fn crawl(
    pipeline: &Pipeline,
    leasing: &Leasing,
    source: &Source,
    record: Record,
) -> Turn {
    let served = run_served(source, record);
    let host = source
        .url
        .host_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let store = pipeline.store.clone();
    let (id, worker, ttl) = (source.id.clone(), leasing.worker.clone(), leasing.ttl);
    let claim =
        tokio::task::spawn_blocking(move || store.claim_source(&id, &host, &worker, served, ttl))
            .await;
    match claim {
        Ok(Ok(Claim::Granted { .. })) => {}
        Ok(Ok(Claim::Done)) => return Turn::ServedElsewhere,
        Ok(Ok(Claim::Busy { retry })) => return Turn::Busy(retry),
        Ok(Err(e)) => {
            tracing::warn!(source = %source.id, cause = %e, "cannot claim the source; trying again");
            return Turn::Busy(Utc::now() + chrono::Duration::seconds(5));
        }
        Err(e) => {
            tracing::error!(source = %source.id, cause = %e, "claiming the source panicked");
            return Turn::Busy(Utc::now() + chrono::Duration::seconds(5));
        }
    }
    let renewing = tokio::spawn(renew(pipeline.clone(), leasing.clone(), source.id.clone()));
    let result = pipeline.run_source(source).await;
    renewing.abort();
    let store = pipeline.store.clone();
    let (id, worker) = (source.id.clone(), leasing.worker.clone());
    let done = (result.outcome != Outcome::Deferred).then_some(served);
    let released =
        tokio::task::spawn_blocking(move || store.release_source(&id, &worker, done)).await;
    if !matches!(released, Ok(Ok(()))) {
        tracing::warn!(source = %source.id, "cannot let the lease go: it expires");
    }
    Turn::Crawled(result.outcome)
}

/// Renews the lease every third of its length until aborted, or until the
/// worker no longer holds it.
async fn renew(pipeline: Pipeline, leasing: Leasing, id: String) {
    loop {
        tokio::time::sleep(leasing.ttl / 3).await;
        let store = pipeline.store.clone();
        let (source, worker, ttl) = (id.clone(), leasing.worker.clone(), leasing.ttl);
        match tokio::task::spawn_blocking(move || store.renew_lease(&source, &worker, ttl)).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => {
                tracing::warn!(source = %id, "the lease was lost (expired and taken over)");
                return;
            }
            _ => tracing::warn!(source = %id, "cannot renew the lease; trying again"),
        }
    }
}
