//! The analysts' charts, drawn as SVG on the server (no script, no outside
//! library), each with its figures again as a table in a `<details>`:
//! - [`stacked_months`]: matches per month, each bar split by the values
//!   of one field (the index's `histogram_by`), each segment a link that
//!   narrows the search to its month and value; and practice records per
//!   month, counted the same way by [`practice_months`];
//! - [`weekly_pairs`]: a source's new items and approvals per week, side
//!   by side.
//!
//! The charts' texts are here, per language, like the collection point's.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use maud::{html, Markup};
use veille_indexer::search::{keep_top_values, HistogramBy, OTHER};
use veille_store::{week_of, Practice, SourceWeek};

use super::i18n::UiLang;
use super::map::{round1, swatch, Counted};

/// Bars drawn at most: the latest months of the search.
pub const MAX_MONTHS: usize = 36;

/// The series' colours, in order, then `other` (Okabe and Ito's palette,
/// told apart with the common colour-vision deficiencies).
const SERIES: [&str; 5] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"];
const OTHER_COLOUR: &str = "#8c8c8c";
/// Axis and grid.
const INK: &str = "#3d4650";
const GRID: &str = "#d8dee4";

/// The plot's size, in the SVG's units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 28.0;

/// The charts' texts.
pub struct Texts {
    pub charts: &'static str,
    pub items_per_month: &'static str,
    pub practices_per_month: &'static str,
    pub split_by: &'static str,
    pub by_theme: &'static str,
    pub by_lang: &'static str,
    pub by_country: &'static str,
    pub other: &'static str,
    pub month: &'static str,
    pub week: &'static str,
    pub total: &'static str,
    pub as_table: &'static str,
    /// "{by}" is replaced by the field's name.
    pub stacked_description: &'static str,
    /// "{by}" is replaced by the field's name.
    pub practices_description: &'static str,
    pub no_dates: &'static str,
    pub item: &'static str,
    pub items: &'static str,
    pub practice: &'static str,
    pub practices: &'static str,
    pub map_title: &'static str,
    pub map_description: &'static str,
    pub country: &'static str,
    pub last_weeks: &'static str,
    pub weekly_title: &'static str,
    pub weekly_description: &'static str,
    pub new_items: &'static str,
    pub approvals: &'static str,
}

impl Texts {
    /// "3 items", "1 practice".
    pub fn count(&self, n: u64, counted: Counted) -> String {
        let (one, many) = match counted {
            Counted::Items => (self.item, self.items),
            Counted::Practices => (self.practice, self.practices),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }

    fn field(&self, key: &str) -> &'static str {
        match key {
            "lang" => self.by_lang,
            "country" => self.by_country,
            _ => self.by_theme,
        }
    }
}

pub fn texts(lang: UiLang) -> &'static Texts {
    match lang {
        UiLang::En => &EN,
        UiLang::Fr => &FR,
        UiLang::Es => &ES,
    }
}

const EN: Texts = Texts {
    charts: "Charts",
    items_per_month: "Items per month",
    practices_per_month: "Practices per month",
    split_by: "Split by",
    by_theme: "theme",
    by_lang: "language",
    by_country: "country",
    other: "other",
    month: "Month",
    week: "Week of",
    total: "Total",
    as_table: "The figures as a table",
    stacked_description: "Stacked bars: the matching items per month of publication, split by {by}. Each segment links to the search narrowed to its month and value.",
    practices_description: "Stacked bars: the practice records per month of their making, split by {by}, with the search's theme, language, country and dates. Each segment links to the search narrowed to its month and value.",
    no_dates: "No matching item has a publication date.",
    item: "item",
    items: "items",
    practice: "practice",
    practices: "practices",
    map_title: "Items by country",
    map_description: "World map: each country shaded by its number of matching items, linking to the search narrowed to it.",
    country: "Country",
    last_weeks: "Last 12 weeks",
    weekly_title: "New items and approvals per week",
    weekly_description: "Bars per week over the last 12 weeks: the items first seen, beside the items approved.",
    new_items: "new items",
    approvals: "approved",
};

