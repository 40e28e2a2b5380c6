//! From a search request to a tantivy query: the user's query string (parsed
//! leniently, with `title:` / `text:` expanded to every language's field, and
//! SSE concepts expanded to the other languages unless the request says
//! `expand: false`, see `expansion`) and the filters.
//!
//! A query string that cannot be understood is the user's error, reported as
//! [`IndexError::BadQuery`] with what is wrong; it never panics.

use std::ops::Bound;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, QueryParser,
    QueryParserError, RangeQuery, TermQuery,
};
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Term};

use super::analyzers;
use super::expansion::{self, Added, Expansion};
use super::phrases::{self, PhraseAsTerm};
use super::schema::{self, Fields, TextPair};
use super::stats_cache::Bounded;
use super::IndexError;
use crate::search::SearchRequest;

/// How much more a word in the title weighs than one in the text.
const TITLE_BOOST: f32 = 2.0;

/// The fields a user may name in a query, for error messages.
const SEARCHABLE_NAMES: &str = "title, text, lang, country, theme, source, status, published";

/// The query parsers: one over every language's title and text fields,
/// and one per language's field pair; and the query strings parsed lately.
pub(crate) struct Parsers {
    all: QueryParser,
    /// Each pair's suffix, fields and parser.
    pairs: Vec<(&'static str, TextPair, QueryParser)>,
    /// The fields of the vocabulary's phrases.
    phrases: TextPair,
    /// A query string parses to the same query whatever the index holds, so
    /// a search asked again (another page, another analyst, the same
    /// search every few seconds from a dashboard) does not parse it again.
    parsed: Mutex<Bounded<ParseKey, Arc<Parsed>, PARSED>>,
}

/// What a parsed query string is kept by: the string, whether it is
/// expanded, and the one field pair a language filter leaves.
type ParseKey = (String, bool, Option<&'static str>);

/// How many parsed query strings are kept (with and without expansion).
const PARSED: usize = 256;

/// A user's query string, parsed.
pub(crate) struct Parsed {
    /// What a search of it asks; `None` when blank.
    user: Option<Box<dyn Query>>,
    /// The terms expansion added.
    expansion: Expansion,
    /// The same with the added phrases as words, whose terms a snippet
    /// marks (`None`: those of `user`).
    words: Option<Box<dyn Query>>,
    /// Whether `user` was asked in one field pair only (see
    /// [`build_ast`]).
    in_pair: bool,
}

/// Builds the query parsers (see [`Parsers`]).
pub(crate) fn parser(index: &tantivy::Index, fields: &Fields) -> Parsers {
    let (titles, texts) = fields.searchable();
    let parser_of = |titles: &[Field], texts: &[Field]| {
        let mut parser =
            QueryParser::for_index(index, titles.iter().chain(texts).copied().collect());
        parser.set_conjunction_by_default();
        for title in titles.iter().chain([&fields.phrases.title]) {
            parser.set_field_boost(*title, TITLE_BOOST);
        }
        parser
    };
    Parsers {
        parsed: Mutex::default(),
        all: parser_of(&titles, &texts),
        pairs: analyzers::suffixes()
            .map(|suffix| {
                let pair = fields.pairs[suffix];
                (suffix, pair, parser_of(&[pair.title], &[pair.text]))
            })
            .collect(),
        phrases: fields.phrases,
    }
}

/// A request's query, built.
pub(crate) struct Built {
    parsed: Arc<Parsed>,
    /// The user's query (or every document) and the filters, all
    /// required, when there are filters.
    filtered: Option<Box<dyn Query>>,
}

impl Built {
    /// The user's query (or every document) and every filter.
    pub(crate) fn query(&self) -> &dyn Query {
        match (&self.filtered, &self.parsed.user) {
            (Some(filtered), _) => &**filtered,
            (None, Some(user)) => &**user,
            (None, None) => &AllQuery,
        }
    }

    /// Whether the user typed a query (which decides the relevance sort
    /// and the snippets).
    pub(crate) fn has_text_query(&self) -> bool {
        self.parsed.user.is_some()
    }

    /// The terms expansion added.
    pub(crate) fn expansion(&self) -> &Expansion {
        &self.parsed.expansion
    }

    /// The query whose terms a snippet marks: the user's, with the phrases
    /// expansion added as words.
    pub(crate) fn marked(&self) -> &dyn Query {
        match &self.parsed.words {
            Some(words) => &**words,
            None => self.query(),
        }
    }
}

impl Parsers {
    /// How many parsed query strings are kept.
    #[cfg(test)]
    pub(crate) fn kept(&self) -> usize {
        self.parsed.lock().map_or(0, |recent| recent.values.len())
    }

    /// The user's query string parsed, expanded when `expand`, asked only
    /// in the field pair `pair` when given (see [`build_ast`]): from the
    /// recent ones, or parsed now (an error is not kept).
    fn parsed(
        &self,
        q: &str,
        expand: bool,
        pair: Option<&'static str>,
    ) -> Result<Arc<Parsed>, IndexError> {
        let key = (q.to_string(), expand, pair);
        let recent = || self.parsed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(parsed) = recent().values.get(&key) {
            return Ok(parsed.clone());
        }
        // The string is parsed once, and expanded for the search and, when
        // expansion added phrases, for the snippets.
        let ast = user_ast(q)?;
        let mut expansion = Expansion::new();
        let expanded = |ast: UserInputAst, added: &mut Expansion, how| match expand {
            true => expansion::concepts().expand(ast, added, how),
            false => ast,
        };
        let searched = ast
            .clone()
            .map(|ast| expanded(ast, &mut expansion, Added::Terms));
        let in_pair = pair.is_some() && searched.as_ref().is_some_and(per_pair);
        let user = match searched {
            Some(ast) => Some(build_ast(self, q, ast, pair)?),
            None => None,
        };
        let words = match (ast, expansion.is_empty()) {
            (Some(ast), false) => Some(build_ast(
                self,
                q,
                expanded(ast, &mut Expansion::new(), Added::Words),
                pair,
            )?),
            _ => None,
        };
        let parsed = Arc::new(Parsed {
            user,
            expansion,
            words,
            in_pair,
        });
        recent().put(key, parsed.clone());
        Ok(parsed)
    }
}

/// The whole query of a request (see [`Built`]).
pub(crate) fn build(
    parser: &Parsers,
    fields: &Fields,
    req: &SearchRequest,
) -> Result<Built, IndexError> {
    // Every document of a language has its words in that language's field
    // pair only: a language filter leaves one pair to search.
    let lang = non_blank(&req.lang).map(schema::normalize_lang);
    let pair = lang
        .as_deref()
        .map(|lang| analyzers::suffix_for(Some(lang)));
    let parsed = parser.parsed(&req.q, req.expand, pair)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(user) = &parsed.user {
        clauses.push((Occur::Must, user.box_clone()));
    }
    let mut filter = |field: Field, value: String| {
        let term = Term::from_field_text(field, &value);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        // A filter narrows, it does not rank.
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(query), 0.0)),
        ));
    };
    if let Some(lang) = lang {
        // Asked in the pair that holds this language's documents and no
        // other's, the query finds them alone: the filter would only
        // intersect them with themselves.
        let implied =
            parsed.in_pair && pair.is_some_and(|p| p == lang && analyzers::one_language(p));
        if !implied {
            filter(fields.lang, lang);
        }
    }
    if let Some(country) = non_blank(&req.country) {
        filter(fields.country, schema::normalize_country(country));
    }
    if let Some(theme) = non_blank(&req.theme) {
        filter(fields.theme, theme.trim().to_string());
    }
    if let Some(source) = non_blank(&req.source) {
        filter(fields.source, source.trim().to_string());
    }
    if let Some(status) = req.status {
        filter(fields.status, status.as_str().to_string());
    }
    if req.from.is_some() || req.to.is_some() {
        if let (Some(from), Some(to)) = (req.from, req.to) {
            if from > to {
                return Err(IndexError::BadQuery(format!(
                    "the date range is empty: from {} is after to {}",
                    from.to_rfc3339(),
                    to.to_rfc3339()
                )));
            }
        }
        let bound = |d: Option<DateTime<FixedOffset>>| match d {
            Some(d) => Bound::Included(Term::from_field_date_for_search(
                fields.published,
                schema::index_date(d.timestamp()),
            )),
            None => Bound::Unbounded,
        };
        let range = RangeQuery::new(bound(req.from), bound(req.to));
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
        ));
    }
    let filtered = match clauses.len() {
        0 => None,
        1 if parsed.user.is_some() => None,
        _ => Some(Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>),
    };
    Ok(Built { parsed, filtered })
}

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

