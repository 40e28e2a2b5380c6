//! The words a kit is shown with (its PDF and its public page), in
//! English, French and Spanish; a kit in another language gets the
//! English ones.

/// The labels in one language.
pub struct Labels {
    pub lang: &'static str,
    pub contents: &'static str,
    pub introduction: &'static str,
    pub conclusions: &'static str,
    pub practices: &'static str,
    pub challenge: &'static str,
    pub approach: &'static str,
    pub results: &'static str,
    pub conditions: &'static str,
    pub places: &'static str,
    pub organisations: &'static str,
    pub themes: &'static str,
    pub since: &'static str,
    pub figures: &'static str,
    pub sources: &'static str,
    pub why: &'static str,
    pub made_on: &'static str,
    pub language: &'static str,
    pub version: &'static str,
    pub location: &'static str,
    pub map_caption: &'static str,
    pub no_location: &'static str,
    pub no_practices: &'static str,
    pub download: &'static str,
    pub pdf: &'static str,
    pub zip: &'static str,
    pub transfer_kit: &'static str,
    /// "in English", "in French", "in Spanish", in this language.
    in_languages: [(&'static str, &'static str); 3],
    /// "in {code}", for any other language.
    in_other: &'static str,
}

pub static EN: Labels = Labels {
    lang: "en",
    contents: "Contents",
    introduction: "Introduction",
    conclusions: "Conclusions",
    practices: "Practices",
    challenge: "Challenge",
    approach: "Approach",
    results: "Results",
    conditions: "Conditions for transfer",
    places: "Places",
    organisations: "Organisations",
    themes: "Themes",
    since: "Since",
    figures: "Figures",
    sources: "Sources",
    why: "Why it is here",
    made_on: "Made on",
    language: "Language",
    version: "version",
    location: "Location",
    map_caption: "Map: Natural Earth (public domain), Equal Earth projection",
    no_location: "No coordinates are known for its places.",
    no_practices: "No practice of this kit is published yet.",
    download: "Download",
    pdf: "Printable PDF",
    zip: "Records (JSON-LD and CSV, ZIP)",
    transfer_kit: "Transfer kit",
    in_languages: [
        ("en", "in English"),
        ("fr", "in French"),
        ("es", "in Spanish"),
    ],
    in_other: "in",
};

pub static FR: Labels = Labels {
    lang: "fr",
    contents: "Sommaire",
    introduction: "Introduction",
    conclusions: "Conclusions",
    practices: "Pratiques",
    challenge: "Enjeu",
    approach: "Démarche",
    results: "Résultats",
    conditions: "Conditions de transfert",
    places: "Lieux",
    organisations: "Organisations",
    themes: "Thèmes",
    since: "Depuis",
    figures: "Chiffres",
    sources: "Sources",
    why: "Pourquoi elle figure ici",
    made_on: "Édité le",
    language: "Langue",
    version: "version",
    location: "Situation",
    map_caption: "Carte : Natural Earth (domaine public), projection Equal Earth",
    no_location: "Aucune coordonnée n'est connue pour ses lieux.",
    no_practices: "Aucune pratique de ce kit n'est encore publiée.",
    download: "Télécharger",
    pdf: "PDF imprimable",
    zip: "Fiches (JSON-LD et CSV, ZIP)",
    transfer_kit: "Kit de transfert",
    in_languages: [
        ("en", "en anglais"),
        ("fr", "en français"),
        ("es", "en espagnol"),
    ],
    in_other: "en",
};

pub static ES: Labels = Labels {
    lang: "es",
    contents: "Índice",
    introduction: "Introducción",
    conclusions: "Conclusiones",
    practices: "Prácticas",
    challenge: "Desafío",
    approach: "Enfoque",
    results: "Resultados",
    conditions: "Condiciones de transferencia",
    places: "Lugares",
    organisations: "Organizaciones",
    themes: "Temas",
    since: "Desde",
    figures: "Cifras",
    sources: "Fuentes",
    why: "Por qué está aquí",
    made_on: "Editado el",
    language: "Idioma",
    version: "versión",
    location: "Ubicación",
    map_caption: "Mapa: Natural Earth (dominio público), proyección Equal Earth",
    no_location: "No se conocen coordenadas de sus lugares.",
    no_practices: "Ninguna práctica de este kit está publicada todavía.",
    download: "Descargar",
    pdf: "PDF imprimible",
    zip: "Fichas (JSON-LD y CSV, ZIP)",
    transfer_kit: "Kit de transferencia",
    in_languages: [
        ("en", "en inglés"),
        ("fr", "en francés"),
        ("es", "en español"),
    ],
    in_other: "en",
};

impl Labels {
    /// The labels of `lang`, English for a language other than English,
    /// French and Spanish.
    pub fn of(lang: &str) -> &'static Labels {
        match lang {
            "fr" => &FR,
            "es" => &ES,
            _ => &EN,
        }
    }

    /// The label of a practice record's field.
    pub fn field(&self, field: &str) -> &'static str {
        match field {
            "challenge" => self.challenge,
            "approach" => self.approach,
            "results" => self.results,
            _ => self.conditions,
        }
    }

    /// What marks a text shown in another language than the kit's: "in
    /// French", "en anglais" …
    pub fn shown_in(&self, lang: &str) -> String {
        self.in_languages
            .iter()
            .find(|(code, _)| *code == lang)
            .map(|(_, words)| words.to_string())
            .unwrap_or_else(|| format!("{} {lang}", self.in_other))
    }
}
