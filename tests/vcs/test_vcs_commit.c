/* vcs: repository discovery, status and commit on real temporary
 * repositories, every commit checked with the git command line. */
#include <git2.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "util.h"
#include "vcs.h"
#include "vcs_commit.h"
#include "vcs_testutil.h"

static int setup(void **state)
{
    (void)state;
    tu_setup();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_teardown();
    return 0;
}

/* Commit the pipeline in rel; returns the rc and fills res. */
static vcs_rc commit_in(const char *rel, const char *msg, vcs_commit_opts *extra,
                        vcs_commit_result *res, vcs_error *err)
{
    vcs_repo *r = tu_open_repo(rel);
    vcs_commit_opts o = extra ? *extra : (vcs_commit_opts){0};
    o.message = msg;
    diag_list diags;
    diag_list_init(&diags);
    vcs_rc rc = vcs_commit(r, &o, res, &diags, err);
    diag_list_free(&diags);
    vcs_close(r);
    return rc;
}

static void assert_commit_ok(const char *rel, const char *msg, vcs_commit_opts *extra,
                             vcs_commit_result *res)
{
    vcs_error err = {0};
    vcs_rc rc = commit_in(rel, msg, extra, res, &err);
    if (rc != VCS_OK)
        fail_msg("commit failed (%d): %s", rc, err.message);
}

static void test_open_no_repo_then_init(void **state)
{
    (void)state;
    tu_pipeline("lonely", 1);
    char *dir = xasprintf("%s/lonely", tu_root());
    vcs_repo *r = NULL;
    vcs_error err = {0};
    assert_int_equal(vcs_open(dir, &r, &err), VCS_NO_REPO);
    assert_null(r);
    assert_non_null(strstr(err.message, "not inside a git repository"));
    char *file = xasprintf("%s/pipeline.yaml", dir);
    assert_int_equal(vcs_open(file, &r, &err), VCS_ERROR);
    assert_non_null(strstr(err.message, "is not a folder"));
    free(file);
    assert_int_equal(vcs_init(dir, &err), VCS_OK);
    assert_int_equal(vcs_open(dir, &r, &err), VCS_OK);
    assert_string_equal(vcs_prefix(r), "");
    vcs_head h;
    assert_int_equal(vcs_head_read(r, &h, &err), VCS_OK);
    assert_true(h.unborn);
    assert_false(h.detached);
    assert_non_null(h.branch);
    vcs_head_free(&h);
    bool dirty = false;
    assert_int_equal(vcs_is_dirty(r, &dirty, &err), VCS_OK);
    assert_true(dirty);
    vcs_close(r);
    /* git itself agrees it is a repository */
    assert_int_equal(tu_sh("git -C lonely rev-parse --git-dir >/dev/null"), 0);
    free(dir);
}

/* The headline case: a pipeline in a subfolder of a repository where the
 * user has staged and unstaged work of their own. */
