//! Feed parsing: RSS 0.9x–2.0, RDF, Atom and JSON Feed bodies (via
//! feed-rs) to plain entries, with decoding, a repair pass for bare `&`,
//! and publication dates that keep the offset the feed gave.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use feed_rs::model::{Entry, Feed};
use url::Url;

use crate::decode::decode_xml;
use crate::normalize::{normalize_url, resolve};

/// A feed, as the crawler needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// `<language>`, `dc:language`, the root's `xml:lang` or JSON Feed's
    /// `language`.
    pub language: Option<String>,
    /// RSS `<ttl>`: minutes the feed may be cached before it is fetched
    /// again.
    pub ttl_minutes: Option<u32>,
    pub entries: Vec<FeedEntry>,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// The entry's id in the feed.
    pub id: String,
    /// The alternate link (else the id when it is a URL), resolved against
    /// the feed URL and normalized; `None` when the entry has neither.
    pub url: Option<Url>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// Published, else updated, with the offset the feed gave.
    pub published: Option<DateTime<FixedOffset>>,
    /// The content if there is one, else the summary (may be HTML).
    pub summary: Option<String>,
    /// Number of characters of text (markup left out) in `summary`.
    pub text_chars: usize,
    /// The entry's `xml:lang`, else the feed's language.
    pub lang: Option<String>,
}

/// Parses a feed body. `content_type` gives the charset,
/// `content_language` (the HTTP header) the language when the feed names
/// none, and `feed_url` resolves relative links. The error says what is
/// wrong with the body.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    content_language: Option<&str>,
    feed_url: &Url,
) -> Result<ParsedFeed, String> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF));
    let text = match start.map(|i| body[i]) {
        Some(b'{') => String::from_utf8_lossy(body).into_owned(),
        Some(_) => decode_xml(body, content_type),
        None => return Err("empty body".to_string()),
    };
    let is_json = text.trim_start().starts_with('{');
    if !is_json {
        check_complete(&text)?;
    }
    let header_lang = content_language
        .and_then(|l| l.split(',').next())
        .and_then(normalize_lang);
    let parse = |text: &str| {
        let langs = if is_json {
            Languages::default()
        } else {
            scan_languages(text)
        };
        parse_with_offsets(text, feed_url)
            .map(|mut feed| convert(&mut feed, feed_url, langs, header_lang.clone()))
    };
    match parse(&text) {
        Ok(feed) => Ok(feed),
        Err(first) => {
            let entities = repair_entities(&text);
            let version = fix_rss_version(entities.as_deref().unwrap_or(&text));
            match version.or(entities) {
                Some(repaired) => parse(&repaired).map_err(|_| first),
                None => Err(first),
            }
        }
    }
}

/// Where the root element starts in an XML text, and its name (after the
/// declaration, comments, processing instructions and doctype).
fn root_element(text: &str) -> Result<(usize, &str), String> {
    let mut at = 0;
    loop {
        let Some(i) = text[at..].find('<') else {
            return Err("no XML element found".to_string());
        };
        at += i;
        let rest = &text[at..];
        if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = if rest.starts_with("<!--") {
                rest.find("-->").map(|i| i + 3)
            } else {
                rest.find('>').map(|i| i + 1)
            };
            match end {
                Some(e) => at += e,
                None => return Err("truncated XML: unterminated prolog".to_string()),
            }
            continue;
        }
        let len = rest[1..]
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '/'))
            .unwrap_or(rest.len() - 1);
        if len == 0 {
            return Err("no XML element found".to_string());
        }
        return Ok((at, &rest[1..1 + len]));
    }
}

/// Gives an `<rss>` root without a version, or with one feed-rs does not
/// know (0.93, 0.94, 2.01 …), `version="2.0"`; `None` when the root is
/// not such an `<rss>`.
fn fix_rss_version(text: &str) -> Option<String> {
    let (at, name) = root_element(text).ok()?;
    if name != "rss" {
        return None;
    }
    let tag = &text[at..at + text[at..].find('>')?];
    let Some(v) = tag.find("version") else {
        let insert = at + "<rss".len();
        return Some(format!(
            "{} version=\"2.0\"{}",
            &text[..insert],
            &text[insert..]
        ));
    };
    let after = &tag[v..];
    let open = after.find(['"', '\''])?;
    let quote = after.as_bytes()[open];
    let len = after[open + 1..].find(quote as char)?;
    if matches!(&after[open + 1..open + 1 + len], "2.0" | "0.91" | "0.92") {
        return None;
    }
    let start = at + v + open + 1;
    Some(format!("{}2.0{}", &text[..start], &text[start + len..]))
}

