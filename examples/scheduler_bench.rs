//! The scheduler at scale: a `sources.toml` of many sources over many
//! hosts with varied cron schedules, and a store holding many items.
//!
//! Prints, in process CPU time (every thread of the process):
//! - reading and validating the list (`config::parse`), as a reload does;
//! - the scheduling passes, on one thread, over the frontier
//!   (`veille::scheduler::Frontier`): every source's first due time, a
//!   reloaded list with one source changed, and a simulated day of taking
//!   the sources due and queueing each again at its next due time (the
//!   busiest pass and the mean), with the resident memory the frontier
//!   takes;
//! - the store reads at the scheduler's start over a store of many items:
//!   every source's health with its item count (`Store::source_health`)
//!   and one source's (`source_health_of`), which the scheduler read
//!   before the frontier, and every source's last fetch and failures
//!   (`source_fetches`), which it reads now;
//! - `veille run`'s scheduler itself with every source (none due: each
//!   was just fetched): its start, a minute of idling, a reload of the list
//!   with one source changed, its stop; and the process's resident memory
//!   before and after it scheduled them.
//!
//! Run (see BENCHMARKS.md):
//! `cargo run --release --example scheduler_bench -- [sources] [hosts] [items]`

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use cpu_time::ProcessTime;
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
use veille::data::DataDir;
use veille::pipeline::Pipeline;
use veille::scheduler::{Frontier, Record, SourceList, RELOAD_INTERVAL};
use veille_crawler::{Config, Crawler};
use veille_store::{Candidate, NewItem, Outcome, SourceOutcome, Store};

/// Cron expressions the sources cycle through (5- and 6-field forms);
/// `{m}` is replaced by a minute that varies with the source.
const SCHEDULES: [&str; 10] = [
    "{m} */6 * * *",
    "{m} * * * *",
    "{m} 8,20 * * *",
    "{m} 6 * * 1-5",
    "{m} 2 * * 0",
    "0 {m} */6 * * *",
    "{m} 12 1 * *",
    "{m} 9-17 * * 1-5",
    "{m} 3 * * 6",
    "{m} */2 * * *",
];

fn sources_toml(sources: usize, hosts: usize, changed: Option<usize>) -> String {
    let mut text = String::from(
        "[crawler]\nuser_agent = \"veille-bench/0.1 (+http://127.0.0.1/contact)\"\n\
         allow_private_networks = true\n\n",
    );
    for i in 0..sources {
        let schedule =
            SCHEDULES[i % SCHEDULES.len()].replace("{m}", &((i * 7 + i / 10) % 60).to_string());
        let host = i % hosts;
        let name = if changed == Some(i) {
            format!("Source {i} (renamed)")
        } else {
            format!("Source {i}")
        };
        text.push_str(&format!(
            "[[source]]\nid = \"source-{i:05}\"\nname = \"{name}\"\n\
             url = \"http://ess-{host:04}.veille-bench.test:9/feed-{i}.xml\"\nkind = \"feed\"\n\
             schedule = \"{schedule}\"\ncountry = \"FR\"\nlanguages = [\"fr\"]\n\n"
        ));
    }
    text
}

/// Every allocation counted, so that the heap in use can be read.
#[global_allocator]
static HEAP: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// The bytes allocated and not freed yet.
fn heap_bytes() -> i64 {
    let s = HEAP.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64 + s.bytes_reallocated as i64
}

/// The process's resident memory now and at its peak, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Records a fetch of every source now, as a store that has run them has.
fn record_fetched(store: &Store, sources: usize) {
    for i in 0..sources {
        store
            .record_source_outcome(&SourceOutcome {
                source_id: format!("source-{i:05}"),
                at: Utc::now(),
                outcome: if i % 50 == 0 {
                    Outcome::Failed
                } else {
                    Outcome::NotModified
                },
                error: (i % 50 == 0).then(|| "connection refused".to_string()),
            })
            .expect("record a fetch");
    }
}

