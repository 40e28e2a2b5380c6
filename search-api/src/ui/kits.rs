//! The curators' pages of transfer kits, which work without JavaScript:
//! - `/kits`: the kits (to others than curators, the published ones) and,
//!   for curators, the form of a new kit; `POST /kits` makes it and goes
//!   to it;
//! - `/kits/{id}`: the kit's form (title, introduction and conclusions in
//!   each language; its practices with their position, their note in each
//!   language and a box to take them out; a practice to add; the status,
//!   and a button that publishes); `POST /kits/{id}` saves it with the
//!   version it was read at, and a stale one shows the kit as it is now
//!   (409). To others than curators, a published kit's page shows what
//!   the portal shows, and another kit is a 404.
//!
//! Writes need a curator's session (or token), as the API's. The texts of
//! these pages are kept here, per language.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use veille_store::{
    is_lang, Kit, KitDraft, KitEdit, KitEntry, KitTexts, Practice, PracticeFilter, PracticeStatus,
};

use super::i18n::UiLang;
use super::practices::{form, form_version, see_other, value};
use super::{when, Page, PageQuery};
use crate::auth::{require, Need};
use crate::error::ApiError;
use crate::kits::{is_kit_id, page::LANGS, readable};
use crate::{blocking, ApiState};

/// Practices offered in the "add" list, at most.
const OFFERED: usize = 500;

pub(super) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/kits", get(list_page).post(create))
        .route("/kits/{id}", get(kit_page).post(save))
}

/// The texts of these pages in one language.
struct Texts {
    kits: &'static str,
    no_kits: &'static str,
    new_kit: &'static str,
    title: &'static str,
    title_hint: &'static str,
    introduction: &'static str,
    conclusions: &'static str,
    status: &'static str,
    practices: &'static str,
    no_practices: &'static str,
    position: &'static str,
    note: &'static str,
    remove: &'static str,
    add: &'static str,
    none: &'static str,
    make: &'static str,
    save: &'static str,
    publish: &'static str,
    saved: &'static str,
    stale: &'static str,
    sign_in: &'static str,
    public_page: &'static str,
    pdf: &'static str,
    zip: &'static str,
    version: &'static str,
    updated: &'static str,
    help: &'static str,
}

static EN: Texts = Texts {
    kits: "Transfer kits",
    no_kits: "No kit yet.",
    new_kit: "New kit",
    title: "Title",
    title_hint: "In at least one language",
    introduction: "Introduction",
    conclusions: "Conclusions",
    status: "Status",
    practices: "Practices",
    no_practices: "No practice in this kit yet: add one below.",
    position: "Position",
    note: "Why it belongs",
    remove: "Take out",
    add: "Add a practice",
    none: "— none —",
    make: "Make the kit",
    save: "Save",
    publish: "Save and publish",
    saved: "Saved.",
    stale: "Someone changed this kit since you opened it: here it is as it is now. Apply your change again.",
    sign_in: "Sign in as a curator to make and edit kits.",
    public_page: "Public page",
    pdf: "PDF",
    zip: "ZIP of records",
    version: "version",
    updated: "Updated",
    help: "Practices are shown in the order of their positions. A blank text is left out.",
};

static FR: Texts = Texts {
    kits: "Kits de transfert",
    no_kits: "Aucun kit pour l'instant.",
    new_kit: "Nouveau kit",
    title: "Titre",
    title_hint: "Dans une langue au moins",
    introduction: "Introduction",
    conclusions: "Conclusions",
    status: "État",
    practices: "Pratiques",
    no_practices: "Aucune pratique dans ce kit : ajoutez-en une ci-dessous.",
    position: "Position",
    note: "Pourquoi elle y figure",
    remove: "Retirer",
    add: "Ajouter une pratique",
    none: "— aucune —",
    make: "Créer le kit",
    save: "Enregistrer",
    publish: "Enregistrer et publier",
    saved: "Enregistré.",
    stale: "Quelqu'un a modifié ce kit depuis que vous l'avez ouvert : le voici tel qu'il est. Refaites votre modification.",
    sign_in: "Connectez-vous en curateur pour créer et modifier des kits.",
    public_page: "Page publique",
    pdf: "PDF",
    zip: "ZIP des fiches",
    version: "version",
    updated: "Mis à jour",
    help: "Les pratiques suivent l'ordre de leurs positions. Un texte vide est omis.",
};

