#!/bin/sh
# The SQL editor pane in the canvas (issue 4): open a SQL node of a pipeline
# made by `weir new`, type a query with a misspelt column, see the error in
# the gutter at its line and the message on the status line, fix it with
# completion of an input column after `alias.`, save, and check the file on
# disk byte for byte.  Also: F11 toggles full screen, Esc gives the keys
# back to the canvas with the pane still open, E closes it.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
(cd "$E2E_TMP" && env -i PATH=/usr/bin:/bin HOME="$E2E_TMP/home" "$WEIR" new shop >/dev/null) ||
    e2e_fail "weir new failed"

e2e_start "$D" 80 24
e2e_wait_for "shop v1"
e2e_keys Tab
e2e_wait_for "enrich sql transform"
e2e_keys e
e2e_wait_for "enrich (sql) sql/enrich.sql"
e2e_wait_for "FROM orders"
# empty the buffer: Ctrl-K cuts a line at a time
for i in $(seq 25); do e2e_keys C-k; done
e2e_wait_gone "FROM orders"
e2e_type 'SELECT o.id,'
e2e_keys Enter
e2e_type 'o.amout AS total'
e2e_keys Enter
e2e_type 'FROM orders o'
e2e_keys Up
# the error: a marker in the gutter of line 2 (and no other), the message
# on the status line while the cursor is on that line
e2e_wait_for "no such column: o.amout"
e2e_screen | grep -q '│  2● o.amout AS total' || e2e_fail "no error marker on line 2"
e2e_screen | grep -q '│  1● \|│  3● ' && e2e_fail "an error marker on the wrong line"
# fix it: back to `o.am`, then Tab completes the column through the alias
e2e_keys C-a
for i in $(seq 4); do e2e_keys Right; done
for i in $(seq 3); do e2e_keys Delete; done
e2e_keys Tab
e2e_wait_for "o.amount AS total"
e2e_wait_gone "no such column"
e2e_screen | grep -q '[0-9]● ' && e2e_fail "an error marker is left after the fix"
e2e_keys C-s
e2e_wait_for "saved sql/enrich.sql"
printf 'SELECT o.id,\no.amount AS total\nFROM orders o' >"$E2E_TMP/expected.sql"
cmp "$D/sql/enrich.sql" "$E2E_TMP/expected.sql" || e2e_fail "the file on disk is not what was typed"

# full screen and back; Esc gives the keys to the canvas, the pane stays
e2e_keys F11
e2e_wait_gone "orders ✓"
e2e_keys F11
e2e_wait_for "orders ✓"
e2e_keys Escape
e2e_wait_for "/ find"
e2e_screen | grep -q "enrich (sql) sql/enrich.sql" || e2e_fail "Esc closed the pane"
e2e_keys Tab # a canvas key again: selects mask
e2e_wait_for "mask lua transform"
e2e_keys E
e2e_wait_gone "enrich (sql) sql/enrich.sql"

# an unsaved buffer makes quitting ask
e2e_keys e
e2e_wait_for "mask (lua) lua/mask.lua"
e2e_type 'x'
e2e_keys Escape
e2e_wait_for "/ find"
e2e_keys q
e2e_wait_for "lua/mask.lua has unsaved changes"
e2e_keys d
e2e_wait_for "WEIR-EXITED:0"
grep -q '^xfunction\|^x--' "$D/lua/mask.lua" && e2e_fail "discarding wrote the buffer"
ls "$D/.weir/editor-journals/" 2>/dev/null | grep -q . && e2e_fail "discarding left the editor's journal"

# unsaved editor text survives a kill -9 (the editor's journal) and is
# offered back when the file is opened again
cp "$D/lua/mask.lua" "$E2E_TMP/mask.orig"
e2e_start "$D" 80 24
e2e_wait_for "shop v1"
e2e_keys Tab Tab
e2e_wait_for "mask lua transform"
e2e_keys e
e2e_wait_for "mask (lua) lua/mask.lua"
e2e_type '-- typed, never saved'
e2e_keys Enter
e2e_wait_for "lua/mask.lua ●"
sleep 0.8 # the journal follows the debounced validation
pid=$(e2e_weir_pid)
[ -n "$pid" ] || e2e_fail "cannot find weir's pid"
kill -9 "$pid"
e2e_wait_for "WEIR-EXITED:137"
cmp -s "$D/lua/mask.lua" "$E2E_TMP/mask.orig" || e2e_fail "the file changed without a save"
e2e_start "$D" 80 24
e2e_wait_for "shop v1"
e2e_keys Tab Tab
e2e_wait_for "mask lua transform"
e2e_keys e
e2e_wait_for "unsaved text for lua/mask.lua"
e2e_keys y
e2e_wait_for "-- typed, never saved"
e2e_wait_for "lua/mask.lua ●"
e2e_keys C-s
e2e_wait_for "saved lua/mask.lua"
{ printf -- '-- typed, never saved\n'; cat "$E2E_TMP/mask.orig"; } | cmp -s - "$D/lua/mask.lua" ||
    e2e_fail "the recovered text was not saved as it was typed"
ls "$D/.weir/editor-journals/" 2>/dev/null | grep -q . && e2e_fail "saving left the editor's journal"
e2e_keys Escape
e2e_wait_for "/ find"

# a rename on the canvas: the open buffer follows the node, and its file
# once the canvas's save has moved it
e2e_keys BTab
e2e_wait_for "enrich sql transform"
e2e_keys e
e2e_wait_for "enrich (sql) sql/enrich.sql"
e2e_type '-- renamed '
e2e_keys Escape
e2e_wait_for "/ find"
e2e_keys r
e2e_wait_for "rename"
e2e_keys C-u
e2e_type joined
e2e_keys Enter
e2e_wait_for "joined (sql) sql/enrich.sql ●"
e2e_keys s
e2e_wait_for "joined (sql) sql/joined.sql"
[ -f "$D/sql/enrich.sql" ] && e2e_fail "the old file is still there"
head -1 "$D/sql/joined.sql" | grep -q '^-- renamed SELECT o.id,$' || e2e_fail "sql/joined.sql"
e2e_keys e
e2e_keys C-Home
e2e_type 'x'
e2e_keys C-s
e2e_wait_for "saved sql/joined"
head -1 "$D/sql/joined.sql" | grep -q '^x-- renamed' || e2e_fail "saved to the old path"
e2e_keys Escape
e2e_wait_for "/ find"
e2e_keys q
e2e_wait_for "WEIR-EXITED:0"
exit 0
