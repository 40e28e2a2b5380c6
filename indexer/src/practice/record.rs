//! Pre-filling a practice record from its source text: for each field a
//! transfer needs (the challenge met, the approach, the results, the
//! conditions for transfer) the sentence of the text that best answers it,
//! in the text's own language, kept with its place in the text as evidence;
//! and the figures the text gives (amounts with what they count: members,
//! jobs, euros, hectares, households …).
//!
//! A sentence scores, for each field, the weights of the words of
//! `indexer/data/lexicon/fields.tsv` it holds (in the text's language, or
//! in every language when it is unknown), plus what its place and its
//! figures say: the challenge and the approach tend to come first, results
//! carry figures, conditions come late. Each field takes its best sentence
//! if it scores enough, best pairs first and a sentence once; a field no
//! sentence answers stays empty. The figures come from
//! `indexer/data/lexicon/units.tsv`.

use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::lexicon::{fold_word, is_hangul, CONCEPT_LANGS};
pub(crate) use super::summary::{citations_len, sentences};

const FIELDS: &str = include_str!("../../data/lexicon/fields.tsv");
const UNITS: &str = include_str!("../../data/lexicon/units.tsv");

/// A field of a practice record filled from one sentence of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The problem or need the practice answers.
    Challenge,
    /// What is done, by whom, with which partners and funding.
    Approach,
    /// What it achieved, with its figures.
    Results,
    /// What it needs to work, what others should adapt, lessons.
    Conditions,
}

impl Field {
    /// Every field, in the record's order.
    pub const ALL: [Field; 4] = [
        Field::Challenge,
        Field::Approach,
        Field::Results,
        Field::Conditions,
    ];

    /// The field's name, as in the data file and the record's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Challenge => "challenge",
            Field::Approach => "approach",
            Field::Results => "results",
            Field::Conditions => "conditions",
        }
    }

    fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sentence chosen for a field, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    /// The sentence, as the text writes it (trimmed).
    pub sentence: String,
    /// Its byte range in the text.
    pub start: usize,
    pub end: usize,
    /// How well it answers the field.
    pub score: f64,
    /// The words that made it answer (as the data file writes them).
    pub cues: Vec<String>,
}

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Members,
    Jobs,
    People,
    Households,
    Area,
    Money,
    Percent,
    /// Tonnes, litres, energy.
    Tonnes,
    Organizations,
}

impl Unit {
    /// Every unit, in the data file's order.
    pub const ALL: [Unit; 9] = [
        Unit::Members,
        Unit::Jobs,
        Unit::People,
        Unit::Households,
        Unit::Area,
        Unit::Money,
        Unit::Percent,
        Unit::Tonnes,
        Unit::Organizations,
    ];

    /// The unit's name, as in the data file and the record's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Members => "members",
            Unit::Jobs => "jobs",
            Unit::People => "people",
            Unit::Households => "households",
            Unit::Area => "area",
            Unit::Money => "money",
            Unit::Percent => "percent",
            Unit::Tonnes => "tonnes",
            Unit::Organizations => "organizations",
        }
    }

    fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// An amount the text gives, with what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// As the text writes it ("1,200 members", "3 millions d'euros").
    pub text: String,
    /// The number, multipliers applied (3 millions → 3,000,000).
    pub value: f64,
    pub unit: Unit,
    /// Its byte range in the text.
    pub start: usize,
    pub end: usize,
}

/// A record's fields as the text answers them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prefill {
    pub challenge: Option<Pick>,
    pub approach: Option<Pick>,
    pub results: Option<Pick>,
    pub conditions: Option<Pick>,
    pub figures: Vec<Figure>,
}

impl Prefill {
    /// The pick of `field`, if any.
    pub fn get(&self, field: Field) -> Option<&Pick> {
        match field {
            Field::Challenge => self.challenge.as_ref(),
            Field::Approach => self.approach.as_ref(),
            Field::Results => self.results.as_ref(),
            Field::Conditions => self.conditions.as_ref(),
        }
    }

    fn slot(&mut self, field: Field) -> &mut Option<Pick> {
        match field {
            Field::Challenge => &mut self.challenge,
            Field::Approach => &mut self.approach,
            Field::Results => &mut self.results,
            Field::Conditions => &mut self.conditions,
        }
    }
}

/// A field takes a sentence that scores at least this.
const MIN_SCORE: f64 = 1.0;

