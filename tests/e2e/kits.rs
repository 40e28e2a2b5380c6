//! A transfer kit on the whole road, with the real binary: the world is
//! crawled, a curator approves the French article on the Montréal fund and
//! makes it a practice record, writes its challenge and publishes it; then
//! makes a kit of it through the API, in French and English, publishes it
//! with its version (a stale write is a 409), and the public sees its page;
//! `veille kits list|show|export` give the same from the command line: the
//! PDF's text read back (accents included), the ZIP's members, the JSON-LD.

use std::io::Read;

use serde_json::{json, Value};

use crate::accounts::{add_user, token_of};
use crate::support::*;

const TITLE: &str = "Le soutien municipal aux coopératives d'habitation";
const CHALLENGE: &str =
    "Les loyers flambent à Montréal : les ménages modestes quittent le centre-ville.";

/// Runs `veille kits export ID --format FORMAT --out kit.FORMAT` (and
/// `extra`), checks that it succeeded, and gives the file's path.
async fn export(home: &Home, id: &str, format: &str, extra: &[&str]) -> std::path::PathBuf {
    let path = home.dir.path().join(format!("kit.{format}"));
    let mut args = vec!["kits", "export", id, "--format", format, "--out"];
    args.push(path.to_str().unwrap());
    args.extend(extra);
    let out = home.veille(&args).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("wrote "), "{}", out.stdout);
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kit_made_through_the_api_is_published_and_exported_with_the_cli() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    add_user(&home, "alice", "curator", "correct horse battery").await;
    let curator = token_of(&home, "alice").await;
    let out = home.veille(&["crawl", "--once"]).await;
    // (The world's broken source makes the crawl's exit code 1.)
    assert!(out.stdout.contains("items: 9 new"), "{}", out.stdout);

    let api = home.start("serve", &[]).await;
    let (_, all) = api.get("/api/search?per_page=100").await;
    let fr = hit_titled(&hits(&all), "Montréal lance un fonds")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = api
        .post(
            &format!("/api/items/{fr}/review"),
            Some(&curator),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, p) = api
        .post(
            "/api/practices",
            Some(&curator),
            &json!({"items": [fr], "name": "Fonds montréalais pour l'habitation"}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let practice = p["id"].as_str().unwrap().to_string();
    let (status, p) = api
        .patch(
            &format!("/api/practices/{practice}"),
            Some(&curator),
            &json!({"version": 1, "status": "published",
                    "texts": [{"field": "challenge", "lang": "fr", "text": CHALLENGE}]}),
        )
        .await;
    assert_eq!(status, 200, "{p}");

    // The kit, made and published through the API.
    let (status, kit) = api
        .post(
            "/api/kits",
            Some(&curator),
            &json!({
                "title": {"fr": TITLE, "en": "Municipal support for housing cooperatives"},
                "introduction": {"fr": "Ce que les villes font pour les coopératives."},
                "practices": [{"practice_id": practice, "note": {"fr": "Un fonds public à effet de levier."}}],
            }),
        )
        .await;
    assert_eq!(status, 201, "{kit}");
    let id = kit["id"].as_str().unwrap().to_string();
    let page = format!("/portal/fr/kits/{id}");
    assert_eq!(reqwest::get(api.url(&page)).await.unwrap().status(), 404);
    let publish = json!({"version": 1, "status": "published"});
    for expected in [200, 409] {
        let (status, body) = api
            .patch(&format!("/api/kits/{id}"), Some(&curator), &publish)
            .await;
        assert_eq!(status, expected, "{body}");
    }
    let response = reqwest::get(api.url(&page)).await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("coopératives d'habitation"), "{html}");
    assert!(
        html.contains("Un fonds public à effet de levier."),
        "{html}"
    );
    api.stop().await;

    // The command line.
    let out = home.veille(&["kits", "list"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with(&format!("{id}\tpublished\tv2\t1 practices\ten,fr\t")),
        "{}",
        out.stdout
    );
    let out = home.veille(&["kits", "show", &id]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("title [fr] {TITLE}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "1. {practice} Fonds montréalais pour l'habitation (published)"
        )),
        "{}",
        out.stdout
    );

    let pdf = export(&home, &id, "pdf", &["--lang", "fr"]).await;
    let text = pdf_extract::extract_text(&pdf).unwrap();
    for expected in [
        TITLE,
        "Fonds montréalais pour l'habitation",
        CHALLENGE,
        "Sommaire",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }

    let zip = export(&home, &id, "zip", &[]).await;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut csv = String::new();
    archive
        .by_name("practices.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    assert!(csv.contains(CHALLENGE), "{csv}");
    let mut kit_json = String::new();
    archive
        .by_name("kit.json")
        .unwrap()
        .read_to_string(&mut kit_json)
        .unwrap();
    let kit_json: Value = serde_json::from_str(&kit_json).unwrap();
    assert_eq!(kit_json["kit"]["title"]["fr"], TITLE);

    let ld = export(&home, &id, "jsonld", &[]).await;
    let ld: Value = serde_json::from_slice(&std::fs::read(&ld).unwrap()).unwrap();
    assert_eq!(
        ld["@graph"][0]["name"],
        "Fonds montréalais pour l'habitation"
    );

    // A kit that does not exist is an error that says so.
    let nowhere = home.dir.path().join("none.zip");
    let out = home
        .veille(&[
            "kits",
            "export",
            "k99",
            "--format",
            "zip",
            "--out",
            nowhere.to_str().unwrap(),
        ])
        .await;
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("no kit \"k99\""), "{}", out.stderr);
    assert!(!nowhere.exists());
}
