//! Candidate detection tests: a practice and non-practices in each language
//! of the lexicon, the labelled cases of `tests/fixtures/candidates/`,
//! themes, kinds, places, organizations, summary and year, signals, the
//! evaluation against curator decisions, the data files.

use super::*;

/// The lexicon's own rule as a model (`logistic(6·rule − 3)`): these tests
/// check what the lexicon finds, which the trained model reads among its
/// features; the trained model is measured on the corpus
/// (`veille train`, `trained_model.rs`).
fn rule_model() -> &'static model::Model {
    static M: std::sync::LazyLock<model::Model> = std::sync::LazyLock::new(|| {
        model::Model::parse(include_str!("../../tests/rule-model.json")).unwrap()
    });
    &M
}

/// [`super::classify`] with the lexicon's rule.
fn classify(title: &str, text: &str, lang: Option<&str>) -> Candidate {
    classify_with(
        title,
        text,
        &Context {
            lang,
            model: Some(rule_model()),
            ..Context::default()
        },
    )
}

fn check_practice(title: &str, text: &str, lang: &str, theme: &str, place: Option<(&str, &str)>) {
    let c = classify(title, text, Some(lang));
    assert!(c.is_candidate, "{lang}: not a candidate: {c:?}");
    assert!(c.score >= 0.5 && c.score <= 1.0, "{lang}: score {c:?}");
    assert!(
        c.themes.iter().any(|t| t == theme),
        "{lang}: theme {theme} missing: {c:?}"
    );
    if let Some((name, country)) = place {
        assert!(
            c.places
                .iter()
                .any(|p| p.name == name && p.country.as_deref() == Some(country)),
            "{lang}: place {name} missing: {c:?}"
        );
    }
    assert!(!c.evidence.is_empty());
}

fn check_not(title: &str, text: &str, lang: &str) {
    let c = classify(title, text, Some(lang));
    assert!(!c.is_candidate, "{lang}: {title:?} is a candidate: {c:?}");
    assert!(c.score < 0.5);
}

#[test]
fn english_practice_and_non_practices() {
    check_practice(
        "Montreal launches a fund for housing cooperatives",
        "The city of Montreal launched a fund of $5M for housing cooperatives. The \
         programme will finance 600 affordable homes managed by their tenants.",
        "en",
        "T1",
        Some(("Montréal", "CA")),
    );
    let c = classify(
        "Montreal launches a fund for housing cooperatives",
        "The city of Montreal launched a fund of $5M for housing cooperatives.",
        Some("en"),
    );
    assert!(
        c.evidence.iter().any(|e| e == "housing cooperative*"),
        "{c:?}"
    );
    check_not(
        "Webinar: the social economy in 2025",
        "Register now for our webinar on the social economy and cooperatives, \
         on 12 June at 3pm. Places are limited.",
        "en",
    );
    check_not(
        "Job offer: project officer",
        "The housing cooperative is hiring a project officer for its programme. \
         Apply now: deadline 30 May.",
        "en",
    );
    check_not(
        "Cooperative video game Forest Friends launched",
        "The cooperative video game Forest Friends launched on consoles; four \
         players build a village together. It sold one million copies.",
        "en",
    );
    // Neither SSE nor practice: news.
    check_not(
        "Stock markets fall",
        "Stock markets fell on Monday as investors worried about interest rates.",
        "en",
    );
}

#[test]
fn french_practice_and_non_practices() {
    check_practice(
        "Nantes crée un fonds pour l'économie sociale et solidaire",
        "La ville de Nantes a lancé un fonds de 2 millions d'euros pour soutenir \
         les coopératives et les entreprises d'insertion du quartier Malakoff.",
        "fr",
        "T3",
        Some(("Nantes", "FR")),
    );
    check_not(
        "Offre d'emploi : chargé·e de mission ESS",
        "Nous recrutons un·e chargé·e de mission pour notre réseau de coopératives. \
         Date limite de candidature : 15 mai.",
        "fr",
    );
    check_not(
        "Jeu vidéo coopératif",
        "Ce jeu vidéo coopératif a été lancé en 2023 et compte des millions de joueurs.",
        "fr",
    );
}

