//! `sources.toml`: what to crawl (`[[source]]`) and how (`[crawler]`).
//!
//! Loading goes raw → validated → built. The document is first parsed into
//! a spanned TOML tree (`toml::de::DeTable`), so that every key and value
//! keeps its position; each table is then read key by key into a raw struct
//! of `Spanned` fields, and the raw structs are validated into the built
//! types ([`Config`], [`CrawlerSettings`], [`Source`]). Reading key by key,
//! rather than with `#[serde(deny_unknown_fields)]` on the whole table, is
//! what lets one pass report *every* unknown key, missing field, wrong type
//! and bad value at once, each with its line and field. Validation does no
//! I/O.

use std::fmt;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::de::{DeTable, DeValue};
use toml::Spanned;
use url::Url;

/// The whole of `sources.toml`, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub crawler: CrawlerSettings,
    pub sources: Vec<Source>,
    /// `[store]`: where the system of record is.
    pub store: StoreSettings,
}

/// `[store]`: the system of record. Without it (the default), the embedded
/// SQLite database in the data directory; with `url = "postgres://…"`, that
/// PostgreSQL database, shared by every process given the same list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreSettings {
    /// A PostgreSQL URL (`postgres://user:password@host:port/database`).
    pub url: Option<String>,
}

/// Reads only `[store] url` from the list at `path`, leniently: the
/// commands that do not crawl still find the store while the list has
/// problems elsewhere (which [`load`] reports). `None` when there is no
/// file, no `[store]` or no `url`; a `url` that is not a PostgreSQL URL is
/// an error.
pub fn store_url(path: &Path) -> Result<Option<String>, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Ok(None);
    };
    match doc.get("store").and_then(|s| s.get("url")) {
        None => Ok(None),
        Some(toml::Value::String(url)) => check_store_url(url)
            .map(|()| Some(url.clone()))
            .map_err(|e| format!("{}: [store] url: {e}", path.display())),
        Some(other) => Err(format!(
            "{}: [store] url: expected a string, found {}",
            path.display(),
            other.type_str()
        )),
    }
}

/// A store URL veille can use: PostgreSQL's.
pub fn check_store_url(url: &str) -> Result<(), String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(())
    } else {
        Err(
            "expected a PostgreSQL URL, postgres://user:password@host:port/database \
             (leave [store] out for the embedded SQLite store in the data directory)"
                .to_string(),
        )
    }
}

impl Config {
    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The sources to crawl (`enabled = true`, the default), in file order.
    pub fn enabled_sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(|s| s.enabled)
    }
}

/// `[crawler]`: how the crawler behaves on the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlerSettings {
    /// Sent with every request; contains a contact URL.
    pub user_agent: String,
    /// Allow loopback/private/link-local … addresses (tests; never in
    /// production).
    pub allow_private_networks: bool,
    /// Largest body read, in bytes.
    pub max_body_bytes: u64,
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// Minimum delay between the end of a request and the start of the next
    /// to the same host.
    pub min_host_delay: Duration,
    /// How many sources are crawled at once, by `crawl --once` and by the
    /// scheduler (each host still gets one request at a time).
    pub max_concurrency: NonZeroUsize,
    /// Longest wait for the response's status and headers once connected
    /// (and, while the body streams, for each next chunk).
    pub first_byte_timeout: Duration,
    /// Requests in flight at once to one host.
    pub per_host_concurrency: NonZeroUsize,
    /// Requests in flight at once, all hosts together.
    pub max_in_flight: NonZeroUsize,
    /// Largest robots.txt `Crawl-delay` honoured (a larger one is cut to
    /// this).
    pub max_crawl_delay: Duration,
    /// Attempts of one request when it fails transiently (timeout, reset,
    /// 429, 5xx), the first included.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled at each next one, with
    /// jitter.
    pub retry_base_delay: Duration,
    /// Longest wait for a retry within a crawl (a longer `Retry-After`
    /// ends the crawl and defers the next one).
    pub max_retry_wait: Duration,
    /// A failing source skips its scheduled runs for 2^failures × this
    /// after its last fetch …
    pub failure_backoff_base: Duration,
    /// … but never longer than this.
    pub failure_backoff_cap: Duration,
    /// How long a host's robots.txt is trusted before it is fetched again.
    pub robots_ttl: Duration,
    /// Host names resolved to these addresses instead of asking DNS (not
    /// read from `sources.toml`: for tests and benchmarks that serve many
    /// names from 127.0.0.1). Addresses given here are trusted: they skip
    /// the private-network check, which still applies to every other name,
    /// every IP literal and every redirect hop.
    pub resolve_overrides: Vec<(String, std::net::IpAddr)>,
}

