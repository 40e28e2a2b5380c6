//! Ingestion tests: a feed entry with a summary only, with the page, with a
//! declared language; the `veille extract` analysis.

use super::*;
use chrono::DateTime;

fn entry() -> Harvested {
    Harvested {
        source_id: "ripess".into(),
        url: "https://www.example.org/news/2024/05/12/fund".into(),
        source_country: Some("FR".into()),
        ..Harvested::default()
    }
}

#[test]
fn summary_only_entry() {
    let h = Harvested {
        title: Some("Montreal launches a fund for housing cooperatives".into()),
        summary: Some(
            "<p>The city of <b>Montreal</b> launched a fund of $5M for housing \
             cooperatives.</p><p>The programme will finance 600 affordable homes \
             managed by their tenants.</p>"
                .into(),
        ),
        published: Some(DateTime::parse_from_rfc3339("2024-05-12T09:00:00-04:00").unwrap()),
        ..entry()
    };
    let item = prepare(&h);
    assert_eq!(
        item.title,
        "Montreal launches a fund for housing cooperatives"
    );
    assert_eq!(
        item.text,
        "The city of Montreal launched a fund of $5M for housing cooperatives.\n\n\
         The programme will finance 600 affordable homes managed by their tenants."
    );
    assert_eq!(item.url, h.url);
    assert_eq!(item.source_id, "ripess");
    assert_eq!(item.lang.as_deref(), Some("en"));
    assert!(item.candidate.themes.contains(&"T1".to_string()));
    // The practice is in Montréal: the item's country is Canada, not the
    // source's France.
    assert_eq!(item.country.as_deref(), Some("CA"));
    assert_eq!(item.published, h.published);
}

const PAGE: &str = r#"<!doctype html>
<html lang="fr-CA"><head>
<title>La Ville lance un fonds pour l'habitation coopérative | Chantier de l'économie sociale</title>
<meta property="og:site_name" content="Chantier de l'économie sociale">
<link rel="canonical" href="/nouvelles/fonds-habitation">
<meta name="author" content="Marie Tremblay">
<meta property="article:published_time" content="2024-05-10T08:30:00-04:00">
</head><body>
<nav><a href="/">Accueil</a> <a href="/nouvelles">Nouvelles</a> <a href="/contact">Nous joindre</a></nav>
<article>
<h1>La Ville lance un fonds pour l'habitation coopérative</h1>
<p>La Ville de Montréal a lancé mardi un fonds de 5 millions de dollars destiné aux coopératives d'habitation, afin de protéger des logements abordables dans les quartiers centraux.</p>
<p>Le programme, mis en place avec le Chantier de l'économie sociale, permettra à des locataires de racheter leur immeuble et de le gérer collectivement, comme le font déjà plus de 600 coopératives au Québec.</p>
<p>Les premières coopératives soutenues seront annoncées à l'automne, après un appel à projets ouvert à tous les arrondissements.</p>
</article>
<footer>© 2024 Chantier de l'économie sociale. Tous droits réservés.</footer>
</body></html>"#;

#[test]
fn entry_with_page() {
    let h = Harvested {
        url: "https://chantier.qc.ca/nouvelles/fonds-habitation?utm_source=rss".into(),
        summary: Some("Un fonds pour l'habitation.".into()),
        html: Some(PAGE.into()),
        source_country: Some("CA".into()),
        ..entry()
    };
    let item = prepare(&h);
    assert_eq!(
        item.title,
        "La Ville lance un fonds pour l'habitation coopérative"
    );
    assert!(
        item.text.starts_with("La Ville lance un fonds"),
        "{}",
        item.text
    );
    assert!(item.text.contains("racheter leur immeuble"));
    assert!(!item.text.contains("Nous joindre"));
    assert!(!item.text.contains("Tous droits réservés"));
    assert_eq!(
        item.url,
        "https://chantier.qc.ca/nouvelles/fonds-habitation"
    );
    assert_eq!(item.author.as_deref(), Some("Marie Tremblay"));
    assert_eq!(
        item.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-10T08:30:00-04:00")
    );
    assert_eq!(item.lang.as_deref(), Some("fr"));
    assert!(item.lang_confidence > 0.5);
    assert!(item.candidate.is_candidate, "{:?}", item.candidate);
    assert_eq!(item.country.as_deref(), Some("CA"));
}

