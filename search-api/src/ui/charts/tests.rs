//! Tests of the charts' SVG: each segment with its count and link, the text
//! alternatives (title, description, legend, table), escaping, the months
//! and weeks drawn, and the practice records counted by month.

use std::collections::BTreeMap;

use super::*;

fn months(data: &[(&str, &[(&str, u64)])]) -> BTreeMap<String, BTreeMap<String, u64>> {
    data.iter()
        .map(|(m, counts)| {
            (
                m.to_string(),
                counts.iter().map(|(v, n)| (v.to_string(), *n)).collect(),
            )
        })
        .collect()
}

fn label(value: &str) -> String {
    format!("Theme {value}")
}

fn href(month: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("/?q=coop&month={month}&theme={v}"),
        None => format!("/?q=coop&month={month}"),
    }
}

/// The `<a>` of the segment of `month` and `value`, as written.
fn segment<'a>(svg: &'a str, month: &str, value: &str) -> Option<&'a str> {
    let at = svg.find(&format!("data-month=\"{month}\" data-value=\"{value}\""))?;
    let open = svg[..at].rfind("<a ")?;
    let end = at + svg[at..].find("</a>")?;
    Some(&svg[open..end])
}

#[test]
fn each_segment_links_to_its_month_and_value_with_its_count() {
    let data = months(&[
        ("2024-05", &[("T1", 3), ("T2", 1), ("other", 2)]),
        ("2024-07", &[("T2", 4)]),
    ]);
    let svg = stacked_months(&EN, Counted::Items, "theme", &data, label, href).into_string();
    let t1 = segment(&svg, "2024-05", "T1").expect("a T1 segment in May");
    assert!(
        t1.starts_with("<a href=\"/?q=coop&amp;month=2024-05&amp;theme=T1\""),
        "{t1}"
    );
    assert!(
        t1.contains("<title>2024-05 · Theme T1: 3 items</title>"),
        "{t1}"
    );
    let t2 = segment(&svg, "2024-07", "T2").unwrap();
    assert!(t2.contains("<title>2024-07 · Theme T2: 4 items</title>"));
    // "other" narrows to the month alone.
    let other = segment(&svg, "2024-05", "other").unwrap();
    assert!(
        other.starts_with("<a href=\"/?q=coop&amp;month=2024-05\""),
        "{other}"
    );
    assert!(other.contains("· other: 2 items"));
    // June has no match: no segment, but its place on the axis (the months
    // between are drawn, empty), and nothing for a value a month lacks.
    assert!(!svg.contains("data-month=\"2024-06\""));
    assert!(segment(&svg, "2024-07", "T1").is_none());
    assert_eq!(svg.matches("data-month=").count(), 4);
    // A taller count is a taller segment: T2's 4 in July against T1's 3 in May.
    let height = |a: &str| -> f64 {
        let h = a.find("height=\"").unwrap() + 8;
        a[h..h + a[h..].find('"').unwrap()].parse().unwrap()
    };
    assert!(height(t2) > height(t1));
    assert!(height(t1) > height(other));
}

#[test]
fn the_chart_has_a_title_a_description_a_legend_and_its_figures_as_a_table() {
    let data = months(&[
        ("2024-05", &[("T1", 3), ("other", 2)]),
        ("2024-06", &[("T1", 1)]),
    ]);
    let html = stacked_months(&FR, Counted::Items, "theme", &data, label, href).into_string();
    assert!(html.contains("role=\"img\""));
    assert!(
        html.contains(
            "<title id=\"stacked-items-title\">Articles par mois · Répartis par thème</title>"
        ),
        "{html}"
    );
    assert!(html.contains("<desc id=\"stacked-items-desc\">Barres empilées"));
    // Legend: the series in order, "other" last.
    let legend = &html[html.find("chart-legend").unwrap()..html.find("</ul>").unwrap()];
    assert!(legend.find("Theme T1").unwrap() < legend.find("autres").unwrap());
    // The table: one row per month, its cells linking like the segments.
    let table = &html[html.find("<details").unwrap()..];
    assert!(table.contains("<summary>Les chiffres en tableau</summary>"));
    assert!(table.contains("<th scope=\"row\">2024-05</th>"));
    assert!(
        table.contains("<a href=\"/?q=coop&amp;month=2024-05&amp;theme=T1\">3</a>"),
        "{table}"
    );
    assert!(table.contains("<th scope=\"row\">2024-06</th><td class=\"num\"><a href=\"/?q=coop&amp;month=2024-06&amp;theme=T1\">1</a></td><td class=\"num\">0</td><td class=\"num\">1</td>"), "{table}");
}

