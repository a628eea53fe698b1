/* vcs: the three-way merge of pipeline.yaml and layout.yaml, in memory and
 * through a real `git merge` with weir configured as the merge driver. */
#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "load.h"
#include "util.h"
#include "vcs_merge.h"
#include "vcs_testutil.h"

static const char *const base = "weir: 1\n"
                                "pipeline:\n"
                                "  name: orders\n"
                                "  version: 3\n"
                                "sources:\n"
                                "  orders:\n"
                                "    type: kafka\n"
                                "    topic: orders.v1\n"
                                "    group: g1\n"
                                "  customers:\n"
                                "    type: file\n"
                                "    path: /c.csv\n"
                                "    format: csv\n"
                                "transforms:\n"
                                "  enrich:\n"
                                "    type: sql\n"
                                "    inputs: [orders]\n"
                                "    sql: sql/enrich.sql\n"
                                "sinks:\n"
                                "  out:\n"
                                "    type: stdout\n"
                                "    inputs: [enrich]\n";

/* base with the text between from and to replaced */
static char *edit(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("'%s' not in the text", from);
    return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

static void merge3(merge_kind kind, const char *b, const char *o, const char *t, merge_result *out)
{
    char err[256];
    if (!merge_texts(kind, b, strlen(b), o, strlen(o), t, strlen(t), out, err, sizeof(err)))
        fail_msg("merge failed: %s", err);
}

static void load(const char *text, pipeline *p)
{
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(text, strlen(text), ".", p, &diags));
    assert_int_equal(diags.n_errors, 0);
    diag_list_free(&diags);
}

static void test_clean_merge_node_by_node(void **state)
{
    (void)state;
    /* ours: a setting of orders, a new node; theirs: a setting of customers,
     * an edge, another new node, a bumped version */
    char *o1 = edit(base, "topic: orders.v1", "topic: orders.v2");
    char *ours = edit(o1, "sinks:\n",
                      "  audit:\n    type: lua\n    inputs: [orders]\n"
                      "    lua: lua/audit.lua\nsinks:\n");
    char *t1 = edit(base, "format: csv", "format: jsonl");
    char *t2 = edit(t1, "inputs: [orders]", "inputs: [orders, customers]");
    char *t3 = edit(t2, "version: 3", "version: 4");
    char *theirs = edit(t3, "    inputs: [enrich]\n",
                        "    inputs: [enrich]\n  copy:\n    type: stdout\n    inputs: [enrich]\n");
    merge_result res;
    merge3(MERGE_PIPELINE, base, ours, theirs, &res);
    assert_int_equal(res.n_conflicts, 0);
    assert_false(res.line_merge);
    assert_null(strstr(res.text, "<<<<<<<"));
    pipeline p;
    load(res.text, &p);
    assert_int_equal(p.version, 4);
    assert_int_equal(p.n_nodes, 6);
    assert_string_equal(node_setting_text(pipeline_find(&p, "orders"), "topic"), "orders.v2");
    assert_string_equal(node_setting_text(pipeline_find(&p, "customers"), "format"), "jsonl");
    node *enrich = pipeline_find(&p, "enrich");
    assert_int_equal(enrich->n_inputs, 2);
    assert_true(node_has_input(enrich, "customers"));
    assert_non_null(pipeline_find(&p, "audit"));
    assert_non_null(pipeline_find(&p, "copy"));
    pipeline_free(&p);
    merge_result_free(&res);
    free(o1);
    free(ours);
    free(t1);
    free(t2);
    free(t3);
    free(theirs);
}

