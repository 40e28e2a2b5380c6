//! Tests of curator token parsing and checking, of the access settings
//! (environment, write limit, origins) and of the session cookie.

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

fn config(vars: &[(&str, &str)]) -> Result<AccessConfig, String> {
    AccessConfig::from_vars(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
}

#[test]
fn access_config_reads_the_environment_and_reports_every_problem() {
    assert_eq!(config(&[]).unwrap(), AccessConfig::default());
    let got = config(&[
        (
            "VEILLE_CORS_ORIGINS",
            "https://portal.example, http://127.0.0.1:3000/",
        ),
        ("VEILLE_SECURE_COOKIES", "true"),
        ("VEILLE_WRITES_PER_MINUTE", "10"),
        ("VEILLE_SESSION_HOURS", "2"),
        ("VEILLE_SUBMISSIONS_PER_HOUR", "30"),
    ])
    .unwrap();
    assert_eq!(
        got.cors_origins,
        ["https://portal.example", "http://127.0.0.1:3000"]
    );
    assert!(got.secure_cookies);
    assert_eq!((got.writes_per_minute, got.session_hours), (10, 2));
    assert_eq!(got.submissions_per_hour, 30);
    assert!(
        !got.allow_private_urls,
        "only the crawler's config allows them"
    );
    let err = config(&[
        ("VEILLE_CORS_ORIGINS", "portal.example,https://ok.example/x"),
        ("VEILLE_SECURE_COOKIES", "maybe"),
        ("VEILLE_WRITES_PER_MINUTE", "0"),
        ("VEILLE_SUBMISSIONS_PER_HOUR", "many"),
    ])
    .unwrap_err();
    for expected in [
        "\"portal.example\"",
        "\"https://ok.example/x\"",
        "VEILLE_SECURE_COOKIES",
        "VEILLE_WRITES_PER_MINUTE",
        "VEILLE_SUBMISSIONS_PER_HOUR",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn the_write_limit_is_per_account() {
    let access = Access::new(AccessConfig {
        writes_per_minute: 2,
        ..AccessConfig::default()
    });
    assert!(access.count_write("account:ana").is_ok());
    assert!(access.count_write("account:ana").is_ok());
    let wait = access.count_write("account:ana").unwrap_err();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(access.count_write("account:bob").is_ok());
}

#[test]
fn a_session_write_must_come_from_this_server_or_a_configured_origin() {
    let access = Access::new(AccessConfig {
        cors_origins: vec!["https://portal.example".to_string()],
        ..AccessConfig::default()
    });
    let host = Some("veille.example:8080");
    assert!(access.origin_allowed("http://veille.example:8080", host));
    assert!(access.origin_allowed("https://portal.example", host));
    assert!(!access.origin_allowed("https://evil.example", host));
    assert!(!access.origin_allowed("http://veille.example", host));
    assert!(!access.origin_allowed("null", None));
}

#[test]
fn the_session_cookie_is_http_only_lax_and_secure_when_configured() {
    let mut access = Access::default();
    let set = session_set_cookie(&access, "s3cret");
    assert_eq!(
        set,
        "veille_session=s3cret; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200"
    );
    access.config.secure_cookies = true;
    assert!(session_set_cookie(&access, "s3cret").ends_with("; Secure"));
    assert!(session_clear_cookie(&access).contains("Max-Age=0"));
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        "lang=fr; veille_session=abc123; other=1".parse().unwrap(),
    );
    assert_eq!(session_cookie(&headers).as_deref(), Some("abc123"));
}
