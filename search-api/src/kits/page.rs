//! A published kit's public page: [`body`] renders its title,
//! introduction, practices in order with their notes, conclusions and
//! download links, for the portal's layout to hold; `/portal/{lang}/kits/{id}`
//! serves it in a minimal page of its own. A kit not published, or not
//! there, is a 404; only its published practices are shown.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup, DOCTYPE};
use veille_store::{text_in, Kit, KitEntry, Practice, PRACTICE_FIELDS};

use super::labels::Labels;
use super::{is_kit_id, practice_text, readable};
use crate::ui::html_response as respond;
use crate::{blocking, ApiState};

/// The languages of the portal.
pub const LANGS: [&str; 3] = ["en", "fr", "es"];

/// The first characters of a practice's approach shown on the page.
const EXCERPT_CHARS: usize = 600;

/// A text in the page's language, or in another one, marked with its
/// `lang` attribute and the words saying which.
fn in_lang(text: &str, text_lang: &str, lang: &str, labels: &Labels) -> Markup {
    html! {
        @if text_lang == lang {
            (text)
        } @else {
            span lang=(text_lang) { (text) } " " small.other-language { "(" (labels.shown_in(text_lang)) ")" }
        }
    }
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    format!("{}…", cut.trim_end())
}

/// The body of a kit's public page in `lang`, with `practices` (the
/// published ones, in the kit's order).
pub fn body(kit: &Kit, practices: &[(KitEntry, Practice)], lang: &str) -> Markup {
    let labels = Labels::of(lang);
    let title = kit.kit.title_in(lang);
    let api = format!("/api/kits/{}", kit.id);
    html! {
        article.kit data-id=(kit.id) {
            p.kind { (labels.transfer_kit) }
            h1 { (title) }
            @if let Some((intro, intro_lang)) = text_in(&kit.kit.introduction, lang) {
                section.introduction {
                    h2 { (labels.introduction) }
                    @for para in intro.split("\n\n") { p { (in_lang(para, intro_lang, lang, labels)) } }
                }
            }
            section.practices {
                h2 { (labels.practices) }
                @if practices.is_empty() {
                    p.empty { (labels.no_practices) }
                }
                ol {
                    @for (entry, p) in practices {
                        li.practice data-id=(p.id) {
                            h3 { (p.record.name) }
                            @if let Some((note, note_lang)) = text_in(&entry.note, lang) {
                                p.note { strong { (labels.why) ": " } (in_lang(note, note_lang, lang, labels)) }
                            }
                            @if !p.record.places.is_empty() {
                                p.places { (labels.places) ": " (p.record.places.iter().map(|pl| pl.name.as_str()).collect::<Vec<_>>().join(", ")) }
                            }
                            @for field in PRACTICE_FIELDS.iter().take(2) {
                                @if let Some((text, text_lang)) = practice_text(p, field, lang) {
                                    p.field data-field=(field) { strong { (labels.field(field)) ": " } (in_lang(&excerpt(text), text_lang, lang, labels)) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some((conclusions, c_lang)) = text_in(&kit.kit.conclusions, lang) {
                section.conclusions {
                    h2 { (labels.conclusions) }
                    @for para in conclusions.split("\n\n") { p { (in_lang(para, c_lang, lang, labels)) } }
                }
            }
            section.downloads {
                h2 { (labels.download) }
                ul {
                    li { a href={ (api) "/kit.pdf?lang=" (lang) } { (labels.pdf) } }
                    li { a href={ (api) "/kit.zip" } { (labels.zip) } }
                }
            }
        }
    }
}

/// `GET /portal/{lang}/kits/{id}`.
pub(crate) async fn portal_page(
    State(state): State<ApiState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let Ok(Path((lang, id))) = path else {
        return not_found("en");
    };
    if !LANGS.contains(&lang.as_str()) {
        return not_found("en");
    }
    if !is_kit_id(&id) {
        return not_found(&lang);
    }
    let store = state.store.clone();
    match blocking(move || readable(&store, &id, false)).await {
        Ok((kit, practices)) => {
            let title = kit.kit.title_in(&lang).to_string();
            respond(
                StatusCode::OK,
                layout(&lang, &title, Some(&kit.id), body(&kit, &practices, &lang)),
            )
        }
        Err(e) if e.status() == StatusCode::NOT_FOUND => not_found(&lang),
        Err(e) => {
            tracing::error!(cause = %e, "kit page failed");
            respond(
                e.status(),
                layout(&lang, "veille", None, html! { p.error { (e.to_string()) } }),
            )
        }
    }
}

/// The words of a missing page, per language.
fn missing(lang: &str) -> &'static str {
    match lang {
        "fr" => "Ce kit n'existe pas ou n'est pas publié.",
        "es" => "Este kit no existe o no está publicado.",
        _ => "This kit does not exist or is not published.",
    }
}

fn not_found(lang: &str) -> Response {
    respond(
        StatusCode::NOT_FOUND,
        layout(
            lang,
            "404",
            None,
            html! { h1 { "404" } p { (missing(lang)) } },
        ),
    )
}

/// A minimal document around `main`, until the portal's layout holds it.
fn layout(lang: &str, title: &str, kit: Option<&str>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · veille" }
                link rel="stylesheet" href="/assets/style.css";
            }
            body.portal {
                @if let Some(id) = kit {
                    nav.langs {
                        @for l in LANGS {
                            @if l == lang { strong { (l) } } @else { a href={ "/portal/" (l) "/kits/" (id) } hreflang=(l) { (l) } }
                            " "
                        }
                    }
                }
                main { (main) }
            }
        }
    }
}
