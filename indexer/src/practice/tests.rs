//! Candidate detection tests: a practice and non-practices in each language
//! of the lexicon, themes, places, the data files.

use super::*;

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
