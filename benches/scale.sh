#!/usr/bin/env bash
# A million items on one machine (issue 15): ingestion of ENTRIES items,
# then of a further EXTRA into the full store, `veille reindex`, and serving
# (peak memory, each search of benches/search.lua alone, first-time and
# again, then 32 clients under wrk). Each figure on one line.
#
#   benches/scale.sh [ENTRIES] [SECONDS]   (default 1000000 entries, 30 s of load)
#
# The corpus is benches/search_corpus.py's, 1,000 entries a feed; the
# further EXTRA (default 100000) entries are in feeds of their own, added to
# the sources for the second crawl. VEILLE_BIN=path uses a built binary
# instead of `cargo build --release`. KEEP_DATA=dir keeps the corpus and the
# data directory in dir: a later run with the same dir reuses the corpus if
# it was written, and if the crawls and the reindex were done, only serves.
# Needs wrk (`apt-get install -y wrk`).
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-1000000}
seconds=${2:-30}
extra=${EXTRA:-100000}
per_feed=1000
feeds=$(( (entries + per_feed - 1) / per_feed ))
extra_feeds=$(( (extra + per_feed - 1) / per_feed ))
if [ -n "${KEEP_DATA:-}" ]; then
  mkdir -p "$KEEP_DATA"
  work=$(cd "$KEEP_DATA" && pwd)
else
  work=$(mktemp -d)
fi
files=""
serving=""
cleanup() {
  [ -n "$serving" ] && kill "$serving" 2>/dev/null || true
  [ -n "$files" ] && kill "$files" 2>/dev/null || true
  [ -z "${KEEP_DATA:-}" ] && rm -rf "$work"
  true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
# The sources: the first $1 feeds of the corpus, served on port $2.
sources() {
  printf '[crawler]\nuser_agent = "veille-bench (+http://127.0.0.1/)"\nallow_private_networks = true\nmin_host_delay_ms = 0\n'
  for i in $(seq 0 $(($1 - 1))); do
    printf '\n[[source]]\nid = "feed-%d"\nname = "Feed %d"\nurl = "http://127.0.0.1:%d/feed-%d.xml"\nkind = "feed"\n' "$i" "$i" "$2" "$i"
  done
}
# One crawl of the first $1 feeds; prints its summary and items/s for $2 items.
crawl() {
  sources "$1" "$port" > "$work/sources.toml"
  local started
  started=$(now)
  "$bin" --quiet --config "$work/sources.toml" --data "$work/data" crawl --once 2>/dev/null | tail -1
  local took
  took=$(since "$started")
  echo "$3: $2 items in $took s, $(python3 -c "print(round($2 / $took))" ) items/s"
}

if [ -z "${VEILLE_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin=${VEILLE_BIN:-target/release/veille}
echo "binary: $bin; $(nproc) cores; $(load)"

corpus="$entries+$extra"
if [ "$(cat "$work/site/written" 2>/dev/null)" != "$corpus" ]; then
  rm -rf "$work/site" "$work/data" "$work/crawled"
  python3 benches/search_corpus.py "$work/site" "$entries" "$feeds"
  python3 benches/search_corpus.py "$work/site" "$extra" "$extra_feeds" "$feeds" "$entries"
  echo "$corpus" > "$work/site/written"
fi

if [ "$(cat "$work/crawled" 2>/dev/null)" != "$corpus" ]; then
  rm -rf "$work/data"
  port=$(free_port)
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
  files=$!
  sleep 0.5
  load
  crawl "$feeds" "$entries" "ingestion of $entries"
  load
  crawl $((feeds + extra_feeds)) "$extra" "ingestion of a further $extra"
  load
  kill "$files"; files=""
  echo "store: $(du -sm "$work/data/veille.db" | cut -f1) MB, index: $(du -sm "$work/data/index" | cut -f1) MB"
  started=$(now)
  /usr/bin/time -v "$bin" --quiet --config "$work/sources.toml" --data "$work/data" reindex \
    > /dev/null 2> "$work/reindex-time.txt"
  echo "veille reindex: $(since "$started") s, peak RSS $(( $(grep 'Maximum resident set size' "$work/reindex-time.txt" | awk '{print $NF}') / 1024 )) MiB"
  load
  echo "$corpus" > "$work/crawled"
fi

api=$(free_port)
/usr/bin/time -v "$bin" --quiet --config "$work/sources.toml" --data "$work/data" \
  --listen "127.0.0.1:$api" serve > "$work/serve.txt" 2> "$work/time.txt" &
serving=$!
started=$(now)
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$api/healthz" > "$work/health.json" 2>/dev/null && break
  sleep 0.2
done
echo "serving after $(since "$started") s: $(cat "$work/health.json")"
server=$(pgrep -P "$serving")
echo "server RSS after opening: $(( $(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024 )) MiB"
load
# The server reads its counts' tables at start, in the background (about
# 0.3 s at a million items): the searches below are first-time searches, not
# the server's warm-up.
sleep 2
# Each search of the benchmark's mix alone: asked the first time, then again.
paths=$(grep -oE '"/api/search[^"]*"' benches/search.lua | tr -d '"')
: > "$work/alone.txt"
for path in $paths; do
  first=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$api$path")
  again=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$api$path")
  echo "$first $again $path" >> "$work/alone.txt"
  echo "alone: first $(python3 -c "print(round($first * 1000, 1))") ms, again $(python3 -c "print(round($again * 1000, 1))") ms  $path"
done
python3 - "$work/alone.txt" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for name, col in (("first-time", 0), ("asked again", 1)):
    ms = sorted(float(r[col]) * 1000 for r in rows)
    print(f"one search alone, {name}: p50 {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms ({len(ms)} searches)")
EOF
load
wrk -t2 -c32 -d"${seconds}s" --latency -s benches/search.lua "http://127.0.0.1:$api" > "$work/wrk.txt"
load
# Stop the server (the child of time) with Ctrl-C, so that time reports.
kill -INT "$server" 2>/dev/null || true
wait "$serving" || true
serving=""
errors=$(grep -E 'Non-2xx or 3xx responses' "$work/wrk.txt" | awk '{print $NF}' || true)
socket=$(grep -E 'Socket errors' "$work/wrk.txt" | sed 's/^ *//' || true)
echo "32 clients, ${seconds} s: $(awk '/requests in/ {print $1, "requests"}' "$work/wrk.txt"), $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") req/s, p50 $(awk '$1 == "50%" {print $2}' "$work/wrk.txt"), p90 $(awk '$1 == "90%" {print $2}' "$work/wrk.txt"), p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt"), error responses ${errors:-0}, ${socket:-no socket errors}"
echo "server peak RSS: $(( $(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}') / 1024 )) MiB"
