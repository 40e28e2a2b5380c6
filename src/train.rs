//! `veille train`: retrains the candidate model on the shipped corpus and
//! the curators' decisions, compares it with the current model, and
//! writes it as the data directory's next model (which `run` and `serve`
//! pick up) before rescoring the items waiting for a decision. `veille
//! corpus featurize` turns labelled texts into corpus lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use serde_json::json;
use veille::data::DataDir;
use veille::models;
use veille_indexer::practice::corpus::{self, Label, Record, StoredFeatures};
use veille_indexer::practice::eval::Counts;
use veille_indexer::practice::model::{self, Example, TrainOptions};
use veille_indexer::practice::training::{self, Comparison, Report};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Write the new model even if its cross-validated F1 is lower than
    /// the current one's.
    #[arg(long)]
    pub force: bool,
    /// Train on the shipped corpus alone, without the store's decisions
    /// (this is how the shipped model is built).
    #[arg(long)]
    pub corpus_only: bool,
    /// Write the model to this file instead of the data directory (no
    /// rescoring).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the figures as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// Featurize labelled texts (JSON Lines with url, lang, label, kind,
    /// themes, places, note, title and text) into corpus lines, one file
    /// per language in DIR: the texts are not kept, only their features.
    Featurize {
        /// The directory of the corpus files (indexer/data/corpus).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Files of labelled texts.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

/// The corpus and (unless `corpus_only`) the store's decisions, as
/// examples, with each one's kind (genre) for the report.
pub fn examples(data: &DataDir, corpus_only: bool) -> anyhow::Result<(Vec<Example>, Vec<String>)> {
    let records = corpus::shipped().map_err(|e| anyhow::anyhow!("the shipped corpus: {e}"))?;
    let mut kinds: Vec<String> = records.iter().map(|r| r.kind.clone()).collect();
    let (mut examples, warning) =
        training::corpus_examples(&records).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    if !corpus_only && data.db_path().exists() {
        let store = data.open_store()?;
        let decided = training::decision_examples(&store).with_context(|| {
            format!("cannot read the decisions of {}", data.db_path().display())
        })?;
        kinds.extend(decided.iter().map(|_| String::new()));
        examples.extend(decided);
    }
    Ok((examples, kinds))
}

/// The examples, and a model trained on them compared with the current
/// model's training set (the shipped model's with `corpus_only`).
pub struct Compared {
    pub examples: Vec<Example>,
    pub comparison: Comparison,
    /// `shipped` or `candidates-NNNN`.
    pub current: String,
}

pub fn compare(
    data: &DataDir,
    corpus_only: bool,
    options: &TrainOptions,
) -> anyhow::Result<Compared> {
    let (examples, kinds) = examples(data, corpus_only)?;
    let (number, current) = if corpus_only {
        (None, model::shipped())
    } else {
        models::in_use(data)?
    };
    let comparison = training::compare(&examples, &kinds, &current, options);
    Ok(Compared {
        examples,
        comparison,
        current: number.map_or("shipped".to_string(), |n| format!("candidates-{n:04}")),
    })
}

/// Prints a comparison as its table, or as one JSON object with `extra`
/// fields added.
pub fn print(
    out: &mut impl Write,
    c: &Compared,
    as_json: bool,
    extra: serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    if as_json {
        let mut object = json!({"current": c.current, "comparison": c.comparison});
        object.as_object_mut().expect("an object").extend(extra);
        writeln!(out, "{}", serde_json::to_string_pretty(&object)?)?;
    } else {
        print_comparison(out, &c.comparison, &c.current)?;
    }
    Ok(())
}

pub fn train(data: &DataDir, args: TrainArgs) -> anyhow::Result<ExitCode> {
    let options = TrainOptions::default();
    let compared = compare(data, args.corpus_only, &options)?;
    print(
        &mut std::io::stdout().lock(),
        &compared,
        args.json,
        Default::default(),
    )?;
    let comparison = &compared.comparison;
    if comparison.new_is_worse() && !args.force {
        eprintln!(
            "refused: the new model's cross-validated F1 ({:.3}) is below the current model's \
             ({:.3}); nothing written. Give --force to write it anyway.",
            comparison.new.f1(),
            comparison.current.f1()
        );
        return Ok(ExitCode::from(1));
    }
    let trained = model::train(&compared.examples, &options).model;
    if let Some(path) = &args.output {
        std::fs::write(path, trained.to_json() + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let path = models::save(data, &trained)?;
    eprintln!(
        "wrote {} (trained on {} corpus texts and {} decisions)",
        path.display(),
        trained.trained_on.corpus,
        trained.trained_on.decisions
    );
    if data.db_path().exists() {
        let store = data.open_store()?;
        let changed = models::rescore(&store, &trained)?;
        eprintln!("rescored {changed} item(s) waiting for a decision");
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{:.3}", x))
}

fn row(out: &mut impl Write, name: &str, new: &Counts, cur: &Counts) -> std::io::Result<()> {
    writeln!(
        out,
        "{name:<8} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
        new.total(),
        pct(new.precision()),
        pct(new.recall()),
        pct(new.f1()),
        pct(cur.precision()),
        pct(cur.recall()),
        pct(cur.f1()),
    )
}

/// The per-language table of a comparison, then the new model's flags on
/// non-practices and its reliability table.
pub fn print_comparison(
    out: &mut impl Write,
    c: &Comparison,
    current: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "cross-validated ({} folds) on {} texts ({} of them curator decisions)",
        model::FOLDS,
        c.examples,
        c.decisions
    )?;
    writeln!(
        out,
        "{:<8} {:>6} | {:>20} | {:>20}",
        "",
        "",
        "new model",
        format!("current ({current})")
    )?;
    writeln!(
        out,
        "{:<8} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
        "lang", "texts", "P", "R", "F1", "P", "R", "F1"
    )?;
    for (lang, new) in &c.new.by_lang {
        let cur = c.current.by_lang.get(lang).copied().unwrap_or_default();
        row(out, lang, new, &cur)?;
    }
    row(out, "all", &c.new.overall, &c.current.overall)?;
    print_report_tail(out, &c.new)
}

/// Flags on non-practices and the reliability table of one report.
pub fn print_report_tail(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "threshold {:.2}; SSE non-practices flagged {}; unrelated flagged {}",
        r.threshold,
        pct(r.sse_not_practice_flagged),
        pct(r.unrelated_flagged)
    )?;
    if !r.flagged_by_kind.is_empty() {
        let kinds: Vec<String> = r
            .flagged_by_kind
            .iter()
            .map(|(k, (f, n))| format!("{k} {f}/{n}"))
            .collect();
        writeln!(
            out,
            "SSE non-practices flagged, by kind: {}",
            kinds.join(", ")
        )?;
    }
    writeln!(out, "reliability (cross-validated scores):")?;
    writeln!(out, "  score      texts  mean score  practices")?;
    for b in &r.reliability {
        if b.texts > 0 {
            writeln!(
                out,
                "  {:.1}-{:.1}  {:>7}  {:>10.3}  {:>9.3}",
                b.from, b.to, b.texts, b.mean_score, b.practices
            )?;
        }
    }
    Ok(())
}

/// One labelled text to featurize.
#[derive(Debug, serde::Deserialize)]
struct Labelled {
    url: String,
    lang: String,
    label: Label,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    title: String,
    text: String,
    #[serde(default)]
    second_label: Option<Label>,
}

pub fn corpus(command: CorpusCommand) -> anyhow::Result<ExitCode> {
    let CorpusCommand::Featurize { out, inputs } = command;
    let mut by_lang: std::collections::BTreeMap<String, Vec<Record>> = Default::default();
    let mut seen = std::collections::HashSet::new();
    for input in &inputs {
        let text = std::fs::read_to_string(input)
            .with_context(|| format!("cannot read {}", input.display()))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let t: Labelled = serde_json::from_str(line)
                .with_context(|| format!("{}:{}", input.display(), i + 1))?;
            if !seen.insert(t.url.trim_end_matches('/').to_string()) {
                continue;
            }
            let features =
                veille_indexer::practice::text_features(&t.title, &t.text, Some(&t.lang));
            by_lang.entry(t.lang.clone()).or_default().push(Record {
                url: t.url,
                lang: t.lang,
                label: t.label,
                kind: t.kind,
                themes: t.themes,
                places: t.places,
                note: t.note,
                second_label: t.second_label,
                features: StoredFeatures::new(&features),
            });
        }
    }
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    for (lang, mut records) in by_lang {
        records.sort_by(|a, b| a.url.cmp(&b.url));
        let path = out.join(format!("{lang}.jsonl"));
        let mut text = String::new();
        for r in &records {
            text.push_str(&serde_json::to_string(r)?);
            text.push('\n');
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("{}: {} texts", path.display(), records.len());
    }
    Ok(ExitCode::SUCCESS)
}
