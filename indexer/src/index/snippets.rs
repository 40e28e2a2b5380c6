//! Snippets: a fragment of an item's text with the ranges of the matched
//! words ([`Snippet`], data: each face marks them its own way); with no
//! query (or no match in the text), the beginning of the text.

use std::collections::HashMap;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::{collapse_overlapped_ranges, SnippetGenerator};
use tantivy::Searcher;

use crate::search::Snippet;

/// Length of a snippet, in characters.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// Makes the snippets of one page of hits, one generator per text field.
pub(crate) struct Snippets<'a> {
    searcher: &'a Searcher,
    query: Option<&'a dyn Query>,
    generators: HashMap<Field, Option<SnippetGenerator>>,
}

impl<'a> Snippets<'a> {
    /// `query` is `None` when the user typed no query.
    pub(crate) fn new(searcher: &'a Searcher, query: Option<&'a dyn Query>) -> Snippets<'a> {
        Snippets {
            searcher,
            query,
            generators: HashMap::new(),
        }
    }

    /// The snippet of `text`, indexed in `field`.
    pub(crate) fn snippet(&mut self, field: Field, text: &str) -> Snippet {
        if let Some(query) = self.query {
            let searcher = self.searcher;
            let generator = self.generators.entry(field).or_insert_with(|| {
                // A field the query has no term in still gets a generator
                // (it marks nothing); failing to make one only loses marks.
                SnippetGenerator::create(searcher, query, field)
                    .ok()
                    .map(|mut g| {
                        g.set_max_num_chars(SNIPPET_CHARS);
                        g
                    })
            });
            if let Some(generator) = generator {
                let snippet = generator.snippet(text);
                if !snippet.is_empty() {
                    return Snippet {
                        text: snippet.fragment().to_string(),
                        highlighted: collapse_overlapped_ranges(snippet.highlighted()),
                    };
                }
            }
        }
        beginning(text)
    }
}

/// The first [`SNIPPET_CHARS`] characters of `text` (cut at a word boundary
/// when one is near), with `…` when cut; nothing highlighted.
pub(crate) fn beginning(text: &str) -> Snippet {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(SNIPPET_CHARS) else {
        return Snippet {
            text: text.to_string(),
            highlighted: Vec::new(),
        };
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    Snippet {
        text: format!("{}…", head.trim_end()),
        highlighted: Vec::new(),
    }
}
