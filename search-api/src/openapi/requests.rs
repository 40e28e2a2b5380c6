//! The request side of the OpenAPI document, hand-written as JSON Schema:
//! the query parameters shared by `/api/search`, `/api/export` and
//! `/feeds/search.atom`, and the bodies of the writes. Each rule is the
//! one the code checks (`params.rs`, `items.rs`, `users.rs`, the store),
//! built from the same constants where there is one.
//!
//! The server trims white space around most values (`str::trim`, Unicode
//! White_Space); the patterns say so with [`WHITE_SPACE`], written as a
//! character class that ECMA-262, Python and Rust regular expressions read
//! alike. An empty query parameter is the same as an absent one
//! (`allowEmptyValue`).

use serde_json::{json, Map, Value};
use veille_indexer::search::SearchRequest;
use veille_store::Status;

use crate::params::{MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_QUERY_DEPTH, MAX_RESULT_WINDOW};

/// The characters `str::trim` removes (Unicode White_Space), as ranges.
pub(crate) const WHITE_SPACE: [(char, char); 10] = [
    ('\u{9}', '\u{d}'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// The body of a character class of [`WHITE_SPACE`] (`\u0009-\u000d…`).
fn space_class() -> String {
    WHITE_SPACE
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                format!("\\u{:04x}", lo as u32)
            } else {
                format!("\\u{:04x}-\\u{:04x}", lo as u32, hi as u32)
            }
        })
        .collect()
}

/// A string holding at least one character that is not white space.
fn non_blank() -> String {
    format!("[^{}]", space_class())
}

/// A string that, trimmed, is empty or one of `alternatives` (a regular
/// expression).
fn blank_or(alternatives: &str) -> String {
    let ws = space_class();
    format!("^[{ws}]*(?:{alternatives})?[{ws}]*$")
}

/// A string of at most `max` characters once trimmed (at least one when
/// `required`).
fn trimmed(max: usize, required: bool) -> String {
    let ws = space_class();
    let optional = if required { "" } else { "?" };
    format!(
        "^[{ws}]*(?:[^{ws}](?:[\\s\\S]{{0,{}}}[^{ws}])?){optional}[{ws}]*$",
        max.saturating_sub(2)
    )
}

/// A whole number as JSON carries it into an `i64`.
fn int64(nullable: bool) -> Value {
    json!({
        "type": if nullable { json!(["integer", "null"]) } else { json!("integer") },
        "format": "int64",
        "minimum": i64::MIN,
        "maximum": i64::MAX,
    })
}

/// The reasons a decision may give.
const REASONS: [&str; 5] = [
    "not_a_practice",
    "out_of_scope",
    "duplicate",
    "low_quality",
    "other",
];

/// The largest title, summary, list and list entry of a correction.
const MAX_TITLE: usize = 500;
const MAX_SUMMARY: usize = 10_000;
const MAX_ENTRIES: usize = 100;
const MAX_ENTRY: usize = 300;

