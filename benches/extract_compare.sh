#!/usr/bin/env bash
# Side-by-side extraction benchmark: veille, trafilatura (Python) and
# dom_smoothie (a Rust port of Readability.js) on the same pages, scored
# against the text of each page's expected.html (word-level precision,
# recall, F1) and its expected-metadata.json (title, author, date,
# language), with pages per second and peak memory, single-threaded.
#
#   benches/extract_compare.sh [PAGES] [RUNS]
#
# PAGES: a folder of page folders (source.html, expected.html,
# expected-metadata.json); default ../shared/fixtures/pages/readability
# (130 pages), or tests/fixtures/pages (the 16 copied). RUNS: timing runs per
# extractor, the best is kept (default 3).
#
# Each extractor runs as one process over all pages. veille and the peer
# are timed as whole processes (start, reading, JSON output included);
# trafilatura only over its extraction calls (its import and file reading
# are left out), which favours it. Peak memory is each process's maximum
# resident set size (/usr/bin/time -v). trafilatura is installed from PyPI
# into a throwaway virtualenv; the peer is built outside the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
pages=$(cd "${1:-../shared/fixtures/pages/readability}" && pwd)
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building veille (release)…" >&2
cargo build --release --quiet --bin veille

echo "building the Rust peer (dom_smoothie) outside the workspace…" >&2
mkdir -p "$work/peer/src"
cp benches/extract_peer.rs "$work/peer/src/main.rs"
cat > "$work/peer/Cargo.toml" <<'TOML'
[package]
name = "extract-peer"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
dom_smoothie = "0.19"
serde_json = "1"

[profile.release]
codegen-units = 1

[workspace]
TOML
CARGO_TARGET_DIR="$target/extract-peer" cargo build --release --quiet --manifest-path "$work/peer/Cargo.toml"
peer="$target/extract-peer/release/extract-peer"

echo "installing trafilatura into a throwaway virtualenv…" >&2
python3 -m venv "$work/venv"
# lxml_html_clean: jusText (a trafilatura dependency) imports lxml.html.clean,
# which lxml 5.2+ ships as a separate package.
"$work/venv/bin/pip" install --quiet --disable-pip-version-check trafilatura lxml_html_clean >&2
trafv=$("$work/venv/bin/python" -c 'import trafilatura; print(trafilatura.__version__)')

python3 benches/extract_compare.py manifest "$pages" "$work/manifest.tsv"
n=$(wc -l < "$work/manifest.tsv")

# best_of NAME CMD...: runs CMD $runs times (stdout to $work/NAME.jsonl),
# keeps the fastest run's seconds (the "extraction_seconds" it reports on
# stderr if any, else its wall time) and the largest peak RSS.
best_of() {
  local name=$1; shift
  local best="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -v "$@" > "$work/$name.jsonl" 2> "$work/$name.time"
    local secs
    secs=$(grep -oP 'extraction_seconds \K[0-9.]+' "$work/$name.time" || true)
    if [ -z "$secs" ] || [ "$name" != trafilatura ]; then
      secs=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}' \
        | python3 -c 'import sys; p=sys.stdin.read().strip().split(":"); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))')
    fi
    local r
    r=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')
    [ "$r" -gt "$rss" ] && rss=$r
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $secs < $best else 1)"; then best=$secs; fi
  done
  echo "$name $best $rss" >> "$work/speed.txt"
}

echo "timing ($runs runs each, best kept)…" >&2
best_of veille taskset -c 0 "$target/release/veille" --quiet extract --manifest "$work/manifest.tsv"
best_of dom_smoothie taskset -c 0 "$peer" "$work/manifest.tsv"
best_of trafilatura taskset -c 0 env PYTHONHASHSEED=0 "$work/venv/bin/python" benches/extract_compare.py trafilatura "$work/manifest.tsv" /dev/stdout

echo
python3 benches/extract_compare.py score "$pages" \
  "veille=$work/veille.jsonl" "trafilatura $trafv=$work/trafilatura.jsonl" "dom_smoothie 0.19=$work/dom_smoothie.jsonl"
echo
echo "speed, single-threaded (one core), $n pages:"
echo
echo "| extractor | seconds | pages/s | × trafilatura | peak RSS |"
echo "| --- | --- | --- | --- | --- |"
python3 - "$work/speed.txt" "$n" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
n = int(sys.argv[2])
t = {r[0]: float(r[1]) for r in rows}
for name, secs, rss in rows:
    s = float(secs)
    print(f"| {name} | {s:.3f} | {n / s:.0f} | {t['trafilatura'] / s:.1f} | {int(rss) / 1024:.0f} MiB |")
PY
