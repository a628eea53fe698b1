#!/bin/sh
# The history view (G): two commits, the older one compared with the
# working pipeline on the canvas — a node added since is marked +, a node
# deleted on the canvas (unsaved) is still drawn and marked -, the SQL
# change shows in the text diff.  Then restore the old version (after
# saving the canvas, as asked), check the files on disk and that HEAD and
# the index did not move, and undo the restore with u.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
command -v git >/dev/null || { echo "git not installed" >&2; exit 77; }
export HOME="$E2E_TMP/home" GIT_CONFIG_NOSYSTEM=1
E2E_ENV="GIT_CONFIG_NOSYSTEM=1"
R=$E2E_TMP/repo
P=$R/orders
git init -q -b main "$R" || e2e_fail "git init"
git -C "$R" config user.name "Ada Lovelace"
git -C "$R" config user.email ada@example.com
"$WEIR" new "$P" >/dev/null 2>&1 || e2e_fail "weir new"
git -C "$R" add -A && git -C "$R" commit -qm "first" || e2e_fail "first commit"
v1=$(git -C "$R" rev-parse --short=7 HEAD)
# the second version: a sink more, and a change to the SQL
cat >> "$P/pipeline.yaml" <<'YAML'
  audit:
    type: stdout
    inputs:
      - enrich
YAML
sed -i 's/0.92/0.93/' "$P/sql/enrich.sql"
"$WEIR" commit "$P" -m "add the audit sink" >/dev/null 2>&1 || e2e_fail "weir commit"
head=$(git -C "$R" rev-parse HEAD)

e2e_start "$P" 80 24
e2e_wait_for "orders v2  main "
e2e_keys G
e2e_wait_for "history of orders: 2 commits touched it"
e2e_screen | grep -q "add the audit sink" || e2e_fail "the newest commit is not listed"
e2e_screen | grep -q "$v1 .* v1 .*Ada Lovelace *first" || e2e_fail "the first commit is not listed with its version and author"
e2e_wait_for "working: the same nodes and edges"
e2e_keys Down
e2e_wait_for "v1 $v1 → working: +1 added  -0 removed"
e2e_screen | grep -q '│▣ audit *+│' || e2e_fail "the added node is not marked +"
e2e_screen | grep -q '│λ enrich *│' || e2e_fail "an unchanged node is marked"
# colour: the added box is green (SGR 32), the unchanged ones are not
e2e_cap() { tmux -L "$E2E_SOCK" capture-pane -e -p -t "$E2E_PANE"; }
e2e_cap | grep 'audit' | grep -q '\[32m\|\[1;32m\|;32m' || e2e_fail "the added node is not coloured"
e2e_keys Tab
e2e_wait_for "+ audit (stdout sink): added since v1"
# the comparison as text, with the SQL diff
e2e_keys d
e2e_wait_for "nodes: 1 added"
e2e_screen | grep -q '+ audit' || e2e_fail "no added node in the text diff"
e2e_keys PageDown
e2e_wait_for "0.93"
e2e_screen | grep -q -- '-.*0.92' || e2e_fail "the SQL diff lacks the old line"
e2e_keys Escape
e2e_wait_for "history of orders"
e2e_keys Escape
e2e_wait_gone "history of orders"

# delete a node on the canvas (unsaved): the comparison draws it as removed
e2e_keys /; e2e_wait_for "find a node"; e2e_type out; e2e_keys Enter
e2e_wait_for "out stdout sink"
e2e_keys d; e2e_wait_for "Delete out"; e2e_keys y
e2e_wait_for "deleted out"
e2e_keys G
e2e_wait_for "history of orders"
e2e_keys Down
e2e_wait_for "+1 added  -1 removed"
e2e_screen | grep -q '│▣ out *-│' || e2e_fail "the deleted node is not drawn as removed"

# restore v1: unsaved edits are saved first, when asked
e2e_keys r
e2e_wait_for "Save them before restoring?"
e2e_keys s
e2e_wait_for "Restore v1 ($v1"
e2e_keys y
e2e_wait_for "restored v1 ($v1)"
e2e_wait_for "orders v1  main●"
git -C "$R" show "$v1:orders/pipeline.yaml" | cmp -s - "$P/pipeline.yaml" || e2e_fail "pipeline.yaml is not v1's"
git -C "$R" show "$v1:orders/sql/enrich.sql" | cmp -s - "$P/sql/enrich.sql" || e2e_fail "enrich.sql is not v1's"
[ "$(git -C "$R" rev-parse HEAD)" = "$head" ] || e2e_fail "HEAD moved"
[ -z "$(git -C "$R" diff --cached --name-only)" ] || e2e_fail "the index changed"
git -C "$R" status --porcelain | grep -q 'M orders/pipeline.yaml' || e2e_fail "not an uncommitted change"
e2e_screen | grep -q '▣ audit' && e2e_fail "the canvas still shows the audit node"

# u puts the files back as they were (saved, with out deleted)
e2e_keys u
e2e_wait_for "undid restore v1"
grep -q '^  audit:' "$P/pipeline.yaml" || e2e_fail "undo did not bring audit back"
grep -q '^  out:' "$P/pipeline.yaml" && e2e_fail "undo brought back the deleted node"
git -C "$R" show HEAD:orders/sql/enrich.sql | cmp -s - "$P/sql/enrich.sql" || e2e_fail "enrich.sql not put back"
e2e_wait_for "orders v2  main●"
e2e_screen | grep -q '● unsaved' && e2e_fail "the canvas should match the files after undo"
e2e_alive
echo "vcs_history_view: ok"
