//! The organizations a text names, found by rules over capitalization and
//! the words of `indexer/data/lexicon/organizations.tsv`:
//!
//! 1. a run of capitalized words (with lowercase connectors inside: "of",
//!    "de", "d'", "für") that holds an organization keyword and at least two
//!    words: "Clydeside Tenants Credit Union", "Xarxa d'Economia Solidària",
//!    "Ajuntament de Barcelona"; an article opening a sentence is dropped
//!    ("The …", "La …");
//! 2. a capitalized name right after a keyword written in lowercase, with at
//!    most two words between: "la cooperativa Entrepatios", "la coopérative
//!    d'habitation Le Coteau";
//! 3. a capitalized name followed by a comma and a keyword (an apposition):
//!    "Coopesol, cooperativa de catadores";
//! 4. an acronym in parentheses after a name: "Réseau des collectivités
//!    (RTES)" keeps the acronym beside the name;
//! 5. Korean: a quoted name in a sentence that holds a keyword
//!    ("주택협동조합 '함께주택'").
//!
//! Only the body is searched: titles are often written in Title Case, where
//! every word is capitalized.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::lexicon::{fold_word, is_hangul, Token, CONCEPT_LANGS};

const TABLE: &str = include_str!("../../data/lexicon/organizations.tsv");

/// The table's text (for the features' fingerprint).
pub(super) fn data_files() -> [&'static str; 1] {
    [TABLE]
}

/// Organizations kept per text, at most.
const MAX_ORGANIZATIONS: usize = 10;

/// Connectors that join two names rather than the words of one.
const CONJUNCTIONS: &[&str] = &["and", "et", "y", "i", "e", "und", "eta"];

/// Longest name kept, in words.
const MAX_WORDS: usize = 10;

#[derive(Debug, Default)]
struct Words {
    /// Exact keywords, folded.
    keywords: HashSet<String>,
    /// Prefix keywords (`cooperative*`), folded.
    prefixes: Vec<String>,
    connectors: HashSet<String>,
    articles: HashSet<String>,
    /// Korean keywords.
    hangul: Vec<&'static str>,
}

impl Words {
    fn is_keyword(&self, folded: &str) -> bool {
        self.keywords.contains(folded) || self.prefixes.iter().any(|p| folded.starts_with(p))
    }

    /// A keyword, or (German compounds) a word ending with one:
    /// "Wohnungsbaugenossenschaft".
    fn is_keyword_compound(&self, folded: &str) -> bool {
        self.is_keyword(folded)
            || self.prefixes.iter().any(|p| {
                folded.len() > p.len() + 3 && {
                    // The keyword's stem, then at most a plural or case
                    // ending: "…genossenschaft", "…genossenschaften".
                    let tail = folded.len() - p.len();
                    (tail.saturating_sub(3)..=tail)
                        .any(|k| folded.is_char_boundary(k) && folded[k..].starts_with(p.as_str()))
                }
            })
    }
}

/// How a language writes organization names.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Lowercase words allowed between a keyword and the name it
    /// introduces ("la coopérative d'habitation Le Coteau": 2).
    gap: usize,
    /// Every noun is capitalized (German): a name must open with its
    /// keyword ("Wohnungsbaugenossenschaft Möckernkiez", "Stadt Hamburg").
    nouns_capitalized: bool,
}

fn style(lang: Option<&str>) -> Style {
    match lang {
        Some("fr" | "es" | "ca" | "pt" | "it") | None => Style {
            gap: 2,
            nouns_capitalized: false,
        },
        Some("de") => Style {
            gap: 0,
            nouns_capitalized: true,
        },
        _ => Style {
            gap: 0,
            nouns_capitalized: false,
        },
    }
}

#[derive(Debug, Default)]
struct Table {
    by_lang: HashMap<&'static str, Words>,
    all: Words,
}

static TABLE_WORDS: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table::default();
    for line in TABLE.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let role = cols.next().unwrap_or("").trim();
        for (cell, lang) in cols.zip(CONCEPT_LANGS) {
            for w in cell.split('|').map(str::trim).filter(|w| !w.is_empty()) {
                for words in [t.by_lang.entry(lang).or_default(), &mut t.all] {
                    add(words, role, w);
                }
            }
        }
    }
    t
});

