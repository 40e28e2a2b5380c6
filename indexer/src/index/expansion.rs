//! Cross-language query expansion: a phrase of the user's query that names
//! an SSE concept ("housing cooperative") is also searched as the concept's
//! phrases in the other languages ("coopérative d'habitation", "cooperativa
//! de vivienda", "주택협동조합" …), each in its own language's fields and
//! boosted by [`EXPANSION_BOOST`] (< 1), so that what the user typed ranks
//! first.
//!
//! The vocabulary is `indexer/data/concepts.tsv` (one concept a row, its
//! phrases per language) plus the ESSGlobal theme labels of
//! `indexer/data/themes.tsv` (a theme's labels in en, es, fr, pt are one
//! concept). Phrases match the query on whole words, case- and
//! accent-insensitively, with a final plural `s` ignored on each word
//! ("cooperativas de vivienda"); a Korean phrase also matches the start of
//! an eojeol ("주택협동조합을"). Words the user quoted, prefixed by a field,
//! excluded (`-`), or joined by `OR` are taken as typed: only runs of plain
//! required words (and a quoted phrase as a whole) are expanded.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

use super::{analyzers, phrases};

/// The weight of an added phrase, relative to the words typed.
pub const EXPANSION_BOOST: f64 = 0.25;

const CONCEPTS_TSV: &str = include_str!("../../data/concepts.tsv");
const THEMES_TSV: &str = include_str!("../../data/themes.tsv");

/// Which terms were added: each expanded phrase of the query (as typed) →
/// the phrases added for it.
pub type Expansion = BTreeMap<String, Vec<String>>;

/// How an added phrase of several tokens is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Added {
    /// As the term the index wrote where a document holds it (see
    /// `phrases`): what a search asks.
    Terms,
    /// As a phrase of its words in its language's fields: what marks the
    /// words in a snippet.
    Words,
}

/// One phrase of a concept in one language.
#[derive(Debug)]
pub(crate) struct Phrase {
    pub(crate) text: String,
    /// ISO 639-1.
    pub(crate) lang: String,
    /// Normalized words (see [`normalize`]).
    pub(crate) words: Vec<String>,
}

/// A concept: its phrases in every language.
#[derive(Debug)]
pub(crate) struct Concept {
    pub(crate) phrases: Vec<Phrase>,
}

/// The vocabulary, indexed for matching.
#[derive(Debug)]
pub(crate) struct Concepts {
    pub(crate) concepts: Vec<Concept>,
    /// Normalized words of a phrase → the concepts that have it.
    by_words: HashMap<Vec<String>, Vec<usize>>,
    /// First normalized word → the distinct word sequences starting with it,
    /// longest first.
    by_first: HashMap<String, Vec<Vec<String>>>,
}

/// The shipped vocabulary, parsed once. A malformed line of a data file is
/// a build mistake caught by the tests; it is skipped here.
pub(crate) fn concepts() -> &'static Concepts {
    static CONCEPTS: OnceLock<Concepts> = OnceLock::new();
    CONCEPTS.get_or_init(|| {
        let mut concepts = parse_concepts(CONCEPTS_TSV).unwrap_or_default();
        concepts.extend(parse_themes(THEMES_TSV).unwrap_or_default());
        Concepts::new(concepts)
    })
}

/// Parses `concepts.tsv`: a header `id<TAB>lang…`, then one concept a row
/// with `|`-separated phrases per language. Errors name the line.
pub(crate) fn parse_concepts(tsv: &str) -> Result<Vec<Concept>, String> {
    let mut langs: Option<Vec<String>> = None;
    let mut concepts = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(langs) = &langs else {
            if cells.first() != Some(&"id") || cells.len() < 3 {
                return Err(format!(
                    "concepts.tsv line {line_no}: the header must be id<TAB>lang<TAB>lang…"
                ));
            }
            langs = Some(cells[1..].iter().map(|c| c.trim().to_string()).collect());
            continue;
        };
        if cells.len() != langs.len() + 1 {
            return Err(format!(
                "concepts.tsv line {line_no}: {} cells, the header has {}",
                cells.len(),
                langs.len() + 1
            ));
        }
        let mut phrases = Vec::new();
        for (lang, cell) in langs.iter().zip(&cells[1..]) {
            for text in cell.split('|').map(str::trim).filter(|t| !t.is_empty()) {
                phrases.push(Phrase {
                    text: text.to_string(),
                    lang: lang.clone(),
                    words: normalize(text),
                });
            }
        }
        if phrases
            .iter()
            .map(|p| &p.lang)
            .collect::<HashSet<_>>()
            .len()
            < 2
        {
            return Err(format!(
                "concepts.tsv line {line_no}: concept {:?} needs phrases in two languages at least",
                cells[0]
            ));
        }
        concepts.push(Concept { phrases });
    }
    Ok(concepts)
}

