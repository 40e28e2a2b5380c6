//! One polite, safe, resilient, conditional HTTP GET.
//!
//! The [`Fetcher`] holds the crawler's one `reqwest` client (no proxy, no
//! automatic redirects), the politeness state and the robots.txt cache. A
//! fetch:
//!
//! 1. refuses a URL that is not http(s) or names a private IP literal
//!    ([`crate::address`]), and makes no request while the server's
//!    `Retry-After` / `max-age` / `ttl` (the store's `not_before`) runs;
//! 2. for each hop (the URL, then each redirect, at most
//!    [`MAX_REDIRECTS`], loops stopped): checks the hop's URL, reads the
//!    host's robots.txt first (cached; 5xx or unreachable → nothing is
//!    fetched), refuses a disallowed URL, waits its turn at the host
//!    ([`crate::politeness`], with its `Crawl-delay`), sends
//!    `If-None-Match` / `If-Modified-Since`;
//! 3. refuses a content type the caller does not parse before reading the
//!    body, then reads the (decompressed) body by chunks up to the cap,
//!    within the first-byte and whole-response deadlines;
//! 4. retries transient failures (timeouts, resets, 429, 5xx) with
//!    exponential backoff and jitter, honouring `Retry-After` up to
//!    `max_retry_wait` (a longer one defers the URL instead);
//! 5. remembers the validators and `not_before` of the URL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{
    HeaderMap, ACCEPT, CONTENT_LANGUAGE, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION,
};
use reqwest::{redirect, StatusCode};
use tokio::sync::Mutex as AsyncMutex;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;
use veille_store::{FetchState, Store};

use crate::address::{check_url, GuardedResolver, PrivateAddress};
use crate::config::CrawlerSettings;
use crate::error::CrawlError;
use crate::freshness;
use crate::normalize::normalize_url;
use crate::politeness::{HostPermit, Politeness};
use crate::robots::{product_token, RobotsRules, MAX_ROBOTS_BYTES};

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 5;

/// How long a robots.txt that could not be read keeps its host closed
/// before it is asked again.
const ROBOTS_FAILURE_TTL: Duration = Duration::from_secs(10 * 60);

/// What to ask for when fetching a feed.
pub(crate) const ACCEPT_FEED: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
/// What to ask for when fetching a page.
pub(crate) const ACCEPT_HTML: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8";

/// What the caller will parse: decides the `Accept` header and which
/// content types are read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    Feed,
    Html,
}

impl Want {
    fn accept(self) -> &'static str {
        match self {
            Want::Feed => ACCEPT_FEED,
            Want::Html => ACCEPT_HTML,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Want::Feed => "a feed",
            Want::Html => "an HTML page",
        }
    }

    /// Whether a body of this content type is worth reading. A missing or
    /// generic type is read (and the parser decides).
    pub(crate) fn accepts(self, content_type: Option<&str>) -> bool {
        let Some(mime) = content_type
            .and_then(|ct| ct.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| !m.is_empty())
        else {
            return true;
        };
        let generic = matches!(
            mime.as_str(),
            "application/octet-stream" | "binary/octet-stream" | "text/plain"
        );
        match self {
            Want::Feed => {
                generic
                    || mime.starts_with("text/")
                    || mime.contains("xml")
                    || mime.contains("rss")
                    || mime.contains("atom")
                    || mime.contains("json")
            }
            Want::Html => generic || mime == "text/html" || mime == "application/xhtml+xml",
        }
    }
}

/// A body, read whole (up to the cap).
#[derive(Debug)]
pub(crate) struct Body {
    /// The URL that answered, after redirects.
    pub(crate) url: Url,
    pub(crate) content_type: Option<String>,
    pub(crate) content_language: Option<String>,
    pub(crate) bytes: Vec<u8>,
    /// The validators this answer gave, not yet remembered: they are
    /// remembered only once what the body brought is stored, so that a
    /// crash in between costs a fetch, never an item (a 304 for content
    /// that was never stored).
    pub(crate) state: Box<FetchState>,
}

/// What a conditional GET gives.
#[derive(Debug)]
pub(crate) enum Fetched {
    Fresh(Body),
    /// 304: unchanged since the validators the store remembered.
    NotModified,
    /// Not requested: the server asked not to come back before then.
    Deferred(DateTime<Utc>),
}

