//! Tests of the request side of the OpenAPI document: the white-space class
//! is exactly what `str::trim` removes, and the documented search
//! parameters are exactly those the parser takes.

use super::*;

#[test]
fn white_space_is_what_trim_removes() {
    let in_class = |c: char| WHITE_SPACE.iter().any(|&(lo, hi)| (lo..=hi).contains(&c));
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(in_class(c), c.is_whitespace(), "{c:?} (U+{:04X})", c as u32);
    }
    assert!(space_class().starts_with("\\u0009-\\u000d\\u0020"));
}

#[test]
fn the_search_parameters_are_those_the_parser_takes() {
    let names: Vec<String> = search_parameters(20)
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, crate::params::PARAMETERS);
    for p in search_parameters(20) {
        assert_eq!(p["allowEmptyValue"], true, "{p}");
    }
}

#[test]
fn patterns_are_built_from_the_class() {
    let ws = space_class();
    assert_eq!(non_blank(), format!("[^{ws}]"));
    assert_eq!(blank_or("a|b"), format!("^[{ws}]*(?:a|b)?[{ws}]*$"));
    assert_eq!(
        trimmed(200, true),
        format!("^[{ws}]*(?:[^{ws}](?:[\\s\\S]{{0,198}}[^{ws}])?)[{ws}]*$")
    );
}
