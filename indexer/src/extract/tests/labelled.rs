//! Titles, authors and publication dates measured on pages that others
//! labelled: fundus's 258 news pages (`tests/fixtures/pages/fundus`, the
//! values its maintainers check) and readability's 130 pages in
//! `tests/fixtures/pages` (Readability.js's `expected-metadata.json`; the
//! sources not used by the main-text tests are gzipped). The tests fail
//! when a figure falls below its floor.
//!
//! The rules are those of `benches/fundus_compare.py`, which scores
//! htmldate and trafilatura the same way:
//! - title: equal once whitespace is collapsed and invisible format
//!   characters (soft hyphens, zero-width spaces) are dropped; on the
//!   readability pages, whose expected titles often keep the site name, also
//!   when one is the other plus a part after a separator ("Title | Site");
//! - authors: the same set of words over all names (lowercased runs of
//!   letters and digits, without joining words between names and a leading
//!   "by", "von", "par" …);
//! - date: the same day in the time zone of the expected value.
//!
//! On fundus, the titles are also counted as the article's own headline
//! as the page states it (the definition): the expected title, or
//! the one `benches/title_audit.tsv` judged so for that page.
//!
//! `LABELLED_MISSES=1 cargo test -p veille-indexer extract::tests::labelled --
//! --nocapture` prints every miss.

use super::super::*;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/pages");

/// Expected values corrected, for every tool alike (the same list as
/// `benches/fundus_compare.py`): `(set, page, field, value)`, "" for none.
const CORRECTIONS: &[(&str, &str, &str, &str)] = &[
    // fundus's README: day and month swapped; the pages show 06.01.2026
    // and 05.04.2025.
    (
        "fundus",
        "de/KlasseGegenKlasse_2026_01_07.html.gz",
        "date",
        "2026-01-06",
    ),
    (
        "fundus",
        "tr/AnadoluAjansi_2025_04_05.html.gz",
        "date",
        "2025-04-05",
    ),
    // Readability's bylines that are not (only) the author's name: a date
    // run into it, the outlet's name, a button's label, an address.
    ("readability", "breitbart", "author", "Lucas Nolan"),
    ("readability", "lwn-1", "author", "Nathan Willis"),
    ("readability", "yahoo-3", "author", "GILLIAN MOHNEY"),
    ("readability", "webmd-1", "author", "Brenda Goodman, MA"),
    ("readability", "webmd-2", "author", "Kelli Miller"),
    ("readability", "royal-road", "author", "Sleyca"),
    ("readability", "ebb-org", "author", "Bradley M. Kuhn"),
    ("readability", "seattletimes-1", "author", ""),
    ("readability", "spiceworks", "author", ""),
    // Readability took the byline of another article on the page; the
    // article's is in its rel=author link and its meta tags.
    ("readability", "herald-sun-1", "author", "Laurie Oakes"),
    ("readability", "salon-1", "author", "Richard (R.J.) Eskow"),
    // The draft has two authors (its two DC.Creator tags and its header).
    (
        "readability",
        "ietf-1",
        "author",
        "Jong, Michiel de; Kooman, F.",
    ),
    // The site's name, not the article's title (its <h1>, its <title>).
    (
        "readability",
        "yahoo-2",
        "title",
        "Russia: Space ship malfunctions, breaks up over Siberia",
    ),
    // The headline's second half with the site's name: no headline the
    // page gives (its <h1> and <title> hold the whole).
    (
        "readability",
        "v8-blog",
        "title",
        "Outside the web: standalone WebAssembly binaries using Emscripten",
    ),
];

#[derive(Debug)]
struct Labelled {
    set: &'static str,
    page: String,
    html: String,
    url: String,
    now: DateTime<Utc>,
    title: Option<String>,
    authors: Option<Vec<String>>,
    date: Option<String>,
}

