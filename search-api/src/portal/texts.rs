//! The portal's languages (English, French, Spanish, and Korean: Seoul is
//! a founding member of the network) and every text its pages show, one
//! [`Texts`] per language, so that a missing translation does not compile.
//! The portal has its own texts (it speaks to the public, not to
//! curators). ESSGlobal has no Korean labels for its themes: the Korean
//! pages name them in English.

use axum::http::{header, HeaderMap};

use crate::ui::best_accepted;

/// A language of the portal, the first segment of its paths
/// (`/portal/{lang}/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    Es,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fr, Lang::Es, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ko => "ko",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::Ko => "한국어",
        }
    }

    /// Open Graph's locale of the language.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::En => "en_GB",
            Lang::Fr => "fr_FR",
            Lang::Es => "es_ES",
            Lang::Ko => "ko_KR",
        }
    }

    /// The language of a path segment: exactly `en`, `fr`, `es` or `ko`.
    pub fn from_path(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language a visitor of `/portal/` asks for (`Accept-Language`),
    /// or English.
    pub fn negotiate(headers: &HeaderMap) -> Lang {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| {
                best_accepted(h, |tag| {
                    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                    Lang::from_path(&primary)
                })
            })
            .unwrap_or(Lang::En)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::Es => &ES,
            Lang::Ko => &KO,
        }
    }
}

/// The name of a language a record's text is in, in that language
/// (`pt` → `português`), or its code.
pub fn language_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "fr" => "français",
        "es" => "español",
        "pt" => "português",
        "it" => "italiano",
        "de" => "Deutsch",
        "ca" => "català",
        "eu" => "euskara",
        "nl" => "Nederlands",
        "ko" => "한국어",
        "ja" => "日本語",
        "zh" => "中文",
        other => other,
    }
}

/// Every text of the portal in one language.
#[derive(Debug)]
pub struct Texts {
    pub site: &'static str,
    pub intro: &'static str,
    pub skip: &'static str,
    pub portal_nav: &'static str,
    pub language: &'static str,
    pub home: &'static str,
    pub map: &'static str,
    /// The transfer kits: their page's title and the navigation's link.
    pub kits: &'static str,
    pub kits_intro: &'static str,
    pub no_kits: &'static str,
    pub search: &'static str,
    pub latest: &'static str,
    pub themes: &'static str,
    pub countries: &'static str,
    /// One practice, with `{n}` for the number.
    pub practice_one: &'static str,
    /// Several (or no) practices, with `{n}` for the number.
    pub practice_many: &'static str,
    pub practices_heading: &'static str,
    pub no_practices: &'static str,
    pub theme_intro: &'static str,
    pub country_intro: &'static str,
    pub challenge: &'static str,
    pub approach: &'static str,
    pub results: &'static str,
    pub conditions: &'static str,
    pub organizations: &'static str,
    pub places: &'static str,
    pub since: &'static str,
    pub website: &'static str,
    pub contact: &'static str,
    pub figures: &'static str,
    pub sources: &'static str,
    pub from_source: &'static str,
    pub written_in: &'static str,
    pub updated: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub results_for: &'static str,
    pub no_results: &'static str,
    pub map_title: &'static str,
    pub map_description: &'static str,
    pub country: &'static str,
    pub feed: &'static str,
    pub theme_feed: &'static str,
    pub pages: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub bad_request: &'static str,
    pub server_error: &'static str,
    pub choose_language: &'static str,
    pub footer: &'static str,
}

impl Texts {
    /// "1 practice", "12 practices".
    pub fn count(&self, n: usize) -> String {
        let form = if n == 1 {
            self.practice_one
        } else {
            self.practice_many
        };
        form.replace("{n}", &n.to_string())
    }
}

