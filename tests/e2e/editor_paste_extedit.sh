#!/bin/sh
# The Lua editor pane in the canvas (issue 4):
#   1. paste a 500-line block (bracketed, tmux paste-buffer -p) at the end of
#      a Lua node's file: after Ctrl-S the file is the old text plus exactly
#      the block; a syntax error in it is flagged at its line
#   2. F4 hands the file to $VISUAL (a script that appends a line) and weir
#      shows the reloaded buffer, with the appended line, and validates it
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
D=$E2E_TMP/shop
(cd "$E2E_TMP" && env -i PATH=/usr/bin:/bin HOME="$E2E_TMP/home" "$WEIR" new shop >/dev/null) ||
    e2e_fail "weir new failed"
cp "$D/lua/mask.lua" "$E2E_TMP/mask.orig"
cat >"$E2E_TMP/fake-editor.sh" <<'SH'
#!/bin/sh
printf 'return "from the script"\n' >>"$1"
SH
chmod +x "$E2E_TMP/fake-editor.sh"
# 500 lines, indented (so an auto-indent cascade would show), one of them
# (line 250 of the block) a Lua syntax error
i=1
while [ "$i" -le 500 ]; do
    if [ "$i" -eq 250 ]; then
        echo "  local x = = $i"
    else
        echo "  -- pasted line $i"
    fi
    i=$((i + 1))
done >"$E2E_TMP/block"

E2E_ENV="VISUAL=$E2E_TMP/fake-editor.sh" e2e_start "$D" 80 24
e2e_wait_for "shop v1"
e2e_keys Tab Tab
e2e_wait_for "mask lua transform"
e2e_keys Enter
e2e_wait_for "mask (lua) lua/mask.lua"
e2e_keys C-End
tmux -L "$E2E_SOCK" load-buffer "$E2E_TMP/block"
tmux -L "$E2E_SOCK" paste-buffer -p -t "$E2E_PANE"
e2e_wait_for "pasted line 500"
e2e_keys C-s
e2e_wait_for "saved lua/mask.lua"
cat "$E2E_TMP/mask.orig" "$E2E_TMP/block" >"$E2E_TMP/want"
cmp "$D/lua/mask.lua" "$E2E_TMP/want" || e2e_fail "the pasted block is not in the file verbatim"
# the error in the pasted block, at its line
orig_lines=$(wc -l <"$E2E_TMP/mask.orig")
bad=$((orig_lines + 250))
e2e_keys C-l
e2e_type "$bad"
e2e_keys Enter
e2e_wait_for "$bad:"
e2e_screen | grep -q "$bad● " || e2e_fail "no error marker on line $bad"
e2e_screen | grep -q "unexpected symbol near '='" || e2e_fail "no Lua message"

# fix it (delete the line), save, then hand off to $VISUAL
e2e_keys C-k
e2e_wait_gone "$bad● "
e2e_keys F4
e2e_wait_for "reloaded after \$EDITOR"
e2e_keys C-End
e2e_wait_for 'return "from the script"'
e2e_alive
# the script's line is in the buffer and the file; the deleted line is gone
grep -q 'local x = =' "$D/lua/mask.lua" && e2e_fail "the save before the hand-off did not happen"
tail -1 "$D/lua/mask.lua" | grep -qx 'return "from the script"' || e2e_fail "file after hand-off"
# the title shows no unsaved mark: the buffer is the file
e2e_screen | grep -q 'lua/mask.lua ●' && e2e_fail "the reloaded buffer is marked unsaved"
# the canvas still takes the mouse in SGR mode after the hand-off: a click on
# a box selects it (the pane keeps its place)
e2e_keys Escape
e2e_wait_for "/ find"
set -- $(e2e_locate "▣ out")
e2e_click "$1" "$2"
e2e_wait_for "out stdout sink"
e2e_keys q
e2e_wait_for "WEIR-EXITED:0"
exit 0
