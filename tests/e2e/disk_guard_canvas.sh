#!/bin/sh
# Disk guard on the canvas (QA: work loss): a save must not silently
# overwrite pipeline.yaml or layout.yaml changed outside weir after weir
# read them (a hand edit, `git pull`).  Save, add a sink by hand, move a
# node, save: weir asks (o overwrite / r reload / c cancel).  c keeps the
# hand edit on disk; r loads it (u brings the move back, unsaved); a save
# after that keeps both.  layout.yaml is guarded too, and o overwrites.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"

e2e_start "$D" 100 30
e2e_wait_for "shop v3"
e2e_keys s
e2e_wait_for "saved $D"

# someone else adds a sink
cat >>"$D/pipeline.yaml" <<'YAML'
  archive:
    type: stdout
    inputs: [enrich]
YAML
grep -q archive "$D/pipeline.yaml" || e2e_fail "the fixture did not take the sink"

# move a node in weir, then save: a question, not an overwrite
e2e_keys Tab
sleep 0.2
e2e_keys m l Enter
sleep 0.2
e2e_keys s
e2e_wait_for "pipeline.yaml changed on disk"
grep -q archive "$D/pipeline.yaml" || e2e_fail "the save overwrote the hand-added sink before asking"
e2e_keys c
e2e_wait_gone "o overwrite"
grep -q archive "$D/pipeline.yaml" || e2e_fail "cancel overwrote the hand-added sink"

# r reloads: the sink is on the canvas, the file keeps it
e2e_keys s
e2e_wait_for "pipeline.yaml changed on disk"
e2e_keys r
e2e_wait_for "reloaded from disk"
e2e_wait_for "archive"
grep -q archive "$D/pipeline.yaml" || e2e_fail "reload lost the hand-added sink"
# the move is one undo away (unsaved); a new move saves without asking and
# keeps the sink
e2e_keys u
e2e_wait_for "undid reload from disk"
e2e_keys C-r
e2e_wait_for "redid reload from disk"
e2e_keys Tab m l Enter
sleep 0.2
e2e_keys s
e2e_wait_for "saved $D"
e2e_screen | grep -q "changed on disk" && e2e_fail "asked again after the reload"
grep -q archive "$D/pipeline.yaml" || e2e_fail "the save after the reload lost the sink"

# layout.yaml is guarded as well; o overwrites it with weir's version
echo "# hand edit" >>"$D/layout.yaml"
e2e_keys Tab m l Enter
sleep 0.2
e2e_keys s
e2e_wait_for "layout.yaml changed on disk"
grep -q "hand edit" "$D/layout.yaml" || e2e_fail "layout.yaml was overwritten before asking"
e2e_keys o
e2e_wait_for "saved $D"
grep -q "hand edit" "$D/layout.yaml" && e2e_fail "o did not overwrite layout.yaml"
e2e_alive
exit 0