/// What a fetch did besides its result.
#[derive(Debug, Default)]
pub(crate) struct FetchLog {
    /// Requests sent (robots.txt included).
    pub(crate) requests: u64,
    /// Attempts after the first.
    pub(crate) retries: u64,
    /// Where a permanent redirect (301/308) of the URL itself led.
    pub(crate) moved: Option<Url>,
}

/// A failed attempt, and whether another attempt may succeed.
struct Failure {
    error: CrawlError,
    transient: bool,
    status: Option<u16>,
    retry_after: Option<Duration>,
}

impl Failure {
    fn permanent(error: CrawlError) -> Failure {
        Failure {
            error,
            transient: false,
            status: None,
            retry_after: None,
        }
    }

    fn transient(error: CrawlError) -> Failure {
        Failure {
            transient: true,
            ..Failure::permanent(error)
        }
    }
}

/// The redirects of one attempt: where it is, where it has been, and
/// whether every redirect so far was permanent.
struct Redirects {
    current: Url,
    visited: Vec<Url>,
    permanent: bool,
}

impl Redirects {
    fn new(url: &Url) -> Redirects {
        Redirects {
            current: url.clone(),
            visited: vec![normalize_url(url)],
            permanent: true,
        }
    }

    /// Moves to the `Location` of a redirect answer (`status`, `headers`)
    /// after `hop` redirects: a loop, or no usable `Location`, fails; where
    /// a chain of permanent redirects of the URL itself led is logged.
    fn follow(
        &mut self,
        url: &Url,
        status: StatusCode,
        headers: &HeaderMap,
        hop: usize,
        log: &mut FetchLog,
    ) -> Result<(), Failure> {
        let Some(next) = header(headers, LOCATION).and_then(|l| self.current.join(&l).ok()) else {
            return Err(Failure::permanent(CrawlError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                hint: ": a redirect without a usable Location",
            }));
        };
        let seen = normalize_url(&next);
        if self.visited.contains(&seen) {
            let path: Vec<&str> = self.visited.iter().map(Url::as_str).collect();
            return Err(Failure::permanent(broken(
                url,
                format!(
                    "redirect loop {} → {next}: stopped after {hop} redirects",
                    path.join(" → ")
                ),
            )));
        }
        if self.permanent && matches!(status.as_u16(), 301 | 308) {
            log.moved = Some(next.clone());
        } else {
            self.permanent = false;
        }
        tracing::debug!(status = status.as_u16(), to = %next, "redirected");
        self.visited.push(seen);
        self.current = next;
        Ok(())
    }
}

/// The fetch state of a URL never fetched.
fn no_state(url: &Url) -> FetchState {
    FetchState {
        url: url.to_string(),
        etag: None,
        last_modified: None,
        fetched_at: None,
        not_before: None,
    }
}

/// An exchange with `url`'s server that broke off.
fn broken(url: &Url, detail: String) -> CrawlError {
    CrawlError::Broken {
        url: url.to_string(),
        detail,
    }
}

/// An error status: transient for 408, 429 and 5xx (but 501), with the
/// server's `Retry-After`.
fn error_status(url: &Url, status: StatusCode, headers: &HeaderMap, now: DateTime<Utc>) -> Failure {
    let code = status.as_u16();
    let transient = code == 429 || code == 408 || (status.is_server_error() && code != 501);
    Failure {
        error: CrawlError::Status {
            url: url.to_string(),
            status: code,
            hint: status_hint(status),
        },
        transient,
        status: Some(code),
        retry_after: freshness::retry_after(headers, now),
    }
}

/// A host's robots.txt, as last read.
#[derive(Clone)]
enum Verdict {
    Rules(Arc<RobotsRules>),
    /// 5xx, 429, or no answer: the host is closed.
    Unreachable(String),
}

struct RobotsEntry {
    at: Instant,
    verdict: Verdict,
}

