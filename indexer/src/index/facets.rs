//! The counts over every matching document (not just the page): the facets
//! (`lang`, `country`, `theme`, `source`, `status`), the month histogram
//! (matches per month of publication, and per month and theme, language or
//! country: [`HistogramBy`]), the matches and their distinct near-duplicate
//! groups. Facets and the histogram count items, every member of a
//! duplicate group included; the total of a search counts groups.
//!
//! A broad search counts hundreds of thousands of matches, so what a match
//! costs is made as small as it can be. Each segment's documents are read
//! once from their fast fields into a [`SegmentTable`] (a segment never
//! changes: a commit adds segments, a merge replaces some), where a
//! document is one row of numbers read together: its month, the set of
//! its languages, of its countries, of its themes and of its statuses
//! (each set numbered per segment: a segment has a few thousand), its
//! source and its group (numbered across the whole index). Counting a
//! match is then a few increments in small arrays (per month and set) and
//! one bit for its group; the values are named once per segment, at the
//! end. The tables are read the first time a search meets a segment
//! ([`Tables::of`]; a server reads them at start and at each commit) and
//! dropped with it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema;
use crate::search::{top_values, Facets, HistogramBy, OTHER};

/// The fields of a combination's set, in this order.
const SET_FIELDS: [&str; 4] = [schema::LANG, schema::COUNTRY, schema::THEME, schema::STATUS];
const LANG: usize = 0;
const COUNTRY: usize = 1;
const THEME: usize = 2;
const STATUS: usize = 3;

/// The fields [`HistogramBy`] splits the months by (indexes into
/// [`SET_FIELDS`]), in its order: theme, language, country.
const STACKED: [usize; 3] = [THEME, LANG, COUNTRY];

/// No set numbered yet for an ordinal (see `SetIds`).
const NONE: u32 = u32::MAX;

/// A row's source: none.
const NO_SOURCE: u16 = u16::MAX;
/// A row's source: in [`SegmentTable::more_sources`] (several sources,
/// which none is written with, or one whose ordinal is [`NARROW`] or
/// more).
const MORE_SOURCES: u16 = u16::MAX - 1;

/// The month and set numbers a [`Row`] holds in 16 bits: below this. A
/// document with a larger one (a segment with more than 65,000 distinct
/// sets of themes) has `month` [`WIDE`] and its numbers in
/// [`SegmentTable::wide`]. Low in tests, so that they go both ways.
const NARROW: u32 = if cfg!(test) { 3 } else { u16::MAX as u32 - 2 };
/// A row's month: its numbers are in [`SegmentTable::wide`].
const WIDE: u16 = u16::MAX;

const SECONDS_PER_DAY: i64 = 86_400;

/// The tables of the segments searched recently, and the numbering of
/// groups they share. Shared by every search of an [`super::Index`].
#[derive(Default)]
pub(crate) struct Tables {
    inner: Mutex<TablesInner>,
}

#[derive(Default)]
struct TablesInner {
    segments: HashMap<SegmentId, Arc<SegmentTable>>,
    /// Group key → group number, for every group a table has met.
    groups: FxHashMap<u64, u32>,
    /// The values of each facet field ([`SET_FIELDS`], then the source),
    /// numbered across the index, so that counts are summed by number and
    /// named once per search.
    names: [Numbering<String>; 5],
    /// The months met, numbered the same way.
    months: Numbering<i64>,
    /// Bumped when the group numbering starts again: a table read before
    /// is not numbered after.
    epoch: u64,
    /// The newest searcher generation met: only its segments are kept.
    generation: u64,
}

/// Values numbered in the order they are met: the numbers of the tables
/// read so far, each value's number its place in `values` (shared with the
/// searches that read them; copied when a new value comes).
struct Numbering<T> {
    numbers: FxHashMap<T, u32>,
    values: Arc<Vec<T>>,
}

impl<T> Default for Numbering<T> {
    fn default() -> Self {
        Numbering {
            numbers: FxHashMap::default(),
            values: Arc::new(Vec::new()),
        }
    }
}

