#!/usr/bin/env python3
"""Writes the labelled texts `veille eval language` reads (`lang<TAB>text`).

    benches/language_cases.py OUT_DIR [FUNDUS_DIR]

- lingua-sentences.tsv, lingua-word-pairs.tsv: the test data shipped in
  lingua's model crates (single sentences and word pairs, 1,000 of each per
  language, from the Leipzig corpora; not the data lingua's models were
  built from), for every language veille identifies. The crates are found
  with `cargo metadata` (they are veille's dependencies).
- lingua-sentences-audited.tsv: the same sentences of the network's nine
  languages without those benches/language_audit.tsv lists: every line of
  the nine files was labelled again from its text alone (without the
  file's label or any detector's answer), and the audit keeps the lines
  found in another language or in none (names, addresses, references).
- fundus-sentences.tsv: the article bodies of the fundus test pages
  (FUNDUS_DIR, default ../shared/fixtures/pages/fundus), whose language
  index.tsv gives (those veille identifies), cut into sentences of at least 40 characters, at most
  150 per language.
- fundus-bodies.tsv: the same articles whole (first 2,000 characters).
"""
import gzip, json, os, re, subprocess, sys

out = sys.argv[1]
fundus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures", "pages", "fundus")
os.makedirs(out, exist_ok=True)

# The languages veille identifies, read from its one list (SUPPORTED in
# indexer/src/language.rs): ISO 639-1 code and lingua's name, whose model
# crate is lingua-<name>-language-model.
here = os.path.dirname(os.path.abspath(__file__))
source = open(os.path.join(here, "..", "indexer", "src", "language.rs"), encoding="utf-8").read()
supported = source[source.index("pub const SUPPORTED"):]
supported = supported[:supported.index("];")]
CODES = {name.lower(): code for code, name in re.findall(r'\("([a-z]{2})", Language::(\w+)\)', supported)}
if len(CODES) < 9:
    sys.exit("cannot read SUPPORTED in indexer/src/language.rs")

meta = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--locked"],
    check=True, capture_output=True, text=True).stdout)
found = 0
with open(os.path.join(out, "lingua-sentences.tsv"), "w") as s, open(os.path.join(out, "lingua-word-pairs.tsv"), "w") as w:
    for p in meta["packages"]:
        m = re.fullmatch(r"lingua-(.+)-language-model", p["name"])
        if not m or m.group(1) not in CODES:
            continue
        code = CODES[m.group(1)]
        data = os.path.join(os.path.dirname(p["manifest_path"]), "testdata")
        for name, f in (("sentences.txt", s), ("word-pairs.txt", w)):
            for line in open(os.path.join(data, name), encoding="utf-8"):
                line = " ".join(line.split())
                if line:
                    f.write(f"{code}\t{line}\n")
        found += 1
print(f"lingua test data: {found} languages", file=sys.stderr)

# The audited sentences: the nine languages' lines but those
# benches/language_audit.tsv lists (lang<TAB>audited<TAB>text<TAB>why: a
# text in another language than its file's, or in none).
NINE = {"en", "fr", "es", "ca", "eu", "pt", "it", "de", "ko"}
audit = {tuple(l.rstrip("\n").split("\t")[0:3:2])
         for l in open(os.path.join(here, "language_audit.tsv"), encoding="utf-8")
         if l.strip() and not l.startswith("#")}
kept = dropped = 0
with open(os.path.join(out, "lingua-sentences-audited.tsv"), "w") as a:
    for line in open(os.path.join(out, "lingua-sentences.tsv"), encoding="utf-8"):
        code, text = line.rstrip("\n").split("\t", 1)
        if code not in NINE:
            continue
        if (code, text) in audit:
            dropped += 1
        else:
            kept += 1
            a.write(line)
print(f"audited sentences: {kept} kept, {dropped} in another language or none", file=sys.stderr)

def paragraphs(body):
    for key in ("summary",):
        yield from body.get(key) or []
    for sec in body.get("sections") or []:
        yield from sec.get("headline") or []
        yield from sec.get("paragraphs") or []

rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(fundus, "index.tsv"), encoding="utf-8")][1:]
per = {}
with open(os.path.join(out, "fundus-sentences.tsv"), "w") as s, open(os.path.join(out, "fundus-bodies.tsv"), "w") as b:
    for page, expected, version, _crawl, _url, _html_lang, lang in rows:
        lang = {"no": "nb"}.get(lang, lang)  # Norwegian pages here are Bokmål
        if lang not in CODES.values():
            continue  # a language veille does not identify (is, lt, xh, zu)
        want = json.load(open(os.path.join(fundus, "test_data", expected), encoding="utf-8"))[version]
        paras = [" ".join(p.split()) for p in paragraphs(want.get("body") or {})]
        body = " ".join(paras)
        if body:
            b.write(f"{lang}\t{body[:2000]}\n")
        for p in paras:
            for sent in re.split(r"(?<=[.!?。！？])\s+", p):
                if len(sent) >= 40 and per.get(lang, 0) < 150:
                    per[lang] = per.get(lang, 0) + 1
                    s.write(f"{lang}\t{sent}\n")
print("fundus sentences: " + ", ".join(f"{k} {v}" for k, v in sorted(per.items())), file=sys.stderr)
