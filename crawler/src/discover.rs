//! Feed discovery, behind `veille sources add URL`: from a site's home page,
//! the feeds it publishes, checked, with a sample of their items; and for a
//! site without a feed, a `page` source with proposed `follow` patterns.
//!
//! The reading of HTML is plain functions over strings ([`feed_links`],
//! [`detect_platforms`], [`platform_paths`], [`propose_follow`],
//! [`feed_kind`]); the [`Discoverer`] drives them over the crawler's fetch
//! path, so discovery is as polite and safe as a crawl: robots.txt read
//! first (a disallowed page is reported, not fetched), the per-host delay,
//! the private-network check, the size cap.
//!
//! Order of work: the page is fetched (a url that is itself a feed is
//! taken as it is); every `<link rel="alternate">` of an RSS, Atom or JSON
//! Feed type is fetched and parsed, and kept only if it is a real feed;
//! the usual paths of the platform the page shows (WordPress `/feed/`,
//! SPIP `spip.php?page=backend`, Drupal `/rss.xml`, Joomla
//! `?format=feed&type=rss`, Ghost `/rss/`, Blogger `/feeds/posts/default`)
//! are probed only when no declared feed works, all of them (until the
//! first that answers) when the platform is unknown. Language detection is
//! left to the caller, on [`FoundFeed::text_sample`]: the crawler does not
//! depend on the indexer.

use scraper::{Html, Selector};
use url::Url;
use veille_store::Store;

use crate::config::CrawlerSettings;
use crate::decode::decode_html;
use crate::error::CrawlError;
use crate::feed::parse_feed;
use crate::fetch::{Body, FetchLog, Fetched, Fetcher, Want};
use crate::normalize::{normalize_url, resolve};
use crate::page::article_links;

/// Most declared feed links checked on one page.
pub const MAX_DECLARED: usize = 8;
/// Item titles kept in a feed's sample.
pub const SAMPLE_ITEMS: usize = 5;
/// Most characters of a feed's text sample (for language detection).
pub const TEXT_SAMPLE_CHARS: usize = 2000;

/// The format of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// RSS 0.9x/2.0 and RSS 1.0 (RDF).
    Rss,
    Atom,
    Json,
}

impl FeedKind {
    /// `rss`, `atom` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Rss => "rss",
            FeedKind::Atom => "atom",
            FeedKind::Json => "json",
        }
    }
}

impl std::fmt::Display for FeedKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a candidate feed url came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOrigin {
    /// The url given was itself a feed.
    Given,
    /// A `<link rel="alternate">` of the page.
    Declared,
    /// A usual path of the site's platform.
    PlatformPath,
}

/// A `<link rel="alternate">` to a feed, as the page declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    /// Resolved against the page (and its `<base href>`), normalized.
    pub url: Url,
    pub title: Option<String>,
    /// `hreflang`, as ISO 639-1 (`es` of `es-ES`).
    pub lang: Option<String>,
    /// From the `type` attribute.
    pub kind: FeedKind,
}

/// A feed that was fetched and parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundFeed {
    /// The url that answered (after redirects).
    pub url: Url,
    /// The link's title, else the feed's.
    pub title: Option<String>,
    /// The link's `hreflang`, else the language the feed declares.
    pub lang: Option<String>,
    /// From the body.
    pub kind: FeedKind,
    pub origin: FeedOrigin,
    /// Entries in the feed now.
    pub items: usize,
    /// The titles of the first [`SAMPLE_ITEMS`] entries.
    pub sample: Vec<String>,
    /// Titles and summaries of the entries, markup removed, at most
    /// [`TEXT_SAMPLE_CHARS`]: what the caller detects the language on.
    pub text_sample: String,
}

/// A candidate feed that is not one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub url: Url,
    pub origin: FeedOrigin,
    /// The crawler's error message (names the url).
    pub reason: String,
}

/// A `page` source proposed for a site without a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageProposal {
    /// The listing page.
    pub url: Url,
    /// Globs of its article links (empty: the page alone).
    pub follow: Vec<String>,
    /// Some of the links `follow` picks, to show.
    pub sample: Vec<Url>,
}

