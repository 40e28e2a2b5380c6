//! The record types of the system of record: what the crawler harvests, what
//! ingestion derives from it, and what curators decide.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// What the crawler hands to ingestion: one entry of a feed or one page,
/// before extraction, language and candidate detection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Harvested {
    /// The source (`sources.toml` id) this came from.
    pub source_id: String,
    /// The entry's or page's URL, already normalized (canonical when known).
    pub url: String,
    /// Title given by the feed entry, if any.
    pub title: Option<String>,
    /// Author given by the feed entry, if any.
    pub author: Option<String>,
    /// Publication date given by the feed entry, if any.
    pub published: Option<DateTime<FixedOffset>>,
    /// Summary or content of the feed entry (may be HTML), if any.
    pub summary: Option<String>,
    /// The whole HTML page (an article page, or the page an entry links to).
    pub html: Option<String>,
    /// Language declared by the feed (`<language>`, `xml:lang`), if any.
    pub declared_lang: Option<String>,
    /// Hints from the source: its `languages`.
    pub source_languages: Vec<String>,
    /// The source's country (ISO 3166-1 alpha-2), if given.
    pub source_country: Option<String>,
}

/// A place named by an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
    /// ISO 3166-1 alpha-2, when known.
    pub country: Option<String>,
}

/// One phrase that weighed in a candidate decision, and how much.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// The phrase as the lexicon writes it.
    pub phrase: String,
    /// What it signals: `sse`, `practice`, `negative`, a theme id …
    pub kind: String,
    /// Its contribution to the score (negative for signals against).
    pub weight: f64,
}

/// Whether an item describes a concrete SSE practice, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// 0..1.
    pub score: f64,
    pub is_candidate: bool,
    /// ESSGlobal theme ids (`T1` … `T19`).
    pub themes: Vec<String>,
    pub places: Vec<Place>,
    /// The phrases that weighed.
    pub evidence: Vec<String>,
    /// The phrases that weighed with their weights (what `evidence` lists,
    /// and how much each counted).
    #[serde(default)]
    pub signals: Vec<Signal>,
    /// ESSGlobal organisational-structure ids (kinds of organization).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Organizations named by the text.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// A few sentences saying what the practice is.
    #[serde(default)]
    pub summary: Option<String>,
    /// The year the practice started, when the text says.
    #[serde(default)]
    pub year: Option<i32>,
}

/// An item as ingestion prepared it, ready to be stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewItem {
    pub url: String,
    pub source_id: String,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    /// ISO 639-1, when detected.
    pub lang: Option<String>,
    pub lang_confidence: f64,
    pub country: Option<String>,
    pub candidate: Candidate,
    /// A 64-bit locality-sensitive fingerprint of the text (simhash), when
    /// the text is long enough to have one. Items whose fingerprints differ
    /// in at most [`crate::MAX_DUPLICATE_DISTANCE`] bits are near-duplicates.
    #[serde(default)]
    pub fingerprint: Option<u64>,
}

/// A curator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub const ALL: [Decision; 2] = [Decision::Approve, Decision::Reject];

    /// `approve` or `reject`: the name the store, the API and the audit log
    /// use.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
        }
    }

    /// The decision of its name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// Where an item stands in the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Unreviewed,
    Approved,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Unreviewed, Status::Approved, Status::Rejected];

    /// `unreviewed`, `approved` or `rejected`: the name the store, the
    /// index, the API, the metrics and the pages use.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unreviewed => "unreviewed",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }

    /// The status of its name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Decision> for Status {
    fn from(d: Decision) -> Status {
        match d {
            Decision::Approve => Status::Approved,
            Decision::Reject => Status::Rejected,
        }
    }
}

/// A curator's decision on an item, with who and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub decision: Decision,
    pub curator: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// An item as the store holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Hash of the canonical URL (see [`crate::item_id`]).
    pub id: String,
    pub url: String,
    pub source_id: String,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub lang: Option<String>,
    pub lang_confidence: f64,
    pub country: Option<String>,
    pub candidate: Candidate,
    pub fingerprint: Option<u64>,
    /// The duplicate group: the id of the first item seen with this text
    /// (the item's own id when it has no near-duplicate).
    pub group_id: String,
    pub first_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub review: Option<Review>,
}

impl Item {
    pub fn status(&self) -> Status {
        self.review
            .as_ref()
            .map_or(Status::Unreviewed, |r| r.decision.into())
    }
}

/// An item as it stands after its last change: one entry of the store's
/// change feed ([`crate::Store::changes_after`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemChange {
    /// The item, corrections applied.
    pub item: Item,
    /// Its version (bumped by every curator change).
    pub version: i64,
    /// The sequence of its last change.
    pub seq: i64,
}

/// What storing an item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    New,
    Updated,
    Unchanged,
}

/// The HTTP cache state of one URL, for conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FetchState {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// Earliest time the server asked us to come back (Retry-After, max-age, ttl).
    pub not_before: Option<DateTime<Utc>>,
}

/// How a crawl of a source ended. Its names (`ok`, `not_modified`,
/// `failed`, `deferred`) are what the store, the API, the metrics and the
/// command line show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Fetched, and what it held ingested.
    Ok,
    /// 304: unchanged since the last crawl.
    NotModified,
    /// The source could not be fetched or read.
    Failed,
    /// Not fetched: the server asked not to come back yet. Never recorded
    /// on the source.
    Deferred,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Ok,
        Outcome::NotModified,
        Outcome::Failed,
        Outcome::Deferred,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotModified => "not_modified",
            Outcome::Failed => "failed",
            Outcome::Deferred => "deferred",
        }
    }

    /// The outcome of its name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one fetch of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceOutcome {
    pub source_id: String,
    pub at: DateTime<Utc>,
    /// `Ok`, `NotModified` or `Failed` (a deferred crawl is not recorded).
    pub outcome: Outcome,
    pub error: Option<String>,
}

/// The health of a source, as the store remembers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceHealth {
    pub source_id: String,
    pub last_fetch: Option<DateTime<Utc>>,
    pub last_outcome: Option<Outcome>,
    pub last_error: Option<String>,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
    pub failing_since: Option<DateTime<Utc>>,
    pub item_count: u64,
}
