//! The multilingual lexicon (`indexer/data/lexicon/*.tsv`), compiled in and
//! parsed once, and the matching of its phrases in a text.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a lexicon phrase signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An SSE term (cooperative, social economy …).
    Sse,
    /// A sign of a concrete practice (launched, fund, ordinance …).
    Practice,
    /// A sign of something else (event, job offer, opinion, false friend).
    Negative,
    /// A kind of organization (ESSGlobal organisational structure, in
    /// [`Entry::concept`]): files the practice, does not score it.
    Structure,
}

/// One word of a phrase: folded text, and whether it matches any word it
/// begins (`cooperative*`).
#[derive(Debug)]
struct Pat {
    text: String,
    prefix: bool,
}

/// One lexicon line.
#[derive(Debug)]
pub(super) struct Entry {
    /// As written in the lexicon.
    pub phrase: &'static str,
    pub kind: Kind,
    pub weight: f64,
    /// ESSGlobal theme numbers (`T5` → 5).
    pub themes: Vec<u32>,
    /// The concept of a concept-table row (`event`, `job`, `OS60` …).
    pub concept: Option<&'static str>,
    /// Words to match; empty for a substring phrase.
    pats: Vec<Pat>,
    /// Folded phrase matched as a substring (Korean).
    substring: Option<&'static str>,
}

const FILES: &[(&str, &str)] = &[
    ("en", include_str!("../../data/lexicon/en.tsv")),
    ("fr", include_str!("../../data/lexicon/fr.tsv")),
    ("es", include_str!("../../data/lexicon/es.tsv")),
    ("ca", include_str!("../../data/lexicon/ca.tsv")),
    ("pt", include_str!("../../data/lexicon/pt.tsv")),
    ("it", include_str!("../../data/lexicon/it.tsv")),
    ("ko", include_str!("../../data/lexicon/ko.tsv")),
    ("eu", include_str!("../../data/lexicon/eu.tsv")),
    ("de", include_str!("../../data/lexicon/de.tsv")),
];

/// Concept tables: one row per concept, its phrases in each language.
const CONCEPTS: &str = include_str!("../../data/lexicon/negatives.tsv");
const KINDS: &str = include_str!("../../data/lexicon/kinds.tsv");

/// The lexicon files' text (for the features' fingerprint).
pub(super) fn data_files() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = FILES.iter().map(|(_, f)| *f).collect();
    out.extend([CONCEPTS, KINDS]);
    out
}

/// The language columns of the concept tables, in order.
pub(super) const CONCEPT_LANGS: &[&str] = &["en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"];

const THEMES: &str = include_str!("../../data/themes.tsv");

/// The entries of some languages, indexed for a one-pass scan.
#[derive(Debug, Default)]
struct Matcher {
    /// Entries by their first word (exact).
    by_first: HashMap<String, Vec<usize>>,
    /// Entries whose first word is a prefix, by its first three characters.
    by_prefix3: HashMap<String, Vec<usize>>,
    /// Substring entries, by their first character.
    substrings: HashMap<char, Vec<usize>>,
}

impl Matcher {
    fn add(&mut self, entries: &[Entry], i: usize) {
        let e = &entries[i];
        if let Some(first) = e.substring.and_then(|s| s.chars().next()) {
            self.substrings.entry(first).or_default().push(i);
        } else if let Some(first) = e.pats.first() {
            if first.prefix {
                let key: String = first.text.chars().take(3).collect();
                self.by_prefix3.entry(key).or_default().push(i);
            } else {
                self.by_first.entry(first.text.clone()).or_default().push(i);
            }
        }
    }
}

