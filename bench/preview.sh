#!/bin/sh
# Preview benchmarks (issue 5, point 10).  Medians of several runs; figures
# go in bench/README.md, ## preview.
#
#   sh bench/preview.sh [RUNS]
#
# 1. Lua: weir's transform runner over 1,000,000 eight-field records beside
#    the floor, a bare C loop calling the same function through the Lua C API
#    on the same records: with record tables sized for the record (the
#    issue's floor) and sized for the result (as weir sizes them), each also
#    reading the results back.
# 2. SQL: a GROUP BY over 1,000,000 rows (a 62 MB CSV sample) beside the
#    sqlite3 shell on the same data: cold (read the CSV + load + query, vs
#    the shell's .import + query) and a rerun after editing the SQL (inputs
#    cached in the engine's database, vs the shell's query alone).
# 3. A cold 10,000-record preview of a five-node pipeline (target < 50 ms).
#
# Times are CPU time of the measuring thread (the machine is shared: waiting
# for a core is not the engine's cost); PREVIEW_BENCH_WALL=1 for wall time.
set -eu
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build-preview-bench
[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" --buildtype=release -Dtests=false >/dev/null
ninja -C "$BUILD" bench/preview_bench >/dev/null
B=$BUILD/bench/preview_bench
DIR=$(mktemp -d /tmp/weir-preview-bench-XXXXXX)
trap 'rm -rf "$DIR"' EXIT
"$B" gen "$DIR" 10000

echo "== machine"
nproc
grep -m1 'model name' /proc/cpuinfo || true
uptime

echo "== 1. Lua"
"$B" lua 1000000 "$RUNS"

echo "== 2. SQL GROUP BY over 1,000,000 rows"
"$B" pipeline "$DIR" agg_out "$RUNS" 1000000
"$B" node "$DIR" by_country "$RUNS" 1000000
cat >"$DIR/shell.sql" <<SQL
CREATE TABLE big(id INTEGER, user TEXT, amount REAL, qty INTEGER, country TEXT, ok BOOLEAN,
                 placed_at TIMESTAMP, note TEXT);
.import --csv --skip 1 $DIR/samples/big.csv big
.timer on
$(cat "$DIR/sql/by_country.sql");
SQL
i=0
: >"$DIR/shell.times"
while [ $i -lt "$RUNS" ]; do
    # user+sys CPU of the whole shell (import + query), and of the query alone
    /usr/bin/time -f "%U %S" -o "$DIR/t" sqlite3 :memory: <"$DIR/shell.sql" >"$DIR/out"
    q=$(grep 'Run Time' "$DIR/out" | awk '{print ($6 + $8) * 1000}')
    awk -v q="$q" '{printf "%.1f %.1f\n", ($1 + $2) * 1000, q}' "$DIR/t" >>"$DIR/shell.times"
    i=$((i + 1))
done
sort -n "$DIR/shell.times" | awk '{a[NR]=$1} END {printf "sqlite3 shell, .import + query, median of %d: %.1f ms\n", NR, a[int((NR+1)/2)]}'
sort -k2 -n "$DIR/shell.times" | awk '{a[NR]=$2} END {printf "sqlite3 shell, query alone (.timer), median of %d: %.1f ms\n", NR, a[int((NR+1)/2)]}'

echo "== 3. cold 10,000-record preview of a five-node pipeline"
"$B" pipeline "$DIR" out "$((RUNS * 2))" 0
PREVIEW_BENCH_WALL=1 "$B" pipeline "$DIR" out "$((RUNS * 2))" 0 | sed 's/^/wall: /'