static ES: Texts = Texts {
    kits: "Kits de transferencia",
    no_kits: "Todavía no hay ningún kit.",
    new_kit: "Nuevo kit",
    title: "Título",
    title_hint: "En al menos un idioma",
    introduction: "Introducción",
    conclusions: "Conclusiones",
    status: "Estado",
    practices: "Prácticas",
    no_practices: "Este kit aún no tiene prácticas: añada una abajo.",
    position: "Posición",
    note: "Por qué está aquí",
    remove: "Quitar",
    add: "Añadir una práctica",
    none: "— ninguna —",
    make: "Crear el kit",
    save: "Guardar",
    publish: "Guardar y publicar",
    saved: "Guardado.",
    stale: "Alguien modificó este kit después de que lo abriera: aquí está tal como es ahora. Vuelva a aplicar su cambio.",
    sign_in: "Inicie sesión como curador para crear y editar kits.",
    public_page: "Página pública",
    pdf: "PDF",
    zip: "ZIP de fichas",
    version: "versión",
    updated: "Actualizado",
    help: "Las prácticas siguen el orden de sus posiciones. Un texto vacío se omite.",
};

fn texts(lang: UiLang) -> &'static Texts {
    match lang {
        UiLang::En => &EN,
        UiLang::Fr => &FR,
        UiLang::Es => &ES,
    }
}

fn can_write(page: &Page) -> bool {
    page.user.as_ref().is_some_and(|u| u.role.can_write())
}

/// The texts of the fields `{prefix}:{lang}`, blank ones left out.
fn texts_of(pairs: &[(String, String)], prefix: &str) -> KitTexts {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            let lang = k.strip_prefix(prefix)?.strip_prefix(':')?;
            (is_lang(lang) && !v.trim().is_empty())
                .then(|| (lang.to_string(), v.trim().to_string()))
        })
        .collect()
}

async fn list_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/kits").await;
    let store = state.store.clone();
    let curator = can_write(&page);
    let status = (!curator).then_some(PracticeStatus::Published);
    let listed = blocking(move || {
        let mut kits = store.kits(status)?;
        if !curator {
            crate::kits::shown_to_public(&store, &mut kits)?;
        }
        Ok(kits)
    });
    match listed.await {
        Ok(kits) => page.respond(StatusCode::OK, render_list(&page, &kits, None)),
        Err(e) => page.error(&e),
    }
}

fn render_list(page: &Page, kits: &[Kit], problem: Option<&str>) -> Markup {
    let x = texts(page.lang);
    let lang = page.lang.code();
    let main = html! {
        h1 { (x.kits) " (" (kits.len()) ")" }
        @if kits.is_empty() {
            p.empty { (x.no_kits) }
        } @else {
            table.kits {
                thead { tr { th { (x.title) } th { (x.status) } th { (x.practices) } th { (x.updated) } } }
                tbody {
                    @for k in kits {
                        tr data-id=(k.id) {
                            td { a href={ "/kits/" (k.id) } { (k.kit.title_in(lang)) } }
                            td { (page.practice_status(k.kit.status)) }
                            td { (k.kit.practices.len()) }
                            td { (when(Some(k.updated_at), page.t.never)) }
                        }
                    }
                }
            }
        }
        @if can_write(page) {
            section.new-kit {
                h2 { (x.new_kit) }
                @if let Some(problem) = problem { p.error role="alert" { (problem) } }
                form method="post" action="/kits" {
                    fieldset {
                        legend { (x.title) " " small { "(" (x.title_hint) ")" } }
                        @for l in LANGS {
                            label lang=(l) { (l) " " input type="text" name={ "title:" (l) } maxlength="300"; }
                        }
                    }
                    button type="submit" { (x.make) }
                }
            }
        } @else {
            p.help { a href={ "/login?next=/kits" } { (x.sign_in) } }
        }
    };
    page.layout(x.kits, "kits-page", main)
}

/// `POST /kits`: a new kit with the titles of the form.
async fn create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/kits").await;
    let curator = match require(&state, &headers, Need::Write).await {
        Ok(p) => p.name,
        Err(e) => return page.error(&e),
    };
    let draft = KitDraft {
        title: texts_of(&form(&body), "title"),
        ..KitDraft::default()
    };
    let store = state.store.clone();
    match blocking(move || Ok(store.create_kit(&draft, &curator)?)).await {
        Ok(kit) => see_other(&format!("/kits/{}", kit.id)),
        Err(ApiError::BadRequest(problem)) => {
            let store = state.store.clone();
            match blocking(move || Ok(store.kits(None)?)).await {
                Ok(kits) => page.respond(
                    StatusCode::BAD_REQUEST,
                    render_list(&page, &kits, Some(&problem)),
                ),
                Err(e) => page.error(&e),
            }
        }
        Err(e) => page.error(&e),
    }
}