/// What robots.txt says of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsStatus {
    /// The page may be fetched (robots.txt absent or allowing it).
    Allowed,
    /// robots.txt disallows the page for veille's user agent; the message
    /// names it.
    Disallowed(String),
}

/// Everything discovery found on one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The url given.
    pub url: Url,
    /// The page that answered (after redirects).
    pub page_url: Url,
    /// The page's `<title>`.
    pub page_title: Option<String>,
    /// The page's `<html lang>`, as ISO 639-1.
    pub page_lang: Option<String>,
    /// Real feeds, the main ones first (comment feeds last).
    pub feeds: Vec<FoundFeed>,
    /// Candidates that were not feeds.
    pub rejected: Vec<Rejected>,
    /// When no feed was found: a `page` source to add instead.
    pub page_proposal: Option<PageProposal>,
    pub robots: RobotsStatus,
    /// Requests sent (robots.txt included).
    pub requests: u64,
}

/// Discovers feeds with the crawler's fetch path. It keeps no fetch state
/// (an in-memory store), so a url the crawler already knows is fetched in
/// full.
pub struct Discoverer {
    fetcher: Fetcher,
}

impl Discoverer {
    /// A discoverer with the HTTP client `settings` describe.
    pub fn new(settings: &CrawlerSettings) -> Result<Discoverer, CrawlError> {
        let store = Store::open_in_memory().map_err(|e| {
            CrawlError::Client(format!(
                "cannot open the in-memory store discovery uses: {e}"
            ))
        })?;
        Ok(Discoverer {
            fetcher: Fetcher::new(settings, store)?,
        })
    }

    /// Discovers the feeds of the site at `url` (see the module doc). `Err`
    /// when the page itself cannot be fetched; a page robots.txt disallows
    /// is an `Ok` with [`RobotsStatus::Disallowed`] and nothing else.
    pub async fn discover(&self, url: &Url) -> Result<Discovery, CrawlError> {
        let mut d = Discovery {
            url: url.clone(),
            page_url: url.clone(),
            page_title: None,
            page_lang: None,
            feeds: Vec::new(),
            rejected: Vec::new(),
            page_proposal: None,
            robots: RobotsStatus::Allowed,
            requests: 0,
        };
        let body = match self.fetch(url, Want::Html, &mut d.requests).await {
            Ok(body) => body,
            Err(e @ CrawlError::Disallowed { .. }) => {
                d.robots = RobotsStatus::Disallowed(e.to_string());
                return Ok(d);
            }
            Err(CrawlError::WrongType { .. }) => {
                // Not a page: maybe the feed itself.
                let feed = self
                    .try_feed(url, None, FeedOrigin::Given, &mut d.requests)
                    .await?;
                d.page_url = feed.url.clone();
                d.feeds.push(feed);
                return Ok(d);
            }
            Err(e) => return Err(e),
        };
        d.page_url = body.url.clone();
        if feed_kind(&body.bytes).is_some() {
            let feed = self.read_feed(body, None, FeedOrigin::Given).await?;
            d.feeds.push(feed);
            return Ok(d);
        }

        let html = decode_html(&body.bytes, body.content_type.as_deref());
        let page_url = body.url.clone();
        let page = tokio::task::spawn_blocking(move || read_page(&html, &page_url))
            .await
            .map_err(|e| CrawlError::Network {
                url: url.to_string(),
                detail: format!("the page parser crashed: {e}"),
            })?;
        d.page_title = page.title;
        d.page_lang = page.lang;

        let mut tried: Vec<Url> = Vec::new();
        for link in page.links.iter().take(MAX_DECLARED) {
            tried.push(link.url.clone());
            match self
                .try_feed(&link.url, Some(link), FeedOrigin::Declared, &mut d.requests)
                .await
            {
                Ok(feed) => push_new(&mut d.feeds, feed),
                Err(e) => d.rejected.push(Rejected {
                    url: link.url.clone(),
                    origin: FeedOrigin::Declared,
                    reason: e.to_string(),
                }),
            }
        }
        if d.feeds.is_empty() {
            let known_platform = !page.platforms.is_empty();
            for candidate in platform_paths(&d.page_url, &page.platforms) {
                if tried.contains(&candidate) {
                    continue;
                }
                tried.push(candidate.clone());
                match self
                    .try_feed(&candidate, None, FeedOrigin::PlatformPath, &mut d.requests)
                    .await
                {
                    Ok(feed) => {
                        push_new(&mut d.feeds, feed);
                        if !known_platform {
                            break;
                        }
                    }
                    Err(e) => d.rejected.push(Rejected {
                        url: candidate,
                        origin: FeedOrigin::PlatformPath,
                        reason: e.to_string(),
                    }),
                }
            }
        }
        d.feeds.sort_by_key(is_comments_feed);
        if d.feeds.is_empty() {
            d.page_proposal = Some(page.proposal);
        }
        Ok(d)
    }

