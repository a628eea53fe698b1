/* Plugin types in preview (preview/plugrun.c through the engine): each
 * contribution kind on a small hand-built registry, their errors with the
 * plugin's path:line, the sandbox budgets inside plugin functions,
 * capabilities, and the cache following the plugin's text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fsutil.h"
#include "load.h"
#include "preview.h"
#include "testdir.h"
#include "testreg.h"

#include "../tmpdir.h"

static const char *yaml = "weir: 1\n"
                          "pipeline: {name: t, version: 1}\n"
                          "sources:\n"
                          "  orders: {type: file, sample: samples/orders.jsonl}\n"
                          "  gen: {type: gen, n: 4}\n"
                          "  gen_limited: {type: gen, n: 5, limit: 2, schema: {i: real}}\n"
                          "  io_src: {type: io_src}\n"
                          "  io_denied: {type: io_denied}\n"
                          "  badrecs: {type: badrecs}\n"
                          "transforms:\n"
                          "  big: {type: filter, inputs: [orders], where: amount > 15}\n"
                          "  badsql: {type: filter, inputs: [orders],\n"
                          "           where: nope_column > 1}\n"
                          "  exploded: {type: explode, inputs: [orders], times: 3}\n"
                          "  exploded_default: {type: explode, inputs: [orders]}\n"
                          "  q: {type: myquery, inputs: [orders], query: sql/q.sql}\n"
                          "  boom: {type: boom, inputs: [orders]}\n"
                          "  sqlboom: {type: sqlboom, inputs: [orders]}\n"
                          "  loop: {type: loop, inputs: [orders]}\n"
                          "  bomb: {type: bomb, inputs: [orders]}\n"
                          "  what: {type: nope, inputs: [orders]}\n"
                          "  geo: {type: geo, inputs: [orders]}\n"
                          "  notfn: {type: notfn, inputs: [orders]}\n"
                          "  nilsql: {type: nilsql, inputs: [orders]}\n"
                          "sinks:\n"
                          "  shown: {type: kv, inputs: [big], key: id}\n"
                          "  plain: {type: stdout, inputs: [orders, gen]}\n"
                          "  badshow: {type: badshow, inputs: [orders]}\n"
                          "  badrecs_out: {type: stdout, inputs: [badrecs]}\n";

#define FILTER_LUA(order)                                                                          \
    "weir.node_type {\n"                                                                           \
    "    kind = 'transform', name = 'filter', title = 'Filter', description = 'd',\n"              \
    "    settings = { { name = 'where', type = 'string', required = true } },\n"                   \
    "    sql = function(node)\n"                                                                   \
    "        return 'SELECT * FROM ' .. weir.sql_ident(node.inputs[1]) ..\n"                       \
    "               ' WHERE ' .. node.settings.where .. ' " order "'\n"                            \
    "    end,\n"                                                                                   \
    "}\n"
static const char *filter_lua = FILTER_LUA("ORDER BY id");

/* One file, several types, helpers local to the file. */
static const char *records_lua =
    "local function copy(r) local c = {} for k, v in pairs(r) do c[k] = v end return c end\n"
    "weir.node_type {\n"
    "    kind = 'transform', name = 'explode', title = 'E', description = 'd',\n"
    "    settings = { { name = 'times', type = 'integer', default = 2 } },\n"
    "    record = function(r, node)\n"
    "        if r.amount < 15 then return nil end\n"                        /* drop */
    "        if r.amount < 25 then r.doubled = r.amount * 2 return r end\n" /* emit */
    "        local out = {}\n"                                              /* fan out */
    "        for i = 1, node.settings.times do\n"
    "            local c = copy(r) c.copy = i c.t = math.type(node.settings.times)\n"
    "            out[i] = c\n"
    "        end\n"
    "        return out\n"
    "    end,\n"
    "}\n"
    "weir.node_type {\n"
    "    kind = 'source', name = 'gen', title = 'G', description = 'd', sample = false,\n"
    "    settings = { { name = 'n', type = 'integer', default = 3 } },\n"
    "    records = function(node)\n"
    "        local t = {}\n"
    "        for i = 1, node.settings.n do\n"
    "            t[i] = { i = i, label = 'row' .. i, at = '2024-01-0' .. i .. 'T00:00:00Z' }\n"
    "        end\n"
    "        return t\n"
    "    end,\n"
    "}\n"
    "weir.node_type {\n"
    "    kind = 'sink', name = 'kv', title = 'K', description = 'd',\n"
    "    settings = { { name = 'key', type = 'string' } },\n"
    "    show = function(r, node)\n"
    "        return { key = tostring(r[node.settings.key]), value = 'amount=' .. r.amount }\n"
    "    end,\n"
    "}\n";

