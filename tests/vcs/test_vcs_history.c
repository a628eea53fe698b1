/* vcs: history, reading a revision's model, revision diffs and restore, on
 * temporary repositories built with the git command line. */
#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "vcs.h"
#include "vcs_history.h"
#include "vcs_restore.h"
#include "vcs_revdiff.h"
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

static void set_version(const char *rel, int v)
{
    char *path = xasprintf("%s/pipeline.yaml", rel);
    char *yaml = tu_read(path);
    char *at = strstr(yaml, "version: ");
    assert_non_null(at);
    char *end = strchr(at, '\n');
    char *next = xasprintf("%.*sversion: %d%s", (int)(at - yaml), yaml, v, end);
    tu_write(path, next);
    free(next);
    free(yaml);
    free(path);
}

/* A repository whose pipeline sits in pipes/orders, with history:
 * c1 add (v1), c2 unrelated file, c3 SQL change (v2), c4 new sink + lua (v3). */
static void build_history(void)
{
    tu_git_init("repo", true);
    tu_pipeline("repo/pipes/orders", 1);
    tu_sh("cd repo && git add . && GIT_AUTHOR_DATE='2026-01-01T10:00:00Z' git commit -q -m "
          "'Add orders'");
    tu_write("repo/README.md", "unrelated\n");
    tu_sh("cd repo && git add . && git commit -q -m 'Readme only'");
    tu_write("repo/pipes/orders/sql/big.sql", "SELECT id FROM orders WHERE amount > 20\n");
    set_version("repo/pipes/orders", 2);
    tu_sh("cd repo && git add . && git commit -q -m 'Raise the threshold'");
    char *yaml = tu_read("repo/pipes/orders/pipeline.yaml");
    char *more = xasprintf("%s  audit:\n    type: file\n    inputs: [big]\n    path: /a.jsonl\n"
                           "    format: jsonl\n",
                           yaml);
    tu_write("repo/pipes/orders/pipeline.yaml", more);
    free(more);
    free(yaml);
    set_version("repo/pipes/orders", 3);
    tu_write("repo/pipes/orders/lua/mask.lua", "function transform(r) return r end\n");
    tu_sh("cd repo && git add . && git commit -q -m 'Add an audit sink'");
}

static void test_log(void **state)
{
    (void)state;
    build_history();
    vcs_repo *r = tu_open_repo("repo/pipes/orders");
    vcs_log log;
    vcs_error err = {0};
    assert_int_equal(vcs_log_read(r, NULL, 0, &log, &err), VCS_OK);
    assert_int_equal(log.n, 3); /* the readme-only commit is not there */
    assert_string_equal(log.items[0].summary, "Add an audit sink");
    assert_int_equal(log.items[0].version, 3);
    assert_string_equal(log.items[1].summary, "Raise the threshold");
    assert_int_equal(log.items[1].version, 2);
    assert_string_equal(log.items[2].summary, "Add orders");
    assert_int_equal(log.items[2].version, 1);
    assert_string_equal(log.items[2].author_name, "Test User");
    assert_string_equal(log.items[2].author_email, "test@example.com");
    assert_int_equal(log.items[2].time, 1767261600LL); /* 2026-01-01T10:00:00Z */
    assert_string_equal(log.items[0].id, tu_out("cd repo && git rev-parse HEAD"));
    assert_string_equal(log.items[1].id, tu_out("cd repo && git rev-parse HEAD~1"));
    /* git agrees on which commits touched the folder */
    assert_string_equal(tu_out("cd repo && git log --format=%%s -- pipes/orders"),
                        "Add an audit sink\nRaise the threshold\nAdd orders");
    vcs_log_free(&log);
    assert_int_equal(vcs_log_read(r, NULL, 2, &log, &err), VCS_OK);
    assert_int_equal(log.n, 2);
    vcs_log_free(&log);
    assert_int_equal(vcs_log_read(r, "no-such-rev", 0, &log, &err), VCS_BAD_REV);
    vcs_close(r);
}

