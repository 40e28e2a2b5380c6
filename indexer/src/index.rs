//! The tantivy index, derived from the store, and search over it.
//!
//! The store (SQLite) is the system of record; this index can always be
//! rebuilt from it ([`Index::rebuild`], behind `veille reindex`). One
//! [`Index`] is shared as `Arc<Index>` by the ingestion pipeline (which
//! upserts and commits once per batch) and the search API (which searches
//! concurrently, never blocked by a writer). Every call is synchronous: call
//! it under `spawn_blocking`.
//!
//! # Layout
//! - `schema`: fields, and how an item becomes a document.
//! - `analyzers`: per-language text analysis (stemming, accent folding), all
//!   registered in one place.
//! - `cjk`: the tokenizer that cuts Korean (and other CJK) text into bigrams.
//! - `query`: the user's query string and the filters → a tantivy query
//!   (a query of words and phrases asked once per language's field pair).
//! - `expansion`: SSE concepts of the query → the same concepts in the other
//!   languages (`indexer/data/concepts.tsv`, `themes.tsv`).
//! - `facets`: facet counts, the month histogram (also split by theme,
//!   language and country) and the group count over every matching
//!   document, from per-segment tables of each document's values.
//! - `practices`: full-text search over the practice records (an index in
//!   memory, rebuilt from the store after a write to a record).
//! - `stats_cache`: the counts of recent searches (facets, histograms,
//!   groups), kept while the index does not change.
//! - `snippets`: fragments of the text with the ranges the query matched
//!   (data; the faces render them).
//!
//! Invariants: an item is one document, whose `id` term is deleted before it
//! is added again; a search shows one hit per near-duplicate group (its
//! best-ranked member) and its total counts groups; nothing is visible to
//! searches before [`Index::commit`];
//! a changed analyzer changes the schema (its name is versioned), so an old
//! index is reported, never silently mixed.

mod analyzers;
mod cjk;
mod expansion;
mod facets;
mod phrases;
mod practices;
mod query;
mod schema;
mod snippets;
mod stats_cache;
#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::collector::{Collector, Count, CustomScorer, CustomSegmentScorer, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::index::SegmentComponent;
use tantivy::merge_policy::NoMergePolicy;
use tantivy::query::Query;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::HasLen;
use tantivy::{
    DocAddress, DocSet, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Score,
    SegmentReader, TantivyDocument, TantivyError, Term,
};
use veille_store::{Item, ItemChange, Status, Store};

use crate::search::{Hit, SearchRequest, SearchResults, Sort};
pub use expansion::{Expansion, EXPANSION_BOOST};
use facets::{Counted, CountsCollector, SearchTables};
use schema::Fields;
use snippets::Snippets;

/// Memory of the index writer, shared by its indexing threads.
const WRITER_MEMORY_BYTES: usize = 50_000_000;

/// Deepest result a page may start at.
pub const MAX_OFFSET: usize = 10_000;

/// Most hits on one page.
pub const MAX_PER_PAGE: usize = 100;

/// How many of each segment's decompressed blocks of stored documents (16
/// KiB each) are kept for the next pages: a page's hits are read from them.
/// tantivy keeps 100, which a few large segments (see `merge_into_shares`)
/// outgrow: serving the same searches' pages over and over, 2 segments of
/// 550,000 documents decompressed blocks for 9% of their time.
const DOC_STORE_BLOCKS: usize = 300;