/// The parameters of `/api/search`, also taken by `/api/export` and
/// `/feeds/search.atom` (whose `per_page` defaults to `default_per_page`).
pub(crate) fn search_parameters(default_per_page: usize) -> Vec<Value> {
    let query = |name: &str, description: String, schema: Value| {
        json!({
            "name": name,
            "in": "query",
            "description": description,
            "schema": schema,
            "allowEmptyValue": true,
        })
    };
    let date = |what: &str| {
        format!(
            "Published {what}: `YYYY-MM-DD` (a day in UTC{}) or RFC 3339; not after `to` when \
             both are given",
            if what == "on or before" {
                ", to its end"
            } else {
                ""
            }
        )
    };
    let any_date = json!({"anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
    ]});
    vec![
        query(
            "q",
            format!(
                "The query (format `search-query`): words (every one must match), \
                 \"phrases\", -exclusion, `a OR b`, (grouping) at most {MAX_QUERY_DEPTH} deep, \
                 `title:` or `text:` before a word; separate words with spaces, tabs or \
                 line breaks, and escape other special characters (`\"'():[]{{}}^<>*+-\\`) \
                 with \\. At most {MAX_QUERY_CHARS} characters once trimmed. A query that does \
                 not parse is a 400 saying where."
            ),
            json!({"type": "string", "format": "search-query", "pattern": trimmed(MAX_QUERY_CHARS, false)}),
        ),
        query(
            "lang",
            "ISO 639-1 language of the items (two letters, any case)".to_string(),
            json!({"type": "string", "pattern": blank_or("[A-Za-z]{2}")}),
        ),
        query(
            "country",
            "ISO 3166-1 alpha-2 country of the items (two letters, any case)".to_string(),
            json!({"type": "string", "pattern": blank_or("[A-Za-z]{2}")}),
        ),
        query(
            "theme",
            "ESSGlobal theme id (T1 … T19)".to_string(),
            json!({"type": "string"}),
        ),
        query("source", "Source id".to_string(), json!({"type": "string"})),
        query(
            "status",
            "Review status (any case)".to_string(),
            json!({"type": "string", "enum": Status::ALL.map(Status::as_str)}),
        ),
        query("from", date("on or after"), any_date.clone()),
        query("to", date("on or before"), any_date),
        query(
            "sort",
            "relevance (the default with a query), date (newest first; the default without \
             one) or score (any case)"
                .to_string(),
            json!({"type": "string", "enum": ["relevance", "date", "score"]}),
        ),
        query(
            "page",
            format!(
                "1-based page (default 1); `page` × `per_page` must be at most \
                 {MAX_RESULT_WINDOW}: deeper results are reached with filters"
            ),
            json!({"type": "integer", "minimum": 1, "maximum": MAX_RESULT_WINDOW}),
        ),
        query(
            "per_page",
            format!("Hits per page (default {default_per_page})"),
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
        ),
        query(
            "expand",
            "Cross-language expansion of the query (default true; any case)".to_string(),
            json!({"type": "string", "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"]}),
        ),
    ]
}

/// The `format` parameter of `/api/export`.
fn export_format() -> Value {
    json!({
        "name": "format",
        "in": "query",
        "required": true,
        "description": "csv, or jsonl (JSON Lines; `ndjson` is the same; any case)",
        "schema": {"type": "string", "enum": ["csv", "jsonl", "ndjson"]},
    })
}

/// The request bodies, as named schemas.
fn body_schemas() -> Vec<(&'static str, Value)> {
    let text =
        |max: usize| json!({"type": ["string", "null"], "maxLength": max, "pattern": non_blank()});
    let entry = json!({"type": "string", "maxLength": MAX_ENTRY, "pattern": non_blank()});
    let list = json!({"type": ["array", "null"], "maxItems": MAX_ENTRIES, "items": entry});
    let fields: Map<String, Value> = [
        ("title", text(MAX_TITLE)),
        ("summary", text(MAX_SUMMARY)),
        ("themes", list.clone()),
        ("kinds", list.clone()),
        (
            "places",
            json!({
                "type": ["array", "null"],
                "maxItems": MAX_ENTRIES,
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": entry,
                        "country": {
                            "description": "ISO 3166-1 alpha-2, upper case",
                            "type": ["string", "null"],
                            "minLength": 2,
                            "maxLength": 2,
                            "pattern": "^[A-Z]+$",
                        },
                    },
                },
            }),
        ),
        ("organizations", list),
        (
            "year",
            json!({"type": ["integer", "null"], "minimum": 1800, "maximum": 2100}),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    // At least one field given, and not null.
    let one_field: Vec<Value> = fields
        .keys()
        .map(|name| json!({"required": [name], "properties": {name: {"not": {"type": "null"}}}}))
        .collect();
    let mut patch_properties = fields;
    patch_properties.insert("version".to_string(), int64(false));
    let mut bodies = practice_bodies();
    bodies.extend(kit_bodies());
    bodies.extend(submission_bodies());
    bodies.extend([
        (
            "ReviewBody",
            json!({
                "description": "A decision. `reason` and `note` blank are the same as absent; \
                                a `version` older than the item's is a 409.",
                "type": "object",
                "additionalProperties": false,
                "required": ["decision"],
                "properties": {
                    "decision": {"type": "string", "enum": ["approve", "reject"]},
                    "reason": {
                        "description": REASONS.join(", "),
                        "type": ["string", "null"],
                        "pattern": blank_or(&REASONS.join("|")),
                    },
                    "note": {"type": ["string", "null"]},
                    "version": int64(true),
                },
            }),
        ),
        (
            "PatchBody",
            json!({
                "description": "A correction: the version read and at least one field, not \
                                null (null is the same as absent). Texts and entries must not \
                                be blank.",
                "allOf": [
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["version"],
                        "properties": patch_properties,
                    },
                    {"anyOf": one_field},
                ],
            }),
        ),
        (
            "UndoBody",
            json!({
                "description": "The version read (optional); the body itself may be left out.",
                "type": "object",
                "additionalProperties": false,
                "properties": {"version": int64(true)},
            }),
        ),
        (
            "LoginBody",
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "password"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "password": {"type": "string", "minLength": 1},
                    "next": {
                        "description": "Where a form post goes next: a path on this server",
                        "type": ["string", "null"],
                    },
                },
            }),
        ),
        (
            "LoginForm",
            json!({
                "type": "object",
                "required": ["name", "password"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "password": {"type": "string", "minLength": 1},
                    "next": {"type": "string"},
                },
            }),
        ),
        (
            "NewUserBody",
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "role", "password"],
                "properties": {
                    "name": {
                        "description": "Letters, digits, `.`, `_`, `-` or `@`",
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 64,
                    },
                    "role": {"type": "string", "enum": ["curator", "analyst", "admin", "partner"]},
                    "password": {
                        "type": "string",
                        "minLength": veille_store::MIN_PASSWORD_CHARS,
                    },
                },
            }),
        ),
        (
            "NewSavedSearchBody",
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "query"],
                "properties": {
                    "name": {
                        "description": "1 to 200 characters once trimmed; unique per account",
                        "type": "string",
                        "pattern": trimmed(200, true),
                    },
                    "query": {
                        "description": "The query string of /api/search (format \
                                        `search-parameters`), with or without `?`: its \
                                        parameters as /api/search takes them; at most 4096 \
                                        bytes",
                        "type": "string",
                        "format": "search-parameters",
                    },
                },
            }),
        ),
    ]);
    bodies
}

