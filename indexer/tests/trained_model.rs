//! The shipped candidate model and its corpus: the model is exactly what
//! `veille train --corpus-only` makes of the committed corpus; the corpus
//! holds what the labelling guide asks of it; the model's cross-validated
//! figures and calibration are what BENCHMARKS.md reports.

use std::collections::BTreeMap;

use veille_indexer::practice::corpus::{self, Label};
use veille_indexer::practice::model::{self, Model, TrainOptions};
use veille_indexer::practice::training;

#[test]
fn the_shipped_model_is_what_the_committed_corpus_trains() {
    let records = corpus::shipped().expect("the corpus parses");
    let (examples, warning) = training::corpus_examples(&records).expect("the corpus is usable");
    assert_eq!(
        warning, None,
        "the corpus is featurized as this build featurizes"
    );
    let trained = model::train(&examples, &TrainOptions::default()).model;
    // As its file stores it (weights quantized).
    let trained = Model::parse(&trained.to_json()).unwrap();
    let shipped = model::shipped();
    assert_eq!(trained.trained_on.corpus, records.len());
    assert!(
        trained == *shipped,
        "indexer/data/model/candidates.json is not what the corpus trains: run \
         `veille train --corpus-only --output indexer/data/model/candidates.json`"
    );
}

#[test]
fn the_corpus_has_every_label_in_every_language() {
    let records = corpus::shipped().unwrap();
    assert!(records.len() >= 1500, "{} texts", records.len());
    let mut counts: BTreeMap<(&str, Label), usize> = BTreeMap::new();
    for r in &records {
        *counts.entry((r.lang.as_str(), r.label)).or_default() += 1;
        assert!(r.url.starts_with("http"), "{}", r.url);
        if r.label == Label::Practice {
            assert!(r.themes.iter().all(|t| t.starts_with('T')), "{}", r.url);
        }
    }
    for lang in ["en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"] {
        let per = |l| counts.get(&(lang, l)).copied().unwrap_or(0);
        let all = per(Label::Practice) + per(Label::SseNotPractice) + per(Label::Unrelated);
        assert!(all >= 80, "{lang}: {all} texts");
        for l in [Label::Practice, Label::SseNotPractice, Label::Unrelated] {
            assert!(per(l) >= 15, "{lang}: {} {l:?}", per(l));
        }
    }
}

/// Cross-validated: the calibration holds (the expected calibration error,
/// the mean gap between score and share of practices over the bands, is
/// at most 0.05, and no well-filled band is off by more than 0.15), and
/// the model finds practices in every language.
#[test]
fn cross_validated_scores_are_calibrated() {
    let records = corpus::shipped().unwrap();
    let (examples, _) = training::corpus_examples(&records).unwrap();
    let kinds: Vec<String> = records.iter().map(|r| r.kind.clone()).collect();
    let (p, threshold) = training::cross_validate(&examples, |_| true, &TrainOptions::default());
    let report = training::Report::new(&examples, &kinds, &p, threshold);
    let texts: u64 = report.reliability.iter().map(|b| b.texts).sum();
    let ece: f64 = report
        .reliability
        .iter()
        .map(|b| b.texts as f64 * (b.mean_score - b.practices).abs())
        .sum::<f64>()
        / texts as f64;
    assert!(ece <= 0.05, "expected calibration error {ece:.3}");
    for bin in &report.reliability {
        if bin.texts >= 60 {
            assert!(
                (bin.mean_score - bin.practices).abs() <= 0.15,
                "band {:.1}-{:.1}: mean score {:.3}, practices {:.3}",
                bin.from,
                bin.to,
                bin.mean_score,
                bin.practices
            );
        }
    }
    for (lang, c) in &report.by_lang {
        assert!(c.f1().unwrap_or(0.0) >= 0.6, "{lang}: {c:?}");
    }
    assert!(report.unrelated_flagged.unwrap() <= 0.1, "{report:?}");
}
