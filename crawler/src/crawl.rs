//! Crawling one source: fetch it, parse it (feed or listing page), fetch the
//! pages its entries link to, and hand back what to ingest in a
//! [`SourceReport`]. A crawl never fails as a whole with an `Err`: what went
//! wrong is in the report.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::Instrument;
use url::Url;
use veille_store::{FetchState, Harvested, Outcome, Store};

use crate::config::{CrawlerSettings, Source, SourceKind};
use crate::decode::decode_html;
use crate::error::CrawlError;
use crate::feed::parse_feed;
use crate::fetch::{Body, FetchLog, Fetched, Fetcher, Want};
use crate::freshness;
use crate::normalize::normalize_url;
use crate::page::{article_links, MAX_FOLLOWED};

/// An entry whose content has fewer characters of text than this is a
/// teaser: the page it links to is fetched.
pub const SHORT_SUMMARY_CHARS: usize = 500;

/// Crawls sources. Cheap to clone: clones share the HTTP client, the store
/// and the per-host politeness state.
#[derive(Clone)]
pub struct Crawler {
    fetcher: Arc<Fetcher>,
    settings: Arc<CrawlerSettings>,
}

/// How the fetch of the source itself (the feed, or the listing page) went.
#[derive(Debug)]
pub enum FetchOutcome {
    Ok,
    /// 304: unchanged since the last crawl; nothing harvested.
    NotModified,
    /// What went wrong, typed (its message names the URL): the pipeline
    /// records the message, `sources check --probe` classifies the error.
    Failed(CrawlError),
    /// Not fetched: the server asked not to come back before this time
    /// (`Retry-After`, `Cache-Control: max-age`, RSS `ttl`). No request was
    /// sent; nothing is recorded on the source.
    Deferred(DateTime<Utc>),
}

impl FetchOutcome {
    /// Its kind, as the store, the API and the metrics name it.
    pub fn kind(&self) -> Outcome {
        match self {
            FetchOutcome::Ok => Outcome::Ok,
            FetchOutcome::NotModified => Outcome::NotModified,
            FetchOutcome::Failed(_) => Outcome::Failed,
            FetchOutcome::Deferred(_) => Outcome::Deferred,
        }
    }

    /// `ok`, `not_modified`, `failed` or `deferred`.
    pub fn as_str(&self) -> &'static str {
        self.kind().as_str()
    }
}

/// Two failures are equal when they say the same (a [`CrawlError`] may hold
/// errors that cannot be compared).
impl PartialEq for FetchOutcome {
    fn eq(&self, other: &FetchOutcome) -> bool {
        match (self, other) {
            (FetchOutcome::Ok, FetchOutcome::Ok)
            | (FetchOutcome::NotModified, FetchOutcome::NotModified) => true,
            (FetchOutcome::Failed(a), FetchOutcome::Failed(b)) => a.to_string() == b.to_string(),
            (FetchOutcome::Deferred(a), FetchOutcome::Deferred(b)) => a == b,
            _ => false,
        }
    }
}

/// What one crawl of a source did and found.
#[derive(Debug, PartialEq)]
pub struct SourceReport {
    pub source_id: String,
    pub outcome: FetchOutcome,
    /// Entries and pages to ingest.
    pub harvested: Vec<Harvested>,
    /// Article pages that answered 304 (their entries were skipped).
    pub unchanged: u64,
    /// 304 responses in this crawl (the source and its pages).
    pub not_modified: u64,
    /// Requests sent.
    pub requests: u64,
    /// Non-fatal problems: an article page that failed, an entry without a
    /// link …
    pub errors: Vec<String>,
    /// The HTTP cache state of every 200 answer, to remember once what they
    /// brought is stored ([`Crawler::harvest`]); already remembered by
    /// [`Crawler::crawl_source`].
    pub fetch_states: Vec<FetchState>,
}

impl SourceReport {
    fn new(source_id: &str) -> SourceReport {
        SourceReport {
            source_id: source_id.to_string(),
            outcome: FetchOutcome::Ok,
            harvested: Vec::new(),
            unchanged: 0,
            not_modified: 0,
            requests: 0,
            errors: Vec::new(),
            fetch_states: Vec::new(),
        }
    }
}

impl Crawler {
    /// A crawler with the HTTP client `settings` describe, remembering
    /// fetch state in `store`.
    pub fn new(settings: &CrawlerSettings, store: Store) -> Result<Crawler, CrawlError> {
        Ok(Crawler {
            fetcher: Arc::new(Fetcher::new(settings, store)?),
            settings: Arc::new(settings.clone()),
        })
    }

    /// The settings this crawler was built with.
    pub fn settings(&self) -> &CrawlerSettings {
        &self.settings
    }

