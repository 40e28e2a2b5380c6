//! Tests of whole crawls against a local HTTP server on 127.0.0.1 that
//! serves the fixtures, counts requests and answers conditional GETs.

mod failures;
mod feeds;
mod hostile;
mod pages;
mod polite;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use veille_store::Store;

use super::*;
use crate::config::parse;

pub(super) const USER_AGENT: &str = "veille-test/0.1 (+http://127.0.0.1/contact)";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/crawler");

/// What the server answers on one path.
#[derive(Clone, Default)]
pub(super) struct Route {
    pub(super) status: u16,
    pub(super) content_type: String,
    pub(super) body: Vec<u8>,
    pub(super) etag: Option<String>,
    pub(super) last_modified: Option<String>,
    pub(super) headers: Vec<(&'static str, String)>,
    /// Serve this many bytes of `x`, chunked with no length, instead of
    /// `body`.
    pub(super) stream: Option<u64>,
    /// Wait this long before answering.
    pub(super) delay: Option<Duration>,
    /// Send the body one byte per this interval, endlessly.
    pub(super) drip: Option<Duration>,
}

impl Route {
    /// A fixture file from `tests/fixtures/crawler/`.
    pub(super) fn file(path: &str, content_type: &str) -> Route {
        let body = std::fs::read(format!("{FIXTURES}/{path}"))
            .unwrap_or_else(|e| panic!("fixture {path}: {e}"));
        Route::bytes(body, content_type)
    }

    pub(super) fn bytes(body: impl Into<Vec<u8>>, content_type: &str) -> Route {
        Route {
            status: 200,
            content_type: content_type.to_string(),
            body: body.into(),
            ..Route::default()
        }
    }

    pub(super) fn html(body: &str) -> Route {
        Route::bytes(body, "text/html; charset=utf-8")
    }

    pub(super) fn status(status: u16) -> Route {
        Route {
            status,
            content_type: "text/plain".into(),
            body: b"error".to_vec(),
            ..Route::default()
        }
    }

    pub(super) fn redirect(to: &str) -> Route {
        Route {
            status: 301,
            headers: vec![("location", to.to_string())],
            ..Route::default()
        }
    }

    pub(super) fn etag(mut self, etag: &str) -> Route {
        self.etag = Some(etag.to_string());
        self
    }
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub(super) path: String,
    pub(super) conditional: bool,
    pub(super) user_agent: String,
    /// When the server saw it.
    pub(super) at: std::time::Instant,
    /// The `Host` header.
    pub(super) host: String,
}

#[derive(Default)]
struct ServerState {
    base: String,
    routes: Mutex<HashMap<String, Route>>,
    /// Answers given once each, in order, before `routes`.
    queued: Mutex<HashMap<String, std::collections::VecDeque<Route>>>,
    in_flight: AtomicU64,
    most_in_flight: AtomicU64,
    hits: Mutex<Vec<Hit>>,
    streamed: Arc<AtomicU64>,
}

/// A fixture server on 127.0.0.1, for one test.
pub(super) struct Server {
    pub(super) base: String,
    state: Arc<ServerState>,
}

impl Server {
    pub(super) async fn start() -> Server {
        Server::start_on("127.0.0.1:0").await
    }

    pub(super) async fn start_on(addr: &str) -> Server {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(ServerState {
            base: base.clone(),
            ..ServerState::default()
        });
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&state));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Server { base, state }
    }

    /// Serves `route` at `path`; `http://veille.test` in its body becomes
    /// this server's address.
    pub(super) fn route(&self, path: &str, mut route: Route) {
        if let Ok(text) = std::str::from_utf8(&route.body) {
            route.body = text.replace("http://veille.test", &self.base).into_bytes();
        } else {
            let from = b"http://veille.test";
            let mut out = Vec::new();
            let mut i = 0;
            while i < route.body.len() {
                if route.body[i..].starts_with(from) {
                    out.extend_from_slice(self.base.as_bytes());
                    i += from.len();
                } else {
                    out.push(route.body[i]);
                    i += 1;
                }
            }
            route.body = out;
        }
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_string(), route);
    }

    /// Answers `path` with each of `routes` once, in order, then as
    /// [`Server::route`] says.
    pub(super) fn queue(&self, path: &str, routes: Vec<Route>) {
        self.state
            .queued
            .lock()
            .unwrap()
            .insert(path.to_string(), routes.into());
    }

    /// The most requests the server was answering at once.
    pub(super) fn most_in_flight(&self) -> u64 {
        self.state.most_in_flight.load(Ordering::SeqCst)
    }

    /// The port the server listens on.
    pub(super) fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(super) fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    pub(super) fn paths(&self) -> Vec<String> {
        self.hits().into_iter().map(|h| h.path).collect()
    }

    pub(super) fn streamed(&self) -> u64 {
        self.state.streamed.load(Ordering::SeqCst)
    }
}

