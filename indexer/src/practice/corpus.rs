//! The labelled corpus the shipped model is trained on
//! (`indexer/data/corpus/<lang>.jsonl`, compiled in; see its README).
//!
//! One JSON object a line: the text's `url`, `lang`, `label`
//! (`practice`, `sse_not_practice` or `unrelated`), `kind` (its genre),
//! `themes`, `places`, `note`, and `features`: the featurization's
//! `fingerprint`, the hashed n-grams (`grams`, see [`encode_grams`]) and
//! the named features. The texts themselves are not committed (most are
//! not ours to redistribute); their URLs are, to read them again when the
//! features change.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::features::{TextFeatures, GRAM_BITS};

/// The corpus files, by language.
const FILES: &[(&str, &str)] = &[
    ("en", include_str!("../../data/corpus/en.jsonl")),
    ("fr", include_str!("../../data/corpus/fr.jsonl")),
    ("es", include_str!("../../data/corpus/es.jsonl")),
    ("ca", include_str!("../../data/corpus/ca.jsonl")),
    ("eu", include_str!("../../data/corpus/eu.jsonl")),
    ("pt", include_str!("../../data/corpus/pt.jsonl")),
    ("it", include_str!("../../data/corpus/it.jsonl")),
    ("de", include_str!("../../data/corpus/de.jsonl")),
    ("ko", include_str!("../../data/corpus/ko.jsonl")),
];

/// The three labels of `LABELLING.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Practice,
    SseNotPractice,
    Unrelated,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Practice => "practice",
            Label::SseNotPractice => "sse_not_practice",
            Label::Unrelated => "unrelated",
        }
    }

    pub fn is_practice(self) -> bool {
        self == Label::Practice
    }
}

/// One labelled text of the corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub url: String,
    pub lang: String,
    pub label: Label,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub places: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// A second labeller's label, given without seeing `label`, where one
    /// was asked (the corpus README has the agreement). `label` is the one
    /// trained on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_label: Option<Label>,
    pub features: StoredFeatures,
}

/// [`TextFeatures`] as the corpus stores them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFeatures {
    /// [`super::features::fingerprint`] of the featurization.
    pub fingerprint: String,
    /// [`encode_grams`].
    pub grams: String,
    pub named: BTreeMap<String, f32>,
}

impl StoredFeatures {
    pub fn new(f: &TextFeatures) -> StoredFeatures {
        StoredFeatures {
            fingerprint: super::features::fingerprint().to_string(),
            grams: encode_grams(&f.grams),
            named: f.named.clone(),
        }
    }

    pub fn decode(&self) -> Result<TextFeatures, String> {
        Ok(TextFeatures {
            grams: decode_grams(&self.grams)?,
            named: self.named.clone(),
        })
    }
}

/// The shipped corpus, parsed; a bad line is an error naming it.
pub fn shipped() -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    for (lang, text) in FILES {
        out.extend(parse(text, &format!("corpus/{lang}.jsonl"))?);
    }
    Ok(out)
}

/// Parses corpus lines; `name` names the file in errors.
pub fn parse(text: &str, name: &str) -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line).map_err(|e| format!("{name}:{}: {e}", i + 1))?;
        out.push(r);
    }
    Ok(out)
}

/// Sorted `(hash, count)` pairs as base64 of LEB128 varints: the gap from
/// the previous hash, then the count.
pub fn encode_grams(grams: &[(u32, u32)]) -> String {
    let mut bytes = Vec::with_capacity(grams.len() * 4);
    let mut last = 0u32;
    for &(h, c) in grams {
        varint(&mut bytes, h - last);
        varint(&mut bytes, c);
        last = h;
    }
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

fn varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The inverse of [`encode_grams`].
pub fn decode_grams(s: &str) -> Result<Vec<(u32, u32)>, String> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s)
        .map_err(|e| format!("grams are not base64: {e}"))?;
    let mut it = bytes.into_iter();
    let mut next = || -> Result<Option<u32>, String> {
        let mut v: u32 = 0;
        for shift in (0..35).step_by(7) {
            let Some(b) = it.next() else {
                return if shift == 0 {
                    Ok(None)
                } else {
                    Err("grams end inside a number".into())
                };
            };
            v |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(Some(v));
            }
        }
        Err("grams hold a number too long".into())
    };
    let mut out = Vec::new();
    let mut last = 0u32;
    while let Some(gap) = next()? {
        let count = next()?.ok_or("grams end after a hash, without its count")?;
        last = last
            .checked_add(gap)
            .filter(|h| *h < 1 << GRAM_BITS)
            .ok_or("a gram hash is out of range")?;
        out.push((last, count));
    }
    Ok(out)
}
