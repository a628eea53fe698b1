#!/bin/sh
# `weir validate --code` positions SQL errors that SQLite gives no offset
# for at the name they quote (preview/sqlpos.c), not at the file's start.
# Usage: cli_sqlpos.sh WEIR FIXTURES_DIR
set -u
WEIR=$1
FIX=$2
TMP=$(mktemp -d /tmp/weir-sqlpos-cli-XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
cp -R "$FIX/shop" "$TMP/shop"
P=$TMP/shop
SQL=$P/sql/enrich.sql
export LANG=C.UTF-8 LC_ALL=C.UTF-8
failures=0

# check NAME EXPECTED_LINE: validate --code must fail and print that line.
check() {
    "$WEIR" validate --code "$P" >"$TMP/out" 2>&1
    rc=$?
    [ "$rc" -eq 1 ] || { echo "FAIL: $1: exit $rc, expected 1" >&2; failures=$((failures + 1)); }
    grep -qxF -- "$SQL$2" "$TMP/out" || {
        echo "FAIL: $1: '$SQL$2' not in the output:" >&2
        sed 's/^/    /' "$TMP/out" >&2
        failures=$((failures + 1))
    }
}

printf -- '-- c.nmae below is a typo\nSELECT o.id, c.name\nFROM orders o\nJOIN customers c ON c.nmae = o.customer_id\n' >"$SQL"
check on-clause ":4:21: error: no such column: c.nmae"

printf 'SELECT o.id,\n       c.id\nFROM orders o JOIN customers c ON c.id = o.customer_id\n' >"$SQL"
check duplicate ":2:10: error: two result columns are named 'id': give one an alias (AS ...)"

printf "SELECT o.id, 'gone' AS s\nFROM orders o\n  JOIN gone g ON g.id = o.id\n" >"$SQL"
check no-table ":3:8: error: no such table: gone"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "cli_sqlpos: all passed"
