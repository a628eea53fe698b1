#!/bin/sh
# A file setting may name a file inside the pipeline folder that does not
# exist yet (QA pass): the form takes it with a warning, never a path
# outside the folder; weir validate still reports the missing file.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
e2e_fixture "$D"
ERR=$E2E_TMP/weir.stderr
e2e_start "$D" 100 30 "2>>$ERR"
e2e_wait_for "orders kafka source"
goto_sample() { # open the form, down to the sample row (its help says "file:")
    e2e_keys i
    e2e_wait_for "sample"
    n=0
    until e2e_screen | grep -q '│ *file:'; do
        [ $n -lt 10 ] || e2e_fail "no file setting in the form"
        e2e_keys Down
        sleep 0.1
        n=$((n + 1))
    done
}
goto_sample

edit_sample() { # TEXT: open the field, replace its text
    e2e_keys Enter
    e2e_wait_for "sample (file)"
    e2e_keys C-e C-u
    e2e_type "$1"
}

# outside the folder: refused, in the prompt, and Enter does not take it
edit_sample "../outside.jsonl"
e2e_wait_for "must stay inside the pipeline folder"
e2e_keys Enter
sleep 0.3
e2e_screen | grep -q "sample (file)" || e2e_fail "a path outside the folder was accepted"
e2e_keys C-u
e2e_type "/tmp/x.jsonl"
e2e_wait_for "must be a path relative to the pipeline folder"
e2e_keys Escape
e2e_wait_gone "sample (file)"

# inside, not there yet (nor its folder): taken, with the warning
edit_sample "samples/later/x.jsonl"
e2e_screen | grep -q "no such file" && e2e_fail "the prompt refuses a file that does not exist yet"
e2e_keys Enter
e2e_wait_gone "sample (file)"
e2e_wait_for "samples/later/x.jsonl does not exist yet: preview will fail until it does"
# the form keeps saying so under the field
e2e_keys Escape
e2e_wait_gone "samples/later/x.jsonl does not exist yet"
goto_sample
e2e_wait_for "samples/later/x.jsonl does not exist yet: preview will fail" # (wrapped)
e2e_keys Escape
e2e_wait_gone "sample"
e2e_keys s
e2e_wait_for "saved"
grep -q 'sample: samples/later/x.jsonl' "$D/pipeline.yaml" || e2e_fail "the sample was not saved"
e2e_keys q
e2e_wait_for "WEIR-EXITED"

# validation is unchanged: the missing file is still an error
out=$("$WEIR" validate "$D" 2>&1) && e2e_fail "weir validate passed with a missing sample: $out"
echo "$out" | grep -q "samples/later/x.jsonl" || e2e_fail "weir validate does not name the missing file: $out"
echo "$out" | grep -qi "no such file" || e2e_fail "weir validate does not say the file is missing: $out"

# once the file exists the warning is gone
mkdir -p "$D/samples/later"
echo '{"id": 1}' > "$D/samples/later/x.jsonl"
"$WEIR" validate "$D" >/dev/null 2>&1 || e2e_fail "weir validate fails once the file exists"
if grep -qE "runtime error|Sanitizer" "$ERR"; then
    cat "$ERR" >&2
    e2e_fail "weir reported a sanitizer error (above)"
fi
exit 0
