//! The trained candidate detector: a logistic regression over
//! [`super::features`] (hashed n-grams folded to `2^gram_bits` weights, and
//! named features shared by every language), the text's language, and the
//! precision of its source in past curator decisions; its output is
//! calibrated (Platt scaling fitted on cross-validated scores), so a score
//! of 0.8 means about 80% of such texts are practices.
//!
//! Training is deterministic (fixed seeds, one thread): the same examples
//! give the same model, which is how the shipped model
//! (`indexer/data/model/candidates.json`) is checked against the corpus.
//! [`current`] is the model the process classifies with: the shipped one
//! until [`install`] replaces it (the `veille` binary installs the newest
//! model of the data directory, and any newer one `veille train` writes).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock, RwLock};

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::corpus::Label;
use super::features::TextFeatures;

/// The model file's format.
pub const FORMAT: u32 = 1;

/// Folds of the cross-validation.
pub const FOLDS: usize = 5;

const SHIPPED: &str = include_str!("../../data/model/candidates.json");

/// A source's past curator decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    pub approved: u32,
    pub rejected: u32,
}

impl SourceRecord {
    fn add(&mut self, practice: bool) {
        if practice {
            self.approved += 1;
        } else {
            self.rejected += 1;
        }
    }

    fn without(mut self, practice: bool) -> SourceRecord {
        if practice {
            self.approved = self.approved.saturating_sub(1);
        } else {
            self.rejected = self.rejected.saturating_sub(1);
        }
        self
    }

    /// `src:precision` (−1..1, the smoothed approval rate, centred, times
    /// how much is known) and `src:decided` (0..1, how much is known).
    fn features(self) -> Option<[(&'static str, f64); 2]> {
        let n = f64::from(self.approved + self.rejected);
        if n == 0.0 {
            return None;
        }
        let known = n / (n + 4.0);
        let precision = (f64::from(self.approved) + 0.5) / (n + 1.0);
        Some([
            ("src:precision", known * (precision - 0.5) * 2.0),
            ("src:decided", known),
        ])
    }
}

/// A labelled text to train or evaluate on.
#[derive(Debug, Clone)]
pub struct Example {
    /// The corpus URL or the item id.
    pub id: String,
    pub lang: Option<String>,
    /// Whose precision counts (`source_id` of an item, host of a corpus
    /// URL).
    pub source: Option<String>,
    pub features: TextFeatures,
    pub practice: bool,
    /// The three-way label, when known (corpus texts; a curator's reject
    /// is `None`).
    pub label: Option<Label>,
    /// A curator decision rather than a corpus text.
    pub decision: bool,
}

/// Gives the words of the n-gram hashes asked, in the text scored.
pub type GramNames<'a> = dyn Fn(&HashSet<u32>) -> HashMap<u32, String> + 'a;

/// How `score` came out, for a curator to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Calibrated probability that the text is a practice.
    pub probability: f64,
    pub is_candidate: bool,
    /// The largest contributions to the score: `(what, weight)`; n-grams
    /// show their words when the caller gave them.
    pub contributions: Vec<(String, f64)>,
}

/// Platt scaling: `p = logistic(a·z + b)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub a: f64,
    pub b: f64,
}

/// What a model was trained on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainedOn {
    pub corpus: usize,
    pub decisions: usize,
    /// The curator decisions it learned from: `(item id, practice?)`, to
    /// compare a new model with this one on the same terms.
    #[serde(default)]
    pub decided: Vec<(String, bool)>,
}

/// A trained model, as its file holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub format: u32,
    /// [`super::features::fingerprint`] of the features it reads.
    pub fingerprint: String,
    pub trained_on: TrainedOn,
    pub bias: f64,
    /// Weights of the named features (`lex:sse`, `lang:fr`, `src:precision` …).
    pub named: BTreeMap<String, f64>,
    /// Hashed n-grams are folded to this many bits.
    pub gram_bits: u32,
    /// `2^gram_bits` weights: base64 of little-endian `i16`, times
    /// `gram_scale`.
    #[serde(with = "quantized")]
    pub grams: Vec<f32>,
    pub calibration: Calibration,
    /// A calibrated probability at least this is a candidate.
    pub threshold: f64,
}

mod quantized {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Q {
        scale: f32,
        weights: String,
    }

    pub fn serialize<S: serde::Serializer>(w: &[f32], s: S) -> Result<S::Ok, S::Error> {
        let max = w.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        let mut bytes = Vec::with_capacity(w.len() * 2);
        for x in w {
            bytes.extend_from_slice(&((x / scale).round() as i16).to_le_bytes());
        }
        Q {
            scale,
            weights: base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
        let q = Q::deserialize(d)?;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(q.weights)
            .map_err(serde::de::Error::custom)?;
        Ok(bytes
            .chunks_exact(2)
            .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * q.scale)
            .collect())
    }
}