#[derive(Debug)]
struct Lexicon {
    entries: Vec<Entry>,
    by_lang: HashMap<&'static str, Matcher>,
    all: Matcher,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut entries = Vec::new();
    let mut langs: Vec<(&'static str, Vec<usize>)> = Vec::new();
    let mut seen: std::collections::HashSet<(&'static str, String, bool)> =
        std::collections::HashSet::new();
    let mut push = |lang: &'static str, e: Entry, entries: &mut Vec<Entry>| {
        // A phrase counts once per language, whichever file says it first.
        let key = (lang, fold_word(e.phrase), e.kind == Kind::Structure);
        if !seen.insert(key) {
            return None;
        }
        entries.push(e);
        Some(entries.len() - 1)
    };
    let mut by_lang_idx: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (lang, file) in FILES {
        for line in file.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            // A bad line is skipped, not fatal: `bad_lines` is checked by
            // a test.
            if let Some(e) = parse_line(line) {
                if let Some(i) = push(lang, e, &mut entries) {
                    by_lang_idx.entry(lang).or_default().push(i);
                }
            }
        }
    }
    for (lang, e) in concept_entries(CONCEPTS, false)
        .into_iter()
        .chain(concept_entries(KINDS, true))
        .filter_map(Result::ok)
    {
        if let Some(i) = push(lang, e, &mut entries) {
            by_lang_idx.entry(lang).or_default().push(i);
        }
    }
    for (lang, _) in FILES {
        langs.push((lang, by_lang_idx.remove(lang).unwrap_or_default()));
    }
    let mut by_lang = HashMap::new();
    let mut all = Matcher::default();
    for (lang, idx) in langs {
        let mut m = Matcher::default();
        for &i in &idx {
            m.add(&entries, i);
            all.add(&entries, i);
        }
        by_lang.insert(lang, m);
    }
    Lexicon {
        entries,
        by_lang,
        all,
    }
});

/// The entries of a concept table, with their language; a bad row is an
/// `Err` naming its line (see `bad_lines`).
///
/// `negatives.tsv`: `concept<TAB>kind<TAB>weight<TAB>themes<TAB>en<TAB>fr…`;
/// `kinds.tsv`: `id<TAB>en<TAB>fr…`. A cell holds `|`-separated phrases.
fn concept_entries(table: &'static str, kinds: bool) -> Vec<Result<(&'static str, Entry), usize>> {
    let mut out = Vec::new();
    for (n, line) in table.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        let head = if kinds { 1 } else { 4 };
        if cols.len() < head + 1 || cols.len() > head + CONCEPT_LANGS.len() {
            out.push(Err(n + 1));
            continue;
        }
        let concept = cols[0].trim();
        let (kind, weight, themes) = if kinds {
            (Kind::Structure, 0.0, Some(Vec::new()))
        } else {
            let kind = match cols[1].trim() {
                "sse" => Some(Kind::Sse),
                "practice" => Some(Kind::Practice),
                "negative" => Some(Kind::Negative),
                _ => None,
            };
            let weight = cols[2]
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|w| (0.0..=5.0).contains(w));
            match (kind, weight, parse_themes(cols[3])) {
                (Some(k), Some(w), Some(t)) => (k, w, Some(t)),
                _ => {
                    out.push(Err(n + 1));
                    continue;
                }
            }
        };
        let themes = themes.unwrap_or_default();
        if concept.is_empty() || (kinds && !concept.starts_with("OS")) {
            out.push(Err(n + 1));
            continue;
        }
        for (cell, lang) in cols[head..].iter().zip(CONCEPT_LANGS) {
            for phrase in cell.split('|').map(str::trim).filter(|p| !p.is_empty()) {
                match make_entry(phrase, kind, weight, themes.clone(), Some(concept)) {
                    Some(e) => out.push(Ok((*lang, e))),
                    None => out.push(Err(n + 1)),
                }
            }
        }
    }
    out
}

fn parse_themes(cell: &str) -> Option<Vec<u32>> {
    let mut themes = Vec::new();
    for t in cell.split(',') {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        let n: u32 = t.strip_prefix('T')?.parse().ok()?;
        if !(1..=19).contains(&n) {
            return None;
        }
        themes.push(n);
    }
    Some(themes)
}

fn parse_line(line: &'static str) -> Option<Entry> {
    let mut cols = line.split('\t');
    let phrase = cols.next()?.trim();
    let kind = match cols.next()?.trim() {
        "sse" => Kind::Sse,
        "practice" => Kind::Practice,
        "negative" => Kind::Negative,
        _ => return None,
    };
    let weight: f64 = cols.next()?.trim().parse().ok()?;
    if !(0.0..=5.0).contains(&weight) {
        return None;
    }
    let themes = parse_themes(cols.next().unwrap_or(""))?;
    make_entry(phrase, kind, weight, themes, None)
}