fn add(words: &mut Words, role: &str, w: &'static str) {
    match role {
        "keyword" if w.chars().any(is_hangul) => words.hangul.push(w),
        "keyword" => match w.strip_suffix('*') {
            Some(p) => words.prefixes.push(fold_word(p)),
            None => {
                // "co-op" is two tokens; its first part is enough.
                let folded = fold_word(w);
                let first = folded
                    .split(|c: char| !c.is_alphanumeric())
                    .find(|p| !p.is_empty())
                    .unwrap_or("")
                    .to_string();
                words.keywords.insert(first);
            }
        },
        "connector" => {
            words.connectors.insert(fold_word(w));
        }
        "article" => {
            words.articles.insert(fold_word(w));
        }
        _ => {}
    }
}

/// A capital-initial word or an acronym.
fn is_name_word(t: &Token) -> bool {
    t.capital
}

/// Only spaces, apostrophes or hyphens between two tokens.
fn joined(doc: &str, a: &Token, b: &Token) -> bool {
    doc[a.end..b.begin]
        .chars()
        .all(|c| matches!(c, ' ' | '\'' | '’' | '-' | '\u{a0}'))
}

/// The organizations named in the body of `doc` (from `body_start`), each
/// once, in order of first mention.
pub(super) fn find(
    doc: &str,
    tokens: &[Token],
    lang: Option<&str>,
    body_start: usize,
) -> Vec<String> {
    let table: &'static Table = &TABLE_WORDS;
    let words = lang
        .and_then(|l| table.by_lang.get(l))
        .unwrap_or(&table.all);
    let body = tokens
        .iter()
        .position(|t| t.begin >= body_start)
        .unwrap_or(tokens.len());
    let body_tokens = &tokens[body..];

    let mut found: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < body_tokens.len() {
        if !is_name_word(&body_tokens[i]) {
            i += 1;
            continue;
        }
        let (run_start, run_end) = name_run(doc, body_tokens, i, words);
        let mut start = run_start;
        let run = &body_tokens[run_start..run_end];
        let content = run
            .iter()
            .filter(|t| !words.connectors.contains(&t.folded) || t.capital)
            .count();
        if run[0].start && words.articles.contains(&run[0].folded) && run.len() > 1 {
            start += 1;
        }
        let style = style(lang);
        let has_keyword = if style.nouns_capitalized {
            body_tokens[start..run_end]
                .first()
                .is_some_and(|t| words.is_keyword_compound(&t.folded))
        } else {
            body_tokens[start..run_end]
                .iter()
                .any(|t| t.capital && words.is_keyword(&t.folded))
        };
        // A name right after a lowercase keyword, unless it is the
        // complement of the keyword ("prefeitura de Maricá").
        let before_keyword = start >= 1
            && !body_tokens[start].start
            && !words.connectors.contains(&body_tokens[start - 1].folded)
            && (1..=style.gap + 1).any(|back| {
                start >= back
                    && !body_tokens[start - back].capital
                    && words.is_keyword(&body_tokens[start - back].folded)
                    && body_tokens[start - back + 1..start]
                        .iter()
                        .all(|t| !t.capital && !t.start)
            });
        let apposition = run_end < body_tokens.len() && {
            let next = &body_tokens[run_end];
            let gap = &doc[body_tokens[run_end - 1].end..next.begin];
            gap.trim() == ","
                && (words.is_keyword(&next.folded)
                    || (words.articles.contains(&next.folded)
                        && body_tokens
                            .get(run_end + 1)
                            .is_some_and(|t| words.is_keyword(&t.folded))))
        };
        let named = (has_keyword && content >= 2) || before_keyword || apposition;
        if named && start < run_end {
            let first = &body_tokens[start];
            let last = &body_tokens[run_end - 1];
            let mut name = doc[first.begin..last.end].to_string();
            // An acronym in parentheses right after the name.
            let rest = &doc[last.end..];
            if let Some(acr) = rest.strip_prefix(" (").and_then(|r| r.split_once(')')) {
                let acr = acr.0;
                if (2..=10).contains(&acr.len())
                    && acr.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
                {
                    name = format!("{name} ({acr})");
                }
            }
            found.push((first.begin, name));
        } else if let Some(acr) = acronym_in_parentheses(doc, &body_tokens[i]) {
            // An acronym in parentheses after lowercase words: the acronym
            // alone ("… pour une économie solidaire (RTES)").
            found.push((body_tokens[i].begin, acr.to_string()));
        }
        i = run_end.max(i + 1);
    }
    if doc.chars().any(is_hangul) {
        korean_quoted(doc, body_start, words, &mut found);
    }
    found.sort_by_key(|(at, _)| *at);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (_, name) in found {
        let key = fold_word(&name);
        // A name inside a longer one already kept ("Mumbuca" in "Banco
        // Comunitário Mumbuca") is the same organization.
        if seen.contains(&key) || out.iter().any(|o: &String| fold_word(o).contains(&key)) {
            continue;
        }
        seen.insert(key);
        out.push(name);
        if out.len() == MAX_ORGANIZATIONS {
            break;
        }
    }
    out
}

