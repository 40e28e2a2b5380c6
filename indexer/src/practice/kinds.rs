//! Kinds of organization: the ESSGlobal organisational-structure ids
//! (`OS10` … `OS240`) that a text names, through the phrases of
//! `indexer/data/lexicon/kinds.tsv`, and their labels
//! (`indexer/data/kinds.tsv`, RIPESS, CC BY 3.0).

use std::sync::LazyLock;

use super::lexicon::Match;

const LABELS: &str = include_str!("../../data/kinds.tsv");

/// The generic "Cooperative" kind, left out when a more precise kind of
/// cooperative is named.
const GENERIC_COOPERATIVE: &str = "OS115";

/// The kinds that are cooperatives of a precise sort.
const PRECISE_COOPERATIVES: &[&str] = &[
    "OS60", "OS70", "OS80", "OS90", "OS100", "OS110", "OS210", "OS240",
];

/// `(id, en, es, fr, it, pt, ko)` rows.
static ROWS: LazyLock<Vec<[&'static str; 7]>> = LazyLock::new(|| {
    LABELS
        .lines()
        .filter(|l| l.starts_with("OS"))
        .map(|l| {
            let mut row = [""; 7];
            for (cell, col) in row.iter_mut().zip(l.split('\t')) {
                *cell = col.trim();
            }
            row
        })
        .collect()
});

/// The kinds named by these structure matches, each once, in order of
/// first mention.
pub(super) fn resolve(structures: &[&Match]) -> Vec<String> {
    let mut ordered: Vec<&Match> = structures.to_vec();
    ordered.sort_by_key(|m| m.offsets.first().copied().unwrap_or(usize::MAX));
    let mut out: Vec<String> = Vec::new();
    for m in ordered {
        if let Some(id) = m.entry.concept {
            if !out.iter().any(|k| k == id) {
                out.push(id.to_string());
            }
        }
    }
    if out
        .iter()
        .any(|k| PRECISE_COOPERATIVES.contains(&k.as_str()))
    {
        out.retain(|k| k != GENERIC_COOPERATIVE);
    }
    out
}

pub(super) fn label(id: &str, lang: &str) -> Option<&'static str> {
    let row = ROWS.iter().find(|r| r[0] == id)?;
    let label = match lang {
        "es" => row[2],
        "fr" => row[3],
        "it" => row[4],
        "pt" => row[5],
        "ko" => row[6],
        _ => row[1],
    };
    Some(if label.is_empty() { row[1] } else { label })
}

pub(super) fn ids() -> Vec<&'static str> {
    ROWS.iter().map(|r| r[0]).collect()
}