/// Default `max_body_bytes`: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Default `max_crawl_delay_secs`: the largest robots.txt `Crawl-delay`
/// honoured.
pub const DEFAULT_MAX_CRAWL_DELAY_SECS: u64 = 30;
/// Default schedule: every 6 hours, on the hour.
pub const DEFAULT_SCHEDULE: &str = "0 0 */6 * * *";

impl CrawlerSettings {
    /// The defaults, with this user agent (which is not checked here; the
    /// config loader checks it).
    pub fn new(user_agent: impl Into<String>) -> CrawlerSettings {
        CrawlerSettings {
            user_agent: user_agent.into(),
            allow_private_networks: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            min_host_delay: Duration::from_millis(1000),
            max_concurrency: NonZeroUsize::new(4).expect("4 is not zero"),
            first_byte_timeout: Duration::from_secs(15),
            per_host_concurrency: NonZeroUsize::MIN,
            max_in_flight: NonZeroUsize::new(32).expect("32 is not zero"),
            max_crawl_delay: Duration::from_secs(DEFAULT_MAX_CRAWL_DELAY_SECS),
            max_attempts: 3,
            retry_base_delay: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(60),
            failure_backoff_base: Duration::from_secs(30 * 60),
            failure_backoff_cap: Duration::from_secs(24 * 3600),
            robots_ttl: Duration::from_secs(24 * 3600),
            resolve_overrides: Vec::new(),
        }
    }
}

/// What a source is: a feed to parse, or a page to read (and maybe follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Feed,
    Page,
}

impl SourceKind {
    /// The name used in `sources.toml`: `feed` or `page`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Page => "page",
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `[[source]]`, validated. Two sources are equal when every field
/// the operator wrote is (the parsed `schedule` follows `schedule_expr`):
/// the scheduler restarts a source whose entry changed in any field.
#[derive(Debug, Clone)]
pub struct Source {
    /// Unique slug (`[a-z0-9_-]+`).
    pub id: String,
    pub name: String,
    pub url: Url,
    pub kind: SourceKind,
    /// The schedule, in the `cron` crate's 6-field form.
    pub schedule: cron::Schedule,
    /// The expression as the operator wrote it (or the default).
    pub schedule_expr: String,
    /// ISO 3166-1 alpha-2, uppercase.
    pub country: Option<String>,
    pub city: Option<String>,
    /// ISO 639-1 hints, lowercase.
    pub languages: Vec<String>,
    pub network: Option<String>,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// Path globs (`*` matches anything, `/` included) of the article pages
    /// to fetch from a page source's listing.
    pub follow: Vec<String>,
}

impl Source {
    /// A page outside `sources.toml`, harvested as the one item it is (no
    /// `follow`), such as a page someone submitted: its items carry `id` as
    /// their source. It has the default schedule, and is never scheduled.
    pub fn single_page(id: &str, url: Url) -> Result<Source, String> {
        Ok(Source {
            id: id.to_string(),
            name: id.to_string(),
            url,
            kind: SourceKind::Page,
            schedule: crate::schedule::parse_schedule(DEFAULT_SCHEDULE)?,
            schedule_expr: DEFAULT_SCHEDULE.to_string(),
            country: None,
            city: None,
            languages: Vec::new(),
            network: None,
            tags: Vec::new(),
            enabled: true,
            follow: Vec::new(),
        })
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        // Destructured, so that a new field cannot be forgotten here.
        let Source {
            id,
            name,
            url,
            kind,
            schedule: _,
            schedule_expr,
            country,
            city,
            languages,
            network,
            tags,
            enabled,
            follow,
        } = self;
        *id == other.id
            && *name == other.name
            && *url == other.url
            && *kind == other.kind
            && *schedule_expr == other.schedule_expr
            && *country == other.country
            && *city == other.city
            && *languages == other.languages
            && *network == other.network
            && *tags == other.tags
            && *enabled == other.enabled
            && *follow == other.follow
    }
}

/// One problem found in `sources.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub file: String,
    /// 1-based; 0 when the problem has no position (the file is unreadable).
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    /// `source "ripess"`, `source #3` (no id), `[crawler]`, or empty for
    /// the document as a whole.
    pub table: String,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ":")?;
        if !self.table.is_empty() {
            write!(f, " {}", self.table)?;
            if self.field.is_some() {
                write!(f, ",")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, " field \"{field}\"")?;
        }
        if !self.table.is_empty() || self.field.is_some() {
            write!(f, ":")?;
        }
        write!(f, " {}", self.message)
    }
}