fn corrected(set: &str, page: &str, field: &str) -> Option<Option<String>> {
    CORRECTIONS
        .iter()
        .find(|(s, p, f, _)| *s == set && *p == page && *f == field)
        .map(|(.., v)| (!v.is_empty()).then(|| v.to_string()))
}

fn gunzip(path: &str) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
}

fn fundus_pages() -> Vec<Labelled> {
    let root = format!("{PAGES}/fundus");
    let index = std::fs::read_to_string(format!("{root}/index.tsv")).expect("fundus index.tsv");
    let mut expected: HashMap<String, Value> = HashMap::new();
    let mut out = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (page, file, version, crawl, url) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        let json = expected.entry(file.to_string()).or_insert_with(|| {
            let s = std::fs::read_to_string(format!("{root}/test_data/{file}")).unwrap();
            serde_json::from_str(&s).unwrap()
        });
        let e = &json[version];
        let bytes = gunzip(&format!("{root}/test_data/{page}"));
        let crawl = NaiveDateTime::parse_from_str(&crawl[..19], "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc();
        let mut p = Labelled {
            set: "fundus",
            page: page.to_string(),
            html: String::from_utf8_lossy(&bytes).into_owned(),
            url: url.to_string(),
            now: crawl,
            title: e["title"].as_str().map(str::to_string),
            authors: e["authors"].as_array().map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            }),
            date: e["publishing_date"].as_str().map(str::to_string),
        };
        if let Some(d) = corrected("fundus", page, "date") {
            p.date = d;
        }
        out.push(p);
    }
    out
}

fn readability_pages() -> Vec<Labelled> {
    let mut names: Vec<String> = std::fs::read_dir(PAGES)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let has = |f: &str| std::path::Path::new(&format!("{PAGES}/{n}/{f}")).exists();
            has("expected-metadata.json") && (has("source.html") || has("source.html.gz"))
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let m: Value = serde_json::from_str(
                &std::fs::read_to_string(format!("{PAGES}/{name}/expected-metadata.json")).unwrap(),
            )
            .unwrap();
            let bytes = std::fs::read(format!("{PAGES}/{name}/source.html"))
                .unwrap_or_else(|_| gunzip(&format!("{PAGES}/{name}/source.html.gz")));
            let mut author = m["byline"].as_str().map(|s| vec![s.to_string()]);
            if let Some(a) = corrected("readability", &name, "author") {
                author = a.map(|a| vec![a]);
            }
            let mut title = m["title"].as_str().map(str::to_string);
            if let Some(t) = corrected("readability", &name, "title") {
                title = t;
            }
            Labelled {
                set: "readability",
                html: String::from_utf8_lossy(&bytes).into_owned(),
                url: "http://fakehost/test/page.html".into(),
                // After every page of the set was saved.
                now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
                title,
                authors: author,
                date: m["publishedTime"].as_str().map(str::to_string),
                page: name,
            }
        })
        .collect()
}

/// Whitespace collapsed, invisible format characters dropped.
/// The fundus pages whose title veille gives, though not fundus's choice,
/// `benches/title_audit.tsv` judged the article's own headline as the page
/// states it: page → that title (cleaned). A page whose title has changed
/// since is not counted.
fn own_headlines() -> &'static HashMap<String, String> {
    static JUDGED: std::sync::LazyLock<HashMap<String, String>> = std::sync::LazyLock::new(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/title_audit.tsv");
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                match fields.as_slice() {
                    [page, title, "right", _why] => Some((page.to_string(), clean_title(title))),
                    _ => None,
                }
            })
            .collect()
    });
    &JUDGED
}

fn clean_title(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'
            )
        })
        .collect();
    meta::collapse(&s)
}

const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " [", " :"];

/// `long` is `short` plus a part after (or before) a separator.
fn plus_a_part(short: &str, long: &str) -> bool {
    !short.is_empty()
        && SEPARATORS.iter().any(|sep| {
            long.strip_prefix(short)
                .is_some_and(|rest| rest.starts_with(sep))
                || long
                    .strip_suffix(short)
                    .is_some_and(|rest| rest.ends_with(sep.trim_start()) || rest.ends_with(sep))
        })
}

