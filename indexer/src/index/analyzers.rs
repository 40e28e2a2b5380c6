//! Text analysis per language: which title/text field pair an item's text
//! goes to, and the analyzer of each. Every analyzer is registered here and
//! nowhere else.
//!
//! A language tantivy can stem gets its own field pair (`title_fr`,
//! `text_fr` …) analyzed with `SimpleTokenizer` → `RemoveLongFilter` →
//! `LowerCaser` → `AsciiFoldingFilter` → `Stemmer`. Folding comes before
//! stemming, so that "economia" and "economía" reach the stemmer as the same
//! word. Korean gets its own pair (`title_ko`, `text_ko`) without a stemmer;
//! every other language (and an unknown one) goes to `title_other` /
//! `text_other`, analyzed the same way without the stemmer.
//!
//! Every analyzer starts with the [`CjkBigramTokenizer`]: words as
//! `SimpleTokenizer` cuts them, except that a run of Hangul (or Han, Hiragana,
//! Katakana) becomes its overlapping bigrams, as Lucene's CJK analyzer does
//! ("주택협동조합은" → 주택 택협 협동 동조 조합 합은), so that a Korean word
//! inside a longer eojeol is found: the query "협동조합" is the phrase
//! 협동 동조 조합. No Korean morphological analyzer builds from crates alone
//! (lindera's ko-dic downloads its dictionary at build time); BENCHMARKS.md
//! has the figures on Korean SSE sentences that chose bigrams.
//!
//! The analyzer names carry [`ANALYZER_VERSION`] and are stored in the
//! schema: changing an analyzer means bumping it, which makes an existing
//! index report a schema mismatch (fix: `veille reindex`) instead of silently
//! mixing two analyses.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    TextAnalyzer, TextAnalyzerBuilder, Tokenizer, TokenizerManager,
};

pub(crate) use super::cjk::CjkBigramTokenizer;

/// Bump when any analyzer below changes. 2: CJK bigrams, a Korean pair.
pub(crate) const ANALYZER_VERSION: u32 = 2;

/// Tokens longer than this many bytes (base64 blobs, glued URLs) are dropped.
const MAX_TOKEN_BYTES: usize = 64;

/// The languages with a stemmed field pair: ISO 639-1 code (also the field
/// suffix) and tantivy's stemmer.
pub(crate) const STEMMED: &[(&str, Language)] = &[
    ("ar", Language::Arabic),
    ("da", Language::Danish),
    ("de", Language::German),
    ("el", Language::Greek),
    ("en", Language::English),
    ("es", Language::Spanish),
    ("fi", Language::Finnish),
    ("fr", Language::French),
    ("hu", Language::Hungarian),
    ("it", Language::Italian),
    ("nl", Language::Dutch),
    ("no", Language::Norwegian),
    ("pt", Language::Portuguese),
    ("ro", Language::Romanian),
    ("ru", Language::Russian),
    ("sv", Language::Swedish),
    ("ta", Language::Tamil),
    ("tr", Language::Turkish),
];

/// The languages with a field pair of their own but no stemmer.
pub(crate) const UNSTEMMED: &[&str] = &["ko"];

/// The suffix of the field pair for text in no language above.
pub(crate) const OTHER: &str = "other";

/// Every field-pair suffix: the stemmed languages, the unstemmed ones, then
/// [`OTHER`].
pub(crate) fn suffixes() -> impl Iterator<Item = &'static str> {
    STEMMED
        .iter()
        .map(|(code, _)| *code)
        .chain(UNSTEMMED.iter().copied())
        .chain([OTHER])
}

/// Languages whose items share another code's field pair: Bokmål and
/// Nynorsk, tantivy's Norwegian stemmer.
const SHARING: &[(&str, &str)] = &[("nb", "no"), ("nn", "no")];

/// Whether the field pair `suffix` holds the documents of one language
/// only, the language of that code: not [`OTHER`]'s, nor one that
/// [`SHARING`] languages also go to.
pub(crate) fn one_language(suffix: &str) -> bool {
    suffix != OTHER && SHARING.iter().all(|(_, pair)| *pair != suffix)
}

/// The field-pair suffix for an item's language (`Some("fr-CA")` → `fr`,
/// `Some("ko")` → `ko`, `Some("nb")` → `no`, `Some("eu")` or `None` →
/// `other`).
pub(crate) fn suffix_for(lang: Option<&str>) -> &'static str {
    let Some(lang) = lang else { return OTHER };
    let primary = lang.split(['-', '_']).next().unwrap_or("");
    let primary = SHARING
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(primary))
        .map_or(primary, |(_, pair)| *pair);
    STEMMED
        .iter()
        .map(|(code, _)| *code)
        .chain(UNSTEMMED.iter().copied())
        .find(|code| code.eq_ignore_ascii_case(primary))
        .unwrap_or(OTHER)
}

/// The name of the analyzer of a field pair, as stored in the schema.
pub(crate) fn analyzer_name(suffix: &str) -> String {
    format!("veille_{suffix}_v{ANALYZER_VERSION}")
}

/// The analyzer of a field pair.
pub(crate) fn analyzer(suffix: &str) -> TextAnalyzer {
    match stemmer_of(suffix) {
        Some(language) => unstemmed().filter(Stemmer::new(language)).build(),
        None => unstemmed().build(),
    }
}

/// A field pair's analyzer in two steps: all but the stemmer, and the
/// stemmer alone on one word (`None` for a pair without one). A word's
/// stem is then looked up once per distinct word, not per occurrence.
pub(crate) fn analyzer_in_two(suffix: &str) -> (TextAnalyzer, Option<TextAnalyzer>) {
    let stemmer = stemmer_of(suffix).map(|language| {
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(language))
            .build()
    });
    (unstemmed().build(), stemmer)
}

/// Every analyzer's steps before the stemmer.
fn unstemmed() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(CjkBigramTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// The stemmer's language of a field pair, if it has one.
fn stemmer_of(suffix: &str) -> Option<Language> {
    STEMMED
        .iter()
        .find(|(code, _)| *code == suffix)
        .map(|(_, language)| *language)
}

/// Registers every analyzer on an index's tokenizer manager. Must be called
/// on every index opened or created: tantivy does not persist analyzers.
pub(crate) fn register(tokenizers: &TokenizerManager) {
    for suffix in suffixes() {
        tokenizers.register(&analyzer_name(suffix), analyzer(suffix));
    }
    tokenizers.register(
        &super::phrases::tokenizer_name(),
        super::phrases::tokenizer(),
    );
}