/// Items added between two commits of [`Index::rebuild`] (a few in unit
/// tests, so that a small rebuild leaves segments to merge).
const REBUILD_COMMIT_EVERY: u64 = if cfg!(test) { 4 } else { 100_000 };

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The user's request cannot be run; the message says what to change.
    #[error("{0}")]
    BadQuery(String),
    #[error(
        "index {} was built with another schema (by another version of veille): \
         rebuild it with `veille reindex`",
        dir.display()
    )]
    SchemaMismatch { dir: PathBuf },
    #[error(
        "index {} is in use by another process: stop the other veille \
         (serve, run or reindex) and retry",
        dir.display()
    )]
    Locked { dir: PathBuf },
    #[error("index {}: {source}", dir.display())]
    Open { dir: PathBuf, source: TantivyError },
    #[error("index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error("index {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("no index in {}: run `veille crawl --once` or `veille reindex` first", dir.display())]
    Missing { dir: PathBuf },
    #[error("the index was opened read-only")]
    ReadOnly,
    #[error("reading the store to rebuild the index: {0}")]
    Store(#[from] veille_store::StoreError),
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;

/// The deepest nesting of parentheses accepted in a query. tantivy's query
/// grammar (0.25) takes time exponential in the nesting depth (tantivy issue
/// 2498: each level doubles it; depth 20 takes seconds, depth 500 overflows
/// the stack), so a deeper query is refused before it reaches the parser.
pub const MAX_QUERY_DEPTH: usize = 8;

/// The deepest nesting of parentheses in a query (an escaped `\\(` does not
/// count; an unclosed one does).
pub fn query_nesting_depth(q: &str) -> usize {
    let (mut depth, mut max, mut escaped) = (0usize, 0usize, false);
    for c in q.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// How much of the index's files a server brings into its memory at start
/// ([`Index::prepare_searches`]): the lengths, terms, postings and positions
/// of the searchable fields, in that order, until this many bytes (about
/// 300 MB at a million items; a larger index is read from its files as
/// searches need it).
pub const PRELOADED_BYTES: usize = 512 << 20;

/// The search index. `Send + Sync`: share it as `Arc<Index>`.
pub struct Index {
    fields: Fields,
    parser: query::Parsers,
    reader: IndexReader,
    /// `None` for an index opened read-only.
    writer: Option<Mutex<IndexWriter<TantivyDocument>>>,
    /// The store's change sequence the last commit covers (its payload).
    watermark: AtomicI64,
    /// The practice records' own search index (in memory, derived from the
    /// store; see `practices`).
    practices: practices::PracticeSearch,
    /// The counts of recent searches over the index as it is now.
    stats: stats_cache::StatsCache,
    /// Each segment's documents as the numbers a search counts.
    tables: facets::Tables,
}

/// What a commit records beside the documents (tantivy's commit payload):
/// the store's change sequence it covers.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct CommitPayload {
    change_seq: i64,
}

/// The change sequence recorded by the last commit of `index` (0 when none
/// was recorded: every change of the store is then still to apply).
fn committed_watermark(index: &tantivy::Index) -> Result<i64, TantivyError> {
    let payload = index.load_metas()?.payload;
    Ok(payload
        .and_then(|p| serde_json::from_str::<CommitPayload>(&p).ok())
        .map_or(0, |p| p.change_seq))
}

fn payload_of(change_seq: i64) -> String {
    serde_json::to_string(&CommitPayload { change_seq }).unwrap_or_default()
}

impl Index {
    /// Opens the index in `dir`, creating it if absent. An index built with
    /// another schema is refused with [`IndexError::SchemaMismatch`].
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        recover_interrupted_swap(dir)?;
        fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let open_err = |source: TantivyError| IndexError::Open {
            dir: dir.to_path_buf(),
            source,
        };
        let directory = MmapDirectory::open(dir).map_err(|e| open_err(e.into()))?;
        let exists = tantivy::Index::exists(&directory).map_err(|e| open_err(e.into()))?;
        let index = if exists {
            let index = tantivy::Index::open(directory).map_err(open_err)?;
            if index.schema() != schema::build_schema() {
                return Err(IndexError::SchemaMismatch {
                    dir: dir.to_path_buf(),
                });
            }
            index
        } else {
            tantivy::Index::create(directory, schema::build_schema(), IndexSettings::default())
                .map_err(open_err)?
        };
        Index::from_tantivy(index).map_err(|e| match e {
            IndexError::Tantivy(source) => lock_or(dir, source),
            e => e,
        })
    }

    /// Opens the existing index in `dir` for searching only, without taking
    /// the writer's lock: a terminal search works while `veille run` writes.
    pub fn open_read_only(dir: &Path) -> Result<Index, IndexError> {
        let open_err = |source: TantivyError| IndexError::Open {
            dir: dir.to_path_buf(),
            source,
        };
        let directory = MmapDirectory::open(dir).map_err(|_| IndexError::Missing {
            dir: dir.to_path_buf(),
        })?;
        if !tantivy::Index::exists(&directory).map_err(|e| open_err(e.into()))? {
            return Err(IndexError::Missing {
                dir: dir.to_path_buf(),
            });
        }
        let index = tantivy::Index::open(directory).map_err(open_err)?;
        if index.schema() != schema::build_schema() {
            return Err(IndexError::SchemaMismatch {
                dir: dir.to_path_buf(),
            });
        }
        Index::build(index, false)
    }

    /// A fresh index in memory, for tests.
    pub fn open_in_ram() -> Result<Index, IndexError> {
        Index::from_tantivy(tantivy::Index::create_in_ram(schema::build_schema()))
    }

    fn from_tantivy(index: tantivy::Index) -> Result<Index, IndexError> {
        Index::build(index, true)
    }

    fn build(mut index: tantivy::Index, writable: bool) -> Result<Index, IndexError> {
        // A search visits the segments on every core: a lone broad search
        // is counted in parallel (under load the cores are busy anyway).
        index.set_multithread_executor(search_threads())?;
        analyzers::register(index.tokenizers());
        let fields = Fields::new(&index.schema())?;
        let writer = if writable {
            Some(Mutex::new(index.writer(WRITER_MEMORY_BYTES)?))
        } else {
            None
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOC_STORE_BLOCKS)
            .try_into()?;
        let parser = query::parser(&index, &fields);
        let watermark = AtomicI64::new(committed_watermark(&index)?);
        Ok(Index {
            fields,
            parser,
            reader,
            writer,
            watermark,
            practices: practices::PracticeSearch::default(),
            stats: stats_cache::StatsCache::default(),
            tables: facets::Tables::default(),
        })
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter<TantivyDocument>>, IndexError> {
        // A panic while holding the writer loses at most uncommitted
        // documents, which the store still has.
        let writer = self.writer.as_ref().ok_or(IndexError::ReadOnly)?;
        Ok(writer.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Adds an item, replacing the document with the same id. Visible to
    /// searches after the next [`Index::commit`].
    pub fn upsert(&self, item: &Item) -> Result<(), IndexError> {
        self.upsert_many(std::slice::from_ref(item))
    }

    /// Adds items, replacing the documents with the same ids. Visible to
    /// searches after the next [`Index::commit`].
    pub fn upsert_many(&self, items: &[Item]) -> Result<(), IndexError> {
        self.write_documents(items.iter().map(|item| (item, 0)))
    }

    /// Applies changes from the store's change feed (each item as it now
    /// stands, with its version). Visible to searches after the next
    /// [`Index::commit_through`].
    pub fn apply(&self, changes: &[ItemChange]) -> Result<(), IndexError> {
        self.write_documents(changes.iter().map(|c| (&c.item, c.version)))
    }

    fn write_documents<'a>(
        &self,
        items: impl Iterator<Item = (&'a Item, i64)>,
    ) -> Result<(), IndexError> {
        let docs: Vec<(Term, TantivyDocument)> = items
            .map(|(item, version)| {
                (
                    Term::from_field_text(self.fields.id, &item.id),
                    schema::to_document(&self.fields, item, version),
                )
            })
            .collect();
        let writer = self.writer()?;
        for (id, doc) in docs {
            writer.delete_term(id);
            writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Commits what was upserted and makes it visible to searches at once.
    /// The commit keeps the change sequence of the last one.
    pub fn commit(&self) -> Result<(), IndexError> {
        self.commit_through(self.watermark())
    }

    /// Commits what was applied, recording that it covers every change of
    /// the store up to `change_seq`, and makes it visible to searches.
    pub fn commit_through(&self, change_seq: i64) -> Result<(), IndexError> {
        let mut writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload_of(change_seq));
        prepared.commit()?;
        self.watermark.store(change_seq, Ordering::SeqCst);
        drop(writer);
        // Where searches run, the new segments' tables are read before
        // searches see the segments, so that no search reads them or waits
        // for them; after the reload, the tables of the segments this
        // commit merged away are dropped (there may be no search for a
        // while).
        let serving = self.tables.in_use();
        let ahead = if serving { self.tables_ahead() } else { Ok(()) };
        self.reader.reload()?;
        if serving {
            let now = self.tables.of(&self.reader.searcher()).map(drop);
            for e in [ahead, now].into_iter().filter_map(Result::err) {
                tracing::warn!(error = %e, "cannot read the new segments' tables");
            }
        }
        Ok(())
    }

    /// Reads the tables of the committed segments through a reader of
    /// their own, before the shared reader shows them.
    fn tables_ahead(&self) -> tantivy::Result<()> {
        let reader: IndexReader = self
            .reader
            .searcher()
            .index()
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        self.tables.of(&reader.searcher()).map(drop)
    }

    /// Prepares what the first searches would otherwise wait for: reads
    /// the tables a search counts from (see `facets`) for every segment
    /// that has none yet (a third of a second at a million items), opens
    /// the searchable fields of every segment, and brings their files into
    /// memory (see [`PRELOADED_BYTES`]). A server calls it once at start;
    /// after that each commit reads its new segments' tables.
    pub fn prepare_searches(&self) -> Result<(), IndexError> {
        let searcher = self.reader.searcher();
        self.tables.of(&searcher)?;
        self.open_searched_fields(&searcher)?;
        preload(&searcher)
    }

    /// Opens what every search reads of the searchable fields: their term
    /// dictionaries, postings, positions and lengths, opened per segment
    /// the first time a query meets them.
    fn open_searched_fields(&self, searcher: &tantivy::Searcher) -> Result<(), IndexError> {
        let (titles, texts) = self.fields.searchable();
        let fields = titles
            .into_iter()
            .chain(texts)
            .chain([self.fields.phrases.title, self.fields.phrases.text]);
        for field in fields {
            for segment in searcher.segment_readers() {
                segment.inverted_index(field)?;
                segment.get_fieldnorms_reader(field)?;
            }
        }
        Ok(())
    }

    /// The store's change sequence that the last commit covers: changes
    /// after it are still to apply (see `sync::catch_up`).
    pub fn watermark(&self) -> i64 {
        self.watermark.load(Ordering::SeqCst)
    }

    /// Every document's id, status and version, in id order: what a
    /// consistency check compares with the store.
    pub fn documents(&self) -> Result<Vec<(String, Status, i64)>, IndexError> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64).map_err(TantivyError::from)?;
            for doc_id in segment.doc_ids_alive() {
                let doc: TantivyDocument = store.get(doc_id)?;
                let text = |f: Field| {
                    doc.get_first(f)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                // Documents are only written with `Status::as_str`.
                let status = Status::parse(&text(self.fields.status)).unwrap_or(Status::Unreviewed);
                let version = doc
                    .get_first(self.fields.version)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(-1);
                out.push((text(self.fields.id), status, version));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Number of documents visible to searches.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Builds a fresh index of every item of `store` in a directory next to
    /// `dir`, then swaps it in place of `dir`. Returns the number of items
    /// indexed. Refused with [`IndexError::Locked`] while another process
    /// holds the index open for writing.
    ///
    /// The swap is two renames (`dir` → `dir.old`, new → `dir`); a crash
    /// between them is repaired by the next [`Index::open`] or rebuild,
    /// which put `dir.old` back.
    pub fn rebuild(dir: &Path, store: &Store) -> Result<u64, IndexError> {
        let started = std::time::Instant::now();
        let fresh = sibling(dir, "rebuild")?;
        let old = sibling(dir, "old")?;
        recover_interrupted_swap(dir)?;
        ensure_not_in_use(dir)?;
        remove_dir_if_exists(&fresh)?;
        remove_dir_if_exists(&old)?;
        fs::create_dir_all(&fresh).map_err(|source| IndexError::Io {
            path: fresh.clone(),
            source,
        })?;
        let count = build_into(&fresh, store)?;
        if dir.exists() {
            fs::rename(dir, &old).map_err(|source| IndexError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        if let Err(source) = fs::rename(&fresh, dir) {
            // Put the old index back rather than leave none.
            if old.exists() {
                let _ = fs::rename(&old, dir);
            }
            return Err(IndexError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
        if let Err(e) = remove_dir_if_exists(&old) {
            tracing::warn!(error = %e, "could not remove the replaced index; delete it by hand");
        }
        tracing::info!(
            dir = %dir.display(),
            items = count,
            seconds = started.elapsed().as_secs_f64(),
            "index rebuilt"
        );
        Ok(count)
    }

    /// Forgets the counts and rankings of the searches asked so far, so
    /// that the next ones are asked the first time: what a benchmark of
    /// first-time searches calls between two.
    #[doc(hidden)]
    pub fn forget_searches(&self) {
        self.stats.clear();
    }

    /// Runs a search: one page of hits, the total and the facets of every
    /// match.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, IndexError> {
        if req.q.chars().count() > MAX_QUERY_CHARS {
            return Err(IndexError::BadQuery(format!(
                "the query is longer than {MAX_QUERY_CHARS} characters: shorten it"
            )));
        }
        if query_nesting_depth(&req.q) > MAX_QUERY_DEPTH {
            return Err(IndexError::BadQuery(format!(
                "the query nests parentheses more than {MAX_QUERY_DEPTH} deep: simplify it"
            )));
        }
        if req.per_page == 0 || req.per_page > MAX_PER_PAGE {
            return Err(IndexError::BadQuery(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}, not {}",
                req.per_page
            )));
        }
        if req.page == 0 {
            return Err(IndexError::BadQuery(
                "page numbers start at 1, not 0".to_string(),
            ));
        }
        let offset = (req.page - 1)
            .checked_mul(req.per_page)
            .filter(|offset| *offset <= MAX_OFFSET)
            .ok_or_else(|| {
                IndexError::BadQuery(format!(
                    "page {} is too deep: only the first {MAX_OFFSET} results can be paged \
                     through; narrow the search with a query or filters",
                    req.page
                ))
            })?;
        let built = query::build(&self.parser, &self.fields, req)?;
        let (query, has_text_query) = (built.query(), built.has_text_query());
        let searcher = self.reader.searcher();
        // One hit per duplicate group: collect more documents than the page
        // needs, keep the first (best-ranked) of each group, and collect
        // again, deeper, in the rare case duplicates left the page short.
        // Collecting again scores every match a second time, so the first
        // pass keeps four times the page: a few copies of each of the best
        // stories (a syndicated story's copies score alike) still leave
        // the page full.
        let want = offset + req.per_page;
        let mut limit = want.saturating_mul(4).max(want + 20);
        // The counts over every match are the costly part of a broad
        // search: those of the same query and filters over the same index
        // are taken from the cache, and only the top documents collected
        // (which lets tantivy skip blocks that cannot make the page).
        let generation = searcher.generation().generation_id();
        let key = stats_cache::Key::of(req);
        let kept = || {
            (
                self.stats.get(generation, &key),
                self.stats.ranking(generation, &key, req.sort, want),
            )
        };
        let (mut cached, mut ranked) = kept();
        // Not kept: counted once, however many ask at the same time (those
        // that waited find what the first kept).
        let turn = match (&cached, &ranked) {
            (Some(_), Some(_)) => None,
            _ => {
                let turn = self.stats.turn(generation, &key);
                (cached, ranked) = kept();
                Some(turn)
            }
        };
        let (stats, representatives) = match (cached, ranked) {
            (Some(stats), Some(ranking)) => (stats, ranking.representatives),
            (cached, _) => {
                let ranker = Ranker {
                    searcher: &searcher,
                    query,
                    sort: req.sort,
                    has_text_query,
                    tables: self.tables.of(&searcher)?,
                };
                let (mut top, counted) = ranker.top(limit, cached.is_none())?;
                let stats = match (cached, counted) {
                    (Some(stats), _) => stats,
                    (None, counted) => {
                        let stats = Arc::new(counted.unwrap_or_default());
                        self.stats.put(generation, key.clone(), stats.clone());
                        stats
                    }
                };
                let representatives = loop {
                    let representatives = one_per_group(&ranker.tables, &top);
                    if representatives.len() >= want || top.len() < limit {
                        break representatives;
                    }
                    limit = limit.saturating_mul(4);
                    top = ranker.top(limit, false)?.0;
                };
                let ranking = stats_cache::Ranking {
                    representatives: Arc::new(representatives),
                    // Fewer than asked for: every match was collected.
                    complete: top.len() < limit,
                };
                self.stats
                    .put_ranking(generation, &key, req.sort, ranking.clone());
                (stats, ranking.representatives)
            }
        };
        drop(turn);
        let page = representatives
            .get(offset..want.min(representatives.len()))
            .unwrap_or_default();
        let mut snippets = Snippets::new(&searcher, has_text_query.then_some(built.marked()));
        let mut hits = page
            .iter()
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(*address)?;
                Ok(self.hit(&doc, &mut snippets))
            })
            .collect::<Result<Vec<Hit>, IndexError>>()?;
        let groups: Vec<&str> = hits.iter().map(|hit| hit.group_id.as_str()).collect();
        let sizes = group_sizes(&searcher, self.fields.group_id, &groups)?;
        for (hit, size) in hits.iter_mut().zip(sizes) {
            hit.duplicates = size.saturating_sub(1);
        }
        Ok(SearchResults {
            total: stats.groups.groups,
            hits,
            facets: stats.facets.clone(),
            total_items: stats.groups.items,
            histogram: stats.histogram.clone(),
            histogram_by: stats.histogram_by.clone(),
            expansion: built.expansion().clone(),
        })
    }

    /// The practice records of `store` matching the query `q`: their ids,
    /// best first, at most `max`, each once; with `expand`, the query's SSE
    /// concepts are also searched in the other languages. The records'
    /// index is rebuilt in memory after any write to a record.
    pub fn search_practices(
        &self,
        store: &Store,
        q: &str,
        expand: bool,
        max: usize,
    ) -> Result<Vec<String>, IndexError> {
        self.practices.search(store, q, expand, max)
    }

    /// The ids of every hit of `req`'s search, one per duplicate group, in
    /// the search's order, at most `max` of them; `page` and `per_page` are
    /// ignored. What an export streams, past the deepest page a search can
    /// reach.
    pub fn search_ids(&self, req: &SearchRequest, max: usize) -> Result<Vec<String>, IndexError> {
        if req.q.chars().count() > MAX_QUERY_CHARS || query_nesting_depth(&req.q) > MAX_QUERY_DEPTH
        {
            // The same refusal, with the same message, as a search.
            return self
                .search(&SearchRequest {
                    page: 1,
                    per_page: 1,
                    ..req.clone()
                })
                .map(|_| Vec::new());
        }
        let built = query::build(&self.parser, &self.fields, req)?;
        let (query, has_text_query) = (built.query(), built.has_text_query());
        let searcher = self.reader.searcher();
        let matching = searcher.search(query, &Count)?;
        let limit = matching.min(max.saturating_mul(2)).max(1);
        let ranker = Ranker {
            searcher: &searcher,
            query,
            sort: req.sort,
            has_text_query,
            tables: self.tables.of(&searcher)?,
        };
        let (top, _) = ranker.top(limit, false)?;
        one_per_group(&ranker.tables, &top)
            .into_iter()
            .take(max)
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default())
            })
            .collect()
    }

    fn hit(&self, doc: &TantivyDocument, snippets: &mut Snippets<'_>) -> Hit {
        let f = &self.fields;
        let text_of = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let lang = text_of(f.lang);
        let text = text_of(f.text).unwrap_or_default();
        let snippet_field = f.pair_for(lang.as_deref()).text;
        Hit {
            id: text_of(f.id).unwrap_or_default(),
            title: text_of(f.title).unwrap_or_default(),
            url: text_of(f.url).unwrap_or_default(),
            source: text_of(f.source).unwrap_or_default(),
            published: text_of(f.published_rfc3339),
            snippet: snippets.snippet(snippet_field, &text),
            candidate_score: doc
                .get_first(f.score)
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0),
            themes: doc
                .get_all(f.theme)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            status: text_of(f.status)
                .and_then(|s| Status::parse(&s))
                .unwrap_or(Status::Unreviewed),
            group_id: text_of(f.group_id)
                .or_else(|| text_of(f.id))
                .unwrap_or_default(),
            duplicates: 0,
            lang,
        }
    }
}

