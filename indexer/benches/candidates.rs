//! Candidate detection speed: items per second through
//! `practice::classify_with` (lexicon, gazetteer, organizations, kinds,
//! summary, year), single-threaded, on the labelled cases and on
//! article-sized texts built from them; and the one-time cost of loading
//! the data files (first call).
//!
//! ```sh
//! cargo bench -p veille-indexer --bench candidates
//! ```

use std::time::Instant;

use veille_indexer::practice::{self, eval, Context};

const CASES: &str = include_str!("../../tests/fixtures/candidates/cases.tsv");

fn main() {
    let cases = eval::parse_cases(CASES, "cases.tsv").expect("cases.tsv parses");

    let started = Instant::now();
    let c = practice::classify("Montréal", "La coopérative de Montréal.", Some("fr"));
    let first = started.elapsed();
    assert!(!c.places.is_empty());
    println!(
        "first call (parses the lexicons and the gazetteer): {:.1} ms",
        first.as_secs_f64() * 1e3
    );

    // Short texts: the cases as they are (about 40 words each).
    let rounds = 200;
    let started = Instant::now();
    let mut candidates = 0usize;
    for _ in 0..rounds {
        for case in &cases {
            let c = practice::classify_with(
                &case.title,
                &case.text,
                &Context {
                    lang: case.lang.as_deref(),
                    country: None,
                    ..Context::default()
                },
            );
            candidates += usize::from(c.is_candidate);
        }
    }
    let n = rounds * cases.len();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "short texts: {n} classified in {secs:.2} s: {:.0} items/s ({candidates} candidates)",
        n as f64 / secs
    );

    // Article-sized texts: each case's language's cases joined (about 550
    // words, as the ingestion benchmark's entries).
    let mut articles: Vec<(String, String, String)> = Vec::new();
    for lang in ["en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"] {
        let body: Vec<&str> = cases
            .iter()
            .filter(|c| c.lang.as_deref() == Some(lang))
            .map(|c| c.text.as_str())
            .collect();
        articles.push((lang.to_string(), body[0].to_string(), body.join("\n\n")));
    }
    let words: usize = articles
        .iter()
        .map(|a| a.2.split_whitespace().count())
        .sum::<usize>()
        / articles.len();
    let rounds = 300;
    let started = Instant::now();
    for _ in 0..rounds {
        for (lang, title, text) in &articles {
            let c = practice::classify_with(
                title,
                text,
                &Context {
                    lang: Some(lang),
                    country: Some("ES"),
                    ..Context::default()
                },
            );
            std::hint::black_box(c);
        }
    }
    let n = rounds * articles.len();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "articles (~{words} words): {n} classified in {secs:.2} s: {:.0} items/s",
        n as f64 / secs
    );
    for (lang, title, text) in &articles {
        let started = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(practice::classify_with(
                title,
                text,
                &Context {
                    lang: Some(lang),
                    country: Some("ES"),
                    ..Context::default()
                },
            ));
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "  {lang}: {} words, {:.0} items/s",
            text.split_whitespace().count(),
            rounds as f64 / secs
        );
    }
}