static void test_conflict_only_on_same_setting(void **state)
{
    (void)state;
    char *o1 = edit(base, "topic: orders.v1", "topic: orders.mine");
    char *ours = edit(o1, "path: /c.csv", "path: /ours.csv"); /* only ours */
    char *t1 = edit(base, "topic: orders.v1", "topic: orders.theirs");
    char *theirs = edit(t1, "group: g1", "group: g2"); /* only theirs */
    merge_result res;
    merge3(MERGE_PIPELINE, base, ours, theirs, &res);
    assert_int_equal(res.n_conflicts, 1);
    assert_int_equal(count(res.text, "<<<<<<< ours\n"), 1);
    assert_int_equal(count(res.text, "=======\n"), 1);
    assert_int_equal(count(res.text, ">>>>>>> theirs\n"), 1);
    assert_non_null(strstr(res.text, "<<<<<<< ours\n    topic: orders.mine\n=======\n"
                                     "    topic: orders.theirs\n>>>>>>> theirs\n"));
    /* both one-sided changes are in, outside the markers */
    assert_non_null(strstr(res.text, "    group: g2\n"));
    assert_non_null(strstr(res.text, "    path: /ours.csv\n"));
    merge_result_free(&res);

    /* the same change on both sides is no conflict */
    merge3(MERGE_PIPELINE, base, o1, o1, &res);
    assert_int_equal(res.n_conflicts, 0);
    assert_non_null(strstr(res.text, "topic: orders.mine"));
    merge_result_free(&res);
    free(o1);
    free(ours);
    free(t1);
    free(theirs);
}

static void test_delete_vs_modify(void **state)
{
    (void)state;
    /* ours deletes customers; theirs changes it: a conflict over the node */
    char *ours =
        edit(base, "  customers:\n    type: file\n    path: /c.csv\n    format: csv\n", "");
    char *theirs = edit(base, "path: /c.csv", "path: /d.csv");
    merge_result res;
    merge3(MERGE_PIPELINE, base, ours, theirs, &res);
    assert_int_equal(res.n_conflicts, 1);
    assert_non_null(strstr(res.text, "<<<<<<< ours\n=======\n  customers:\n"));
    assert_non_null(strstr(res.text, "    path: /d.csv\n    format: csv\n>>>>>>> theirs\n"));
    merge_result_free(&res);
    /* ours deletes it and theirs left it alone: deleted, cleanly */
    char *theirs2 = edit(base, "group: g1", "group: g9");
    merge3(MERGE_PIPELINE, base, ours, theirs2, &res);
    assert_int_equal(res.n_conflicts, 0);
    assert_null(strstr(res.text, "customers"));
    assert_non_null(strstr(res.text, "group: g9"));
    merge_result_free(&res);
    free(ours);
    free(theirs);
    free(theirs2);
}

static void test_added_on_both_sides(void **state)
{
    (void)state;
    const char *add_a =
        "sinks:\n  twin:\n    type: stdout\n    inputs: [orders]\n    format: csv\n";
    const char *add_b =
        "sinks:\n  twin:\n    type: stdout\n    inputs: [orders]\n    format: table\n";
    char *ours = edit(base, "sinks:\n", add_a);
    char *same = edit(base, "sinks:\n", add_a);
    char *theirs = edit(base, "sinks:\n", add_b);
    merge_result res;
    merge3(MERGE_PIPELINE, base, ours, same, &res); /* the same node added twice */
    assert_int_equal(res.n_conflicts, 0);
    assert_int_equal(count(res.text, "  twin:\n"), 1);
    merge_result_free(&res);
    merge3(MERGE_PIPELINE, base, ours, theirs, &res); /* differently: that setting conflicts */
    assert_int_equal(res.n_conflicts, 1);
    assert_non_null(strstr(res.text, "<<<<<<< ours\n    format: csv\n=======\n"
                                     "    format: table\n>>>>>>> theirs\n"));
    merge_result_free(&res);
    /* the file added on both sides (git passes an empty base) */
    merge3(MERGE_PIPELINE, "", ours, same, &res);
    assert_int_equal(res.n_conflicts, 0);
    assert_false(res.line_merge);
    assert_non_null(strstr(res.text, "  twin:\n"));
    merge_result_free(&res);
    free(ours);
    free(same);
    free(theirs);
}

