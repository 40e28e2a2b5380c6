//! The operators' page of the sources partners suggested, in English,
//! French and Spanish:
//! - `/sources/suggestions`: each suggested site not decided yet, with who
//!   sent it, its note, and what feed discovery found there (the feed or
//!   the page to follow, its entries and language, or why there is none);
//! - `POST /sources/suggestions/{receipt}` (an admin): `action=add` appends
//!   the proposed source to `sources.toml` (toml_edit: the file's comments
//!   and layout kept, the new table commented with where it came from; the
//!   running scheduler reloads the file) and marks the submission
//!   published; `action=decline` with a `reason` declines it, which the
//!   submitter's status page shows.
//!
//! What a submitter wrote is shown escaped (maud), and reaches the file only
//! as a comment with its control characters removed.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use maud::{html, Markup};
use veille_crawler::sources_edit::{add_source_to_file, NewSource};
use veille_store::{Submission, SubmissionKind, SubmissionStatus};

use super::practices::{form, see_other, value};
use super::{url_escape, Page, PageQuery, UiLang};
use crate::auth::{require, Need};
use crate::error::ApiError;
use crate::{blocking, ApiState};

/// The pages' routes.
pub(super) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/sources/suggestions", get(list_page))
        .route("/sources/suggestions/{receipt}", post(act))
}

/// Suggestions listed, at most.
const LISTED: usize = 500;

/// Characters of a submitter's note written into `sources.toml`, at most.
const NOTE_IN_FILE: usize = 200;

/// The texts of this page in one language.
pub struct Texts {
    pub link: &'static str,
    title: &'static str,
    intro: &'static str,
    none: &'static str,
    by: &'static str,
    note: &'static str,
    feed: &'static str,
    page: &'static str,
    items: &'static str,
    language: &'static str,
    unknown: &'static str,
    not_probed: &'static str,
    problem: &'static str,
    add: &'static str,
    decline: &'static str,
    reason: &'static str,
    added: &'static str,
    declined: &'static str,
    admins_only: &'static str,
}

static EN: Texts = Texts {
    link: "Sources partners suggested",
    title: "Suggested sources",
    intro: "Sites partners asked the network to watch. veille looked for their feeds; adding one appends it to sources.toml, and the scheduler takes it up at once.",
    none: "No suggestion is waiting.",
    by: "suggested by",
    note: "Note",
    feed: "feed",
    page: "page to follow",
    items: "entries",
    language: "language",
    unknown: "unknown",
    not_probed: "Not probed yet: the next crawl looks for its feeds (within a minute under veille run).",
    problem: "Nothing to add",
    add: "Add to sources.toml",
    decline: "Decline",
    reason: "Reason (the submitter sees it)",
    added: "Added to sources.toml as source",
    declined: "Declined.",
    admins_only: "Only an admin can add or decline a source.",
};

static FR: Texts = Texts {
    link: "Sources suggérées par les partenaires",
    title: "Sources suggérées",
    intro: "Des sites que des partenaires demandent au réseau de suivre. veille a cherché leurs flux ; en ajouter un l’inscrit dans sources.toml, et le planificateur le prend aussitôt en compte.",
    none: "Aucune suggestion en attente.",
    by: "suggérée par",
    note: "Note",
    feed: "flux",
    page: "page à suivre",
    items: "entrées",
    language: "langue",
    unknown: "inconnue",
    not_probed: "Pas encore examinée : la prochaine collecte cherche ses flux (en moins d’une minute sous veille run).",
    problem: "Rien à ajouter",
    add: "Ajouter à sources.toml",
    decline: "Refuser",
    reason: "Motif (visible par l’expéditeur)",
    added: "Ajoutée à sources.toml comme source",
    declined: "Refusée.",
    admins_only: "Seul un administrateur peut ajouter ou refuser une source.",
};

