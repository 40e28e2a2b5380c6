//! Authors: names cleaned of what bylines add to them ("By", "Von:", a
//! role, a date, a handle), and a person preferred to the site or an
//! organization standing in for one.

use super::meta::collapse;

/// Words that introduce a byline, lowercased: followed by a space.
const PREPOSITIONS: &[&str] = &[
    "written by",
    "text by",
    "words by",
    "story by",
    "by",
    "von",
    "par",
    "por",
    "door",
    "av",
    "af",
];

/// The same, in lower case only in the page: capitalized, they start a
/// name ("Da Silva", "De Jong", "Di Stefano").
const LOWERCASE_PREPOSITIONS: &[&str] = &["di", "da", "de"];

/// Labels followed by a colon: "Text: Jane Doe", "Autor: Max Muster".
const LABELS: &[&str] = &[
    "text", "texto", "autor", "autora", "auteur", "author", "reporter", "von", "by", "par", "por",
];

/// Role words that follow a name in Korean, Japanese and Chinese bylines
/// ("홍길동 기자", "山田太郎記者").
const ROLE_SUFFIXES: &[&str] = &[
    "기자",
    "특파원",
    "논설위원",
    "記者",
    "特派員",
    "编辑",
    "記者",
];

/// Cleans one name as a page gives it; `None` when it is no name (a URL,
/// an address, a handle, a number, a label).
pub(super) fn clean_name(raw: &str) -> Option<String> {
    // A name is short; what is long is something else, and is not read.
    if raw.len() > 1000 {
        return None;
    }
    let mut s = collapse(raw);
    // "Jane Doe (https://example.org/jane)": the address is not the name.
    while let Some(open) = s.find(" (") {
        let Some(close) = s[open..].find(')').map(|c| open + c) else {
            break;
        };
        let inner = &s[open + 2..close];
        if !(inner.contains("://") || inner.starts_with("www.") || inner.contains('@')) {
            break;
        }
        s.replace_range(open..=close, "");
    }
    if s.contains("://") || s.starts_with("www.") || s.starts_with('@') || s.contains('@') {
        return None;
    }
    // "By Jane Doe", "Von: Max Muster", "Par Jean Dupont".
    loop {
        let lower = s.to_lowercase();
        let skip = PREPOSITIONS
            .iter()
            .find_map(|w| {
                lower
                    .strip_prefix(w)?
                    .strip_prefix(' ')
                    .map(|_| w.len() + 1)
            })
            .or_else(|| {
                LOWERCASE_PREPOSITIONS
                    .iter()
                    .find_map(|w| s.strip_prefix(w)?.strip_prefix(' ').map(|_| w.len() + 1))
            })
            .or_else(|| {
                LABELS.iter().find_map(|w| {
                    lower
                        .strip_prefix(w)?
                        .strip_prefix(':')
                        .map(|_| w.len() + 1)
                })
            });
        match skip {
            Some(n) if s.len() > n && s.is_char_boundary(n) => s = s[n..].trim_start().to_string(),
            _ => break,
        }
    }
    // What follows the name in a byline: " • 8h", " | Reporter", a date.
    for sep in [" •", " |", " ·", " —", " –", "\u{a0}|"] {
        if let Some(p) = s.find(sep) {
            s.truncate(p);
        }
    }
    // A short handle in parentheses after the name: "Jane Doe (jdo)".
    if let Some(open) = s.rfind(" (") {
        let inner = &s[open + 2..];
        if inner.ends_with(')') && inner.chars().count() <= 6 {
            s.truncate(open);
        }
    }
    for suffix in ROLE_SUFFIXES {
        if let Some(head) = s.strip_suffix(suffix) {
            if !head.trim().is_empty() {
                s = head.trim_end().to_string();
            }
        }
    }
    let s = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '-' | ':' | '/'));
    if s.is_empty()
        || s.starts_with('(')
        || s.contains(':')
        || s.chars().count() > 100
        || !s.chars().any(char::is_alphabetic)
        || s.chars().filter(char::is_ascii_digit).count() > 2
    {
        return None;
    }
    let lower = s.to_lowercase();
    if ["follow", "admin", "administrator", "unknown", "anonymous"].contains(&lower.as_str())
        || lower.starts_with("follow ")
    {
        return None;
    }
    Some(s.to_string())
}

