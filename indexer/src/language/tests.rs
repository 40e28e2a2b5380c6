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
fn never_basque_where_it_is_not() {
    for (want, text) in [
        ("es", "La cooperativa de Mondragón da empleo a miles de personas en el País Vasco y es un referente de la economía social."),
        ("fr", "La coopérative du Pays basque a été créée en 2015 et compte quarante associés qui travaillent pour la souveraineté alimentaire."),
        ("it", "La cooperativa è nata da un gruppo di lavoratori che hanno rilevato l'azienda dopo la crisi, e oggi dà lavoro a cento persone."),
        ("pt", "A cooperativa foi criada em 2015 por um grupo de mulheres da periferia e hoje conta com quarenta associadas que vendem os seus produtos nas feiras do bairro."),
    ] {
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
    // Nothing declared: the text's own language.
    let d = detect("", "Assemblée générale", &[]);
    assert_eq!(d.lang.as_deref(), Some("fr"));
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

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");

/// `(lang, sentence)` of a TSV file of `tests/fixtures/language/`.
fn sentence_set(file: &str) -> Vec<(String, String)> {
    let path = format!("{FIXTURES}/language/{file}");
    let tsv = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (lang, s) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("no tab in {l:?}"));
            (lang.to_string(), s.to_string())
        })
        .collect()
}

/// whatlang alone, mapped to ISO 639-1.
fn whatlang_alone(text: &str) -> Option<&'static str> {
    whatlang::detect(text).and_then(|i| to_iso639_1(i.lang().code()))
}

