//! Editing `sources.toml` in place: appending `[[source]]` tables while
//! keeping the operator's comments, order and layout (toml_edit), for
//! `veille sources add` and the OPML import.
//!
//! An edit is all or nothing: the new text is built in memory, refused when
//! a url or id is already taken, validated with [`crate::config::parse`]
//! (the same rules as at start-up), and only then written, to a temporary
//! file in the same folder that is renamed over the original, so a reader
//! (or `veille run` watching the file) never sees half a file.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};
use url::Url;

use crate::config::{self, Config, SourceKind};
use crate::error::CrawlError;

/// A source to append to `sources.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSource {
    /// The id to give it; `None` derives one from the url's host
    /// ([`id_from_url`]), made unique in the file.
    pub id: Option<String>,
    pub name: String,
    pub url: Url,
    pub kind: SourceKind,
    /// A cron expression; `None` leaves the default schedule.
    pub schedule: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub languages: Vec<String>,
    pub network: Option<String>,
    pub tags: Vec<String>,
    /// `false` writes `enabled = false`.
    pub enabled: bool,
    /// Page sources: globs of the article links to follow.
    pub follow: Vec<String>,
    /// Comment lines written above the table (without the `#`), e.g. where
    /// the source came from.
    pub comment: Vec<String>,
}

impl NewSource {
    /// A feed source with only a name and a url.
    pub fn feed(name: impl Into<String>, url: Url) -> NewSource {
        NewSource {
            id: None,
            name: name.into(),
            url,
            kind: SourceKind::Feed,
            schedule: None,
            country: None,
            city: None,
            languages: Vec::new(),
            network: None,
            tags: Vec::new(),
            enabled: true,
            follow: Vec::new(),
            comment: Vec::new(),
        }
    }

    /// A page source following links that match `follow`.
    pub fn page(name: impl Into<String>, url: Url, follow: Vec<String>) -> NewSource {
        NewSource {
            kind: SourceKind::Page,
            follow,
            ..NewSource::feed(name, url)
        }
    }
}

impl NewSource {
    /// The source feed discovery proposed (a submitted site's probe); `Err`
    /// says what is wrong with it.
    pub fn from_proposal(p: &veille_store::ProposedSource) -> Result<NewSource, String> {
        let url = Url::parse(&p.url).map_err(|e| format!("{}: not a URL ({e})", p.url))?;
        let mut source = match p.kind.as_str() {
            "feed" => NewSource::feed(p.name.clone(), url),
            "page" => NewSource::page(p.name.clone(), url, p.follow.clone()),
            other => return Err(format!("a proposed source of kind {other:?}: feed or page")),
        };
        source.languages = p.languages.clone();
        Ok(source)
    }
}

/// An id derived from a url's host: lowercase, `www.` dropped, every run of
/// other characters than letters and digits made one `-`
/// (`https://www.ripess.eu/feed/` → `ripess-eu`).
pub fn id_from_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or("source").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut id = String::new();
    for c in host.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "source".to_string()
    } else {
        id
    }
}

/// `base` if `taken` says it is free, else `base-2`, `base-3` …
pub fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("an unbounded range always yields a free id")
}

/// The key under which two urls are the same source: host without `www.`,
/// path without trailing `/`, the query; the scheme, the fragment and
/// tracking parameters do not count.
pub fn url_key(url: &Url) -> String {
    let url = crate::normalize::normalize_url(url);
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    match url.query() {
        Some(q) => format!("{host}{port}{path}?{q}"),
        None => format!("{host}{port}{path}"),
    }
}

/// The id of the source in `config` whose url is `url` (by [`url_key`]).
pub fn source_with_url<'c>(config: &'c Config, url: &Url) -> Option<&'c str> {
    let key = url_key(url);
    config
        .sources
        .iter()
        .find(|s| url_key(&s.url) == key)
        .map(|s| s.id.as_str())
}

