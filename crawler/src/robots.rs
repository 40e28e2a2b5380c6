//! robots.txt (RFC 9309): the rules of one host for veille's user-agent
//! token, its `Crawl-delay` and its `Sitemap:` lines.
//!
//! Matching is texting_robots's; this module wraps it where it disagrees
//! with Google's reference parser (google/robotstxt, whose test cases are
//! in `robots/tests.rs`) and bounds what it is given:
//!
//! - a `User-agent:` value is cut to its product token (`FooBot/1.2` and
//!   `Foo Bar` match `foobot` and `foo`), as Google does; our own token is
//!   the first word of the user agent (`veille/0.1 (+…)` → `veille`);
//! - percent-escapes are compared with upper-case hex digits on both sides
//!   (`%e3%83%84` in a rule matches `%E3%83%84` in a URL);
//! - the body is cut at [`MAX_ROBOTS_BYTES`], a line at [`MAX_LINE_BYTES`],
//!   the rules at [`MAX_RULES`], the matched path at [`MAX_MATCHED_URL_BYTES`];
//! - a rule the matcher cannot compile is dropped, not the whole file;
//! - `…/index.html` ending a rule also stands for `…/` (Google's reading).
//!
//! Fetching and caching are in `fetch` (a host's robots.txt is fetched
//! before any other request to it, and kept for `robots_ttl`).

use std::time::Duration;

use url::{Position, Url};

/// Most bytes of a robots.txt read (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 500 * 1024;
/// Longest line kept (Google's limit); longer lines are cut.
pub const MAX_LINE_BYTES: usize = 8 * 2083 - 1;
/// Most `Allow`/`Disallow` lines kept.
pub const MAX_RULES: usize = 5_000;
/// Most bytes of a URL's path and query matched against the rules.
pub const MAX_MATCHED_URL_BYTES: usize = 32 * 1024;
/// Most `Sitemap:` lines kept.
pub const MAX_SITEMAPS: usize = 1_000;

/// The rules of one robots.txt for one user-agent token.
pub struct RobotsRules {
    /// `None`: everything is allowed (no robots.txt, 4xx, or no rule).
    robot: Option<texting_robots::Robot>,
    /// `Crawl-delay` for our group (else `*`), when positive.
    pub crawl_delay: Option<Duration>,
    /// `Sitemap:` URLs (http and https only).
    pub sitemaps: Vec<Url>,
}

impl std::fmt::Debug for RobotsRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RobotsRules")
            .field("rules", &self.robot.is_some())
            .field("crawl_delay", &self.crawl_delay)
            .field("sitemaps", &self.sitemaps)
            .finish()
    }
}

/// The product token of a user agent, lowercase: its leading run of
/// letters, `-` and `_` (`veille/0.1 (+https://…)` → `veille`).
pub fn product_token(user_agent: &str) -> String {
    user_agent
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '_'))
        .collect::<String>()
        .to_ascii_lowercase()
}

impl RobotsRules {
    /// No restriction (robots.txt absent, or answered 4xx).
    pub fn allow_all() -> RobotsRules {
        RobotsRules {
            robot: None,
            crawl_delay: None,
            sitemaps: Vec::new(),
        }
    }