    async fn fetch(&self, url: &Url, want: Want, requests: &mut u64) -> Result<Body, CrawlError> {
        let mut log = FetchLog::default();
        let fetched = self.fetcher.get("discover", url, want, &mut log).await;
        *requests += log.requests;
        match fetched? {
            Fetched::Fresh(body) => Ok(body),
            Fetched::NotModified => Err(CrawlError::Network {
                url: url.to_string(),
                detail: "answered 304 Not Modified to a request without validators".to_string(),
            }),
            Fetched::Deferred(until) => Err(CrawlError::Network {
                url: url.to_string(),
                detail: format!("the server asks not to come back before {until}"),
            }),
        }
    }

    async fn try_feed(
        &self,
        url: &Url,
        link: Option<&FeedLink>,
        origin: FeedOrigin,
        requests: &mut u64,
    ) -> Result<FoundFeed, CrawlError> {
        let body = self.fetch(url, Want::Feed, requests).await?;
        self.read_feed(body, link, origin).await
    }

    async fn read_feed(
        &self,
        body: Body,
        link: Option<&FeedLink>,
        origin: FeedOrigin,
    ) -> Result<FoundFeed, CrawlError> {
        let url = body.url.clone();
        let parsed = tokio::task::spawn_blocking(move || {
            let kind = feed_kind(&body.bytes);
            parse_feed(
                &body.bytes,
                body.content_type.as_deref(),
                body.content_language.as_deref(),
                &body.url,
            )
            .map(|feed| (kind, feed))
        })
        .await
        .unwrap_or_else(|e| Err(format!("the feed parser crashed: {e}")));
        let (kind, feed) = parsed.map_err(|detail| CrawlError::NotAFeed {
            url: url.to_string(),
            detail,
        })?;
        let kind = kind.or(link.map(|l| l.kind)).unwrap_or(FeedKind::Rss);
        let mut text = String::new();
        for e in &feed.entries {
            for part in [e.title.as_deref(), e.summary.as_deref()]
                .into_iter()
                .flatten()
            {
                if text.chars().count() >= TEXT_SAMPLE_CHARS {
                    break;
                }
                text.push_str(&strip_markup(part));
                text.push('\n');
            }
        }
        let text_sample: String = text.chars().take(TEXT_SAMPLE_CHARS).collect();
        Ok(FoundFeed {
            title: link
                .and_then(|l| l.title.clone())
                .or(feed.title.clone())
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            lang: link
                .and_then(|l| l.lang.clone())
                .or_else(|| feed.language.as_deref().and_then(primary_language)),
            kind,
            origin,
            items: feed.entries.len(),
            sample: feed
                .entries
                .iter()
                .filter_map(|e| e.title.as_deref().map(str::trim))
                .filter(|t| !t.is_empty())
                .take(SAMPLE_ITEMS)
                .map(str::to_string)
                .collect(),
            text_sample,
            url,
        })
    }
}

/// Discovers the feeds of the site at `url` with a discoverer built from
/// `settings` (see [`Discoverer::discover`]).
pub async fn discover(settings: &CrawlerSettings, url: &Url) -> Result<Discovery, CrawlError> {
    Discoverer::new(settings)?.discover(url).await
}