/// A kit page's query, page and kit id (or the error page of a bad id).
async fn kit_request(
    state: &ApiState,
    headers: &HeaderMap,
    id: Result<Path<String>, PathRejection>,
    raw: Option<String>,
) -> Result<(PageQuery, Page, String), Box<Response>> {
    let query = PageQuery::parse(raw.as_deref(), true);
    let id = match id {
        Ok(Path(id)) if is_kit_id(&id) => id,
        _ => {
            let page = Page::new(&query, headers, "/kits");
            return Err(Box::new(page.error(&ApiError::NotFound(
                "no such kit: the kits are listed at /kits".into(),
            ))));
        }
    };
    let page = Page::for_request(state, &query, headers, &format!("/kits/{id}")).await;
    Ok((query, page, id))
}

/// What the kit's form shows: the kit, its practices in order, and the
/// practices that may be added.
type Loaded = (Kit, Vec<(KitEntry, Practice)>, Vec<Practice>);

fn load(store: &veille_store::Store, id: &str) -> Result<Loaded, ApiError> {
    let (kit, practices) = readable(store, id, true)?;
    let (_, all) = store.practices(&PracticeFilter::default(), 0, OFFERED)?;
    let offered = all
        .into_iter()
        .filter(|p| !kit.kit.practices.iter().any(|e| e.practice_id == p.id))
        .collect();
    Ok((kit, practices, offered))
}

async fn kit_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (query, page, id) = match kit_request(&state, &headers, id, raw).await {
        Ok(opened) => opened,
        Err(response) => return *response,
    };
    let store = state.store.clone();
    if !can_write(&page) {
        // What the public sees.
        let lang = page.lang.code();
        return match blocking(move || readable(&store, &id, false)).await {
            Ok((kit, practices)) => page.respond(
                StatusCode::OK,
                page.layout(
                    kit.kit.title_in(lang),
                    "kit-page",
                    crate::kits::page::body(&kit, &practices, lang),
                ),
            ),
            Err(e) => page.error(&e),
        };
    }
    let note = query
        .get("saved")
        .is_some()
        .then_some(texts(page.lang).saved);
    match blocking(move || load(&store, &id)).await {
        Ok(loaded) => page.respond(StatusCode::OK, render_kit(&page, &loaded, note)),
        Err(e) => page.error(&e),
    }
}

/// The kit the form describes, over the current one: its texts in each
/// language, its practices in the order of their positions (those taken
/// out left out, the one to add at the end), its status.
fn from_form(current: &KitDraft, pairs: &[(String, String)]) -> Result<KitDraft, ApiError> {
    let mut d = current.clone();
    d.title = texts_of(pairs, "title");
    d.introduction = texts_of(pairs, "introduction");
    d.conclusions = texts_of(pairs, "conclusions");
    if let Some(s) = value(pairs, "status") {
        d.status = PracticeStatus::parse(s).ok_or_else(|| {
            ApiError::BadRequest(format!("status {s:?} is not draft, published or withdrawn"))
        })?;
    }
    if value(pairs, "publish").is_some() {
        d.status = PracticeStatus::Published;
    }
    // Entries: `practice:{i}`, `position:{i}`, `note:{i}:{lang}`,
    // `remove:{i}`.
    let mut entries: Vec<(f64, usize, KitEntry)> = Vec::new();
    for (k, id) in pairs {
        let Some(i) = k.strip_prefix("practice:") else {
            continue;
        };
        if value(pairs, &format!("remove:{i}")).is_some() {
            continue;
        }
        let at = i.parse::<usize>().unwrap_or(usize::MAX);
        let position = value(pairs, &format!("position:{i}"))
            .and_then(|p| p.trim().parse::<f64>().ok())
            .filter(|p| p.is_finite())
            .unwrap_or(at as f64 + 1.0);
        entries.push((
            position,
            at,
            KitEntry {
                practice_id: id.clone(),
                note: texts_of(pairs, &format!("note:{i}")),
            },
        ));
    }
    entries.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    d.practices = entries.into_iter().map(|(_, _, e)| e).collect();
    if let Some(add) = value(pairs, "add").map(str::trim).filter(|a| !a.is_empty()) {
        if !d.practices.iter().any(|e| e.practice_id == add) {
            d.practices.push(KitEntry {
                practice_id: add.to_string(),
                note: texts_of(pairs, "add_note"),
            });
        }
    }
    Ok(d)
}