    /// When `source` is next due for a scheduled crawl, after `now`: its
    /// next cron time, or, while it is backed off after
    /// `consecutive_failures` failures in a row (its last fetch at
    /// `last_fetch`), the first cron time after the backoff ends. See
    /// [`crate::schedule::next_due`].
    pub fn next_due(
        &self,
        source: &Source,
        last_fetch: Option<DateTime<Utc>>,
        consecutive_failures: u32,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        crate::schedule::next_due(
            source,
            last_fetch,
            consecutive_failures,
            self.settings.failure_backoff_base,
            self.settings.failure_backoff_cap,
            now,
        )
    }

    /// The `Sitemap:` URLs of the robots.txt of `url`'s host, once the
    /// crawler has read it (after a crawl of a source on that host).
    pub async fn sitemaps(&self, url: &Url) -> Vec<Url> {
        self.fetcher.sitemaps(url).await
    }

    /// Crawls one source and remembers the cache state of what it fetched.
    /// Never panics, never fails: failures are in the report.
    pub async fn crawl_source(&self, source: &Source) -> SourceReport {
        let report = self.harvest(source).await;
        self.remember(&report.fetch_states).await;
        report
    }

    /// Remembers fetch states (a store error is logged: the next fetch is
    /// then unconditional).
    pub async fn remember(&self, states: &[FetchState]) {
        self.fetcher.save_states(states.to_vec()).await;
    }

    /// Crawls one source without remembering the cache state of what it
    /// fetched: the caller stores what the report brought, then
    /// [`Crawler::remember`]s `report.fetch_states`. A crash in between
    /// costs a refetch, never an item. Never panics, never fails: failures
    /// are in the report.
    pub async fn harvest(&self, source: &Source) -> SourceReport {
        let span = tracing::info_span!("crawl", source = %source.id, url = %source.url);
        let started = std::time::Instant::now();
        async {
            let mut report = SourceReport::new(&source.id);
            match source.kind {
                SourceKind::Feed => self.crawl_feed(source, &mut report).await,
                SourceKind::Page => self.crawl_page(source, &mut report).await,
            }
            match &report.outcome {
                FetchOutcome::Failed(e) => tracing::warn!(cause = %e, "source failed"),
                outcome => tracing::info!(
                    outcome = outcome.as_str(),
                    harvested = report.harvested.len(),
                    requests = report.requests,
                    not_modified = report.not_modified,
                    errors = report.errors.len(),
                    "source crawled"
                ),
            }
            crate::metrics::fetches()
                .record(report.outcome.kind(), started.elapsed().as_secs_f64());
            report
        }
        .instrument(span)
        .await
    }

    /// Fetches `url`, counting requests and 304s in `report`, and warning
    /// when the source's own URL moved permanently.
    async fn fetch(
        &self,
        source: &Source,
        url: &Url,
        want: Want,
        report: &mut SourceReport,
    ) -> Result<Fetched, CrawlError> {
        let mut log = FetchLog::default();
        let fetched = self.fetcher.get(&source.id, url, want, &mut log).await;
        report.requests += log.requests;
        match &fetched {
            Ok(Fetched::NotModified) => report.not_modified += 1,
            Ok(Fetched::Fresh(body)) => report.fetch_states.push((*body.state).clone()),
            _ => {}
        }
        if let (Some(to), true) = (&log.moved, *url == source.url) {
            report.errors.push(format!(
                "{url} moved permanently to {to}: update the url of source {:?} in sources.toml",
                source.id
            ));
        }
        fetched
    }

    /// Fetches the source itself; `None` when there is nothing more to do
    /// (the outcome is then set).
    async fn fetch_source(
        &self,
        source: &Source,
        want: Want,
        report: &mut SourceReport,
    ) -> Option<Body> {
        match self.fetch(source, &source.url, want, report).await {
            Ok(Fetched::Fresh(body)) => Some(body),
            Ok(Fetched::NotModified) => {
                report.outcome = FetchOutcome::NotModified;
                None
            }
            Ok(Fetched::Deferred(until)) => {
                report.outcome = FetchOutcome::Deferred(until);
                None
            }
            Err(e) => {
                report.outcome = FetchOutcome::Failed(e);
                None
            }
        }
    }