/// Refuses an XML body whose root element is never closed (a truncated
/// download), which the XML reader would otherwise accept as a shorter feed.
fn check_complete(text: &str) -> Result<(), String> {
    let (at, root) = root_element(text)?;
    let rest = &text[at..];
    let open_end = rest
        .find('>')
        .ok_or("truncated XML: the root element is cut")?;
    if rest[..open_end].ends_with('/') {
        return Ok(());
    }
    let mut tail = text.trim_end();
    // Trailing comments after the root are allowed.
    while tail.ends_with("-->") {
        match tail.rfind("<!--") {
            Some(i) => tail = tail[..i].trim_end(),
            None => break,
        }
    }
    let close = format!("</{root}");
    let closed = tail.ends_with('>')
        && tail.rfind("</").is_some_and(|i| {
            tail[i..].starts_with(&close)
                && tail[i + close.len()..]
                    .trim_end_matches('>')
                    .trim()
                    .is_empty()
        });
    if closed {
        Ok(())
    } else {
        Err(format!(
            "truncated XML: the root element <{root}> is never closed"
        ))
    }
}

/// A feed as feed-rs read it, with the dates as the feed wrote them.
struct Dated {
    feed: Feed,
    /// Every date read, with its offset.
    dates: Vec<DateTime<FixedOffset>>,
}

impl Dated {
    /// The date the feed wrote for this instant (its offset kept), else
    /// the instant in UTC.
    fn with_offset(&self, utc: DateTime<Utc>) -> DateTime<FixedOffset> {
        self.dates
            .iter()
            .find(|d| d.to_utc() == utc)
            .copied()
            .unwrap_or_else(|| utc.fixed_offset())
    }
}

/// Parses with feed-rs, keeping each date's offset: the timestamp parser
/// records every date it reads ([`parse_date`]); dates it cannot read are
/// left to feed-rs's own lenient parser in a second pass (read as UTC).
fn parse_with_offsets(text: &str, feed_url: &Url) -> Result<Dated, String> {
    let dates: Rc<RefCell<Vec<DateTime<FixedOffset>>>> = Rc::default();
    let misses = Rc::new(Cell::new(0usize));
    let parser = {
        let dates = Rc::clone(&dates);
        let misses = Rc::clone(&misses);
        feed_rs::parser::Builder::new()
            .base_uri(Some(feed_url.as_str()))
            .sanitize_content(false)
            .timestamp_parser(move |s: &str| match parse_date(s) {
                Some(d) => {
                    dates.borrow_mut().push(d);
                    Some(d.to_utc())
                }
                None => {
                    misses.set(misses.get() + 1);
                    None
                }
            })
            .build()
    };
    let mut feed = parser.parse(text.as_bytes()).map_err(|e| e.to_string())?;
    if misses.get() > 0 {
        let lenient = feed_rs::parser::Builder::new()
            .base_uri(Some(feed_url.as_str()))
            .sanitize_content(false)
            .build()
            .parse(text.as_bytes())
            .map_err(|e| e.to_string())?;
        for (entry, other) in feed.entries.iter_mut().zip(lenient.entries) {
            entry.published = entry.published.or(other.published);
            entry.updated = entry.updated.or(other.updated);
        }
    }
    drop(parser);
    let dates = Rc::try_unwrap(dates)
        .map(RefCell::into_inner)
        .unwrap_or_default();
    Ok(Dated { feed, dates })
}