/// A feed url already found (the same after normalization) is not added
/// twice.
fn push_new(feeds: &mut Vec<FoundFeed>, feed: FoundFeed) {
    let url = normalize_url(&feed.url);
    if !feeds.iter().any(|f| normalize_url(&f.url) == url) {
        feeds.push(feed);
    }
}

fn is_comments_feed(feed: &FoundFeed) -> bool {
    let url = feed.url.as_str().to_ascii_lowercase();
    let title = feed.title.as_deref().unwrap_or_default().to_lowercase();
    url.contains("comments") || title.contains("comment")
}

/// What one read of the page gives.
struct PageInfo {
    title: Option<String>,
    lang: Option<String>,
    links: Vec<FeedLink>,
    platforms: Vec<Platform>,
    proposal: PageProposal,
}

fn read_page(html: &str, page_url: &Url) -> PageInfo {
    let doc = Html::parse_document(html);
    let title_sel = Selector::parse("title").expect("valid selector");
    let html_sel = Selector::parse("html[lang]").expect("valid selector");
    let follow = propose_follow(html, page_url);
    let sample = if follow.is_empty() {
        Vec::new()
    } else {
        article_links(html, page_url, &follow, 5)
    };
    PageInfo {
        title: doc
            .select(&title_sel)
            .next()
            .map(|t| t.text().collect::<String>().trim().to_string())
            .filter(|t| !t.is_empty()),
        lang: doc
            .select(&html_sel)
            .next()
            .and_then(|h| h.value().attr("lang"))
            .and_then(primary_language),
        links: feed_links(html, page_url),
        platforms: detect_platforms(html),
        proposal: PageProposal {
            url: page_url.clone(),
            follow,
            sample,
        },
    }
}

/// The feeds a page declares: every `<link rel="alternate">` of an RSS,
/// Atom or JSON Feed type, resolved against the page (and `<base href>`),
/// in page order, each url once.
pub fn feed_links(html: &str, page_url: &Url) -> Vec<FeedLink> {
    let doc = Html::parse_document(html);
    let link_sel = Selector::parse("link[rel][href]").expect("valid selector");
    let base = crate::page::base_url(&doc, page_url);
    let mut out: Vec<FeedLink> = Vec::new();
    for link in doc.select(&link_sel) {
        let el = link.value();
        let alternate = el.attr("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case("alternate"))
        });
        if !alternate {
            continue;
        }
        let href = el.attr("href").unwrap_or_default();
        let Some(kind) = el.attr("type").and_then(|t| kind_of_type(t, href)) else {
            continue;
        };
        let Some(url) = resolve(&base, href) else {
            continue;
        };
        if out.iter().any(|l| l.url == url) {
            continue;
        }
        out.push(FeedLink {
            url,
            title: el
                .attr("title")
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            lang: el.attr("hreflang").and_then(primary_language),
            kind,
        });
    }
    out
}

/// The feed kind a `<link type>` announces. `application/json` is only a
/// JSON Feed when the url says so (WordPress declares its REST API with
/// that type too).
fn kind_of_type(mime: &str, href: &str) -> Option<FeedKind> {
    let mime = mime
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/rss+xml" | "application/rdf+xml" => Some(FeedKind::Rss),
        "application/atom+xml" => Some(FeedKind::Atom),
        "application/feed+json" => Some(FeedKind::Json),
        "application/json" => {
            let href = href.to_ascii_lowercase();
            (href.contains("feed") && !href.contains("wp-json")).then_some(FeedKind::Json)
        }
        _ => None,
    }
}

/// The publishing platforms whose usual feed paths are probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    WordPress,
    Spip,
    Drupal,
    Joomla,
    Ghost,
    Blogger,
}