static void test_commit_only_pipeline_files(void **state)
{
    (void)state;
    tu_git_init("repo", true);
    tu_write("repo/README.md", "hello\n");
    tu_write("repo/other.txt", "committed\n");
    assert_int_equal(tu_sh("cd repo && git add . && git commit -q -m base"), 0);
    tu_pipeline("repo/pipes/orders", 1);
    tu_write("repo/pipes/orders/notes.txt", "my notes, not an artifact\n");
    /* staged work: a new file and a change to a tracked one */
    tu_write("repo/staged_new.txt", "staged\n");
    tu_write("repo/other.txt", "changed and staged\n");
    assert_int_equal(tu_sh("cd repo && git add staged_new.txt other.txt"), 0);
    /* unstaged work */
    tu_write("repo/README.md", "hello, unstaged edit\n");
    const char *before_cached = xstrdup(tu_out("cd repo && git diff --cached"));
    const char *before_unstaged = xstrdup(tu_out("cd repo && git diff"));

    vcs_repo *r = tu_open_repo("repo/pipes/orders");
    assert_string_equal(vcs_prefix(r), "pipes/orders/");
    vcs_changes ch;
    vcs_error err = {0};
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_OK);
    assert_int_equal(ch.n, 4); /* layout, pipeline, samples/orders.jsonl, sql/big.sql */
    assert_string_equal(ch.items[0].path, "layout.yaml");
    assert_int_equal(ch.items[0].change, VCS_ADDED);
    assert_string_equal(ch.items[3].path, "sql/big.sql");
    vcs_changes_free(&ch);
    char *diff = NULL;
    assert_int_equal(vcs_file_diff(r, NULL, NULL, "sql/big.sql", &diff, &err), VCS_OK);
    assert_non_null(strstr(diff, "+SELECT id, amount FROM orders"));
    assert_non_null(strstr(diff, "pipes/orders/sql/big.sql"));
    free(diff);
    vcs_close(r);

    vcs_commit_result res;
    assert_commit_ok("repo/pipes/orders", "Add the orders pipeline\n\nWith a body.", NULL, &res);
    assert_int_equal(res.n_files, 4);
    assert_false(res.bumped);
    assert_true(res.index_updated);

    tu_assert_committed("repo", "pipes/orders/pipeline.yaml", "repo/pipes/orders/pipeline.yaml");
    tu_assert_committed("repo", "pipes/orders/sql/big.sql", "repo/pipes/orders/sql/big.sql");
    tu_assert_committed("repo", "pipes/orders/layout.yaml", "repo/pipes/orders/layout.yaml");
    assert_string_equal(tu_out("cd repo && git log --format=%%s%%n%%b -1"),
                        "Add the orders pipeline\nWith a body.");
    assert_string_equal(tu_out("cd repo && git log --format=%%an/%%ae -1"),
                        "Test User/test@example.com");
    assert_string_equal(tu_out("cd repo && git rev-list --count HEAD"), "2");
    /* Exactly the pipeline's files went in. */
    assert_string_equal(tu_out("cd repo && git show --name-status --format= HEAD"),
                        "A\tpipes/orders/layout.yaml\n"
                        "A\tpipes/orders/pipeline.yaml\n"
                        "A\tpipes/orders/samples/orders.jsonl\n"
                        "A\tpipes/orders/sql/big.sql");
    /* The user's staged work is still staged and not committed... */
    assert_string_equal(tu_out("cd repo && git diff --cached"), before_cached);
    assert_string_equal(tu_out("cd repo && git diff --cached --name-only"),
                        "other.txt\nstaged_new.txt");
    assert_int_not_equal(tu_sh("cd repo && git cat-file -e HEAD:staged_new.txt 2>/dev/null"), 0);
    assert_string_equal(tu_out("cd repo && git show HEAD:other.txt"), "committed");
    /* ...the unstaged work untouched... */
    assert_string_equal(tu_out("cd repo && git diff"), before_unstaged);
    char *readme = tu_read("repo/README.md");
    assert_string_equal(readme, "hello, unstaged edit\n");
    free(readme);
    /* ...and git sees the pipeline's files as clean. */
    assert_string_equal(tu_out("cd repo && git status --porcelain pipes"),
                        "?? pipes/orders/notes.txt");
    r = tu_open_repo("repo/pipes/orders");
    bool dirty = true;
    assert_int_equal(vcs_is_dirty(r, &dirty, &err), VCS_OK);
    assert_false(dirty);
    vcs_head h;
    assert_int_equal(vcs_head_read(r, &h, &err), VCS_OK);
    assert_string_equal(h.branch, "main");
    assert_false(h.unborn);
    assert_int_equal(strlen(h.short_id), 7);
    vcs_head_free(&h);
    vcs_close(r);
    free((char *)before_cached);
    free((char *)before_unstaged);
}

/* A template transform's generated SQL (sql/ID.sql) is brought up to date
 * from the settings being committed, and committed with them. */
static void test_commit_regenerates_template_sql(void **state)
{
    (void)state;
    tu_git_init("tpl", true);
    tu_pipeline("tpl", 1);
    char *text = tu_read("tpl/pipeline.yaml");
    char *at = strstr(text, "sinks:");
    assert_non_null(at);
    char *with =
        xasprintf("%.*s  keep:\n    type: filter\n    inputs: [big]\n    where: amount > 5\n\n%s",
                  (int)(at - text), text, at);
    tu_write("tpl/pipeline.yaml", with);
    vcs_commit_result res;
    assert_commit_ok("tpl", "A filter", NULL, &res);
    tu_assert_committed("tpl", "sql/keep.sql", "tpl/sql/keep.sql");
    assert_non_null(strstr(tu_out("cd tpl && git show HEAD:sql/keep.sql"), "WHERE amount > 5"));
    /* Only the setting changes: the commit carries the new SELECT. */
    char *now = tu_read("tpl/pipeline.yaml");
    char *cond = strstr(now, "amount > 5");
    assert_non_null(cond);
    cond[9] = '7';
    tu_write("tpl/pipeline.yaml", now);
    assert_commit_ok("tpl", "Keep more", NULL, &res);
    assert_non_null(strstr(tu_out("cd tpl && git show HEAD:sql/keep.sql"), "WHERE amount > 7"));
    tu_assert_committed("tpl", "sql/keep.sql", "tpl/sql/keep.sql");
    assert_string_equal(tu_out("cd tpl && git status --porcelain"), "");
    free(now);
    free(with);
    free(text);
}