#[test]
fn spanish_practice_and_non_practices() {
    check_practice(
        "Bogotá pone en marcha un programa de economía solidaria",
        "La Alcaldía de Bogotá puso en marcha un programa para 300 cooperativas de \
         mujeres recicladoras, con créditos y formación.",
        "es",
        "T14",
        Some(("Bogotá", "CO")),
    );
    check_not(
        "Oferta de empleo",
        "Oferta de empleo: la cooperativa busca técnico de proyectos para su programa. \
         Inscripciones hasta el 20 de mayo.",
        "es",
    );
}

#[test]
fn catalan_practice() {
    check_practice(
        "Barcelona impulsa l'economia social i solidària",
        "L'Ajuntament de Barcelona ha posat en marxa un fons per a cooperatives \
         d'habitatge que donarà llar a 200 famílies del barri del Poblenou.",
        "ca",
        "T1",
        Some(("Barcelona", "ES")),
    );
    check_not(
        "Butlletí de novembre",
        "Llegeix el nostre butlletí i la nostra opinió sobre l'economia social. \
         Inscripció oberta al webinar.",
        "ca",
    );
}

#[test]
fn portuguese_practice() {
    check_practice(
        "Maricá lança moeda social",
        "A prefeitura de Maricá lançou a moeda social Mumbuca, que já beneficia 42 mil \
         famílias e financia empreendimentos solidários através de um banco comunitário.",
        "pt",
        "T3",
        Some(("Maricá", "BR")),
    );
    check_not(
        "Vagas de emprego",
        "Vagas de emprego na cooperativa: inscreva-se até sexta-feira.",
        "pt",
    );
}

#[test]
fn italian_practice() {
    check_practice(
        "Bologna, un fondo per le cooperative di comunità",
        "Il Comune di Bologna ha avviato un fondo di 3 milioni per le cooperative \
         di comunità e l'inserimento lavorativo di persone in povertà.",
        "it",
        "T12",
        Some(("Bologna", "IT")),
    );
    check_not(
        "Offerta di lavoro",
        "Offerta di lavoro: la cooperativa sociale cerca un educatore. Iscriviti alla newsletter.",
        "it",
    );
}

#[test]
fn korean_practice() {
    check_practice(
        "서울시, 사회적경제 기금 출범",
        "서울시는 사회적경제 기업과 협동조합을 지원하기 위해 500억 원 규모의 기금을 출범했다. \
         주택협동조합 20곳이 지원을 받는다.",
        "ko",
        "T3",
        Some(("Seoul", "KR")),
    );
    check_not(
        "협동조합 채용 공고",
        "협동조합에서 사무국장을 채용합니다. 뉴스레터를 구독하세요.",
        "ko",
    );
}

#[test]
fn basque_and_german_practice() {
    check_practice(
        "Bilboko udalak kooperatiben funtsa martxan jarri du",
        "Bilboko Udalak 2 milioi euroko funtsa martxan jarri du lan kooperatiba \
         berriak sortzeko.",
        "eu",
        "T13",
        Some(("Bilbao", "ES")),
    );
    check_practice(
        "Berlin gründet Fonds für Wohnungsbaugenossenschaften",
        "Der Stadtrat von Berlin hat einen Fonds gegründet, der \
         Wohnungsbaugenossenschaften bezahlbaren Wohnraum ermöglicht.",
        "de",
        "T1",
        Some(("Berlin", "DE")),
    );
}

#[test]
fn unknown_language_uses_every_lexicon() {
    let c = classify(
        "Lyon",
        "La ville de Lyon a lancé un fonds pour les coopératives.",
        None,
    );
    assert!(c.is_candidate, "{c:?}");
}

#[test]
fn places_need_a_capital_and_prefer_the_longest_name() {
    let c = classify(
        "",
        "Cooperatives in Mexico City and in Buenos Aires; a nice day in Paris.",
        Some("en"),
    );
    let names: Vec<&str> = c.places.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Mexico City", "Buenos Aires", "Paris"]);
    let c = classify(
        "",
        "Coopératives au Sénégal, à Dakar et à Donostia.",
        Some("fr"),
    );
    let codes: Vec<_> = c.places.iter().map(|p| p.country.as_deref()).collect();
    assert_eq!(codes, [Some("SN"), Some("SN"), Some("ES")]);
}

