//! Kits through the real router: made and corrected by curators (401
//! without a token, 400 for a practice that does not exist, 409 on a stale
//! version), hidden from the public until published and then showing only
//! their published practices; the PDF read back as text, accents
//! included; the ZIP opened and its members read; the portal page.

use std::io::Read;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;
use veille_store::{
    PracticeDraft, PracticePlace, PracticeSource, PracticeStatus, PracticeText, Store,
};

use crate::tests::{fixture, send, write, Fixture, ALICE};

const TITLE_FR: &str = "Le soutien municipal aux coopératives d'habitation";
const CHALLENGE_FR: &str =
    "Les ménages à revenus modestes n'accèdent plus au logement en centre-ville.";

fn practice(store: &Store, name: &str, status: PracticeStatus) -> String {
    let draft = PracticeDraft {
        name: name.to_string(),
        status,
        places: vec![PracticePlace {
            name: "Bilbao".to_string(),
            country: Some("ES".to_string()),
            lat: Some(43.26),
            lon: Some(-2.93),
        }],
        themes: vec!["T1".to_string()],
        organizations: vec![veille_store::PracticeOrganization {
            name: "Mairie de Bilbao".to_string(),
            kinds: vec![],
        }],
        figures: vec![veille_store::PracticeFigure {
            text: "120 logements".to_string(),
            value: 120.0,
            unit: "households".to_string(),
            item_id: None,
        }],
        texts: vec![
            PracticeText {
                field: "challenge".to_string(),
                lang: "fr".to_string(),
                text: CHALLENGE_FR.to_string(),
                evidence: None,
                reviewed: true,
            },
            PracticeText {
                field: "approach".to_string(),
                lang: "en".to_string(),
                text: "The city leases land to the cooperative for 99 years.".to_string(),
                evidence: None,
                reviewed: true,
            },
        ],
        sources: vec![PracticeSource {
            item_id: "item-1".to_string(),
            url: "http://127.0.0.1/coop".to_string(),
            title: "La coopérative".to_string(),
            lang: Some("fr".to_string()),
            published: None,
        }],
        ..PracticeDraft::default()
    };
    store.create_practice(&draft, "alice").unwrap().id
}

fn read_as_curator(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {ALICE}"))
        .body(Body::empty())
        .unwrap()
}

/// Status, content type and body bytes of a request.
async fn bytes(f: &Fixture, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let response = f.app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, kind, body.to_vec())
}

