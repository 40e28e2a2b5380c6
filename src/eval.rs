//! `veille eval`: how well the stages agree with people. `veille eval
//! candidates` re-runs the candidate detector on the stored text of every
//! item a curator approved or rejected (or on a file of labelled cases) and
//! prints precision, recall, F1 and accuracy, overall and per language.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use serde_json::{json, Value};
use veille::data::DataDir;
use veille_indexer::practice::eval::{self, Counts, EvalReport};

/// Misclassified items printed, at most.
const MISSES_SHOWN: usize = 20;

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Precision and recall of the candidate detector against curator
    /// decisions (approved = a practice, rejected = not one), re-running the
    /// current detector on the stored text, overall and per language.
    Candidates {
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
        /// Evaluate on a file of labelled cases instead of the store (lines
        /// `lang<TAB>practice|not<TAB>label<TAB>title<TAB>text`, as
        /// tests/fixtures/candidates/cases.tsv).
        #[arg(long, value_name = "TSV")]
        cases: Option<PathBuf>,
        /// Report what `veille train` would: cross-validated precision,
        /// recall and F1 per language on the shipped corpus and the store's
        /// decisions, for a model trained on them beside the current
        /// model's training set, with the reliability table.
        #[arg(long, conflicts_with = "cases")]
        corpus: bool,
        /// With --corpus: also the learning curve, F1 on a held-out part of
        /// the corpus after 0, 50, 100 and 200 simulated curator decisions.
        #[arg(long, requires = "corpus")]
        learning_curve: bool,
    },
    /// How often the language detector is right on labelled texts (lines
    /// `lang<TAB>text`, no declaration given), per language, beside
    /// whatlang alone and lingua alone among the same languages; with the
    /// confusions and the detector's speed.
    /// How often a practice record's pre-filled fields (challenge,
    /// approach, results, conditions for transfer) are the sentence a
    /// person would pick, per field, beside a sentence drawn at random; and
    /// how many of the figures a person lists are found. The cases are JSON
    /// lines: `url`, `lang`, `text`, `expected` (per field, the sentences a
    /// person accepts, the best first), `figures`, as
    /// indexer/data/prefill/cases.jsonl.
    Prefill {
        /// The labelled cases (default: the shipped ones).
        #[arg(value_name = "JSONL")]
        cases: Option<PathBuf>,
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
        /// Also print each field a person would have filled otherwise.
        #[arg(long)]
        misses: bool,
    },
    Language {
        /// The labelled texts, one or more files.
        #[arg(required = true, value_name = "TSV")]
        cases: Vec<PathBuf>,
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
        /// Also list every text named wrong: its label, veille's answer and
        /// the text (in JSON: `misses`).
        #[arg(long)]
        misses: bool,
    },
}

pub fn run(data: &DataDir, command: EvalCommand) -> anyhow::Result<ExitCode> {
    match command {
        EvalCommand::Candidates {
            json,
            corpus: true,
            learning_curve,
            ..
        } => trained(data, json, learning_curve),
        EvalCommand::Candidates { json, cases, .. } => candidates(data, json, cases),
        EvalCommand::Language {
            cases,
            json,
            misses,
        } => language(&cases, json, misses),
        EvalCommand::Prefill {
            cases,
            json,
            misses,
        } => prefill(cases, json, misses),
    }
}

