//! Bytes to UTF-8 text: the charset of a feed or page, from the
//! `Content-Type` header, a byte-order mark, the XML declaration or a
//! `<meta charset>`, decoded with `encoding_rs`.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// The encoding named by the `charset` parameter of a `Content-Type`.
pub(crate) fn charset_param(content_type: Option<&str>) -> Option<&'static Encoding> {
    let ct = content_type?;
    ct.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(
            value
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .as_bytes(),
        )
    })
}

/// The `encoding="…"` of an XML declaration at the start of `bytes`, with
/// its byte range in `bytes`.
fn xml_declared(bytes: &[u8]) -> Option<(&'static Encoding, std::ops::Range<usize>)> {
    let head = &bytes[..bytes.len().min(512)];
    let start = find(head, b"<?xml")?;
    let end = start + find(&head[start..], b"?>")?;
    let decl = &head[start..end];
    let at = find(decl, b"encoding")?;
    let rest = &decl[at + b"encoding".len()..];
    let eq = rest.iter().position(|&b| b == b'=')?;
    let rest_at = at + b"encoding".len() + eq + 1;
    let rest = &decl[rest_at..];
    let q_at = rest.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = rest[q_at];
    let value_start = rest_at + q_at + 1;
    let len = decl[value_start..].iter().position(|&b| b == quote)?;
    let label = &decl[value_start..value_start + len];
    let enc = Encoding::for_label(label)?;
    Some((enc, start + value_start..start + value_start + len))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a feed body to UTF-8 and makes its XML declaration say so.
///
/// The charset comes from the `Content-Type` header, else the byte-order
/// mark, else the XML declaration, else UTF-8 (windows-1252 when the bytes
/// are not valid UTF-8). A BOM always wins (as browsers do). A header that
/// says UTF-8 over bytes that are not, when the declaration names another
/// charset, loses to the declaration: servers often send a default charset.
pub fn decode_xml(bytes: &[u8], content_type: Option<&str>) -> String {
    let declared = xml_declared(bytes).map(|(e, _)| e);
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let encoding = match (charset_param(content_type), declared) {
        (Some(h), Some(d)) if h == UTF_8 && !valid_utf8 && d != UTF_8 => d,
        (Some(h), _) => h,
        (None, Some(d)) => d,
        (None, None) if valid_utf8 => UTF_8,
        (None, None) => WINDOWS_1252,
    };
    // UTF-16 named in an ASCII declaration cannot be right: the BOM or the
    // header would have said so.
    let encoding = if encoding.output_encoding() != encoding && Encoding::for_bom(bytes).is_none() {
        UTF_8
    } else {
        encoding
    };
    let (text, _, _) = encoding.decode(bytes);
    match text {
        Cow::Borrowed(s) if xml_declared(s.as_bytes()).is_none_or(|(e, _)| e == UTF_8) => {
            s.to_string()
        }
        text => {
            let mut text = text.into_owned();
            if let Some((_, range)) = xml_declared(text.as_bytes()) {
                text.replace_range(range, "UTF-8");
            }
            text
        }
    }
}

/// Decodes an HTML page to UTF-8: charset from the `Content-Type` header,
/// else the byte-order mark, else a `<meta charset>` in the first 1024
/// bytes, else UTF-8 (windows-1252 when the bytes are not valid UTF-8).
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = charset_param(content_type)
        .or_else(|| meta_charset(&bytes[..bytes.len().min(1024)]))
        .unwrap_or(if std::str::from_utf8(bytes).is_ok() {
            UTF_8
        } else {
            WINDOWS_1252
        });
    // A page that names UTF-16 in ASCII is not UTF-16 (HTML standard).
    let encoding = if encoding.output_encoding() != encoding {
        UTF_8
    } else {
        encoding
    };
    encoding.decode(bytes).0.into_owned()
}

/// The charset of `<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta") {
        let tag_start = from + at;
        let tag_end = tag_start + lower[tag_start..].iter().position(|&b| b == b'>')?;
        let tag = &lower[tag_start..tag_end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + b"charset".len()..];
            let rest = rest.strip_prefix(b"=").or_else(|| {
                let t = rest.trim_ascii_start();
                t.strip_prefix(b"=")
            })?;
            let rest = rest.trim_ascii_start();
            let rest = rest
                .strip_prefix(b"\"")
                .or(rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let len = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..len]) {
                return Some(enc);
            }
        }
        from = tag_end;
    }
    None
}

#[cfg(test)]
mod tests;
