//! Tests of curator token parsing and checking.

use super::*;

#[test]
fn parses_curators_and_finds_each_by_token() {
    let curators = Curators::parse("alice=token-a, bob = token-b ,").unwrap();
    assert!(!curators.is_empty());
    assert_eq!(curators.names().collect::<Vec<_>>(), ["alice", "bob"]);
    assert_eq!(curators.authenticate("token-a"), Some("alice"));
    assert_eq!(curators.authenticate("token-b"), Some("bob"));
    assert_eq!(curators.authenticate("token-c"), None);
    assert_eq!(curators.authenticate(""), None);
    assert_eq!(curators.authenticate("token-a "), None);
}

#[test]
fn a_token_may_contain_equals_signs() {
    let curators = Curators::parse("carol=abc==").unwrap();
    assert_eq!(curators.authenticate("abc=="), Some("carol"));
    assert_eq!(curators.authenticate("abc"), None);
}

#[test]
fn empty_spec_means_no_curators() {
    for spec in ["", "   ", ","] {
        let curators = Curators::parse(spec).unwrap();
        assert!(curators.is_empty(), "{spec:?}");
        assert_eq!(curators.authenticate(""), None);
    }
}

#[test]
fn bad_entries_are_named_without_their_token() {
    let cases = [
        ("alice=ok,s3cr3t-without-name", "entry 2 has no `=`"),
        ("=s3cr3t", "entry 1 has an empty name"),
        ("alice=", "entry 1 (curator `alice`) has an empty token"),
        ("alice=s3cr3t,alice=other", "curator `alice` is given twice"),
        ("alice=s3cr3t,bob=s3cr3t", "same token as curator `alice`"),
    ];
    for (spec, expected) in cases {
        let err = Curators::parse(spec).unwrap_err();
        assert!(err.contains(expected), "{spec:?}: {err}");
        assert!(!err.contains("s3cr3t"), "{spec:?} leaks a token: {err}");
    }
}

#[test]
fn debug_shows_names_not_tokens() {
    let curators = Curators::parse("alice=s3cr3t").unwrap();
    let printed = format!("{curators:?}");
    assert!(printed.contains("alice"), "{printed}");
    assert!(!printed.contains("s3cr3t"), "{printed}");
}