/// The shipped model, parsed once.
pub fn shipped() -> Arc<Model> {
    static M: LazyLock<Arc<Model>> = LazyLock::new(|| {
        Arc::new(Model::parse(SHIPPED).expect("indexer/data/model/candidates.json is a model"))
    });
    M.clone()
}

static CURRENT: RwLock<Option<Arc<Model>>> = RwLock::new(None);

/// The model this process classifies with.
pub fn current() -> Arc<Model> {
    match CURRENT.read() {
        Ok(m) => m.clone().unwrap_or_else(shipped),
        Err(poisoned) => poisoned.into_inner().clone().unwrap_or_else(shipped),
    }
}

/// Makes `model` the one this process classifies with.
pub fn install(model: Arc<Model>) {
    match CURRENT.write() {
        Ok(mut m) => *m = Some(model),
        Err(poisoned) => *poisoned.into_inner() = Some(model),
    }
}

impl Model {
    /// Reads a model file's text, refusing one this build cannot use.
    pub fn parse(text: &str) -> Result<Model, String> {
        let m: Model = serde_json::from_str(text).map_err(|e| format!("not a model file: {e}"))?;
        if m.format != FORMAT {
            return Err(format!(
                "model format {} (this veille reads format {FORMAT})",
                m.format
            ));
        }
        if m.grams.len() != 1usize << m.gram_bits {
            return Err(format!(
                "model holds {} n-gram weights, not 2^{}",
                m.grams.len(),
                m.gram_bits
            ));
        }
        Ok(m)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serializes")
    }

    /// The raw score (log-odds before calibration).
    fn margin(&self, v: &Vector) -> f64 {
        let mut z = self.bias;
        for (name, x) in &v.named {
            if let Some(w) = self.named.get(name.as_str()) {
                z += w * x;
            }
        }
        let mask = (1usize << self.gram_bits) - 1;
        for &(h, x) in &v.grams {
            z += f64::from(self.grams[h as usize & mask]) * x;
        }
        z
    }

    fn calibrated(&self, z: f64) -> f64 {
        logistic(self.calibration.a * z + self.calibration.b)
    }

    /// Scores a text. `names` gives the words of the n-gram hashes asked
    /// (only those of the strongest contributions are asked), so that
    /// n-grams show among the contributions; the `top` largest are kept.
    pub fn score(
        &self,
        f: &TextFeatures,
        lang: Option<&str>,
        source: Option<SourceRecord>,
        names: Option<&GramNames<'_>>,
        top: usize,
    ) -> Scored {
        let v = Vector::new(f, lang, source);
        let z = self.margin(&v);
        let probability = self.calibrated(z);
        let mut contributions = Vec::new();
        if top > 0 {
            for (name, x) in &v.named {
                if let Some(w) = self.named.get(name.as_str()) {
                    contributions.push((name.clone(), w * x * self.calibration.a));
                }
            }
            if let Some(names) = names {
                let mask = (1usize << self.gram_bits) - 1;
                let mut grams: Vec<(u32, f64)> = v
                    .grams
                    .iter()
                    .map(|&(h, x)| {
                        (
                            h,
                            f64::from(self.grams[h as usize & mask]) * x * self.calibration.a,
                        )
                    })
                    .collect();
                // Enough of the strongest to fill `top` once merged.
                grams.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
                grams.truncate(top * 4);
                let named = names(&grams.iter().map(|(h, _)| *h).collect());
                for (h, w) in grams {
                    if let Some(n) = named.get(&h) {
                        contributions.push((n.clone(), w));
                    }
                }
            }
            // One line per thing shown (a word counts as itself, in the
            // title, in the lead and as a prefix).
            let mut merged: BTreeMap<String, f64> = BTreeMap::new();
            for (what, w) in contributions.drain(..) {
                *merged.entry(what).or_default() += w;
            }
            contributions = merged.into_iter().collect();
            contributions.retain(|(_, w)| w.abs() >= 0.05);
            contributions.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
            contributions.truncate(top);
        }
        Scored {
            probability,
            is_candidate: probability >= self.threshold,
            contributions,
        }
    }
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// A text as the model reads it: named features and n-gram values
/// (`log(1 + count)`, scaled to unit length).
struct Vector {
    named: Vec<(String, f64)>,
    grams: Vec<(u32, f64)>,
}

impl Vector {
    fn new(f: &TextFeatures, lang: Option<&str>, source: Option<SourceRecord>) -> Vector {
        let mut named: Vec<(String, f64)> = f
            .named
            .iter()
            .map(|(k, v)| (k.clone(), f64::from(*v)))
            .collect();
        named.push((format!("lang:{}", lang.unwrap_or("?")), 1.0));
        if let Some(src) = source.and_then(SourceRecord::features) {
            named.extend(src.iter().map(|(k, v)| (k.to_string(), *v)));
        }
        let norm = f
            .grams
            .iter()
            .map(|(_, c)| (1.0 + f64::from(*c)).ln().powi(2))
            .sum::<f64>()
            .sqrt()
            .max(1e-9);
        let grams = f
            .grams
            .iter()
            .map(|&(h, c)| (h, (1.0 + f64::from(c)).ln() / norm))
            .collect();
        Vector { named, grams }
    }
}

/// How a model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    pub gram_bits: u32,
    pub epochs: usize,
    /// AdaGrad's step.
    pub rate: f64,
    /// L2 penalty on every weight, per example seen.
    pub l2: f64,
    /// Weight of a curator decision against a corpus text.
    pub decision_weight: f64,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            gram_bits: 21,
            epochs: 15,
            rate: 0.3,
            l2: 1e-5,
            decision_weight: 2.0,
            seed: 0x5eed,
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Shuffles `v` the same way for the same `seed`.
pub fn shuffle<T>(v: &mut [T], seed: u64) {
    Rng(seed | 1).shuffle(v);
}

/// Per source, its examples' labels.
pub fn source_records<'a>(
    examples: impl IntoIterator<Item = &'a Example>,
) -> HashMap<String, SourceRecord> {
    let mut out: HashMap<String, SourceRecord> = HashMap::new();
    for e in examples {
        if let Some(s) = &e.source {
            out.entry(s.clone()).or_default().add(e.practice);
        }
    }
    out
}

