#!/usr/bin/env bash
# Each search of benches/search.lua asked once, the first time, on a quiet
# server (issue 15's "single search with no load"), binary against binary:
# for each run and each binary in turn, `veille serve` on DIR's data, once
# it says its counts are ready and has answered three searches outside the
# mix (its threads and allocator started), asks each search of the mix once.
# Prints each run's p50, then per binary the median of each search over the
# runs and the p50 of those medians.
#
#   benches/alone.sh DIR RUNS BIN[@DIR]...
#
# DIR: a directory kept by `KEEP_DATA=DIR benches/scale.sh` (DIR/data,
# DIR/sources.toml); BIN@DIR serves that binary on another one (each
# binary on the index it wrote). Each binary must read its index's schema.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
runs=$2
shift 2
work=$(mktemp -d)
serving=""
cleanup() {
  [ -n "$serving" ] && kill "$serving" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
paths=$(grep -oE '"/api/search[^"]*"' benches/search.lua | tr -d '"')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for run in $(seq 1 "$runs"); do
  k=0
  for arg in "$@"; do
    k=$((k + 1))
    bin=${arg%%@*}
    data=$dir
    [ "$bin" != "$arg" ] && data=${arg#*@}
    # By position: the same binary may serve two directories.
    name="$k.$(basename "$bin")"
    log="$work/serve.log"
    "$bin" --config "$data/sources.toml" --data "$data/data" --listen "127.0.0.1:$port" serve > "$log" 2>&1 &
    serving=$!
    for _ in $(seq 1 300); do
      grep -aq "the index's counts are ready" "$log" && break
      sleep 0.2
    done
    sleep 1
    for warm in water bread river; do
      curl -s -o /dev/null "http://127.0.0.1:$port/api/search?q=$warm"
    done
    out="$work/$name.$run"
    : > "$out"
    for path in $paths; do
      echo "$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path") $path" >> "$out"
    done
    kill -INT "$serving"
    wait "$serving" 2>/dev/null || true
    serving=""
    python3 -c "
import statistics, sys
ms = sorted(float(l.split()[0]) * 1000 for l in open(sys.argv[1]))
print(f'run {sys.argv[2]}, {sys.argv[3]}: first-time p50 {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms')
" "$out" "$run" "$arg"
    sleep 3
  done
done
k=0
for arg in "$@"; do
  k=$((k + 1))
  name="$k.$(basename "${arg%%@*}")"
  python3 - "$arg" "$work/$name".* <<'EOF'
import statistics, sys
runs = [{l.split()[1]: float(l.split()[0]) * 1000 for l in open(f)} for f in sys.argv[2:]]
medians = {path: statistics.median(r[path] for r in runs) for path in runs[0]}
for path, ms in medians.items():
    print(f"{ms:7.1f} ms  {path}")
print(f"{sys.argv[1]}: p50 of the {len(medians)} searches' medians over {len(runs)} runs: "
      f"{statistics.median(medians.values()):.1f} ms")
EOF
done
