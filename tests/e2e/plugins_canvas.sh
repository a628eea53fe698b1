#!/bin/sh
# A pipeline's own plugin on the canvas (issue 7): a folder with
# plugins/upper.lua, a record transform of ours.  Its type shows in the
# palette with its description; added after the source, its setting is set
# in the properties form and saved; `weir validate` accepts the folder and
# the preview pane shows the plugin's output (the chosen field upper-cased,
# the others untouched).  Then the plugin is broken: weir still opens, the
# status line names the plugin's file:line (the same the CLI reports) and
# the node shows the plugin's error in the problems list.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/people
mkdir -p "$D/plugins" "$D/samples"
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
YAML
cat > "$D/layout.yaml" <<'YAML'
weir: 1
positions:
  people: {x: 2, y: 1}
YAML
cat > "$D/samples/people.jsonl" <<'JSONL'
{"name": "ada", "city": "oslo"}
{"name": "grace", "city": "bergen"}
{"name": "linus", "city": "tromso"}
JSONL
cat > "$D/plugins/upper.lua" <<'LUA'
weir.node_type {
    kind = "transform",
    name = "upper",
    title = "Upper case",
    description = "Upper-case one text field of every record (qa)",
    settings = {
        { name = "field", type = "string", required = true,
          help = "the text field to upper-case (qa)" },
    },
    record = function(record, node)
        local v = record[node.settings.field]
        if type(v) == "string" then
            record[node.settings.field] = v:upper()
        end
        return record
    end,
}
LUA
cp "$D/plugins/upper.lua" "$E2E_TMP/upper.good"

# The user's plugin folder is an empty temp dir: nothing from $HOME.
mkdir -p "$E2E_TMP/xdg"
E2E_ENV="XDG_CONFIG_HOME=$E2E_TMP/xdg"
ERR=$E2E_TMP/weir.stderr
e2e_start "$D" 80 24 "2>$ERR"
e2e_wait_for "people"

# the palette: our type, with its description, among the shipped ones
e2e_keys a
e2e_wait_for "add a node"
e2e_type upp
e2e_wait_for "Upper-case one text field"
line=$(e2e_screen | grep -F "Upper-case one text field")
case $line in
# (at 80 columns the description is cut so that its origin shows)
*" upper "*"Upper-case one text field of every r"*"pipeline plugin"*) ;;
*) e2e_fail "palette line for upper is '$line'" ;;
esac
e2e_keys Enter
e2e_wait_for "added people → upper"

# the form: the setting the plugin declares, required, with its help
e2e_keys i
e2e_wait_for "upper — Upper case (upper)"
e2e_screen | grep -q "field\* *(required)" || e2e_fail "the form does not show field as required"
i=0
until e2e_screen | grep -qF "the text field to upper-case (qa)"; do
    i=$((i + 1))
    [ "$i" -le 6 ] || e2e_fail "no row of the form shows the setting's help"
    e2e_keys Down
    sleep 0.1
done
e2e_keys Enter
e2e_type name
e2e_keys Enter
e2e_wait_for "✓ valid"
e2e_screen | grep -q "field\* *name" || e2e_fail "the form does not show field = name"
e2e_keys Escape
e2e_wait_gone "upper — Upper case (upper)"

# save: the node and its setting in pipeline.yaml; the CLI agrees it is valid
e2e_keys s
e2e_wait_for "saved $D"
python3 - "$D/pipeline.yaml" <<'PY' || e2e_fail "pipeline.yaml lacks the upper node (above)"
import sys
text = open(sys.argv[1]).read()
want = "  upper:\n    type: upper\n    inputs:\n      - people\n    field: name\n"
if want not in text:
    print(text, file=sys.stderr)
    sys.exit(1)
PY
out=$(XDG_CONFIG_HOME=$E2E_TMP/xdg HOME=$E2E_TMP/home "$WEIR" validate "$D" 2>&1) ||
    e2e_fail "weir validate failed: $out"
case $out in
*"valid (2 nodes"*) ;;
*) e2e_fail "weir validate said: $out" ;;
esac

# the preview pane: the plugin ran (names upper-cased, cities not)
e2e_keys p
e2e_wait_for "preview: upper · 3 rows"
e2e_wait_for "GRACE"
screen=$(e2e_screen)
for want in ADA GRACE LINUS oslo bergen tromso; do
    printf '%s\n' "$screen" | grep -qE " $want( |\$)" || e2e_fail "the preview lacks '$want'"
done
printf '%s\n' "$screen" | grep -qE " (ada|grace|linus)( |\$)" && e2e_fail "a name is not upper-cased"
# `r` in the preview re-reads the plugin file too: an edit made while weir
# runs shows at once, without a restart.
sed 's/v:upper()/v:upper() .. "!"/' "$E2E_TMP/upper.good" > "$D/plugins/upper.lua"
e2e_keys w
e2e_wait_for "Esc canvas"
e2e_keys r
e2e_wait_for "GRACE!"
cp "$E2E_TMP/upper.good" "$D/plugins/upper.lua"
e2e_keys Escape
e2e_wait_gone "Esc canvas"
e2e_keys q
e2e_wait_for "WEIR-EXITED:0"

# a broken plugin: a missing comma.  The CLI names file:line; the canvas
# opens anyway, says so on the status line, and the node shows the error.
sed 's/title = "Upper case",/title = "Upper case"/' "$E2E_TMP/upper.good" > "$D/plugins/upper.lua"
cli=$(XDG_CONFIG_HOME=$E2E_TMP/xdg HOME=$E2E_TMP/home "$WEIR" plugins "$D" 2>&1) &&
    e2e_fail "weir plugins exited 0 with a broken plugin"
where=$(printf '%s\n' "$cli" | grep -o 'plugins/upper\.lua:[0-9]*' | head -1)
[ -n "$where" ] || e2e_fail "weir plugins does not name plugins/upper.lua:LINE: $cli"
e2e_start "$D" 80 24 "2>>$ERR"
e2e_wait_for "plugins: $where: error:"
e2e_screen | grep -q "upper *✗" || e2e_fail "the upper node is not marked with an error"
e2e_keys '!'
e2e_wait_for "problems: 1 error"
# (the list row is cut at 80 columns; the box under the list has the
# whole message, with the plugin's own file:line)
e2e_screen | grep -q "✗ upper  *transform type 'upper' is unavailable: its plugin failed" ||
    e2e_fail "the problems list does not give the plugin's error on upper"
e2e_screen | grep -qF "$where:" || e2e_fail "the problems list does not show $where"
e2e_keys Escape
# the other types keep working: the palette still lists the shipped ones
e2e_keys a
e2e_wait_for "add a node"
e2e_type filter
e2e_wait_for "Keep the records that match a SQL condition"
e2e_screen | grep -q "Upper-case one text field" && e2e_fail "the broken type is in the palette"
e2e_keys Escape
e2e_alive
if grep -qE "runtime error|Sanitizer" "$ERR"; then
    cat "$ERR" >&2
    e2e_fail "weir reported a sanitizer error (above)"
fi
exit 0