fn passes(sources: usize, hosts: usize) {
    let config = veille_crawler::parse(&sources_toml(sources, hosts, None), "sources.toml")
        .expect("valid sources.toml");
    let changed = veille_crawler::parse(
        &sources_toml(sources, hosts, Some(sources / 2)),
        "sources.toml",
    )
    .expect("valid sources.toml");
    // Every source fetched an hour ago, one in 50 failing twice in a row.
    let start = Utc::now();
    let records: HashMap<String, Record> = (0..sources)
        .map(|i| {
            (
                format!("source-{i:05}"),
                Record {
                    last_fetch: Some(start - chrono::Duration::hours(1)),
                    failures: if i % 50 == 0 { 2 } else { 0 },
                },
            )
        })
        .collect();
    let settings = &config.crawler;
    let heap_before = heap_bytes();
    let mut frontier = Frontier::new(settings.failure_backoff_base, settings.failure_backoff_cap);
    let cpu = ProcessTime::now();
    frontier.apply(&config, &records, start);
    let first = cpu.elapsed();
    let heap = heap_bytes() - heap_before;
    println!(
        "pass: {} sources' first due time (Frontier::apply on an empty frontier): {}; the frontier's heap {} KiB ({} bytes a source, its copy of the source included)",
        frontier.len(),
        ms(first),
        heap / 1024,
        heap / sources as i64
    );
    let cpu = ProcessTime::now();
    let applied = frontier.apply(&changed, &records, start);
    println!(
        "pass: a reloaded list applied ({} scheduled, {} unscheduled): {}",
        applied.scheduled,
        applied.unscheduled,
        ms(cpu.elapsed())
    );

    // The worst pass: every source due at once (never fetched, or all
    // overdue after a long stop), each taken and queued again.
    let mut fresh = Frontier::new(settings.failure_backoff_base, settings.failure_backoff_cap);
    fresh.apply(&config, &HashMap::new(), start);
    let cpu = ProcessTime::now();
    let mut taken = 0;
    while let Some((ticket, _)) = fresh.pop_due(start) {
        fresh.finished(ticket, Outcome::NotModified, start);
        taken += 1;
    }
    println!(
        "pass: every source due at once, {taken} taken and queued again: {}",
        ms(cpu.elapsed())
    );
    drop(fresh);

    // A day: at each due time, every source due taken and queued again.
    let end = start + chrono::Duration::days(1);
    let (mut passes, mut runs, mut busiest, mut slowest) = (0u32, 0usize, 0usize, Duration::ZERO);
    let mut total = Duration::ZERO;
    let mut slowest_runs = 0;
    while let Some(now) = frontier.next_wake() {
        if now > end {
            break;
        }
        let cpu = ProcessTime::now();
        let mut taken = 0;
        while let Some((ticket, _)) = frontier.pop_due(now) {
            frontier.finished(ticket, Outcome::NotModified, now);
            taken += 1;
        }
        let spent = cpu.elapsed();
        passes += 1;
        runs += taken;
        total += spent;
        busiest = busiest.max(taken);
        if spent > slowest {
            slowest = spent;
            slowest_runs = taken;
        }
    }
    println!(
        "pass: a simulated day, {passes} passes, {runs} runs: slowest pass {} ({slowest_runs} sources due), busiest {busiest} sources due, mean {}; queue {} entries for {} sources",
        ms(slowest),
        ms(total / passes.max(1)),
        frontier.queued(),
        frontier.len()
    );
}

