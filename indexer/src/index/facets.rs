//! Facet counts over every matching document (not just the page): a
//! collector that reads the term ordinals of the `lang`, `country`, `theme`,
//! `source` and `status` fast fields of each match, counts them per segment,
//! and turns ordinals into values once per segment at the end. Beside it,
//! [`HistogramCollector`] (matches per month of publication, and per month
//! and theme, language or country) and
//! [`GroupsCollector`] (matches and distinct near-duplicate groups). Facets
//! and the histogram count items, every member of a duplicate group
//! included; the total of a search counts groups.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashSet;

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
            let ords: Vec<u64> = (0..counts.len() as u64)
                .filter(|&ord| counts[ord as usize] > 0)
                .collect();
            for (ord, value) in ords.iter().zip(values_of(column, &ords)) {
                *into.entry(value).or_insert(0) += counts[*ord as usize];
            }
        }
        out
    }
}

/// The values of `ords` (sorted), read in one pass over the column's
/// dictionary: looking each ordinal up alone decompresses its block again
/// (with a new zstd context), which at a thousand sources was most of a
/// broad search's time. An ordinal read from the column is always in its
/// dictionary; were one not, the values stop before it.
fn values_of(column: &StrColumn, ords: &[u64]) -> Vec<String> {
    let mut values = Vec::with_capacity(ords.len());
    let _all_found = column
        .dictionary()
        .sorted_ords_to_term_cb(ords.iter().copied(), |bytes| {
            values.push(String::from_utf8_lossy(bytes).into_owned());
            Ok(())
        });
    values
}

/// Counts the matching documents per month of publication (UTC), as
/// `"YYYY-MM"`, and per month and value of the theme, language and country
/// fields ([`HistogramBy`]); undated documents are not counted.
pub(crate) struct HistogramCollector;

/// The fields [`HistogramBy`] splits the months by, in its order.
const STACKED_FIELDS: [&str; 3] = [schema::THEME, schema::LANG, schema::COUNTRY];

pub(crate) struct HistogramSegmentCollector {
    published: Option<Column<tantivy::DateTime>>,
    /// The stacked fields' columns, in the order of [`STACKED_FIELDS`].
    columns: Vec<Option<StrColumn>>,
    /// Where each field's ordinals start in a month's counts, and the
    /// counts' length.
    offsets: Vec<usize>,
    width: usize,
    /// Per month seen (`year * 12 + month - 1`), its count and the count
    /// of every ordinal of every stacked field: one lookup per document,
    /// and the month of the document before tried first (documents come in
    /// runs of nearby dates).
    months: Vec<(i64, u64, Vec<u64>)>,
    slots: HashMap<i64, usize>,
    last: usize,
    /// The day of the document before and its month.
    last_day: Option<(i64, i64)>,
}

/// What one segment counts: per month, and per stacked field per month per
/// value (months as `year * 12 + month - 1`: named once, when merged).
type SegmentHistogram = (Vec<(i64, u64)>, [BTreeMap<i64, HashMap<String, u64>>; 3]);

/// `"YYYY-MM"` → value → count.
type MonthValues = BTreeMap<String, HashMap<String, u64>>;

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
        let mut offsets = Vec::with_capacity(columns.len());
        let mut width = 0;
        for column in &columns {
            offsets.push(width);
            width += column.as_ref().map_or(0, |c| c.num_terms());
        }
        Ok(HistogramSegmentCollector {
            published: reader.fast_fields().column_opt(schema::PUBLISHED)?,
            columns,
            offsets,
            width,
            months: Vec::new(),
            slots: HashMap::new(),
            last: 0,
            last_day: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<SegmentHistogram>,
    ) -> tantivy::Result<(BTreeMap<String, u64>, HistogramBy)> {
        let mut per_month: BTreeMap<i64, u64> = BTreeMap::new();
        let mut by: [BTreeMap<i64, HashMap<String, u64>>; 3] = Default::default();
        for (months, fields) in segments {
            for (month, n) in months {
                *per_month.entry(month).or_insert(0) += n;
            }
            for (into, months) in by.iter_mut().zip(fields) {
                for (month, values) in months {
                    let into = into.entry(month).or_default();
                    for (value, n) in values {
                        *into.entry(value).or_insert(0) += n;
                    }
                }
            }
        }
        let per_month = per_month
            .into_iter()
            .map(|(month, n)| (month_name(month), n))
            .collect();
        let named = |months: BTreeMap<i64, HashMap<String, u64>>| -> MonthValues {
            months
                .into_iter()
                .map(|(month, values)| (month_name(month), values))
                .collect()
        };
        let [theme, lang, country] = by.map(|months| keep_top_values(named(months)));
        Ok((
            per_month,
            HistogramBy {
                theme,
                lang,
                country,
            },
        ))
    }
}