static EN: Texts = Texts {
    site: "Practices of the social and solidarity economy",
    intro: "Practices that cities and networks of the social and solidarity economy share with each other: what the challenge was, what they did, what came of it and what it takes to do it elsewhere. Every record here was checked by the network's curators.",
    skip: "Skip to the content",
    portal_nav: "Portal",
    language: "Language",
    home: "Home",
    map: "Map",
    kits: "Transfer kits",
    kits_intro: "Selections of practices on one theme, made by the network for cities and organisations that want to do the same: each practice with why it belongs, and the whole kit as a printable PDF.",
    no_kits: "No kit is published yet.",
    search: "Search",
    latest: "Latest practices",
    themes: "Themes",
    countries: "Countries",
    practice_one: "{n} practice",
    practice_many: "{n} practices",
    practices_heading: "Practices",
    no_practices: "No practice has been published here yet.",
    theme_intro: "Practices on this theme of the ESSGlobal vocabulary, newest first.",
    country_intro: "Practices in this country, newest first.",
    challenge: "Challenge",
    approach: "Approach",
    results: "Results",
    conditions: "Conditions for transfer",
    organizations: "Organisations",
    places: "Places",
    since: "Since",
    website: "Website",
    contact: "Contact",
    figures: "In figures",
    sources: "Sources",
    from_source: "From the source:",
    written_in: "Written in",
    updated: "Last updated",
    search_label: "Search the practices",
    search_button: "Search",
    results_for: "Practices found for",
    no_results: "No published practice matches this search.",
    map_title: "World map of the practices",
    map_description: "Each country is shaded by its number of published practices; dots mark the cities. The table below gives the same counts.",
    country: "Country",
    feed: "Atom feed of new practices",
    theme_feed: "Atom feed of this theme",
    pages: "Pages",
    previous: "Previous page",
    next: "Next page",
    page: "Page",
    not_found: "Page not found",
    not_found_text: "No published practice or page of the portal has this address.",
    bad_request: "This request cannot be answered",
    server_error: "Something went wrong on our side",
    choose_language: "Choose a language",
    footer: "Published by the network's curators with veille.",
};

static FR: Texts = Texts {
    site: "Pratiques de l'économie sociale et solidaire",
    intro: "Des pratiques que les villes et les réseaux de l'économie sociale et solidaire partagent entre eux : le défi, ce qui a été fait, ce qui en est sorti et ce qu'il faut pour le refaire ailleurs. Chaque fiche a été vérifiée par les curateurs du réseau.",
    skip: "Aller au contenu",
    portal_nav: "Portail",
    language: "Langue",
    home: "Accueil",
    map: "Carte",
    kits: "Kits de transfert",
    kits_intro: "Des sélections de pratiques sur un même thème, faites par le réseau pour les villes et les organisations qui veulent faire de même : chaque pratique avec la raison de sa présence, et le kit entier en PDF à imprimer.",
    no_kits: "Aucun kit n’est encore publié.",
    search: "Recherche",
    latest: "Dernières pratiques",
    themes: "Thèmes",
    countries: "Pays",
    practice_one: "{n} pratique",
    practice_many: "{n} pratiques",
    practices_heading: "Pratiques",
    no_practices: "Aucune pratique n'a encore été publiée ici.",
    theme_intro: "Les pratiques de ce thème du vocabulaire ESSGlobal, les plus récentes d'abord.",
    country_intro: "Les pratiques de ce pays, les plus récentes d'abord.",
    challenge: "Défi",
    approach: "Démarche",
    results: "Résultats",
    conditions: "Conditions de transfert",
    organizations: "Organisations",
    places: "Lieux",
    since: "Depuis",
    website: "Site web",
    contact: "Contact",
    figures: "En chiffres",
    sources: "Sources",
    from_source: "D'après la source :",
    written_in: "Rédigé en",
    updated: "Mise à jour",
    search_label: "Chercher parmi les pratiques",
    search_button: "Chercher",
    results_for: "Pratiques trouvées pour",
    no_results: "Aucune pratique publiée ne correspond à cette recherche.",
    map_title: "Carte du monde des pratiques",
    map_description: "Chaque pays est coloré selon son nombre de pratiques publiées ; les points marquent les villes. Le tableau ci-dessous donne les mêmes nombres.",
    country: "Pays",
    feed: "Flux Atom des nouvelles pratiques",
    theme_feed: "Flux Atom de ce thème",
    pages: "Pages",
    previous: "Page précédente",
    next: "Page suivante",
    page: "Page",
    not_found: "Page introuvable",
    not_found_text: "Aucune pratique publiée ni aucune page du portail n'a cette adresse.",
    bad_request: "Cette demande ne peut pas aboutir",
    server_error: "Un problème est survenu de notre côté",
    choose_language: "Choisissez une langue",
    footer: "Publié par les curateurs du réseau avec veille.",
};