    /// Reads a robots.txt body for the user-agent token `token` (see
    /// [`product_token`]).
    pub fn parse(body: &[u8], token: &str) -> RobotsRules {
        let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        let lines = prepare(body);
        let token = if token.is_empty() { "*" } else { token };
        let robot = match texting_robots::Robot::new(token, lines.join("\n").as_bytes()) {
            Ok(robot) => Some(robot),
            Err(_) => {
                // Drop the rules the matcher cannot compile, keep the rest.
                let kept: Vec<&String> = lines
                    .iter()
                    .filter(|l| {
                        rule_value(l).is_none()
                            || texting_robots::Robot::new(
                                "x",
                                format!("user-agent: *\n{l}").as_bytes(),
                            )
                            .is_ok()
                    })
                    .collect();
                let text = kept
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                texting_robots::Robot::new(token, text.as_bytes()).ok()
            }
        };
        let crawl_delay = robot
            .as_ref()
            .and_then(|r| r.delay)
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| Duration::from_secs_f64(f64::from(d).min(86_400.0)));
        let sitemaps = robot
            .as_ref()
            .map(|r| {
                r.sitemaps
                    .iter()
                    .filter_map(|s| Url::parse(s.trim()).ok())
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .take(MAX_SITEMAPS)
                    .collect()
            })
            .unwrap_or_default();
        RobotsRules {
            robot,
            crawl_delay,
            sitemaps,
        }
    }

    /// Whether `url` may be fetched. robots.txt itself always may.
    pub fn allowed(&self, url: &Url) -> bool {
        let Some(robot) = &self.robot else {
            return true;
        };
        let mut path = upper_escapes(&url[Position::BeforePath..Position::AfterQuery]);
        if path.len() > MAX_MATCHED_URL_BYTES {
            let mut cut = MAX_MATCHED_URL_BYTES;
            while !path.is_char_boundary(cut) {
                cut -= 1;
            }
            path.truncate(cut);
        }
        if path.is_empty() {
            path.push('/');
        }
        robot.allowed(&path)
    }
}

/// The lines of a robots.txt, bounded and rewritten for the matcher:
/// user-agent values cut to their product token, rule values with
/// upper-case percent-escapes, at most [`MAX_RULES`] rules.
fn prepare(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut out = Vec::new();
    let mut rules = 0usize;
    for line in text.split(['\n', '\r']) {
        let mut line = line;
        if line.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line = &line[..cut];
        }
        if let Some(value) = user_agent_value(line) {
            let value = value.split('#').next().unwrap_or("").trim();
            let token = if value.starts_with('*') {
                "*".to_string()
            } else {
                product_token(value)
            };
            if token.is_empty() {
                // Not a user agent anyone can match; keep the group
                // boundary so that the rules below stay in a group.
                out.push("user-agent: -".to_string());
            } else {
                out.push(format!("user-agent: {token}"));
            }
        } else if let Some((key, value)) = rule_value(line) {
            rules += 1;
            if rules > MAX_RULES {
                continue;
            }
            let value = upper_escapes(value.split('#').next().unwrap_or("").trim());
            // Google: `index.html` ending a pattern also stands for its
            // directory.
            if let Some(dir) = value.strip_suffix("/index.html") {
                out.push(format!("{key}: {dir}/$"));
            }
            out.push(format!("{key}: {value}"));
        } else {
            out.push(line.to_string());
        }
    }
    out
}

/// The value of a `user-agent` line (also written `user agent`,
/// `useragent`; the colon may be missing).
fn user_agent_value(line: &str) -> Option<&str> {
    ["user-agent", "user agent", "useragent"]
        .iter()
        .find_map(|key| directive_value(line, key))
}

/// `("allow" | "disallow", value)` of a rule line.
fn rule_value(line: &str) -> Option<(&'static str, &str)> {
    ["disallow", "allow"]
        .iter()
        .find_map(|key| directive_value(line, key).map(|v| (*key, v)))
}

/// The value after `key` and a colon (or, as Google accepts, whitespace).
fn directive_value<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let line = line.trim_start();
    if line.len() < key.len() || !line.is_char_boundary(key.len()) {
        return None;
    }
    if !line[..key.len()].eq_ignore_ascii_case(key) {
        return None;
    }
    let rest = &line[key.len()..];
    let trimmed = rest.trim_start();
    if let Some(value) = trimmed.strip_prefix(':') {
        Some(value)
    } else if trimmed.len() < rest.len() {
        Some(trimmed)
    } else {
        None
    }
}

/// `%xx` escapes with upper-case hex digits.
fn upper_escapes(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if bytes[i] == b'%'
            && i + 2 < s.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push(bytes[i + 1].to_ascii_uppercase() as char);
            out.push(bytes[i + 2].to_ascii_uppercase() as char);
            i += 3;
        } else {
            let c = s[i..].chars().next().expect("inside the string");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests;