static void test_unborn_branch_first_commit(void **state)
{
    (void)state;
    tu_git_init("fresh", true);
    tu_pipeline("fresh", 1);
    vcs_commit_result res;
    assert_commit_ok("fresh", "First", NULL, &res);
    tu_assert_committed("fresh", "pipeline.yaml", "fresh/pipeline.yaml");
    tu_assert_committed("fresh", "samples/orders.jsonl", "fresh/samples/orders.jsonl");
    assert_string_equal(tu_out("cd fresh && git rev-list --count HEAD"), "1");
    assert_string_equal(tu_out("cd fresh && git rev-parse --abbrev-ref HEAD"), "main");
    assert_string_equal(tu_out("cd fresh && git status --porcelain"), "");
    assert_string_equal(tu_out("cd fresh && git rev-parse HEAD"), res.id);
    /* A second commit with nothing changed is refused. */
    vcs_error err = {0};
    assert_int_equal(commit_in("fresh", "again", NULL, &res, &err), VCS_NOTHING);
    assert_string_equal(tu_out("cd fresh && git rev-list --count HEAD"), "1");
    /* A same-size edit right after the commit is seen: weir takes a blob id
     * from the index only when the stat data matches and the file is older
     * than the index (the racy-git rule). */
    char *sql = tu_read("fresh/sql/big.sql");
    sql[7] = sql[7] == 'i' ? 'j' : 'i';
    tu_write("fresh/sql/big.sql", sql);
    free(sql);
    vcs_repo *r = tu_open_repo("fresh");
    vcs_changes ch;
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_OK);
    assert_int_equal(ch.n, 1);
    assert_string_equal(ch.items[0].path, "sql/big.sql");
    vcs_changes_free(&ch);
    vcs_close(r);
}

static void test_locked_index_touches_nothing(void **state)
{
    (void)state;
    tu_git_init("repo", true);
    tu_pipeline("repo", 1);
    vcs_commit_result res;
    assert_commit_ok("repo", "one", NULL, &res);
    /* A SQL change would bump the version, rewriting pipeline.yaml. */
    tu_write("repo/sql/big.sql", "SELECT id FROM orders\n");
    char *before = tu_read("repo/pipeline.yaml");
    const char *head = xstrdup(tu_out("cd repo && git rev-parse HEAD"));
    tu_write("repo/.git/index.lock", "");
    vcs_error err = {0};
    assert_int_equal(commit_in("repo", "two", NULL, &res, &err), VCS_LOCKED);
    assert_non_null(strstr(err.message, "index.lock"));
    assert_string_equal(tu_out("cd repo && git rev-parse HEAD"), head);
    char *after = tu_read("repo/pipeline.yaml");
    assert_string_equal(before, after);
    assert_true(tu_exists("repo/.git/index.lock"));
    tu_sh("rm repo/.git/index.lock");
    assert_commit_ok("repo", "two", NULL, &res);
    tu_assert_committed("repo", "sql/big.sql", "repo/sql/big.sql");
    free(before);
    free(after);
    free((char *)head);
}

static void test_no_identity_then_stored(void **state)
{
    (void)state;
    tu_git_init("anon", false);
    tu_pipeline("anon", 1);
    vcs_commit_result res;
    vcs_error err = {0};
    assert_int_equal(commit_in("anon", "first", NULL, &res, &err), VCS_NO_IDENTITY);
    assert_int_not_equal(tu_sh("cd anon && git rev-parse -q --verify HEAD >/dev/null"), 0);
    vcs_repo *r = tu_open_repo("anon");
    char *name, *email;
    assert_int_equal(vcs_identity(r, &name, &email, &err), VCS_NO_IDENTITY);
    assert_int_equal(vcs_set_identity(r, "", "x@y", &err), VCS_ERROR);
    assert_int_equal(vcs_set_identity(r, "Ada <L>", "x@y", &err), VCS_ERROR);
    assert_int_equal(vcs_set_identity(r, "Ada Lovelace", "ada@example.com", &err), VCS_OK);
    vcs_close(r);
    assert_string_equal(tu_out("cd anon && git config --local user.name"), "Ada Lovelace");
    assert_commit_ok("anon", "first", NULL, &res);
    assert_string_equal(tu_out("cd anon && git log --format='%%an <%%ae>' -1"),
                        "Ada Lovelace <ada@example.com>");
    tu_assert_committed("anon", "pipeline.yaml", "anon/pipeline.yaml");
    /* An author given by the caller (the commit dialog) wins. */
    tu_write("anon/sql/big.sql", "SELECT id FROM orders\n");
    vcs_commit_opts o = {.author_name = "Grace Hopper", .author_email = "grace@example.com"};
    assert_commit_ok("anon", "second", &o, &res);
    assert_string_equal(tu_out("cd anon && git log --format='%%an <%%ae>/%%cn' -1"),
                        "Grace Hopper <grace@example.com>/Grace Hopper");
    tu_assert_committed("anon", "sql/big.sql", "anon/sql/big.sql");
}

static void test_global_identity_used(void **state)
{
    (void)state;
    tu_git_init("g", false);
    tu_pipeline("g", 1);
    /* HOME is the temp root: this is the global config. */
    tu_write(".gitconfig", "[user]\n\tname = Global Person\n\temail = global@example.com\n");
    vcs_commit_result res;
    assert_commit_ok("g", "first", NULL, &res);
    assert_string_equal(tu_out("cd g && git log --format='%%an <%%ae>' -1"),
                        "Global Person <global@example.com>");
    /* The repository's own config wins over the global one. */
    tu_sh("cd g && git config user.name 'Local Person' && git config user.email l@example.com");
    tu_write("g/sql/big.sql", "SELECT 1 AS id FROM orders\n");
    assert_commit_ok("g", "second", NULL, &res);
    assert_string_equal(tu_out("cd g && git log --format='%%an' -1"), "Local Person");
}

