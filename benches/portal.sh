#!/usr/bin/env bash
# The public portal under load: latency (median, p99) and throughput of its
# pages at 32 concurrent connections (wrk, on loopback), over 10,000
# published practice records filed through the API in a throwaway data
# directory; the first page after the records changed (the snapshot read
# from the store), the server's peak memory and the count of error
# responses.
#
#   benches/portal.sh [RECORDS] [SECONDS]   (default 10000 records, 30 s)
#
# Needs wrk (`apt-get install -y wrk`). VEILLE_BIN=path uses a built binary
# instead of `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-10000}
seconds=${2:-30}
work=$(mktemp -d)
files=""
serving=""
cleanup() {
  [ -n "$serving" ] && kill "$serving" 2>/dev/null || true
  [ -n "$files" ] && kill "$files" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The items the records are drafted from: a small crawled corpus.
python3 benches/search_corpus.py "$work/site" 300 3
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
files=$!
{
  printf '[crawler]\nuser_agent = "veille-bench (+http://127.0.0.1/)"\nallow_private_networks = true\nmin_host_delay_ms = 0\n'
  for i in 0 1 2; do
    printf '\n[[source]]\nid = "feed-%d"\nname = "Feed %d"\nurl = "http://127.0.0.1:%d/feed-%d.xml"\nkind = "feed"\n' "$i" "$i" "$port" "$i"
  done
} > "$work/sources.toml"
if [ -z "${VEILLE_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin=${VEILLE_BIN:-target/release/veille}
sleep 0.5
"$bin" --quiet --config "$work/sources.toml" --data "$work/data" crawl --once | tail -1
kill "$files"; files=""

token="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
api=$(free_port)
VEILLE_CURATOR_TOKENS="bench=$token" VEILLE_WRITES_PER_MINUTE=100000000 \
  /usr/bin/time -v "$bin" --quiet --config "$work/sources.toml" --data "$work/data" \
  --listen "127.0.0.1:$api" serve > "$work/serve.txt" 2> "$work/time.txt" &
serving=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$api/healthz" > /dev/null 2>&1 && break
  sleep 0.2
done
python3 benches/portal_records.py "http://127.0.0.1:$api" "$token" "$records" "$work/portal.lua"
echo "first page after the change (snapshot of $records records read): $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$api/portal/en/") s"
echo "next page: $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$api/portal/fr/") s"
echo "sitemap: $(curl -s "http://127.0.0.1:$api/portal/sitemap.xml" | grep -c '<url>') URLs"
wrk -t2 -c32 -d5s -s "$work/portal.lua" "http://127.0.0.1:$api" > /dev/null   # warm-up
# One client, one request at a time: the median and the slowest of each
# kind of page (what a page costs, without the queueing of the load).
python3 - "$api" "$work/portal.lua" <<'PY'
import http.client, re, statistics, sys, time
port, lua = int(sys.argv[1]), open(sys.argv[2]).read()
paths = re.findall(r'^  "(.*)",$', lua, re.M)
kinds = {}
for p in paths:
    kind = re.sub(r"/portal/(en|fr|es)", "", p)
    kind = re.sub(r"p[0-9]+$", "{id}", kind)
    kind = re.sub(r"T[0-9]+", "{theme}", kind)
    kind = re.sub(r"countries/[A-Z]+", "countries/{cc}", kind)
    kind = re.sub(r"page=[0-9]+", "page=n", kind)
    kinds.setdefault(kind, []).append(p)
conn = http.client.HTTPConnection("127.0.0.1", port)
for kind, ps in sorted(kinds.items()):
    times, size = [], 0
    for i in range(30):
        start = time.perf_counter()
        conn.request("GET", ps[i % len(ps)])
        r = conn.getresponse()
        size = len(r.read())
        times.append((time.perf_counter() - start) * 1000)
    print(f"  {kind:32} median {statistics.median(times):6.2f} ms  max {max(times):6.2f} ms  {size // 1024} KiB")
PY
wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/portal.lua" "http://127.0.0.1:$api" | tee "$work/wrk.txt"
# Stop the server (the child of time) with Ctrl-C, so that time reports.
kill -INT "$(pgrep -P "$serving")" 2>/dev/null || true
wait "$serving" || true
serving=""
errors=$(grep -E 'Non-2xx or 3xx responses' "$work/wrk.txt" | awk '{print $NF}' || true)
echo "error responses: ${errors:-0}"
grep -E 'Socket errors' "$work/wrk.txt" || echo "socket errors: none"
echo "server peak RSS: $(( $(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}') / 1024 )) MiB"