static void test_log_unborn_and_merges(void **state)
{
    (void)state;
    tu_git_init("u", true);
    tu_pipeline("u", 1);
    vcs_repo *r = tu_open_repo("u");
    vcs_log log;
    vcs_error err = {0};
    assert_int_equal(vcs_log_read(r, NULL, 0, &log, &err), VCS_OK);
    assert_int_equal(log.n, 0);
    vcs_close(r);
    /* a merge that changes nothing against one parent is not listed */
    tu_sh("cd u && git add . && git commit -q -m one && git checkout -q -b side && "
          "echo x > other && git add other && git commit -q -m side && git checkout -q main && "
          "echo 'SELECT 2 AS id FROM orders' > sql/big.sql && git commit -q -am two && "
          "git merge -q --no-edit side");
    r = tu_open_repo("u");
    assert_int_equal(vcs_log_read(r, NULL, 0, &log, &err), VCS_OK);
    assert_int_equal(log.n, 2);
    assert_string_equal(log.items[0].summary, "two");
    vcs_log_free(&log);
    vcs_close(r);
}

/* The version comes from a quick scan of the canonical form, or from a
 * full parse of anything else. */
static void test_log_versions_any_form(void **state)
{
    (void)state;
    tu_git_init("f", true);
    tu_pipeline("f", 1);
    tu_sh("cd f && git add . && git commit -q -m canonical");
    tu_write("f/pipeline.yaml", "weir: 1\npipeline: {name: orders, version: 5}\nsources:\n"
                                "  orders: {type: file, path: /x, format: jsonl}\n");
    tu_sh("cd f && git commit -q -am flow");
    tu_write("f/pipeline.yaml", "weir: 1\npipeline:\n  name: orders\n  description: |\n"
                                "    version: 99\n  version: 6 # commented\nsources: {}\n");
    tu_sh("cd f && git commit -q -am comment");
    tu_write("f/pipeline.yaml", "weir: 1\npipeline:\n  name: orders\nsources: {}\n");
    tu_sh("cd f && git commit -q -am none");
    vcs_repo *r = tu_open_repo("f");
    vcs_log log;
    vcs_error err = {0};
    assert_int_equal(vcs_log_read(r, NULL, 0, &log, &err), VCS_OK);
    assert_int_equal(log.n, 4);
    assert_int_equal(log.items[0].version, 1); /* the loader's default */
    assert_int_equal(log.items[1].version, 6);
    assert_int_equal(log.items[2].version, 5);
    assert_int_equal(log.items[3].version, 1);
    vcs_log_free(&log);
    vcs_close(r);
}

static void test_read_pipeline_at_revision(void **state)
{
    (void)state;
    build_history();
    vcs_repo *r = tu_open_repo("repo/pipes/orders");
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    vcs_error err = {0};
    assert_int_equal(vcs_pipeline_read(r, "HEAD~3", &p, &diags, &err), VCS_OK);
    assert_int_equal(p.version, 1);
    assert_int_equal(p.n_nodes, 3);
    assert_true(p.has_layout);
    assert_true(pipeline_find(&p, "big")->has_xy);
    pipeline_free(&p);
    assert_int_equal(vcs_pipeline_read(r, NULL, &p, &diags, &err), VCS_OK);
    assert_int_equal(p.n_nodes, 4);
    pipeline_free(&p);
    char *data;
    size_t len;
    assert_int_equal(vcs_file_read(r, "HEAD~2", "sql/big.sql", &data, &len, &err), VCS_OK);
    assert_string_equal(data, "SELECT id, amount FROM orders WHERE amount > 10\n");
    free(data);
    assert_int_equal(vcs_file_read(r, "HEAD~3", "lua/mask.lua", &data, &len, &err), VCS_NOT_FOUND);
    assert_int_equal(vcs_file_read(r, "HEAD", "lua/mask.lua", &data, &len, &err), VCS_OK);
    free(data);
    diag_list_free(&diags);
    vcs_close(r);
    /* A revision without the pipeline */
    tu_sh("cd repo && git checkout -q --orphan empty && git rm -rq --cached . && git commit -q "
          "--allow-empty -m nothing && git checkout -q -f main");
    r = tu_open_repo("repo/pipes/orders");
    diag_list_init(&diags);
    assert_int_equal(vcs_pipeline_read(r, "empty", &p, &diags, &err), VCS_NOT_FOUND);
    pipeline_free(&p);
    diag_list_free(&diags);
    vcs_close(r);
}