/// Brings the searched files' pages into the process's memory map, as a
/// search engine preloads its index: the lengths, terms, postings and
/// positions, until [`PRELOADED_BYTES`]. A first search would otherwise
/// wait on a page fault for each page it reads (the files are in the
/// system's cache, not yet mapped into this process). Best effort: a file
/// that cannot be read is left to be read when searched.
fn preload(searcher: &tantivy::Searcher) -> Result<(), IndexError> {
    let mut budget = PRELOADED_BYTES;
    let components = [
        SegmentComponent::FieldNorms,
        SegmentComponent::Terms,
        SegmentComponent::Postings,
        SegmentComponent::Positions,
    ];
    let segments = searcher.index().searchable_segments()?;
    for component in components {
        for segment in &segments {
            let Ok(file) = segment.open_read(component) else {
                continue;
            };
            if file.len() > budget {
                return Ok(());
            }
            budget -= file.len();
            if let Ok(bytes) = file.read_bytes() {
                let touched = bytes
                    .as_slice()
                    .iter()
                    .step_by(4096)
                    .fold(0u8, |acc, b| acc ^ b);
                std::hint::black_box(touched);
            }
        }
    }
    Ok(())
}

/// The threads a search spreads its segments over: one per core.
fn search_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A search's ranking: its query over a searcher, in the request's sort,
/// whose keys (publication time, candidate score, group) are read from the
/// searcher's segment `tables`, which also count.
struct Ranker<'a> {
    searcher: &'a tantivy::Searcher,
    query: &'a dyn Query,
    sort: Sort,
    has_text_query: bool,
    tables: Arc<SearchTables>,
}