/// The bodies of the practice records' writes: the rules of
/// `PracticeDraft::problems` and of `practices.rs`.
fn practice_bodies() -> Vec<(&'static str, Value)> {
    use crate::practices::{MAX_NAME_CHARS, MAX_SOURCES};
    let string = json!({"type": "string"});
    let nullable_string = json!({"type": ["string", "null"]});
    let strings = json!({"type": "array", "items": string});
    let number = json!({"type": "number"});
    let nullable_number = json!({"type": ["number", "null"]});
    let record = json!({
        "name": {
            "description": "Not blank; at most 300 characters once trimmed",
            "type": "string",
            "pattern": trimmed(MAX_NAME_CHARS, true),
        },
        "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
        "organizations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": string, "kinds": strings},
            },
        },
        "website": nullable_string,
        "contact": nullable_string,
        "places": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": string,
                    "country": nullable_string,
                    "lat": nullable_number,
                    "lon": nullable_number,
                },
            },
        },
        "start_year": {"type": ["integer", "null"], "minimum": 1800, "maximum": 2100},
        "themes": strings,
        "texts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "lang", "text"],
                "properties": {
                    "field": {"type": "string", "enum": veille_store::PRACTICE_FIELDS},
                    "lang": {"description": "ISO 639-1", "type": "string", "pattern": "^[a-z]{2}$"},
                    "text": {"type": "string", "maxLength": 10_000},
                    "evidence": {
                        "type": ["object", "null"],
                        "required": ["item_id", "sentence"],
                        "properties": {"item_id": string, "sentence": string},
                    },
                    "reviewed": {"type": "boolean"},
                },
            },
        },
        "figures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["text", "value", "unit"],
                "properties": {
                    "text": string,
                    "value": number,
                    "unit": string,
                    "item_id": nullable_string,
                },
            },
        },
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["item_id", "url", "title"],
                "properties": {
                    "item_id": string,
                    "url": string,
                    "title": string,
                    "lang": nullable_string,
                    "published": nullable_string,
                },
            },
        },
    });
    let mut patch = record;
    patch["version"] = int64(false);
    vec![
        (
            "NewPracticeBody",
            json!({
                "description": "The approved items a practice is made of, and maybe its name \
                                (blank is the same as absent).",
                "type": "object",
                "additionalProperties": false,
                "required": ["items"],
                "properties": {
                    "items": {"type": "array", "minItems": 1, "maxItems": MAX_SOURCES, "items": string},
                    "name": {"type": ["string", "null"], "pattern": trimmed(MAX_NAME_CHARS, false)},
                },
            }),
        ),
        (
            "PracticePatchBody",
            json!({
                "description": "The version read, and the fields to replace.",
                "type": "object",
                "additionalProperties": false,
                "required": ["version"],
                "properties": patch,
            }),
        ),
    ]
}