fn store_reads(dir: &Path, sources: usize, items: usize) {
    let store = Store::open(&dir.join("big.db")).expect("open the store");
    let started = Instant::now();
    record_fetched(&store, sources);
    let batch = 2_000;
    for start in (0..items).step_by(batch) {
        let news: Vec<NewItem> = (start..(start + batch).min(items))
            .map(|n| NewItem {
                url: format!("http://127.0.0.1/item-{n}"),
                source_id: format!("source-{:05}", n % sources),
                title: format!("Item {n}"),
                text: format!("Une coopérative d'habitants, article {n}"),
                author: None,
                published: None,
                lang: Some("fr".into()),
                lang_confidence: 0.9,
                country: Some("FR".into()),
                candidate: Candidate::default(),
                fingerprint: None,
            })
            .collect();
        store.upsert_items(&news).expect("store items");
    }
    println!(
        "store: {sources} sources fetched, {items} items, built in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let cpu = ProcessTime::now();
    let all = store.source_health().expect("source health");
    println!(
        "start: every source's health and item count (Store::source_health, {} rows): {}",
        all.len(),
        ms(cpu.elapsed())
    );
    let cpu = ProcessTime::now();
    let fetches = store.source_fetches().expect("source fetches");
    println!(
        "start: every source's last fetch and failures (Store::source_fetches, {} rows): {}",
        fetches.len(),
        ms(cpu.elapsed())
    );
    // One source's record, as each source's start reads it; stopped after
    // 10 s of CPU if it is slow, and the rest extrapolated.
    let cpu = ProcessTime::now();
    let mut done = 0;
    for i in 0..sources {
        let h = store
            .source_health_of(&format!("source-{i:05}"))
            .expect("one source's health");
        assert!(h.is_some());
        done += 1;
        if cpu.elapsed() > Duration::from_secs(10) {
            break;
        }
    }
    let spent = cpu.elapsed();
    let each = spent / done as u32;
    println!(
        "start: one source's record (Store::source_health_of) × {done}: {} ({} each; × {sources}: {:.2} s)",
        ms(spent),
        ms(each),
        (each * sources as u32).as_secs_f64()
    );
}

async fn live_scheduler(dir: &Path, sources: usize, hosts: usize) {
    let data = DataDir::new(&dir.join("live"));
    let store = data.open_store().expect("store");
    record_fetched(&store, sources);
    let index = data.open_index(&store).expect("index");
    let path = dir.join("sources.toml");
    std::fs::write(&path, sources_toml(sources, hosts, None)).expect("write sources.toml");
    let config: Config = veille_crawler::load(&path).expect("valid sources.toml");
    let mut settings = config.crawler.clone();
    settings.resolve_overrides = (0..hosts)
        .map(|h| {
            (
                format!("ess-{h:04}.veille-bench.test"),
                std::net::Ipv4Addr::LOCALHOST.into(),
            )
        })
        .collect();
    let crawler = Crawler::new(&settings, store.clone()).expect("crawler");
    let pipeline = Pipeline {
        store: store.clone(),
        index: Some(index),
        crawler,
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let list = SourceList {
        path: path.clone(),
        initial: config,
        on_reload: Box::new(|_| {}),
    };

    let (rss_before, _) = memory_kib();
    let heap_before = heap_bytes();
    let cpu = ProcessTime::now();
    let scheduler = tokio::spawn(veille::scheduler::run(pipeline, list, None, stop_rx));
    tokio::time::sleep(Duration::from_secs(5)).await;
    let start_cpu = cpu.elapsed();
    let (rss_after, _) = memory_kib();
    let heap = heap_bytes() - heap_before;
    println!(
        "scheduler: {sources} sources scheduled: {} of CPU in its first 5 s; resident memory {} → {} KiB (+{} KiB, {:.0} bytes a source); heap +{} KiB ({} bytes a source)",
        ms(start_cpu),
        rss_before,
        rss_after,
        rss_after.saturating_sub(rss_before),
        rss_after.saturating_sub(rss_before) as f64 * 1024.0 / sources as f64,
        heap / 1024,
        heap / sources as i64
    );

    let cpu = ProcessTime::now();
    let minute_start = Utc::now();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let spent = cpu.elapsed();
    let ran = store
        .source_fetches()
        .expect("source fetches")
        .iter()
        .filter(|(_, at, _)| at.is_some_and(|at| at >= minute_start))
        .count();
    println!(
        "scheduler: a minute, {ran} sources due in it crawled (each refused at once): {}",
        ms(spent)
    );

    // Another modification time than the first write's.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    std::fs::write(&path, sources_toml(sources, hosts, Some(sources / 2)))
        .expect("rewrite sources.toml");
    let cpu = ProcessTime::now();
    tokio::time::sleep(RELOAD_INTERVAL * 2 + Duration::from_secs(1)).await;
    println!(
        "scheduler: a reload with one source changed (and {} s of idling): {}",
        (RELOAD_INTERVAL * 2 + Duration::from_secs(1)).as_secs(),
        ms(cpu.elapsed())
    );

    let cpu = ProcessTime::now();
    let wall = Instant::now();
    stop_tx.send(true).expect("stop");
    scheduler
        .await
        .expect("the scheduler's task")
        .expect("the scheduler");
    println!(
        "scheduler: stopped in {} ({} of CPU)",
        ms(wall.elapsed()),
        ms(cpu.elapsed())
    );
    let (rss, peak) = memory_kib();
    println!("process: resident {rss} KiB, peak {peak} KiB");
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let sources = args.next().and_then(Result::ok).unwrap_or(10_000);
    let hosts = args.next().and_then(Result::ok).unwrap_or(2_000);
    let items = args.next().and_then(Result::ok).unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("temporary directory");

    let text = sources_toml(sources, hosts, None);
    let cpu = ProcessTime::now();
    let config = veille_crawler::parse(&text, "sources.toml").expect("valid sources.toml");
    println!(
        "config: {} sources over {hosts} hosts ({} KiB of TOML) read and validated in {}",
        config.sources.len(),
        text.len() / 1024,
        ms(cpu.elapsed())
    );

    passes(sources, hosts);
    store_reads(dir.path(), sources, items);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(live_scheduler(dir.path(), sources, hosts));
}
