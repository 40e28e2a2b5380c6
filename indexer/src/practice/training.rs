//! Training and measuring the candidate model on the corpus and on the
//! curators' decisions: the examples, cross-validated figures per
//! language, the reliability table, the comparison of a new model with the
//! current one, and the learning curve.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use veille_store::{Decision, Item, Reason, Store, StoreError};

use super::corpus::{Label, Record};
use super::eval::Counts;
use super::model::{self, Example, Model, TrainOptions};

/// The corpus as examples, and a warning when its lexicon features were
/// computed with other data files than this build's (they stay as they
/// were: the texts are needed to refresh them). A record featurized by
/// another version of the features' code is an error.
pub fn corpus_examples(records: &[Record]) -> Result<(Vec<Example>, Option<String>), String> {
    let fingerprint = super::features::fingerprint();
    let version = |f: &str| f.split('-').next().unwrap_or_default().to_string();
    let mut stale = 0;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        if r.features.fingerprint != fingerprint {
            if version(&r.features.fingerprint) != version(fingerprint) {
                return Err(format!(
                    "the corpus text {} was featurized by features {}, and this build's are {}: \
                     featurize the corpus's texts again (`veille corpus featurize`, see \
                     indexer/data/corpus/README.md)",
                    r.url,
                    version(&r.features.fingerprint),
                    version(fingerprint)
                ));
            }
            stale += 1;
        }
        let features = r
            .features
            .decode()
            .map_err(|e| format!("the corpus text {}: {e}", r.url))?;
        out.push(Example {
            id: r.url.clone(),
            lang: Some(r.lang.clone()),
            source: host(&r.url),
            features,
            practice: r.label.is_practice(),
            label: Some(r.label),
            decision: false,
        });
    }
    let warning = (stale > 0).then(|| {
        format!(
            "{stale} corpus text(s) were featurized with other lexicon or gazetteer files than \
             this build's: their lexicon features are as they were then (featurize the texts \
             again to refresh them, see indexer/data/corpus/README.md)"
        )
    });
    Ok((out, warning))
}

fn host(url: &str) -> Option<String> {
    url::Url::parse(url).ok().and_then(|u| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_string())
    })
}

/// Whether a decision says the item is a practice: approved, yes;
/// rejected as not a practice or out of scope (or with no reason), no; a
/// duplicate, low quality or other reason says nothing of what it is.
pub fn decision_label(decision: Decision, reason: Option<Reason>) -> Option<bool> {
    match (decision, reason) {
        (Decision::Approve, _) => Some(true),
        (Decision::Reject, None | Some(Reason::NotAPractice | Reason::OutOfScope)) => Some(false),
        (Decision::Reject, Some(_)) => None,
    }
}

/// The curators' decisions in the store as examples, one per duplicate
/// group (a decision applies to the whole group).
pub fn decision_examples(store: &Store) -> Result<Vec<Example>, StoreError> {
    let mut out = Vec::new();
    let mut groups: HashSet<String> = HashSet::new();
    store.for_each_decision(|item: Item, reason| {
        let Some(review) = &item.review else {
            return;
        };
        let Some(practice) = decision_label(review.decision, reason) else {
            return;
        };
        if !groups.insert(item.group_id.clone()) {
            return;
        }
        let features = super::text_features(&item.title, &item.text, item.lang.as_deref());
        out.push(Example {
            id: item.id,
            lang: item.lang,
            source: Some(item.source_id),
            features,
            practice,
            label: None,
            decision: true,
        });
    })?;
    Ok(out)
}

/// One bin of the reliability table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Bin {
    /// The bin's lower and upper bound of the score.
    pub from: f64,
    pub to: f64,
    pub texts: u64,
    /// Mean score of its texts.
    pub mean_score: f64,
    /// Share of its texts that are practices.
    pub practices: f64,
}

/// Cross-validated figures of one way of training.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub overall: Counts,
    pub by_lang: BTreeMap<String, Counts>,
    /// Of the corpus's SSE texts that are not practices, the share flagged.
    pub sse_not_practice_flagged: Option<f64>,
    /// Of the corpus's unrelated texts, the share flagged.
    pub unrelated_flagged: Option<f64>,
    /// Flagged share per kind of SSE non-practice (`event`, `job` …).
    pub flagged_by_kind: BTreeMap<String, (u64, u64)>,
    pub reliability: Vec<Bin>,
    pub threshold: f64,
}