/// A byline's text: the name before the date, the time or the role that
/// follow it ("Lucas Nolan 22 Dec 2016", "Jane Doe Twitter Today 5:00 am").
pub(super) fn byline_name(raw: &str) -> Option<String> {
    let s = collapse(raw);
    let lower = s.to_lowercase();
    if PUBLICATION_WORDS.iter().any(|w| lower.contains(w)) && !lower.contains(" by ") {
        return None;
    }
    // "capital von Jemima Kelly": a brand before the byline proper.
    let mut s = s.as_str();
    for w in [" by ", " von ", " par ", " por "] {
        if let Some(p) = lower.find(w) {
            if lower[..p].split_whitespace().count() <= 2 && s.is_char_boundary(p) {
                s = &s[p + 1..];
                break;
            }
        }
    }
    let cut = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    let mut head = s[..cut].trim_end();
    // "Anna Sleegers, Frankfurt", "David Straub, MDR THÜRINGEN": the
    // dateline's place or the desk after the name.
    if let Some((name, last)) = head.rsplit_once(", ") {
        let one_word = !last.contains(' ');
        let capitals =
            last.chars().any(char::is_alphabetic) && !last.chars().any(char::is_lowercase);
        if name.contains(' ') && (one_word || capitals) {
            head = name;
        }
    }
    // "Nathan Willis March 25, 2015": the month before the day.
    if let Some((name, last)) = head.rsplit_once(' ') {
        if cut < s.len() && super::date::is_month(last) {
            head = name;
        }
    }
    clean_name(head)
}

/// Words of a date line, not a byline.
const PUBLICATION_WORDS: &[&str] = &[
    "veröffentlicht",
    "published",
    "publié",
    "publicado",
    "publicat",
    "pubblicato",
    "aktualisiert",
    "updated",
    "mis à jour",
    "actualizado",
    "stand:",
];

/// A name, lowercased, with only its letters and digits: to compare a name
/// with the site's.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What the page calls itself: site names and its host.
pub(super) struct Site<'a> {
    pub names: Vec<&'a str>,
    /// The host's name without `www.` and the public suffix ("nzz",
    /// "n-tv", "lestimes").
    pub host_label: Option<String>,
}

impl Site<'_> {
    /// Whether `name` is the site, or an organization named after it,
    /// rather than a person ("STERN.de", "NZZ-Redaktion", "Deutsche Welle
    /// (www.dw.com)").
    pub(super) fn names_itself(&self, name: &str) -> bool {
        let n = squash(name);
        if n.is_empty() {
            return false;
        }
        if self.names.iter().any(|s| {
            let s = squash(s);
            !s.is_empty() && (s == n || (s.len() >= 4 && n.contains(&s)))
        }) {
            return true;
        }
        self.host_label.as_deref().is_some_and(|h| {
            let h = squash(h);
            h.len() >= 2 && (n == h || n.starts_with(&h) || (h.len() >= 4 && n.contains(&h)))
        })
    }
}

/// The host label of a page URL: "www.n-tv.de" → "n-tv".
pub(super) fn host_label(url: Option<&str>) -> Option<String> {
    let host = url::Url::parse(url?).ok()?.host_str()?.to_ascii_lowercase();
    let parts: Vec<&str> = host.split('.').filter(|p| *p != "www").collect();
    // The label before the public suffix, one or two labels long ("co.uk").
    let n = parts.len();
    let label = match n {
        0 => return None,
        1 => parts[0],
        _ if n >= 3 && parts[n - 2].len() <= 3 && parts[n - 1].len() == 2 => parts[n - 3],
        _ => parts[n - 2],
    };
    Some(label.to_string())
}
