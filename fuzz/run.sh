#!/bin/sh
# fuzz/run.sh [SECONDS] [BUILD_DIR]: a bounded libFuzzer run for CI.
#
# Sets up (once) a clang build with -Dfuzz=true under ASan+UBSan, builds
# every fuzz target and runs each for SECONDS (default 60) on a copy of its
# seed corpus, with the YAML dictionary.  Exits non-zero on any crash, leak,
# sanitizer report, timeout or out-of-memory; prints one summary line per
# target.  Needs clang (Debian: clang, which ships libFuzzer).
set -eu

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build-fuzz}
targets="${FUZZ_TARGETS:-load split}"

if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz/run.sh: clang is needed (apt-get install clang)" >&2
    exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" "$root" -Dfuzz=true -Dtests=false \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all' >/dev/null
fi
for t in $targets; do
    ninja -C "$build" "fuzz/fuzz_$t" >/dev/null
done

work=$(mktemp -d "${TMPDIR:-/tmp}/weir-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
status=0
for t in $targets; do
    mkdir -p "$work/$t/corpus" "$work/$t/crashes"
    log="$work/$t/log"
    # The first corpus folder collects new inputs; the seeds stay untouched.
    set +e
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=131072 \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
        -error_exitcode=77 -timeout_exitcode=78 \
        -dict="$root/fuzz/yaml.dict" -artifact_prefix="$work/$t/crashes/" \
        -print_final_stats=1 \
        "$work/$t/corpus" "$root/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    found=$(ls "$work/$t/corpus" | wc -l)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz_$t: ok, ${runs:-?} runs in ${secs}s, coverage ${cov:-?}, $found new inputs"
    else
        status=1
        echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs; the log ends:" >&2
        tail -n 40 "$log" >&2
        for a in "$work/$t/crashes"/*; do
            [ -f "$a" ] || continue
            keep="$root/fuzz/crash-$t-$(basename "$a")"
            cp "$a" "$keep"
            echo "fuzz_$t: input kept as $keep (reproduce: $build/fuzz/fuzz_$t $keep)" >&2
        done
    fi
done
exit $status
