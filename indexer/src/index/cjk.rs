//! A tokenizer for text that may hold Korean (or Chinese, Japanese): words
//! as tantivy's `SimpleTokenizer` cuts them (runs of alphanumeric
//! characters), except that a run of CJK characters becomes its overlapping
//! bigrams, and a lone CJK character itself, as Lucene's `CJKAnalyzer` does.
//! "ESS협동조합은 2024" → `ESS`, `협동`, `동조`, `조합`, `합은`, `2024`.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// See the module documentation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CjkBigramTokenizer;

/// The tokens of one text: their byte ranges, computed up front.
pub(crate) struct CjkBigramStream<'a> {
    text: &'a str,
    ranges: Vec<(usize, usize)>,
    next: usize,
    token: Token,
}

/// Hangul (syllables, jamo), Han, Hiragana and Katakana.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}'   // Hangul syllables
        | '\u{1100}'..='\u{11FF}' // Hangul jamo
        | '\u{3130}'..='\u{318F}' // Hangul compatibility jamo
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // Han extension A
        | '\u{4E00}'..='\u{9FFF}' // Han
        | '\u{F900}'..='\u{FAFF}' // Han compatibility
    )
}

/// The byte ranges of the tokens of `text`, in order.
pub(crate) fn token_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    // Start of the current run of non-CJK alphanumeric characters.
    let mut word_start: Option<usize> = None;
    // The previous CJK character of the current CJK run, and the run's length.
    let mut previous_cjk: Option<(usize, usize)> = None;
    let mut cjk_run = 0usize;
    let close_cjk = |ranges: &mut Vec<(usize, usize)>,
                     previous_cjk: &mut Option<(usize, usize)>,
                     cjk_run: &mut usize| {
        if *cjk_run == 1 {
            ranges.extend(previous_cjk.take());
        }
        *previous_cjk = None;
        *cjk_run = 0;
    };
    for (start, c) in text.char_indices() {
        let end = start + c.len_utf8();
        if is_cjk(c) {
            if let Some(word) = word_start.take() {
                ranges.push((word, start));
            }
            if let Some((previous, _)) = previous_cjk {
                ranges.push((previous, end));
            }
            previous_cjk = Some((start, end));
            cjk_run += 1;
        } else {
            close_cjk(&mut ranges, &mut previous_cjk, &mut cjk_run);
            if c.is_alphanumeric() {
                word_start.get_or_insert(start);
            } else if let Some(word) = word_start.take() {
                ranges.push((word, start));
            }
        }
    }
    close_cjk(&mut ranges, &mut previous_cjk, &mut cjk_run);
    if let Some(word) = word_start {
        ranges.push((word, text.len()));
    }
    ranges
}

impl Tokenizer for CjkBigramTokenizer {
    type TokenStream<'a> = CjkBigramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkBigramStream<'a> {
        CjkBigramStream {
            text,
            ranges: token_ranges(text),
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for CjkBigramStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(from, to)) = self.ranges.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
