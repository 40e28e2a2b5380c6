//! One polite, safe, conditional HTTP GET.
//!
//! The [`Fetcher`] holds the crawler's one `reqwest` client. A fetch checks
//! the URL ([`crate::address`]), waits its turn at the host
//! ([`crate::politeness`]), sends `If-None-Match` / `If-Modified-Since` from
//! the store's fetch state, reads the body by chunks up to the size cap, and
//! remembers the new validators after a 200.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::header::{
    HeaderMap, ACCEPT, CONTENT_LANGUAGE, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED,
};
use reqwest::{redirect, StatusCode};
use tracing::Instrument;
use url::Url;
use veille_store::{FetchState, Store};

use crate::address::{check_url, GuardedResolver, PrivateAddress};
use crate::config::CrawlerSettings;
use crate::error::CrawlError;
use crate::politeness::Politeness;

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 5;

/// What to ask for when fetching a feed.
pub(crate) const ACCEPT_FEED: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
/// What to ask for when fetching a page.
pub(crate) const ACCEPT_HTML: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.8";

/// A body, read whole (up to the cap).
#[derive(Debug)]
pub(crate) struct Body {
    /// The URL that answered, after redirects.
    pub(crate) url: Url,
    pub(crate) content_type: Option<String>,
    pub(crate) content_language: Option<String>,
    pub(crate) bytes: Vec<u8>,
}

/// What a conditional GET gives.
#[derive(Debug)]
pub(crate) enum Fetched {
    Fresh(Body),
    /// 304: unchanged since the validators the store remembered.
    NotModified,
}

/// The crawler's HTTP side: one client, the politeness state, the store
/// (for fetch state).
pub(crate) struct Fetcher {
    client: reqwest::Client,
    store: Store,
    politeness: Politeness,
    allow_private: bool,
    max_body_bytes: u64,
    timeout: Duration,
}

impl Fetcher {
    pub(crate) fn new(settings: &CrawlerSettings, store: Store) -> Result<Fetcher, CrawlError> {
        let allow_private = settings.allow_private_networks;
        let policy = redirect::Policy::custom(move |attempt| {
            match check_redirect(attempt.previous().len(), attempt.url(), allow_private) {
                Ok(()) => attempt.follow(),
                Err(e) => attempt.error(e),
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .no_proxy()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(policy)
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .build()
            .map_err(|e| CrawlError::Client(error_chain(&e)))?;
        Ok(Fetcher {
            client,
            store,
            politeness: Politeness::new(settings.min_host_delay),
            allow_private,
            max_body_bytes: settings.max_body_bytes,
            timeout: settings.timeout,
        })
    }

    /// GETs `url` for source `source_id`, conditionally. `requests` counts
    /// the requests sent.
    pub(crate) async fn get(
        &self,
        source_id: &str,
        url: &Url,
        accept: &str,
        requests: &mut u64,
    ) -> Result<Fetched, CrawlError> {
        let span = tracing::info_span!("fetch", source = %source_id, url = %url);
        self.get_inner(url, accept, requests).instrument(span).await
    }

    async fn get_inner(
        &self,
        url: &Url,
        accept: &str,
        requests: &mut u64,
    ) -> Result<Fetched, CrawlError> {
        check_url(url, self.allow_private)?;
        let state = self.load_state(url).await;
        let host = url.host_str().unwrap_or_default();
        let _permit = self.politeness.acquire(host).await;

        let mut request = self.client.get(url.clone()).header(ACCEPT, accept);
        if let Some(s) = &state {
            if let Some(etag) = &s.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &s.last_modified {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        *requests += 1;
        let mut response = request
            .send()
            .await
            .map_err(|e| self.network_error(url, &e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            tracing::trace!(status = 304, "not modified");
            if let Some(mut s) = state {
                s.fetched_at = Some(Utc::now());
                self.save_state(s).await;
            }
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(CrawlError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                hint: status_hint(status),
            });
        }
        let too_large = || CrawlError::TooLarge {
            url: url.to_string(),
            cap: self.max_body_bytes,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_body_bytes)
        {
            return Err(too_large());
        }
        let headers = response.headers().clone();
        let final_url = response.url().clone();
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.network_error(url, &e))?
        {
            if (bytes.len() + chunk.len()) as u64 > self.max_body_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        tracing::trace!(status = status.as_u16(), bytes = bytes.len(), "fetched");
        self.save_state(FetchState {
            url: url.to_string(),
            etag: header(&headers, ETAG),
            last_modified: header(&headers, LAST_MODIFIED),
            fetched_at: Some(Utc::now()),
            not_before: None,
        })
        .await;
        Ok(Fetched::Fresh(Body {
            url: final_url,
            content_type: header(&headers, CONTENT_TYPE),
            content_language: header(&headers, CONTENT_LANGUAGE),
            bytes,
        }))
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
        let store = self.store.clone();
        let result = tokio::task::spawn_blocking(move || store.put_fetch_state(&state)).await;
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
                "timed out after {} s: the site is slow or down; raise timeout_secs in [crawler] if it is only slow",
                self.timeout.as_secs()
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
