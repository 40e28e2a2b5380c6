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
