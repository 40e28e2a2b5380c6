//! How `sources check --probe` reads a failed crawl: on the error's type,
//! never on its words; and how `sources suggestions` prints a submitted URL.

use super::*;

fn network(detail: &str) -> CrawlError {
    CrawlError::Network {
        url: "http://example.org/feed".to_string(),
        detail: detail.to_string(),
    }
}

#[test]
fn no_answer_is_unreachable_and_robots_allowed() {
    let e = network("error sending request: tcp connect error: Connection refused");
    assert!(unreachable(&e));
    assert_eq!(robots(&e), "allowed");
    let refused = CrawlError::Refused {
        url: "http://10.0.0.1/feed".to_string(),
        why: "private address 10.0.0.1".to_string(),
    };
    assert!(unreachable(&refused));
}

#[test]
fn robots_failures_say_what_robots_txt_said() {
    let closed = CrawlError::RobotsUnreachable {
        url: "http://example.org/feed".to_string(),
        robots: "http://example.org/robots.txt".to_string(),
        detail: "http status 503".to_string(),
    };
    assert!(unreachable(&closed));
    assert_eq!(robots(&closed), "unreachable");
    let disallowed = CrawlError::Disallowed {
        url: "http://example.org/feed".to_string(),
        robots: "http://example.org/robots.txt".to_string(),
        token: "veille".to_string(),
    };
    assert!(!unreachable(&disallowed));
    assert_eq!(robots(&disallowed), "disallowed");
}

#[test]
fn an_answer_that_cannot_be_used_is_reachable_whatever_its_words() {
    // The words of the old substring rules, in errors of servers that did
    // answer: the type decides.
    for e in [
        CrawlError::Broken {
            url: "http://example.org/timed-out/robots.txt".to_string(),
            detail: "redirect loop: connection refused".to_string(),
        },
        CrawlError::Status {
            url: "http://example.org/dns error".to_string(),
            status: 404,
            hint: "",
        },
        CrawlError::NotAFeed {
            url: "http://example.org/disallow/robots.txt".to_string(),
            detail: "timed out".to_string(),
        },
    ] {
        assert!(!unreachable(&e), "{e}");
        assert_eq!(robots(&e), "allowed", "{e}");
    }
}

#[test]
fn a_suggested_url_is_pasted_as_one_inert_shell_word() {
    assert_eq!(
        shell_quoted("https://a.example/news/"),
        "'https://a.example/news/'"
    );
    assert_eq!(
        shell_quoted("https://a.example/$(rm -rf ~)/it's `x`"),
        "'https://a.example/$(rm%20-rf%20~)/it%27s%20%60x%60'"
    );
    assert!(shell_quoted("not a url").ends_with("(not a URL)"));
}
