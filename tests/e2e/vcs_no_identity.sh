#!/bin/sh
# No repository and no identity: g offers to create the repository, then
# asks for a name and an email once and stores them in the repository's
# config; the first commit on the unborn branch is checked with git.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
command -v git >/dev/null || { echo "git not installed" >&2; exit 77; }
export HOME="$E2E_TMP/home" GIT_CONFIG_NOSYSTEM=1
E2E_ENV="GIT_CONFIG_NOSYSTEM=1"
D=$E2E_TMP/shop
"$WEIR" new "$D" >/dev/null 2>&1 || e2e_fail "weir new"

e2e_start "$D" 80 24
e2e_wait_for "no git repository"
e2e_keys g
e2e_wait_for "is in no git repository"
e2e_keys i
e2e_wait_for "no git identity"
[ -d "$D/.git" ] || e2e_fail "no repository created"
# libgit2's default branch name (no init.defaultBranch here): master
e2e_screen | grep -q 'master (first commit)' || e2e_fail "the unborn branch is not named"
e2e_screen | grep -q 'A pipeline.yaml' || e2e_fail "pipeline.yaml not listed as added"
e2e_screen | grep -q '\[x\] store it' || e2e_fail "storing is not offered"
e2e_type "Grace Hopper"
e2e_keys Tab
e2e_type "grace@example.com"
e2e_keys Tab Tab # past "store", which stays on
e2e_type "the shop pipeline"
e2e_keys C-s
e2e_wait_for "committed "
[ "$(git -C "$D" log -1 --format='%an <%ae>|%s')" = "Grace Hopper <grace@example.com>|the shop pipeline" ] ||
    e2e_fail "wrong commit: $(git -C "$D" log -1 --format='%an <%ae>|%s')"
[ "$(git -C "$D" config --local user.name)" = "Grace Hopper" ] || e2e_fail "name not stored"
[ "$(git -C "$D" config --local user.email)" = "grace@example.com" ] || e2e_fail "email not stored"
git -C "$D" show HEAD:pipeline.yaml | cmp -s - "$D/pipeline.yaml" || e2e_fail "HEAD differs from disk"
git -C "$D" show HEAD:sql/enrich.sql | cmp -s - "$D/sql/enrich.sql" || e2e_fail "sql not committed"
git -C "$D" fsck --strict >/dev/null 2>&1 || e2e_fail "git fsck --strict fails"
e2e_wait_for "shop v1  master "

# asked once: the next commit shows the stored author
e2e_keys m Right Right Enter
e2e_wait_for "moved"
e2e_keys g
e2e_wait_for "save before committing?"
e2e_keys s
e2e_wait_for "author Grace Hopper <grace@example.com>"
e2e_screen | grep -q 'no git identity' && e2e_fail "asked for the identity again"
e2e_screen | grep -q 'no bump' || e2e_fail "a move should not bump the version"
e2e_keys Escape
e2e_wait_for "not committed"
echo "vcs_no_identity: ok"
