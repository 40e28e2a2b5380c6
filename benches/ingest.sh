#!/usr/bin/env bash
# Ingestion throughput: items per second through parse → language → candidate
# → store → index commit, on a corpus served from loopback, with the release
# binary; and the process's peak memory.
#
#   benches/ingest.sh [ENTRIES] [FEEDS]     (default 10000 entries in 20 feeds)
#
# The binary is $CARGO_TARGET_DIR/release/veille (built first), or VEILLE_BIN
# to time another build of it.
#
# Entries carry their full content (so no linked page is fetched) and the
# per-host delay is 0: this measures the pipeline, not politeness.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$(pwd)/target}
entries=${1:-10000}
feeds=${2:-20}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

python3 benches/make_corpus.py "$work/site" "$entries" "$feeds"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
server=$!
{
  printf '[crawler]\nuser_agent = "veille-bench (+http://127.0.0.1/)"\nallow_private_networks = true\nmin_host_delay_ms = 0\n'
  for i in $(seq 0 $((feeds - 1))); do
    printf '\n[[source]]\nid = "feed-%d"\nname = "Feed %d"\nurl = "http://127.0.0.1:%d/feed-%d.xml"\nkind = "feed"\n' "$i" "$i" "$port" "$i"
  done
} > "$work/sources.toml"
cargo build --release --quiet
sleep 0.5
bin=${VEILLE_BIN:-$target/release/veille}
/usr/bin/time -v "$bin" --quiet --config "$work/sources.toml" --data "$work/data" crawl --once \
  > "$work/summary.txt" 2> "$work/time.txt"
tail -1 "$work/summary.txt"
wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
secs=$(python3 -c "p='$wall'.split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))")
python3 -c "print(f'entries: $entries in $feeds feeds; wall: {$secs:.2f} s; {$entries/$secs:.0f} items/s; peak RSS: {$rss/1024:.0f} MiB')"
/usr/bin/time -v "$bin" --quiet --data "$work/data" reindex > "$work/reindex.txt" 2> "$work/time2.txt"
cat "$work/reindex.txt"
echo "reindex peak RSS: $(( $(grep 'Maximum resident set size' "$work/time2.txt" | awk '{print $NF}') / 1024 )) MiB"
