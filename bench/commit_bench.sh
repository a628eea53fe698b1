#!/bin/sh
# commit_bench.sh [FILES...]: `weir commit` beside `git add` + `git commit`
# of the same change (issue 6, point 9).  Target: weir at most half git's
# time.
#
# Builds a release weir and bench/commit_floor, commit_fsync and
# commit_inproc in build-bench/ (meson --buildtype=release -Dtests=false;
# BUILD= to use another build dir, or WEIR=, FLOOR=, FSYNC= and INPROC= to
# use given binaries).  For each FILES (default: 2000 20000) makes a
# repository with that many unrelated files (100 folders) and two pipelines
# in subfolders — samples/customer_360 and a generated 1,000-node pipeline
# (bench/gen_pipeline.py, ~800 files) — and before every timed run appends
# a line to one SQL file of the pipeline under test (hyperfine --prepare).
# Then, per pipeline, with hyperfine (--warmup 3, RUNS= runs, default 20,
# median):
#   weir commit DIR -m MSG            what the user runs: validate, bump the
#                                     version (rewriting pipeline.yaml
#                                     atomically, with fsync), commit
#   git add DIR && git commit -m MSG  the same change through the git CLI
# and, once per repository, the floors under any `weir commit`:
#   weir --version                    starting the weir process (its shared
#                                     libraries), nothing else
#   commit_floor REPO                 a process that initialises libgit2 and
#                                     opens the repository, nothing more
#   commit_fsync FILE 2000            one atomic write with fsync, as the
#                                     version bump makes (git does not fsync)
# and per pipeline the commit as the TUI makes it, in a running process
# (bench/commit_inproc.c: vcs_open + vcs_commit + vcs_close after the same
# change, RUNS times).  Prints a Markdown table for bench/README.md.
# Needs: meson, ninja, git, hyperfine, python3.  KEEP=1 keeps the
# temporary folder.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench}
nodes=1000
runs=${RUNS:-20}
sizes=${*:-2000 20000}

for tool in git hyperfine python3; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "commit_bench.sh: needs $tool" >&2
        exit 2
    }
done
if [ -n "${WEIR:-}" ] && [ -n "${FLOOR:-}" ] && [ -n "${FSYNC:-}" ] && [ -n "${INPROC:-}" ]; then
    weir=$WEIR
    floor=$FLOOR
    fsync=$FSYNC
    inproc=$INPROC
else
    if [ ! -f "$build/build.ninja" ]; then
        meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
    fi
    ninja -C "$build" tui/weir bench/commit_floor bench/commit_fsync bench/commit_inproc >/dev/null
    weir=$build/tui/weir
    floor=$build/bench/commit_floor
    fsync=$build/bench/commit_fsync
    inproc=$build/bench/commit_inproc
fi

work=$(mktemp -d /tmp/weir-commit-bench.XXXXXX)
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
export HOME="$work" GIT_CONFIG_NOSYSTEM=1

# From a hyperfine JSON export: "median | min | max | CPU" in ms, CPU being
# the mean user + system time (steadier than wall time on a busy machine);
# with two exports, the ratios of the medians and of the CPU times.
cat >"$work/stats.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
cpu = lambda r: r["user"] + r["system"]
if len(sys.argv) > 2:
    g = json.load(open(sys.argv[2]))["results"][0]
    print("%.2f | | | %.2f" % (r["median"] / g["median"], cpu(r) / cpu(g)))
else:
    print("%.1f ms | %.1f ms | %.1f ms | %.1f ms" % (
        r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3, cpu(r) * 1e3))
PY
stats() { python3 "$work/stats.py" "$@"; }

table=$work/table.md
echo "| repository | pipeline | command | median | min | max | CPU (user+sys) |" >"$table"
echo "|---|---|---|---:|---:|---:|---:|" >>"$table"

for files in $sizes; do
    repo=$work/repo$files
    git init -q -b main "$repo"
    git -C "$repo" config user.name Bench
    git -C "$repo" config user.email bench@example.com
    per=$(((files + 99) / 100))
    i=0
    while [ $i -lt "$files" ]; do
        d=$repo/src/mod$((i / per))
        [ -d "$d" ] || mkdir -p "$d"
        echo "file $i" >"$d/f$i.txt"
        i=$((i + 1))
    done
    mkdir -p "$repo/pipelines"
    cp -r "$root/samples/customer_360" "$repo/pipelines/customer_360"
    python3 "$root/bench/gen_pipeline.py" "$repo/pipelines/big" --nodes "$nodes" >/dev/null
    git -C "$repo" add -A
    git -C "$repo" commit -q -m base
    for p in customer_360 big; do
        "$weir" validate "$repo/pipelines/$p" >/dev/null 2>&1 || {
            echo "commit_bench.sh: pipelines/$p does not validate" >&2
            exit 1
        }
    done
    label="$files files"
    hyperfine -N --warmup 3 --runs $runs --export-json "$work/floor.json" \
        "$weir --version" >/dev/null
    echo "| $label | - | floor: \`weir --version\` (process start) | $(stats "$work/floor.json") |" >>"$table"
    hyperfine -N --warmup 3 --runs $runs --export-json "$work/floor.json" \
        "$floor $repo" >/dev/null
    echo "| $label | - | floor: \`commit_floor\` (libgit2 init + open) | $(stats "$work/floor.json") |" >>"$table"
    hyperfine -N --warmup 3 --runs $runs --export-json "$work/floor.json" \
        "$fsync $work/fsync-probe.txt 2000" >/dev/null
    echo "| $label | - | floor: \`commit_fsync\` (one atomic write, fsync) | $(stats "$work/floor.json") |" >>"$table"
    for p in customer_360 big; do
        dir=$repo/pipelines/$p
        sql=$(cd "$dir" && ls sql/*.sql | head -1)
        # The same change before every run: one more line in one SQL file.
        change="echo '-- run' >> '$dir/$sql'"
        hyperfine -N --warmup 3 --runs $runs --prepare "sh -c \"$change\"" \
            --export-json "$work/weir.json" "$weir commit $dir -m bench" >/dev/null
        hyperfine --warmup 3 --runs $runs --prepare "sh -c \"$change\"" \
            --export-json "$work/git.json" \
            "cd $repo && git add pipelines/$p && git commit -q -m bench" >/dev/null
        git -C "$repo" fsck --strict --no-progress --no-dangling >/dev/null
        echo "| $label | $p | \`weir commit DIR -m MSG\` | $(stats "$work/weir.json") |" >>"$table"
        echo "| $label | $p | \`git add DIR && git commit -m MSG\` | $(stats "$work/git.json") |" >>"$table"
        echo "| $label | $p | **weir / git** | $(stats "$work/weir.json" "$work/git.json") |" >>"$table"
        echo "| $label | $p | in process (the TUI's commit: \`vcs_open\` + \`vcs_commit\`) | $("$inproc" "$dir" "$dir/$sql" $runs) | - |" >>"$table"
    done
done
cat "$table"
echo
echo "($(nproc) cores, $(uname -m), $(git --version), load average $(cut -d' ' -f1-3 /proc/loadavg))"
