//! Tests of per-host politeness, in paused time: no real waiting.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::*;

#[tokio::test(start_paused = true)]
async fn second_request_to_a_host_waits_the_delay() {
    let p = Politeness::new(Duration::from_millis(1500));
    let start = Instant::now();
    drop(p.acquire("example.org").await);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "the first request does not wait"
    );
    drop(p.acquire("Example.ORG").await);
    assert!(
        start.elapsed() >= Duration::from_millis(1500),
        "same host, any case"
    );
}

#[tokio::test(start_paused = true)]
async fn other_hosts_do_not_wait() {
    let p = Politeness::new(Duration::from_secs(10));
    let start = Instant::now();
    drop(p.acquire("a.example.org").await);
    drop(p.acquire("b.example.org").await);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn one_request_at_a_time_per_host() {
    let p = Arc::new(Politeness::new(Duration::from_millis(100)));
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (p, in_flight, most) = (Arc::clone(&p), Arc::clone(&in_flight), Arc::clone(&most));
        tasks.push(tokio::spawn(async move {
            let _permit = p.acquire("example.org").await;
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
