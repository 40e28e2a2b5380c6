//! Publication dates as pages write them: RFC 3339 and its many near
//! misses, RFC 2822, bare dates, and dates in URL paths.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a date as found in meta tags, JSON-LD or `<time datetime>`.
/// A date without an offset is taken as UTC. A year RFC 3339 cannot write
/// (before 0 or after 9999, as in "-2025-01-31") is no date: the store
/// keeps dates in RFC 3339 and could not read it back.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    read_date(s).filter(|d| (0..=9999).contains(&d.year()))
}

fn read_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.len() < 8 || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    // "2015-04-16T10:24:00+0200", "2015-04-16 10:24:00 +02:00", "… .123+0000".
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    let utc = FixedOffset::east_opt(0)?;
    let naive = s
        .trim_end_matches('Z')
        .trim_end_matches(" UTC")
        .trim_end_matches(" GMT");
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, f) {
            return utc.from_local_datetime(&d).single();
        }
    }
    // A bare date, possibly followed by something we cannot read.
    let head: String = naive.chars().take(10).collect();
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&head, f) {
            return utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
        }
    }
    if naive.len() == 8 && naive.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(d) = NaiveDate::parse_from_str(naive, "%Y%m%d") {
            return utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
        }
    }
    None
}

/// A date in the path of `url` (`/2024/05/12/`, `/2024-05-12-title`,
/// `/news_2024_05_12`), at midnight UTC.
pub fn url_date(url: &str) -> Option<DateTime<FixedOffset>> {
    let path = match url::Url::parse(url) {
        Ok(u) => u.path().to_string(),
        Err(_) => url.to_string(),
    };
    slashed_date(&path).or_else(|| joined_date(&path))
}

/// YYYY-MM-DD (or with `_`) inside a path segment, not within a longer run
/// of digits.
fn joined_date(path: &str) -> Option<DateTime<FixedOffset>> {
    let b = path.as_bytes();
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        let sep = w[4];
        if !matches!(sep, b'-' | b'_')
            || w[7] != sep
            || ![0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&k| w[k].is_ascii_digit())
            || (i > 0 && b[i - 1].is_ascii_digit())
            || b.get(i + 10).is_some_and(u8::is_ascii_digit)
        {
            continue;
        }
        let s = std::str::from_utf8(w).ok()?;
        let (y, m, d) = (
            s[..4].parse().ok()?,
            s[5..7].parse().ok()?,
            s[8..].parse().ok()?,
        );
        if !(1990..=2100).contains(&y) {
            continue;
        }
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            return at_midnight(date);
        }
    }
    None
}

fn slashed_date(path: &str) -> Option<DateTime<FixedOffset>> {
    let segs: Vec<&str> = path.split('/').collect();
    for w in segs.windows(3) {
        let (y, m, d) = (w[0], w[1], w[2]);
        let d = d
            .get(..2)
            .filter(|_| d.len() == 2 || d.as_bytes().get(2) == Some(&b'-'));
        let Some(d) = d else { continue };
        if y.len() == 4
            && (1..=2).contains(&m.len())
            && y.bytes().all(|b| b.is_ascii_digit())
            && m.bytes().all(|b| b.is_ascii_digit())
            && d.bytes().all(|b| b.is_ascii_digit())
        {
            let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
            if !(1990..=2100).contains(&y) {
                continue;
            }
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                let utc = FixedOffset::east_opt(0)?;
                return utc
                    .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                    .single();
            }
        }
    }
    None
}

/// `Some(d)` unless `d` is after `now`.
pub(super) fn not_future(
    d: Option<DateTime<FixedOffset>>,
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    d.filter(|d| d.with_timezone(&Utc) <= now)
}

/// A date written in words in a page's text ("publié le 12 mai 2024").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextDate {
    pub date: NaiveDate,
    /// Announced as the publication date ("published", "publié le",
    /// "publicado el", "veröffentlicht am", "게시일" …).
    pub cued: bool,
    /// Announced as an update ("updated", "mis à jour", "actualizado" …):
    /// never a publication date.
    pub updated: bool,
}

/// Month names and abbreviations in the portal's languages (en, fr, es,
/// ca, pt, it, de), lowercased; Basque months are matched by stem
/// ([`BASQUE_MONTHS`]) since they are declined ("maiatzaren").
const MONTHS: &[(&str, u32)] = &[
    // en
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // fr
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("janv", 1),
    ("févr", 2),
    ("fevr", 2),
    ("avr", 4),
    ("juil", 7),
    ("déc", 12),
    // es
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("dic", 12),
    // ca
    ("gener", 1),
    ("febrer", 2),
    ("març", 3),
    ("marc", 3),
    ("maig", 5),
    ("juny", 6),
    ("juliol", 7),
    ("agost", 8),
    ("setembre", 9),
    ("desembre", 12),
    // pt
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("dezembro", 12),
    ("fev", 2),
    ("out", 10),
    ("dez", 12),
    // it
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("gen", 1),
    ("giu", 6),
    ("lug", 7),
    ("set", 9),
    ("ott", 10),
    // de
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("okt", 10),
];

