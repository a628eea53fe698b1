#!/bin/sh
# Quitting on a terminal without an alternate screen (TERM=linux, vt100)
# clears the canvas away and leaves the cursor at the bottom-left, as less
# and htop do (QA pass); on one with it the terminal restores its screen.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"

for term in linux vt100 xterm-256color; do
    E2E_TERM=$term e2e_start "$D" 80 24
    e2e_wait_for "shop v3"
    e2e_wait_for "orders"
    e2e_keys q
    e2e_wait_for "WEIR-EXITED:0"
    # nothing of the canvas is left: only the line the pane's shell printed
    left=$(e2e_screen | grep -v '^ *$' | grep -vx 'WEIR-EXITED:0')
    [ -z "$left" ] || e2e_fail "TERM=$term: the canvas stayed on screen after quitting"
    # the shell wrote where weir left the cursor: the bottom-left (the
    # line's newline scrolled it up by one when it was the last row)
    [ "$term" = xterm-256color ] && continue # restores its own cursor
    row=$(e2e_screen | grep -n 'WEIR-EXITED:0' | cut -d: -f1)
    [ "$row" -ge 23 ] || e2e_fail "TERM=$term: the cursor was left on row $row, not at the bottom"
done
exit 0
