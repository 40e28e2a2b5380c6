//! The world map: an SVG drawn on the server from country outlines shipped
//! with the program (Natural Earth 1:110m, public domain, in the Equal Earth
//! projection; `search-api/data/map/`, compiled in, so no tile server, no
//! network), each country shaded by its count in a few steps of one colour
//! scale and linking to its page, cities as circles sized by their count.
//!
//! The SVG is one labelled group (`role="group"` with a `<title>` and a
//! `<desc>`: not `img`, whose children are presentational, since the
//! countries are links a keyboard reaches), readable without JavaScript,
//! and a page that shows it must also give its data as text: a table of
//! the countries and their counts beside it. A
//! country too small to outline at this scale (Singapore, Malta, an
//! island state) is a ringed dot of its step's colour where it has a
//! count; the few without even a position (tiny territories) are in that
//! table only.

use std::sync::OnceLock;

use maud::{html, Markup};

/// One line per ISO 3166-1 country: code, names (en, fr, es, ko), outline.
const COUNTRIES: &str = include_str!("../../data/map/countries.tsv");

/// The projection's width; `build_countries.js` uses the same.
const WIDTH: f64 = 1000.0;
/// The drawn band of latitudes: the northern tip of Greenland to 60° S.
const NORTH: f64 = 84.0;
const SOUTH: f64 = -60.0;
/// The largest city's radius, in the map's units.
const CITY_MAX_RADIUS: f64 = 14.0;

/// The colour steps, light to dark (a blue-green scale; each step differs
/// from the next and from the empty countries' grey).
const STEPS: [&str; 5] = ["#c6e8d9", "#7cc8b4", "#3a9e98", "#1f6f8b", "#153e75"];
/// Countries without any.
const EMPTY: &str = "#e4e4e4";
/// Countries too small to outline: a dot of their step's colour, ringed.
const SMALL_RADIUS: f64 = 4.0;
const SMALL_RING: &str = "#3d4650";
/// Cities' dots.
const CITY: &str = "#b3261e";

/// A country on the map: its code (ISO 3166-1 alpha-2, upper case), its
/// count, and where it links to.
#[derive(Debug, Clone)]
pub struct MapCountry {
    pub code: String,
    pub count: usize,
    pub href: String,
}

/// A city marked on the map, at its gazetteer coordinates.
#[derive(Debug, Clone)]
pub struct MapCity {
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub count: usize,
    pub href: Option<String>,
}

/// The map's title and description (for `<title>` and `<desc>`), and the
/// language of the country names and of its own words.
#[derive(Debug, Clone, Copy)]
pub struct MapLabels<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub lang: &'a str,
}

/// What the counts count, for the countries' and cities' titles and the
/// legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Practices,
    Items,
}

/// The map of practices: [`world_map_of`] counting practices.
pub fn world_map(countries: &[MapCountry], cities: &[MapCity], labels: &MapLabels) -> Markup {
    world_map_of(countries, cities, labels, Counted::Practices)
}

/// The map, its counts being `counted`. Codes the map does not know are
/// left out; a country listed twice counts once per listing, the first
/// listing's link kept.
pub fn world_map_of(
    countries: &[MapCountry],
    cities: &[MapCity],
    labels: &MapLabels,
    counted: Counted,
) -> Markup {
    let words = Words::of(labels.lang);
    let mut counts: Vec<(&'static Outline, usize, &str)> = Vec::new();
    for c in countries {
        let Some(outline) = outline(&c.code) else {
            continue;
        };
        match counts.iter_mut().find(|(o, _, _)| o.code == outline.code) {
            Some(entry) => entry.1 += c.count,
            None => counts.push((outline, c.count, &c.href)),
        }
    }
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0);
    let scale = Scale::new(max);
    let max_city = cities.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let top = project(NORTH, 0.0).1.floor();
    let bottom = project(SOUTH, 0.0).1.ceil();
    let view_box = format!("0 {top} {WIDTH} {}", bottom - top);
    let id = element_id(labels);
    html! {
        figure.world-map {
            svg viewBox=(view_box) width="100%" role="group" aria-labelledby={ (id) "-title " (id) "-desc" } lang=(labels.lang) {
                title id={ (id) "-title" } { (labels.title) }
                desc id={ (id) "-desc" } { (labels.description) }
                g.countries stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round" {
                    @for outline in all_outlines() {
                        @let name = outline.name(labels.lang);
                        @match counts.iter().find(|(o, _, _)| o.code == outline.code).filter(|c| c.1 > 0) {
                            Some((_, count, href)) => {
                                a href=(href) data-code=(outline.code) {
                                    path d=(outline.path) fill=(scale.colour(*count)) {
                                        title { (words.count_title(name, *count, counted)) }
                                    }
                                }
                            }
                            None => {
                                path d=(outline.path) fill=(EMPTY) data-code=(outline.code) {
                                    title { (name) }
                                }
                            }
                        }
                    }
                }
                g.small-countries stroke=(SMALL_RING) stroke-width="1" {
                    @for (outline, count, href, (x, y)) in counts.iter().filter(|c| c.1 > 0).filter_map(|(o, n, h)| Some((o, n, h, o.marker?))) {
                        a href=(href) data-code=(outline.code) {
                            circle cx=(x) cy=(y) r=(SMALL_RADIUS) fill=(scale.colour(*count)) {
                                title { (words.count_title(outline.name(labels.lang), *count, counted)) }
                            }
                        }
                    }
                }
                g.cities fill=(CITY) fill-opacity="0.85" stroke="#ffffff" stroke-width="0.8" {
                    @for city in cities.iter().filter(|c| c.count > 0 && c.lat.is_finite() && c.lon.is_finite()) {
                        @let (x, y) = project(city.lat.clamp(-90.0, 90.0), city.lon.clamp(-180.0, 180.0));
                        @let r = 2.0 + (CITY_MAX_RADIUS - 2.0) * (city.count as f64 / max_city as f64).sqrt();
                        @let circle = html! {
                            circle cx=(round1(x)) cy=(round1(y)) r=(round1(r)) data-country=(city.country) {
                                title { (words.count_title(&city.name, city.count, counted)) }
                            }
                        };
                        @match &city.href {
                            Some(href) => a href=(href) { (circle) },
                            None => (circle),
                        }
                    }
                }
            }
            figcaption {
                ul.map-legend {
                    li { (swatch(EMPTY)) " " (words.none) }
                    @for (colour, range) in scale.legend() {
                        li { (swatch(colour)) " " (range) }
                    }
                    li.unit { "(" (words.unit(counted)) ")" }
                }
            }
        }
    }
}

