#!/usr/bin/env python3
"""Helper of benches/fundus_compare.sh: titles, authors and publication dates
of veille, htmldate and trafilatura against two labelled page sets.

  fundus_compare.py prepare FUNDUS READABILITY WORK   decompress the pages into WORK,
                                                      write WORK/manifest.tsv and
                                                      WORK/expected.jsonl
  fundus_compare.py peers WORK                        run htmldate and trafilatura
                                                      (WORK/htmldate.jsonl, trafilatura.jsonl)
  fundus_compare.py score WORK NAME=RESULTS...        print one table per page set
  fundus_compare.py misses WORK RESULTS [SET]         every miss of one tool, page by page

FUNDUS is the fundus test data (index.tsv, test_data/); READABILITY a folder of
page folders with source.html and expected-metadata.json.

The rules, the same for every tool:

- title: right when equal to the expected title once whitespace (any Unicode
  space, no-break spaces included) is collapsed to single spaces and trimmed,
  and invisible format characters (soft hyphens, zero-width spaces) dropped;
  on the readability pages, whose expected titles (Readability.js's output)
  often keep the site name, also when one is the other plus a part after or
  before a separator ("Title | Site", "Site - Title");
- authors: right when the set of words of all names is the same, words being
  lowercased runs of letters and digits, the joining words between names
  ("and", "und", "et", "y", "e", "i", "og", "och") and a leading "by", "von",
  "par", "por", "di", "da", "door", "written" left out: order, case,
  punctuation and separators ("A, B", "A and B", "A; B", a list) do not count;
  only pages whose expected values name an author count;
- date: the day the tool gives, compared in the time zone of the expected
  value (a tool's instant with an offset is moved to the expected value's
  offset; a date without an offset, or an expected value without one, is
  compared as written). Right, no date, or wrong.

Expected values are taken as given, except the corrections in CORRECTIONS
(two day/month swaps that fundus's README documents; readability bylines
that are not, or not only, the article's author; a readability title that is
the site's name), each with its reason, applied to every tool alike.

Beside veille's fundus table, a second title figure: its titles that are the
article's own headline as the page states it, the issue's definition of a
right title; the titles that differ from fundus's choice are judged page by
page in benches/title_audit.tsv (veille's only, so this figure has no peer).
"""

import datetime as dt
import gzip
import json
import os
import re
import sys
import time

READABILITY_URL = "http://fakehost/test/page.html"

# (set, page) -> {field: corrected value}; each with its reason.
CORRECTIONS = {
    # fundus's README: day and month swapped in the expected value; the
    # pages show 06.01.2026 and 05.04.2025.
    ("fundus", "de/KlasseGegenKlasse_2026_01_07.html.gz"): {"date": "2026-01-06"},
    ("fundus", "tr/AnadoluAjansi_2025_04_05.html.gz"): {"date": "2025-04-05"},
    # Readability's bylines that are not (only) the author's name: a date
    # run into it, the outlet's name, a button's label, an address, the page's
    # dates.
    ("readability", "breitbart"): {"author": "Lucas Nolan"},
    ("readability", "lwn-1"): {"author": "Nathan Willis"},
    ("readability", "yahoo-3"): {"author": "GILLIAN MOHNEY"},
    ("readability", "webmd-1"): {"author": "Brenda Goodman, MA"},
    ("readability", "webmd-2"): {"author": "Kelli Miller"},
    ("readability", "royal-road"): {"author": "Sleyca"},
    ("readability", "ebb-org"): {"author": "Bradley M. Kuhn"},
    ("readability", "seattletimes-1"): {"author": None},
    ("readability", "spiceworks"): {"author": None},
    # Readability took the byline of another article on the page; the
    # article's is in its rel=author link and its meta tags.
    ("readability", "herald-sun-1"): {"author": "Laurie Oakes"},
    ("readability", "salon-1"): {"author": "Richard (R.J.) Eskow"},
    # The draft has two authors (its two DC.Creator tags and its header).
    ("readability", "ietf-1"): {"author": "Jong, Michiel de; Kooman, F."},
    # The site's name, not the article's title (its <h1>, its <title>).
    ("readability", "yahoo-2"): {"title": "Russia: Space ship malfunctions, breaks up over Siberia"},
    # The headline's second half with the site's name: no headline the page
    # gives (its <h1> and <title> hold the whole).
    ("readability", "v8-blog"): {"title": "Outside the web: standalone WebAssembly binaries using Emscripten"},
}

WORD = re.compile(r"[^\W_]+")
JOINING = {"and", "und", "et", "y", "e", "i", "og", "och"}
LEADING = {"by", "von", "par", "por", "di", "da", "door", "written"}


INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " [", " :")


def collapse(s):
    return " ".join(INVISIBLE.sub("", s or "").split())


