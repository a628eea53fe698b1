#!/bin/sh
# Terminals: ASCII when the locale is not UTF-8 or with --ascii; the same
# canvas in xterm-256color, screen, linux, 8 colours and monochrome, with
# NO_COLOR honoured; wide characters keep boxes aligned.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"

E2E_LANG=C e2e_start "$D" 80 24
e2e_wait_for "shop v3"
e2e_screen | grep -q '[╭│─▶◉]' && e2e_fail "box-drawing characters in the C locale"
e2e_screen | grep -qF -- '|o orders v|-' || e2e_fail "no ASCII box for orders"
e2e_screen | grep -qF -- '->|* enrich v|' || e2e_fail "no ASCII arrow into enrich"

e2e_start "$D" 80 24 --ascii
e2e_wait_for "shop v3"
e2e_screen | grep -q '[╭│─▶◉]' && e2e_fail "box-drawing characters with --ascii"

for term in xterm-256color screen linux xterm vt100; do
    for nc in "" "NO_COLOR=1"; do
        E2E_TERM=$term E2E_ENV=$nc e2e_start "$D" 80 24
        e2e_wait_for "shop v3"
        e2e_screen | grep -q '◉ orders ✓' || e2e_fail "TERM=$term $nc: no orders box"
        e2e_keys Tab
        e2e_wait_for "customers kafka source"
        e2e_keys q
        e2e_wait_for "WEIR-EXITED:0"
    done
done

# colour escapes appear with colours, and none with NO_COLOR
esc=$(printf '\033')
E2E_ENV="" e2e_start "$D" 80 24
e2e_wait_for "shop v3"
tmux -L "$E2E_SOCK" capture-pane -e -p -t "$E2E_PANE" | grep -q "${esc}\[3[0-7]m" \
    || e2e_fail "no colours in xterm-256color"
E2E_ENV="NO_COLOR=1" e2e_start "$D" 80 24
e2e_wait_for "shop v3"
tmux -L "$E2E_SOCK" capture-pane -e -p -t "$E2E_PANE" | grep -q "${esc}\[3[0-7]m" \
    && e2e_fail "colours despite NO_COLOR"

# Esc answers at once (a short ESCDELAY), not after curses' default second
e2e_keys a
e2e_wait_for "add a node"
t0=$(date +%s%N)
e2e_keys Escape
e2e_wait_gone "add a node" 2
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 600 ] || e2e_fail "Esc took $ms ms"

# wide characters in a description and an id
sed -i 's/^  warehouse:/  warehouse:\n    description: 倉庫に書く/' "$D/pipeline.yaml"
e2e_start "$D" 80 24
e2e_wait_for "shop v3"
set -- $(e2e_locate "warehouse")
e2e_click "$1" "$2"
e2e_keys i
e2e_wait_for "倉庫に書く"
# the right border of the settings panel stays in its column on that row
width() { python3 -c 'import sys,unicodedata; s=sys.stdin.read().rstrip("\n"); print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s))'; }
wide=$(e2e_screen | grep '倉庫に書く' | width)
plain=$(e2e_screen | grep ' id  ' | width)
[ "$wide" = "$plain" ] || e2e_fail "a wide description broke the row's width ($wide, not $plain)"
exit 0