static void test_rev_diff(void **state)
{
    (void)state;
    build_history();
    vcs_repo *r = tu_open_repo("repo/pipes/orders");
    vcs_rev_diff d;
    diag_list diags;
    diag_list_init(&diags);
    vcs_error err = {0};
    assert_int_equal(vcs_rev_diff_compute(r, "HEAD~3", "HEAD", &d, &diags, &err), VCS_OK);
    assert_int_equal(d.graph.n_added, 1);
    assert_int_equal(d.graph.nodes[0].change, GD_ADDED);
    assert_string_equal(d.graph.nodes[0].id, "audit");
    assert_int_equal(d.graph.n_edges_added, 1);
    assert_true(vcs_rev_diff_code_changed(&d));
    /* files: lua added, pipeline.yaml and sql modified */
    assert_int_equal(d.n_files, 3);
    assert_string_equal(d.files[0].path, "lua/mask.lua");
    assert_int_equal(d.files[0].change, VCS_ADDED);
    assert_non_null(strstr(d.files[0].patch, "+function transform(r) return r end"));
    assert_null(d.files[1].patch); /* pipeline.yaml: the graph covers it */
    assert_non_null(strstr(d.files[2].patch, "-SELECT id, amount FROM orders WHERE amount > 10"));
    assert_non_null(strstr(d.files[2].patch, "+SELECT id FROM orders WHERE amount > 20"));
    strbuf sb;
    strbuf_init(&sb);
    vcs_rev_diff_format(&d, &sb, false);
    assert_non_null(strstr(sb.data, "  + audit (sink file)\n"));
    assert_non_null(strstr(sb.data, "  + big -> audit\n"));
    assert_non_null(strstr(sb.data, "  A lua/mask.lua (added)\n"));
    assert_non_null(strstr(sb.data, "diff --git a/pipes/orders/sql/big.sql"));
    strbuf_free(&sb);
    vcs_rev_diff_free(&d);

    /* HEAD against the working folder: nothing, then a change */
    assert_int_equal(vcs_rev_diff_compute(r, NULL, NULL, &d, &diags, &err), VCS_OK);
    assert_true(graph_diff_empty(&d.graph));
    assert_int_equal(d.n_files, 0);
    vcs_rev_diff_free(&d);
    tu_write("repo/pipes/orders/sql/big.sql", "SELECT 1 AS id FROM orders\n");
    assert_int_equal(vcs_rev_diff_compute(r, NULL, NULL, &d, &diags, &err), VCS_OK);
    assert_int_equal(d.n_files, 1);
    assert_non_null(strstr(d.files[0].patch, "+SELECT 1 AS id FROM orders"));
    vcs_rev_diff_free(&d);
    assert_int_equal(vcs_rev_diff_compute(r, "nope", NULL, &d, &diags, &err), VCS_BAD_REV);
    diag_list_free(&diags);
    vcs_close(r);
}