impl Ranker<'_> {
    /// The best `limit` matching documents, and, when `count`, the counts
    /// of every match in the same pass.
    fn top(
        &self,
        limit: usize,
        count: bool,
    ) -> Result<(Vec<DocAddress>, Option<Counted>), IndexError> {
        let (searcher, query) = (self.searcher, self.query);
        let top = TopDocs::with_limit(limit.max(1));
        let counts = count.then(|| self.tables.clone());
        match (self.sort, self.has_text_query) {
            (Sort::Relevance, true) => {
                let (mut top, counted) = collect(searcher, query, top, counts)?;
                earlier_first_among_ties(&self.tables, &mut top);
                Ok((addresses(top), counted))
            }
            (Sort::Relevance, false) | (Sort::Date, _) => {
                let by_date = top.custom_score(ByDate(self.tables.clone()));
                let (top, counted) = collect(searcher, query, by_date, counts)?;
                Ok((addresses(top), counted))
            }
            (Sort::Score, _) => {
                let by_score = top.custom_score(ByScore(self.tables.clone()));
                let (top, counted) = collect(searcher, query, by_score, counts)?;
                Ok((addresses(top), counted))
            }
        }
    }
}

/// A ranking: each document with its score or sort key, best first.
type Ranked<T> = Vec<(T, DocAddress)>;

