#!/bin/sh
# docs/keys.md is generated from the action table (weir --keys-markdown);
# this fails when someone changes the keys without regenerating it.
set -u
WEIR=$1 DOC=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$WEIR" --keys-markdown > "$out" || { echo "weir --keys-markdown failed" >&2; exit 1; }
grep -q '| `a` | add |' "$out" || { echo "no 'a add' row in the generated keys" >&2; exit 1; }
if ! cmp -s "$out" "$DOC"; then
    echo "docs/keys.md is out of date; run: weir --keys-markdown > docs/keys.md" >&2
    diff -u "$DOC" "$out" >&2
    exit 1
fi
