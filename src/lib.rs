//! The `veille` binary's library: the pipeline that wires the crates together
//! and the scheduler of `veille run`. `main.rs` only parses the command line
//! and calls in here, so tests and benchmarks drive the same code.
//!
//! # Layout
//! - `pipeline`: one source's crawl report → ingestion (extract, language,
//!   candidate) → store → index; and a whole pass over many sources.
//! - `scheduler`: every enabled source on its own cron schedule, until
//!   shutdown.
//! - `sources`: the operators' commands over the list of sources.
//! - `submissions`: the practices partners submitted, taken in as items of
//!   the built-in source `submitted` (pages fetched by the crawler).
//! - `progress`: progress bars and lines of long commands.
//! - `data`: where things live in the data directory.
//! - `maintenance`: `backup`, `restore` and `verify` (store ↔ index).

pub mod data;
pub mod maintenance;
pub mod models;
pub mod pipeline;
pub mod progress;
pub mod scheduler;
pub mod sources;
pub mod submissions;