/// Every problem found in `sources.toml`, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigProblem>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Reads and validates `sources.toml`.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &file),
        Err(e) => Err(ConfigErrors(vec![ConfigProblem {
            file,
            line: 0,
            column: 0,
            table: String::new(),
            field: None,
            message: format!("cannot read the file: {e}: check the path given to veille"),
        }])),
    }
}

/// Validates the text of a `sources.toml`; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Config, ConfigErrors> {
    let mut problems = Problems {
        text,
        file,
        list: Vec::new(),
    };
    let (doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        for e in syntax {
            let at = e.span().map_or(0, |s| s.start);
            problems.push(
                at,
                "",
                None,
                format!("invalid TOML: {}", e.message().trim()),
            );
        }
        return Err(problems.finish());
    }
    let doc = doc.into_inner();

    let mut raw_crawler = None;
    let mut raw_sources = Vec::new();
    let mut store = StoreSettings::default();
    for (key, value) in doc.iter() {
        match key.get_ref().as_ref() {
            "store" => match value.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        match (k.get_ref().as_ref(), v.get_ref()) {
                            ("url", DeValue::String(url)) => match check_store_url(url) {
                                Ok(()) => store.url = Some(url.to_string()),
                                Err(e) => problems.push(v.span().start, "[store]", Some("url"), e),
                            },
                            ("url", other) => problems.push(
                                v.span().start,
                                "[store]",
                                Some("url"),
                                format!("expected a string, found {}", other.type_str()),
                            ),
                            (other, _) => problems.push(
                                k.span().start,
                                "[store]",
                                Some(other),
                                "unknown key: expected url".to_string(),
                            ),
                        }
                    }
                }
                other => problems.push(
                    value.span().start,
                    "",
                    Some("store"),
                    format!("expected a table [store], found {}", other.type_str()),
                ),
            },
            "crawler" => match value.get_ref() {
                DeValue::Table(t) => {
                    raw_crawler = Some(RawCrawler::read(t, value.span(), &mut problems))
                }
                other => problems.push(
                    value.span().start,
                    "",
                    Some("crawler"),
                    format!("expected a table [crawler], found {}", other.type_str()),
                ),
            },
            "source" => match value.get_ref() {
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match item.get_ref() {
                            DeValue::Table(t) => raw_sources.push(RawSource::read(
                                t,
                                item.span(),
                                i + 1,
                                &mut problems,
                            )),
                            other => problems.push(
                                item.span().start,
                                &format!("source #{}", i + 1),
                                None,
                                format!("expected a table [[source]], found {}", other.type_str()),
                            ),
                        }
                    }
                }
                other => problems.push(
                    value.span().start,
                    "",
                    Some("source"),
                    format!(
                        "expected an array of tables [[source]], found {}",
                        other.type_str()
                    ),
                ),
            },
            other => problems.push(
                key.span().start,
                "",
                Some(other),
                "unknown top-level key: expected [crawler], [store] or [[source]]".to_string(),
            ),
        }
    }

    let crawler = match raw_crawler {
        Some(raw) => raw.validate(&mut problems),
        None => {
            problems.push(
                0,
                "[crawler]",
                None,
                "missing [crawler] table: add one with user_agent = \"name/version (+https://your.contact.url)\""
                    .to_string(),
            );
            None
        }
    };
    let sources: Vec<Option<Source>> = raw_sources
        .iter()
        .map(|raw| raw.validate(&mut problems))
        .collect();
    check_duplicate_ids(&raw_sources, &mut problems);

    if !problems.list.is_empty() {
        return Err(problems.finish());
    }
    Ok(Config {
        crawler: crawler.expect("no problem means [crawler] was built"),
        sources: sources.into_iter().flatten().collect(),
        store,
    })
}

