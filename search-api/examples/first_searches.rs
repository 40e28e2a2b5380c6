//! Times the searches of `benches/search.lua` asked the first time, in
//! process: each round opens the index afresh (so no search is answered
//! from the counts' cache), reads its counts' tables, then asks each search
//! once and once again. What `benches/scale.sh` measures over HTTP, without
//! the server and the client, to compare changes to the search itself.
//! With `REPEAT=n`, each search is then asked `n` more times on one open
//! index, its counts forgotten before each, and the median is printed: a
//! steadier figure per search, and a loop to profile. With `PAUSE_MS=n`,
//! each search (first-time or repeated) waits n ms before it is asked, as
//! on a quiet server between requests.
//!
//! ```sh
//! cargo run --release -p veille-search-api --example first_searches -- DATA/index [ROUNDS] [benches/search.lua]
//! ```

use std::time::Instant;

use veille_indexer::index::Index;
use veille_indexer::search::SearchRequest;
use veille_search_api::parse_search_params;

/// The allocator `veille` runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: first_searches INDEX_DIR [ROUNDS] [SEARCH_LUA]")?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let lua = args
        .next()
        .unwrap_or_else(|| "benches/search.lua".to_string());
    let paths: Vec<String> = std::fs::read_to_string(&lua)?
        .lines()
        .filter_map(|line| {
            let start = line.find("\"/api/search")? + 1;
            let end = start + line[start..].find('"')?;
            Some(line[start..end].to_string())
        })
        .collect();
    let requests = paths
        .iter()
        .map(|path| request(path))
        .collect::<Result<Vec<_>, _>>()?;
    // PAUSE_MS=n: a pause before each first-time search, as a quiet
    // server waits between requests (its processor idles, other processes
    // run).
    let pause = std::env::var("PAUSE_MS")
        .ok()
        .map(|ms| ms.parse().map(std::time::Duration::from_millis))
        .transpose()?;
    let wait = || pause.map_or((), std::thread::sleep);
    let mut firsts: Vec<Vec<f64>> = vec![Vec::new(); requests.len()];
    let mut agains: Vec<f64> = Vec::new();
    for round in 0..rounds {
        let index = Index::open_read_only(std::path::Path::new(&dir))?;
        index.prepare_searches()?;
        for (i, req) in requests.iter().enumerate() {
            wait();
            let started = Instant::now();
            let results = index.search(req)?;
            firsts[i].push(started.elapsed().as_secs_f64() * 1e3);
            let started = Instant::now();
            index.search(req)?;
            agains.push(started.elapsed().as_secs_f64() * 1e3);
            if round == 0 {
                eprintln!("{:>9} matches  {}", results.total_items, paths[i]);
            }
        }
    }
    for (i, times) in firsts.iter().enumerate() {
        let shown: Vec<String> = times.iter().map(|t| format!("{t:6.1}")).collect();
        println!("{} ms  {}", shown.join(" "), paths[i]);
    }
    for round in 0..rounds {
        let mut times: Vec<f64> = firsts.iter().map(|t| t[round]).collect();
        let total: f64 = times.iter().sum();
        println!(
            "round {}: first-time p50 {:.1} ms, all {:.0} ms",
            round + 1,
            median(&mut times),
            total
        );
    }
    println!("asked again: p50 {:.1} ms", median(&mut agains));
    let repeat: usize = std::env::var("REPEAT").map_or(Ok(0), |r| r.parse())?;
    if repeat > 0 {
        let index = Index::open_read_only(std::path::Path::new(&dir))?;
        index.prepare_searches()?;
        let mut medians = Vec::new();
        for (i, req) in requests.iter().enumerate() {
            let mut times = Vec::new();
            for _ in 0..repeat {
                index.forget_searches();
                wait();
                let started = Instant::now();
                index.search(req)?;
                times.push(started.elapsed().as_secs_f64() * 1e3);
            }
            let median = median(&mut times);
            println!("{median:6.1} ms median of {repeat}  {}", paths[i]);
            medians.push(median);
        }
        println!(
            "repeated: p50 of the medians {:.1} ms",
            median(&mut medians)
        );
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// A `/api/search?…` path as the search request the API makes of it.
fn request(path: &str) -> Result<SearchRequest, String> {
    let query = path.split_once('?').map_or("", |(_, q)| q);
    parse_search_params(query).map_err(|e| format!("{path}: {e}"))
}
