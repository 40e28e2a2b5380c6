//! JSON-LD (`<script type="application/ld+json">`): the objects that describe
//! an article, wherever the page nests them (`@graph`, arrays, a `WebPage`'s
//! `mainEntity` …), with their headline, dates and authors.

use serde_json::{Map, Value};

use super::meta::{clean_text, nonempty};

/// An object with a date or an article type.
#[derive(Debug, Default, Clone)]
pub(super) struct LdArticle {
    /// `@type` names an article (`NewsArticle`, `BlogPosting`, `Report` …).
    pub article: bool,
    pub headline: Option<String>,
    pub name: Option<String>,
    pub published: Option<String>,
    pub created: Option<String>,
    pub authors: Vec<LdAuthor>,
    pub description: Option<String>,
    pub publisher: Option<String>,
}

/// One author as JSON-LD gives it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LdAuthor {
    pub name: String,
    /// Typed as an organization (`Organization`, `NewsMediaOrganization` …).
    pub organization: bool,
}

/// What the page's JSON-LD says, in document order.
#[derive(Debug, Default)]
pub(super) struct Ld {
    pub articles: Vec<LdArticle>,
    /// Names of `WebSite`s and `Organization`s: the site's own names.
    pub site_names: Vec<String>,
}

impl Ld {
    /// Reads one script's JSON (comment and CDATA wrappers tolerated).
    pub(super) fn read(&mut self, raw: &str) {
        let json = raw
            .trim()
            .trim_start_matches("//")
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("//")
            .trim_end_matches("]]>")
            .trim();
        if let Ok(v) = serde_json::from_str::<Value>(json) {
            self.walk(&v, 0);
        }
    }

    /// The article the page is about: the first article-typed object with
    /// a headline, else the first with a publication date.
    pub(super) fn main(&self) -> Option<&LdArticle> {
        self.articles
            .iter()
            .find(|a| a.article && a.headline.is_some())
            .or_else(|| self.articles.iter().find(|a| a.article))
            .or_else(|| self.articles.iter().find(|a| a.published.is_some()))
    }

    fn walk(&mut self, v: &Value, depth: u32) {
        if depth > 6 {
            return;
        }
        match v {
            Value::Array(a) => {
                for x in a.iter().take(64) {
                    self.walk(x, depth + 1);
                }
            }
            Value::Object(o) => {
                self.object(o);
                for (k, x) in o {
                    // What describes someone or something else than the
                    // article: its people, its images, its site.
                    if matches!(
                        k.as_str(),
                        "author"
                            | "creator"
                            | "publisher"
                            | "contributor"
                            | "editor"
                            | "image"
                            | "logo"
                            | "video"
                            | "associatedMedia"
                            | "thumbnail"
                            | "comment"
                            | "review"
                            | "breadcrumb"
                            | "potentialAction"
                            | "isPartOf"
                            | "citation"
                            | "sourceOrganization"
                            | "copyrightHolder"
                            | "provider"
                            | "itemReviewed"
                            | "about"
                            | "mentions"
                    ) {
                        continue;
                    }
                    if x.is_object() || x.is_array() {
                        self.walk(x, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, o: &Map<String, Value>) {
        let types = type_names(o.get("@type"));
        if types
            .iter()
            .any(|t| t == "WebSite" || t.ends_with("Organization"))
        {
            if let Some(n) = o.get("name").and_then(string) {
                self.site_names.push(n);
            }
        }
        let article = types.iter().any(|t| is_article_type(t));
        let published = o.get("datePublished").and_then(date_string);
        if !article && published.is_none() {
            return;
        }
        self.articles.push(LdArticle {
            article,
            headline: o.get("headline").and_then(string),
            name: o.get("name").and_then(string),
            published,
            created: o.get("dateCreated").and_then(date_string),
            authors: o.get("author").map(authors).unwrap_or_default(),
            description: o.get("description").and_then(string),
            publisher: o.get("publisher").and_then(name_of),
        });
    }
}

fn type_names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.rsplit(['/', ':']).next().unwrap_or(s).to_string()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.rsplit(['/', ':']).next().unwrap_or(s).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn is_article_type(t: &str) -> bool {
    t.contains("Article") || t.contains("Posting") || t == "Report" || t == "Blog"
}

/// A text value: a string, or the first string of an array.
fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => nonempty(clean_text(s)),
        Value::Array(a) => a.iter().find_map(string),
        _ => None,
    }
}

fn date_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => nonempty(s.trim().to_string()),
        Value::Array(a) => a.iter().find_map(date_string),
        _ => None,
    }
}

/// The name of a thing given as a string or an object.
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => nonempty(clean_text(s)),
        Value::Object(o) => o.get("name").and_then(string),
        Value::Array(a) => a.iter().find_map(name_of),
        _ => None,
    }
}

fn authors(v: &Value) -> Vec<LdAuthor> {
    match v {
        Value::Array(a) => a.iter().take(32).flat_map(authors).collect(),
        Value::String(s) => nonempty(clean_text(s))
            .map(|name| LdAuthor {
                name,
                organization: false,
            })
            .into_iter()
            .collect(),
        Value::Object(o) => {
            let organization = type_names(o.get("@type"))
                .iter()
                .any(|t| t.ends_with("Organization"));
            o.get("name")
                .and_then(string)
                .map(|name| LdAuthor { name, organization })
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}