/// Appends `sources` to the text of a `sources.toml` (`file` names it in
/// errors) and returns the new text and the ids given, in order.
///
/// Refuses, with nothing changed, a url already in the file or twice in
/// `sources`, and an id given explicitly that is taken; derived ids are
/// made unique. The file must be valid before the edit, and the result is
/// checked with [`config::parse`].
pub fn append_sources(
    text: &str,
    file: &str,
    sources: &[NewSource],
) -> Result<(String, Vec<String>), CrawlError> {
    let existing = config::parse(text, file).map_err(|e| CrawlError::SourcesFile {
        file: file.to_string(),
        detail: format!("the file is not valid, fix it before adding sources:\n{e}"),
    })?;
    let mut doc: DocumentMut = text.parse().map_err(|e| CrawlError::SourcesFile {
        file: file.to_string(),
        detail: format!("cannot be read for editing: {e}"),
    })?;

    let mut ids: Vec<String> = existing.sources.iter().map(|s| s.id.clone()).collect();
    let mut keys: Vec<(String, String)> = existing
        .sources
        .iter()
        .map(|s| (url_key(&s.url), s.id.clone()))
        .collect();
    let mut given = Vec::with_capacity(sources.len());
    let mut tables = Vec::with_capacity(sources.len());
    for source in sources {
        let key = url_key(&source.url);
        if let Some((_, id)) = keys.iter().find(|(k, _)| *k == key) {
            return Err(CrawlError::DuplicateUrl {
                file: file.to_string(),
                url: source.url.to_string(),
                id: id.clone(),
            });
        }
        let id = match &source.id {
            Some(id) if ids.contains(id) => {
                return Err(CrawlError::DuplicateId {
                    file: file.to_string(),
                    id: id.clone(),
                })
            }
            Some(id) => id.clone(),
            None => unique_id(&id_from_url(&source.url), |c| ids.iter().any(|i| i == c)),
        };
        ids.push(id.clone());
        keys.push((key, id.clone()));
        tables.push(source_table(source, &id, !text.trim().is_empty()));
        given.push(id);
    }

    let root = doc.as_table_mut();
    if !root.contains_key("source") {
        root.insert("source", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let array = root
        .get_mut("source")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| CrawlError::SourcesFile {
            file: file.to_string(),
            detail: "`source` is not an array of [[source]] tables".to_string(),
        })?;
    for table in tables {
        array.push(table);
    }

    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    config::parse(&out, file).map_err(|e| CrawlError::SourcesFile {
        file: file.to_string(),
        detail: format!("the new source would make the file invalid, nothing was written:\n{e}"),
    })?;
    Ok((out, given))
}

/// Checks one source on its own (the rules of `sources.toml`, with `id`):
/// `Err` carries every problem, one per line, without file or line.
pub fn check_source(source: &NewSource, id: &str) -> Result<(), String> {
    let mut doc = DocumentMut::new();
    doc.insert("crawler", Item::Table(Table::new()));
    doc["crawler"]["user_agent"] = toml_edit::value("check (+https://example.org)");
    let mut array = ArrayOfTables::new();
    array.push(source_table(source, id, false));
    doc.insert("source", Item::ArrayOfTables(array));
    config::parse(&doc.to_string(), "")
        .map(|_| ())
        .map_err(|e| {
            e.0.iter()
                .map(|p| match &p.field {
                    Some(f) => format!("{f}: {}", p.message),
                    None => p.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
}

/// Appends `sources` to the file at `path`, written atomically; returns the
/// ids given. Nothing is written when anything is refused.
pub fn add_sources_to_file(path: &Path, sources: &[NewSource]) -> Result<Vec<String>, CrawlError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| CrawlError::SourcesFile {
        file: file.clone(),
        detail: format!("cannot read the file: {e}: check the path given with --config"),
    })?;
    let (out, ids) = append_sources(&text, &file, sources)?;
    write_atomically(path, &out)?;
    Ok(ids)
}

/// Appends one source to the file at `path`; returns its id.
pub fn add_source_to_file(path: &Path, source: &NewSource) -> Result<String, CrawlError> {
    let ids = add_sources_to_file(path, std::slice::from_ref(source))?;
    Ok(ids.into_iter().next().expect("one source in, one id out"))
}

/// Writes `text` to a temporary file beside `path`, flushes it to disk, and
/// renames it over `path` (keeping the original's permissions).
pub fn write_atomically(path: &Path, text: &str) -> Result<(), CrawlError> {
    use std::io::Write;
    let file = path.display().to_string();
    let fail = |what: &str, e: std::io::Error| CrawlError::SourcesFile {
        file: file.clone(),
        detail: format!("{what}: {e}: the file was left as it was"),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sources.toml".to_string());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f =
            std::fs::File::create(&tmp).map_err(|e| fail("cannot create a temporary file", e))?;
        f.write_all(text.as_bytes())
            .map_err(|e| fail("cannot write the temporary file", e))?;
        f.sync_all()
            .map_err(|e| fail("cannot flush the temporary file", e))?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())
                .map_err(|e| fail("cannot copy the file's permissions", e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| fail("cannot replace the file", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The `[[source]]` table of `source` with id `id`, keys in the order of
/// the shipped file; `blank_line` puts an empty line before it.
fn source_table(source: &NewSource, id: &str, blank_line: bool) -> Table {
    let mut t = Table::new();
    t.insert("id", toml_edit::value(id));
    t.insert("name", toml_edit::value(source.name.as_str()));
    t.insert("url", toml_edit::value(source.url.as_str()));
    t.insert("kind", toml_edit::value(source.kind.as_str()));
    if let Some(s) = &source.schedule {
        t.insert("schedule", toml_edit::value(s.as_str()));
    }
    if let Some(c) = &source.country {
        t.insert("country", toml_edit::value(c.as_str()));
    }
    if let Some(c) = &source.city {
        t.insert("city", toml_edit::value(c.as_str()));
    }
    if !source.languages.is_empty() {
        t.insert("languages", string_array(&source.languages));
    }
    if let Some(n) = &source.network {
        t.insert("network", toml_edit::value(n.as_str()));
    }
    if !source.tags.is_empty() {
        t.insert("tags", string_array(&source.tags));
    }
    if !source.enabled {
        t.insert("enabled", toml_edit::value(false));
    }
    if !source.follow.is_empty() {
        t.insert("follow", string_array(&source.follow));
    }
    let mut prefix = String::from(if blank_line { "\n" } else { "" });
    for line in &source.comment {
        for l in line.lines() {
            prefix.push_str("# ");
            prefix.push_str(l.trim_end());
            prefix.push('\n');
        }
    }
    t.decor_mut().set_prefix(prefix);
    t
}

fn string_array(items: &[String]) -> Item {
    let array: Array = items.iter().map(|s| Value::from(s.as_str())).collect();
    Item::Value(Value::Array(array))
}

#[cfg(test)]
mod tests;