/// Sentences shorter than this (characters) are headings or captions, and
/// longer ones lists run together: both count half.
const SHORT: usize = 40;
const LONG: usize = 450;

/// What a figure in a sentence adds to its results score (for each of the
/// first two figures).
const FIGURE_WEIGHT: f64 = 1.2;

/// What the first prose sentence adds to its approach score: it mostly
/// says what the practice is and does.
const LEAD_WEIGHT: f64 = 0.6;

/// Whether a sentence is prose, not a heading, a caption, an infobox line
/// or a list of links: six words at least, mostly letters, few separators.
fn is_prose(s: &str) -> bool {
    let words = s.split_whitespace().count();
    let hangul = s.chars().filter(|c| is_hangul(*c)).count();
    if words < 6 && hangul < 15 {
        return false;
    }
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let visible = s.chars().filter(|c| !c.is_whitespace()).count();
    let separators = s
        .chars()
        .filter(|c| matches!(c, '·' | '|' | '•' | '=' | '{' | '}'))
        .count();
    visible > 0 && letters * 10 >= visible * 7 && separators <= 2
}

/// A phrase of the data files: folded words, the last ones maybe prefixes;
/// or a substring (Korean).
#[derive(Debug)]
struct Phrase {
    text: &'static str,
    words: Vec<(String, bool)>,
    substring: Option<String>,
    weight: f64,
}

impl Phrase {
    fn new(text: &'static str, weight: f64) -> Option<Phrase> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if t.chars().any(is_hangul) || !t.chars().any(char::is_alphanumeric) {
            return Some(Phrase {
                text: t,
                words: Vec::new(),
                substring: Some(fold_word(t.trim_end_matches('*'))),
                weight,
            });
        }
        let words = t
            .split(|c: char| c.is_whitespace() || c == '\'' || c == '’' || c == '-')
            .filter(|w| !w.is_empty())
            .map(|w| (fold_word(w.trim_end_matches('*')), w.ends_with('*')))
            .filter(|(w, _)| !w.is_empty())
            .collect::<Vec<_>>();
        (!words.is_empty()).then_some(Phrase {
            text: t,
            words,
            substring: None,
            weight,
        })
    }

    /// Whether the phrase starts at word `i` of `words`.
    fn at(&self, words: &[&str], i: usize) -> bool {
        self.words.len() <= words.len() - i
            && self.words.iter().zip(&words[i..]).all(|((p, prefix), w)| {
                if *prefix {
                    w.starts_with(p.as_str())
                } else {
                    w == p
                }
            })
    }

    fn found(&self, folded: &str, words: &[&str]) -> bool {
        match &self.substring {
            Some(s) => folded.contains(s.as_str()),
            None => (0..words.len()).any(|i| self.at(words, i)),
        }
    }
}

/// A phrase of a data file, under its key (a field or a unit) and
/// language.
#[derive(Debug)]
struct Cue<K> {
    key: K,
    lang: &'static str,
    phrase: Phrase,
}

/// Lines of a data file, `key<TAB>lang<TAB>[weight<TAB>]phrases`, in the
/// file's order (the first line that matches wins).
fn table<K: Copy>(text: &'static str, weighted: bool, key: fn(&str) -> Option<K>) -> Vec<Cue<K>> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&'static str> = line.split('\t').collect();
        let (k, lang, weight, phrases) = match (weighted, cells.as_slice()) {
            (true, [k, lang, w, p]) => (*k, *lang, w.trim().parse().ok(), *p),
            (false, [k, lang, p]) => (*k, *lang, Some(1.0), *p),
            _ => continue,
        };
        let (Some(key), Some(lang), Some(weight)) = (
            key(k.trim()),
            CONCEPT_LANGS.iter().find(|l| **l == lang.trim()),
            weight,
        ) else {
            continue;
        };
        out.extend(
            phrases
                .split('|')
                .filter_map(|p| Phrase::new(p, weight))
                .map(|phrase| Cue { key, lang, phrase }),
        );
    }
    out
}

static FIELD_CUES: LazyLock<Vec<Cue<Field>>> = LazyLock::new(|| table(FIELDS, true, Field::parse));

static UNIT_WORDS: LazyLock<Vec<Cue<Unit>>> = LazyLock::new(|| table(UNITS, false, Unit::parse));

/// The data files' text (for the features' fingerprint, should the model
/// ever read them).
pub fn data_files() -> [&'static str; 2] {
    [FIELDS, UNITS]
}