def plus_a_part(short, long):
    """`long` is `short` plus a part after (or before) a separator."""
    if not short:
        return False
    for sep in SEPARATORS:
        if long.startswith(short) and long[len(short):].startswith(sep):
            return True
        if long.endswith(short) and (long[: -len(short)].endswith(sep) or long[: -len(short)].endswith(sep.lstrip())):
            return True
    return False


def title_right(s, got, want):
    got, want = collapse(got), collapse(want)
    return got == want or (s == "readability" and (plus_a_part(got, want) or plus_a_part(want, got)))


def author_words(value):
    """The set of words of an author value (a string or a list of names)."""
    if value is None:
        return set()
    names = value if isinstance(value, list) else re.split(r"[,;/|&\n]| and | und | et | y ", value)
    out = set()
    for name in names:
        w = [x.lower() for x in WORD.findall(name or "")]
        while w and w[0] in LEADING:
            w = w[1:]
        out.update(x for x in w if x not in JOINING)
    return out


DATE = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def parse_date(s):
    """(date, time or None, offset minutes or None) of an ISO-like value."""
    if not s:
        return None
    m = DATE.match(s)
    if not m:
        return None
    y, mo, d, h, mi, sec, off = m.groups()
    try:
        day = dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None
    t = (int(h), int(mi), int(sec or 0)) if h else None
    if off is None:
        minutes = None
    elif off == "Z":
        minutes = 0
    else:
        digits = off[1:].replace(":", "")
        minutes = (int(digits[:2]) * 60 + int(digits[2:])) * (1 if off[0] == "+" else -1)
    return day, t, minutes


def day_in_zone_of(got, want):
    """The day of `got` as seen in the time zone of `want`."""
    gday, gtime, goff = got
    _, _, woff = want
    if gtime is None or goff is None or woff is None:
        return gday
    instant = dt.datetime(gday.year, gday.month, gday.day, *gtime, tzinfo=dt.timezone(dt.timedelta(minutes=goff)))
    return instant.astimezone(dt.timezone(dt.timedelta(minutes=woff))).date()


def date_verdict(got, want):
    w = parse_date(want)
    g = parse_date(got)
    if g is None:
        return "none"
    return "right" if day_in_zone_of(g, w) == w[0] else "wrong"


def cmd_prepare(fundus, readability, work):
    os.makedirs(os.path.join(work, "pages"), exist_ok=True)
    manifest = open(os.path.join(work, "manifest.tsv"), "w")
    expected = open(os.path.join(work, "expected.jsonl"), "w")
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(fundus, "index.tsv"), encoding="utf-8")][1:]
    cache = {}
    for page, exp, version, crawl, url, *_ in rows:
        if exp not in cache:
            cache[exp] = json.load(open(os.path.join(fundus, "test_data", exp), encoding="utf-8"))
        e = cache[exp][version]
        html = gzip.open(os.path.join(fundus, "test_data", page)).read()
        out = os.path.join(work, "pages", "fundus-" + page.replace("/", "-")[: -len(".gz")])
        # fundus stored every page as UTF-8, whatever its <meta charset>
        # says: a byte order mark makes every reader decode it as such.
        with open(out, "wb") as f:
            f.write(b"\xef\xbb\xbf" + html)
        manifest.write(f"{out}\t{url}\n")
        expected.write(json.dumps({
            "set": "fundus", "page": page, "input": out, "url": url,
            "title": e.get("title"), "author": e.get("authors"), "date": e.get("publishing_date"),
        }) + "\n")
    for d in sorted(os.listdir(readability)):
        src = os.path.join(readability, d, "source.html")
        meta = os.path.join(readability, d, "expected-metadata.json")
        if not (os.path.isfile(src) and os.path.isfile(meta)):
            continue
        m = json.load(open(meta, encoding="utf-8"))
        # Saved as UTF-8 too, whatever their <meta charset> says (qq's says
        # GB2312).
        out = os.path.join(work, "pages", "readability-" + d + ".html")
        with open(out, "wb") as f:
            f.write(b"\xef\xbb\xbf" + open(src, "rb").read().removeprefix(b"\xef\xbb\xbf"))
        src = out
        manifest.write(f"{src}\t{READABILITY_URL}\n")
        expected.write(json.dumps({
            "set": "readability", "page": d, "input": src, "url": READABILITY_URL,
            "title": m.get("title"), "author": m.get("byline"), "date": m.get("publishedTime"),
        }) + "\n")


