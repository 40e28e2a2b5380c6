//! A kit as a ZIP of its records: `kit.json` (the kit, its practices'
//! ids in order with their notes), `practices.jsonld` (the records as one
//! JSON-LD graph, as `GET /api/practices?format=jsonld` gives them) and
//! `practices.csv` (as `?format=csv`), the records in the kit's order.

use std::io::{Cursor, Write};

use serde_json::json;
use veille_store::{Kit, KitEntry, Practice};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::practices::{csv_document, ld_graph};

/// The members of the ZIP, in order.
pub const MEMBERS: [&str; 3] = ["kit.json", "practices.jsonld", "practices.csv"];

/// The ZIP of `kit` with `practices` (those the reader may see, in the
/// kit's order); JSON-LD ids under `base`.
pub fn render(
    kit: &Kit,
    practices: &[(KitEntry, Practice)],
    base: &str,
) -> Result<Vec<u8>, String> {
    let records: Vec<Practice> = practices.iter().map(|(_, p)| p.clone()).collect();
    // The kit as the reader may see it: only the practices in the ZIP.
    let mut shown = kit.clone();
    shown.kit.practices = practices.iter().map(|(e, _)| e.clone()).collect();
    let kit_json = serde_json::to_string_pretty(&json!({
        "kit": shown,
        "url": format!("{base}/api/kits/{}", kit.id),
    }))
    .map_err(|e| e.to_string())?;
    let ld = serde_json::to_string_pretty(&ld_graph(&records, base)).map_err(|e| e.to_string())?;
    let csv = csv_document(&records);

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, body) in MEMBERS.into_iter().zip([kit_json, ld, csv]) {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(body.as_bytes()).map_err(|e| e.to_string())?;
    }
    let done = zip.finish().map_err(|e| e.to_string())?;
    Ok(done.into_inner())
}
