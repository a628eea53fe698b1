#!/bin/sh
# End-to-end test of `weir commit`, `weir log`, `weir diff` and
# `weir merge-driver` as a user runs them, every commit checked with git.
# usage: cli_e2e.sh WEIR_BINARY
set -u
WEIR=$1
case $WEIR in /*) ;; *) WEIR=$(pwd)/$WEIR ;; esac
T=$(mktemp -d /tmp/weir-vcs-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_CONFIG_HOME="$T" GIT_CONFIG_NOSYSTEM=1 TZ=UTC LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
    GIT_COMMITTER_EMAIL EMAIL NO_COLOR 2>/dev/null || true
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
# expect CODE CMD...: run, keep stdout+stderr in $T/out, check the exit code
expect() {
    want=$1
    shift
    "$@" >"$T/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/out"; fi
}
has() { if grep -qF -- "$1" "$T/out"; then ok; else bad "output lacks '$1'"; cat "$T/out"; fi; }
hasnt() { if grep -qF -- "$1" "$T/out"; then bad "output has '$1'"; cat "$T/out"; else ok; fi; }
same_as_head() { # repo-relative path, file on disk
    if git show "HEAD:$1" | cmp -s - "$2"; then ok; else bad "HEAD:$1 differs from $2"; fi
}

mkdir -p "$T/w/orders/sql" "$T/w/orders/samples"
cd "$T/w" || exit 2
cat >orders/pipeline.yaml <<'EOF'
weir: 1

pipeline:
  name: orders
  version: 1

sources:
  orders:
    type: file
    path: /data/orders.jsonl
    format: jsonl
    sample: samples/orders.jsonl

transforms:
  big:
    type: sql
    inputs:
      - orders
    sql: sql/big.sql

sinks:
  out:
    type: stdout
    inputs:
      - big
EOF
echo 'SELECT id, amount FROM orders WHERE amount > 10' >orders/sql/big.sql
echo '{"id": 1, "amount": 50}' >orders/samples/orders.jsonl

# No repository: a clear message, then --init.
expect 2 "$WEIR" commit orders -m first
has "is not inside a git repository"
has "weir commit --init orders"
expect 1 "$WEIR" commit orders --init -m first
has "created a git repository"
has "no author identity"
has "--identity"
expect 0 "$WEIR" commit orders --identity 'Ada Lovelace <ada@example.com>' -m first
has "] first"
cd orders || exit 2
[ "$(git config --local user.email)" = ada@example.com ] && ok || bad "identity not stored"
git fsck --strict --no-progress --no-dangling >/dev/null 2>&1 && ok || bad "fsck"
same_as_head pipeline.yaml pipeline.yaml
same_as_head sql/big.sql sql/big.sql
[ "$(git rev-list --count HEAD)" = 1 ] && ok || bad "one commit expected"
[ -z "$(git status --porcelain)" ] && ok || bad "status not clean"

# Nothing to commit.
expect 1 "$WEIR" commit -m again
has "nothing to commit"

# A SQL change: diff, then commit with a bump; user's other work untouched.
echo 'SELECT id FROM orders WHERE amount > 20' >sql/big.sql
echo "notes" >NOTES.md
git add NOTES.md
expect 0 "$WEIR" diff
has "M sql/big.sql (modified)"
has "+SELECT id FROM orders WHERE amount > 20"
hasnt "$(printf '\033')"
expect 0 "$WEIR" diff --color
has "$(printf '\033[32m')"
# a terminal gets colour, unless NO_COLOR
script -qec "$WEIR diff" /dev/null >"$T/out" 2>&1
has "$(printf '\033[')"
NO_COLOR=1 script -qec "$WEIR diff" /dev/null >"$T/out" 2>&1
hasnt "$(printf '\033[')"
expect 0 "$WEIR" commit . -m "Raise the threshold"
has "version 2 (bumped)"
same_as_head pipeline.yaml pipeline.yaml
same_as_head sql/big.sql sql/big.sql
[ "$(git diff --cached --name-only)" = NOTES.md ] && ok || bad "NOTES.md no longer staged"
git cat-file -e HEAD:NOTES.md 2>/dev/null && bad "NOTES.md was committed" || ok
git show HEAD:pipeline.yaml | grep -q '^  version: 2$' && ok || bad "version 2 not committed"

# A new node: graph diff between revisions.
cat >>pipeline.yaml <<'EOF'
  audit:
    type: stdout
    inputs:
      - orders
EOF
expect 0 "$WEIR" commit -m "Add an audit sink"
expect 0 "$WEIR" diff HEAD~1 HEAD
has "  + audit (sink stdout)"
has "  + orders -> audit"
has "~ version: 2 -> 3"
expect 0 "$WEIR" diff HEAD~2
has "  + audit (sink stdout)"
expect 2 "$WEIR" diff no-such-rev
has "does not name a commit"

# History.
expect 0 "$WEIR" log
has "v3    Ada Lovelace  Add an audit sink"
has "v1    Ada Lovelace  first"
[ "$(wc -l <"$T/out")" -eq 3 ] && ok || bad "three log lines expected"
expect 0 "$WEIR" log --format json
has '"version": 3,'
has '"summary": "Raise the threshold"'
expect 2 "$WEIR" log --format xml

# Refusals: invalid, locked index, detached HEAD, merge in progress.
sed -i 's/      - orders$/      - nowhere/' pipeline.yaml
expect 1 "$WEIR" commit -m broken
has "nowhere"
has "--allow-invalid"
before=$(git rev-parse HEAD)
[ "$(git rev-parse HEAD)" = "$before" ] && ok || bad "HEAD moved"
echo 'sources: [' >>pipeline.yaml
expect 2 "$WEIR" diff
has "pipeline.yaml:"
has "does not load"
git checkout -q -- pipeline.yaml
echo 'SELECT 1 AS id FROM orders' >sql/big.sql
touch .git/index.lock
expect 1 "$WEIR" commit -m locked
has "index.lock"
rm .git/index.lock
git checkout -q --detach
expect 1 "$WEIR" commit -m detached
has "HEAD is detached"
has "--detach-ok"
expect 0 "$WEIR" commit --detach-ok -m detached
same_as_head sql/big.sql sql/big.sql
git checkout -q master 2>/dev/null || git checkout -q main

# Merge driver usage.
expect 2 "$WEIR" merge-driver only-one
expect 2 "$WEIR" merge-driver /nonexistent/a /nonexistent/b /nonexistent/c

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
