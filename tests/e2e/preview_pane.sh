#!/bin/sh
# The preview pane on the pipeline `weir new` makes: select the SQL node,
# press p, and see its output (header, types, the row count the CLI
# prints); scroll rows and columns; open one record; break the SQL and see
# the positioned error; resize; the schema in the properties panel.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
"$WEIR" new "$D" >/dev/null || e2e_fail "weir new failed"

# What the pane must agree with: the CLI on the same folder.
"$WEIR" preview "$D" enrich --format jsonl > "$E2E_TMP/enrich.jsonl" || e2e_fail "weir preview failed"
N=$(wc -l < "$E2E_TMP/enrich.jsonl")
[ "$N" -gt 10 ] || e2e_fail "expected a sample with more than 10 rows, got $N"
NF=$(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$N")
# column names in order, and the id of the 4th record
COLS=$(python3 -c 'import json,sys; print(" ".join(json.loads(open(sys.argv[1]).readline()).keys()))' "$E2E_TMP/enrich.jsonl")
set -- $COLS
C1=$1 C2=$2 C3=$3
ID4=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[3])["id"])' "$E2E_TMP/enrich.jsonl")

# weir's stderr goes to a file: a sanitizer report (CI builds with ASan and
# UBSan) must not scribble over the screen under test, and fails the test
# at the end instead.
ERR=$E2E_TMP/weir.stderr
e2e_start "$D" 80 24 "2>$ERR"
e2e_wait_for "enrich"
e2e_keys /
e2e_wait_for "find a node"
e2e_type enrich
e2e_keys Enter
e2e_wait_for "enrich sql transform"
e2e_keys p
e2e_wait_for "preview: enrich · $NF rows"

# the header: the first columns by name, in order, then their types
header=$(e2e_screen | grep -A1 "preview: enrich" | tail -1)
first3=$(printf '%s\n' "$header" | python3 -c '
import sys
cells = [c.strip(" ▶◀") for c in sys.stdin.read().split("│")]
print(" ".join(cells[:3]))')
[ "$first3" = "$C1 $C2 $C3" ] || e2e_fail "header shows '$first3', expected '$C1 $C2 $C3'"
e2e_screen | grep -A2 "preview: enrich" | tail -1 | grep -q "integer" || e2e_fail "no types line"
e2e_screen | grep -q "row 1 of $NF" || e2e_fail "no row position"

# the canvas still has the keys: the pane says how to move them
e2e_screen | grep -q "w focus" || e2e_fail "the pane does not say how to focus it"
# the mouse: a click on a row focuses the pane and picks that row; a click
# on the canvas gives the keys back
set -- $(e2e_locate "preview: enrich")
e2e_click 5 $(($2 + 5))
e2e_wait_for "row 3 of $NF"
e2e_wait_for "Esc canvas"
e2e_click 1 2
e2e_wait_gone "Esc canvas"
e2e_keys w
e2e_wait_for "Esc canvas"
e2e_keys g
e2e_wait_for "row 1 of $NF"
# rows: down three, then to the end
e2e_keys Down Down Down
e2e_wait_for "row 4 of $NF"
e2e_keys G
e2e_wait_for "row $NF of $NF"
e2e_keys g
e2e_wait_for "row 1 of $NF"
# columns: one to the right hides the first and marks that there is more
e2e_keys Right
sleep 0.3
header=$(e2e_screen | grep -A1 "preview: enrich" | tail -1)
case $header in
*◀*"$C2"*) ;;
*) e2e_fail "after scrolling right the header is '$header'" ;;
esac
e2e_keys Left
e2e_wait_for "row 1 of $NF"

# one record in full: the 4th row's id as the CLI printed it
e2e_keys Down Down Down Enter
e2e_wait_for "record 4 of $NF"
e2e_screen | grep -q "id (integer): $ID4\$" || e2e_fail "record view does not show id $ID4"
e2e_screen | grep -q "status (text): " || e2e_fail "record view lacks the status field"
# next record with →, back to the table with Esc
e2e_keys Right
e2e_wait_for "record 5 of $NF"
e2e_keys Escape
e2e_wait_for "row 5 of $NF"

