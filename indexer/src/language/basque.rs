//! A small, honest Basque (euskara) detector, since whatlang has none.
//!
//! It counts, among the words of a text, the very frequent Basque function
//! words (`eta`, `da`, `ez`, `bat`, `du`, `dira`, `ere`, `baina` …) and the
//! words with typical Basque endings (`-aren`, `-tzeko`, `-etan`, `-ekin`,
//! `-entzat` …). Spanish and French share almost none of them. It answers
//! only when the text has a few words and a clear share of them are
//! markers; it knows nothing else about Basque, and a Basque text made of
//! rare words only will be missed.

/// Languages whatlang answers, reliably or not, for Basque text.
pub(super) const CONFUSED_WITH: &[&str] = &["et", "fi", "es", "it", "id", "tl", "sk", "la", "eo"];

/// Very frequent Basque words, most of which never occur in Spanish,
/// French, Catalan or Portuguese text.
const FUNCTION_WORDS: &[&str] = &[
    "eta",
    "ez",
    "bat",
    "dira",
    "ere",
    "baina",
    "edo",
    "zen",
    "dute",
    "dago",
    "daude",
    "izan",
    "egin",
    "hau",
    "hori",
    "beste",
    "oso",
    "baita",
    "gure",
    "bere",
    "zuen",
    "dela",
    "duen",
    "duten",
    "bezala",
    "arteko",
    "behar",
    "gisa",
    "bidez",
    "buruz",
    "ondoren",
    "artean",
    "gabe",
    "hala",
    "nola",
    "zer",
    "noiz",
    "honek",
    "horiek",
    "hauek",
    "hemen",
    "baino",
    "zein",
    "dugu",
    "ditu",
    "dituzte",
    "zuten",
    "dituen",
    "izango",
    "egiten",
    "egingo",
    "urte",
    "urtean",
    "ekonomia",
    "kooperatiba",
    "kooperatibak",
    "sozial",
    "soziala",
    "elkartasun",
    "udala",
    "udalak",
    "euskal",
    "euskara",
    "herriko",
    "lana",
    "enpresa",
    "enpresak",
    "berri",
    "berria",
    "gehiago",
    "asko",
    "guztiak",
    "orain",
    "beraz",
    "ordea",
    "aldiz",
    "eguna",
    "hiru",
    "diote",
    "diete",
    "zion",
    "zaio",
    "zaie",
    "dagoeneko",
    "gaur",
    "bihar",
    "atzo",
    "egun",
    "berriz",
    "ordez",
    "aurka",
    "aurrera",
    "lehen",
    "lehenengo",
    "bigarren",
    "lau",
    "bost",
    "hamar",
    "hogei",
    "berrogei",
    "ehun",
    "mila",
    "milaka",
    "batzuk",
    "batzuek",
    "guztia",
    "inork",
    "ezer",
    "zerbait",
    "norbait",
    "egiteko",
    "izateko",
    "ahal",
    "ezin",
    "daiteke",
    "dezake",
    "dezakete",
    "diren",
    "zituen",
    "zituzten",
    "dutela",
    "duela",
    "zela",
    "zirela",
    "arren",
    "bada",
    "gainera",
    "halaber",
    "ostean",
    "aurretik",
    "ondorioz",
    "edota",
    "ezta",
    "hain",
    "hainbat",
    "zenbait",
    "askoz",
    "gutxi",
    "handia",
    "handi",
    "txiki",
    "txikiak",
    "berriak",
    "herri",
    "herria",
    "hiria",
    "hiriko",
    "udal",
    "udalerri",
    "langile",
    "langileak",
    "langileen",
    "elkarte",
    "elkartea",
    "elkarteak",
    "sarea",
    "proiektu",
    "proiektua",
    "diru",
    "laguntza",
    "laguntzak",
    "gizarte",
    "ekonomiako",
    "euskadi",
    "bizkaia",
    "gipuzkoa",
    "araba",
    "nafarroa",
    "bilbo",
    "donostia",
    "gasteiz",
    "batek",
    "baten",
    "bati",
    "batean",
    "honen",
    "horren",
    "haien",
    "beren",
    "gaia",
    "bezalako",
    "ezberdin",
    "desberdin",
    "arloan",
    "arloko",
    "bertan",
    "berean",
    "behin",
    "bakarrik",
    "baizik",
    "hemendik",
    "hurrengo",
    "zehar",
    "inguru",
    "inguruan",
    "buruzko",
    "kide",
    "kideak",
    "emakume",
    "emakumeak",
    "gazte",
    "gazteak",
    "eskola",
    "ikasle",
    "erabiltzen",
    "ematen",
    "hartu",
    "eman",
    "egon",
    "esan",
    "jarri",
    "sortu",
    "lortu",
    "ekintza",
    "eraldatzaile",
];

/// Basque words that are also frequent in other languages (Italian and
/// Portuguese "da", French "du"): half a marker each.
const AMBIGUOUS: &[&str] = &["da", "du", "bi", "zen"];

/// Typical Basque word endings (declension and verbal nouns), long enough
/// to be rare in Romance languages.
const SUFFIXES: &[&str] = &[
    "aren", "tzeko", "tzea", "tzen", "etan", "ekin", "entzat", "rekin", "arekin", "etako", "ean",
    "aldi", "tasun", "tasuna", "keta", "ketak", "gintza", "garri", "tzaile", "tzaileak", "ko",
    "ak", "tik", "rako", "etxe",
];

/// Letter pairs frequent in Basque and rare in Spanish and French.
const BIGRAMS: &[&str] = &["tz", "tx", "k"];

/// How clearly the text is Basque: 0 when it is not, else 0.5..1.
pub(super) fn strength(text: &str) -> f64 {
    let mut words = 0usize;
    let mut function = 0.0f64;
    let mut suffix = 0usize;
    let mut letters = 0usize;
    for raw in text.split(|c: char| !c.is_alphabetic()) {
        if raw.is_empty() {
            continue;
        }
        let w = raw.to_lowercase();
        words += 1;
        if FUNCTION_WORDS.contains(&w.as_str()) {
            function += 1.0;
        } else if AMBIGUOUS.contains(&w.as_str()) {
            function += 0.5;
        } else if w.chars().count() >= 5 && SUFFIXES.iter().any(|s| w.ends_with(s)) {
            suffix += 1;
        }
        if BIGRAMS.iter().any(|b| w.contains(b)) {
            letters += 1;
        }
        if words >= 600 {
            break;
        }
    }
    if words < 3 {
        return 0.0;
    }
    let n = words as f64;
    let f = function / n;
    let s = suffix as f64 / n;
    let l = letters as f64 / n;
    // Function words are the strongest signal; endings and letters confirm.
    let score = f + 0.5 * s + 0.25 * l;
    if function >= 1.0 && f >= 0.08 && score >= 0.3 {
        (0.5 + score).min(1.0)
    } else {
        0.0
    }
}
