//! The gazetteer (`indexer/data/places.tsv`): cities and countries named in
//! a text.
//!
//! A name matches on word boundaries, accent- and case-insensitively, but
//! only where the text writes it with a capital (so "nice" or "mobile" are
//! not places); Korean names match as substrings. At each position the
//! longest name wins ("Mexico City" before "Mexico"). A one-word name
//! also matches with a Basque case ending ("Bilboko", "Gasteizen").

use std::collections::HashMap;
use std::sync::LazyLock;

use super::lexicon::{fold_word, is_hangul, Token};

const PLACES: &str = include_str!("../../data/places.tsv");

/// Case endings a one-word place name may carry (Basque: "Bilboko",
/// "Gasteizen", "Bilbotik"; longest first).
const INFLECTIONS: &[&str] = &["rekin", "tik", "ren", "ko", "go", "ra", "en"];

/// A place of the gazetteer.
#[derive(Debug)]
pub(super) struct PlaceEntry {
    /// The canonical name (first column).
    pub name: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
}

#[derive(Debug)]
struct Name {
    words: Vec<String>,
    place: usize,
}

#[derive(Debug, Default)]
struct Gazetteer {
    places: Vec<PlaceEntry>,
    /// Names by their first folded word, longest first.
    by_first: HashMap<String, Vec<Name>>,
    /// Korean names: (name, place).
    hangul: Vec<(&'static str, usize)>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut g = Gazetteer::default();
    for line in PLACES.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(name), Some(country)) = (cols.next(), cols.next()) else {
            continue;
        };
        let (name, country) = (name.trim(), country.trim());
        if name.is_empty() || country.len() != 2 {
            continue;
        }
        let place = g.places.len();
        g.places.push(PlaceEntry { name, country });
        let alts = cols.next().unwrap_or("");
        for n in std::iter::once(name).chain(alts.split(',').map(str::trim)) {
            if n.is_empty() {
                continue;
            }
            if n.chars().any(is_hangul) {
                g.hangul.push((n, place));
                continue;
            }
            let words: Vec<String> = n
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(fold_word)
                .collect();
            if let Some(first) = words.first().cloned() {
                g.by_first
                    .entry(first)
                    .or_default()
                    .push(Name { words, place });
            }
        }
    }
    for names in g.by_first.values_mut() {
        names.sort_by_key(|n| std::cmp::Reverse(n.words.len()));
    }
    g
});

/// The places named in a text, each once, in order of first mention.
pub(super) fn find(tokens: &[Token], text: &str) -> Vec<&'static PlaceEntry> {
    let g: &'static Gazetteer = &GAZETTEER;
    let mut found: Vec<(usize, usize)> = Vec::new(); // (position, place)
    let mut pos = 0;
    while pos < tokens.len() {
        let tok = &tokens[pos];
        let mut advanced = false;
        if tok.capital {
            if let Some(names) = g.by_first.get(tok.folded.as_str()) {
                for n in names {
                    let len = n.words.len();
                    if pos + len <= tokens.len()
                        && n.words
                            .iter()
                            .zip(&tokens[pos..pos + len])
                            .all(|(w, t)| *w == t.folded)
                    {
                        found.push((pos, n.place));
                        pos += len;
                        advanced = true;
                        break;
                    }
                }
            }
        }
        if !advanced && tok.capital {
            // An inflected one-word name: Basque "Bilboko", "Donostian".
            for suffix in INFLECTIONS {
                let Some(stem) = tok.folded.strip_suffix(suffix) else {
                    continue;
                };
                if let Some(n) = g
                    .by_first
                    .get(stem)
                    .and_then(|names| names.iter().find(|n| n.words.len() == 1))
                {
                    found.push((pos, n.place));
                    break;
                }
            }
        }
        if !advanced {
            pos += 1;
        }
    }
    if !g.hangul.is_empty() && text.chars().any(is_hangul) {
        for &(name, place) in &g.hangul {
            if let Some(at) = text.find(name) {
                found.push((at * tokens.len() / text.len().max(1), place));
            }
        }
    }
    found.sort();
    let mut seen = vec![false; g.places.len()];
    let mut out = Vec::new();
    for (_, place) in found {
        if !seen[place] {
            seen[place] = true;
            out.push(&g.places[place]);
        }
    }
    out
}
