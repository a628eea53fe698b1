#!/bin/sh
# The libraries never reach up: core/codegen/preview/vcs/cli include no
# curses and no widget or app header; widgets/ includes no app header.
# meson's include paths already make such includes fail to compile; this
# check keeps the rule visible and catches a path added by mistake.
set -u
root=${1:-.}
fail=0
headers_of() { ls "$root/$1"/*.h "$root/$1"/*/*.h 2>/dev/null | xargs -n1 basename 2>/dev/null; }
widget_headers=$(headers_of widgets)
tui_headers=$(headers_of tui)
check() { # folder, forbidden-regex, why
    hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)[>\"]" "$root/$1" \
        --include='*.c' --include='*.h' 2>/dev/null)
    if [ -n "$hits" ]; then
        echo "layering: $1/ must not include $3:"
        echo "$hits"
        fail=1
    fi
}
alt() { printf '%s' "$1" | tr '\n' '|' | sed 's/|$//; s/\./\\./g'; }
curses='n?cursesw?\.h|ncursesw/[a-z]+\.h|term\.h|panel\.h|menu\.h|form\.h'
for lib in core codegen preview vcs cli plugins; do
    check "$lib" "$curses" "curses"
    [ -n "$widget_headers" ] && check "$lib" "$(alt "$widget_headers")" "widget headers"
    [ -n "$tui_headers" ] && check "$lib" "$(alt "$tui_headers")" "app (tui) headers"
done
[ -n "$tui_headers" ] && check widgets "$(alt "$tui_headers")" "app (tui) headers"
count=$(ls "$root"/core/*.c | wc -l)
if [ "$fail" -ne 0 ]; then
    echo "0 passed, 1 failed"
    exit 1
fi
echo "layering: ok ($count core files and every library checked)"
