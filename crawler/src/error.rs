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
    /// The server did not answer, or not in time: connection, DNS, TLS, a
    /// timeout.
    #[error("{url}: {detail}")]
    Network { url: String, detail: String },
    /// The server answered, but the exchange broke off: a redirect not
    /// followed (a loop, too many, to a refused address), a body cut short.
    #[error("{url}: {detail}")]
    Broken { url: String, detail: String },
    /// The body is not a feed the parser understands.
    #[error("{url}: not a feed: {detail}: check that the source url points at an RSS, Atom or JSON feed")]
    NotAFeed { url: String, detail: String },
    /// The host's robots.txt answered 5xx or 429, or not at all: nothing
    /// is fetched from the host until it answers.
    #[error("{url}: robots.txt unreachable at {robots} ({detail}): nothing is fetched from this host until it answers; it is tried again at the next run")]
    RobotsUnreachable {
        url: String,
        robots: String,
        detail: String,
    },
    /// The host's robots.txt disallows the URL for veille.
    #[error("{url}: disallowed by {robots} for user agent {token:?}: not fetched; ask the site to allow it, or disable the source")]
    Disallowed {
        url: String,
        robots: String,
        token: String,
    },
    /// The server asks to come back later than a crawl waits.
    #[error("{url}: http status {status}: the server asks to come back after {until}: not fetched before then")]
    RetryLater {
        url: String,
        status: u16,
        until: chrono::DateTime<chrono::Utc>,
    },
    /// The content type is not one the source kind parses; the body was
    /// not read.
    #[error("{url}: not {expected} (content type {content_type}): skipped; check the url in sources.toml")]
    WrongType {
        url: String,
        content_type: String,
        expected: &'static str,
    },
    /// A page source answered something other than HTML (a PDF, an image …).
    #[error("{url}: not an HTML page ({content_type}): skipped")]
    NotHtml { url: String, content_type: String },
    /// The page parser crashed on the source's page.
    #[error("{url}: the page parser crashed: {detail}")]
    PageParser { url: String, detail: String },
    /// A feed entry has neither a link nor an id that is a URL.
    #[error("{feed}: entry {entry:?} has no link: skipped")]
    NoLink { feed: String, entry: String },
    /// `sources.toml` cannot be read, parsed for editing or written; the
    /// file is left as it was.
    #[error("{file}: {detail}")]
    SourcesFile { file: String, detail: String },
    /// A source to add has the url of a source already in the file.
    #[error("{file}: url {url} is already watched by source {id:?}: nothing was added")]
    DuplicateUrl {
        file: String,
        url: String,
        id: String,
    },
    /// A source to add has the id of a source already in the file.
    #[error("{file}: id {id:?} is already taken: choose another id (--id)")]
    DuplicateId { file: String, id: String },
    /// A document given as OPML is not one.
    #[error(
        "{file}: not an OPML document: {detail}: export the list as OPML 2.0 from the feed reader"
    )]
    NotOpml { file: String, detail: String },
}
