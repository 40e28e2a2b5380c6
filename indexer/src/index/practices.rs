//! Full-text search over the practice records, with the items' analyzers
//! and the cross-language expansion.
//!
//! The records are few (thousands, not millions) and change rarely, so their
//! search index lives in memory, derived from the store: it is built on the
//! first search and again on the first search after a write to any record
//! (the store's [`practices_generation`](Store::practices_generation) moved).
//! A record is one document per language it is described in (its name, its
//! organisations and places, and its texts in that language), analyzed as
//! that language's items are; the documents of a record share a duplicate
//! group, so a search shows each record once.

use std::sync::{Arc, Mutex};

use chrono::DateTime;
use veille_store::{Candidate, Item, Practice, PracticeFilter, Store};

use super::{Index, IndexError};
use crate::search::{SearchRequest, Sort};

/// The source id of the records' documents (never an item's).
const SOURCE: &str = "practice";

/// Separates a record's id from a language in its documents' ids.
const LANG_SEPARATOR: char = '#';

/// The records' search index, built from the store when stale.
#[derive(Default)]
pub(crate) struct PracticeSearch {
    /// The generation it was built at, and the index.
    built: Mutex<Option<(i64, Arc<Index>)>>,
}

impl PracticeSearch {
    /// The ids of the records matching the query `q`, best first, at most
    /// `max`; the concepts of the query are also searched in the other
    /// languages when `expand`.
    pub(crate) fn search(
        &self,
        store: &Store,
        q: &str,
        expand: bool,
        max: usize,
    ) -> Result<Vec<String>, IndexError> {
        let index = self.current(store)?;
        let req = SearchRequest {
            q: q.to_string(),
            expand,
            sort: Sort::Relevance,
            ..SearchRequest::default()
        };
        Ok(index
            .search_ids(&req, max)?
            .into_iter()
            .map(|id| match id.rsplit_once(LANG_SEPARATOR) {
                Some((practice, _)) => practice.to_string(),
                None => id,
            })
            .collect())
    }

    /// The index of the records as they are in the store now.
    fn current(&self, store: &Store) -> Result<Arc<Index>, IndexError> {
        // Held while building: two searches after a write build once.
        let mut built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        let generation = store.practices_generation()?;
        if let Some((at, index)) = built.as_ref() {
            if *at == generation {
                return Ok(index.clone());
            }
        }
        let index = Arc::new(Index::open_in_ram()?);
        let (_, practices) = store.practices(&PracticeFilter::default(), 0, usize::MAX)?;
        let documents: Vec<Item> = practices.iter().flat_map(documents).collect();
        index.upsert_many(&documents)?;
        index.commit()?;
        *built = Some((generation, index.clone()));
        Ok(index)
    }
}

