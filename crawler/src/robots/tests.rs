//! robots.txt matching checked against the cases of Google's reference
//! parser (google/robotstxt, `robots_test.cc`, Apache-2.0), one table row
//! per `EXPECT_*`, plus our own bounds.
//!
//! Left out: cases that pass an empty or non-URL string, or a user agent
//! that is not a product token (we always match a token and a parsed URL).
//! One case deliberately differs: Google expects the caller to
//! percent-encode a URL, and disallows `/foo/bar/ツ` against
//! `Allow: /foo/bar/ツ` when it is not; a parsed `Url` is always encoded,
//! so here it is allowed.

use super::*;

/// `(robots.txt, user agent, url, allowed)`.
type Case = (&'static str, &'static str, &'static str, bool);

fn check(cases: &[Case]) {
    let mut wrong = Vec::new();
    for (robots, agent, url, expected) in cases {
        let rules = RobotsRules::parse(robots.as_bytes(), &product_token(agent));
        let got = rules.allowed(&Url::parse(url).unwrap());
        if got != *expected {
            wrong.push(format!(
                "{agent} {url}: expected {expected}, got {got}\n{robots}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n---\n"));
}

const GROUPS: &str = "allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n";

#[test]
fn google_line_syntax_and_groups() {
    check(&[
        ("", "FooBot", "http://foo.bar/", true),
        (
            "user-agent: FooBot\ndisallow: /\n",
            "FooBot",
            "http://foo.bar/x/y",
            false,
        ),
        (
            "foo: FooBot\nbar: /\n",
            "FooBot",
            "http://foo.bar/x/y",
            true,
        ),
        (
            "user-agent FooBot\ndisallow /\n",
            "FooBot",
            "http://foo.bar/x/y",
            false,
        ),
        (GROUPS, "FooBot", "http://foo.bar/x/b", true),
        (GROUPS, "FooBot", "http://foo.bar/z/d", true),
        (GROUPS, "FooBot", "http://foo.bar/y/c", false),
        (GROUPS, "BarBot", "http://foo.bar/y/c", true),
        (GROUPS, "BarBot", "http://foo.bar/w/a", true),
        (GROUPS, "BarBot", "http://foo.bar/z/d", false),
        (GROUPS, "BazBot", "http://foo.bar/z/d", true),
        (GROUPS, "FooBot", "http://foo.bar/foo/bar/", false),
        (GROUPS, "BarBot", "http://foo.bar/foo/bar/", false),
        (GROUPS, "BazBot", "http://foo.bar/foo/bar/", false),
    ]);
}

#[test]
fn google_case_insensitive_names_and_user_agents() {
    let mut cases: Vec<Case> = Vec::new();
    for robots in [
        "USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n",
        "user-agent: FooBot\nallow: /x/\ndisallow: /\n",
        "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n",
    ] {
        cases.push((robots, "FooBot", "http://foo.bar/x/y", true));
        cases.push((robots, "FooBot", "http://foo.bar/a/b", false));
    }
    for robots in [
        "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n",
        "User-Agent: foo bar\nAllow: /x/\nDisallow: /\n",
        "User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n",
    ] {
        for agent in ["Foo", "foo"] {
            cases.push((robots, agent, "http://foo.bar/x/y", true));
            cases.push((robots, agent, "http://foo.bar/a/b", false));
        }
    }
    // Google: a user-agent value is read up to its first space.
    cases.push((
        "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n",
        "Foo",
        "http://foo.bar/x/y",
        true,
    ));
    check(&cases);
}

#[test]
fn google_global_group_is_the_fallback() {
    let global = "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n";
    let specific =
        "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n";
    check(&[
        ("", "FooBot", "http://foo.bar/x/y", true),
        (global, "FooBot", "http://foo.bar/x/y", false),
        (global, "BarBot", "http://foo.bar/x/y", true),
        (specific, "QuxBot", "http://foo.bar/x/y", true),
    ]);
}

#[test]
fn google_values_are_case_sensitive_and_the_longest_match_wins() {
    let url = "http://foo.bar/x/page.html";
    check(&[
        (
            "user-agent: FooBot\ndisallow: /x/\n",
            "FooBot",
            "http://foo.bar/x/y",
            false,
        ),
        (
            "user-agent: FooBot\ndisallow: /X/\n",
            "FooBot",
            "http://foo.bar/x/y",
            true,
        ),
        (
            "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n",
            "FooBot",
            url,
            false,
        ),
        (
            "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n",
            "FooBot",
            url,
            true,
        ),
        (
            "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n",
            "FooBot",
            "http://foo.bar/x/",
            false,
        ),
        (
            "user-agent: FooBot\ndisallow: \nallow: \n",
            "FooBot",
            url,
            true,
        ),
        (
            "user-agent: FooBot\ndisallow: /\nallow: /\n",
            "FooBot",
            url,
            true,
        ),
        (
            "user-agent: FooBot\ndisallow: /x\nallow: /x/\n",
            "FooBot",
            "http://foo.bar/x",
            false,
        ),
        (
            "user-agent: FooBot\ndisallow: /x\nallow: /x/\n",
            "FooBot",
            "http://foo.bar/x/",
            true,
        ),
        (
            "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n",
            "FooBot",
            url,
            true,
        ),
        (
            "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n",
            "FooBot",
            "http://foo.bar/page.html",
            false,
        ),
        (
            "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n",
            "FooBot",
            "http://foo.bar/page",
            true,
        ),
        (
            "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
            "FooBot",
            url,
            true,
        ),
        (
            "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
            "FooBot",
            "http://foo.bar/x/y.html",
            false,
        ),
        (
            "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n",
            "FooBot",
            "http://foo.bar/x/page",
            true,
        ),
        (
            "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n",
            "FooBot",
            "http://foo.bar/y/page",
            false,
        ),
    ]);
}

#[test]
fn google_percent_encoding() {
    let ascii =
        "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n";
    let raw = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n";
    let encoded = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n";
    let lower = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%e3%83%84\n";
    let unreserved = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n";
    check(&[
        (
            ascii,
            "FooBot",
            "http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par",
            true,
        ),
        (raw, "FooBot", "http://foo.bar/foo/bar/%E3%83%84", true),
        // Differs from Google on purpose: see the module comment.
        (raw, "FooBot", "http://foo.bar/foo/bar/ツ", true),
        (encoded, "FooBot", "http://foo.bar/foo/bar/%E3%83%84", true),
        // Escapes compare with either case of hex digits (our wrapper).
        (lower, "FooBot", "http://foo.bar/foo/bar/%E3%83%84", true),
        (encoded, "FooBot", "http://foo.bar/foo/bar/%e3%83%84", true),
        (unreserved, "FooBot", "http://foo.bar/foo/bar/baz", false),
        (
            unreserved,
            "FooBot",
            "http://foo.bar/foo/bar/%62%61%7A",
            true,
        ),
    ]);
}

#[test]
fn google_special_characters() {
    let star = "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n";
    let dollar = "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n";
    let comment = "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n";
    check(&[
        (star, "FooBot", "http://foo.bar/foo/bar/quz", false),
        (star, "FooBot", "http://foo.bar/foo/quz", true),
        (star, "FooBot", "http://foo.bar/foo//quz", true),
        (star, "FooBot", "http://foo.bar/foo/bax/quz", true),
        (dollar, "FooBot", "http://foo.bar/foo/bar", false),
        (dollar, "FooBot", "http://foo.bar/foo/bar/qux", true),
        (dollar, "FooBot", "http://foo.bar/foo/bar/", true),
        (dollar, "FooBot", "http://foo.bar/foo/bar/baz", true),
        (comment, "FooBot", "http://foo.bar/foo/bar", true),
        (comment, "FooBot", "http://foo.bar/foo/quz", false),
    ]);
}

#[test]
fn google_index_html_is_its_directory() {
    let robots = "User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n";
    check(&[
        (robots, "foobot", "http://foo.com/allowed-slash/", true),
        (
            robots,
            "foobot",
            "http://foo.com/allowed-slash/index.htm",
            false,
        ),
        (
            robots,
            "foobot",
            "http://foo.com/allowed-slash/index.html",
            true,
        ),
        (robots, "foobot", "http://foo.com/anyother-url", false),
    ]);
}

#[test]
fn google_documentation_examples() {
    let fish = "user-agent: FooBot\ndisallow: /\nallow: /fish\n";
    let fish_star = "user-agent: FooBot\ndisallow: /\nallow: /fish*\n";
    let fish_dir = "user-agent: FooBot\ndisallow: /\nallow: /fish/\n";
    let php = "user-agent: FooBot\ndisallow: /\nallow: /*.php\n";
    let php_end = "user-agent: FooBot\ndisallow: /\nallow: /*.php$\n";
    let fish_php = "user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n";
    let mut cases: Vec<Case> = Vec::new();
    for robots in [fish, fish_star] {
        for (path, allowed) in [
            ("/bar", false),
            ("/fish", true),
            ("/fish.html", true),
            ("/fish/salmon.html", true),
            ("/fishheads", true),
            ("/fishheads/yummy.html", true),
            ("/fish.html?id=anything", true),
            ("/Fish.asp", false),
            ("/catfish", false),
            ("/?id=fish", false),
        ] {
            cases.push((robots, "FooBot", leak(path), allowed));
        }
    }
    for (path, allowed) in [
        ("/bar", false),
        ("/fish/", true),
        ("/fish/salmon", true),
        ("/fish/?salmon", true),
        ("/fish/salmon.html", true),
        ("/fish/?id=anything", true),
        ("/fish", false),
        ("/fish.html", false),
        ("/Fish/Salmon.html", false),
    ] {
        cases.push((fish_dir, "FooBot", leak(path), allowed));
    }
    for (path, allowed) in [
        ("/bar", false),
        ("/filename.php", true),
        ("/folder/filename.php", true),
        ("/folder/filename.php?parameters", true),
        ("//folder/any.php.file.html", true),
        ("/filename.php/", true),
        ("/index?f=filename.php/", true),
        ("/php/", false),
        ("/index?php", false),
        ("/windows.PHP", false),
    ] {
        cases.push((php, "FooBot", leak(path), allowed));
    }
    for (path, allowed) in [
        ("/bar", false),
        ("/filename.php", true),
        ("/folder/filename.php", true),
        ("/filename.php?parameters", false),
        ("/filename.php/", false),
        ("/filename.php5", false),
        ("/php/", false),
        ("/filename?php", false),
        ("/aaaphpaaa", false),
        ("//windows.PHP", false),
    ] {
        cases.push((php_end, "FooBot", leak(path), allowed));
    }
    for (path, allowed) in [
        ("/bar", false),
        ("/fish.php", true),
        ("/fishheads/catfish.php?parameters", true),
        ("/Fish.PHP", false),
    ] {
        cases.push((fish_php, "FooBot", leak(path), allowed));
    }
    cases.extend([
        (
            "user-agent: FooBot\nallow: /p\ndisallow: /\n",
            "FooBot",
            "http://example.com/page",
            true,
        ),
        (
            "user-agent: FooBot\nallow: /folder\ndisallow: /folder\n",
            "FooBot",
            "http://example.com/folder/page",
            true,
        ),
        (
            "user-agent: FooBot\nallow: /page\ndisallow: /*.htm\n",
            "FooBot",
            "http://example.com/page.htm",
            false,
        ),
        (
            "user-agent: FooBot\nallow: /$\ndisallow: /\n",
            "FooBot",
            "http://example.com/",
            true,
        ),
        (
            "user-agent: FooBot\nallow: /$\ndisallow: /\n",
            "FooBot",
            "http://example.com/page.html",
            false,
        ),
    ]);
    check(&cases);
}

/// `http://foo.bar` + `path`, for the table.
fn leak(path: &str) -> &'static str {
    Box::leak(format!("http://foo.bar{path}").into_boxed_str())
}

#[test]
fn google_line_endings() {
    for robots in [
        "User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /\n",
        "User-Agent: foo\r\nAllow: /some/path\r\nUser-Agent: bar\r\n\r\n\r\nDisallow: /\r\n",
        "User-Agent: foo\rAllow: /some/path\rUser-Agent: bar\r\r\rDisallow: /\r",
        "User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /",
    ] {
        check(&[
            (robots, "bar", "http://foo.bar/x", false),
            (robots, "foo", "http://foo.bar/x", true),
        ]);
    }
}

#[test]
fn google_long_lines_are_cut() {
    let disallow = "disallow: ";
    let mut longline = "/x/".to_string();
    let max = 8 * 2083 - longline.len() - disallow.len() + 1;
    while longline.len() < max {
        longline.push('a');
    }
    let robots = format!("user-agent: FooBot\n{disallow}{longline}/qux\n");
    let rules = RobotsRules::parse(robots.as_bytes(), "foobot");
    assert!(rules.allowed(&Url::parse("http://foo.bar/fux").unwrap()));
    let cut = Url::parse(&format!("http://foo.bar{longline}/fux")).unwrap();
    assert!(!rules.allowed(&cut), "the cut rule still applies");

    let allow = "allow: ";
    let (mut a, mut b) = ("/x/".to_string(), "/x/".to_string());
    let max = 8 * 2083 - a.len() - allow.len() + 1;
    while a.len() < max {
        a.push('a');
        b.push('b');
    }
    let robots = format!("user-agent: FooBot\ndisallow: /\n{allow}{a}/qux\n{allow}{b}/qux\n");
    let rules = RobotsRules::parse(robots.as_bytes(), "foobot");
    let url = |p: String| Url::parse(&format!("http://foo.bar{p}")).unwrap();
    assert!(!rules.allowed(&url("/".into())));
    assert!(rules.allowed(&url(format!("{a}/qux"))));
    assert!(rules.allowed(&url(format!("{b}/fux"))));
}

#[test]
fn our_token_is_the_first_word_of_the_user_agent() {
    assert_eq!(
        product_token("veille/0.1 (+https://example.org/contact)"),
        "veille"
    );
    assert_eq!(product_token("Veille-Bot_2"), "veille-bot_");
    let robots = "User-agent: veille/2.0\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n";
    let rules = RobotsRules::parse(
        robots.as_bytes(),
        &product_token("veille/0.1 (+https://x.org)"),
    );
    assert!(rules.allowed(&Url::parse("https://x.org/news/").unwrap()));
    assert!(!rules.allowed(&Url::parse("https://x.org/private/a").unwrap()));
}

#[test]
fn crawl_delay_and_sitemaps_are_kept() {
    let robots = "Sitemap: https://x.org/sitemap.xml\nSitemap: ftp://x.org/no.xml\n\
        User-agent: *\nCrawl-delay: 2.5\nDisallow: /tmp/\n\
        User-agent: veille\nCrawl-delay: 7\nDisallow: /admin/\n";
    let ours = RobotsRules::parse(robots.as_bytes(), "veille");
    assert_eq!(ours.crawl_delay, Some(Duration::from_secs(7)));
    assert_eq!(
        ours.sitemaps.iter().map(Url::as_str).collect::<Vec<_>>(),
        ["https://x.org/sitemap.xml"]
    );
    let other = RobotsRules::parse(robots.as_bytes(), "otherbot");
    assert_eq!(other.crawl_delay, Some(Duration::from_millis(2500)));
    let negative = RobotsRules::parse(b"User-agent: *\nCrawl-delay: -3\n", "veille");
    assert_eq!(negative.crawl_delay, None);
}

#[test]
fn rules_beyond_the_cap_are_ignored_and_odd_input_does_not_fail() {
    let mut robots = String::from("User-agent: *\n");
    for i in 0..MAX_RULES {
        robots.push_str(&format!("Disallow: /r{i}/\n"));
    }
    robots.push_str("Disallow: /beyond/\n");
    let rules = RobotsRules::parse(robots.as_bytes(), "veille");
    assert!(!rules.allowed(&Url::parse("https://x.org/r17/a").unwrap()));
    assert!(
        rules.allowed(&Url::parse("https://x.org/beyond/a").unwrap()),
        "the rule past the cap is not read"
    );
    // Binary garbage, a BOM, a NUL: no panic, and a readable rule still holds.
    let odd = b"\xef\xbb\xbfUser-agent: *\x00\nDisallow: /a\xff\xfe/\nDisallow: /b/\n";
    let rules = RobotsRules::parse(odd, "veille");
    assert!(!rules.allowed(&Url::parse("https://x.org/b/1").unwrap()));
    assert!(rules.allowed(&Url::parse("https://x.org/c/1").unwrap()));
}
