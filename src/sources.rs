//! `veille sources …`: what operators run to see and change the list of
//! sources. `status` and `suggestions` (the sites partners submitted) read
//! the store; the others read or write `sources.toml`.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use crate::data::DataDir;
use chrono::{DateTime, Duration, Utc};
use veille_crawler::config::Config;
use veille_crawler::discover::{Discovery, FoundFeed, PageProposal};
use veille_crawler::CrawlError;
use veille_store::{ProposedSource, SourceProbe, Status};

/// What the store says of one source.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SourceStats {
    pub items: u64,
    /// Items first seen in the last four weeks, per week.
    pub items_per_week: f64,
    pub candidates: u64,
    pub approved: u64,
    pub rejected: u64,
}

impl SourceStats {
    /// Approved among reviewed: the share of the source's candidates that
    /// curators kept.
    pub fn precision(&self) -> Option<f64> {
        let reviewed = self.approved + self.rejected;
        (reviewed > 0).then(|| self.approved as f64 / reviewed as f64)
    }
}

/// Counts items, candidates and decisions per source in one pass over the
/// store.
pub fn stats(
    store: &veille_store::Store,
    now: DateTime<Utc>,
) -> anyhow::Result<HashMap<String, SourceStats>> {
    let since = now - Duration::weeks(4);
    let mut out: HashMap<String, SourceStats> = HashMap::new();
    store.for_each_item(|item| {
        let s = out.entry(item.source_id.clone()).or_default();
        s.items += 1;
        if item.first_seen >= since {
            s.items_per_week += 0.25;
        }
        if item.candidate.is_candidate {
            s.candidates += 1;
        }
        match item.status() {
            Status::Approved => s.approved += 1,
            Status::Rejected => s.rejected += 1,
            Status::Unreviewed => {}
        }
    })?;
    Ok(out)
}

