//! A published kit's public page: [`body`] renders its title,
//! introduction, practices in order with their notes (each linked to its
//! portal page), conclusions and download links; the portal
//! (`/portal/{lang}/kits/{id}`) holds it in its layout, from its snapshot
//! of what is published.

use maud::{html, Markup};
use veille_store::{text_in, Kit, KitEntry, Practice, PRACTICE_FIELDS};

use super::labels::Labels;
use super::practice_text;

/// The languages a kit's page is written in (its labels).
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
                            h3 { a href={ "/portal/" (lang) "/practices/" (p.id) } { (p.record.name) } }
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
