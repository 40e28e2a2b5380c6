//! Tests of OPML import and export: a round trip gives back the same
//! sources, duplicates and invalid entries are reported with their line,
//! and nothing is half-written.

use super::*;
use crate::config::parse;

const PARTNERS: &str = include_str!("../../../tests/fixtures/opml/partners.opml");
const SHIPPED: &str = include_str!("../../../sources.toml");
const EMPTY: &str =
    "# our list\n[crawler]\nuser_agent = \"veille/0.1 (+https://example.org/contact)\"\n";

fn empty() -> Config {
    parse(EMPTY, "sources.toml").unwrap()
}

fn line_with(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

/// The fields of a source that a round trip must keep.
fn fields(s: &Source) -> String {
    format!(
        "{} | {} | {} | {} | {} | {:?} | {:?} | {:?} | {:?} | {:?} | {} | {:?}",
        s.id,
        s.name,
        s.url,
        s.kind,
        s.schedule_expr,
        s.country,
        s.city,
        s.languages,
        s.network,
        s.tags,
        s.enabled,
        s.follow
    )
}

#[test]
fn a_partner_list_becomes_new_sources_duplicates_and_invalid_entries() {
    let plan = import(PARTNERS, "partners.opml", &empty()).unwrap();

    let ids: Vec<_> = plan.new.iter().map(|s| s.id.clone().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "ripess-eu",
            "xes-cat",
            "lelabo-ess-org",
            "fbes-org-br",
            "chantier-qc-ca"
        ]
    );
    let xes = &plan.new[1];
    assert_eq!(xes.name, "Xarxa d'Economia Solidària");
    assert_eq!(xes.languages, ["ca"]);
    assert_eq!(
        xes.tags,
        ["national-network", "Europe"],
        "category, then the folder"
    );
    let labo = &plan.new[2];
    assert_eq!(
        labo.name, "Le Labo de l'ESS & ses actualités",
        "entities unescaped"
    );
    assert_eq!(
        labo.url.as_str(),
        "https://www.lelabo-ess.org/spip.php?page=backend",
        "xmlurl in any case"
    );
    assert_eq!(labo.languages, ["fr"], "fr-FR is read as fr");
    assert_eq!(plan.new[3].tags, ["national-network", "Americas"]);
    assert_eq!(plan.new[4].tags, Vec::<String>::new(), "outside any folder");

    assert_eq!(
        plan.duplicates,
        [Duplicate {
            line: line_with(PARTNERS, "XES again"),
            title: "XES again".into(),
            url: "http://www.xes.cat/feed".into(),
            of: format!(
                "line {}",
                line_with(PARTNERS, "xmlUrl=\"https://xes.cat/feed/\"")
            ),
        }]
    );

    let reasons: Vec<(usize, &str, &str)> = plan
        .invalid
        .iter()
        .map(|i| (i.line, i.title.as_str(), i.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:#?}");
    assert_eq!(reasons[0].0, line_with(PARTNERS, "Old gopher list"));
    assert!(
        reasons[0].2.contains("only http:// and https://"),
        "{}",
        reasons[0].2
    );
    assert_eq!(reasons[1].1, "Broken");
    assert!(reasons[1].2.starts_with("invalid url \"not a url at all\""));
    assert_eq!(reasons[2].1, "A network without a feed");
    assert!(reasons[2].2.starts_with("no xmlUrl"));
}

#[test]
fn entries_already_watched_are_duplicates_of_their_source() {
    let shipped = parse(SHIPPED, "sources.toml").unwrap();
    let plan = import(PARTNERS, "partners.opml", &shipped).unwrap();
    let of: Vec<(&str, &str)> = plan
        .duplicates
        .iter()
        .map(|d| (d.title.as_str(), d.of.as_str()))
        .collect();
    assert!(
        of.contains(&("RIPESS Europe", "source \"ripess-europe\"")),
        "{of:?}"
    );
    assert!(of.contains(&(
        "Chantier de l'économie sociale",
        "source \"chantier-es-quebec\""
    )));
    assert!(of.contains(&("XES again", "source \"xes-catalunya\"")));
    assert!(
        plan.new.is_empty(),
        "every usable partner is already shipped: {:?}",
        plan.new
    );
}

#[test]
fn import_export_import_gives_the_same_sources() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(&path, EMPTY).unwrap();

    let first = import(PARTNERS, "partners.opml", &empty()).unwrap();
    let ids = apply(&first, &path).unwrap();
    assert_eq!(ids.len(), first.new.len());
    let config = crate::config::load(&path).unwrap();
    assert!(
        std::fs::read_to_string(&path).unwrap().starts_with(EMPTY),
        "comments kept"
    );

    let exported = export(&config);
    let again = import(&exported, "export.opml", &empty()).unwrap();
    assert!(
        again.duplicates.is_empty() && again.invalid.is_empty(),
        "{again:#?}"
    );
    let strip = |plan: &ImportPlan| -> Vec<NewSource> {
        plan.new
            .iter()
            .map(|s| NewSource {
                comment: Vec::new(),
                ..s.clone()
            })
            .collect()
    };
    assert_eq!(strip(&again), strip(&first));

    // Against the file they are now in, every exported entry is a duplicate.
    let third = import(&exported, "export.opml", &config).unwrap();
    assert!(third.new.is_empty());
    assert_eq!(third.duplicates.len(), config.sources.len());
}

#[test]
fn the_shipped_sources_survive_a_round_trip_through_opml() {
    let shipped = parse(SHIPPED, "sources.toml").unwrap();
    let opml = export(&shipped);
    assert!(
        opml.contains("type=\"link\""),
        "page sources are exported as links"
    );

    let plan = import(&opml, "export.opml", &empty()).unwrap();
    assert!(plan.invalid.is_empty(), "{:#?}", plan.invalid);
    assert!(plan.duplicates.is_empty());
    let (text, _) = sources_edit::append_sources(EMPTY, "sources.toml", &plan.new).unwrap();
    let back = parse(&text, "sources.toml").unwrap();

    let a: Vec<String> = shipped.sources.iter().map(fields).collect();
    let b: Vec<String> = back.sources.iter().map(fields).collect();
    assert_eq!(a, b);
}

#[test]
fn the_export_is_opml_2_that_feed_readers_read() {
    let shipped = parse(SHIPPED, "sources.toml").unwrap();
    let opml = export(&shipped);
    assert!(opml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\""));
    let line = opml
        .lines()
        .find(|l| l.contains("veille:id=\"chantier-es-quebec\""))
        .unwrap();
    for attr in [
        "type=\"rss\"",
        "text=\"Chantier de l&apos;économie sociale\"",
        "xmlUrl=\"https://chantier.qc.ca/feed/\"",
        "htmlUrl=\"https://chantier.qc.ca/\"",
        "language=\"fr\"",
        "category=\"/national-network,/gsef-founder-city\"",
        "veille:city=\"Montréal\"",
    ] {
        assert!(line.contains(attr), "{attr} missing in {line}");
    }
    // Every entry is one element a reader can parse.
    let mut reader = Reader::from_str(&opml);
    let mut outlines = 0;
    loop {
        match reader.read_event().unwrap() {
            Event::Empty(e) if e.local_name().as_ref() == b"outline" => outlines += 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(outlines, shipped.sources.len());
}

#[test]
fn a_document_that_is_not_opml_is_refused() {
    for (text, what) in [
        (
            "<html><body><p>hi</p></body></html>",
            "the root element is <html>",
        ),
        ("<opml version=\"2.0\"><head/></opml>", "no <body>"),
        (
            "<opml><body><outline text=\"a\"></body></opml>",
            "invalid XML",
        ),
        ("", "empty"),
    ] {
        let err = import(text, "list.opml", &empty()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("list.opml: not an OPML document"), "{msg}");
        assert!(msg.contains(what), "{what}: {msg}");
    }
}

#[test]
fn veille_attributes_that_would_not_validate_make_an_invalid_entry() {
    let text = r#"<opml version="2.0" xmlns:veille="https://veille.example.org/ns/opml/1"><body>
<outline type="rss" text="Bad" xmlUrl="https://a.org/feed" veille:country="France" veille:schedule="every day"/>
<outline type="link" text="Page" url="https://b.org/news" veille:kind="page" veille:follow="news/*"/>
</body></opml>"#;
    let plan = import(text, "l.opml", &empty()).unwrap();
    assert!(plan.new.is_empty());
    assert_eq!(plan.invalid.len(), 2);
    assert!(
        plan.invalid[0].reason.contains("country"),
        "{}",
        plan.invalid[0].reason
    );
    assert!(plan.invalid[0].reason.contains("schedule"));
    assert_eq!(plan.invalid[1].line, 3);
    assert!(plan.invalid[1].reason.contains("starts with '/'"));
}

#[test]
fn a_plan_made_stale_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(&path, EMPTY).unwrap();
    let plan = import(PARTNERS, "partners.opml", &empty()).unwrap();
    // Someone adds one of the planned urls before the plan is applied.
    sources_edit::add_source_to_file(
        &path,
        &NewSource::feed("FBES", Url::parse("https://fbes.org.br/feed").unwrap()),
    )
    .unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    assert!(matches!(
        apply(&plan, &path),
        Err(CrawlError::DuplicateUrl { .. })
    ));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "nothing half-written"
    );
}