/// Collects problems, turning byte offsets into lines and columns.
struct Problems<'a> {
    text: &'a str,
    file: &'a str,
    list: Vec<(usize, ConfigProblem)>,
}

impl Problems<'_> {
    fn push(&mut self, offset: usize, table: &str, field: Option<&str>, message: String) {
        let (line, column) = line_column(self.text, offset);
        self.list.push((
            offset,
            ConfigProblem {
                file: self.file.to_string(),
                line,
                column,
                table: table.to_string(),
                field: field.map(str::to_string),
                message,
            },
        ));
    }

    fn finish(mut self) -> ConfigErrors {
        self.list.sort_by_key(|(offset, _)| *offset);
        ConfigErrors(self.list.into_iter().map(|(_, p)| p).collect())
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Reads the keys of one table one by one, reporting wrong types and
/// unknown keys.
struct TableReader<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Where the table starts (its header), for missing fields.
    at: usize,
    label: String,
    known: &'static [&'static str],
}

impl TableReader<'_, '_> {
    /// The value of `key`, deserialized; `None` (and a problem) when it has
    /// the wrong type.
    fn get<T: DeserializeOwned>(&self, key: &str, problems: &mut Problems) -> Option<Spanned<T>> {
        let value = self.table.get(key)?;
        let span = value.span();
        match T::deserialize(value.clone().into_deserializer()) {
            Ok(v) => Some(Spanned::new(span, v)),
            Err(e) => {
                problems.push(
                    span.start,
                    &self.label,
                    Some(key),
                    format!("wrong type: {}", e.message().trim()),
                );
                None
            }
        }
    }

    /// Like [`TableReader::get`], reporting a missing key.
    fn required<T: DeserializeOwned>(
        &self,
        key: &str,
        problems: &mut Problems,
    ) -> Option<Spanned<T>> {
        if self.table.get(key).is_none() {
            problems.push(
                self.at,
                &self.label,
                Some(key),
                "missing required field".to_string(),
            );
            return None;
        }
        self.get(key, problems)
    }

    fn check_unknown_keys(&self, problems: &mut Problems) {
        for key in self.table.keys() {
            let name: &str = key.get_ref();
            if !self.known.contains(&name) {
                problems.push(
                    key.span().start,
                    &self.label,
                    Some(name),
                    format!("unknown field: expected one of {}", self.known.join(", ")),
                );
            }
        }
    }
}

/// A number of `[crawler]`: its key, whether 0 is a valid value, and what
/// it sets. [`NUMBER_KEYS`] spells each key once: reading the table, the
/// list of known keys, validation and the setting all come from it.
struct NumberKey {
    key: &'static str,
    allow_zero: bool,
    set: fn(&mut CrawlerSettings, u64),
}

