//! Tests of per-host politeness, in paused time: no real waiting.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::*;

#[tokio::test(start_paused = true)]
async fn second_request_to_a_host_waits_the_delay() {
    let p = Politeness::new(Duration::from_millis(1500), 1, 32);
    let start = Instant::now();
    drop(p.acquire("example.org", None).await);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "the first request does not wait"
    );
    drop(p.acquire("Example.ORG", None).await);
    assert!(
        start.elapsed() >= Duration::from_millis(1500),
        "same host, any case"
    );
}

#[tokio::test(start_paused = true)]
async fn other_hosts_do_not_wait() {
    let p = Politeness::new(Duration::from_secs(10), 1, 32);
    let start = Instant::now();
    drop(p.acquire("a.example.org", None).await);
    drop(p.acquire("b.example.org", None).await);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn one_request_at_a_time_per_host() {
    let p = Arc::new(Politeness::new(Duration::from_millis(100), 1, 32));
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (p, in_flight, most) = (Arc::clone(&p), Arc::clone(&in_flight), Arc::clone(&most));
        tasks.push(tokio::spawn(async move {
            let _permit = p.acquire("example.org", None).await;
            let now = in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await; // the request
            in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    let start = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 1);
    // 4 requests of 50 ms with 3 delays of 100 ms between them.
    assert!(
        start.elapsed() >= Duration::from_millis(4 * 50 + 3 * 100),
        "{:?}",
        start.elapsed()
    );
}

/// Runs `n` requests of 50 ms at once, each to `host(i)`, and gives the most
/// in flight at once (all hosts, and per host).
async fn most_in_flight(p: Arc<Politeness>, n: usize, host: fn(usize) -> String) -> usize {
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..n {
        let (p, in_flight, most) = (Arc::clone(&p), Arc::clone(&in_flight), Arc::clone(&most));
        tasks.push(tokio::spawn(async move {
            let _permit = p.acquire(&host(i), None).await;
            let now = in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    most.load(std::sync::atomic::Ordering::SeqCst)
}

#[tokio::test(start_paused = true)]
async fn per_host_concurrency_and_the_global_cap_hold() {
    let two_per_host = Arc::new(Politeness::new(Duration::ZERO, 2, 32));
    assert_eq!(
        most_in_flight(two_per_host, 6, |_| "example.org".into()).await,
        2
    );
    let global_three = Arc::new(Politeness::new(Duration::ZERO, 1, 3));
    assert_eq!(
        most_in_flight(global_three, 10, |i| format!("h{i}.example.org")).await,
        3,
        "ten hosts, three slots"
    );
}

#[tokio::test(start_paused = true)]
async fn crawl_delay_raises_the_delay_and_defer_pushes_the_next_start() {
    let p = Politeness::new(Duration::from_secs(1), 1, 32);
    let start = Instant::now();
    drop(p.acquire("example.org", Some(Duration::from_secs(5))).await);
    drop(p.acquire("example.org", Some(Duration::from_secs(5))).await);
    assert!(
        start.elapsed() >= Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );

    let start = Instant::now();
    p.defer("other.example.org", start + Duration::from_secs(30));
    drop(p.acquire("other.example.org", None).await);
    assert!(
        start.elapsed() >= Duration::from_secs(30),
        "Retry-After is honoured"
    );
}

#[tokio::test(start_paused = true)]
async fn idle_hosts_are_forgotten_and_waiting_or_deferred_ones_kept() {
    let p = Arc::new(Politeness::new(Duration::from_millis(100), 1, 32));
    // A host someone holds, and one deferred for an hour, stay remembered.
    let held = p.acquire("held.example.org", None).await;
    p.defer(
        "deferred.example.org",
        Instant::now() + Duration::from_secs(3600),
    );
    let start = Instant::now();
    for i in 0..20_000 {
        drop(p.acquire(&format!("h{i}.example.org"), None).await);
        if i % 1000 == 999 {
            // Their delays pass.
            tokio::time::advance(Duration::from_millis(200)).await;
        }
    }
    assert!(
        p.remembered() < 2_200,
        "{} hosts remembered for 20,000 seen",
        p.remembered()
    );
    // The deferred host still waits its hour; the held one its turn.
    let deferred = Instant::now();
    drop(p.acquire("deferred.example.org", None).await);
    assert!(
        start + Duration::from_secs(3600) <= Instant::now(),
        "{:?}",
        deferred.elapsed()
    );
    let waiter = {
        let p = p.clone();
        tokio::spawn(async move { drop(p.acquire("held.example.org", None).await) })
    };
    tokio::time::advance(Duration::from_millis(10)).await;
    assert!(
        !waiter.is_finished(),
        "the held host is still one at a time"
    );
    drop(held);
    waiter.await.unwrap();
}

/// The process's resident memory, in KiB.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// 10,000 sources over 2,000 hosts (five a host) all due at once, for 30
/// rounds, the hosts renamed every ten rounds as lists get edited: the
/// hosts remembered stay within what the sweep allows, and the memory
/// does not grow from round to round. A measurement (see BENCHMARKS.md):
/// `cargo test --release -p veille-crawler ten_thousand_sources -- --ignored --nocapture`
#[tokio::test(start_paused = true)]
#[ignore = "a measurement: run it alone, in release"]
async fn ten_thousand_sources_over_two_thousand_hosts_hold_steady() {
    let p = Arc::new(Politeness::new(Duration::from_secs(1), 1, 32));
    let mut after_round = Vec::new();
    for round in 0..30 {
        let names = round / 10;
        let tasks: Vec<_> = (0..10_000)
            .map(|i| {
                let p = p.clone();
                let host = format!("ess-{names}-{:04}.example.org", i % 2_000);
                tokio::spawn(async move {
                    let permit = p.acquire(&host, None).await;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    drop(permit);
                })
            })
            .collect();
        // Every host has its five sources waiting on it now.
        tokio::time::sleep(Duration::from_millis(1)).await;
        let waiting = p.remembered();
        for t in tasks {
            t.await.unwrap();
        }
        // Their delays pass before the next round.
        tokio::time::advance(Duration::from_secs(2)).await;
        after_round.push((waiting, p.remembered(), resident_kib()));
    }
    for (round, (waiting, remembered, rss)) in after_round.iter().enumerate() {
        println!("round {round}: {waiting} hosts remembered while sources wait, {remembered} after; resident {rss} KiB");
    }
    let most = after_round.iter().map(|r| r.1.max(r.0)).max().unwrap();
    assert!(
        most <= 4_000 + 2,
        "{most} hosts remembered for 2,000 in use"
    );
    let (first, last) = (after_round[1].2, after_round[29].2);
    println!(
        "hosts remembered at most: {most}; resident memory after round 2: {first} KiB, after round 30: {last} KiB"
    );
}