static void test_detached_head(void **state)
{
    (void)state;
    tu_git_init("d", true);
    tu_pipeline("d", 1);
    vcs_commit_result res;
    assert_commit_ok("d", "one", NULL, &res);
    const char *main_before = xstrdup(tu_out("cd d && git rev-parse main"));
    assert_int_equal(tu_sh("cd d && git checkout -q --detach"), 0);
    tu_write("d/sql/big.sql", "SELECT id FROM orders\n");
    vcs_error err = {0};
    assert_int_equal(commit_in("d", "two", NULL, &res, &err), VCS_DETACHED);
    assert_non_null(strstr(err.message, "detached"));
    assert_string_equal(tu_out("cd d && git rev-parse HEAD"), main_before);
    vcs_commit_opts o = {.allow_detached = true};
    assert_commit_ok("d", "two", &o, &res);
    assert_string_equal(tu_out("cd d && git rev-parse HEAD"), res.id);
    assert_string_equal(tu_out("cd d && git rev-parse main"), main_before);
    assert_string_equal(tu_out("cd d && git rev-parse HEAD~1"), main_before);
    tu_assert_committed("d", "sql/big.sql", "d/sql/big.sql");
    free((char *)main_before);
}

static void test_merge_in_progress_refused(void **state)
{
    (void)state;
    tu_git_init("m", true);
    tu_pipeline("m", 1);
    tu_write("m/other.txt", "base\n");
    assert_int_equal(tu_sh("cd m && git add . && git commit -q -m base"), 0);
    assert_int_equal(tu_sh("cd m && git checkout -q -b side && echo side > other.txt && git "
                           "commit -q -am side && git checkout -q main && echo main > other.txt "
                           "&& git commit -q -am main"),
                     0);
    assert_int_not_equal(tu_sh("cd m && git merge -q side >/dev/null 2>&1"), 0);
    tu_write("m/sql/big.sql", "SELECT id FROM orders\n");
    const char *index_before = xstrdup(tu_out("cd m && git ls-files -s --debug | md5sum"));
    char *yaml_before = tu_read("m/pipeline.yaml");
    vcs_commit_result res;
    vcs_error err = {0};
    assert_int_equal(commit_in("m", "during merge", NULL, &res, &err), VCS_IN_PROGRESS);
    assert_non_null(strstr(err.message, "merge"));
    assert_string_equal(tu_out("cd m && git ls-files -s --debug | md5sum"), index_before);
    char *yaml_after = tu_read("m/pipeline.yaml");
    assert_string_equal(yaml_before, yaml_after);
    assert_true(tu_exists("m/.git/MERGE_HEAD"));
    free(yaml_before);
    free(yaml_after);
    free((char *)index_before);
}

static void test_rebase_in_progress_refused(void **state)
{
    (void)state;
    tu_git_init("rb", true);
    tu_pipeline("rb", 1);
    tu_write("rb/other.txt", "base\n");
    assert_int_equal(tu_sh("cd rb && git add . && git commit -q -m base"), 0);
    assert_int_equal(tu_sh("cd rb && git checkout -q -b side && echo side > other.txt && git "
                           "commit -q -am side && git checkout -q main && echo main > other.txt "
                           "&& git commit -q -am main && git checkout -q side"),
                     0);
    assert_int_not_equal(tu_sh("cd rb && git rebase main >/dev/null 2>&1"), 0);
    tu_write("rb/sql/big.sql", "SELECT id FROM orders\n");
    const char *head = xstrdup(tu_out("cd rb && git rev-parse HEAD"));
    vcs_commit_result res;
    vcs_error err = {0};
    vcs_commit_opts o = {.allow_detached = true}; /* a rebase detaches HEAD */
    assert_int_equal(commit_in("rb", "during rebase", &o, &res, &err), VCS_IN_PROGRESS);
    assert_non_null(strstr(err.message, "rebase"));
    assert_string_equal(tu_out("cd rb && git rev-parse HEAD"), head);
    assert_int_equal(tu_sh("cd rb && git rebase --abort"), 0);
    free((char *)head);
}

static const char *head_version(const char *repo, const char *path)
{
    return tu_out("cd '%s' && git show 'HEAD:%s' | sed -n 's/^  version: //p'", repo, path);
}