/// The numbers of `[crawler]`, in the order an unknown key's message lists
/// them (after `user_agent` and `allow_private_networks`). Their defaults
/// are [`CrawlerSettings::new`]'s.
#[rustfmt::skip]
const NUMBER_KEYS: [NumberKey; 14] = [
    number("max_body_bytes",            ONE_OR_MORE,  |s, n| s.max_body_bytes = n),
    number("timeout_secs",              ONE_OR_MORE,  |s, n| s.timeout = secs(n)),
    number("connect_timeout_secs",      ONE_OR_MORE,  |s, n| s.connect_timeout = secs(n)),
    number("min_host_delay_ms",         ZERO_OR_MORE, |s, n| s.min_host_delay = millis(n)),
    number("max_concurrency",           ONE_OR_MORE,  |s, n| s.max_concurrency = non_zero(n)),
    number("first_byte_timeout_secs",   ONE_OR_MORE,  |s, n| s.first_byte_timeout = secs(n)),
    number("per_host_concurrency",      ONE_OR_MORE,  |s, n| s.per_host_concurrency = non_zero(n)),
    number("max_requests_in_flight",    ONE_OR_MORE,  |s, n| s.max_in_flight = non_zero(n)),
    number("max_crawl_delay_secs",      ZERO_OR_MORE, |s, n| s.max_crawl_delay = secs(n)),
    number("max_attempts",              ONE_OR_MORE,  |s, n| s.max_attempts = u32::try_from(n).unwrap_or(u32::MAX)),
    number("retry_base_delay_ms",       ZERO_OR_MORE, |s, n| s.retry_base_delay = millis(n)),
    number("max_retry_wait_secs",       ZERO_OR_MORE, |s, n| s.max_retry_wait = secs(n)),
    number("failure_backoff_base_secs", ZERO_OR_MORE, |s, n| s.failure_backoff_base = secs(n)),
    number("failure_backoff_max_secs",  ZERO_OR_MORE, |s, n| s.failure_backoff_cap = secs(n)),
];

/// The keys of `[crawler]` that are not numbers.
const USER_AGENT: &str = "user_agent";
const ALLOW_PRIVATE_NETWORKS: &str = "allow_private_networks";

/// Whether 0 is a valid value of a [`NumberKey`].
const ZERO_OR_MORE: bool = true;
const ONE_OR_MORE: bool = false;

const fn number(
    key: &'static str,
    allow_zero: bool,
    set: fn(&mut CrawlerSettings, u64),
) -> NumberKey {
    NumberKey {
        key,
        allow_zero,
        set,
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn millis(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A count of at least 1 (a larger value than the machine holds is cut).
fn non_zero(n: u64) -> NonZeroUsize {
    NonZeroUsize::new(usize::try_from(n).unwrap_or(usize::MAX)).unwrap_or(NonZeroUsize::MIN)
}

/// Every key of `[crawler]`, in order.
fn crawler_keys() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        [USER_AGENT, ALLOW_PRIVATE_NETWORKS]
            .into_iter()
            .chain(NUMBER_KEYS.iter().map(|k| k.key))
            .collect()
    })
}

/// `[crawler]` as written.
struct RawCrawler {
    user_agent: Option<Spanned<String>>,
    allow_private_networks: Option<Spanned<bool>>,
    /// The numbers given, with their keys.
    numbers: Vec<(&'static NumberKey, Spanned<i64>)>,
}

const CRAWLER: &str = "[crawler]";

impl RawCrawler {
    fn read(table: &DeTable<'_>, span: Range<usize>, problems: &mut Problems) -> RawCrawler {
        let r = TableReader {
            table,
            at: span.start,
            label: CRAWLER.to_string(),
            known: crawler_keys(),
        };
        r.check_unknown_keys(problems);
        RawCrawler {
            user_agent: r.required(USER_AGENT, problems),
            allow_private_networks: r.get(ALLOW_PRIVATE_NETWORKS, problems),
            numbers: NUMBER_KEYS
                .iter()
                .filter_map(|k| Some((k, r.get(k.key, problems)?)))
                .collect(),
        }
    }

