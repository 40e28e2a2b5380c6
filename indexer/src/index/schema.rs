//! The index schema, and how an item becomes a tantivy document.
//!
//! Fields (names are what the query syntax accepts after `field:`):
//! - `id` (raw, indexed, stored): the delete term of an upsert.
//! - `url`, `title`, `text`, `published_rfc3339` (stored only): what a hit
//!   shows, without touching the store; `title:` and `text:` in a query are
//!   expanded to every language's field (see `query`).
//! - `title_<lang>`, `text_<lang>` (indexed with positions): the searchable
//!   text, in the field pair of the item's language (see `analyzers`).
//! - `phrases_title`, `phrases_text` (indexed with frequencies): the SSE
//!   vocabulary's phrases found in the title and the text, one term each
//!   (see `phrases`), what cross-language expansion searches.
//! - `source`, `lang`, `country`, `theme` (multi-valued), `status` (raw,
//!   indexed, fast, stored): filters and facets.
//! - `published` (date, indexed, fast): date filter and date sort.
//! - `score` (f64, fast, stored): the candidate score, for sort.
//! - `version` (i64, stored): the item's version in the store, what a
//!   consistency check compares.
//! - `group_id` (raw, indexed, fast, stored): the item's near-duplicate group
//!   (the store's `group_id`, the id of its first item); `group_key` (u64,
//!   fast): a 64-bit FNV-1a hash of it, which the segments' tables (see
//!   `facets`) number groups by: what search counts groups and collapses hits on.
//!
//! Normalization, applied alike to documents and to filters: `lang` is the
//! lowercase primary subtag (`fr-CA` → `fr`), `country` is uppercase.

use std::collections::HashMap;

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{DateTime, TantivyDocument};
use veille_store::Item;

use super::{analyzers, phrases};

/// Stored-only fields.
pub(crate) const ID: &str = "id";
pub(crate) const URL: &str = "url";
pub(crate) const TITLE: &str = "title";
pub(crate) const TEXT: &str = "text";
pub(crate) const PUBLISHED_RFC3339: &str = "published_rfc3339";
/// Filter and facet fields.
pub(crate) const SOURCE: &str = "source";
pub(crate) const LANG: &str = "lang";
pub(crate) const COUNTRY: &str = "country";
pub(crate) const THEME: &str = "theme";
pub(crate) const STATUS: &str = "status";
/// Sort fields.
pub(crate) const PUBLISHED: &str = "published";
pub(crate) const SCORE: &str = "score";
/// Near-duplicate group fields.
pub(crate) const GROUP_ID: &str = "group_id";
pub(crate) const GROUP_KEY: &str = "group_key";
/// The store's version of the item.
pub(crate) const VERSION: &str = "version";

/// A title/text field pair of one language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextPair {
    pub(crate) title: Field,
    pub(crate) text: Field,
}

/// The handles of every field.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) url: Field,
    pub(crate) title: Field,
    pub(crate) text: Field,
    pub(crate) published_rfc3339: Field,
    pub(crate) source: Field,
    pub(crate) lang: Field,
    pub(crate) country: Field,
    pub(crate) theme: Field,
    pub(crate) status: Field,
    pub(crate) published: Field,
    pub(crate) score: Field,
    pub(crate) group_id: Field,
    pub(crate) group_key: Field,
    pub(crate) version: Field,
    /// Per field-pair suffix (`en`, `fr` … `other`).
    pub(crate) pairs: HashMap<&'static str, TextPair>,
    /// The vocabulary's phrases found in the title and in the text.
    pub(crate) phrases: TextPair,
}

