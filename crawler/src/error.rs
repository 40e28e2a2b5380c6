//! The crawler's error type: what can go wrong while building the client or
//! fetching a URL. Crawling a source never returns it: a `SourceReport`
//! carries its message instead.

use crate::config::ConfigErrors;

/// What can go wrong in the crawler. Each message names the URL (or the
/// file) and, where there is one, what to do.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// `sources.toml` is invalid (every problem, with file, line and field).
    #[error(transparent)]
    Config(#[from] ConfigErrors),
    /// The HTTP client could not be built from `[crawler]`.
    #[error("cannot build the http client: {0}: check [crawler] in sources.toml")]
    Client(String),
    /// The URL is not one the crawler may fetch (scheme, private address).
    #[error("{url}: refused: {why}")]
    Refused { url: String, why: String },
    /// The server answered with an error status.
    #[error("{url}: http status {status}{hint}")]
    Status {
        url: String,
        status: u16,
        hint: &'static str,
    },
    /// The body is larger than `max_body_bytes`.
    #[error("{url}: body larger than the {cap}-byte cap: raise max_body_bytes in [crawler] if this source is trusted")]
    TooLarge { url: String, cap: u64 },
    /// Connection, DNS, TLS, timeout, redirect loop …
    #[error("{url}: {detail}")]
    Network { url: String, detail: String },
    /// The body is not a feed the parser understands.
    #[error("{url}: not a feed: {detail}: check that the source url points at an RSS, Atom or JSON feed")]
    NotAFeed { url: String, detail: String },
    /// A feed entry has neither a link nor an id that is a URL.
    #[error("{feed}: entry {entry:?} has no link: skipped")]
    NoLink { feed: String, entry: String },
}