#[test]
fn values_and_labels_are_escaped() {
    let data = months(&[("2024-05", &[("<script>alert(1)</script>", 2)])]);
    let html =
        stacked_months(&EN, Counted::Items, "lang", &data, |v| v.to_string(), href).into_string();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn no_dated_match_says_so_instead_of_an_empty_chart() {
    let html =
        stacked_months(&ES, Counted::Items, "theme", &BTreeMap::new(), label, href).into_string();
    assert!(html.contains("Ningún artículo encontrado tiene fecha"));
    assert!(!html.contains("<svg"));
}

#[test]
fn only_the_latest_months_are_drawn() {
    let data = months(&[("2019-01", &[("T1", 1)]), ("2024-12", &[("T1", 1)])]);
    let svg = stacked_months(&EN, Counted::Items, "theme", &data, label, href).into_string();
    assert!(svg.contains("data-month=\"2024-12\""));
    assert!(!svg.contains("data-month=\"2019-01\""));
    let first_shown = "2022-01";
    assert!(
        svg.contains(&format!("<th scope=\"row\">{first_shown}</th>")),
        "{MAX_MONTHS} months end in 2024-12"
    );
    assert!(!svg.contains("<th scope=\"row\">2021-12</th>"));
}

#[test]
fn a_month_is_its_first_to_its_last_day() {
    assert_eq!(
        month_bounds("2024-02"),
        Some(("2024-02-01".to_string(), "2024-02-29".to_string()))
    );
    assert_eq!(
        month_bounds("2023-12"),
        Some(("2023-12-01".to_string(), "2023-12-31".to_string()))
    );
    assert_eq!(month_bounds("2023-13"), None);
    assert_eq!(month_bounds("soon"), None);
}

#[test]
fn the_axis_ends_on_a_round_number() {
    assert_eq!(axis_top(3), 3);
    assert_eq!(axis_top(7), 8);
    assert_eq!(axis_top(12), 20);
    assert_eq!(axis_top(42), 50);
    assert_eq!(axis_top(230), 250);
    assert_eq!(axis_top(1000), 1000);
}

fn week(day: u32, items: u64, approvals: u64) -> SourceWeek {
    SourceWeek {
        source_id: "ripess".into(),
        week: NaiveDate::from_ymd_opt(2024, 5, day).unwrap(),
        items,
        approvals,
    }
}

#[test]
fn a_sources_weeks_are_pairs_of_bars_with_their_table() {
    let weeks = [week(6, 4, 0), week(13, 0, 0), week(20, 8, 2)];
    let html = weekly_pairs(&EN, "s3", "RIPESS <Europe>", &weeks).into_string();
    assert!(html.contains(r#"aria-labelledby="weekly-s3-title weekly-s3-desc""#));
    assert!(html.contains("<title id=\"weekly-s3-title\">RIPESS &lt;Europe&gt;: New items and approvals per week</title>"), "{html}");
    assert!(html.contains("<title>Week of 2024-05-06: 4 new items</title>"));
    assert!(html.contains("<title>Week of 2024-05-20: 8 new items</title>"));
    assert!(html.contains("<title>Week of 2024-05-20: 2 approved</title>"));
    // No bar for nothing; the eight items' bar is twice the four's.
    assert_eq!(html.matches("<rect class=\"items\"").count(), 2);
    assert_eq!(html.matches("<rect class=\"approvals\"").count(), 1);
    let height = |title: &str| -> f64 {
        let at = html.find(title).unwrap();
        let rect = &html[html[..at].rfind("<rect").unwrap()..at];
        let h = rect.find(" height=\"").unwrap() + 9;
        rect[h..h + rect[h..].find('"').unwrap()].parse().unwrap()
    };
    let (four, eight) = (height("2024-05-06: 4 new"), height("2024-05-20: 8 new"));
    assert!((eight - 2.0 * four).abs() < 0.2, "{four} {eight}");
    // The table: every week, zeros included.
    assert!(html.contains(
        r#"<tr><th scope="row">2024-05-13</th><td class="num">0</td><td class="num">0</td></tr>"#
    ));
    assert!(html.contains(
        r#"<tr><th scope="row">2024-05-20</th><td class="num">8</td><td class="num">2</td></tr>"#
    ));
}

#[test]
fn the_last_weeks_end_with_this_one_and_fill_the_quiet_ones() {
    let wednesday = NaiveDate::from_ymd_opt(2024, 5, 22).unwrap();
    let mondays = last_weeks(wednesday);
    assert_eq!(mondays.len(), WEEKS);
    assert_eq!(
        mondays[WEEKS - 1],
        NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()
    );
    assert_eq!(mondays[0], NaiveDate::from_ymd_opt(2024, 3, 4).unwrap());
    let activity = [
        week(20, 8, 2),
        SourceWeek {
            source_id: "other".into(),
            ..week(13, 5, 5)
        },
    ];
    let weeks = weeks_of("ripess", &mondays, &activity);
    assert_eq!(weeks.len(), WEEKS);
    assert_eq!(weeks[WEEKS - 1], week(20, 8, 2));
    assert_eq!(
        weeks[WEEKS - 2],
        week(13, 0, 0),
        "another source's week is not this one's"
    );
}

#[test]
fn every_svg_element_is_closed_as_html_needs() {
    let data = months(&[("2024-05", &[("T1", 3)])]);
    let stacked = stacked_months(&EN, Counted::Items, "theme", &data, label, href).into_string();
    let weekly = weekly_pairs(&EN, "s1", "x", &[week(20, 8, 2)]).into_string();
    for html in [stacked, weekly] {
        for element in ["line", "rect"] {
            let open = html.matches(&format!("<{element} ")).count();
            assert!(open > 0);
            assert_eq!(
                open,
                html.matches(&format!("</{element}>")).count(),
                "{element} in {html}"
            );
        }
    }
}

fn practice(id: &str, made: &str, themes: &[&str], countries: &[&str]) -> Practice {
    use veille_store::{PracticeDraft, PracticePlace};
    Practice {
        id: id.into(),
        version: 1,
        record: PracticeDraft {
            name: format!("Practice {id}"),
            themes: themes.iter().map(|t| t.to_string()).collect(),
            places: countries
                .iter()
                .map(|c| PracticePlace {
                    name: "somewhere".into(),
                    country: Some(c.to_string()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        },
        languages: vec!["fr".into()],
        created_at: made.parse().unwrap(),
        updated_at: made.parse().unwrap(),
        created_by: "ana".into(),
    }
}

#[test]
fn practices_are_counted_by_the_month_of_their_making_within_the_dates() {
    let practices = [
        practice("1", "2024-05-02T10:00:00Z", &["T1", "T2"], &["FR", "FR"]),
        practice("2", "2024-05-30T10:00:00Z", &["T1"], &["ES"]),
        practice("3", "2024-07-01T10:00:00Z", &["T3"], &[]),
        practice("4", "2023-01-01T10:00:00Z", &["T1"], &["FR"]),
    ];
    let from = Some("2024-01-01T00:00:00+00:00".parse().unwrap());
    let by = practice_months(&practices, from, None);
    assert_eq!(
        by.theme,
        months(&[
            ("2024-05", &[("T1", 2), ("T2", 1)]),
            ("2024-07", &[("T3", 1)])
        ])
    );
    // A country counts once per practice, however many places it has there.
    assert_eq!(
        by.country,
        months(&[("2024-05", &[("ES", 1), ("FR", 1)]), ("2024-07", &[])])
    );
    assert_eq!(by.lang["2024-05"]["fr"], 2);
    let to = Some("2024-05-15T00:00:00+00:00".parse().unwrap());
    let by = practice_months(&practices, from, to);
    assert_eq!(by.theme, months(&[("2024-05", &[("T1", 1), ("T2", 1)])]));
    // Drawn with its own labels, so that it sits beside the items' chart.
    let html =
        stacked_months(&EN, Counted::Practices, "theme", &by.theme, label, href).into_string();
    assert!(html.contains(r#"aria-labelledby="stacked-practices-title stacked-practices-desc""#));
    assert!(
        html.contains("<title>2024-05 · Theme T1: 1 practice</title>"),
        "{html}"
    );
}