/// Parses `themes.tsv` (`id, short_en, en, es, fr, pt`) into one concept per
/// theme.
pub(crate) fn parse_themes(tsv: &str) -> Result<Vec<Concept>, String> {
    const LANGS: [&str; 5] = ["en", "en", "es", "fr", "pt"];
    let mut concepts = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("id\t") {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != 6 {
            return Err(format!(
                "themes.tsv line {}: {} cells, expected 6",
                n + 1,
                cells.len()
            ));
        }
        let phrases = LANGS
            .iter()
            .zip(&cells[1..])
            .map(|(lang, text)| Phrase {
                text: text.trim().to_string(),
                lang: lang.to_string(),
                words: normalize(text),
            })
            .collect();
        concepts.push(Concept { phrases });
    }
    Ok(concepts)
}

impl Concepts {
    pub(crate) fn new(concepts: Vec<Concept>) -> Concepts {
        let mut by_words: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
        for (i, concept) in concepts.iter().enumerate() {
            for phrase in &concept.phrases {
                if phrase.words.is_empty() {
                    continue;
                }
                let ids = by_words.entry(phrase.words.clone()).or_default();
                if !ids.contains(&i) {
                    ids.push(i);
                }
            }
        }
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for words in by_words.keys() {
            by_first
                .entry(words[0].clone())
                .or_default()
                .push(words.clone());
        }
        for candidates in by_first.values_mut() {
            candidates.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        }
        Concepts {
            concepts,
            by_words,
            by_first,
        }
    }

    /// Rewrites a parsed user query with the expansions, and records them.
    pub(crate) fn expand(
        &self,
        ast: UserInputAst,
        added: &mut Expansion,
        how: Added,
    ) -> UserInputAst {
        match ast {
            UserInputAst::Clause(children) => {
                UserInputAst::Clause(self.expand_run(children, added, how))
            }
            UserInputAst::Boost(sub, boost) => {
                UserInputAst::Boost(Box::new(self.expand(*sub, added, how)), boost)
            }
            leaf @ UserInputAst::Leaf(_) => {
                let mut children = self.expand_run(vec![(None, leaf)], added, how);
                match children.pop() {
                    Some((None, only)) if children.is_empty() => only,
                    Some(last) => {
                        children.push(last);
                        UserInputAst::Clause(children)
                    }
                    None => UserInputAst::Clause(children),
                }
            }
        }
    }

    /// Expands the phrases found in the children of one clause.
    fn expand_run(
        &self,
        children: Vec<(Option<Occur>, UserInputAst)>,
        added: &mut Expansion,
        how: Added,
    ) -> Vec<(Option<Occur>, UserInputAst)> {
        let words: Vec<Option<Plain>> = children.iter().map(plain).collect();
        let mut out = Vec::with_capacity(children.len());
        let mut children = children.into_iter().map(Some).collect::<Vec<_>>();
        let mut i = 0;
        while i < children.len() {
            let Some((end, concept_ids, matched)) = self.match_at(&words, i) else {
                let (occur, ast) = children[i].take().expect("each child is taken once");
                let ast = match ast {
                    leaf @ UserInputAst::Leaf(_) => leaf,
                    other => self.expand(other, added, how),
                };
                out.push((occur, ast));
                i += 1;
                continue;
            };
            let run: Vec<(Option<Occur>, UserInputAst)> = children[i..=end]
                .iter_mut()
                .map(|c| c.take().expect("each child is taken once"))
                .collect();
            let occur = run[0].0;
            let typed = words[i..=end]
                .iter()
                .flatten()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let original = if run.len() == 1 {
                run.into_iter()
                    .next()
                    .map(|(_, ast)| ast)
                    .expect("a run is never empty")
            } else {
                UserInputAst::Clause(run.into_iter().map(|(_, ast)| (None, ast)).collect())
            };
            let (alternatives, texts) = self.alternatives(&concept_ids, &matched, how);
            if alternatives.is_empty() {
                out.push((occur, original));
            } else {
                let list = added.entry(typed).or_default();
                for text in texts {
                    if !list.contains(&text) {
                        list.push(text);
                    }
                }
                out.push((
                    occur,
                    UserInputAst::Clause(vec![
                        (Some(Occur::Should), original),
                        (
                            Some(Occur::Should),
                            UserInputAst::Boost(
                                Box::new(UserInputAst::Clause(alternatives)),
                                EXPANSION_BOOST,
                            ),
                        ),
                    ]),
                ));
            }
            i = end + 1;
        }
        out
    }

