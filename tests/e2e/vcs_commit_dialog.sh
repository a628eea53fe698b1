#!/bin/sh
# The commit dialog (g) in a real git repository: edit on the canvas, see
# the changed files and the diff, write a summary and a body, commit; then
# check with the git command line: the message, HEAD's pipeline.yaml equal
# to the file on disk, the version bumped, fsck, and the user's other
# staged work still staged and not committed.  The status bar follows.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
command -v git >/dev/null || { echo "git not installed" >&2; exit 77; }
export HOME="$E2E_TMP/home" GIT_CONFIG_NOSYSTEM=1
E2E_ENV="GIT_CONFIG_NOSYSTEM=1"
R=$E2E_TMP/repo
git init -q -b main "$R" || e2e_fail "git init"
git -C "$R" config user.name "Ada Lovelace"
git -C "$R" config user.email ada@example.com
"$WEIR" new "$R/orders" >/dev/null 2>&1 || e2e_fail "weir new"
git -C "$R" add -A && git -C "$R" commit -qm "first" || e2e_fail "first commit"
first=$(git -C "$R" rev-parse HEAD)
echo "my notes" > "$R/notes.txt"
git -C "$R" add notes.txt # the user's own staged work

e2e_start "$R/orders" 80 24
e2e_wait_for "orders v1  main "
e2e_screen | head -1 | grep -q 'main●' && e2e_fail "clean repository shown as changed"

# an edit on the canvas: a second sink
e2e_keys a; e2e_wait_for "add a node"; e2e_type stdout; e2e_keys Enter
e2e_wait_for "added"
e2e_keys g
e2e_wait_for "save before committing?"
e2e_keys s
e2e_wait_for "changes (2)"
e2e_screen | grep -q 'M layout.yaml' || e2e_fail "layout.yaml not listed as modified"
e2e_screen | grep -q 'M pipeline.yaml' || e2e_fail "pipeline.yaml not listed as modified"
e2e_screen | grep -q 'notes.txt' && e2e_fail "the user's own file is listed"
e2e_screen | grep -q 'version 1 → 2' || e2e_fail "no version plan 1 → 2"
e2e_screen | grep -q 'author Ada Lovelace <ada@example.com>' || e2e_fail "author not shown"
e2e_screen | head -1 | grep -q 'main●' || e2e_fail "saved changes not marked in the status bar"
# the preview follows the selected file
e2e_keys BTab # the files list
e2e_keys Down
e2e_wait_for "+++ b/orders/pipeline.yaml"
e2e_screen | grep -q '^│ *│ +  stdout:\|│ +  stdout:' || e2e_fail "diff preview lacks the new node"

# an empty summary is refused, then summary and body
e2e_keys C-s
e2e_wait_for "write a summary line first"
e2e_type "add a second sink"
e2e_keys Tab
e2e_type "why: to see every order"
e2e_keys Enter
e2e_type "second line"
e2e_keys C-s
e2e_wait_for 'committed '
e2e_wait_for "orders v2  main "
e2e_screen | head -1 | grep -q 'main●' && e2e_fail "still marked as differing from HEAD"

[ "$(git -C "$R" log -1 --format=%s)" = "add a second sink" ] || e2e_fail "wrong summary: $(git -C "$R" log -1 --format=%s)"
[ "$(git -C "$R" log -1 --format=%b)" = "$(printf 'why: to see every order\nsecond line')" ] ||
    e2e_fail "wrong body: $(git -C "$R" log -1 --format=%b)"
[ "$(git -C "$R" rev-parse HEAD~1)" = "$first" ] || e2e_fail "not committed on top of the first commit"
git -C "$R" show HEAD:orders/pipeline.yaml | cmp -s - "$R/orders/pipeline.yaml" ||
    e2e_fail "HEAD:orders/pipeline.yaml differs from the file on disk"
grep -q '^  version: 2$' "$R/orders/pipeline.yaml" || e2e_fail "version not bumped to 2"
git -C "$R" fsck --strict >/dev/null 2>&1 || e2e_fail "git fsck --strict fails"
[ "$(git -C "$R" diff --cached --name-only)" = "notes.txt" ] || e2e_fail "notes.txt no longer staged"
git -C "$R" show --name-only --format= HEAD | grep -q notes.txt && e2e_fail "notes.txt was committed"
[ -z "$(git -C "$R" status --porcelain -- orders)" ] || e2e_fail "the pipeline is not clean after the commit"

# nothing left to commit: the dialog says so and commits nothing
e2e_keys g
e2e_wait_for "nothing to commit"
e2e_keys Escape
e2e_wait_gone "nothing to commit"
[ "$(git -C "$R" rev-list --count HEAD)" = 2 ] || e2e_fail "an empty commit was made"

# a locked index: refused, nothing touched
touch "$R/.git/index.lock"
e2e_keys g
e2e_wait_for "cannot commit"
e2e_screen | grep -q "index is locked" || e2e_fail "the refusal does not say why"
e2e_keys Escape
rm -f "$R/.git/index.lock"
e2e_alive
echo "vcs_commit_dialog: ok"
