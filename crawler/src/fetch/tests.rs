//! Tests of the fetch helpers that need no server: the redirect guard and
//! error chains. Whole fetches are tested in `crawl/tests/`.

use super::*;

#[test]
fn redirects_are_limited_and_guarded() {
    let public = Url::parse("https://example.org/feed").unwrap();
    let metadata = Url::parse("http://169.254.169.254/latest/meta-data/").unwrap();
    assert_eq!(check_redirect(0, &public, false), Ok(()));
    assert_eq!(check_redirect(MAX_REDIRECTS, &public, false), Ok(()));
    assert_eq!(
        check_redirect(MAX_REDIRECTS + 1, &public, false),
        Err("more than 5 redirects".to_string())
    );
    let err = check_redirect(1, &metadata, false).unwrap_err();
    assert!(
        err.starts_with("redirect to http://169.254.169.254/latest/meta-data/: refused: private address 169.254.169.254"),
        "{err}"
    );
    assert_eq!(check_redirect(1, &metadata, true), Ok(()));
    let ftp = Url::parse("ftp://example.org/x").unwrap();
    assert!(check_redirect(1, &ftp, true).is_err());
}

#[test]
fn error_chain_joins_causes_once() {
    #[derive(Debug)]
    struct E(&'static str, Option<Box<E>>);
    impl std::fmt::Display for E {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for E {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }
    let e = E(
        "error sending request for url (http://x/)",
        Some(Box::new(E(
            "client error (Connect)",
            Some(Box::new(E("Connect", None))),
        ))),
    );
    assert_eq!(
        error_chain(&e),
        "error sending request: client error (Connect)"
    );
}
