//! Tests of the web pages through the real router: what a person reading
//! them would check (the results, the facets as links, the language, the
//! escaping), and the evidence highlighting and language choice on their own.

use axum::http::{header, HeaderMap, StatusCode};

use super::*;
use crate::export::tests::{fetch, world, ITEMS, TRICKY_TITLES};

async fn page(
    app: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let (status, h, body) = fetch(app, uri, headers).await;
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8", "{uri}");
    assert!(body.starts_with("<!DOCTYPE html>"), "{uri}");
    (status, h, body)
}

#[tokio::test]
async fn the_search_page_shows_hits_facets_as_links_and_keeps_filters() {
    let w = world();
    let (status, headers, body) = page(&w.app, "/?q=cooperativa&lang=es", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    // The query stays in the box; the language filter in a hidden field.
    assert!(body.contains(r#"value="cooperativa""#));
    assert!(body.contains(r#"<input type="hidden" name="lang" value="es">"#));
    // Matches marked.
    assert!(body.contains("<mark>"));
    // A theme facet link adds the filter and keeps the others.
    assert!(
        body.contains(r#"href="/?q=cooperativa&amp;lang=es&amp;theme=T"#),
        "{body}"
    );
    // The active filter links to its removal.
    assert!(body.contains(r#"href="/?q=cooperativa" title="remove this filter""#));
    // Export and feed links carry the search.
    assert!(body.contains(r#"href="/api/export?format=csv&amp;q=cooperativa&amp;lang=es""#));
    assert!(body.contains(r#"href="/feeds/search.atom?q=cooperativa&amp;lang=es""#));
}

#[tokio::test]
async fn signed_in_the_search_page_draws_its_months_and_countries_narrowing_the_search() {
    let w = world();
    let bearer = format!("Bearer {}", crate::export::tests::TOKEN);
    let signed_in = [("authorization", bearer.as_str())];
    let (status, _, body) = page(&w.app, "/?q=cooperativa&lang=es", &signed_in).await;
    assert_eq!(status, StatusCode::OK);
    // The months' bars, by theme by default: the world's Spanish items are
    // all of January 2024; each segment keeps the search and adds the
    // month and the theme.
    assert!(
        body.contains(r#"<figure class="chart stacked" data-chart="theme" data-counted="items">"#),
        "{body}"
    );
    let link =
        r#"<a href="/?q=cooperativa&amp;lang=es&amp;from=2024-01-01&amp;to=2024-01-31&amp;theme=T"#;
    assert!(body.contains(link), "{body}");
    assert!(body.contains("<summary>The figures as a table</summary>"));
    // The counts are the search's: the segments of the month add up to
    // the matches.
    let results = crate::search::search(
        &w.state.index,
        &crate::params::parse_search_params("q=cooperativa&lang=es").unwrap(),
    )
    .unwrap();
    let total_items = results.total_items;
    assert!(body.contains(r#"<th scope="row">2024-01</th>"#));
    assert!(
        body.contains(&format!(r#"<td class="num">{total_items}</td></tr>"#)),
        "{body}"
    );
    // The map of the search's countries: Spain only, linking to the search
    // narrowed to it, and the same as a table.
    assert!(
        body.contains(r#"<a href="/?q=cooperativa&amp;lang=es&amp;country=ES" data-code="ES">"#)
    );
    assert!(
        body.contains(&format!("<title>Spain: {total_items} items</title>")),
        "{body}"
    );
    assert!(
        !body.contains(r#"data-code="FR"><path"#),
        "France has no Spanish item"
    );
    assert!(body.contains(
        r#"<th scope="row"><a href="/?q=cooperativa&amp;lang=es&amp;country=ES">Spain</a></th>"#
    ));

    // No practice record yet: no practices' chart. Then one, in Spanish,
    // made now: it shows, by the month of its making.
    assert!(!body.contains(r#"data-counted="practices""#));
    let draft = veille_store::PracticeDraft {
        name: "Fondo de vivienda".into(),
        themes: vec!["T3".into()],
        places: vec![veille_store::PracticePlace {
            name: "Barcelona".into(),
            country: Some("ES".into()),
            ..Default::default()
        }],
        texts: vec![veille_store::PracticeText {
            field: "approach".into(),
            lang: "es".into(),
            text: "Un fondo municipal para la vivienda cooperativa.".into(),
            evidence: None,
            reviewed: true,
        }],
        ..Default::default()
    };
    let made = w.state.store.create_practice(&draft, "alice").unwrap();
    let month = made.created_at.format("%Y-%m").to_string();
    let (_, _, body) = page(&w.app, "/?q=cooperativa&lang=es", &signed_in).await;
    let practices = &body[body
        .find(r#"data-counted="practices""#)
        .expect("a practices' chart")..];
    assert!(
        practices.contains(&format!(
            "<title>{month} · Social and solidarity finances: 1 practice</title>"
        )),
        "{practices}"
    );
    // A theme no practice has: no practices' chart.
    let (_, _, body) = page(&w.app, "/?q=cooperativa&theme=T7", &signed_in).await;
    assert!(body.contains(r#"data-counted="items""#));
    assert!(!body.contains(r#"data-counted="practices""#));

    // Split by country instead; the choice stays in the links and the form.
    let (_, _, body) = page(
        &w.app,
        "/?q=cooperativa&lang=es&chart=country&ui=fr",
        &signed_in,
    )
    .await;
    assert!(body.contains(r#"data-chart="country""#));
    assert!(
        body.contains("Espagne"),
        "country names in the page's language"
    );
    assert!(body.contains(
        r#"href="/?q=cooperativa&amp;lang=es&amp;chart=country&amp;from=2024-01-01&amp;to=2024-01-31&amp;country=ES""#
    ), "{body}");
    assert!(body.contains(r#"<input type="hidden" name="chart" value="country">"#));
    // But never in what the API is given: the export link.
    assert!(body.contains(r#"href="/api/export?format=csv&amp;q=cooperativa&amp;lang=es""#));

    // A chart the page does not know is a 400 saying which it knows.
    let (status, _, body) = page(&w.app, "/?chart=pie", &signed_in).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains(
            "parameter chart is &quot;pie&quot;: accepted values are theme, lang, country"
        ),
        "{body}"
    );

    // Not signed in: the search as it was, without the pictures.
    let (_, _, body) = page(&w.app, "/?q=cooperativa&lang=es", &[]).await;
    assert!(!body.contains("<svg") && !body.contains("chart stacked"));
}

#[tokio::test]
async fn the_search_page_pages_through_everything() {
    let w = world();
    let (_, _, body) = page(&w.app, "/", &[]).await;
    assert!(body.contains(&format!(r#"<strong class="total">{ITEMS}</strong>"#)));
    assert!(body.contains(r#"rel="next" href="/?page=2""#));
    let (_, _, body) = page(&w.app, "/?page=2", &[]).await;
    assert!(body.contains(r#"rel="prev" href="/?page=1""#));
}

#[tokio::test]
async fn a_bad_search_is_a_400_page_saying_what_is_wrong() {
    let w = world();
    let (status, _, body) = page(&w.app, "/?status=maybe", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("parameter status is"));
    assert!(body.contains("<form"));
}

#[tokio::test]
async fn everything_is_escaped() {
    let w = world();
    let (_, _, body) = page(&w.app, "/?q=script&per_page=100", &[]).await;
    assert!(!body.contains("<script>alert"));
    assert!(body.contains("&lt;script&gt;alert"));
    let (_, _, body) = page(&w.app, &format!("/items/{}", w.ids[2]), &[]).await;
    assert!(!body.contains("<script>alert"));
    assert!(body.contains(&maud::html! { (TRICKY_TITLES[2]) }.into_string()));
}

#[tokio::test]
async fn the_language_follows_accept_language_then_the_choice_then_the_cookie() {
    let w = world();
    let (_, _, body) = page(
        &w.app,
        "/",
        &[("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")],
    )
    .await;
    assert!(body.contains(r#"<html lang="fr">"#));
    assert!(body.contains(UiLang::Fr.messages().search));
    // ESSGlobal labels in French.
    let label = theme_label("T3", "fr").unwrap();
    assert!(
        body.contains(&maud::html! { (label) }.into_string()),
        "{label}"
    );

    let (_, headers, body) = page(&w.app, "/?ui=es", &[("accept-language", "fr")]).await;
    assert!(body.contains(r#"<html lang="es">"#));
    assert!(headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("veille_ui=es;"));

    let (_, _, body) = page(
        &w.app,
        "/sources",
        &[("cookie", "veille_ui=es"), ("accept-language", "fr")],
    )
    .await;
    assert!(body.contains(r#"<html lang="es">"#));
    assert!(body.contains(UiLang::Es.messages().last_success));

    // On pages other than search, lang= chooses the interface too.
    let (_, _, body) = page(&w.app, "/queue?lang=fr", &[]).await;
    assert!(body.contains(r#"<html lang="fr">"#));
    let (_, _, body) = page(&w.app, "/", &[("accept-language", "de, ko")]).await;
    assert!(body.contains(r#"<html lang="en">"#));
}

#[tokio::test]
async fn the_item_page_shows_the_record_evidence_and_review() {
    let w = world();
    let approved = &w.approved[0];
    let (status, _, body) = page(&w.app, &format!("/items/{approved}?ui=fr"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"data-status="approved""#));
    assert!(body.contains("https://network"));
    assert!(body.contains("Lyon (FR)"));
    assert!(body.contains(UiLang::Fr.messages().history));
    assert!(body.contains("alice"));
    // French item text with its evidence marked.
    let french = w
        .ids
        .iter()
        .enumerate()
        .find(|(i, _)| i % 4 == 0 && *i > 4)
        .unwrap()
        .1;
    let (_, _, body) = page(&w.app, &format!("/items/{french}"), &[]).await;
    assert!(
        body.contains("<mark>coopérative d&#39;habitation</mark>"),
        "{body}"
    );
    assert!(body.contains("<mark>fonds</mark>"));

    let (status, _, body) = page(&w.app, "/items/0000", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("no item with id"));
}

#[tokio::test]
async fn the_queue_page_holds_the_best_candidates_one_shown() {
    let w = world();
    let queue = w.state.store.queue(0, QUEUE_BATCH).unwrap();
    let (status, _, body) = page(&w.app, "/queue", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!(r#"data-total="{}""#, queue.total)));
    let cards: Vec<&str> = body
        .split(r#"<section class="card" data-id=""#)
        .skip(1)
        .collect();
    assert_eq!(cards.len(), queue.entries.len());
    for (card, entry) in cards.iter().zip(&queue.entries) {
        assert!(card.starts_with(&entry.item.id), "in the queue's order");
    }
    assert!(!cards[0].contains("hidden"));
    assert!(cards[1].split('>').next().unwrap().contains("hidden"));
}

#[tokio::test]
async fn the_sources_page_shows_health_and_counts() {
    let w = world();
    w.state
        .store
        .record_source_outcome(&veille_store::SourceOutcome {
            source_id: "network-2".to_string(),
            at: chrono::Utc::now(),
            outcome: veille_store::Outcome::Failed,
            error: Some("HTTP 503 from https://network2.example/feed.xml".to_string()),
        })
        .unwrap();
    let (_, _, body) = page(&w.app, "/sources", &[]).await;
    // Failing first.
    let first = body.split("data-source=\"").nth(1).unwrap();
    assert!(first.starts_with("network-2\" data-status=\"failing\""));
    assert!(body.contains("HTTP 503 from https://network2.example/feed.xml"));
    let approved_of_0 = w
        .approved
        .iter()
        .filter(|id| w.ids.iter().position(|i| i == *id).unwrap() % 3 == 0)
        .count();
    // The row, to the next row or the table's end (its chart holds a table).
    let row = body.split("data-source=\"network-0\"").nth(1).unwrap();
    let end = [
        row.find("<tr data-source"),
        row.find("</tbody></table></div>"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap();
    let row = &row[..end];
    assert!(
        row.ends_with(&format!(r#"<td class="num">{approved_of_0}</td></tr>"#)),
        "{row}"
    );
    // Its last 12 weeks: every item was first seen and approved this week,
    // the last row of the chart's table.
    let items_of_0 = (0..crate::export::tests::ITEMS)
        .filter(|i| i % 3 == 0)
        .count();
    assert!(row.contains(r#"role="img""#));
    assert!(row.contains("Network 0: New items and approvals per week"));
    let monday = veille_store::week_of(chrono::Utc::now().date_naive());
    assert!(
        row.contains(&format!(
            r#"<tr><th scope="row">{monday}</th><td class="num">{items_of_0}</td><td class="num">{approved_of_0}</td></tr></tbody>"#
        )),
        "{row}"
    );
    assert_eq!(row.matches("<th scope=\"row\">").count(), 12);
}

#[tokio::test]
async fn the_login_page_never_redirects_off_site() {
    let w = world();
    let (_, _, body) = page(&w.app, "/login?next=/items/abc", &[]).await;
    assert!(body.contains(r#"action="/api/login""#));
    assert!(body.contains(r#"data-next="/items/abc""#));
    let (_, _, body) = page(&w.app, "/login?next=//evil.example/", &[]).await;
    assert!(body.contains(r#"data-next="/queue""#));
}

#[tokio::test]
async fn the_assets_are_served() {
    let w = world();
    let (status, headers, body) = fetch(&w.app, "/assets/app.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(body.contains("keydown"));
    let (_, headers, _) = fetch(&w.app, "/assets/style.css", &[]).await;
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

#[test]
fn highlight_marks_phrases_across_case_and_accents_on_word_boundaries() {
    let phrases = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        highlight("Une Coopérative d'habitants", &phrases(&["cooperative"])),
        "Une <mark>Coopérative</mark> d&#39;habitants"
    );
    // Not inside a word; a stem with * takes the whole word.
    assert_eq!(
        highlight("cooperatives", &phrases(&["cooperative"])),
        "cooperatives"
    );
    assert_eq!(
        highlight("the cooperatives grow", &phrases(&["cooperative*"])),
        "the <mark>cooperatives</mark> grow"
    );
    // Korean matches inside words.
    assert_eq!(
        highlight("서울시 사회적경제를", &phrases(&["사회적경제"])),
        "서울시 <mark>사회적경제</mark>를"
    );
    assert_eq!(highlight("a <b> & c", &phrases(&[])), "a &lt;b&gt; &amp; c");
}

#[test]
fn accept_language_is_read_by_quality() {
    assert_eq!(
        UiLang::from_accept_language("es;q=0.4, fr;q=0.8, en;q=0.1"),
        Some(UiLang::Fr)
    );
    assert_eq!(UiLang::from_accept_language("de, es-MX"), Some(UiLang::Es));
    assert_eq!(UiLang::from_accept_language("fr;q=0, de"), None);
    assert_eq!(UiLang::from_accept_language(""), None);
}