/// Runs tantivy's query grammar, `None` when it panics: the grammar (0.25)
/// panics on some inputs ("Exist query without a field isn't allowed", found
/// by fuzzing), which must be a refused query, never a failed request.
fn grammar<T>(parse: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).ok()
}

/// The query of the user's query string `q`, parsed (and maybe expanded)
/// into `ast`; when `only` names a field pair, the part of it that can
/// match a document of that pair (what a language filter keeps).
fn build_ast(
    parsers: &Parsers,
    q: &str,
    ast: UserInputAst,
    only: Option<&str>,
) -> Result<Box<dyn Query>, IndexError> {
    if !per_pair(&ast) {
        return parsers
            .all
            .build_query_from_user_input_ast(ast)
            .map_err(|e| parser_error(q, e));
    }
    // A document has the title and text fields of one language only, so
    // a query of words and phrases (no negation, no other field) matches
    // it exactly when the same query over its language's two fields does,
    // with the same score: the query is asked once per language's pair, a
    // typed word being two fields there instead of every language's (a
    // conjunction of words is then an intersection of a few postings, not
    // of unions over 44 fields), and a pair where some required word is
    // absent is skipped. Under a language filter, only the filtered
    // language's pair can match, and it alone is asked: the filter then
    // intersects one pair's postings instead of seeking through every
    // pair's.
    let mut branches: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (suffix, pair, parser) in &parsers.pairs {
        if only.is_some_and(|only| only != *suffix) {
            continue;
        }
        let Some(ast) = restrict(ast.clone(), suffix) else {
            continue;
        };
        let in_pair = InPair {
            suffix,
            fields: *pair,
            phrases: parsers.phrases,
            parser,
        };
        let Some(query) = in_pair.query(ast).map_err(|e| parser_error(q, e))? else {
            continue;
        };
        // A branch that is a union (a word in the title or the text) joins
        // the union of the branches: one union of every pair's terms, not
        // a union of unions. A document matches in one pair only, so its
        // score is the same sum.
        match query.downcast_ref::<BooleanQuery>() {
            Some(union) if is_union(union) => branches.extend(
                union
                    .clauses()
                    .iter()
                    .map(|(occur, clause)| (*occur, clause.box_clone())),
            ),
            _ => branches.push((Occur::Should, query)),
        }
    }
    if branches.len() == 1 {
        return Ok(branches.remove(0).1);
    }
    Ok(Box::new(BooleanQuery::new(branches)))
}

