//! OPML 2.0 in and out: the lists of feeds partner networks publish, and
//! veille's own list for feed readers.
//!
//! [`import`] reads an OPML document into an [`ImportPlan`]: the sources to
//! add, the entries already watched (duplicates) and the entries that cannot
//! be sources, each with its line and reason. Nothing is written until
//! [`apply`], which adds the whole plan through [`crate::sources_edit`] or
//! nothing at all.
//!
//! [`export`] writes every source. Feed sources are standard
//! `<outline type="rss" text title xmlUrl htmlUrl language category>`
//! entries. Page sources have no feed, so they are written as
//! `<outline type="link" url=…>` entries, which feed readers skip; what only
//! veille knows (id, kind, follow patterns, schedule, country, city,
//! network, every language, enabled) is kept in attributes of the
//! `veille:` namespace ([`VEILLE_NS`]), so that exporting and importing
//! again gives back the same sources.

use std::path::Path;

use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use url::Url;

use crate::config::{Config, Source, SourceKind, DEFAULT_SCHEDULE};
use crate::error::CrawlError;
use crate::sources_edit::{self, check_source, id_from_url, unique_id, url_key, NewSource};

/// The namespace of veille's own OPML attributes (`veille:id`,
/// `veille:kind`, `veille:follow` …).
pub const VEILLE_NS: &str = "https://veille.example.org/ns/opml/1";

/// What importing an OPML document would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// The sources to add, with their ids, in document order.
    pub new: Vec<NewSource>,
    /// Entries whose url is already watched, or already earlier in the
    /// document.
    pub duplicates: Vec<Duplicate>,
    /// Entries that cannot be sources, with the reason.
    pub invalid: Vec<InvalidEntry>,
}

/// An OPML entry whose url is already watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// 1-based line of the `<outline>` in the document.
    pub line: usize,
    pub title: String,
    pub url: String,
    /// `source "id"` (in `sources.toml`) or `line N` (earlier in the
    /// document).
    pub of: String,
}

/// An OPML entry that cannot become a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidEntry {
    /// 1-based line of the `<outline>` in the document.
    pub line: usize,
    pub title: String,
    pub reason: String,
}

