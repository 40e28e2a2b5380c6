//! veille's crawler: reads `sources.toml`, decides when each source is due,
//! and fetches feeds and pages politely and safely, handing what it finds
//! to ingestion as `veille_store::Harvested` records.
//!
//! # Layout
//! - `config`: `sources.toml` → [`Config`] (raw → validated → built; every
//!   problem reported at once, with file, line and field).
//! - `schedule`: [`next_run`] of a source, from its cron expression, and
//!   [`next_due`], which backs off a failing source (2^failures × a base,
//!   capped).
//! - `crawl`: [`Crawler::crawl_source`] → [`SourceReport`]; the pipeline of
//!   one crawl, short enough to read in one screen.
//! - `fetch`: one polite, conditional GET (the only place that talks
//!   HTTP): robots.txt first, redirects followed by hand (each hop
//!   checked), retries with backoff and jitter, body cap after
//!   decompression, first-byte and whole-response deadlines.
//! - `robots`: robots.txt rules for our user-agent token (texting_robots,
//!   wrapped to agree with Google's reference parser), `Crawl-delay`,
//!   `Sitemap:`.
//! - `freshness`: `Retry-After`, `Cache-Control: max-age`, RSS `ttl` → the
//!   earliest next fetch of a URL (`FetchState::not_before`).
//! - `address`: the SSRF check (which addresses may be connected to), and
//!   the resolver (with its overrides for tests and benchmarks).
//! - `politeness`: per-host slots and delays (raised by `Crawl-delay` and
//!   `Retry-After`), and the global cap on requests in flight.
//! - `metrics`: the crawler's counters of its own work (fetches by outcome,
//!   their latency), which search-api exposes.
//! - `feed`: feed bodies → entries (feed-rs); `page`: listing pages → article
//!   links; `decode`: bytes → UTF-8; `normalize`: URL normalization.
//!
//! Invariants: the crawler never touches the index; it reads and writes only
//! the fetch state of URLs in the store; without `allow_private_networks` it
//! sends no request to a loopback, private or link-local address (checked
//! on IP literals and on every resolved address, for every redirect hop);
//! no request goes to a host before its robots.txt was read, nor to a URL
//! it disallows; no URL is fetched before its `not_before`.

mod address;
pub mod config;
mod crawl;
mod decode;
pub mod discover;
mod error;
mod feed;
mod fetch;
mod freshness;
pub mod metrics;
mod normalize;
pub mod opml;
mod page;
mod politeness;
pub mod robots;
pub mod schedule;
pub mod sources_edit;

pub use address::{check_url, is_public};
pub use config::{
    load, parse, Config, ConfigErrors, ConfigProblem, CrawlerSettings, Source, SourceKind,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CRAWL_DELAY_SECS, DEFAULT_SCHEDULE,
};
pub use crawl::{Crawler, FetchOutcome, SourceReport, SHORT_SUMMARY_CHARS};
pub use decode::{decode_html, decode_xml};
pub use error::CrawlError;
pub use feed::{parse_feed, FeedEntry, ParsedFeed};
pub use fetch::MAX_REDIRECTS;
pub use freshness::MAX_NOT_BEFORE;
pub use normalize::{normalize_url, resolve};
pub use page::{article_links, glob_match, MAX_FOLLOWED};
pub use schedule::{failure_backoff, next_due, next_run};