#[test]
fn themes_are_sorted_and_labelled() {
    let c = classify(
        "",
        "The city council launched a fund for women-led housing cooperatives and \
         worker cooperatives, with training for 300 women.",
        Some("en"),
    );
    let nums: Vec<u32> = c.themes.iter().map(|t| t[1..].parse().unwrap()).collect();
    let mut sorted = nums.clone();
    sorted.sort();
    assert_eq!(nums, sorted, "{c:?}");
    assert_eq!(
        theme_label("T1", "fr"),
        Some("Villes en transition et droit a l'habitation")
    );
    assert_eq!(theme_label("T14", "es"), Some("Mujeres"));
    assert_eq!(theme_label("T6", "ko"), Some("Public policies"));
    assert_eq!(theme_label("T20", "en"), None);
    assert_eq!(theme_ids().len(), 19);
}

#[test]
fn every_data_line_parses() {
    let bad = lexicon::bad_lines();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

const CASES: &str = include_str!("../../../tests/fixtures/candidates/cases.tsv");

/// Every language of the cases file, each kind of text: the detector
/// decides as the labels say on nearly all of them.
#[test]
fn labelled_cases_per_language() {
    let cases = eval::parse_cases(CASES, "cases.tsv").expect("cases.tsv parses");
    let report = eval::evaluate_cases_with(&cases, Some(rule_model()));
    for (lang, c) in &report.by_lang {
        eprintln!(
            "{lang}: accuracy {:.3} ({} cases) precision {:?} recall {:?}",
            c.accuracy().unwrap_or(0.0),
            c.total(),
            c.precision(),
            c.recall()
        );
    }
    for m in &report.misses {
        eprintln!("MISS {} {:?} {} {:?}", m.id, m.label, m.score, m.evidence);
    }
    for lang in ["en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"] {
        let c = report.by_lang.get(lang).expect("every language has cases");
        assert!(c.total() >= 13, "{lang}: {c:?}");
        assert!(
            c.accuracy().unwrap() >= 0.9,
            "{lang}: accuracy {:?}, misses: {:#?}",
            c.accuracy(),
            report.misses
        );
    }
}

/// Each kind of non-practice and false friend is told apart in every
/// language (the cases file has one of each per language).
#[test]
fn every_kind_of_non_practice_is_recognised() {
    let cases = eval::parse_cases(CASES, "cases.tsv").unwrap();
    let report = eval::evaluate_cases_with(&cases, Some(rule_model()));
    for label in [
        "event",
        "call",
        "job",
        "newsletter",
        "opinion",
        "definition",
        "videogame",
        "military",
        "csr",
        "sharing",
    ] {
        let c = report.by_label.get(label).expect("label present");
        assert_eq!(c.total(), 9, "{label}: one case per language");
        assert!(
            c.true_negatives >= 8,
            "{label}: {c:?}, misses: {:#?}",
            report.misses
        );
    }
    let practices = &report.by_label["practice"];
    assert!(practices.recall().unwrap() >= 0.9, "{practices:?}");
}

fn place_names(c: &Candidate) -> Vec<String> {
    c.places
        .iter()
        .map(|p| format!("{}/{}", p.name, p.country.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn places_from_the_geonames_gazetteer() {
    // Cities outside the project's own list, found through GeoNames.
    let c = classify(
        "",
        "Cooperatives in Porto Alegre, Cochabamba and Kraków opened shared workshops.",
        Some("en"),
    );
    assert_eq!(
        place_names(&c),
        ["Porto Alegre/BR", "Cochabamba/BO", "Kraków/PL"]
    );
    // Alternative names in the portal's languages.
    let c = classify(
        "",
        "Des coopératives de Varsovie et de Cracovie, des cooperativas de Bruxelas.",
        Some("fr"),
    );
    assert_eq!(place_names(&c), ["Warsaw/PL", "Kraków/PL", "Brussels/BE"]);
}

#[test]
fn shared_place_names_follow_the_source_and_the_text() {
    let text = "La cooperativa de Valencia abrió un comedor.";
    // The project's own list knows Valencia, Spain.
    let c = classify_with(text, "", &Context::default());
    assert_eq!(place_names(&c), ["Valencia/ES"]);
    // A Venezuelan source: Valencia, Venezuela.
    let c = classify_with(
        "",
        text,
        &Context {
            lang: Some("es"),
            country: Some("VE"),
            model: Some(rule_model()),
            ..Context::default()
        },
    );
    assert_eq!(place_names(&c), ["Valencia/VE"]);
    // A country named in the text decides too.
    let c = classify(
        "",
        "En Venezuela, la cooperativa de Valencia abrió un comedor.",
        Some("es"),
    );
    assert_eq!(place_names(&c), ["Venezuela/VE", "Valencia/VE"]);
}

#[test]
fn place_names_inside_person_or_organization_names_are_not_places() {
    // Jackson (US) and Palmas (BR) are GeoNames cities; here they are part
    // of a person's and a bank's names. Lowercase words are never places.
    let c = classify(
        "",
        "Sarah Jackson founded Banco Palmas with residents. A nice reading of the mobile split.",
        Some("en"),
    );
    assert!(c.places.is_empty(), "{:?}", place_names(&c));
    // Korean names before their particles.
    let c = classify("", "부산시와 광주에서 협동조합이 늘었다.", Some("ko"));
    assert_eq!(place_names(&c), ["Busan/KR", "Gwangju/KR"]);
}

#[test]
fn organizations_named_in_each_language() {
    let cases = [
        (
            "en",
            "The Clydeside Tenants Credit Union was set up in 2019 by residents. It works with the Cooperative Development Agency (CDA) of the city.",
            &["Clydeside Tenants Credit Union", "Cooperative Development Agency (CDA)"][..],
        ),
        (
            "fr",
            "La coopérative Les Récoltes a reçu l'appui de la Ville de Lyon et du Réseau des collectivités territoriales pour une économie solidaire (RTES).",
            &["Les Récoltes", "Ville de Lyon", "RTES"][..],
        ),
        (
            "es",
            "La cooperativa Entrepatios, creada en 2010, trabaja con la Red de Economía Alternativa y Solidaria.",
            &["Entrepatios", "Red de Economía Alternativa y Solidaria"][..],
        ),
        (
            "ca",
            "Coòpolis, l'ateneu cooperatiu de Barcelona, treballa amb la Xarxa d'Economia Solidària.",
            &["Coòpolis", "Xarxa d'Economia Solidària"][..],
        ),
        (
            "pt",
            "A prefeitura de Maricá financia o Banco Comunitário Mumbuca.",
            &["Banco Comunitário Mumbuca"][..],
        ),
        (
            "de",
            "Die Wohnungsbaugenossenschaft Möckernkiez wurde 2009 gegründet. Die Stadt Berlin unterstützt sie.",
            &["Wohnungsbaugenossenschaft Möckernkiez", "Stadt Berlin"][..],
        ),
        (
            "ko",
            "성북구의 주택협동조합 '함께주택'은 2016년 설립되었다.",
            &["함께주택"][..],
        ),
    ];
    for (lang, text, expected) in cases {
        let c = classify("", text, Some(lang));
        assert_eq!(c.organizations, expected, "{lang}: {text}");
    }
    // Title Case titles name no organization; a place is not one.
    let c = classify(
        "Montreal Launches New Fund For Housing Cooperatives",
        "The city launched a fund.",
        Some("en"),
    );
    assert!(c.organizations.is_empty(), "{:?}", c.organizations);
}

#[test]
fn kinds_of_organization_are_essglobal_ids() {
    let c = classify(
        "",
        "The worker cooperative, founded in 2012, joined the housing cooperative federation.",
        Some("en"),
    );
    assert_eq!(c.kinds, ["OS60", "OS70"], "generic OS115 left out");
    let c = classify("", "서울시는 사회적기업과 협동조합을 지원한다.", Some("ko"));
    assert!(c.kinds.contains(&"OS30".to_string()), "{:?}", c.kinds);
    assert!(c.kinds.contains(&"OS115".to_string()), "{:?}", c.kinds);
    assert_eq!(
        kind_label("OS60", "fr"),
        Some("Coopératives de travail associé")
    );
    assert_eq!(kind_label("OS70", "fr"), Some("Housing cooperative"));
    assert_eq!(kind_label("OS999", "en"), None);
    assert_eq!(kind_ids().len(), 25);
    assert!(kind_ids().iter().all(|id| kind_label(id, "en").is_some()));
}

#[test]
fn start_year_is_the_year_said_near_a_start_word() {
    let year = |text: &str, lang: &str| classify("", text, Some(lang)).year;
    assert_eq!(
        year("The trust, founded in 2007, built 40 homes in 2023.", "en"),
        Some(2007)
    );
    assert_eq!(
        year("Lancée en 2017, l'entreprise emploie 90 personnes.", "fr"),
        Some(2017)
    );
    assert_eq!(
        year("La cooperativa, creada en 2010, tiene 17 viviendas.", "es"),
        Some(2010)
    );
    assert_eq!(year("Olatukoop 2015ean sortu zen.", "eu"), Some(2015));
    assert_eq!(
        year("Die Genossenschaft wurde 2009 gegründet.", "de"),
        Some(2009)
    );
    assert_eq!(
        year("서울시는 2013년 사회투자기금을 설립했다.", "ko"),
        Some(2013)
    );
    // A year with no start word near it is not a start year.
    assert_eq!(year("In 2024 the cooperative sold 300 tonnes.", "en"), None);
    assert_eq!(year("Since 1492 BC.", "en"), None);
}

#[test]
fn summary_keeps_the_sentences_that_say_what_the_practice_is() {
    let c = classify(
        "Preston",
        "It was a rainy day. Since 2013 Preston City Council has redirected its public \
         procurement to local cooperatives and social enterprises. The weather stayed grey. \
         A new worker cooperative network supports start-ups with a fund of £1 million.",
        Some("en"),
    );
    assert!(c.is_candidate, "{c:?}");
    let summary = c.summary.expect("a candidate has a summary");
    assert!(
        summary.starts_with("Since 2013 Preston City Council"),
        "{summary}"
    );
    assert!(summary.contains("worker cooperative network"), "{summary}");
    assert!(!summary.contains("weather"), "{summary}");
    // Not a candidate: no summary.
    let c = classify("Stock markets fall", "Markets fell on Monday.", Some("en"));
    assert_eq!(c.summary, None);
}

#[test]
fn every_decision_carries_its_signals() {
    // The shipped model: its largest contributions, in words a curator
    // reads, strongest first, each once.
    let c = super::classify(
        "Webinar: housing cooperatives",
        "Register now for our webinar on housing cooperatives; the city launched a fund.",
        Some("en"),
    );
    assert!(
        !c.signals.is_empty() && c.signals.len() <= MAX_SIGNALS,
        "{c:?}"
    );
    for pair in c.signals.windows(2) {
        assert!(pair[0].weight.abs() >= pair[1].weight.abs(), "{c:?}");
    }
    let mut phrases: Vec<&str> = c.signals.iter().map(|s| s.phrase.as_str()).collect();
    phrases.sort_unstable();
    phrases.dedup();
    assert_eq!(phrases.len(), c.signals.len(), "each signal once: {c:?}");
    for s in &c.signals {
        assert!(
            [
                "sse",
                "practice",
                "negative",
                "lexicon",
                "structure",
                "source",
                "language",
                "term"
            ]
            .contains(&s.kind.as_str()),
            "{s:?}"
        );
        // A term signal is words of the text.
        if s.kind == "term" {
            let word = s.phrase.trim_end_matches('*');
            assert!(
                c.evidence.is_empty()
                    || "webinar: housing cooperatives register now for our webinar on housing cooperatives; the city launched a fund"
                        .contains(word),
                "{s:?}"
            );
        }
    }
    // The lexicon's phrases stay the evidence.
    assert!(c.evidence.iter().any(|e| e == "webinar*"), "{c:?}");
    assert!(
        c.evidence.iter().any(|e| e == "housing cooperative*"),
        "{c:?}"
    );
    // A source whose items curators approved weighs for; one whose items
    // they rejected, against.
    let with = |approved, rejected| {
        classify_with(
            "Webinar: housing cooperatives",
            "Register now for our webinar on housing cooperatives; the city launched a fund.",
            &Context {
                lang: Some("en"),
                source: Some(model::SourceRecord { approved, rejected }),
                ..Context::default()
            },
        )
        .score
    };
    assert!(
        with(30, 0) > with(0, 0) && with(0, 0) > with(0, 30),
        "{} {} {}",
        with(30, 0),
        with(0, 0),
        with(0, 30)
    );
}

fn store_item(title: &str, text: &str, lang: &str, n: usize) -> veille_store::NewItem {
    veille_store::NewItem {
        url: format!("https://example.org/item/{n}"),
        source_id: "test".into(),
        title: title.into(),
        text: text.into(),
        author: None,
        published: None,
        lang: Some(lang.into()),
        lang_confidence: 1.0,
        country: None,
        // Whatever was stored: the evaluation re-runs the detector.
        candidate: Candidate::default(),
        fingerprint: None,
    }
}

#[test]
fn evaluation_against_curator_decisions_in_the_store() {
    use veille_store::{Decision, Review, Store};
    let store = Store::open_in_memory().unwrap();
    let cases = eval::parse_cases(CASES, "cases.tsv").unwrap();
    let pick = |lang: &str, label: &str| {
        cases
            .iter()
            .find(|c| c.lang.as_deref() == Some(lang) && c.label.as_deref() == Some(label))
            .unwrap()
    };
    // (case, curator decision): three approved practices, two rejected
    // non-practices, one practice the curator rejected anyway (a false
    // positive for the detector), one job offer the curator approved (a
    // false negative), one item left unreviewed.
    let plan = [
        (pick("en", "practice"), Some(Decision::Approve)),
        (pick("fr", "practice"), Some(Decision::Approve)),
        (pick("ko", "practice"), Some(Decision::Approve)),
        (pick("es", "event"), Some(Decision::Reject)),
        (pick("de", "videogame"), Some(Decision::Reject)),
        (pick("it", "practice"), Some(Decision::Reject)),
        (pick("pt", "job"), Some(Decision::Approve)),
        (pick("ca", "practice"), None),
    ];
    for (n, (case, decision)) in plan.iter().enumerate() {
        let item = store_item(&case.title, &case.text, case.lang.as_deref().unwrap(), n);
        store.upsert_item(&item).unwrap();
        if let Some(decision) = decision {
            let review = Review {
                decision: *decision,
                curator: "alice".into(),
                note: None,
                at: chrono::Utc::now(),
            };
            store
                .set_review(&veille_store::item_id(&item.url), &review)
                .unwrap()
                .expect("the item exists");
        }
    }
    let report = eval::evaluate_store(&store).unwrap();
    let o = report.overall;
    assert_eq!(o.total(), 7, "unreviewed items are left out: {o:?}");
    assert_eq!(
        (
            o.true_positives,
            o.false_positives,
            o.true_negatives,
            o.false_negatives
        ),
        (3, 1, 2, 1)
    );
    assert_eq!(o.precision(), Some(0.75));
    assert_eq!(o.recall(), Some(0.75));
    assert_eq!(o.f1(), Some(0.75));
    assert_eq!(report.by_lang["it"].false_positives, 1);
    assert_eq!(report.by_lang["pt"].false_negatives, 1);
    assert_eq!(report.misses.len(), 2);
}

#[test]
fn bad_case_lines_are_all_reported() {
    let tsv = "# comment\nen\tpractice\tpractice\tT\tText\nen\tmaybe\tx\tT\tText\nfr\tnot\n";
    let problems = eval::parse_cases(tsv, "cases.tsv").unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("line 3:"), "{problems:?}");
    assert!(problems[1].starts_with("line 4:"), "{problems:?}");
    let ok = eval::parse_cases("-\tnot\t\tTitle\tText\n", "x").unwrap();
    assert_eq!(ok[0].lang, None);
    assert!(!ok[0].expected);
}