/// Basque month stems: "maiatza", "maiatzaren", "maiatzean" …
const BASQUE_MONTHS: &[(&str, u32)] = &[
    ("urtarril", 1),
    ("otsail", 2),
    ("martxo", 3),
    ("apiril", 4),
    ("maiatz", 5),
    ("ekain", 6),
    ("uztail", 7),
    ("abuztu", 8),
    ("irail", 9),
    ("urri", 10),
    ("azaro", 11),
    ("abendu", 12),
];

/// Words that may stand between the parts of a date ("12 de mayo de
/// 2024", "12 d'abril", "12th of May", "1er mai", "2024ko … 12an").
const FILLERS: &[&str] = &[
    "de", "del", "d", "of", "the", "er", "re", "st", "nd", "rd", "th", "º", "ª", "o", "a", "an",
    "ko", "eko", "e", "ean",
];

/// Stems of the words that announce a publication date, in the portal's
/// languages.
const PUBLISHED_CUES: &[&str] = &[
    "publi",          // published, publié, publicado, publicat, publicação, publiziert
    "pubblicat",      // it
    "posted",         // en
    "paru",           // fr
    "ligne",          // fr: mis en ligne le
    "veröffentlicht", // de
    "erschienen",     // de
    "argitara",       // eu: argitaratua, argitaratze-data
    "게시",           // ko
    "작성",           // ko
    "등록",           // ko
    "입력",           // ko
    "발행",           // ko
    "datum",          // de, nl, sv: "Datum 28.04.2023"
    "fecha",          // es: "Fecha: 12/05/2024"
    "tarih",          // tr
    "날짜",           // ko
];

/// Stems of the words that announce an update.
const UPDATED_CUES: &[&str] = &[
    "updat",     // en
    "jour",      // fr: mis à jour
    "modifi",    // fr, it
    "actualiz",  // es, pt
    "actualitz", // ca
    "atualiz",   // pt
    "aggiornat", // it
    "aktualisi", // de
    "geändert",  // de
    "eguneratu", // eu
    "수정",      // ko
    "güncel",    // tr
    "stand",     // de: "Stand: 28.04.2023 10:00 Uhr", the last change
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number(u32),
    Word,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    kind: Kind,
    /// Byte offsets in the text.
    start: usize,
    end: usize,
}

/// Splits text into runs of digits and runs of letters, dropping the rest;
/// a number longer than 4 digits is kept as a word (never part of a date).
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut digits = false;
    for (i, c) in text.char_indices() {
        let is_digit = c.is_ascii_digit();
        let is_tok = is_digit || c.is_alphabetic();
        if let Some(s) = start {
            if is_tok && is_digit == digits {
                continue;
            }
            push_token(&mut out, text, s, i, digits);
            start = None;
        }
        if is_tok {
            start = Some(i);
            digits = is_digit;
        }
    }
    if let Some(s) = start {
        push_token(&mut out, text, s, text.len(), digits);
    }
    out
}

fn push_token<'a>(out: &mut Vec<Token<'a>>, text: &'a str, start: usize, end: usize, digits: bool) {
    let t = &text[start..end];
    let kind = if digits && t.len() <= 4 {
        Kind::Number(t.parse().unwrap_or(0))
    } else {
        Kind::Word
    };
    out.push(Token {
        text: t,
        kind,
        start,
        end,
    });
}

/// Whether `word` names a month in one of the portal's languages.
pub(super) fn is_month(word: &str) -> bool {
    month_of(word).is_some()
}

fn month_of(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    if let Some(&(_, m)) = MONTHS.iter().find(|(name, _)| *name == lower) {
        return Some(m);
    }
    BASQUE_MONTHS
        .iter()
        .find(|(stem, _)| lower.starts_with(stem) && lower.len() <= stem.len() + 5)
        .map(|&(_, m)| m)
}

fn is_filler(t: &Token<'_>) -> bool {
    t.kind == Kind::Word && FILLERS.iter().any(|f| t.text.eq_ignore_ascii_case(f))
}

fn number(t: Option<&Token<'_>>) -> Option<u32> {
    match t?.kind {
        Kind::Number(n) => Some(n),
        Kind::Word => None,
    }
}

