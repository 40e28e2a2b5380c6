//! The frontier: every scheduled source with the time it is next due, in
//! one priority queue, so that one loop runs them all (no task, timer or
//! future per source while it waits).
//!
//! Only what changes is computed again: the source that just ran, the
//! sources an edit of the list added or changed. The queue drops entries
//! lazily (a source removed, changed or started leaves a stale one behind,
//! skipped when it comes up) and is rebuilt when stale entries outnumber
//! the live ones, so its size stays within twice the sources'.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::AbortHandle;
use veille_crawler::config::{Config, Source};
use veille_crawler::schedule::{failure_backoff, next_due, next_run};
use veille_store::Outcome;

/// What the store says of a source: its last fetch, and how many fetches
/// in a row failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    pub last_fetch: Option<DateTime<Utc>>,
    pub failures: u32,
}

/// A source's place in the frontier, handed out when it is due and given
/// back when its crawl ends ([`Frontier::finished`]); a place whose source
/// was removed or changed in between is no longer valid, and its result is
/// ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    slot: usize,
    generation: u64,
}

#[derive(Debug)]
struct Entry {
    source: Arc<Source>,
    record: Record,
    /// When it is next due; `None` while it runs, or when its schedule has
    /// no future run.
    due: Option<DateTime<Utc>>,
    /// Changes whenever the entry is queued again or replaced, so that the
    /// queue's older entries for this slot are known to be stale.
    generation: u64,
    /// Its crawl, while one is in flight.
    running: Option<AbortHandle>,
}

/// What [`Frontier::apply`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// New sources, and changed ones scheduled again.
    pub scheduled: usize,
    /// Removed, disabled and changed sources taken out.
    pub unscheduled: usize,
    /// Crawls in flight dropped because their source was taken out.
    pub dropped: usize,
}

/// Every enabled source, by when it is next due.
#[derive(Debug)]
pub struct Frontier {
    backoff_base: Duration,
    backoff_cap: Duration,
    slots: Vec<Option<Entry>>,
    free: Vec<usize>,
    by_id: HashMap<String, usize>,
    queue: BinaryHeap<Reverse<(DateTime<Utc>, usize, u64)>>,
    next_generation: u64,
}

impl Frontier {
    /// An empty frontier; a failing source is backed off by
    /// [`failure_backoff`] with this base and cap.
    pub fn new(backoff_base: Duration, backoff_cap: Duration) -> Frontier {
        Frontier {
            backoff_base,
            backoff_cap,
            slots: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            queue: BinaryHeap::new(),
            next_generation: 0,
        }
    }

