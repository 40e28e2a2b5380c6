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

const THEMES: &str = include_str!("../../data/themes.tsv");

/// The entries of some languages, indexed for a one-pass scan.
#[derive(Debug, Default)]
struct Matcher {
    /// Entries by their first word (exact).
    by_first: HashMap<String, Vec<usize>>,
    /// Entries whose first word is a prefix, by its first three characters.
    by_prefix3: HashMap<String, Vec<usize>>,
    /// Substring entries.
    substrings: Vec<usize>,
}

impl Matcher {
    fn add(&mut self, entries: &[Entry], i: usize) {
        let e = &entries[i];
        if e.substring.is_some() {
            self.substrings.push(i);
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
    for (lang, file) in FILES {
        let mut idx = Vec::new();
        for line in file.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            // A bad line is skipped, not fatal: `bad_lines` is checked by
            // a test.
            if let Some(e) = parse_line(line) {
                idx.push(entries.len());
                entries.push(e);
            }
        }
        langs.push((lang, idx));
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
    if phrase.is_empty() || !(0.0..=5.0).contains(&weight) {
        return None;
    }
    let mut themes = Vec::new();
    for t in cols.next().unwrap_or("").split(',') {
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
    if phrase.chars().any(is_hangul) {
        return Some(Entry {
            phrase,
            kind,
            weight,
            themes,
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
        pats,
        substring: None,
    })
}

pub(super) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// A word of the text: folded (lowercase, no accents), and whether it
/// began with a capital.
#[derive(Debug)]
pub(super) struct Token {
    pub folded: String,
    pub capital: bool,
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
    for c in text.chars() {
        if c.is_alphanumeric() {
            if cur.is_empty() {
                capital = c.is_uppercase();
            }
            push_folded(&mut cur, c);
        } else if !cur.is_empty() {
            tokens.push(Token {
                folded: std::mem::take(&mut cur),
                capital,
            });
        }
    }
    if !cur.is_empty() {
        tokens.push(Token {
            folded: cur,
            capital,
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
    let mut found: HashMap<usize, (u32, usize)> = HashMap::new();
    let mut hit = |i: usize, pos: usize| {
        let e = found.entry(i).or_insert((0, pos));
        e.0 += 1;
    };
    for (pos, tok) in tokens.iter().enumerate() {
        if let Some(list) = matcher.by_first.get(tok.folded.as_str()) {
            for &i in list {
                if matches_at(&lex.entries[i], tokens, pos) {
                    hit(i, pos);
                }
            }
        }
        if tok.folded.len() >= 3 {
            let key: String = tok.folded.chars().take(3).collect();
            if let Some(list) = matcher.by_prefix3.get(&key) {
                for &i in list {
                    if matches_at(&lex.entries[i], tokens, pos) {
                        hit(i, pos);
                    }
                }
            }
        }
    }
    if !matcher.substrings.is_empty() && text.chars().any(is_hangul) {
        for &i in &matcher.substrings {
            if let Some(s) = lex.entries[i].substring {
                let mut first = None;
                let mut count = 0;
                for (at, _) in text.match_indices(s) {
                    first.get_or_insert(at);
                    count += 1;
                }
                if let Some(at) = first {
                    // Byte offsets, scaled to sit among token positions.
                    let pos = at * tokens.len() / text.len().max(1);
                    found.insert(i, (count, pos));
                }
            }
        }
    }
    let mut out: Vec<Match> = found
        .into_iter()
        .map(|(i, (count, first))| Match {
            entry: &lex.entries[i],
            count,
            first,
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
    bad
}
