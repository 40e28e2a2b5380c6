//! Tests of `sources.toml` loading: one fixture per rejection rule, each
//! checked for the line, table and field reported.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{TimeZone, Utc};

use super::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/config"
    ))
    .join(name)
}

/// Loads a fixture that must be rejected and checks the problems reported,
/// as `(line, table, field)`, in file order; returns them for more checks.
fn check_rejected(name: &str, expect: &[(usize, &str, Option<&str>)]) -> Vec<ConfigProblem> {
    let errors = match load(&fixture(name)) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e,
    };
    let got: Vec<(usize, &str, Option<&str>)> = errors
        .0
        .iter()
        .map(|p| (p.line, p.table.as_str(), p.field.as_deref()))
        .collect();
    assert_eq!(got, expect, "{name}:\n{errors}");
    for p in &errors.0 {
        assert!(p.file.ends_with(name), "{p}");
        assert!(p.column >= 1, "{p}");
    }
    errors.0
}

#[test]
fn valid_file_is_built_with_every_field() {
    let config = load(&fixture("valid.toml")).expect("valid.toml loads");
    let c = &config.crawler;
    assert_eq!(
        c.user_agent,
        "veille/0.1 (+https://example.org/veille; SSE monitoring)"
    );
    assert!(!c.allow_private_networks);
    assert_eq!(c.max_body_bytes, 5_242_880);
    assert_eq!(c.timeout, Duration::from_secs(20));
    assert_eq!(c.connect_timeout, Duration::from_secs(5));
    assert_eq!(c.min_host_delay, Duration::from_millis(2000));
    assert_eq!(c.max_concurrency.get(), 8);

    assert_eq!(config.sources.len(), 3);
    let ripess = config.source("ripess").expect("ripess");
    assert_eq!(ripess.name, "RIPESS");
    assert_eq!(ripess.url.as_str(), "https://www.ripess.org/feed/");
    assert_eq!(ripess.kind, SourceKind::Feed);
    assert_eq!(ripess.schedule_expr, "0 */6 * * *");
    assert_eq!(
        ripess.country.as_deref(),
        Some("FR"),
        "country is uppercased"
    );
    assert_eq!(ripess.city.as_deref(), Some("Paris"));
    assert_eq!(ripess.languages, ["fr", "en"]);
    assert_eq!(ripess.network.as_deref(), Some("RIPESS"));
    assert_eq!(ripess.tags, ["intercontinental"]);
    assert!(ripess.enabled);
    assert!(ripess.follow.is_empty());

    let page = config.source("socioeco_news").expect("socioeco_news");
    assert_eq!(page.kind, SourceKind::Page);
    assert_eq!(page.follow, ["/bdf_fiche-*", "/actualites/*"]);
    assert!(!page.enabled);

    let gsef = config.source("ess-forum").expect("ess-forum");
    assert_eq!(gsef.schedule_expr, DEFAULT_SCHEDULE);
    assert!(gsef.languages.is_empty());
    assert_eq!(gsef.country, None);

    let enabled: Vec<&str> = config.enabled_sources().map(|s| s.id.as_str()).collect();
    assert_eq!(enabled, ["ripess", "ess-forum"]);
    assert!(config.source("nope").is_none());
}

#[test]
fn defaults_apply_when_crawler_settings_are_absent() {
    let config = parse(
        "[crawler]\nuser_agent = \"veille (+http://localhost/contact)\"\n",
        "sources.toml",
    )
    .expect("valid");
    assert_eq!(
        config.crawler,
        CrawlerSettings::new("veille (+http://localhost/contact)")
    );
    assert_eq!(config.crawler.max_body_bytes, 10 * 1024 * 1024);
    assert_eq!(config.crawler.min_host_delay, Duration::from_millis(1000));
    assert!(config.sources.is_empty());
}

#[test]
fn schedules_of_valid_file_give_next_runs() {
    let config = load(&fixture("valid.toml")).expect("valid.toml loads");
    let after = Utc.with_ymd_and_hms(2025, 3, 7, 7, 10, 0).unwrap(); // a Friday
    let next = |id| crate::next_run(config.source(id).unwrap(), after).unwrap();
    assert_eq!(
        next("ripess"),
        Utc.with_ymd_and_hms(2025, 3, 7, 12, 0, 0).unwrap()
    );
    assert_eq!(
        next("socioeco_news"),
        Utc.with_ymd_and_hms(2025, 3, 7, 8, 15, 30).unwrap()
    );
    assert_eq!(
        next("ess-forum"),
        Utc.with_ymd_and_hms(2025, 3, 7, 12, 0, 0).unwrap()
    );
}

