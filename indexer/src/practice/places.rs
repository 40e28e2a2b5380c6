//! The gazetteer: cities and countries named in a text.
//!
//! Two lists, parsed once on first use into hash maps (a text is never
//! compared with the whole list, only looked up word by word):
//! - `indexer/data/places.tsv`, the project's own: the network's cities and
//!   every country, with their names in the portal's languages; it wins
//!   over the other list;
//! - `indexer/data/places-geonames.tsv`, GeoNames' cities of 15,000
//!   inhabitants or more (CC BY 4.0), built by `data/build_places.py`.
//!
//! A name matches on word boundaries, accent- and case-insensitively, but
//! only where the text writes it with a capital (so "nice" or "mobile" are
//! not places); Korean names match at the start of a word (before its
//! particles: "서울시는"). At each position the longest name wins ("Mexico
//! City" before "Mexico"). A one-word name also matches with a Basque case
//! ending ("Bilboko", "Gasteizen"). A GeoNames-only name with a capitalized
//! word right before or after it is taken for part of a person's or an
//! organization's name ("Sarah Jackson", "Banco Palmas") and left out.
//!
//! When a name is shared ("Valencia" in Spain and Venezuela), the place
//! wins that is in the source's country, else in a country the text names
//! without ambiguity, else the project's own list, else the most populous.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::lexicon::{fold_word, is_hangul, Token};

const OWN: &str = include_str!("../../data/places.tsv");
const GEONAMES: &str = include_str!("../../data/places-geonames.tsv");

/// The gazetteer files' text (for the features' fingerprint).
pub(super) fn data_files() -> [&'static str; 2] {
    [OWN, GEONAMES]
}

/// Case endings a one-word place name may carry (Basque: "Bilboko",
/// "Gasteizen", "Bilbotik"; longest first).
const INFLECTIONS: &[&str] = &["rekin", "tik", "ren", "ko", "go", "ra", "en"];

/// A GeoNames city needs this many inhabitants to match with a case
/// ending.
const INFLECTED_MIN_POPULATION: u64 = 100_000;

/// Below this many inhabitants, a GeoNames city abroad (outside the
/// countries of the source and of the text's other places) is left out.
const SMALL_CITY: u64 = 100_000;

/// Words that open a sentence before a place name: prepositions and
/// articles of the portal's languages.
const OPENERS: &[&str] = &[
    "in", "at", "on", "from", "since", "for", "to", "near", "across", "the", "en", "a", "au",
    "aux", "dans", "de", "depuis", "pour", "le", "la", "les", "l", "desde", "el", "na", "no", "em",
    "o", "nel", "nella", "il", "da", "dal", "per", "bei", "im", "aus", "die", "der", "das", "fur",
    "von", "nach", "i", "a", "al", "als",
];

/// Longest Korean name looked up, in syllables.
const MAX_HANGUL: usize = 8;

/// A place of the gazetteer.
#[derive(Debug)]
pub(super) struct PlaceEntry {
    /// The canonical name.
    pub name: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// From the project's own list.
    own: bool,
    /// Inhabitants (0 when unknown: the project's own list).
    population: u64,
}

/// A name: its folded words, space-separated, and the places it names.
#[derive(Debug)]
struct Name {
    folded: String,
    words: usize,
    places: Vec<u32>,
}

#[derive(Debug, Default)]
struct Gazetteer {
    places: Vec<PlaceEntry>,
    /// Names by their first folded word, most words first.
    by_first: HashMap<String, Vec<Name>>,
    /// Korean names.
    hangul: HashMap<&'static str, Vec<u32>>,
}

impl Gazetteer {
    fn add_name(&mut self, n: &'static str, place: u32) {
        if n.chars().any(is_hangul) {
            let list = self.hangul.entry(n).or_default();
            if !list.contains(&place) {
                list.push(place);
            }
            return;
        }
        let words: Vec<String> = n
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(fold_word)
            .collect();
        let Some(first) = words.first().cloned() else {
            return;
        };
        let folded = words.join(" ");
        let names = self.by_first.entry(first).or_default();
        match names.iter_mut().find(|x| x.folded == folded) {
            Some(x) if !x.places.contains(&place) => x.places.push(place),
            Some(_) => {}
            None => names.push(Name {
                folded,
                words: words.len(),
                places: vec![place],
            }),
        }
    }
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut g = Gazetteer::default();
    let mut own_keys: HashMap<(String, &str), u32> = HashMap::new();
    for (file, own) in [(OWN, true), (GEONAMES, false)] {
        for line in file.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').map(str::trim).collect();
            let (name, country) = (cols[0], cols.get(1).copied().unwrap_or(""));
            if name.is_empty() || country.len() != 2 {
                continue;
            }
            // "=Name": shown, not matched (a common word; its alternative
            // names carry the matching).
            let (name, matched) = match name.strip_prefix('=') {
                Some(n) => (n, false),
                None => (name, true),
            };
            let (population, alts) = if own {
                (0, cols.get(2).copied().unwrap_or(""))
            } else {
                (
                    cols.get(2).and_then(|p| p.parse().ok()).unwrap_or(0),
                    cols.get(3).copied().unwrap_or(""),
                )
            };
            if !own {
                // A city of the project's own list: GeoNames adds its
                // alternative names ("Saragossa" to Zaragoza).
                if let Some(&place) = own_keys.get(&(fold_word(name), country)) {
                    for alt in alts.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                        g.add_name(alt, place);
                    }
                    continue;
                }
            }
            let place = g.places.len() as u32;
            if own {
                own_keys.insert((fold_word(name), country), place);
            }
            g.places.push(PlaceEntry {
                name,
                country,
                own,
                population,
            });
            if matched {
                g.add_name(name, place);
            }
            for alt in alts.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                g.add_name(alt, place);
            }
        }
    }
    for names in g.by_first.values_mut() {
        names.sort_by_key(|n| std::cmp::Reverse(n.words));
    }
    g
});