static const char *bad_lua =
    "weir.node_type {\n"
    "    kind = 'transform', name = 'boom', title = 'B', description = 'd',\n"
    "    record = function(r)\n"
    "        error('boom ' .. r.id)\n"
    "    end,\n"
    "}\n"
    "weir.node_type {\n"
    "    kind = 'transform', name = 'sqlboom', title = 'B', description = 'd',\n"
    "    sql = function(node)\n"
    "        return node.nothing.here\n"
    "    end,\n"
    "}\n"
    "weir.node_type {\n"
    "    kind = 'transform', name = 'loop', title = 'L', description = 'd',\n"
    "    record = function(r)\n"
    "        while true do end\n"
    "    end,\n"
    "}\n"
    "weir.node_type {\n"
    "    kind = 'transform', name = 'bomb', title = 'M', description = 'd',\n"
    "    record = function(r)\n"
    "        local s = 'x'\n"
    "        for i = 1, 40 do s = s .. s end\n"
    "        return r\n"
    "    end,\n"
    "}\n";

static const char *io_lua =
    "local io = weir.capability('io')\n"
    "weir.node_type {\n"
    "    kind = 'source', name = 'io_src', title = 'I', description = 'd',\n"
    "    records = function(node) return { { open = type(io.open) } } end,\n"
    "}\n";

static const char *io_denied_lua =
    "weir.node_type {\n"
    "    kind = 'source', name = 'io_denied', title = 'I', description = 'd',\n"
    "    records = function(node)\n"
    "        local io = weir.capability('io')\n"
    "        return { { open = type(io.open) } }\n"
    "    end,\n"
    "}\n";

/* Declarations whose functions are missing or return the wrong thing. */
static const char *wrong_lua =
    "weir.node_type { kind = 'transform', name = 'notfn', record = 'x' }\n"
    "weir.node_type { kind = 'transform', name = 'nilsql', sql = function() end }\n"
    "weir.node_type { kind = 'source', name = 'badrecs', records = function() return 'x' end }\n"
    "weir.node_type { kind = 'sink', name = 'badshow', show = function() return 5 end }\n";

static const setting_spec where_spec[] = {{.name = "where", .type = SETTING_STRING}};
static const setting_spec times_spec[] = {
    {.name = "times", .type = SETTING_INTEGER, .default_value = "2"}};
static const setting_spec n_spec[] = {{.name = "n", .type = SETTING_INTEGER, .default_value = "3"},
                                      {.name = "limit", .type = SETTING_INTEGER},
                                      {.name = "schema", .type = SETTING_SCHEMA}};
static const setting_spec key_spec[] = {{.name = "key", .type = SETTING_STRING}};
static const setting_spec query_spec[] = {{.name = "query", .type = SETTING_FILE}};