static void test_version_bump(void **state)
{
    (void)state;
    tu_git_init("v", true);
    tu_pipeline("v", 1);
    vcs_commit_result res;
    assert_commit_ok("v", "one", NULL, &res);
    assert_string_equal(head_version("v", "pipeline.yaml"), "1");

    /* SQL changed: bumped, through the writer, and committed. */
    tu_write("v/sql/big.sql", "SELECT id FROM orders\n");
    vcs_repo *r = tu_open_repo("v");
    bool bump;
    long long hv, nv;
    vcs_error err = {0};
    assert_int_equal(vcs_version_plan(r, &bump, &hv, &nv, &err), VCS_OK);
    assert_true(bump);
    assert_int_equal(hv, 1);
    assert_int_equal(nv, 2);
    vcs_close(r);
    assert_commit_ok("v", "sql", NULL, &res);
    assert_true(res.bumped);
    assert_int_equal(res.version, 2);
    assert_string_equal(head_version("v", "pipeline.yaml"), "2");
    tu_assert_committed("v", "pipeline.yaml", "v/pipeline.yaml");
    assert_string_equal(tu_out("cd v && git status --porcelain"), "");

    /* Layout only: no bump. */
    tu_write("v/layout.yaml", "weir: 1\n\npositions:\n  orders:\n    x: 5\n    y: 5\n");
    assert_commit_ok("v", "move", NULL, &res);
    assert_false(res.bumped);
    assert_string_equal(head_version("v", "pipeline.yaml"), "2");
    assert_string_equal(tu_out("cd v && git show --name-only --format= HEAD"), "layout.yaml");

    /* A samples-only change: no bump either. */
    tu_write("v/samples/orders.jsonl", "{\"id\": 3, \"amount\": 7}\n");
    assert_commit_ok("v", "samples", NULL, &res);
    assert_false(res.bumped);

    /* A setting changed: bump. */
    char *yaml = tu_read("v/pipeline.yaml");
    char *at = strstr(yaml, "/data/orders.jsonl");
    assert_non_null(at);
    memcpy(at, "/data/ORDERS.jsonl", 18);
    tu_write("v/pipeline.yaml", yaml);
    free(yaml);
    assert_commit_ok("v", "setting", NULL, &res);
    assert_true(res.bumped);
    assert_string_equal(head_version("v", "pipeline.yaml"), "3");

    /* The user raised it already: kept. */
    yaml = tu_read("v/pipeline.yaml");
    at = strstr(yaml, "version: 3");
    assert_non_null(at);
    at[9] = '9';
    tu_write("v/pipeline.yaml", yaml);
    free(yaml);
    tu_write("v/sql/big.sql", "SELECT amount FROM orders\n");
    assert_commit_ok("v", "manual", NULL, &res);
    assert_false(res.bumped);
    assert_string_equal(head_version("v", "pipeline.yaml"), "9");

    /* --no-bump */
    tu_write("v/sql/big.sql", "SELECT id, amount FROM orders\n");
    vcs_commit_opts o = {.no_bump = true};
    assert_commit_ok("v", "nobump", &o, &res);
    assert_string_equal(head_version("v", "pipeline.yaml"), "9");
    assert_string_equal(tu_out("cd v && git rev-list --count HEAD"), "7");
    assert_int_equal(tu_sh("cd v && git fsck --strict --no-progress --no-dangling"), 0);
}

static void test_deleted_files_and_ignored(void **state)
{
    (void)state;
    tu_git_init("del", true);
    tu_pipeline("del", 1);
    tu_write("del/samples/extra.csv", "a,b\n1,2\n");
    tu_write("del/.gitignore", "samples/*.tmp\n");
    tu_write("del/samples/scratch.tmp", "ignored\n");
    vcs_commit_result res;
    assert_commit_ok("del", "with extra", NULL, &res);
    assert_string_equal(tu_out("cd del && git ls-files samples"),
                        "samples/extra.csv\nsamples/orders.jsonl");
    tu_sh("rm del/samples/extra.csv");
    assert_commit_ok("del", "drop extra", NULL, &res);
    assert_int_equal(res.n_files, 1);
    assert_string_equal(tu_out("cd del && git show --name-status --format= HEAD"),
                        "D\tsamples/extra.csv");
    assert_string_equal(tu_out("cd del && git ls-files samples"), "samples/orders.jsonl");
    /* .gitignore is the user's, not an artifact: never committed by weir */
    assert_string_equal(tu_out("cd del && git status --porcelain"), "?? .gitignore");
    assert_int_equal(tu_sh("cd del && git fsck --strict --no-progress --no-dangling"), 0);
}

static void test_invalid_needs_confirmation(void **state)
{
    (void)state;
    tu_git_init("bad", true);
    tu_pipeline("bad", 1);
    char *yaml = tu_read("bad/pipeline.yaml");
    char *at = strstr(yaml, "inputs: [big]");
    assert_non_null(at);
    memcpy(at, "inputs: [zzz]", 13);
    tu_write("bad/pipeline.yaml", yaml);
    free(yaml);
    vcs_repo *r = tu_open_repo("bad");
    vcs_commit_opts o = {.message = "broken"};
    vcs_commit_result res;
    vcs_error err = {0};
    diag_list diags;
    diag_list_init(&diags);
    assert_int_equal(vcs_commit(r, &o, &res, &diags, &err), VCS_INVALID);
    assert_true(diags.n_errors > 0);
    assert_int_not_equal(tu_sh("cd bad && git rev-parse -q --verify HEAD >/dev/null"), 0);
    diag_list_clear(&diags);
    o.allow_invalid = true;
    assert_int_equal(vcs_commit(r, &o, &res, &diags, &err), VCS_OK);
    diag_list_free(&diags);
    vcs_close(r);
    tu_assert_committed("bad", "pipeline.yaml", "bad/pipeline.yaml");
}

