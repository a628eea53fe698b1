#!/bin/sh
# Disk guard in the SQL editor pane (QA: work loss): Ctrl-S must not
# silently overwrite a file changed outside weir since the pane read or
# saved it.  Open a SQL node, save, type, append a line by hand, Ctrl-S:
# weir asks (o overwrite / r reload / c cancel); c and r keep the external
# line, a save after r keeps both.  A clean buffer follows the file on
# disk by itself.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
F=$D/sql/enrich.sql
e2e_fixture "$D"
# reads both inputs: no "inputs follow the SQL" question after a save
echo 'SELECT * FROM orders, customers' >"$F"

e2e_start "$D" 100 30
e2e_wait_for "shop v3"
e2e_keys /
e2e_wait_for "find"
e2e_type enrich
sleep 0.2
e2e_keys Enter
e2e_wait_for "enrich sql transform"
e2e_keys e
e2e_wait_for "SELECT * FROM orders, customers"
e2e_keys C-s
e2e_wait_for "saved sql/enrich.sql"

# unsaved typing, then someone appends to the file, then Ctrl-S
e2e_type '-- mine'
e2e_keys Enter
e2e_wait_for "-- mine"
echo "-- EXTERNAL" >>"$F"
e2e_keys C-s
e2e_wait_for "sql/enrich.sql changed on disk"
grep -q EXTERNAL "$F" || e2e_fail "Ctrl-S overwrote the external line before asking"
e2e_keys c
e2e_wait_for "not saved:"
grep -q EXTERNAL "$F" || e2e_fail "cancel overwrote the external line"
grep -q -- "-- mine" "$F" && e2e_fail "cancel saved the buffer"

# r: the buffer takes the file (Ctrl-Z would bring the typing back)
e2e_keys C-s
e2e_wait_for "sql/enrich.sql changed on disk"
e2e_keys r
e2e_wait_for "reloaded from disk"
e2e_wait_for "-- EXTERNAL"
e2e_type '-- again'
e2e_keys Enter
e2e_keys C-s
e2e_wait_for "saved sql/enrich.sql"
grep -q EXTERNAL "$F" || e2e_fail "the save after the reload lost the external line"
grep -q -- "-- again" "$F" || e2e_fail "the save after the reload lost the typing"

# a clean buffer reloads by itself when the file changes on disk
echo "-- AUTO" >>"$F"
e2e_wait_for "-- AUTO"
e2e_wait_for "reloaded:"
e2e_type '-- last'
e2e_keys Enter
e2e_keys C-s
e2e_wait_for "saved sql/enrich.sql"
for w in EXTERNAL AUTO again last; do
    grep -q -- "$w" "$F" || e2e_fail "the file lost: $w"
done

# o overwrites on purpose
e2e_type '-- over'
e2e_keys Enter
echo "-- GONE" >>"$F"
e2e_keys C-s
e2e_wait_for "sql/enrich.sql changed on disk"
e2e_keys o
e2e_wait_for "saved sql/enrich.sql"
grep -q GONE "$F" && e2e_fail "o did not overwrite"
grep -q -- "-- over" "$F" || e2e_fail "o did not write the buffer"
e2e_alive
exit 0