#[test]
fn unknown_key_is_reported_at_its_line() {
    let p = check_rejected(
        "unknown-key.toml",
        &[(16, "source \"ripess\"", Some("langauges"))],
    );
    assert!(p[0].message.contains("unknown field"), "{}", p[0]);
    assert!(
        p[0].message.contains("languages"),
        "lists the known fields: {}",
        p[0]
    );
}

#[test]
fn missing_required_field_is_reported_at_the_table() {
    let p = check_rejected(
        "missing-field.toml",
        &[(11, "source \"ripess\"", Some("url"))],
    );
    assert_eq!(p[0].message, "missing required field");
}

#[test]
fn duplicate_id_is_reported_at_both_lines() {
    let p = check_rejected(
        "duplicate-id.toml",
        &[
            (12, "source \"ripess\"", Some("id")),
            (18, "source \"ripess\"", Some("id")),
        ],
    );
    assert!(p[0].message.contains("also at line 18"), "{}", p[0]);
    assert!(p[1].message.contains("also at line 12"), "{}", p[1]);
}

#[test]
fn bad_id_is_refused() {
    let p = check_rejected(
        "bad-id.toml",
        &[(12, "source \"RIPESS Europe\"", Some("id"))],
    );
    assert!(
        p[0].message.contains("lowercase letters, digits"),
        "{}",
        p[0]
    );
}

#[test]
fn url_with_another_scheme_is_refused() {
    let p = check_rejected("bad-url.toml", &[(14, "source \"ripess\"", Some("url"))]);
    assert!(p[0].message.contains("\"ftp\""), "{}", p[0]);
}

#[test]
fn bad_kind_is_refused() {
    let p = check_rejected("bad-kind.toml", &[(15, "source \"ripess\"", Some("kind"))]);
    assert!(p[0].message.contains("\"feed\" or \"page\""), "{}", p[0]);
}

#[test]
fn bad_cron_is_refused_with_the_expression() {
    let p = check_rejected(
        "bad-cron.toml",
        &[(16, "source \"ripess\"", Some("schedule"))],
    );
    assert_eq!(
        p[0].to_string(),
        format!(
            "{}:16:12: source \"ripess\", field \"schedule\": invalid cron expression \"* * *\": \
             expected 5 fields (min hour dom mon dow) or 6 fields (sec min hour dom mon dow), found 3",
            fixture("bad-cron.toml").display()
        )
    );
}

#[test]
fn bad_country_is_refused() {
    let p = check_rejected(
        "bad-country.toml",
        &[(16, "source \"ripess\"", Some("country"))],
    );
    assert!(p[0].message.contains("\"FRA\""), "{}", p[0]);
}

#[test]
fn bad_language_is_refused() {
    let p = check_rejected(
        "bad-language.toml",
        &[(16, "source \"ripess\"", Some("languages"))],
    );
    assert!(
        p[0].message.contains("\"FR\""),
        "names the bad code: {}",
        p[0]
    );
}

#[test]
fn follow_on_a_feed_is_refused() {
    let p = check_rejected(
        "follow-on-feed.toml",
        &[(16, "source \"ripess\"", Some("follow"))],
    );
    assert!(p[0].message.contains("kind = \"page\""), "{}", p[0]);
}

#[test]
fn wrong_type_is_refused() {
    let p = check_rejected(
        "wrong-type.toml",
        &[(16, "source \"ripess\"", Some("enabled"))],
    );
    assert!(p[0].message.starts_with("wrong type"), "{}", p[0]);
}

#[test]
fn user_agent_without_contact_url_is_refused() {
    let p = check_rejected(
        "user-agent-no-contact.toml",
        &[(2, "[crawler]", Some("user_agent"))],
    );
    assert!(p[0].message.contains("no contact URL"), "{}", p[0]);
}

#[test]
fn toml_syntax_error_is_reported_with_its_line() {
    let p = check_rejected("syntax-error.toml", &[(6, "", None)]);
    assert!(p[0].message.starts_with("invalid TOML"), "{}", p[0]);
}