    async fn crawl_feed(&self, source: &Source, report: &mut SourceReport) {
        let Some(body) = self.fetch_source(source, Want::Feed, report).await else {
            return;
        };
        // Parsing is CPU work: off the async runtime, and a panic in a
        // parser becomes a failed crawl, not a crashed worker.
        let parsed = tokio::task::spawn_blocking(move || {
            parse_feed(
                &body.bytes,
                body.content_type.as_deref(),
                body.content_language.as_deref(),
                &body.url,
            )
        })
        .await
        .unwrap_or_else(|e| Err(format!("the feed parser crashed: {e}")));
        let feed = match parsed {
            Ok(feed) => feed,
            Err(detail) => {
                report.outcome = FetchOutcome::Failed(CrawlError::NotAFeed {
                    url: source.url.to_string(),
                    detail,
                });
                return;
            }
        };
        if let Some(minutes) = feed.ttl_minutes.filter(|m| *m > 0) {
            let wait = std::time::Duration::from_secs(u64::from(minutes) * 60);
            let until = freshness::not_before(Utc::now(), wait);
            // The feed's state is still to remember: the deferral goes with it.
            match report
                .fetch_states
                .iter_mut()
                .find(|s| s.url == source.url.as_str())
            {
                Some(state) => state.not_before = state.not_before.max(Some(until)),
                None => self.fetcher.defer_url(&source.url, until).await,
            }
        }
        let mut pages_fetched = 0;
        for entry in feed.entries {
            let Some(url) = entry.url else {
                let e = CrawlError::NoLink {
                    feed: source.url.to_string(),
                    entry: entry.title.unwrap_or(entry.id),
                };
                report.errors.push(e.to_string());
                continue;
            };
            let mut item = Harvested {
                source_id: source.id.clone(),
                url: url.to_string(),
                title: entry.title,
                author: entry.author,
                published: entry.published,
                summary: entry.summary,
                html: None,
                declared_lang: entry.lang,
                source_languages: source.languages.clone(),
                source_country: source.country.clone(),
            };
            if entry.text_chars < SHORT_SUMMARY_CHARS && pages_fetched < MAX_FOLLOWED {
                pages_fetched += 1;
                match self.fetch(source, &url, Want::Html, report).await {
                    Ok(Fetched::NotModified | Fetched::Deferred(_)) => {
                        report.unchanged += 1;
                        continue;
                    }
                    Ok(Fetched::Fresh(page)) => match page_html(&page) {
                        Ok(html) => {
                            item.url = normalize_url(&page.url).to_string();
                            item.html = Some(html);
                        }
                        Err(e) => report.errors.push(e.to_string()),
                    },
                    Err(e) => report.errors.push(format!("{e} (kept the feed's summary)")),
                }
            }
            report.harvested.push(item);
        }
    }

    async fn crawl_page(&self, source: &Source, report: &mut SourceReport) {
        let Some(body) = self.fetch_source(source, Want::Html, report).await else {
            return;
        };
        let html = match page_html(&body) {
            Ok(html) => html,
            Err(e) => {
                report.outcome = FetchOutcome::Failed(e);
                return;
            }
        };
        if source.follow.is_empty() {
            report.harvested.push(page_item(source, &body.url, html));
            return;
        }
        let (page_url, follow) = (body.url.clone(), source.follow.clone());
        let links = tokio::task::spawn_blocking(move || {
            article_links(&html, &page_url, &follow, MAX_FOLLOWED)
        })
        .await;
        let links = match links {
            Ok(links) => links,
            Err(e) => {
                report.outcome = FetchOutcome::Failed(CrawlError::PageParser {
                    url: source.url.to_string(),
                    detail: e.to_string(),
                });
                return;
            }
        };
        for url in links {
            match self.fetch(source, &url, Want::Html, report).await {
                Ok(Fetched::NotModified | Fetched::Deferred(_)) => report.unchanged += 1,
                Ok(Fetched::Fresh(page)) => match page_html(&page) {
                    Ok(html) => report.harvested.push(page_item(source, &page.url, html)),
                    Err(e) => report.errors.push(e.to_string()),
                },
                Err(e) => report.errors.push(e.to_string()),
            }
        }
    }
}

fn page_item(source: &Source, url: &Url, html: String) -> Harvested {
    Harvested {
        source_id: source.id.clone(),
        url: normalize_url(url).to_string(),
        html: Some(html),
        source_languages: source.languages.clone(),
        source_country: source.country.clone(),
        ..Harvested::default()
    }
}

/// The body as HTML text; an error when the server says it is something
/// else (a PDF, an image …).
fn page_html(body: &Body) -> Result<String, CrawlError> {
    let mime = body
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    match mime.as_deref() {
        None
        | Some("text/html" | "application/xhtml+xml" | "text/plain" | "application/octet-stream") => {
            Ok(decode_html(&body.bytes, body.content_type.as_deref()))
        }
        Some(other) => Err(CrawlError::NotHtml {
            url: body.url.to_string(),
            content_type: other.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