/// The logistic regression, uncalibrated (`a = 1, b = 0`, threshold 0.5).
/// Each example's source precision is that of the other examples of its
/// source (as a curator's next item sees the decisions before it).
fn fit(examples: &[&Example], o: &TrainOptions) -> Model {
    let records = source_records(examples.iter().copied());
    let vectors: Vec<Vector> = examples
        .iter()
        .map(|e| {
            let src = e
                .source
                .as_ref()
                .and_then(|s| records.get(s))
                .map(|r| r.without(e.practice));
            Vector::new(&e.features, e.lang.as_deref(), src)
        })
        .collect();
    // Named features get indices after the n-gram buckets.
    let buckets = 1usize << o.gram_bits;
    let mut names: Vec<&str> = vectors
        .iter()
        .flat_map(|v| v.named.iter().map(|(k, _)| k.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, buckets + i))
        .collect();
    let rows: Vec<Vec<(usize, f64)>> = vectors
        .iter()
        .map(|v| {
            let mut row: Vec<(usize, f64)> = v
                .grams
                .iter()
                .map(|&(h, x)| (h as usize & (buckets - 1), x))
                .collect();
            row.extend(v.named.iter().map(|(k, x)| (index[k.as_str()], *x)));
            row
        })
        .collect();
    let dim = buckets + names.len() + 1;
    let bias = dim - 1;
    let mut w = vec![0f64; dim];
    let mut g2 = vec![1e-8f64; dim];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = Rng(o.seed | 1);
    for _ in 0..o.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let row = &rows[i];
            let z: f64 = w[bias] + row.iter().map(|&(j, x)| w[j] * x).sum::<f64>();
            let y = if examples[i].practice { 1.0 } else { 0.0 };
            let weight = if examples[i].decision {
                o.decision_weight
            } else {
                1.0
            };
            let err = (logistic(z) - y) * weight;
            for &(j, x) in row {
                let g = err * x + o.l2 * w[j];
                g2[j] += g * g;
                w[j] -= o.rate * g / g2[j].sqrt();
            }
            let g = err;
            g2[bias] += g * g;
            w[bias] -= o.rate * g / g2[bias].sqrt();
        }
    }
    Model {
        format: FORMAT,
        fingerprint: super::features::fingerprint().to_string(),
        trained_on: TrainedOn {
            corpus: examples.iter().filter(|e| !e.decision).count(),
            decisions: examples.iter().filter(|e| e.decision).count(),
            decided: examples
                .iter()
                .filter(|e| e.decision)
                .map(|e| (e.id.clone(), e.practice))
                .collect(),
        },
        bias: w[bias],
        named: names.iter().map(|n| (n.to_string(), w[index[n]])).collect(),
        gram_bits: o.gram_bits,
        grams: w[..buckets].iter().map(|x| *x as f32).collect(),
        calibration: Calibration { a: 1.0, b: 0.0 },
        threshold: 0.5,
    }
}