/// Reads a feed date, keeping its offset: RFC 3339, RFC 2822 (also with
/// a long or wrong weekday, a long month name, `UTC`, a one-digit hour),
/// ISO 8601 without a colon in the offset; a date and time without an
/// offset, or a bare date, is read as UTC.
pub(crate) fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s).or_else(|_| DateTime::parse_from_rfc2822(s)) {
        return Some(d);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(s, format) {
            return Some(d);
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Some(d.and_utc().fixed_offset());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset());
    }
    // RFC 2822 as feeds really write it.
    let mut words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    if words.first().is_some_and(|w| w.ends_with(',')) {
        words.remove(0);
    }
    for w in &mut words {
        if w.len() > 3 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            let short: String = w.chars().take(3).collect();
            if MONTHS.contains(&short.as_str()) {
                *w = short;
            }
        }
        if w == "UTC" || w == "Z" {
            *w = "+0000".to_string();
        }
        if w.len() == 7 && w.as_bytes()[1] == b':' {
            w.insert(0, '0');
        }
    }
    DateTime::parse_from_rfc2822(&words.join(" ")).ok()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn convert(
    dated: &mut Dated,
    feed_url: &Url,
    langs: Languages,
    header_lang: Option<String>,
) -> ParsedFeed {
    let language = dated
        .feed
        .language
        .take()
        .and_then(|l| normalize_lang(&l))
        .or(langs.feed)
        .or(header_lang);
    let mut entry_langs = langs.entries.into_iter();
    let entries = std::mem::take(&mut dated.feed.entries)
        .into_iter()
        .map(|mut e| {
            let scanned = entry_langs.next().flatten();
            let lang = scanned
                .or_else(|| e.language.take().and_then(|l| normalize_lang(&l)))
                .or_else(|| language.clone());
            convert_entry(e, feed_url, lang, dated)
        })
        .collect();
    ParsedFeed {
        title: non_empty(dated.feed.title.take().map(|t| t.content)),
        language,
        ttl_minutes: dated.feed.ttl,
        entries,
    }
}

fn convert_entry(mut e: Entry, feed_url: &Url, lang: Option<String>, dated: &Dated) -> FeedEntry {
    let link = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| {
            e.links.iter().find(|l| {
                !matches!(
                    l.rel.as_deref(),
                    Some("self" | "enclosure" | "edit" | "replies" | "license" | "hub")
                )
            })
        })
        .and_then(|l| resolve(feed_url, &l.href));
    let url = link.or_else(|| {
        Url::parse(e.id.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(|u| normalize_url(&u))
    });
    let content = e.content.take().and_then(|c| non_empty(c.body));
    let summary = content.or_else(|| non_empty(e.summary.take().map(|s| s.content)));
    FeedEntry {
        id: e.id.clone(),
        url,
        title: non_empty(e.title.take().map(|t| t.content)),
        author: e
            .authors
            .iter()
            .find_map(|p| non_empty(Some(p.name.clone()))),
        published: [e.published, e.updated]
            .into_iter()
            .flatten()
            .map(|d| dated.with_offset(d))
            .find(rfc3339_can_write),
        text_chars: summary.as_deref().map_or(0, text_chars),
        summary,
        lang,
    }
}

/// Whether RFC 3339 can write `d` (a year from 0 to 9999): the store keeps
/// dates as RFC 3339, and could not read back a date such as
/// `-2024-05-12T10:00:00+00:00`.
fn rfc3339_can_write(d: &DateTime<FixedOffset>) -> bool {
    (0..=9999).contains(&d.year())
}

/// A language code as veille stores it: `en_US` → `en-us`.
fn normalize_lang(s: &str) -> Option<String> {
    let s = s.trim().replace('_', "-").to_ascii_lowercase();
    (!s.is_empty()).then_some(s)
}

/// The languages a feed declares that feed-rs does not keep.
#[derive(Debug, Default, PartialEq)]
struct Languages {
    /// `dc:language` of the channel, else `xml:lang` of the root or channel.
    feed: Option<String>,
    /// For each entry (`item`/`entry`, in order): its own `xml:lang`, else
    /// its `dc:language`.
    entries: Vec<Option<String>>,
}

