//! Language detection, reconciled with what the page and the source declare.
//!
//! Two detectors, the fast one first:
//! - whatlang reads the title and up to `MAX_BYTES` of the text. On a text
//!   of at least [`LONG_TEXT_WORDS`] words whose answer is reliable and
//!   confident, and that no declaration contradicts, its answer stands;
//!   except where whatlang confuses close neighbours even at length
//!   (`NEIGHBOURS`: Danish, Bokmål and Swedish; Russian and Ukrainian;
//!   Persian, Urdu and Arabic; Indonesian and Tagalog; Czech and Polish;
//!   Dutch and German) or may be hiding Basque, which it does not know
//!   (`BASQUE_CONFUSED_WITH`, when the text has a few very frequent
//!   Basque words): there lingua chooses among those few on
//!   `NEIGHBOUR_BYTES` of the text, which costs little.
//! - Everywhere else (short texts, titles, unreliable or neighbour answers,
//!   a disagreement with the declaration) lingua decides, among the
//!   [`SUPPORTED`] languages, on the first [`LINGUA_BYTES`] of the title and
//!   text: its n-gram models (1- to 5-grams, compiled in from the model
//!   crates) are what make single sentences and word pairs right, and Basque
//!   is one of them.
//!
//! Declarations are hints, never a cage:
//! - `declared` is in priority order: the page's `<html lang>` or the feed's
//!   language first, then the source's language hints from `sources.toml`.
//! - A declared language wins only where lingua finds it nearly as likely as
//!   its own first answer (at least [`DECLARED_RATIO`] of its confidence): a
//!   short title or a text of names, where the text cannot tell. A text that
//!   says clearly it is in another language keeps its language, since CMS
//!   declarations are often a template's default.
//! - The network's portal languages ([`PORTAL_LANGUAGES`]) break near ties
//!   the same way, more narrowly ([`PORTAL_RATIO`]): what an SSE source most
//!   likely writes in, and never more than that.
//! - Latin, which on the web is placeholder text ("lorem ipsum"), gives
//!   way to the first declaration.
//! - Nothing to read (no letters at all): the first declaration, with a low
//!   confidence, or no language.
//!
//! The confidence is in 0..1: whatlang's own on the fast path, lingua's
//! (its share of the probability among the supported languages) otherwise,
//! 0.4 for a declaration alone.

pub mod eval;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

/// From this many words on, whatlang's reliable answer may stand alone.
pub const LONG_TEXT_WORDS: usize = 40;

/// At most this many bytes of text are read by whatlang (enough to tell;
/// keeps detection fast on long pages).
const MAX_BYTES: usize = 4000;

/// At most this many bytes of title and text are read by lingua: a few
/// sentences, where it is right about 99 times in 100, at a cost that grows
/// with the length.
pub const LINGUA_BYTES: usize = 320;

/// whatlang's confidence below which its reliable answer is still checked.
const FAST_CONFIDENCE: f64 = 0.9;

/// A declared language wins when lingua gives it at least this share of its
/// first answer's confidence.
pub const DECLARED_RATIO: f64 = 0.5;

/// A portal language wins a near tie when lingua gives it at least this
/// share of its first answer's confidence.
pub const PORTAL_RATIO: f64 = 0.8;

/// The languages of the network's portal.
pub const PORTAL_LANGUAGES: &[&str] = &["en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"];