static ES: Texts = Texts {
    link: "Fuentes sugeridas por los socios",
    title: "Fuentes sugeridas",
    intro: "Sitios que los socios piden a la red seguir. veille buscó sus canales; añadir uno lo inscribe en sources.toml, y el planificador lo toma en cuenta enseguida.",
    none: "No hay ninguna sugerencia pendiente.",
    by: "sugerida por",
    note: "Nota",
    feed: "canal",
    page: "página a seguir",
    items: "entradas",
    language: "idioma",
    unknown: "desconocido",
    not_probed: "Aún no examinada: la próxima recolección busca sus canales (en menos de un minuto con veille run).",
    problem: "Nada que añadir",
    add: "Añadir a sources.toml",
    decline: "Rechazar",
    reason: "Motivo (lo ve quien la envió)",
    added: "Añadida a sources.toml como fuente",
    declined: "Rechazada.",
    admins_only: "Solo un administrador puede añadir o rechazar una fuente.",
};

pub fn texts(lang: UiLang) -> &'static Texts {
    match lang {
        UiLang::En => &EN,
        UiLang::Fr => &FR,
        UiLang::Es => &ES,
    }
}

/// The suggested sources waiting for a decision, oldest first.
fn waiting(state: &ApiState) -> Result<Vec<Submission>, ApiError> {
    Ok(state.store.suggested_sources(LISTED)?)
}

async fn list_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/sources/suggestions").await;
    let notice = query
        .pairs
        .iter()
        .find_map(|(k, v)| (k == "added").then(|| format!("{} {v}.", texts(page.lang).added)))
        .or_else(|| {
            query
                .pairs
                .iter()
                .any(|(k, _)| k == "declined")
                .then(|| texts(page.lang).declined.to_string())
        });
    let found = {
        let state = state.clone();
        blocking(move || waiting(&state)).await
    };
    match found {
        Ok(list) => page.respond(
            StatusCode::OK,
            render(&page, &list, notice.as_deref(), None),
        ),
        Err(e) => page.error(&e),
    }
}

fn render(page: &Page, list: &[Submission], notice: Option<&str>, error: Option<&str>) -> Markup {
    let t = texts(page.lang);
    let admin = page.user.as_ref().is_some_and(|u| u.role.can_admin());
    let main = html! {
        h1 { (t.title) " " span.count { (list.len()) } }
        p { (t.intro) }
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        @if list.is_empty() { p { (t.none) } }
        @if !list.is_empty() && !admin { p { (t.admins_only) } }
        @for s in list {
            section.suggestion data-receipt-kind="source" {
                h2 { (s.fields.url.as_deref().unwrap_or("")) }
                p.meta {
                    (t.by) " " (s.submitted_by) ", " (s.created_at.format("%Y-%m-%d"))
                }
                @if let Some(note) = &s.fields.note {
                    p { strong { (t.note) ": " } (note) }
                }
                (probe(t, s))
                @if admin {
                    @let action = format!("/sources/suggestions/{}", url_escape(&s.receipt));
                    @if s.probe.as_ref().is_some_and(|p| p.proposal.is_some()) {
                        form method="post" action=(action) {
                            input type="hidden" name="action" value="add";
                            button type="submit" { (t.add) }
                        }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="decline";
                        @let id = format!("reason-{}", s.receipt);
                        label for=(id) { (t.reason) }
                        input id=(id) type="text" name="reason" required maxlength="2000";
                        button type="submit" { (t.decline) }
                    }
                }
            }
        }
    };
    page.layout(t.title, "suggestions", main)
}

/// What discovery found at the site.
fn probe(t: &Texts, s: &Submission) -> Markup {
    let Some(probe) = &s.probe else {
        return html! { p.probe { (t.not_probed) } };
    };
    html! {
        @if let Some(p) = &probe.proposal {
            dl.probe {
                dt { @if p.kind == "feed" { (t.feed) } @else { (t.page) } }
                dd {
                    code { (p.url) } " — " (p.name)
                    @if let Some(format) = &p.format { " (" (format) ")" }
                }
                dt { (t.items) } dd { (p.items) }
                dt { (t.language) }
                dd { (p.languages.first().map_or(t.unknown, String::as_str)) }
            }
            @if !p.sample.is_empty() {
                ul.sample { @for title in p.sample.iter().take(3) { li { (title) } } }
            }
        }
        @if let Some(problem) = &probe.problem {
            p.probe { strong { (t.problem) ": " } (problem) }
        }
    }
}