static ES: Texts = Texts {
    site: "Prácticas de la economía social y solidaria",
    intro: "Prácticas que las ciudades y las redes de la economía social y solidaria comparten entre sí: cuál era el desafío, qué hicieron, qué resultó y qué hace falta para hacerlo en otro lugar. Cada ficha fue revisada por los curadores de la red.",
    skip: "Ir al contenido",
    portal_nav: "Portal",
    language: "Idioma",
    home: "Inicio",
    map: "Mapa",
    kits: "Kits de transferencia",
    kits_intro: "Selecciones de prácticas sobre un mismo tema, hechas por la red para las ciudades y organizaciones que quieren hacer lo mismo: cada práctica con el motivo de su inclusión, y el kit entero en PDF para imprimir.",
    no_kits: "Todavía no hay ningún kit publicado.",
    search: "Búsqueda",
    latest: "Últimas prácticas",
    themes: "Temas",
    countries: "Países",
    practice_one: "{n} práctica",
    practice_many: "{n} prácticas",
    practices_heading: "Prácticas",
    no_practices: "Todavía no se ha publicado ninguna práctica aquí.",
    theme_intro: "Las prácticas de este tema del vocabulario ESSGlobal, las más recientes primero.",
    country_intro: "Las prácticas de este país, las más recientes primero.",
    challenge: "Desafío",
    approach: "Enfoque",
    results: "Resultados",
    conditions: "Condiciones de transferencia",
    organizations: "Organizaciones",
    places: "Lugares",
    since: "Desde",
    website: "Sitio web",
    contact: "Contacto",
    figures: "En cifras",
    sources: "Fuentes",
    from_source: "Según la fuente:",
    written_in: "Escrito en",
    updated: "Última actualización",
    search_label: "Buscar entre las prácticas",
    search_button: "Buscar",
    results_for: "Prácticas encontradas para",
    no_results: "Ninguna práctica publicada corresponde a esta búsqueda.",
    map_title: "Mapa mundial de las prácticas",
    map_description: "Cada país está coloreado según su número de prácticas publicadas; los puntos marcan las ciudades. La tabla de abajo da las mismas cifras.",
    country: "País",
    feed: "Canal Atom de las nuevas prácticas",
    theme_feed: "Canal Atom de este tema",
    pages: "Páginas",
    previous: "Página anterior",
    next: "Página siguiente",
    page: "Página",
    not_found: "Página no encontrada",
    not_found_text: "Ninguna práctica publicada ni página del portal tiene esta dirección.",
    bad_request: "Esta solicitud no puede atenderse",
    server_error: "Algo falló de nuestro lado",
    choose_language: "Elija un idioma",
    footer: "Publicado por los curadores de la red con veille.",
};

static KO: Texts = Texts {
    site: "사회연대경제 실천 사례",
    intro: "사회연대경제의 도시와 네트워크가 서로 나누는 실천 사례입니다. 어떤 과제가 있었는지, 무엇을 했는지, 어떤 성과가 있었는지, 다른 곳에서 하려면 무엇이 필요한지를 담았습니다. 모든 사례는 네트워크의 큐레이터가 검토했습니다.",
    skip: "본문으로 건너뛰기",
    portal_nav: "포털",
    language: "언어",
    home: "홈",
    map: "지도",
    kits: "이전 키트",
    kits_intro: "같은 주제의 실천 사례를 네트워크가 모아, 같은 일을 하려는 도시와 조직을 위해 만든 모음입니다. 사례마다 포함된 이유가 있고, 키트 전체를 인쇄용 PDF로 받을 수 있습니다.",
    no_kits: "아직 공개된 키트가 없습니다.",
    search: "검색",
    latest: "최근 사례",
    themes: "주제",
    countries: "국가",
    practice_one: "사례 {n}건",
    practice_many: "사례 {n}건",
    practices_heading: "사례",
    no_practices: "아직 공개된 사례가 없습니다.",
    theme_intro: "ESSGlobal 어휘의 이 주제에 속한 사례, 최신순입니다.",
    country_intro: "이 나라의 사례, 최신순입니다.",
    challenge: "과제",
    approach: "접근 방식",
    results: "성과",
    conditions: "이전 조건",
    organizations: "조직",
    places: "장소",
    since: "시작 연도",
    website: "웹사이트",
    contact: "연락처",
    figures: "숫자로 보기",
    sources: "출처",
    from_source: "출처 원문:",
    written_in: "작성 언어:",
    updated: "최종 수정",
    search_label: "사례 검색",
    search_button: "검색",
    results_for: "검색 결과",
    no_results: "이 검색에 맞는 공개 사례가 없습니다.",
    map_title: "사례 세계 지도",
    map_description: "각 나라는 공개된 사례 수에 따라 색이 칠해져 있고, 점은 도시를 나타냅니다. 아래 표에 같은 수가 있습니다.",
    country: "국가",
    feed: "새 사례 Atom 피드",
    theme_feed: "이 주제의 Atom 피드",
    pages: "페이지",
    previous: "이전 페이지",
    next: "다음 페이지",
    page: "페이지",
    not_found: "페이지를 찾을 수 없습니다",
    not_found_text: "이 주소에는 공개된 사례도 포털 페이지도 없습니다.",
    bad_request: "이 요청에는 답할 수 없습니다",
    server_error: "서버에 문제가 생겼습니다",
    choose_language: "언어 선택",
    footer: "네트워크의 큐레이터가 veille로 공개합니다.",
};