impl Platform {
    /// The platform's usual feed paths, from the site's root.
    pub fn feed_paths(self) -> &'static [&'static str] {
        match self {
            Platform::WordPress => &["/feed/"],
            Platform::Spip => &["/spip.php?page=backend"],
            Platform::Drupal => &["/rss.xml"],
            Platform::Joomla => &["/?format=feed&type=rss", "/index.php?format=feed&type=rss"],
            Platform::Ghost => &["/rss/"],
            Platform::Blogger => &["/feeds/posts/default"],
        }
    }
}

/// Every platform, in the order its paths are probed when the page does
/// not say which it runs.
const ALL_PLATFORMS: [Platform; 6] = [
    Platform::WordPress,
    Platform::Spip,
    Platform::Drupal,
    Platform::Joomla,
    Platform::Ghost,
    Platform::Blogger,
];

/// The platforms a page shows: its `<meta name="generator">`, and the
/// traces each leaves in its pages (`/wp-content/`, `spip.php`,
/// `/sites/default/files/`, `/media/jui/` …).
pub fn detect_platforms(html: &str) -> Vec<Platform> {
    let doc = Html::parse_document(html);
    let gen_sel = Selector::parse("meta[name][content]").expect("valid selector");
    let generator: String = doc
        .select(&gen_sel)
        .filter(|m| {
            m.value()
                .attr("name")
                .is_some_and(|n| n.eq_ignore_ascii_case("generator"))
        })
        .filter_map(|m| m.value().attr("content"))
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut check = |p: Platform, yes: bool| {
        if yes && !found.contains(&p) {
            found.push(p);
        }
    };
    check(
        Platform::WordPress,
        generator.contains("wordpress")
            || lower.contains("/wp-content/")
            || lower.contains("/wp-includes/"),
    );
    check(
        Platform::Spip,
        generator.contains("spip") || lower.contains("spip.php"),
    );
    check(
        Platform::Drupal,
        generator.contains("drupal")
            || lower.contains("drupal-settings-json")
            || lower.contains("drupal.settings")
            || lower.contains("/sites/default/files/"),
    );
    check(
        Platform::Joomla,
        generator.contains("joomla")
            || lower.contains("/media/jui/")
            || lower.contains("/components/com_"),
    );
    check(Platform::Ghost, generator.contains("ghost"));
    check(Platform::Blogger, generator.contains("blogger"));
    found
}

/// The urls to probe for a site whose page is `page_url`: the paths of the
/// platforms shown, or of every platform when none is.
pub fn platform_paths(page_url: &Url, platforms: &[Platform]) -> Vec<Url> {
    let list: &[Platform] = if platforms.is_empty() {
        &ALL_PLATFORMS
    } else {
        platforms
    };
    let mut out: Vec<Url> = Vec::new();
    for p in list {
        for path in p.feed_paths() {
            if let Some(url) = resolve(page_url, path) {
                if !out.contains(&url) {
                    out.push(url);
                }
            }
        }
    }
    out
}

/// The kind of a feed body from its first element (`<rss>`, `<rdf:RDF>`,
/// `<feed>`, or a JSON object with a JSON Feed `version`); `None` when it
/// is not a feed (an HTML page …).
pub fn feed_kind(body: &[u8]) -> Option<FeedKind> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF))?;
    let head =
        String::from_utf8_lossy(&body[start..body.len().min(start + 4096)]).to_ascii_lowercase();
    if head.starts_with('{') {
        return head
            .contains("jsonfeed.org/version")
            .then_some(FeedKind::Json);
    }
    let mut rest = head.as_str();
    loop {
        let i = rest.find('<')?;
        rest = &rest[i..];
        if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = if rest.starts_with("<!--") {
                rest.find("-->").map(|e| e + 3)?
            } else {
                rest.find('>')? + 1
            };
            rest = &rest[end..];
            continue;
        }
        let name: String = rest[1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        return match name.as_str() {
            "rss" | "rdf:rdf" | "rdf" => Some(FeedKind::Rss),
            "feed" => Some(FeedKind::Atom),
            _ => None,
        };
    }
}

/// Segments of a link path that are not articles.
const NOT_ARTICLES: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "categorie",
    "author",
    "auteur",
    "page",
    "search",
    "feed",
    "rss",
    "login",
    "wp-admin",
    "wp-login.php",
    "wp-json",
    "cart",
    "account",
];