/// The prefix of the map's element ids, from its title and description, so
/// that two maps on one page (of different titles) keep their own labels.
fn element_id(labels: &MapLabels) -> String {
    // FNV-1a, 32 bits: short, stable, no dependency.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in labels
        .title
        .bytes()
        .chain([0])
        .chain(labels.description.bytes())
    {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("map-{hash:08x}")
}

/// A small square of `colour`, for legends (hidden from screen readers:
/// the legend's words say it).
pub(crate) fn swatch(colour: &str) -> Markup {
    html! {
        svg.swatch width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" {
            rect width="14" height="14" fill=(colour) stroke="#767676" stroke-width="1" {}
        }
    }
}

/// `v` to one decimal, for coordinates.
pub(crate) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The country's name in `lang` (`en`, `fr`, `es`, `ko`; English for any
/// other), from CLDR-derived names shipped with the outlines. `None` for a
/// code that is not an ISO 3166-1 alpha-2 code (in either case).
pub fn country_name(code: &str, lang: &str) -> Option<&'static str> {
    outline(code).map(|o| o.name(lang))
}

/// Every ring of every country's outline, in the coordinates of
/// [`project`] (x from 0 to 1000, y growing southwards), for a drawing
/// other than the SVG (the transfer kits' PDF).
pub fn outline_rings() -> &'static [Vec<(f64, f64)>] {
    static RINGS: OnceLock<Vec<Vec<(f64, f64)>>> = OnceLock::new();
    RINGS.get_or_init(|| {
        let mut rings = Vec::new();
        for o in all_outlines() {
            for part in o.path.split('M').map(|p| p.trim_end_matches('Z').trim()) {
                let ring: Vec<(f64, f64)> = part
                    .split_whitespace()
                    .filter_map(|pair| {
                        let (x, y) = pair.split_once(',')?;
                        Some((x.parse().ok()?, y.trim_end_matches('Z').parse().ok()?))
                    })
                    .collect();
                if ring.len() >= 3 {
                    rings.push(ring);
                }
            }
        }
        rings
    })
}

/// Where (lat, lon) in degrees falls on the map: x from 0 to 1000 (west to
/// east), y growing southwards, in the Equal Earth projection
/// (Šavrič, Patterson and Jenny, 2018).
pub fn project(lat: f64, lon: f64) -> (f64, f64) {
    let (x, y) = equal_earth(lon, lat);
    let x_max = equal_earth(180.0, 0.0).0;
    let y_max = equal_earth(0.0, 90.0).1;
    let scale = WIDTH / (2.0 * x_max);
    (WIDTH / 2.0 + scale * x, scale * (y_max - y))
}

fn equal_earth(lon: f64, lat: f64) -> (f64, f64) {
    const A1: f64 = 1.340264;
    const A2: f64 = -0.081106;
    const A3: f64 = 0.000893;
    const A4: f64 = 0.003796;
    let m = 3f64.sqrt() / 2.0;
    let l = lon.to_radians();
    let t = (m * lat.to_radians().sin()).asin();
    let t2 = t * t;
    let t6 = t2 * t2 * t2;
    let x = l * t.cos() / (m * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    let y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    (x, y)
}

/// A country of the shipped file.
#[derive(Debug)]
struct Outline {
    code: &'static str,
    /// en, fr, es, ko.
    names: [&'static str; 4],
    /// The SVG path (empty for a country too small for the scale).
    path: &'static str,
    /// Where a country too small to outline is marked, if known.
    marker: Option<(f64, f64)>,
}

impl Outline {
    fn name(&self, lang: &str) -> &'static str {
        let i = match lang.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => 1,
            Some("es") => 2,
            Some("ko") => 3,
            _ => 0,
        };
        Some(self.names[i])
            .filter(|n| !n.is_empty())
            .unwrap_or(self.names[0])
    }

    /// The outline's bounds: (min x, min y, max x, max y).
    #[cfg(test)]
    fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let numbers: Vec<f64> = self
            .path
            .split(['M', 'Z', ' ', ','])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        let mut bounds: Option<(f64, f64, f64, f64)> = None;
        for pair in numbers.chunks_exact(2) {
            let (x, y) = (pair[0], pair[1]);
            bounds = Some(match bounds {
                None => (x, y, x, y),
                Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
            });
        }
        bounds
    }
}

