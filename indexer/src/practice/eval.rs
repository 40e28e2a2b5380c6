//! How well the detector agrees with people: precision, recall, F1 and
//! accuracy of [`super::classify_with`] against curator
//! decisions in the store (approved = a practice, rejected = not one), or
//! against a file of labelled cases (`tests/fixtures/candidates/cases.tsv`).
//!
//! The detector is re-run on the stored title and text, so a lexicon
//! change is measured without re-crawling. A duplicate group counts once
//! (a curator's decision applies to the whole group).

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use veille_store::{Item, Status, Store, StoreError};

use super::{classify_with, Context};

/// Misclassified cases kept in a report, at most.
const MAX_MISSES: usize = 50;

/// A labelled text: is it a practice?
#[derive(Debug, Clone, PartialEq)]
pub struct EvalCase {
    /// An id to show (item id, or `file:line`).
    pub id: String,
    /// ISO 639-1, when known.
    pub lang: Option<String>,
    /// ISO 3166-1 alpha-2 of the source, when known.
    pub country: Option<String>,
    pub title: String,
    pub text: String,
    /// A practice (curator approved), or not (rejected).
    pub expected: bool,
    /// What the text is (`practice`, `event`, `job` …), when labelled.
    pub label: Option<String>,
}

/// Confusion counts, and the figures derived from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub true_positives: u64,
    pub false_positives: u64,
    pub true_negatives: u64,
    pub false_negatives: u64,
}

impl Counts {
    /// Counts one case.
    pub fn add(&mut self, expected: bool, predicted: bool) {
        match (expected, predicted) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (false, false) => self.true_negatives += 1,
            (true, false) => self.false_negatives += 1,
        }
    }

    /// Cases counted.
    pub fn total(&self) -> u64 {
        self.true_positives + self.false_positives + self.true_negatives + self.false_negatives
    }

    /// Share of the detected candidates that people call practices (`None`
    /// when nothing was detected).
    pub fn precision(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Share of the practices that the detector finds (`None` when there
    /// is none).
    pub fn recall(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        if p + r == 0.0 {
            Some(0.0)
        } else {
            Some(2.0 * p * r / (p + r))
        }
    }

    /// Share of cases decided as people decided.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.true_positives + self.true_negatives, self.total())
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// A case the detector decided otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    pub id: String,
    pub lang: Option<String>,
    pub label: Option<String>,
    pub title: String,
    pub expected: bool,
    pub score: f64,
    /// The phrases that weighed.
    pub evidence: Vec<String>,
}

/// Figures overall, per language (`"?"` for an unknown language) and per
/// label.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub overall: Counts,
    pub by_lang: BTreeMap<String, Counts>,
    /// Per label (`event`, `job` …), for labelled cases.
    pub by_label: BTreeMap<String, Counts>,
    /// The first misclassified cases.
    pub misses: Vec<Miss>,
}

impl EvalReport {
    /// Adds one case: runs the detector (the current model) and counts the
    /// outcome.
    pub fn add(&mut self, case: &EvalCase) {
        self.add_with(case, None);
    }

    /// Adds one case, scored with `model` (the current one when `None`).
    pub fn add_with(&mut self, case: &EvalCase, model: Option<&super::model::Model>) {
        let candidate = classify_with(
            &case.title,
            &case.text,
            &Context {
                lang: case.lang.as_deref(),
                country: case.country.as_deref(),
                model,
                ..Context::default()
            },
        );
        let predicted = candidate.is_candidate;
        self.overall.add(case.expected, predicted);
        let lang = case.lang.clone().unwrap_or_else(|| "?".to_string());
        self.by_lang
            .entry(lang)
            .or_default()
            .add(case.expected, predicted);
        if let Some(label) = &case.label {
            self.by_label
                .entry(label.clone())
                .or_default()
                .add(case.expected, predicted);
        }
        if predicted != case.expected && self.misses.len() < MAX_MISSES {
            self.misses.push(Miss {
                id: case.id.clone(),
                lang: case.lang.clone(),
                label: case.label.clone(),
                title: case.title.clone(),
                expected: case.expected,
                score: candidate.score,
                evidence: candidate.evidence,
            });
        }
    }
}

/// Evaluates the detector on labelled cases.
pub fn evaluate_cases<'a>(cases: impl IntoIterator<Item = &'a EvalCase>) -> EvalReport {
    evaluate_cases_with(cases, None)
}

/// Evaluates `model` (the current one when `None`) on labelled cases.
pub fn evaluate_cases_with<'a>(
    cases: impl IntoIterator<Item = &'a EvalCase>,
    model: Option<&super::model::Model>,
) -> EvalReport {
    let mut report = EvalReport::default();
    for case in cases {
        report.add_with(case, model);
    }
    report
}

/// Evaluates the detector against the curator decisions in the store:
/// approved items are practices, rejected ones are not; unreviewed items
/// are left out. Each duplicate group counts once.
pub fn evaluate_store(store: &Store) -> Result<EvalReport, StoreError> {
    let mut report = EvalReport::default();
    let mut groups: HashSet<String> = HashSet::new();
    store.for_each_item(|item: Item| {
        let expected = match item.status() {
            Status::Approved => true,
            Status::Rejected => false,
            Status::Unreviewed => return,
        };
        if !groups.insert(item.group_id.clone()) {
            return;
        }
        report.add(&EvalCase {
            id: item.id,
            lang: item.lang,
            // The item's country may come from the detector itself: no
            // hint is given.
            country: None,
            title: item.title,
            text: item.text,
            expected,
            label: None,
        });
    })?;
    Ok(report)
}

/// Parses labelled cases, one a line:
/// `lang<TAB>expected<TAB>label<TAB>title<TAB>text`, where `expected` is
/// `practice` or `not` and `lang` may be `-` for unknown; `#` lines are
/// comments. Every bad line is reported at once, as `line N: problem`.
pub fn parse_cases(tsv: &str, name: &str) -> Result<Vec<EvalCase>, Vec<String>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 5 {
            problems.push(format!(
                "line {}: expected 5 tab-separated columns (lang, expected, label, title, text), found {}",
                n + 1,
                cols.len()
            ));
            continue;
        }
        let expected = match cols[1].trim() {
            "practice" => true,
            "not" => false,
            other => {
                problems.push(format!(
                    "line {}: expected must be `practice` or `not`, not {other:?}",
                    n + 1
                ));
                continue;
            }
        };
        let lang = cols[0].trim();
        cases.push(EvalCase {
            id: format!("{name}:{}", n + 1),
            lang: (lang != "-" && !lang.is_empty()).then(|| lang.to_string()),
            country: None,
            title: cols[3].trim().to_string(),
            text: cols[4].trim().to_string(),
            expected,
            label: Some(cols[2].trim().to_string()).filter(|l| !l.is_empty()),
        });
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}
