//! What a curator reads first: an extractive summary (the highest-scoring
//! sentences of the body, in their order) and the year the practice
//! started, when the text says it near a word of
//! `indexer/data/lexicon/start.tsv` ("founded in 2007", "2013년 설립").

use std::collections::HashMap;
use std::sync::LazyLock;

use super::lexicon::{fold_word, Kind, Match, Token, CONCEPT_LANGS};

const START: &str = include_str!("../../data/lexicon/start.tsv");

/// The start words' text (for the features' fingerprint).
pub(super) fn data_files() -> [&'static str; 1] {
    [START]
}

/// Sentences in a summary, at most.
const MAX_SENTENCES: usize = 3;

/// Characters in a summary, about (a sentence that would pass it is left
/// out, unless it is the first).
const MAX_CHARS: usize = 400;

/// Words between a year and a start word, at most.
const YEAR_WINDOW: usize = 4;

/// Earliest and latest plausible start years.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2100;

/// A start word: folded words, the last may be a prefix.
#[derive(Debug)]
struct StartWord {
    words: Vec<String>,
    prefix: bool,
}

static START_WORDS: LazyLock<HashMap<&'static str, Vec<StartWord>>> = LazyLock::new(|| {
    let mut by_lang: HashMap<&'static str, Vec<StartWord>> = HashMap::new();
    for line in START.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((lang, cell)) = line.split_once('\t') else {
            continue;
        };
        let Some(lang) = CONCEPT_LANGS.iter().find(|l| **l == lang.trim()) else {
            continue;
        };
        for phrase in cell.split('|').map(str::trim).filter(|p| !p.is_empty()) {
            let prefix = phrase.ends_with('*');
            let words: Vec<String> = phrase
                .trim_end_matches('*')
                .split_whitespace()
                .map(fold_word)
                .collect();
            if !words.is_empty() {
                by_lang
                    .entry(lang)
                    .or_default()
                    .push(StartWord { words, prefix });
            }
        }
    }
    by_lang
});

