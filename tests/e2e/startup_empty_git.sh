#!/bin/sh
# An empty pipeline created from the canvas (e at "new pipeline") gets the
# same .gitattributes as `weir new` (QA pass), and an existing
# .gitattributes is never overwritten, whatever it holds.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"

# the reference: what weir new writes
"$WEIR" new "$E2E_TMP/ref" >/dev/null 2>&1 || e2e_fail "weir new"
[ -f "$E2E_TMP/ref/.gitattributes" ] || e2e_fail "weir new wrote no .gitattributes"

create_empty() { # DIR
    e2e_start "$1" 80 24
    e2e_wait_for "new pipeline"
    e2e_keys e
    e2e_wait_for "pipeline.yaml; a adds a node"
    e2e_keys q
    e2e_wait_for "WEIR-EXITED:0"
}

# an empty folder
D=$E2E_TMP/empty
mkdir "$D"
create_empty "$D"
[ -f "$D/pipeline.yaml" ] || e2e_fail "no pipeline.yaml"
[ -f "$D/.gitattributes" ] || e2e_fail "no .gitattributes in the empty pipeline"
cmp -s "$D/.gitattributes" "$E2E_TMP/ref/.gitattributes" \
    || e2e_fail ".gitattributes differs from weir new's: $(cat "$D/.gitattributes")"
ls -a "$D" | grep -q 'weir-tmp' && e2e_fail "a temporary file was left: $(ls -a "$D")"

# a folder that does not exist yet
D=$E2E_TMP/later/shop
create_empty "$D"
cmp -s "$D/.gitattributes" "$E2E_TMP/ref/.gitattributes" \
    || e2e_fail "no .gitattributes for a pipeline in a new folder"

# the user's own .gitattributes, without weir's lines: kept byte for byte,
# and nothing said about it
D=$E2E_TMP/mine
mkdir "$D"
printf '*.csv binary\n' > "$D/.gitattributes"
e2e_start "$D" 80 24
e2e_wait_for "new pipeline"
e2e_keys e
e2e_wait_for "created $D/pipeline.yaml; a adds a node"
e2e_screen | grep -q 'gitattributes' && e2e_fail "said something about an existing .gitattributes"
e2e_keys q
e2e_wait_for "WEIR-EXITED:0"
[ "$(cat "$D/.gitattributes")" = '*.csv binary' ] || e2e_fail "overwrote the user's .gitattributes"
exit 0
