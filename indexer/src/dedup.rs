//! Near-duplicate fingerprints: a 64-bit simhash over word 3-shingles of the
//! text, so that the same press release on five sites (with different menus
//! cut away, a changed date line, a typo fixed) gets fingerprints a few bits
//! apart. The store groups items whose fingerprints are within
//! `veille_store::MAX_DUPLICATE_DISTANCE` bits.

/// Texts shorter than this many words get no fingerprint: too little text
/// to tell a copy from a coincidence.
pub const MIN_WORDS: usize = 25;

/// The simhash of `text`, or `None` when it is too short.
pub fn fingerprint(text: &str) -> Option<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut weights = [0i32; 64];
    for shingle in words.windows(3) {
        let mut h = FNV_OFFSET;
        for word in shingle {
            h = fnv1a(h, word.as_bytes());
            h = fnv1a(h, b" ");
        }
        let h = mix(h);
        for (bit, weight) in weights.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *weight += 1;
            } else {
                *weight -= 1;
            }
        }
    }
    Some(
        weights
            .iter()
            .enumerate()
            .filter(|(_, w)| **w > 0)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
    )
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A finalizer (from SplitMix64) so that every output bit depends on every
/// input bit: FNV alone leaves the high bits poorly mixed.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests;