/// The crawler's HTTP side: one client, the politeness state, the robots
/// cache, the store (for fetch state).
pub(crate) struct Fetcher {
    client: reqwest::Client,
    store: Store,
    politeness: Politeness,
    robots: Mutex<HashMap<String, Arc<AsyncMutex<Option<RobotsEntry>>>>>,
    token: String,
    allow_private: bool,
    max_body_bytes: u64,
    timeout: Duration,
    connect_timeout: Duration,
    first_byte_timeout: Duration,
    max_crawl_delay: Duration,
    max_attempts: u32,
    retry_base_delay: Duration,
    max_retry_wait: Duration,
    robots_ttl: Duration,
}

impl Fetcher {
    pub(crate) fn new(settings: &CrawlerSettings, store: Store) -> Result<Fetcher, CrawlError> {
        let allow_private = settings.allow_private_networks;
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .no_proxy()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(redirect::Policy::none())
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .dns_resolver(Arc::new(GuardedResolver::new(
                allow_private,
                &settings.resolve_overrides,
            )))
            .build()
            .map_err(|e| CrawlError::Client(error_chain(&e)))?;
        Ok(Fetcher {
            client,
            store,
            politeness: Politeness::new(
                settings.min_host_delay,
                settings.per_host_concurrency.get(),
                settings.max_in_flight.get(),
            ),
            robots: Mutex::default(),
            token: product_token(&settings.user_agent),
            allow_private,
            max_body_bytes: settings.max_body_bytes,
            timeout: settings.timeout,
            connect_timeout: settings.connect_timeout,
            first_byte_timeout: settings.first_byte_timeout,
            max_crawl_delay: settings.max_crawl_delay,
            max_attempts: settings.max_attempts.max(1),
            retry_base_delay: settings.retry_base_delay,
            max_retry_wait: settings.max_retry_wait,
            robots_ttl: settings.robots_ttl,
        })
    }

    /// GETs `url` for source `source_id`, conditionally, politely, with
    /// retries; what it did goes in `log`.
    pub(crate) async fn get(
        &self,
        source_id: &str,
        url: &Url,
        want: Want,
        log: &mut FetchLog,
    ) -> Result<Fetched, CrawlError> {
        let span = tracing::info_span!("fetch", source = %source_id, url = %url);
        self.get_inner(url, want, log).instrument(span).await
    }

    async fn get_inner(
        &self,
        url: &Url,
        want: Want,
        log: &mut FetchLog,
    ) -> Result<Fetched, CrawlError> {
        check_url(url, self.allow_private)?;
        let state = self.load_state(url).await;
        if let Some(until) = state.as_ref().and_then(|s| s.not_before) {
            if until > Utc::now() {
                tracing::debug!(%until, "deferred: the server asked not to come back yet");
                return Ok(Fetched::Deferred(until));
            }
        }
        let mut attempt = 1;
        loop {
            let failure = match self.chain(url, want, state.as_ref(), log).await {
                Ok(fetched) => return Ok(fetched),
                Err(failure) => failure,
            };
            if !failure.transient {
                return Err(failure.error);
            }
            if let Some(wait) = failure.retry_after {
                if wait > self.max_retry_wait || attempt >= self.max_attempts {
                    let until = freshness::not_before(Utc::now(), wait);
                    self.defer_url(url, until).await;
                    return Err(CrawlError::RetryLater {
                        url: url.to_string(),
                        status: failure.status.unwrap_or(0),
                        until,
                    });
                }
            }
            if attempt >= self.max_attempts {
                return Err(failure.error);
            }
            let wait = failure
                .retry_after
                .unwrap_or_else(|| backoff(self.retry_base_delay, attempt));
            if failure.retry_after.is_some() {
                if let Some(host) = url.host_str() {
                    self.politeness.defer(host, Instant::now() + wait);
                }
            }
            tracing::info!(attempt, wait_ms = wait.as_millis() as u64, cause = %failure.error, "retrying");
            tokio::time::sleep(wait).await;
            log.retries += 1;
            attempt += 1;
        }
    }

