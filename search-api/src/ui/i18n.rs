//! The interface's languages (English, French, Spanish) and every text the
//! pages show, one [`Messages`] per language, so that a missing translation
//! does not compile.
//!
//! The language is chosen from, in order: the `ui` parameter (or `lang` on
//! pages where `lang` is not the search's language filter), the
//! `veille_ui` cookie, the `Accept-Language` header, English.

use axum::http::{header, HeaderMap};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiLang {
    En,
    Fr,
    Es,
}

/// The cookie that keeps the chosen language.
pub const COOKIE: &str = "veille_ui";

impl UiLang {
    pub const ALL: [UiLang; 3] = [UiLang::En, UiLang::Fr, UiLang::Es];

    pub fn code(self) -> &'static str {
        match self {
            UiLang::En => "en",
            UiLang::Fr => "fr",
            UiLang::Es => "es",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            UiLang::En => "English",
            UiLang::Fr => "Français",
            UiLang::Es => "Español",
        }
    }

    /// `en`, `fr`, `es` (a region such as `fr-CA` is accepted).
    pub fn parse(code: &str) -> Option<UiLang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(UiLang::En),
            "fr" => Some(UiLang::Fr),
            "es" => Some(UiLang::Es),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header (by
    /// q-value, then order), if any fits.
    pub fn from_accept_language(header: &str) -> Option<UiLang> {
        best_accepted(header, UiLang::parse)
    }

    /// The language of a request: the explicit choice, the cookie, the
    /// `Accept-Language` header, or English.
    pub fn choose(explicit: Option<&str>, headers: &HeaderMap) -> UiLang {
        if let Some(lang) = explicit.and_then(UiLang::parse) {
            return lang;
        }
        if let Some(lang) = cookie(headers, COOKIE).and_then(|v| UiLang::parse(&v)) {
            return lang;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(UiLang::from_accept_language)
            .unwrap_or(UiLang::En)
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            UiLang::En => &EN,
            UiLang::Fr => &FR,
            UiLang::Es => &ES,
        }
    }
}