/// Whether a boolean query is a union: optional clauses only, one needed.
fn is_union(query: &BooleanQuery) -> bool {
    query.get_minimum_number_should_match() <= 1
        && query
            .clauses()
            .iter()
            .all(|(occur, _)| *occur == Occur::Should)
}

/// How a query of words and phrases is asked in one language's field pair.
struct InPair<'a> {
    suffix: &'static str,
    fields: TextPair,
    phrases: TextPair,
    parser: &'a QueryParser,
}

impl InPair<'_> {
    /// The query of `ast` (what [`restrict`] kept for the pair), `None`
    /// where it asks nothing: built as tantivy's parser builds it, leaf by
    /// leaf, except that a phrase of the vocabulary the user typed (an
    /// SSE concept in their language: "주택협동조합", five bigrams; a
    /// quoted "community land trust") is asked through its term, scored
    /// as its phrase query (see [`phrases::PhraseAsTerm`]).
    fn query(&self, ast: UserInputAst) -> Result<Option<Box<dyn Query>>, QueryParserError> {
        Ok(match ast {
            UserInputAst::Clause(children) => {
                let mut clauses = Vec::with_capacity(children.len());
                for (occur, child) in children {
                    if let Some(query) = self.query(child)? {
                        // Conjunction by default, as the parsers are set.
                        clauses.push((occur.unwrap_or(Occur::Must), query));
                    }
                }
                (!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
            UserInputAst::Boost(child, boost) => {
                // A boost of nothing stays, and matches nothing, as the
                // parser leaves it.
                let query = self.query(*child)?.unwrap_or_else(|| Box::new(EmptyQuery));
                Some(Box::new(BoostQuery::new(query, boost as Score)))
            }
            UserInputAst::Leaf(leaf) => match self.vocabulary_phrase(&leaf) {
                Some(query) => Some(query),
                None => {
                    let query = self
                        .parser
                        .build_query_from_user_input_ast(UserInputAst::Leaf(leaf))?;
                    (!query.is::<EmptyQuery>()).then_some(query)
                }
            },
        })
    }

    /// A word or phrase on the pair's default fields that is one of the
    /// vocabulary's phrases there, as the parser would ask it (title,
    /// boosted, or text), each through the phrase's term.
    fn vocabulary_phrase(&self, leaf: &UserInputLeaf) -> Option<Box<dyn Query>> {
        let UserInputLeaf::Literal(literal) = leaf else {
            return None;
        };
        if literal.field_name.is_some() || literal.slop != 0 || literal.prefix {
            return None;
        }
        let (words, term) = phrases::vocabulary_phrase(self.suffix, &literal.phrase)?;
        let title = PhraseAsTerm::new(self.fields.title, &words, self.phrases.title, &term);
        let text = PhraseAsTerm::new(self.fields.text, &words, self.phrases.text, &term);
        Some(Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(title), TITLE_BOOST)),
            ),
            (Occur::Should, Box::new(text)),
        ])))
    }
}

