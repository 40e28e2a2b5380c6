//! The SSE vocabulary's phrases, found in each document when it is indexed.
//!
//! Cross-language expansion (see `expansion`) adds a concept's phrases in
//! the other languages to a query: "housing cooperative" is also searched
//! as "coopérative d'habitation", "cooperativa de vivienda", "주택협동조합"
//! (five Korean bigrams) … Asked as phrase queries, each is an intersection
//! of its words' postings checked position by position, and on an index of
//! SSE texts, where these words are everywhere, that was most of a broad
//! search's time. The vocabulary is known when a document is indexed, so
//! each of its phrases of two tokens or more that a document's title or
//! text holds is written there as one term, in `phrases_title` or
//! `phrases_text`, once per occurrence; expansion then asks for that term.
//!
//! A term is the pair's suffix and the phrase's tokens as the pair's
//! analyzer gives them (`fr:cooper_habit`), and a document holds it exactly
//! where the phrase query on its pair's field would match: the same
//! analyzer, the tokens at consecutive positions (a test compares the two
//! on every phrase). The fields' tokenizer is named after a fingerprint of
//! the terms, so a changed vocabulary or analyzer changes the schema, and
//! an index written with the old one is rebuilt from the store when opened
//! for writing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};

use super::{analyzers, expansion, schema};

/// The fields of the phrases found in a document's title and text.
pub(crate) const PHRASES_TITLE: &str = "phrases_title";
pub(crate) const PHRASES_TEXT: &str = "phrases_text";

/// The vocabulary's phrases of two tokens or more, per field pair.
struct Vocabulary {
    by_pair: HashMap<&'static str, Pair>,
    /// A fingerprint of every term, in the tokenizer's name.
    fingerprint: u64,
}

/// One field pair's phrases, their tokens numbered.
#[derive(Default)]
struct Pair {
    /// Each token of a phrase and its number.
    tokens: HashMap<String, u32>,
    /// Per first token's number: the other tokens' numbers and the term.
    starts: HashMap<u32, Vec<(Vec<u32>, String)>>,
}

/// A token in no phrase.
const OUTSIDE: u32 = u32::MAX;

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut by_pair: HashMap<&'static str, Pair> = HashMap::new();
        let mut terms = Vec::new();
        for concept in &expansion::concepts().concepts {
            for phrase in &concept.phrases {
                let suffix = analyzers::suffix_for(Some(&phrase.lang));
                let tokens = tokens(suffix, &phrase.text);
                let Some(term) = term_of(suffix, &tokens) else {
                    continue;
                };
                let pair = by_pair.entry(suffix).or_default();
                let numbers: Vec<u32> = tokens
                    .into_iter()
                    .map(|(_, token)| {
                        let next = pair.tokens.len() as u32;
                        *pair.tokens.entry(token).or_insert(next)
                    })
                    .collect();
                let list = pair.starts.entry(numbers[0]).or_default();
                if list.iter().all(|(_, t)| *t != term) {
                    list.push((numbers[1..].to_vec(), term.clone()));
                    terms.push(term);
                }
            }
        }
        terms.sort();
        let fingerprint = schema::fnv1a(terms.iter().flat_map(|t| t.bytes().chain([0])));
        Vocabulary {
            by_pair,
            fingerprint,
        }
    })
}

/// The name of the phrases fields' tokenizer, as stored in the schema:
/// it changes with the vocabulary's terms.
pub(crate) fn tokenizer_name() -> String {
    format!("veille_phrases_{:016x}", vocabulary().fingerprint)
}

/// The phrases fields' tokenizer: the terms are written separated by
/// spaces (a token of the analyzers holds letters and digits only).
pub(crate) fn tokenizer() -> TextAnalyzer {
    TextAnalyzer::builder(WhitespaceTokenizer::default()).build()
}

/// The term of a phrase in a pair's fields, when the pair's analyzer makes
/// it two tokens or more at consecutive positions (a phrase of one token
/// is searched as that token).
pub(crate) fn term(suffix: &'static str, phrase: &str) -> Option<String> {
    term_of(suffix, &tokens(suffix, phrase))
}