#[test]
fn canonical_url_on_another_host_is_not_trusted() {
    let page = PAGE.replace(
        "/nouvelles/fonds-habitation",
        "https://aggregator.example/x",
    );
    let h = Harvested {
        url: "https://chantier.qc.ca/nouvelles/fonds-habitation".into(),
        html: Some(page),
        ..entry()
    };
    assert_eq!(prepare(&h).url, h.url);
}

#[test]
fn short_page_text_gives_way_to_the_summary() {
    let h = Harvested {
        title: Some("Barcelona".into()),
        summary: Some(
            "L'Ajuntament de Barcelona ha posat en marxa un fons per a cooperatives \
             d'habitatge que donarà llar a 200 famílies del barri del Poblenou, amb \
             el suport de la Xarxa d'Economia Solidària."
                .into(),
        ),
        html: Some("<html><body><p>Cookies.</p></body></html>".into()),
        ..entry()
    };
    let item = prepare(&h);
    assert!(
        item.text.starts_with("L'Ajuntament de Barcelona"),
        "{}",
        item.text
    );
    assert_eq!(item.lang.as_deref(), Some("ca"));
}

#[test]
fn declared_language_decides_a_short_text() {
    let h = Harvested {
        title: Some("Rencontre des réseaux".into()),
        declared_lang: Some("fr-FR".into()),
        source_languages: vec!["es".into()],
        ..entry()
    };
    let item = prepare(&h);
    assert_eq!(item.lang.as_deref(), Some("fr"));
    assert_eq!(item.title, "Rencontre des réseaux");
    assert_eq!(item.text, "");
    assert!(!item.candidate.is_candidate);
    assert_eq!(item.country.as_deref(), Some("FR"));

    // No declaration from the feed: the source's hint decides.
    let h = Harvested {
        title: Some("Encuentro".into()),
        source_languages: vec!["es".into()],
        ..entry()
    };
    assert_eq!(prepare(&h).lang.as_deref(), Some("es"));
}

#[test]
fn untitled_entry_takes_the_first_words_of_its_text() {
    let h = Harvested {
        summary: Some(
            "Cooperatives in Dakar opened a shared workshop for tailors, carpenters and \
             welders this week."
                .into(),
        ),
        ..entry()
    };
    let item = prepare(&h);
    assert_eq!(
        item.title,
        "Cooperatives in Dakar opened a shared workshop for tailors, carpenters and welders…"
    );
}

#[test]
fn analysis_for_the_cli() {
    let a = analyze_html(
        PAGE,
        Some("https://chantier.qc.ca/nouvelles/fonds-habitation"),
    );
    assert_eq!(
        a.title.as_deref(),
        Some("La Ville lance un fonds pour l'habitation coopérative")
    );
    assert_eq!(a.published.as_deref(), Some("2024-05-10T08:30:00-04:00"));
    assert_eq!(a.lang.as_deref(), Some("fr"));
    assert!(a.candidate.is_candidate);
    let json = serde_json::to_value(&a).unwrap();
    for key in [
        "title",
        "text",
        "published",
        "author",
        "lang",
        "lang_confidence",
        "candidate",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
    assert!(json["candidate"]["themes"].is_array());

    let t = analyze_text("  Die Genossenschaft   wurde 2019 gegründet.\n\n\n Sie hat 300 Mitglieder in Berlin und betreibt einen Fonds für bezahlbaren Wohnraum. ");
    assert_eq!(
        t.text,
        "Die Genossenschaft wurde 2019 gegründet.\n\nSie hat 300 Mitglieder in Berlin und betreibt einen Fonds für bezahlbaren Wohnraum."
    );
    assert_eq!(t.lang.as_deref(), Some("de"));
    assert!(t.candidate.is_candidate, "{:?}", t.candidate);
    assert_eq!(t.title, None);
}
