//! The public pages of the collection point, in English, French and
//! Spanish:
//! - `/submit`: the form (a practice: its page or a text, with name,
//!   place, contact and themes; or a source to watch, with a note), a plain
//!   HTML form that works without JavaScript, posted to `POST /submit`;
//! - `POST /submit`: the same rules as `POST /api/submissions` (the
//!   per-address rate, the caps, the URL check, the hidden field
//!   `website_url2`, hidden from people), answered with the receipt and the
//!   link to its status, or the form again with what to fix;
//! - `/submissions/{receipt}`: where the submission stands, and the
//!   curator's reason when declined.
//!
//! Every value a submitter sent is shown escaped (maud escapes). The texts
//! are here, one [`Texts`] per language as in `i18n`, so that a missing
//! translation does not compile.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use veille_store::{SubmissionKind, SubmissionStatus};

use super::{Page, PageQuery, UiLang};
use crate::auth::submitter;
use crate::error::ApiError;
use crate::items::read_body;
use crate::submissions::{
    client_address, receive, SubmissionStatusView, SubmitBody, BODY_LIMIT, HONEYPOT,
};
use crate::{blocking, ApiState};

/// The pages' routes.
pub(super) fn routes() -> Router<ApiState> {
    Router::new()
        .route(
            "/submit",
            get(form_page)
                .post(post_form)
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/submissions/{receipt}", get(status_page))
}

/// The texts of these pages in one language.
pub struct Texts {
    title: &'static str,
    intro: &'static str,
    kind: &'static str,
    kind_practice: &'static str,
    kind_source: &'static str,
    url: &'static str,
    url_hint: &'static str,
    text: &'static str,
    name: &'static str,
    place: &'static str,
    contact: &'static str,
    themes: &'static str,
    themes_hint: &'static str,
    note: &'static str,
    send: &'static str,
    fix: &'static str,
    received: &'static str,
    keep: &'static str,
    status_title: &'static str,
    status: &'static str,
    received_status: &'static str,
    in_review: &'static str,
    published: &'static str,
    declined: &'static str,
    reason: &'static str,
    not_found: &'static str,
}

static EN: Texts = Texts {
    title: "Submit a practice or a source",
    intro: "Tell the network about a practice of the social and solidarity economy, or a site worth watching. No account is needed.",
    kind: "What are you sending?",
    kind_practice: "A practice",
    kind_source: "A source to watch",
    url: "Web address",
    url_hint: "The practice's page, or the site to watch (http or https)",
    text: "Or describe the practice",
    name: "Name",
    place: "Place (city, region, country)",
    contact: "Contact",
    themes: "Themes",
    themes_hint: "Separated by commas",
    note: "Note for the curators",
    send: "Send",
    fix: "Please fix this:",
    received: "Thank you: your submission was received.",
    keep: "Keep this receipt: it is the only way to see where your submission stands.",
    status_title: "Your submission",
    status: "Status",
    received_status: "Received",
    in_review: "In review",
    published: "Published",
    declined: "Declined",
    reason: "Why",
    not_found: "No submission has this receipt.",
};

static FR: Texts = Texts {
    title: "Proposer une pratique ou une source",
    intro: "Signalez au réseau une pratique de l'économie sociale et solidaire, ou un site à suivre. Aucun compte n'est nécessaire.",
    kind: "Que proposez-vous ?",
    kind_practice: "Une pratique",
    kind_source: "Une source à suivre",
    url: "Adresse web",
    url_hint: "La page de la pratique, ou le site à suivre (http ou https)",
    text: "Ou décrivez la pratique",
    name: "Nom",
    place: "Lieu (ville, région, pays)",
    contact: "Contact",
    themes: "Thèmes",
    themes_hint: "Séparés par des virgules",
    note: "Note pour les curateurs",
    send: "Envoyer",
    fix: "Merci de corriger ceci :",
    received: "Merci : votre proposition a été reçue.",
    keep: "Gardez ce reçu : lui seul permet de voir où en est votre proposition.",
    status_title: "Votre proposition",
    status: "État",
    received_status: "Reçue",
    in_review: "En cours d'examen",
    published: "Publiée",
    declined: "Refusée",
    reason: "Pourquoi",
    not_found: "Aucune proposition n'a ce reçu.",
};

static ES: Texts = Texts {
    title: "Proponer una práctica o una fuente",
    intro: "Dé a conocer a la red una práctica de la economía social y solidaria, o un sitio que vale la pena seguir. No hace falta una cuenta.",
    kind: "¿Qué envía?",
    kind_practice: "Una práctica",
    kind_source: "Una fuente para seguir",
    url: "Dirección web",
    url_hint: "La página de la práctica, o el sitio para seguir (http o https)",
    text: "O describa la práctica",
    name: "Nombre",
    place: "Lugar (ciudad, región, país)",
    contact: "Contacto",
    themes: "Temas",
    themes_hint: "Separados por comas",
    note: "Nota para los curadores",
    send: "Enviar",
    fix: "Corrija esto, por favor:",
    received: "Gracias: su propuesta ha sido recibida.",
    keep: "Guarde este recibo: es la única forma de ver en qué estado está su propuesta.",
    status_title: "Su propuesta",
    status: "Estado",
    received_status: "Recibida",
    in_review: "En revisión",
    published: "Publicada",
    declined: "Rechazada",
    reason: "Por qué",
    not_found: "Ninguna propuesta tiene este recibo.",
};

fn texts(lang: UiLang) -> &'static Texts {
    match lang {
        UiLang::En => &EN,
        UiLang::Fr => &FR,
        UiLang::Es => &ES,
    }
}