/// A submitter's text as one line of a comment: control characters
/// (newlines included) made spaces, at most `max` characters.
fn comment_line(text: &str, max: usize) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    line.trim().to_string()
}

/// Adds the suggestion's proposed source to `sources.toml`: the id given.
fn add(state: &ApiState, s: &Submission, admin: &str) -> Result<String, ApiError> {
    let path = state.sources_file.as_ref().ok_or_else(|| {
        ApiError::conflict(
            "this server was started without a sources file: add the source with \
             `veille sources add URL`",
        )
    })?;
    let proposal = match s.probe.as_ref().map(|p| (&p.proposal, &p.problem)) {
        Some((Some(p), _)) => p,
        Some((None, problem)) => {
            return Err(ApiError::conflict(format!(
                "nothing to add: {}",
                problem.as_deref().unwrap_or("discovery found no source")
            )))
        }
        None => {
            return Err(ApiError::conflict(
                "the site was not probed yet: the next crawl looks for its feeds",
            ))
        }
    };
    let mut source = NewSource::from_proposal(proposal).map_err(ApiError::BadRequest)?;
    source.comment = vec![format!(
        "suggested by {} on {}; added from the sources page by {admin} on {}",
        comment_line(&s.submitted_by, 100),
        s.created_at.format("%Y-%m-%d"),
        Utc::now().format("%Y-%m-%d"),
    )];
    if let Some(note) = &s.fields.note {
        source
            .comment
            .push(format!("note: {}", comment_line(note, NOTE_IN_FILE)));
    }
    let id = add_source_to_file(path, &source).map_err(|e| ApiError::conflict(e.to_string()))?;
    state
        .store
        .decide_submission(&s.receipt, SubmissionStatus::Published, None, admin)?;
    Ok(id)
}

/// `POST /sources/suggestions/{receipt}`.
async fn act(
    State(state): State<ApiState>,
    headers: HeaderMap,
    receipt: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let query = PageQuery::parse(raw.as_deref(), true);
    let page = Page::for_request(&state, &query, &headers, "/sources/suggestions").await;
    let admin = match require(&state, &headers, Need::Admin).await {
        Ok(p) => p.name,
        Err(e) => return page.error(&e),
    };
    let pairs = form(&body);
    let action = value(&pairs, "action").unwrap_or("").to_string();
    let reason = value(&pairs, "reason").map(str::to_string);
    let receipt = receipt.map(|Path(r)| r).unwrap_or_default();
    let done = {
        let state = state.clone();
        blocking(move || {
            let not_waiting =
                || ApiError::NotFound("no suggested source waits under this receipt".into());
            let s = state.store.submission(&receipt)?.ok_or_else(not_waiting)?;
            let open = matches!(
                s.status,
                SubmissionStatus::Received | SubmissionStatus::InReview
            );
            if s.kind != SubmissionKind::Source || !open {
                return Err(not_waiting());
            }
            match action.as_str() {
                "add" => add(&state, &s, &admin).map(|id| format!("added={}", url_escape(&id))),
                "decline" => {
                    state.store.decide_submission(
                        &s.receipt,
                        SubmissionStatus::Declined,
                        reason.as_deref(),
                        &admin,
                    )?;
                    Ok("declined=1".to_string())
                }
                other => Err(ApiError::BadRequest(format!(
                    "action {:?}: give add or decline",
                    other.chars().take(40).collect::<String>()
                ))),
            }
        })
        .await
    };
    match done {
        Ok(query) => see_other(&format!("/sources/suggestions?{query}")),
        Err(e) => {
            let list = {
                let state = state.clone();
                blocking(move || waiting(&state)).await
            };
            match list {
                Ok(list) => {
                    page.respond(e.status(), render(&page, &list, None, Some(&e.to_string())))
                }
                Err(_) => page.error(&e),
            }
        }
    }
}

#[cfg(test)]
mod tests;