impl<T: Clone + Eq + std::hash::Hash> Numbering<T> {
    fn number(&mut self, value: &T) -> u32 {
        if let Some(&n) = self.numbers.get(value) {
            return n;
        }
        let n = self.values.len() as u32;
        Arc::make_mut(&mut self.values).push(value.clone());
        self.numbers.insert(value.clone(), n);
        n
    }
}

/// The tables of one searcher's segments, in its segment order.
pub(crate) struct SearchTables {
    segments: Vec<Arc<SegmentTable>>,
    /// How many group numbers there are.
    groups: usize,
    /// Each facet field's values by number (see [`TablesInner::names`]).
    names: [Arc<Vec<String>>; 5],
    /// The months by number.
    months: Arc<Vec<i64>>,
}

impl SearchTables {
    /// The table of the search's segment `ord` (in its searcher's order).
    pub(crate) fn segment(&self, ord: SegmentOrdinal) -> Option<&SegmentTable> {
        self.segments.get(ord as usize).map(|table| &**table)
    }

    /// The table of a segment of the search (an error for a segment the
    /// tables were not read for: a search's tables are its searcher's).
    pub(crate) fn table_for(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
        self.segments
            .iter()
            .find(|t| t.id == reader.segment_id() && t.rows.len() == reader.max_doc() as usize)
            .cloned()
            .ok_or_else(|| {
                tantivy::TantivyError::InternalError(format!(
                    "no table for segment {} of the search",
                    reader.segment_id().short_uuid_string()
                ))
            })
    }
}

impl SegmentTable {
    /// A document's group number, the same for every member of its group
    /// across the index's tables.
    #[inline]
    pub(crate) fn group(&self, doc: DocId) -> Option<u32> {
        self.rows.get(doc as usize).map(|row| row.group)
    }

    /// A document's publication time in seconds, `i64::MIN` when undated.
    #[inline]
    pub(crate) fn published(&self, doc: DocId) -> i64 {
        self.published
            .get(doc as usize)
            .copied()
            .unwrap_or(i64::MIN)
    }

    /// A document's candidate score.
    #[inline]
    pub(crate) fn score(&self, doc: DocId) -> f64 {
        self.scores.get(doc as usize).copied().unwrap_or(0.0)
    }
}

