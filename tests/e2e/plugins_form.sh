#!/bin/sh
# Plugin types on the canvas at 80x24, as a QA pass found them:
# - the problems list (!) shows the selected problem's whole message,
#   wrapped under the list, so a broken plugin's file:line and Lua error
#   are readable; at 220 columns the list itself spans the terminal;
# - the properties form's header gives the declared title, integers are
#   "whole number"s, booleans read true/false (set or default), and a long
#   help wraps below the list instead of being cut;
# - the palette tags types that do not ship with weir ("your plugin" on a
#   user's filter that shadows the shipped one, "pipeline plugin"), and
#   lists a type whose plugin failed to load as unavailable, with the
#   reason: picking it says so on the status line and adds nothing.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/people
mkdir -p "$D/plugins" "$D/samples" "$E2E_TMP/xdg/weir/plugins"
cat > "$D/pipeline.yaml" <<'YAML'
weir: 1
pipeline:
  name: people
  version: 1
sources:
  people:
    type: file
    path: data/people/*.jsonl
    format: jsonl
    sample: samples/people.jsonl
transforms:
  st:
    type: stamp
    inputs: [people]
    loud: true
  up:
    type: upper
    inputs: [people]
    field: name
YAML
cat > "$D/layout.yaml" <<'YAML'
weir: 1
positions:
  people: {x: 2, y: 1}
  st: {x: 20, y: 1}
  up: {x: 20, y: 6}
YAML
echo '{"name": "ada"}' > "$D/samples/people.jsonl"
cat > "$D/plugins/stamp.lua" <<'LUA'
weir.node_type {
    kind = "transform",
    name = "stamp",
    title = "Stamp records",
    description = "Add a counter field (qa)",
    settings = {
        { name = "every", type = "integer", default = 10, min = 1, max = 1000,
          help = "how many records share one stamp" },
        { name = "quiet", type = "boolean", default = false,
          help = "stamp without a sound" },
        { name = "loud", type = "boolean", default = false,
          help = "also upper-case the stamp" },
        { name = "note", type = "string",
          help = "a note kept with every stamp; this help is longer than one row of the form so it has to wrap over the rows below it (qa-end)" },
    },
    record = function(record, node)
        return record
    end,
}
LUA
# a missing comma after the title
cat > "$D/plugins/upper.lua" <<'LUA'
weir.node_type {
    kind = "transform",
    name = "upper",
    title = "Upper case"
    description = "Upper-case one text field of every record (qa)",
    settings = { { name = "field", type = "string", required = true } },
    record = function(record, node)
        return record
    end,
}
LUA
cat > "$E2E_TMP/xdg/weir/plugins/filter.lua" <<'LUA'
weir.node_type {
    kind = "transform",
    name = "filter",
    title = "My filter",
    description = "Keep the records that match, my way (qa)",
    shadows = true,
    settings = { { name = "where", type = "string", required = true, help = "a condition" } },
    record = function(record, node)
        return record
    end,
}
LUA
E2E_ENV="XDG_CONFIG_HOME=$E2E_TMP/xdg"
# The plugin's error as the CLI gives it: "plugins/upper.lua:5: ..."
cli=$(XDG_CONFIG_HOME=$E2E_TMP/xdg HOME=$E2E_TMP/home "$WEIR" plugins "$D" 2>&1)
lua_err=$(printf '%s\n' "$cli" | grep -o "plugins/upper\.lua:[0-9]*:.*" | head -1 |
    sed 's/: error: /: /')
case $lua_err in
*"expected"*) ;;
*) echo "FAIL: weir plugins did not give the Lua error: $cli" >&2; exit 1 ;;
esac

# The text inside the box whose top border is the first line holding
# TITLE: the rows between its borders, stripped, joined by spaces.
box_text() {
    e2e_screen | python3 -c '
import sys
title = sys.argv[1]
lines = sys.stdin.read().split("\n")
out, inside = [], False
for line in lines:
    if not inside:
        if title in line and ("┌" in line or "╭" in line):
            inside = True
            left = line.index("┌" if "┌" in line else "╭")
        continue
    if line[left:left + 1] in ("└", "╰"):
        break
    body = line[left + 1:].rstrip()
    if body.endswith("│"):
        body = body[:-1]
    out.append(body.strip())
print(" ".join(" ".join(out).split()))' "$1"
}

ERR=$E2E_TMP/weir.stderr
e2e_start "$D" 80 24 "2>>$ERR"
e2e_wait_for "people"

# ---- the problems list: the whole message under the list
e2e_keys '!'
e2e_wait_for "problems: 1 error"
e2e_wait_for "up · pipeline.yaml:"
want="transform type 'upper' is unavailable: its plugin failed to load: $lua_err"
got=$(box_text "up · pipeline.yaml:")
want_n=$(printf '%s' "$want" | tr -s ' ')
[ "$got" = "$want_n" ] || e2e_fail "the problem's box says '$got', not '$want_n'"
e2e_keys Escape
e2e_wait_gone "problems: 1 error"

# ---- the palette: origins, and the broken type with its reason
e2e_keys a
e2e_wait_for "add a node"
e2e_type filter
e2e_wait_for "my way (qa)"
line=$(e2e_screen | grep -F "my way (qa)")
case $line in
*" filter "*"Keep the records that match, my way (qa)"*"your plugin"*) ;;
*) e2e_fail "the palette line for the user's filter is '$line'" ;;
esac
e2e_keys BSpace BSpace BSpace BSpace BSpace BSpace
e2e_type stamp
e2e_wait_for "Add a counter field (qa)"
line=$(e2e_screen | grep -F "Add a counter field (qa)")
case $line in
*" stamp "*"pipeline plugin"*) ;;
*) e2e_fail "the palette line for stamp is '$line'" ;;
esac
e2e_screen | grep -F "Keep the records that match a SQL" && e2e_fail "a shipped description is tagged"
e2e_keys BSpace BSpace BSpace BSpace BSpace
e2e_type upper
e2e_wait_for "unavailable: plugins/upper.lua:"
line=$(e2e_screen | grep -F "unavailable: plugins/upper.lua:")
case $line in
*" upper "*) ;;
*) e2e_fail "the broken type's line is '$line'" ;;
esac
e2e_keys Enter
e2e_wait_for "upper is unavailable (its plugin failed to load): plugins/upper.lua:"
e2e_screen | grep -q "add a node" && e2e_fail "the palette stayed open"
e2e_screen | grep -qF "added" && e2e_fail "picking the broken type added a node"
e2e_screen | grep -qF "unsaved" && e2e_fail "picking the broken type changed the pipeline"

# ---- the form: title, labels, true/false, wrapped help
e2e_keys /
e2e_wait_for "find a node"
e2e_type st
e2e_keys Enter
e2e_keys i
e2e_wait_for "st — Stamp records (stamp)"
screen=$(e2e_screen)
printf '%s\n' "$screen" | grep -q "│ every  *10  " || e2e_fail "every does not show its default 10"
printf '%s\n' "$screen" | grep -q "│ quiet  *false  " || e2e_fail "quiet does not show false"
printf '%s\n' "$screen" | grep -q "│ loud  *true  " || e2e_fail "loud (set) does not show true"
printf '%s\n' "$screen" | grep -qE "│ (quiet|loud) +(yes|no) " && e2e_fail "the form says yes/no"
e2e_wait_for "whole number: how many records share one stamp"
e2e_keys Down
e2e_wait_for "true/false: stamp without a sound"
# toggling quiet writes true, shown as such
e2e_keys Space
e2e_wait_for "│ quiet            true"
e2e_keys Down Down
e2e_wait_for "text: a note kept with every stamp"
got=$(box_text "st — Stamp records")
case $got in
*"text: a note kept with every stamp; this help is longer than one row of the form so it has to wrap over the rows below it (qa-end)"*) ;;
*) e2e_fail "the note's help is not shown in full: $got" ;;
esac
# the integer field's prompt names its kind
e2e_keys Up Up Up Enter
e2e_wait_for "every (whole number)"
e2e_keys Escape
e2e_wait_gone "every (whole number)"
e2e_keys Escape
e2e_wait_gone "Stamp records"

e2e_keys q
e2e_wait_for "unsaved changes"
e2e_keys d
e2e_wait_for "WEIR-EXITED:0"

# ---- a wide terminal: the list spans it, the message on one row
e2e_start "$D" 220 40 "2>>$ERR"
e2e_wait_for "people"
e2e_keys '!'
e2e_wait_for "problems: 1 error"
e2e_screen | grep -qF "✗ up  $want" || e2e_fail "at 220 columns the list row is cut"
if grep -qE "runtime error|Sanitizer" "$ERR"; then
    cat "$ERR" >&2
    e2e_fail "weir reported a sanitizer error (above)"
fi
exit 0