impl Report {
    /// Figures of `probabilities` (one per example) at `threshold`.
    pub fn new(
        examples: &[Example],
        kinds: &[String],
        probabilities: &[f64],
        threshold: f64,
    ) -> Report {
        let mut r = Report {
            threshold,
            ..Report::default()
        };
        let (mut snp, mut snp_flagged, mut unr, mut unr_flagged) = (0u64, 0u64, 0u64, 0u64);
        let mut bins = [(0u64, 0f64, 0u64); 10];
        for (i, (e, p)) in examples.iter().zip(probabilities).enumerate() {
            let flagged = *p >= threshold;
            r.overall.add(e.practice, flagged);
            r.by_lang
                .entry(e.lang.clone().unwrap_or_else(|| "?".into()))
                .or_default()
                .add(e.practice, flagged);
            match e.label {
                Some(Label::SseNotPractice) => {
                    snp += 1;
                    snp_flagged += u64::from(flagged);
                    let kind = kinds.get(i).map_or("", String::as_str);
                    let k = r
                        .flagged_by_kind
                        .entry(if kind.is_empty() {
                            "other".into()
                        } else {
                            kind.into()
                        })
                        .or_default();
                    k.0 += u64::from(flagged);
                    k.1 += 1;
                }
                Some(Label::Unrelated) => {
                    unr += 1;
                    unr_flagged += u64::from(flagged);
                }
                _ => {}
            }
            let b = ((p * 10.0) as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += p;
            bins[b].2 += u64::from(e.practice);
        }
        let share = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        r.sse_not_practice_flagged = share(snp_flagged, snp);
        r.unrelated_flagged = share(unr_flagged, unr);
        r.reliability = bins
            .iter()
            .enumerate()
            .map(|(i, (n, sum, pos))| Bin {
                from: i as f64 / 10.0,
                to: (i + 1) as f64 / 10.0,
                texts: *n,
                mean_score: if *n > 0 { sum / *n as f64 } else { 0.0 },
                practices: if *n > 0 { *pos as f64 / *n as f64 } else { 0.0 },
            })
            .collect();
        r
    }

    /// Overall F1 (0 when undefined).
    pub fn f1(&self) -> f64 {
        self.overall.f1().unwrap_or(0.0)
    }
}

/// Cross-validated probabilities of training on the examples `include`
/// picks, for every example (each scored by models that did not see it),
/// with the calibration and threshold fitted on the included ones.
pub fn cross_validate(
    examples: &[Example],
    include: impl Fn(&Example) -> bool + Copy,
    o: &TrainOptions,
) -> (Vec<f64>, f64) {
    let folds = model::folds(examples, o.seed);
    let preds = model::cross_margins(examples, &folds, include, o);
    let points: Vec<(f64, bool)> = preds
        .iter()
        .filter(|p| include(&examples[p.example]))
        .map(|p| (p.margin, examples[p.example].practice))
        .collect();
    let cal = model::fit_calibration(&points);
    let prob = |z: f64| 1.0 / (1.0 + (-(cal.a * z + cal.b)).exp());
    let calibrated: Vec<(f64, bool)> = points.iter().map(|(z, y)| (prob(*z), *y)).collect();
    let threshold = model::best_threshold(&calibrated);
    let mut out = vec![0.0; examples.len()];
    for p in &preds {
        out[p.example] = prob(p.margin);
    }
    (out, threshold)
}

/// A new model's cross-validated figures beside the current one's, on the
/// same texts and folds: the current way trains on the corpus and the
/// decisions the current model learned from; the new way on the corpus and
/// every decision now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub examples: usize,
    pub decisions: usize,
    pub new: Report,
    pub current: Report,
}

impl Comparison {
    /// Whether the new model would be worse than the current one.
    pub fn new_is_worse(&self) -> bool {
        self.new.f1() + 1e-9 < self.current.f1()
    }
}