    /// How many sources are scheduled (waiting or running).
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The entries the queue holds, stale ones included (at most about
    /// twice [`Frontier::len`]).
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// When `id` is next due, if it is scheduled and waiting.
    pub fn due_of(&self, id: &str) -> Option<DateTime<Utc>> {
        self.slots[*self.by_id.get(id)?].as_ref()?.due
    }

    /// Brings the frontier in line with `config`'s enabled sources: new
    /// and changed ones scheduled from their record in `records` (none:
    /// never fetched), removed, disabled and changed ones taken out, and
    /// their crawls in flight aborted. A source whose last fetch is older
    /// than its previous scheduled time (or that was never fetched) is due
    /// at `now`, unless it failed and is still backed off.
    pub fn apply(
        &mut self,
        config: &Config,
        records: &HashMap<String, Record>,
        now: DateTime<Utc>,
    ) -> Applied {
        let wanted: HashMap<&str, &Source> = config
            .enabled_sources()
            .map(|s| (s.id.as_str(), s))
            .collect();
        let mut applied = Applied::default();
        let gone: Vec<String> = self
            .by_id
            .iter()
            .filter(|(id, &slot)| {
                let entry = self.slots[slot].as_ref().expect("an id names a live slot");
                wanted.get(id.as_str()).is_none_or(|s| **s != *entry.source)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            tracing::info!(source = %id, "unscheduled");
            applied.unscheduled += 1;
            let slot = self.by_id.remove(&id).expect("listed above");
            let entry = self.slots[slot].take().expect("an id names a live slot");
            self.free.push(slot);
            if let Some(crawl) = entry.running {
                if !crawl.is_finished() {
                    tracing::info!(source = %id, "stopped: crawl in flight dropped");
                    applied.dropped += 1;
                }
                crawl.abort();
            }
        }
        // In file order, so that sources due at the same time start in it.
        for source in config.enabled_sources() {
            if self.by_id.contains_key(&source.id) {
                continue;
            }
            let record = records.get(&source.id).copied().unwrap_or_default();
            let due = self.first_due(source, record, now);
            tracing::info!(
                source = %source.id,
                schedule = %source.schedule_expr,
                overdue = due == Some(now),
                "scheduled"
            );
            applied.scheduled += 1;
            let entry = Entry {
                source: Arc::new(source.clone()),
                record,
                due: None,
                generation: 0,
                running: None,
            };
            let slot = match self.free.pop() {
                Some(slot) => {
                    self.slots[slot] = Some(entry);
                    slot
                }
                None => {
                    self.slots.push(Some(entry));
                    self.slots.len() - 1
                }
            };
            self.by_id.insert(source.id.clone(), slot);
            self.queue_at(slot, due);
        }
        self.compact();
        applied
    }

    /// When a source just scheduled is first due: at `now` when it is
    /// overdue and not backed off, else at its next due time.
    fn first_due(
        &self,
        source: &Source,
        record: Record,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let overdue = match record.last_fetch {
            None => true,
            Some(at) => next_run(source, at).is_some_and(|next| next <= now),
        };
        if overdue {
            let backoff = failure_backoff(record.failures, self.backoff_base, self.backoff_cap);
            let backoff = chrono::Duration::from_std(backoff).unwrap_or(chrono::Duration::MAX);
            let backed_off = record
                .last_fetch
                .and_then(|at| at.checked_add_signed(backoff))
                .is_some_and(|end| end > now);
            if !backed_off {
                return Some(now);
            }
            tracing::info!(source = %source.id, failures = record.failures, "failing: backed off");
        }
        self.next_due(source, record, now)
    }

    fn next_due(
        &self,
        source: &Source,
        record: Record,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let due = next_due(
            source,
            record.last_fetch,
            record.failures,
            self.backoff_base,
            self.backoff_cap,
            now,
        );
        if due.is_none() {
            tracing::warn!(source = %source.id, "the schedule has no future run; not scheduled again");
        }
        due
    }

    /// Queues `slot` at `due` (a new generation, so that its older entries
    /// in the queue are stale).
    fn queue_at(&mut self, slot: usize, due: Option<DateTime<Utc>>) {
        self.next_generation += 1;
        let generation = self.next_generation;
        let entry = self.slots[slot].as_mut().expect("a live slot");
        entry.generation = generation;
        entry.due = due;
        if let Some(at) = due {
            self.queue.push(Reverse((at, slot, generation)));
        }
    }

    /// Drops the stale entries once they outnumber the live ones.
    fn compact(&mut self) {
        if self.queue.len() <= 2 * self.by_id.len() + 16 {
            return;
        }
        let slots = &self.slots;
        self.queue.retain(|Reverse((_, slot, generation))| {
            slots[*slot]
                .as_ref()
                .is_some_and(|e| e.generation == *generation && e.due.is_some())
        });
    }

    /// The earliest time a waiting source is due (stale entries dropped on
    /// the way).
    pub fn next_wake(&mut self) -> Option<DateTime<Utc>> {
        while let Some(Reverse((at, slot, generation))) = self.queue.peek().copied() {
            if self.is_live(slot, generation) {
                return Some(at);
            }
            self.queue.pop();
        }
        None
    }

    fn is_live(&self, slot: usize, generation: u64) -> bool {
        self.slots[slot]
            .as_ref()
            .is_some_and(|e| e.generation == generation && e.due.is_some())
    }

    /// Takes the earliest source due at or before `now`, which is running
    /// from then on (not due again until [`Frontier::finished`]).
    pub fn pop_due(&mut self, now: DateTime<Utc>) -> Option<(Ticket, Arc<Source>)> {
        let at = self.next_wake()?;
        if at > now {
            return None;
        }
        let Reverse((_, slot, _)) = self.queue.pop().expect("peeked");
        // A new generation: the ticket's, and no queue entry has it.
        self.queue_at(slot, None);
        let entry = self.slots[slot].as_ref().expect("a live slot");
        let ticket = Ticket {
            slot,
            generation: entry.generation,
        };
        Some((ticket, entry.source.clone()))
    }

    /// Remembers the crawl of a source [`Frontier::pop_due`] handed out,
    /// so that taking the source out aborts it.
    pub fn started(&mut self, ticket: Ticket, crawl: AbortHandle) {
        match self.entry_mut(ticket) {
            Some(entry) => entry.running = Some(crawl),
            None => crawl.abort(),
        }
    }

    fn entry_mut(&mut self, ticket: Ticket) -> Option<&mut Entry> {
        self.slots
            .get_mut(ticket.slot)?
            .as_mut()
            .filter(|e| e.generation == ticket.generation)
    }

    /// A crawl ended at `now` with `outcome`: a failure counts one more in
    /// a row, anything fetched resets the count, a deferred crawl (nothing
    /// sent) changes nothing; the source is queued at its next due time.
    /// Ignored when the source was taken out since.
    pub fn finished(&mut self, ticket: Ticket, outcome: Outcome, now: DateTime<Utc>) {
        let Some(entry) = self.entry_mut(ticket) else {
            return;
        };
        entry.running = None;
        match outcome {
            Outcome::Deferred => {}
            Outcome::Failed => {
                entry.record.failures += 1;
                entry.record.last_fetch = Some(now);
            }
            _ => {
                entry.record.failures = 0;
                entry.record.last_fetch = Some(now);
            }
        }
        let (source, record) = (entry.source.clone(), entry.record);
        let due = self.next_due(&source, record, now);
        self.queue_at(ticket.slot, due);
    }

    /// What the frontier knows of a handed-out source's fetches.
    pub fn record_of(&self, ticket: Ticket) -> Option<Record> {
        self.slots
            .get(ticket.slot)?
            .as_ref()
            .filter(|e| e.generation == ticket.generation)
            .map(|e| e.record)
    }

    /// A handed-out source could not start (another worker holds it or its
    /// host): it is due again at `at`, its record unchanged.
    pub fn defer(&mut self, ticket: Ticket, at: DateTime<Utc>) {
        let Some(entry) = self.entry_mut(ticket) else {
            return;
        };
        entry.running = None;
        self.queue_at(ticket.slot, Some(at));
    }

    /// Aborts every crawl in flight (at shutdown).
    pub fn abort_all(&mut self) {
        for entry in self.slots.iter_mut().flatten() {
            if let Some(crawl) = entry.running.take() {
                crawl.abort();
            }
        }
    }
}

/// Every source's record from what the store says of its fetches
/// (`Store::source_fetches`).
pub fn records(fetches: Vec<veille_store::SourceFetch>) -> HashMap<String, Record> {
    fetches
        .into_iter()
        .map(|(id, last_fetch, failures)| {
            (
                id,
                Record {
                    last_fetch,
                    failures,
                },
            )
        })
        .collect()
}