/// The fold (0..[`FOLDS`]) of each example: shuffled within each
/// language and label, then dealt round, so every fold has its share.
pub fn folds(examples: &[Example], seed: u64) -> Vec<usize> {
    let mut groups: BTreeMap<(String, bool), Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        groups
            .entry((e.lang.clone().unwrap_or_default(), e.practice))
            .or_default()
            .push(i);
    }
    let mut rng = Rng(seed | 1);
    let mut out = vec![0; examples.len()];
    let mut next = 0;
    for (_, mut members) in groups {
        rng.shuffle(&mut members);
        for i in members {
            out[i] = next % FOLDS;
            next += 1;
        }
    }
    out
}

/// One example's cross-validated prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Index into the examples.
    pub example: usize,
    /// The raw margin of a model that did not see the example.
    pub margin: f64,
}

/// Out-of-fold margins: each example scored by the model trained on the
/// other folds (only examples with `evaluate` true are scored).
pub fn cross_margins(
    examples: &[Example],
    folds: &[usize],
    include: impl Fn(&Example) -> bool,
    o: &TrainOptions,
) -> Vec<Prediction> {
    let mut out = Vec::new();
    for k in 0..FOLDS {
        let train: Vec<&Example> = examples
            .iter()
            .zip(folds)
            .filter(|(e, f)| **f != k && include(e))
            .map(|(e, _)| e)
            .collect();
        if train.is_empty() {
            continue;
        }
        let model = fit(&train, o);
        let records = source_records(train.iter().copied());
        for (i, (e, f)) in examples.iter().zip(folds).enumerate() {
            if *f != k {
                continue;
            }
            let src = e.source.as_ref().and_then(|s| records.get(s)).copied();
            let v = Vector::new(&e.features, e.lang.as_deref(), src);
            out.push(Prediction {
                example: i,
                margin: model.margin(&v),
            });
        }
    }
    out.sort_by_key(|p| p.example);
    out
}

/// Fits Platt's `a, b` to margins and outcomes (Newton's method on the
/// log loss, with Platt's smoothed targets).
pub fn fit_calibration(points: &[(f64, bool)]) -> Calibration {
    let pos = points.iter().filter(|p| p.1).count() as f64;
    let neg = points.len() as f64 - pos;
    let (t_pos, t_neg) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let (mut a, mut b) = (1.0, 0.0);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for &(z, y) in points {
            let t = if y { t_pos } else { t_neg };
            let p = logistic(a * z + b);
            let d = p - t;
            ga += d * z;
            gb += d;
            let s = p * (1.0 - p);
            haa += s * z * z;
            hab += s * z;
            hbb += s;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-9 && db.abs() < 1e-9 {
            break;
        }
    }
    Calibration { a, b }
}

/// The threshold (0.5 … 0.8: a candidate is more likely a practice than
/// not) that gives the best F1 on calibrated probabilities; ties go to the
/// higher threshold (a shorter queue).
pub fn best_threshold(points: &[(f64, bool)]) -> f64 {
    let mut best = (0.5, -1.0);
    for step in 50..=80 {
        let t = f64::from(step) / 100.0;
        let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
        for &(p, y) in points {
            match (p >= t, y) {
                (true, true) => tp += 1.0,
                (true, false) => fp += 1.0,
                (false, true) => fneg += 1.0,
                _ => {}
            }
        }
        let f1 = if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fneg)
        };
        if f1 >= best.1 {
            best = (t, f1);
        }
    }
    best.0
}

/// A trained, calibrated model and the cross-validated probability of
/// every example (from models that did not see it).
pub struct Trained {
    pub model: Model,
    /// Per example, its out-of-fold calibrated probability.
    pub probabilities: Vec<f64>,
}

/// Trains on `examples`: cross-validation gives out-of-fold margins, to
/// which the calibration and the threshold are fitted; the model is then
/// trained on everything.
pub fn train(examples: &[Example], o: &TrainOptions) -> Trained {
    let folds = folds(examples, o.seed);
    let preds = cross_margins(examples, &folds, |_| true, o);
    let points: Vec<(f64, bool)> = preds
        .iter()
        .map(|p| (p.margin, examples[p.example].practice))
        .collect();
    let calibration = fit_calibration(&points);
    let probabilities: Vec<f64> = points
        .iter()
        .map(|(z, _)| logistic(calibration.a * z + calibration.b))
        .collect();
    let threshold = best_threshold(
        &probabilities
            .iter()
            .zip(&points)
            .map(|(p, (_, y))| (*p, *y))
            .collect::<Vec<_>>(),
    );
    let all: Vec<&Example> = examples.iter().collect();
    let mut model = fit(&all, o);
    model.calibration = calibration;
    model.threshold = threshold;
    Trained {
        model,
        probabilities,
    }
}
