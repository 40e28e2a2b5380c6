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
//! A phrase of the vocabulary the user typed in their own language
//! ("주택협동조합" is the phrase of five bigrams; a quoted "community land
//! trust") is matched through the same term, and scored as its phrase
//! query would be ([`PhraseAsTerm`]), so its ranking does not change.
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
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

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

/// The words (analyzed as the pair's fields analyze them) and the term of
/// `phrase` when it is one of the vocabulary's phrases in the pair
/// `suffix`: what a document's phrases fields hold wherever the phrase
/// query of those words matches in its title or text.
pub(crate) fn vocabulary_phrase(
    suffix: &'static str,
    phrase: &str,
) -> Option<(Vec<String>, String)> {
    let pair = vocabulary().by_pair.get(suffix)?;
    let tokens = tokens(suffix, phrase);
    let term = term_of(suffix, &tokens)?;
    let numbers = tokens
        .iter()
        .map(|(_, token)| pair.tokens.get(token).copied())
        .collect::<Option<Vec<u32>>>()?;
    let known = pair
        .starts
        .get(&numbers[0])?
        .iter()
        .any(|(rest, t)| *t == term && rest[..] == numbers[1..]);
    known.then(|| (tokens.into_iter().map(|(_, token)| token).collect(), term))
}

/// A phrase of the vocabulary in a title or text field, as the user typed
/// it: matched through its term in the phrases field beside it, which
/// holds it exactly where and as often as the phrase query of its words
/// matches (one posting list read instead of several intersected position
/// by position), and scored as tantivy's phrase query scores it (BM25 of
/// the phrase's count in the document, the field's length, and the sum of
/// its words' idf), so a ranking is the same either way.
#[derive(Clone, Debug)]
pub(crate) struct PhraseAsTerm {
    /// The phrase's words, in the title or text field.
    words: Vec<Term>,
    /// The phrase's term, in the phrases field of the same kind.
    term: Term,
}

impl PhraseAsTerm {
    /// The phrase of `words` (two or more, in order) in `field`, whose term
    /// `term` is in `phrases_field`.
    pub(crate) fn new(field: Field, words: &[String], phrases_field: Field, term: &str) -> Self {
        PhraseAsTerm {
            words: words
                .iter()
                .map(|word| Term::from_field_text(field, word))
                .collect(),
            term: Term::from_field_text(phrases_field, term),
        }
    }
}

impl Query for PhraseAsTerm {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PhraseAsTermWeight {
            field: self.words[0].field(),
            term: self.term.clone(),
            bm25,
        }))
    }

    /// The words, as a phrase query gives them (what snippets mark).
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            visitor(word, true);
        }
    }
}

struct PhraseAsTermWeight {
    field: Field,
    term: Term,
    bm25: Option<Bm25Weight>,
}

impl PhraseAsTermWeight {
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PhraseAsTermScorer>> {
        let postings = reader
            .inverted_index(self.term.field())?
            .read_postings(&self.term, IndexRecordOption::WithFreqs)?;
        let Some(postings) = postings else {
            return Ok(None);
        };
        let fieldnorms = match &self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(self.field)?,
            None => None,
        };
        Ok(Some(PhraseAsTermScorer {
            postings,
            fieldnorms: fieldnorms
                .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)),
            bm25: self.bm25.as_ref().map(|bm25| bm25.boost_by(boost)),
        }))
    }
}

impl Weight for PhraseAsTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.phrase_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let scorer = self.phrase_scorer(reader, 1.0)?;
        let Some(mut scorer) = scorer.filter(|scorer| scorer.postings.doc() <= doc) else {
            return Err(does_not_match(doc));
        };
        if scorer.seek(doc) != doc {
            return Err(does_not_match(doc));
        }
        let mut explanation = Explanation::new("a phrase of the vocabulary", scorer.score());
        if let Some(bm25) = &scorer.bm25 {
            let fieldnorm_id = scorer.fieldnorms.fieldnorm_id(doc);
            explanation.add_detail(bm25.explain(fieldnorm_id, scorer.postings.term_freq()));
        }
        Ok(explanation)
    }
}

fn does_not_match(doc: DocId) -> TantivyError {
    TantivyError::InvalidArgument(format!("document #({doc}) does not match"))
}

struct PhraseAsTermScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for PhraseAsTermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for PhraseAsTermScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => {
                let fieldnorm_id = self.fieldnorms.fieldnorm_id(self.postings.doc());
                bm25.score(fieldnorm_id, self.postings.term_freq())
            }
            None => 1.0,
        }
    }
}