fn author_words(names: &[String]) -> BTreeSet<String> {
    const JOINING: &[&str] = &["and", "und", "et", "y", "e", "i", "og", "och"];
    const LEADING: &[&str] = &["by", "von", "par", "por", "di", "da", "door", "written"];
    let mut out = BTreeSet::new();
    for name in names {
        for part in name.split([',', ';', '/', '|', '&', '\n']) {
            let mut words: Vec<String> = part
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            while words.first().is_some_and(|w| LEADING.contains(&w.as_str())) {
                words.remove(0);
            }
            out.extend(words.into_iter().filter(|w| !JOINING.contains(&w.as_str())));
        }
    }
    out
}

/// The day and the offset (seconds east) of an expected date.
fn expected_day(s: &str) -> Option<(NaiveDate, Option<i32>)> {
    let day = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = s.get(10..).unwrap_or("");
    let offset = if rest.ends_with('Z') {
        Some(0)
    } else {
        rest.rfind(['+', '-']).and_then(|i| {
            let digits: String = rest[i + 1..].chars().filter(|&c| c != ':').collect();
            let (h, m): (i32, i32) = (
                digits.get(..2)?.parse().ok()?,
                digits.get(2..)?.parse().ok()?,
            );
            let sign = if rest[i..].starts_with('+') { 1 } else { -1 };
            (digits.len() == 4).then_some(sign * (h * 3600 + m * 60))
        })
    };
    Some((day, offset))
}

#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    titles: (usize, usize),
    /// Titles that are the expected one or, on fundus, the one
    /// `benches/title_audit.tsv` judged the article's own headline.
    own_headlines: usize,
    authors: (usize, usize),
    dates_right: usize,
    dates_none: usize,
    dates_wrong: usize,
    dates: usize,
}

impl Figures {
    fn pct(n: usize, of: usize) -> f64 {
        100.0 * n as f64 / of.max(1) as f64
    }
    fn title(&self) -> f64 {
        Self::pct(self.titles.0, self.titles.1)
    }
    fn own_headline(&self) -> f64 {
        Self::pct(self.own_headlines, self.titles.1)
    }
    fn author(&self) -> f64 {
        Self::pct(self.authors.0, self.authors.1)
    }
    fn date(&self) -> f64 {
        Self::pct(self.dates_right, self.dates)
    }
    fn wrong_date(&self) -> f64 {
        Self::pct(self.dates_wrong, self.dates)
    }
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.titles.0 += o.titles.0;
        self.titles.1 += o.titles.1;
        self.own_headlines += o.own_headlines;
        self.authors.0 += o.authors.0;
        self.authors.1 += o.authors.1;
        self.dates_right += o.dates_right;
        self.dates_none += o.dates_none;
        self.dates_wrong += o.dates_wrong;
        self.dates += o.dates;
    }
}

/// The figures over `pages`, the pages shared between the cores.
fn measure(pages: &[Labelled]) -> Figures {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pages.len().div_ceil(threads).max(1);
    let mut f = Figures::default();
    std::thread::scope(|s| {
        let handles: Vec<_> = pages
            .chunks(chunk)
            .map(|c| s.spawn(move || measure_chunk(c)))
            .collect();
        for h in handles {
            f.add(&h.join().unwrap());
        }
    });
    eprintln!(
        "{}: titles {}/{} ({:.1}%), authors {}/{} ({:.1}%), dates right {}/{} ({:.1}%), none {}, wrong {} ({:.1}%)",
        pages.first().map_or("", |p| p.set),
        f.titles.0,
        f.titles.1,
        f.title(),
        f.authors.0,
        f.authors.1,
        f.author(),
        f.dates_right,
        f.dates,
        f.date(),
        f.dates_none,
        f.dates_wrong,
        f.wrong_date()
    );
    f
}

