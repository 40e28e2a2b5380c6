#!/usr/bin/env bash
# The browser test of veille's web pages (see browser.test.mjs): installs
# what it needs when missing (Debian's chromium, Node.js, playwright-core
# from package-lock.json; never a browser download), builds the veille
# binary, then runs the test with Node's test runner. When chromium cannot
# be installed, it says so loudly and skips; it never skips silently.
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM

apt_install() {
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      runner=(sudo -n)
    else
      return 1
    fi
  fi
  command -v apt-get >/dev/null || return 1
  "${runner[@]}" apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq --no-install-recommends "$@" || return 1
}

if [ ! -x "$CHROMIUM" ]; then
  echo "browser test: $CHROMIUM is missing: installing Debian's chromium"
  if ! apt_install chromium || [ ! -x "$CHROMIUM" ]; then
    echo "SKIPPED: browser test: chromium could not be installed with apt-get" \
         "(no root, no apt-get or no package): the web pages were NOT tested in a browser"
    exit 0
  fi
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "browser test: installing Node.js and npm"
  apt_install nodejs npm || { echo "browser test: Node.js could not be installed" >&2; exit 1; }
fi

npm ci --no-audit --no-fund --loglevel=error
(cd ../.. && cargo build --locked --bin veille)
target_dir="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
export VEILLE_BIN="${VEILLE_BIN:-$target_dir/debug/veille}"
node --test --test-reporter=spec browser.test.mjs
