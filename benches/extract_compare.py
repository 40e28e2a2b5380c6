#!/usr/bin/env python3
"""Helper of benches/extract_compare.sh: side-by-side extraction benchmark.

  extract_compare.py manifest PAGES OUT           write OUT: "source.html<TAB>url" per page
  extract_compare.py trafilatura MANIFEST OUT     run trafilatura in this process (timing
                                                  only the extraction calls), JSON lines to OUT
  extract_compare.py score PAGES NAME=RESULTS...  print the tables (text and metadata)

PAGES is a folder of page folders, each with source.html, expected.html and
expected-metadata.json (mozilla/readability's test pages). Text is scored as
bags of words (lowercased runs of letters and digits) against the text of
expected.html: precision, recall and F1 per page, then averaged over pages.
"""

import html.parser
import json
import os
import re
import sys
import time

WORD = re.compile(r"[^\W_]+")
URL = "http://fakehost/test/page.html"


def words(text):
    return [w.lower() for w in WORD.findall(text or "")]


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup):
    p = _Text()
    p.feed(markup)
    p.close()
    return " ".join(p.parts)


def pages(folder):
    return sorted(
        d for d in os.listdir(folder)
        if os.path.isfile(os.path.join(folder, d, "source.html"))
        and os.path.isfile(os.path.join(folder, d, "expected.html"))
    )


def cmd_manifest(folder, out):
    with open(out, "w") as f:
        for d in pages(folder):
            f.write(f"{os.path.abspath(os.path.join(folder, d, 'source.html'))}\t{URL}\n")


def cmd_trafilatura(manifest, out):
    import trafilatura

    spent = 0.0
    n = 0
    with open(manifest) as m, open(out, "w") as f:
        for line in m:
            path, url = line.rstrip("\n").split("\t")
            with open(path, "rb") as h:
                raw = h.read()
            start = time.perf_counter()
            doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True)
            spent += time.perf_counter() - start
            n += 1
            if doc is None:
                rec = {"input": path, "text": ""}
            else:
                d = doc if isinstance(doc, dict) else doc.as_dict()
                rec = {
                    "input": path,
                    "text": d.get("text") or "",
                    "title": d.get("title"),
                    "author": d.get("author"),
                    "published": d.get("date"),
                    "lang": d.get("language"),
                }
            f.write(json.dumps(rec) + "\n")
    print(f"extraction_seconds {spent:.6f} pages {n}", file=sys.stderr)


def prf(got, want):
    bag = {}
    for w in want:
        bag[w] = bag.get(w, 0) + 1
    common = 0
    for w in got:
        if bag.get(w, 0) > 0:
            bag[w] -= 1
            common += 1
    if not got or not want:
        return 0.0, 0.0, 0.0
    p, r = common / len(got), common / len(want)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm_title(t):
    return " ".join(words(t))


def norm_author(a):
    w = words(a)
    while w and w[0] in ("by", "par", "por", "von", "di", "de", "written"):
        w = w[1:]
    return " ".join(w)


def norm_lang(l):
    if not l:
        return None
    return re.split(r"[-_]", l.strip().lower())[0] or None


def day(d):
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", d or "")
    return m.groups() if m else None


def load(results):
    out = {}
    with open(results) as f:
        for line in f:
            rec = json.loads(line)
            out[os.path.basename(os.path.dirname(rec["input"]))] = rec
    return out


def cmd_score(folder, specs):
    names = pages(folder)
    expected_words = {d: words(html_text(open(os.path.join(folder, d, "expected.html"), encoding="utf-8").read())) for d in names}
    meta = {}
    for d in names:
        p = os.path.join(folder, d, "expected-metadata.json")
        meta[d] = json.load(open(p, encoding="utf-8")) if os.path.exists(p) else {}
    rows = []
    for spec in specs:
        name, path = spec.split("=", 1)
        res = load(path)
        ps, rs, fs = [], [], []
        m = {k: [0, 0, 0] for k in ("title", "author", "date", "lang")}  # exact, normalized, of
        for d in names:
            rec = res.get(d, {})
            p, r, f = prf(words(rec.get("text", "")), expected_words[d])
            ps.append(p); rs.append(r); fs.append(f)
            e = meta[d]
            if e.get("title"):
                m["title"][2] += 1
                got = " ".join((rec.get("title") or "").split())
                m["title"][0] += got == " ".join(e["title"].split())
                m["title"][1] += norm_title(got) == norm_title(e["title"])
            if e.get("byline"):
                m["author"][2] += 1
                got = " ".join((rec.get("author") or "").split())
                m["author"][0] += got == " ".join(e["byline"].split())
                m["author"][1] += bool(got) and norm_author(got) == norm_author(e["byline"])
            if e.get("publishedTime"):
                m["date"][2] += 1
                m["date"][0] += (rec.get("published") or "")[:19] == e["publishedTime"][:19]
                m["date"][1] += day(rec.get("published")) is not None and day(rec.get("published")) == day(e["publishedTime"])
            if e.get("lang"):
                m["lang"][2] += 1
                m["lang"][0] += (rec.get("lang") or "") == e["lang"]
                m["lang"][1] += norm_lang(rec.get("lang")) == norm_lang(e["lang"])
        n = len(names)
        rows.append((name, sum(ps) / n, sum(rs) / n, sum(fs) / n, sorted(fs)[n // 2], m))
    print(f"pages: {len(names)} in {folder}")
    print()
    print("| extractor | precision | recall | F1 | median F1 |")
    print("| --- | --- | --- | --- | --- |")
    for name, p, r, f, med, _ in rows:
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {med:.3f} |")
    print()
    print("metadata, exact / normalized match (pages where expected-metadata.json has the field):")
    print()
    print("| extractor | title | author | date | language |")
    print("| --- | --- | --- | --- | --- |")
    for name, *_, m in rows:
        cells = []
        for k in ("title", "author", "date", "lang"):
            ex, no, of = m[k]
            cells.append(f"{ex}/{of} · {no}/{of} ({100 * no / of:.0f}%)" if of else "-")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main(argv):
    if len(argv) >= 3 and argv[0] == "manifest":
        cmd_manifest(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "trafilatura":
        cmd_trafilatura(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "score":
        cmd_score(argv[1], argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