/// One name found: where, and the places it may be.
struct Found {
    at: usize,
    places: &'static [u32],
}

fn name_at(names: &'static [Name], tokens: &[Token], pos: usize) -> Option<&'static Name> {
    names.iter().find(|n| {
        pos + n.words <= tokens.len()
            && n.folded
                .split(' ')
                .zip(&tokens[pos..pos + n.words])
                .all(|(w, t)| w == t.folded)
    })
}

/// Whether the name at `pos..end` is flanked by a capitalized word joined
/// to it (part of a longer proper name).
fn flanked(tokens: &[Token], text: &str, pos: usize, end: usize) -> bool {
    let joined = |a: &Token, b: &Token| text[a.end..b.begin].chars().all(|c| c == ' ');
    // A capitalized word opening the sentence counts too ("Sarah
    // Jackson founded …"), unless it is a preposition or an article
    // ("In Jackson, …").
    let before = pos > 0
        && tokens[pos - 1].capital
        && (!tokens[pos - 1].start || !OPENERS.contains(&tokens[pos - 1].folded.as_str()))
        && joined(&tokens[pos - 1], &tokens[pos]);
    let after = end < tokens.len()
        && tokens[end].capital
        && !tokens[end].start
        && joined(&tokens[end - 1], &tokens[end]);
    before || after
}

/// The places named in a text, each once, in order of first mention.
/// `country` (ISO 3166-1 alpha-2) is the source's, for shared names.
pub(super) fn find(
    tokens: &[Token],
    text: &str,
    country: Option<&str>,
) -> Vec<&'static PlaceEntry> {
    let g: &'static Gazetteer = &GAZETTEER;
    let mut found: Vec<Found> = Vec::new();
    let mut pos = 0;
    while pos < tokens.len() {
        let tok = &tokens[pos];
        if !tok.capital {
            if tok.folded.chars().next().is_some_and(is_hangul) {
                hangul_at(g, tok, &mut found);
            }
            pos += 1;
            continue;
        }
        if let Some(n) = g
            .by_first
            .get(tok.folded.as_str())
            .and_then(|names| name_at(names, tokens, pos))
        {
            let end = pos + n.words;
            let places: &'static [u32] = if flanked(tokens, text, pos, end) {
                // Inside a longer proper name: only the project's own
                // places stand.
                let own_only = n.places.iter().all(|&p| g.places[p as usize].own);
                if own_only {
                    &n.places
                } else {
                    &[]
                }
            } else {
                &n.places
            };
            if !places.is_empty() {
                found.push(Found {
                    at: tok.begin,
                    places,
                });
            }
            pos = end;
            continue;
        }
        // An inflected one-word name: Basque "Bilboko", "Donostian".
        for suffix in INFLECTIONS {
            let Some(stem) = tok.folded.strip_suffix(suffix) else {
                continue;
            };
            let hit = g.by_first.get(stem).and_then(|names| {
                names.iter().find(|n| {
                    n.words == 1
                        && n.places.iter().any(|&p| {
                            let e = &g.places[p as usize];
                            e.own || e.population >= INFLECTED_MIN_POPULATION
                        })
                })
            });
            if let Some(n) = hit {
                found.push(Found {
                    at: tok.begin,
                    places: &n.places,
                });
                break;
            }
        }
        pos += 1;
    }

    // Countries named without ambiguity help resolve the shared names.
    let mut countries: HashSet<&str> = HashSet::new();
    if let Some(c) = country {
        countries.insert(c);
    }
    for f in &found {
        if let [only] = f.places {
            let e = &g.places[*only as usize];
            if e.own || e.population >= SMALL_CITY {
                countries.insert(e.country);
            }
        }
    }
    let mut seen: HashSet<u32> = HashSet::new();
    let mut out = Vec::new();
    found.sort_by_key(|f| f.at);
    for f in found {
        let best = f.places.iter().copied().max_by_key(|&p| {
            let e = &g.places[p as usize];
            (
                countries.contains(e.country),
                e.own,
                e.population,
                std::cmp::Reverse(p),
            )
        });
        if let Some(p) = best {
            let e = &g.places[p as usize];
            // A small town abroad, in a text about other countries, is
            // more likely a neighbourhood or a namesake ("le quartier
            // Rosemont" of Montréal is not Rosemont, Illinois).
            let stray = !e.own
                && e.population < SMALL_CITY
                && !countries.is_empty()
                && !countries.contains(e.country);
            if !stray && seen.insert(p) {
                out.push(&g.places[p as usize]);
            }
        }
    }
    out
}

/// A Korean word that begins with a place name ("서울시는" → 서울시).
fn hangul_at(g: &'static Gazetteer, tok: &Token, found: &mut Vec<Found>) {
    let ends: Vec<usize> = tok
        .folded
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take(MAX_HANGUL)
        .collect();
    for &end in ends.iter().rev() {
        if let Some(places) = g.hangul.get(&tok.folded[..end]) {
            found.push(Found {
                at: tok.begin,
                places,
            });
            return;
        }
    }
}