/// The best language of an `Accept-Language` header (by q-value, then
/// order) that `parse` knows (it is given each tag, such as `fr-CA`), if
/// any.
pub fn best_accepted<T>(header: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    let mut best: Option<(f32, usize, T)> = None;
    for (position, part) in header.split(',').enumerate() {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        if let Some(lang) = parse(tag) {
            let better = match &best {
                None => true,
                Some((bq, bp, _)) => q > *bq || (q == *bq && position < *bp),
            };
            if better {
                best = Some((q, position, lang));
            }
        }
    }
    best.map(|(_, _, lang)| lang)
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// Every text of the interface.
#[derive(Debug)]
pub struct Messages {
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub expanded: &'static str,
    pub results: &'static str,
    pub no_results: &'static str,
    pub filters: &'static str,
    pub remove_filter: &'static str,
    pub facet_lang: &'static str,
    pub facet_country: &'static str,
    pub facet_theme: &'static str,
    pub facet_source: &'static str,
    pub facet_status: &'static str,
    pub sort: &'static str,
    pub sort_relevance: &'static str,
    pub sort_date: &'static str,
    pub sort_score: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub export_csv: &'static str,
    pub export_jsonl: &'static str,
    pub feed: &'static str,
    pub nav_search: &'static str,
    pub nav_queue: &'static str,
    pub nav_sources: &'static str,
    pub nav_login: &'static str,
    pub nav_logout: &'static str,
    pub language: &'static str,
    pub status_unreviewed: &'static str,
    pub status_approved: &'static str,
    pub status_rejected: &'static str,
    pub original: &'static str,
    pub published: &'static str,
    pub author: &'static str,
    pub source: &'static str,
    pub item_language: &'static str,
    pub country: &'static str,
    pub score: &'static str,
    pub themes: &'static str,
    pub places: &'static str,
    pub kinds: &'static str,
    pub organizations: &'static str,
    pub summary: &'static str,
    pub year: &'static str,
    pub edit_record: &'static str,
    pub title_field: &'static str,
    pub edit_help: &'static str,
    pub save: &'static str,
    pub edit_conflict: &'static str,
    pub nav_practices: &'static str,
    pub nav_kits: &'static str,
    pub nav_submit: &'static str,
    pub submitted_by: &'static str,
    pub make_practice: &'static str,
    pub practice_name: &'static str,
    pub practice_status: &'static str,
    pub practice_draft: &'static str,
    pub practice_published: &'static str,
    pub practice_withdrawn: &'static str,
    pub field_challenge: &'static str,
    pub field_approach: &'static str,
    pub field_results: &'static str,
    pub field_conditions: &'static str,
    pub website: &'static str,
    pub contact: &'static str,
    pub figures: &'static str,
    pub practice_sources: &'static str,
    pub add_translation: &'static str,
    pub texts_by_language: &'static str,
    pub from_sentence: &'static str,
    pub no_practices: &'static str,
    pub practice_saved: &'static str,
    pub practice_stale: &'static str,
    pub practice_help: &'static str,
    pub updated: &'static str,
    pub evidence: &'static str,
    pub text: &'static str,
    pub duplicates: &'static str,
    pub no_duplicates: &'static str,
    pub review: &'static str,
    pub history: &'static str,
    pub not_reviewed: &'static str,
    pub reviewed_by: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub edit: &'static str,
    pub note: &'static str,
    pub queue: &'static str,
    pub queue_empty: &'static str,
    pub queue_help: &'static str,
    pub queue_best: &'static str,
    pub queue_uncertain: &'static str,
    pub signals: &'static str,
    pub of: &'static str,
    pub saved_approved: &'static str,
    pub saved_rejected: &'static str,
    pub not_allowed: &'static str,
    pub sign_in_first: &'static str,
    pub sources: &'static str,
    pub health: &'static str,
    pub last_success: &'static str,
    pub last_error: &'static str,
    pub items: &'static str,
    pub approved_items: &'static str,
    pub health_ok: &'static str,
    pub health_failing: &'static str,
    pub health_never: &'static str,
    pub never: &'static str,
    pub login: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub login_failed: &'static str,
    pub signed_in_as: &'static str,
    pub not_found: &'static str,
    pub bad_request: &'static str,
    pub server_error: &'static str,
}

pub static EN: Messages = Messages {
    search: "Search",
    search_placeholder: "housing cooperative, économie sociale, 사회적경제…",
    expanded: "Also searched",
    results: "results",
    no_results: "No item matches this search.",
    filters: "Filters",
    remove_filter: "remove this filter",
    facet_lang: "Language",
    facet_country: "Country",
    facet_theme: "Theme",
    facet_source: "Source",
    facet_status: "Status",
    sort: "Sort by",
    sort_relevance: "relevance",
    sort_date: "date",
    sort_score: "candidate score",
    from: "From",
    to: "To",
    previous: "Previous",
    next: "Next",
    page: "Page",
    export_csv: "Export CSV",
    export_jsonl: "Export JSON Lines",
    feed: "Atom feed",
    nav_search: "Search",
    nav_queue: "Review queue",
    nav_sources: "Sources",
    nav_login: "Sign in",
    nav_logout: "Sign out",
    language: "Language",
    status_unreviewed: "unreviewed",
    status_approved: "approved",
    status_rejected: "rejected",
    original: "Original page",
    published: "Published",
    author: "Author",
    source: "Source",
    item_language: "Language",
    country: "Country",
    score: "Candidate score",
    themes: "Themes",
    places: "Places",
    kinds: "Kinds of organization",
    organizations: "Organizations",
    summary: "Summary",
    edit_record: "Correct the record",
    title_field: "Title",
    edit_help: "Theme ids (T1–T19) and kinds separated by commas.",
    save: "Save",
    edit_conflict: "Someone changed this item meanwhile: reload the page to see their change.",
    year: "Year",
    evidence: "Evidence",
    text: "Text",
    duplicates: "Duplicates",
    no_duplicates: "No near-duplicate of this item.",
    review: "Review",
    history: "Review history",
    not_reviewed: "Not reviewed yet.",
    reviewed_by: "by",
    approve: "Approve",
    reject: "Reject",
    edit: "Edit",
    note: "Note",
    queue: "Review queue",
    queue_empty: "The queue is empty: every candidate has been reviewed.",
    queue_help: "Keys: j next · k previous · a approve · r reject · e edit",
    queue_best: "Best first",
    queue_uncertain: "Uncertain first (teaches the model most)",
    signals: "Why",
    of: "of",
    saved_approved: "Approved.",
    saved_rejected: "Rejected.",
    not_allowed: "You are not allowed to review: only curators can.",
    sign_in_first: "Sign in as a curator to review.",
    sources: "Sources",
    health: "Health",
    last_success: "Last success",
    last_error: "Last error",
    items: "Items",
    approved_items: "Approved",
    health_ok: "ok",
    health_failing: "failing",
    health_never: "never fetched",
    never: "never",
    login: "Sign in",
    username: "Name",
    password: "Password",
    sign_in: "Sign in",
    login_failed: "Sign-in failed: check the name and the password.",
    signed_in_as: "Signed in as",
    not_found: "Not found",
    bad_request: "This request cannot be answered",
    server_error: "Something went wrong on the server",
    nav_practices: "Practices",
    nav_kits: "Kits",
    nav_submit: "Submit a practice",
    submitted_by: "submitted by",
    make_practice: "Make a practice record",
    practice_name: "Name",
    practice_status: "Status",
    practice_draft: "Draft",
    practice_published: "Published",
    practice_withdrawn: "Withdrawn",
    field_challenge: "Challenge",
    field_approach: "Approach",
    field_results: "Results",
    field_conditions: "Conditions for transfer",
    website: "Website",
    contact: "Contact",
    figures: "Figures",
    practice_sources: "Sources",
    add_translation: "Add a translation in (language code)",
    texts_by_language: "Fields by language",
    from_sentence: "Pre-filled from",
    no_practices: "No practice record yet: approve an item, then make a record from its page.",
    practice_saved: "Saved.",
    practice_stale:
        "Someone changed this record meanwhile: here it is now. Apply your change to it again.",
    practice_help: "Themes and organizations separated by commas; a field left empty is removed.",
    updated: "Updated",
};

pub static FR: Messages = Messages {
    search: "Rechercher",
    search_placeholder: "coopérative d'habitation, housing cooperative, 사회적경제…",
    expanded: "Recherche élargie à",
    results: "résultats",
    no_results: "Aucun élément ne correspond à cette recherche.",
    filters: "Filtres",
    remove_filter: "retirer ce filtre",
    facet_lang: "Langue",
    facet_country: "Pays",
    facet_theme: "Thème",
    facet_source: "Source",
    facet_status: "Statut",
    sort: "Trier par",
    sort_relevance: "pertinence",
    sort_date: "date",
    sort_score: "score de candidat",
    from: "Du",
    to: "Au",
    previous: "Précédent",
    next: "Suivant",
    page: "Page",
    export_csv: "Exporter en CSV",
    export_jsonl: "Exporter en JSON Lines",
    feed: "Flux Atom",
    nav_search: "Recherche",
    nav_queue: "File de revue",
    nav_sources: "Sources",
    nav_login: "Se connecter",
    nav_logout: "Se déconnecter",
    language: "Langue",
    status_unreviewed: "à revoir",
    status_approved: "approuvé",
    status_rejected: "rejeté",
    original: "Page d'origine",
    published: "Publié le",
    author: "Auteur",
    source: "Source",
    item_language: "Langue",
    country: "Pays",
    score: "Score de candidat",
    themes: "Thèmes",
    places: "Lieux",
    kinds: "Types d'organisation",
    organizations: "Organisations",
    summary: "Résumé",
    edit_record: "Corriger la fiche",
    title_field: "Titre",
    edit_help: "Identifiants de thèmes (T1–T19) et de types séparés par des virgules.",
    save: "Enregistrer",
    edit_conflict:
        "Quelqu'un a modifié cette fiche entre-temps : rechargez la page pour voir sa modification.",
    year: "Année",
    evidence: "Indices",
    text: "Texte",
    duplicates: "Doublons",
    no_duplicates: "Aucun quasi-doublon de cet élément.",
    review: "Revue",
    history: "Historique des revues",
    not_reviewed: "Pas encore revu.",
    reviewed_by: "par",
    approve: "Approuver",
    reject: "Rejeter",
    edit: "Modifier",
    note: "Note",
    queue: "File de revue",
    queue_empty: "La file est vide : chaque candidat a été revu.",
    queue_help: "Touches : j suivant · k précédent · a approuver · r rejeter · e modifier",
    queue_best: "Les meilleurs d'abord",
    queue_uncertain: "Les plus incertains d'abord (ce qui instruit le plus le modèle)",
    signals: "Pourquoi",
    of: "sur",
    saved_approved: "Approuvé.",
    saved_rejected: "Rejeté.",
    not_allowed: "Vous ne pouvez pas réviser : seuls les curateurs le peuvent.",
    sign_in_first: "Connectez-vous en tant que curateur pour réviser.",
    sources: "Sources",
    health: "État",
    last_success: "Dernier succès",
    last_error: "Dernière erreur",
    items: "Éléments",
    approved_items: "Approuvés",
    health_ok: "ok",
    health_failing: "en échec",
    health_never: "jamais collectée",
    never: "jamais",
    login: "Connexion",
    username: "Nom",
    password: "Mot de passe",
    sign_in: "Se connecter",
    login_failed: "Échec de la connexion : vérifiez le nom et le mot de passe.",
    signed_in_as: "Connecté en tant que",
    not_found: "Introuvable",
    bad_request: "Cette requête ne peut pas aboutir",
    server_error: "Une erreur s'est produite sur le serveur",
    nav_practices: "Pratiques",
    nav_kits: "Kits",
    nav_submit: "Proposer une pratique",
    submitted_by: "proposé par",
    make_practice: "Créer une fiche pratique",
    practice_name: "Nom",
    practice_status: "Statut",
    practice_draft: "Brouillon",
    practice_published: "Publiée",
    practice_withdrawn: "Retirée",
    field_challenge: "Défi",
    field_approach: "Démarche",
    field_results: "Résultats",
    field_conditions: "Conditions de transfert",
    website: "Site web",
    contact: "Contact",
    figures: "Chiffres",
    practice_sources: "Sources",
    add_translation: "Ajouter une traduction en (code de langue)",
    texts_by_language: "Champs par langue",
    from_sentence: "Pré-rempli d’après",
    no_practices:
        "Aucune fiche pratique : approuvez un élément, puis créez la fiche depuis sa page.",
    practice_saved: "Enregistré.",
    practice_stale:
        "Quelqu’un a modifié cette fiche entre-temps : la voici. Refaites votre modification.",
    practice_help:
        "Thèmes et organisations séparés par des virgules ; un champ laissé vide est supprimé.",
    updated: "Mise à jour",
};

pub static ES: Messages = Messages {
    search: "Buscar",
    search_placeholder: "cooperativa de vivienda, économie sociale, 사회적경제…",
    expanded: "También se buscó",
    results: "resultados",
    no_results: "Ningún elemento corresponde a esta búsqueda.",
    filters: "Filtros",
    remove_filter: "quitar este filtro",
    facet_lang: "Idioma",
    facet_country: "País",
    facet_theme: "Tema",
    facet_source: "Fuente",
    facet_status: "Estado",
    sort: "Ordenar por",
    sort_relevance: "relevancia",
    sort_date: "fecha",
    sort_score: "puntuación de candidato",
    from: "Desde",
    to: "Hasta",
    previous: "Anterior",
    next: "Siguiente",
    page: "Página",
    export_csv: "Exportar CSV",
    export_jsonl: "Exportar JSON Lines",
    feed: "Canal Atom",
    nav_search: "Búsqueda",
    nav_queue: "Cola de revisión",
    nav_sources: "Fuentes",
    nav_login: "Iniciar sesión",
    nav_logout: "Cerrar sesión",
    language: "Idioma",
    status_unreviewed: "sin revisar",
    status_approved: "aprobado",
    status_rejected: "rechazado",
    original: "Página original",
    published: "Publicado",
    author: "Autor",
    source: "Fuente",
    item_language: "Idioma",
    country: "País",
    score: "Puntuación de candidato",
    themes: "Temas",
    places: "Lugares",
    kinds: "Tipos de organización",
    organizations: "Organizaciones",
    summary: "Resumen",
    edit_record: "Corregir la ficha",
    title_field: "Título",
    edit_help: "Identificadores de temas (T1–T19) y de tipos separados por comas.",
    save: "Guardar",
    edit_conflict:
        "Alguien modificó esta ficha mientras tanto: recargue la página para ver su cambio.",
    year: "Año",
    evidence: "Indicios",
    text: "Texto",
    duplicates: "Duplicados",
    no_duplicates: "Ningún casi duplicado de este elemento.",
    review: "Revisión",
    history: "Historial de revisiones",
    not_reviewed: "Aún sin revisar.",
    reviewed_by: "por",
    approve: "Aprobar",
    reject: "Rechazar",
    edit: "Editar",
    note: "Nota",
    queue: "Cola de revisión",
    queue_empty: "La cola está vacía: todos los candidatos han sido revisados.",
    queue_help: "Teclas: j siguiente · k anterior · a aprobar · r rechazar · e editar",
    queue_best: "Los mejores primero",
    queue_uncertain: "Los más inciertos primero (lo que más enseña al modelo)",
    signals: "Por qué",
    of: "de",
    saved_approved: "Aprobado.",
    saved_rejected: "Rechazado.",
    not_allowed: "No puede revisar: solo los curadores pueden hacerlo.",
    sign_in_first: "Inicie sesión como curador para revisar.",
    sources: "Fuentes",
    health: "Estado",
    last_success: "Último éxito",
    last_error: "Último error",
    items: "Elementos",
    approved_items: "Aprobados",
    health_ok: "ok",
    health_failing: "con fallos",
    health_never: "nunca recogida",
    never: "nunca",
    login: "Iniciar sesión",
    username: "Nombre",
    password: "Contraseña",
    sign_in: "Entrar",
    login_failed: "No se pudo iniciar sesión: compruebe el nombre y la contraseña.",
    signed_in_as: "Sesión de",
    not_found: "No encontrado",
    bad_request: "Esta solicitud no puede atenderse",
    server_error: "Algo ha fallado en el servidor",
    nav_practices: "Prácticas",
    nav_kits: "Kits",
    nav_submit: "Proponer una práctica",
    submitted_by: "propuesto por",
    make_practice: "Crear una ficha de práctica",
    practice_name: "Nombre",
    practice_status: "Estado",
    practice_draft: "Borrador",
    practice_published: "Publicada",
    practice_withdrawn: "Retirada",
    field_challenge: "Reto",
    field_approach: "Enfoque",
    field_results: "Resultados",
    field_conditions: "Condiciones de transferencia",
    website: "Sitio web",
    contact: "Contacto",
    figures: "Cifras",
    practice_sources: "Fuentes",
    add_translation: "Añadir una traducción en (código de idioma)",
    texts_by_language: "Campos por idioma",
    from_sentence: "Prellenado a partir de",
    no_practices:
        "Aún no hay fichas de práctica: apruebe un elemento y cree la ficha desde su página.",
    practice_saved: "Guardado.",
    practice_stale:
        "Alguien cambió esta ficha mientras tanto: aquí está ahora. Vuelva a aplicar su cambio.",
    practice_help: "Temas y organizaciones separados por comas; un campo vacío se elimina.",
    updated: "Actualizada",
};