/// Runs a query with a top-docs collector and, when given the segments'
/// tables, the counts of every match in the same pass.
fn collect<T>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    top: impl Collector<Fruit = Ranked<T>>,
    stats: Option<Arc<SearchTables>>,
) -> Result<(Ranked<T>, Option<Counted>), IndexError> {
    if let Some(tables) = stats {
        let (top, counted) = searcher.search(query, &(top, CountsCollector { tables }))?;
        Ok((top, Some(counted)))
    } else {
        Ok((searcher.search(query, &top)?, None))
    }
}

/// The documents of a ranking, in its order.
fn addresses<T>(top: Ranked<T>) -> Vec<DocAddress> {
    top.into_iter().map(|(_, address)| address).collect()
}

/// Among matches of equal relevance, the earlier published first (undated
/// last, then in index order): an original before its later copies, which
/// the same words and phrases score alike, whichever segments the indexing
/// threads put them in. (The date and score sorts order by their keys.)
fn earlier_first_among_ties(tables: &SearchTables, top: &mut Ranked<Score>) {
    let published = |address: &DocAddress| {
        tables
            .segment(address.segment_ord)
            .map(|table| table.published(address.doc_id))
            .filter(|secs| *secs != i64::MIN)
            .unwrap_or(i64::MAX)
    };
    let mut keyed: Vec<(Score, i64, DocAddress)> = top
        .iter()
        .map(|&(score, address)| (score, published(&address), address))
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    *top = keyed
        .into_iter()
        .map(|(score, _, address)| (score, address))
        .collect();
}

