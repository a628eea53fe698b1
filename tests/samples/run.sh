#!/bin/sh
# run.sh validate WEIR SRCDIR: every samples/*/ passes `weir validate` with
#   exit 0, no errors and no warnings (also checked through --format json).
# run.sh fmt WEIR SRCDIR: every sample is canonical (`weir fmt --check`).
# run.sh preview WEIR SRCDIR: every sink of every sample previews without an
#   error and receives at least one record (the SQL and Lua really run).
# run.sh generate PYTHON SRCDIR: samples/generate.py, run into a temp dir,
#   rewrites exactly the checked-in sample data, byte for byte, and no more.
# fmt and preview exit 77 (skipped) while the command is a placeholder.
set -u
mode=$1 tool=$2 src=$3
fail=0
say() { printf '%s\n' "$*"; }
bad() { say "FAIL: $*"; fail=1; }

case $mode in
validate)
    n=0
    for dir in "$src"/samples/*/; do
        [ -f "$dir/pipeline.yaml" ] || continue
        n=$((n + 1))
        name=$(basename "$dir")
        out=$("$tool" validate "$dir" 2>&1)
        rc=$?
        if [ $rc -ne 0 ]; then
            bad "$name: weir validate exited $rc"
            say "$out"
            continue
        fi
        json=$("$tool" validate --format json "$dir")
        for want in '"valid": true' '"errors": 0' '"warnings": 0'; do
            case $json in
            *"$want"*) ;;
            *) bad "$name: --format json lacks $want"; say "$json" ;;
            esac
        done
        say "ok: $out"
    done
    # The issue asks for at least three; losing one must not pass quietly.
    [ $n -ge 3 ] || bad "expected at least 3 sample pipelines, found $n"
    ;;
fmt | preview)
    n=0
    for dir in "$src"/samples/*/; do
        [ -f "$dir/pipeline.yaml" ] || continue
        name=$(basename "$dir")
        if [ "$mode" = fmt ]; then
            targets=$name
        else
            # the ids under the top-level 'sinks:' section of pipeline.yaml
            targets=$(sed -n '/^sinks:/,/^[a-z]/s/^  \([a-z][a-z0-9_]*\):$/\1/p' \
                "$dir/pipeline.yaml")
            [ -n "$targets" ] || bad "$name: no sinks found in pipeline.yaml"
        fi
        for t in $targets; do
            n=$((n + 1))
            if [ "$mode" = fmt ]; then
                out=$("$tool" fmt --check "$dir" 2>&1)
            else
                out=$("$tool" preview "$dir" "$t" --format jsonl 2>&1)
            fi
            rc=$?
            case $out in
            *"not implemented"*) say "skip: weir $mode is not implemented yet"; exit 77 ;;
            esac
            if [ $rc -ne 0 ]; then
                bad "$name: weir $mode $t exited $rc"
                printf '%s\n' "$out" | head -n 20
            elif [ "$mode" = preview ]; then
                rows=$(printf '%s\n' "$out" | grep -c '^{')
                if [ "$rows" -gt 0 ]; then
                    say "ok: $name/$t receives $rows records"
                else
                    bad "$name: sink $t receives no records"
                fi
            else
                say "ok: $name is canonical"
            fi
        done
    done
    [ $n -ge 3 ] || bad "expected at least 3 sample pipelines, checked $n"
    ;;
generate)
    tmp=$(mktemp -d) || exit 2
    trap 'rm -rf "$tmp"' EXIT
    if ! "$tool" "$src/samples/generate.py" --out "$tmp"; then
        bad "generate.py failed"
        exit 1
    fi
    n=0
    for f in "$src"/samples/*/samples/*; do
        rel=${f#"$src/samples/"}
        n=$((n + 1))
        if [ ! -f "$tmp/$rel" ]; then
            bad "generate.py did not write $rel"
        elif ! cmp -s "$f" "$tmp/$rel"; then
            bad "$rel differs from what generate.py writes (run: python3 samples/generate.py)"
        fi
    done
    for f in "$tmp"/*/samples/*; do
        rel=${f#"$tmp/"}
        [ -f "$src/samples/$rel" ] || bad "generate.py writes $rel, which is not checked in"
    done
    [ $n -gt 0 ] || bad "no sample data found under $src/samples/*/samples/"
    [ $fail -eq 0 ] && say "ok: $n data files identical"
    ;;
*)
    say "usage: run.sh validate|fmt|preview WEIR SRCDIR | generate PYTHON SRCDIR"
    exit 2
    ;;
esac
exit $fail