#[test]
fn single_sentences_at_least_as_well_as_whatlang_alone() {
    let set = sentence_set("sentences.tsv");
    let langs = ["en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"];
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for lang in langs {
        let mine: Vec<&(String, String)> = set.iter().filter(|(l, _)| l == lang).collect();
        assert!(
            mine.len() >= 20,
            "{lang}: {} sentences, want 20",
            mine.len()
        );
        let mut ours = 0;
        let mut theirs = 0;
        for (_, s) in &mine {
            let got = detect(s, "", &[]).lang;
            if got.as_deref() == Some(lang) {
                ours += 1;
            } else {
                eprintln!("{lang} → {got:?}: {s}");
            }
            if whatlang_alone(s) == Some(lang) {
                theirs += 1;
            }
        }
        rows.push((lang, mine.len(), ours, theirs));
    }
    eprintln!("| language | sentences | veille | whatlang alone |");
    eprintln!("| --- | --- | --- | --- |");
    for (lang, n, ours, theirs) in &rows {
        let pct = |k: &usize| 100.0 * *k as f64 / *n as f64;
        eprintln!("| {lang} | {n} | {:.0}% | {:.0}% |", pct(ours), pct(theirs));
    }
    // Each language at least as well as whatlang alone does it; Basque,
    // which whatlang does not know, at least as well as whatlang does the
    // languages it knows (its worst of them).
    let worst_whatlang = rows
        .iter()
        .filter(|r| r.0 != "eu")
        .map(|&(_, n, _, t)| t as f64 / n as f64)
        .fold(1.0, f64::min);
    for &(lang, n, ours, theirs) in &rows {
        let ours = ours as f64 / n as f64;
        let want = if lang == "eu" {
            worst_whatlang
        } else {
            theirs as f64 / n as f64
        };
        if ours < want {
            failures.push(format!("{lang}: {ours:.2} < {want:.2}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn article_bodies_of_the_fixture_pages() {
    // Every page of tests/fixtures/pages whose expected-metadata.json
    // declares a language: its article (expected.html) with its title,
    // detected as ingestion does (with the page's declaration, which a
    // reliable detection overrides) and without it.
    let mut total = 0;
    let mut right = 0;
    let mut right_undeclared = 0;
    let mut wrong = Vec::new();
    let dir = format!("{FIXTURES}/pages");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected-metadata.json").is_file())
        .collect();
    names.sort();
    for page in names {
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(page.join("expected-metadata.json")).unwrap(),
        )
        .unwrap();
        let Some(want) = meta["lang"].as_str().and_then(normalize_code) else {
            continue;
        };
        let html = std::fs::read_to_string(page.join("expected.html")).unwrap();
        let text = crate::extract::html_to_text(&html);
        let title = meta["title"].as_str().unwrap_or("");
        total += 1;
        let got = detect(&text, title, &[want.as_str()]).lang;
        if got.as_deref() == Some(want.as_str()) {
            right += 1;
        } else {
            wrong.push(format!("{}: {got:?}, declared {want}", page.display()));
        }
        let undeclared = detect(&text, title, &[]).lang;
        if undeclared.as_deref() == Some(want.as_str()) {
            right_undeclared += 1;
        } else {
            eprintln!(
                "without the declaration, {}: {undeclared:?}",
                page.display()
            );
        }
    }
    let share = right as f64 / total as f64;
    eprintln!(
        "{right}/{total} article bodies right ({:.1}%); {right_undeclared}/{total} without the declaration",
        100.0 * share
    );
    assert!(total >= 70, "only {total} pages declare a language");
    assert!(share >= 0.99, "{right}/{total}:\n{}", wrong.join("\n"));
}

#[test]
fn basque_on_sentences_the_word_list_was_not_fitted_to() {
    let set = sentence_set("heldout.tsv");
    let basque = set.iter().filter(|(l, _)| l == "eu").count();
    assert!(basque >= 20, "{basque} Basque sentences");
    let mut right = 0;
    let mut wrong = Vec::new();
    for (lang, s) in &set {
        let got = detect(s, "", &[]).lang;
        if got.as_deref() == Some(lang.as_str()) {
            if lang == "eu" {
                right += 1;
            }
        } else {
            wrong.push(format!("{lang} → {got:?}: {s}"));
        }
        // Never Basque where it is not.
        if lang != "eu" {
            assert_ne!(got.as_deref(), Some("eu"), "{s}");
        }
    }
    eprintln!("held-out Basque: {right}/{basque}\n{}", wrong.join("\n"));
    // At least as well as whatlang alone recognises the languages it knows
    // on sentences.tsv (its worst of them).
    let all = sentence_set("sentences.tsv");
    let worst = ["en", "fr", "es", "ca", "pt", "it", "de", "ko"]
        .iter()
        .map(|lang| {
            let mine: Vec<_> = all.iter().filter(|(l, _)| l == lang).collect();
            let ok = mine
                .iter()
                .filter(|(_, s)| whatlang_alone(s) == Some(lang))
                .count();
            ok as f64 / mine.len() as f64
        })
        .fold(1.0, f64::min);
    let share = right as f64 / basque as f64;
    assert!(
        share >= worst,
        "{share:.2} < {worst:.2}\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_declaration_breaks_ties_but_cannot_force_a_wrong_answer() {
    // Two words that are Spanish as well as Portuguese: the declaration
    // chooses.
    assert_eq!(
        detect("", "Mercado social", &["pt"]).lang.as_deref(),
        Some("pt")
    );
    assert_eq!(
        detect("", "Mercado social", &["es"]).lang.as_deref(),
        Some("es")
    );
    // Clearly French, declared German (a template's default): French.
    assert_eq!(
        detect("", "Assemblée générale des coopératives", &["de"])
            .lang
            .as_deref(),
        Some("fr")
    );
    // A sentence in Dutch, a language outside the network's portal, with
    // nothing declared: Dutch, not German.
    let dutch = "De coöperatie beheert sinds 2015 een buurtwinkel waar vrijwilligers lokale producten verkopen.";
    assert_eq!(detect(dutch, "", &[]).lang.as_deref(), Some("nl"));
    // Swahili, which whatlang does not know.
    let swahili =
        "Vikundi vya ushirika vya wakulima vimesaidia kuongeza kipato cha familia nyingi vijijini.";
    assert_eq!(detect(swahili, "", &[]).lang.as_deref(), Some("sw"));
    // Nothing to read: the declaration, with a low confidence.
    let d = detect("2024 — 12/05", "", &["fr"]);
    assert_eq!(d.lang.as_deref(), Some("fr"));
    assert!(d.confidence <= 0.5, "{d:?}");
}

#[test]
fn the_evaluation_lists_each_text_named_wrong_with_its_answer() {
    use super::eval::{evaluate, parse_cases};
    let cases = parse_cases(
        "fr\tLa coopérative d'habitants ouvre ses portes aux familles du quartier.\n\
         de\tLa coopérative d'habitants ouvre ses portes aux familles du quartier.\n",
        "cases",
    )
    .unwrap();
    let report = evaluate(&cases);
    assert_eq!(report.rows["fr"].veille, 1);
    assert_eq!(report.misses.len(), 1);
    let miss = &report.misses[0];
    assert_eq!((miss.lang.as_str(), miss.got.as_str()), ("de", "fr"));
    assert!(miss.text.starts_with("La coopérative"));
}
