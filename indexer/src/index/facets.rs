//! Facet counts over every matching document (not just the page): a
//! collector that reads the term ordinals of the `lang`, `country`, `theme`,
//! `source` and `status` fast fields of each match, counts them per segment,
//! and turns ordinals into values once per segment at the end. Beside it,
//! [`HistogramCollector`] (matches per month of publication, and per month
//! and theme, language or country) and
//! [`GroupsCollector`] (matches and distinct near-duplicate groups). Facets
//! and the histogram count items, every member of a duplicate group
//! included; the total of a search counts groups.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, TimeZone, Utc};
use tantivy::columnar::Column;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema;
use crate::search::{keep_top_values, Facets, HistogramBy};

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

/// Counts the matching documents per month of publication (UTC), as
/// `"YYYY-MM"`, and per month and value of the theme, language and country
/// fields ([`HistogramBy`]); undated documents are not counted.
pub(crate) struct HistogramCollector;

/// The fields [`HistogramBy`] splits the months by, in its order.
const STACKED_FIELDS: [&str; 3] = [schema::THEME, schema::LANG, schema::COUNTRY];

pub(crate) struct HistogramSegmentCollector {
    published: Option<Column<tantivy::DateTime>>,
    /// Per day since 1970-01-01.
    days: HashMap<i64, u64>,
    /// The stacked fields' columns, in the order of [`STACKED_FIELDS`].
    columns: Vec<Option<StrColumn>>,
    /// Per stacked field, the count per (day, term ordinal).
    by: Vec<HashMap<(i64, u64), u64>>,
}

/// What one segment counts: per day, and per stacked field per (day, value).
type SegmentHistogram = (HashMap<i64, u64>, Vec<HashMap<(i64, String), u64>>);

const SECONDS_PER_DAY: i64 = 86_400;

impl Collector for HistogramCollector {
    type Fruit = (BTreeMap<String, u64>, HistogramBy);
    type Child = HistogramSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<HistogramSegmentCollector> {
        let columns = STACKED_FIELDS
            .iter()
            .map(|name| reader.fast_fields().str(name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(HistogramSegmentCollector {
            published: reader.fast_fields().column_opt(schema::PUBLISHED)?,
            days: HashMap::new(),
            by: vec![HashMap::new(); columns.len()],
            columns,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<SegmentHistogram>,
    ) -> tantivy::Result<(BTreeMap<String, u64>, HistogramBy)> {
        let mut per_month: HashMap<String, u64> = HashMap::new();
        let mut by: Vec<BTreeMap<String, HashMap<String, u64>>> =
            vec![BTreeMap::new(); STACKED_FIELDS.len()];
        for (days, fields) in segments {
            for (day, n) in days {
                if let Some(month) = month_of(day) {
                    *per_month.entry(month).or_insert(0) += n;
                }
            }
            for (into, counts) in by.iter_mut().zip(fields) {
                for ((day, value), n) in counts {
                    if let Some(month) = month_of(day) {
                        *into.entry(month).or_default().entry(value).or_insert(0) += n;
                    }
                }
            }
        }
        let mut stacked = by.into_iter().map(keep_top_values);
        let histogram_by = HistogramBy {
            theme: stacked.next().unwrap_or_default(),
            lang: stacked.next().unwrap_or_default(),
            country: stacked.next().unwrap_or_default(),
        };
        Ok((per_month.into_iter().collect(), histogram_by))
    }
}

/// `"YYYY-MM"` of a day since 1970-01-01 (UTC).
fn month_of(day: i64) -> Option<String> {
    let date = Utc.timestamp_opt(day * SECONDS_PER_DAY, 0).single()?;
    Some(format!("{:04}-{:02}", date.year(), date.month()))
}

impl SegmentCollector for HistogramSegmentCollector {
    type Fruit = SegmentHistogram;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(date) = self.published.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        let day = date.into_timestamp_secs().div_euclid(SECONDS_PER_DAY);
        *self.days.entry(day).or_insert(0) += 1;
        for (column, counts) in self.columns.iter().zip(&mut self.by) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    *counts.entry((day, ord)).or_insert(0) += 1;
                }
            }
        }
    }

    fn harvest(self) -> SegmentHistogram {
        let mut by = Vec::with_capacity(self.by.len());
        for (column, counts) in self.columns.iter().zip(self.by) {
            let mut values: HashMap<(i64, String), u64> = HashMap::new();
            if let Some(column) = column {
                let mut value = String::new();
                for ((day, ord), n) in counts {
                    value.clear();
                    if matches!(column.ord_to_str(ord, &mut value), Ok(true)) {
                        *values.entry((day, value.clone())).or_insert(0) += n;
                    }
                }
            }
            by.push(values);
        }
        (self.days, by)
    }
}

/// Counts the matching documents and their distinct near-duplicate groups
/// (by `group_key`).
pub(crate) struct GroupsCollector;

/// What [`GroupsCollector`] counts.
#[derive(Debug, Default)]
pub(crate) struct GroupCounts {
    pub(crate) items: u64,
    pub(crate) groups: u64,
}

pub(crate) struct GroupsSegmentCollector {
    keys: Option<Column<u64>>,
    items: u64,
    groups: HashSet<u64>,
}

impl Collector for GroupsCollector {
    type Fruit = GroupCounts;
    type Child = GroupsSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GroupsSegmentCollector> {
        Ok(GroupsSegmentCollector {
            keys: reader.fast_fields().column_opt(schema::GROUP_KEY)?,
            items: 0,
            groups: HashSet::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<(u64, HashSet<u64>)>) -> tantivy::Result<GroupCounts> {
        let mut items = 0;
        let mut all: HashSet<u64> = HashSet::new();
        for (n, groups) in segments {
            items += n;
            if all.is_empty() {
                all = groups;
            } else {
                all.extend(groups);
            }
        }
        Ok(GroupCounts {
            items,
            groups: all.len() as u64,
        })
    }
}

impl SegmentCollector for GroupsSegmentCollector {
    type Fruit = (u64, HashSet<u64>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.items += 1;
        // A document without a key (none are written so) is its own group.
        let key = self
            .keys
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(u64::MAX - u64::from(doc));
        self.groups.insert(key);
    }

    fn harvest(self) -> (u64, HashSet<u64>) {
        (self.items, self.groups)
    }
}