/// One pass over the XML for the declared languages. A document the pass
/// cannot read gives what was found before the problem.
fn scan_languages(text: &str) -> Languages {
    use quick_xml::events::Event;

    let mut out = Languages::default();
    let mut reader = quick_xml::Reader::from_str(text);
    let decoder = reader.decoder();
    let mut depth = 0usize;
    // Depth of the open entry, and whether it had its own xml:lang.
    let mut entry: Option<(usize, bool)> = None;
    let mut in_language = false;
    let mut feed_xml_lang: Option<String> = None;
    let mut feed_dc_lang: Option<String> = None;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let xml_lang = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"xml:lang")
                    .and_then(|a| {
                        a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
                            .ok()
                            .and_then(|v| normalize_lang(&v))
                    });
                let local = e.local_name();
                let name = local.as_ref();
                if entry.is_none() && matches!(name, b"item" | b"entry") {
                    out.entries.push(xml_lang.clone());
                    if !empty {
                        entry = Some((depth, xml_lang.is_some()));
                    }
                } else if entry.is_none() && depth <= 1 && feed_xml_lang.is_none() {
                    // The root (`rss`, `feed`, `rdf:RDF`) or the channel.
                    feed_xml_lang = xml_lang;
                }
                in_language = !empty && name == b"language";
                if !empty {
                    depth += 1;
                }
            }
            Event::Text(t) if in_language => {
                let Some(lang) = t.xml10_content().ok().and_then(|v| normalize_lang(&v)) else {
                    continue;
                };
                match entry {
                    Some((_, false)) => {
                        if let Some(last) = out.entries.last_mut() {
                            last.get_or_insert(lang);
                        }
                    }
                    Some((_, true)) => {}
                    None => {
                        feed_dc_lang.get_or_insert(lang);
                    }
                }
            }
            Event::End(_) => {
                in_language = false;
                depth = depth.saturating_sub(1);
                if entry.is_some_and(|(d, _)| d == depth) {
                    entry = None;
                }
            }
            _ => {}
        }
    }
    out.feed = feed_dc_lang.or(feed_xml_lang);
    out
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Characters of text in `html`: tags left out, runs of whitespace counted
/// once.
pub(crate) fn text_chars(html: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    let mut last_space = true;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !last_space {
                    n += 1;
                    last_space = true;
                }
            }
            _ => {
                n += 1;
                last_space = false;
            }
        }
    }
    n
}

/// The five entities XML knows without a DTD.
const XML_ENTITIES: [&str; 5] = ["amp", "lt", "gt", "quot", "apos"];

/// HTML entities that feeds use without declaring them, and their text.
const HTML_ENTITIES: &[(&str, &str)] = &[
    ("nbsp", "\u{a0}"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("agrave", "à"),
    ("aacute", "á"),
    ("acirc", "â"),
    ("auml", "ä"),
    ("ccedil", "ç"),
    ("icirc", "î"),
    ("iacute", "í"),
    ("iuml", "ï"),
    ("ocirc", "ô"),
    ("oacute", "ó"),
    ("ouml", "ö"),
    ("ucirc", "û"),
    ("ugrave", "ù"),
    ("uacute", "ú"),
    ("uuml", "ü"),
    ("ntilde", "ñ"),
    ("Eacute", "É"),
    ("Agrave", "À"),
    ("Ccedil", "Ç"),
    ("oelig", "œ"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("ndash", "–"),
    ("mdash", "—"),
    ("hellip", "…"),
    ("euro", "€"),
    ("copy", "©"),
    ("reg", "®"),
    ("deg", "°"),
    ("middot", "·"),
    ("iexcl", "¡"),
    ("iquest", "¿"),
];

/// Escapes bare `&` (not starting an entity) as `&amp;` and replaces
/// undeclared HTML entities by their character (or escapes them when
/// unknown), outside CDATA sections and comments. `None` when nothing
/// needed it.
pub(crate) fn repair_entities(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            // Copy a CDATA section or a comment whole, any other `<` alone.
            let skip = [("<![CDATA[", "]]>"), ("<!--", "-->")]
                .iter()
                .find(|(open, _)| rest.starts_with(open))
                .map_or(1, |(open, close)| {
                    rest[open.len()..]
                        .find(close)
                        .map_or(rest.len(), |e| open.len() + e + close.len())
                });
            out.push_str(&rest[..skip]);
            rest = &rest[skip..];
            continue;
        }
        let after = &rest[1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let terminated = after[name_len..].starts_with(';');
        let numeric = name.strip_prefix('#').is_some_and(|n| {
            !n.is_empty()
                && (n.bytes().all(|b| b.is_ascii_digit())
                    || n.strip_prefix('x')
                        .or(n.strip_prefix('X'))
                        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())))
        });
        if terminated && (numeric || XML_ENTITIES.contains(&name)) {
            out.push('&');
            rest = after;
        } else if let Some((_, ch)) = HTML_ENTITIES.iter().find(|(n, _)| terminated && *n == name) {
            out.push_str(ch);
            rest = &after[name_len + 1..];
            changed = true;
        } else {
            out.push_str("&amp;");
            rest = after;
            changed = true;
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests;