/// The bodies of the kits' writes: the rules of `KitDraft::problems`
/// (a title in at least one language, none blank; texts by ISO 639-1
/// language, capped in characters).
fn kit_bodies() -> Vec<(&'static str, Value)> {
    use veille_store::{
        KIT_MAX_NOTE_CHARS, KIT_MAX_PRACTICES, KIT_MAX_TEXT_CHARS, KIT_MAX_TITLE_CHARS,
    };
    let languages =
        json!({"type": "string", "pattern": "^[a-z]{2}$", "minLength": 2, "maxLength": 2});
    let texts = |max: usize| {
        json!({
            "description": "Texts by ISO 639-1 language",
            "type": "object",
            "propertyNames": languages,
            "additionalProperties": {"type": "string", "maxLength": max},
        })
    };
    let kit = json!({
        "title": {
            "description": "By ISO 639-1 language: at least one, none blank",
            "type": "object",
            "minProperties": 1,
            "propertyNames": languages,
            "additionalProperties": {
                "type": "string",
                "maxLength": KIT_MAX_TITLE_CHARS,
                "pattern": non_blank(),
            },
        },
        "introduction": texts(KIT_MAX_TEXT_CHARS),
        "conclusions": texts(KIT_MAX_TEXT_CHARS),
        "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
        "practices": {
            "description": "In the kit's order; each an existing practice record (a practice \
                            given twice is kept where it came first)",
            "type": "array",
            "maxItems": KIT_MAX_PRACTICES,
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["practice_id"],
                "properties": {
                    "practice_id": {"type": "string"},
                    "note": texts(KIT_MAX_NOTE_CHARS),
                },
            },
        },
    });
    let mut patch = kit.clone();
    patch["version"] = int64(false);
    vec![
        (
            "NewKitBody",
            json!({
                "description": "A kit: its title, and maybe its introduction, conclusions, \
                                status and practices.",
                "type": "object",
                "additionalProperties": false,
                "required": ["title"],
                "properties": kit,
            }),
        ),
        (
            "KitPatchBody",
            json!({
                "description": "The version read, and the fields to replace.",
                "type": "object",
                "additionalProperties": false,
                "required": ["version"],
                "properties": patch,
            }),
        ),
    ]
}

