"""What the API contract test (run.sh) tells schemathesis beyond the OpenAPI
document: generators for the two grammars the document names as string
formats, the rules that OpenAPI cannot state between two parameters, and
how to read a JSON Lines answer. Every rule here is also written in the
document's descriptions; none of them turns a check off.

- format `search-query` (`q`): the query language of /api/search. Its
  strings are built from words, "phrases", -exclusions, OR, (groups) and
  `title:`; a schema-valid string outside this language is a 400 by
  design (the document says so), so positive cases draw from the language.
- format `search-parameters` (a saved search's `query`): a query string of
  /api/search, built from valid parameters.
- format `submitted-url` (a submission's `url`): an http or https URL with
  a host name; any other string is a 400 by design (the document says so).
- positive cases of the searches and the queue keep `page` × `per_page`
  within 10,000 (with each route's default `per_page`), and drop `to` when
  it is before `from`. Negative cases are left as generated.
- positive cases of `POST /api/submissions` leave the robots' trap
  (`website_url2`) empty, as the document asks: a filled trap is answered
  like a submission and stored nowhere, so the receipt it gets opens
  nothing (a 404), by design.
- negative cases of `POST /api/saved-searches` whose `query` is empty
  (which lists everything, a valid search) get an unknown parameter
  instead, so that they stay invalid.
- `application/x-ndjson`: each line is one JSON object; the lines are
  validated as an array, as the document describes them.
"""

import json
import string
import sys
from datetime import date, datetime, time, timezone
from urllib.parse import urlencode

import schemathesis
from hypothesis import strategies as st
from hypothesis.internal import lambda_sources

# Drawing the practice records' correction body (objects in arrays in an
# object, most fields nullable) recurses deep in hypothesis; at Python's
# default limit of 1,000 frames the coverage phase can fail with
# "SystemError: AST constructor recursion depth mismatch" (a runtime error
# of the tool, not a finding about the API). Room enough, well within the
# threads' stacks.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))

# The limit above is not always enough: to name a filter in its messages,
# hypothesis parses the whole source file of the lambda, and on Python 3.11
# that parse can still fail deep in the stack with "AST constructor
# recursion depth mismatch", now and then, on whichever operation first
# needs schemathesis' own filters described. The description is only a
# repr for messages, never a check; when the parse fails, the filter is
# named generically instead of failing the run.
_describe = lambda_sources.lambda_description


def _described_or_generic(f):
    try:
        return _describe(f)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources.lambda_description = _described_or_generic

WINDOW = 10_000
# Default `per_page` of each paged route.
DEFAULT_PER_PAGE = {
    "/api/search": 20,
    "/api/export": 20,
    "/feeds/search.atom": 50,
    "/api/queue": 20,
}
KEYWORDS = {"AND", "OR", "NOT", "IN"}
# Punctuation that the query language reads as text.
TEXT_PUNCTUATION = "!#$%&,./;=?@_|~"

letters = st.characters(categories=("L", "N"))
word = (
    st.text(st.one_of(letters, st.sampled_from(TEXT_PUNCTUATION)), min_size=1, max_size=12)
    .filter(lambda w: w not in KEYWORDS and w[0].isalnum())
)
plain = st.lists(word, min_size=1, max_size=3).map(" ".join)
term = st.one_of(
    word,
    word.map(lambda w: "-" + w),
    plain.map(lambda p: f'"{p}"'),
    st.tuples(word, word).map(lambda ab: f"{ab[0]} OR {ab[1]}"),
    plain.map(lambda p: f"({p})"),
    st.tuples(st.sampled_from(["title", "text"]), word).map(lambda fw: f"{fw[0]}:{fw[1]}"),
)
search_query = st.one_of(
    st.just(""),
    st.lists(term, min_size=1, max_size=4).map(" ".join),
    st.tuples(st.sampled_from(["", " ", "\t"]), plain, st.sampled_from(["", " ", "\n"])).map("".join),
)
schemathesis.openapi.format("search-query", search_query)

label = st.text(st.sampled_from(string.ascii_lowercase + string.digits), min_size=1, max_size=12)
submitted_url = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}.example/{path}",
    st.sampled_from(["http", "https"]),
    label,
    st.lists(label, max_size=3).map("/".join),
)
schemathesis.openapi.format("submitted-url", submitted_url)


@st.composite
def search_parameters(draw):
    pairs = {}
    if draw(st.booleans()):
        pairs["q"] = draw(search_query)
    if draw(st.booleans()):
        pairs["lang"] = draw(st.sampled_from(["fr", "es", "en", "ko", "EU"]))
    if draw(st.booleans()):
        pairs["status"] = draw(st.sampled_from(["unreviewed", "approved", "rejected"]))
    if draw(st.booleans()):
        pairs["sort"] = draw(st.sampled_from(["relevance", "date", "score"]))
    if draw(st.booleans()):
        pairs["from"] = draw(st.dates(date(1990, 1, 1), date(2030, 12, 31))).isoformat()
    if draw(st.booleans()):
        per_page = draw(st.integers(1, 100))
        pairs["per_page"] = per_page
        pairs["page"] = draw(st.integers(1, WINDOW // per_page))
    names = draw(st.permutations(list(pairs)))
    query = urlencode([(name, pairs[name]) for name in names])
    return draw(st.sampled_from(["", "?"])) + query


schemathesis.openapi.format("search-parameters", search_parameters())


def _instant(value, end_of_day):
    """A `from`/`to` value as the server reads it, or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        day = date.fromisoformat(value)
        if len(value) == 10:
            return datetime.combine(day, time.max if end_of_day else time.min, timezone.utc)
    except ValueError:
        pass
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return instant if instant.tzinfo else None


def _number(value):
    try:
        return int(str(value).strip())
    except ValueError:
        return None


# The submissions' trap for robots (search-api/src/submissions.rs, HONEYPOT).
HONEYPOT = "website_url2"


@schemathesis.hook
def map_case(context, case):
    path = context.operation.path if context.operation else None
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        # A saved search's empty query ("" or "?") lists everything, a
        # valid search: a case meant to violate the `search-parameters`
        # format that draws it is given a parameter /api/search refuses.
        if path == "/api/saved-searches" and isinstance(case.body, dict):
            if case.body.get("query") in ("", "?"):
                case.body["query"] = "no_such_parameter=1"
        return case
    if case.meta is None:
        return case
    if path == "/api/submissions" and context.operation.method.upper() == "POST":
        if isinstance(case.body, dict) and case.body.get(HONEYPOT):
            case.body[HONEYPOT] = None
        return case
    if path not in DEFAULT_PER_PAGE:
        return case
    query = case.query
    if not isinstance(query, dict):
        return case
    per_page = _number(query.get("per_page")) or DEFAULT_PER_PAGE[path]
    page = _number(query.get("page"))
    if page is not None and page * per_page > WINDOW:
        query["page"] = max(1, WINDOW // per_page)
    start, end = _instant(query.get("from"), False), _instant(query.get("to"), True)
    if start is not None and end is not None and start > end:
        del query["to"]
    return case


@schemathesis.deserializer("application/x-ndjson")
def json_lines(ctx, response):
    return [json.loads(line) for line in response.content.decode("utf-8").splitlines() if line.strip()]