/// How many documents each of `groups` (group ids) has in the index: each
/// segment's dictionary of group ids read once for the page, its documents
/// counted from the term's entry (past deleted ones where the segment has
/// some).
fn group_sizes(
    searcher: &tantivy::Searcher,
    field: Field,
    groups: &[&str],
) -> Result<Vec<u64>, IndexError> {
    let terms: Vec<Term> = groups
        .iter()
        .map(|group| Term::from_field_text(field, group))
        .collect();
    let mut sizes = vec![0u64; terms.len()];
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        for (size, term) in sizes.iter_mut().zip(&terms) {
            let members = match segment.alive_bitset() {
                None => inverted.doc_freq(term).map_err(TantivyError::from)?,
                Some(alive) => inverted
                    .read_postings(term, IndexRecordOption::Basic)
                    .map_err(TantivyError::from)?
                    .map_or(0, |mut postings| DocSet::count(&mut postings, alive)),
            };
            *size += u64::from(members);
        }
    }
    Ok(sizes)
}

/// The first document of each group, in order.
fn one_per_group(tables: &SearchTables, top: &[DocAddress]) -> Vec<DocAddress> {
    let mut seen = std::collections::HashSet::with_capacity(top.len());
    top.iter()
        .copied()
        .filter(|address| {
            let group = tables
                .segment(address.segment_ord)
                .and_then(|table| table.group(address.doc_id));
            // A document without a table row (none is) stands alone.
            group.is_none_or(|group| seen.insert(group))
        })
        .collect()
}

