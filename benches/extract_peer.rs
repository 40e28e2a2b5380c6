//! The Rust peer of the extraction benchmark (`benches/extract_compare.sh`):
//! dom_smoothie, a port of Readability.js, over the pages of a manifest
//! (`path<TAB>url` per line), one JSON line per page with its text, title,
//! byline and date; the time spent in extraction alone goes to stderr.
//!
//! Built by the script outside the workspace (its own Cargo.toml in a
//! temporary folder), so dom_smoothie never becomes a dependency of veille.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

fn main() {
    let manifest = std::env::args()
        .nth(1)
        .expect("usage: extract-peer MANIFEST");
    let file = std::fs::File::open(&manifest).expect("cannot read the manifest");
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut spent = Duration::ZERO;
    let mut pages = 0;
    for line in std::io::BufReader::new(file).lines() {
        let line = line.expect("cannot read the manifest");
        let (path, url) = line.split_once('\t').unwrap_or((line.as_str(), ""));
        let bytes = std::fs::read(path).expect("cannot read a page");
        let html = String::from_utf8_lossy(&bytes);
        let url = Some(url).filter(|u| !u.is_empty());
        let start = Instant::now();
        let article = dom_smoothie::Readability::new(html.as_ref(), url, None)
            .ok()
            .and_then(|mut r| r.parse().ok());
        spent += start.elapsed();
        pages += 1;
        let value = match article {
            Some(a) => serde_json::json!({
                "input": path,
                "title": a.title,
                "text": a.text_content.to_string(),
                "author": a.byline,
                "published": a.published_time,
                "lang": a.lang,
            }),
            None => serde_json::json!({ "input": path, "text": "" }),
        };
        serde_json::to_writer(&mut out, &value).expect("cannot write");
        writeln!(out).expect("cannot write");
    }
    out.flush().expect("cannot write");
    eprintln!(
        "extraction_seconds {:.6} pages {pages}",
        spent.as_secs_f64()
    );
}
