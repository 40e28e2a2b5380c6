//! A practice record drafted from the items a curator chose: the name, the
//! organizations and their kinds, the places with their coordinates, the
//! start year and the themes the detector found, each field pre-filled
//! with the best sentence of any source (in its language, with the
//! sentence kept as evidence), the figures of every source, and the
//! sources themselves.

use std::collections::HashMap;
use std::sync::LazyLock;

use veille_store::{
    FieldEvidence, Item, PracticeDraft, PracticeFigure, PracticeOrganization, PracticePlace,
    PracticeSource, PracticeText,
};

use super::{prefill, Field};

const COORDINATES: &str = include_str!("../../../data/coordinates.tsv");

/// A city's name and country, and its latitude and longitude.
type Coordinates = HashMap<(&'static str, &'static str), (f64, f64)>;

static COORDS: LazyLock<Coordinates> = LazyLock::new(|| {
    COORDINATES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut c = l.split('\t');
            let (name, country) = (c.next()?, c.next()?);
            let lat = c.next()?.parse().ok()?;
            let lon = c.next()?.parse().ok()?;
            Some(((name, country), (lat, lon)))
        })
        .collect()
});

/// The latitude and longitude of a gazetteer's city (GeoNames).
pub fn coordinates(name: &str, country: &str) -> Option<(f64, f64)> {
    COORDS.get(&(name, country)).copied()
}

/// Drafts a record from `items` (the first names it, unless it names an
/// organization).
pub fn draft(items: &[Item]) -> PracticeDraft {
    let mut d = PracticeDraft::default();
    // Per field and language: the best pick over the sources.
    let mut best: HashMap<(Field, String), (f64, PracticeText)> = HashMap::new();
    let mut kinds: Vec<String> = Vec::new();
    for item in items {
        let c = &item.candidate;
        for o in &c.organizations {
            if !d.organizations.iter().any(|x| &x.name == o) {
                d.organizations.push(PracticeOrganization {
                    name: o.clone(),
                    kinds: Vec::new(),
                });
            }
        }
        for k in &c.kinds {
            if !kinds.contains(k) {
                kinds.push(k.clone());
            }
        }
        for p in &c.places {
            if d.places
                .iter()
                .any(|x| x.name == p.name && x.country == p.country)
            {
                continue;
            }
            let at = p
                .country
                .as_deref()
                .and_then(|country| coordinates(&p.name, country));
            d.places.push(PracticePlace {
                name: p.name.clone(),
                country: p.country.clone(),
                lat: at.map(|a| a.0),
                lon: at.map(|a| a.1),
            });
        }
        for t in &c.themes {
            if !d.themes.contains(t) {
                d.themes.push(t.clone());
            }
        }
        if d.start_year.is_none() {
            d.start_year = c.year;
        }
        let lang = item.lang.clone().unwrap_or_else(|| "und".to_string());
        let filled = prefill(&item.text, item.lang.as_deref());
        for field in Field::ALL {
            let Some(pick) = filled.get(field) else {
                continue;
            };
            let key = (field, lang.clone());
            if best.get(&key).is_some_and(|(s, _)| *s >= pick.score) {
                continue;
            }
            best.insert(
                key,
                (
                    pick.score,
                    PracticeText {
                        field: field.as_str().to_string(),
                        lang: lang.clone(),
                        text: pick.sentence.clone(),
                        evidence: Some(FieldEvidence {
                            item_id: item.id.clone(),
                            sentence: pick.sentence.clone(),
                        }),
                        reviewed: false,
                    },
                ),
            );
        }
        for f in filled.figures {
            if !d.figures.iter().any(|x| x.text == f.text) {
                d.figures.push(PracticeFigure {
                    text: f.text,
                    value: f.value,
                    unit: f.unit.as_str().to_string(),
                    item_id: Some(item.id.clone()),
                });
            }
        }
        d.sources.push(PracticeSource {
            item_id: item.id.clone(),
            url: item.url.clone(),
            title: item.title.clone(),
            lang: item.lang.clone(),
            published: item.published.map(|p| p.to_rfc3339()),
        });
    }
    // The kinds found belong to the organizations found: to the first, the
    // one the text is mostly about, when there is one.
    if let Some(first) = d.organizations.first_mut() {
        first.kinds = kinds;
    }
    d.name = d
        .organizations
        .first()
        .map(|o| o.name.clone())
        .or_else(|| items.first().map(|i| i.title.trim().to_string()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Untitled practice".to_string());
    let mut texts: Vec<(Field, String, PracticeText)> =
        best.into_iter().map(|((f, l), (_, t))| (f, l, t)).collect();
    texts.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    d.texts = texts
        .into_iter()
        .filter(|(_, l, _)| l.len() == 2)
        .map(|(_, _, t)| t)
        .collect();
    d
}
