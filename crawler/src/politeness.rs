//! Politeness per host: at most `per_host_concurrency` requests at a time
//! to one host (one by default), a minimum delay between two (raised by the
//! host's robots.txt `Crawl-delay`, and by a `Retry-After` it sent), and a
//! global cap on the requests in flight.
//!
//! With one request at a time, the delay runs from the end of a request to
//! the start of the next; with more, starts are spaced by the delay too.
//! The global slot is taken only once the host is free, so a source waiting
//! for its host never holds a slot another host could use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Hosts remembered before the first sweep of idle ones.
const SWEEP_FROM: usize = 1024;

/// Per-host politeness state, shared by every crawl of one `Crawler`.
///
/// A host is remembered while something waits for it, holds it, or must
/// still wait before its next request; an idle host whose delay has passed
/// is forgotten at the next sweep (when the map has doubled since the last
/// one), which loses nothing: its next request would not wait anyway. So
/// the map holds the hosts in use, however many hosts the sources name over
/// time.
#[derive(Debug)]
pub(crate) struct Politeness {
    min_delay: Duration,
    per_host: usize,
    global: Arc<Semaphore>,
    hosts: Mutex<Hosts>,
}

#[derive(Debug, Default)]
struct Hosts {
    map: HashMap<String, Arc<Host>>,
    /// The map's size that triggers the next sweep.
    sweep_at: usize,
}

/// What the crawler remembers of one host.
#[derive(Debug)]
struct Host {
    slots: Arc<Semaphore>,
    /// No request starts before this.
    next_start: Mutex<Option<Instant>>,
}

/// The right to send one request to a host; the host's delay starts again
/// when this is dropped.
#[derive(Debug)]
pub(crate) struct HostPermit {
    host: Arc<Host>,
    delay: Duration,
    _slot: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        let after = Instant::now() + self.delay;
        let mut next = self
            .host
            .next_start
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if next.is_none_or(|n| n < after) {
            *next = Some(after);
        }
    }
}

impl Politeness {
    pub(crate) fn new(min_delay: Duration, per_host: usize, global: usize) -> Politeness {
        Politeness {
            min_delay,
            per_host: per_host.max(1),
            global: Arc::new(Semaphore::new(global.max(1))),
            hosts: Mutex::default(),
        }
    }

    fn host(&self, host: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if hosts.map.len() >= hosts.sweep_at.max(SWEEP_FROM) {
            let now = Instant::now();
            // Only this map holds it (no acquire waiting, no permit), and
            // its next request may start now.
            hosts.map.retain(|_, h| {
                Arc::strong_count(h) > 1
                    || h.next_start
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .is_some_and(|at| at > now)
            });
            hosts.sweep_at = hosts.map.len() * 2;
        }
        Arc::clone(
            hosts
                .map
                .entry(host.to_ascii_lowercase())
                .or_insert_with(|| {
                    Arc::new(Host {
                        slots: Arc::new(Semaphore::new(self.per_host)),
                        next_start: Mutex::new(None),
                    })
                }),
        )
    }

    /// How many hosts are remembered now.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.hosts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }

    /// Waits until `host` has a free slot and its delay has passed (the
    /// larger of the minimum delay and `crawl_delay`), then for a global
    /// slot.
    pub(crate) async fn acquire(&self, host: &str, crawl_delay: Option<Duration>) -> HostPermit {
        let entry = self.host(host);
        let delay = self.min_delay.max(crawl_delay.unwrap_or_default());
        let slot = Arc::clone(&entry.slots)
            .acquire_owned()
            .await
            .expect("the host semaphore is never closed");
        loop {
            let wait = {
                let mut next = entry.next_start.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                match *next {
                    Some(at) if at > now => Some(at),
                    _ => {
                        // Space the starts too (for more than one slot).
                        *next = Some(now + delay);
                        None
                    }
                }
            };
            match wait {
                Some(at) => tokio::time::sleep_until(at).await,
                None => break,
            }
        }
        let global = Arc::clone(&self.global)
            .acquire_owned()
            .await
            .expect("the global semaphore is never closed");
        HostPermit {
            host: entry,
            delay,
            _slot: slot,
            _global: global,
        }
    }

    /// No request to `host` starts before `until` (a `Retry-After`, or the
    /// `Crawl-delay` learnt from its robots.txt).
    pub(crate) fn defer(&self, host: &str, until: Instant) {
        let entry = self.host(host);
        let mut next = entry.next_start.lock().unwrap_or_else(|p| p.into_inner());
        if next.is_none_or(|n| n < until) {
            *next = Some(until);
        }
    }
}

#[cfg(test)]
mod tests;