static void test_layout_position_by_position(void **state)
{
    (void)state;
    const char *lb = "weir: 1\npositions:\n  a: {x: 1, y: 1}\n  b: {x: 2, y: 2}\n"
                     "  c: {x: 3, y: 3}\n";
    const char *lo = "weir: 1\npositions:\n  a: {x: 10, y: 1}\n  b: {x: 2, y: 2}\n"
                     "  c: {x: 3, y: 3}\n  d: {x: 4, y: 4}\n";
    const char *lt = "weir: 1\npositions:\n  a: {x: 1, y: 1}\n  b: {x: 20, y: 2}\n";
    merge_result res;
    merge3(MERGE_LAYOUT, lb, lo, lt, &res);
    assert_int_equal(res.n_conflicts, 0);
    assert_string_equal(res.text, "weir: 1\n\npositions:\n  a:\n    x: 10\n    y: 1\n  b:\n"
                                  "    x: 20\n    y: 2\n  d:\n    x: 4\n    y: 4\n");
    merge_result_free(&res);
    const char *lt2 = "weir: 1\npositions:\n  a: {x: 11, y: 1}\n  b: {x: 2, y: 2}\n"
                      "  c: {x: 3, y: 3}\n";
    merge3(MERGE_LAYOUT, lb, lo, lt2, &res);
    assert_int_equal(res.n_conflicts, 1);
    assert_non_null(strstr(res.text, "<<<<<<< ours\n    x: 10\n=======\n    x: 11\n>>>>>>> "
                                     "theirs\n"));
    merge_result_free(&res);
    assert_int_equal(merge_kind_for("a/b/layout.yaml", "", 0), MERGE_LAYOUT);
    assert_int_equal(merge_kind_for("pipeline.yaml", lo, strlen(lo)), MERGE_PIPELINE);
    assert_int_equal(merge_kind_for(NULL, lo, strlen(lo)), MERGE_LAYOUT);
    assert_int_equal(merge_kind_for(NULL, base, strlen(base)), MERGE_PIPELINE);
}

static void test_unparseable_falls_back_to_lines(void **state)
{
    (void)state;
    char *ours = edit(base, "sinks:\n", "sinks: [oops\n");
    char *theirs = edit(base, "topic: orders.v1", "topic: orders.v2");
    merge_result res;
    merge3(MERGE_PIPELINE, base, ours, theirs, &res);
    assert_true(res.line_merge);
    assert_int_equal(res.n_conflicts, 0); /* far apart lines: git's merge is clean */
    assert_non_null(strstr(res.text, "sinks: [oops"));
    assert_non_null(strstr(res.text, "topic: orders.v2"));
    merge_result_free(&res);
    free(ours);
    free(theirs);
}