    fn validate(&self, problems: &mut Problems) -> Option<CrawlerSettings> {
        let mut ok = true;
        let mut settings = CrawlerSettings::new(String::new());
        match &self.user_agent {
            Some(ua) if has_contact_url(ua.get_ref()) => settings.user_agent = ua.get_ref().clone(),
            Some(ua) => {
                ok = false;
                problems.push(
                    ua.span().start,
                    CRAWLER,
                    Some(USER_AGENT),
                    format!(
                        "user agent {:?} has no contact URL: add one, as in \"veille/0.1 (+https://example.org/contact)\"",
                        ua.get_ref()
                    ),
                );
            }
            None => ok = false,
        }
        if let Some(v) = &self.allow_private_networks {
            settings.allow_private_networks = *v.get_ref();
        }
        for (key, value) in &self.numbers {
            let n = *value.get_ref();
            if n < 0 || (n == 0 && !key.allow_zero) {
                ok = false;
                let expected = if key.allow_zero {
                    "zero or more"
                } else {
                    "1 or more"
                };
                problems.push(
                    value.span().start,
                    CRAWLER,
                    Some(key.key),
                    format!("invalid value {n}: expected {expected}"),
                );
                continue;
            }
            (key.set)(&mut settings, n as u64);
        }
        ok.then_some(settings)
    }
}

/// Whether a user agent carries an http(s) URL to contact its operator.
fn has_contact_url(user_agent: &str) -> bool {
    user_agent
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ';' | '+' | ','))
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .any(|w| Url::parse(w).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty())))
}

/// One `[[source]]` as written.
struct RawSource {
    at: usize,
    label: String,
    id: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    schedule: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    city: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<String>>>,
    network: Option<Spanned<String>>,
    tags: Option<Spanned<Vec<String>>>,
    enabled: Option<Spanned<bool>>,
    follow: Option<Spanned<Vec<String>>>,
}

const SOURCE_KEYS: &[&str] = &[
    "id",
    "name",
    "url",
    "kind",
    "schedule",
    "country",
    "city",
    "languages",
    "network",
    "tags",
    "enabled",
    "follow",
];

impl RawSource {
    fn read(
        table: &DeTable<'_>,
        span: Range<usize>,
        index: usize,
        problems: &mut Problems,
    ) -> RawSource {
        let label = match table.get("id").and_then(|v| v.get_ref().as_str()) {
            Some(id) => format!("source {id:?}"),
            None => format!("source #{index}"),
        };
        let r = TableReader {
            table,
            at: span.start,
            label: label.clone(),
            known: SOURCE_KEYS,
        };
        r.check_unknown_keys(problems);
        RawSource {
            at: span.start,
            id: r.required("id", problems),
            name: r.required("name", problems),
            url: r.required("url", problems),
            kind: r.required("kind", problems),
            schedule: r.get("schedule", problems),
            country: r.get("country", problems),
            city: r.get("city", problems),
            languages: r.get("languages", problems),
            network: r.get("network", problems),
            tags: r.get("tags", problems),
            enabled: r.get("enabled", problems),
            follow: r.get("follow", problems),
            label,
        }
    }

