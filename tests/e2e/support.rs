//! Test support: a fixture HTTP server on 127.0.0.1 that serves
//! `tests/fixtures/e2e/site/` (with ETags, so conditional GETs get 304s) and
//! counts what it saw; a temporary veille home (sources.toml + data dir); and
//! helpers that run the real `veille` binary.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/e2e/site");
pub const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages");
pub const BIN: &str = env!("CARGO_BIN_EXE_veille");

/// What the fixture server saw.
#[derive(Default, Debug)]
pub struct Seen {
    /// Requests per path.
    pub requests: HashMap<String, u64>,
    /// 304 responses sent.
    pub not_modified: u64,
    /// 200 responses sent.
    pub ok: u64,
}

#[derive(Clone, Default)]
struct ServerState {
    seen: Arc<Mutex<Seen>>,
    /// Text replacements applied to every body (to publish a new edition).
    edits: Arc<Mutex<Vec<(String, String)>>>,
    base: Arc<Mutex<String>>,
}

/// The fixture site, served on 127.0.0.1 from its own thread.
pub struct FixtureServer {
    pub addr: SocketAddr,
    state: ServerState,
}

impl FixtureServer {
    pub async fn start() -> FixtureServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = ServerState::default();
        *state.base.lock().unwrap() = format!("http://{addr}");
        let app = axum::Router::new()
            .route(
                "/status/500",
                axum::routing::get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
            )
            .fallback(serve_file)
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FixtureServer { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen<T>(&self, f: impl FnOnce(&Seen) -> T) -> T {
        f(&self.state.seen.lock().unwrap())
    }

    pub fn reset_counts(&self) {
        *self.state.seen.lock().unwrap() = Seen::default();
    }

    /// From now on, every body has `from` replaced by `to`.
    pub fn edit(&self, from: &str, to: &str) {
        self.state
            .edits
            .lock()
            .unwrap()
            .push((from.to_string(), to.to_string()));
    }
}

async fn serve_file(
    axum::extract::State(state): axum::extract::State<ServerState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().to_string();
    *state
        .seen
        .lock()
        .unwrap()
        .requests
        .entry(path.clone())
        .or_default() += 1;
    let mut file = PathBuf::from(SITE).join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    // `/pages/NAME.html` serves a real page of `tests/fixtures/pages/NAME/`.
    if let Some(name) = path
        .strip_prefix("/pages/")
        .and_then(|p| p.strip_suffix(".html"))
    {
        file = PathBuf::from(PAGES).join(name).join("source.html");
    }
    if path.contains("..") || !file.is_file() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let mut body = std::fs::read_to_string(&file).unwrap();
    body = body.replace("http://fixture.local", &state.base.lock().unwrap());
    for (from, to) in state.edits.lock().unwrap().iter() {
        body = body.replace(from, to);
    }
    let etag = format!("\"{:016x}\"", fnv1a(body.as_bytes()));
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        state.seen.lock().unwrap().not_modified += 1;
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    state.seen.lock().unwrap().ok += 1;
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("rss") => "application/rss+xml; charset=utf-8",
        Some("atom") => "application/atom+xml; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("json") => "application/feed+json",
        _ => "text/html; charset=utf-8",
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// A temporary veille home: `sources.toml` and `data/`.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new(sources_toml: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sources.toml"), sources_toml).unwrap();
        Home { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("sources.toml")
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.arg("--config")
            .arg(self.config())
            .arg("--data")
            .arg(self.data())
            .args(args)
            .env("VEILLE_LOG", "warn")
            .env_remove("VEILLE_CURATOR_TOKENS")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        cmd
    }

    /// Runs `veille ARGS` to completion.
    pub async fn veille(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().await.unwrap();
        Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts `veille ARGS` in the background (standard output and error
    /// discarded), to be waited for or killed.
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts `veille ARGS` in the background with `env` (standard output
    /// and error discarded), to be waited for or killed.
    pub fn spawn_with(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Child {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts `veille serve` (or `run`) on a free port and waits until it answers.
    pub async fn start(&self, command: &str, env: &[(&str, &str)]) -> Server {
        self.start_with(&[command], env).await
    }

    /// Starts `veille ARGS` (`run --role api` …) on a free port and waits
    /// until it answers.
    pub async fn start_with(&self, args: &[&str], env: &[(&str, &str)]) -> Server {
        let command = args.join(" ");
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut cmd = self.command(&[args, &["--listen", &listen]].concat());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let server = Server {
            base: format!("http://{listen}"),
            child,
            http: reqwest::Client::new(),
        };
        for _ in 0..200 {
            if server.http.get(server.url("/healthz")).send().await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("veille {command} did not answer on {listen}");
    }
}

pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `veille serve` / `veille run`.
pub struct Server {
    pub base: String,
    child: tokio::process::Child,
    pub http: reqwest::Client,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET → (status, JSON body).
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.get_as(path, None).await
    }

    /// GET with an optional bearer token → (status, JSON body).
    pub async fn get_as(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// POST JSON with an optional bearer token → (status, JSON body).
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.request(reqwest::Method::POST, path, token, body).await
    }

    /// PATCH JSON with an optional bearer token → (status, JSON body).
    pub async fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.request(reqwest::Method::PATCH, path, token, body)
            .await
    }

    /// Sends JSON with `method` and an optional bearer token → (status,
    /// JSON body).
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut req = self.http.request(method, self.url(path)).json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// Kills the server with SIGKILL, as a crash or a power cut would.
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }

    /// Stops the server with Ctrl-C (SIGINT) and waits for a clean exit.
    pub async fn stop(self) -> Option<i32> {
        self.stop_with_log().await.0
    }

    /// Stops the server with Ctrl-C and returns its exit code and its log
    /// (standard error).
    pub async fn stop_with_log(mut self) -> (Option<i32>, String) {
        use tokio::io::AsyncReadExt;
        let mut stderr = self.child.stderr.take().expect("stderr piped");
        let log = tokio::spawn(async move {
            let mut buf = String::new();
            let _ = stderr.read_to_string(&mut buf).await;
            buf
        });
        let pid = self.child.id().expect("server running").to_string();
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("veille did not stop within 30 s of Ctrl-C")
            .unwrap();
        (status.code(), log.await.unwrap_or_default())
    }
}

/// The sources.toml of the fixture world, pointing at `server`.
pub fn world_config(server: &FixtureServer) -> String {
    format!(
        r#"
[crawler]
user_agent = "veille-test/0.1 (+http://127.0.0.1/contact)"
allow_private_networks = true
min_host_delay_ms = 0

[[source]]
id = "rqes-fr"
name = "Réseau québécois (RSS, fr)"
url = "{fr}"
kind = "feed"
country = "CA"
languages = ["fr"]

[[source]]
id = "reas-es"
name = "Red de Economía Solidaria (Atom, es)"
url = "{es}"
kind = "feed"
country = "ES"
languages = ["es"]

[[source]]
id = "cwn-en"
name = "Community Wealth Network (pages, en)"
url = "{en}"
kind = "page"
country = "GB"
languages = ["en"]
follow = ["/en/news/*.html"]

[[source]]
id = "press-summaries"
name = "Press review (summaries only)"
url = "{summaries}"
kind = "feed"

[[source]]
id = "broken"
name = "A broken feed"
url = "{broken}"
kind = "feed"
"#,
        fr = server.url("/fr.rss"),
        es = server.url("/es.atom"),
        en = server.url("/en/news/"),
        summaries = server.url("/summaries.rss"),
        broken = server.url("/broken.xml"),
    )
}

/// The hits of a search response, as (title, hit) pairs.
pub fn hits(body: &serde_json::Value) -> Vec<serde_json::Value> {
    body["hits"].as_array().cloned().unwrap_or_default()
}

/// The hit whose title contains `needle`.
pub fn hit_titled<'a>(hits: &'a [serde_json::Value], needle: &str) -> &'a serde_json::Value {
    hits.iter()
        .find(|h| h["title"].as_str().is_some_and(|t| t.contains(needle)))
        .unwrap_or_else(|| panic!("no hit titled …{needle}…; hits: {hits:#?}"))
}
