//! Tests of editing `sources.toml`: layout kept, duplicates refused,
//! nothing half-written, and the shipped file itself.

use std::collections::BTreeSet;

use super::*;
use crate::config::parse;

const FILE: &str = "\
# Our sources. Keep this comment.

[crawler]
# who we are
user_agent = \"veille/0.1 (+https://example.org/contact)\"

# RIPESS Europe, checked 2024
[[source]]
id = \"ripess-eu\"
name = \"RIPESS Europe\"
url = \"https://www.ripess.eu/feed/\"
kind    =   \"feed\"   # odd spacing kept
languages = [\"en\", \"fr\"]
";

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn appending_keeps_the_file_as_it_was_and_adds_a_valid_source() {
    let mut s = NewSource::feed(
        "Chantier de l'économie sociale",
        url("https://chantier.qc.ca/feed/"),
    );
    s.country = Some("CA".into());
    s.city = Some("Montréal".into());
    s.languages = vec!["fr".into()];
    s.tags = vec!["national-network".into()];
    s.comment = vec!["added by veille sources add".into()];
    let (out, ids) = append_sources(FILE, "sources.toml", &[s]).unwrap();

    assert_eq!(ids, vec!["chantier-qc-ca".to_string()]);
    assert!(
        out.starts_with(FILE),
        "the original text is untouched:\n{out}"
    );
    assert!(
        out.contains("\n\n# added by veille sources add\n[[source]]\nid = \"chantier-qc-ca\"\n")
    );
    let config = parse(&out, "sources.toml").unwrap();
    assert_eq!(config.sources.len(), 2);
    let added = config.source("chantier-qc-ca").unwrap();
    assert_eq!(added.name, "Chantier de l'économie sociale");
    assert_eq!(added.city.as_deref(), Some("Montréal"));
    assert_eq!(added.languages, vec!["fr"]);
    assert_eq!(added.kind, SourceKind::Feed);
}

#[test]
fn a_page_source_keeps_its_follow_patterns_and_schedule() {
    let mut s = NewSource::page(
        "Avise",
        url("https://www.avise.org/actualites"),
        vec!["/actualites/*".into()],
    );
    s.schedule = Some("25 8,17 * * *".into());
    s.enabled = false;
    let (out, _) = append_sources(FILE, "f", &[s]).unwrap();
    let config = parse(&out, "f").unwrap();
    let added = config.source("avise-org").unwrap();
    assert_eq!(added.kind, SourceKind::Page);
    assert_eq!(added.follow, vec!["/actualites/*"]);
    assert_eq!(added.schedule_expr, "25 8,17 * * *");
    assert!(!added.enabled);
}

#[test]
fn derived_ids_are_made_unique() {
    let a = NewSource::feed("A", url("https://ripess.eu/en/feed/"));
    let mut b = NewSource::feed("B", url("https://ripess.eu/fr/feed/"));
    b.id = None;
    let (_, ids) = append_sources(FILE, "f", &[a, b]).unwrap();
    assert_eq!(ids, vec!["ripess-eu-2", "ripess-eu-3"]);
}

#[test]
fn a_url_already_watched_is_refused_whatever_its_spelling() {
    for spelling in [
        "https://www.ripess.eu/feed/",
        "http://ripess.eu/feed",
        "https://RIPESS.eu/feed/?utm_source=x#top",
    ] {
        let err = append_sources(FILE, "sources.toml", &[NewSource::feed("x", url(spelling))])
            .unwrap_err();
        match &err {
            CrawlError::DuplicateUrl { id, .. } => assert_eq!(id, "ripess-eu"),
            other => panic!("{spelling}: expected a duplicate url, got {other}"),
        }
        assert!(err
            .to_string()
            .contains("already watched by source \"ripess-eu\""));
    }
}

#[test]
fn the_same_url_twice_in_one_edit_is_refused() {
    let a = NewSource::feed("a", url("https://xes.cat/feed/"));
    let b = NewSource::feed("b", url("https://www.xes.cat/feed"));
    assert!(matches!(
        append_sources(FILE, "f", &[a, b]),
        Err(CrawlError::DuplicateUrl { .. })
    ));
}

#[test]
fn an_id_given_that_is_taken_is_refused() {
    let mut s = NewSource::feed("x", url("https://unsse.org/feed/"));
    s.id = Some("ripess-eu".into());
    let err = append_sources(FILE, "sources.toml", &[s]).unwrap_err();
    assert!(matches!(err, CrawlError::DuplicateId { ref id, .. } if id == "ripess-eu"));
    assert!(err.to_string().contains("choose another id"));
}

#[test]
fn a_source_that_would_not_validate_is_refused_with_its_problem() {
    let mut s = NewSource::feed("x", url("https://unsse.org/feed/"));
    s.country = Some("Suisse".into());
    let err = append_sources(FILE, "sources.toml", &[s.clone()]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("nothing was written"), "{msg}");
    assert!(msg.contains("invalid country \"Suisse\""), "{msg}");
    assert!(check_source(&s, "unsse").unwrap_err().contains("country"));
    s.country = Some("CH".into());
    assert_eq!(check_source(&s, "unsse"), Ok(()));
}

#[test]
fn an_invalid_file_is_not_edited() {
    let broken = FILE.replace("kind    =   \"feed\"", "kind = \"rss\"");
    let err = append_sources(
        &broken,
        "sources.toml",
        &[NewSource::feed("x", url("https://a.org/"))],
    )
    .unwrap_err();
    assert!(err.to_string().contains("fix it before adding"), "{err}");
}

#[test]
fn a_file_without_sources_gets_its_first_one() {
    let text = "[crawler]\nuser_agent = \"v (+https://example.org)\"\n";
    let (out, ids) = append_sources(
        text,
        "f",
        &[NewSource::feed("a", url("https://a.org/feed"))],
    )
    .unwrap();
    assert_eq!(ids, vec!["a-org"]);
    assert_eq!(parse(&out, "f").unwrap().sources.len(), 1);
}

#[test]
fn ids_from_urls_are_slugs() {
    assert_eq!(
        id_from_url(&url("https://www.ripess.eu/feed/")),
        "ripess-eu"
    );
    assert_eq!(id_from_url(&url("http://127.0.0.1:8080/x")), "127-0-0-1");
    assert_eq!(
        id_from_url(&url("https://xn--bcher-kva.example/")),
        "xn-bcher-kva-example"
    );
    assert_eq!(unique_id("a", |c| c == "a" || c == "a-2"), "a-3");
}

#[test]
fn adding_to_a_file_writes_it_whole_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(&path, FILE).unwrap();
    let id = add_source_to_file(
        &path,
        &NewSource::feed("UNTFSSE", url("https://unsse.org/feed/")),
    )
    .unwrap();
    assert_eq!(id, "unsse-org");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(FILE));
    assert_eq!(crate::config::load(&path).unwrap().sources.len(), 2);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["sources.toml"]);

    // A refused edit leaves the file byte for byte as it was.
    let err = add_source_to_file(
        &path,
        &NewSource::feed("again", url("https://unsse.org/feed")),
    )
    .unwrap_err();
    assert!(matches!(err, CrawlError::DuplicateUrl { .. }));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_missing_file_is_reported_with_its_path() {
    let err = add_source_to_file(
        Path::new("/nonexistent/sources.toml"),
        &NewSource::feed("a", url("https://a.org/")),
    )
    .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("/nonexistent/sources.toml: cannot read the file"));
}