static void test_empty_message_refused(void **state)
{
    (void)state;
    tu_git_init("e", true);
    tu_pipeline("e", 1);
    vcs_commit_result res;
    vcs_error err = {0};
    assert_int_equal(commit_in("e", "  \n ", NULL, &res, &err), VCS_ERROR);
    assert_non_null(strstr(err.message, "message"));
    assert_int_not_equal(tu_sh("cd e && git rev-parse -q --verify HEAD >/dev/null"), 0);
}

/* The TUI passes its model: saved first, then committed, bumped. */
static void test_commit_model_from_memory(void **state)
{
    (void)state;
    tu_git_init("tm", true);
    tu_pipeline("tm", 1);
    vcs_commit_result res;
    assert_commit_ok("tm", "one", NULL, &res);
    vcs_repo *r = tu_open_repo("tm");
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    vcs_error err = {0};
    assert_int_equal(vcs_pipeline_read(r, NULL, &p, &diags, &err), VCS_OK);
    node_set_setting(pipeline_find(&p, "out"), "format", "csv");
    vcs_commit_opts o = {.message = "csv out", .model = &p};
    assert_int_equal(vcs_commit(r, &o, &res, &diags, &err), VCS_OK);
    assert_true(res.bumped);
    assert_int_equal(res.version, 2);
    pipeline_free(&p);
    diag_list_free(&diags);
    vcs_close(r);
    char *yaml = tu_read("tm/pipeline.yaml");
    assert_non_null(strstr(yaml, "format: csv"));
    assert_non_null(strstr(yaml, "version: 2"));
    free(yaml);
    tu_assert_committed("tm", "pipeline.yaml", "tm/pipeline.yaml");
    assert_string_equal(tu_out("cd tm && git status --porcelain"), "");
}

static void test_limits(void **state)
{
    (void)state;
    tu_git_init("lim", true);
    tu_pipeline("lim", 1);
    /* One folder too deep under samples/ */
    strbuf path;
    strbuf_init(&path);
    strbuf_puts(&path, "lim/samples");
    for (int i = 0; i <= VCS_MAX_DEPTH; i++)
        strbuf_puts(&path, "/d");
    strbuf_puts(&path, "/deep.csv");
    tu_write(path.data, "a\n");
    vcs_repo *r = tu_open_repo("lim");
    vcs_changes ch;
    vcs_error err = {0};
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_ERROR);
    assert_non_null(strstr(err.message, "deeper than 16"));
    vcs_close(r);
    vcs_commit_result res;
    assert_int_equal(commit_in("lim", "too deep", NULL, &res, &err), VCS_ERROR);
    assert_int_not_equal(tu_sh("cd lim && git rev-parse -q --verify HEAD >/dev/null"), 0);
    /* At the depth limit it works */
    *strrchr(path.data, '/') = '\0';
    *strrchr(path.data, '/') = '\0';
    tu_sh("rm -rf lim/samples/d");
    strbuf_puts(&path, "/deep.csv");
    tu_write(path.data, "a\n");
    r = tu_open_repo("lim");
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_OK);
    assert_int_equal(ch.n, 5);
    vcs_changes_free(&ch);
    vcs_close(r);
    strbuf_free(&path);
    /* One file too many */
    tu_sh("rm -rf lim/samples/d && mkdir -p lim/samples/many");
    char *dir = xasprintf("%s/lim/samples/many", tu_root());
    assert_int_equal(vcs_limit_files(50), VCS_MAX_FILES);
    for (int i = 0; i < 46; i++) { /* + the 4 of tu_pipeline: exactly 50, fine */
        char *f = xasprintf("%s/%d", dir, i);
        FILE *fp = fopen(f, "w");
        assert_non_null(fp);
        fclose(fp);
        free(f);
    }
    free(dir);
    r = tu_open_repo("lim");
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_OK);
    assert_int_equal(ch.n, 50);
    vcs_changes_free(&ch);
    tu_write("lim/samples/many/one-more", "");
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_ERROR);
    assert_non_null(strstr(err.message, "more than 50 files"));
    assert_int_equal(commit_in("lim", "too many", NULL, &res, &err), VCS_ERROR);
    assert_int_not_equal(tu_sh("cd lim && git rev-parse -q --verify HEAD >/dev/null"), 0);
    vcs_close(r);
    vcs_limit_files(VCS_MAX_FILES);
}