#[test]
fn missing_crawler_table_is_refused() {
    let p = check_rejected("missing-crawler.toml", &[(1, "[crawler]", None)]);
    assert!(
        p[0].message.contains("user_agent"),
        "says what to add: {}",
        p[0]
    );
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    check_rejected(
        "several-errors.toml",
        &[
            (2, "[crawler]", Some("user_agent")),
            (3, "[crawler]", Some("min_host_delay_ms")),
            (5, "source #1", Some("id")),
            (11, "source \"bad\"", Some("id")),
            (13, "source \"bad\"", Some("url")),
            (15, "source \"bad\"", Some("schedule")),
            (16, "source \"bad\"", Some("country")),
            (17, "source \"bad\"", Some("colour")),
            (20, "source \"bad\"", Some("id")),
            (24, "source \"bad\"", Some("follow")),
            (25, "source \"bad\"", Some("enabled")),
        ],
    );
}

#[test]
fn unreadable_file_names_the_path() {
    let err = load(&fixture("does-not-exist.toml")).expect_err("no such file");
    let text = err.to_string();
    assert!(
        text.contains("does-not-exist.toml: cannot read the file"),
        "{text}"
    );
}

#[test]
fn five_field_days_of_week_keep_their_crontab_meaning() {
    let text = "[crawler]\nuser_agent = \"v (+https://example.org)\"\n\
        [[source]]\nid = \"a\"\nname = \"A\"\nurl = \"https://example.org/\"\nkind = \"feed\"\n\
        schedule = \"0 9 * * 1\"\n";
    let config = parse(text, "sources.toml").expect("valid");
    let sunday = Utc.with_ymd_and_hms(2025, 3, 9, 10, 0, 0).unwrap();
    let next = crate::next_run(&config.sources[0], sunday).unwrap();
    assert_eq!(
        next,
        Utc.with_ymd_and_hms(2025, 3, 10, 9, 0, 0).unwrap(),
        "1 is Monday"
    );
}

#[test]
fn politeness_and_retry_settings_are_read_and_checked() {
    let config = parse(
        "[crawler]\nuser_agent = \"veille (+http://localhost/contact)\"\n\
         per_host_concurrency = 2\nmax_requests_in_flight = 8\nmax_crawl_delay_secs = 10\n\
         first_byte_timeout_secs = 5\nmax_attempts = 4\nretry_base_delay_ms = 250\n\
         max_retry_wait_secs = 30\nfailure_backoff_base_secs = 600\nfailure_backoff_max_secs = 7200\n",
        "sources.toml",
    )
    .expect("valid");
    let c = &config.crawler;
    assert_eq!(c.per_host_concurrency.get(), 2);
    assert_eq!(c.max_in_flight.get(), 8);
    assert_eq!(c.max_crawl_delay, Duration::from_secs(10));
    assert_eq!(c.first_byte_timeout, Duration::from_secs(5));
    assert_eq!(c.max_attempts, 4);
    assert_eq!(c.retry_base_delay, Duration::from_millis(250));
    assert_eq!(c.max_retry_wait, Duration::from_secs(30));
    assert_eq!(c.failure_backoff_base, Duration::from_secs(600));
    assert_eq!(c.failure_backoff_cap, Duration::from_secs(7200));

    let defaults = CrawlerSettings::new("x");
    assert_eq!(defaults.per_host_concurrency.get(), 1);
    assert_eq!(defaults.max_crawl_delay, Duration::from_secs(30));
    assert_eq!(defaults.min_host_delay, Duration::from_secs(1));

    let errors = parse(
        "[crawler]\nuser_agent = \"veille (+http://localhost/contact)\"\n\
         per_host_concurrency = 0\nmax_attempts = -1\n",
        "sources.toml",
    )
    .expect_err("zero and negative values");
    let fields: Vec<Option<&str>> = errors.0.iter().map(|p| p.field.as_deref()).collect();
    assert_eq!(fields, [Some("per_host_concurrency"), Some("max_attempts")]);
}

