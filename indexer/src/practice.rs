//! Candidate best-practice detection: is this text about a concrete SSE
//! practice (an initiative, policy, programme, fund, organization or network
//! that exists somewhere and does something)? And if so, filing it: themes,
//! kinds of organization, places, organizations named, a summary, the year
//! it started.
//!
//! A transparent detector driven by data files compiled in (`indexer/data/`,
//! see its README):
//! - `lexicon/<lang>.tsv`: `phrase<TAB>kind<TAB>weight<TAB>themes`, where
//!   kind is `sse` (an SSE term: cooperative, économie sociale …),
//!   `practice` (a practice signal: launched, fund, ordinance, members …)
//!   or `negative` (an event, a job offer, an opinion piece, a false friend
//!   such as "video game"); themes are ESSGlobal ids (`T1` … `T19`).
//!   A phrase matches case- and accent-insensitively on word boundaries; a
//!   trailing `*` on a word matches any word it begins (`cooperative*`);
//!   Korean phrases match as substrings.
//! - `lexicon/negatives.tsv`: the same, as a concept table (one row per
//!   concept, its phrases in every language): what a text is when it is not
//!   a practice (event, call for proposals, job offer, newsletter, opinion,
//!   definition) and the false friends (video games, military cooperation,
//!   corporate CSR, sharing-economy platforms).
//! - `lexicon/kinds.tsv`: phrases naming each ESSGlobal kind of
//!   organization (`OS60` workers cooperative …), labels in `kinds.tsv`.
//! - `lexicon/organizations.tsv`: the words that make a name an
//!   organization's (`organizations`), `lexicon/start.tsv` the words that
//!   say a practice started (`summary`).
//! - `places.tsv` and `places-geonames.tsv`: the gazetteer (`places`).
//! - `themes.tsv`: the ESSGlobal theme labels.
//!
//! The lexicon of the text's language is used (all of them when the
//! language is unknown or has no lexicon). What it finds gives the
//! candidate's `evidence`, themes and kinds, and, with the text's words,
//! the features ([`features`]) of the trained model ([`model`]: a logistic
//! regression trained on the labelled corpus of `indexer/data/corpus/` and
//! on the curators' decisions, `veille train`), whose calibrated
//! probability is the candidate's `score`. Its `signals` are the model's
//! largest contributions, in words a curator can read: the terms of the
//! text, the lexicon's concepts, the source's past decisions.

pub mod corpus;
pub mod eval;
pub mod features;
mod kinds;
mod lexicon;
pub mod model;
mod organizations;
mod places;
pub mod record;
mod summary;
pub mod training;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use veille_store::{Candidate, Place, Signal};

use lexicon::Kind;

/// A theme needs this much weight to be named.
const THEME_MIN_WEIGHT: f64 = 0.6;

/// How much more each repeat of a phrase counts (+20%), up to this many.
const MAX_REPEATS: u32 = 3;

/// What is known of a text beside its words.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The text's language (ISO 639-1), when detected.
    pub lang: Option<&'a str>,
    /// The source's country (ISO 3166-1 alpha-2): resolves ambiguous place
    /// names ("Valencia" in Spain, not Venezuela, for a Spanish source).
    pub country: Option<&'a str>,
    /// The source's past curator decisions.
    pub source: Option<model::SourceRecord>,
    /// The model to score with ([`model::current`] when `None`).
    pub model: Option<&'a model::Model>,
}

/// Signals kept on a candidate, at most.
const MAX_SIGNALS: usize = 10;

/// Classifies a text (title and body) in language `lang` (ISO 639-1).
pub fn classify(title: &str, text: &str, lang: Option<&str>) -> Candidate {
    classify_with(
        title,
        text,
        &Context {
            lang,
            ..Context::default()
        },
    )
}

/// What the lexicon and the other finders make of a text, before scoring.
struct Reading {
    candidate: Candidate,
    features: features::TextFeatures,
    themes: BTreeMap<u32, f64>,
    /// The title and the body, their tokens and the lexicon's matches (for
    /// the words of the signals and the summary).
    doc: String,
    body_start: usize,
    tokens: Vec<lexicon::Token>,
    matches: Vec<lexicon::Match>,
}

