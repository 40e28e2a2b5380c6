//! The published records the portal shows, kept in memory: a [`Snapshot`]
//! read from the store once per change of the records or the transfer kits
//! (the store's [`Store::portal_generation`], the last entries of their
//! append-only histories, one indexed read per request), so that a page
//! never parses the stored records. Only records and kits with status
//! `published` enter it, and a kit with only its published records.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use veille_store::{Kit, KitEntry, Practice, PracticeFilter, PracticeStatus, Store};

use super::Rendered;
use crate::blocking;
use crate::error::ApiError;

/// When this process started, to the second: the `Last-Modified` of what
/// only a new binary changes (the stylesheet, robots.txt).
pub static STARTED: LazyLock<DateTime<Utc>> = LazyLock::new(|| Utc::now().trunc_subsecs(0));

/// A city with published practices, from the gazetteer's coordinates the
/// records' places carry.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    pub name: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// Published practices in it.
    pub count: usize,
}

/// The published records at one generation of the store's practices.
pub struct Snapshot {
    generation: i64,
    /// When it was read, to the second, later than the snapshot before it:
    /// the `Last-Modified` of the portal's answers.
    pub built_at: DateTime<Utc>,
    /// Newest change first.
    pub practices: Vec<Practice>,
    by_id: HashMap<String, usize>,
    by_theme: HashMap<String, Vec<usize>>,
    /// Country code (upper case) → its practices, newest change first.
    pub by_country: BTreeMap<String, Vec<usize>>,
    pub cities: Vec<City>,
    /// The published transfer kits, newest change first, each with its
    /// published practices in the kit's order.
    pub kits: Vec<PublishedKit>,
    /// The pages rendered from it, kept while it lasts (up to
    /// [`MEMO_BYTES`]): a page is rendered once per change of the records.
    memo: Mutex<Memo>,
}

/// A published kit and its published practices, in its order.
pub type PublishedKit = (Kit, Vec<(KitEntry, Practice)>);

/// The most bytes of rendered pages a snapshot keeps.
pub const MEMO_BYTES: usize = 64 << 20;

#[derive(Default)]
struct Memo {
    bytes: usize,
    pages: HashMap<String, Arc<Rendered>>,
}