/// The token, when it is an acronym alone in parentheses: "(RTES)".
fn acronym_in_parentheses<'d>(doc: &'d str, t: &Token) -> Option<&'d str> {
    let word = &doc[t.begin..t.end];
    let n = word.chars().count();
    ((2..=10).contains(&n)
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && doc[..t.begin].ends_with('(')
        && doc[t.end..].starts_with(')'))
    .then_some(word)
}

/// The run of name words starting at `i`: capitalized words, joined by
/// connectors, within one sentence and with no punctuation between.
fn name_run(doc: &str, tokens: &[Token], i: usize, words: &Words) -> (usize, usize) {
    let mut end = i + 1;
    let mut j = i + 1;
    while j < tokens.len() && end - i < MAX_WORDS {
        let prev = &tokens[j - 1];
        let t = &tokens[j];
        if t.start || !joined(doc, prev, t) {
            break;
        }
        if t.capital {
            end = j + 1;
            j += 1;
        } else if words.connectors.contains(&t.folded) {
            // Connectors count only if a capitalized word follows; a
            // conjunction before another organization's keyword ends the
            // name ("Ville de Lyon et du Réseau …").
            let next_name = tokens[j..]
                .iter()
                .take(3)
                .find(|t| t.capital || !words.connectors.contains(&t.folded));
            if CONJUNCTIONS.contains(&t.folded.as_str())
                && next_name.is_some_and(|n| n.capital && words.is_keyword(&n.folded))
            {
                break;
            }
            j += 1;
        } else {
            break;
        }
    }
    (i, end)
}

/// Quoted names (`'함께주택'`, `“…”`) in a sentence holding a Korean
/// keyword.
fn korean_quoted(doc: &str, body: usize, words: &Words, found: &mut Vec<(usize, String)>) {
    let text = &doc[body..];
    let mut offset = 0;
    for sentence in text.split_inclusive(['.', '\n']) {
        let has_keyword = words.hangul.iter().any(|k| sentence.contains(k));
        if has_keyword {
            for (open, close) in [
                ('\'', '\''),
                ('‘', '’'),
                ('"', '"'),
                ('“', '”'),
                ('「', '」'),
            ] {
                let mut rest = sentence;
                let mut consumed = 0;
                while let Some(a) = rest.find(open) {
                    let after = &rest[a + open.len_utf8()..];
                    let Some(b) = after.find(close) else { break };
                    let name = after[..b].trim();
                    let n = name.chars().count();
                    if (2..=30).contains(&n) && name.chars().any(char::is_alphanumeric) {
                        found.push((body + offset + consumed + a, name.to_string()));
                    }
                    let step = a + open.len_utf8() + b + close.len_utf8();
                    consumed += step;
                    rest = &rest[step..];
                }
            }
        }
        offset += sentence.len();
    }
}