/* The registry the host would build from these files. */
static void use_plugins(const char *filter_text)
{
    testreg_use_standard();
    const plugin_file *f = testreg_file("plugins/filter.lua", filter_text, 0);
    testreg_type(NODE_TRANSFORM, "filter", NT_SQL, f, 1, where_spec, 1);
    f = testreg_file("plugins/records.lua", records_lua, 0);
    testreg_type(NODE_TRANSFORM, "explode", NT_RECORD, f, 2, times_spec, 1);
    testreg_type(NODE_SOURCE, "gen", NT_RECORDS, f, 17, n_spec, 3);
    testreg_type(NODE_SINK, "kv", NT_SHOW, f, 28, key_spec, 1);
    f = testreg_file("plugins/bad.lua", bad_lua, 0);
    testreg_type(NODE_TRANSFORM, "boom", NT_RECORD, f, 1, NULL, 0);
    testreg_type(NODE_TRANSFORM, "sqlboom", NT_SQL, f, 7, NULL, 0);
    testreg_type(NODE_TRANSFORM, "loop", NT_RECORD, f, 13, NULL, 0);
    testreg_type(NODE_TRANSFORM, "bomb", NT_RECORD, f, 19, NULL, 0);
    f = testreg_file("plugins/io.lua", io_lua, PLUGIN_CAP_IO);
    testreg_type(NODE_SOURCE, "io_src", NT_RECORDS, f, 2, NULL, 0);
    f = testreg_file("plugins/io_denied.lua", io_denied_lua, PLUGIN_CAP_OS);
    testreg_type(NODE_SOURCE, "io_denied", NT_RECORDS, f, 1, NULL, 0);
    /* A code type under another name: preview goes by code_lang. */
    f = testreg_file("plugins/myquery.lua", "-- code type\n", 0);
    node_type *q = testreg_type(NODE_TRANSFORM, "myquery", NT_CODE, f, 1, query_spec, 1);
    q->code_setting = "query";
    q->code_dir = "sql";
    q->code_ext = ".sql";
    q->code_lang = "sql";
    f = testreg_file("plugins/wrong.lua", wrong_lua, 0);
    testreg_type(NODE_TRANSFORM, "notfn", NT_RECORD, f, 1, NULL, 0);
    testreg_type(NODE_TRANSFORM, "nilsql", NT_SQL, f, 2, NULL, 0);
    testreg_type(NODE_SOURCE, "badrecs", NT_RECORDS, f, 3, NULL, 0);
    testreg_type(NODE_SINK, "badshow", NT_SHOW, f, 4, NULL, 0);
    testreg_broken("geo", "plugins/geo.lua", "plugins/geo.lua:3: unexpected symbol near '='");
    testreg_use();
}

static int setup(void **state)
{
    (void)state;
    if (!testdir_make("weir-plugrun"))
        return -1;
    testdir_put("pipeline.yaml", yaml);
    testdir_put("samples/orders.jsonl", "{\"id\": 1, \"cust\": 1, \"amount\": 10}\n"
                                        "{\"id\": 2, \"cust\": 2, \"amount\": 20}\n"
                                        "{\"id\": 3, \"cust\": 1, \"amount\": 30}\n");
    testdir_put("sql/q.sql", "SELECT id, amount * 10 AS a10 FROM orders ORDER BY id\n");
    use_plugins(filter_lua);
    return 0;
}

static preview_options opts = {.lua_instructions = 200000, .lua_memory = 8u << 20};

static preview_engine *engine(pipeline *p)
{
    return testdir_engine(p, &opts);
}

static long col(const pv_table *t, const char *name)
{
    long c = pv_table_find_column(t, name);
    if (c < 0)
        fail_msg("no column %s", name);
    return c;
}

static long long int_at(const pv_table *t, size_t row, const char *name)
{
    const pv_cell *c = pv_table_cget(t, row, (size_t)col(t, name));
    assert_int_equal(c->kind, PV_INT);
    return c->v.i;
}

static const char *text_at(const pv_table *t, size_t row, const char *name)
{
    const pv_cell *c = pv_table_cget(t, row, (size_t)col(t, name));
    assert_int_equal(c->kind, PV_TEXT);
    return c->v.s;
}

/* Run id expecting failure; the first diagnostic. */
static void expect_error(preview_engine *e, const char *id, const char *path, int line,
                         const char *needle)
{
    preview_result r;
    if (preview_run(e, id, &r))
        fail_msg("%s ran", id);
    assert_true(r.diags.n > 0);
    const diag *d = &r.diags.items[0];
    if (!d->path || strcmp(d->path, path) != 0 || (line >= 0 && d->line != line) ||
        !strstr(d->message, needle))
        fail_msg("%s: got %s:%d: %s", id, d->path ? d->path : "(null)", d->line, d->message);
    preview_result_free(&r);
}

