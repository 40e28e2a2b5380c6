//! Tests of `/api/search` query string parsing: what is accepted, and that
//! each mistake is a 400 naming the parameter and what it accepts.

use super::*;

fn date(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

#[test]
fn empty_query_string_is_the_default_request() {
    assert_eq!(parse_search_params("").unwrap(), SearchRequest::default());
    let req = parse_search_params("q=&lang=&page=").unwrap();
    assert_eq!(req, SearchRequest::default());
}

#[test]
fn every_parameter_is_read() {
    let req = parse_search_params(
        "q=coop%C3%A9rative+%22circuit+court%22&lang=FR&country=fr&theme=T3&source=ripess-eu\
         &status=approved&from=2024-01-01&to=2024-03-31&sort=date&page=3&per_page=50&expand=false",
    )
    .unwrap();
    assert_eq!(
        req,
        SearchRequest {
            q: "coopérative \"circuit court\"".to_string(),
            lang: Some("fr".to_string()),
            country: Some("FR".to_string()),
            theme: Some("T3".to_string()),
            source: Some("ripess-eu".to_string()),
            status: Some(Status::Approved),
            from: Some(date("2024-01-01T00:00:00Z")),
            to: Some(date("2024-03-31T23:59:59.999999999Z")),
            sort: Sort::Date,
            page: 3,
            per_page: 50,
            expand: false,
        }
    );
}

#[test]
fn expand_is_on_unless_turned_off() {
    assert!(parse_search_params("q=coop").unwrap().expand);
    for on in ["true", "1", "yes", "on", "TRUE"] {
        assert!(parse_search_params(&format!("expand={on}")).unwrap().expand);
    }
    for off in ["false", "0", "no", "off", "False"] {
        assert!(
            !parse_search_params(&format!("expand={off}"))
                .unwrap()
                .expand
        );
    }
    match parse_search_params("expand=maybe") {
        Err(ApiError::BadRequest(message)) => {
            assert!(message.contains("parameter expand"), "{message}");
            assert!(message.contains("true, false"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dates_accept_rfc3339_with_their_offset() {
    let req =
        parse_search_params("from=2024-05-01T08:00:00%2B02:00&to=2024-05-01T09:00:00Z").unwrap();
    assert_eq!(req.from, Some(date("2024-05-01T08:00:00+02:00")));
    assert_eq!(req.to, Some(date("2024-05-01T09:00:00Z")));
    // The same day as from and to is one whole day.
    let req = parse_search_params("from=2024-05-01&to=2024-05-01").unwrap();
    assert!(req.from < req.to);
}

#[test]
fn sorts_are_read() {
    for (value, sort) in [
        ("relevance", Sort::Relevance),
        ("date", Sort::Date),
        ("score", Sort::Score),
    ] {
        let req = parse_search_params(&format!("sort={value}")).unwrap();
        assert_eq!(req.sort, sort);
    }
}

/// Checks that `query` is refused with a message containing each of `expect`.
fn check_refused(query: &str, expect: &[&str]) {
    match parse_search_params(query) {
        Ok(req) => panic!("{query:?} was accepted: {req:?}"),
        Err(ApiError::BadRequest(message)) => {
            for part in expect {
                assert!(
                    message.contains(part),
                    "{query:?}: {message:?} lacks {part:?}"
                );
            }
        }
        Err(other) => panic!("{query:?}: not a bad request: {other:?}"),
    }
}

#[test]
fn each_mistake_is_refused_naming_the_parameter() {
    check_refused(
        "sort=popular",
        &["parameter sort", "relevance, date, score"],
    );
    check_refused("page=0", &["parameter page", "from 1"]);
    check_refused("page=x", &["parameter page", "\"x\""]);
    check_refused("page=-1", &["parameter page"]);
    check_refused("per_page=1000", &["parameter per_page", "1 to 100"]);
    check_refused("per_page=0", &["parameter per_page", "1 to 100"]);
    check_refused(
        "from=notadate",
        &["parameter from", "YYYY-MM-DD", "RFC 3339"],
    );
    check_refused("to=2024-02-30", &["parameter to", "YYYY-MM-DD"]);
    check_refused(
        "from=2024-05-02&to=2024-05-01",
        &["from", "is after parameter to"],
    );
    check_refused(
        "status=pending",
        &["parameter status", "unreviewed, approved, rejected"],
    );
    check_refused("lang=fra", &["parameter lang", "ISO 639-1"]);
    check_refused("lang=f1", &["parameter lang"]);
    check_refused("country=FRA", &["parameter country", "ISO 3166-1"]);
    check_refused(
        "limit=5",
        &["unknown parameter \"limit\"", "q, lang, country"],
    );
    check_refused("q=a&q=b", &["parameter q is given more than once"]);
    check_refused("page=200&per_page=100", &["page × per_page", "10000"]);
    check_refused(
        &format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1)),
        &["parameter q is longer than 1000 characters"],
    );
    check_refused(
        &format!("q={}a", "(".repeat(MAX_QUERY_DEPTH + 1)),
        &["parameter q nests parentheses more than 8 deep"],
    );
}

#[test]
fn parentheses_nest_up_to_the_limit() {
    let q = format!(
        "{}a{}",
        "(".repeat(MAX_QUERY_DEPTH),
        ")".repeat(MAX_QUERY_DEPTH)
    );
    assert_eq!(parse_search_params(&format!("q={q}")).unwrap().q, q);
    // Parentheses one after the other do not nest; escaped ones do not count.
    let flat = "(a) ".repeat(50);
    assert!(parse_search_params(&format!("q={flat}")).is_ok());
    let escaped = "%5C(".repeat(50);
    assert!(parse_search_params(&format!("q={escaped}")).is_ok());
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "x".repeat(5000);
    let Err(err) = parse_search_params(&format!("sort={long}")) else {
        panic!("accepted")
    };
    assert!(err.to_string().len() < 300, "{err}");
}

#[test]
fn the_deepest_page_allowed_is_accepted() {
    let req = parse_search_params("page=100&per_page=100").unwrap();
    assert_eq!((req.page, req.per_page), (100, 100));
}

#[test]
fn text_that_is_not_utf8_is_refused() {
    check_refused("q=%FF%FE", &["parameter \"q\" is not valid UTF-8"]);
    check_refused("%FF=1", &["not valid UTF-8"]);
}
