//! Tests of charset detection and decoding.

use super::*;

#[test]
fn charset_parameter_is_read_from_content_type() {
    assert_eq!(
        charset_param(Some("text/html; charset=ISO-8859-1")),
        Some(WINDOWS_1252)
    );
    assert_eq!(
        charset_param(Some("text/xml;charset=\"utf-8\"")),
        Some(UTF_8)
    );
    assert_eq!(charset_param(Some("text/html")), None);
    assert_eq!(charset_param(Some("text/html; charset=nonsense")), None);
    assert_eq!(charset_param(None), None);
}

#[test]
fn xml_declaration_is_rewritten_after_transcoding() {
    let (bytes, _, _) =
        WINDOWS_1252.encode("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>café</a>");
    let text = decode_xml(&bytes, None);
    assert_eq!(
        text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>café</a>"
    );
}

#[test]
fn utf16_with_bom_is_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>économie</a>".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    assert_eq!(
        decode_xml(&bytes, Some("application/xml")),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>économie</a>"
    );
}

#[test]
fn undeclared_latin1_xml_falls_back_to_windows_1252() {
    assert_eq!(decode_xml(b"<a>caf\xe9</a>", None), "<a>café</a>");
    assert_eq!(decode_xml("<a>café</a>".as_bytes(), None), "<a>café</a>");
}

#[test]
fn html_charset_comes_from_header_then_meta() {
    let (latin1, _, _) = WINDOWS_1252
        .encode("<html><head><meta charset=\"iso-8859-1\"></head><body>Économie</body></html>");
    assert!(decode_html(&latin1, None).contains("Économie"));
    assert!(decode_html(&latin1, Some("text/html; charset=windows-1252")).contains("Économie"));
    let (http_equiv, _, _) = WINDOWS_1252.encode(
        "<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1252\"></head><body>coopérative</body></html>",
    );
    assert!(decode_html(&http_equiv, None).contains("coopérative"));
    assert!(
        decode_html("<p>déjà</p>".as_bytes(), None).contains("déjà"),
        "UTF-8 by default"
    );
    assert!(
        decode_html(b"<p>d\xe9j\xe0</p>", None).contains("déjà"),
        "not UTF-8: windows-1252"
    );
}