static void test_sql_template(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_result r;
    assert_true(preview_run(e, "big", &r));
    assert_int_equal(r.table->n_rows, 2);
    assert_int_equal(int_at(r.table, 0, "id"), 2);
    assert_int_equal(int_at(r.table, 1, "amount"), 30);
    preview_result_free(&r);
    /* What the SELECT read, as for a SQL file. */
    sql_reads reads = {0};
    assert_true(preview_sql_reads(e, "big", &reads));
    assert_int_equal(reads.n_tables, 1);
    assert_string_equal(reads.tables[0], "orders");
    sql_reads_free(&reads);
    /* The SQL error lands on the node in pipeline.yaml. */
    int line = pipeline_find(&p, "badsql")->pos.line;
    assert_true(line > 0);
    expect_error(e, "badsql", "pipeline.yaml", line, "generated SQL: ");
    expect_error(e, "badsql", "pipeline.yaml", line, "nope_column");
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_code_type_by_language(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_result r;
    assert_true(preview_run(e, "q", &r));
    assert_int_equal(r.table->n_rows, 3);
    assert_int_equal(int_at(r.table, 2, "a10"), 300);
    preview_result_free(&r);
    pv_schema s;
    diag_list d;
    diag_list_init(&d);
    sql_reads reads = {0};
    /* The editor's check uses the type's code setting for the path. */
    assert_false(preview_sql_check(e, "q", "SELECT nope FROM orders", &s, &reads, &d));
    assert_true(d.n > 0);
    assert_string_equal(d.items[0].path, "sql/q.sql");
    diag_list_free(&d);
    sql_reads_free(&reads);
    pv_schema_free(&s);
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_record_emit_drop_fan_out(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_result r;
    assert_true(preview_run(e, "exploded", &r));
    const pv_table *t = r.table;
    /* 10: dropped; 20: emitted with a new field; 30: three copies. */
    assert_int_equal(t->n_rows, 4);
    assert_int_equal(int_at(t, 0, "id"), 2);
    assert_int_equal(int_at(t, 0, "doubled"), 40);
    assert_int_equal(pv_table_cget(t, 0, (size_t)col(t, "copy"))->kind, PV_NULL);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(int_at(t, (size_t)i, "id"), 3);
        assert_int_equal(int_at(t, (size_t)i, "copy"), i);
        assert_string_equal(text_at(t, (size_t)i, "t"), "integer");
    }
    /* Input columns first, new ones after, sorted. */
    assert_string_equal(t->cols[0].name, "id");
    assert_string_equal(t->cols[3].name, "copy");
    preview_result_free(&r);
    /* The setting's default reaches the function as an integer. */
    assert_true(preview_run(e, "exploded_default", &r));
    assert_int_equal(r.table->n_rows, 3);
    preview_result_free(&r);
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_records_source(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_result r;
    assert_true(preview_run(e, "gen", &r));
    const pv_table *t = r.table;
    assert_int_equal(t->n_rows, 4);
    assert_int_equal(t->cols[col(t, "i")].type, PV_TYPE_INTEGER);
    assert_int_equal(t->cols[col(t, "label")].type, PV_TYPE_TEXT);
    assert_int_equal(t->cols[col(t, "at")].type, PV_TYPE_TIMESTAMP);
    assert_string_equal(text_at(t, 3, "label"), "row4");
    /* Sorted by name when no schema says otherwise. */
    assert_string_equal(t->cols[0].name, "at");
    preview_result_free(&r);
    /* limit and schema apply as to a sample. */
    assert_true(preview_run(e, "gen_limited", &r));
    t = r.table;
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(t->cols[0].name, "i");
    assert_int_equal(t->cols[0].type, PV_TYPE_REAL);
    preview_result_free(&r);
    /* A sink without show(): the union of its inputs. */
    assert_true(preview_run(e, "plain", &r));
    assert_int_equal(r.table->n_rows, 3 + 4);
    preview_result_free(&r);
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_show_sink(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_result r;
    assert_true(preview_run(e, "shown", &r));
    const pv_table *t = r.table;
    assert_int_equal(t->n_rows, 2);
    assert_int_equal(t->n_cols, 2); /* the input's columns went: no record had them */
    assert_string_equal(text_at(t, 0, "key"), "2");
    assert_string_equal(text_at(t, 1, "value"), "amount=30");
    preview_result_free(&r);
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_errors_name_plugin_line(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    expect_error(e, "boom", "plugins/bad.lua", 4, "record 1: boom 1");
    expect_error(e, "sqlboom", "plugins/bad.lua", 10, "sql(node): attempt to index");
    expect_error(e, "what", "pipeline.yaml", -1, "unknown transform type 'nope'");
    expect_error(e, "geo", "pipeline.yaml", -1,
                 "its plugin failed: plugins/geo.lua:3: unexpected symbol");
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_bad_results(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    expect_error(e, "notfn", "plugins/wrong.lua", 1,
                 "the transform type 'notfn' declares no function record (found string)");
    expect_error(e, "nilsql", "plugins/wrong.lua", 2,
                 "sql(node) returned nil; return a SELECT (a string)");
    expect_error(e, "badrecs", "plugins/wrong.lua", -1,
                 "records returned a string; return an array of records");
    /* A downstream node shows the failure where it happened. */
    expect_error(e, "badrecs_out", "plugins/wrong.lua", -1, "records returned a string");
    expect_error(e, "badshow", "plugins/wrong.lua", -1,
                 "record 1: show returned a number; return a record (a table)");
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_budgets_in_plugins(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    expect_error(e, "loop", "plugins/bad.lua", 16, "instruction budget of 200000 exceeded");
    expect_error(e, "bomb", "plugins/bad.lua", -1, "memory limit of 8 MiB exceeded");
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_capabilities(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_result r;
    assert_true(preview_run(e, "io_src", &r));
    assert_string_equal(text_at(r.table, 0, "open"), "function");
    preview_result_free(&r);
    expect_error(e, "io_denied", "plugins/io_denied.lua", 4,
                 "\"io\" is not allowed for io_denied.lua");
    preview_engine_free(e);
    pipeline_free(&p);
}

static unsigned long executed(preview_engine *e, const char *id)
{
    preview_result r;
    assert_true(preview_run(e, id, &r));
    unsigned long n = r.executed;
    preview_result_free(&r);
    return n;
}

static void test_cache_follows_plugin_text(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    assert_int_equal(executed(e, "shown"), 3); /* orders, big, shown */
    assert_int_equal(executed(e, "shown"), 0);
    /* Another filter text: big and what follows it run again. */
    use_plugins(FILTER_LUA("ORDER BY id LIMIT 1"));
    assert_int_equal(executed(e, "shown"), 2);
    preview_result r;
    assert_true(preview_run(e, "big", &r));
    assert_int_equal(r.table->n_rows, 1);
    preview_result_free(&r);
    /* Back to the first text: runs again (a new text, not a stale hit). */
    use_plugins(filter_lua);
    assert_int_equal(executed(e, "shown"), 2);
    /* A record plugin's text too. */
    assert_int_equal(executed(e, "exploded"), 1);
    assert_int_equal(executed(e, "exploded"), 0);
    preview_engine_free(e);
    pipeline_free(&p);
}

static void test_worker_thread(void **state)
{
    (void)state;
    pipeline p;
    preview_engine *e = engine(&p);
    preview_job *j = preview_start(e, "shown");
    assert_non_null(j);
    preview_result r;
    preview_job_finish(j, &r);
    assert_true(r.ok);
    assert_int_equal(r.table->n_rows, 2);
    preview_result_free(&r);
    j = preview_start(e, "gen");
    preview_job_finish(j, &r);
    assert_true(r.ok);
    assert_int_equal(r.table->n_rows, 4);
    preview_result_free(&r);
    preview_engine_free(e);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_template),
        cmocka_unit_test(test_code_type_by_language),
        cmocka_unit_test(test_record_emit_drop_fan_out),
        cmocka_unit_test(test_records_source),
        cmocka_unit_test(test_show_sink),
        cmocka_unit_test(test_errors_name_plugin_line),
        cmocka_unit_test(test_bad_results),
        cmocka_unit_test(test_budgets_in_plugins),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_cache_follows_plugin_text),
        cmocka_unit_test(test_worker_thread),
    };
    return cmocka_run_group_tests(tests, setup, testdir_teardown);
}
