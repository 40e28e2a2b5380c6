//! What the trained detector ([`super::model`]) reads of a text: hashed
//! word n-grams, and named features that mean the same in every language
//! (the lexicon's SSE terms, practice signals and negative concepts, the
//! places, organizations and kinds found, figures, length).
//!
//! The n-grams are words folded as the lexicon folds them (lowercase, no
//! accents), their pairs within a sentence, and the title's words apart;
//! Korean words add their character bigrams (a Korean word carries its
//! particles). Each is hashed (FNV-1a, 64 bits, folded to
//! [`GRAM_BITS`] bits): the corpus keeps only these hashes and their
//! counts ([`super::corpus`]), from which a model can be retrained but the
//! text cannot be read back.
//!
//! [`fingerprint`] names this featurization: the code's
//! [`FEATURES_VERSION`] and the data files it reads. A corpus featurized
//! by another fingerprint must be featurized again from its texts.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use super::lexicon::{self, Kind, Match, Token};

/// Bumped whenever what `extract` computes changes.
pub const FEATURES_VERSION: u32 = 1;

/// A word this long or longer also counts by its first
/// [`PREFIX_CHARS`] characters (shared by inflections, and by related
/// languages: "cooperativa", "cooperative", "cooperatives").
const PREFIX_MIN: usize = 7;
const PREFIX_CHARS: usize = 6;

/// The first words (title and lead) also count apart: they say what kind
/// of text it is (an event, a call, a definition).
const HEAD_WORDS: usize = 40;

/// Bits of an n-gram's hash kept in the corpus. Models fold them further.
pub const GRAM_BITS: u32 = 24;

/// The features of one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextFeatures {
    /// Hashed n-grams ([`GRAM_BITS`] bits) and their counts, by hash.
    pub grams: Vec<(u32, u32)>,
    /// Named features, each about 0..1.
    pub named: BTreeMap<String, f32>,
}

/// What the lexicon and the other stages found, as [`super::classify_with`]
/// computed it.
pub(super) struct Found<'a> {
    pub title: &'a str,
    /// The title and the body, as the tokens index them.
    pub doc: &'a str,
    /// The title's and the body's tokens (title first).
    pub tokens: &'a [Token],
    pub matches: &'a [Match],
    /// The old rule score (the lexicon's `logistic(...)`), 0..1.
    pub rule_score: f64,
    pub sse: f64,
    pub practice: f64,
    pub negative: f64,
    pub places: usize,
    pub organizations: usize,
    pub kinds: usize,
    pub year: bool,
}

/// Calls `f` on each n-gram of the text, as its key: a namespace (`w:`
/// word, `h:` word of the lead, `p:` prefix, `k:` Korean syllable pair,
/// `b:` word pair, `t:` title word) and the words. `title_len` is the
/// title's length at the start of the tokens' text.
fn each_gram(tokens: &[Token], title_len: usize, mut f: impl FnMut(&str)) {
    let mut key = String::with_capacity(32);
    let mut prev: Option<&str> = None;
    for (at, tok) in tokens.iter().enumerate() {
        if tok.start {
            prev = None;
        }
        let word = if is_number(&tok.folded) {
            "#"
        } else {
            tok.folded.as_str()
        };
        let hangul = word.chars().any(lexicon::is_hangul);
        if word.len() >= PREFIX_MIN && !hangul {
            if let Some((cut, _)) = word.char_indices().nth(PREFIX_CHARS) {
                key.clear();
                key.push_str("p:");
                key.push_str(&word[..cut]);
                key.push('*');
                f(&key);
            }
        }
        key.clear();
        key.push_str("w:");
        key.push_str(word);
        f(&key);
        if at < HEAD_WORDS {
            key.replace_range(..1, "h");
            f(&key);
        }
        if hangul {
            let chars: Vec<char> = word.chars().collect();
            for pair in chars.windows(2) {
                key.clear();
                key.push_str("k:");
                key.extend(pair);
                f(&key);
            }
        }
        if let Some(p) = prev {
            key.clear();
            key.push_str("b:");
            key.push_str(p);
            key.push(' ');
            key.push_str(word);
            f(&key);
        }
        prev = Some(word);
    }
    for tok in tokens.iter().take_while(|t| t.end <= title_len) {
        key.clear();
        key.push_str("t:");
        key.push_str(&tok.folded);
        f(&key);
    }
}