/// The countries (ISO 3166-1 alpha-2, upper case) of a record's places,
/// each once.
pub fn countries(p: &Practice) -> Vec<String> {
    let mut out: Vec<String> = p
        .record
        .places
        .iter()
        .filter_map(|pl| pl.country.as_deref())
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Snapshot {
    /// The snapshot of `practices` (published ones, newest change first).
    pub fn new(generation: i64, built_at: DateTime<Utc>, practices: Vec<Practice>) -> Snapshot {
        let practices: Vec<Practice> = practices
            .into_iter()
            .filter(|p| p.record.status == PracticeStatus::Published)
            .collect();
        let mut by_id = HashMap::new();
        let mut by_theme: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_country: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut cities: BTreeMap<(String, String), City> = BTreeMap::new();
        for (i, p) in practices.iter().enumerate() {
            by_id.insert(p.id.clone(), i);
            let mut themes = p.record.themes.clone();
            themes.sort();
            themes.dedup();
            for t in themes {
                by_theme.entry(t).or_default().push(i);
            }
            for c in countries(p) {
                by_country.entry(c).or_default().push(i);
            }
            let mut seen = Vec::new();
            for pl in &p.record.places {
                let (Some(country), Some(lat), Some(lon)) = (&pl.country, pl.lat, pl.lon) else {
                    continue;
                };
                let key = (
                    pl.name.trim().to_string(),
                    country.trim().to_ascii_uppercase(),
                );
                if key.0.is_empty() || seen.contains(&key) {
                    continue;
                }
                seen.push(key.clone());
                cities
                    .entry(key.clone())
                    .or_insert_with(|| City {
                        name: key.0,
                        country: key.1,
                        lat,
                        lon,
                        count: 0,
                    })
                    .count += 1;
            }
        }
        Snapshot {
            generation,
            built_at,
            practices,
            by_id,
            by_theme,
            by_country,
            cities: cities.into_values().collect(),
            kits: Vec::new(),
            memo: Mutex::default(),
        }
    }

    /// With the published `kits` (those not published are left out).
    pub fn with_kits(mut self, kits: Vec<PublishedKit>) -> Snapshot {
        self.kits = kits
            .into_iter()
            .filter(|(k, _)| k.kit.status == PracticeStatus::Published)
            .collect();
        self
    }

    /// A published kit.
    pub fn kit(&self, id: &str) -> Option<&PublishedKit> {
        self.kits.iter().find(|(k, _)| k.id == id)
    }

    /// A published record.
    pub fn get(&self, id: &str) -> Option<&Practice> {
        self.by_id.get(id).map(|&i| &self.practices[i])
    }

    /// The published records on theme `id`, newest change first.
    pub fn theme(&self, id: &str) -> Vec<&Practice> {
        self.indexed(self.by_theme.get(id))
    }

    /// The published records in country `code` (upper case).
    pub fn country(&self, code: &str) -> Vec<&Practice> {
        self.indexed(self.by_country.get(code))
    }

    fn indexed(&self, at: Option<&Vec<usize>>) -> Vec<&Practice> {
        at.map(|v| v.iter().map(|&i| &self.practices[i]).collect())
            .unwrap_or_default()
    }

    /// How many published records theme `id` has.
    pub fn theme_count(&self, id: &str) -> usize {
        self.by_theme.get(id).map_or(0, Vec::len)
    }

    /// The page kept under `key`, if any.
    pub fn recall(&self, key: &str) -> Option<Arc<Rendered>> {
        let memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        memo.pages.get(key).cloned()
    }

    /// Keeps `page` under `key` while there is room.
    pub fn keep(&self, key: String, page: Arc<Rendered>) {
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        let size = page.size() + key.len();
        if memo.bytes + size <= MEMO_BYTES && !memo.pages.contains_key(&key) {
            memo.bytes += size;
            memo.pages.insert(key, page);
        }
    }
}

/// The portal's snapshot, read again from the store when its practices
/// changed.
#[derive(Default)]
pub struct Cache {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// One reading at a time; the others wait for it.
    reading: tokio::sync::Mutex<()>,
    /// How many reads of the store's generation have started.
    checks_started: AtomicU64,
    /// The last read of the generation: its number among those started,
    /// and what it read.
    checked: tokio::sync::Mutex<(u64, i64)>,
}

impl Cache {
    /// The store's practices generation, read after this call began: by
    /// this call, or by another's read that started after it, so that
    /// concurrent requests share one read of the store instead of one each.
    async fn generation(&self, store: &Store) -> Result<i64, ApiError> {
        let arrived = self.checks_started.load(Ordering::SeqCst);
        let mut checked = self.checked.lock().await;
        if checked.0 > arrived {
            return Ok(checked.1);
        }
        let number = self.checks_started.fetch_add(1, Ordering::SeqCst) + 1;
        let reader = store.clone();
        let generation = blocking(move || Ok(reader.portal_generation()?)).await?;
        *checked = (number, generation);
        Ok(generation)
    }

    /// The snapshot of the store's published records as they are now.
    pub async fn snapshot(&self, store: &Store) -> Result<Arc<Snapshot>, ApiError> {
        let generation = self.generation(store).await?;
        if let Some(s) = self.kept().filter(|s| s.generation == generation) {
            return Ok(s);
        }
        let _reading = self.reading.lock().await;
        if let Some(s) = self.kept().filter(|s| s.generation >= generation) {
            return Ok(s);
        }
        let previous = self.kept().map(|s| s.built_at);
        let store = store.clone();
        // The generation is read before the records: a write in between
        // makes this snapshot stale (read again next time), never wrong.
        let (generation, practices, kits) = blocking(move || {
            let generation = store.portal_generation()?;
            let filter = PracticeFilter {
                status: Some(PracticeStatus::Published),
                ..PracticeFilter::default()
            };
            let practices = store.practices(&filter, 0, usize::MAX)?.1;
            let mut kits = Vec::new();
            for kit in store.kits(Some(PracticeStatus::Published))? {
                let entries = store.kit_practices(&kit, true)?;
                kits.push((kit, entries));
            }
            Ok((generation, practices, kits))
        })
        .await?;
        let mut built_at = Utc::now().trunc_subsecs(0).max(*STARTED);
        if let Some(previous) = previous {
            built_at = built_at.max(previous + Duration::seconds(1));
        }
        let snapshot = Arc::new(Snapshot::new(generation, built_at, practices).with_kits(kits));
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(snapshot.clone());
        Ok(snapshot)
    }

    fn kept(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
