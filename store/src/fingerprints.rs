//! Every stored item's fingerprint, in memory, bucketed by the seven bands
//! of `dedup.rs`: the candidates for a new item's near-duplicates are the
//! items of its seven buckets, all of them (a bucket holds about 2,000 items
//! at a million), compared by XOR and popcount.
//!
//! Compact, for a million items and more: per slot the fingerprint (8
//! bytes) and the id (16 bytes: [`crate::item_id`]'s 32 hex digits as
//! bytes), each bucket a list of 4-byte slots, and an open-addressing table
//! from id to slot (4 bytes a place, at most three quarters full): about 65
//! bytes an item. Slots are never freed: an item whose fingerprint goes
//! away leaves its buckets and keeps its slot, which it takes again if it
//! gets one back.
//!
//! The store stays the truth: this is a cache of the `items` table that
//! [`crate::Store::upsert_items`] brings up to date (see `dedup.rs`).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::dedup::{bands, BAND_VALUES, MAX_DUPLICATE_DISTANCE};

/// No slot, in [`Fingerprints::table`].
const EMPTY: u32 = u32::MAX;

pub(crate) struct Fingerprints {
    /// The change sequence the memory reflects: every change up to it is in
    /// it (`i64::MIN`: nothing loaded yet).
    pub(crate) seq: i64,
    /// Slot → fingerprint (meaningful where `live`).
    fingerprints: Vec<u64>,
    /// Slot → the item's id as 16 bytes (see [`key`]).
    keys: Vec<[u8; 16]>,
    /// One bit a slot: its fingerprint is in its buckets.
    live: Vec<u64>,
    /// The ids that are not 32 lowercase hex digits, by slot (their key
    /// is a digest, which cannot be turned back into the id).
    others: HashMap<u32, String>,
    /// Band `b`'s value `v` at `b * BAND_VALUES + v`: the slots holding it.
    buckets: Vec<Vec<u32>>,
    /// Id → slot, by linear probing from the key's first 8 bytes (already
    /// uniform: a hash's bytes); a power of two long.
    table: Vec<u32>,
}

impl Default for Fingerprints {
    fn default() -> Fingerprints {
        Fingerprints {
            seq: i64::MIN,
            fingerprints: Vec::new(),
            keys: Vec::new(),
            live: Vec::new(),
            others: HashMap::new(),
            buckets: vec![Vec::new(); 7 * BAND_VALUES],
            table: vec![EMPTY; 1024],
        }
    }
}

/// An item id as 16 bytes: its 32 lowercase hex digits decoded, or for
/// any other form, the first 16 bytes of its SHA-256 (with a prefix no hex
/// id shares); and whether it was hex.
fn key(id: &str) -> ([u8; 16], bool) {
    let b = id.as_bytes();
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if b.len() == 32 {
        let mut out = [0u8; 16];
        let decoded = (0..16).all(|i| match (digit(b[2 * i]), digit(b[2 * i + 1])) {
            (Some(h), Some(l)) => {
                out[i] = h << 4 | l;
                true
            }
            _ => false,
        });
        if decoded {
            return (out, true);
        }
    }
    let digest = Sha256::digest([b"other id\0", b].concat());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    (out, false)
}

fn hash(key: &[u8; 16]) -> usize {
    u64::from_le_bytes(key[..8].try_into().expect("8 bytes")) as usize
}

impl Fingerprints {
    /// Whether anything was loaded (a first catch-up reads every item).
    pub(crate) fn loaded(&self) -> bool {
        self.seq != i64::MIN
    }

    /// How many items hold a fingerprint here.
    pub(crate) fn len(&self) -> usize {
        self.live.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The bytes this memory takes (what its vectors and maps reserved).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.fingerprints.capacity() * 8
            + self.keys.capacity() * 16
            + self.live.capacity() * 8
            + self.table.capacity() * 4
            + self.buckets.capacity() * std::mem::size_of::<Vec<u32>>()
            + self.buckets.iter().map(|b| b.capacity() * 4).sum::<usize>()
            + self
                .others
                .values()
                .map(|s| s.capacity() + 32)
                .sum::<usize>()
    }