    /// One attempt: the URL and its redirects. Each hop is checked, let
    /// through robots.txt and the host's turn ([`Fetcher::admit`]), asked
    /// conditionally, and its answer read: a redirect leads to the next
    /// hop, a 304 keeps the validators, an error status fails, a 200 is
    /// read ([`Fetcher::fresh`]).
    async fn chain(
        &self,
        url: &Url,
        want: Want,
        state: Option<&FetchState>,
        log: &mut FetchLog,
    ) -> Result<Fetched, Failure> {
        let mut redirects = Redirects::new(url);
        for hop in 0..=MAX_REDIRECTS {
            let current = redirects.current.clone();
            if hop > 0 {
                check_redirect(hop, &current, self.allow_private)
                    .map_err(|why| Failure::permanent(broken(url, why)))?;
            }
            let permit = self.admit(&current, log).await?;
            log.requests += 1;
            let deadline = Instant::now() + self.timeout;
            let request = self.conditional_get(&current, want, state);
            let response = self.send(url, request, deadline).await?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                drop(permit);
                redirects.follow(url, status, response.headers(), hop, log)?;
                continue;
            }
            let now = Utc::now();
            if status == StatusCode::NOT_MODIFIED {
                drop(permit);
                self.not_modified(url, state, response.headers(), now).await;
                return Ok(Fetched::NotModified);
            }
            if !status.is_success() {
                return Err(error_status(url, status, response.headers(), now));
            }
            let body = self
                .fresh(url, current, want, response, deadline, now)
                .await?;
            drop(permit);
            return Ok(Fetched::Fresh(body));
        }
        Err(Failure::permanent(broken(
            url,
            format!("more than {MAX_REDIRECTS} redirects"),
        )))
    }

    /// Lets a request for `url` go: its host's robots.txt allows it, and
    /// the host's turn has come (the permit holds it until dropped).
    async fn admit(&self, url: &Url, log: &mut FetchLog) -> Result<HostPermit, Failure> {
        let rules = self.robots_for(url, log).await?;
        if !rules.allowed(url) {
            return Err(Failure::permanent(CrawlError::Disallowed {
                url: url.to_string(),
                robots: robots_url(url),
                token: self.token.clone(),
            }));
        }
        let host = url.host_str().unwrap_or_default();
        let crawl_delay = rules.crawl_delay.map(|d| d.min(self.max_crawl_delay));
        Ok(self.politeness.acquire(host, crawl_delay).await)
    }

    /// A GET of `url` for what `want` parses, with the validators the
    /// store remembered (`If-None-Match`, `If-Modified-Since`).
    fn conditional_get(
        &self,
        url: &Url,
        want: Want,
        state: Option<&FetchState>,
    ) -> reqwest::RequestBuilder {
        let mut request = self.client.get(url.clone()).header(ACCEPT, want.accept());
        if let Some(s) = state {
            if let Some(etag) = &s.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &s.last_modified {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        request
    }

    /// A 304: the remembered validators, refreshed by the answer's, and
    /// its `not_before`, are saved.
    async fn not_modified(
        &self,
        url: &Url,
        state: Option<&FetchState>,
        headers: &HeaderMap,
        now: DateTime<Utc>,
    ) {
        let mut s = state.cloned().unwrap_or_else(|| no_state(url));
        s.etag = header(headers, ETAG).or(s.etag);
        s.last_modified = header(headers, LAST_MODIFIED).or(s.last_modified);
        s.fetched_at = Some(now);
        s.not_before = freshness::fresh_for(headers).map(|d| freshness::not_before(now, d));
        self.save_state(s).await;
    }

    /// A 200 from `current` (the URL after redirects): a content type
    /// `want` parses, a body within the cap, and the validators to
    /// remember once what it brought is stored.
    async fn fresh(
        &self,
        url: &Url,
        current: Url,
        want: Want,
        mut response: reqwest::Response,
        deadline: Instant,
        now: DateTime<Utc>,
    ) -> Result<Body, Failure> {
        let headers = response.headers().clone();
        let content_type = header(&headers, CONTENT_TYPE);
        if !want.accepts(content_type.as_deref()) {
            return Err(Failure::permanent(CrawlError::WrongType {
                url: current.to_string(),
                content_type: content_type.unwrap_or_default(),
                expected: want.expected(),
            }));
        }
        let too_large = || {
            Failure::permanent(CrawlError::TooLarge {
                url: url.to_string(),
                cap: self.max_body_bytes,
            })
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_body_bytes)
        {
            return Err(too_large());
        }
        let bytes = self
            .read_body(url, &mut response, self.max_body_bytes, deadline)
            .await?
            .map_err(|_| too_large())?;
        tracing::trace!(
            status = response.status().as_u16(),
            bytes = bytes.len(),
            "fetched"
        );
        let state = FetchState {
            etag: header(&headers, ETAG),
            last_modified: header(&headers, LAST_MODIFIED),
            fetched_at: Some(now),
            not_before: freshness::fresh_for(&headers).map(|d| freshness::not_before(now, d)),
            ..no_state(url)
        };
        Ok(Body {
            url: current,
            content_type,
            content_language: header(&headers, CONTENT_LANGUAGE),
            bytes,
            state: Box::new(state),
        })
    }

    /// Sends a request and waits for its status and headers, within the
    /// connect + first-byte timeouts and the whole-response deadline.
    async fn send(
        &self,
        url: &Url,
        request: reqwest::RequestBuilder,
        deadline: Instant,
    ) -> Result<reqwest::Response, Failure> {
        let first_byte =
            (Instant::now() + self.connect_timeout + self.first_byte_timeout).min(deadline);
        match tokio::time::timeout_at(first_byte, request.send()).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(e)) => {
                let error = self.network_error(url, &e);
                Err(match error {
                    CrawlError::Refused { .. } => Failure::permanent(error),
                    _ => Failure::transient(error),
                })
            }
            Err(_) => Err(Failure::transient(CrawlError::Network {
                url: url.to_string(),
                detail: format!(
                    "timed out after {} waiting for a response: the site is slow or down; raise first_byte_timeout_secs in [crawler] if it is only slow",
                    seconds((self.connect_timeout + self.first_byte_timeout).min(self.timeout))
                ),
            })),
        }
    }

    /// Reads a body by chunks (decompressed, as reqwest hands them), each
    /// within the first-byte timeout and all within `deadline`. `Ok(Err)`
    /// when it goes past `cap` (the connection is then dropped).
    async fn read_body(
        &self,
        url: &Url,
        response: &mut reqwest::Response,
        cap: u64,
        deadline: Instant,
    ) -> Result<Result<Vec<u8>, Vec<u8>>, Failure> {
        let mut bytes = Vec::new();
        loop {
            let chunk_deadline = (Instant::now() + self.first_byte_timeout).min(deadline);
            let chunk = match tokio::time::timeout_at(chunk_deadline, response.chunk()).await {
                Ok(Ok(Some(chunk))) => chunk,
                Ok(Ok(None)) => return Ok(Ok(bytes)),
                // The server answered: a body that breaks off (but for a
                // timeout) is not a server that never answered.
                Ok(Err(e)) => {
                    return Err(Failure::transient(match self.network_error(url, &e) {
                        CrawlError::Network { url, detail } if !e.is_timeout() => {
                            CrawlError::Broken { url, detail }
                        }
                        other => other,
                    }))
                }
                Err(_) => {
                    let whole = chunk_deadline >= deadline;
                    let detail = if whole {
                        format!(
                            "timed out after {} reading the body ({} bytes read): the site is slow or down; raise timeout_secs in [crawler] if it is only slow",
                            seconds(self.timeout),
                            bytes.len()
                        )
                    } else {
                        format!(
                            "timed out: the body stalled for {} ({} bytes read): the site is slow or down",
                            seconds(self.first_byte_timeout),
                            bytes.len()
                        )
                    };
                    return Err(Failure::transient(CrawlError::Network {
                        url: url.to_string(),
                        detail,
                    }));
                }
            };
            if (bytes.len() + chunk.len()) as u64 > cap {
                let room = (cap as usize).saturating_sub(bytes.len());
                bytes.extend_from_slice(&chunk[..room.min(chunk.len())]);
                return Ok(Err(bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
    }

    /// The robots.txt rules of `url`'s host, fetched once per
    /// `robots_ttl` (one fetch at a time per host: the others wait for it).
    async fn robots_for(&self, url: &Url, log: &mut FetchLog) -> Result<Arc<RobotsRules>, Failure> {
        let key = url.origin().ascii_serialization();
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(map.entry(key).or_default())
        };
        let mut entry = cell.lock().await;
        let fresh = entry.as_ref().is_some_and(|e| {
            let ttl = match e.verdict {
                Verdict::Rules(_) => self.robots_ttl,
                Verdict::Unreachable(_) => ROBOTS_FAILURE_TTL.min(self.robots_ttl),
            };
            e.at.elapsed() < ttl
        });
        if !fresh {
            let verdict = self.fetch_robots(url, log).await?;
            *entry = Some(RobotsEntry {
                at: Instant::now(),
                verdict,
            });
        }
        match &entry.as_ref().expect("filled above").verdict {
            Verdict::Rules(rules) => Ok(Arc::clone(rules)),
            Verdict::Unreachable(detail) => {
                Err(Failure::permanent(CrawlError::RobotsUnreachable {
                    url: url.to_string(),
                    robots: robots_url(url),
                    detail: detail.clone(),
                }))
            }
        }
    }

    /// Fetches and reads a host's robots.txt (RFC 9309): 2xx → its rules
    /// (the first [`MAX_ROBOTS_BYTES`]); redirects followed (at most
    /// [`MAX_REDIRECTS`]); 4xx → everything allowed; 429, 5xx or no
    /// answer → unreachable. A refused address is an error, not a verdict.
    async fn fetch_robots(&self, url: &Url, log: &mut FetchLog) -> Result<Verdict, Failure> {
        let first = Url::parse(&robots_url(url))
            .map_err(|e| Failure::permanent(broken(url, format!("no robots.txt url: {e}"))))?;
        let mut current = first.clone();
        for hop in 0..=MAX_REDIRECTS {
            if hop > 0 {
                if let Err(why) = check_redirect(hop, &current, self.allow_private) {
                    return Ok(Verdict::Unreachable(why));
                }
            }
            let host = current.host_str().unwrap_or_default().to_string();
            let permit = self.politeness.acquire(&host, None).await;
            log.requests += 1;
            let deadline = Instant::now() + self.timeout;
            let request = self
                .client
                .get(current.clone())
                .header(ACCEPT, "text/plain");
            let mut response = match self.send(url, request, deadline).await {
                Ok(r) => r,
                Err(f) => {
                    return match f.error {
                        CrawlError::Refused { .. } => Err(f),
                        CrawlError::Network { detail, .. } => Ok(Verdict::Unreachable(detail)),
                        other => Ok(Verdict::Unreachable(other.to_string())),
                    }
                }
            };
            let status = response.status();
            if status.is_redirection() {
                drop(permit);
                match header(response.headers(), LOCATION).and_then(|l| current.join(&l).ok()) {
                    Some(next) => {
                        current = next;
                        continue;
                    }
                    None => return Ok(Verdict::Rules(Arc::new(RobotsRules::allow_all()))),
                }
            }
            let code = status.as_u16();
            if code == 429 || status.is_server_error() {
                return Ok(Verdict::Unreachable(format!("http status {code}")));
            }
            if !status.is_success() {
                return Ok(Verdict::Rules(Arc::new(RobotsRules::allow_all())));
            }
            let body = match self
                .read_body(url, &mut response, MAX_ROBOTS_BYTES as u64, deadline)
                .await
            {
                Ok(Ok(body) | Err(body)) => body,
                Err(f) => return Ok(Verdict::Unreachable(f.error.to_string())),
            };
            drop(permit);
            let rules = RobotsRules::parse(&body, &self.token);
            if let Some(delay) = rules.crawl_delay {
                let delay = delay.min(self.max_crawl_delay);
                self.politeness
                    .defer(first.host_str().unwrap_or_default(), Instant::now() + delay);
            }
            tracing::debug!(
                robots = %current,
                crawl_delay = ?rules.crawl_delay,
                sitemaps = rules.sitemaps.len(),
                "robots.txt read"
            );
            return Ok(Verdict::Rules(Arc::new(rules)));
        }
        Ok(Verdict::Rules(Arc::new(RobotsRules::allow_all())))
    }

    /// The `Sitemap:` URLs of the robots.txt of `url`'s host, if it has
    /// been read.
    pub(crate) async fn sitemaps(&self, url: &Url) -> Vec<Url> {
        let cell = {
            let map = self.robots.lock().unwrap_or_else(|p| p.into_inner());
            map.get(&url.origin().ascii_serialization()).cloned()
        };
        let Some(cell) = cell else {
            return Vec::new();
        };
        let entry = cell.lock().await;
        match entry.as_ref().map(|e| &e.verdict) {
            Some(Verdict::Rules(rules)) => rules.sitemaps.clone(),
            _ => Vec::new(),
        }
    }

    /// Makes no request for `url` before `until` (kept if a later time is
    /// already set).
    pub(crate) async fn defer_url(&self, url: &Url, until: DateTime<Utc>) {
        let mut state = self.load_state(url).await.unwrap_or_else(|| no_state(url));
        if state.not_before.is_some_and(|t| t >= until) {
            return;
        }
        state.not_before = Some(until);
        self.save_state(state).await;
    }

    /// The fetch state the store remembers; a store error is logged and
    /// the fetch goes on unconditionally.
    async fn load_state(&self, url: &Url) -> Option<FetchState> {
        let store = self.store.clone();
        let key = url.to_string();
        match tokio::task::spawn_blocking(move || store.fetch_state(&key)).await {
            Ok(Ok(state)) => state,
            Ok(Err(e)) => {
                tracing::warn!(cause = %e, "cannot read the fetch state: fetching unconditionally");
                None
            }
            Err(e) => {
                tracing::warn!(cause = %e, "cannot read the fetch state: fetching unconditionally");
                None
            }
        }
    }

    /// Remembers a fetch state; a store error is logged (the next fetch is
    /// then unconditional), never fatal.
    async fn save_state(&self, state: FetchState) {
        self.save_states(vec![state]).await;
    }

    /// Remembers fetch states in one transaction; a store error is logged
    /// (the next fetches are then unconditional), never fatal.
    pub(crate) async fn save_states(&self, states: Vec<FetchState>) {
        if states.is_empty() {
            return;
        }
        let store = self.store.clone();
        let result = tokio::task::spawn_blocking(move || store.put_fetch_states(&states)).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(cause = %e, "cannot save the fetch state"),
            Err(e) => tracing::warn!(cause = %e, "cannot save the fetch state"),
        }
    }

    fn network_error(&self, url: &Url, e: &reqwest::Error) -> CrawlError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(private) = s.downcast_ref::<PrivateAddress>() {
                return CrawlError::Refused {
                    url: url.to_string(),
                    why: private.why(),
                };
            }
            source = s.source();
        }
        let detail = if e.is_timeout() {
            format!(
                "timed out after {}: the site is slow or down; raise timeout_secs in [crawler] if it is only slow",
                seconds(self.timeout)
            )
        } else {
            error_chain(e)
        };
        CrawlError::Network {
            url: url.to_string(),
            detail,
        }
    }
}

