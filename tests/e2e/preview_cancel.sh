#!/bin/sh
# A long-running Lua transform in the preview pane: the run shows progress,
# the UI answers keys while it runs, Esc (canvas) and C-c (pane) stop it;
# an endless loop is stopped by the engine's budget and shown as an error.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
"$WEIR" new "$D" >/dev/null || e2e_fail "weir new failed"
# slow but inside the per-call budgets: ~ms per record, seconds in all
slow() {
    cat > "$D/lua/mask.lua" <<EOF
function transform(record)
  local x = $1
  for i = 1, 2000000 do x = x + i end
  record.x = x
  return record
end
EOF
}
slow 0

# weir's stderr goes to a file: a sanitizer report (CI builds with ASan and
# UBSan) must not scribble over the screen under test, and fails the test
# at the end instead.
ERR=$E2E_TMP/weir.stderr
e2e_start "$D" 80 24 "2>$ERR"
e2e_wait_for "mask"
e2e_keys /
e2e_wait_for "find a node"
e2e_type mask
e2e_keys Enter
e2e_wait_for "mask lua transform"
e2e_keys p
e2e_wait_for "running mask"
e2e_wait_for "Esc stops"

# the UI answers while the worker runs: help opens and closes, and the run
# goes on behind it
e2e_keys '?'
e2e_wait_for "canvas keys" 2
e2e_keys Escape
e2e_wait_gone "canvas keys" 2
e2e_screen | grep -q "running mask" || e2e_fail "the run ended too early for this test (make the Lua slower)"

# Esc on the canvas stops it
e2e_keys Escape
e2e_wait_for "preview: mask · stopped" 3
e2e_screen | grep -q "cancelled" || e2e_fail "the stop is not explained"
e2e_alive

# from the pane: r runs it again (a changed file), C-c stops it
slow 1
e2e_keys w
e2e_wait_for "Esc canvas"
e2e_keys r
e2e_wait_for "C-c stops"
e2e_keys C-c
e2e_wait_for "preview: mask · stopped" 3
e2e_alive

# moving the selection while a run is going cancels it and shows the new
# node at once
slow 2
e2e_keys r
e2e_wait_for "running mask"
e2e_keys Escape Left
e2e_wait_for "preview: enrich · "
e2e_wait_for "row 1 of"

# an endless loop: the engine's instruction budget ends it with an error
# that names the file and line
printf 'function transform(record)\n  while true do end\nend\n' > "$D/lua/mask.lua"
e2e_keys Right
e2e_wait_for "mask lua transform"
e2e_wait_for "preview: mask · failed" 20
e2e_screen | grep -q "lua/mask.lua:2" || e2e_fail "the budget error does not point at lua/mask.lua:2"
e2e_screen | grep -q "λ mask   ✗" || e2e_fail "no error badge on mask"
e2e_keys Left
e2e_wait_for "preview: enrich · "
e2e_alive
if grep -qE "runtime error|Sanitizer" "$ERR"; then
    cat "$ERR" >&2
    e2e_fail "weir reported a sanitizer error (above)"
fi
exit 0