#[test]
fn a_source_edited_in_any_field_is_not_the_same_source() {
    let base = r#"
[crawler]
user_agent = "veille-test/0.1 (+https://example.org/contact)"

[[source]]
id = "ripess"
name = "RIPESS"
url = "http://127.0.0.1/ripess/feed/"
kind = "feed"
schedule = "0 */6 * * *"
country = "FR"
languages = ["fr"]
tags = ["network"]
"#;
    let parse_one = |text: &str| parse(text, "sources.toml").unwrap().sources.remove(0);
    let original = parse_one(base);
    assert_eq!(original, parse_one(base), "the same entry parsed twice");
    for (from, to) in [
        ("name = \"RIPESS\"", "name = \"RIPESS Europe\""),
        (
            "http://127.0.0.1/ripess/feed/",
            "http://127.0.0.1/ripess/rss/",
        ),
        ("kind = \"feed\"", "kind = \"page\""),
        ("0 */6 * * *", "0 */4 * * *"),
        ("country = \"FR\"", "country = \"BE\""),
        ("languages = [\"fr\"]", "languages = [\"fr\", \"es\"]"),
        ("tags = [\"network\"]", "tags = []"),
    ] {
        let edited = base.replace(from, to);
        assert_ne!(original, parse_one(&edited), "{from} → {to}");
    }
    let disabled = format!("{base}enabled = false\n");
    assert_ne!(original, parse_one(&disabled), "disabled");
    let city = format!("{base}city = \"Lyon\"\n");
    assert_ne!(original, parse_one(&city), "city");
}

/// `[crawler]` with its user agent and `extra`.
fn crawler_table(extra: &str) -> String {
    format!("[crawler]\nuser_agent = \"veille (+http://localhost/contact)\"\n{extra}\n")
}

#[test]
fn every_crawler_number_sets_its_own_setting_and_is_checked() {
    let defaults = CrawlerSettings::new("veille (+http://localhost/contact)");
    for key in &NUMBER_KEYS {
        // A value no default has, set alone: it changes the settings.
        let config = parse(&crawler_table(&format!("{} = 7", key.key)), "sources.toml")
            .unwrap_or_else(|e| panic!("{}: {e}", key.key));
        assert_ne!(config.crawler, defaults, "{} sets nothing", key.key);
        // Below the range: one problem, on this key.
        let below = if key.allow_zero { -1 } else { 0 };
        let errors = parse(
            &crawler_table(&format!("{} = {below}", key.key)),
            "sources.toml",
        )
        .expect_err(key.key);
        let fields: Vec<Option<&str>> = errors.0.iter().map(|p| p.field.as_deref()).collect();
        assert_eq!(fields, [Some(key.key)]);
    }
    // Each key sets a setting of its own: no two keys set alike.
    let alone: Vec<CrawlerSettings> = NUMBER_KEYS
        .iter()
        .map(|k| {
            let mut settings = defaults.clone();
            (k.set)(&mut settings, 7);
            settings
        })
        .collect();
    for (i, a) in alone.iter().enumerate() {
        for (j, b) in alone.iter().enumerate().skip(i + 1) {
            assert_ne!(a, b, "{} and {}", NUMBER_KEYS[i].key, NUMBER_KEYS[j].key);
        }
    }
}

#[test]
fn every_crawler_key_is_in_the_readme() {
    let readme = include_str!("../../../README.md");
    for key in crawler_keys() {
        assert!(
            readme.contains(&format!("`{key}`")) || readme.contains(&format!("{key} =")),
            "{key}"
        );
    }
}

#[test]
fn the_store_is_sqlite_unless_a_postgres_url_is_given() {
    let head = "[crawler]\nuser_agent = \"veille/0.1 (+https://example.org/contact)\"\n";
    let config = parse(head, "sources.toml").unwrap();
    assert_eq!(config.store.url, None);
    let url = "postgres://veille:secret@127.0.0.1:5432/veille";
    let config = parse(&format!("{head}[store]\nurl = \"{url}\"\n"), "sources.toml").unwrap();
    assert_eq!(config.store.url.as_deref(), Some(url));
    let errors = parse(
        &format!("{head}[store]\nurl = \"sqlite:///data/veille.db\"\npool = 3\n"),
        "sources.toml",
    )
    .unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains("url") && text.contains("PostgreSQL URL"),
        "{text}"
    );
    assert!(text.contains("unknown key: expected url"), "{text}");
    // The lenient reader finds the URL while the rest of the file is wrong.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sources.toml");
    std::fs::write(
        &path,
        format!("[store]\nurl = \"{url}\"\n[[source]]\nid = 3\n"),
    )
    .unwrap();
    assert_eq!(store_url(&path).unwrap().as_deref(), Some(url));
    std::fs::write(&path, "[store]\nurl = \"mysql://x\"\n").unwrap();
    assert!(store_url(&path).unwrap_err().contains("[store] url"));
    assert_eq!(store_url(&dir.path().join("absent.toml")).unwrap(), None);
}