fn read(title: &str, text: &str, ctx: &Context<'_>) -> Reading {
    let mut doc = String::with_capacity(title.len() + text.len() + 2);
    doc.push_str(title);
    doc.push_str(".\n");
    let body_start = doc.len();
    doc.push_str(text);
    let tokens = lexicon::tokenize(&doc);
    let matches = lexicon::find(&doc, &tokens, ctx.lang);

    let mut sse = 0.0;
    let mut practice = 0.0;
    let mut negative = 0.0;
    let mut themes: BTreeMap<u32, f64> = BTreeMap::new();
    let mut evidence = Vec::with_capacity(matches.len());
    let mut structures = Vec::new();
    for m in &matches {
        if m.entry.kind == Kind::Structure {
            structures.push(m);
            continue;
        }
        let repeats = m.count.saturating_sub(1).min(MAX_REPEATS);
        let w = m.entry.weight * (1.0 + 0.2 * f64::from(repeats));
        match m.entry.kind {
            Kind::Sse => sse += w,
            Kind::Practice => practice += w,
            Kind::Negative => negative += w,
            Kind::Structure => {}
        }
        if m.entry.kind != Kind::Negative {
            for t in &m.entry.themes {
                *themes.entry(*t).or_default() += w;
            }
        }
        evidence.push(m.entry.phrase.to_string());
    }
    let z = 2.0 * (sse.min(4.0) * practice.min(4.0_f64)).sqrt() - 1.5 - 1.5 * negative;
    let rule_score = 1.0 / (1.0 + (-z).exp());

    let places: Vec<Place> = places::find(&tokens, &doc, ctx.country)
        .into_iter()
        .map(|p| Place {
            name: p.name.to_string(),
            country: Some(p.country.to_string()),
        })
        .collect();
    let kinds = kinds::resolve(&structures);
    let organizations = organizations::find(&doc, &tokens, ctx.lang, body_start);
    let year = summary::start_year(&tokens, ctx.lang);
    let features = features::extract(&features::Found {
        title,
        doc: &doc,
        tokens: &tokens,
        matches: &matches,
        rule_score,
        sse,
        practice,
        negative,
        places: places.len(),
        organizations: organizations.len(),
        kinds: kinds.len(),
        year: year.is_some(),
    });
    Reading {
        candidate: Candidate {
            score: 0.0,
            is_candidate: false,
            themes: Vec::new(),
            places,
            evidence,
            signals: Vec::new(),
            kinds,
            organizations,
            summary: None,
            year,
        },
        features,
        themes,
        doc,
        body_start,
        tokens,
        matches,
    }
}

/// The features the model reads of a text (to train on it).
pub fn text_features(title: &str, text: &str, lang: Option<&str>) -> features::TextFeatures {
    let ctx = Context {
        lang,
        ..Context::default()
    };
    read(title, text, &ctx).features
}

/// Classifies a text (title and body) with what is known of it.
pub fn classify_with(title: &str, text: &str, ctx: &Context<'_>) -> Candidate {
    let Reading {
        mut candidate,
        features,
        themes,
        doc,
        body_start,
        tokens,
        matches,
    } = read(title, text, ctx);
    let current;
    let model = match ctx.model {
        Some(m) => m,
        None => {
            current = model::current();
            &current
        }
    };
    let names =
        |wanted: &std::collections::HashSet<u32>| features::names_of(&tokens, title.len(), wanted);
    let scored = model.score(&features, ctx.lang, ctx.source, Some(&names), MAX_SIGNALS);
    candidate.score = round3(scored.probability);
    candidate.is_candidate = scored.is_candidate;
    candidate.signals = scored
        .contributions
        .into_iter()
        .map(|(what, weight)| {
            let (phrase, kind) = signal_of(&what);
            Signal {
                phrase,
                kind: kind.to_string(),
                weight: round3(weight),
            }
        })
        .collect();

    let mut theme_ids: Vec<String> = themes
        .iter()
        .filter(|(_, w)| **w >= THEME_MIN_WEIGHT)
        .map(|(t, _)| format!("T{t}"))
        .collect();
    if theme_ids.is_empty() && candidate.is_candidate {
        if let Some((t, _)) = themes.iter().max_by(|a, b| a.1.total_cmp(b.1)) {
            theme_ids.push(format!("T{t}"));
        }
    }
    candidate.themes = theme_ids;
    candidate.summary = candidate
        .is_candidate
        .then(|| summary::summarize(&doc, body_start, &matches))
        .flatten();
    candidate
}

/// A model contribution as a curator reads it: `(phrase, kind)`.
fn signal_of(what: &str) -> (String, &'static str) {
    let (phrase, kind) = match what.split_once(':') {
        Some(("lex", "sse")) => ("SSE terms", "sse"),
        Some(("lex", "practice")) => ("practice signals", "practice"),
        Some(("lex", "sse_and_practice")) => ("SSE terms with practice signals", "practice"),
        Some(("lex", "negative")) => ("not-a-practice phrases", "negative"),
        Some(("rule", _)) => ("lexicon rule", "lexicon"),
        Some(("neg", concept)) => return (concept.to_string(), "negative"),
        Some(("found", "places")) => ("places named", "structure"),
        Some(("found", "organizations")) => ("organizations named", "structure"),
        Some(("found", "kinds")) => ("kinds of organization named", "structure"),
        Some(("found", "year")) => ("year it started", "structure"),
        Some(("text", "figures")) => ("figures", "structure"),
        Some(("text", "length")) => ("length", "structure"),
        Some(("title", "question")) => ("question in the title", "structure"),
        Some(("src", "precision")) => ("source's past decisions", "source"),
        Some(("src", "decided")) => ("source's decisions so far", "source"),
        Some(("lang", l)) => return (format!("language {l}"), "language"),
        _ => return (what.to_string(), "term"),
    };
    (phrase.to_string(), kind)
}

/// The text of every data file the features read, for
/// [`features::fingerprint`].
fn data_files() -> Vec<&'static str> {
    let mut out = lexicon::data_files();
    out.extend(places::data_files());
    out.extend(organizations::data_files());
    out.extend(summary::data_files());
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
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

/// The label of ESSGlobal organisational-structure `id` (`OS10` …
/// `OS240`) in `lang` (`en`, `es`, `fr`, `ko` where the vocabulary has
/// one; English otherwise).
pub fn kind_label(id: &str, lang: &str) -> Option<&'static str> {
    kinds::label(id, lang)
}

/// The ids of all ESSGlobal organisational structures, in vocabulary order.
pub fn kind_ids() -> Vec<&'static str> {
    kinds::ids()
}