/// The shipped `sources.toml`: valid, at least 40 sources across at least
/// five languages and four continents, each with its evidence comment.
#[test]
fn the_shipped_sources_are_a_real_starting_point() {
    let text = include_str!("../../../sources.toml");
    let config = parse(text, "sources.toml").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        config.sources.len() >= 40,
        "{} sources",
        config.sources.len()
    );
    let languages: BTreeSet<&str> = config
        .sources
        .iter()
        .flat_map(|s| s.languages.iter().map(String::as_str))
        .collect();
    assert!(languages.len() >= 5, "languages: {languages:?}");
    let continent = |cc: &str| match cc {
        "CA" | "US" | "MX" => "north-america",
        "BR" | "AR" | "CL" | "CO" | "CR" | "PE" | "UY" => "latin-america",
        "KR" | "JP" | "IN" | "PH" | "MY" | "ID" => "asia",
        "AU" | "NZ" => "oceania",
        "MA" | "ML" | "SN" | "KE" | "ZA" | "CM" => "africa",
        _ => "europe",
    };
    let continents: BTreeSet<&str> = config
        .sources
        .iter()
        .filter_map(|s| s.country.as_deref())
        .map(continent)
        .collect();
    assert!(continents.len() >= 4, "continents: {continents:?}");
    for s in &config.sources {
        assert!(!s.languages.is_empty(), "{}: no languages", s.id);
        assert!(s.network.is_some(), "{}: no network", s.id);
        if s.kind == SourceKind::Page {
            assert!(
                !s.follow.is_empty(),
                "{}: a page source without follow",
                s.id
            );
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "[[source]]" {
            let above = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap();
            assert!(
                above.starts_with("# "),
                "line {}: a source without its evidence comment",
                i + 1
            );
        }
    }
}
