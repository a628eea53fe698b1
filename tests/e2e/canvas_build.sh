#!/bin/sh
# Build a four-node pipeline from an empty folder by keys alone, save it,
# and check the files on disk (and that `weir validate` accepts them).
# Then: the quit prompt guards unsaved changes.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/orders

e2e_start "$D" 80 24
e2e_wait_for "Create a new pipeline named 'orders'"
e2e_keys e
e2e_wait_for "created"
[ -f "$D/pipeline.yaml" ] || e2e_fail "no pipeline.yaml after creating"

# a source: type "file" in the palette, then its required path
e2e_keys a
e2e_wait_for "add a node"
e2e_type file
e2e_keys Enter
e2e_wait_for "added file"
e2e_keys i
e2e_wait_for "file — File (file)"
e2e_keys Enter
e2e_wait_for "path (text)"
e2e_type data/orders.jsonl
e2e_keys Enter
e2e_wait_gone "path (text)"
e2e_keys Escape
e2e_wait_gone "file — File (file)"

# three more, each reading from the one before
e2e_keys a; e2e_wait_for "add a node"; e2e_type sql; e2e_keys Enter
e2e_wait_for "added file → sql"
e2e_keys r; e2e_wait_for "rename"; e2e_keys C-u; e2e_type enrich; e2e_keys Enter
e2e_wait_for "renamed sql to enrich"
# undo and redo the rename
e2e_keys u
e2e_wait_for "undid rename"
e2e_screen | grep -q 'λ sql ' || e2e_fail "undo did not bring back the old id"
e2e_keys U
e2e_wait_for "redid rename"
e2e_screen | grep -q 'λ enrich ' || e2e_fail "redo did not rename again"
e2e_keys a; e2e_wait_for "add a node"; e2e_type lua; e2e_keys Enter
e2e_wait_for "added enrich → lua"
e2e_keys a; e2e_wait_for "add a node"; e2e_type stdout; e2e_keys Enter
e2e_wait_for "added lua → stdout"
e2e_screen | grep -q '● unsaved' || e2e_fail "no unsaved marker"
e2e_keys s
e2e_wait_for " saved $D"
e2e_screen | grep -q '● unsaved' && e2e_fail "still marked unsaved"

# the finder: typing part of an id selects it
e2e_keys /
e2e_wait_for "find a node"
e2e_type enr
e2e_keys Enter
e2e_wait_for "enrich sql transform"

# the files
for f in pipeline.yaml layout.yaml sql/enrich.sql lua/lua.lua .weir/.gitignore; do
    [ -f "$D/$f" ] || e2e_fail "missing $f"
done
grep -q '^  file:' "$D/pipeline.yaml" || e2e_fail "no source in pipeline.yaml"
grep -q 'path: data/orders.jsonl' "$D/pipeline.yaml" || e2e_fail "path not saved"
grep -A3 '^  enrich:' "$D/pipeline.yaml" | grep -q -- '- file' || e2e_fail "enrich does not read file"
grep -A3 '^  lua:' "$D/pipeline.yaml" | grep -q -- '- enrich' || e2e_fail "lua does not read enrich"
grep -A3 '^  stdout:' "$D/pipeline.yaml" | grep -q -- '- lua' || e2e_fail "stdout does not read lua"
grep -q 'sql: sql/enrich.sql' "$D/pipeline.yaml" || e2e_fail "the sql file did not follow the rename"
[ -e "$D/sql/sql.sql" ] && e2e_fail "the old sql file is still there"
grep -q 'FROM file' "$D/sql/enrich.sql" || e2e_fail "sql starter does not read its input"
[ "$(grep -c '    x:' "$D/layout.yaml")" = 4 ] || e2e_fail "layout.yaml lacks positions"
"$WEIR" validate "$D" >/dev/null || { "$WEIR" validate "$D"; e2e_fail "weir validate fails"; }

# an unsaved change makes q ask; Esc stays, d discards and quits
e2e_keys m Right Right Enter
e2e_wait_for "moved enrich"
e2e_keys q
e2e_wait_for "There are unsaved changes"
e2e_keys Escape
e2e_wait_gone "There are unsaved changes"
e2e_alive
e2e_keys q
e2e_wait_for "There are unsaved changes"
e2e_keys d
e2e_wait_for "WEIR-EXITED:0"
[ -e "$D/.weir/journal" ] && e2e_fail "discarding left a journal"
"$WEIR" validate "$D" >/dev/null || e2e_fail "files changed by discarding"

# the other answer: a starter pipeline, as `weir new` makes it
S=$E2E_TMP/starter
e2e_start "$S" 80 24
e2e_wait_for "Create a new pipeline named 'starter'"
e2e_keys s
e2e_wait_for "created a starter pipeline"
e2e_screen | grep -q 'enrich' || e2e_fail "the starter pipeline is not drawn"
"$WEIR" validate "$S" >/dev/null || e2e_fail "the starter pipeline does not validate"
e2e_keys q
e2e_wait_for "WEIR-EXITED:0"
exit 0