/// `veille eval prefill`.
fn prefill(path: Option<PathBuf>, as_json: bool, show_misses: bool) -> anyhow::Result<ExitCode> {
    use veille_indexer::practice::record::{eval as record_eval, Field};
    let (name, text) = match &path {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read cases file {}", path.display()))?,
        ),
        None => (
            "the shipped cases".to_string(),
            record_eval::SHIPPED.to_string(),
        ),
    };
    let cases = record_eval::parse_cases(&text, &name).map_err(anyhow::Error::msg)?;
    let report = record_eval::evaluate(&cases);
    let mut out = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.1}%", 100.0 * x));
    writeln!(out, "pre-filled records: {} cases in {name}", report.cases)?;
    writeln!(
        out,
        "  field       answerable  first  accepted  other  empty  filled-none  picked right  recall  chance"
    )?;
    for field in Field::ALL {
        let c = report.fields.get(&field).cloned().unwrap_or_default();
        writeln!(
            out,
            "  {:<10}  {:>10}  {:>5}  {:>8}  {:>5}  {:>5}  {:>11}  {:>12}  {:>6}  {:>6}",
            field.as_str(),
            c.answerable,
            c.first,
            c.accepted,
            c.other,
            c.empty,
            c.unanswerable_filled,
            pct(c.precision()),
            pct(c.recall()),
            pct(c.chance_recall()),
        )?;
    }
    let f = &report.figures;
    writeln!(
        out,
        "  figures: {} listed, {} found, {} of them listed (precision {}, recall {})",
        f.expected,
        f.found,
        f.right,
        pct((f.found > 0).then(|| f64::from(f.right) / f64::from(f.found))),
        pct((f.expected > 0).then(|| f64::from(f.right) / f64::from(f.expected))),
    )?;
    if show_misses {
        for m in &report.misses {
            writeln!(out, "\n{} [{}]", m.url, m.field.as_str())?;
            writeln!(
                out,
                "  picked:   {}",
                m.picked.as_deref().unwrap_or("(nothing)")
            )?;
            writeln!(
                out,
                "  expected: {}",
                m.expected.as_deref().unwrap_or("(nothing)")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The figures `veille train` reports, without training for keeps.
fn trained(data: &DataDir, as_json: bool, learning_curve: bool) -> anyhow::Result<ExitCode> {
    use veille_indexer::practice::model::TrainOptions;
    use veille_indexer::practice::training;
    let options = TrainOptions::default();
    let compared = crate::train::compare(data, false, &options)?;
    let curve = learning_curve.then(|| {
        let corpus: Vec<_> = compared
            .examples
            .iter()
            .filter(|e| !e.decision)
            .cloned()
            .collect();
        training::learning_curve(&corpus, &[0, 50, 100, 200], 5, &options)
    });
    let mut out = std::io::stdout().lock();
    let mut extra = serde_json::Map::new();
    extra.insert("learning_curve".into(), json!(curve));
    crate::train::print(&mut out, &compared, as_json, extra)?;
    if as_json {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(curve) = curve {
        writeln!(
            out,
            "learning curve (F1 on a held-out fifth, mean of 5 splits):"
        )?;
        writeln!(out, "  decisions  random  uncertain first")?;
        for p in curve {
            writeln!(
                out,
                "  {:>9}  {:>6.3}  {:>15.3}",
                p.decisions, p.f1_random, p.f1_uncertain_first
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn candidates(data: &DataDir, as_json: bool, cases: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let (what, report) = match &cases {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read cases file {}", path.display()))?;
            let name = path.display().to_string();
            let cases = eval::parse_cases(&text, &name).map_err(|problems| {
                anyhow::anyhow!(
                    "{name} has {} bad line(s):\n{}",
                    problems.len(),
                    problems.join("\n")
                )
            })?;
            (
                format!("labelled cases in {name}"),
                eval::evaluate_cases(&cases),
            )
        }
        None => {
            let db = data.db_path();
            if !db.exists() {
                anyhow::bail!(
                    "no store at {}: crawl first (`veille crawl --once`) or give --data DIR",
                    db.display()
                );
            }
            let store = data.open_store()?;
            let report = eval::evaluate_store(&store)
                .with_context(|| format!("cannot read the items of {}", db.display()))?;
            (format!("curator decisions in {}", db.display()), report)
        }
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&to_json(&what, &report))?
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if report.overall.total() == 0 {
        writeln!(
            out,
            "no {what} to evaluate against: curators approve or reject items in the review queue \
             (POST /api/items/ID/review), then run this again"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "candidate detection against {what} ({} case(s); a duplicate group counts once)\n",
        report.overall.total()
    )?;
    writeln!(
        out,
        "{:<10} {:>6} {:>9} {:>9} {:>5} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6} {:>8}",
        "lang",
        "cases",
        "practice",
        "not",
        "tp",
        "fp",
        "tn",
        "fn",
        "precision",
        "recall",
        "f1",
        "accuracy"
    )?;
    print_row(&mut out, "all", &report.overall)?;
    for (lang, counts) in &report.by_lang {
        print_row(&mut out, lang, counts)?;
    }
    if !report.by_label.is_empty() {
        writeln!(out)?;
        for (label, counts) in &report.by_label {
            print_row(&mut out, label, counts)?;
        }
    }
    if !report.misses.is_empty() {
        writeln!(out, "\nmisclassified (first {MISSES_SHOWN}):")?;
        for m in report.misses.iter().take(MISSES_SHOWN) {
            writeln!(
                out,
                "  {} [{}] {} score {:.3}: {} — {}",
                m.id,
                m.lang.as_deref().unwrap_or("?"),
                if m.expected {
                    "practice missed"
                } else {
                    "not a practice, flagged"
                },
                m.score,
                m.title,
                m.evidence.join(", ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

fn print_row(out: &mut impl Write, name: &str, c: &Counts) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<10} {:>6} {:>9} {:>9} {:>5} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6} {:>8}",
        name,
        c.total(),
        c.true_positives + c.false_negatives,
        c.true_negatives + c.false_positives,
        c.true_positives,
        c.false_positives,
        c.true_negatives,
        c.false_negatives,
        fmt(c.precision()),
        fmt(c.recall()),
        fmt(c.f1()),
        fmt(c.accuracy())
    )
}

fn counts_json(c: &Counts) -> Value {
    json!({
        "cases": c.total(),
        "true_positives": c.true_positives,
        "false_positives": c.false_positives,
        "true_negatives": c.true_negatives,
        "false_negatives": c.false_negatives,
        "precision": c.precision(),
        "recall": c.recall(),
        "f1": c.f1(),
        "accuracy": c.accuracy(),
    })
}

fn to_json(what: &str, report: &EvalReport) -> Value {
    let by = |m: &std::collections::BTreeMap<String, Counts>| -> Value {
        m.iter()
            .map(|(k, c)| (k.clone(), counts_json(c)))
            .collect::<serde_json::Map<String, Value>>()
            .into()
    };
    json!({
        "against": what,
        "overall": counts_json(&report.overall),
        "by_lang": by(&report.by_lang),
        "by_label": by(&report.by_label),
        "misses": report.misses,
    })
}

/// `veille eval language`.
fn language(files: &[PathBuf], as_json: bool, show_misses: bool) -> anyhow::Result<ExitCode> {
    use veille_indexer::language::{eval as lang_eval, PORTAL_LANGUAGES};
    let mut cases = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read cases file {}", path.display()))?;
        let name = path.display().to_string();
        cases.extend(lang_eval::parse_cases(&text, &name).map_err(|problems| {
            anyhow::anyhow!(
                "{name} has {} bad line(s):\n{}",
                problems.len(),
                problems.join("\n")
            )
        })?);
    }
    if cases.is_empty() {
        anyhow::bail!("no labelled texts in the {} file(s) given", files.len());
    }
    let report = lang_eval::evaluate(&cases);
    let per_second = report.cases() as f64 / report.veille_time.as_secs_f64().max(1e-9);
    let others: Vec<&str> = report
        .rows
        .keys()
        .map(String::as_str)
        .filter(|l| !PORTAL_LANGUAGES.contains(l))
        .collect();
    let (portal_mean, portal_n) = report.mean(PORTAL_LANGUAGES);
    let (other_mean, other_n) = report.mean(&others);
    let mut out = std::io::stdout().lock();
    if as_json {
        let rows: serde_json::Map<String, Value> = report
            .rows
            .iter()
            .map(|(lang, r)| {
                (
                    lang.clone(),
                    json!({
                        "cases": r.cases,
                        "veille": r.share(r.veille),
                        "whatlang": r.share(r.whatlang),
                        "lingua": r.share(r.lingua),
                        "confusions": r.confusions,
                    }),
                )
            })
            .collect();
        let doc = json!({
            "cases": report.cases(),
            "languages": rows,
            "portal_mean": (portal_n > 0).then_some(portal_mean),
            "other_mean": (other_n > 0).then_some(other_mean),
            "texts_per_second": per_second,
        });
        let mut doc = doc;
        if show_misses {
            doc["misses"] = report
                .misses
                .iter()
                .map(|m| json!({"lang": m.lang, "got": m.got, "text": m.text}))
                .collect();
        }
        writeln!(out, "{doc}")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "| lang | texts | veille | whatlang alone | lingua alone | veille's confusions |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
    for (lang, r) in &report.rows {
        let mut confusions: Vec<(&String, &usize)> = r.confusions.iter().collect();
        confusions.sort_by(|a, b| b.1.cmp(a.1));
        let confusions: Vec<String> = confusions
            .iter()
            .take(3)
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        writeln!(
            out,
            "| {lang} | {} | {:.1}% | {:.1}% | {:.1}% | {} |",
            r.cases,
            100.0 * r.share(r.veille),
            100.0 * r.share(r.whatlang),
            100.0 * r.share(r.lingua),
            confusions.join(", ")
        )?;
    }
    writeln!(out)?;
    if portal_n > 0 {
        writeln!(
            out,
            "the network's languages ({portal_n}): {:.1}% on average",
            100.0 * portal_mean
        )?;
    }
    if other_n > 0 {
        writeln!(
            out,
            "the other languages ({other_n}): {:.1}% on average",
            100.0 * other_mean
        )?;
    }
    writeln!(
        out,
        "{} texts, {per_second:.0} texts/s (veille, one thread)",
        report.cases()
    )?;
    if show_misses {
        writeln!(out, "\nnamed wrong (label → veille's answer):")?;
        for m in &report.misses {
            writeln!(out, "{} → {}\t{:?}", m.lang, m.got, m.text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