/// `POST /kits/{id}`: the form saved.
async fn save(
    State(state): State<ApiState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let (_, page, id) = match kit_request(&state, &headers, id, raw).await {
        Ok(opened) => opened,
        Err(response) => return *response,
    };
    let curator = match require(&state, &headers, Need::Write).await {
        Ok(p) => p.name,
        Err(e) => return page.error(&e),
    };
    let pairs = form(&body);
    let store = state.store.clone();
    let id2 = id.clone();
    let outcome = blocking(move || {
        let current = store
            .kit(&id2)?
            .ok_or_else(|| ApiError::NotFound(format!("no kit {id2}")))?;
        let version = form_version(&pairs)?;
        let draft = from_form(&current.kit, &pairs)?;
        match store.update_kit(&id2, version, &draft, &curator)? {
            KitEdit::Done(_) => Ok(None),
            KitEdit::NotFound => Err(ApiError::NotFound(format!("no kit {id2}"))),
            KitEdit::Stale(_) => Ok(Some(load(&store, &id2)?)),
        }
    })
    .await;
    match outcome {
        Ok(None) => see_other(&format!("/kits/{id}?saved=1")),
        Ok(Some(now)) => page.respond(
            StatusCode::CONFLICT,
            render_kit(&page, &now, Some(texts(page.lang).stale)),
        ),
        Err(e) => page.error(&e),
    }
}

fn render_kit(page: &Page, (kit, practices, offered): &Loaded, note: Option<&str>) -> Markup {
    let x = texts(page.lang);
    let k = &kit.kit;
    let lang = page.lang.code();
    // The portal's languages, then any other the kit is written in.
    let mut langs: Vec<String> = LANGS.iter().map(|l| l.to_string()).collect();
    for l in kit
        .languages
        .iter()
        .chain(k.practices.iter().flat_map(|e| e.note.keys()))
    {
        if !langs.contains(l) {
            langs.push(l.clone());
        }
    }
    let text = |texts: &KitTexts, l: &str| texts.get(l).cloned().unwrap_or_default();
    let main = html! {
        article.kit-edit data-id=(kit.id) data-version=(kit.version) data-status=(k.status.as_str()) {
            h1 { (k.title_in(lang)) }
            p.meta {
                span.status { (page.practice_status(k.status)) } " · " (x.version) " " (kit.version)
                " · " (x.updated) " " (when(Some(kit.updated_at), page.t.never))
                " · " a href={ "/api/kits/" (kit.id) "/kit.pdf?lang=" (lang) } { (x.pdf) }
                " · " a href={ "/api/kits/" (kit.id) "/kit.zip" } { (x.zip) }
                @if k.status == PracticeStatus::Published {
                    " · " a href={ "/portal/" (lang) "/kits/" (kit.id) } { (x.public_page) }
                }
            }
            @if let Some(note) = note { p.message role="status" { (note) } }
            form.kit-form method="post" action={ "/kits/" (kit.id) } {
                input type="hidden" name="version" value=(kit.version);
                label { (x.status)
                    select name="status" {
                        @for s in PracticeStatus::ALL {
                            option value=(s.as_str()) selected[s == k.status] { (page.practice_status(s)) }
                        }
                    }
                }
                @for l in &langs {
                    fieldset lang=(l) {
                        legend { (l) }
                        label { (x.title) input type="text" name={ "title:" (l) } maxlength="300" value=(text(&k.title, l)); }
                        label { (x.introduction) textarea name={ "introduction:" (l) } rows="4" { (text(&k.introduction, l)) } }
                        label { (x.conclusions) textarea name={ "conclusions:" (l) } rows="3" { (text(&k.conclusions, l)) } }
                    }
                }
                h2 { (x.practices) }
                @if practices.is_empty() { p.empty { (x.no_practices) } }
                ol.kit-practices {
                    @for (i, (entry, p)) in practices.iter().enumerate() {
                        li data-id=(p.id) {
                            input type="hidden" name={ "practice:" (i) } value=(p.id);
                            a href={ "/practices/" (p.id) } { (p.record.name) }
                            " " small { "(" (page.practice_status(p.record.status)) ")" }
                            label.position { (x.position) " " input type="number" name={ "position:" (i) } value=(i + 1) min="1" step="1" size="3"; }
                            label.remove { input type="checkbox" name={ "remove:" (i) } value="1"; " " (x.remove) }
                            @for l in &langs {
                                label lang=(l) { (x.note) " (" (l) ")" textarea name={ "note:" (i) ":" (l) } rows="2" { (text(&entry.note, l)) } }
                            }
                        }
                    }
                }
                fieldset.add-practice {
                    legend { (x.add) }
                    select name="add" aria-label=(x.add) {
                        option value="" { (x.none) }
                        @for p in offered {
                            option value=(p.id) { (p.record.name) " (" (page.practice_status(p.record.status)) ")" }
                        }
                    }
                    @for l in LANGS {
                        label lang=(l) { (x.note) " (" (l) ")" textarea name={ "add_note:" (l) } rows="2" {} }
                    }
                }
                p.help { (x.help) }
                button type="submit" { (x.save) }
                " "
                button type="submit" name="publish" value="1" { (x.publish) }
            }
        }
    };
    page.layout(k.title_in(lang), "kit-page", main)
}

#[cfg(test)]
mod tests;
