//! Replays every saved input of every fuzz target — the minimized corpus
//! (`fuzz/corpus/<target>/`) and the reproducers of fixed crashes and hangs
//! (`fuzz/regressions/<target>/`) — through the target's body, on stable
//! Rust and without any fuzzing tool.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An input slower than this in a test (debug) build fails the replay: a
/// hang fixed once must stay fixed.
const SLOW: Duration = Duration::from_secs(5);

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a corpus entry is readable").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `target`; fails naming each input that panicked or
/// was slow. Returns how many inputs ran.
fn replay(target: &str) -> usize {
    let body = veille_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, body)| *body)
        .expect("the target exists");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<PathBuf> = ["corpus", "regressions"]
        .iter()
        .flat_map(|dir| inputs(&root.join(dir).join(target)))
        .collect();
    let mut failures = Vec::new();
    for file in &files {
        let data = fs::read(file).expect("a corpus file is readable");
        let start = Instant::now();
        if catch_unwind(AssertUnwindSafe(|| body(&data))).is_err() {
            failures.push(format!("{}: panicked", file.display()));
        } else if start.elapsed() > SLOW {
            failures.push(format!("{}: took {:?}", file.display(), start.elapsed()));
        }
    }
    assert!(failures.is_empty(), "{target}:\n{}", failures.join("\n"));
    files.len()
}

#[test]
fn every_target_has_a_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (target, _) in veille_fuzz::TARGETS {
        assert!(
            !inputs(&root.join("corpus").join(target)).is_empty(),
            "fuzz/corpus/{target}/ is empty"
        );
    }
}

#[test]
fn feed() {
    replay("feed");
}

#[test]
fn extract() {
    replay("extract");
}

#[test]
fn robots() {
    replay("robots");
}

#[test]
fn config() {
    replay("config");
}

#[test]
fn opml() {
    replay("opml");
}

#[test]
fn search() {
    replay("search");
}

#[test]
fn date() {
    replay("date");
}
