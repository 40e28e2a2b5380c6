#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each under
# libFuzzer, on stable Rust (cargo-fuzz, --sanitizer none: see README.md),
# and prints each target's executions, corpus size and crashes.
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# (SECONDS 0: no fuzzing, only the MERGE below.)
# Seeds: the committed corpus (fuzz/corpus/<target>/), the reproducers of
# fixed crashes (fuzz/regressions/<target>/), and, when the real-world
# fixtures are there ($FIXTURES, default ../shared/fixtures beside the
# repository), seeds made from them in fuzz/work/seeds/<target>/.
# What a run finds goes to fuzz/work/corpus/<target>/ (not committed); a
# crash, hang or out-of-memory input to fuzz/artifacts/<target>/.
#
# MERGE=1 then folds the run's finds into fuzz/corpus/<target>/, minimized
# (libFuzzer -set_cover_merge=1 -use_counters=0: a small set of inputs that
# reaches every edge the corpus, the finds and the seeds reach).
set -euo pipefail

fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
fixtures="${FIXTURES:-$repo/../shared/fixtures}"
all_targets=(feed extract robots config opml search date)

secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# Longest input per target (libFuzzer -max_len), bytes.
max_len() {
    case "$1" in
        feed) echo 16384 ;;
        extract) echo 16384 ;;
        robots) echo 8192 ;;
        config) echo 16384 ;;
        opml) echo 32768 ;;
        search) echo 1100 ;;
        date) echo 512 ;;
    esac
}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
build_flags=(--fuzz-dir "$fuzz/libfuzzer" --target-dir "$fuzz/libfuzzer/target"
    --sanitizer none --release --debug-assertions)
cargo fuzz build "${build_flags[@]}" >&2
bin_dir="$fuzz/libfuzzer/target/$(rustc -vV | sed -n 's/^host: //p')/release"

# Seeds from the real-world fixtures, made once.
make_seeds() {
    local t="$1" dir="$fuzz/work/seeds/$1"
    [ -d "$dir" ] && return
    mkdir -p "$dir"
    [ -d "$fixtures" ] || return 0
    case "$t" in
        feed)
            cp "$fixtures"/feeds/wellformed/*/*.xml "$dir"/ 2>/dev/null || true
            find "$fixtures/feeds" -type f \( -name '*.xml' -o -name '*.json' \) |
                while read -r f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)"; done
            ;;
        extract)
            find "$fixtures/pages/readability" -name source.html |
                while read -r f; do cp "$f" "$dir/$(basename "$(dirname "$f")").html"; done
            find "$fixtures/pages/fundus" -name '*.html.gz' |
                while read -r f; do gzip -dc "$f" >"$dir/$(basename "$f" .gz)"; done
            ;;
        robots) ;;
        config) cp "$repo"/sources.toml "$repo"/tests/fixtures/config/*.toml "$dir"/ ;;
        opml) cp "$repo"/tests/fixtures/opml/*.opml "$dir"/ ;;
        search) ;;
        date)
            # Dates as feeds and pages write them.
            {
                grep -rhoE '<(pubDate|dc:date|updated|published|issued|modified|created|lastBuildDate)>[^<]{1,80}' \
                    "$fixtures/feeds" | sed 's/^<[^>]*>//'
                grep -rhoE '"(publishedTime|publishing_date)": *"[^"]{1,80}"' "$fixtures/pages" |
                    sed 's/^[^:]*: *"//; s/"$//'
            } | sort -u | head -2000 | while IFS= read -r d; do
                printf '%s' "$d" >"$dir/$(printf '%s' "$d" | md5sum | cut -c1-16)"
            done
            ;;
    esac
}

summary=()
status=0
for t in "${targets[@]}"; do
    make_seeds "$t"
    mkdir -p "$fuzz/work/corpus/$t" "$fuzz/artifacts/$t" "$fuzz/corpus/$t" "$fuzz/regressions/$t"
    log="$fuzz/work/$t.log"
    before=$(find "$fuzz/artifacts/$t" -type f | wc -l)
    echo "== $t: ${secs}s" >&2
    : >"$log"
    rc=0
    if [ "$secs" -gt 0 ]; then
        "$bin_dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
            -max_len="$(max_len "$t")" -print_final_stats=1 \
            -artifact_prefix="$fuzz/artifacts/$t/" \
            "$fuzz/work/corpus/$t" "$fuzz/corpus/$t" "$fuzz/regressions/$t" "$fuzz/work/seeds/$t" \
            >"$log" 2>&1 || rc=$?
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crashes=$(($(find "$fuzz/artifacts/$t" -type f | wc -l) - before))
    if [ "$rc" -ne 0 ]; then
        status=1
        grep -m1 -E 'panicked|ERROR: libFuzzer|deadly signal|timeout' "$log" >&2 || true
        echo "   $t stopped (exit $rc): see $log and $fuzz/artifacts/$t/" >&2
    fi
    if [ "${MERGE:-0}" = 1 ]; then
        merged="$fuzz/work/merged/$t"
        rm -rf "$merged" && mkdir -p "$merged"
        "$bin_dir/$t" -set_cover_merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=4096 \
            -max_len="$(max_len "$t")" \
            "$merged" "$fuzz/corpus/$t" "$fuzz/work/corpus/$t" "$fuzz/work/seeds/$t" \
            >"$fuzz/work/$t.merge.log" 2>&1
        rm -rf "$fuzz/corpus/$t" && mv "$merged" "$fuzz/corpus/$t"
    fi
    files=$(find "$fuzz/corpus/$t" -type f | wc -l)
    size=$(du -sk "$fuzz/corpus/$t" | cut -f1)
    summary+=("$(printf '%-8s %12s %14s %8s' "$t" "${execs:-?}" "$files files ${size}K" "$crashes")")
done

printf '%-8s %12s %14s %8s\n' target executions corpus crashes
printf '%s\n' "${summary[@]}"
exit "$status"