/// A record's documents: one per language it is described in (one without
/// a language when it has no text yet).
fn documents(p: &Practice) -> Vec<Item> {
    let record = &p.record;
    let mut common = vec![];
    common.extend(record.organizations.iter().map(|o| o.name.clone()));
    common.extend(record.places.iter().map(|pl| pl.name.clone()));
    let languages: Vec<Option<&str>> = if p.languages.is_empty() {
        vec![None]
    } else {
        p.languages.iter().map(|l| Some(l.as_str())).collect()
    };
    languages
        .into_iter()
        .map(|lang| {
            let mut text = common.clone();
            text.extend(
                record
                    .texts
                    .iter()
                    .filter(|t| Some(t.lang.as_str()) == lang)
                    .map(|t| t.text.clone()),
            );
            let id = match lang {
                Some(lang) => format!("{}{LANG_SEPARATOR}{lang}", p.id),
                None => p.id.clone(),
            };
            Item {
                id,
                url: record.website.clone().unwrap_or_default(),
                source_id: SOURCE.to_string(),
                title: record.name.clone(),
                text: text.join("\n"),
                author: None,
                published: Some(DateTime::from(p.created_at)),
                lang: lang.map(str::to_string),
                lang_confidence: 1.0,
                country: record.places.iter().find_map(|pl| pl.country.clone()),
                candidate: Candidate {
                    themes: record.themes.clone(),
                    ..Candidate::default()
                },
                fingerprint: None,
                group_id: p.id.clone(),
                first_seen: p.created_at,
                updated_at: p.updated_at,
                review: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use veille_store::{PracticeDraft, PracticeStatus, PracticeText};

    use super::*;

    fn record(name: &str, texts: &[(&str, &str)]) -> PracticeDraft {
        PracticeDraft {
            name: name.to_string(),
            status: PracticeStatus::Published,
            texts: texts
                .iter()
                .map(|(lang, text)| PracticeText {
                    field: "approach".to_string(),
                    lang: lang.to_string(),
                    text: text.to_string(),
                    evidence: None,
                    reviewed: true,
                })
                .collect(),
            ..PracticeDraft::default()
        }
    }

    #[test]
    fn records_are_found_by_their_words_in_each_language_once_each() {
        let store = Store::open_in_memory().unwrap();
        let housing = store
            .create_practice(
                &record(
                    "Community land trust of Montréal",
                    &[
                        ("en", "The trust keeps homes affordable for families."),
                        ("fr", "La fiducie garde les logements abordables."),
                    ],
                ),
                "ana",
            )
            .unwrap();
        let food = store
            .create_practice(
                &record(
                    "Comedor social",
                    &[("es", "Una cooperativa de consumo reparte alimentos.")],
                ),
                "ana",
            )
            .unwrap();
        let search = PracticeSearch::default();
        // Both of its languages match: the record is listed once.
        assert_eq!(
            search
                .search(&store, "logements OR homes", true, 10)
                .unwrap(),
            vec![housing.id.clone()]
        );
        assert_eq!(
            search.search(&store, "alimentos", true, 10).unwrap(),
            vec![food.id.clone()]
        );
        assert_eq!(
            search.search(&store, "Montréal", true, 10).unwrap(),
            vec![housing.id.clone()]
        );
        assert!(search
            .search(&store, "bicycle", true, 10)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_concept_is_found_in_the_other_languages_and_only_when_expanded() {
        let store = Store::open_in_memory().unwrap();
        let coop = store
            .create_practice(
                &record(
                    "Cooperativa de vivienda",
                    &[("es", "Una cooperativa de vivienda en cesión de uso.")],
                ),
                "ana",
            )
            .unwrap();
        let search = PracticeSearch::default();
        assert_eq!(
            search
                .search(&store, "housing cooperative", true, 10)
                .unwrap(),
            vec![coop.id]
        );
        assert!(search
            .search(&store, "housing cooperative", false, 10)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_write_to_a_record_is_searchable_at_the_next_search() {
        let store = Store::open_in_memory().unwrap();
        let p = store
            .create_practice(
                &record("Repair café", &[("en", "Volunteers fix toasters.")]),
                "ana",
            )
            .unwrap();
        let search = PracticeSearch::default();
        assert!(search
            .search(&store, "bicycles", true, 10)
            .unwrap()
            .is_empty());
        let changed = record("Repair café", &[("en", "Volunteers fix bicycles.")]);
        store.update_practice(&p.id, 1, &changed, "ana").unwrap();
        assert_eq!(
            search.search(&store, "bicycles", true, 10).unwrap(),
            vec![p.id.clone()]
        );
        assert!(search
            .search(&store, "toasters", true, 10)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_query_the_syntax_refuses_is_a_bad_query() {
        let store = Store::open_in_memory().unwrap();
        let search = PracticeSearch::default();
        let deep = format!("{}a{}", "(".repeat(20), ")".repeat(20));
        assert!(matches!(
            search.search(&store, &deep, true, 10),
            Err(IndexError::BadQuery(_))
        ));
    }
}
