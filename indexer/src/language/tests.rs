//! Language detection tests: SSE sentences in each language of the network,
//! Basque, short titles with a declaration.

use super::*;

fn lang(text: &str) -> Option<String> {
    detect(text, "", &[]).lang
}

const SENTENCES: &[(&str, &str)] = &[
    (
        "en",
        "The city council approved a new fund to support worker cooperatives and \
         social enterprises, which will help tenants buy their buildings and create \
         local jobs in the poorest neighbourhoods.",
    ),
    (
        "fr",
        "Le conseil municipal a adopté un nouveau fonds pour soutenir les coopératives \
         de travail et les entreprises d'économie sociale, afin d'aider les locataires \
         à racheter leur immeuble et de créer des emplois dans les quartiers.",
    ),
    (
        "es",
        "El ayuntamiento aprobó un nuevo fondo para apoyar a las cooperativas de trabajo \
         y a las empresas de la economía social, que ayudará a los inquilinos a comprar \
         sus edificios y a crear empleo en los barrios más pobres.",
    ),
    (
        "ca",
        "L'ajuntament ha aprovat un nou fons per donar suport a les cooperatives de \
         treball i a les empreses de l'economia social, que ajudarà els llogaters a \
         comprar els seus edificis i a crear ocupació als barris més pobres.",
    ),
    (
        "pt",
        "A câmara municipal aprovou um novo fundo para apoiar as cooperativas de trabalho \
         e as empresas da economia social, que vai ajudar os inquilinos a comprar os seus \
         prédios e a criar empregos nos bairros mais pobres.",
    ),
    (
        "it",
        "Il consiglio comunale ha approvato un nuovo fondo per sostenere le cooperative \
         di lavoro e le imprese dell'economia sociale, che aiuterà gli inquilini ad \
         acquistare i loro edifici e a creare occupazione nei quartieri più poveri.",
    ),
    (
        "de",
        "Der Stadtrat hat einen neuen Fonds beschlossen, der Arbeitergenossenschaften und \
         Sozialunternehmen unterstützt, damit Mieter ihre Häuser kaufen können und in den \
         ärmsten Vierteln neue Arbeitsplätze entstehen.",
    ),
    (
        "ko",
        "시의회는 노동자 협동조합과 사회적기업을 지원하기 위한 새로운 기금을 승인했으며, \
         이를 통해 세입자들이 건물을 매입하고 가장 가난한 동네에 일자리를 만들 수 있게 된다.",
    ),
    (
        "eu",
        "Udalak funts berri bat onartu du lan kooperatibak eta gizarte ekonomiako \
         enpresak laguntzeko, eta horri esker maizterrek beren eraikinak erosi ahal \
         izango dituzte eta auzo pobreenetan lanpostu berriak sortuko dira.",
    ),
];

#[test]
fn each_language_of_the_network() {
    for (want, text) in SENTENCES {
        let d = detect(text, "", &[]);
        assert_eq!(d.lang.as_deref(), Some(*want), "{text}");
        assert!(d.confidence > 0.0 && d.confidence <= 1.0, "{want}: {d:?}");
    }
}

#[test]
fn basque_sentences() {
    for text in [
        "Olatukoop ekonomia sozial eraldatzailearen sarea da, eta Euskal Herriko \
         kooperatibak biltzen ditu.",
        "Kooperatiba hau 2015ean sortu zen, eta gaur egun berrogei bazkide ditu; \
         elikadura burujabetzaren alde lan egiten dute.",
        "Gizarte ekonomia eta ekonomia solidarioa indartzeko programa berria aurkeztu \
         du Bilboko Udalak.",
    ] {
        assert_eq!(lang(text).as_deref(), Some("eu"), "{text}");
    }
    // Declared Basque on a short title.
    assert_eq!(
        detect("", "Kooperatiben eguna", &["eu"]).lang.as_deref(),
        Some("eu")
    );
}

#[test]
fn basque_profile_does_not_fire_on_spanish_or_french() {
    for (want, text) in [
        ("es", "La cooperativa de Mondragón da empleo a miles de personas en el País Vasco y es un referente de la economía social."),
        ("fr", "La coopérative du Pays basque a été créée en 2015 et compte quarante associés qui travaillent pour la souveraineté alimentaire."),
        ("it", "La cooperativa è nata da un gruppo di lavoratori che hanno rilevato l'azienda dopo la crisi, e oggi dà lavoro a cento persone."),
        ("pt", "A cooperativa foi criada em 2015 por um grupo de mulheres da periferia e hoje conta com quarenta associadas que vendem os seus produtos nas feiras do bairro."),
    ] {
        assert_eq!(basque::strength(text), 0.0, "{text}");
        assert_eq!(lang(text).as_deref(), Some(want), "{text}");
        // Even when a page wrongly declares Basque.
        assert_eq!(detect(text, "", &["eu"]).lang.as_deref(), Some(want), "{text}");
    }
}

#[test]
fn short_title_takes_the_declared_language() {
    let d = detect("", "Assemblée générale", &["fr"]);
    assert_eq!(d.lang.as_deref(), Some("fr"));
    assert!(d.confidence > 0.0 && d.confidence <= 1.0);
    // Declarations are normalized and taken in order.
    let d = detect("Mercado social", "", &["es-AR", "fr"]);
    assert_eq!(d.lang.as_deref(), Some("es"));
    // Nothing declared: whatlang's guess, with a low confidence.
    let d = detect("", "Assemblée générale", &[]);
    assert!(d.confidence <= 0.5, "{d:?}");
}

#[test]
fn reliable_text_overrides_a_wrong_declaration() {
    let (_, english) = SENTENCES[0];
    let d = detect(english, "", &["fr"]);
    assert_eq!(d.lang.as_deref(), Some("en"));
    assert!(d.confidence > 0.5);
}

#[test]
fn declared_tags_are_normalized() {
    assert_eq!(normalize_code("fr-CA").as_deref(), Some("fr"));
    assert_eq!(normalize_code("en_US").as_deref(), Some("en"));
    assert_eq!(normalize_code(" PT-br ").as_deref(), Some("pt"));
    assert_eq!(normalize_code("eus").as_deref(), Some("eu"));
    assert_eq!(normalize_code("fra").as_deref(), Some("fr"));
    assert_eq!(normalize_code("iw").as_deref(), Some("he"));
    assert_eq!(normalize_code("x-default"), None);
    assert_eq!(normalize_code(""), None);
    assert_eq!(normalize_code("*"), None);
    assert_eq!(to_iso639_1("kor"), Some("ko"));
    assert_eq!(to_iso639_1("cat"), Some("ca"));
    // Every language whatlang knows maps to a two-letter code.
    for l in whatlang::Lang::all() {
        let code = to_iso639_1(l.code());
        assert!(code.is_some_and(|c| c.len() == 2), "{}", l.code());
    }
}
