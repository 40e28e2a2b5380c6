"""A stream of curators' reviews for benches/soak.sh.

soak_reviews.py BASE_URL SECONDS RATE OUT_JSONL NAME=TOKEN...

One thread per curator (its token in `Authorization: Bearer`), each on its
own keep-alive connection, together about RATE reviews per second for
SECONDS: search a word of the corpus (`/api/search?q=...&per_page=20`),
take one of the hits at random, approve it (two times in three) or reject
it with a reason. Every review carries a unique note (`soak-CURATOR-N`), so
that the script can find each acknowledged one in the audit log afterwards.
Each acknowledged review (2xx) is a line of OUT_JSONL; the counts by status
(2xx, 4xx, 5xx, connection errors) are printed as JSON at the end.
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

WORDS = ["cooperative", "housing", "coopérative", "économie sociale", "cooperativa",
         "vivienda", "주택협동조합", "사회적경제", "fair trade", "credit union", "monnaie locale",
         "energy", "solidarity", "Barcelona", "Montréal", "Seoul", "economia social",
         "worker cooperative", "community land trust", "football", ""]
REASONS = ["not_a_practice", "out_of_scope", "duplicate", "low_quality", "other"]

counts = {"search_2xx": 0, "search_other": 0, "search_5xx": 0, "no_hits": 0,
          "review_2xx": 0, "review_4xx": 0, "review_5xx": 0, "errors": 0}
lock = threading.Lock()


def bump(key):
    with lock:
        counts[key] += 1


def curator(base, name, token, deadline, interval, out, seed):
    rng = random.Random(seed)
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    n = 0
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
        try:
            q = urllib.parse.quote(rng.choice(WORDS))
            conn.request("GET", f"/api/search?q={q}&per_page=20&page={rng.randint(1, 3)}")
            resp = conn.getresponse()
            body = resp.read()
            if resp.status >= 500:
                bump("search_5xx")
                continue
            if resp.status != 200:
                bump("search_other")
                continue
            bump("search_2xx")
            hits = json.loads(body).get("hits", [])
            if not hits:
                bump("no_hits")
                continue
            item = rng.choice(hits)["id"]
            n += 1
            note = f"soak-{name}-{n}"
            if rng.random() < 2 / 3:
                review = {"decision": "approve", "note": note}
            else:
                review = {"decision": "reject", "reason": rng.choice(REASONS), "note": note}
            conn.request("POST", f"/api/items/{item}/review", body=json.dumps(review),
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            if 200 <= resp.status < 300:
                bump("review_2xx")
                with lock:
                    out.write(json.dumps({"item": item, "curator": name, **review}) + "\n")
            elif resp.status >= 500:
                bump("review_5xx")
                print(f"review of {item}: {resp.status}", file=sys.stderr)
            else:
                bump("review_4xx")
                print(f"review of {item}: {resp.status}", file=sys.stderr)
        except (OSError, http.client.HTTPException, ValueError) as e:
            bump("errors")
            print(f"{name}: {e!r}", file=sys.stderr)
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            time.sleep(1)
    conn.close()


def main():
    base, seconds, rate, out_path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    curators = [a.split("=", 1) for a in sys.argv[5:]]
    deadline = time.monotonic() + seconds
    interval = len(curators) / rate
    with open(out_path, "w") as out:
        threads = [threading.Thread(target=curator,
                                    args=(base, name, token, deadline, interval, out, i))
                   for i, (name, token) in enumerate(curators)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