    fn validate(&self, problems: &mut Problems) -> Option<Source> {
        let label = self.label.as_str();
        let mut ok = true;
        let mut bad =
            |problems: &mut Problems, span: Range<usize>, field: &str, message: String| {
                ok = false;
                problems.push(span.start, label, Some(field), message);
            };

        let id = self.id.as_ref().map(|id| {
            if !is_slug(id.get_ref()) {
                bad(
                    problems,
                    id.span(),
                    "id",
                    format!(
                        "invalid id {:?}: use lowercase letters, digits, '-' and '_'",
                        id.get_ref()
                    ),
                );
            }
            id.get_ref().clone()
        });
        let name = self.name.as_ref().map(|n| {
            if n.get_ref().trim().is_empty() {
                bad(
                    problems,
                    n.span(),
                    "name",
                    "empty name: give the source a readable name".into(),
                );
            }
            n.get_ref().clone()
        });
        let url = self.url.as_ref().and_then(|u| match Url::parse(u.get_ref()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
                Some(url)
            }
            Ok(url) => {
                bad(
                    problems,
                    u.span(),
                    "url",
                    format!(
                        "unsupported url {:?}: only http:// and https:// URLs with a host can be crawled (scheme {:?})",
                        u.get_ref(),
                        url.scheme()
                    ),
                );
                None
            }
            Err(e) => {
                bad(problems, u.span(), "url", format!("invalid url {:?}: {e}", u.get_ref()));
                None
            }
        });
        let kind = self.kind.as_ref().and_then(|k| match k.get_ref().as_str() {
            "feed" => Some(SourceKind::Feed),
            "page" => Some(SourceKind::Page),
            other => {
                bad(
                    problems,
                    k.span(),
                    "kind",
                    format!("invalid kind {other:?}: expected \"feed\" or \"page\""),
                );
                None
            }
        });
        let (schedule_expr, schedule_span) = match &self.schedule {
            Some(s) => (s.get_ref().clone(), s.span()),
            None => (DEFAULT_SCHEDULE.to_string(), self.at..self.at),
        };
        let schedule = match crate::schedule::parse_schedule(&schedule_expr) {
            Ok(s) => Some(s),
            Err(why) => {
                bad(
                    problems,
                    schedule_span,
                    "schedule",
                    format!("invalid cron expression {schedule_expr:?}: {why}"),
                );
                None
            }
        };
        let country = self.country.as_ref().and_then(|c| {
            let v = c.get_ref();
            if v.len() == 2 && v.chars().all(|ch| ch.is_ascii_alphabetic()) {
                Some(v.to_ascii_uppercase())
            } else {
                bad(
                    problems,
                    c.span(),
                    "country",
                    format!(
                        "invalid country {v:?}: expected an ISO 3166-1 alpha-2 code such as \"FR\""
                    ),
                );
                None
            }
        });
        let languages = match &self.languages {
            Some(l) => {
                for lang in l.get_ref() {
                    if !(lang.len() == 2 && lang.chars().all(|ch| ch.is_ascii_lowercase())) {
                        bad(
                            problems,
                            l.span(),
                            "languages",
                            format!("invalid language {lang:?}: expected an ISO 639-1 code of 2 lowercase letters such as \"fr\""),
                        );
                    }
                }
                l.get_ref().clone()
            }
            None => Vec::new(),
        };
        let follow = match &self.follow {
            Some(f) => {
                if kind == Some(SourceKind::Feed) {
                    bad(
                        problems,
                        f.span(),
                        "follow",
                        "follow applies only to kind = \"page\": remove it, or set kind = \"page\""
                            .into(),
                    );
                }
                for pattern in f.get_ref() {
                    if !pattern.starts_with('/') {
                        bad(
                            problems,
                            f.span(),
                            "follow",
                            format!("invalid pattern {pattern:?}: a pattern matches a URL path, so it starts with '/', as in \"/news/*\""),
                        );
                    }
                }
                f.get_ref().clone()
            }
            None => Vec::new(),
        };

        if !ok {
            return None;
        }
        Some(Source {
            id: id?,
            name: name?,
            url: url?,
            kind: kind?,
            schedule: schedule?,
            schedule_expr,
            country,
            city: self.city.as_ref().map(|c| c.get_ref().clone()),
            languages,
            network: self.network.as_ref().map(|n| n.get_ref().clone()),
            tags: self
                .tags
                .as_ref()
                .map(|t| t.get_ref().clone())
                .unwrap_or_default(),
            enabled: self.enabled.as_ref().is_none_or(|e| *e.get_ref()),
            follow,
        })
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Reports every source whose id another source uses too, at each
/// occurrence, naming the other lines.
fn check_duplicate_ids(sources: &[RawSource], problems: &mut Problems) {
    // In file order, found by id: a list of 10,000 sources is checked in
    // linear time (a search of the list for each id took 0.1 s).
    let mut seen: Vec<(&str, Vec<Range<usize>>)> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for s in sources {
        if let Some(id) = &s.id {
            match at.get(id.get_ref().as_str()) {
                Some(&i) => seen[i].1.push(id.span()),
                None => {
                    at.insert(id.get_ref(), seen.len());
                    seen.push((id.get_ref(), vec![id.span()]));
                }
            }
        }
    }
    for (id, spans) in seen.into_iter().filter(|(_, s)| s.len() > 1) {
        let lines: Vec<usize> = spans
            .iter()
            .map(|s| line_column(problems.text, s.start).0)
            .collect();
        for (i, span) in spans.iter().enumerate() {
            let others: Vec<String> = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| l.to_string())
                .collect();
            problems.push(
                span.start,
                &format!("source {id:?}"),
                Some("id"),
                format!(
                    "duplicate id {id:?} (also at line {}): give each source its own id",
                    others.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests;