async fn get(f: &Fixture, uri: &str) -> (StatusCode, String, Vec<u8>) {
    bytes(f, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A fixture with a published practice, a draft one, and kit k1 (draft)
/// holding the draft first, then the published one.
async fn with_kit() -> (Fixture, String, String) {
    let f = fixture(&format!("alice={ALICE}"));
    let published = practice(
        &f.state.store,
        "Coopérative d'habitants de Bilbao",
        PracticeStatus::Published,
    );
    let draft = practice(&f.state.store, "Brouillon secret", PracticeStatus::Draft);
    let (status, _, kit) = send(
        &f.app,
        write(
            "POST",
            "/api/kits",
            json!({
                "title": {"fr": TITLE_FR, "en": "Municipal support for housing cooperatives"},
                "introduction": {"fr": "Pourquoi les villes s'en mêlent."},
                "conclusions": {"en": "Land is the key."},
                "practices": [
                    {"practice_id": draft, "note": {"fr": "À revoir."}},
                    {"practice_id": published, "note": {"fr": "Un bail emphytéotique exemplaire."}},
                ],
            }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{kit}");
    assert_eq!(kit["id"], "k1");
    (f, published, draft)
}

#[tokio::test]
async fn curators_make_and_correct_kits_the_public_sees_them_once_published() {
    let (f, published, draft) = with_kit().await;

    // Writes need a curator; a kit names existing practices.
    let anonymous = Request::post("/api/kits")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"title": {"en": "x"}}).to_string()))
        .unwrap();
    assert_eq!(send(&f.app, anonymous).await.0, StatusCode::UNAUTHORIZED);
    let (status, _, body) = send(
        &f.app,
        write(
            "POST",
            "/api/kits",
            json!({"title": {"en": "x"}, "practices": [{"practice_id": "p99"}]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body["error"].as_str().unwrap().contains("p99"), "{body}");
    let (status, _, body) = send(
        &f.app,
        write(
            "POST",
            "/api/kits",
            json!({"title": {"en": "x"}, "colour": "red"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"].as_str().unwrap().contains("colour"), "{body}");

    // A draft is a 404 to the public, everywhere.
    for uri in [
        "/api/kits/k1",
        "/api/kits/k1/kit.pdf",
        "/api/kits/k1/kit.zip",
        "/portal/fr/kits/k1",
    ] {
        assert_eq!(get(&f, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    let (_, _, list) = send(
        &f.app,
        Request::get("/api/kits").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(list["total"], 0);
    let (status, _, k) = send(&f.app, read_as_curator("/api/kits/k1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(k["history"][0]["action"], "create");
    assert_eq!(k["history"][0]["kit_id"], "k1");

    // Published with the version read; a stale write is a 409 with the kit.
    let k = publish(&f).await;
    assert_eq!(
        (k["version"].as_i64(), k["status"].as_str()),
        (Some(2), Some("published"))
    );
    let (status, body) = patch_k1(&f, json!({"version": 1, "status": "draft"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["version"], 2);
    assert_eq!(body["current"]["status"], "published");

    // The public sees the kit with its published practice only.
    let (status, _, k) = send(
        &f.app,
        Request::get("/api/kits/k1").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = k["practices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["practice_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![published.as_str()]);
    assert!(k.get("history").is_none(), "{k}");
    let (_, _, list) = send(
        &f.app,
        Request::get("/api/kits").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(list["total"], 1);
    let listed = list["kits"][0]["practices"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{list}");
    assert_eq!(listed[0]["practice_id"], published.as_str());
    // Curators still see both, in the kit's order.
    let (_, _, k) = send(&f.app, read_as_curator("/api/kits/k1")).await;
    assert_eq!(k["practices"][0]["practice_id"], draft.as_str());

    // A body past the limit is a 413 that says so.
    let huge = json!({"version": 2, "introduction": {"en": "x".repeat(super::BODY_LIMIT)}});
    let (status, body) = patch_k1(&f, huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("1024 KiB"),
        "{body}"
    );

    // Bad requests are 400s and 404s with a message.
    for (uri, status) in [
        ("/api/kits?status=lost", StatusCode::BAD_REQUEST),
        ("/api/kits?colour=red", StatusCode::BAD_REQUEST),
        ("/api/kits/x1", StatusCode::NOT_FOUND),
        ("/api/kits/k2", StatusCode::NOT_FOUND),
        ("/api/kits/k1/kit.pdf?lang=French", StatusCode::BAD_REQUEST),
        ("/api/kits/k1/kit.zip?lang=fr", StatusCode::BAD_REQUEST),
    ] {
        let (got, kind, body) = get(&f, uri).await;
        assert_eq!(got, status, "{uri}");
        assert!(kind.starts_with("application/json"), "{uri}: {kind}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert!(body["error"].is_string(), "{uri}: {body}");
    }
}

/// PATCH /api/kits/k1 as a curator.
async fn patch_k1(f: &Fixture, body: Value) -> (StatusCode, Value) {
    let (status, _, body) = send(&f.app, write("PATCH", "/api/kits/k1", body)).await;
    (status, body)
}

/// Publishes k1 (at version 1); the kit published.
async fn publish(f: &Fixture) -> Value {
    let (status, k) = patch_k1(f, json!({"version": 1, "status": "published"})).await;
    assert_eq!(status, StatusCode::OK, "{k}");
    k
}

#[tokio::test]
async fn the_pdf_holds_the_kits_text_accents_included() {
    let (f, _, _) = with_kit().await;
    publish(&f).await;
    let asked = chrono::Utc::now();
    let (status, kind, pdf) = get(&f, "/api/kits/k1/kit.pdf?lang=fr").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    for expected in [
        TITLE_FR,
        "Sommaire",
        "Coopérative d'habitants de Bilbao",
        CHALLENGE_FR,
        "Un bail emphytéotique exemplaire.",
        "http://127.0.0.1/coop",
        "Organisations: Mairie de Bilbao",
        "Chiffres",
        "• 120 logements",
        // The map's caption says where its dot is.
        "Bilbao 43.26, -2.93",
        // The approach exists only in English: shown, and said so.
        "Démarche (en anglais)",
        "The city leases land",
        "Conclusions (en anglais)",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }
    // The draft practice is not in the public PDF.
    assert!(!text.contains("Brouillon secret"), "{text}");
    // The contents send each section to the page it is on.
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    // The cover: the title (on two lines), the date, the language.
    let cover = &pages[0];
    assert!(cover.contains("Le soutien municipal aux"), "{cover}");
    assert!(cover.contains("d'habitation"), "{cover}");
    let made = [asked, chrono::Utc::now()].map(|d| format!("Édité le {}", d.format("%Y-%m-%d")));
    assert!(made.iter().any(|m| cover.contains(m)), "{cover}");
    assert!(cover.contains("Langue: fr · k1 · version 2"), "{cover}");
    let contents = &pages[1];
    for (section, on_its_page) in [
        ("Introduction", "Pourquoi les villes s'en mêlent."),
        ("1. Coopérative d'habitants de Bilbao", CHALLENGE_FR),
        ("Conclusions", "Land is the key."),
    ] {
        let after = contents
            .split(section)
            .nth(1)
            .unwrap_or_else(|| panic!("{section:?} not in the contents: {contents}"));
        let page: usize = after.split_whitespace().next().unwrap().parse().unwrap();
        assert!(
            pages[page - 1].contains(on_its_page),
            "{section:?} is not on page {page}: {}",
            pages[page - 1]
        );
    }

    // In Spanish the French challenge is marked as French.
    let (_, _, pdf) = get(&f, "/api/kits/k1/kit.pdf?lang=es").await;
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("Desafío (en francés)"), "{text}");
    assert!(
        text.contains("Municipal support for housing cooperatives"),
        "{text}"
    );
}

#[tokio::test]
async fn the_zip_holds_the_kit_and_its_records_as_json_ld_and_csv() {
    let (f, published, _) = with_kit().await;
    publish(&f).await;
    let (status, kind, zip) = get(&f, "/api/kits/k1/kit.zip").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(names, super::archive::MEMBERS);
    let mut member = |name: &str| {
        let mut s = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let kit: Value = serde_json::from_str(&member("kit.json")).unwrap();
    assert_eq!(kit["kit"]["id"], "k1");
    assert_eq!(kit["kit"]["title"]["fr"], TITLE_FR);
    assert_eq!(kit["kit"]["practices"].as_array().unwrap().len(), 1);
    let ld: Value = serde_json::from_str(&member("practices.jsonld")).unwrap();
    let graph = ld["@graph"].as_array().unwrap();
    assert_eq!(graph.len(), 1);
    assert_eq!(graph[0]["identifier"], published.as_str());
    assert_eq!(graph[0]["name"], "Coopérative d'habitants de Bilbao");
    let csv = member("practices.csv");
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,version,status,name,"));
    assert!(csv.contains(CHALLENGE_FR), "{csv}");
    assert!(!csv.contains("Brouillon secret"), "{csv}");
}

#[tokio::test]
async fn a_published_kit_has_its_portal_page_in_each_language() {
    let (f, published, _) = with_kit().await;
    // A draft kit is nowhere on the portal, even at its address.
    assert_eq!(get(&f, "/portal/fr/kits/k1").await.0, StatusCode::NOT_FOUND);
    let (_, _, list) = get(&f, "/portal/fr/kits").await;
    assert!(!String::from_utf8(list)
        .unwrap()
        .contains("/portal/fr/kits/k1"));
    publish(&f).await;
    // Once published: in the portal's layout, listed, in the sitemap, its
    // practices linked to their portal pages.
    let (_, _, page) = get(&f, "/portal/fr/kits/k1").await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains(r#"hreflang="ko""#), "{page}");
    assert!(page.contains("Kits de transfert"), "{page}");
    assert!(
        page.contains(&format!("href=\"/portal/fr/practices/{published}\"")),
        "{page}"
    );
    let (_, _, list) = get(&f, "/portal/fr/kits").await;
    assert!(String::from_utf8(list)
        .unwrap()
        .contains("href=\"/portal/fr/kits/k1\""));
    let (_, _, home) = get(&f, "/portal/es/").await;
    assert!(String::from_utf8(home)
        .unwrap()
        .contains("href=\"/portal/es/kits/k1\""));
    let (_, _, sitemap) = get(&f, "/portal/sitemap.xml").await;
    assert!(String::from_utf8(sitemap)
        .unwrap()
        .contains("/portal/en/kits/k1</loc>"));
    let (status, kind, page) = get(&f, "/portal/fr/kits/k1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"));
    let page = String::from_utf8(page).unwrap();
    for expected in [
        "<html lang=\"fr\"",
        "coopératives d'habitation",
        "Pourquoi les villes s'en mêlent.",
        "Un bail emphytéotique exemplaire.",
        "href=\"/api/kits/k1/kit.pdf?lang=fr\"",
        "href=\"/api/kits/k1/kit.zip\"",
        "Land is the key.",
        "(en anglais)",
    ] {
        assert!(
            page.contains(expected),
            "{expected:?} not in the page: {page}"
        );
    }
    assert!(!page.contains("Brouillon secret"));
    let (status, _, page) = get(&f, "/portal/es/kits/k1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(page).unwrap().contains("Descargar"));
    for uri in [
        "/portal/de/kits/k1",
        "/portal/en/kits/k7",
        "/portal/en/kits/zz",
    ] {
        assert_eq!(get(&f, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    // Withdrawn: gone from the portal at once.
    let (status, k) = patch_k1(&f, json!({"version": 2, "status": "withdrawn"})).await;
    assert_eq!(status, StatusCode::OK, "{k}");
    assert_eq!(get(&f, "/portal/fr/kits/k1").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn what_a_curator_wrote_is_escaped_on_the_page() {
    let f = fixture(&format!("alice={ALICE}"));
    let id = practice(&f.state.store, "<b>bold</b>", PracticeStatus::Published);
    let (status, _, _) = send(
        &f.app,
        write(
            "POST",
            "/api/kits",
            json!({
                "title": {"en": "<script>alert(1)</script>"},
                "status": "published",
                "practices": [{"practice_id": id, "note": {"en": "<i>why</i>"}}],
            }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, _, page) = get(&f, "/portal/en/kits/k1").await;
    let page = String::from_utf8(page).unwrap();
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt;"));
    assert!(page.contains("&lt;i&gt;why&lt;/i&gt;"));
}

/// The PDF's size and making time for a kit of 20 practices, each with
/// its four fields (about 600 characters each) in French, two sources and
/// a place; printed, for BENCHMARKS.md (`cargo test -p veille-search-api
/// kit_pdf_figures -- --ignored --nocapture`; `KIT_PDF_OUT=FILE` keeps the
/// PDF).
#[test]
#[ignore]
fn kit_pdf_figures() {
    let store = Store::open_in_memory().unwrap();
    let sentence = "La coopérative d'habitants loue le terrain à la ville pour 99 ans \
                    et construit des logements abordables gérés par leurs occupants. ";
    let mut entries = Vec::new();
    for i in 0..20 {
        let mut draft = PracticeDraft {
            name: format!("Pratique numéro {i} : coopérative d'habitation"),
            status: PracticeStatus::Published,
            ..PracticeDraft::default()
        };
        draft.places.push(PracticePlace {
            name: "Montréal".to_string(),
            country: Some("CA".to_string()),
            lat: Some(45.5),
            lon: Some(-73.6),
        });
        for field in veille_store::PRACTICE_FIELDS {
            draft.texts.push(PracticeText {
                field: field.to_string(),
                lang: "fr".to_string(),
                text: sentence.repeat(4),
                evidence: None,
                reviewed: true,
            });
        }
        for s in 0..2 {
            draft.sources.push(PracticeSource {
                item_id: format!("item-{i}-{s}"),
                url: format!("http://127.0.0.1/source/{i}/{s}"),
                title: "Un article".to_string(),
                lang: Some("fr".to_string()),
                published: None,
            });
        }
        let id = store.create_practice(&draft, "alice").unwrap().id;
        entries.push(veille_store::KitEntry {
            practice_id: id,
            note: [("fr".to_string(), sentence.to_string())].into(),
        });
    }
    let kit = store
        .create_kit(
            &veille_store::KitDraft {
                title: [("fr".to_string(), TITLE_FR.to_string())].into(),
                introduction: [("fr".to_string(), sentence.repeat(6))].into(),
                practices: entries,
                ..veille_store::KitDraft::default()
            },
            "alice",
        )
        .unwrap();
    let practices = store.kit_practices(&kit, false).unwrap();
    let mut times = Vec::new();
    let (mut bytes, mut pages) = (0, 0);
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let pdf = super::pdf::render(&kit, &practices, "fr", chrono::Utc::now()).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        bytes = pdf.len();
        pages = pdf_extract::extract_text_from_mem_by_pages(&pdf)
            .unwrap()
            .len();
    }
    times.sort_by(f64::total_cmp);
    if let Some(out) = std::env::var_os("KIT_PDF_OUT") {
        let pdf = super::pdf::render(&kit, &practices, "fr", chrono::Utc::now()).unwrap();
        std::fs::write(out, pdf).unwrap();
    }
    let zip = super::archive::render(&kit, &practices, "http://127.0.0.1").unwrap();
    println!(
        "kit of 20 practices: PDF {bytes} bytes, {pages} pages, best of 5 {:.0} ms, median {:.0} ms; ZIP {} bytes",
        times[0],
        times[2],
        zip.len()
    );
}
