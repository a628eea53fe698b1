#!/bin/sh
# Resize repeatedly, through sizes too small to use and back: weir keeps
# running, shows a notice when too small, and redraws correctly after.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"
e2e_start "$D" 80 24
e2e_wait_for "shop v3"
resize() { tmux -L "$E2E_SOCK" resize-window -t "$E2E_PANE" -x "$1" -y "$2"; }
for round in 1 2 3; do
    for size in "200 50" "30 8" "120 30" "41 10" "80 24" "39 9" "100 40"; do
        set -- $size
        resize "$1" "$2"
        sleep 0.05
    done
done
resize 30 8
e2e_wait_for "weir needs 40x10"
e2e_alive
resize 80 24
e2e_wait_for "shop v3"
e2e_wait_gone "weir needs"
# a correct redraw: the same screen as a fresh start at that size
sleep 0.3
after=$(e2e_screen)
first_sock=$E2E_SOCK
e2e_start "$D" 80 24
e2e_wait_for "shop v3"
sleep 0.3
fresh=$(e2e_screen)
[ "$after" = "$fresh" ] || {
    echo "after resizing:"; echo "$after"; echo "fresh:"; echo "$fresh"
    e2e_fail "the redraw after resizing differs from a fresh start"
}
# keys still work after all that
e2e_keys Tab
e2e_wait_for "customers kafka source"
exit 0
