#!/bin/sh
# The properties form edits a list setting as one line without breaking its
# items: an item holding a comma (SQL such as round(sum(amount), 2)) is shown
# in double quotes, opening the field and pressing Enter changes nothing
# (pipeline.yaml stays byte-identical after a save), and an edited line is
# split where the quotes say, so such an item stays whole.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
mkdir -p "$D/samples"
cat > "$D/pipeline.yaml" <<'YAML'
weir: 1
pipeline:
  name: shop
  version: 1
sources:
  orders:
    type: kafka
    brokers: localhost:9092
    topic: orders
    sample: samples/orders.jsonl
transforms:
  win:
    type: tumbling_window
    inputs: [orders]
    time: ts
    size: 60
    aggregates: [count(*) as orders, "round(sum(amount), 2) as revenue", 'a "b" as c']
sinks:
  out:
    type: stdout
    inputs: [win]
YAML
echo '{"ts": 1, "amount": 2.5}' > "$D/samples/orders.jsonl"
mkdir -p "$E2E_TMP/xdg"
E2E_ENV="XDG_CONFIG_HOME=$E2E_TMP/xdg"
ERR=$E2E_TMP/weir.stderr
e2e_start "$D" 80 24 "2>>$ERR"
e2e_wait_for "win"
# A first save writes the file as weir writes it: the reference.
e2e_keys s
e2e_wait_for "saved $D"
# (every key clears the status line, so each later "saved" is a new save)
cp "$D/pipeline.yaml" "$E2E_TMP/saved.yaml"
grep -qF -- "- round(sum(amount), 2) as revenue" "$E2E_TMP/saved.yaml" ||
    e2e_fail "the fixture did not load as expected: $(cat "$E2E_TMP/saved.yaml")"

# select win, open its form, go to aggregates (id, description, time,
# size, group_by, aggregates)
e2e_keys /
e2e_wait_for "find a node"
e2e_type win
e2e_keys Enter
e2e_keys i
e2e_wait_for "aggregates*"
e2e_keys Down Down Down
e2e_wait_for "list: 'expression as name' items"
e2e_keys Enter
e2e_wait_for "aggregates (list)"
# (the prompt scrolls to the end of the line: its start is off the left)
want='orders, "round(sum(amount), 2) as revenue", "a \"b\" as c"'
e2e_screen | grep -qF -- "$want" || e2e_fail "the list field does not show: $want"
# Enter without a change: nothing changes at all.
e2e_keys Enter
e2e_wait_gone "aggregates (list)"
e2e_keys Escape
e2e_wait_gone "aggregates*"
e2e_keys s
e2e_wait_for "saved" # (old code: "saved, with 1 problem")
if ! cmp -s "$E2E_TMP/saved.yaml" "$D/pipeline.yaml"; then
    diff "$E2E_TMP/saved.yaml" "$D/pipeline.yaml" >&2
    e2e_fail "Enter without a change altered pipeline.yaml (diff above)"
fi

# An edit: one more item, typed with a quoted comma.  The others stay whole.
e2e_keys i
e2e_wait_for "aggregates*"
e2e_keys Down Down Down Enter
e2e_wait_for "aggregates (list)"
e2e_type ', "max(amount, 0) as top"'
e2e_keys Enter
e2e_wait_gone "aggregates (list)"
e2e_keys Escape
e2e_wait_gone "aggregates*"
e2e_keys s
e2e_wait_for "saved $D"
python3 - "$D/pipeline.yaml" <<'PY' || e2e_fail "pipeline.yaml lacks the edited list (above)"
import sys
text = open(sys.argv[1]).read()
want = ("    aggregates:\n"
        "      - count(*) as orders\n"
        "      - round(sum(amount), 2) as revenue\n"
        "      - a \"b\" as c\n"
        "      - max(amount, 0) as top\n")
if want not in text:
    print(text, file=sys.stderr)
    sys.exit(1)
PY
# everything is saved: q quits without asking
e2e_keys q
e2e_wait_for "WEIR-EXITED:0"
if grep -qE "runtime error|Sanitizer" "$ERR"; then
    cat "$ERR" >&2
    e2e_fail "weir reported a sanitizer error (above)"
fi
exit 0