/// Index of the next token at or after `i` that is not a filler, skipping
/// at most two.
fn skip_fillers(t: &[Token<'_>], mut i: usize) -> usize {
    for _ in 0..2 {
        if t.get(i).is_some_and(is_filler) {
            i += 1;
        }
    }
    i
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1990..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// The date whose month token is at `i`, with the index of its first
/// token.
fn date_at(t: &[Token<'_>], i: usize, month: u32) -> Option<(NaiveDate, usize)> {
    // DAY [de|of|.] MONTH [de|,] YEAR: "12 mai 2024", "12 de mayo de 2024",
    // "12. Mai 2024", "12th of May 2024".
    let mut j = i;
    for _ in 0..3 {
        if j == 0 {
            break;
        }
        j -= 1;
        if let Some(d) = number(t.get(j)) {
            let y = number(t.get(skip_fillers(t, i + 1)));
            if let (Some(y), true) = (y, (1..=31).contains(&d)) {
                if let Some(date) = ymd(y, month, d) {
                    return Some((date, j));
                }
            }
            break;
        }
        if !is_filler(&t[j]) {
            break;
        }
    }
    // MONTH DAY[th][,] YEAR: "May 12, 2024".
    if let Some(d) = number(t.get(i + 1)) {
        if let Some(y) = number(t.get(skip_fillers(t, i + 2))) {
            if let Some(date) = ymd(y, month, d) {
                return Some((date, i));
            }
        }
    }
    // YEAR[ko] MONTH DAY[a|an]: "2024ko maiatzaren 12a".
    let mut before = i.checked_sub(1)?;
    for _ in 0..2 {
        if before > 0 && is_filler(&t[before]) {
            before -= 1;
        }
    }
    if let (Some(y), Some(d)) = (number(t.get(before)), number(t.get(i + 1))) {
        if let Some(date) = ymd(y, month, d) {
            return Some((date, before));
        }
    }
    None
}

/// A numeric date starting at `i`: "2024-05-12", "2024.05.12",
/// "2024/05/12", "12.05.2024", and "12/05/2024" or "05/13/2024" where the
/// day cannot be mistaken for the month.
fn numeric_date_at(text: &str, t: &[Token<'_>], i: usize) -> Option<NaiveDate> {
    let (a, b, c) = (t.get(i)?, t.get(i + 1)?, t.get(i + 2)?);
    let sep1 = text.get(a.end..b.start)?;
    let sep2 = text.get(b.end..c.start)?;
    if sep1 != sep2 || !matches!(sep1, "-" | "." | "/") {
        return None;
    }
    let (x, y, z) = (number(Some(a))?, number(Some(b))?, number(Some(c))?);
    if a.text.len() == 4 {
        return ymd(x, y, z);
    }
    if c.text.len() != 4 || a.text.len() > 2 || b.text.len() > 2 {
        return None;
    }
    match sep1 {
        "." | "-" => ymd(z, y, x),
        _ if x > 12 => ymd(z, y, x),
        _ if y > 12 => ymd(z, x, y),
        _ => None,
    }
}

/// YEAR 년 MONTH 월 DAY 일 (and 年 月 日) starting at `i`.
fn cjk_date_at(t: &[Token<'_>], i: usize) -> Option<NaiveDate> {
    let unit = |k: usize, a: &str, b: &str| t.get(k).is_some_and(|x| x.text == a || x.text == b);
    let y = number(t.get(i))?;
    if unit(i + 1, "년", "年") && unit(i + 3, "월", "月") && unit(i + 5, "일", "日") {
        return ymd(y, number(t.get(i + 2))?, number(t.get(i + 4))?);
    }
    None
}

fn has_cue(t: &[Token<'_>], start: usize, cues: &[&str]) -> bool {
    t[start.saturating_sub(4)..start].iter().any(|x| {
        x.kind == Kind::Word && {
            let w = x.text.to_lowercase();
            cues.iter().any(|c| w.starts_with(c))
        }
    })
}

/// The dates written in `text`, in order, at most `max`. Numeric dates
/// ("2024-05-12", "12.05.2024") count only when a publication or update
/// cue announces them, or when `numeric` is set (the text of an element
/// named like a date).
pub fn text_dates(text: &str, max: usize, numeric: bool) -> Vec<TextDate> {
    let t = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() && out.len() < max {
        let found = match t[i].kind {
            Kind::Word => month_of(t[i].text).and_then(|m| date_at(&t, i, m)),
            Kind::Number(_) => cjk_date_at(&t, i)
                .or_else(|| {
                    numeric_date_at(text, &t, i).filter(|_| {
                        numeric || has_cue(&t, i, PUBLISHED_CUES) || has_cue(&t, i, UPDATED_CUES)
                    })
                })
                .map(|d| (d, i)),
        };
        if let Some((date, start)) = found {
            out.push(TextDate {
                date,
                cued: has_cue(&t, start, PUBLISHED_CUES),
                updated: has_cue(&t, start, UPDATED_CUES),
            });
            i += 3;
        } else {
            i += 1;
        }
    }
    out
}

/// A text date as a datetime: midnight UTC, like a date in the URL.
pub(super) fn at_midnight(d: NaiveDate) -> Option<DateTime<FixedOffset>> {
    FixedOffset::east_opt(0)?
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
}