fn make_entry(
    phrase: &'static str,
    kind: Kind,
    weight: f64,
    themes: Vec<u32>,
    concept: Option<&'static str>,
) -> Option<Entry> {
    if phrase.is_empty() {
        return None;
    }
    if phrase.chars().any(is_hangul) {
        return Some(Entry {
            phrase,
            kind,
            weight,
            themes,
            concept,
            pats: Vec::new(),
            substring: Some(phrase),
        });
    }
    let mut pats = Vec::new();
    for word in phrase.split(|c: char| !(c.is_alphanumeric() || c == '*')) {
        if word.is_empty() {
            continue;
        }
        let prefix = word.ends_with('*');
        let text = fold_word(word.trim_end_matches('*'));
        // A prefix first word is indexed by its first three characters.
        if text.is_empty() || (prefix && pats.is_empty() && text.chars().count() < 3) {
            return None;
        }
        pats.push(Pat { text, prefix });
    }
    if pats.is_empty() {
        return None;
    }
    Some(Entry {
        phrase,
        kind,
        weight,
        themes,
        concept,
        pats,
        substring: None,
    })
}

pub(super) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// A word of the text: folded (lowercase, no accents), whether it began
/// with a capital, whether it opens a sentence, and where it is.
#[derive(Debug)]
pub(super) struct Token {
    pub folded: String,
    pub capital: bool,
    /// First word of the text or of a sentence (after `.`, `!`, `?`, `:`,
    /// a line break, or an opening quote or bracket there).
    pub start: bool,
    /// Byte range in the text.
    pub begin: usize,
    pub end: usize,
}

/// Lowercase without accents: "Économie" → "economie".
pub(super) fn fold_word(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        push_folded(&mut out, c);
    }
    out
}

fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let base = match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å'
        | 'ā' | 'ă' | 'ą' => "a",
        'Ç' | 'Ć' | 'Č' | 'ç' | 'ć' | 'č' => "c",
        'Ď' | 'Đ' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' | 'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę'
        | 'ě' => "e",
        'Ğ' | 'ğ' => "g",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' | 'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'Ł' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ň' | 'ñ' | 'ń' | 'ň' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō'
        | 'ő' => "o",
        'Ř' | 'ř' => "r",
        'Ś' | 'Š' | 'Ş' | 'ś' | 'š' | 'ş' => "s",
        'Ť' | 'Ţ' | 'ť' | 'ţ' => "t",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => {
            "u"
        }
        'Ý' | 'Ÿ' | 'ý' | 'ÿ' => "y",
        'Ź' | 'Ż' | 'Ž' | 'ź' | 'ż' | 'ž' => "z",
        'Œ' | 'œ' => "oe",
        'Æ' | 'æ' => "ae",
        'ß' => "ss",
        'Þ' | 'þ' => "th",
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
            return;
        }
    };
    out.push_str(base);
}

/// The words of a text (runs of letters and digits; apostrophes and
/// hyphens split words).
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let mut cur = String::new();
    let mut capital = false;
    let mut begin = 0;
    let mut start = true;
    let mut next_start = true;
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if cur.is_empty() {
                capital = c.is_uppercase();
                begin = at;
                start = next_start;
                next_start = false;
            }
            push_folded(&mut cur, c);
        } else {
            if !cur.is_empty() {
                tokens.push(Token {
                    folded: std::mem::take(&mut cur),
                    capital,
                    start,
                    begin,
                    end: at,
                });
            }
            if matches!(c, '.' | '!' | '?' | ':' | '\n' | '•' | '|' | '¿' | '¡') {
                next_start = true;
            }
        }
    }
    if !cur.is_empty() {
        tokens.push(Token {
            folded: cur,
            capital,
            start,
            begin,
            end: text.len(),
        });
    }
    tokens
}

/// A phrase found in a text.
#[derive(Debug)]
pub(super) struct Match {
    pub entry: &'static Entry,
    /// Times it occurs.
    pub count: u32,
    /// Position of its first occurrence (for ordering the evidence).
    first: usize,
    /// Byte offsets in the text of its occurrences.
    pub offsets: Vec<usize>,
}

fn pat_matches(p: &Pat, word: &str) -> bool {
    if p.prefix {
        word.starts_with(p.text.as_str())
    } else {
        word == p.text
    }
}