async fn serve(State(state): State<Arc<ServerState>>, request: Request<AxumBody>) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |p| p.to_string());
    let headers: &HeaderMap = request.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let if_none_match = header("if-none-match");
    let if_modified_since = header("if-modified-since");
    state.hits.lock().unwrap().push(Hit {
        path: path.clone(),
        conditional: if_none_match.is_some() || if_modified_since.is_some(),
        user_agent: header("user-agent").unwrap_or_default(),
        at: std::time::Instant::now(),
        host: header("host").unwrap_or_default(),
    });
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let response = answer(
        &state,
        &path,
        request.uri().path(),
        if_none_match,
        if_modified_since,
    )
    .await;
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

async fn answer(
    state: &Arc<ServerState>,
    path: &str,
    bare_path: &str,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
) -> Response {
    let queued = state
        .queued
        .lock()
        .unwrap()
        .get_mut(path)
        .and_then(|q| q.pop_front());
    let route = queued.or_else(|| {
        let routes = state.routes.lock().unwrap();
        routes.get(path).or_else(|| routes.get(bare_path)).cloned()
    });
    let Some(route) = route else {
        return Response::builder()
            .status(404)
            .body(AxumBody::from("not found"))
            .unwrap();
    };
    if let Some(d) = route.delay {
        tokio::time::sleep(d).await;
    }
    let unchanged = (route.etag.is_some() && route.etag == if_none_match)
        || (route.last_modified.is_some() && route.last_modified == if_modified_since);
    let mut response = Response::builder();
    if let Some(etag) = &route.etag {
        response = response.header("etag", etag);
    }
    if let Some(lm) = &route.last_modified {
        response = response.header("last-modified", lm);
    }
    if unchanged {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(AxumBody::empty())
            .unwrap();
    }
    for (name, value) in &route.headers {
        let value = value.replace("http://veille.test", &state.base);
        response = response.header(*name, value);
    }
    if !route.content_type.is_empty() {
        response = response.header("content-type", &route.content_type);
    }
    if let Some(every) = route.drip {
        let stream = futures_util::stream::unfold((), move |()| async move {
            tokio::time::sleep(every).await;
            Some((Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"<")), ()))
        });
        return response
            .status(route.status)
            .body(AxumBody::from_stream(stream))
            .unwrap();
    }
    let body = match route.stream {
        Some(total) => {
            let counter = Arc::clone(&state.streamed);
            let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
            let stream = futures_util::stream::unfold(0u64, move |sent| {
                let counter = Arc::clone(&counter);
                let chunk = chunk.clone();
                async move {
                    if sent >= total {
                        return None;
                    }
                    counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                    Some((
                        Ok::<_, std::io::Error>(chunk.clone()),
                        sent + chunk.len() as u64,
                    ))
                }
            });
            AxumBody::from_stream(stream)
        }
        None => AxumBody::from(route.body),
    };
    response.status(route.status).body(body).unwrap()
}

/// Settings for tests: private networks allowed (the server is on
/// 127.0.0.1), no delay between requests.
pub(super) fn settings() -> CrawlerSettings {
    let mut s = CrawlerSettings::new(USER_AGENT);
    s.allow_private_networks = true;
    s.min_host_delay = Duration::ZERO;
    s.timeout = Duration::from_secs(10);
    s
}

pub(super) fn crawler_with(settings: &CrawlerSettings) -> (Crawler, Store) {
    let store = Store::open_in_memory().unwrap();
    (Crawler::new(settings, store.clone()).unwrap(), store)
}

pub(super) fn crawler() -> (Crawler, Store) {
    crawler_with(&settings())
}

/// A source as `sources.toml` would give it; `extra` adds lines.
pub(super) fn source(kind: &str, url: &str, extra: &str) -> Source {
    let text = format!(
        "[crawler]\nuser_agent = \"{USER_AGENT}\"\n[[source]]\nid = \"test\"\nname = \"Test\"\n\
         url = \"{url}\"\nkind = \"{kind}\"\ncountry = \"FR\"\nlanguages = [\"fr\", \"en\"]\n{extra}\n"
    );
    let config = parse(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    config.sources.into_iter().next().unwrap()
}

/// The item harvested at `url`.
pub(super) fn item<'r>(report: &'r SourceReport, url: &str) -> &'r Harvested {
    report
        .harvested
        .iter()
        .find(|h| h.url == url)
        .unwrap_or_else(|| {
            let urls: Vec<&str> = report.harvested.iter().map(|h| h.url.as_str()).collect();
            panic!("no item at {url}; got {urls:?}")
        })
}