const FR: Texts = Texts {
    charts: "Graphiques",
    items_per_month: "Articles par mois",
    practices_per_month: "Pratiques par mois",
    split_by: "Répartis par",
    by_theme: "thème",
    by_lang: "langue",
    by_country: "pays",
    other: "autres",
    month: "Mois",
    week: "Semaine du",
    total: "Total",
    as_table: "Les chiffres en tableau",
    stacked_description: "Barres empilées : les articles trouvés par mois de publication, répartis par {by}. Chaque segment mène à la recherche restreinte à son mois et à sa valeur.",
    practices_description: "Barres empilées : les fiches de pratique par mois de création, réparties par {by}, avec le thème, la langue, le pays et les dates de la recherche. Chaque segment mène à la recherche restreinte à son mois et à sa valeur.",
    no_dates: "Aucun article trouvé n’a de date de publication.",
    item: "article",
    items: "articles",
    practice: "pratique",
    practices: "pratiques",
    map_title: "Articles par pays",
    map_description: "Carte du monde : chaque pays est teinté selon son nombre d’articles trouvés et mène à la recherche restreinte à ce pays.",
    country: "Pays",
    last_weeks: "12 dernières semaines",
    weekly_title: "Nouveaux articles et approbations par semaine",
    weekly_description: "Barres par semaine sur les 12 dernières semaines : les articles vus pour la première fois, à côté des articles approuvés.",
    new_items: "nouveaux articles",
    approvals: "approuvés",
};

const ES: Texts = Texts {
    charts: "Gráficos",
    items_per_month: "Artículos por mes",
    practices_per_month: "Prácticas por mes",
    split_by: "Divididos por",
    by_theme: "tema",
    by_lang: "idioma",
    by_country: "país",
    other: "otros",
    month: "Mes",
    week: "Semana del",
    total: "Total",
    as_table: "Las cifras en una tabla",
    stacked_description: "Barras apiladas: los artículos encontrados por mes de publicación, divididos por {by}. Cada segmento lleva a la búsqueda limitada a su mes y valor.",
    practices_description: "Barras apiladas: las fichas de práctica por mes de creación, divididas por {by}, con el tema, el idioma, el país y las fechas de la búsqueda. Cada segmento lleva a la búsqueda limitada a su mes y valor.",
    no_dates: "Ningún artículo encontrado tiene fecha de publicación.",
    item: "artículo",
    items: "artículos",
    practice: "práctica",
    practices: "prácticas",
    map_title: "Artículos por país",
    map_description: "Mapa del mundo: cada país sombreado según su número de artículos encontrados, con enlace a la búsqueda limitada a él.",
    country: "País",
    last_weeks: "Últimas 12 semanas",
    weekly_title: "Artículos nuevos y aprobaciones por semana",
    weekly_description: "Barras por semana en las últimas 12 semanas: los artículos vistos por primera vez, junto a los aprobados.",
    new_items: "artículos nuevos",
    approvals: "aprobados",
};

/// The first and last day of month `"YYYY-MM"`, as `YYYY-MM-DD`.
pub fn month_bounds(month: &str) -> Option<(String, String)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let last = next - Duration::days(1);
    Some((first.to_string(), last.to_string()))
}

/// Every month from the first to the last of `months`, the latest
/// [`MAX_MONTHS`] of them.
fn month_range<V>(months: &BTreeMap<String, V>) -> Vec<String> {
    let parse = |m: &String| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(first), Some(last)) = (
        months.keys().find_map(parse),
        months.keys().rev().find_map(parse),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut month = last;
    while month >= first && out.len() < MAX_MONTHS {
        out.push(format!("{:04}-{:02}", month.year(), month.month()));
        match month.checked_sub_months(chrono::Months::new(1)) {
            Some(m) => month = m,
            None => break,
        }
    }
    out.reverse();
    out
}

/// A round number at least `max`, for the top of an axis: 1, 2, 2.5, 3,
/// 4, 5, 6 or 8 times a power of ten.
fn axis_top(max: u64) -> u64 {
    if max <= 4 {
        return max.max(1);
    }
    let magnitude = 10u64.pow(max.ilog10());
    [10, 20, 25, 30, 40, 50, 60, 80, 100]
        .into_iter()
        .filter(|tenths| magnitude >= 10 || tenths % 10 == 0)
        .map(|tenths| magnitude * tenths / 10)
        .find(|top| *top >= max)
        .unwrap_or(max)
}