impl Tables {
    fn lock(&self) -> std::sync::MutexGuard<'_, TablesInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many segments' tables are held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().segments.len()
    }

    /// Whether a search has read tables (the index serves searches).
    pub(crate) fn in_use(&self) -> bool {
        !self.lock().segments.is_empty()
    }

    /// The tables of `searcher`'s segments, each read the first time it is
    /// met. A segment's table is read without holding the lock (a large
    /// merged segment takes a third of a second a million documents), so
    /// searches over segments already read do not wait for it; only the
    /// numbering of its groups is done under the lock. The newest
    /// searcher's call drops the tables of segments it no longer has.
    pub(crate) fn of(&self, searcher: &tantivy::Searcher) -> tantivy::Result<Arc<SearchTables>> {
        let readers = searcher.segment_readers();
        let generation = searcher.generation().generation_id();
        loop {
            let (epoch, missing) = {
                let mut inner = self.lock();
                if generation >= inner.generation {
                    inner.generation = generation;
                    let live: HashSet<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
                    inner.segments.retain(|id, _| live.contains(id));
                    // Groups of merged-away or changed documents keep
                    // their numbers; once they are most of the numbering,
                    // it starts again.
                    let docs: usize = readers.iter().map(|r| r.max_doc() as usize).sum();
                    if inner.groups.len() > 2 * docs + 10_000 {
                        inner.groups.clear();
                        inner.names = Default::default();
                        inner.months = Numbering::default();
                        inner.segments.clear();
                        inner.epoch += 1;
                    }
                }
                let missing: Vec<&SegmentReader> = readers
                    .iter()
                    .filter(|r| !inner.segments.contains_key(&r.segment_id()))
                    .collect();
                if missing.is_empty() {
                    let segments = readers
                        .iter()
                        .filter_map(|r| inner.segments.get(&r.segment_id()).cloned())
                        .collect();
                    return Ok(Arc::new(SearchTables {
                        segments,
                        groups: inner.groups.len(),
                        names: std::array::from_fn(|f| inner.names[f].values.clone()),
                        months: inner.months.values.clone(),
                    }));
                }
                (inner.epoch, missing)
            };
            let read = missing
                .into_iter()
                .map(|reader| Ok((reader.segment_id(), SegmentTable::read(reader)?)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let mut inner = self.lock();
            if inner.epoch != epoch {
                continue;
            }
            for (id, mut table) in read {
                if !inner.segments.contains_key(&id) {
                    table.number(&mut inner);
                    inner.segments.insert(id, Arc::new(table));
                }
            }
        }
    }
}

/// One segment's documents as numbers (see the module's documentation).
pub(crate) struct SegmentTable {
    id: SegmentId,
    /// Per document, in document order.
    rows: Vec<Row>,
    /// Per document, its publication time (seconds; `i64::MIN` when
    /// undated) and its candidate score: the keys of the date and score
    /// sorts, read here rather than from their columns.
    published: Vec<i64>,
    scores: Vec<f64>,
    /// Per document, its group key, until [`SegmentTable::number`].
    keys: Vec<u64>,
    more_sources: FxHashMap<DocId, Vec<u32>>,
    /// The month and sets of a document whose row cannot hold them (see
    /// [`NARROW`]).
    wide: FxHashMap<DocId, (u32, [u32; 4])>,
    /// Months as `year * 12 + month - 1`, until [`SegmentTable::number`];
    /// a document's `month` is 0 when undated, else its month's index here
    /// plus one.
    months: Vec<i64>,
    /// Per field of [`SET_FIELDS`], its sets: each a list of ordinals.
    sets: [Vec<Vec<u32>>; 4],
    /// Per field of [`SET_FIELDS`] and the source ([`SOURCE`]), each
    /// ordinal's value, until [`SegmentTable::number`].
    names: [Vec<String>; 5],
    /// Per field of [`SET_FIELDS`] and the source, each ordinal's number
    /// across the index ([`TablesInner::names`]).
    numbers: [Vec<u32>; 5],
    /// Each month's number across the index, in the order `months` had.
    month_numbers: Vec<u32>,
}

/// The source's place among [`SegmentTable::names`] and the facets, after
/// [`SET_FIELDS`].
const SOURCE: usize = 4;

/// One document: its group's number, its month (see
/// [`SegmentTable::months`]; [`WIDE`]), the set of each of [`SET_FIELDS`]
/// it has, and its source ([`NO_SOURCE`], [`MORE_SOURCES`]). Read together
/// on every match, and counting is bound by reading them: 16 bytes, four
/// to a cache line (the same in 32-bit numbers took 10% more time).
#[derive(Clone, Copy)]
struct Row {
    group: u32,
    month: u16,
    sets: [u16; 4],
    source: u16,
}

/// Numbers the distinct sets of one field's ordinals. A single ordinal (a
/// document's one language) is looked up in an array, not hashed.
#[derive(Default)]
struct SetIds {
    single: Vec<u32>,
    many: FxHashMap<Vec<u32>, u32>,
    sets: Vec<Vec<u32>>,
}

impl SetIds {
    fn id(&mut self, ords: &[u32]) -> u32 {
        if let [ord] = ords {
            if let Some(&id) = self.single.get(*ord as usize).filter(|id| **id != NONE) {
                return id;
            }
        } else if let Some(&id) = self.many.get(ords) {
            return id;
        }
        let id = self.sets.len() as u32;
        self.sets.push(ords.to_vec());
        match ords {
            [ord] => {
                let ord = *ord as usize;
                if self.single.len() <= ord {
                    self.single.resize(ord + 1, NONE);
                }
                self.single[ord] = id;
            }
            _ => {
                self.many.insert(ords.to_vec(), id);
            }
        }
        id
    }
}

impl SegmentTable {
    /// Gives each document its group's number, and each value and month
    /// its number, shared by every table of the index.
    fn number(&mut self, inner: &mut TablesInner) {
        let groups = &mut inner.groups;
        for (row, key) in self.rows.iter_mut().zip(std::mem::take(&mut self.keys)) {
            let next = groups.len() as u32;
            row.group = *groups.entry(key).or_insert(next);
        }
        let names = std::mem::take(&mut self.names);
        for ((numbers, names), numbering) in
            self.numbers.iter_mut().zip(names).zip(&mut inner.names)
        {
            *numbers = names.iter().map(|name| numbering.number(name)).collect();
        }
        self.month_numbers = std::mem::take(&mut self.months)
            .iter()
            .map(|month| inner.months.number(month))
            .collect();
    }

    /// Reads a segment's table; its groups, values and months are numbered
    /// afterwards ([`SegmentTable::number`]).
    fn read(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let fast = reader.fast_fields();
        let columns = SET_FIELDS
            .iter()
            .map(|name| fast.str(name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let sources = fast.str(schema::SOURCE)?;
        let published: Option<Column<tantivy::DateTime>> = fast.column_opt(schema::PUBLISHED)?;
        let keys: Option<Column<u64>> = fast.column_opt(schema::GROUP_KEY)?;
        let score_column: Option<Column<f64>> = fast.column_opt(schema::SCORE)?;
        let max_doc = reader.max_doc();
        let mut published_secs = Vec::with_capacity(max_doc as usize);
        let mut scores = Vec::with_capacity(max_doc as usize);
        let mut rows = Vec::with_capacity(max_doc as usize);
        let mut more_sources = FxHashMap::default();
        let mut wide = FxHashMap::default();
        let mut months = Vec::new();
        let mut month_ids: FxHashMap<i64, u32> = FxHashMap::default();
        let mut last_day: Option<(i64, u32)> = None;
        let mut set_ids: [SetIds; 4] = Default::default();
        let mut ords: Vec<u32> = Vec::new();
        let mut keys_read = Vec::with_capacity(max_doc as usize);
        for doc in 0..max_doc {
            let date = published.as_ref().and_then(|c| c.first(doc));
            published_secs.push(date.map_or(i64::MIN, |d| d.into_timestamp_secs()));
            scores.push(
                score_column
                    .as_ref()
                    .and_then(|c| c.first(doc))
                    .unwrap_or(0.0),
            );
            let month = match date {
                None => 0,
                Some(date) => {
                    let day = date.into_timestamp_secs().div_euclid(SECONDS_PER_DAY);
                    match last_day {
                        Some((last, id)) if last == day => id,
                        _ => {
                            let month = month_of_day(day);
                            let id = *month_ids.entry(month).or_insert_with(|| {
                                months.push(month);
                                months.len() as u32
                            });
                            last_day = Some((day, id));
                            id
                        }
                    }
                }
            };
            let mut sets = [0; 4];
            for ((set, column), ids) in sets.iter_mut().zip(&columns).zip(&mut set_ids) {
                ords.clear();
                if let Some(column) = column {
                    ords.extend(column.term_ords(doc).map(|ord| ord as u32));
                }
                *set = ids.id(&ords);
            }
            ords.clear();
            if let Some(column) = &sources {
                ords.extend(column.term_ords(doc).map(|ord| ord as u32));
            }
            let source = match ords.as_slice() {
                [] => NO_SOURCE,
                [ord] if *ord < NARROW => *ord as u16,
                _ => {
                    more_sources.insert(doc, ords.clone());
                    MORE_SOURCES
                }
            };
            let narrow = month < NARROW && sets.iter().all(|set| *set < NARROW);
            if !narrow {
                wide.insert(doc, (month, sets));
            }
            // A document without a key (none are written so) is its own
            // group.
            let key = keys
                .as_ref()
                .and_then(|c| c.first(doc))
                .unwrap_or(u64::MAX - u64::from(doc));
            keys_read.push(key);
            rows.push(Row {
                group: 0,
                month: if narrow { month as u16 } else { WIDE },
                sets: sets.map(|set| if narrow { set as u16 } else { 0 }),
                source,
            });
        }
        Ok(SegmentTable {
            id: reader.segment_id(),
            rows,
            published: published_secs,
            scores,
            keys: keys_read,
            more_sources,
            wide,
            months,
            sets: set_ids.map(|ids| ids.sets),
            names: std::array::from_fn(|f| {
                let column = if f == SOURCE { &sources } else { &columns[f] };
                column.as_ref().map(all_values).unwrap_or_default()
            }),
            numbers: Default::default(),
            month_numbers: Vec::new(),
        })
    }
}

/// Every value of a column's dictionary, in ordinal order, read in one
/// pass (looking each ordinal up alone decompresses its block again).
fn all_values(column: &StrColumn) -> Vec<String> {
    let mut values = Vec::with_capacity(column.num_terms());
    let _all_found =
        column
            .dictionary()
            .sorted_ords_to_term_cb(0..column.num_terms() as u64, |bytes| {
                values.push(String::from_utf8_lossy(bytes).into_owned());
                Ok(())
            });
    values
}

/// Everything a search counts besides its top documents.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counted {
    pub(crate) groups: GroupCounts,
    // Shared with every answer that gives them, not copied.
    pub(crate) facets: Arc<Facets>,
    pub(crate) histogram: Arc<BTreeMap<String, u64>>,
    pub(crate) histogram_by: Arc<HistogramBy>,
}

/// The matches and their distinct near-duplicate groups.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupCounts {
    pub(crate) items: u64,
    pub(crate) groups: u64,
}

/// Counts the matching documents from the tables of their segments.
pub(crate) struct CountsCollector {
    pub(crate) tables: Arc<SearchTables>,
}

/// Counts per month row (0: undated) and set.
enum Matrix {
    /// `months + 1` rows of `width` counts.
    Dense { width: usize, counts: Vec<u32> },
    /// For a segment whose rows × sets would take too much memory.
    Sparse(FxHashMap<(u32, u32), u32>),
}

/// The most counts a [`Matrix`] keeps dense (16 MiB).
const DENSE_MATRIX: usize = 1 << 22;

impl Matrix {
    fn new(rows: usize, width: usize) -> Matrix {
        match rows.checked_mul(width).filter(|n| *n <= DENSE_MATRIX) {
            Some(n) => Matrix::Dense {
                width,
                counts: vec![0; n],
            },
            None => Matrix::Sparse(FxHashMap::default()),
        }
    }

    #[inline]
    fn add(&mut self, row: u32, set: u32) {
        match self {
            Matrix::Dense { width, counts } => {
                if let Some(n) = counts.get_mut(row as usize * *width + set as usize) {
                    *n += 1;
                }
            }
            Matrix::Sparse(counts) => *counts.entry((row, set)).or_insert(0) += 1,
        }
    }

    /// Every count above zero: (row, set, count).
    fn each(&self, mut f: impl FnMut(u32, u32, u64)) {
        match self {
            Matrix::Dense { width, counts } => {
                if *width == 0 {
                    return;
                }
                // Row by row: no division per cell.
                for (row, cells) in counts.chunks_exact(*width).enumerate() {
                    for (set, &n) in cells.iter().enumerate() {
                        if n > 0 {
                            f(row as u32, set as u32, u64::from(n));
                        }
                    }
                }
            }
            Matrix::Sparse(counts) => {
                for (&(row, set), &n) in counts {
                    f(row, set, u64::from(n));
                }
            }
        }
    }
}

pub(crate) struct CountsSegmentCollector {
    table: Arc<SegmentTable>,
    items: u64,
    /// Per field of [`SET_FIELDS`], per month row and set, its matches.
    matrices: [Matrix; 4],
    /// Per source ordinal, its matches.
    sources: Vec<u64>,
    /// One bit per group number: the groups met.
    groups: Vec<u64>,
    /// How many values each facet field has across the index.
    values: [usize; 5],
}

/// What one segment counts, by the index-wide numbers of its values and
/// months (named once per search, in [`CountsCollector::merge_fruits`]).
pub(crate) struct SegmentCounts {
    items: u64,
    groups: Vec<u64>,
    /// Per facet field (lang, country, theme, status, source), per value's
    /// number.
    facets: [Vec<u64>; 5],
    /// Per month's number, its matches.
    months: Vec<(u32, u64)>,
    /// Per stacked field: (month's number, value's number, matches).
    by: [Vec<(u32, u32, u64)>; 3],
}

impl Collector for CountsCollector {
    type Fruit = Counted;
    type Child = CountsSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CountsSegmentCollector> {
        let table = self.tables.table_for(reader)?;
        let rows = table.month_numbers.len() + 1;
        Ok(CountsSegmentCollector {
            items: 0,
            // Only the stacked fields need their months; status has one row.
            matrices: std::array::from_fn(|f| {
                Matrix::new(if f == STATUS { 1 } else { rows }, table.sets[f].len())
            }),
            sources: vec![0; table.numbers[SOURCE].len()],
            groups: vec![0; self.tables.groups.div_ceil(64)],
            values: std::array::from_fn(|f| self.tables.names[f].len()),
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentCounts>) -> tantivy::Result<Counted> {
        let tables = &*self.tables;
        let mut items = 0;
        let mut groups: Vec<u64> = Vec::new();
        let mut facets: [Vec<u64>; 5] = std::array::from_fn(|f| vec![0; tables.names[f].len()]);
        let mut per_month = vec![0u64; tables.months.len()];
        // Per stacked field, a row of its values' counts per month (by
        // number): summed in an array, not a map, as each segment gives
        // thousands.
        let width = |k: usize| tables.names[STACKED[k]].len();
        let mut by: [Vec<u64>; 3] =
            std::array::from_fn(|k| vec![0; tables.months.len() * width(k)]);
        for segment in segments {
            items += segment.items;
            if groups.is_empty() {
                groups = segment.groups;
            } else {
                for (into, bits) in groups.iter_mut().zip(segment.groups) {
                    *into |= bits;
                }
            }
            for (into, from) in facets.iter_mut().zip(segment.facets) {
                for (into, n) in into.iter_mut().zip(from) {
                    *into += n;
                }
            }
            for (month, n) in segment.months {
                if let Some(into) = per_month.get_mut(month as usize) {
                    *into += n;
                }
            }
            for (k, (into, from)) in by.iter_mut().zip(segment.by).enumerate() {
                for (month, value, n) in from {
                    if (value as usize) < width(k) {
                        if let Some(into) = into.get_mut(month as usize * width(k) + value as usize)
                        {
                            *into += n;
                        }
                    }
                }
            }
        }
        let named = |counts: &[u64], names: &[String]| -> BTreeMap<String, u64> {
            counts
                .iter()
                .zip(names)
                .filter(|(n, _)| **n > 0)
                .map(|(n, name)| (name.clone(), *n))
                .collect()
        };
        let [lang, country, theme, status, source] =
            std::array::from_fn(|f| named(&facets[f], &tables.names[f]));
        let [theme_by, lang_by, country_by] = std::array::from_fn(|k| {
            keep_top_values(&by[k], &tables.names[STACKED[k]], &tables.months)
        });
        Ok(Counted {
            groups: GroupCounts {
                items,
                groups: groups.iter().map(|w| u64::from(w.count_ones())).sum(),
            },
            facets: Arc::new(Facets {
                lang,
                country,
                theme,
                source,
                status,
            }),
            histogram: Arc::new(
                per_month
                    .iter()
                    .zip(tables.months.iter())
                    .filter(|(n, _)| **n > 0)
                    .map(|(n, month)| (month_name(*month), *n))
                    .collect(),
            ),
            histogram_by: Arc::new(HistogramBy {
                theme: theme_by,
                lang: lang_by,
                country: country_by,
            }),
        })
    }
}

/// Month → value → count from `counts`, a row of every value's count (by
/// number) per month (by number): the values [`top_values`] keeps apart,
/// the others of each month summed as [`OTHER`]; what
/// [`crate::search::keep_top_values`] does with names, done with numbers
/// and naming only what is kept.
fn keep_top_values(
    counts: &[u64],
    names: &[String],
    months: &[i64],
) -> BTreeMap<String, BTreeMap<String, u64>> {
    let width = names.len();
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    if width == 0 {
        return out;
    }
    let mut totals = vec![0u64; width];
    for row in counts.chunks_exact(width) {
        for (total, n) in totals.iter_mut().zip(row) {
            *total += n;
        }
    }
    let name = |value: usize| names.get(value).map_or("", String::as_str);
    let mut kept = vec![false; width];
    let ranked = totals
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(value, n)| (value, name(value), *n));
    for value in top_values(ranked) {
        kept[value] = true;
    }
    for (row, &month) in counts.chunks_exact(width).zip(months) {
        if row.iter().all(|n| *n == 0) {
            continue;
        }
        let stack = out.entry(month_name(month)).or_default();
        for (value, &n) in row.iter().enumerate().filter(|(_, n)| **n > 0) {
            let key = if kept[value] { name(value) } else { OTHER };
            *stack.entry(key.to_string()).or_insert(0) += n;
        }
    }
    out
}

impl SegmentCollector for CountsSegmentCollector {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(row) = self.table.rows.get(doc as usize) else {
            return;
        };
        self.items += 1;
        let (month, sets) = match row.month {
            WIDE => self.table.wide.get(&doc).copied().unwrap_or_default(),
            month => (u32::from(month), row.sets.map(u32::from)),
        };
        for (f, matrix) in self.matrices.iter_mut().enumerate() {
            let month = if f == STATUS { 0 } else { month };
            matrix.add(month, sets[f]);
        }
        match row.source {
            NO_SOURCE => {}
            MORE_SOURCES => {
                for &ord in self.table.more_sources.get(&doc).into_iter().flatten() {
                    if let Some(n) = self.sources.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
            ord => {
                if let Some(n) = self.sources.get_mut(usize::from(ord)) {
                    *n += 1;
                }
            }
        }
        if let Some(word) = self.groups.get_mut(row.group as usize / 64) {
            *word |= 1 << (row.group % 64);
        }
    }

    fn harvest(self) -> SegmentCounts {
        let table = &*self.table;
        let mut dense: [Vec<u64>; 4] = std::array::from_fn(|f| vec![0; table.numbers[f].len()]);
        let mut months = vec![0u64; table.month_numbers.len()];
        // Per stacked field, per month and ordinal: numbered at the end.
        let mut stacked: [Vec<u64>; 3] = std::array::from_fn(|k| {
            vec![0; table.month_numbers.len() * table.numbers[STACKED[k]].len()]
        });
        for (f, matrix) in self.matrices.iter().enumerate() {
            let k = STACKED.iter().position(|s| *s == f);
            let width = table.numbers[f].len();
            let ords_of = |set: usize| table.sets[f].get(set).map_or(&[][..], Vec::as_slice);
            // Each set's matches over the months, spread over its values
            // once at the end rather than cell by cell.
            let mut per_set = vec![0u64; table.sets[f].len()];
            matrix.each(|row, set, n| {
                if let Some(total) = per_set.get_mut(set as usize) {
                    *total += n;
                }
                // Row 0 is the undated documents'.
                let Some(month) = (row as usize).checked_sub(1) else {
                    return;
                };
                // Every document has one language set (maybe empty): the
                // months are counted from it.
                if f == LANG {
                    if let Some(m) = months.get_mut(month) {
                        *m += n;
                    }
                }
                if let Some(k) = k {
                    for &ord in ords_of(set as usize) {
                        if let Some(c) = stacked[k].get_mut(month * width + ord as usize) {
                            *c += n;
                        }
                    }
                }
            });
            for (set, &n) in per_set.iter().enumerate().filter(|(_, n)| **n > 0) {
                for &ord in ords_of(set) {
                    if let Some(c) = dense[f].get_mut(ord as usize) {
                        *c += n;
                    }
                }
            }
        }
        // Segment ordinals to the index's numbers.
        let mut facets: [Vec<u64>; 5] = std::array::from_fn(|f| vec![0; self.values[f]]);
        let local = dense.iter().map(Vec::as_slice).chain([&self.sources[..]]);
        for ((into, counts), numbers) in facets.iter_mut().zip(local).zip(&table.numbers) {
            for (&n, &number) in counts.iter().zip(numbers) {
                if let Some(into) = into.get_mut(number as usize) {
                    *into += n;
                }
            }
        }
        let month_number = |month: usize| table.month_numbers.get(month).copied();
        let by = std::array::from_fn(|k| {
            let numbers = &table.numbers[STACKED[k]];
            let mut by = Vec::new();
            if numbers.is_empty() {
                return by;
            }
            for (i, &n) in stacked[k].iter().enumerate() {
                if n > 0 {
                    if let (Some(month), Some(&value)) = (
                        month_number(i / numbers.len()),
                        numbers.get(i % numbers.len()),
                    ) {
                        by.push((month, value, n));
                    }
                }
            }
            by
        });
        SegmentCounts {
            items: self.items,
            groups: self.groups,
            facets,
            months: months
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .filter_map(|(month, n)| Some((month_number(month)?, *n)))
                .collect(),
            by,
        }
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