/// The bodies of the collection point: the caps of
/// `SubmissionFields::problems` (counted once trimmed; blank is absent),
/// what each kind needs, and the decisions.
fn submission_bodies() -> Vec<(&'static str, Value)> {
    use veille_store::submission_caps as caps;
    let text = |max: usize| json!({"type": ["string", "null"], "pattern": trimmed(max, false)});
    let given = json!({"type": "string", "pattern": non_blank()});
    let mut url = text(caps::URL);
    url["format"] = json!("submitted-url");
    url["description"] = json!(
        "http or https; on a server that does not crawl private networks, not an address of one"
    );
    vec![
        (
            "SubmissionBody",
            json!({
                "description": "A practice (`url` or `text`, and any of `name`, `place`, \
                                `contact`, `themes`, `note`) or a source to watch (`url`, \
                                and a `note`). Each text is capped once trimmed.",
                "type": "object",
                "additionalProperties": false,
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "enum": ["practice", "source"]},
                    "url": url,
                    "text": text(caps::TEXT),
                    "name": text(caps::NAME),
                    "place": text(caps::PLACE),
                    "contact": text(caps::CONTACT),
                    "note": text(caps::NOTE),
                    "themes": {
                        "description": "ESSGlobal theme ids or words; blank ones are dropped",
                        "type": ["array", "null"],
                        "maxItems": caps::THEMES,
                        "items": {"type": "string", "pattern": trimmed(caps::THEME, false)},
                    },
                    (crate::submissions::HONEYPOT): {
                        "description": "Leave it out or empty: a trap for robots (when filled, \
                                        the answer is the same and nothing is stored)",
                        "type": ["string", "null"],
                    },
                },
                "anyOf": [
                    {"properties": {"kind": {"const": "source"}, "url": given}, "required": ["url"]},
                    {"properties": {"kind": {"const": "practice"}, "url": given}, "required": ["url"]},
                    {"properties": {"kind": {"const": "practice"}, "text": given}, "required": ["text"]},
                ],
            }),
        ),
        (
            "SubmissionDecisionBody",
            json!({
                "description": "The new status; declining needs a reason, which the \
                                submitter reads (a reason is kept only to decline).",
                "type": "object",
                "additionalProperties": false,
                "required": ["status"],
                "properties": {
                    "status": {"type": "string", "enum": ["in_review", "published", "declined"]},
                    "reason": text(caps::REASON),
                },
                "anyOf": [
                    {"properties": {"status": {"enum": ["in_review", "published"]}}},
                    {"properties": {"status": {"const": "declined"}, "reason": given}, "required": ["reason"]},
                ],
            }),
        ),
    ]
}

/// Which operation takes which body: path, method, schema, required, and
/// whether it is also accepted as a form.
const BODIES: [(&str, &str, &str, bool, bool); 12] = [
    ("/api/submissions", "post", "SubmissionBody", true, false),
    ("/api/kits", "post", "NewKitBody", true, false),
    ("/api/kits/{id}", "patch", "KitPatchBody", true, false),
    (
        "/api/submissions/{receipt}/decision",
        "post",
        "SubmissionDecisionBody",
        true,
        false,
    ),
    ("/api/practices", "post", "NewPracticeBody", true, false),
    (
        "/api/practices/{id}",
        "patch",
        "PracticePatchBody",
        true,
        false,
    ),
    ("/api/items/{id}/review", "post", "ReviewBody", true, false),
    ("/api/items/{id}", "patch", "PatchBody", true, false),
    ("/api/items/{id}/undo", "post", "UndoBody", false, false),
    ("/api/login", "post", "LoginBody", true, true),
    ("/api/users", "post", "NewUserBody", true, false),
    (
        "/api/saved-searches",
        "post",
        "NewSavedSearchBody",
        true,
        false,
    ),
];

/// Adds the parameters and the request bodies to the document.
pub(crate) fn add_to(doc: &mut Value) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in body_schemas() {
            schemas.insert(name.to_string(), schema);
        }
    }
    let per_page = SearchRequest::default().per_page;
    let searches = [
        ("/api/search", per_page, false),
        ("/api/export", per_page, true),
        ("/feeds/search.atom", crate::feeds::FEED_ENTRIES, false),
    ];
    for (path, per_page, export) in searches {
        if let Some(operation) = doc.pointer_mut(&format!("/paths/{}/get", escape(path))) {
            let mut parameters = search_parameters(per_page);
            if export {
                parameters.insert(0, export_format());
            }
            operation["parameters"] = Value::Array(parameters);
        }
    }
    // The practice records' text query is the search's, in its language.
    let q = search_parameters(per_page)
        .into_iter()
        .find(|p| p["name"] == "q");
    let practices = doc
        .pointer_mut(&format!(
            "/paths/{}/get/parameters",
            escape("/api/practices")
        ))
        .and_then(Value::as_array_mut);
    if let (Some(q), Some(parameters)) = (q, practices) {
        parameters.insert(0, q);
    }
    for (path, method, schema, required, form) in BODIES {
        let Some(operation) = doc.pointer_mut(&format!("/paths/{}/{method}", escape(path))) else {
            continue;
        };
        let mut content = json!({
            "application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}},
        });
        if form {
            content["application/x-www-form-urlencoded"] =
                json!({"schema": {"$ref": "#/components/schemas/LoginForm"}});
        }
        operation["requestBody"] = json!({"required": required, "content": content});
    }
}

/// A path as a JSON pointer token.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests;