fn matches_at(e: &Entry, tokens: &[Token], i: usize) -> bool {
    e.pats.len() <= tokens.len() - i
        && e.pats
            .iter()
            .zip(&tokens[i..])
            .all(|(p, t)| pat_matches(p, &t.folded))
}

/// The lexicon phrases of `lang` (all languages when `None` or unknown)
/// found in `text`, in order of first occurrence.
pub(super) fn find(text: &str, tokens: &[Token], lang: Option<&str>) -> Vec<Match> {
    let lex: &'static Lexicon = &LEXICON;
    let matcher = lang.and_then(|l| lex.by_lang.get(l)).unwrap_or(&lex.all);
    // entry → (first token position, byte offsets)
    let mut found: HashMap<usize, (usize, Vec<usize>)> = HashMap::new();
    let mut hit = |i: usize, pos: usize, offset: usize| {
        found.entry(i).or_insert((pos, Vec::new())).1.push(offset);
    };
    let mut key = String::with_capacity(12);
    for (pos, tok) in tokens.iter().enumerate() {
        if let Some(list) = matcher.by_first.get(tok.folded.as_str()) {
            for &i in list {
                if matches_at(&lex.entries[i], tokens, pos) {
                    hit(i, pos, tok.begin);
                }
            }
        }
        if tok.folded.len() >= 3 {
            key.clear();
            key.extend(tok.folded.chars().take(3));
            if let Some(list) = matcher.by_prefix3.get(key.as_str()) {
                for &i in list {
                    if matches_at(&lex.entries[i], tokens, pos) {
                        hit(i, pos, tok.begin);
                    }
                }
            }
        }
    }
    if !matcher.substrings.is_empty() && text.chars().any(is_hangul) {
        // One pass over the text: at each character, the phrases that
        // begin with it.
        for (at, c) in text.char_indices() {
            let Some(list) = matcher.substrings.get(&c) else {
                continue;
            };
            for &i in list {
                if let Some(s) = lex.entries[i].substring {
                    if text[at..].starts_with(s) {
                        // Byte offsets, scaled to sit among token positions.
                        let pos = at * tokens.len() / text.len().max(1);
                        found.entry(i).or_insert((pos, Vec::new())).1.push(at);
                    }
                }
            }
        }
    }
    let mut out: Vec<Match> = found
        .into_iter()
        .map(|(i, (first, offsets))| Match {
            entry: &lex.entries[i],
            count: offsets.len() as u32,
            first,
            offsets,
        })
        .collect();
    out.sort_by_key(|m| (m.first, m.entry.phrase));
    out
}

/// `(id, short_en, en, es, fr, pt)` rows of `data/themes.tsv`.
static THEME_ROWS: LazyLock<Vec<[&'static str; 6]>> = LazyLock::new(|| {
    THEMES
        .lines()
        .filter(|l| l.starts_with('T'))
        .filter_map(|l| {
            let c: Vec<&'static str> = l.split('\t').collect();
            (c.len() >= 6).then(|| [c[0], c[1], c[2], c[3], c[4], c[5]])
        })
        .collect()
});

pub(super) fn theme_label(id: &str, lang: &str) -> Option<&'static str> {
    let row = THEME_ROWS.iter().find(|r| r[0] == id)?;
    let label = match lang {
        "es" => row[3],
        "fr" => row[4],
        "pt" => row[5],
        _ => row[2],
    };
    Some(if label.is_empty() { row[2] } else { label })
}

pub(super) fn theme_ids() -> Vec<&'static str> {
    THEME_ROWS.iter().map(|r| r[0]).collect()
}

/// Lines of the data files that do not parse, as `file:line: text`.
#[cfg(test)]
pub(super) fn bad_lines() -> Vec<String> {
    let mut bad = Vec::new();
    for (lang, file) in FILES {
        for (n, line) in file.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if parse_line(line).is_none() {
                bad.push(format!("data/lexicon/{lang}.tsv:{}: {line}", n + 1));
            }
        }
    }
    for (name, table, kinds) in [("negatives", CONCEPTS, false), ("kinds", KINDS, true)] {
        for r in concept_entries(table, kinds) {
            if let Err(n) = r {
                bad.push(format!("data/lexicon/{name}.tsv:{n}"));
            }
        }
    }
    bad
}
