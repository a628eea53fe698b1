#!/bin/sh
# Connect mode names both ends before Enter: "connect orders → enrich?"
# (QA pass); with nothing picked yet it asks to pick a node, and a pick
# that cannot take the marked node says why not.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"
# orders -> enrich exists already: start from a fresh transform without inputs
python3 - "$D/pipeline.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace("sinks:", "  audit:\n    type: sql\n    sql: sql/enrich.sql\nsinks:")
open(p, "w").write(s)
PY
echo '  audit: {x: 28, y: 14}' >> "$D/layout.yaml"

e2e_start "$D" 100 30
e2e_wait_for "shop v3"
set -- $(e2e_locate "orders")
e2e_click "$1" "$2"
e2e_wait_for "orders kafka source"
e2e_keys c
e2e_wait_for "connect orders → ? (pick a node)"
# pick with the keys (the mouse does not pick in connect mode): the
# question names the picked node
pick() { # ID: Tab until the question names ID
    n=0
    while [ $n -lt 6 ]; do
        e2e_screen | grep -qF "connect orders → $1?" && return 0
        e2e_keys Tab
        sleep 0.2
        n=$((n + 1))
    done
    e2e_fail "Tab never named $1 in the connect question"
}
pick audit
e2e_screen | grep -q "audit sql transform" || e2e_fail "the question names another node than the picked one"
# enrich already reads orders: the question says so instead
pick enrich
e2e_wait_for "connect orders → enrich? no: these two are already connected"
# back to audit and confirm: the edge is made as named
pick audit
e2e_keys Enter
e2e_wait_for "connected orders → audit"
e2e_keys q
e2e_wait_for "unsaved changes"
e2e_keys d
e2e_wait_for "WEIR-EXITED:0"
exit 0
