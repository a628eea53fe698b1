#!/bin/sh
# Never lose work: kill -9 during editing, then the next start offers the
# unsaved edits (showing what they are) and recovers them; SIGHUP (the SSH
# connection dropping) journals and exits.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"
cp "$D/pipeline.yaml" "$E2E_TMP/pipeline.orig"

e2e_start "$D" 80 24
e2e_wait_for "shop v3"
# edit: rename enrich to joined, add a stdout sink after it
set -- $(e2e_locate "enrich")
e2e_click "$1" "$2"
e2e_wait_for "enrich sql transform"
e2e_keys r
e2e_wait_for "rename"
e2e_keys C-u
e2e_type joined
e2e_keys Enter
e2e_wait_for "renamed enrich to joined"
e2e_keys a
e2e_wait_for "add a node"
e2e_type stdout
e2e_keys Enter
e2e_wait_for "added joined → stdout"
sleep 1.2 # the journal lags an edit by at most a second
[ -f "$D/.weir/journal" ] || e2e_fail "no journal a second after an edit"
grep -qx '\*' "$D/.weir/.gitignore" || e2e_fail ".weir is not git-ignored"
pid=$(e2e_weir_pid)
[ -n "$pid" ] || e2e_fail "cannot find weir's pid"
kill -9 "$pid"
e2e_wait_for "WEIR-EXITED:137"
cmp -s "$D/pipeline.yaml" "$E2E_TMP/pipeline.orig" || e2e_fail "pipeline.yaml changed without a save"

# next start: the offer, with what would be recovered
e2e_start "$D" 80 24
e2e_wait_for "recover unsaved edits?"
e2e_screen | grep -q '+ joined (sql transform)' || e2e_fail "recovery does not show joined"
e2e_screen | grep -q '+ stdout (stdout sink)' || e2e_fail "recovery does not show stdout"
e2e_screen | grep -q -- '- enrich (sql transform)' || e2e_fail "recovery does not show enrich going"
e2e_keys r
e2e_wait_for "recovered the unsaved edits"
e2e_screen | grep -q '● unsaved' || e2e_fail "recovered edits are not marked unsaved"
e2e_keys s
e2e_wait_for " saved $D"
[ -f "$D/.weir/journal" ] && e2e_fail "the journal outlived the save"
grep -q '^  joined:' "$D/pipeline.yaml" || e2e_fail "joined not saved"
grep -q '^  stdout:' "$D/pipeline.yaml" || e2e_fail "stdout not saved"
[ -f "$D/sql/joined.sql" ] || e2e_fail "the sql file did not follow the rename"
grep -q 'SELECT \* FROM orders' "$D/sql/joined.sql" || e2e_fail "the sql file lost its text"
"$WEIR" validate "$D" >/dev/null || e2e_fail "recovered pipeline does not validate"

# SIGHUP: journal written at once, weir exits
e2e_keys m Down Down Enter
e2e_wait_for "moved"
pid=$(e2e_weir_pid)
kill -HUP "$pid"
e2e_wait_for "WEIR-EXITED"
[ -f "$D/.weir/journal" ] || e2e_fail "no journal after SIGHUP"
e2e_start "$D" 80 24
e2e_wait_for "recover unsaved edits?"
e2e_screen | grep -q 'moved' || e2e_fail "recovery does not show the move"
# d discards: the journal goes, files stay as saved
e2e_keys d
e2e_wait_for "discarded"
[ -f "$D/.weir/journal" ] && e2e_fail "discard kept the journal"
exit 0
