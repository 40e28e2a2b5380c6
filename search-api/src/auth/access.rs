//! How the server guards itself: [`AccessConfig`] (CORS origins, secure
//! cookies, the write rate, session length), read from the environment by
//! the binary, and [`Access`], the config with the per-account write
//! limiter.
//!
//! - `VEILLE_CORS_ORIGINS`: comma-separated origins (`https://portal.example`)
//!   allowed to call the API from a browser, with credentials. Unset or
//!   empty: no CORS headers at all, so browsers only let the server's own
//!   pages call it.
//! - `VEILLE_SECURE_COOKIES`: `true` (or `1`) adds `Secure` to the session
//!   cookie; set it whenever the server is reached over HTTPS (behind a TLS
//!   proxy). Off by default because the server itself speaks plain HTTP on
//!   127.0.0.1, where a `Secure` cookie would never be sent back.
//! - `VEILLE_WRITES_PER_MINUTE`: writes allowed per account per minute
//!   (default 60; sign-in attempts per name count the same way).
//! - `VEILLE_SESSION_HOURS`: how long a session lasts (default 12).
//! - `VEILLE_SUBMISSIONS_PER_HOUR`: submissions allowed per client address
//!   per hour without a partner token (default 10).
//!
//! - `VEILLE_TRUSTED_PROXIES`: comma-separated addresses or networks
//!   (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`) of the reverse proxies in
//!   front of the server. A request from one of them is counted by the
//!   address its `X-Forwarded-For` gives: the right-most one that is not
//!   itself a trusted proxy (what a client writes to the left of it is not
//!   believed). Unset: the connection's address, whatever the headers say.
//!
//! Whether a submitted URL may name a private address is not read from the
//! environment: the binary sets it from the crawler's own rule
//! (`allow_private_networks` in `sources.toml`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::net::IpAddr;

use axum::http::{header, HeaderMap, HeaderValue, Method};
use ipnet::IpNet;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The server's guard settings. `Default` is what an unset environment gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessConfig {
    /// Origins allowed by CORS (`scheme://host[:port]`), exactly.
    pub cors_origins: Vec<String>,
    /// Whether the session cookie carries `Secure`.
    pub secure_cookies: bool,
    /// Writes allowed per account per minute.
    pub writes_per_minute: u32,
    /// How long a session lasts, in hours.
    pub session_hours: u32,
    /// Submissions allowed per client address per hour (partners' tokens
    /// are not counted by address).
    pub submissions_per_hour: u32,
    /// Whether a submitted URL may name a private address (the crawler's
    /// `allow_private_networks`; only tests on 127.0.0.1 set it).
    pub allow_private_urls: bool,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for AccessConfig {
    fn default() -> AccessConfig {
        AccessConfig {
            cors_origins: Vec::new(),
            secure_cookies: false,
            writes_per_minute: 60,
            session_hours: 12,
            submissions_per_hour: 10,
            allow_private_urls: false,
            trusted_proxies: Vec::new(),
        }
    }
}

impl AccessConfig {
    /// Reads `VEILLE_CORS_ORIGINS`, `VEILLE_SECURE_COOKIES`,
    /// `VEILLE_WRITES_PER_MINUTE`, `VEILLE_SESSION_HOURS` and
    /// `VEILLE_SUBMISSIONS_PER_HOUR`; every bad value is reported at once.
    pub fn from_env() -> Result<AccessConfig, String> {
        AccessConfig::from_vars(|name| std::env::var(name).ok())
    }

    /// As [`AccessConfig::from_env`], over any source of variables.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<AccessConfig, String> {
        let mut config = AccessConfig::default();
        let mut problems = Vec::new();
        if let Some(origins) = var("VEILLE_CORS_ORIGINS") {
            for origin in origins.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                match check_origin(origin) {
                    Ok(origin) => config.cors_origins.push(origin),
                    Err(e) => problems.push(e),
                }
            }
        }
        if let Some(secure) = var("VEILLE_SECURE_COOKIES") {
            match secure.trim().to_ascii_lowercase().as_str() {
                "" | "0" | "false" | "no" => config.secure_cookies = false,
                "1" | "true" | "yes" => config.secure_cookies = true,
                other => problems.push(format!(
                    "VEILLE_SECURE_COOKIES is {other:?}: write true or false"
                )),
            }
        }
        for (name, slot) in [
            ("VEILLE_WRITES_PER_MINUTE", &mut config.writes_per_minute),
            ("VEILLE_SESSION_HOURS", &mut config.session_hours),
            (
                "VEILLE_SUBMISSIONS_PER_HOUR",
                &mut config.submissions_per_hour,
            ),
        ] {
            if let Some(value) = var(name).filter(|v| !v.trim().is_empty()) {
                match value.trim().parse::<u32>() {
                    Ok(n) if n > 0 => *slot = n,
                    _ => {
                        problems.push(format!("{name} is {value:?}: write a whole number above 0"))
                    }
                }
            }
        }
        if let Some(proxies) = var("VEILLE_TRUSTED_PROXIES") {
            for entry in proxies.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                {
                    Ok(net) => config.trusted_proxies.push(net.trunc()),
                    Err(_) => problems.push(format!(
                        "VEILLE_TRUSTED_PROXIES has {entry:?}: write addresses or networks \
                         such as 127.0.0.1 or 10.0.0.0/8, separated by commas"
                    )),
                }
            }
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems.join("; "))
        }
    }
}