    fn slot_of(&self, key: &[u8; 16]) -> Option<u32> {
        let mask = self.table.len() - 1;
        let mut at = hash(key) & mask;
        loop {
            match self.table[at] {
                EMPTY => return None,
                slot if self.keys[slot as usize] == *key => return Some(slot),
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn place(table: &mut [u32], key: &[u8; 16], slot: u32) {
        let mask = table.len() - 1;
        let mut at = hash(key) & mask;
        while table[at] != EMPTY {
            at = (at + 1) & mask;
        }
        table[at] = slot;
    }

    /// A new slot for `id`.
    fn add(&mut self, id: &str, key: [u8; 16], hex: bool) -> u32 {
        let slot = self.keys.len() as u32;
        if (self.keys.len() + 1) * 4 > self.table.len() * 3 {
            let mut table = vec![EMPTY; self.table.len() * 2];
            for (s, k) in self.keys.iter().enumerate() {
                Fingerprints::place(&mut table, k, s as u32);
            }
            self.table = table;
        }
        Fingerprints::place(&mut self.table, &key, slot);
        self.keys.push(key);
        self.fingerprints.push(0);
        if self.live.len() * 64 <= slot as usize {
            self.live.push(0);
        }
        if !hex {
            self.others.insert(slot, id.to_string());
        }
        slot
    }

    fn is_live(&self, slot: u32) -> bool {
        self.live[slot as usize / 64] & (1 << (slot % 64)) != 0
    }

    /// Records that item `id` now has this fingerprint (or none).
    pub(crate) fn set(&mut self, id: &str, fingerprint: Option<u64>) {
        let (key, hex) = key(id);
        let slot = match (self.slot_of(&key), fingerprint) {
            (Some(slot), _) => slot,
            (None, None) => return,
            (None, Some(_)) => self.add(id, key, hex),
        };
        let i = slot as usize;
        if self.is_live(slot) {
            if Some(self.fingerprints[i]) == fingerprint {
                return;
            }
            for (band, value) in bands(self.fingerprints[i]) {
                let bucket = &mut self.buckets[band * BAND_VALUES + value];
                if let Some(at) = bucket.iter().position(|&s| s == slot) {
                    bucket.swap_remove(at);
                }
            }
            self.live[i / 64] &= !(1 << (i % 64));
        }
        if let Some(fp) = fingerprint {
            self.fingerprints[i] = fp;
            for (band, value) in bands(fp) {
                self.buckets[band * BAND_VALUES + value].push(slot);
            }
            self.live[i / 64] |= 1 << (i % 64);
        }
    }

    /// Gives back what a load reserved beyond what it holds, but for a
    /// sixteenth to grow into.
    pub(crate) fn trim(&mut self) {
        let room = |n: usize| n + n / 16;
        for bucket in &mut self.buckets {
            bucket.shrink_to(room(bucket.len()));
        }
        self.fingerprints.shrink_to(room(self.fingerprints.len()));
        self.keys.shrink_to(room(self.keys.len()));
    }

    /// The slots whose fingerprint is within [`MAX_DUPLICATE_DISTANCE`] of
    /// `fp`, earliest first: every one of them, since two such fingerprints
    /// share at least one band.
    pub(crate) fn candidates(&self, fp: u64) -> Vec<u32> {
        let mut out = Vec::new();
        for (band, value) in bands(fp) {
            for &slot in &self.buckets[band * BAND_VALUES + value] {
                if (self.fingerprints[slot as usize] ^ fp).count_ones() <= MAX_DUPLICATE_DISTANCE {
                    out.push(slot);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The id of the item in `slot`.
    pub(crate) fn id(&self, slot: u32) -> String {
        match self.others.get(&slot) {
            Some(id) => id.clone(),
            None => key_hex(&self.keys[slot as usize]),
        }
    }
}

fn key_hex(key: &[u8; 16]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fingerprint_within_the_distance_is_found_and_moves_with_its_item() {
        let mut fps = Fingerprints::default();
        let target = 0x0123_4567_89ab_cdefu64;
        // Thousands of items sharing the target's bands' values but too far
        // from it, then the near ones (and ids of other forms).
        for i in 0..3000u64 {
            let far = target ^ (0x7f << 57) ^ (i << 20);
            fps.set(
                &crate::item_id(&format!("https://far.example.org/{i}")),
                Some(far),
            );
        }
        fps.set("not-a-hex-id", Some(target ^ 0b11));
        fps.set(
            &crate::item_id("https://near.example.org/"),
            Some(target ^ (0b111 << 40)),
        );
        let near: Vec<String> = fps
            .candidates(target)
            .into_iter()
            .map(|s| fps.id(s))
            .collect();
        assert_eq!(
            near,
            [
                "not-a-hex-id".to_string(),
                crate::item_id("https://near.example.org/")
            ]
        );
        assert_eq!(fps.len(), 3002);
        // Moved away, then gone, then back.
        fps.set("not-a-hex-id", Some(!target));
        assert_eq!(fps.candidates(target).len(), 1);
        assert_eq!(fps.candidates(!target).len(), 1);
        fps.set(&crate::item_id("https://near.example.org/"), None);
        assert!(fps.candidates(target).is_empty());
        assert_eq!(fps.len(), 3001);
        fps.set(&crate::item_id("https://near.example.org/"), Some(target));
        assert_eq!(fps.candidates(target).len(), 1);
        // An uppercase hex id is another item than its lowercase form.
        let lower = crate::item_id("https://x.example.org/");
        fps.set(&lower.to_uppercase(), Some(target));
        let ids: Vec<String> = fps
            .candidates(target)
            .into_iter()
            .map(|s| fps.id(s))
            .collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&lower.to_uppercase()));
        assert!(fps.heap_bytes() > 3000 * 24);
    }
}