/// Lines of the data files that do not parse (for the data tests).
pub fn bad_lines() -> Vec<String> {
    let mut bad = Vec::new();
    for (name, text, cells) in [("fields.tsv", FIELDS, 4), ("units.tsv", UNITS, 3)] {
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let c: Vec<&str> = line.split('\t').collect();
            let key_ok = if cells == 4 {
                Field::parse(c[0]).is_some() && c.get(2).is_some_and(|w| w.parse::<f64>().is_ok())
            } else {
                Unit::parse(c[0]).is_some()
            };
            let lang_ok = c.get(1).is_some_and(|l| CONCEPT_LANGS.contains(l));
            if c.len() != cells || !key_ok || !lang_ok {
                bad.push(format!("{name}:{}: {line}", n + 1));
            }
        }
    }
    bad
}

/// The languages whose words are looked for: the text's, or all.
fn langs(lang: Option<&str>) -> Vec<&'static str> {
    match lang.and_then(|l| CONCEPT_LANGS.iter().find(|c| **c == l)) {
        Some(l) => vec![*l],
        None => CONCEPT_LANGS.to_vec(),
    }
}

/// Folded words of a text, with their byte ranges.
fn words(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut begin = None;
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '%' {
            if c == '%' {
                if let Some(b) = begin.take() {
                    out.push((fold_word(&text[b..at]), b, at));
                }
                out.push(("%".to_string(), at, at + 1));
                continue;
            }
            begin.get_or_insert(at);
        } else if let Some(b) = begin.take() {
            out.push((fold_word(&text[b..at]), b, at));
        }
    }
    if let Some(b) = begin {
        out.push((fold_word(&text[b..]), b, text.len()));
    }
    out
}

/// Pre-fills a record from `text` in language `lang` (ISO 639-1).
pub fn prefill(text: &str, lang: Option<&str>) -> Prefill {
    let langs = langs(lang);
    let figures = figures_in(text, &langs);
    let sents = sentences(text, 0);
    let n = sents.len();
    let mut scored: Vec<(f64, Field, usize, Vec<String>)> = Vec::new();
    // The first sentence that is prose: what the text is about.
    let lead = sents.iter().position(|&(a, b)| is_prose(&text[a..b]));
    for (k, &(a, b)) in sents.iter().enumerate() {
        let s = &text[a..b];
        if !is_prose(s) {
            continue;
        }
        let folded = fold_word(s);
        let ws = words(s);
        let ws: Vec<&str> = ws.iter().map(|(w, _, _)| w.as_str()).collect();
        let chars = s.trim().chars().count();
        let size = if (SHORT..=LONG).contains(&chars) {
            1.0
        } else {
            0.5
        };
        let pos = if n > 1 {
            k as f64 / (n - 1) as f64
        } else {
            0.0
        };
        let in_sentence = figures
            .iter()
            .filter(|f| f.start >= a && f.end <= b)
            .count();
        for field in Field::ALL {
            let mut score = 0.0;
            let mut cues = Vec::new();
            for c in FIELD_CUES.iter() {
                if c.key == field && langs.contains(&c.lang) && c.phrase.found(&folded, &ws) {
                    score += c.phrase.weight;
                    cues.push(c.phrase.text.to_string());
                }
            }
            // Several cues say it more surely, but not linearly.
            score = score.min(3.0);
            score += match field {
                Field::Challenge => 0.5 * (1.0 - pos),
                Field::Approach => {
                    if Some(k) == lead {
                        LEAD_WEIGHT
                    } else if k < 3 {
                        0.6 - 0.2 * k as f64
                    } else {
                        0.0
                    }
                }
                Field::Results => FIGURE_WEIGHT * in_sentence.min(2) as f64 + 0.3 * pos,
                Field::Conditions => 0.5 * pos,
            };
            scored.push((score * size, field, k, cues));
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)));
    let mut out = Prefill {
        figures,
        ..Prefill::default()
    };
    let mut used = vec![false; n];
    for (score, field, k, cues) in scored {
        if score < MIN_SCORE {
            break;
        }
        if used[k] || out.get(field).is_some() {
            continue;
        }
        used[k] = true;
        let (a, b) = sents[k];
        let raw = &text[a..b];
        let skip = raw.len() - raw.trim_start().len();
        let skip = skip + citations_len(&raw[skip..]);
        let skip = skip + raw[skip..].len() - raw[skip..].trim_start().len();
        let sentence = raw[skip..].trim_end();
        *out.slot(field) = Some(Pick {
            sentence: sentence.to_string(),
            start: a + skip,
            end: a + skip + sentence.len(),
            score,
            cues,
        });
    }
    out
}

