//! Evidence phrases marked in a text: [`highlight`] returns the text
//! HTML-escaped, with every occurrence of a phrase wrapped in `<mark>`.
//!
//! Phrases match as the candidate detector's lexicon writes them: case- and
//! accent-insensitively, on word boundaries, a trailing `*` matching any
//! word the stem begins; phrases in scripts without spaces (Korean) match
//! anywhere.

/// The text, escaped, with the phrases marked.
pub fn highlight(text: &str, phrases: &[String]) -> String {
    // Each char of the text, folded, with its byte offset.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let folded: Vec<char> = chars.iter().map(|(_, c)| fold(*c)).collect();
    let mut marked = vec![false; chars.len()];
    for phrase in phrases {
        let (stem, prefix) = match phrase.trim().strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (phrase.trim(), false),
        };
        let needle: Vec<char> = stem.chars().map(fold).collect();
        if needle.is_empty() {
            continue;
        }
        let spaced = needle
            .iter()
            .any(|c| c.is_ascii_alphabetic() || is_latin(*c));
        let mut i = 0;
        while i + needle.len() <= folded.len() {
            if folded[i..i + needle.len()] == needle[..] {
                let start_ok = !spaced || i == 0 || !folded[i - 1].is_alphanumeric();
                let mut end = i + needle.len();
                let end_ok = if prefix {
                    while end < folded.len() && folded[end].is_alphanumeric() {
                        end += 1;
                    }
                    true
                } else {
                    !spaced || end == folded.len() || !folded[end].is_alphanumeric()
                };
                if start_ok && end_ok {
                    marked[i..end].iter_mut().for_each(|m| *m = true);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut open = false;
    for (k, (_, c)) in chars.iter().enumerate() {
        if marked[k] && !open {
            out.push_str("<mark>");
            open = true;
        } else if !marked[k] && open {
            out.push_str("</mark>");
            open = false;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(*c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

fn is_latin(c: char) -> bool {
    ('\u{00C0}'..='\u{024F}').contains(&c)
}

/// One char, lower-cased and without its accent (one char in, one out, so
/// that positions line up).
fn fold(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        '’' | 'ʼ' => '\'',
        c => c,
    }
}
