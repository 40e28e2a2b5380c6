//! Tests of URL normalization.

use super::*;

fn norm(s: &str) -> String {
    normalize_url(&Url::parse(s).unwrap()).to_string()
}

#[test]
fn scheme_and_host_are_lowercased_and_fragment_dropped() {
    assert_eq!(
        norm("HTTPS://WWW.Ripess.ORG:443/News/A?x=1#top"),
        "https://www.ripess.org/News/A?x=1"
    );
    assert_eq!(norm("http://example.org:80/"), "http://example.org/");
}

#[test]
fn tracking_parameters_are_dropped_and_others_kept_in_order() {
    assert_eq!(
        norm("https://example.org/a?id=7&utm_source=rss&utm_medium=feed&page=2&fbclid=xyz&gclid=1"),
        "https://example.org/a?id=7&page=2"
    );
    assert_eq!(
        norm("https://example.org/a?utm_campaign=x"),
        "https://example.org/a"
    );
    assert_eq!(
        norm("https://example.org/a?q=caf%C3%A9"),
        "https://example.org/a?q=caf%C3%A9"
    );
}

#[test]
fn relative_links_resolve_against_the_base() {
    let base = Url::parse("https://example.org/fr/actualites/").unwrap();
    assert_eq!(
        resolve(&base, " ../projets/coop.html#x ").unwrap().as_str(),
        "https://example.org/fr/projets/coop.html"
    );
    assert_eq!(
        resolve(&base, "/a").unwrap().as_str(),
        "https://example.org/a"
    );
    assert_eq!(resolve(&base, "mailto:info@example.org"), None);
    assert_eq!(resolve(&base, "javascript:void(0)"), None);
}

#[test]
fn scheme_host_case_default_ports_fragments_and_trackers_are_normalized() {
    for (raw, expected) in [
        (
            "HTTP://Example.ORG:80/News?id=1#top",
            "http://example.org/News?id=1",
        ),
        ("https://EXAMPLE.org:443/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        (
            "https://example.org/a?utm_source=x&UTM_Medium=y&fbclid=1&gclid=2&p=3",
            "https://example.org/a?p=3",
        ),
        (
            "https://example.org/a?utm_campaign=z",
            "https://example.org/a",
        ),
    ] {
        assert_eq!(
            normalize_url(&Url::parse(raw).unwrap()).as_str(),
            expected,
            "{raw}"
        );
    }
}
