//! Near-duplicate groups. Each item's simhash is split into seven bands (of
//! 10 and 9 bits); two fingerprints within [`MAX_DUPLICATE_DISTANCE`] (6)
//! bits share at least one band (pigeonhole), so the candidates for a new
//! item are the items sharing a band, and its group is the group of the
//! earliest of them within the distance (every member carries its group's
//! id). A review made on a group applies to every member, including members
//! that join later.
//!
//! The bands are held in memory ([`Fingerprints`], per process): every
//! candidate is compared, however many items share a band's value. The store
//! stays the truth: [`catch_up`] brings the memory up to date with what any
//! process wrote, and the candidate chosen is checked against its stored
//! row before its group is taken.

use crate::db::{params, Db};
use crate::fingerprints::Fingerprints;
use crate::Result;

/// The largest Hamming distance between two fingerprints of near-duplicates.
/// Simhash flips about 4 of 64 bits when 2% of a text's shingles change, so
/// 3 (the figure for long web pages) would miss a short press release with a
/// typo fixed; two unrelated texts differ in about 32 bits, and 6 or fewer
/// happens to fewer than one pair in 10^10.
pub const MAX_DUPLICATE_DISTANCE: u32 = 6;

/// Bit widths of the bands: `MAX_DUPLICATE_DISTANCE + 1` of them, covering 64 bits.
const BAND_BITS: [u32; 7] = [10, 9, 9, 9, 9, 9, 9];

/// The values a band can take (the widest band's).
pub(crate) const BAND_VALUES: usize = 1 << 10;

/// Each band of `fingerprint` with its value.
pub(crate) fn bands(fingerprint: u64) -> [(usize, usize); 7] {
    let mut shift = 0;
    std::array::from_fn(|b| {
        let bits = BAND_BITS[b];
        let value = (fingerprint >> shift) & ((1u64 << bits) - 1);
        shift += bits;
        (b, value as usize)
    })
}

/// Brings `memory` up to date with the store: the items changed after the
/// sequence it reflects (every item, the first time), as they now stand.
/// Called inside a write transaction that holds the writer, so nothing
/// changes between this and the transaction's end; the covering index
/// `items_change_seq` answers it without reading the items' rows.
pub(crate) fn catch_up(db: Db<'_>, memory: &mut Fingerprints) -> Result<()> {
    // A counter behind the memory is another database's (a restored
    // backup): everything is read again.
    let counter: i64 = db.value("SELECT seq FROM change_counter", params![])?;
    if counter < memory.seq {
        *memory = Fingerprints::default();
    } else if counter == memory.seq {
        return Ok(());
    }
    let first = !memory.loaded();
    let started = std::time::Instant::now();
    db.for_each(
        "SELECT id, fingerprint FROM items WHERE change_seq > ?1 ORDER BY change_seq",
        params![memory.seq],
        |row| {
            let fp: Option<i64> = row.get(1)?;
            memory.set(&row.get::<String>(0)?, fp.map(|f| f as u64));
            Ok(())
        },
    )?;
    if first {
        memory.trim();
        tracing::info!(
            items = memory.len(),
            bytes = memory.heap_bytes(),
            ms = started.elapsed().as_millis() as u64,
            "the duplicate lookups' fingerprints are loaded"
        );
    }
    Ok(())
}

/// The group a new item with fingerprint `fp` joins: the group of the
/// earliest item in memory within [`MAX_DUPLICATE_DISTANCE`] whose stored
/// fingerprint still is (a primary-key lookup each), if any.
pub(crate) fn group_of(db: Db<'_>, memory: &Fingerprints, fp: u64) -> Result<Option<String>> {
    for slot in memory.candidates(fp) {
        let row = db.query_opt(
            "SELECT fingerprint, coalesce(group_id, id) FROM items WHERE id = ?1",
            params![memory.id(slot)],
        )?;
        let Some(row) = row else { continue };
        if let Some(stored) = row.get::<Option<i64>>(0)? {
            if (stored as u64 ^ fp).count_ones() <= MAX_DUPLICATE_DISTANCE {
                return Ok(Some(row.get(1)?));
            }
        }
    }
    Ok(None)
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
