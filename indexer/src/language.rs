//! Language detection, reconciled with what the page and the source declare.
//!
//! The rule:
//! - `declared` is in priority order: the page's `<html lang>` or the feed's
//!   language first, then the source's language hints from `sources.toml`.
//! - whatlang reads the title and the text (its ISO 639-3 answer is mapped
//!   to ISO 639-1).
//! - If the text is short (fewer than [`SHORT_TEXT_WORDS`] words) or
//!   whatlang's answer is not reliable, the first declared language wins if
//!   there is one, else whatlang's guess (with its low confidence).
//! - If whatlang is reliable and disagrees with the declaration, whatlang
//!   wins: declarations are often a CMS's boilerplate default. Except
//!   Latin: on the web it is placeholder text ("lorem ipsum"), so a Latin
//!   answer never overrides a declaration.
//! - With nothing declared and an unreliable (or Latin) answer on a short
//!   or unreliable text, whatlang is asked
//!   again among the network's languages ([`PORTAL_LANGUAGES`]), which is
//!   what an SSE source most likely writes in; its first answer stays if
//!   none of them fits (another script).
//! - whatlang has no Basque. A small profile of very frequent Basque
//!   function words and endings ([`basque`]) is consulted when whatlang is
//!   not reliable, when the first declared language is `eu`, and when
//!   whatlang's reliable answer is a language Basque is often taken for;
//!   it answers `eu` only when a clear share of the words are Basque
//!   markers.
//!
//! The confidence is in 0..1: whatlang's own when it decides; 0.9 × its own
//! (at least 0.5) when it agrees with the declaration on a short or
//! unreliable text; 0.4 for a declaration alone; the Basque profile's
//! strength for `eu`.

mod basque;

#[cfg(test)]
mod tests;

/// Below this many words, whatlang's answer is not trusted over a
/// declaration.
pub const SHORT_TEXT_WORDS: usize = 20;

/// At most this many bytes of text are read (enough to tell; keeps
/// detection fast on long pages).
const MAX_BYTES: usize = 4000;

/// The languages of the network's portal (Basque aside, which whatlang
/// does not know): an unreliable guess with nothing declared is taken
/// among them.
pub const PORTAL_LANGUAGES: &[&str] = &["en", "fr", "es", "ca", "pt", "it", "de", "ko"];

fn portal_detector() -> whatlang::Detector {
    use whatlang::Lang::*;
    whatlang::Detector::with_allowlist(vec![Eng, Fra, Spa, Cat, Por, Ita, Deu, Kor])
}

/// A detected language.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// ISO 639-1.
    pub lang: Option<String>,
    /// 0..1.
    pub confidence: f64,
}

/// Detects the language of `title` + `text`, with `declared` languages in
/// priority order (page or feed first, then the source's hints).
pub fn detect(text: &str, title: &str, declared: &[&str]) -> Detected {
    let declared: Vec<String> = declared.iter().filter_map(|d| normalize_code(d)).collect();
    let first_declared = declared.first().map(String::as_str);

    let mut sample = String::with_capacity(MAX_BYTES + title.len() + 1);
    sample.push_str(title);
    sample.push('\n');
    sample.push_str(truncate(text, MAX_BYTES));
    let words = sample.split_whitespace().count();

    let info = whatlang::detect(&sample);
    let guess = info.as_ref().and_then(|i| to_iso639_1(i.lang().code()));
    let reliable = info.as_ref().is_some_and(|i| i.is_reliable()) && guess.is_some();
    let wl_conf = info.as_ref().map_or(0.0, |i| i.confidence());

    let consult_basque = !reliable
        || first_declared == Some("eu")
        || guess.is_some_and(|g| basque::CONFUSED_WITH.contains(&g));
    if consult_basque {
        let strength = basque::strength(&sample);
        if strength > 0.0 {
            return Detected {
                lang: Some("eu".to_string()),
                confidence: strength,
            };
        }
    }

    if words < SHORT_TEXT_WORDS || !reliable {
        if let Some(d) = first_declared {
            let confidence = if guess == Some(d) {
                (wl_conf * 0.9).max(0.5)
            } else {
                0.4
            };
            return Detected {
                lang: Some(d.to_string()),
                confidence,
            };
        }
        let again = if !reliable || guess == Some("la") {
            portal_detector().detect(&sample)
        } else {
            None
        };
        let (guess, wl_conf) = match again {
            Some(i) => (to_iso639_1(i.lang().code()), i.confidence()),
            None => (guess, wl_conf),
        };
        return Detected {
            lang: guess.map(str::to_string),
            confidence: if guess.is_some() {
                wl_conf.min(0.5)
            } else {
                0.0
            },
        };
    }
    if guess == Some("la") {
        if let Some(d) = first_declared {
            return Detected {
                lang: Some(d.to_string()),
                confidence: 0.4,
            };
        }
    }
    Detected {
        lang: guess.map(str::to_string),
        confidence: wl_conf.clamp(0.0, 1.0),
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Normalizes a declared language tag (`fr-CA`, `en_US`, `FRA`, `baq`) to
/// ISO 639-1; `None` for what is not a language (`x-default`, `*`, `und`).
pub fn normalize_code(tag: &str) -> Option<String> {
    let primary = tag
        .trim()
        .split(['-', '_', ';', ','])
        .next()?
        .trim()
        .to_ascii_lowercase();
    if !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    match primary.len() {
        2 => Some(
            match primary.as_str() {
                "iw" => "he",
                "in" => "id",
                "ji" => "yi",
                p => p,
            }
            .to_string(),
        ),
        3 => to_iso639_1(&primary).map(str::to_string),
        _ => None,
    }
}

/// ISO 639-3 (and the 639-2/B variants) → ISO 639-1.
pub fn to_iso639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" | "zho" | "chi" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" | "fre" => "fr",
        "deu" | "ger" => "de",
        "ukr" => "uk",
        "kat" | "geo" => "ka",
        "ara" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "nno" => "nn",
        "nor" => "no",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" | "dut" => "nl",
        "hun" => "hu",
        "ces" | "cze" => "cs",
        "ell" | "gre" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" | "rum" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" | "mac" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" | "fas" | "per" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" | "bur" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" | "slo" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" | "arm" => "hy",
        "eus" | "baq" => "eu",
        "glg" => "gl",
        "msa" | "may" => "ms",
        "sqi" | "alb" => "sq",
        "isl" | "ice" => "is",
        "cym" | "wel" => "cy",
        "gle" => "ga",
        "oci" => "oc",
        "bre" => "br",
        _ => return None,
    })
}