/* How many git_libgit2_init() references are live. */
static int libgit2_refs(void)
{
    int n = git_libgit2_init();
    git_libgit2_shutdown();
    return n - 1;
}

/* libgit2 stays initialised from vcs's first use on: open/close pairs
 * neither drop it (its init parses the CA bundle, ~4 ms, which the TUI
 * used to pay on every status refresh and commit) nor leak references. */
static void test_libgit2_stays_initialised(void **state)
{
    (void)state;
    tu_git_init("li", true);
    tu_pipeline("li/pipes/p", 1);
    char *dir = xasprintf("%s/li/pipes/p", tu_root());
    vcs_repo *r = NULL;
    vcs_error err = {0};
    /* Let go of main's reference: vcs's must be the one left. */
    git_libgit2_shutdown();
    assert_int_equal(vcs_open(dir, &r, &err), VCS_OK);
    vcs_close(r);
    int refs = git_libgit2_init(); /* main's again */
    tu_setup_paths();
    assert_true(refs >= 2); /* main's and vcs's: it was never shut down */
    for (int i = 0; i < 3; i++) {
        r = NULL;
        assert_int_equal(vcs_open(dir, &r, &err), VCS_OK);
        assert_string_equal(vcs_prefix(r), "pipes/p/");
        bool dirty = false;
        assert_int_equal(vcs_is_dirty(r, &dirty, &err), VCS_OK);
        assert_true(dirty);
        vcs_close(r);
        assert_int_equal(libgit2_refs(), refs);
    }
    char *missing = xasprintf("%s/missing", tu_root());
    assert_int_equal(vcs_open(missing, &r, &err), VCS_ERROR);
    assert_int_equal(vcs_init(dir, &err), VCS_OK); /* a nested repository: fine */
    assert_int_equal(libgit2_refs(), refs);
    free(missing);
    free(dir);
}

/* The bump's rewrite of pipeline.yaml: the commit holds exactly the file
 * as written, through git's filters when some apply (here `ident`), and a
 * failed write leaves HEAD, the index and the file as they were. */
