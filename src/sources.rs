//! `veille sources …`: what operators run to see and change the list of
//! sources. `status` reads the store; the others read or write
//! `sources.toml`.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use crate::data::DataDir;
use chrono::{DateTime, Duration, Utc};
use veille_crawler::config::Config;
use veille_store::Status;

/// What the store says of one source.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SourceStats {
    pub items: u64,
    /// Items first seen in the last four weeks, per week.
    pub items_per_week: f64,
    pub candidates: u64,
    pub approved: u64,
    pub rejected: u64,
}

impl SourceStats {
    /// Approved among reviewed: the share of the source's candidates that
    /// curators kept.
    pub fn precision(&self) -> Option<f64> {
        let reviewed = self.approved + self.rejected;
        (reviewed > 0).then(|| self.approved as f64 / reviewed as f64)
    }
}

/// Counts items, candidates and decisions per source in one pass over the
/// store.
pub fn stats(
    store: &veille_store::Store,
    now: DateTime<Utc>,
) -> anyhow::Result<HashMap<String, SourceStats>> {
    let since = now - Duration::weeks(4);
    let mut out: HashMap<String, SourceStats> = HashMap::new();
    store.for_each_item(|item| {
        let s = out.entry(item.source_id.clone()).or_default();
        s.items += 1;
        if item.first_seen >= since {
            s.items_per_week += 0.25;
        }
        if item.candidate.is_candidate {
            s.candidates += 1;
        }
        match item.status() {
            Status::Approved => s.approved += 1,
            Status::Rejected => s.rejected += 1,
            Status::Unreviewed => {}
        }
    })?;
    Ok(out)
}

/// `veille sources status`.
pub fn status(config: &Config, data: &DataDir) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let now = Utc::now();
    let stats = stats(&store, now)?;
    let health: HashMap<String, veille_store::SourceHealth> = store
        .source_health()?
        .into_iter()
        .map(|h| (h.source_id.clone(), h))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<24} {:<17} {:<28} {:>6} {:>7} {:>6} {:>6} {:>6} {:>9}",
        "source",
        "last success",
        "failures",
        "items",
        "/week",
        "cand.",
        "appr.",
        "rej.",
        "precision"
    )?;
    let mut ids: Vec<&str> = config.sources.iter().map(|s| s.id.as_str()).collect();
    // Sources no longer configured but still holding items are shown too.
    let mut gone: Vec<&str> = stats
        .keys()
        .map(String::as_str)
        .filter(|id| config.source(id).is_none())
        .collect();
    gone.sort_unstable();
    ids.extend(gone);
    for id in ids {
        let h = health.get(id);
        let s = stats.get(id).cloned().unwrap_or_default();
        let last_success = h.and_then(|h| h.last_success).map_or_else(
            || "never".to_string(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        );
        let failures = match h {
            Some(h) if h.consecutive_failures > 0 => format!(
                "{} since {}",
                h.consecutive_failures,
                h.failing_since.map_or_else(
                    || "?".to_string(),
                    |t| t.format("%Y-%m-%d %H:%M").to_string()
                )
            ),
            _ => "0".to_string(),
        };
        let name = if config.source(id).is_some() {
            id.to_string()
        } else {
            format!("{id} (removed)")
        };
        writeln!(
            out,
            "{:<24} {:<17} {:<28} {:>6} {:>7.1} {:>6} {:>6} {:>6} {:>9}",
            name,
            last_success,
            failures,
            s.items,
            s.items_per_week,
            s.candidates,
            s.approved,
            s.rejected,
            s.precision()
                .map_or_else(|| "-".to_string(), |p| format!("{:.0}%", p * 100.0))
        )?;
        if let Some(error) = h.and_then(|h| h.last_error.as_deref()) {
            writeln!(out, "{:<24} last error: {error}", "")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What one fetch of a source showed (`veille sources check --probe`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRow {
    pub id: String,
    pub reachable: bool,
    /// `allowed`, or what robots.txt said.
    pub robots: String,
    pub kind: String,
    /// Entries or pages found.
    pub items: usize,
    /// Languages detected on a sample of them.
    pub languages: Vec<String>,
    pub error: Option<String>,
}

/// Fetches each enabled source once, without touching the store (a fresh
/// in-memory one, so no conditional GET hides what the source serves).
pub async fn probe(
    config: &Config,
    progress: &crate::progress::Progress,
) -> anyhow::Result<Vec<ProbeRow>> {
    use futures_util::StreamExt;
    let store = veille_store::Store::open_in_memory()?;
    let crawler = veille_crawler::Crawler::new(&config.crawler, store)?;
    let sources: Vec<_> = config.sources.iter().filter(|s| s.enabled).collect();
    let mut rows: Vec<ProbeRow> = futures_util::stream::iter(sources)
        .map(|source| {
            let crawler = crawler.clone();
            async move {
                let report = crawler.crawl_source(source).await;
                let error = match &report.outcome {
                    veille_crawler::FetchOutcome::Failed(e) => Some(e.clone()),
                    _ => None,
                };
                let mut languages: Vec<String> = report
                    .harvested
                    .iter()
                    .take(10)
                    .filter_map(|h| veille_indexer::ingest::prepare(h).lang)
                    .collect();
                languages.sort();
                languages.dedup();
                let robots = match &error {
                    Some(e) if e.contains("robots.txt") => {
                        if e.contains("disallow") {
                            "disallowed".to_string()
                        } else {
                            "unreachable".to_string()
                        }
                    }
                    _ => "allowed".to_string(),
                };
                ProbeRow {
                    id: source.id.clone(),
                    reachable: error.as_deref().is_none_or(|e| !unreachable(e)),
                    robots,
                    kind: source.kind.to_string(),
                    items: report.harvested.len(),
                    languages,
                    error,
                }
            }
        })
        .buffer_unordered(8)
        .inspect(|row| {
            let what = match &row.error {
                Some(_) => "failed".to_string(),
                None => format!("{} items", row.items),
            };
            progress.step(&format!("{}: {what}", row.id));
        })
        .collect()
        .await;
    progress.finish();
    let order: HashMap<&str, usize> = config
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    rows.sort_by_key(|r| order.get(r.id.as_str()).copied());
    Ok(rows)
}

/// Whether a crawl error means the server never answered (as opposed to an
/// answer veille could not use).
fn unreachable(error: &str) -> bool {
    const NO_ANSWER: [&str; 6] = [
        "error sending request",
        "dns error",
        "timed out",
        "connection refused",
        "refused: private address",
        "robots.txt unreachable",
    ];
    let error = error.to_lowercase();
    NO_ANSWER.iter().any(|m| error.contains(m))
}

/// Prints the probe's table.
pub fn print_probe(rows: &[ProbeRow], mut out: impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<24} {:<9} {:<11} {:<5} {:>6}  {:<12} last error",
        "source", "reachable", "robots", "kind", "items", "languages"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<24} {:<9} {:<11} {:<5} {:>6}  {:<12} {}",
            r.id,
            if r.reachable { "yes" } else { "no" },
            r.robots,
            r.kind,
            r.items,
            if r.languages.is_empty() {
                "-".to_string()
            } else {
                r.languages.join(",")
            },
            r.error.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}
