//! veille's ingestion: from a harvested entry or page to a stored, indexed item.
//!
//! # Layout
//! - `extract`: main text and metadata (title, date, author, declared language)
//!   of an HTML page.
//! - `language`: language detection, reconciled with the declared language.
//! - `practice`: candidate best-practice detection (score, themes, places,
//!   evidence) from the multilingual lexicon in `indexer/data/`.
//! - `dedup`: near-duplicate fingerprints (simhash).
//! - `ingest`: the stages wired together: [`Harvested`](veille_store::Harvested)
//!   → [`NewItem`](veille_store::NewItem).
//! - `search`: the search request and result types (plain data).
//! - `index`: the tantivy index derived from the store, and search over it.
//! - `sync`: the index kept derived: catch-up from the store's change feed
//!   after the index's watermark, and the writer's one owner.
//!
//! Every stage but `index` is a plain function over plain types, testable on
//! a string.

pub mod dedup;
pub mod extract;
pub mod index;
pub mod ingest;
pub mod language;
pub mod practice;
pub mod search;
pub mod sync;
