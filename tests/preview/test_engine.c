/* The engine: upstream evaluation, the cache (only affected nodes rerun),
 * schemas, background jobs with progress and cancellation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fsutil.h"
#include "load.h"
#include "preview.h"
#include "testdir.h"
#include "testreg.h"

#include "../tmpdir.h"

static const char *yaml =
    "weir: 1\n"
    "pipeline: {name: t, version: 1}\n"
    "sources:\n"
    "  orders: {type: file, path: x, format: jsonl, sample: samples/orders.jsonl}\n"
    "  customers: {type: file, path: y, format: csv, sample: samples/customers.csv}\n"
    "transforms:\n"
    "  joined: {type: sql, inputs: [orders, customers], sql: sql/joined.sql}\n"
    "  mask: {type: lua, inputs: [joined], lua: lua/mask.lua}\n"
    "  names: {type: lua, inputs: [customers], lua: lua/names.lua}\n"
    "  slow: {type: lua, inputs: [customers], lua: lua/slow.lua}\n"
    "  broken: {type: lua, inputs: [orders], lua: lua/broken.lua}\n"
    "  ncust: {type: sql, inputs: [customers], sql: sql/ncust.sql}\n"
    "  sneaky: {type: sql, inputs: [orders], sql: sql/sneaky.sql}\n"
    "sinks:\n"
    "  out: {type: stdout, inputs: [mask]}\n"
    "  bad_out: {type: stdout, inputs: [broken]}\n";

static int setup(void **state)
{
    (void)state;
    if (!testdir_make("weir-preview"))
        return -1;
    testreg_use_standard(); /* sql and lua code transforms, file, stdout */
    testdir_put("pipeline.yaml", yaml);
    testdir_put("samples/orders.jsonl", "{\"id\": 1, \"cust\": 1, \"amount\": 10}\n"
                                        "{\"id\": 2, \"cust\": 2, \"amount\": 20}\n");
    testdir_put("samples/customers.csv", "id,name,note\n1,Ada,\"\"\n2,Grace,\n");
    testdir_put("sql/joined.sql", "SELECT o.id, c.name, c.note, o.amount FROM orders o\n"
                                  "JOIN customers c ON c.id = o.cust ORDER BY o.id\n");
    testdir_put("lua/mask.lua",
                "function transform(r) r.name = r.name:sub(1, 1) .. '***' return r end\n");
    testdir_put("lua/names.lua", "function transform(r) return {name = r.name} end\n");
    testdir_put("lua/slow.lua", "function transform(r)\n"
                                "  local x = 0\n"
                                "  for i = 1, 2000000 do x = x + i end\n"
                                "  r.x = x\n"
                                "  return r\n"
                                "end\n");
    testdir_put("sql/ncust.sql", "SELECT count(*) AS n FROM customers\n");
    testdir_put("sql/sneaky.sql", "SELECT * FROM customers\n");
    testdir_put("lua/broken.lua", "function transform(r)\n  return r.nope.field\nend\n");
    return 0;
}

static unsigned long run_count(preview_engine *e, const char *node, bool expect_ok)
{
    unsigned long before = preview_executions(e);
    preview_result r;
    bool ok = preview_run(e, node, &r);
    if (ok != expect_ok)
        fail_msg("%s: ok=%d, %s", node, ok, r.diags.n ? r.diags.items[0].message : "");
    assert_int_equal(r.executed, preview_executions(e) - before);
    preview_result_free(&r);
    return preview_executions(e) - before;
}

