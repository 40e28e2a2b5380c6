//! Candidate best-practice detection: is this text about a concrete SSE
//! practice (an initiative, policy, programme, fund, organization or network
//! that exists somewhere and does something)?
//!
//! A first, transparent detector driven by data files compiled in
//! (`indexer/data/`, see its README):
//! - `lexicon/<lang>.tsv`: `phrase<TAB>kind<TAB>weight<TAB>themes`, where
//!   kind is `sse` (an SSE term: cooperative, économie sociale …),
//!   `practice` (a practice signal: launched, fund, ordinance, members …)
//!   or `negative` (an event, a job offer, an opinion piece, a false friend
//!   such as "video game"); themes are ESSGlobal ids (`T1` … `T19`).
//!   A phrase matches case- and accent-insensitively on word boundaries; a
//!   trailing `*` on a word matches any word it begins (`cooperative*`);
//!   Korean phrases match as substrings.
//! - `places.tsv`: the gazetteer (`name<TAB>country<TAB>alt names`).
//! - `themes.tsv`: the ESSGlobal theme labels.
//!
//! The lexicon of the text's language is used (all of them when the
//! language is unknown or has no lexicon). Each phrase counts once, a little
//! more when repeated. The score is
//! `logistic(2·√(min(sse, 4) · min(practice, 4)) − 1.5 − 1.5·negative)`:
//! with no SSE term or no practice signal it stays at 0.18 or below, and one of
//! each (weight 1) gives 0.62. `is_candidate` is `score >= 0.5`.

mod lexicon;
mod places;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use veille_store::{Candidate, Place};

use lexicon::Kind;

/// A theme needs this much weight to be named.
const THEME_MIN_WEIGHT: f64 = 0.6;

/// Classifies a text (title and body) in language `lang` (ISO 639-1).
pub fn classify(title: &str, text: &str, lang: Option<&str>) -> Candidate {
    let mut doc = String::with_capacity(title.len() + text.len() + 2);
    doc.push_str(title);
    doc.push_str(".\n");
    doc.push_str(text);
    let tokens = lexicon::tokenize(&doc);
    let matches = lexicon::find(&doc, &tokens, lang);

    let mut sse = 0.0;
    let mut practice = 0.0;
    let mut negative = 0.0;
    let mut themes: BTreeMap<u32, f64> = BTreeMap::new();
    let mut evidence = Vec::with_capacity(matches.len());
    for m in &matches {
        // Repeats count a little: +20% each, at most three.
        let w = m.entry.weight * (1.0 + 0.2 * (m.count.saturating_sub(1).min(3)) as f64);
        match m.entry.kind {
            Kind::Sse => sse += w,
            Kind::Practice => practice += w,
            Kind::Negative => negative += w,
        }
        if m.entry.kind != Kind::Negative {
            for t in &m.entry.themes {
                *themes.entry(*t).or_default() += w;
            }
        }
        evidence.push(m.entry.phrase.to_string());
    }
    let z = 2.0 * (sse.min(4.0) * practice.min(4.0_f64)).sqrt() - 1.5 - 1.5 * negative;
    let score = 1.0 / (1.0 + (-z).exp());
    let is_candidate = score >= 0.5;

    let mut theme_ids: Vec<String> = themes
        .iter()
        .filter(|(_, w)| **w >= THEME_MIN_WEIGHT)
        .map(|(t, _)| format!("T{t}"))
        .collect();
    if theme_ids.is_empty() && is_candidate {
        if let Some((t, _)) = themes.iter().max_by(|a, b| a.1.total_cmp(b.1)) {
            theme_ids.push(format!("T{t}"));
        }
    }

    let places = places::find(&tokens, &doc)
        .into_iter()
        .map(|p| Place {
            name: p.name.to_string(),
            country: Some(p.country.to_string()),
        })
        .collect();

    Candidate {
        score: (score * 1000.0).round() / 1000.0,
        is_candidate,
        themes: theme_ids,
        places,
        evidence,
        ..Candidate::default()
    }
}

/// The label of ESSGlobal theme `id` (`T1` … `T19`) in `lang` (`en`, `es`,
/// `fr`, `pt`; English otherwise).
pub fn theme_label(id: &str, lang: &str) -> Option<&'static str> {
    lexicon::theme_label(id, lang)
}

/// The ids of all ESSGlobal themes, `T1` … `T19`.
pub fn theme_ids() -> Vec<&'static str> {
    lexicon::theme_ids()
}
