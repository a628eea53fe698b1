#!/bin/sh
# Disk guard for the editor's journal (QA: work loss after a crash).
# (a) After "Esc later" on the recovery offer, nothing typed may go
#     unjournalled: the editor closes (the text stays on offer) — or, if it
#     stays open, the new typing must reach a journal.
# (b) Each file has its own journal: typing in another node's editor must
#     not overwrite the first file's pending text.
# Both texts survive kill -9 and are recovered and saved in a new session.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"
cat >"$D/pipeline.yaml" <<'YAML'
weir: 1
pipeline:
  name: shop
  version: 3
sources:
  orders:
    type: kafka
    brokers: localhost:9092
    topic: orders
    sample: samples/orders.jsonl
  customers:
    type: kafka
    brokers: localhost:9092
    topic: customers
    sample: samples/orders.jsonl
transforms:
  enrich:
    type: sql
    inputs: [orders, customers]
    sql: sql/enrich.sql
  totals:
    type: sql
    inputs: [enrich]
    sql: sql/totals.sql
sinks:
  warehouse:
    type: stdout
    inputs: [totals]
YAML
cat >>"$D/layout.yaml" <<'YAML'
  totals: {x: 40, y: 12}
YAML
echo 'SELECT * FROM orders, customers' >"$D/sql/enrich.sql"
echo 'SELECT * FROM enrich' >"$D/sql/totals.sql"

# journal_has TEXT: some file under .weir holds TEXT (waits up to 5 s)
journal_has() {
    i=0
    while [ "$i" -lt 100 ]; do
        grep -rqF -- "$1" "$D/.weir" 2>/dev/null && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
open_node() { # ID: select it with the finder, open its editor
    e2e_keys /
    e2e_wait_for "find a node"
    e2e_type "$1"
    sleep 0.2
    e2e_keys Enter
    e2e_wait_for "$1 sql transform"
    e2e_keys e
}
# Esc alone (a key right after it would read as Alt+key)
esc() { e2e_keys Escape; sleep 0.4; }
crash() { kill -9 "$(e2e_weir_pid)"; e2e_wait_for "WEIR-EXITED"; }

e2e_start "$D" 100 30
e2e_wait_for "shop v3"
open_node enrich
e2e_wait_for "SELECT * FROM orders, customers"
e2e_type 'AAA'
e2e_wait_for "AAASELECT"
journal_has AAA || e2e_fail "the typing was not journalled"
crash

# (a) the offer, then Esc (later)
e2e_start "$D" 100 30
e2e_wait_for "shop v3"
open_node enrich
e2e_wait_for "Recover it?"
esc
e2e_wait_gone "Recover it?"
sleep 0.3
if e2e_screen | grep -q "enrich (sql) sql/enrich.sql"; then
    e2e_type 'BBB'
    e2e_wait_for "BBB"
    journal_has BBB || e2e_fail "typing after 'later' was not journalled"
fi
journal_has AAA || e2e_fail "'later' lost the pending text"
esc

# (b) another node's editor: its typing must not replace enrich's journal
open_node totals
e2e_wait_for "SELECT * FROM enrich"
e2e_type 'CCC'
e2e_wait_for "CCCSELECT"
journal_has CCC || e2e_fail "totals' typing was not journalled"
journal_has AAA || e2e_fail "totals' journal replaced enrich's pending text"
crash

# both come back, and saving removes their journals
e2e_start "$D" 100 30
e2e_wait_for "shop v3"
open_node enrich
e2e_wait_for "Recover it?"
e2e_keys y
e2e_wait_for "AAASELECT"
e2e_keys C-s
e2e_wait_for "saved sql/enrich.sql"
grep -q AAA "$D/sql/enrich.sql" || e2e_fail "the recovered text was not saved"
esc
open_node totals
e2e_wait_for "Recover it?"
e2e_keys y
e2e_wait_for "CCCSELECT"
e2e_keys C-s
e2e_wait_for "saved sql/totals.sql"
grep -q CCC "$D/sql/totals.sql" || e2e_fail "the recovered text was not saved"
sleep 0.5
grep -rqE 'AAA|CCC' "$D/.weir" && e2e_fail "a journal was left after saving"
e2e_alive
exit 0
