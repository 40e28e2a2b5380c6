#!/usr/bin/env bash
# Titles, authors and publication dates: veille beside htmldate (extensive
# mode, original date) and trafilatura (its metadata), on fundus's 258 news
# pages and on readability's pages, scored against their expected values.
#
#   benches/fundus_compare.sh [FUNDUS] [READABILITY]
#
# FUNDUS: fundus's test data (index.tsv, test_data/), default the copy in
# tests/fixtures/pages/fundus. READABILITY: a folder of page folders
# (source.html, expected-metadata.json), default
# ../shared/fixtures/pages/readability (130 pages), or tests/fixtures/pages
# (77 of them). The rules (what counts as right) are in fundus_compare.py.
# htmldate and trafilatura are installed from PyPI into a throwaway
# virtualenv; veille runs as its release binary (`veille extract --manifest`).
# Set MISSES=1 to list veille's misses page by page after the tables.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
fundus=$(cd "${1:-tests/fixtures/pages/fundus}" && pwd)
readability=$(cd "${2:-../shared/fixtures/pages/readability}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building veille (release)…" >&2
cargo build --release --quiet --bin veille

echo "installing htmldate and trafilatura into a throwaway virtualenv…" >&2
python3 -m venv "$work/venv"
# lxml_html_clean: jusText (a trafilatura dependency) imports lxml.html.clean,
# which lxml 5.2+ ships as a separate package.
"$work/venv/bin/pip" install --quiet --disable-pip-version-check htmldate trafilatura lxml_html_clean >&2
versions=$("$work/venv/bin/python" -c 'import htmldate, trafilatura; print(htmldate.__version__, trafilatura.__version__)')
read -r htmldatev trafv <<< "$versions"

python3 benches/fundus_compare.py prepare "$fundus" "$readability" "$work"
n=$(wc -l < "$work/manifest.tsv")
echo "extracting $n pages…" >&2
start=$(date +%s.%N)
"$target/release/veille" --quiet extract --manifest "$work/manifest.tsv" > "$work/veille.jsonl"
end=$(date +%s.%N)
echo "veille: $n pages in $(python3 -c "print(f'{$end - $start:.1f}')") s (whole process)" >&2
"$work/venv/bin/python" benches/fundus_compare.py peers "$work"

echo
python3 benches/fundus_compare.py score "$work" \
  "veille=$work/veille.jsonl" "htmldate $htmldatev=$work/htmldate.jsonl" "trafilatura $trafv=$work/trafilatura.jsonl"
if [ "${MISSES:-}" = 1 ]; then
  python3 benches/fundus_compare.py misses "$work" "$work/veille.jsonl"
fi