/// Every country with an outline, in code order.
fn all_outlines() -> impl Iterator<Item = &'static Outline> {
    outlines().iter().filter(|o| !o.path.is_empty())
}

fn outlines() -> &'static [Outline] {
    static OUTLINES: OnceLock<Vec<Outline>> = OnceLock::new();
    OUTLINES.get_or_init(|| {
        let mut v: Vec<Outline> = COUNTRIES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|line| {
                let mut f = line.split('\t');
                Some(Outline {
                    code: f.next()?,
                    names: [f.next()?, f.next()?, f.next()?, f.next()?],
                    path: f.next().unwrap_or(""),
                    marker: f.next().and_then(|m| {
                        let (x, y) = m.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    }),
                })
            })
            .collect();
        v.sort_by(|a, b| a.code.cmp(b.code));
        v
    })
}

fn outline(code: &str) -> Option<&'static Outline> {
    let code = code.trim().to_ascii_uppercase();
    let all = outlines();
    all.binary_search_by(|o| o.code.cmp(code.as_str()))
        .ok()
        .map(|i| &all[i])
}

/// The colour steps for counts from 1 to `max`: each step's upper bound,
/// growing geometrically so that one large country does not leave all the
/// others in the lightest step.
struct Scale {
    uppers: Vec<usize>,
}

impl Scale {
    fn new(max: usize) -> Scale {
        let n = STEPS.len();
        let mut uppers: Vec<usize> = Vec::new();
        for i in 1..=n {
            let bound = (max as f64).powf(i as f64 / n as f64).ceil() as usize;
            let floor = uppers.last().map_or(1, |u| u + 1);
            if bound >= floor {
                uppers.push(bound.min(max));
            }
        }
        uppers.dedup();
        if uppers.last() != Some(&max) && max > 0 {
            uppers.push(max);
        }
        Scale { uppers }
    }

    /// The step a count falls in; the steps used spread over the scale,
    /// the darkest for the largest.
    fn step(&self, count: usize) -> usize {
        let i = self
            .uppers
            .iter()
            .position(|&u| count <= u)
            .unwrap_or(self.uppers.len().saturating_sub(1));
        let used = self.uppers.len().max(1);
        // With fewer steps than colours, skip colours evenly, ending on the darkest.
        (STEPS.len() - used) + i
    }

    fn colour(&self, count: usize) -> &'static str {
        STEPS[self.step(count).min(STEPS.len() - 1)]
    }

    /// Each step's colour and range, e.g. ("#…", "2–4").
    fn legend(&self) -> Vec<(&'static str, String)> {
        let mut low = 1;
        self.uppers
            .iter()
            .map(|&u| {
                let range = if u == low {
                    u.to_string()
                } else {
                    format!("{low}–{u}")
                };
                low = u + 1;
                (self.colour(u), range)
            })
            .collect()
    }
}

/// The map's own words, per language.
struct Words {
    lang: &'static str,
    none: &'static str,
    practice: (&'static str, &'static str),
    item: (&'static str, &'static str),
}

impl Words {
    fn of(lang: &str) -> &'static Words {
        match lang.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => &Words {
                lang: "fr",
                none: "aucune",
                practice: ("pratique", "pratiques"),
                item: ("article", "articles"),
            },
            Some("es") => &Words {
                lang: "es",
                none: "ninguna",
                practice: ("práctica", "prácticas"),
                item: ("artículo", "artículos"),
            },
            Some("ko") => &Words {
                lang: "ko",
                none: "없음",
                practice: ("사례", "사례"),
                item: ("항목", "항목"),
            },
            _ => &Words {
                lang: "en",
                none: "none",
                practice: ("practice", "practices"),
                item: ("item", "items"),
            },
        }
    }

    fn unit(&self, counted: Counted) -> &'static str {
        match counted {
            Counted::Practices => self.practice.1,
            Counted::Items => self.item.1,
        }
    }

    /// "France: 12 practices", in the language's way.
    fn count_title(&self, name: &str, count: usize, counted: Counted) -> String {
        let (one, many) = match counted {
            Counted::Practices => self.practice,
            Counted::Items => self.item,
        };
        let noun = if count == 1 { one } else { many };
        match self.lang {
            "fr" => format!("{name}\u{a0}: {count} {noun}"),
            "ko" => format!("{name}: {noun} {count}건"),
            _ => format!("{name}: {count} {noun}"),
        }
    }
}

#[cfg(test)]
mod tests;
