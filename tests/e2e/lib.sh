# lib.sh: helpers for end-to-end tests that drive the real weir binary in a
# tmux pane.  Source it, then call e2e_init with the weir executable.
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init "$1"                 # WEIR binary; makes $E2E_TMP, pins env
#   e2e_start DIR 80 24 [ARGS]    # weir ARGS DIR in a fresh 80x24 pane
#   e2e_keys a Enter              # tmux key names
#   e2e_type 'orders'             # literal text
#   e2e_wait_for 'text'           # until the screen shows it (fails after 5 s)
#   e2e_screen                    # print the screen
#   e2e_click X Y / e2e_drag X1 Y1 X2 Y2   # SGR 1006 mouse, 0-based cells
#   e2e_fail 'message'            # print the screen, exit 1
#
# Each test gets its own tmux socket and temp dir, removed on exit.  The
# environment inside the pane is pinned (TERM, LANG, TZ, HOME) so screens
# are reproducible.

e2e_init() {
    WEIR=$(realpath "$1")
    [ -x "$WEIR" ] || { echo "e2e: no weir binary at $1" >&2; exit 2; }
    command -v tmux >/dev/null || { echo "e2e: tmux not installed" >&2; exit 77; }
    E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/weir-e2e.XXXXXX")
    E2E_BASE="weir-e2e-$$-$(basename "$E2E_TMP")"
    E2E_N=0
    E2E_SOCK="$E2E_BASE-0"
    mkdir -p "$E2E_TMP/home"
    trap e2e_cleanup EXIT
    # A test killed by meson's timeout must not leave its tmux servers (and
    # their weir) running: sh runs no EXIT trap on a signal by itself.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    E2E_TIMEOUT=${E2E_TIMEOUT:-8}
}

e2e_cleanup() {
    local n=0
    while [ "$n" -le "$E2E_N" ]; do
        tmux -L "$E2E_BASE-$n" kill-server 2>/dev/null
        n=$((n + 1))
    done
    rm -rf "$E2E_TMP"
}

# e2e_start DIR [COLS ROWS] [weir args...]
e2e_start() {
    local dir=$1 cols=${2:-80} rows=${3:-24}
    shift; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
    # A fresh server per start: reusing a socket right after kill-server races.
    tmux -L "$E2E_SOCK" kill-server 2>/dev/null
    E2E_N=$((E2E_N + 1))
    E2E_SOCK="$E2E_BASE-$E2E_N"
    tmux -L "$E2E_SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "env -i PATH=/usr/bin:/bin TERM=${E2E_TERM:-xterm-256color} LANG=${E2E_LANG:-C.UTF-8} LC_ALL=${E2E_LANG:-C.UTF-8} TZ=UTC HOME=$E2E_TMP/home ${E2E_ENV:-} $WEIR $* $dir; echo WEIR-EXITED:\$?; sleep 600"
    tmux -L "$E2E_SOCK" set-option -g window-size manual >/dev/null 2>&1
    E2E_PANE=$(tmux -L "$E2E_SOCK" list-panes -F '#{pane_id}' | head -1)
    e2e_pid=$(tmux -L "$E2E_SOCK" list-panes -F '#{pane_pid}' | head -1)
}

e2e_keys() { tmux -L "$E2E_SOCK" send-keys -t "$E2E_PANE" "$@"; }
e2e_type() { tmux -L "$E2E_SOCK" send-keys -t "$E2E_PANE" -l -- "$1"; }
e2e_screen() { tmux -L "$E2E_SOCK" capture-pane -p -t "$E2E_PANE"; }

e2e_fail() {
    echo "FAIL: $*" >&2
    echo "---- screen ----" >&2
    e2e_screen >&2
    echo "----------------" >&2
    exit 1
}

# e2e_wait_for TEXT [SECONDS]: wait until the screen contains TEXT.
e2e_wait_for() {
    local text=$1 limit=${2:-$E2E_TIMEOUT} i=0
    while [ "$i" -lt $((limit * 20)) ]; do
        e2e_screen | grep -qF -- "$text" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    e2e_fail "timed out waiting for: $text"
}

# e2e_wait_gone TEXT [SECONDS]: wait until the screen no longer shows TEXT.
e2e_wait_gone() {
    local text=$1 limit=${2:-$E2E_TIMEOUT} i=0
    while [ "$i" -lt $((limit * 20)) ]; do
        e2e_screen | grep -qF -- "$text" || return 0
        sleep 0.05
        i=$((i + 1))
    done
    e2e_fail "timed out waiting for this to go: $text"
}

# The pid of weir inside the pane (the pane's shell runs it as a child).
e2e_weir_pid() {
    pgrep -P "$e2e_pid" -f "$WEIR" | head -1
}

# SGR 1006 mouse reports, written to the pane as input bytes.  X and Y are
# 0-based screen cells; the protocol is 1-based.
e2e_mouse() { # BUTTON X Y M|m
    e2e_type "$(printf '\033[<%d;%d;%d%s' "$1" $(($2 + 1)) $(($3 + 1)) "$4")"
}
e2e_click() {
    e2e_mouse 0 "$1" "$2" M
    sleep 0.05
    e2e_mouse 0 "$1" "$2" m
}
e2e_drag() { # X1 Y1 X2 Y2: press, move in steps, release
    local x1=$1 y1=$2 x2=$3 y2=$4
    e2e_mouse 0 "$x1" "$y1" M
    sleep 0.05
    e2e_mouse 32 $(((x1 + x2) / 2)) $(((y1 + y2) / 2)) M
    sleep 0.05
    e2e_mouse 32 "$x2" "$y2" M
    sleep 0.05
    e2e_mouse 0 "$x2" "$y2" m
}
e2e_wheel() { # X Y up|down
    local b=64
    [ "$3" = down ] && b=65
    e2e_mouse "$b" "$1" "$2" M
}

# Find TEXT on the screen: prints "X Y" (0-based, in cells) of its first
# occurrence; fails when absent.
e2e_locate() {
    # The status bar can be drawn a moment before the canvas on a busy
    # machine: wait for the text first.
    e2e_wait_for "$1"
    e2e_screen | python3 -c '
import sys, unicodedata
t = sys.argv[1]
for y, line in enumerate(sys.stdin.read().split("\n")):
    i = line.find(t)
    if i >= 0:
        x = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i])
        print(x, y); sys.exit(0)
sys.exit(1)' "$1" || e2e_fail "not on screen: $1"
}

# A small valid pipeline in DIR: orders, customers -> enrich -> warehouse.
e2e_fixture() {
    local d=$1
    mkdir -p "$d/sql"
    cat > "$d/pipeline.yaml" <<'YAML'
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
sinks:
  warehouse:
    type: stdout
    inputs: [enrich]
YAML
    cat > "$d/layout.yaml" <<'YAML'
weir: 1
positions:
  orders: {x: 2, y: 1}
  customers: {x: 2, y: 9}
  enrich: {x: 28, y: 5}
  warehouse: {x: 52, y: 5}
YAML
    mkdir -p "$d/samples"
    echo '{"id": 1}' > "$d/samples/orders.jsonl"
    echo 'SELECT * FROM orders' > "$d/sql/enrich.sql"
}

# e2e_alive: weir is still running in the pane.
e2e_alive() {
    e2e_screen | grep -q 'WEIR-EXITED' && e2e_fail "weir exited"
    return 0
}