/// Reads an OPML document (`file` names it in errors) against the sources
/// already in `existing`. `Err` only when the document is not OPML at all;
/// a bad entry is an [`InvalidEntry`] of the plan.
pub fn import(text: &str, file: &str, existing: &Config) -> Result<ImportPlan, CrawlError> {
    let not_opml = |detail: String| CrawlError::NotOpml {
        file: file.to_string(),
        detail,
    };
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);

    let mut plan = ImportPlan::default();
    let mut ids: Vec<String> = existing.sources.iter().map(|s| s.id.clone()).collect();
    // url key → line of the first entry with it.
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut root_seen = false;
    let mut in_body = false;
    let mut body_seen = false;
    // Folder names of the enclosing outlines, for tags.
    let mut folders: Vec<Option<String>> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            not_opml(format!("invalid XML at line {}: {e}", line_of(text, at)))
        })?;
        let line = line_of(text, tag_start(text, before));
        match event {
            Event::Start(e) | Event::Empty(e) if !root_seen => {
                if e.local_name().as_ref() != b"opml" {
                    return Err(not_opml(format!(
                        "the root element is <{}>, not <opml>",
                        String::from_utf8_lossy(e.name().as_ref())
                    )));
                }
                root_seen = true;
            }
            Event::Start(e) if e.local_name().as_ref() == b"body" => {
                in_body = true;
                body_seen = true;
            }
            Event::End(e) if e.local_name().as_ref() == b"body" => in_body = false,
            Event::Start(e) if in_body && e.local_name().as_ref() == b"outline" => {
                let attrs = Attrs::read(&e);
                let is_entry = attrs.get("xmlUrl").is_some() || is_page_entry(&attrs);
                if is_entry {
                    entry(
                        &attrs, line, &folders, existing, &mut ids, &mut seen, &mut plan,
                    );
                }
                folders.push(if is_entry { None } else { attrs.title() });
            }
            Event::End(e) if in_body && e.local_name().as_ref() == b"outline" => {
                folders.pop();
            }
            Event::Empty(e) if in_body && e.local_name().as_ref() == b"outline" => {
                let attrs = Attrs::read(&e);
                if attrs.get("xmlUrl").is_some() || is_page_entry(&attrs) {
                    entry(
                        &attrs, line, &folders, existing, &mut ids, &mut seen, &mut plan,
                    );
                } else {
                    plan.invalid.push(InvalidEntry {
                        line,
                        title: attrs.title().unwrap_or_default(),
                        reason: "no xmlUrl: an entry needs the url of its feed (or type=\"link\" and url for a page)"
                            .to_string(),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(not_opml("the document is empty".to_string()));
    }
    if !body_seen {
        return Err(not_opml("no <body> element".to_string()));
    }
    Ok(plan)
}

/// Adds every source of `plan` to the `sources.toml` at `path`, or none
/// (a url or id taken since the plan was made refuses the whole plan).
/// Returns the ids added.
pub fn apply(plan: &ImportPlan, path: &Path) -> Result<Vec<String>, CrawlError> {
    if plan.new.is_empty() {
        return Ok(Vec::new());
    }
    sources_edit::add_sources_to_file(path, &plan.new)
}

/// Every source of `config` as an OPML 2.0 document (see the module doc
/// for how page sources are written).
pub fn export(config: &Config) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<opml version=\"2.0\" xmlns:veille=\"{}\">\n",
        escape(VEILLE_NS)
    ));
    out.push_str("  <head>\n    <title>veille sources</title>\n  </head>\n  <body>\n");
    for s in &config.sources {
        out.push_str("    <outline");
        let mut attr = |name: &str, value: &str| {
            out.push_str(&format!(" {name}=\"{}\"", escape(value)));
        };
        match s.kind {
            SourceKind::Feed => attr("type", "rss"),
            SourceKind::Page => attr("type", "link"),
        }
        attr("text", &s.name);
        attr("title", &s.name);
        match s.kind {
            SourceKind::Feed => attr("xmlUrl", s.url.as_str()),
            SourceKind::Page => attr("url", s.url.as_str()),
        }
        attr("htmlUrl", &site_of(&s.url));
        if let Some(lang) = s.languages.first() {
            attr("language", lang);
        }
        if !s.tags.is_empty() {
            let category: Vec<String> = s.tags.iter().map(|t| format!("/{t}")).collect();
            attr("category", &category.join(","));
        }
        export_veille_attrs(s, &mut attr);
        out.push_str("/>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn export_veille_attrs(s: &Source, attr: &mut impl FnMut(&str, &str)) {
    attr("veille:id", &s.id);
    if s.kind == SourceKind::Page {
        attr("veille:kind", "page");
    }
    if !s.follow.is_empty() {
        attr("veille:follow", &s.follow.join(","));
    }
    if s.schedule_expr != DEFAULT_SCHEDULE {
        attr("veille:schedule", &s.schedule_expr);
    }
    if let Some(c) = &s.country {
        attr("veille:country", c);
    }
    if let Some(c) = &s.city {
        attr("veille:city", c);
    }
    if let Some(n) = &s.network {
        attr("veille:network", n);
    }
    if s.languages.len() > 1 {
        attr("veille:languages", &s.languages.join(","));
    }
    if !s.enabled {
        attr("veille:enabled", "false");
    }
}

/// `https://host/` of a url (the site a feed belongs to, for `htmlUrl`).
fn site_of(url: &Url) -> String {
    let mut site = url.clone();
    site.set_path("/");
    site.set_query(None);
    site.set_fragment(None);
    site.to_string()
}

/// The attributes of one `<outline>`, values unescaped.
struct Attrs(Vec<(String, String)>);

impl Attrs {
    fn read(e: &BytesStart<'_>) -> Attrs {
        let mut list = Vec::new();
        for a in e.attributes().with_checks(false).flatten() {
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            list.push((key, value));
        }
        Attrs(list)
    }

    /// The non-empty value of `name` (matched without regard to case, as
    /// readers write `xmlurl` and `xmlUrl` alike).
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn title(&self) -> Option<String> {
        self.get("text")
            .or_else(|| self.get("title"))
            .map(str::to_string)
    }

    /// A comma-separated list attribute.
    fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn is_page_entry(attrs: &Attrs) -> bool {
    attrs.get("veille:kind") == Some("page")
        || (attrs
            .get("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("link"))
            && attrs.get("url").is_some())
}

/// Reads one entry into the plan: a new source, a duplicate or an invalid
/// entry.
fn entry(
    attrs: &Attrs,
    line: usize,
    folders: &[Option<String>],
    existing: &Config,
    ids: &mut Vec<String>,
    seen: &mut Vec<(String, usize)>,
    plan: &mut ImportPlan,
) {
    let page = is_page_entry(attrs);
    let raw_url = if page {
        attrs.get("url").or_else(|| attrs.get("xmlUrl"))
    } else {
        attrs.get("xmlUrl")
    };
    let title = attrs.title();
    let shown = title
        .clone()
        .or(raw_url.map(str::to_string))
        .unwrap_or_default();
    let invalid = |plan: &mut ImportPlan, reason: String| {
        plan.invalid.push(InvalidEntry {
            line,
            title: shown.clone(),
            reason,
        })
    };
    let Some(raw_url) = raw_url else {
        return invalid(
            plan,
            "type=\"link\" without url: a page entry needs the url of its page".into(),
        );
    };
    let url = match Url::parse(raw_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        Ok(u) => {
            return invalid(
                plan,
                format!("unsupported url {raw_url:?}: only http:// and https:// urls can be crawled (scheme {:?})", u.scheme()),
            )
        }
        Err(e) => return invalid(plan, format!("invalid url {raw_url:?}: {e}")),
    };
    if let Some(id) = sources_edit::source_with_url(existing, &url) {
        plan.duplicates.push(Duplicate {
            line,
            title: shown,
            url: url.to_string(),
            of: format!("source {id:?}"),
        });
        return;
    }
    let key = url_key(&url);
    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
        plan.duplicates.push(Duplicate {
            line,
            title: shown,
            url: url.to_string(),
            of: format!("line {first}"),
        });
        return;
    }

    let mut source = if page {
        NewSource::page(
            title.clone().unwrap_or_else(|| host_of(&url)),
            url.clone(),
            attrs.list("veille:follow"),
        )
    } else {
        NewSource::feed(title.clone().unwrap_or_else(|| host_of(&url)), url.clone())
    };
    source.schedule = attrs.get("veille:schedule").map(str::to_string);
    source.country = attrs.get("veille:country").map(str::to_ascii_uppercase);
    source.city = attrs.get("veille:city").map(str::to_string);
    source.network = attrs.get("veille:network").map(str::to_string);
    source.enabled = attrs.get("veille:enabled") != Some("false");
    source.languages = {
        let mut langs = attrs.list("veille:languages");
        if langs.is_empty() {
            langs.extend(attrs.get("language").map(str::to_string));
        }
        let mut out: Vec<String> = Vec::new();
        for l in langs {
            if let Some(code) = primary_language(&l) {
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        }
        out
    };
    let mut tags: Vec<String> = attrs
        .list("category")
        .iter()
        .filter_map(|c| {
            c.trim_matches('/')
                .rsplit('/')
                .next()
                .map(str::trim)
                .map(str::to_string)
        })
        .filter(|t| !t.is_empty())
        .collect();
    for folder in folders.iter().flatten() {
        if !tags.contains(folder) {
            tags.push(folder.clone());
        }
    }
    source.tags = tags;
    source.comment = vec![format!("imported from OPML: {shown}")];

    let wanted = attrs.get("veille:id").map(str::to_string);
    let id = match wanted {
        Some(id) if !ids.contains(&id) => id,
        _ => unique_id(&id_from_url(&url), |c| ids.iter().any(|i| i == c)),
    };
    if let Err(why) = check_source(&source, &id) {
        return invalid(plan, why.replace('\n', "; "));
    }
    ids.push(id.clone());
    seen.push((key, line));
    source.id = Some(id);
    plan.new.push(source);
}

/// `fr` of `fr-FR`, `en` of `en_us`; `None` when not two letters.
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
}

fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_string()
}

/// Where the tag read from `from` starts (leading whitespace skipped).
fn tag_start(text: &str, from: usize) -> usize {
    let from = from.min(text.len());
    text[from..].find('<').map_or(from, |i| from + i)
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