/// A multiplier word after a number ("3 millions", "2,5 Mio.", "5억").
fn multiplier(w: &str) -> Option<f64> {
    Some(match w {
        "thousand" | "mil" | "mille" | "milla" | "mila" | "tausend" | "k" | "천" => 1e3,
        "lakh" | "lakhs" => 1e5,
        "crore" | "crores" => 1e7,
        "million" | "millions" | "millon" | "millones" | "milio" | "milioi" | "milhao"
        | "milhoes" | "milione" | "milioni" | "mio" | "millionen" | "m" | "mn" => 1e6,
        "billion" | "billions" | "bn" | "milliard" | "milliards" | "mrd" | "milliarden"
        | "miliardo" | "miliardi" | "bilhao" | "bilhoes" | "mil millones" => 1e9,
        "만" => 1e4,
        "억" => 1e8,
        _ => return None,
    })
}

/// Small words allowed between a number and what it counts ("3 millions
/// d'euros", "200 new jobs", "40 de socios").
fn filler(w: &str) -> bool {
    matches!(
        w,
        "de" | "d"
            | "of"
            | "di"
            | "del"
            | "des"
            | "du"
            | "new"
            | "nouveaux"
            | "nouvelles"
            | "nuevos"
            | "nuevas"
            | "full"
            | "time"
            | "more"
            | "plus"
            | "mas"
            | "mehr"
            | "als"
            | "neue"
            | "neuen"
            | "novos"
            | "novas"
            | "nuovi"
            | "nuove"
            | "berri"
            | "berriak"
            | "local"
            | "locaux"
            | "locales"
            | "social"
            | "sociaux"
            | "sociales"
    )
}

