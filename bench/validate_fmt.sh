#!/bin/sh
# validate_fmt.sh [NODES]: the validate and fmt benchmark (issue 2, point 8).
#
# Builds a release weir in build-bench/ (meson --buildtype=release
# -Dtests=false), generates a NODES-node pipeline (default 10,000) with
# bench/gen_pipeline.py, then measures with hyperfine (--warmup 2 --runs 10,
# median) and /usr/bin/time -f %M (peak RSS, median of 5 runs):
#   weir validate DIR          the command under test
#   the same on one CPU        (taskset -c 0; the loader reads layout.yaml on
#                              a second thread, which only helps with a free core)
#   weir fmt --check DIR       on the canonical folder: nothing to change
#   weir fmt COPY              rewriting a shuffled (non-canonical) pipeline.yaml
#   yaml_floor pipeline.yaml   the floor: a bare libyaml event parse
#   yaml_floor pipeline.yaml layout.yaml   (validate reads both files)
# and, last, validate and the floor in 15 alternating pairs (a busy spell on
# a shared machine then slows both, not one row).
# The fmt rows are skipped, and say so, while `weir fmt` is not implemented.
# Prints a Markdown table for bench/README.md.  Needs: meson, ninja,
# hyperfine, python3, /usr/bin/time (Debian package `time`); valgrind (optional,
# for the instruction counts).
# Environment: BUILD (build dir, default ROOT/build-bench), KEEP=1 keeps the
# generated folders.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench}
nodes=${1:-10000}
runs=10
mem_runs=5

for tool in meson ninja hyperfine python3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "validate_fmt.sh: needs $tool" >&2
        exit 2
    }
done

fail() {
    printf '%s\n' "$2" >&2
    echo "validate_fmt.sh: $1 failed" >&2
    exit 1
}
if [ ! -f "$build/build.ninja" ]; then
    out=$(meson setup "$build" "$root" --buildtype=release -Dtests=false 2>&1) ||
        fail "meson setup" "$out"
fi
out=$(ninja -C "$build" tui/weir bench/yaml_floor 2>&1) || fail "ninja" "$out"
weir=$build/tui/weir
floor=$build/bench/yaml_floor
# Other jobs on the machine skew wall times; the table says how busy it was.
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

work=$(mktemp -d /tmp/weir-bench.XXXXXX)
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
p=$work/pipeline
python3 "$root/bench/gen_pipeline.py" "$p" --nodes "$nodes"
python3 "$root/bench/gen_pipeline.py" "$work/shuffled" --nodes "$nodes" --shuffle

# The pipeline must be valid, or we would be timing the error path.
"$weir" validate "$p" >"$work/validate.out" 2>&1 || {
    cat "$work/validate.out" >&2
    echo "validate_fmt.sh: the generated pipeline does not validate" >&2
    exit 1
}

# Is fmt implemented?  The placeholder exits 2 with "not implemented".
have_fmt=1
if "$weir" fmt --check "$p" >"$work/fmt.out" 2>&1; then
    :
else
    rc=$?
    if grep -q "not implemented" "$work/fmt.out"; then
        have_fmt=0
    elif [ $rc -eq 1 ]; then
        # Not canonical as generated: make it so, so --check times the
        # nothing-to-do path, and record that the generator needs a look.
        echo "note: weir fmt changed the generated pipeline; fmt --check runs on fmt's output" >&2
        "$weir" fmt "$p" >/dev/null
        "$weir" fmt --check "$p" >/dev/null || {
            echo "validate_fmt.sh: weir fmt --check fails right after weir fmt" >&2
            exit 1
        }
    else
        cat "$work/fmt.out" >&2
        exit 1
    fi
fi
if [ $have_fmt = 1 ]; then
    cp -r "$p" "$work/copy"
fi

# name|command|prepare (run before each timing run; empty for none)
{
    echo "weir validate|$weir validate $p|"
    if command -v taskset >/dev/null 2>&1; then
        echo "weir validate, one CPU (taskset -c 0)|taskset -c 0 $weir validate $p|"
    fi
    if [ $have_fmt = 1 ]; then
        echo "weir fmt --check|$weir fmt --check $p|"
        restore="cp $work/shuffled/pipeline.yaml $work/copy/pipeline.yaml"
        echo "weir fmt (rewrite)|$weir fmt $work/copy|$restore"
    fi
    echo "floor: yaml_floor pipeline.yaml|$floor $p/pipeline.yaml|"
    echo "floor: yaml_floor pipeline.yaml layout.yaml|$floor $p/pipeline.yaml $p/layout.yaml|"
} >"$work/commands"

