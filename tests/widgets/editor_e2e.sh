#!/bin/sh
# End-to-end tests of the editor widget in a real terminal: editor_demo runs
# in tmux (a private socket) and is driven with send-keys / paste-buffer.
#   1. type a query with a mistake, fix it, complete a column, save
#   2. paste a 500-line block (bracketed) under an indented line: the file
#      must hold exactly those lines (no auto-indent cascade)
#   3. F4 hands the file to $VISUAL (a script) and the editor reloads it
#   4. Ctrl/Shift arrows as tmux sends them move by word and select
# usage: editor_e2e.sh path/to/editor_demo
set -u
demo=$1
command -v tmux >/dev/null || { echo "tmux is not installed: skipped"; exit 77; }
tmp=$(mktemp -d /tmp/weir-editor-e2e-XXXXXX)
run=0
sock="$tmp/tmux-$run"   # a private socket inside the temp dir
fails=0
cleanup() { tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

start() { # start FILE ARGS...: run the demo on FILE in a fresh server
    tmux -S "$sock" kill-server 2>/dev/null
    run=$((run + 1))
    sock="$tmp/tmux-$run"
    tmux -S "$sock" -f /dev/null new-session -d -x 100 -y 30 -e "F3=${f3:-}" \
        "env LANG=C.UTF-8 ${demo_env:-} VISUAL='$tmp/fake-editor.sh' $demo $*; sleep 30"
    wait_screen "Ln 1, Col 1" || fail "the editor did not start"
}

screen() { tmux -S "$sock" capture-pane -p 2>/dev/null; }

wait_screen() { # wait until the screen shows $1 (5 s)
    i=0
    while [ $i -lt 100 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    echo "--- screen while waiting for: $1"
    screen
    return 1
}

wait_file() { # wait until file $1 has the bytes of file $2 (5 s)
    i=0
    while [ $i -lt 100 ]; do
        cmp -s "$1" "$2" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

keys() { tmux -S "$sock" send-keys "$@"; }
text() { tmux -S "$sock" send-keys -l -- "$1"; }

# ---- 1. typing with mistakes, live diagnostics, completion, save --------
# --flag ordrs stands in for validation: lines containing it get an error.
f1="$tmp/enrich.sql"
: >"$f1"
start "$f1" --input orders:id,amount,customer_id --input customers:id,name --flag ordrs
text "SELCT o.id, o.am"
keys Enter
text "FROM ordrs o"
wait_screen "2:6: unknown word: ordrs" || fail "the error is not on the status line"
screen | grep -q '^  2● FROM ordrs o' || fail "no gutter mark on line 2"
screen | grep -q '^  1  SELCT' || fail "a gutter mark on line 1"
keys Left Left BSpace BSpace BSpace BSpace BSpace
text "orders"                       # ordrs -> orders: the error goes away
wait_screen "FROM orders o" || fail "fixing the typo"
keys End Enter
text "WHERE o.amount > 10"
wait_screen "Ln 3, Col 20" || fail "typing"
screen | grep -q '●' && fail "the gutter mark stayed after the fix"
keys Up Up End Tab                  # o.am -> o.amount via the alias o
wait_screen "o.amount" || fail "completion of o.am"
keys Home Right Right Right
text "E"                            # SELCT -> SELECT
text " xyz"
keys C-z C-z                        # undo the word and the blank
keys C-s
wait_screen "Saved" || fail "save"
printf 'SELECT o.id, o.amount\nFROM orders o\nWHERE o.amount > 10' >"$tmp/want1"
cmp -s "$f1" "$tmp/want1" || { fail "file after save differs"; diff "$tmp/want1" "$f1"; }
keys F10

# ---- 2. a 500-line bracketed paste -------------------------------------
f2="$tmp/big.sql"
printf '    -- header' >"$f2"
i=1
: >"$tmp/block"
while [ $i -le 500 ]; do
    case $((i % 4)) in
    0) printf 'SELECT %d AS n\n' $i ;;
    1) printf '    , col_%d\n' $i ;;
    2) printf '        WHERE x = %d -- deeper\n' $i ;;
    3) printf '\tAND y <> %d\n' $i ;;
    esac >>"$tmp/block"
    i=$((i + 1))
done
start "$f2"
keys End Enter                      # auto-indent: the new line starts with 4 spaces
tmux -S "$sock" load-buffer "$tmp/block"
tmux -S "$sock" paste-buffer -p     # bracketed: \e[200~ ... \e[201~
keys C-s
wait_screen "Saved" || fail "save after paste"
{ printf '    -- header\n    '; cat "$tmp/block"; } >"$tmp/want2"
cmp -s "$f2" "$tmp/want2" || { fail "pasted block differs"; diff "$tmp/want2" "$f2" | head; }
[ "$(wc -l <"$f2")" -eq 501 ] || fail "line count after paste"
keys C-z C-s                        # the paste is one undo step
printf '    -- header\n    ' >"$tmp/want2u"
wait_file "$f2" "$tmp/want2u" || fail "undo of the paste"
keys F10

# ---- 3. $VISUAL hand-off -------------------------------------------------
cat >"$tmp/fake-editor.sh" <<'SH'
#!/bin/sh
printf '\n-- edited outside\n' >>"$1"
SH
chmod +x "$tmp/fake-editor.sh"
f3="$tmp/it's a \"q\" \$HOME.sql"   # quoting must survive sh -c
printf 'SELECT 1' >"$f3"
start '"$F3"'
keys End
text "0"
keys F4
wait_screen "Reloaded after" || fail "reload after \$VISUAL"
wait_screen "-- edited outside" || fail "the external edit is shown"
printf 'SELECT 10\n-- edited outside\n' | cmp -s - "$f3" || { fail "file after hand-off"; cat "$f3"; }
keys F10

# ---- 4. modified arrows as tmux sends them (xterm sequences) -------------
# TERM=screen has no kLFT5 & co.: editor_term_init must bind them itself.
f4="$tmp/keys.sql"
: >"$f4"
demo_env=TERM=screen
start "$f4"
demo_env=
text "alpha beta"
keys C-Left                         # word left: before "beta"
text "X"
keys End S-Left S-Left S-Left S-Left  # select "beta"
text "gamma"                        # typing replaces the selection
keys C-Home
text "-- "
keys C-s
wait_screen "Saved" || fail "save in part 4"
printf -- '-- alpha Xgamma' | cmp -s - "$f4" || { fail "Ctrl/Shift arrows"; cat "$f4"; echo; }
keys F10

[ $fails -eq 0 ] && echo "editor e2e: all passed"
exit $((fails > 0))
