"""Files published practice records through the API, for benches/portal.sh.

portal_records.py BASE_URL TOKEN RECORDS OUT_LUA

Approves up to 100 items of the server's index (POST /api/items/{id}/review),
files RECORDS practice records drafted from them (POST /api/practices, the
pre-fill of the real drafting), and publishes each with one to three
ESSGlobal themes and one or two places among 40 cities of 30 countries, with
the gazetteer's coordinates (PATCH /api/practices/{id}), in four threads,
each with its own keep-alive connection. Then writes OUT_LUA, the wrk
script of the load: a seeded mix of the portal's pages in its three
languages (home, records, themes and their later pages, countries, map,
search, feeds).
"""
import http.client
import json
import random
import sys
import threading
import time
from urllib.parse import urlsplit

CITIES = [
    ("Lyon", "FR", 45.76, 4.84), ("Nantes", "FR", 47.22, -1.55), ("Bilbao", "ES", 43.26, -2.93),
    ("Barcelona", "ES", 41.39, 2.17), ("Seoul", "KR", 37.57, 126.98), ("Gwangju", "KR", 35.16, 126.85),
    ("Montréal", "CA", 45.50, -73.57), ("Québec", "CA", 46.81, -71.21), ("Bogotá", "CO", 4.71, -74.07),
    ("Dakar", "SN", 14.69, -17.44), ("Lisbon", "PT", 38.72, -9.14), ("Bologna", "IT", 44.49, 11.34),
    ("Leeds", "GB", 53.80, -1.55), ("Preston", "GB", 53.76, -2.70), ("Montevideo", "UY", -34.90, -56.16),
    ("Mexico", "MX", 19.43, -99.13), ("São Paulo", "BR", -23.55, -46.63), ("Tunis", "TN", 36.81, 10.18),
    ("Quito", "EC", -0.22, -78.51), ("Lima", "PE", -12.05, -77.04), ("Santiago", "CL", -33.45, -70.67),
    ("Buenos Aires", "AR", -34.60, -58.38), ("La Paz", "BO", -16.50, -68.15), ("Rabat", "MA", 34.02, -6.84),
    ("Abidjan", "CI", 5.36, -4.01), ("Bamako", "ML", 12.64, -8.00), ("Nairobi", "KE", -1.29, 36.82),
    ("Cape Town", "ZA", -33.92, 18.42), ("Manila", "PH", 14.60, 120.98), ("Tokyo", "JP", 35.68, 139.69),
    ("Berlin", "DE", 52.52, 13.40), ("Brussels", "BE", 50.85, 4.35), ("Geneva", "CH", 46.20, 6.15),
    ("Liège", "BE", 50.63, 5.57), ("Porto Alegre", "BR", -30.03, -51.23), ("Medellín", "CO", 6.24, -75.58),
    ("Busan", "KR", 35.18, 129.08), ("Donostia", "ES", 43.32, -1.98), ("Grenoble", "FR", 45.19, 5.72),
    ("Quezon City", "PH", 14.68, 121.04),
]
WORDS = ["housing", "cooperative", "fund", "market", "energy", "credit union", "bakery", "land trust",
         "school", "food", "currency", "budget", "network", "platform", "care"]


class Client:
    def __init__(self, base, token):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.token = token

    def call(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        text = response.read()
        if response.status >= 300:
            raise SystemExit(f"{method} {path}: {response.status} {text[:300]!r}")
        return json.loads(text)


def file_records(base, token, items, first, count, seed, out):
    rng = random.Random(seed)
    api = Client(base, token)
    for n in range(first, first + count):
        item = rng.choice(items)
        name = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} of {rng.choice(CITIES)[0]} #{n}"
        p = api.call("POST", "/api/practices", {"items": [item], "name": name})
        places = [
            {"name": c[0], "country": c[1], "lat": c[2], "lon": c[3]}
            for c in rng.sample(CITIES, rng.choice([1, 1, 2]))
        ]
        themes = sorted({f"T{rng.randint(1, 19)}" for _ in range(rng.randint(1, 3))})
        api.call("PATCH", f"/api/practices/{p['id']}", {
            "version": p["version"], "status": "published", "themes": themes, "places": places,
            "start_year": rng.randint(1990, 2024),
        })
        out.append(p["id"])


def main():
    base, token, records, out_lua = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    api = Client(base, token)
    items = [h["id"] for h in api.call("GET", "/api/search?per_page=100")["hits"]]
    for item in items:
        api.call("POST", f"/api/items/{item}/review", {"decision": "approve"})
    started = time.time()
    threads, ids = [], []
    per = records // 4
    for t in range(4):
        count = per if t < 3 else records - 3 * per
        th = threading.Thread(target=file_records, args=(base, token, items, t * per, count, t, ids))
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    if len(ids) != records:
        raise SystemExit(f"filed {len(ids)} records of {records}")
    print(f"filed and published {records} records from {len(items)} items in {time.time() - started:.0f} s")

    rng = random.Random(42)
    countries = sorted({c[1] for c in CITIES})
    paths = []
    for lang in ["en", "fr", "es"]:
        paths.append(f"/portal/{lang}/")
        paths.append(f"/portal/{lang}/map")
        paths.append(f"/portal/{lang}/feed.atom")
        paths.append(f"/portal/{lang}/search?q=cooperative")
        paths.append(f"/portal/{lang}/search?q=housing+fund&page=2")
        for _ in range(30):
            paths.append(f"/portal/{lang}/practices/{rng.choice(ids)}")
        for _ in range(6):
            paths.append(f"/portal/{lang}/themes/T{rng.randint(1, 19)}")
            paths.append(f"/portal/{lang}/themes/T{rng.randint(1, 19)}?page={rng.randint(2, 10)}")
            paths.append(f"/portal/{lang}/countries/{rng.choice(countries)}")
        paths.append(f"/portal/{lang}/themes/T{rng.randint(1, 19)}/feed.atom")
    rng.shuffle(paths)
    with open(out_lua, "w") as f:
        f.write("-- wrk script of benches/portal.sh, written by benches/portal_records.py\n")
        f.write("local paths = {\n")
        for p in paths:
            f.write(f"  {json.dumps(p)},\n")
        f.write("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
                "  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
    print(f"load: {len(paths)} portal paths in turn")


if __name__ == "__main__":
    main()
