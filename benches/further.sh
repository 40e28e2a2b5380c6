#!/usr/bin/env bash
# Ingestion into a full store, binary against binary: for each binary in
# turn, a fresh copy of DATA (a data directory kept by
# `KEEP_DATA=dir benches/scale.sh`) takes a further ENTRIES entries
# (`crawl --once` of feeds of their own); items/s, CPU time and load.
#
#   benches/further.sh DATA ENTRIES FIRST_ENTRY BIN...
#
# FIRST_ENTRY: the number of entries already in DATA's corpus, so that the
# further entries' URLs are new (300000 for `benches/scale.sh 200000`).
# KEEP=dir keeps the last binary's data directory (with the further entries)
# in dir, to serve or reindex it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1
entries=$2
first=$3
shift 3
feeds=$(( (entries + 999) / 1000 ))
first_feed=$(( (first + 999) / 1000 ))
work=$(mktemp -d)
files=""
cleanup() {
  [ -n "$files" ] && kill "$files" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
python3 benches/search_corpus.py "$work/site" "$entries" "$feeds" "$first_feed" "$first"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
files=$!
{
  printf '[crawler]\nuser_agent = "veille-bench (+http://127.0.0.1/)"\nallow_private_networks = true\nmin_host_delay_ms = 0\n'
  for i in $(seq "$first_feed" $((first_feed + feeds - 1))); do
    printf '\n[[source]]\nid = "feed-%d"\nname = "Feed %d"\nurl = "http://127.0.0.1:%d/feed-%d.xml"\nkind = "feed"\n' "$i" "$i" "$port" "$i"
  done
} > "$work/sources.toml"
sleep 0.5
for bin in "$@"; do
  rm -rf "$work/data"
  cp -a "$data" "$work/data"
  sync
  # The store opened once first: a newer binary's schema migrations are an
  # upgrade's one-time cost, not ingestion's.
  opened=$(date +%s.%N)
  "$bin" --quiet --config "$work/sources.toml" --data "$work/data" users list > /dev/null
  echo "$bin: store opened (and migrated) in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$opened" "$(date +%s.%N)") s"
  load=$(cut -d' ' -f1 /proc/loadavg)
  started=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/cpu.txt" \
    "$bin" --quiet --config "$work/sources.toml" --data "$work/data" crawl --once > /dev/null 2>&1
  took=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)")
  read -r user sys < "$work/cpu.txt"
  echo "$bin: $entries further items in $took s, $(python3 -c "print(round($entries / $took))") items/s, CPU ${user} s user ${sys} s system; load $load -> $(cut -d' ' -f1 /proc/loadavg)"
done
if [ -n "${KEEP:-}" ]; then
  rm -rf "$KEEP"
  mv "$work/data" "$KEEP"
  cp "$work/sources.toml" "$KEEP.sources.toml"
fi
