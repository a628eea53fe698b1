#!/bin/sh
# Recovery never loses work:
# 1. "Esc: decide later" on the recovery offer keeps the old journal aside
#    (.weir/journal.N) so the new session's journal cannot overwrite it; the
#    next start offers the older edits first, then the newer ones.
# 2. When pipeline.yaml changed on disk after the crash (git pull, a hand
#    edit), the offer says so and lists the metadata it would revert.
# 3. Undoing back to the saved state clears "● unsaved".
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"

kill_weir() {
    pid=$(e2e_weir_pid)
    [ -n "$pid" ] || e2e_fail "cannot find weir's pid"
    kill -9 "$pid"
    e2e_wait_for "WEIR-EXITED:137"
}

add_node() { # palette text, then wait for the journal to catch up
    e2e_keys a
    e2e_wait_for "add a node"
    e2e_type "$1"
    e2e_keys Enter
    e2e_wait_for "added"
    sleep 1.6 # the journal lags an edit by at most a second
}

# ---- 1: defer, crash again, nothing lost ----
D=$E2E_TMP/shop
e2e_fixture "$D"
e2e_start "$D" 100 30
e2e_wait_for "shop v3"
add_node stdout
kill_weir

e2e_start "$D" 100 30
e2e_wait_for "recover unsaved edits?"
e2e_screen | grep -q '+ stdout (stdout sink)' || e2e_fail "first offer does not show stdout"
e2e_screen | grep -q 'kept in .weir/journal' || e2e_fail "the offer does not say where Esc keeps it"
e2e_screen | grep -q 'changed on disk' && e2e_fail "a disk-change warning with no change on disk"
e2e_keys Escape
e2e_wait_for "the next start asks again"
add_node kafka
kill_weir

e2e_start "$D" 100 30
e2e_wait_for "recover unsaved edits?"
e2e_screen | grep -q '+ stdout (stdout sink)' ||
    e2e_fail "the deferred edits (stdout) are lost: the newer journal replaced them"
e2e_keys Escape
e2e_wait_for "the next start asks again"
n=$(ls "$D/.weir" | grep -c '^journal')
[ "$n" -ge 2 ] || e2e_fail "expected both journals kept in .weir/, found $n"
e2e_keys q
e2e_wait_for "WEIR-EXITED"

# the older one first; discarding it offers the newer one
e2e_start "$D" 100 30
e2e_wait_for "recover unsaved edits?"
e2e_screen | grep -q '+ stdout (stdout sink)' || e2e_fail "stdout not offered first"
e2e_keys d
e2e_wait_for "+ kafka (kafka sink)"
e2e_keys r
e2e_wait_for "recovered the unsaved edits"
e2e_keys s
e2e_wait_gone "● unsaved" # saved (a save with problems says so too)
grep -q '^  kafka:' "$D/pipeline.yaml" || e2e_fail "the recovered kafka sink was not saved"
ls "$D/.weir" | grep -q '^journal' && e2e_fail "journals left after recover + save: $(ls "$D/.weir")"

# ---- 3: undo back to the saved state is not unsaved ----
e2e_keys m Down Enter
e2e_wait_for "● unsaved"
e2e_keys u
e2e_wait_gone "● unsaved"
e2e_keys U
e2e_wait_for "● unsaved"
e2e_keys u
e2e_wait_gone "● unsaved"
e2e_keys q
e2e_wait_for "WEIR-EXITED"

# ---- 2: the files changed on disk after the crash ----
D2=$E2E_TMP/shop2
e2e_fixture "$D2"
sed -i 's/^  version: 3$/  version: 3\n  owner: team-a/' "$D2/pipeline.yaml"
e2e_start "$D2" 100 30
e2e_wait_for "shop v3"
add_node stdout
kill_weir
# a git pull, say: a new node and a new owner
sed -i 's/^  owner: team-a$/  owner: team-b/' "$D2/pipeline.yaml"
printf '  audit:\n    type: stdout\n    inputs: [enrich]\n' >>"$D2/pipeline.yaml"
"$WEIR" validate "$D2" >/dev/null || e2e_fail "the hand-edited pipeline does not validate"
e2e_start "$D2" 100 30
e2e_wait_for "recover unsaved edits?"
e2e_screen | grep -q 'pipeline.yaml changed on disk since this session' ||
    e2e_fail "the offer does not say pipeline.yaml changed on disk"
e2e_screen | grep -q 'recovering replaces those changes' || e2e_fail "no 'replaces' warning"
e2e_screen | grep -q '~ owner: team-a (on disk: team-b)' || e2e_fail "the owner change is not shown"
e2e_screen | grep -q -- '- audit (stdout sink)' || e2e_fail "the disk's new node is not shown"
e2e_screen | grep -q '+ stdout (stdout sink)' || e2e_fail "the journal's node is not shown"
e2e_screen | grep -q 'layout.yaml changed' && e2e_fail "layout.yaml did not change"
e2e_keys Escape
e2e_wait_for "the next start asks again"
exit 0