/// The unit that starts at word `i` ("members", "%", "원"), and its
/// length in words.
fn unit_of(words: &[&str], i: usize, langs: &[&'static str]) -> Option<(Unit, usize)> {
    UNIT_WORDS
        .iter()
        .filter(|c| langs.contains(&c.lang))
        .find(|c| match &c.phrase.substring {
            Some(s) => words.get(i) == Some(&s.as_str()),
            None => i < words.len() && c.phrase.at(words, i),
        })
        .map(|c| (c.key, c.phrase.words.len().max(1)))
}

/// A Korean unit glued to the number or beginning the next word
/// ("1,200명이", "3가구", "원을"): the longest that begins `glued`, and its
/// length in bytes.
fn hangul_unit(glued: &str, langs: &[&'static str]) -> Option<(Unit, usize)> {
    if !langs.contains(&"ko") {
        return None;
    }
    UNIT_WORDS
        .iter()
        .filter(|c| c.lang == "ko")
        .filter_map(|c| {
            let s = c.phrase.substring.as_deref()?;
            (!s.is_empty() && glued.starts_with(s)).then_some((s.len(), c.key))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(len, unit)| (unit, len))
}

/// The figures of `text`.
fn figures_in(text: &str, langs: &[&'static str]) -> Vec<Figure> {
    let ws = words(text);
    let folded: Vec<&str> = ws.iter().map(|(w, _, _)| w.as_str()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let (w, a, _) = &ws[i];
        if !w.starts_with(|c: char| c.is_ascii_digit()) {
            i += 1;
            continue;
        }
        // The number: this word and the digit groups that follow it across
        // a separator ("1,200", "1 200", "2.5").
        let mut j = i;
        let mut number = String::new();
        let mut decimal_seen = false;
        loop {
            let digits: String = ws[j].0.chars().take_while(char::is_ascii_digit).collect();
            number.push_str(&digits);
            let rest_is_digits = digits.len() == ws[j].0.len();
            let Some(next) = ws.get(j + 1) else { break };
            let gap = &text[ws[j].2..next.1];
            let next_digits = next.0.chars().take_while(char::is_ascii_digit).count();
            let thousands = next_digits == 3
                && matches!(gap, "," | "." | " " | "\u{a0}" | "\u{202f}" | "'" | "’");
            let decimal =
                !decimal_seen && next_digits > 0 && matches!(gap, "," | ".") && !thousands;
            if !rest_is_digits || !(thousands || decimal) {
                break;
            }
            if decimal {
                number.push('.');
                decimal_seen = true;
            }
            j += 1;
        }
        let Ok(mut value) = number.parse::<f64>() else {
            i = j + 1;
            continue;
        };
        let start = {
            let before = text[..*a].trim_end();
            match before.chars().last() {
                Some(c @ ('€' | '$' | '£' | '₩')) => before.len() - c.len_utf8(),
                _ => *a,
            }
        };
        let currency = start < *a;
        let mut end = ws[j].2;
        let mut unit = currency.then_some(Unit::Money);
        // A unit glued to the last digits ("1,200명", "30%", "5억").
        let last = &ws[j].0;
        let glued = &last[last.chars().take_while(char::is_ascii_digit).count()..];
        let mut k = j + 1;
        if !glued.is_empty() {
            let mut g = glued;
            if let Some(m) = multiplier(g) {
                value *= m;
                g = "";
            } else if let Some(c @ ('만' | '억' | '천')) = g.chars().next() {
                value *= multiplier(&c.to_string()).unwrap_or(1.0);
                g = &g[c.len_utf8()..];
            }
            if let Some((u, len)) = hangul_unit(g, langs).filter(|_| unit.is_none()) {
                unit = Some(u);
                end = ws[j].2 - g.len() + len;
            }
        }
        // Multiplier words, then small words, then the unit.
        while unit.is_none() || unit == Some(Unit::Money) {
            let Some(w) = folded.get(k) else { break };
            if let Some(m) = multiplier(w) {
                value *= m;
                end = ws[k].2;
                k += 1;
                continue;
            }
            break;
        }
        if unit.is_none() || unit == Some(Unit::Money) {
            let mut look = k;
            while look < folded.len() && look < k + 3 && filler(folded[look]) {
                look += 1;
            }
            if let Some((u, len)) = unit_of(&folded, look, langs) {
                if unit.is_none() || u == Unit::Money {
                    unit = Some(u);
                    end = ws[look + len - 1].2;
                    k = look + len;
                }
            } else if let Some((u, len)) = folded.get(k).and_then(|w| hangul_unit(w, langs)) {
                // "5억 원을": the unit begins the next word.
                if unit.is_none() || u == Unit::Money {
                    unit = Some(u);
                    end = ws[k].1 + len;
                    k += 1;
                }
            }
        }
        if let Some(unit) = unit {
            out.push(Figure {
                text: text[start..end].to_string(),
                value,
                unit,
                start,
                end,
            });
        }
        i = k.max(j + 1);
    }
    out
}

mod draft;
pub use draft::{coordinates, draft};

#[cfg(test)]
mod tests;

/// Measuring the pre-fill against what people would pick.
pub mod eval {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::{prefill, Field, Prefill};

    /// The shipped cases: texts under CC BY-SA with the sentences people
    /// picked (see `indexer/data/prefill/README.md`).
    pub const SHIPPED: &str = include_str!("../../data/prefill/cases.jsonl");

    /// A text and, for each field, the sentences a person would pick (the
    /// best first; none when no sentence answers it), and its figures.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Case {
        pub url: String,
        pub lang: String,
        pub text: String,
        pub expected: BTreeMap<Field, Vec<String>>,
        #[serde(default)]
        pub figures: Vec<String>,
    }

    /// How one field came out over the cases.
    #[derive(Debug, Clone, Default, PartialEq, Serialize)]
    pub struct FieldCounts {
        /// Cases where a person would pick a sentence.
        pub answerable: u32,
        /// … and the pre-fill picked the person's first choice,
        pub first: u32,
        /// … or another sentence the person accepts,
        pub accepted: u32,
        /// … or another sentence,
        pub other: u32,
        /// … or nothing.
        pub empty: u32,
        /// Cases where no sentence answers it, and the pre-fill left it
        /// empty, or filled it.
        pub unanswerable_empty: u32,
        pub unanswerable_filled: u32,
        /// A sentence drawn at random would be acceptable this often (the
        /// chance baseline, summed over the answerable cases).
        pub chance: f64,
    }

    impl FieldCounts {
        /// Of the sentences pre-filled, the share a person would pick.
        pub fn precision(&self) -> Option<f64> {
            let filled = self.first + self.accepted + self.other + self.unanswerable_filled;
            (filled > 0).then(|| f64::from(self.first + self.accepted) / f64::from(filled))
        }

        /// Of the answerable cases, the share pre-filled with a sentence
        /// the person accepts.
        pub fn recall(&self) -> Option<f64> {
            (self.answerable > 0)
                .then(|| f64::from(self.first + self.accepted) / f64::from(self.answerable))
        }

        /// The chance baseline's recall.
        pub fn chance_recall(&self) -> Option<f64> {
            (self.answerable > 0).then(|| self.chance / f64::from(self.answerable))
        }
    }

    /// Figures found against the figures a person lists.
    #[derive(Debug, Clone, Default, PartialEq, Serialize)]
    pub struct FigureCounts {
        pub expected: u32,
        pub found: u32,
        /// Found figures that overlap an expected one.
        pub right: u32,
    }

    /// A field's pick that was not the person's.
    #[derive(Debug, Clone, Serialize)]
    pub struct Miss {
        pub url: String,
        pub field: Field,
        pub picked: Option<String>,
        pub expected: Option<String>,
    }

    #[derive(Debug, Clone, Default, Serialize)]
    pub struct Report {
        pub cases: u32,
        pub fields: BTreeMap<Field, FieldCounts>,
        pub figures: FigureCounts,
        pub misses: Vec<Miss>,
    }

    fn norm(s: &str) -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches(['.', '!', '?', ';', ':'])
            .to_lowercase()
    }

    /// Whether two sentences are the same one, cut a little differently
    /// (one holds the other and is at least 60% of its length).
    pub fn same_sentence(a: &str, b: &str) -> bool {
        let (a, b) = (norm(a), norm(b));
        if a.is_empty() || b.is_empty() {
            return false;
        }
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        long.contains(&short) && short.len() * 10 >= long.len() * 6
    }

    /// Measures the pre-fill on `cases`.
    pub fn evaluate(cases: &[Case]) -> Report {
        let mut r = Report::default();
        for case in cases {
            let p = prefill(&case.text, Some(&case.lang));
            r.cases += 1;
            add_case(&mut r, case, &p);
        }
        r
    }

    fn add_case(r: &mut Report, case: &Case, p: &Prefill) {
        let sents = super::sentences(&case.text, 0);
        for field in Field::ALL {
            let expected = case.expected.get(&field).map(Vec::as_slice).unwrap_or(&[]);
            let picked = p.get(field).map(|p| p.sentence.as_str());
            let c = r.fields.entry(field).or_default();
            let mut miss = true;
            match (expected.first(), picked) {
                (None, None) => {
                    c.unanswerable_empty += 1;
                    miss = false;
                }
                (None, Some(_)) => c.unanswerable_filled += 1,
                (Some(_), None) => {
                    c.answerable += 1;
                    c.empty += 1;
                }
                (Some(first), Some(s)) => {
                    c.answerable += 1;
                    if same_sentence(first, s) {
                        c.first += 1;
                        miss = false;
                    } else if expected.iter().any(|e| same_sentence(e, s)) {
                        c.accepted += 1;
                        miss = false;
                    } else {
                        c.other += 1;
                    }
                }
            }
            if !expected.is_empty() && !sents.is_empty() {
                let ok = sents
                    .iter()
                    .filter(|(a, b)| {
                        expected
                            .iter()
                            .any(|e| same_sentence(e, &case.text[*a..*b]))
                    })
                    .count();
                c.chance += ok as f64 / sents.len() as f64;
            }
            if miss {
                r.misses.push(Miss {
                    url: case.url.clone(),
                    field,
                    picked: picked.map(str::to_string),
                    expected: expected.first().cloned(),
                });
            }
        }
        let spans: Vec<(usize, usize)> = case
            .figures
            .iter()
            .filter_map(|f| case.text.find(f.as_str()).map(|a| (a, a + f.len())))
            .collect();
        r.figures.expected += case.figures.len() as u32;
        r.figures.found += p.figures.len() as u32;
        r.figures.right += p
            .figures
            .iter()
            .filter(|f| spans.iter().any(|(a, b)| f.start < *b && *a < f.end))
            .count() as u32;
    }

    /// Reads cases, one JSON object a line.
    pub fn parse_cases(text: &str, name: &str) -> Result<Vec<Case>, String> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| serde_json::from_str(l).map_err(|e| format!("{name}:{}: {e}", n + 1)))
            .collect()
    }
}