# break the SQL (outside weir, as another editor would): the pane notices,
# and the error, positioned, replaces the table
printf 'SELECT id,\n  nme FROM orders\n' > "$D/sql/enrich.sql"
e2e_wait_for "sql/enrich.sql:2:3: error: no such column: nme"
e2e_screen | grep -q "preview: enrich · failed" || e2e_fail "title does not say it failed"
e2e_screen | grep -q "$C2 │" && e2e_fail "the old table is still shown under the error"
e2e_screen | grep -q "λ enrich ✗" || e2e_fail "no error badge on the node"
# mend it (with a NULL and an empty string); r reruns at once
printf "SELECT id, NULL AS gone, '' AS blank, status FROM orders\n" > "$D/sql/enrich.sql"
e2e_keys r
e2e_wait_for "preview: enrich · 200 rows"
e2e_screen | grep -q "λ enrich ✓" || e2e_fail "the error badge stayed after the fix"
# NULL shows as a marker, the empty string as nothing
row1=$(e2e_screen | grep -A3 "preview: enrich" | tail -1)
printf '%s\n' "$row1" | python3 -c '
import sys
cells = [c.strip() for c in sys.stdin.read().rstrip("\n").split("│")]
sys.exit(0 if len(cells) >= 4 and cells[1] == "∅" and cells[2] == "" else 1)' ||
    e2e_fail "NULL and the empty string do not differ in: $row1"

# input beside output: the source on the left, enrich on the right
e2e_keys i
e2e_wait_for "input 1/1: orders · 200 rows"
e2e_screen | grep -q "│ output: enrich · 200 rows" || e2e_fail "no output beside the input"
e2e_screen | grep -q "$C2" || e2e_fail "the input's columns are not shown"
e2e_keys i
e2e_wait_gone "input 1/1: orders"

# resize at any moment: bigger, tiny, back
tmux -L "$E2E_SOCK" resize-window -t "$E2E_PANE" -x 200 -y 50
e2e_wait_for "row 5 of 200"  # the cursor stays across reruns
tmux -L "$E2E_SOCK" resize-window -t "$E2E_PANE" -x 30 -y 8
e2e_wait_for "weir needs 40x10"
tmux -L "$E2E_SOCK" resize-window -t "$E2E_PANE" -x 80 -y 24
e2e_wait_for "preview: enrich · 200 rows"
[ "$(e2e_screen | grep -c 'preview: enrich')" = 1 ] || e2e_fail "the title is drawn twice after resizing"
e2e_screen | tail -1 | grep -q "Esc canvas" || e2e_fail "hints line lost after resizing"

# the pane grows and zooms
before=$(e2e_screen | grep -n "preview: enrich" | cut -d: -f1)
e2e_keys +
sleep 0.3
after=$(e2e_screen | grep -n "preview: enrich" | cut -d: -f1)
[ "$after" -lt "$before" ] || e2e_fail "+ did not make the pane taller ($before -> $after)"
e2e_keys z
sleep 0.3
[ "$(e2e_screen | grep -n "preview: enrich" | cut -d: -f1)" = 2 ] || e2e_fail "z did not maximise"
e2e_keys z

# back to the canvas; the schema shows in the properties panel
e2e_keys Escape
e2e_wait_for "w focus"
e2e_keys i
e2e_wait_for "columns from the last preview"
e2e_keys Down Down Down Down Down # to the last schema row, whatever the panel's height
sleep 0.3
e2e_screen | grep -q "  status  *text" || e2e_fail "schema row 'status text' missing"
e2e_keys Escape
e2e_wait_gone "columns from the last preview"

# a new SQL node: its file is written on save, and the pane says so
# instead of showing an error; after s the preview runs
e2e_keys a
e2e_wait_for "add a node"
e2e_type sql
e2e_keys Enter
e2e_wait_for "added enrich → sql"
e2e_wait_for "preview: sql · not saved yet"
e2e_screen | grep -q "λ sql *✗" && e2e_fail "an unsaved starter file is badged as an error"
e2e_keys s
e2e_wait_for "preview: sql · 200 rows"

# p closes the pane: the canvas gets its rows back
e2e_keys p
e2e_wait_gone "preview: enrich"
e2e_alive
if grep -qE "runtime error|Sanitizer" "$ERR"; then
    cat "$ERR" >&2
    e2e_fail "weir reported a sanitizer error (above)"
fi
exit 0
