//! How well [`super::detect`] names the language of labelled texts,
//! beside whatlang alone and lingua alone (among the same languages), per
//! language: `veille eval language` and the regression tests.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{detect, to_iso639_1, LINGUA, SUPPORTED};

/// One labelled text: its language (ISO 639-1) and the text.
#[derive(Debug, Clone)]
pub struct Case {
    pub lang: String,
    pub text: String,
}

/// Reads `lang<TAB>text` lines (`#` comments and blank lines skipped); a
/// problem per bad line, with its number.
pub fn parse_cases(tsv: &str, name: &str) -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let parsed = line.split_once('\t').and_then(|(lang, text)| {
            let lang = super::normalize_code(lang)?;
            (!text.trim().is_empty()).then(|| Case {
                lang,
                text: text.to_string(),
            })
        });
        match parsed {
            Some(case) => cases.push(case),
            None => problems.push(format!(
                "{name}:{}: want `lang<TAB>text` with an ISO 639 code, got {:?}",
                i + 1,
                line.chars().take(60).collect::<String>()
            )),
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// The right answers of each detector for one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub cases: usize,
    pub veille: usize,
    pub whatlang: usize,
    pub lingua: usize,
    /// veille's wrong answers: (answer or "none", count).
    pub confusions: BTreeMap<String, usize>,
}

impl Row {
    pub fn share(&self, right: usize) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            right as f64 / self.cases as f64
        }
    }
}

/// A text veille named wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    /// The label.
    pub lang: String,
    /// veille's answer, or `none`.
    pub got: String,
    pub text: String,
}

/// Per language, and the time veille took.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: BTreeMap<String, Row>,
    pub veille_time: Duration,
    /// Every text veille named wrong, in the order read.
    pub misses: Vec<Miss>,
}

impl Report {
    /// The mean over `langs` of veille's share right (languages without
    /// cases left out), and how many languages that is.
    pub fn mean(&self, langs: &[&str]) -> (f64, usize) {
        let shares: Vec<f64> = langs
            .iter()
            .filter_map(|l| self.rows.get(*l))
            .filter(|r| r.cases > 0)
            .map(|r| r.share(r.veille))
            .collect();
        let n = shares.len();
        (shares.iter().sum::<f64>() / n.max(1) as f64, n)
    }

    pub fn cases(&self) -> usize {
        self.rows.values().map(|r| r.cases).sum()
    }
}

/// Runs veille (no declaration given), whatlang alone and lingua alone on
/// every case.
pub fn evaluate(cases: &[Case]) -> Report {
    let mut report = Report::default();
    for case in cases {
        let started = Instant::now();
        let got = detect(&case.text, "", &[]).lang;
        report.veille_time += started.elapsed();
        let whatlang = whatlang::detect(&case.text).and_then(|i| to_iso639_1(i.lang().code()));
        let lingua = LINGUA
            .detect_language_of(&case.text)
            .and_then(|l| SUPPORTED.iter().find(|(_, s)| *s == l).map(|(c, _)| *c));
        let row = report.rows.entry(case.lang.clone()).or_default();
        row.cases += 1;
        if got.as_deref() == Some(case.lang.as_str()) {
            row.veille += 1;
        } else {
            let got = got.unwrap_or_else(|| "none".to_string());
            *row.confusions.entry(got.clone()).or_default() += 1;
            report.misses.push(Miss {
                lang: case.lang.clone(),
                got,
                text: case.text.clone(),
            });
        }
        row.whatlang += usize::from(whatlang == Some(case.lang.as_str()));
        row.lingua += usize::from(lingua == Some(case.lang.as_str()));
    }
    report
}