/// Every language veille identifies (ISO 639-1, and lingua's model), the
/// ones of SSE networks worldwide. Each is stored, faceted and searched
/// (with a stemmer where tantivy has one, see `index::analyzers`). Close
/// neighbours that would cost the others accuracy (Galician, Malay,
/// Afrikaans, Slovak, Serbo-Croatian …) are left out: their texts get the
/// nearest of these.
pub const SUPPORTED: &[(&str, Language)] = &[
    ("en", Language::English),
    ("fr", Language::French),
    ("es", Language::Spanish),
    ("ca", Language::Catalan),
    ("eu", Language::Basque),
    ("pt", Language::Portuguese),
    ("it", Language::Italian),
    ("de", Language::German),
    ("ko", Language::Korean),
    ("nl", Language::Dutch),
    ("pl", Language::Polish),
    ("ja", Language::Japanese),
    ("zh", Language::Chinese),
    ("ar", Language::Arabic),
    ("sw", Language::Swahili),
    ("tr", Language::Turkish),
    ("ru", Language::Russian),
    ("id", Language::Indonesian),
    ("hi", Language::Hindi),
    ("el", Language::Greek),
    ("ro", Language::Romanian),
    ("sv", Language::Swedish),
    ("da", Language::Danish),
    ("nb", Language::Bokmal),
    ("fi", Language::Finnish),
    ("cs", Language::Czech),
    ("hu", Language::Hungarian),
    ("uk", Language::Ukrainian),
    ("vi", Language::Vietnamese),
    ("he", Language::Hebrew),
    ("fa", Language::Persian),
    ("bn", Language::Bengali),
    ("ta", Language::Tamil),
    ("tl", Language::Tagalog),
    ("ur", Language::Urdu),
];

/// Languages whatlang confuses with each other even on a long text:
/// lingua chooses among the group (whatlang's answer may also be a language
/// of the group veille leaves out, such as Norwegian Nynorsk or Malay).
const NEIGHBOURS: &[&[&str]] = &[
    &["da", "nb", "nn", "no", "sv"],
    &["ru", "uk", "be", "bg", "mk"],
    &["fa", "ur", "ar"],
    &["id", "ms", "tl", "sw"],
    &["cs", "sk", "pl"],
    &["nl", "af", "de"],
];

/// whatlang's answers for a Basque text (whatlang has no Basque): lingua
/// checks them against Basque.
const BASQUE_CONFUSED_WITH: &[&str] = &["es", "it", "fi", "et", "id", "tl", "sk", "la", "eo"];

/// How many bytes of a long text lingua reads to choose among neighbours
/// (few candidates, so a longer sample costs little).
const NEIGHBOUR_BYTES: usize = 400;

static LINGUA: LazyLock<LanguageDetector> = LazyLock::new(|| {
    let languages: Vec<Language> = SUPPORTED.iter().map(|(_, l)| *l).collect();
    // Each language's models are loaded the first time a text may be in
    // it: a process that never sees Urdu never holds its models.
    LanguageDetectorBuilder::from_languages(&languages).build()
});

fn code_of(language: Language) -> &'static str {
    SUPPORTED
        .iter()
        .find(|(_, l)| *l == language)
        .map(|(c, _)| *c)
        .expect("lingua answers only among the languages it was built with")
}

/// Whether veille identifies `code` (ISO 639-1).
pub fn is_supported(code: &str) -> bool {
    SUPPORTED.iter().any(|(c, _)| *c == code)
}

/// A detected language.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// ISO 639-1.
    pub lang: Option<String>,
    /// 0..1.
    pub confidence: f64,
}

impl Detected {
    fn of(lang: &str, confidence: f64) -> Self {
        Detected {
            lang: Some(lang.to_string()),
            confidence: confidence.clamp(0.0, 1.0),
        }
    }
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

    let info = whatlang::detect(&sample);
    let guess = info.as_ref().and_then(|i| to_iso639_1(i.lang().code()));
    if let (Some(info), Some(guess)) = (&info, guess) {
        if let Some(fast) = fast_answer(&sample, info, guess, first_declared) {
            return fast;
        }
        // Latin on the web is placeholder text ("lorem ipsum"): the
        // declaration says what the site is written in.
        if guess == "la" && info.is_reliable() {
            if let Some(d) = first_declared {
                return Detected::of(d, 0.4);
            }
        }
    }