impl Fields {
    /// Looks up every field in a schema built by [`build_schema`].
    pub(crate) fn new(schema: &Schema) -> tantivy::Result<Fields> {
        let pairs = analyzers::suffixes()
            .map(|suffix| {
                Ok((
                    suffix,
                    TextPair {
                        title: schema.get_field(&format!("title_{suffix}"))?,
                        text: schema.get_field(&format!("text_{suffix}"))?,
                    },
                ))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(Fields {
            id: schema.get_field(ID)?,
            url: schema.get_field(URL)?,
            title: schema.get_field(TITLE)?,
            text: schema.get_field(TEXT)?,
            published_rfc3339: schema.get_field(PUBLISHED_RFC3339)?,
            source: schema.get_field(SOURCE)?,
            lang: schema.get_field(LANG)?,
            country: schema.get_field(COUNTRY)?,
            theme: schema.get_field(THEME)?,
            status: schema.get_field(STATUS)?,
            published: schema.get_field(PUBLISHED)?,
            score: schema.get_field(SCORE)?,
            group_id: schema.get_field(GROUP_ID)?,
            group_key: schema.get_field(GROUP_KEY)?,
            version: schema.get_field(VERSION)?,
            pairs,
            phrases: TextPair {
                title: schema.get_field(phrases::PHRASES_TITLE)?,
                text: schema.get_field(phrases::PHRASES_TEXT)?,
            },
        })
    }

    /// The field pair for an item's language.
    pub(crate) fn pair_for(&self, lang: Option<&str>) -> TextPair {
        self.pairs[analyzers::suffix_for(lang)]
    }

    /// Every searchable title field, then every searchable text field.
    pub(crate) fn searchable(&self) -> (Vec<Field>, Vec<Field>) {
        analyzers::suffixes()
            .map(|suffix| {
                let pair = self.pairs[suffix];
                (pair.title, pair.text)
            })
            .unzip()
    }
}

/// The schema of the current version of veille.
pub(crate) fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field(ID, STRING | STORED);
    builder.add_text_field(URL, STORED);
    builder.add_text_field(TITLE, STORED);
    builder.add_text_field(TEXT, STORED);
    builder.add_text_field(PUBLISHED_RFC3339, STORED);
    for name in [SOURCE, LANG, COUNTRY, THEME, STATUS] {
        builder.add_text_field(name, STRING | FAST | STORED);
    }
    builder.add_date_field(
        PUBLISHED,
        DateOptions::from(INDEXED | FAST).set_precision(DateTimePrecision::Seconds),
    );
    builder.add_f64_field(SCORE, FAST | STORED);
    builder.add_text_field(GROUP_ID, STRING | FAST | STORED);
    builder.add_u64_field(GROUP_KEY, FAST);
    builder.add_i64_field(VERSION, STORED);
    for suffix in analyzers::suffixes() {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&analyzers::analyzer_name(suffix))
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        builder.add_text_field(&format!("title_{suffix}"), options.clone());
        builder.add_text_field(&format!("text_{suffix}"), options);
    }
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(&phrases::tokenizer_name())
        .set_index_option(IndexRecordOption::WithFreqs);
    let options = TextOptions::default().set_indexing_options(indexing);
    builder.add_text_field(phrases::PHRASES_TITLE, options.clone());
    builder.add_text_field(phrases::PHRASES_TEXT, options);
    builder.build()
}

/// The normalized language of an item or a filter: lowercase primary subtag.
pub(crate) fn normalize_lang(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The normalized country of an item or a filter: uppercase.
pub(crate) fn normalize_country(country: &str) -> String {
    country.trim().to_ascii_uppercase()
}

/// The group of an item: its store group, or itself when it has none.
pub(crate) fn group_of(item: &Item) -> &str {
    if item.group_id.is_empty() {
        &item.id
    } else {
        &item.group_id
    }
}

/// The collapse key of a group id: 64-bit FNV-1a, stable across builds.
pub(crate) fn group_key(group_id: &str) -> u64 {
    fnv1a(group_id.bytes())
}

/// 64-bit FNV-1a of some bytes, stable across builds.
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The document of an item at a version.
pub(crate) fn to_document(fields: &Fields, item: &Item, version: i64) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &item.id);
    doc.add_i64(fields.version, version);
    doc.add_text(fields.url, &item.url);
    doc.add_text(fields.title, &item.title);
    doc.add_text(fields.text, &item.text);
    doc.add_text(fields.source, &item.source_id);
    let lang = item
        .lang
        .as_deref()
        .map(normalize_lang)
        .filter(|l| !l.is_empty());
    if let Some(lang) = &lang {
        doc.add_text(fields.lang, lang);
    }
    if let Some(country) = item.country.as_deref().map(normalize_country) {
        if !country.is_empty() {
            doc.add_text(fields.country, &country);
        }
    }
    for theme in &item.candidate.themes {
        doc.add_text(fields.theme, theme);
    }
    doc.add_text(fields.status, item.status().as_str());
    if let Some(published) = item.published {
        doc.add_date(fields.published, index_date(published.timestamp()));
        doc.add_text(fields.published_rfc3339, published.to_rfc3339());
    }
    let score = if item.candidate.score.is_finite() {
        item.candidate.score
    } else {
        0.0
    };
    doc.add_f64(fields.score, score);
    let group = group_of(item);
    doc.add_text(fields.group_id, group);
    doc.add_u64(fields.group_key, group_key(group));
    let suffix = analyzers::suffix_for(lang.as_deref());
    let pair = fields.pairs[suffix];
    doc.add_text(pair.title, &item.title);
    doc.add_text(pair.text, &item.text);
    doc.add_text(fields.phrases.title, phrases::found(suffix, &item.title));
    doc.add_text(fields.phrases.text, phrases::found(suffix, &item.text));
    doc
}

/// A date as the index holds it: nanoseconds since the epoch in an `i64`,
/// so years 1677 to 2262. A date outside them (a filter `from=0037-01-01`,
/// a page dated by mistake in the year 9000) is held as the nearest end
/// instead of overflowing.
pub(crate) fn index_date(unix_seconds: i64) -> DateTime {
    DateTime::from_timestamp_nanos(unix_seconds.saturating_mul(1_000_000_000))
}