fn check_origin(origin: &str) -> Result<String, String> {
    let parsed = url::Url::parse(origin).map_err(|e| {
        format!(
            "VEILLE_CORS_ORIGINS: {origin:?} is not an origin ({e}): write scheme://host[:port]"
        )
    })?;
    let bare = parsed.origin().ascii_serialization();
    let given = origin.trim_end_matches('/');
    if !matches!(parsed.scheme(), "http" | "https") || bare != given {
        return Err(format!(
            "VEILLE_CORS_ORIGINS: {origin:?} is not an origin: write scheme://host[:port], \
             without a path (here {bare})"
        ));
    }
    Ok(bare)
}

/// The guard settings and the write limiter. Cheap to share in an `Arc`.
#[derive(Debug, Default)]
pub struct Access {
    pub config: AccessConfig,
    limiter: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    length: Duration,
    count: u32,
}

impl Access {
    /// The client's address: `peer`, the connection's, unless it is a
    /// trusted proxy; then the right-most address of `X-Forwarded-For` that
    /// is not a trusted proxy (the left-most when all are), and the last
    /// trusted hop when an entry cannot be read.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        let trusted = |ip: &IpAddr| self.config.trusted_proxies.iter().any(|n| n.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let chain: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|v| v.to_str().unwrap_or("?").split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for entry in chain.iter().rev() {
            let Some(ip) = forwarded_ip(entry) else {
                return client;
            };
            client = ip;
            if !trusted(&ip) {
                return ip;
            }
        }
        client
    }
}

/// An address as proxies write it in `X-Forwarded-For`: bare, or with a
/// port (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    entry
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| s.ip().to_canonical())
}

const MINUTE: Duration = Duration::from_secs(60);

/// The window of the per-address submission limit.
const HOUR: Duration = Duration::from_secs(3600);

impl Access {
    pub fn new(config: AccessConfig) -> Access {
        Access {
            config,
            limiter: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one write by `key`; `Err(seconds to wait)` when the key has
    /// had its `writes_per_minute` in the current minute.
    pub(crate) fn count_write(&self, key: &str) -> Result<(), u64> {
        self.count(key, self.config.writes_per_minute, MINUTE)
    }

    /// Counts one submission from a client address; `Err(seconds to
    /// wait)` past `submissions_per_hour` in the current hour.
    pub(crate) fn count_submission(&self, address: &str) -> Result<(), u64> {
        self.count(
            &format!("address:{address}"),
            self.config.submissions_per_hour,
            HOUR,
        )
    }

    /// Counts one event by `key`, at most `limit` in a window of `length`
    /// from the first; `Err(seconds to wait)` past it.
    fn count(&self, key: &str, limit: u32, length: Duration) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.limiter.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, w| now.duration_since(w.start) < w.length);
        }
        let fresh = Window {
            start: now,
            length,
            count: 0,
        };
        let window = windows.entry(key.to_string()).or_insert(fresh);
        if now.duration_since(window.start) >= window.length {
            *window = fresh;
        }
        if window.count >= limit {
            let wait = window
                .length
                .saturating_sub(now.duration_since(window.start));
            return Err(wait.as_secs().max(1));
        }
        window.count += 1;
        Ok(())
    }

    /// The CORS layer for the configured origins; when there are none, a
    /// layer that allows no origin (no `Access-Control-Allow-*` header is
    /// ever sent, so browsers keep other sites out).
    pub(crate) fn cors(&self) -> CorsLayer {
        if self.config.cors_origins.is_empty() {
            return CorsLayer::new();
        }
        let origins: Vec<HeaderValue> = self
            .config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .allow_credentials(true)
            .max_age(Duration::from_secs(3600))
    }

    /// Whether a browser request from `origin` may use the session cookie to
    /// write: the server's own origin (same host) or a configured one.
    pub(crate) fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.trim_end_matches('/');
        if self.config.cors_origins.iter().any(|o| o == origin) {
            return true;
        }
        let Some(host) = host else { return false };
        url::Url::parse(origin)
            .ok()
            .and_then(|u| {
                let h = u.host_str()?.to_string();
                Some(match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h,
                })
            })
            .is_some_and(|o| o.eq_ignore_ascii_case(host))
    }
}