fn term_of(suffix: &str, tokens: &[(usize, String)]) -> Option<String> {
    let consecutive = tokens.windows(2).all(|w| w[1].0 == w[0].0 + 1);
    (tokens.len() >= 2 && consecutive).then(|| {
        let words: Vec<&str> = tokens.iter().map(|(_, t)| t.as_str()).collect();
        format!("{suffix}:{}", words.join("_"))
    })
}

/// The field pair of a phrase's term (`fr:cooper_habit` → `fr`).
pub(crate) fn pair_of_term(term: &str) -> Option<&str> {
    term.split_once(':').map(|(suffix, _)| suffix)
}

/// The terms of the vocabulary's phrases in a text of the pair `suffix`,
/// one per occurrence, separated by spaces.
///
/// The text is analyzed as its field is, the stemmer apart: each distinct
/// word is stemmed once per thread (a cache of the words met and the
/// number of their stem's token in the vocabulary), which makes this a
/// fraction of the field's own analysis.
pub(crate) fn found(suffix: &str, text: &str) -> String {
    /// Words cached per thread and pair, at most (then forgotten).
    const CACHED_WORDS: usize = 200_000;
    struct Analysis {
        unstemmed: TextAnalyzer,
        stemmer: Option<TextAnalyzer>,
        numbers: FxHashMap<String, u32>,
    }
    thread_local! {
        static ANALYSES: RefCell<HashMap<&'static str, Analysis>> = RefCell::new(HashMap::new());
    }
    let Some((suffix, pair)) = vocabulary().by_pair.get_key_value(suffix) else {
        return String::new();
    };
    ANALYSES.with(|analyses| {
        let mut analyses = analyses.borrow_mut();
        let analysis = analyses.entry(suffix).or_insert_with(|| {
            let (unstemmed, stemmer) = analyzers::analyzer_in_two(suffix);
            Analysis {
                unstemmed,
                stemmer,
                numbers: FxHashMap::default(),
            }
        });
        if analysis.numbers.len() > CACHED_WORDS {
            analysis.numbers.clear();
        }
        // The number of the token at each position (OUTSIDE where no
        // phrase has it, or where the analyzer left a gap).
        let mut at: Vec<u32> = Vec::new();
        let mut stream = analysis.unstemmed.token_stream(text);
        while let Some(token) = stream.next() {
            let number = match analysis.numbers.get(&token.text) {
                Some(&number) => number,
                None => {
                    let number = match &mut analysis.stemmer {
                        Some(stemmer) => {
                            let mut stemmed = stemmer.token_stream(&token.text);
                            let stem = stemmed.next().map(|t| t.text.as_str()).unwrap_or("");
                            pair.tokens.get(stem).copied()
                        }
                        None => pair.tokens.get(&token.text).copied(),
                    };
                    let number = number.unwrap_or(OUTSIDE);
                    analysis.numbers.insert(token.text.clone(), number);
                    number
                }
            };
            if at.len() <= token.position {
                at.resize(token.position + 1, OUTSIDE);
            }
            at[token.position] = number;
        }
        let mut found = String::new();
        for (position, number) in at.iter().enumerate() {
            let Some(candidates) = pair.starts.get(number) else {
                continue;
            };
            for (rest, term) in candidates {
                let follows = rest
                    .iter()
                    .enumerate()
                    .all(|(i, n)| at.get(position + 1 + i) == Some(n));
                if follows {
                    if !found.is_empty() {
                        found.push(' ');
                    }
                    found.push_str(term);
                }
            }
        }
        found
    })
}

/// A text's tokens and their positions, as the pair's analyzer gives them.
fn tokens(suffix: &'static str, text: &str) -> Vec<(usize, String)> {
    thread_local! {
        static ANALYZERS: RefCell<HashMap<&'static str, TextAnalyzer>> = RefCell::new(HashMap::new());
    }
    ANALYZERS.with(|analyzers| {
        let mut analyzers = analyzers.borrow_mut();
        let analyzer = analyzers
            .entry(suffix)
            .or_insert_with(|| analyzers::analyzer(suffix));
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push((token.position, token.text.clone()));
        }
        tokens
    })
}