/// The date sort's key: publication time, newest first, items without a
/// date last.
struct ByDate(Arc<SearchTables>);

/// The score sort's key: candidate score, highest first, then newest first.
struct ByScore(Arc<SearchTables>);

/// One segment's sort keys, read from its table.
struct SegmentKeys(Arc<facets::SegmentTable>);

impl CustomScorer<i64> for ByDate {
    type Child = SegmentKeys;

    fn segment_scorer(&self, segment: &SegmentReader) -> tantivy::Result<SegmentKeys> {
        self.0.table_for(segment).map(SegmentKeys)
    }
}

impl CustomScorer<(f64, i64)> for ByScore {
    type Child = SegmentKeys;

    fn segment_scorer(&self, segment: &SegmentReader) -> tantivy::Result<SegmentKeys> {
        self.0.table_for(segment).map(SegmentKeys)
    }
}

impl CustomSegmentScorer<i64> for SegmentKeys {
    fn score(&mut self, doc: tantivy::DocId) -> i64 {
        self.0.published(doc)
    }
}

impl CustomSegmentScorer<(f64, i64)> for SegmentKeys {
    fn score(&mut self, doc: tantivy::DocId) -> (f64, i64) {
        (self.0.score(doc), self.0.published(doc))
    }
}

/// Indexes every item of the store into a new index in `dir`, recording the
/// store's change sequence it covers.
fn build_into(dir: &Path, store: &Store) -> Result<u64, IndexError> {
    let index = tantivy::Index::create_in_dir(dir, schema::build_schema()).map_err(|source| {
        IndexError::Open {
            dir: dir.to_path_buf(),
            source,
        }
    })?;
    analyzers::register(index.tokenizers());
    let fields = Fields::new(&index.schema())?;
    let mut writer: IndexWriter<TantivyDocument> = index.writer(WRITER_MEMORY_BYTES)?;
    // The segments are merged once, at the end (`merge_into_shares`):
    // merging them as they come would write the same documents again.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut failed: Option<TantivyError> = None;
    let mut count = 0u64;
    let mut since_commit = 0u64;
    let change_seq = store.snapshot_changes(|change| {
        if failed.is_some() {
            return;
        }
        let added = writer
            .add_document(schema::to_document(&fields, &change.item, change.version))
            .and_then(|_| {
                count += 1;
                since_commit += 1;
                if since_commit == REBUILD_COMMIT_EVERY {
                    since_commit = 0;
                    writer.commit().map(|_| ())
                } else {
                    Ok(())
                }
            });
        if let Err(e) = added {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload_of(change_seq));
    prepared.commit()?;
    merge_into_shares(&index, &mut writer)?;
    writer.wait_merging_threads()?;
    Ok(count)
}

/// Merges a rebuilt index's segments into one per search thread, of near
/// equal sizes, as a search engine's bulk build ends (a force merge): each
/// segment costs every search a fixed part (its scorers, its counts' tables
/// read out and merged), and a search spreads its segments over one thread
/// per core, so as many segments as threads, alike in size, keep both
/// threads busy to the end for the least fixed cost. Done by the rebuild's
/// own `writer`, whose merge policy merged nothing on the way.
fn merge_into_shares(
    index: &tantivy::Index,
    writer: &mut IndexWriter<TantivyDocument>,
) -> Result<(), IndexError> {
    let segments = index
        .searchable_segment_metas()?
        .into_iter()
        .map(|meta| (meta.id(), u64::from(meta.num_docs())))
        .collect();
    // Started together: tantivy runs them on its merge threads at once.
    let merging: Vec<_> = shares(segments, search_threads())
        .into_iter()
        .filter(|share| share.len() > 1)
        .map(|share| writer.merge(&share))
        .collect();
    for merge in merging {
        merge.wait()?;
    }
    Ok(())
}

/// `segments` (each with its documents) parted into at most `parts` shares
/// of near-equal documents: the largest first, each into the share with
/// the fewest so far. A segment larger than a fair share stays alone.
fn shares<T>(mut segments: Vec<(T, u64)>, parts: usize) -> Vec<Vec<T>> {
    segments.sort_by_key(|(_, docs)| std::cmp::Reverse(*docs));
    let mut shares: Vec<(u64, Vec<T>)> = Vec::new();
    for (segment, docs) in segments {
        if shares.len() < parts.max(1) {
            shares.push((docs, vec![segment]));
        } else if let Some(least) = shares.iter_mut().min_by_key(|(total, _)| *total) {
            least.0 += docs;
            least.1.push(segment);
        }
    }
    shares.into_iter().map(|(_, share)| share).collect()
}

/// `dir` with a suffix added to its last component (`data/index` →
/// `data/index.old`).
fn sibling(dir: &Path, suffix: &str) -> Result<PathBuf, IndexError> {
    let name = dir.file_name().ok_or_else(|| IndexError::Io {
        path: dir.to_path_buf(),
        source: io::Error::new(
            io::ErrorKind::InvalidInput,
            "the index directory needs a name (such as data/index)",
        ),
    })?;
    let mut name = name.to_os_string();
    name.push(".");
    name.push(suffix);
    Ok(dir.with_file_name(name))
}

/// Puts `dir.old` back when a rebuild stopped between its two renames.
fn recover_interrupted_swap(dir: &Path) -> Result<(), IndexError> {
    let old = sibling(dir, "old")?;
    if !dir.exists() && old.is_dir() {
        tracing::warn!(dir = %dir.display(), "restoring the index an interrupted rebuild moved aside");
        fs::rename(&old, dir).map_err(|source| IndexError::Io {
            path: old.clone(),
            source,
        })?;
    }
    Ok(())
}

/// Fails when another writer holds the index in `dir`.
fn ensure_not_in_use(dir: &Path) -> Result<(), IndexError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Open {
        dir: dir.to_path_buf(),
        source: e.into(),
    })?;
    match directory.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(lock) => {
            drop(lock);
            Ok(())
        }
        Err(e) => Err(lock_or(dir, e.into())),
    }
}

/// [`IndexError::Locked`] when the error is a busy lock, else the error.
fn lock_or(dir: &Path, e: TantivyError) -> IndexError {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked {
            dir: dir.to_path_buf(),
        },
        e => IndexError::Open {
            dir: dir.to_path_buf(),
            source: e,
        },
    }
}

fn remove_dir_if_exists(dir: &Path) -> Result<(), IndexError> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(IndexError::Io {
            path: dir.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}
