//! The command line's contracts: `--help` everywhere, `sources check`, and
//! `veille extract`'s JSON lines.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{Home, BIN, SITE};

fn veille(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("VEILLE_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["crawl", "--help"],
        vec!["serve", "--help"],
        vec!["search", "--help"],
        vec!["sources", "--help"],
        vec!["sources", "check", "--help"],
        vec!["reindex", "--help"],
        vec!["extract", "--help"],
    ] {
        let out = veille(&args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: veille"), "{args:?}: {text}");
    }
}

#[test]
fn global_flags_go_before_or_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sources.toml");
    std::fs::write(
        &config,
        "[crawler]\nuser_agent = \"t (+http://127.0.0.1/)\"\n\n[[source]]\nid = \"a\"\nname = \"A\"\nurl = \"http://127.0.0.1:9/feed\"\nkind = \"feed\"\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    for args in [
        vec!["--config", config, "--data", data, "sources", "check"],
        vec!["sources", "check", "--config", config, "--data", data],
    ] {
        let out = veille(&args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("1 source(s), 1 enabled, no problems"),
            "{stdout}"
        );
    }
}

#[tokio::test]
async fn sources_check_reports_every_problem_with_its_line() {
    let home = Home::new(
        r#"[crawler]
user_agent = "veille-test (+http://127.0.0.1/contact)"

[[source]]
id = "good"
name = "Good"
url = "http://127.0.0.1:9/feed"
kind = "feed"

[[source]]
id = "bad-cron"
name = "Bad cron"
url = "http://127.0.0.1:9/feed2"
kind = "feed"
schedule = "every tuesday"

[[source]]
id = "good"
name = "Duplicate id"
url = "http://127.0.0.1:9/feed3"
kind = "feed"
colour = "blue"
"#,
    );
    let out = home.veille(&["sources", "check"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    let err = &out.stderr;
    assert!(err.contains(":15:") && err.contains("schedule"), "{err}");
    assert!(err.contains("bad-cron"), "{err}");
    assert!(err.contains("colour"), "{err}");
    assert!(err.contains(":22:"), "unknown key line: {err}");
    assert!(
        err.contains("duplicate") || err.contains("Duplicate"),
        "{err}"
    );

    // Nothing runs on a bad config.
    let out = home.veille(&["crawl", "--once"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("schedule"), "{}", out.stderr);
    assert!(!home.data().join("veille.db").exists());
}

#[test]
fn extract_prints_one_json_object_per_input_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let girona = format!("{SITE}/articles/girona-cooperativa.html");
    let preston = format!("{SITE}/en/news/preston-community-wealth.html");
    let manifest = dir.path().join("pages.tsv");
    std::fs::write(
        &manifest,
        format!("{girona}\thttps://xes.example.org/2024/04/08/girona\n/nonexistent/page.html\thttps://example.org/x\n{preston}\thttps://example.org/preston\n"),
    )
    .unwrap();
    let out = veille(&["extract", "--manifest", manifest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a missing input gives exit 1");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert_eq!(lines[0]["input"], girona.as_str());
    assert_eq!(lines[0]["lang"], "ca");
    assert_eq!(lines[0]["published"], "2024-04-08T08:00:00+02:00");
    assert_eq!(lines[0]["title"], "Una cooperativa de treball a Girona");
    assert!(lines[0]["text"].as_str().unwrap().contains("La Forja"));
    assert!(
        !lines[0]["text"].as_str().unwrap().contains("Qui som"),
        "menu kept: {}",
        lines[0]["text"]
    );
    assert!(lines[0]["lang_confidence"].as_f64().unwrap() > 0.0);
    let candidate = &lines[0]["candidate"];
    for key in ["score", "is_candidate", "themes", "places", "evidence"] {
        assert!(
            candidate.get(key).is_some(),
            "candidate.{key} missing: {candidate}"
        );
    }
    assert_eq!(lines[1]["input"], "/nonexistent/page.html");
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/page.html"));
    assert_eq!(lines[2]["lang"], "en");
    assert_eq!(lines[2]["author"], "Sarah Jones");
    assert_eq!(lines[2]["candidate"]["is_candidate"], true, "{}", lines[2]);

    // Plain text on standard input.
    let mut child = Command::new(BIN)
        .args(["extract", "--text", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("La cooperativa de vivienda de Madrid, creada en 2019, ofrece 80 viviendas asequibles a sus socios gracias a un programa municipal de cesión de suelo.".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["input"], "-");
    assert_eq!(line["lang"], "es");
    assert_eq!(line["published"], serde_json::Value::Null);
}
