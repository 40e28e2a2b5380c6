//! Extraction tests: main-text quality measured against Readability's
//! output on real pages (word-level F1), metadata against
//! `expected-metadata.json`, and the small cases (dates, titles, bylines).

use super::*;

mod labelled;
use chrono::TimeZone;
use std::collections::HashMap;

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/pages");

/// The copied pages: a sentence of the article's first paragraph, one of
/// its last paragraph, and entries of the site's menu that must not be in
/// the text.
const CASES: &[(&str, &str, &str, &[&str])] = &[
    (
        "ars-1",
        "A flaw in the wildly popular online game Minecraft makes it easy",
        "Ars is asking Mojang for comment and will update this post",
        &["Gaming & Culture", "Staff Directory"],
    ),
    (
        "bbc-1",
        "President Barack Obama has admitted that his failure to pass",
        "the first US president to address the African Union",
        &["Entertainment & Arts", "Have Your Say"],
    ),
    (
        "citylab-1",
        "In the summer of 1898, the Scottish chemist Sir William Ramsay",
        "It might also capture the mysterious glow of the near future",
        &["Partner Solutions", "Terms & Conditions"],
    ),
    (
        "cnet-svg-classes",
        "Twitter Lite estará disponible en Google Play Store en 11 países",
        "tomando medidas incluso en la verificación de cuentas",
        &["Tecnología de vestir", "Chismes de la manzana"],
    ),
    (
        "folha",
        "Após rechaçar um encontro da seleção brasileira com o presidente eleito",
        "Fiz errado lá atrás? Sim. Faria de novo? Não",
        &["Mercado da bola", "Editar perfil"],
    ),
    (
        "heise",
        "Das in der iOS-Version bereits enthaltene TOTP-Feature ist nun auch",
        "setzt in seiner aktuellen Version mindestens OS X 10.10 voraus",
        &["News mobil", "Copyright © 2015 Heise Medien"],
    ),
    (
        "herald-sun-1",
        "A new Bill would require telecommunications service providers to store",
        "would undoubtedly make Abbott sit up and take notice",
        &["Barefoot Investor", "Your Hip Pocket"],
    ),
    (
        "la-nacion",
        "Abdullah Ocalan, el líder independentista kurdo, desembarcó en Italia",
        "Martín Schapiro es abogado administrativista y analista internacional",
        &["Más Leídas", "Guía de Cine"],
    ),
    (
        "lemonde-1",
        "Les députés ont, sans surprise, adopté à une large majorité",
        "Aucune mesure de rétorsion ne pourra viser l’agent",
        &["Édition Abonnés", "Banc d'essai"],
    ),
    (
        "liberation-1",
        "Un troisième Français a été tué dans le tremblement de terre",
        "Des dizaines de milliers de personnes sont sans abri",
        &["Se déconnecter", "Forums thématiques"],
    ),
    (
        "nytimes-1",
        "After nearly 20 years of hostile relations, the American government plans",
        "the Obama administration had made a “deal with the devil.”",
        &["Skip to navigation", "Fashion & Style"],
    ),
    (
        "seattletimes-1",
        "From the deck of his 106-year-old halibut schooner",
        "It’s Seattle old school meets Seattle new school with Amazon",
        &["Traffic Lab", "Boeing & Aerospace"],
    ),
    (
        "telegraph",
        "Zimbabwe President Robert Mugabe, his wife Grace and two key figures",
        "a regional breadbasket reduced to destitution by economic policies",
        &["Fantasy Football", "Wine Shop"],
    ),
    (
        "theverge",
        "I still remember using the iPhone 4 for the first time in 2010",
        "Like that first Retina display, it’s something you can’t unsee",
        &["Cookie Policy", "Licensing FAQ"],
    ),
    (
        "wapo-1",
        "Gunmen opened fire on visitors at Tunisia’s most renowned museum",
        "killed more than 20 people in a car bombing outside a synagogue",
        &["Newsletters & Alerts", "Help and Contact Us"],
    ),
    (
        "wordpress",
        "Stack Overflow published its analysis of 2017 hiring trends",
        "These are both highly portable skills that are in demand on the web",
        &["WordPress Weekly", "Comment Policy"],
    ),
];

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Word-level (bag of words) precision, recall and F1 of `got` against
/// `want`.
fn f1(got: &str, want: &str) -> (f64, f64, f64) {
    let mut bag: HashMap<String, i64> = HashMap::new();
    let want = words(want);
    for w in &want {
        *bag.entry(w.clone()).or_default() += 1;
    }
    let got = words(got);
    let mut common = 0;
    for w in &got {
        if let Some(n) = bag.get_mut(w) {
            if *n > 0 {
                *n -= 1;
                common += 1;
            }
        }
    }
    if got.is_empty() || want.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let p = common as f64 / got.len() as f64;
    let r = common as f64 / want.len() as f64;
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn read(name: &str, file: &str) -> String {
    std::fs::read_to_string(format!("{PAGES}/{name}/{file}"))
        .unwrap_or_else(|e| panic!("cannot read fixture {name}/{file}: {e}"))
}

fn expected_text(name: &str) -> String {
    let html = scraper::Html::parse_fragment(&read(name, "expected.html"));
    html.root_element().text().collect::<Vec<_>>().join(" ")
}

/// Whether the words of `needle` appear, in order and together, in
/// `haystack`.
fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn main_text_matches_readability_on_real_pages() {
    let mut sum = 0.0;
    let mut failures = Vec::new();
    for (name, first, last, menu) in CASES {
        let a = extract(
            &read(name, "source.html"),
            Some("http://fakehost/test/page.html"),
        );
        let (p, r, f) = f1(&a.text, &expected_text(name));
        eprintln!("{name:20} precision {p:.3} recall {r:.3} F1 {f:.3}");
        sum += f;
        let got = words(&a.text);
        for (which, sentence) in [("first", first), ("last", last)] {
            if !contains_words(&got, &words(sentence)) {
                failures.push(format!("{name}: {which} paragraph missing: {sentence}"));
            }
        }
        for m in *menu {
            if contains_words(&got, &words(m)) {
                failures.push(format!("{name}: menu entry in the text: {m}"));
            }
        }
        assert!(
            a.text.contains("\n\n"),
            "{name}: paragraphs are not separated"
        );
    }
    let mean = sum / CASES.len() as f64;
    eprintln!("mean F1 {mean:.3} over {} pages", CASES.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(mean >= 0.85, "mean F1 {mean:.3} < 0.85");
}

fn expected_metadata(name: &str) -> serde_json::Value {
    serde_json::from_str(&read(name, "expected-metadata.json")).unwrap()
}

/// Where Readability took the `<title>` but the page shows another
/// headline, which a meta title repeats: the headline.
const VISIBLE_HEADLINES: &[(&str, &str)] = &[
    // The <h1>, and twitter:title.
    (
        "citylab-1",
        "Why Neon Is the Ultimate Symbol of the 20th Century",
    ),
];

#[test]
fn title_and_language_match_the_page_metadata() {
    let mut failures = Vec::new();
    for (name, ..) in CASES {
        let a = extract(
            &read(name, "source.html"),
            Some("http://fakehost/test/page.html"),
        );
        let m = expected_metadata(name);
        let want_title = VISIBLE_HEADLINES
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| m["title"].as_str().unwrap(), |(_, t)| t);
        let site = m["siteName"].as_str();
        let got_title = a.title.clone().unwrap_or_default();
        eprintln!("{name:20} {got_title:?} / {want_title:?}");
        // Readability sometimes keeps the site name we strip: compare
        // both without it.
        if meta::strip_site_name(&got_title, site) != meta::strip_site_name(want_title, site) {
            failures.push(format!(
                "{name}: title {got_title:?}, expected {want_title:?}"
            ));
        }
        if let Some(lang) = m["lang"].as_str() {
            let want = crate::language::normalize_code(lang);
            if a.lang != want {
                failures.push(format!("{name}: lang {:?}, expected {want:?}", a.lang));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

#[test]
fn metadata_in_priority_order() {
    let html = r#"<html lang="es-AR"><head>
        <title>Una cooperativa de reciclaje - Diario Local</title>
        <meta property="og:site_name" content="Diario Local">
        <meta name="description" content="Resumen.">
        <meta property="og:url" content="https://diario.example/nota/123">
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Diario Local"},
          {"@type":"NewsArticle","headline":"Una cooperativa de reciclaje crece",
           "datePublished":"2023-03-04T10:00:00-03:00","author":[{"@type":"Person","name":"Ana Pérez"},{"name":"Luis Gómez"}]}]}
        </script></head>
        <body><article><h1>Una cooperativa de reciclaje crece</h1>
        <p>Texto de la nota con suficientes palabras para ser un párrafo, y con comas, muchas comas.</p></article></body></html>"#;
    let a = extract_at(
        html,
        Some("https://diario.example/nota/123?ref=home"),
        at(2024, 1, 1),
    );
    assert_eq!(
        a.title.as_deref(),
        Some("Una cooperativa de reciclaje crece")
    );
    assert_eq!(a.lang.as_deref(), Some("es"));
    assert_eq!(a.site_name.as_deref(), Some("Diario Local"));
    assert_eq!(a.description.as_deref(), Some("Resumen."));
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://diario.example/nota/123")
    );
    assert_eq!(a.author.as_deref(), Some("Ana Pérez, Luis Gómez"));
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2023-03-04T10:00:00-03:00")
    );
}

#[test]
fn title_without_the_site_name() {
    for (title, site, want) in [
        (
            "Les coopératives en 2024 | Réseau ESS",
            None,
            "Les coopératives en 2024",
        ),
        (
            "Les coopératives en 2024 – Réseau",
            None,
            "Les coopératives en 2024",
        ),
        (
            "Réseau ESS - Les coopératives en 2024",
            Some("Réseau ESS"),
            "Les coopératives en 2024",
        ),
        (
            "Daring Fireball: Colophon",
            None,
            "Daring Fireball: Colophon",
        ),
        ("Short - Title", None, "Short - Title"),
    ] {
        assert_eq!(meta::strip_site_name(title, site), want);
    }
    // <title> holding the <h1>: the <h1>.
    let html = "<title>Section | The fund for cooperatives opens | Site</title><h1>The fund for cooperatives opens</h1>";
    assert_eq!(
        extract(html, None).title.as_deref(),
        Some("The fund for cooperatives opens")
    );
}

#[test]
fn dates_from_meta_time_and_url_never_in_the_future() {
    let now = at(2024, 6, 1);
    let page =
        |head: &str, body: &str| format!("<html><head>{head}</head><body>{body}</body></html>");
    let d = |html: String, url: Option<&str>| {
        extract_at(&html, url, now)
            .published
            .map(|d| d.to_rfc3339())
    };
    assert_eq!(
        d(
            page(r#"<meta name="DC.date" content="2024-02-03">"#, ""),
            None
        )
        .as_deref(),
        Some("2024-02-03T00:00:00+00:00")
    );
    assert_eq!(
        d(
            page(
                r#"<meta property="article:published_time" content="2024-02-03T10:20:30+0100">"#,
                ""
            ),
            None
        )
        .as_deref(),
        Some("2024-02-03T10:20:30+01:00")
    );
    assert_eq!(
        d(
            page(
                "",
                r#"<p>x</p><time datetime="2023-12-24T18:00:00">hier</time>"#
            ),
            None
        )
        .as_deref(),
        Some("2023-12-24T18:00:00+00:00")
    );
    assert_eq!(
        d(
            page("", ""),
            Some("https://example.org/2024/05/12/coop-news/")
        )
        .as_deref(),
        Some("2024-05-12T00:00:00+00:00")
    );
    // In the future: dropped, and the next source is tried.
    assert_eq!(
        d(
            page(r#"<meta name="date" content="2031-01-01">"#, ""),
            Some("https://example.org/2024/05/12/x")
        )
        .as_deref(),
        Some("2024-05-12T00:00:00+00:00")
    );
    assert_eq!(
        d(page(r#"<meta name="date" content="2031-01-01">"#, ""), None),
        None
    );
    assert_eq!(
        d(page(r#"<meta name="date" content="not a date">"#, ""), None),
        None
    );
    // A negative year (found by fuzzing): RFC 3339 cannot write it, so the
    // store could not read it back.
    assert_eq!(
        d(
            page(r#"<meta name="date" content="-2025-01-31 11:30:00">"#, ""),
            None
        ),
        None
    );
}

#[test]
fn bylines() {
    let a = extract(
        r#"<p class="byline">By Jane Doe</p><article><p>Text.</p></article>"#,
        None,
    );
    assert_eq!(a.author.as_deref(), Some("Jane Doe"));
    let a = extract(r#"<a rel="author" href="/u/1">Par Jean Dupont</a>"#, None);
    assert_eq!(a.author.as_deref(), Some("Jean Dupont"));
    let a = extract(
        r#"<meta property="article:author" content="https://facebook.com/x"><meta name="author" content="Kim Min-ji">"#,
        None,
    );
    assert_eq!(a.author.as_deref(), Some("Kim Min-ji"));
}

#[test]
fn boilerplate_is_left_out_of_a_small_page() {
    let html = r##"<html><body>
      <header><a href="/">Home</a><a href="/about">About us</a></header>
      <div class="cookie-banner">We use cookies to improve your experience.</div>
      <main><h1>A new worker cooperative</h1>
        <p>Twelve former employees of the bakery bought it from its owner, and now run it as a worker cooperative, sharing the profits.</p>
        <ul><li>Founded in 2023, in Lyon.</li><li>Twelve members, one vote each.</li></ul>
        <div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
        <p>The city's social economy fund lent them the money, at a rate of one percent, over ten years.</p>
      </main>
      <aside><h3>Related</h3><a href="/a">Another story about bakeries</a></aside>
      <footer>© 2024 Example</footer>
      <script>var x = "tracking";</script>
    </body></html>"##;
    let text = extract(html, None).text;
    assert!(
        text.starts_with("A new worker cooperative\n\nTwelve former employees"),
        "{text}"
    );
    assert!(
        text.contains("Founded in 2023, in Lyon.\n\nTwelve members, one vote each."),
        "{text}"
    );
    assert!(text.ends_with("over ten years."), "{text}");
    for junk in [
        "Home",
        "cookies",
        "Share on",
        "Another story",
        "© 2024",
        "tracking",
    ] {
        assert!(!text.contains(junk), "{junk} in {text}");
    }
}

#[test]
fn html_fragments_to_text() {
    assert_eq!(
        html_to_text("<p>Une <b>coop</b>érative&nbsp;de <a href='#'>Lyon</a>.</p><p>Deuxième<br>ligne</p><script>x()</script>"),
        "Une coopérative de Lyon.\n\nDeuxième\n\nligne"
    );
    assert_eq!(
        html_to_text("plain  text\n\n second   paragraph "),
        "plain text\n\nsecond paragraph"
    );
    assert_eq!(html_to_text("Fish &amp; chips"), "Fish & chips");
    assert_eq!(html_to_text(""), "");
}

#[test]
fn dates_written_in_the_text_of_each_language() {
    let now = at(2024, 6, 1);
    let published = |body: &str| {
        let html = format!("<html><body><article><h1>Titre</h1>{body}<p>Le texte de l'article, assez long pour être un paragraphe.</p></article></body></html>");
        extract_at(&html, None, now)
            .published
            .map(|d| d.date_naive().to_string())
    };
    for (body, want) in [
        (
            "<p>Publié le 12 mai 2024 par la rédaction</p>",
            "2024-05-12",
        ),
        ("<p>Mis en ligne le 1er mars 2024</p>", "2024-03-01"),
        ("<p>Publicado el 12 de mayo de 2024</p>", "2024-05-12"),
        ("<p>Publicat el 3 d'abril de 2024</p>", "2024-04-03"),
        ("<p>Publicado em 7 de março de 2024</p>", "2024-03-07"),
        ("<p>Pubblicato il 9 gennaio 2024</p>", "2024-01-09"),
        ("<p>Veröffentlicht am 12. Mai 2024</p>", "2024-05-12"),
        ("<p>Posted on May 12th, 2024 by Jane</p>", "2024-05-12"),
        ("<p>Published 2 February 2024</p>", "2024-02-02"),
        ("<p>Argitaratua: 2024ko maiatzaren 12a</p>", "2024-05-12"),
        ("<p>게시일 2024년 5월 12일</p>", "2024-05-12"),
        ("<p>입력 2024.05.12 10:30</p>", "2024-05-12"),
        // A date-named element, without a cue.
        (
            r#"<span class="post-date">12 de mayo de 2024</span>"#,
            "2024-05-12",
        ),
        (
            r#"<div class="entry-meta"><span>Jane</span> · 03/15/2024</div>"#,
            "2024-03-15",
        ),
        // Spread over several elements.
        (
            "<p>Publié le <span>12</span> <b>mai</b> 2024</p>",
            "2024-05-12",
        ),
        // The publication date, not the update that comes first.
        (
            "<p>Mis à jour le 20 mai 2024</p><p>Publié le 12 mai 2024</p>",
            "2024-05-12",
        ),
    ] {
        assert_eq!(published(body).as_deref(), Some(want), "{body}");
    }
    for body in [
        // An event date in the article is not a publication date.
        "<p>The assembly will meet on 12 May 2024 in Lyon.</p>",
        // An update alone is not a publication date.
        r#"<p class="date">Updated May 12, 2024</p>"#,
        // In the future.
        "<p>Publié le 12 mai 2025</p>",
        // Not dates.
        "<p>Published 2024 reports, 12 may 2,500 people.</p>",
        r#"<p class="date">04/05/2024</p>"#,
        "<p>Publié le 31 février 2024</p>",
    ] {
        assert_eq!(published(body), None, "{body}");
    }
}

#[test]
fn structured_dates_come_before_written_ones() {
    let html = r#"<html><head><meta property="article:published_time" content="2024-01-02T08:00:00+01:00"></head>
        <body><p>Publié le 12 mai 2024</p></body></html>"#;
    let a = extract_at(
        html,
        Some("https://example.org/2023/03/04/x"),
        at(2024, 6, 1),
    );
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-01-02T08:00:00+01:00")
    );
    // The URL's date before a written one.
    let html = "<html><body><p>Publié le 12 mai 2024</p></body></html>";
    let a = extract_at(
        html,
        Some("https://example.org/2023/03/04/x"),
        at(2024, 6, 1),
    );
    assert_eq!(
        a.published.map(|d| d.date_naive().to_string()).as_deref(),
        Some("2023-03-04")
    );
}

#[test]
fn dates_from_nested_json_ld_more_meta_tags_and_url_forms() {
    let now = at(2024, 6, 1);
    let day = |html: &str, url: Option<&str>| {
        extract_at(html, url, now)
            .published
            .map(|d| d.date_naive().to_string())
    };
    // A WebPage whose mainEntity is the article; the organization's
    // founding date is not the article's.
    let html = r#"<script type="application/ld+json">{"@type":"WebPage","publisher":{"@type":"Organization","name":"X","foundingDate":"1999-01-01","datePublished":"2001-01-01"},
        "mainEntity":{"@type":"NewsArticle","headline":"A cooperative opens","datePublished":"2024-03-04T10:00:00+01:00",
        "author":{"@type":"Person","name":"Ana Pérez"}}}</script>"#;
    assert_eq!(day(html, None).as_deref(), Some("2024-03-04"));
    assert_eq!(
        extract_at(html, None, now).author.as_deref(),
        Some("Ana Pérez")
    );
    // JSON-LD in a hidden part of the body.
    let html = r#"<body><div hidden><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-02-01"}</script></div></body>"#;
    assert_eq!(day(html, None).as_deref(), Some("2024-02-01"));
    assert_eq!(
        day(r#"<meta name="date_published" content="2024-01-05">"#, None).as_deref(),
        Some("2024-01-05")
    );
    // Before 1995: a placeholder, not a publication date.
    assert_eq!(
        day(r#"<meta name="date" content="1970-01-01">"#, None),
        None
    );
    assert_eq!(
        day(
            "<p>x</p>",
            Some("https://example.org/news/2024-05-12-coop-opens")
        )
        .as_deref(),
        Some("2024-05-12")
    );
    assert_eq!(
        day("<p>x</p>", Some("https://example.org/n/120240512345")),
        None
    );
    // A teaser's time, in a link, is another article's.
    let html = r#"<body><a href="/other"><time datetime="2024-01-01">1 Jan</time> Other</a>
        <article><p>Text.</p></article></body>"#;
    assert_eq!(day(html, None), None);
    // A date label: "Datum 28.04.2023".
    let html = r#"<body><article><h1>T</h1><p>Text of the article, long enough.</p>
        <ul><li><strong>Datum</strong> 28.04.2023</li></ul></article></body>"#;
    assert_eq!(day(html, None).as_deref(), Some("2023-04-28"));
}

#[test]
fn the_title_the_page_agrees_on() {
    let title = |head: &str, body: &str| {
        extract(
            &format!("<html><head>{head}</head><body>{body}</body></html>"),
            Some("https://www.golem.de/news/x.html"),
        )
        .title
    };
    // JSON-LD's headline is a description nobody else gives; the <h1>,
    // og:title and <title> agree.
    assert_eq!(
        title(
            r#"<title>New Zealand - Wikipedia</title><meta property="og:title" content="New Zealand">
            <script type="application/ld+json">{"@type":"Article","name":"New Zealand","headline":"constitutional monarchy in Oceania"}</script>"#,
            "<h1>New Zealand</h1>"
        )
        .as_deref(),
        Some("New Zealand")
    );
    // The host's name after a separator, and entities escaped twice.
    assert_eq!(
        title(
            r#"<meta property="og:title" content="Samsung soll Smartphones zerst&amp;ouml;ren - Golem.de">"#,
            "<h1>Samsung soll Smartphones zerstören</h1>"
        )
        .as_deref(),
        Some("Samsung soll Smartphones zerstören")
    );
    // A long part after a dash that is no site name stays.
    assert_eq!(
        title(
            r#"<meta property="og:title" content="Ausschuss zur Flut: Zwei Rücktritte - und viele offene Fragen">"#,
            "<h1>Ausschuss zur Flut: Zwei Rücktritte - und viele offene Fragen</h1>"
        )
        .as_deref(),
        Some("Ausschuss zur Flut: Zwei Rücktritte - und viele offene Fragen")
    );
    // The social card's title and its Twitter copy are one statement:
    // the <h1> and the <title> agreeing outweigh them.
    assert_eq!(
        title(
            r#"<meta property="og:title" content="You will not believe this cable car">
            <meta name="twitter:title" content="You will not believe this cable car">
            <title>A cable car for the valley opens in May - Golem.de</title>"#,
            "<h1>A cable car for the valley opens in May</h1>"
        )
        .as_deref(),
        Some("A cable car for the valley opens in May")
    );
    // An <h1> nothing agrees with (a logo) is not the title; a login
    // label never is; the site's name is not an article's title.
    assert_eq!(
        title(
            r#"<title>Veterans wrap a baby in a flag - Yahoo</title><meta property="og:site_name" content="Yahoo">"#,
            "<h1>Good Morning America</h1><h1>Veterans wrap a baby in a flag</h1>"
        )
        .as_deref(),
        Some("Veterans wrap a baby in a flag")
    );
    assert_eq!(
        title(
            r#"<title>Skip to content</title>"#,
            "<h1>Skip to content</h1><h1>Log in</h1>"
        ),
        None
    );
}

#[test]
fn authors_are_persons_before_organizations() {
    let author = |html: &str, url: &str| extract(html, Some(url)).author;
    // JSON-LD's organization, then a person in the meta tags.
    assert_eq!(
        author(
            r#"<meta name="author" content="Stern.de"><script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Organization","name":"STERN.de"}}</script>
            <p class="byline">von Jemima Kelly</p>"#,
            "https://www.stern.de/x.html"
        )
        .as_deref(),
        Some("Jemima Kelly")
    );
    // Only the site: it stands in.
    assert_eq!(
        author(
            r#"<meta name="author" content="Lesotho Times"><meta property="og:site_name" content="Lesotho Times">"#,
            "https://lestimes.com/x"
        )
        .as_deref(),
        Some("Lesotho Times")
    );
    // An address is no name; the next source is read.
    assert_eq!(
        author(
            r#"<meta name="author" content="d.kuckelkorn@example.de"><a rel="author" href="/a">Dieter Kuckelkorn</a>"#,
            "https://example.de/x"
        )
        .as_deref(),
        Some("Dieter Kuckelkorn")
    );
    // Persons of JSON-LD, handles and roles left out.
    assert_eq!(
        author(
            r#"<script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"Elena Oberholzer (obe)"},
            {"@type":"Person","name":"Povilas Aleksandravičius, professor at the faculty of humanities"}]}</script>"#,
            "https://www.nzz.ch/x"
        )
        .as_deref(),
        Some("Elena Oberholzer, Povilas Aleksandravičius")
    );
    // Korean role words, and the site named first among the meta tags.
    assert_eq!(
        author(
            r#"<meta name="author" content="한국일보"><meta name="author" content="신현주 기자"><meta property="og:site_name" content="한국일보">"#,
            "https://www.hankookilbo.com/x"
        )
        .as_deref(),
        Some("신현주")
    );
    // A byline's date and role after the name.
    assert_eq!(
        author(
            r#"<div class="byline">By Nathan Willis March 25, 2015</div>"#,
            "https://lwn.net/x"
        )
        .as_deref(),
        Some("Nathan Willis")
    );
    assert_eq!(
        author(
            r#"<div class="byline">James Akinaka • 8h</div>"#,
            "https://fandom.com/x"
        )
        .as_deref(),
        Some("James Akinaka")
    );
}

#[test]
fn authors_from_author_pages_and_datelines() {
    let author = |html: &str| extract(html, Some("https://example.org/x")).author;
    assert_eq!(
        author(r#"<p class="reader__meta-info">von <a href="/autoren/name/max-kolter">Dr. Max Kolter</a></p>"#).as_deref(),
        Some("Dr. Max Kolter")
    );
    // A link to a section, not to an author's page.
    assert_eq!(author(r#"<a href="/author/">All our authors</a>"#), None);
    // The dateline's place and the desk after the name.
    assert_eq!(
        author(r#"<h5 class="wp-block-authorline">Von Anna Sleegers, Frankfurt</h5>"#).as_deref(),
        Some("Anna Sleegers")
    );
    assert_eq!(
        author(r#"<p class="author">von David Straub, MDR THÜRINGEN</p>"#).as_deref(),
        Some("David Straub")
    );
    // Two authors stay two.
    assert_eq!(
        author(r#"<p class="byline">By Jane Doe, John Smith</p>"#).as_deref(),
        Some("Jane Doe, John Smith")
    );
}

#[test]
fn authors_credited_together() {
    let author = |html: &str| extract(html, Some("https://news.example.org/x")).author;
    let ld = |authors: &str| {
        format!(
            r#"<script type="application/ld+json">{{"@type":"NewsArticle","headline":"H","author":{authors}}}</script>"#
        )
    };
    // A reporter and her agency, or the site's desk, credited together.
    assert_eq!(
        author(&ld(
            r#"[{"@type":"Person","name":"Ana Pérez"},{"@type":"Organization","name":"Wire Agency"}]"#
        ))
        .as_deref(),
        Some("Ana Pérez, Wire Agency")
    );
    assert_eq!(
        author(&format!(
            r#"<meta property="og:site_name" content="Example News">{}"#,
            ld(r#"[{"@type":"Person","name":"Ana Pérez"},{"@type":"Person","name":"Example News Desk"}]"#)
        ))
        .as_deref(),
        Some("Ana Pérez, Example News Desk")
    );
    // The organization alone still gives way to a person named elsewhere.
    assert_eq!(
        author(&format!(
            r#"{}<p class="byline">By Luis Gómez</p>"#,
            ld(r#"{"@type":"Organization","name":"Wire Agency"}"#)
        ))
        .as_deref(),
        Some("Luis Gómez")
    );
    // Several names written as one.
    assert_eq!(
        author(&ld(
            r#"{"@type":"Person","name":"Ana Pérez, Luis Gómez and Sara Lee-Park"}"#
        ))
        .as_deref(),
        Some("Ana Pérez, Luis Gómez, Sara Lee-Park")
    );
    // The name WordPress's SEO plugin gives the social card, when the
    // author tag holds an address.
    assert_eq!(
        author(
            r#"<meta name="author" content="a.doe@example.org"><meta name="twitter:label1" content="Reading time">
            <meta name="twitter:data1" content="3 minutes"><meta name="twitter:label2" content="Verfasst von">
            <meta name="twitter:data2" content="Anna Doe">"#
        )
        .as_deref(),
        Some("Anna Doe")
    );
    assert_eq!(
        author(r#"<meta name="twitter:misc:Written by" content="Dieter Kuck">"#).as_deref(),
        Some("Dieter Kuck")
    );
    // Co-authors' links beside the first byline complete JSON-LD's one
    // name; a teaser's author elsewhere on the page does not.
    let page = format!(
        r#"{}<article><div class="bylines">
        <div class="byline"><address><a rel="author" href="mailto:i@example.org">Ingrid Berg</a></address></div>
        <div class="byline"><address><a rel="author" href="mailto:m@example.org">Marit Holm</a></address></div>
        </div><p>Text.</p>
        <section><div><div><a rel="author" href="/x">Other Writer</a></div></div></section></article>"#,
        ld(r#"{"@type":"Person","name":"Marit Holm"}"#)
    );
    assert_eq!(author(&page).as_deref(), Some("Ingrid Berg, Marit Holm"));
}

#[test]
fn dates_outside_the_article_are_others() {
    let now = at(2024, 6, 1);
    let day = |body: &str| {
        extract_at(&format!("<html><body>{body}</body></html>"), None, now)
            .published
            .map(|d| d.date_naive().to_string())
    };
    // The site's header shows today's date; a sidebar lists related
    // articles; the comments have theirs.
    for boiler in [
        r#"<div role="banner"><span class="date">1 June 2024</span></div>"#,
        r#"<aside><span class="post-date">30 May 2024</span></aside>"#,
        r#"<div class="related-posts"><time datetime="2024-05-29">29 May</time></div>"#,
        r#"<div id="comments"><span class="comment-date">31 May 2024</span></div>"#,
    ] {
        assert_eq!(
            day(&format!("{boiler}<article><p>Text.</p></article>")),
            None,
            "{boiler}"
        );
    }
    // In the article, its header included, the date is the article's.
    assert_eq!(
        day(r#"<div role="banner"><span class="date">1 June 2024</span></div>
            <article><header><time datetime="2024-05-20">20 May</time></header><p>Text.</p></article>"#)
        .as_deref(),
        Some("2024-05-20")
    );
}

#[test]
fn a_local_time_ahead_of_utc_keeps_its_day() {
    // Crawled at 13:30 UTC; the page, three hours east, says 14:09 local.
    let now = Utc.with_ymd_and_hms(2026, 4, 20, 13, 30, 0).unwrap();
    let published = |content: &str| {
        extract_at(
            &format!(r#"<meta property="article:published_time" content="{content}">"#),
            None,
            now,
        )
        .published
        .map(|d| d.to_rfc3339())
    };
    assert_eq!(
        published("2026-04-20T14:09:42.493").as_deref(),
        Some("2026-04-20T00:00:00+00:00")
    );
    // With an offset, it is in the future: no date.
    assert_eq!(published("2026-04-20T14:09:42+00:00"), None);
    // More than 14 hours ahead: no date either.
    assert_eq!(published("2026-04-21T09:00:00"), None);
}

#[test]
fn dates_written_in_time_and_date_published_markup() {
    let now = at(2024, 6, 1);
    let day = |body: &str| {
        extract_at(
            &format!("<html><body><article>{body}<p>Text.</p></article></body></html>"),
            None,
            now,
        )
        .published
        .map(|d| d.date_naive().to_string())
    };
    assert_eq!(
        day("<time>12 May 2024</time>").as_deref(),
        Some("2024-05-12")
    );
    assert_eq!(
        day(r#"<span class="x">Updated 20 May 2024</span><span itemprop="datePublished">12.05.2024</span>"#).as_deref(),
        Some("2024-05-12")
    );
}

#[test]
fn an_articles_own_footer_dates_it() {
    let html = r#"<html><body><main><article><h1>T</h1><p>Text of the post.</p>
        <footer class="entry-meta"><p>Posted on <time datetime="2015-03-10T08:05:41-07:00">March 10</time></p></footer>
        </article></main><footer><time datetime="2024-01-01">2024</time></footer></body></html>"#;
    let a = extract_at(html, None, at(2024, 6, 1));
    assert_eq!(
        a.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2015-03-10T08:05:41-07:00")
    );
}

#[test]
fn a_title_made_of_separators_is_read_in_linear_time() {
    // Stripping the site's name part by part, by recursion, went 20,000
    // levels deep here, each scanning the whole title.
    let h1 = "x - ".repeat(20_000);
    let html = format!(
        r#"<html><head><meta property="og:site_name" content="x"></head><body><h1>{h1}</h1></body></html>"#
    );
    let started = std::time::Instant::now();
    let title = extract(&html, None).title.unwrap_or_default();
    assert!(title.len() > 70_000, "{}", title.len());
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}