static void test_runs_upstream_and_caches(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = testdir_engine(&p, NULL);
    preview_result r;
    assert_true(preview_run(e, "out", &r));
    assert_int_equal(r.executed, 5); /* orders, customers, joined, mask, out */
    pv_table *t = pv_table_ref(r.table);
    preview_result_free(&r);
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(pv_table_cget(t, 0, 1)->v.s, "A***");
    /* NULL and the empty string stay distinct through SQL and Lua */
    assert_int_equal(pv_table_cget(t, 0, 2)->kind, PV_TEXT);
    assert_int_equal(pv_table_cget(t, 0, 2)->len, 0);
    assert_int_equal(pv_table_cget(t, 1, 2)->kind, PV_NULL);

    assert_int_equal(run_count(e, "out", true), 0);   /* all cached */
    assert_int_equal(run_count(e, "names", true), 1); /* customers is cached */

    /* Edit the Lua file: only mask and its downstream rerun. */
    testdir_put("lua/mask.lua", "function transform(r) r.name = '?' return r end\n");
    assert_int_equal(run_count(e, "out", true), 2);
    /* Edit the SQL: joined, mask, out. */
    testdir_put("sql/joined.sql", "SELECT o.id, c.name, o.amount * 2 AS amount FROM orders o\n"
                                  "JOIN customers c ON c.id = o.cust\n");
    assert_int_equal(run_count(e, "out", true), 3);
    assert_int_equal(run_count(e, "names", true), 0);
    /* The engine's database keeps loaded inputs, but never stale ones and
     * never for a node that does not list them. */
    assert_true(preview_run(e, "ncust", &r));
    assert_int_equal(pv_table_cget(r.table, 0, 0)->v.i, 2);
    preview_result_free(&r);
    assert_false(preview_run(e, "sneaky", &r));
    assert_non_null(strstr(r.diags.items[0].message, "'customers' is not an input"));
    preview_result_free(&r);
    /* Edit a sample: the source and everything below it on the way. */
    testdir_put("samples/customers.csv", "id,name,note\n1,Ada,x\n2,Grace,y\n3,Edsger,z\n");
    assert_true(preview_run(e, "ncust", &r));
    assert_int_equal(r.executed, 2);
    assert_int_equal(pv_table_cget(r.table, 0, 0)->v.i, 3);
    preview_result_free(&r);
    assert_int_equal(run_count(e, "names", true), 1);
    assert_int_equal(run_count(e, "out", true), 3); /* joined, mask, out; orders cached */

    /* A settings change in the TUI's copy, handed over: only what it affects. */
    node *n = pipeline_find(&p, "orders");
    node_set_setting(n, "limit", "1");
    preview_engine_set_pipeline(e, &p);
    assert_int_equal(run_count(e, "names", true), 0);
    assert_int_equal(run_count(e, "out", true), 4);

    /* The table handed out earlier is still valid and unchanged. */
    assert_string_equal(pv_table_cget(t, 0, 1)->v.s, "A***");
    pv_table_unref(t);

    /* Schemas for the properties panel and completion. */
    pv_schema s;
    assert_true(preview_schema(e, "joined", &s));
    assert_int_equal(s.n, 3);
    assert_string_equal(s.cols[2].name, "amount");
    assert_int_equal(s.cols[2].type, PV_TYPE_INTEGER);
    pv_schema_free(&s);
    assert_false(preview_schema(e, "slow", &s)); /* never ran */
    /* A node that is removed from the pipeline is forgotten. */
    pipeline q;
    pipeline_copy(&q, &p);
    pipeline_remove_node(&q, "names");
    assert_true(preview_schema(e, "names", &s));
    pv_schema_free(&s);
    preview_engine_set_pipeline(e, &q);
    assert_false(preview_schema(e, "names", &s));
    preview_engine_set_pipeline(e, &p);
    pipeline_free(&q);
    sql_reads reads;
    assert_true(preview_sql_reads(e, "joined", &reads));
    assert_int_equal(reads.n_tables, 2);
    sql_reads_free(&reads);

    /* Checking an unsaved SQL buffer against the cached input schemas. */
    diag_list d;
    diag_list_init(&d);
    assert_false(
        preview_sql_check(e, "joined", "SELECT o.id,\n  o.nope FROM orders o", &s, NULL, &d));
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].path, "sql/joined.sql");
    diag_list_free(&d);

    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_errors_point_at_the_failing_node(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = testdir_engine(&p, NULL);
    preview_result r;
    assert_false(preview_run(e, "bad_out", &r));
    assert_null(r.table);
    assert_string_equal(r.diags.items[0].node_id, "broken");
    assert_string_equal(r.diags.items[0].path, "lua/broken.lua");
    assert_int_equal(r.diags.items[0].line, 2);
    assert_non_null(strstr(r.diags.items[0].message, "record 1"));
    preview_result_free(&r);
    /* Failures are cached too: nothing reruns until something changes. */
    assert_int_equal(run_count(e, "bad_out", false), 0);
    preview_result_free(&r);
    assert_false(preview_run(e, "nosuch", &r));
    preview_result_free(&r);
    preview_engine_free(e);
    pipeline_free(&p);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_background_job_progress_and_cancel(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = testdir_engine(&p, NULL);
    /* Finishes: poll like the TUI's main loop does. */
    preview_job *j = preview_start(e, "out");
    assert_non_null(j);
    assert_null(preview_start(e, "out")); /* one run at a time */
    preview_result r;
    assert_false(preview_run(e, "out", &r));
    preview_result_free(&r);
    while (!preview_job_done(j))
        usleep(1000);
    preview_job_finish(j, &r);
    assert_true(r.ok);
    assert_int_equal(r.table->n_rows, 2);
    preview_result_free(&r);

    /* A slow node (every record loops) is cancelled mid-run. */
    testdir_put("samples/customers.csv", "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n8,h\n9,i\n"
                                         "10,j\n11,k\n12,l\n13,m\n14,n\n15,o\n16,p\n");
    j = preview_start(e, "slow");
    double t0 = now_s();
    preview_progress pr;
    do {
        usleep(2000);
        preview_job_progress(j, &pr);
    } while (strcmp(pr.node, "slow") != 0 && now_s() - t0 < 5);
    assert_string_equal(pr.node, "slow");
    assert_int_equal(pr.nodes_total, 2);
    assert_false(preview_job_done(j));
    preview_job_cancel(j);
    double t1 = now_s();
    preview_job_finish(j, &r);
    assert_true(now_s() - t1 < 1.0);
    assert_false(r.ok);
    assert_non_null(strstr(r.diags.items[0].message, "cancelled"));
    preview_result_free(&r);
    /* The cancelled outcome was not cached: the node runs again. */
    unsigned long before = preview_executions(e);
    j = preview_start(e, "slow");
    preview_job_cancel(j);
    preview_job_finish(j, &r);
    preview_result_free(&r);
    assert_true(preview_executions(e) - before <= 1);
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_code_file_size_limit(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = testdir_engine(&p, NULL);
    char *big = malloc(PREVIEW_MAX_CODE_FILE + 2);
    memset(big, ' ', PREVIEW_MAX_CODE_FILE + 1);
    memcpy(big, "SELECT 1", 8);
    big[PREVIEW_MAX_CODE_FILE + 1] = '\0';
    testdir_put("sql/ncust.sql", big);
    free(big);
    preview_result r;
    assert_false(preview_run(e, "ncust", &r));
    assert_string_equal(r.diags.items[0].path, "sql/ncust.sql");
    assert_non_null(strstr(r.diags.items[0].message, "large"));
    preview_result_free(&r);
    testdir_put("sql/ncust.sql", "SELECT count(*) AS n FROM customers\n");
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_sample_outside_folder_refused(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = testdir_engine(&p, NULL);
    node *n = pipeline_find(&p, "orders");
    node_set_setting(n, "sample", "../../etc/passwd");
    preview_engine_set_pipeline(e, &p);
    preview_result r;
    assert_false(preview_run(e, "orders", &r));
    assert_non_null(strstr(r.diags.items[0].message, "sample"));
    preview_result_free(&r);
    preview_engine_free(e);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_upstream_and_caches),
        cmocka_unit_test(test_errors_point_at_the_failing_node),
        cmocka_unit_test(test_background_job_progress_and_cancel),
        cmocka_unit_test(test_code_file_size_limit),
        cmocka_unit_test(test_sample_outside_folder_refused),
    };
    return cmocka_run_group_tests(tests, setup, testdir_teardown);
}
