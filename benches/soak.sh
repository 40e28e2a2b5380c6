#!/usr/bin/env bash
# Soak: `veille run` (release) over a loopback world of SOURCES RSS feeds
# for SECONDS, with 32 search clients (wrk) and a stream of curators'
# reviews at the same time. Samples the server's resident memory and open
# file descriptors every 10 s, counts every answer's status (5xx must be 0),
# then stops veille with Ctrl-C (SIGINT), runs `veille verify --json` (the
# store intact, the index holding exactly the store's items, statuses and
# versions) and checks that every acknowledged review is in the audit log.
#
#   benches/soak.sh [SECONDS] [SOURCES]     (default 600 s, 2000 sources)
#
# The world (benches/soak_world.py) serves source K on 127.0.0.(2 + K % H),
# H = SOURCES / 10 hosts (at most 200), since the crawler keeps one request
# at a time per host; each feed publishes a new entry every 4 minutes and
# each source is scheduled every minute (`S * * * * *`, the seconds spread).
# Everything stays on 127.0.0.0/8. Needs wrk (installed with apt-get if
# missing) and python3. SOAK_PUBLISH_PERIOD=0 keeps the world still (no new
# entries after the first four per feed); SOAK_REVIEWS_PER_SECOND (default
# 4) sets the reviews' pace. VEILLE_BIN=path uses a built binary instead of
# `cargo build --release --locked`; SOAK_KEEP=DIR copies the samples and the
# logs there. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
sources=${2:-2000}
hosts=$(( sources / 10 ))
[ "$hosts" -gt 200 ] && hosts=200
[ "$hosts" -lt 1 ] && hosts=1
review_rate=${SOAK_REVIEWS_PER_SECOND:-4}
work=$(mktemp -d)
world=""
veille=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$veille" ] && kill "$veille" 2>/dev/null || true
  [ -n "$world" ] && kill "$world" 2>/dev/null || true
  if [ -n "${SOAK_KEEP:-}" ]; then
    mkdir -p "$SOAK_KEEP"
    cp "$work"/*.csv "$work"/*.txt "$work"/*.json "$work"/*.log "$SOAK_KEEP"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

command -v wrk > /dev/null || apt-get install -y wrk > /dev/null || { apt-get update > /dev/null && apt-get install -y wrk > /dev/null; }
if [ -z "${VEILLE_BIN:-}" ]; then
  cargo build --release --locked --quiet
fi
bin=${VEILLE_BIN:-${CARGO_TARGET_DIR:-target}/release/veille}

# The world, on 127.0.0.2 .. 127.0.0.(hosts + 1).
for _ in 1 2 3 4 5; do
  wport=$(free_port)
  python3 benches/soak_world.py "$sources" "$hosts" "$wport" "$work/world.json" > "$work/world.log" 2>&1 &
  world=$!
  for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.2:$wport/robots.txt" > /dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.2:$wport/robots.txt" > /dev/null 2>&1 && break
  kill "$world" 2>/dev/null || true
  world=""
done
[ -n "$world" ] || { echo "the world server did not start" >&2; cat "$work/world.log" >&2; exit 1; }

{
  printf '[crawler]\nuser_agent = "veille-soak (+http://127.0.0.1/contact)"\n'
  printf 'allow_private_networks = true\nmin_host_delay_ms = 0\n'
  for k in $(seq 0 $((sources - 1))); do
    printf '\n[[source]]\nid = "soak-%d"\nname = "Soak network %d"\nurl = "http://127.0.0.%d:%d/feeds/%d.rss"\nkind = "feed"\nschedule = "%d * * * * *"\n' \
      "$k" "$k" $((2 + k % hosts)) "$wport" "$k" $((k % 60))
  done
} > "$work/sources.toml"

api=$(free_port)
curators="alice bob carol dave"
tokens=$(for c in $curators; do printf '%s=soak-token-%s-0123456789abcdef,' "$c" "$c"; done)
tokens=${tokens%,}
VEILLE_CURATOR_TOKENS="$tokens" VEILLE_WRITES_PER_MINUTE=1000000 \
  "$bin" --log-format json --config "$work/sources.toml" --data "$work/data" \
  --listen "127.0.0.1:$api" run > /dev/null 2> "$work/veille.log" &
veille=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$api/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$api/healthz" > /dev/null || { echo "veille did not answer" >&2; tail "$work/veille.log" >&2; exit 1; }
echo "soak: $seconds s, $sources sources on $hosts loopback hosts, 32 search connections, ~$review_rate reviews/s; veille pid $veille"

# Every 10 s: resident memory (with its anonymous and file-mapped parts:
# the index is memory-mapped), open descriptors, threads, items in the
# store, data on disk.
started=$(date +%s)
(
  echo "seconds,rss_kib,anon_kib,file_kib,hwm_kib,fds,threads,items,data_kib"
  next=$started
  while kill -0 "$veille" 2>/dev/null; do
    status=$(cat "/proc/$veille/status" 2>/dev/null || true)
    field() { echo "$status" | awk -v f="$1:" '$1 == f {print $2}'; }
    # (|| true: du and ls fail when a file vanishes under them, which
    # pipefail and set -e would turn into the sampler's end.)
    fds=$(ls "/proc/$veille/fd" 2>/dev/null | wc -l || true)
    items=$(curl -fs -m 10 "http://127.0.0.1:$api/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"])' 2>/dev/null || echo "")
    disk=$(du -sk "$work/data" 2>/dev/null | cut -f1 || true)
    echo "$(( $(date +%s) - started )),$(field VmRSS),$(field RssAnon),$(field RssFile),$(field VmHWM),$fds,$(field Threads),$items,$disk"
    next=$(( next + 10 ))
    now=$(date +%s)
    [ "$next" -gt "$now" ] && sleep $(( next - now ))
  done
) > "$work/samples.csv" &
sampler=$!

python3 benches/soak_reviews.py "http://127.0.0.1:$api" "$seconds" "$review_rate" "$work/reviews.jsonl" \
  ${tokens//,/ } \
  > "$work/reviews.json" 2> "$work/reviews.log" &
reviews=$!
wrk -t2 -c32 -d"${seconds}s" --timeout 30s -s benches/soak.lua "http://127.0.0.1:$api" > "$work/wrk.txt" 2>&1 || true
wait "$reviews" || true
sleep 1
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""

# Ctrl-C, then how long veille takes to stop.
stop_started=$(date +%s.%N)
kill -INT "$veille"
code=0
wait "$veille" || code=$?
veille=""
stop_took=$(python3 -c "import time; print(f'{time.time() - $stop_started:.1f}')")
kill "$world" 2>/dev/null || true
wait "$world" 2>/dev/null || true
world=""
verify_code=0
"$bin" --config "$work/sources.toml" --data "$work/data" verify --json > "$work/verify.json" || verify_code=$?

python3 - "$work" "$code" "$stop_took" "$verify_code" "$seconds" <<'EOF'
import csv, json, sqlite3, sys
from collections import Counter
work, code, stop_took, verify_code, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rows = [r for r in csv.DictReader(open(f"{work}/samples.csv")) if r["rss_kib"] not in ("", "0")]
mib = lambda kib: int(kib) / 1024
print("\nresident memory (MiB: VmRSS, and at the minute's last sample its anonymous and")
print("file-mapped parts), open descriptors, threads, items in the store; a sample every 10 s:")
print("| minute | RSS min | RSS max | RSS at end | anonymous | file-mapped | fds min–max | threads max | items |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
minutes = {}
for r in rows:
    minutes.setdefault(int(r["seconds"]) // 60, []).append(r)
for m in sorted(minutes):
    rs = minutes[m]
    rss = [mib(r["rss_kib"]) for r in rs]
    fds = [int(r["fds"]) for r in rs]
    print(f"| {m + 1} | {min(rss):.0f} | {max(rss):.0f} | {rss[-1]:.0f} | {mib(rs[-1]['anon_kib']):.0f} | "
          f"{mib(rs[-1]['file_kib']):.0f} | {min(fds)}–{max(fds)} | {max(int(r['threads']) for r in rs)} | {rs[-1]['items']} |")
rss = [mib(r["rss_kib"]) for r in rows]
fds = [int(r["fds"]) for r in rows]
first = [mib(r["rss_kib"]) for r in minutes[min(minutes)]]
last = [mib(r["rss_kib"]) for r in minutes[max(minutes)]]
mean = lambda xs: sum(xs) / len(xs)
print(f"RSS: min {min(rss):.1f} MiB, max {max(rss):.1f} MiB, peak (VmHWM) {mib(rows[-1]['hwm_kib']):.1f} MiB; "
      f"mean of the first minute {mean(first):.1f} MiB, of the last {mean(last):.1f} MiB "
      f"(difference {mean(last) - mean(first):+.1f} MiB)")
if len(minutes) > 2:
    for what, key in (("RSS", "rss_kib"), ("anonymous", "anon_kib"), ("file-mapped", "file_kib")):
        a = mean([mib(r[key]) for r in minutes[min(minutes) + 1]])
        b = mean([mib(r[key]) for r in minutes[max(minutes)]])
        print(f"{what}, mean of the second minute -> of the last: {a:.1f} -> {b:.1f} MiB ({b - a:+.1f})")
print(f"open descriptors: min {min(fds)}, max {max(fds)}, first {fds[0]}, last {fds[-1]}; "
      f"threads: max {max(int(r['threads']) for r in rows)}; data on disk at the end: {int(rows[-1]['data_kib']) / 1024:.0f} MiB")

wrk = open(f"{work}/wrk.txt").read()
print("\nsearch load (wrk, 2 threads, 32 connections):")
for line in wrk.splitlines():
    if line.startswith("statuses:") or "requests in" in line or "Requests/sec" in line:
        print("  " + line.strip())
reviews = json.load(open(f"{work}/reviews.json"))
print(f"reviews: {json.dumps(reviews)}")
print(f"acknowledged reviews per second: {reviews['review_2xx'] / seconds:.2f}")

outcomes, warnings, new, updated = Counter(), Counter(), 0, 0
for line in open(f"{work}/veille.log"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    f = e.get("fields", {})
    msg = f.get("message", "")
    if msg == "source crawled" and e.get("target") == "veille::pipeline":
        outcomes[f.get("outcome")] += 1
        new += int(f.get("new", 0))
        updated += int(f.get("updated", 0))
    elif msg == "source failed":
        outcomes["failed"] += 1
    if e.get("level") in ("ERROR", "WARN"):
        warnings[msg[:80]] += 1
print(f"crawls: {dict(outcomes)}; items new {new}, updated {updated}")
levels = Counter(json.loads(l).get("level") for l in open(f"{work}/veille.log") if l.startswith("{"))
print(f"log lines by level: {dict(levels)}")
for msg, n in warnings.most_common(10):
    print(f"  warning or error x{n}: {msg}")
world = json.load(open(f"{work}/world.json"))
print(f"world: {json.dumps(world)}")

print(f"\nveille stopped by Ctrl-C in {stop_took} s, exit code {code}")
v = json.load(open(f"{work}/verify.json"))
short = {k: (len(x) if isinstance(x, list) else x) for k, x in v.items()}
print(f"veille verify --json (exit {verify_code}): {json.dumps(short)}")

acked = [json.loads(l) for l in open(f"{work}/reviews.jsonl")]
db = sqlite3.connect(f"file:{work}/data/veille.db?mode=ro", uri=True)
notes = set()
for (after,) in db.execute("SELECT after FROM audit_log WHERE action = 'review'"):
    review = json.loads(after).get("review") or {}
    if review.get("note"):
        notes.add(review["note"])
lost = [a for a in acked if a["note"] not in notes]
print(f"acknowledged reviews: {len(acked)}, in the audit log: {len(acked) - len(lost)}, missing: {len(lost)}")
fivexx = int(wrk.split("5xx ")[1].split()[0]) if "5xx " in wrk else -1
ok = code == 0 and verify_code == 0 and v.get("agree") and not lost and fivexx == 0 \
    and reviews["review_5xx"] == 0 and reviews["search_5xx"] == 0
print("SOAK PASSED" if ok else "SOAK FAILED")
sys.exit(0 if ok else 1)
EOF
