#!/usr/bin/env bash
# Search under load: latency (median, p99) and throughput of /api/search at
# 32 concurrent connections (wrk, on loopback), on an index built by the real
# ingestion (`veille crawl --once`) from a generated multilingual corpus; the
# server's peak memory and the count of error responses.
#
#   benches/search.sh [ENTRIES] [FEEDS] [SECONDS]   (default 100000 entries, 100 feeds, 30 s)
#
# Needs wrk (`apt-get install -y wrk`). VEILLE_BIN=path uses a built binary
# instead of `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-100000}
feeds=${2:-100}
seconds=${3:-30}
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

python3 benches/search_corpus.py "$work/site" "$entries" "$feeds"
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
files=$!
{
  printf '[crawler]\nuser_agent = "veille-bench (+http://127.0.0.1/)"\nallow_private_networks = true\nmin_host_delay_ms = 0\n'
  for i in $(seq 0 $((feeds - 1))); do
    printf '\n[[source]]\nid = "feed-%d"\nname = "Feed %d"\nurl = "http://127.0.0.1:%d/feed-%d.xml"\nkind = "feed"\n' "$i" "$i" "$port" "$i"
  done
} > "$work/sources.toml"
if [ -z "${VEILLE_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin=${VEILLE_BIN:-target/release/veille}
sleep 0.5
started=$(date +%s)
"$bin" --quiet --config "$work/sources.toml" --data "$work/data" crawl --once | tail -1
echo "ingestion: $(( $(date +%s) - started )) s"
kill "$files"; files=""

api=$(free_port)
/usr/bin/time -v "$bin" --quiet --config "$work/sources.toml" --data "$work/data" \
  --listen "127.0.0.1:$api" serve > "$work/serve.txt" 2> "$work/time.txt" &
serving=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$api/healthz" > "$work/health.json" 2>/dev/null && break
  sleep 0.2
done
echo "healthz: $(cat "$work/health.json")"
echo "one search: $(curl -s "http://127.0.0.1:$api/api/search?q=housing+cooperative&per_page=1" \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); print("total", r["total"], "items", r["total_items"], "expansion", sum(len(v) for v in r["expansion"].values()), "terms")')"
wrk -t2 -c32 -d5s -s benches/search.lua "http://127.0.0.1:$api" > /dev/null   # warm-up
wrk -t2 -c32 -d"${seconds}s" --latency -s benches/search.lua "http://127.0.0.1:$api" | tee "$work/wrk.txt"
# Stop the server (the child of time) with Ctrl-C, so that time reports.
kill -INT "$(pgrep -P "$serving")" 2>/dev/null || true
wait "$serving" || true
serving=""
errors=$(grep -E 'Non-2xx or 3xx responses' "$work/wrk.txt" | awk '{print $NF}' || true)
echo "error responses: ${errors:-0}"
grep -E 'Socket errors' "$work/wrk.txt" || echo "socket errors: none"
echo "server peak RSS: $(( $(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}') / 1024 )) MiB"