/* weir as the merge driver of a real `git merge`. */
static void test_real_git_merge(void **state)
{
    (void)state;
    const char *weir = getenv("WEIR");
    if (!weir)
        fail_msg("WEIR (the weir binary) is not set");
    tu_setup();
    tu_git_init("repo", true);
    tu_pipeline("repo/p", 1);
    tu_write("repo/.gitattributes", "pipeline.yaml merge=weir\nlayout.yaml merge=weir\n");
    assert_int_equal(tu_sh("cd repo && git config merge.weir.name weir && git config "
                           "merge.weir.driver '%s merge-driver %%O %%A %%B %%P'",
                           weir),
                     0);
    assert_int_equal(tu_sh("cd repo && git add . && git commit -q -m base"), 0);
    /* Adjacent lines on each side: a line merge would conflict. */
    char *yaml = tu_read("repo/p/pipeline.yaml");
    char *a = edit(yaml, "path: /data/orders.jsonl", "path: /data/a.jsonl");
    char *b = edit(yaml, "format: jsonl\n    sample", "format: csv\n    sample");
    assert_int_equal(tu_sh("cd repo && git checkout -q -b side"), 0);
    tu_write("repo/p/pipeline.yaml", b);
    /* and neighbouring positions in layout.yaml */
    char *layout = tu_read("repo/p/layout.yaml");
    char *lb = edit(layout, "  big:\n    x: 20", "  big:\n    x: 21");
    char *la = edit(layout, "  orders:\n    x: 0\n    y: 0", "  orders:\n    x: 0\n    y: 7");
    tu_write("repo/p/layout.yaml", lb);
    assert_int_equal(tu_sh("cd repo && git commit -q -am 'side: csv'"), 0);
    assert_int_equal(tu_sh("cd repo && git checkout -q main"), 0);
    tu_write("repo/p/pipeline.yaml", a);
    tu_write("repo/p/layout.yaml", la);
    assert_int_equal(tu_sh("cd repo && git commit -q -am 'main: path'"), 0);
    /* Without the driver (git's own text merge, forced through
     * .git/info/attributes, which wins over .gitattributes) this conflicts. */
    tu_write("repo/.git/info/attributes", "pipeline.yaml merge=text\nlayout.yaml merge=text\n");
    assert_int_not_equal(tu_sh("cd repo && git merge -q --no-edit side >/dev/null 2>&1"), 0);
    assert_non_null(strstr(tu_out("cd repo && cat p/pipeline.yaml"), "<<<<<<<"));
    assert_int_equal(tu_sh("cd repo && git merge --abort"), 0);
    tu_sh("rm repo/.git/info/attributes");
    assert_int_equal(tu_sh("cd repo && git merge -q --no-edit side >/dev/null 2>&1"), 0);
    char *merged = tu_read("repo/p/pipeline.yaml");
    assert_non_null(strstr(merged, "path: /data/a.jsonl"));
    assert_non_null(strstr(merged, "format: csv"));
    assert_null(strstr(merged, "<<<<<<<"));
    char *mlayout = tu_read("repo/p/layout.yaml");
    assert_non_null(strstr(mlayout, "  big:\n    x: 21\n"));
    assert_non_null(strstr(mlayout, "  orders:\n    x: 0\n    y: 7\n"));
    free(mlayout);
    free(layout);
    free(la);
    free(lb);
    assert_int_equal(tu_sh("cd repo && git fsck --strict --no-progress --no-dangling"), 0);
    assert_string_equal(tu_out("cd repo && git log --format=%%p -1 | wc -w"), "2");
    assert_string_equal(tu_out("cd repo && git status --porcelain"), "");
    free(merged);

    /* Both change the same setting: git reports the conflict, and the
     * markers are around that one line. */
    char *yaml2 = tu_read("repo/p/pipeline.yaml");
    char *c = edit(yaml2, "path: /data/a.jsonl", "path: /data/mine.jsonl");
    char *d = edit(yaml2, "path: /data/a.jsonl", "path: /data/theirs.jsonl");
    assert_int_equal(tu_sh("cd repo && git checkout -q -b side2"), 0);
    tu_write("repo/p/pipeline.yaml", d);
    assert_int_equal(tu_sh("cd repo && git commit -q -am 'side2'"), 0);
    assert_int_equal(tu_sh("cd repo && git checkout -q main"), 0);
    tu_write("repo/p/pipeline.yaml", c);
    assert_int_equal(tu_sh("cd repo && git commit -q -am 'main2'"), 0);
    assert_int_not_equal(tu_sh("cd repo && git merge -q --no-edit side2 >/dev/null 2>&1"), 0);
    assert_string_equal(tu_out("cd repo && git diff --name-only --diff-filter=U"),
                        "p/pipeline.yaml");
    merged = tu_read("repo/p/pipeline.yaml");
    assert_int_equal(count(merged, "<<<<<<<"), 1);
    assert_non_null(strstr(merged, "<<<<<<< ours\n    path: /data/mine.jsonl\n=======\n"
                                   "    path: /data/theirs.jsonl\n>>>>>>> theirs\n"));
    free(merged);
    free(yaml);
    free(yaml2);
    free(a);
    free(b);
    free(c);
    free(d);
    tu_teardown();
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_merge_node_by_node),
        cmocka_unit_test(test_conflict_only_on_same_setting),
        cmocka_unit_test(test_delete_vs_modify),
        cmocka_unit_test(test_added_on_both_sides),
        cmocka_unit_test(test_layout_position_by_position),
        cmocka_unit_test(test_unparseable_falls_back_to_lines),
        cmocka_unit_test(test_real_git_merge),
    };
    int rc = cmocka_run_group_tests_name("vcs merge", tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