    let values = LINGUA.compute_language_confidence_values(cut_at_word(&sample, LINGUA_BYTES));
    let Some(&(top, top_confidence)) = values.first().filter(|(_, c)| *c > 0.0) else {
        return match first_declared {
            Some(d) => Detected::of(d, 0.4),
            None => Detected {
                lang: None,
                confidence: 0.0,
            },
        };
    };
    let confidence_of = |code: &str| {
        values
            .iter()
            .find(|(l, _)| code_of(*l) == code)
            .map_or(0.0, |(_, c)| *c)
    };
    for d in &declared {
        let c = confidence_of(d);
        if c > 0.0 && c >= top_confidence * DECLARED_RATIO {
            return Detected::of(d, c.max(0.5));
        }
    }
    let top_code = code_of(top);
    if !PORTAL_LANGUAGES.contains(&top_code) {
        for p in PORTAL_LANGUAGES {
            let c = confidence_of(p);
            if c > 0.0 && c >= top_confidence * PORTAL_RATIO {
                return Detected::of(p, c);
            }
        }
    }
    Detected::of(top_code, top_confidence)
}

/// The answer for a long text on which whatlang is reliable and confident
/// and no declaration says otherwise: whatlang's own, or, where it has
/// neighbours it confuses it with (or may be hiding Basque), lingua's among
/// them on a longer sample of the text.
fn fast_answer(
    sample: &str,
    info: &whatlang::Info,
    guess: &str,
    first_declared: Option<&str>,
) -> Option<Detected> {
    if sample.split_whitespace().nth(LONG_TEXT_WORDS - 1).is_none()
        || !info.is_reliable()
        || info.confidence() < FAST_CONFIDENCE
        || first_declared.is_some_and(|d| d != guess)
    {
        return None;
    }
    let mut candidates: Vec<&'static str> = NEIGHBOURS
        .iter()
        .find(|group| group.contains(&guess))
        .map(|group| group.iter().copied().filter(|c| is_supported(c)).collect())
        .unwrap_or_default();
    if let Some(g) = SUPPORTED.iter().map(|(c, _)| *c).find(|c| *c == guess) {
        if !candidates.contains(&g) {
            candidates.push(g);
        }
    }
    if BASQUE_CONFUSED_WITH.contains(&guess) && has_basque_words(sample) {
        candidates.push("eu");
    }
    match candidates.len() {
        0 => None,
        1 if candidates[0] == guess => Some(Detected::of(guess, info.confidence())),
        1 => None,
        _ => {
            let detector = group_detector(&candidates);
            let values =
                detector.compute_language_confidence_values(cut_at_word(sample, NEIGHBOUR_BYTES));
            let (top, confidence) = *values.first()?;
            (confidence > 0.0).then(|| Detected::of(code_of(top), confidence))
        }
    }
}

/// Very frequent Basque words that Spanish, Italian, Indonesian … texts
/// do not use: a text without any of them is not Basque, and lingua is not
/// asked (a Spanish page costs no more than whatlang).
const BASQUE_WORDS: &[&str] = &[
    "eta", "du", "dira", "ere", "baina", "edo", "bat", "dute", "zen", "izan", "egin",
];

fn has_basque_words(sample: &str) -> bool {
    truncate(sample, NEIGHBOUR_BYTES * 4)
        .split(|c: char| !c.is_alphabetic())
        .any(|w| BASQUE_WORDS.iter().any(|b| w.eq_ignore_ascii_case(b)))
}

/// A lingua detector among a few languages, built once per group.
fn group_detector(codes: &[&'static str]) -> Arc<LanguageDetector> {
    static GROUPS: LazyLock<Mutex<HashMap<Vec<&'static str>, Arc<LanguageDetector>>>> =
        LazyLock::new(Default::default);
    let mut key = codes.to_vec();
    key.sort_unstable();
    let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    groups
        .entry(key)
        .or_insert_with_key(|key| {
            let languages: Vec<Language> = key.iter().filter_map(|c| language_of(c)).collect();
            Arc::new(
                LanguageDetectorBuilder::from_languages(&languages)
                    .with_preloaded_language_models()
                    .build(),
            )
        })
        .clone()
}

fn language_of(code: &str) -> Option<Language> {
    SUPPORTED.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The start of `s`, at most `max` bytes, cut after a whole word.
fn cut_at_word(s: &str, max: usize) -> &str {
    let cut = truncate(s, max);
    if cut.len() == s.len() {
        return cut;
    }
    match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut,
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