/// The user's query string parsed, its aliases expanded; `None` when
/// blank.
fn user_ast(q: &str) -> Result<Option<UserInputAst>, IndexError> {
    if q.trim().is_empty() {
        return Ok(None);
    }
    let escaped = escape_natural_text(q);
    let ast = grammar(|| query_grammar::parse_query(&escaped))
        .ok_or_else(|| syntax_error(q))?
        .map_err(|_| syntax_error(q))?;
    Ok(Some(allow_only_exclusions(expand_aliases(ast))))
}

/// The query `q` built both ways, over every field at once and once per
/// language's pair (`None` when it is not asked per pair), each expanded:
/// what a test compares.
#[cfg(test)]
pub(crate) fn both_ways(parsers: &Parsers, q: &str) -> (Box<dyn Query>, Option<Box<dyn Query>>) {
    let ast = user_ast(q)
        .expect("a test query parses")
        .expect("a test query is not blank");
    let ast = expansion::concepts().expand(ast, &mut Expansion::new(), Added::Terms);
    let all = parsers
        .all
        .build_query_from_user_input_ast(ast.clone())
        .expect("a test query builds");
    let split =
        per_pair(&ast).then(|| build_ast(parsers, q, ast, None).expect("a test query builds"));
    (all, split)
}

/// Whether a parsed query is only words and phrases over the default
/// fields or a language's title and text fields, combined without
/// negation: what [`restrict`] keeps exactly.
fn per_pair(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Clause(children) => children
            .iter()
            .all(|(occur, child)| *occur != Some(query_grammar::Occur::MustNot) && per_pair(child)),
        UserInputAst::Boost(child, _) => per_pair(child),
        UserInputAst::Leaf(leaf) => match &**leaf {
            UserInputLeaf::Literal(literal) => {
                literal.field_name.is_none() || pair_of(literal).is_some()
            }
            _ => false,
        },
    }
}

/// The field pair a word or phrase on a field can match in: that of a
/// language's title or text field (`text_fr` → `fr`), or of a phrase's
/// term (`phrases_text:fr:cooper_habit` → `fr`).
fn pair_of(literal: &UserInputLiteral) -> Option<&str> {
    let field = literal.field_name.as_deref()?;
    let suffix = if field == phrases::PHRASES_TITLE || field == phrases::PHRASES_TEXT {
        phrases::pair_of_term(&literal.phrase)?
    } else {
        field
            .strip_prefix("title_")
            .or_else(|| field.strip_prefix("text_"))?
    };
    analyzers::suffixes().find(|s| *s == suffix)
}

/// The part of a query (see [`per_pair`]) that can match a document of the
/// field pair `suffix`: a leaf on another pair's field can never match it,
/// so a clause that requires one is dropped (`None`) and an optional one
/// goes.
fn restrict(ast: UserInputAst, suffix: &str) -> Option<UserInputAst> {
    match ast {
        UserInputAst::Leaf(leaf) => match &*leaf {
            UserInputLeaf::Literal(literal) => match literal.field_name {
                Some(_) if pair_of(literal) != Some(suffix) => None,
                _ => Some(UserInputAst::Leaf(leaf)),
            },
            _ => Some(UserInputAst::Leaf(leaf)),
        },
        UserInputAst::Boost(child, boost) => {
            restrict(*child, suffix).map(|child| UserInputAst::Boost(Box::new(child), boost))
        }
        UserInputAst::Clause(children) => {
            let mut kept = Vec::with_capacity(children.len());
            for (occur, child) in children {
                let required = occur != Some(query_grammar::Occur::Should);
                match restrict(child, suffix) {
                    Some(child) => kept.push((occur, child)),
                    // Conjunction by default: no occur is required too.
                    None if required => return None,
                    None => {}
                }
            }
            (!kept.is_empty()).then_some(UserInputAst::Clause(kept))
        }
    }
}