static void test_restore_and_undo(void **state)
{
    (void)state;
    build_history();
    tu_write("repo/pipes/orders/notes.txt", "mine\n"); /* not an artifact: must survive */
    tu_write("repo/pipes/orders/sql/big.sql", "SELECT 42 AS id FROM orders\n"); /* uncommitted */
    char *work_yaml = tu_read("repo/pipes/orders/pipeline.yaml");
    const char *head = xstrdup(tu_out("cd repo && git rev-parse HEAD"));
    const char *index = xstrdup(tu_out("cd repo && git ls-files -s | md5sum"));

    vcs_repo *r = tu_open_repo("repo/pipes/orders");
    vcs_snapshot undo;
    size_t n = 0;
    vcs_error err = {0};
    assert_int_equal(vcs_restore(r, "HEAD~3", &undo, &n, &err), VCS_OK);
    assert_int_equal(n, 3); /* pipeline.yaml, sql/big.sql written; lua/mask.lua removed */
    /* the working files are the old revision's */
    assert_string_equal(tu_out("cd repo && git diff --stat HEAD~3 -- pipes/orders | tail -1"), "");
    assert_string_equal(tu_out("cd repo && git status --porcelain pipes"),
                        " D pipes/orders/lua/mask.lua\n"
                        " M pipes/orders/pipeline.yaml\n"
                        " M pipes/orders/sql/big.sql\n"
                        "?? pipes/orders/notes.txt");
    assert_false(tu_exists("repo/pipes/orders/lua")); /* emptied folder removed */
    assert_true(tu_exists("repo/pipes/orders/notes.txt"));
    /* HEAD and the index are untouched: the restore is uncommitted */
    assert_string_equal(tu_out("cd repo && git rev-parse HEAD"), head);
    assert_string_equal(tu_out("cd repo && git ls-files -s | md5sum"), index);
    /* restoring again changes nothing */
    vcs_snapshot again;
    assert_int_equal(vcs_restore(r, "HEAD~3", &again, &n, &err), VCS_OK);
    assert_int_equal(n, 0);
    vcs_snapshot_free(&again);

    /* undo: back to the working state before, including the uncommitted SQL */
    assert_int_equal(vcs_snapshot_apply(r, &undo, &n, &err), VCS_OK);
    assert_int_equal(n, 3);
    char *sql = tu_read("repo/pipes/orders/sql/big.sql");
    assert_string_equal(sql, "SELECT 42 AS id FROM orders\n");
    char *yaml = tu_read("repo/pipes/orders/pipeline.yaml");
    assert_string_equal(yaml, work_yaml);
    assert_true(tu_exists("repo/pipes/orders/lua/mask.lua"));
    assert_string_equal(tu_out("cd repo && git status --porcelain pipes"),
                        " M pipes/orders/sql/big.sql\n?? pipes/orders/notes.txt");
    vcs_snapshot_free(&undo);
    assert_int_equal(vcs_restore(r, "nope", NULL, &n, &err), VCS_BAD_REV);
    vcs_close(r);
    free(sql);
    free(yaml);
    free(work_yaml);
    free((char *)head);
    free((char *)index);
}

static void test_symlinks_committed_and_kept(void **state)
{
    (void)state;
    tu_git_init("s", true);
    tu_pipeline("s", 1);
    tu_sh("cd s && git add . && git commit -q -m one");
    assert_int_equal(tu_sh("cd s && ln -s /data/big.csv samples/big.csv"), 0);
    vcs_repo *r = tu_open_repo("s");
    vcs_changes ch;
    vcs_error err = {0};
    assert_int_equal(vcs_changes_list(r, NULL, NULL, &ch, &err), VCS_OK);
    assert_int_equal(ch.n, 1);
    assert_string_equal(ch.items[0].path, "samples/big.csv");
    vcs_changes_free(&ch);
    vcs_close(r);
    tu_sh("cd s && git add samples/big.csv && git commit -q -m link");
    assert_string_equal(tu_out("cd s && git ls-files -s samples/big.csv | cut -c1-6"), "120000");
    r = tu_open_repo("s");
    bool dirty = true;
    assert_int_equal(vcs_is_dirty(r, &dirty, &err), VCS_OK);
    assert_false(dirty); /* weir hashes the link as git does */
    size_t n;
    assert_int_equal(vcs_restore(r, "HEAD~1", NULL, &n, &err), VCS_OK);
    assert_int_equal(n, 0);
    assert_string_equal(tu_out("cd s && readlink samples/big.csv"), "/data/big.csv");
    vcs_close(r);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_unborn_and_merges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_versions_any_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_pipeline_at_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rev_diff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_and_undo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks_committed_and_kept, setup, teardown),
    };
    int rc = cmocka_run_group_tests_name("vcs history", tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
