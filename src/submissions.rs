//! Taking in the practices partners submitted: each becomes an item of the
//! built-in source [`SUBMITTED`], and its submission records which.
//!
//! A submitted URL is fetched by the crawler as a one-page source, with all
//! of its rules (robots.txt, politeness, the private-network check on the
//! resolved addresses and every redirect), then prepared (extraction,
//! language, candidate) and stored like any page; a page that cannot be
//! fetched is recorded on its submission and not tried again. A submitted
//! text is an item at once. A URL that is already an item is linked to it,
//! without a fetch.

use veille_crawler::config::Source;
use veille_crawler::discover::Discoverer;
use veille_crawler::{normalize_url, FetchOutcome};
use veille_store::{Harvested, SourceProbe, Submission};

use crate::pipeline::{ingest_with_ids, Pipeline};

/// The source id of the items made from submissions.
pub const SUBMITTED: &str = "submitted";

/// Submissions taken in per pass, at most.
pub const PER_PASS: usize = 50;

/// What a pass over the pending submissions did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TakeIn {
    /// Submissions that became (or were linked to) an item.
    pub taken: u64,
    /// Submitted pages that could not be fetched.
    pub failed: u64,
    /// Submitted sources whose site was probed with feed discovery.
    pub probed: u64,
}

impl std::fmt::Display for TakeIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "submissions: {} taken in, {} failed",
            self.taken, self.failed
        )?;
        if self.probed > 0 {
            write!(f, ", {} suggested source(s) probed", self.probed)?;
        }
        Ok(())
    }
}

/// The item a submitted text becomes: its URL is a name derived from the
/// receipt (never the receipt itself, which items would show to anyone).
fn text_item(s: &Submission, text: &str) -> Harvested {
    let mut summary = text.to_string();
    if let Some(place) = &s.fields.place {
        summary.push_str("\n\n");
        summary.push_str(place);
    }
    Harvested {
        source_id: SUBMITTED.to_string(),
        url: format!(
            "urn:veille:submission:{}",
            veille_store::item_id(&s.receipt)
        ),
        title: s.fields.name.clone(),
        summary: Some(summary),
        ..Harvested::default()
    }
}

/// Takes in one submission: `Ok(Some(item id))`, `Ok(None)` to try again
/// on a later pass (the server asked to wait), `Err(why)` when its page
/// cannot be fetched.
async fn take_in_one(
    pipeline: &Pipeline,
    s: &Submission,
) -> anyhow::Result<Result<Option<String>, String>> {
    let store = pipeline.store.clone();
    let Some(url) = &s.fields.url else {
        let Some(text) = &s.fields.text else {
            return Ok(Err("neither a url nor a text".to_string()));
        };
        let item = text_item(s, text);
        let (_, ids) =
            tokio::task::spawn_blocking(move || ingest_with_ids(&store, &[item])).await??;
        return Ok(Ok(ids.into_iter().next()));
    };
    let url = match url::Url::parse(url) {
        Ok(url) => normalize_url(&url),
        Err(e) => return Ok(Err(format!("not a URL: {e}"))),
    };
    let known = veille_store::item_id(url.as_str());
    let lookup = known.clone();
    if tokio::task::spawn_blocking(move || store.get_item(&lookup))
        .await??
        .is_some()
    {
        return Ok(Ok(Some(known)));
    }
    let source = Source::single_page(SUBMITTED, url).map_err(anyhow::Error::msg)?;
    let report = pipeline.crawler.harvest(&source).await;
    match report.outcome {
        FetchOutcome::Failed(e) => return Ok(Err(e.to_string())),
        FetchOutcome::Deferred(_) => return Ok(Ok(None)),
        FetchOutcome::NotModified | FetchOutcome::Ok => {}
    }
    if report.harvested.is_empty() {
        return Ok(Err("the page gave nothing to keep".to_string()));
    }
    let store = pipeline.store.clone();
    let harvested = report.harvested;
    let (_, ids) =
        tokio::task::spawn_blocking(move || ingest_with_ids(&store, &harvested)).await??;
    // Remembered only once what they brought is stored, as for sources.
    pipeline.crawler.remember(&report.fetch_states).await;
    Ok(Ok(ids.into_iter().next()))
}

/// Takes in up to [`PER_PASS`] pending submissions, oldest first, and
/// tells the index's owner when items were stored.
pub async fn take_in(pipeline: &Pipeline) -> anyhow::Result<TakeIn> {
    let store = pipeline.store.clone();
    let pending =
        tokio::task::spawn_blocking(move || store.pending_submissions(PER_PASS)).await??;
    let mut done = TakeIn::default();
    for s in &pending {
        let taken = match take_in_one(pipeline, s).await? {
            Ok(None) => continue,
            Ok(Some(item)) => {
                done.taken += 1;
                tracing::info!(item = %item, "submission taken in");
                Ok(item)
            }
            Err(why) => {
                done.failed += 1;
                tracing::warn!(error = %why, "submitted page not fetched");
                Err(why)
            }
        };
        let (store, receipt) = (pipeline.store.clone(), s.receipt.clone());
        tokio::task::spawn_blocking(move || {
            store.take_in_submission(&receipt, taken.as_deref().map_err(String::as_str))
        })
        .await??;
    }
    if done.taken > 0 {
        pipeline.index_changed();
    }
    done.probed = probe_sources(pipeline).await?;
    Ok(done)
}

/// Probes the submitted sources not probed yet (at most [`PER_PASS`]):
/// feed discovery at each site, through the crawler's rules (robots.txt,
/// the private-network check, the size cap), its result kept on the
/// submission, where `veille sources suggestions` and the sources page show
/// it and an operator adds the proposed source in one action. A site that
/// cannot be probed keeps why, and is not probed again.
pub async fn probe_sources(pipeline: &Pipeline) -> anyhow::Result<u64> {
    let store = pipeline.store.clone();
    let waiting = tokio::task::spawn_blocking(move || store.unprobed_sources(PER_PASS)).await??;
    if waiting.is_empty() {
        return Ok(0);
    }
    let discoverer = Discoverer::new(pipeline.crawler.settings())?;
    for s in &waiting {
        let failed = |problem: String| SourceProbe {
            checked_at: chrono::Utc::now(),
            proposal: None,
            problem: Some(problem),
            requests: 0,
        };
        let probe = match s.fields.url.as_deref().map(url::Url::parse) {
            Some(Ok(url)) => match discoverer.discover(&url).await {
                Ok(discovery) => crate::sources::site_probe(&discovery),
                Err(e) => failed(e.to_string()),
            },
            Some(Err(e)) => failed(format!("not a URL: {e}")),
            None => failed("no URL was given".to_string()),
        };
        tracing::info!(
            proposed = probe.proposal.is_some(),
            requests = probe.requests,
            "suggested source probed"
        );
        let (store, receipt) = (pipeline.store.clone(), s.receipt.clone());
        tokio::task::spawn_blocking(move || store.record_probe(&receipt, &probe)).await??;
    }
    Ok(waiting.len() as u64)
}
