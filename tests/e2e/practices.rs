//! A practice record on the whole road: the fixture world and a second
//! article about the same initiative crawled by the real binary, both
//! approved through the API of `veille serve`, made into one record (its
//! fields pre-filled in each article's language, with the place's
//! coordinates and both sources), corrected with its version, and exported
//! as JSON-LD (parsed and checked) and CSV.

use serde_json::{json, Value};

use crate::support::*;

const TOKENS: [(&str, &str); 1] = [("VEILLE_CURATOR_TOKENS", "alice=s3cret-a")];

/// The content type and the text of a GET.
async fn text_of(api: &Server, path: &str) -> (String, String) {
    let response = reqwest::get(api.url(path)).await.unwrap();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    (kind, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_articles_make_one_practice_record_exported_as_json_ld() {
    let site = FixtureServer::start().await;
    let config = format!(
        "{}\n[[source]]\nid = \"follow-up\"\nname = \"Housing follow-up (RSS, en)\"\nurl = \"{}\"\nkind = \"feed\"\ncountry = \"CA\"\n",
        world_config(&site),
        site.url("/follow-up.rss")
    );
    let home = Home::new(&config);
    home.veille(&["crawl", "--once"]).await;
    let api = home.start("serve", &TOKENS).await;
    let (_, all) = api.get("/api/search?per_page=100").await;
    let all = hits(&all);
    let fr = hit_titled(&all, "Montréal lance un fonds")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let en = hit_titled(&all, "A year on, Montreal")["id"]
        .as_str()
        .unwrap()
        .to_string();
    for id in [&fr, &en] {
        let (status, body) = api
            .post(
                &format!("/api/items/{id}/review"),
                Some("s3cret-a"),
                &json!({"decision": "approve"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let (status, p) = api
        .post(
            "/api/practices",
            Some("s3cret-a"),
            &json!({"items": [fr, en]}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["sources"].as_array().unwrap().len(), 2);
    assert_eq!(p["languages"], json!(["en", "fr"]), "{p}");
    let montreal = p["places"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pl| pl["name"] == "Montréal")
        .unwrap_or_else(|| panic!("Montréal among {}", p["places"]));
    assert!(
        (montreal["lat"].as_f64().unwrap() - 45.5).abs() < 0.2,
        "{montreal}"
    );
    let text = |field: &str, lang: &str| -> String {
        p["texts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["field"] == field && t["lang"] == lang)
            .map(|t| t["text"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(
        text("challenge", "en").contains("shortage of affordable homes"),
        "{p}"
    );
    assert!(text("conditions", "en").contains("key to success"), "{p}");
    assert!(text("results", "en").contains("260 households"), "{p}");
    let figures: Vec<&str> = p["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert!(
        figures.contains(&"260 households") && figures.contains(&"30%"),
        "{figures:?}"
    );

    // Corrected with the version read; a second write on the old version is
    // refused with the record as it is.
    let correction = json!({"version": 1, "name": "Montréal housing cooperative fund", "status": "published", "start_year": 2024});
    for (expected, version) in [(200, Some(2)), (409, None)] {
        let (status, body) = api
            .request(
                reqwest::Method::PATCH,
                &format!("/api/practices/{id}"),
                Some("s3cret-a"),
                &correction,
            )
            .await;
        assert_eq!(status, expected, "{body}");
        if let Some(v) = version {
            assert_eq!(body["version"], v);
        }
    }

    // JSON-LD: parsed as JSON, schema.org terms and ESSGlobal's URIs.
    let (kind, ld) = text_of(&api, &format!("/api/practices/{id}?format=jsonld")).await;
    assert!(kind.starts_with("application/ld+json"), "{kind}");
    let ld: Value = serde_json::from_str(&ld).expect("JSON-LD parses");
    assert_eq!(ld["@context"]["@vocab"], "https://schema.org/");
    assert_eq!(ld["@type"], "Project");
    assert_eq!(ld["name"], "Montréal housing cooperative fund");
    assert_eq!(ld["foundingDate"], "2024");
    assert!(ld["location"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["geo"]["latitude"].is_number()));
    let sources: Vec<&str> = ld["subjectOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(ld["about"].as_array().unwrap().iter().all(|t| t["@id"]
        .as_str()
        .unwrap()
        .starts_with("http://purl.org/essglobal/standard/themes/T")));

    let (kind, csv) = text_of(&api, "/api/practices?format=csv&status=published").await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert_eq!(
        csv.split("\r\n").filter(|l| !l.is_empty()).count(),
        2,
        "{csv}"
    );
    api.stop().await;
}
