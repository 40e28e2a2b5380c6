//! Politeness per host: one request at a time, and a minimum delay between
//! the end of one request and the start of the next.
//!
//! This is the place for robots.txt and `Crawl-delay` when they come: a
//! host's entry can carry its rules and its own delay.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

/// Per-host politeness state, shared by every crawl of one `Crawler`.
#[derive(Debug, Default)]
pub(crate) struct Politeness {
    min_delay: Duration,
    hosts: Mutex<HashMap<String, Arc<AsyncMutex<HostState>>>>,
}

/// What the crawler remembers of one host.
#[derive(Debug, Default)]
pub(crate) struct HostState {
    /// When the last request to this host ended.
    last_done: Option<Instant>,
}

/// The right to send one request to a host; the host is free again, and
/// its delay starts, when this is dropped.
#[derive(Debug)]
pub(crate) struct HostPermit {
    state: OwnedMutexGuard<HostState>,
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        self.state.last_done = Some(Instant::now());
    }
}

impl Politeness {
    pub(crate) fn new(min_delay: Duration) -> Politeness {
        Politeness {
            min_delay,
            hosts: Mutex::default(),
        }
    }

    /// Waits until `host` is free and its delay has passed.
    pub(crate) async fn acquire(&self, host: &str) -> HostPermit {
        let entry = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(hosts.entry(host.to_ascii_lowercase()).or_default())
        };
        let state = entry.lock_owned().await;
        if let Some(last) = state.last_done {
            tokio::time::sleep_until(last + self.min_delay).await;
        }
        HostPermit { state }
    }
}

#[cfg(test)]
mod tests;