    /// The longest phrase starting at child `start`: the last child it
    /// covers, the concepts it names, and its normalized words.
    fn match_at(
        &self,
        children: &[Option<Plain>],
        start: usize,
    ) -> Option<(usize, Vec<usize>, Vec<String>)> {
        let first = children[start].as_ref()?;
        let first_word = first.words.first()?;
        if let Some(candidates) = self.by_first.get(first_word) {
            for candidate in candidates {
                if let Some(end) = covers(children, start, candidate) {
                    return Some((end, self.by_words[candidate].clone(), candidate.clone()));
                }
            }
        }
        // A Korean word: the longest phrase the eojeol starts with
        // (particles follow the noun: 주택협동조합을).
        if first.words.len() == 1 && first_word.chars().any(super::cjk::is_cjk) {
            let ends: Vec<usize> = first_word.char_indices().map(|(i, _)| i).skip(2).collect();
            for end in ends.into_iter().rev() {
                let prefix = vec![first_word[..end].to_string()];
                if let Some(ids) = self.by_words.get(&prefix) {
                    return Some((start, ids.clone(), prefix));
                }
            }
        }
        None
    }

    /// The leaves searching every other phrase of `concept_ids` in its
    /// language's fields, and the phrases' texts.
    fn alternatives(
        &self,
        concept_ids: &[usize],
        matched: &[String],
        how: Added,
    ) -> (Vec<(Option<Occur>, UserInputAst)>, Vec<String>) {
        let mut leaves = Vec::new();
        let mut texts = Vec::new();
        let mut seen: HashSet<(&str, &[String])> = HashSet::new();
        for &id in concept_ids {
            for phrase in &self.concepts[id].phrases {
                if phrase.words.is_empty() || phrase.words == matched {
                    continue;
                }
                let suffix = analyzers::suffix_for(Some(&phrase.lang));
                if !seen.insert((suffix, &phrase.words)) {
                    continue;
                }
                if !texts.contains(&phrase.text) {
                    texts.push(phrase.text.clone());
                }
                // A phrase of several tokens is the term the index wrote
                // where the document holds it (see `phrases`).
                let term = match how {
                    Added::Terms => phrases::term(suffix, &phrase.text),
                    Added::Words => None,
                };
                let fields = [
                    ("title", phrases::PHRASES_TITLE),
                    ("text", phrases::PHRASES_TEXT),
                ];
                for (prefix, phrases_field) in fields {
                    let literal = match &term {
                        Some(term) => UserInputLiteral {
                            field_name: Some(phrases_field.to_string()),
                            phrase: term.clone(),
                            delimiter: Delimiter::None,
                            slop: 0,
                            prefix: false,
                        },
                        None => UserInputLiteral {
                            field_name: Some(format!("{prefix}_{suffix}")),
                            phrase: phrase.text.clone(),
                            delimiter: Delimiter::DoubleQuotes,
                            slop: 0,
                            prefix: false,
                        },
                    };
                    leaves.push((
                        Some(Occur::Should),
                        UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal))),
                    ));
                }
            }
        }
        (leaves, texts)
    }
}

/// A child of a clause that may be part of an expanded phrase: a plain
/// required word or a quoted phrase, on no field.
struct Plain {
    text: String,
    words: Vec<String>,
    quoted: bool,
    occur: Option<Occur>,
}

fn plain((occur, ast): &(Option<Occur>, UserInputAst)) -> Option<Plain> {
    if !matches!(occur, None | Some(Occur::Must)) {
        return None;
    }
    let UserInputAst::Leaf(leaf) = ast else {
        return None;
    };
    let UserInputLeaf::Literal(literal) = &**leaf else {
        return None;
    };
    if literal.field_name.is_some() || literal.prefix || literal.slop > 0 {
        return None;
    }
    let words = normalize(&literal.phrase);
    if words.is_empty() {
        return None;
    }
    Some(Plain {
        text: literal.phrase.clone(),
        words,
        quoted: literal.delimiter != Delimiter::None,
        occur: *occur,
    })
}

/// The last child covered when `phrase` starts at child `start` and ends at
/// a child's end; a quoted child is matched only whole and alone.
fn covers(children: &[Option<Plain>], start: usize, phrase: &[String]) -> Option<usize> {
    let occur = children[start].as_ref()?.occur;
    let mut at = 0;
    for (i, child) in children.iter().enumerate().skip(start) {
        let child = child.as_ref()?;
        if child.occur != occur || (child.quoted && i != start) {
            return None;
        }
        let rest = &phrase[at..];
        if child.words.len() > rest.len() || rest[..child.words.len()] != child.words[..] {
            return None;
        }
        if child.quoted && child.words.len() != phrase.len() {
            return None;
        }
        at += child.words.len();
        if at == phrase.len() {
            return Some(i);
        }
    }
    None
}

/// The words of a phrase as matching compares them: lowercase, accents
/// folded, a final plural `s` dropped from words of four letters or more.
pub(crate) fn normalize(text: &str) -> Vec<String> {
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        words.push(singular(&token.text));
    }
    words
}

fn singular(word: &str) -> String {
    if word.is_ascii() && word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}
