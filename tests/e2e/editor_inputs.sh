#!/bin/sh
# The SQL editor keeps a node's inputs in step with the tables its query
# reads (issue 4, points 3 and 7):
#   - a table that is not an input is flagged as it is typed, with an offer
#     to add the edge (Ctrl-N)
#   - after a save, one question offers to add the inputs the SQL reads and
#     to drop those it no longer reads; the change goes through the undo
#     stack and pipeline.yaml is written by the canvas's save
#   - a new SQL transform starts from a template listing its input's columns
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
mkdir -p "$D/sql" "$D/samples"
cat >"$D/pipeline.yaml" <<'YAML'
weir: 1
pipeline:
  name: shop
  version: 1
sources:
  orders:
    type: file
    path: data/orders.jsonl
    format: jsonl
    sample: samples/orders.jsonl
  customers:
    type: file
    path: data/customers.jsonl
    format: jsonl
    sample: samples/customers.jsonl
transforms:
  enrich:
    type: sql
    inputs: [orders]
    sql: sql/enrich.sql
sinks:
  out:
    type: stdout
    inputs: [enrich]
YAML
printf '{"id": 1, "customer_id": 7, "amount": 3.5}\n' >"$D/samples/orders.jsonl"
printf '{"customer_id": 7, "name": "Ada"}\n' >"$D/samples/customers.jsonl"
printf 'SELECT * FROM orders\n' >"$D/sql/enrich.sql"

e2e_start "$D" 80 24
e2e_wait_for "shop v1"
set -- $(e2e_locate "enrich")
e2e_click "$1" "$2"
e2e_wait_for "enrich sql transform"
e2e_keys e
e2e_wait_for "enrich (sql) sql/enrich.sql"
e2e_keys C-k C-k
e2e_type 'SELECT * FROM orders JOIN customers USING (customer_id)'
e2e_wait_for "Ctrl-N adds input customers"
e2e_screen | grep -q '│  1● ' || e2e_fail "the table that is not an input is not marked"
# Ctrl-N: the edge is added (undoable), the error goes away
e2e_keys C-n
e2e_wait_for "connected customers → enrich"
e2e_wait_gone "Ctrl-N adds input"
e2e_screen | grep -q '[0-9]● ' && e2e_fail "still marked after adding the input"
e2e_wait_for "● unsaved"
e2e_keys Escape
e2e_wait_for "/ find"
e2e_keys u
e2e_wait_for "undid connect"
# the offer after a save: the same query reads customers again
e2e_keys e
e2e_wait_for "Ctrl-N adds input customers"
e2e_keys C-s
e2e_wait_for "+ add customers: the SQL reads it"
e2e_keys y
e2e_wait_for "enrich's inputs follow its SQL now"
# now read customers only: orders is dropped, after one question
e2e_keys C-k
e2e_type 'SELECT name FROM customers'
e2e_keys C-s
e2e_wait_for "- remove orders: the SQL no longer reads it"
e2e_screen | grep -q "+ add" && e2e_fail "offered to add an input that is there"
e2e_keys y
e2e_wait_for "enrich's inputs follow its SQL now"
e2e_keys Escape
e2e_wait_for "/ find"
e2e_keys s
e2e_wait_for "saved"
printf 'SELECT name FROM customers' | cmp - "$D/sql/enrich.sql" || e2e_fail "sql file"
python3 - "$D/pipeline.yaml" <<'PY' || e2e_fail "the inputs in pipeline.yaml"
import sys, re
text = open(sys.argv[1]).read()
block = text.split("enrich:")[1].split("sql:")[0]
ins = re.findall(r"^\s+- (\w+)", block, re.M) or re.findall(r"inputs: \[(.*)\]", block)
sys.exit(0 if ins == ["customers"] else 1)
PY

# a new SQL transform starts from the template that the canvas's save would
# write, listing its input's columns (here enrich's, now just `name`)
e2e_keys a
e2e_wait_for "add a node"
e2e_type sql
e2e_keys Enter
e2e_wait_for "added enrich → sql"
e2e_keys e
e2e_wait_for "sql (sql) sql/sql.sql"
e2e_wait_for "new file (template)"
e2e_wait_for "FROM enrich"
e2e_keys C-s
e2e_wait_for "saved sql/sql.sql"
printf 'SELECT\n  name\nFROM enrich\n' | cmp - "$D/sql/sql.sql" || e2e_fail "the template"
e2e_keys Escape
e2e_wait_for "/ find"
e2e_keys q
e2e_wait_for "unsaved changes"
e2e_keys s
e2e_wait_for "WEIR-EXITED:0"
exit 0