/// The year a token stands for: four digits, maybe followed by letters
/// ("2013", "2013년", Basque "2015ean").
fn year_of(t: &Token) -> Option<i32> {
    let digits = t.folded.chars().take_while(char::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let y: i32 = t.folded[..4].parse().ok()?;
    YEARS.contains(&y).then_some(y)
}

fn start_word_at(sw: &StartWord, tokens: &[Token], i: usize) -> bool {
    let n = sw.words.len();
    if i + n > tokens.len() {
        return false;
    }
    sw.words.iter().enumerate().all(|(k, w)| {
        let t = &tokens[i + k].folded;
        if sw.prefix && k == n - 1 {
            t.starts_with(w.as_str())
        } else {
            t == w
        }
    })
}

/// The year the practice started, when a year stands within a few words of
/// a start word ("founded in 2007", "depuis 2017", "2013년 … 설립").
pub(super) fn start_year(tokens: &[Token], lang: Option<&str>) -> Option<i32> {
    let table: &'static HashMap<&'static str, Vec<StartWord>> = &START_WORDS;
    let lists: Vec<&Vec<StartWord>> = match lang.and_then(|l| table.get(l)) {
        Some(list) => vec![list],
        None => table.values().collect(),
    };
    for (i, t) in tokens.iter().enumerate() {
        let Some(y) = year_of(t) else { continue };
        let from = i.saturating_sub(YEAR_WINDOW);
        let to = (i + YEAR_WINDOW + 1).min(tokens.len());
        // The window stays within the year's sentence.
        let from = (from..=i)
            .rev()
            .find(|&k| tokens[k].start)
            .unwrap_or(from)
            .max(from);
        let to = (i + 1..to).find(|&k| tokens[k].start).unwrap_or(to);
        let near = (from..to).filter(|&k| k != i).any(|k| {
            lists
                .iter()
                .any(|list| list.iter().any(|sw| start_word_at(sw, tokens, k)))
        });
        if near {
            return Some(y);
        }
    }
    None
}

/// Byte ranges of the sentences of `text` (from `start`).
pub(crate) fn sentences(text: &str, start: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut begin = start;
    let bytes = text.as_bytes();
    let mut prev_word_len = 0usize;
    let mut prev_word_digits = false;
    let mut word_len = 0usize;
    let mut word_digits = true;
    let mut word_upper = true;
    let mut prev_word_upper = false;
    // Whether the character before is a letter or digit ("30%." ends a
    // sentence where "12. Juni" does not).
    let mut after_word = false;
    for (at, c) in text[start..].char_indices() {
        let at = at + start;
        if c.is_alphanumeric() {
            word_len += 1;
            word_digits &= c.is_ascii_digit();
            word_upper &= c.is_uppercase();
            after_word = true;
            continue;
        }
        let follows_word = std::mem::replace(&mut after_word, false);
        if word_len > 0 {
            prev_word_len = word_len;
            prev_word_digits = word_digits;
            prev_word_upper = word_upper;
        }
        word_len = 0;
        word_digits = true;
        word_upper = true;
        let end = at + c.len_utf8();
        let boundary = match c {
            '\n' => true,
            '!' | '?' | '。' => true,
            '.' => {
                // A reference mark may follow the stop ("organisms.[1] It").
                let after = end + citations_len(&text[end..]);
                let next_space = bytes.get(after).is_none_or(|b| b.is_ascii_whitespace());
                // "Dr.", "St.", "12. Juni" do not end a sentence; "the US."
                // and "30%." do.
                next_space
                    && (!follows_word
                        || prev_word_len > 2 && !prev_word_digits
                        || prev_word_len == 4
                        || prev_word_len == 2 && prev_word_upper)
            }
            _ => false,
        };
        if boundary {
            if text[begin..end].trim().chars().count() > 1 {
                out.push((begin, end));
            }
            begin = end;
        }
    }
    if text[begin..].trim().chars().count() > 1 {
        out.push((begin, text.len()));
    }
    out
}

/// Length in bytes of the reference marks at the start of `s` ("[1][2]",
/// "[citation needed]"), none longer than 24 bytes.
pub(crate) fn citations_len(s: &str) -> usize {
    let mut len = 0;
    while s[len..].starts_with('[') {
        match s[len..].find(']') {
            Some(close) if close <= 24 => len += close + 1,
            _ => break,
        }
    }
    len
}

/// The highest-scoring sentences of the body (`doc[body_start..]`), in
/// their order: each sentence scores the weights of the lexicon phrases in
/// it (negative phrases subtract), and the first sentence a little more;
/// a sentence with no positive score is never kept.
pub(super) fn summarize(doc: &str, body_start: usize, matches: &[Match]) -> Option<String> {
    let sents = sentences(doc, body_start);
    if sents.is_empty() {
        return None;
    }
    let mut scores = vec![0.0_f64; sents.len()];
    for m in matches {
        let w = match m.entry.kind {
            Kind::Sse | Kind::Practice => m.entry.weight,
            Kind::Negative => -m.entry.weight,
            Kind::Structure => 0.3,
        };
        for &off in &m.offsets {
            if let Some(k) = sents.iter().position(|(a, b)| off >= *a && off < *b) {
                scores[k] += w;
            }
        }
    }
    // The first sentence often says it all: a bonus, if it says anything.
    if let Some(first) = scores.first_mut().filter(|s| **s > 0.0) {
        *first += 0.5;
    }
    let mut order: Vec<usize> = (0..sents.len()).filter(|&k| scores[k] > 0.0).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b)));
    let mut chosen: Vec<usize> = Vec::new();
    let mut chars = 0;
    for k in order {
        let (a, b) = sents[k];
        let n = doc[a..b].trim().chars().count();
        if !chosen.is_empty() && chars + n > MAX_CHARS {
            continue;
        }
        chosen.push(k);
        chars += n;
        if chosen.len() == MAX_SENTENCES {
            break;
        }
    }
    if chosen.is_empty() {
        return None;
    }
    chosen.sort_unstable();
    let text: Vec<&str> = chosen
        .iter()
        .map(|&k| doc[sents[k].0..sents[k].1].trim())
        .collect();
    Some(text.join(" "))
}