static void test_bump_write(void **state)
{
    (void)state;
    /* With a filter on pipeline.yaml. */
    tu_git_init("bwf", true);
    tu_pipeline("bwf", 1);
    tu_write("bwf/.gitattributes", "pipeline.yaml ident\n");
    char *yaml = tu_read("bwf/pipeline.yaml");
    char *with_id = xasprintf("# $Id: not-the-blob $\n%s", yaml);
    tu_write("bwf/pipeline.yaml", with_id);
    free(with_id);
    free(yaml);
    vcs_commit_result res;
    assert_commit_ok("bwf", "ident", NULL, &res);
    tu_write("bwf/sql/big.sql", "SELECT id FROM orders\n");
    assert_commit_ok("bwf", "bump with a filter", NULL, &res);
    assert_true(res.bumped);
    assert_int_equal(res.version, 2);
    assert_string_equal(tu_out("cd bwf && git show HEAD:pipeline.yaml | head -1"), "# $Id$");
    assert_string_equal(tu_out("cd bwf && head -1 pipeline.yaml"), "# $Id: not-the-blob $");
    assert_int_equal(tu_sh("cd bwf && git diff --quiet HEAD -- . && git diff --cached --quiet"), 0);
    assert_string_equal(tu_out("cd bwf && git status --porcelain"), "");
    assert_int_equal(tu_sh("cd bwf && git fsck --strict --no-progress --no-dangling"), 0);

    /* Without a filter. */
    tu_git_init("bw", true);
    tu_pipeline("bw", 1);
    assert_commit_ok("bw", "one", NULL, &res);
    tu_write("bw/sql/big.sql", "SELECT amount FROM orders\n");
    assert_commit_ok("bw", "bump", NULL, &res);
    assert_true(res.bumped);
    assert_int_equal(res.version, 2);
    tu_assert_committed("bw", "pipeline.yaml", "bw/pipeline.yaml");
    assert_string_equal(tu_out("cd bw && git status --porcelain"), "");

    /* The write fails: the file size limit stops it one byte short. */
    tu_write("bw/sql/big.sql", "SELECT id, amount FROM orders\n");
    char *before = tu_read("bw/pipeline.yaml");
    const char *head = xstrdup(tu_out("cd bw && git rev-parse HEAD"));
    const char *index = xstrdup(tu_out("cd bw && git ls-files -s --debug | md5sum"));
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = strlen(before) - 1;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    vcs_error err = {0};
    vcs_rc rc = commit_in("bw", "bump fails", NULL, &res, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(rc, VCS_ERROR);
    assert_non_null(strstr(err.message, "pipeline.yaml"));
    assert_string_equal(tu_out("cd bw && git rev-parse HEAD"), head);
    assert_string_equal(tu_out("cd bw && git ls-files -s --debug | md5sum"), index);
    char *after = tu_read("bw/pipeline.yaml");
    assert_string_equal(after, before);
    assert_string_equal(tu_out("cd bw && git status --porcelain"), " M sql/big.sql");
    assert_string_equal(tu_out("cd bw && ls -a | grep -c weir-tmp || true"), "0");
    assert_int_equal(tu_sh("cd bw && git fsck --strict --no-progress --no-dangling"), 0);
    free(after);
    free(before);
    free((char *)head);
    free((char *)index);
}

/* The loose objects in repo (git count-objects), as a number. */
static long loose_objects(const char *repo)
{
    return atol(tu_out("cd '%s' && git count-objects -v | sed -n 's/^count: //p'", repo));
}

/* Every refusal is decided before any object is written: a refused commit
 * leaves no blob, tree or commit behind (git fsck finds nothing dangling)
 * and pipeline.yaml as it was (no version bump). */
static void test_refusals_write_no_objects(void **state)
{
    (void)state;
    tu_git_init("ro", true);
    tu_pipeline("ro", 1);
    vcs_commit_result res;
    assert_commit_ok("ro", "one", NULL, &res);
    vcs_error err = {0};
    long n = loose_objects("ro");
    assert_true(n > 0);

    /* Nothing changed. */
    assert_int_equal(commit_in("ro", "again", NULL, &res, &err), VCS_NOTHING);
    assert_int_equal(loose_objects("ro"), n);

    /* From here on the SQL changed (a new blob, and a bump, were the
     * commit made). */
    tu_write("ro/sql/big.sql", "SELECT id FROM orders -- refused\n");
    char *yaml = tu_read("ro/pipeline.yaml");

    /* Invalid: an input that does not exist. */
    char *bad = xstrdup(yaml);
    char *at = strstr(bad, "inputs: [big]");
    assert_non_null(at);
    memcpy(at, "inputs: [zzz]", 13);
    tu_write("ro/pipeline.yaml", bad);
    assert_int_equal(commit_in("ro", "invalid", NULL, &res, &err), VCS_INVALID);
    assert_int_equal(loose_objects("ro"), n);
    tu_write("ro/pipeline.yaml", yaml);

    /* The index is locked. */
    tu_write("ro/.git/index.lock", "");
    assert_int_equal(commit_in("ro", "locked index", NULL, &res, &err), VCS_LOCKED);
    assert_int_equal(loose_objects("ro"), n);
    tu_sh("rm ro/.git/index.lock");

    /* The branch HEAD points to is locked (another git is updating it):
     * refused up front, not after writing the blobs, tree and commit. */
    tu_write("ro/.git/refs/heads/main.lock", "");
    assert_int_equal(commit_in("ro", "locked branch", NULL, &res, &err), VCS_LOCKED);
    assert_non_null(strstr(err.message, "main.lock"));
    assert_int_equal(loose_objects("ro"), n);
    char *now = tu_read("ro/pipeline.yaml");
    assert_string_equal(now, yaml); /* not bumped either */
    free(now);
    tu_sh("rm ro/.git/refs/heads/main.lock");

    /* Detached HEAD, and HEAD.lock when committing detached. */
    const char *head = xstrdup(tu_out("cd ro && git rev-parse HEAD"));
    assert_int_equal(tu_sh("cd ro && git checkout -q --detach"), 0);
    assert_int_equal(commit_in("ro", "detached", NULL, &res, &err), VCS_DETACHED);
    assert_int_equal(loose_objects("ro"), n);
    tu_write("ro/.git/HEAD.lock", "");
    vcs_commit_opts o = {.allow_detached = true};
    assert_int_equal(commit_in("ro", "locked HEAD", &o, &res, &err), VCS_LOCKED);
    assert_int_equal(loose_objects("ro"), n);
    tu_sh("rm ro/.git/HEAD.lock");
    assert_int_equal(tu_sh("cd ro && git checkout -q main"), 0);
    assert_string_equal(tu_out("cd ro && git rev-parse HEAD"), head);

    assert_int_equal(tu_sh("cd ro && git fsck --strict --no-progress --unreachable 2>&1 | "
                           "grep -q . && exit 1; git fsck --strict --no-progress"),
                     0);
    /* And once nothing is in the way, the commit is made. */
    assert_commit_ok("ro", "two", NULL, &res);
    assert_true(res.bumped);
    assert_true(loose_objects("ro") > n);
    tu_assert_committed("ro", "sql/big.sql", "ro/sql/big.sql");
    free(bad);
    free(yaml);
    free((char *)head);
}

int main(void)
{
    git_libgit2_init(); /* held for the whole run: keeps the pinned search paths */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_no_repo_then_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_only_pipeline_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_regenerates_template_sql, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unborn_branch_first_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locked_index_touches_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_identity_then_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_identity_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detached_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_in_progress_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebase_in_progress_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_bump, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_files_and_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_needs_confirmation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_message_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_model_from_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_libgit2_stays_initialised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bump_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_write_no_objects, setup, teardown),
    };
    int rc = cmocka_run_group_tests_name("vcs commit", tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
