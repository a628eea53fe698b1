#!/bin/sh
# End-to-end tests of `weir preview`: the real binary on a copy of the
# fixture pipeline.  Usage: cli_preview.sh WEIR FIXTURES_DIR
set -u
WEIR=$1
FIX=$2
TMP=$(mktemp -d /tmp/weir-preview-cli-XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
cp -R "$FIX/shop" "$TMP/shop"
P=$TMP/shop
export LANG=C.UTF-8 LC_ALL=C.UTF-8
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run NAME EXPECTED_RC ARGS...: stdout in $TMP/out, stderr in $TMP/err
run() {
    name=$1 want=$2
    shift 2
    "$WEIR" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" -eq "$want" ] || { fail "$name: exit $rc, expected $want"; cat "$TMP/err" >&2; }
}

has() { # has NAME FILE TEXT
    grep -qF -- "$3" "$2" || { fail "$1: '$3' not in $(basename "$2")"; sed 's/^/    /' "$2" >&2; }
}

run table 0 preview "$P" mask
has table "$TMP/out" "id      │ name"
has table "$TMP/out" "integer │ text"
has table "$TMP/out" "***@example.com"
has table "$TMP/out" "∅"
grep -qE '^3 rows · [0-9]+ ms$' "$TMP/out" || fail "table: footer"
[ "$(grep -c '│' "$TMP/out")" -eq 5 ] || fail "table: 2 header lines + 3 rows expected"

run utf8 0 preview "$P" customers
has utf8 "$TMP/out" "李小龍"
has utf8 "$TMP/out" "…"
has utf8 "$TMP/out" "line one↵line two"
# Columns line up in screen cells: the second │ sits at the same cell on
# every line, wide characters included (wc -L counts display width).
widths=$(grep '│' "$TMP/out" | sed 's/│[^│]*│.*//' | while IFS= read -r l; do
    printf '%s\n' "$l" | wc -L; done | sort -u | wc -l)
[ "$widths" -eq 1 ] || fail "utf8: columns do not line up"

run jsonl 0 preview "$P" mask --format jsonl
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "jsonl: 3 lines expected"
has jsonl "$TMP/out" '"email":null'
has jsonl "$TMP/out" '"items":[{"sku":"A1","qty":2}]'
has jsonl "$TMP/out" '"big":true'

run csv 0 preview "$P" customers --format=csv
has csv "$TMP/out" 'said ""hi"", twice"'
has csv "$TMP/out" '3,Émile Zola,,FR,""'

run limit 0 preview "$P" orders --limit 1
grep -qE '^1 row · ' "$TMP/out" || fail "limit: one row expected"

(cd "$P" && "$WEIR" preview enrich >"$TMP/out" 2>"$TMP/err") || fail "cwd: exit $?"
has cwd "$TMP/out" "4 rows"

run typo 2 preview "$P" enrch
has typo "$TMP/err" "did you mean 'enrich'?"

run usage 2 preview "$P" mask --format xml
run usage_limit 2 preview "$P" mask --limit 0
run no_node 2 preview
run no_dir 2 preview "$TMP/nowhere" mask

# A failing Lua transform: exit 1, the file, line and record.
cat >"$P/lua/mask.lua" <<'LUA'
function transform(record)
  local n = record.nope
  return {x = n.field}
end
LUA
run lua_error 1 preview "$P" out
has lua_error "$TMP/err" "lua/mask.lua:3: error: record 1:"

# A failing SQL transform: exit 1 with line:col.
printf 'SELECT id,\n  nosuch FROM orders\n' >"$P/sql/enrich.sql"
run sql_error 1 preview "$P" enrich
has sql_error "$TMP/err" "sql/enrich.sql:2:3: error: no such column: nosuch"

# A malformed sample line: file:line.
printf '{"id": 1}\n{"id": 2,,}\n' >"$P/samples/orders.jsonl"
run jsonl_error 1 preview "$P" orders
has jsonl_error "$TMP/err" "samples/orders.jsonl:2:"

# An invalid pipeline is refused with its diagnostics.
sed -i 's/inputs: \[enrich\]/inputs: [enrichh]/' "$P/pipeline.yaml"
run invalid 1 preview "$P" orders
has invalid "$TMP/err" "input 'enrichh' names no node"

# An error in a node that is not upstream (a filter with no condition, on
# a branch of its own) does not stop the preview of another node; one
# upstream does.
cp -R "$FIX/shop" "$TMP/branch"
B=$TMP/branch
sed -i 's/^sinks:/  side:\n    type: filter\n    inputs: [orders]\nsinks:/' "$B/pipeline.yaml"
run elsewhere 0 preview "$B" enrich --format jsonl
has elsewhere "$TMP/err" "needs 'where'"
has elsewhere "$TMP/err" "1 error elsewhere in the pipeline, not upstream of enrich"
run upstream 1 preview "$B" side
has upstream "$TMP/err" "1 error in side or upstream of it"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all preview CLI checks passed"
