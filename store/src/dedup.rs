//! Near-duplicate groups. Each item's simhash is split into seven bands (of
//! 10 and 9 bits); two fingerprints within [`MAX_DUPLICATE_DISTANCE`] (6)
//! bits share at least one band (pigeonhole), so the candidates for a new item are the items sharing a
//! band, and its group is the group of the first of them within the
//! distance (every member carries its group's id). A review made on a group applies to every member, including
//! members that join later.

use std::sync::LazyLock;

use crate::db::{params, Db};
use crate::Result;

/// The largest Hamming distance between two fingerprints of near-duplicates.
/// Simhash flips about 4 of 64 bits when 2% of a text's shingles change, so
/// 3 (the figure for long web pages) would miss a short press release with a
/// typo fixed; two unrelated texts differ in about 32 bits, and 6 or fewer
/// happens to fewer than one pair in 10^10.
pub const MAX_DUPLICATE_DISTANCE: u32 = 6;

/// The most rows read per band when looking for a new item's duplicates.
const MAX_BAND_SCAN: i64 = 256;

/// Bit widths of the bands: `MAX_DUPLICATE_DISTANCE + 1` of them, covering 64 bits.
const BAND_BITS: [u32; 7] = [10, 9, 9, 9, 9, 9, 9];

fn bands(fingerprint: u64) -> [(i64, i64); 7] {
    let mut shift = 0;
    std::array::from_fn(|b| {
        let bits = BAND_BITS[b];
        let value = (fingerprint >> shift) & ((1u64 << bits) - 1);
        shift += bits;
        (b as i64, value as i64)
    })
}

/// Records `id`'s fingerprint bands and returns its group: the group of the
/// earliest near-duplicate already stored, else `id` itself.
pub(crate) fn assign_group(
    db: Db<'_>,
    id: &str,
    fingerprint: Option<u64>,
    first_seen: &str,
) -> Result<String> {
    db.execute(
        "DELETE FROM fingerprint_bands WHERE item_id = ?1",
        params![id],
    )?;
    let Some(fp) = fingerprint else {
        return Ok(id.to_string());
    };
    // Every member of a group carries the group's id, so the first
    // near-duplicate found names the group; each band's scan is capped, so a
    // cluster of look-alike texts (templated pages) costs a bounded amount.
    let mut found: Option<String> = None;
    for (band, value) in bands(fp) {
        found = band_duplicate(db, band, value, fp)?;
        if found.is_some() {
            break;
        }
    }
    let group = found.unwrap_or_else(|| id.to_string());
    for (band, value) in bands(fp) {
        db.execute(
            "INSERT INTO fingerprint_bands
                (band, value, item_id, fingerprint, group_id, first_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT DO NOTHING",
            params![band, value, id, fp as i64, group, first_seen],
        )?;
    }
    Ok(group)
}

/// The rows of one band's value, at most [`MAX_BAND_SCAN`]. The limit is
/// written into the statement: SQLite plans with a bound LIMIT's value, so
/// a statement whose LIMIT is a parameter is prepared again at every run.
pub(crate) static BAND_SCAN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT fingerprint, group_id FROM fingerprint_bands
         WHERE band = ?1 AND value = ?2 LIMIT {MAX_BAND_SCAN}"
    )
});

/// The group of the first item within [`MAX_DUPLICATE_DISTANCE`] of `fp`
/// among the first [`MAX_BAND_SCAN`] rows of this band's value.
fn band_duplicate(db: Db<'_>, band: i64, value: i64, fp: u64) -> Result<Option<String>> {
    let scan = BAND_SCAN.as_str();
    let close = |other: i64| (other as u64 ^ fp).count_ones() <= MAX_DUPLICATE_DISTANCE;
    match db {
        // Most new items have no near-duplicate, so every row of the band
        // is read: on SQLite each is looked at where it lies, and only the
        // match's group is copied out (the generic path below copies every
        // row's values: a fifth of the scan's time at 200,000 items).
        Db::Sqlite(conn) => {
            let mut stmt = conn.prepare_cached(scan)?;
            let mut rows = stmt.query(rusqlite::params![band, value])?;
            while let Some(row) = rows.next()? {
                if close(row.get(0)?) {
                    return Ok(Some(row.get(1)?));
                }
            }
            Ok(None)
        }
        Db::Postgres(_) => {
            for row in db.query(scan, params![band, value])? {
                if close(row.get(0)?) {
                    return Ok(Some(row.get(1)?));
                }
            }
            Ok(None)
        }
    }
}

/// Gives a new member of `group` the review its group already has, if any.
pub(crate) fn inherit_review(db: Db<'_>, id: &str, group: &str) -> Result<()> {
    // A decision is written to every member at once, so the group's first
    // item (whose id is the group's) carries it: one lookup, whatever the
    // size of the group.
    let review = db.query_opt(
        "SELECT decision, curator, note, at, reason FROM reviews WHERE item_id = ?1",
        params![group],
    )?;
    if let Some(r) = review {
        db.execute(
            "INSERT INTO reviews (item_id, decision, curator, note, at, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(item_id) DO NOTHING",
            params![
                id,
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<Option<String>>(2)?,
                r.get::<String>(3)?,
                r.get::<Option<String>>(4)?
            ],
        )?;
    }
    Ok(())
}
