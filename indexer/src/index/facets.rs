//! Facet counts over every matching document (not just the page): a
//! collector that reads the term ordinals of the `lang`, `country`, `theme`,
//! `source` and `status` fast fields of each match, counts them per segment,
//! and turns ordinals into values once per segment at the end.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema;
use crate::search::Facets;

/// The facet fields, in the order of [`Counts`].
const FIELDS: [&str; 5] = [
    schema::LANG,
    schema::COUNTRY,
    schema::THEME,
    schema::SOURCE,
    schema::STATUS,
];

/// Counts per value, one map per facet field.
type Counts = [BTreeMap<String, u64>; 5];

/// Collects the facet counts of the matching documents.
pub(crate) struct FacetsCollector;

pub(crate) struct FacetsSegmentCollector {
    columns: Vec<Option<StrColumn>>,
    /// Per field, the count of each term ordinal.
    counts: Vec<Vec<u64>>,
}

impl Collector for FacetsCollector {
    type Fruit = Facets;
    type Child = FacetsSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetsSegmentCollector> {
        let columns = FIELDS
            .iter()
            .map(|name| reader.fast_fields().str(name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let counts = columns
            .iter()
            .map(|c| vec![0; c.as_ref().map_or(0, |c| c.num_terms())])
            .collect();
        Ok(FacetsSegmentCollector { columns, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counts>) -> tantivy::Result<Facets> {
        let mut total: Counts = Default::default();
        for segment in segments {
            for (into, from) in total.iter_mut().zip(segment) {
                for (value, n) in from {
                    *into.entry(value).or_insert(0) += n;
                }
            }
        }
        let [lang, country, theme, source, status] = total;
        Ok(Facets {
            lang,
            country,
            theme,
            source,
            status,
        })
    }
}

impl SegmentCollector for FacetsSegmentCollector {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in self.columns.iter().zip(&mut self.counts) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(n) = counts.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out: Counts = Default::default();
        for ((column, counts), into) in self.columns.iter().zip(self.counts).zip(&mut out) {
            let Some(column) = column else { continue };
            let mut value = String::new();
            for (ord, n) in counts.into_iter().enumerate() {
                if n == 0 {
                    continue;
                }
                value.clear();
                // An ordinal read from the column is always in its dictionary.
                if matches!(column.ord_to_str(ord as u64, &mut value), Ok(true)) {
                    *into.entry(value.clone()).or_insert(0) += n;
                }
            }
        }
        out
    }
}