/// The month (`year * 12 + month - 1`, UTC) of a day since 1970-01-01, by
/// the proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
pub(super) fn month_of_day(day: i64) -> i64 {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year * 12 + month - 1
}

/// `"YYYY-MM"` of a month index.
pub(super) fn month_name(month: i64) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

impl HistogramSegmentCollector {
    /// The slot of `month`'s counts in `months`, made on its first
    /// document.
    fn slot_of(&mut self, month: i64) -> usize {
        if self
            .months
            .get(self.last)
            .is_none_or(|(m, _, _)| *m != month)
        {
            self.last = match self.slots.get(&month) {
                Some(&slot) => slot,
                None => {
                    self.months.push((month, 0, vec![0; self.width]));
                    self.slots.insert(month, self.months.len() - 1);
                    self.months.len() - 1
                }
            };
        }
        self.last
    }
}

impl SegmentCollector for HistogramSegmentCollector {
    type Fruit = SegmentHistogram;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(date) = self.published.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        let day = date.into_timestamp_secs().div_euclid(SECONDS_PER_DAY);
        let month = match self.last_day {
            Some((last, month)) if last == day => month,
            _ => {
                let month = month_of_day(day);
                self.last_day = Some((day, month));
                month
            }
        };
        let slot = self.slot_of(month);
        let (_, n, counts) = &mut self.months[slot];
        *n += 1;
        for (column, offset) in self.columns.iter().zip(&self.offsets) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(n) = counts.get_mut(offset + ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> SegmentHistogram {
        let mut by: [BTreeMap<i64, HashMap<String, u64>>; 3] = Default::default();
        // Each ordinal's value read from the dictionary once, in one pass,
        // not once per month (a dictionary lookup decodes a block).
        let mut names: Vec<Option<String>> = vec![None; self.width];
        for (f, column) in self.columns.iter().enumerate() {
            let Some(column) = column else { continue };
            let start = self.offsets[f];
            let ords: Vec<u64> = (0..column.num_terms() as u64)
                .filter(|&ord| {
                    self.months
                        .iter()
                        .any(|(_, _, c)| c[start + ord as usize] > 0)
                })
                .collect();
            for (ord, value) in ords.iter().zip(values_of(column, &ords)) {
                names[start + *ord as usize] = Some(value);
            }
        }
        for (month, _, counts) in &self.months {
            for (f, column) in self.columns.iter().enumerate() {
                let Some(column) = column else { continue };
                let start = self.offsets[f];
                let end = start + column.num_terms();
                for (i, &n) in counts[start..end].iter().enumerate() {
                    if let (true, Some(name)) = (n > 0, &names[start + i]) {
                        *by[f]
                            .entry(*month)
                            .or_default()
                            .entry(name.clone())
                            .or_insert(0) += n;
                    }
                }
            }
        }
        let months = self.months.iter().map(|(m, n, _)| (*m, *n)).collect();
        (months, by)
    }
}

/// Counts the matching documents and their distinct near-duplicate groups
/// (by `group_key`).
pub(crate) struct GroupsCollector;

/// What [`GroupsCollector`] counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupCounts {
    pub(crate) items: u64,
    pub(crate) groups: u64,
}

pub(crate) struct GroupsSegmentCollector {
    keys: Option<Column<u64>>,
    items: u64,
    /// One insert per match: Fx hashing, as a group key is itself a hash
    /// (SipHash was a tenth of a broad search).
    groups: FxHashSet<u64>,
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
            groups: FxHashSet::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<(u64, FxHashSet<u64>)>) -> tantivy::Result<GroupCounts> {
        let mut items = 0;
        let mut all: FxHashSet<u64> = FxHashSet::default();
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
    type Fruit = (u64, FxHashSet<u64>);

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

    fn harvest(self) -> (u64, FxHashSet<u64>) {
        (self.items, self.groups)
    }
}