/// What the form holds, to show it again with what to fix.
#[derive(Default)]
struct FormValues {
    kind: String,
    url: String,
    text: String,
    name: String,
    place: String,
    contact: String,
    themes: String,
    note: String,
    trap: String,
}

impl FormValues {
    fn parse(body: &[u8]) -> FormValues {
        let mut v = FormValues::default();
        for (k, value) in url::form_urlencoded::parse(body) {
            let slot = match k.as_ref() {
                "kind" => &mut v.kind,
                "url" => &mut v.url,
                "text" => &mut v.text,
                "name" => &mut v.name,
                "place" => &mut v.place,
                "contact" => &mut v.contact,
                "themes" => &mut v.themes,
                "note" => &mut v.note,
                HONEYPOT => &mut v.trap,
                _ => continue,
            };
            *slot = value.into_owned();
        }
        v
    }

    fn body(&self) -> Result<SubmitBody, ApiError> {
        let kind = SubmissionKind::parse(&self.kind).ok_or_else(|| {
            ApiError::BadRequest("kind: choose a practice or a source".to_string())
        })?;
        let given = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        Ok(SubmitBody {
            kind,
            url: given(&self.url),
            text: given(&self.text),
            name: given(&self.name),
            place: given(&self.place),
            contact: given(&self.contact),
            themes: Some(self.themes.split(',').map(str::to_string).collect()),
            note: given(&self.note),
            website_url2: given(&self.trap),
        })
    }
}

fn render_form(page: &Page, values: &FormValues, problem: Option<&str>) -> Markup {
    let t = texts(page.lang);
    let source = values.kind == "source";
    html! {
        h1 { (t.title) }
        p { (t.intro) }
        @if let Some(problem) = problem {
            p.error role="alert" { (t.fix) " " (problem) }
        }
        form.submission method="post" action={ "/submit?ui=" (page.lang.code()) } {
            fieldset {
                legend { (t.kind) }
                label { input type="radio" name="kind" value="practice" checked[!source]; " " (t.kind_practice) }
                label { input type="radio" name="kind" value="source" checked[source]; " " (t.kind_source) }
            }
            label { (t.url) br; input type="url" name="url" value=(values.url) maxlength="2000" placeholder="https://"; }
            small { (t.url_hint) }
            label { (t.text) br; textarea name="text" rows="6" maxlength="10000" { (values.text) } }
            label { (t.name) br; input type="text" name="name" value=(values.name) maxlength="300"; }
            label { (t.place) br; input type="text" name="place" value=(values.place) maxlength="200"; }
            label { (t.contact) br; input type="text" name="contact" value=(values.contact) maxlength="300"; }
            label { (t.themes) br; input type="text" name="themes" value=(values.themes); }
            small { (t.themes_hint) }
            label { (t.note) br; textarea name="note" rows="3" maxlength="2000" { (values.note) } }
            // People never see it; robots fill it.
            div hidden aria-hidden="true" {
                label { "Website" input type="text" name=(HONEYPOT) value="" tabindex="-1" autocomplete="off"; }
            }
            button type="submit" { (t.send) }
        }
    }
}

async fn form_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/submit").await;
    let main = render_form(&page, &FormValues::default(), None);
    page.respond(
        StatusCode::OK,
        page.layout(texts(page.lang).title, "submit", main),
    )
}

async fn post_form(
    State(state): State<ApiState>,
    headers: HeaderMap,
    extensions: Extensions,
    RawQuery(raw): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/submit").await;
    let t = texts(page.lang);
    let (values, received) = match read_body(body, "the form", "send less") {
        Err(e) => (FormValues::default(), Err(e)),
        Ok(bytes) => {
            let values = FormValues::parse(&bytes);
            let received = match submitter(
                &state,
                &headers,
                &client_address(&state, &extensions, &headers),
            )
            .await
            {
                Ok(principal) => match values.body() {
                    Ok(body) => receive(&state, principal, body).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            (values, received)
        }
    };
    match received {
        Ok(receipt) => {
            let link = format!("/submissions/{receipt}?ui={}", page.lang.code());
            let main = html! {
                h1 { (t.received) }
                p { (t.keep) }
                p.receipt { code { (receipt) } }
                p { a href=(link) { (t.status_title) } }
            };
            page.respond(StatusCode::CREATED, page.layout(t.title, "submit", main))
        }
        Err(e) => {
            let main = render_form(&page, &values, Some(&e.to_string()));
            page.respond(e.status(), page.layout(t.title, "submit", main))
        }
    }
}

async fn status_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    receipt: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/submit").await;
    let t = texts(page.lang);
    let receipt = receipt.map(|Path(r)| r).unwrap_or_default();
    let store = state.store.clone();
    let found = blocking(move || Ok(store.submission(&receipt)?)).await;
    let view: SubmissionStatusView = match found {
        Ok(Some(s)) => s.into(),
        Ok(None) => return page.error(&ApiError::NotFound(t.not_found.to_string())),
        Err(e) => return page.error(&e),
    };
    let status = match view.status {
        SubmissionStatus::Received => t.received_status,
        SubmissionStatus::InReview => t.in_review,
        SubmissionStatus::Published => t.published,
        SubmissionStatus::Declined => t.declined,
    };
    let kind = match view.kind {
        SubmissionKind::Practice => t.kind_practice,
        SubmissionKind::Source => t.kind_source,
    };
    let main = html! {
        h1 { (t.status_title) }
        dl {
            dt { (t.kind) } dd { (kind) }
            dt { (t.status) } dd data-status=(view.status.as_str()) { strong { (status) } }
            @if let Some(reason) = &view.reason {
                dt { (t.reason) } dd { (reason) }
            }
        }
    };
    page.respond(StatusCode::OK, page.layout(t.status_title, "submit", main))
}

#[cfg(test)]
mod tests;
