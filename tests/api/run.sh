#!/usr/bin/env bash
# The API contract test: the OpenAPI document at /api/openapi.json must tell
# the truth. Builds the veille binary, crawls the fixture site of the
# end-to-end tests (served by site.py on 127.0.0.1) into a temporary data
# directory, makes a curator account and its token with `veille users`,
# starts `veille serve` on 127.0.0.1 (writes per minute raised, so that the
# rate limit does not stand in the way of the generated writes), then runs
# schemathesis (pinned, in a throwaway virtualenv) with every check and the
# curator's token against the document, with hooks.py (generators for the
# query grammars, and the rules between parameters that OpenAPI cannot
# state). Any failure fails the script. The test's traffic stays on
# 127.0.0.1; only pip reaches PyPI, to install schemathesis.
#
# Settings, from the environment: API_MAX_EXAMPLES (cases per operation
# and phase, default 25), API_SEED (default 1; `random` for a new one),
# VEILLE_BIN (default: the debug build), API_VENV (a virtualenv to reuse;
# default: a new one in the temporary directory), API_KEEP=1 keeps the
# temporary directory (data, logs, schemathesis' output).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

SCHEMATHESIS_VERSION=4.32.5
max_examples="${API_MAX_EXAMPLES:-25}"
seed="${API_SEED:-1}"

cargo build --locked --bin veille
target_dir="${CARGO_TARGET_DIR:-$root/target}"
bin="${VEILLE_BIN:-$target_dir/debug/veille}"

work=$(mktemp -d "${TMPDIR:-/tmp}/veille-api.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${API_KEEP:-}" = 1 ]; then
    echo "api test: kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

venv="${API_VENV:-$work/venv}"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  echo "api test: installing schemathesis $SCHEMATHESIS_VERSION into a virtualenv ($venv)"
  if ! python3 -m venv "$venv"; then
    # Debian's python3 keeps venv in a package of its own.
    echo "api test: installing Debian's python3-venv"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# The fixture site.
python3 tests/api/site.py "$work/site.port" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/site.port" ] && break; sleep 0.1; done
site="http://127.0.0.1:$(cat "$work/site.port")"

sed "s|http://fixture.local|$site|g" tests/fixtures/e2e/sources.toml >"$work/sources.toml"

veille() {
  VEILLE_LOG=warn "$bin" --config "$work/sources.toml" --data "$work/data" "$@"
}

echo "api test: crawling the fixture site at $site"
veille crawl --once | tee "$work/crawl.txt"
grep -q "sources: 4 ok, 0 failed" "$work/crawl.txt"
printf '%s\n' "carol-long-password-2024" | veille users add carol --role curator
token=$(veille users token carol)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
VEILLE_CURATOR_TOKENS="" VEILLE_WRITES_PER_MINUTE=1000000 VEILLE_LOG=warn \
  "$bin" --config "$work/sources.toml" --data "$work/data" serve --listen "127.0.0.1:$port" \
  2>"$work/serve.log" &
pids+=($!)
python3 - "$base/healthz" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("api test: veille serve did not answer at " + sys.argv[1])
PY

seed_args=()
[ "$seed" = random ] || seed_args=(--seed "$seed")
echo "api test: schemathesis run --checks all --max-examples $max_examples against $base/api/openapi.json"
status=0
# From the temporary directory, where schemathesis keeps its cache.
(cd "$work" && SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$root/tests/api" \
  "$venv/bin/schemathesis" run "$base/api/openapi.json" \
  --checks all \
  --header "Authorization: Bearer $token" \
  --max-examples "$max_examples" \
  "${seed_args[@]}" \
  --workers 2 \
  --generation-database none \
  --no-color) | tee "$work/schemathesis.txt" || status=$?
if [ "$status" -ne 0 ]; then
  echo "api test: FAILED: schemathesis found the mismatches above (server log: $work/serve.log)" >&2
  API_KEEP=1
  exit "$status"
fi
# The closing line, as test runners write it.
passed=$(grep -oE '[0-9]+ generated, [0-9]+ passed' "$work/schemathesis.txt" | grep -oE '[0-9]+ passed' | tail -1)
echo "api: ${passed:-0 passed}, 0 failed"