/// `veille sources suggestions`: the sites partners submitted to watch,
/// not yet decided, oldest first, each with whether `sources.toml` already
/// has a source on its host and the command that adds it (with feed
/// discovery). What a submitter wrote is printed quoted, so that no
/// control character reaches the terminal.
pub fn suggestions(config: &Config, data: &DataDir) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let waiting = store.suggested_sources(usize::MAX >> 1)?;
    let mut out = std::io::stdout().lock();
    if waiting.is_empty() {
        writeln!(
            out,
            "no source suggested: partners suggest them at /submit or POST /api/submissions"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &waiting {
        let url = s.fields.url.as_deref().unwrap_or_default();
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        let known = config
            .sources
            .iter()
            .find(|c| c.url.host_str().map(str::to_ascii_lowercase) == host && host.is_some());
        writeln!(
            out,
            "{url:?}  by {:?}, {}, {}",
            s.submitted_by,
            s.created_at.format("%Y-%m-%d"),
            s.status.as_str()
        )?;
        if let Some(note) = &s.fields.note {
            writeln!(out, "    note: {note:?}")?;
        }
        match known {
            Some(c) => writeln!(out, "    already watched on this host: source {}", c.id)?,
            None => writeln!(out, "    add it: veille sources add {}", shell_quoted(url))?,
        }
        match &s.probe {
            None => writeln!(
                out,
                "    not probed yet: the next crawl looks for its feeds \
                 (`veille crawl --once`, or `veille run` within a minute)"
            )?,
            Some(SourceProbe {
                proposal: Some(p), ..
            }) => {
                let what = match (p.kind.as_str(), &p.format) {
                    ("feed", Some(format)) => format!("{format} feed"),
                    (kind, _) => format!("{kind} source"),
                };
                writeln!(
                    out,
                    "    found: {what} {:?}, {:?}, {} item(s), language {}: \
                     the sources page adds it in one action",
                    p.url,
                    p.name,
                    p.items,
                    p.languages.first().map_or("unknown", String::as_str)
                )?
            }
            Some(SourceProbe {
                problem: Some(problem),
                ..
            }) => writeln!(out, "    probe: {problem:?}")?,
            Some(_) => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A submitted URL as a shell word an operator can paste: the URL as the
/// parser writes it (controls and spaces percent-encoded), in single quotes
/// (where `$`, backquotes and the rest are only text), its own single
/// quotes percent-encoded.
fn shell_quoted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("'{}'", u.as_str().replace('\'', "%27")),
        Err(_) => format!("{url:?} (not a URL)"),
    }
}

/// `veille sources status`.
pub fn status(config: &Config, data: &DataDir) -> anyhow::Result<ExitCode> {
    let store = data.open_store()?;
    let now = Utc::now();
    let stats = stats(&store, now)?;
    let health: HashMap<String, veille_store::SourceHealth> = store
        .source_health()?
        .into_iter()
        .map(|h| (h.source_id.clone(), h))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<24} {:<17} {:<28} {:>6} {:>7} {:>6} {:>6} {:>6} {:>9}",
        "source",
        "last success",
        "failures",
        "items",
        "/week",
        "cand.",
        "appr.",
        "rej.",
        "precision"
    )?;
    let mut ids: Vec<&str> = config.sources.iter().map(|s| s.id.as_str()).collect();
    // Sources no longer configured but still holding items are shown too.
    let mut gone: Vec<&str> = stats
        .keys()
        .map(String::as_str)
        .filter(|id| config.source(id).is_none())
        .collect();
    gone.sort_unstable();
    ids.extend(gone);
    for id in ids {
        let h = health.get(id);
        let s = stats.get(id).cloned().unwrap_or_default();
        let last_success = h.and_then(|h| h.last_success).map_or_else(
            || "never".to_string(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        );
        let failures = match h {
            Some(h) if h.consecutive_failures > 0 => format!(
                "{} since {}",
                h.consecutive_failures,
                h.failing_since.map_or_else(
                    || "?".to_string(),
                    |t| t.format("%Y-%m-%d %H:%M").to_string()
                )
            ),
            _ => "0".to_string(),
        };
        let name = if config.source(id).is_some() {
            id.to_string()
        } else {
            format!("{id} (removed)")
        };
        writeln!(
            out,
            "{:<24} {:<17} {:<28} {:>6} {:>7.1} {:>6} {:>6} {:>6} {:>9}",
            name,
            last_success,
            failures,
            s.items,
            s.items_per_week,
            s.candidates,
            s.approved,
            s.rejected,
            s.precision()
                .map_or_else(|| "-".to_string(), |p| format!("{:.0}%", p * 100.0))
        )?;
        if let Some(error) = h.and_then(|h| h.last_error.as_deref()) {
            writeln!(out, "{:<24} last error: {error}", "")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What one fetch of a source showed (`veille sources check --probe`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRow {
    pub id: String,
    pub reachable: bool,
    /// `allowed`, or what robots.txt said.
    pub robots: String,
    pub kind: String,
    /// Entries or pages found.
    pub items: usize,
    /// Languages detected on a sample of them.
    pub languages: Vec<String>,
    pub error: Option<String>,
}

/// Fetches each enabled source once, without touching the store (a fresh
/// in-memory one, so no conditional GET hides what the source serves).
pub async fn probe(
    config: &Config,
    progress: &crate::progress::Progress,
) -> anyhow::Result<Vec<ProbeRow>> {
    use futures_util::StreamExt;
    let store = veille_store::Store::open_in_memory()?;
    let crawler = veille_crawler::Crawler::new(&config.crawler, store)?;
    let sources: Vec<_> = config.enabled_sources().collect();
    let mut rows: Vec<ProbeRow> = futures_util::stream::iter(sources)
        .map(|source| {
            let crawler = crawler.clone();
            async move {
                let report = crawler.crawl_source(source).await;
                let failure = match &report.outcome {
                    veille_crawler::FetchOutcome::Failed(e) => Some(e),
                    _ => None,
                };
                let mut languages: Vec<String> = report
                    .harvested
                    .iter()
                    .take(10)
                    .filter_map(|h| veille_indexer::ingest::prepare(h).lang)
                    .collect();
                languages.sort();
                languages.dedup();
                ProbeRow {
                    id: source.id.clone(),
                    reachable: failure.is_none_or(|e| !unreachable(e)),
                    robots: failure.map_or("allowed", robots).to_string(),
                    kind: source.kind.to_string(),
                    items: report.harvested.len(),
                    languages,
                    error: failure.map(ToString::to_string),
                }
            }
        })
        .buffer_unordered(8)
        .inspect(|row| {
            let what = match &row.error {
                Some(_) => "failed".to_string(),
                None => format!("{} items", row.items),
            };
            progress.step(&format!("{}: {what}", row.id));
        })
        .collect()
        .await;
    progress.finish();
    let order: HashMap<&str, usize> = config
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    rows.sort_by_key(|r| order.get(r.id.as_str()).copied());
    Ok(rows)
}

/// Whether a crawl error means the server never answered (as opposed to an
/// answer veille could not use): no connection, no DNS answer, a timeout, an
/// address refused as private (source urls are http(s) with a host, so a
/// refusal is always that), a robots.txt that did not answer.
fn unreachable(error: &CrawlError) -> bool {
    matches!(
        error,
        CrawlError::Network { .. }
            | CrawlError::Refused { .. }
            | CrawlError::RobotsUnreachable { .. }
    )
}

/// What robots.txt said, as the probe shows it: `allowed` unless the
/// failure came from it.
fn robots(error: &CrawlError) -> &'static str {
    match error {
        CrawlError::Disallowed { .. } => "disallowed",
        CrawlError::RobotsUnreachable { .. } => "unreachable",
        _ => "allowed",
    }
}

/// Prints the probe's table.
pub fn print_probe(rows: &[ProbeRow], mut out: impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<24} {:<9} {:<11} {:<5} {:>6}  {:<12} last error",
        "source", "reachable", "robots", "kind", "items", "languages"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<24} {:<9} {:<11} {:<5} {:>6}  {:<12} {}",
            r.id,
            if r.reachable { "yes" } else { "no" },
            r.robots,
            r.kind,
            r.items,
            if r.languages.is_empty() {
                "-".to_string()
            } else {
                r.languages.join(",")
            },
            r.error.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

/// Options of `veille sources add`.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    pub id: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub network: Option<String>,
    pub schedule: Option<String>,
    /// Take the first feed (or the page proposal) without asking.
    pub yes: bool,
}

/// The language of a found feed: detected on its entries, its declared
/// language a hint.
fn feed_language(feed: &FoundFeed) -> Option<String> {
    let declared: Vec<&str> = feed.lang.iter().map(String::as_str).collect();
    veille_indexer::language::detect(&feed.text_sample, "", &declared).lang
}

/// The name of a source found at a site: the feed's title, else the page's,
/// else the host.
fn source_name(discovery: &Discovery, title: Option<&String>) -> String {
    title
        .or(discovery.page_title.as_ref())
        .cloned()
        .unwrap_or_else(|| discovery.url.host_str().unwrap_or("source").to_string())
}

/// The source a found feed makes.
pub fn feed_proposal(discovery: &Discovery, feed: &FoundFeed) -> ProposedSource {
    ProposedSource {
        kind: "feed".to_string(),
        url: feed.url.to_string(),
        name: source_name(discovery, feed.title.as_ref()),
        languages: feed_language(feed).into_iter().collect(),
        follow: Vec::new(),
        format: Some(feed.kind.as_str().to_string()),
        items: feed.items,
        sample: feed.sample.clone(),
    }
}

/// The page source proposed for a site without a feed.
pub fn page_proposal(discovery: &Discovery, page: &PageProposal) -> ProposedSource {
    ProposedSource {
        kind: "page".to_string(),
        url: page.url.to_string(),
        name: source_name(discovery, None),
        languages: discovery.page_lang.iter().cloned().collect(),
        follow: page.follow.clone(),
        format: None,
        items: page.sample.len(),
        sample: page.sample.iter().map(|u| u.to_string()).collect(),
    }
}

/// What feed discovery tells an operator of a site: the source to add (its
/// main feed, else a page to follow), or why there is none.
pub fn site_probe(discovery: &Discovery) -> SourceProbe {
    use veille_crawler::discover::RobotsStatus;
    let (proposal, problem) = if let RobotsStatus::Disallowed(why) = &discovery.robots {
        (
            None,
            Some(format!("{why}: veille will not crawl this site")),
        )
    } else if let Some(feed) = discovery.feeds.first() {
        (Some(feed_proposal(discovery, feed)), None)
    } else if let Some(page) = &discovery.page_proposal {
        (Some(page_proposal(discovery, page)), None)
    } else {
        let problem = format!(
            "no feed and no article links found at {}",
            discovery.page_url
        );
        (None, Some(problem))
    };
    SourceProbe {
        checked_at: Utc::now(),
        proposal,
        problem,
        requests: discovery.requests,
    }
}

/// `veille sources add URL`: discovers the site's feeds, shows them with a
/// sample and their language, and appends the chosen one to `sources.toml`
/// (comments and layout kept). On a terminal the operator picks; otherwise,
/// or with `--yes`, the first feed is added and the others listed. A site
/// without feeds becomes a `page` source with proposed `follow` patterns.
pub async fn add(
    config_path: &std::path::Path,
    config: &Config,
    url: &str,
    options: &AddOptions,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    use veille_crawler::discover::{Discoverer, RobotsStatus};
    use veille_crawler::sources_edit::{self, NewSource};

    let url = url::Url::parse(url).map_err(|e| anyhow::anyhow!("{url}: not a URL ({e})"))?;
    if let Some(id) = sources_edit::source_with_url(config, &url) {
        anyhow::bail!(
            "{url} is already watched as source \"{id}\" in {}",
            config_path.display()
        );
    }
    let discovery = Discoverer::new(&config.crawler)?.discover(&url).await?;
    let mut out = std::io::stdout().lock();
    if let RobotsStatus::Disallowed(why) = &discovery.robots {
        anyhow::bail!("{why}: veille will not crawl this site");
    }
    writeln!(
        out,
        "{} ({} request(s)): {}",
        discovery.page_url,
        discovery.requests,
        discovery.page_title.as_deref().unwrap_or("untitled")
    )?;
    let interactive =
        !options.yes && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let mut chosen: Option<NewSource> = None;
    if !discovery.feeds.is_empty() {
        writeln!(out, "feeds found:")?;
        for (i, feed) in discovery.feeds.iter().enumerate() {
            let lang = feed_language(feed);
            writeln!(
                out,
                "  [{}] {} {}  {} item(s), language {}{}",
                i + 1,
                feed.kind,
                feed.url,
                feed.items,
                lang.as_deref().unwrap_or("unknown"),
                feed.title
                    .as_deref()
                    .map(|t| format!(", \"{t}\""))
                    .unwrap_or_default()
            )?;
            for title in feed.sample.iter().take(3) {
                writeln!(out, "        · {title}")?;
            }
        }
        let pick = if interactive && discovery.feeds.len() > 1 {
            ask(
                &mut out,
                &format!("add which feed? [1-{}, q to quit] ", discovery.feeds.len()),
            )?
            .and_then(|a| a.parse::<usize>().ok())
            .filter(|n| (1..=discovery.feeds.len()).contains(n))
        } else {
            Some(1)
        };
        let Some(pick) = pick else {
            writeln!(out, "nothing added")?;
            return Ok(ExitCode::from(1));
        };
        let feed = &discovery.feeds[pick - 1];
        let mut source = NewSource::from_proposal(&feed_proposal(&discovery, feed))
            .map_err(anyhow::Error::msg)?;
        source.comment = vec![format!(
            "added by `veille sources add {url}` on {}: {} feed, {} item(s)",
            Utc::now().format("%Y-%m-%d"),
            feed.kind,
            feed.items
        )];
        chosen = Some(source);
    } else if let Some(proposal) = &discovery.page_proposal {
        writeln!(
            out,
            "no feed found; proposed page source {} with follow = {:?}",
            proposal.url, proposal.follow
        )?;
        for link in proposal.sample.iter().take(5) {
            writeln!(out, "        · {link}")?;
        }
        let accept = !interactive
            || ask(&mut out, "add it? [y/N] ")?.is_some_and(|a| a.eq_ignore_ascii_case("y"));
        if accept {
            let mut source = NewSource::from_proposal(&page_proposal(&discovery, proposal))
                .map_err(anyhow::Error::msg)?;
            source.comment = vec![format!(
                "added by `veille sources add {url}` on {}: no feed, page source",
                Utc::now().format("%Y-%m-%d")
            )];
            chosen = Some(source);
        }
    }
    let Some(mut source) = chosen else {
        writeln!(out, "nothing added: no feed and no page to follow at {url}")?;
        return Ok(ExitCode::from(1));
    };
    source.id = options.id.clone();
    source.country = options.country.clone();
    source.city = options.city.clone();
    source.network = options.network.clone();
    source.schedule = options.schedule.clone();
    let id = sources_edit::add_source_to_file(config_path, &source)?;
    writeln!(
        out,
        "added source \"{id}\" ({}) to {}",
        source.url,
        config_path.display()
    )?;
    if discovery.feeds.len() > 1 && !interactive {
        writeln!(
            out,
            "the other feeds were not added; add one with `veille sources add URL`"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn ask(out: &mut impl Write, question: &str) -> std::io::Result<Option<String>> {
    write!(out, "{question}")?;
    out.flush()?;
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer)? == 0 {
        return Ok(None);
    }
    let answer = answer.trim().to_string();
    Ok((!answer.is_empty() && answer != "q").then_some(answer))
}

/// `veille sources import-opml FILE`: every valid entry added at once, or
/// none when an entry is invalid (unless `skip_invalid`); duplicates are
/// skipped and listed.
pub fn import_opml(
    config_path: &std::path::Path,
    config: &Config,
    file: &std::path::Path,
    skip_invalid: bool,
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let plan = veille_crawler::opml::import(&text, &file.display().to_string(), config)?;
    let mut out = std::io::stdout().lock();
    for d in &plan.duplicates {
        writeln!(
            out,
            "{}:{}: skipped \"{}\" ({}): already watched as {}",
            file.display(),
            d.line,
            d.title,
            d.url,
            d.of
        )?;
    }
    for i in &plan.invalid {
        writeln!(
            out,
            "{}:{}: invalid entry \"{}\": {}",
            file.display(),
            i.line,
            i.title,
            i.reason
        )?;
    }
    if !plan.invalid.is_empty() && !skip_invalid {
        writeln!(
            out,
            "nothing imported: {} invalid entr(ies); fix them or pass --skip-invalid",
            plan.invalid.len()
        )?;
        return Ok(ExitCode::from(1));
    }
    let added = veille_crawler::opml::apply(&plan, config_path)?;
    writeln!(
        out,
        "imported {} source(s) into {} ({} duplicate(s), {} invalid skipped){}",
        added.len(),
        config_path.display(),
        plan.duplicates.len(),
        plan.invalid.len(),
        if added.is_empty() {
            String::new()
        } else {
            format!(": {}", added.join(", "))
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