def cmd_peers(work):
    import htmldate
    import trafilatura

    pages = [json.loads(l) for l in open(os.path.join(work, "expected.jsonl"))]
    for name in ("htmldate", "trafilatura"):
        spent = 0.0
        with open(os.path.join(work, f"{name}.jsonl"), "w") as f:
            for p in pages:
                raw = open(p["input"], "rb").read()
                html = raw.decode("utf-8-sig", errors="replace")
                start = time.perf_counter()
                if name == "htmldate":
                    rec = {"published": htmldate.find_date(html, url=p["url"], extensive_search=True, original_date=True)}
                else:
                    doc = trafilatura.bare_extraction(html, url=p["url"], with_metadata=True)
                    d = {} if doc is None else (doc if isinstance(doc, dict) else doc.as_dict())
                    rec = {"title": d.get("title"), "author": d.get("author"), "published": d.get("date")}
                spent += time.perf_counter() - start
                rec["input"] = p["input"]
                f.write(json.dumps(rec) + "\n")
        print(f"{name}: {len(pages)} pages in {spent:.1f} s", file=sys.stderr)


def load_expected(work):
    out = []
    for l in open(os.path.join(work, "expected.jsonl")):
        p = json.loads(l)
        for field, value in CORRECTIONS.get((p["set"], p["page"]), {}).items():
            p[field] = value
        out.append(p)
    return out


def load_results(path):
    return {r["input"]: r for r in map(json.loads, open(path))}


def verdicts(p, rec, fields):
    """Per field: None (not scored), or "right"/"wrong"/"none"."""
    out = {}
    if "title" in fields and p["title"]:
        got = collapse(rec.get("title"))
        out["title"] = "right" if title_right(p["set"], got, p["title"]) else ("none" if not got else "wrong")
    if "author" in fields and p["author"] and author_words(p["author"]):
        got = author_words(rec.get("author"))
        out["author"] = "right" if got == author_words(p["author"]) else ("none" if not got else "wrong")
    if "date" in fields and p["date"]:
        out["date"] = date_verdict(rec.get("published"), p["date"])
    return out


FIELDS = {"htmldate": ("date",)}

# fundus's expected title is the one headline its parser for the publisher
# reads (JSON-LD's, og:title, an <h1>); benches/title_audit.tsv judges
# veille's other titles against the definition (the article's own
# headline as the page states it): page -> the title judged right. A page
# whose title has changed since is not counted.
AUDIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "title_audit.tsv")


def own_headlines():
    judged = {}
    for line in open(AUDIT, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        page, title, verdict, _why = line.rstrip("\n").split("\t")
        if verdict == "right":
            judged[page] = collapse(title)
    return judged


def cmd_score(work, specs):
    pages = load_expected(work)
    judged = own_headlines()
    for s in ("fundus", "readability"):
        subset = [p for p in pages if p["set"] == s]
        print(f"{s}: {len(subset)} pages")
        print()
        print("| tool | title right | author right | date right | no date | wrong date |")
        print("| --- | --- | --- | --- | --- | --- |")
        own_lines = []
        for spec in specs:
            name, path = spec.split("=", 1)
            res = load_results(path)
            fields = FIELDS.get(name.split()[0], ("title", "author", "date"))
            counts = {}
            # veille's titles on fundus that are the article's own headline
            # (right, or judged so in benches/title_audit.tsv).
            own = None if s != "fundus" or not name.startswith("veille") else 0
            for p in subset:
                rec = res.get(p["input"], {})
                for field, v in verdicts(p, rec, fields).items():
                    c = counts.setdefault(field, {"right": 0, "wrong": 0, "none": 0})
                    c[v] += 1
                    if field == "title" and own is not None:
                        own += v == "right" or judged.get(p["page"]) == collapse(rec.get("title"))

            def pct(field, v):
                c = counts.get(field)
                if not c:
                    return "-"
                n = sum(c.values())
                return f"{c[v]}/{n} ({100 * c[v] / n:.1f}%)"

            print(f"| {name} | {pct('title', 'right')} | {pct('author', 'right')} | "
                  f"{pct('date', 'right')} | {pct('date', 'none')} | {pct('date', 'wrong')} |")
            if own is not None:
                titled = sum(counts["title"].values())
                own_lines.append(f"{name}: the article's own headline as the page states it "
                                 f"(benches/title_audit.tsv): {own}/{titled} ({100 * own / titled:.1f}%)")
        print()
        for line in own_lines:
            print(line)
            print()


def cmd_misses(work, path, only=None):
    pages = load_expected(work)
    res = load_results(path)
    for p in pages:
        if only and p["set"] != only:
            continue
        rec = res.get(p["input"], {})
        for field, v in verdicts(p, rec, ("title", "author", "date")).items():
            if v != "right":
                got = rec.get("published" if field == "date" else field)
                print(f"{p['set']}\t{p['page']}\t{field}\t{v}\tgot {got!r}\twant {p[field]!r}")


def main(argv):
    if len(argv) == 4 and argv[0] == "prepare":
        cmd_prepare(argv[1], argv[2], argv[3])
    elif len(argv) == 2 and argv[0] == "peers":
        cmd_peers(argv[1])
    elif len(argv) >= 3 and argv[0] == "score":
        cmd_score(argv[1], argv[2:])
    elif len(argv) in (3, 4) and argv[0] == "misses":
        cmd_misses(*argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
