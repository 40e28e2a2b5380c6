//! Snippets: a fragment of an item's text with the matched words marked
//! `<mark>…</mark>` and the rest HTML-escaped; with no query (or no match in
//! the text), the beginning of the text, escaped.

use std::collections::HashMap;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

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
    pub(crate) fn snippet(&mut self, field: Field, text: &str) -> String {
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
                let mut snippet = generator.snippet(text);
                if !snippet.is_empty() {
                    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                    return snippet.to_html();
                }
            }
        }
        beginning(text)
    }
}

/// The first [`SNIPPET_CHARS`] characters of `text` (cut at a word boundary
/// when one is near), HTML-escaped, with `…` when cut.
pub(crate) fn beginning(text: &str) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(SNIPPET_CHARS) else {
        return escape(text);
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    format!("{}…", escape(head.trim_end()))
}

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}