/// A stacked bar chart of `months` (month → value → count): one bar per
/// month, one segment per value, the values with the most matches at the
/// bottom and `other` at the top. `label` names a value; `href` is where a
/// segment (month, value) links, `None` for `other` (the month alone).
/// `key` is the field (`theme`, `lang`, `country`); `counted`, what the
/// counts count (the SVG's labels are unique per kind: a page may show
/// one chart of each).
pub fn stacked_months(
    t: &Texts,
    counted: Counted,
    key: &str,
    months: &BTreeMap<String, BTreeMap<String, u64>>,
    label: impl Fn(&str) -> String,
    href: impl Fn(&str, Option<&str>) -> String,
) -> Markup {
    let shown = month_range(months);
    // The series, by their total over the months shown, `other` last.
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for month in &shown {
        for (value, n) in months.get(month).into_iter().flatten() {
            *totals.entry(value.as_str()).or_insert(0) += n;
        }
    }
    let mut series: Vec<(&str, u64)> = totals.into_iter().collect();
    series.sort_by(|a, b| {
        (a.0 == OTHER)
            .cmp(&(b.0 == OTHER))
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(b.0))
    });
    let colour = |i: usize, value: &str| {
        if value == OTHER {
            OTHER_COLOUR
        } else {
            SERIES[i % SERIES.len()]
        }
    };
    let name = |value: &str| {
        if value == OTHER {
            t.other.to_string()
        } else {
            label(value)
        }
    };
    let count = |month: &str, value: &str| {
        months
            .get(month)
            .and_then(|c| c.get(value))
            .copied()
            .unwrap_or(0)
    };
    let month_total = |month: &str| months.get(month).map_or(0, |c| c.values().sum::<u64>());
    let max = shown.iter().map(|m| month_total(m)).max().unwrap_or(0);
    let (heading, description, id) = match counted {
        Counted::Items => (t.items_per_month, t.stacked_description, "items"),
        Counted::Practices => (t.practices_per_month, t.practices_description, "practices"),
    };
    let description = description.replace("{by}", t.field(key));
    let title_id = format!("stacked-{id}-title");
    let desc_id = format!("stacked-{id}-desc");
    if shown.is_empty() || max == 0 {
        return html! { p.chart-empty { (t.no_dates) } };
    }
    let top = axis_top(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / shown.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    let y_of = |n: u64| TOP + plot_h - plot_h * n as f64 / top as f64;
    let every = shown.len().div_ceil(8).max(1);
    let title = format!("{heading} · {} {}", t.split_by, t.field(key));
    // A month's segments, bottom up: (series, value, count, count below).
    let stack = |month: &str| {
        let mut below = 0;
        let mut out = Vec::new();
        for (s, (value, _)) in series.iter().enumerate() {
            let n = count(month, value);
            if n > 0 {
                out.push((s, *value, n, below));
                below += n;
            }
        }
        out
    };
    let segment_href = |month: &str, value: &str| href(month, (value != OTHER).then_some(value));
    html! {
        figure.chart.stacked data-chart=(key) data-counted=(id) {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width="100%" role="img" aria-labelledby={ (title_id) " " (desc_id) } {
                title id=(title_id) { (title) }
                desc id=(desc_id) { (description) }
                g.grid stroke=(GRID) stroke-width="1" {
                    @for n in [0, top / 2, top] {
                        line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(round1(y_of(n))) y2=(round1(y_of(n))) {}
                    }
                }
                g.axis fill=(INK) font-size="11" font-family="sans-serif" {
                    @for n in [0, top / 2, top] {
                        text x=(LEFT - 6.0) y=(round1(y_of(n) + 4.0)) text-anchor="end" { (n) }
                    }
                    @for (i, month) in shown.iter().enumerate() {
                        @if i % every == 0 {
                            text x=(round1(LEFT + slot * (i as f64 + 0.5))) y=(HEIGHT - 10.0) text-anchor="middle" { (month) }
                        }
                    }
                }
                g.bars {
                    @for (i, month) in shown.iter().enumerate() {
                        @let x = round1(LEFT + slot * i as f64 + (slot - bar) / 2.0);
                        @for (s, value, n, below) in stack(month) {
                            @let y = round1(y_of(below + n));
                            a href=(segment_href(month, value)) data-month=(month) data-value=(value) {
                                rect x=(x) y=(y) width=(round1(bar)) height=(round1(y_of(below) - y)) fill=(colour(s, value)) {
                                    title { (month) " · " (name(value)) ": " (t.count(n, counted)) }
                                }
                            }
                        }
                    }
                }
            }
            figcaption {
                ul.chart-legend {
                    @for (s, (value, _)) in series.iter().enumerate() {
                        li { (swatch(colour(s, value))) " " (name(value)) }
                    }
                }
                details.chart-table {
                    summary { (t.as_table) }
                    div.table-wrap {
                        table.figures {
                            caption { (title) }
                            thead { tr {
                                th scope="col" { (t.month) }
                                @for (value, _) in &series { th.num scope="col" { (name(value)) } }
                                th.num scope="col" { (t.total) }
                            } }
                            tbody {
                                @for month in &shown {
                                    tr {
                                        th scope="row" { (month) }
                                        @for (value, _) in &series {
                                            @let n = count(month, value);
                                            td.num {
                                                @if n > 0 { a href=(segment_href(month, value)) { (n) } } @else { "0" }
                                            }
                                        }
                                        td.num { (month_total(month)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Practice records per month of their making (UTC) and per theme,
/// language and country (of their places), as the index counts items
/// ([`keep_top_values`]); those made outside `from`..=`to` left out.
pub fn practice_months(
    practices: &[Practice],
    from: Option<DateTime<FixedOffset>>,
    to: Option<DateTime<FixedOffset>>,
) -> HistogramBy {
    let mut by: [BTreeMap<String, HashMap<String, u64>>; 3] = Default::default();
    for p in practices {
        if from.is_some_and(|f| p.created_at < f) || to.is_some_and(|t| p.created_at > t) {
            continue;
        }
        let month = p.created_at.format("%Y-%m").to_string();
        let mut countries: Vec<&str> = p
            .record
            .places
            .iter()
            .filter_map(|pl| pl.country.as_deref())
            .collect();
        countries.sort_unstable();
        countries.dedup();
        let values: [Vec<&str>; 3] = [
            p.record.themes.iter().map(String::as_str).collect(),
            p.languages.iter().map(String::as_str).collect(),
            countries,
        ];
        for (into, values) in by.iter_mut().zip(values) {
            let counts = into.entry(month.clone()).or_default();
            for value in values {
                *counts.entry(value.to_string()).or_insert(0) += 1;
            }
        }
    }
    let [theme, lang, country] = by.map(keep_top_values);
    HistogramBy {
        theme,
        lang,
        country,
    }
}

/// Weeks a source's chart shows, the current one last.
pub const WEEKS: usize = 12;

/// The Mondays of the [`WEEKS`] weeks up to `today`'s, oldest first.
pub fn last_weeks(today: NaiveDate) -> Vec<NaiveDate> {
    let this = week_of(today);
    (0..WEEKS)
        .rev()
        .map(|n| this - Duration::weeks(n as i64))
        .collect()
}

/// A source's weeks: one per Monday of `mondays`, from its `activity`
/// (the store's, any source's), zero where it had none.
pub fn weeks_of(
    source_id: &str,
    mondays: &[NaiveDate],
    activity: &[SourceWeek],
) -> Vec<SourceWeek> {
    mondays
        .iter()
        .map(|&week| {
            activity
                .iter()
                .find(|a| a.source_id == source_id && a.week == week)
                .cloned()
                .unwrap_or(SourceWeek {
                    source_id: source_id.to_string(),
                    week,
                    items: 0,
                    approvals: 0,
                })
        })
        .collect()
}

/// A small chart of a source's `weeks`: per week two bars side by side,
/// new items and approvals, with the figures as a table. `id` makes the
/// SVG's labels unique on a page of many.
pub fn weekly_pairs(t: &Texts, id: &str, name: &str, weeks: &[SourceWeek]) -> Markup {
    const W: f64 = 240.0;
    const H: f64 = 64.0;
    const PAD: f64 = 2.0;
    let max = weeks
        .iter()
        .map(|w| w.items.max(w.approvals))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (W - 2.0 * PAD) / weeks.len().max(1) as f64;
    let bar = slot * 0.4;
    let height = |n: u64| (H - 2.0 * PAD) * n as f64 / max as f64;
    let title_id = format!("weekly-{id}-title");
    let desc_id = format!("weekly-{id}-desc");
    html! {
        figure.chart.weekly {
            svg viewBox={ "0 0 " (W) " " (H) } width=(W) height=(H) role="img" aria-labelledby={ (title_id) " " (desc_id) } {
                title id=(title_id) { (name) ": " (t.weekly_title) }
                desc id=(desc_id) { (t.weekly_description) }
                line x1="0" x2=(W) y1=(H - PAD) y2=(H - PAD) stroke=(GRID) stroke-width="1" {}
                @for (i, week) in weeks.iter().enumerate() {
                    @let x = PAD + slot * i as f64 + slot * 0.1;
                    @if week.items > 0 {
                        rect.items x=(round1(x)) y=(round1(H - PAD - height(week.items))) width=(round1(bar)) height=(round1(height(week.items))) fill=(SERIES[0]) {
                            title { (t.week) " " (week.week) ": " (week.items) " " (t.new_items) }
                        }
                    }
                    @if week.approvals > 0 {
                        rect.approvals x=(round1(x + bar)) y=(round1(H - PAD - height(week.approvals))) width=(round1(bar)) height=(round1(height(week.approvals))) fill=(SERIES[2]) {
                            title { (t.week) " " (week.week) ": " (week.approvals) " " (t.approvals) }
                        }
                    }
                }
            }
            figcaption {
                span.legend { (swatch(SERIES[0])) " " (t.new_items) " " (swatch(SERIES[2])) " " (t.approvals) }
                details.chart-table {
                    summary { (t.as_table) }
                    table.figures {
                        caption { (name) ": " (t.weekly_title) }
                        thead { tr { th scope="col" { (t.week) } th.num scope="col" { (t.new_items) } th.num scope="col" { (t.approvals) } } }
                        tbody {
                            @for week in weeks {
                                tr { th scope="row" { (week.week) } td.num { (week.items) } td.num { (week.approvals) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