/// Escapes what people type as text but the query syntax would read as
/// syntax, outside double quotes: an apostrophe inside a word (`l'économie`,
/// which the syntax would read as the start of a quoted phrase), the colon of
/// a URL (`https://…`) and a colon between digits (`10:30`, but not in a
/// `[… TO …]` range). The escaped
/// word is then analyzed into a phrase, as in the text.
fn escape_natural_text(q: &str) -> String {
    let chars: Vec<char> = q.chars().collect();
    let mut out = String::with_capacity(q.len() + 4);
    let mut in_quotes = false;
    let mut in_range = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let between = |f: fn(char) -> bool| before.is_some_and(f) && after.is_some_and(f);
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && matches!(c, '[' | '{') {
            in_range = true;
        } else if !in_quotes && matches!(c, ']' | '}') {
            in_range = false;
        } else if !in_quotes && !in_range {
            let url_colon = c == ':' && chars[i + 1..].starts_with(&['/', '/']);
            let word_apostrophe = c == '\'' && between(char::is_alphanumeric);
            let digit_colon = c == ':' && between(|c| c.is_ascii_digit());
            if url_colon || word_apostrophe || digit_colon {
                out.push('\\');
            }
        }
        out.push(c);
    }
    out
}

/// `title:` and `text:` name every language's field.
fn expand_aliases(ast: UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, sub)| (occur, expand_aliases(sub)))
                .collect(),
        ),
        UserInputAst::Boost(sub, boost) => {
            UserInputAst::Boost(Box::new(expand_aliases(*sub)), boost)
        }
        UserInputAst::Leaf(leaf) => {
            let alias = match &*leaf {
                UserInputLeaf::Literal(lit) => lit.field_name.as_deref(),
                UserInputLeaf::Set { field, .. } => field.as_deref(),
                _ => None,
            };
            let prefix = match alias {
                Some(schema::TITLE) => schema::TITLE,
                Some(schema::TEXT) => schema::TEXT,
                _ => return UserInputAst::Leaf(leaf),
            };
            UserInputAst::Clause(
                analyzers::suffixes()
                    .map(|suffix| {
                        let name = format!("{prefix}_{suffix}");
                        let leaf = match (*leaf).clone() {
                            UserInputLeaf::Literal(mut lit) => {
                                lit.field_name = Some(name);
                                UserInputLeaf::Literal(lit)
                            }
                            UserInputLeaf::Set { elements, .. } => UserInputLeaf::Set {
                                field: Some(name),
                                elements,
                            },
                            other => other,
                        };
                        (
                            Some(query_grammar::Occur::Should),
                            UserInputAst::Leaf(Box::new(leaf)),
                        )
                    })
                    .collect(),
            )
        }
    }
}

/// `-word` alone means "everything but word", not an error.
fn allow_only_exclusions(ast: UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(mut clauses)
            if !clauses.is_empty()
                && clauses
                    .iter()
                    .all(|(occur, _)| *occur == Some(query_grammar::Occur::MustNot)) =>
        {
            clauses.push((
                Some(query_grammar::Occur::Must),
                UserInputAst::Leaf(Box::new(UserInputLeaf::All)),
            ));
            UserInputAst::Clause(clauses)
        }
        other => other,
    }
}

/// What is wrong in a query the grammar rejects.
fn syntax_error(q: &str) -> IndexError {
    let mut in_quotes = false;
    let mut depth = 0i64;
    let mut unbalanced_paren = false;
    let mut escaped = false;
    for c in q.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            '(' if !in_quotes => depth += 1,
            ')' if !in_quotes => {
                depth -= 1;
                if depth < 0 {
                    unbalanced_paren = true;
                }
            }
            _ => {}
        }
    }
    let what = if in_quotes {
        "unbalanced quote".to_string()
    } else if unbalanced_paren || depth != 0 {
        "unbalanced parenthesis".to_string()
    } else {
        match grammar(|| query_grammar::parse_query_lenient(q)) {
            Some((_, errors)) if !errors.is_empty() => {
                format!("{} at character {}", errors[0].message, errors[0].pos + 1)
            }
            _ => "syntax error".to_string(),
        }
    };
    IndexError::BadQuery(format!(
        "{what} in query {q:?}: quote phrases with \"…\", group with (…), \
         and escape other special characters with \\"
    ))
}

/// What is wrong in a query the grammar accepts but the schema does not.
fn parser_error(q: &str, e: QueryParserError) -> IndexError {
    let msg = match e {
        QueryParserError::FieldDoesNotExist(field) => format!(
            "unknown field {field:?} in query {q:?}: the fields are {SEARCHABLE_NAMES} \
             (put a colon in quotes to search it as a word)"
        ),
        QueryParserError::FieldNotIndexed(field) => format!(
            "field {field:?} cannot be searched in query {q:?}: the fields are {SEARCHABLE_NAMES}"
        ),
        other => format!(
            "invalid query {q:?}: {}",
            lowercase_first(&other.to_string())
        ),
    };
    IndexError::BadQuery(msg)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