fn measure_chunk(pages: &[Labelled]) -> Figures {
    let show = std::env::var_os("LABELLED_MISSES").is_some();
    let mut f = Figures::default();
    for p in pages {
        // The metadata of `extract_at`, without its main text.
        let a = metadata_at(&p.html, Some(&p.url), p.now);
        if let Some(want) = p.title.as_ref().filter(|t| !t.trim().is_empty()) {
            let (got, want) = (
                clean_title(a.title.as_deref().unwrap_or("")),
                clean_title(want),
            );
            let right = got == want
                || (p.set == "readability"
                    && (plus_a_part(&got, &want) || plus_a_part(&want, &got)));
            f.titles.1 += 1;
            f.titles.0 += usize::from(right);
            let judged = p.set == "fundus" && own_headlines().get(&p.page) == Some(&got);
            f.own_headlines += usize::from(right || judged);
            if !right && show {
                eprintln!("{}\t{}\ttitle\t{got:?}\t{want:?}", p.set, p.page);
            }
        }
        if let Some(want) = p.authors.as_ref().filter(|w| !author_words(w).is_empty()) {
            let got: Vec<String> = a.author.iter().cloned().collect();
            let right = author_words(&got) == author_words(want);
            f.authors.1 += 1;
            f.authors.0 += usize::from(right);
            if !right && show {
                eprintln!("{}\t{}\tauthor\t{got:?}\t{want:?}", p.set, p.page);
            }
        }
        if let Some((day, offset)) = p.date.as_deref().and_then(expected_day) {
            f.dates += 1;
            let got = a
                .published
                .map(|d| match offset.and_then(FixedOffset::east_opt) {
                    Some(o) => d.with_timezone(&o).date_naive(),
                    None => d.date_naive(),
                });
            match got {
                Some(g) if g == day => f.dates_right += 1,
                Some(_) => f.dates_wrong += 1,
                None => f.dates_none += 1,
            }
            if got != Some(day) && show {
                let got = a.published.map(|d| d.to_rfc3339());
                eprintln!("{}\t{}\tdate\t{got:?}\t{:?}", p.set, p.page, p.date);
            }
        }
    }
    f
}

/// `(title, author, date)` floors in percent, and the most wrong dates.
fn check(f: &Figures, floors: (f64, f64, f64), wrong_at_most: f64) {
    let (title, author, date) = floors;
    assert!(f.title() >= title, "titles {:.1}% < {title}%", f.title());
    assert!(
        f.author() >= author,
        "authors {:.1}% < {author}%",
        f.author()
    );
    assert!(f.date() >= date, "dates {:.1}% < {date}%", f.date());
    assert!(
        f.wrong_date() <= wrong_at_most,
        "wrong dates {:.1}% > {wrong_at_most}%",
        f.wrong_date()
    );
}

#[test]
fn labelled_fundus_pages() {
    let pages = fundus_pages();
    assert_eq!(pages.len(), 258);
    let f = measure(&pages);
    // Reached: titles 82.2%, authors 90.5%, dates 99.2% right and none
    // wrong. Most title misses are another headline the page gives the
    // same article (og:title, JSON-LD's, the <h1> disagree); see
    // BENCHMARKS.md.
    check(&f, (82.0, 90.0, 97.5), 1.0);
    // The article's own headline as the page states it (the issue's
    // definition of a right title): 256 of 258, 99.2%.
    assert!(
        f.own_headline() >= 98.5,
        "the article's own headline {:.1}% < 98.5%",
        f.own_headline()
    );
}

#[test]
fn labelled_readability_pages() {
    let pages = readability_pages();
    assert!(pages.len() >= 130, "{} readability pages", pages.len());
    let f = measure(&pages);
    // Reached: titles 97.6%, authors 95.9%, dates 100% right, above the
    // goals (95%, 90%, 92% with at most 3% wrong).
    check(&f, (97.0, 95.5, 97.0), 3.0);
}