/// A duration for a message: `30 s`, `0.3 s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The robots.txt URL of `url`'s origin.
pub(crate) fn robots_url(url: &Url) -> String {
    format!("{}/robots.txt", url.origin().ascii_serialization())
}

/// The wait before attempt `attempt + 1`: `base` × 2^(attempt-1), less a
/// random part of up to half of it (jitter, so that clients that failed
/// together do not come back together).
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let full = base.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(16));
    full.mul_f64(0.5 + fastrand::f64() * 0.5)
}

/// Whether to follow a redirect to `next` after `hops` redirects: at most
/// [`MAX_REDIRECTS`], and never to a URL [`check_url`] refuses (a redirect
/// to a private IP literal; names are checked by the resolver).
pub(crate) fn check_redirect(hops: usize, next: &Url, allow_private: bool) -> Result<(), String> {
    if hops > MAX_REDIRECTS {
        return Err(format!("more than {MAX_REDIRECTS} redirects"));
    }
    check_url(next, allow_private).map_err(|e| format!("redirect to {e}"))
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// What to do about an error status.
fn status_hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 | 410 => ": the page is gone; check the source url in sources.toml",
        401 | 403 => ": the site refuses the crawler; ask its operators, or disable the source",
        429 => ": the site asks to slow down; lower the source's schedule frequency",
        500..=599 => ": server error; it will be retried at the next run",
        _ => "",
    }
}

/// An error and its causes, as `a: b: c`, without the repetitions and the
/// URL that reqwest puts in its own message.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = Some(e);
    while let Some(s) = source {
        let mut msg = s.to_string();
        if let Some(i) = msg.find(" for url (") {
            msg.truncate(i);
        }
        if !parts.iter().any(|p| p.contains(&msg)) {
            parts.push(msg);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests;