fn is_number(folded: &str) -> bool {
    folded.bytes().all(|b| b.is_ascii_digit())
}

/// The words each of the `wanted` n-gram hashes stands for in this text
/// (to show a curator which words weighed).
pub(super) fn names_of(
    tokens: &[Token],
    title_len: usize,
    wanted: &std::collections::HashSet<u32>,
) -> HashMap<u32, String> {
    let mut out = HashMap::with_capacity(wanted.len());
    each_gram(tokens, title_len, |key| {
        let h = hash(key);
        if wanted.contains(&h) {
            out.entry(h).or_insert_with(|| key[2..].to_string());
        }
    });
    out
}

/// The features of a text.
pub(super) fn extract(found: &Found<'_>) -> TextFeatures {
    let mut counts: HashMap<u32, u32> = HashMap::with_capacity(found.tokens.len() * 3);
    each_gram(found.tokens, found.title.len(), |key| {
        *counts.entry(hash(key)).or_default() += 1;
    });
    let (mut figures, mut years, mut names_inside) = (0u32, 0u32, 0u32);
    for tok in found.tokens {
        if is_number(&tok.folded) {
            figures += 1;
            if tok.folded.len() == 4
                && (tok.folded.starts_with("19") || tok.folded.starts_with("20"))
            {
                years += 1;
            }
        } else if tok.capital && !tok.start {
            names_inside += 1;
        }
    }
    let mut grams: Vec<(u32, u32)> = counts.into_iter().collect();
    grams.sort_unstable();

    let mut named = BTreeMap::new();
    let mut set = |k: &str, v: f64| {
        if v != 0.0 {
            named.insert(k.to_string(), v as f32);
        }
    };
    let cap = |x: f64, at: f64| x.min(at) / at;
    set("lex:sse", cap(found.sse, 4.0));
    set("lex:practice", cap(found.practice, 4.0));
    set(
        "lex:sse_and_practice",
        (found.sse.min(4.0) * found.practice.min(4.0)).sqrt() / 4.0,
    );
    set("lex:negative", cap(found.negative, 3.0));
    set("rule:score", found.rule_score);
    for m in found.matches {
        if m.entry.kind == Kind::Negative {
            if let Some(c) = m.entry.concept {
                set(&format!("neg:{c}"), 1.0);
            }
        }
    }
    set("found:places", cap(found.places as f64, 3.0));
    set("found:organizations", cap(found.organizations as f64, 5.0));
    set("found:kinds", cap(found.kinds as f64, 3.0));
    set("found:year", if found.year { 1.0 } else { 0.0 });
    set("text:figures", cap(f64::from(figures), 12.0));
    let words = found.tokens.len() as f64;
    set("text:years", cap(f64::from(years), 5.0));
    set(
        "text:names",
        (f64::from(names_inside) / words.max(1.0) * 5.0).min(1.0),
    );
    let quotes = found
        .doc
        .chars()
        .filter(|c| matches!(c, '«' | '“' | '"' | '„' | '「'))
        .count();
    set("text:quotes", cap(quotes as f64, 6.0));
    set("text:length", ((1.0 + words).ln() / 8.0).min(1.0));
    set(
        "title:question",
        if found.title.contains('?') { 1.0 } else { 0.0 },
    );
    TextFeatures { grams, named }
}

/// FNV-1a (64 bits) folded to [`GRAM_BITS`] bits. Fixed forever: the
/// corpus stores these hashes.
pub fn hash(key: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ((h >> 32) ^ h) as u32 & ((1 << GRAM_BITS) - 1)
}

/// This featurization's name: [`FEATURES_VERSION`] and a hash of the data
/// files the features read (lexicons, gazetteer, organization words).
pub fn fingerprint() -> &'static str {
    static FP: LazyLock<String> = LazyLock::new(|| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in super::data_files() {
            for b in part.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("v{FEATURES_VERSION}-{h:016x}")
    });
    FP.as_str()
}