i=0
while IFS='|' read -r name cmd prep; do
    i=$((i + 1))
    if [ -n "$prep" ]; then
        hyperfine -N --warmup 2 --runs $runs --prepare "$prep" --export-json "$work/h$i.json" \
            -n "$name" "$cmd" >/dev/null
    else
        hyperfine -N --warmup 2 --runs $runs --export-json "$work/h$i.json" -n "$name" "$cmd" \
            >/dev/null
    fi
    : >"$work/m$i"
    k=0
    while [ $k -lt $mem_runs ]; do
        [ -z "$prep" ] || sh -c "$prep"
        # shellcheck disable=SC2086 # cmd is a word list by design
        /usr/bin/time -f %M -o "$work/t" $cmd >/dev/null 2>&1 || true
        tail -n 1 "$work/t" >>"$work/m$i"
        k=$((k + 1))
    done
    # Instructions executed (callgrind, one run: deterministic, so the one
    # column that does not move when other jobs share the machine).
    echo 0 >"$work/ir$i"
    if command -v valgrind >/dev/null 2>&1; then
        [ -z "$prep" ] || sh -c "$prep"
        # shellcheck disable=SC2086
        valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd 2>&1 >/dev/null |
            sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' >"$work/ir$i"
    fi
done <"$work/commands"

# Paired runs: validate and the floor one after the other, 15 times, so that
# a busy spell on the machine slows both rather than one row of the table.
: >"$work/pairs"
k=0
while [ $k -lt 15 ]; do
    for c in "$weir validate $p" "$floor $p/pipeline.yaml"; do
        hyperfine -N --runs 1 --export-json "$work/one.json" "$c" >/dev/null 2>&1
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' \
            "$work/one.json" >>"$work/pairs"
    done
    k=$((k + 1))
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
python3 - "$work" "$i" "$nodes" "$have_fmt" "$load_start" "$load_end" <<'EOF'
import json, os, statistics, sys
work, n, nodes, have_fmt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
load_start, load_end = sys.argv[5], sys.argv[6]
rows = []
for i in range(1, n + 1):
    r = json.load(open(os.path.join(work, "h%d.json" % i)))["results"][0]
    kib = [int(x) for x in open(os.path.join(work, "m%d" % i)).read().split()]
    ir = int(open(os.path.join(work, "ir%d" % i)).read().strip() or 0)
    rows.append((r["command"], r["median"], min(r["times"]), max(r["times"]),
                 r["user"] + r["system"], statistics.median(kib) / 1024, ir))
floor = next(r for r in rows if r[0] == "floor: yaml_floor pipeline.yaml")

size = os.path.getsize(os.path.join(work, "pipeline", "pipeline.yaml"))
lsize = os.path.getsize(os.path.join(work, "pipeline", "layout.yaml"))
print("%d nodes; pipeline.yaml %.2f MB, layout.yaml %.2f MB; hyperfine --warmup 2 --runs 10"
      % (nodes, size / 1e6, lsize / 1e6))
print("load average (1, 5, 15 min) before: %s; after: %s" % (load_start, load_end))
print()
print("| command | wall, median | min – max | × floor | CPU (user+sys, mean) | instructions"
      " (× floor) | peak RSS (median of 5) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, med, lo, hi, cpu, mib, ir in rows:
    irs = "%.0f M (%.2f×)" % (ir / 1e6, ir / floor[6]) if ir and floor[6] else "n/a"
    print("| %s | %.1f ms | %.1f – %.1f ms | %.2f× | %.1f ms | %s | %.1f MiB |"
          % (name, med * 1e3, lo * 1e3, hi * 1e3, med / floor[1], cpu * 1e3, irs, mib))
pairs = [float(x) for x in open(os.path.join(work, "pairs")).read().split()]
v, f = statistics.median(pairs[0::2]), statistics.median(pairs[1::2])
print()
print("paired runs (validate, floor, alternating, 15 each): validate %.1f ms, floor %.1f ms, "
      "%.2f× (medians)" % (v * 1e3, f * 1e3, v / f))
if not have_fmt:
    print()
    print("weir fmt is not implemented in this build: validate only.")
EOF