/// File extensions that are not article pages.
const NOT_PAGES: &[&str] = &[
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".zip", ".doc", ".docx", ".xls",
    ".xlsx", ".ppt", ".pptx", ".mp3", ".mp4", ".xml", ".css", ".js", ".ico",
];

/// `follow` patterns for a listing page without a feed: the links of the
/// same site are grouped by their path's folder (digit-only segments, as
/// years and months, generalized to `*`), and each folder holding at least
/// three article-like links becomes `/folder/*`, the largest first (at most
/// three patterns). Links to the page itself, to tags, categories,
/// authors, pagination, feeds and files are left out. Empty when no folder
/// qualifies.
pub fn propose_follow(html: &str, page_url: &Url) -> Vec<String> {
    let doc = Html::parse_document(html);
    let link_sel = Selector::parse("a[href]").expect("valid selector");
    let base = crate::page::base_url(&doc, page_url);
    let itself = page_url.path().trim_end_matches('/').to_string();
    let mut seen: Vec<String> = Vec::new();
    // (pattern, links)
    let mut groups: Vec<(String, usize)> = Vec::new();
    for a in doc.select(&link_sel) {
        let Some(url) = a.value().attr("href").and_then(|h| resolve(&base, h)) else {
            continue;
        };
        if url.host_str() != page_url.host_str() || url.port() != page_url.port() {
            continue;
        }
        let path = url.path().to_string();
        let trimmed = path.trim_end_matches('/');
        if trimmed.is_empty() || trimmed == itself || seen.contains(&path) {
            continue;
        }
        seen.push(path.clone());
        let lower = trimmed.to_ascii_lowercase();
        if NOT_PAGES.iter().any(|ext| lower.ends_with(ext)) {
            continue;
        }
        let segments: Vec<&str> = trimmed.trim_start_matches('/').split('/').collect();
        if segments
            .iter()
            .any(|s| NOT_ARTICLES.contains(&s.to_ascii_lowercase().as_str()))
        {
            continue;
        }
        let last = segments.last().copied().unwrap_or_default();
        // An article's last segment is a slug or an id, not a plain word.
        if !(last.contains(['-', '_']) || last.chars().any(|c| c.is_ascii_digit())) {
            continue;
        }
        let Some(pattern) = folder_pattern(&segments) else {
            continue;
        };
        match groups.iter_mut().find(|(p, _)| *p == pattern) {
            Some((_, n)) => *n += 1,
            None => groups.push((pattern, 1)),
        }
    }
    groups.retain(|(_, n)| *n >= 3);
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    groups.into_iter().take(3).map(|(p, _)| p).collect()
}

/// The pattern of a link's folder: its segments but the last, each
/// digit-only one made `*` (runs of them one `*`), then `/*`
/// (`/fr/actualites/slug` → `/fr/actualites/*`, `/news/2024/05/slug` →
/// `/news/*`). A link at the root has none. A folder of digits alone (a
/// date permalink, `/2024/05/slug`) gives one `/*` per segment
/// (`/*/*/*`), which asks for as many `/` in a path.
fn folder_pattern(segments: &[&str]) -> Option<String> {
    let (_, folder) = segments.split_last()?;
    if folder.is_empty() {
        return None;
    }
    let digits = |s: &&str| s.chars().all(|c| c.is_ascii_digit());
    if folder.iter().all(digits) {
        return Some("/*".repeat(segments.len()));
    }
    let mut pattern = String::new();
    for s in folder {
        let part = if digits(s) { "*" } else { s };
        if part == "*" && pattern.ends_with("/*") {
            continue;
        }
        pattern.push('/');
        pattern.push_str(part);
    }
    if !pattern.ends_with("/*") {
        pattern.push_str("/*");
    }
    Some(pattern)
}

/// `es` of `es-ES`, `pt` of `pt_BR`; `None` when not two letters.
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
}

/// Text without tags and with entities of the common kind decoded, spaces
/// collapsed.
fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