/// Compares training with every decision against the current model's
/// training set.
pub fn compare(
    examples: &[Example],
    kinds: &[String],
    current: &Model,
    o: &TrainOptions,
) -> Comparison {
    let known: HashSet<(&str, bool)> = current
        .trained_on
        .decided
        .iter()
        .map(|(id, p)| (id.as_str(), *p))
        .collect();
    let (p_new, t_new) = cross_validate(examples, |_| true, o);
    let (p_cur, t_cur) = cross_validate(
        examples,
        |e| !e.decision || known.contains(&(e.id.as_str(), e.practice)),
        o,
    );
    Comparison {
        examples: examples.len(),
        decisions: examples.iter().filter(|e| e.decision).count(),
        new: Report::new(examples, kinds, &p_new, t_new),
        current: Report::new(examples, kinds, &p_cur, t_cur),
    }
}

/// One point of the learning curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub decisions: usize,
    /// Mean F1 on the test part over the repeats, taking decisions in a
    /// random order.
    pub f1_random: f64,
    /// The same, the most uncertain items decided first.
    pub f1_uncertain_first: f64,
}

/// The learning curve: the corpus is split (by language and label) into an
/// initial training part (three fifths), a pool of texts curators decide (a
/// fifth) and a test part (a fifth). A model trained on the initial
/// part learns from 0, 50, 100 and 200 of the pool's texts as curator
/// decisions, taken at random or most uncertain first, and is measured on
/// the test part. Averaged over `repeats` splits.
pub fn learning_curve(
    corpus: &[Example],
    steps: &[usize],
    repeats: u64,
    o: &TrainOptions,
) -> Vec<CurvePoint> {
    let mut sums = vec![(0.0, 0.0); steps.len()];
    for rep in 0..repeats {
        let folds = model::folds(corpus, o.seed + 1 + rep);
        // Fold 0 tests, fold 1 is the pool, folds 2-4 train first.
        let test: Vec<&Example> = pick(corpus, &folds, &[0]);
        let pool: Vec<&Example> = pick(corpus, &folds, &[1]);
        let initial: Vec<&Example> = pick(corpus, &folds, &[2, 3, 4]);
        let base = fit_calibrated(&initial, o);
        // Uncertain first: by the initial model's distance from its
        // threshold.
        let mut by_doubt: Vec<&Example> = pool.clone();
        by_doubt.sort_by(|a, b| {
            let d = |e: &Example| {
                (base
                    .score(&e.features, e.lang.as_deref(), None, None, 0)
                    .probability
                    - base.threshold)
                    .abs()
            };
            d(a).total_cmp(&d(b)).then(a.id.cmp(&b.id))
        });
        let mut random = pool.clone();
        model::shuffle(&mut random, o.seed + 100 + rep);
        for (i, &n) in steps.iter().enumerate() {
            for (order, slot) in [(&random, 0), (&by_doubt, 1)] {
                let mut train: Vec<Example> = initial.iter().map(|e| (*e).clone()).collect();
                train.extend(order.iter().take(n).map(|e| Example {
                    decision: true,
                    ..(*e).clone()
                }));
                let refs: Vec<&Example> = train.iter().collect();
                let m = fit_calibrated(&refs, o);
                let mut c = Counts::default();
                for e in &test {
                    let s = m.score(&e.features, e.lang.as_deref(), None, None, 0);
                    c.add(e.practice, s.is_candidate);
                }
                let f1 = c.f1().unwrap_or(0.0);
                if slot == 0 {
                    sums[i].0 += f1;
                } else {
                    sums[i].1 += f1;
                }
            }
        }
    }
    steps
        .iter()
        .zip(sums)
        .map(|(n, (r, u))| CurvePoint {
            decisions: *n,
            f1_random: r / repeats as f64,
            f1_uncertain_first: u / repeats as f64,
        })
        .collect()
}

fn pick<'a>(examples: &'a [Example], folds: &[usize], which: &[usize]) -> Vec<&'a Example> {
    examples
        .iter()
        .zip(folds)
        .filter(|(_, f)| which.contains(f))
        .map(|(e, _)| e)
        .collect()
}

fn fit_calibrated(examples: &[&Example], o: &TrainOptions) -> Model {
    let owned: Vec<Example> = examples.iter().map(|e| (*e).clone()).collect();
    model::train(&owned, o).model
}
