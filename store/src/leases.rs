//! Leases on due sources, for several crawler workers sharing one store
//! (`veille run --role crawler`, on PostgreSQL).
//!
//! Every worker schedules every source from the same list; before crawling
//! a due source it claims a lease on it in the store, and lets it go when
//! the crawl ends, recording which due time the crawl served. A claim is
//! refused while another worker holds the source, or any other source on
//! the same host (so two workers never fetch one host at once), and when
//! the due time was already served (the other worker got there first). A
//! lease expires: a worker that dies loses nothing, since another takes
//! the source once its lease has run out.
//!
//! On PostgreSQL the claim locks the source's row with `FOR UPDATE SKIP
//! LOCKED` (a row another worker is deciding on is skipped, not waited
//! for) after an advisory lock on the host, which serializes the claims of
//! one host's sources so that the host check sees every lease. On SQLite
//! the one writer serializes claims.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::db::{params, Dialect};
use crate::{Result, Store};

/// What a claim on a due source got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This worker holds the source until the lease's end: crawl it.
    Granted { until: DateTime<Utc> },
    /// The due time was served already (by another worker): skip it.
    Done,
    /// Another worker holds the source or its host: try again at `retry`.
    Busy { retry: DateTime<Utc> },
}

/// A time as the lease table stores it: fixed width, in UTC, so that text
/// order is time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    /// Claims `source_id` (on `host`) for `worker`, to serve its run due at
    /// `due`, for `ttl`.
    pub fn claim_source(
        &self,
        source_id: &str,
        host: &str,
        worker: &str,
        due: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Claim> {
        let now = Utc::now();
        let tx = self.transaction()?;
        let db = tx.db();
        if db.dialect() == Dialect::Postgres {
            db.execute("SELECT pg_advisory_xact_lock(hashtext(?1))", params![host])?;
        }
        db.execute(
            "INSERT INTO source_leases (source_id, host) VALUES (?1, ?2)
             ON CONFLICT (source_id) DO UPDATE SET host = ?2
             WHERE source_leases.host <> ?2",
            params![source_id, host],
        )?;
        let row = db.query_opt(
            db.pick(
                "SELECT worker, lease_until, done_through FROM source_leases
                 WHERE source_id = ?1",
                "SELECT worker, lease_until, done_through FROM source_leases
                 WHERE source_id = ?1 FOR UPDATE SKIP LOCKED",
            ),
            params![source_id],
        )?;
        let retry_soon = now + chrono::Duration::seconds(1);
        let Some(row) = row else {
            return Ok(Claim::Busy { retry: retry_soon });
        };
        let holder: Option<String> = row.get(0)?;
        let until = parse(row.get(1)?);
        if parse(row.get(2)?).is_some_and(|done| done >= due) {
            return Ok(Claim::Done);
        }
        if let (Some(holder), Some(until)) = (holder, until) {
            if holder != worker && until > now {
                return Ok(Claim::Busy { retry: until });
            }
        }
        let host_held: Option<String> = db.value(
            "SELECT max(lease_until) FROM source_leases
             WHERE host = ?1 AND source_id <> ?2 AND worker <> ?3 AND lease_until > ?4",
            params![host, source_id, worker, stamp(now)],
        )?;
        if let Some(until) = parse(host_held) {
            return Ok(Claim::Busy { retry: until });
        }
        let until = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
        db.execute(
            "UPDATE source_leases SET worker = ?2, lease_until = ?3 WHERE source_id = ?1",
            params![source_id, worker, stamp(until)],
        )?;
        tx.commit()?;
        Ok(Claim::Granted { until })
    }

    /// Extends `worker`'s lease on `source_id` by `ttl` from now, while its
    /// crawl goes on; `false` when the worker no longer holds it.
    pub fn renew_lease(&self, source_id: &str, worker: &str, ttl: Duration) -> Result<bool> {
        let until = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
        let n = self.write()?.db().execute(
            "UPDATE source_leases SET lease_until = ?3 WHERE source_id = ?1 AND worker = ?2",
            params![source_id, worker, stamp(until)],
        )?;
        Ok(n == 1)
    }

    /// Lets `worker`'s lease on `source_id` go; `served` is the due time its
    /// crawl served (`None` when the crawl did not happen: deferred, or
    /// dropped), so that no other worker serves it again.
    pub fn release_source(
        &self,
        source_id: &str,
        worker: &str,
        served: Option<DateTime<Utc>>,
    ) -> Result<()> {
        self.write()?.db().execute(
            "UPDATE source_leases SET worker = NULL, lease_until = NULL,
                done_through = coalesce(?3, done_through)
             WHERE source_id = ?1 AND worker = ?2",
            params![source_id, worker, served.map(stamp)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::on_each_engine;

    const TTL: Duration = Duration::from_secs(60);

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    on_each_engine! {
        fn one_worker_at_a_time_per_source_and_host(store: Store) {
            let due = at("2026-12-05T10:00:00Z");
            let a = store.claim_source("s1", "example.org", "a", due, TTL).unwrap();
            assert!(matches!(a, Claim::Granted { .. }), "{a:?}");
            // The same source, and another source of the same host, are busy
            // for another worker until the lease ends.
            let b = store.claim_source("s1", "example.org", "b", due, TTL).unwrap();
            let Claim::Busy { retry } = b else { panic!("{b:?}") };
            assert!(retry > Utc::now() + chrono::Duration::seconds(50));
            assert!(matches!(
                store.claim_source("s2", "example.org", "b", due, TTL).unwrap(),
                Claim::Busy { .. }
            ));
            // Another host is free; the holder may claim its host's others.
            assert!(matches!(
                store.claim_source("s3", "example.net", "b", due, TTL).unwrap(),
                Claim::Granted { .. }
            ));
            assert!(matches!(
                store.claim_source("s2", "example.org", "a", due, TTL).unwrap(),
                Claim::Granted { .. }
            ));
            // Served: the same due time is done for everyone; the next one
            // is free once the host is.
            store.release_source("s1", "a", Some(due)).unwrap();
            store.release_source("s2", "a", None).unwrap();
            assert_eq!(
                store.claim_source("s1", "example.org", "b", due, TTL).unwrap(),
                Claim::Done
            );
            let next = at("2026-12-05T11:00:00Z");
            assert!(matches!(
                store.claim_source("s1", "example.org", "b", next, TTL).unwrap(),
                Claim::Granted { .. }
            ));
            // A release by a worker that does not hold the lease changes nothing.
            store.release_source("s1", "a", Some(next)).unwrap();
            assert!(matches!(
                store.claim_source("s1", "example.org", "a", next, TTL).unwrap(),
                Claim::Busy { .. }
            ));
            assert!(store.renew_lease("s1", "b", TTL).unwrap());
            assert!(!store.renew_lease("s1", "a", TTL).unwrap());
        }
    }

    on_each_engine! {
        fn an_expired_lease_is_taken_over(store: Store) {
            let due = at("2026-12-05T10:00:00Z");
            let short = Duration::from_millis(200);
            assert!(matches!(
                store.claim_source("s1", "example.org", "dead", due, short).unwrap(),
                Claim::Granted { .. }
            ));
            std::thread::sleep(Duration::from_millis(300));
            // The dead worker never released it: its due time is not done.
            assert!(matches!(
                store.claim_source("s1", "example.org", "alive", due, TTL).unwrap(),
                Claim::Granted { .. }
            ));
            assert!(!store.renew_lease("s1", "dead", TTL).unwrap());
        }
    }

    #[test]
    fn claims_on_one_host_from_many_threads_grant_one_worker() {
        let Some(store) = crate::testing::postgres_store() else {
            return;
        };
        let due = at("2026-12-05T10:00:00Z");
        let granted: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|w| {
                    let store = store.clone();
                    scope.spawn(move || {
                        let claim = store
                            .claim_source(
                                &format!("s{w}"),
                                "example.org",
                                &format!("w{w}"),
                                due,
                                TTL,
                            )
                            .unwrap();
                        matches!(claim, Claim::Granted { .. })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(granted.iter().filter(|g| **g).count(), 1, "{granted:?}");
    }
}
