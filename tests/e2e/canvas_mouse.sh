#!/bin/sh
# The mouse, through SGR 1006 reports: click selects, drag moves a node
# (saved to layout.yaml), a drop on another node connects, the wheel pans,
# and all of it works past column 223 (where the old X10 encoding ends).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"

e2e_start "$D" 80 24
e2e_wait_for "shop v3"
# click: select customers
set -- $(e2e_locate "customers")
e2e_click "$1" "$2"
e2e_wait_for "customers kafka source"
# drag customers 10 columns right and 3 rows down
e2e_drag "$1" "$2" $(($1 + 10)) $(($2 + 3))
e2e_wait_for "moved customers"
e2e_keys s
e2e_wait_for " saved $D"
grep -A2 '^  customers:' "$D/layout.yaml" | grep -q 'x: 12' || { cat "$D/layout.yaml"; e2e_fail "x not moved by 10"; }
grep -A2 '^  customers:' "$D/layout.yaml" | grep -q 'y: 12' || { cat "$D/layout.yaml"; e2e_fail "y not moved by 3"; }

# drag enrich's box onto warehouse... refused (already connected), and
# drag orders onto warehouse: connects, and orders stays where it was
set -- $(e2e_locate "orders")
ox=$1 oy=$2
set -- $(e2e_locate "warehouse")
e2e_drag "$ox" "$oy" "$1" "$2"
e2e_wait_for "connected orders → warehouse"
e2e_keys s
e2e_wait_for " saved $D"
grep -A5 '^  warehouse:' "$D/pipeline.yaml" | grep -q -- '- orders' || e2e_fail "not connected"
grep -A2 '^  orders:' "$D/layout.yaml" | grep -q 'x: 2' || e2e_fail "orders moved by a connect"

# the wheel pans the view down: the top row of boxes scrolls off
e2e_screen | grep -q 'kafka' || e2e_fail "no kafka box before the wheel"
e2e_wheel 40 10 down
e2e_wheel 40 10 down
e2e_wheel 40 10 down
e2e_wheel 40 10 down
sleep 0.3
e2e_screen | grep -q '◉ orders' && e2e_fail "the wheel did not pan"

# past column 223: a 250-column pane, a node placed at x=230
cat > "$D/layout.yaml" <<'YAML'
weir: 1
positions:
  orders: {x: 2, y: 1}
  customers: {x: 2, y: 9}
  enrich: {x: 120, y: 5}
  warehouse: {x: 230, y: 5}
YAML
e2e_start "$D" 250 30
e2e_wait_for "shop v3"
set -- $(e2e_locate "warehouse")
[ "$1" -gt 223 ] || e2e_fail "warehouse is at column $1, not past 223"
e2e_click "$1" "$2"
e2e_wait_for "warehouse stdout sink"
e2e_drag "$1" "$2" $(($1 + 5)) "$2"
e2e_wait_for "moved warehouse"
e2e_keys s
e2e_wait_for " saved $D"
grep -A2 '^  warehouse:' "$D/layout.yaml" | grep -q 'x: 235' || { cat "$D/layout.yaml"; e2e_fail "not moved past column 223"; }
exit 0
