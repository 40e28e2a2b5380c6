//! Tests of the world map: links and titles of the countries, the shading
//! steps, cities placed by the projection inside their country, names by
//! language, escaping, and codes the map does not know.

use super::*;

fn country(code: &str, count: usize) -> MapCountry {
    MapCountry {
        code: code.to_string(),
        count,
        href: format!("/practices?country={code}"),
    }
}

const LABELS: MapLabels = MapLabels {
    title: "Practices by country",
    description: "Countries shaded by their number of practices",
    lang: "en",
};

/// The `<a>` element around the country's path, as written.
fn link_of(svg: &str, code: &str) -> Option<String> {
    let start = svg.find(&format!("data-code=\"{code}\""))?;
    let open = svg[..start].rfind('<')?;
    let end = open + svg[open..].find("</a>")?;
    Some(svg[open..end].to_string())
}

fn fill_of(svg: &str, code: &str) -> String {
    let a = link_of(svg, code).expect("linked");
    let at = a.find("fill=\"").expect("fill") + 6;
    a[at..at + 7].to_string()
}

#[test]
fn a_country_with_practices_links_to_its_page_with_its_count() {
    let svg = world_map(&[country("FR", 12)], &[], &LABELS).into_string();
    let a = link_of(&svg, "FR").expect("France is a link");
    assert!(a.starts_with("<a href=\"/practices?country=FR\""), "{a}");
    assert!(a.contains("<title>France: 12 practices</title>"), "{a}");
    assert!(svg.contains("role=\"group\""), "links inside: not an img");
    let id = element_id(&LABELS);
    assert!(svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")));
    assert!(svg.contains(&format!(
        "<title id=\"{id}-title\">Practices by country</title>"
    )));
    assert!(svg.contains(&format!(
        "<desc id=\"{id}-desc\">Countries shaded by their number of practices</desc>"
    )));
    // Another map on the page has its own labels.
    let other = MapLabels {
        title: "Items by country",
        ..LABELS
    };
    assert_ne!(element_id(&other), id);
}

#[test]
fn names_and_titles_follow_the_language() {
    let labels = MapLabels {
        lang: "fr",
        ..LABELS
    };
    let svg = world_map(&[country("ES", 1)], &[], &labels).into_string();
    assert!(
        svg.contains("<title>Espagne\u{a0}: 1 pratique</title>"),
        "{svg}"
    );
    assert_eq!(country_name("es", "es"), Some("España"));
    assert_eq!(country_name("KR", "ko"), Some("대한민국"));
    assert_eq!(country_name("DE", "pt"), Some("Germany"));
}

#[test]
fn zero_counts_are_grey_and_not_links() {
    let svg = world_map(&[country("FR", 3), country("DE", 0)], &[], &LABELS).into_string();
    assert!(link_of(&svg, "FR").is_some());
    assert!(!svg.contains("country=DE"), "a zero count is no link");
    let de = svg.find("data-code=\"DE\"").unwrap();
    let path = &svg[svg[..de].rfind("<path").unwrap()..de];
    assert!(path.contains(&format!("fill=\"{EMPTY}\"")), "{path}");
}

#[test]
fn larger_counts_are_shaded_darker() {
    let svg = world_map(
        &[country("FR", 1), country("BR", 40), country("CA", 400)],
        &[],
        &LABELS,
    )
    .into_string();
    let step = |code: &str| {
        let fill = fill_of(&svg, code);
        STEPS
            .iter()
            .position(|s| *s == fill)
            .expect("a step's colour")
    };
    assert!(
        step("FR") < step("BR"),
        "FR {} BR {}",
        step("FR"),
        step("BR")
    );
    assert!(step("BR") < step("CA"));
    // The legend gives each step's range, the last ending at the largest count.
    assert!(svg.contains("–400</li>"), "{svg}");
    assert!(svg.contains("> none</li>"));
}

#[test]
fn montreal_lands_inside_canada_and_sao_paulo_inside_brazil() {
    for (code, lat, lon) in [
        ("CA", 45.5017, -73.5673),
        ("BR", -23.55, -46.63),
        ("FR", 48.85, 2.35),
    ] {
        let (x, y) = project(lat, lon);
        let (x0, y0, x1, y1) = outline(code).and_then(Outline::bounds).expect("an outline");
        assert!(
            x0 < x && x < x1 && y0 < y && y < y1,
            "{code}: ({x}, {y}) not in {x0}..{x1}, {y0}..{y1}"
        );
    }
    // And not inside a country across the ocean.
    let (x, _) = project(45.5017, -73.5673);
    let (fr_x0, ..) = outline("FR").and_then(Outline::bounds).unwrap();
    assert!(x < fr_x0);
}

#[test]
fn cities_are_circles_sized_by_count_with_their_titles() {
    let cities = [
        MapCity {
            name: "Montréal".into(),
            country: "CA".into(),
            lat: 45.5017,
            lon: -73.5673,
            count: 9,
            href: Some("/practices?place=Montr%C3%A9al".into()),
        },
        MapCity {
            name: "Lyon".into(),
            country: "FR".into(),
            lat: 45.76,
            lon: 4.84,
            count: 1,
            href: None,
        },
    ];
    let svg = world_map(&[country("CA", 9)], &cities, &LABELS).into_string();
    assert!(
        svg.contains("<a href=\"/practices?place=Montr%C3%A9al\"><circle"),
        "{svg}"
    );
    assert!(svg.contains("<title>Montréal: 9 practices</title>"));
    assert!(svg.contains("<title>Lyon: 1 practice</title>"));
    let radius = |name: &str| -> f64 {
        let at = svg.find(&format!("<title>{name}")).unwrap();
        let c = &svg[svg[..at].rfind("<circle").unwrap()..at];
        let r = c.find(" r=\"").unwrap() + 4;
        c[r..r + c[r..].find('"').unwrap()].parse().unwrap()
    };
    assert!(radius("Montréal") > radius("Lyon"));
}

#[test]
fn unknown_codes_and_odd_values_are_left_out_without_panic() {
    let svg = world_map(
        &[
            country("ZZ", 5),
            country("", 1),
            country("FRA", 2),
            country("fr", 2),
        ],
        &[MapCity {
            name: "Nowhere".into(),
            country: "ZZ".into(),
            lat: f64::NAN,
            lon: 500.0,
            count: 1,
            href: None,
        }],
        &LABELS,
    )
    .into_string();
    assert!(!svg.contains("ZZ") && !svg.contains("FRA"));
    assert!(!svg.contains("Nowhere"));
    assert!(
        link_of(&svg, "FR").is_some(),
        "a lower-case code is still the country"
    );
    assert_eq!(country_name("ZZ", "en"), None);
    assert_eq!(country_name("", "en"), None);
    // No counts at all: a grey map and no legend steps.
    let empty = world_map(&[], &[], &LABELS).into_string();
    assert!(!empty.contains("<a "));
}

#[test]
fn what_is_written_is_escaped() {
    let labels = MapLabels {
        title: "<script>alert(1)</script>",
        description: "a & b",
        lang: "en",
    };
    let mut fr = country("FR", 2);
    fr.href = "/?q=\"><script>".into();
    let city = MapCity {
        name: "<b>Lyon</b>".into(),
        country: "FR".into(),
        lat: 45.76,
        lon: 4.84,
        count: 1,
        href: None,
    };
    let svg = world_map(&[fr], &[city], &labels).into_string();
    assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(svg.contains("&lt;b&gt;Lyon&lt;/b&gt;: 1 practice"));
}

#[test]
fn the_shipped_outlines_cover_the_world_compactly() {
    assert!(COUNTRIES.len() < 300_000, "{} bytes", COUNTRIES.len());
    let drawn = all_outlines().count();
    assert!(drawn >= 170, "{drawn} countries drawn");
    assert!(
        outline("AQ").is_some_and(|o| o.path.is_empty()),
        "Antarctica is named, not drawn"
    );
    assert_eq!(
        country_name("SG", "fr"),
        Some("Singapour"),
        "a country too small to draw still has its name"
    );
}

#[test]
fn a_country_too_small_to_outline_is_a_dot_with_its_link() {
    let svg = world_map(&[country("SG", 4), country("MT", 0)], &[], &LABELS).into_string();
    let a = link_of(&svg, "SG").expect("Singapore is a link");
    assert!(a.starts_with("<a href=\"/practices?country=SG\""), "{a}");
    assert!(a.contains("<circle"), "{a}");
    assert!(a.contains("<title>Singapore: 4 practices</title>"));
    // Placed where Singapore is: south-east of the Malay peninsula's
    // country, north of Indonesia's outline's southern edge.
    let (my_x0, ..) = outline("MY").and_then(Outline::bounds).unwrap();
    let (_, id_y0, _, id_y1) = outline("ID").and_then(Outline::bounds).unwrap();
    let (x, y) = outline("SG").and_then(|o| o.marker).unwrap();
    assert!(x > my_x0 && id_y0 < y && y < id_y1, "({x}, {y})");
    // No count, no dot.
    assert!(!svg.contains("data-code=\"MT\""));
}
