//! The collection point and a practice record on the whole road, with the
//! real binary: a partner submits a page served on 127.0.0.1 (a second
//! article about the Montréal housing fund); the next crawl fetches it
//! with the crawler beside the fixture world; a curator approves it and
//! the world's French article about the same fund, makes them one record
//! (its fields pre-filled in each article's language, the place's
//! coordinates, both sources), corrects and publishes it with its version,
//! and exports it as JSON-LD (parsed and checked) and CSV; the public
//! portal shows it once published (and not before, even at its address);
//! the submitter's status page then says "published".

use serde_json::{json, Value};

use veille_search_api::practices::{ESSGLOBAL_THEMES, SCHEMA_ORG};

use crate::accounts::{add_user, token_of};
use crate::support::*;

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
async fn a_submitted_article_and_another_make_one_published_practice_record() {
    let site = FixtureServer::start().await;
    let home = Home::new(&world_config(&site));
    add_user(&home, "ripess", "partner", "partner password 1").await;
    add_user(&home, "alice", "curator", "correct horse battery").await;
    let (partner, curator) = (
        token_of(&home, "ripess").await,
        token_of(&home, "alice").await,
    );

    // A partner submits the follow-up article.
    let api = home.start("serve", &[]).await;
    let page = site.url("/follow-up/montreal-housing-fund-a-year-on.html");
    let submission = json!({"kind": "practice", "url": page, "name": "Montréal housing fund", "place": "Montréal"});
    let (status, sent) = api
        .post("/api/submissions", Some(&partner), &submission)
        .await;
    assert_eq!(status, 201, "{sent}");
    let status_url = sent["status_url"].as_str().unwrap().to_string();
    api.stop().await;

    // The crawl takes it in beside the world's sources.
    let out = home.veille(&["crawl", "--once"]).await;
    assert!(
        out.stdout.contains("submissions: 1 taken in, 0 failed"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let api = home.start("serve", &[]).await;
    let (_, all) = api.get("/api/search?per_page=100").await;
    let fr = hit_titled(&hits(&all), "Montréal lance un fonds")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, list) = api.get_as("/api/submissions", Some(&curator)).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["submissions"][0]["submitted_by"], "ripess", "{list}");
    let en = list["submissions"][0]["item_id"]
        .as_str()
        .expect("the page became an item")
        .to_string();
    let (_, item) = api.get(&format!("/api/items/{en}")).await;
    assert_eq!(item["source_id"], "submitted");
    // It waits in the curators' queue, marked with who sent it.
    let (_, queue) = api.get("/api/queue?per_page=100").await;
    let queued = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == en.as_str())
        .unwrap_or_else(|| panic!("the submission is queued: {queue}"));
    assert_eq!(queued["submitted_by"], "ripess");
    let (_, card) = text_of(&api, "/queue").await;
    assert!(
        card.contains("submitted by <strong>ripess</strong>"),
        "{card}"
    );
    assert_eq!(item["lang"], "en");
    for id in [&fr, &en] {
        let approve = json!({"decision": "approve"});
        let (status, body) = api
            .post(&format!("/api/items/{id}/review"), Some(&curator), &approve)
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let (status, p) = api
        .post(
            "/api/practices",
            Some(&curator),
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

    // A draft is not on the public portal, even at its address.
    let portal_page = format!("/portal/fr/practices/{id}");
    let draft_page = reqwest::get(api.url(&portal_page)).await.unwrap();
    assert_eq!(draft_page.status(), 404);

    // Corrected with the version read; a second write on the old version is
    // refused with the record as it is.
    let correction = json!({"version": 1, "name": "Montréal housing cooperative fund", "status": "published", "start_year": 2024});
    for (expected, version) in [(200, Some(2)), (409, None)] {
        let (status, body) = api
            .patch(&format!("/api/practices/{id}"), Some(&curator), &correction)
            .await;
        assert_eq!(status, expected, "{body}");
        if let Some(v) = version {
            assert_eq!(body["version"], v);
        }
    }

    // Published, it is on the portal at once: its page in French with its
    // JSON-LD, the home, the sitemap in every language.
    let (kind, page) = text_of(&api, &portal_page).await;
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(
        page.contains("<h1>Montréal housing cooperative fund</h1>"),
        "{page}"
    );
    assert!(page.contains("<html lang=\"fr\">"));
    assert!(page.contains("<script type=\"application/ld+json\">"));
    assert!(
        !page.contains("alice"),
        "the curator's name on a public page"
    );
    let (_, home_page) = text_of(&api, "/portal/en/").await;
    assert!(home_page.contains("Montréal housing cooperative fund"));
    let (_, sitemap) = text_of(&api, "/portal/sitemap.xml").await;
    for lang in ["en", "fr", "es"] {
        assert!(
            sitemap.contains(&format!("/portal/{lang}/practices/{id}</loc>")),
            "{sitemap}"
        );
    }

    // JSON-LD: parsed as JSON, schema.org terms and ESSGlobal's URIs.
    let (kind, ld) = text_of(&api, &format!("/api/practices/{id}?format=jsonld")).await;
    assert!(kind.starts_with("application/ld+json"), "{kind}");
    let ld: Value = serde_json::from_str(&ld).expect("JSON-LD parses");
    assert_eq!(ld["@context"]["@vocab"], SCHEMA_ORG);
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
        .starts_with(&format!("{ESSGLOBAL_THEMES}T"))));

    let (kind, csv) = text_of(&api, "/api/practices?format=csv&status=published").await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert_eq!(
        csv.split("\r\n").filter(|l| !l.is_empty()).count(),
        2,
        "{csv}"
    );
    // Publishing the record published the submission: its page says so.
    let (status, view) = api.get(&status_url).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "published", "{view}");
    api.stop().await;
}
