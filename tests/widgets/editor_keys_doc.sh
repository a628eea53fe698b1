#!/bin/sh
# docs/editor.md must hold the editor's current key table, as printed by
# `editor_demo --keys-markdown` from the widget's help table.
# usage: editor_keys_doc.sh path/to/editor_demo path/to/docs/editor.md
set -u
table=$("$1" --keys-markdown) || { echo "FAIL: editor_demo --keys-markdown"; exit 1; }
[ "$(printf '%s\n' "$table" | wc -l)" -gt 10 ] || { echo "FAIL: table too short"; exit 1; }
fails=0
printf '%s\n' "$table" | while IFS= read -r line; do
    grep -qxF -- "$line" "$2" || { echo "missing from $2: $line"; exit 1; }
done || fails=1
# and no stale rows: every key row of the doc's table is in the output
sed -n '/^| keys | action |$/,/^$/p' "$2" | grep '^| ' | while IFS= read -r line; do
    printf '%s\n' "$table" | grep -qxF -- "$line" || { echo "stale in $2: $line"; exit 1; }
done || fails=1
[ $fails -eq 0 ] && echo "editor keys doc: up to date"
exit $fails
