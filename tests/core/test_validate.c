/* Tests for what the validator checks: node types, settings, secrets,
 * inputs, cycles and ids, and the one-run report of every problem at once.
 * Files on disk are test_files.c's subject; here check_files is off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "load.h"
#include "util.h"
#include "model.h"
#include "validate.h"

static void want(const char *yaml, const char *expected)
{
    char *got = check_yaml(yaml);
    assert_string_equal(got, expected);
    free(got);
}

#define HEAD "weir: 1\npipeline: {name: x}\n"
#define SRC "sources:\n  s: {type: file, path: p, format: csv, sample: s.csv}\n" /* line 4 */

static void test_valid_pipeline(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  customers: {type: postgres, table: crm.customers, connection: "
              "\"${secret:CRM_DSN}\", sample: samples/customers.csv}\n"
              "  orders: {type: kafka, brokers: \"b:9092\", topic: orders.v1, format: json, "
              "sample: samples/orders.jsonl, sasl_password: \"${env:KAFKA_PW}\"}\n"
              "transforms:\n"
              "  enrich: {type: sql, inputs: [orders, customers], sql: sql/enrich.sql}\n"
              "  mask_pii: {type: lua, inputs: [enrich], lua: lua/mask_pii.lua}\n"
              "sinks:\n"
              "  warehouse: {type: postgres, inputs: [mask_pii], table: analytics.orders, "
              "connection: \"${secret:WH}\", key: [id], mode: upsert}\n"
              "  debug: {type: stdout, inputs: [enrich, orders]}\n",
         "");
}

static void test_unknown_types(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  a: {type: stdout}\n"
              "  b: {type: kafkaa, topic: t}\n"
              "  c: {type: s3}\n"
              "transforms:\n"
              "  t: {type: python, inputs: [a]}\n"
              "  u: {type: kafka, inputs: [a]}\n"
              "sinks:\n"
              "  k: {type: sql, inputs: [t]}\n",
         "pipeline.yaml:4:13: error: 'stdout' is a sink type, not a source type (source types: "
         "file, http, kafka, postgres)\n"
         "pipeline.yaml:5:13: error: unknown source type 'kafkaa' (did you mean 'kafka'?)\n"
         "pipeline.yaml:6:13: error: unknown source type 's3' (known: file, http, kafka, "
         "postgres)\n"
         "pipeline.yaml:8:13: error: unknown transform type 'python' (known: dedupe, filter, "
         "hopping_window, lua, mask, select, sql, tumbling_window)\n"
         "pipeline.yaml:9:13: error: 'kafka' is a source or sink type, not a transform type "
         "(transform types: dedupe, filter, hopping_window, lua, mask, select, sql, "
         "tumbling_window)\n"
         "pipeline.yaml:11:13: error: 'sql' is a transform type, not a sink type (sink types: "
         "file, kafka, postgres, stdout)");
}

static void test_unknown_settings(void **state)
{
    (void)state;
    want(HEAD SRC "transforms:\n"
                  "  t: {type: sql, sql: t.sql, inputs: [s], sqll: x, input: [s], colour: red, "
                  "descripton: d}\n",
         "pipeline.yaml:6:43: error: unknown setting 'sqll' for a sql transform (did you mean "
         "'sql'?)\n"
         "pipeline.yaml:6:52: error: unknown setting 'input' for a sql transform (did you mean "
         "'inputs'?)\n"
         "pipeline.yaml:6:64: error: unknown setting 'colour' for a sql transform\n"
         "pipeline.yaml:6:77: error: unknown setting 'descripton' for a sql transform (did you "
         "mean 'description'?)");
}

static void test_missing_required_settings(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  k: {type: kafka, sample: k.jsonl}\n"
              "  p: {type: postgres, sample: p.csv}\n"
              "transforms:\n"
              "  t: {type: sql, inputs: [k]}\n"
              "sinks:\n"
              "  f: {type: file, inputs: [t], path: out.jsonl}\n",
         "pipeline.yaml:4:3: error: source 'k' (kafka) needs 'brokers': bootstrap servers, "
         "host:port,...\n"
         "pipeline.yaml:4:3: error: source 'k' (kafka) needs 'topic': topic to consume\n"
         "pipeline.yaml:5:3: error: source 'p' (postgres) needs 'connection': connection string, "
         "as ${secret:NAME}\n"
         "pipeline.yaml:5:3: error: source 'p' (postgres) needs 'table': schema.table to read "
         "(change data capture)\n"
         "pipeline.yaml:7:3: error: transform 't' (sql) needs 'sql': the SELECT, in sql/ID.sql\n"
         "pipeline.yaml:9:3: error: sink 'f' (file) needs 'format': record format");
}

static void test_literal_secrets(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  k: {type: kafka, brokers: b, topic: t, sample: k.jsonl, sasl_password: hunter2}\n"
              "  p: {type: postgres, table: t, sample: p.csv, connection: "
              "\"postgres://u:pw@db/x\"}\n"
              "  h: {type: http, url: \"https://u:pw@api.example.com/x\", sample: h.jsonl}\n"
              "  g: {type: http, url: \"https://api.example.com/x?a=b@c:d\", sample: h.jsonl}\n"
              "  e: {type: http, url: u, sample: h.jsonl, token: \"${env:}\"}\n"
              "  f: {type: http, url: u, sample: h.jsonl, token: \"${vault:T}\"}\n"
              "  v: {type: http, url: u, sample: h.jsonl, token: \"${secret:T} \"}\n",
         "pipeline.yaml:4:74: error: 'sasl_password' is a secret: write a reference such as "
         "${secret:NAME} or ${env:NAME}, never the value itself\n"
         "pipeline.yaml:5:60: error: 'connection' is a secret: write a reference such as "
         "${secret:NAME} or ${env:NAME}, never the value itself\n"
         "pipeline.yaml:6:24: error: 'url' holds a password; move it to a secret and write "
         "${secret:NAME}\n"
         "pipeline.yaml:8:51: error: 'token' is a secret: write a reference such as "
         "${secret:NAME} or ${env:NAME}, never the value itself\n"
         "pipeline.yaml:9:51: error: 'token' is a secret: write a reference such as "
         "${secret:NAME} or ${env:NAME}, never the value itself\n"
         "pipeline.yaml:10:51: error: 'token' is a secret: write a reference such as "
         "${secret:NAME} or ${env:NAME}, never the value itself");
}

static void test_secret_ref_valid(void **state)
{
    (void)state;
    assert_true(secret_ref_valid("${env:NAME}"));
    assert_true(secret_ref_valid("${secret:crm_dsn2}"));
    assert_false(secret_ref_valid("${env:}"));
    assert_false(secret_ref_valid("${env:2X}"));
    assert_false(secret_ref_valid("${env:A-B}"));
    assert_false(secret_ref_valid("${env:A}x"));
    assert_false(secret_ref_valid("${env:A"));
    assert_false(secret_ref_valid("$env:A"));
    assert_false(secret_ref_valid("hunter2"));
    assert_false(secret_ref_valid(""));
}

static void test_inputs(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  s: {type: file, path: p, format: csv, sample: s.csv, inputs: [t]}\n"
              "transforms:\n"
              "  t: {type: sql, sql: t.sql, inputs: [nope, s, ss, s, out]}\n"
              "sinks:\n"
              "  out: {type: stdout, inputs: [t]}\n"
              "  out2: {type: stdout, inputs: [out]}\n",
         "pipeline.yaml:4:64: error: source 's' cannot have inputs\n"
         "pipeline.yaml:6:39: error: input 'nope' names no node\n"
         "pipeline.yaml:6:48: error: input 'ss' names no node (did you mean 's'?)\n"
         "pipeline.yaml:6:52: error: input 's' is listed twice\n"
         "pipeline.yaml:6:55: error: 'out' is a sink: sinks feed nothing\n"
         "pipeline.yaml:9:33: error: 'out' is a sink: sinks feed nothing");
}

static size_t count_messages(const diag_list *diags, const char *part)
{
    size_t n = 0;
    for (size_t i = 0; i < diags->n; i++)
        n += strstr(diags->items[i].message, part) != NULL;
    return n;
}

static void test_inputs_at_scale(void **state)
{
    (void)state;
    /* 1,999 sources and a sink with 10,000 inputs: one repeated 5,000
     * times (each repeat reported once, found by hash, not pairwise) and
     * 5,000 unknown ids.  Suggestions stop after a budget of 1,000,000
     * comparisons: 500 searches over 2,000 nodes.  (Kept small because
     * node_add_input grows its arrays one by one, slow under ASan.) */
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, HEAD "sources:\n");
    for (int i = 0; i < 1999; i++)
        strbuf_printf(&sb, "  s%d: {type: file, path: p, format: csv, sample: s.csv}\n", i);
    strbuf_puts(&sb, "sinks:\n  o: {type: stdout, inputs: [s0");
    for (int i = 1; i < 5000; i++)
        strbuf_puts(&sb, ",s0");
    for (int i = 0; i < 5000; i++)
        strbuf_printf(&sb, ",s%dx", i);
    strbuf_puts(&sb, "]}\n");
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(sb.data, sb.len, ".", &p, &diags));
    validate_options opts = {false};
    assert_false(pipeline_validate(&p, &opts, &diags));
    assert_int_equal(count_messages(&diags, "input 's0' is listed twice"), 4999);
    assert_int_equal(count_messages(&diags, "names no node"), 5000);
    assert_int_equal(count_messages(&diags, "names no node (did you mean"), 500);
    assert_int_equal(diags.n, 9999);
    pipeline_free(&p);
    diag_list_free(&diags);
    strbuf_free(&sb);
}

static void test_repeated_inputs(void **state)
{
    (void)state;
    /* Every input naming a node: repeats found per node (u reading a and
     * b again is no repeat), each reported once, at the repeat. */
    want(HEAD "sources:\n"
              "  a: {type: file, path: p, format: csv, sample: s.csv}\n"
              "  b: {type: file, path: p, format: csv, sample: s.csv}\n"
              "transforms:\n"
              "  t: {type: sql, sql: t.sql, inputs: [a, b, a, b, a]}\n"
              "  u: {type: sql, sql: u.sql, inputs: [b, a]}\n"
              "sinks:\n"
              "  o: {type: stdout, inputs: [t, u, t]}\n",
         "pipeline.yaml:7:45: error: input 'a' is listed twice\n"
         "pipeline.yaml:7:48: error: input 'b' is listed twice\n"
         "pipeline.yaml:7:51: error: input 'a' is listed twice\n"
         "pipeline.yaml:10:36: error: input 't' is listed twice");
    /* With inputs that name no node among them: compared by name. */
    want(HEAD "sources:\n"
              "  a: {type: file, path: p, format: csv, sample: s.csv}\n"
              "transforms:\n"
              "  t: {type: sql, sql: t.sql, inputs: [a, zz, a, zz, t, t]}\n",
         "pipeline.yaml:6:42: error: input 'zz' names no node\n"
         "pipeline.yaml:6:46: error: input 'a' is listed twice\n"
         "pipeline.yaml:6:49: error: input 'zz' is listed twice\n"
         "pipeline.yaml:6:49: error: input 'zz' names no node\n"
         "pipeline.yaml:6:53: error: 't' cannot be its own input\n"
         "pipeline.yaml:6:56: error: input 't' is listed twice\n"
         "pipeline.yaml:6:56: error: 't' cannot be its own input");
    /* A repeated edge of a cycle: the cycle once, the repeat once. */
    want(HEAD SRC "transforms:\n"
                  "  a: {type: sql, sql: a.sql, inputs: [b, s]}\n"
                  "  b: {type: sql, sql: b.sql, inputs: [a, a]}\n",
         "pipeline.yaml:6:3: error: cycle: a → b → a\n"
         "pipeline.yaml:7:42: error: input 'a' is listed twice");
}

/* A pipeline made in memory may hold two nodes with one id (the loader
 * refuses that).  Inputs and generated files then name the first. */
static void test_duplicate_ids_in_memory(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.dir = strdup(".");
    p.name = strdup("x");
    node *s = pipeline_add_node(&p, "s", NODE_SOURCE, "file");
    node_set_setting(s, "path", "p");
    node_set_setting(s, "format", "csv");
    node_set_setting(s, "sample", "s.csv");
    node *f = pipeline_add_node(&p, "t", NODE_TRANSFORM, "filter");
    node_add_input(f, "s");
    node_set_setting(f, "where", "x > 1");
    node *t = pipeline_add_node(&p, "t", NODE_TRANSFORM, "sql");
    node_add_input(t, "s");
    node_add_input(t, "t");
    node_set_setting(t, "sql", "sql/t.sql");
    node *o = pipeline_add_node(&p, "o", NODE_SINK, "stdout");
    node_add_input(o, "t");
    node_add_input(o, "t");
    diag_list diags;
    diag_list_init(&diags);
    validate_options opts = {false};
    assert_false(pipeline_validate(&p, &opts, &diags));
    char *got = diags_text(&diags);
    /* The second t reads the first (no self input), and its file is the
     * first one's generated SQL. */
    assert_string_equal(got, "pipeline.yaml: t: error: sql/t.sql is generated from filter 't' and "
                             "rewritten on every save; give 't' a file of its own\n"
                             "pipeline.yaml: o: error: input 't' is listed twice");
    free(got);
    diag_list_free(&diags);
    pipeline_free(&p);
}

/* A type of 70 settings (plugins may declare that many), every third
 * required, and names sharing their first letters. */
static void test_many_settings(void **state)
{
    (void)state;
    enum { N = 70 };
    static char names[N][8];
    static setting_spec specs[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "s%d", i);
        specs[i] = (setting_spec){
            .name = names[i], .type = SETTING_STRING, .required = i % 3 == 0, .help = "h"};
    }
    node_type types[] = {
        {.name = "wide", .kind = NODE_SOURCE, .settings = specs, .n_settings = N},
        {.name = "wider", .kind = NODE_SOURCE, .settings = specs, .n_settings = 2},
        {.name = "w", .kind = NODE_SINK, .settings = specs, .n_settings = 1},
    };
    node_registry reg = {.types = types, .n_types = 3};
    node_registry_sort(&reg);
    const node_registry *before = node_registry_current();
    node_registry_use(&reg);
    assert_string_equal(node_type_find(NODE_SOURCE, "wide")->name, "wide");
    assert_string_equal(node_type_find(NODE_SOURCE, "wider")->name, "wider");
    assert_null(node_type_find(NODE_SOURCE, "w"));
    assert_null(node_type_find(NODE_SOURCE, "wid"));
    assert_null(node_type_find(NODE_SOURCE, ""));
    assert_string_equal(node_type_find(NODE_SINK, "w")->name, "w");
    const node_type *wide = node_type_find(NODE_SOURCE, "wide");
    assert_ptr_equal(node_type_setting(wide, "s6"), &specs[6]);
    assert_ptr_equal(node_type_setting(wide, "s66"), &specs[66]);
    assert_null(node_type_setting(wide, "s"));
    assert_null(node_type_setting(wide, "s666"));
    assert_null(node_type_setting(wide, ""));

    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, HEAD "sources:\n  every: {type: wide");
    for (int i = 0; i < N; i++)
        strbuf_printf(&sb, ", s%d: v", i);
    /* Without s0, s63, s66 and s69 (required: 0 and 63 below the 64th, 66
     * and 69 above), with s67 twice. */
    strbuf_puts(&sb, "}\n  some: {type: wide");
    for (int i = 0; i < N; i++)
        if (i != 0 && i != 63 && i != 66 && i != 69)
            strbuf_printf(&sb, ", s%d: v", i);
    strbuf_puts(&sb, ", s67: v}\n");
    char *got = check_yaml(sb.data);
    node_registry_use(before);
    assert_string_equal(got, "pipeline.yaml:5:3: error: source 'some' (wide) needs 's0': h\n"
                             "pipeline.yaml:5:3: error: source 'some' (wide) needs 's63': h\n"
                             "pipeline.yaml:5:3: error: source 'some' (wide) needs 's66': h\n"
                             "pipeline.yaml:5:3: error: source 'some' (wide) needs 's69': h\n"
                             "pipeline.yaml:5:541: error: duplicate key 's67' (first defined at "
                             "line 5)");
    free(got);
    strbuf_free(&sb);
}

static void test_cycles(void **state)
{
    (void)state;
    /* Data flows from an input to its reader, so "a → b" means b reads a.
     * Each cycle once, at its first node in the file. */
    want(HEAD SRC "transforms:\n"
                  "  a: {type: sql, sql: a.sql, inputs: [b]}\n"
                  "  b: {type: sql, sql: b.sql, inputs: [a, s]}\n"
                  "  c: {type: sql, sql: c.sql, inputs: [e]}\n"
                  "  d: {type: sql, sql: d.sql, inputs: [c]}\n"
                  "  e: {type: sql, sql: e.sql, inputs: [d]}\n"
                  "  f: {type: sql, sql: f.sql, inputs: [f]}\n",
         "pipeline.yaml:6:3: error: cycle: a → b → a\n"
         "pipeline.yaml:8:3: error: cycle: c → d → e → c\n"
         "pipeline.yaml:11:39: error: 'f' cannot be its own input");
    /* The 3-cycle written the other way round. */
    want(HEAD SRC "transforms:\n"
                  "  c: {type: sql, sql: c.sql, inputs: [d]}\n"
                  "  d: {type: sql, sql: d.sql, inputs: [e]}\n"
                  "  e: {type: sql, sql: e.sql, inputs: [c, s]}\n",
         "pipeline.yaml:6:3: error: cycle: c → e → d → c");
}

static void test_cycle_with_a_tail(void **state)
{
    (void)state;
    /* t reads into the cycle and comes first in the file: the cycle is
     * still named from its own first node, a, in data-flow order. */
    want(HEAD SRC "transforms:\n"
                  "  t: {type: sql, sql: t.sql, inputs: [c]}\n"
                  "  a: {type: sql, sql: a.sql, inputs: [b, s]}\n"
                  "  b: {type: sql, sql: b.sql, inputs: [c]}\n"
                  "  c: {type: sql, sql: c.sql, inputs: [a]}\n",
         "pipeline.yaml:7:3: error: cycle: a → c → b → a");
}

static void test_cycle_not_a_diamond(void **state)
{
    (void)state;
    /* Shared upstreams are not cycles. */
    want(HEAD SRC "transforms:\n"
                  "  a: {type: sql, sql: a.sql, inputs: [s]}\n"
                  "  b: {type: sql, sql: b.sql, inputs: [s, a]}\n"
                  "  c: {type: sql, sql: c.sql, inputs: [a, b]}\n"
                  "sinks:\n  o: {type: stdout, inputs: [c, b, a, s]}\n",
         "");
}

static void test_invalid_ids(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  Upper: {type: file, path: p, format: csv, sample: s.csv}\n"
              "  a-b: {type: file, path: p, format: csv, sample: s.csv}\n"
              "  1a: {type: file, path: p, format: csv, sample: s.csv}\n"
              "  select: {type: file, path: p, format: csv, sample: s.csv}\n"
              "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: {type: file, "
              "path: p, format: csv, sample: s.csv}\n"
              "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: {type: file, "
              "path: p, format: csv, sample: s.csv}\n"
              "  _x: {type: file, path: p, format: csv, sample: s.csv}\n"
              "  \"\": {type: file, path: p, format: csv, sample: s.csv}\n",
         "pipeline.yaml:4:3: error: invalid id 'Upper': an id starts with a lowercase letter "
         "(a-z)\n"
         "pipeline.yaml:5:3: error: invalid id 'a-b': an id holds only lowercase letters, digits "
         "and '_'\n"
         "pipeline.yaml:6:3: error: invalid id '1a': an id starts with a lowercase letter (a-z)\n"
         "pipeline.yaml:7:3: error: invalid id 'select': an id cannot be a SQL keyword\n"
         "pipeline.yaml:8:3: error: invalid id "
         "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': an id is at most 63 "
         "characters\n"
         "pipeline.yaml:10:3: error: invalid id '_x': an id starts with a lowercase letter "
         "(a-z)\n"
         "pipeline.yaml:11:3: error: invalid id '': an id cannot be empty");
}

static void test_node_id_valid(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_true(node_id_valid("orders_v2", &why));
    assert_false(node_id_valid("SELECT", &why));
    assert_false(node_id_valid("from", &why));
    assert_string_equal(why, "an id cannot be a SQL keyword");
    assert_false(node_id_valid("a.b", &why));
    assert_false(node_id_valid("a b", NULL));
    assert_false(node_id_valid("caf\xc3\xa9", &why));
}

static void test_setting_values(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  h: {type: http, url: u, sample: h.jsonl, interval: 0, method: PUT, limit: ten}\n"
              "  k: {type: kafka, brokers: b, topic: \"\", sample: k.jsonl, format: [json]}\n"
              "  f: {type: file, path: p, format: csv, sample: f.csv, schema: {id: integer, "
              "v: float, w: [text]}}\n"
              "  g: {type: file, path: p, format: csv, sample: f.csv, schema: [id]}\n"
              "sinks:\n"
              "  p: {type: postgres, inputs: [h], connection: \"${secret:P}\", table: t, key: id}\n"
              "  q: {type: postgres, inputs: [h], connection: \"${secret:P}\", table: t, key: "
              "[id, [x]]}\n",
         "pipeline.yaml:4:54: error: 'interval' must be between 1 and 86400\n"
         "pipeline.yaml:4:65: error: 'method' must be one of GET|POST, not 'PUT'\n"
         "pipeline.yaml:4:77: error: 'limit' must be a whole number\n"
         "pipeline.yaml:5:39: error: 'topic' cannot be empty\n"
         "pipeline.yaml:5:68: error: 'format' must be a single value, not a list\n"
         "pipeline.yaml:6:81: error: column 'v': unknown type (use boolean, integer, real, text, "
         "timestamp or json)\n"
         "pipeline.yaml:6:91: error: column 'w': unknown type (use boolean, integer, real, text, "
         "timestamp or json)\n"
         "pipeline.yaml:7:64: error: 'schema' maps column names to types\n"
         "pipeline.yaml:9:78: error: 'key' must be a list\n"
         "pipeline.yaml:10:83: error: 'key' holds plain values only");
}

static void test_every_problem_at_once(void **state)
{
    (void)state;
    /* Twelve different problems, from the YAML reader, the loader and the
     * validator, all in one run and sorted by line. */
    want("weir: 1\n"
         "pipeline:\n"
         "  name: orders\n"
         "  version: seven\n"
         "  ownr: team\n"
         "sources:\n"
         "  orders: {type: kafka, brokers: b, topik: orders.v1, sample: o.jsonl}\n"
         "  crm: {type: postgres, table: c, connection: \"postgres://app:s3cret@db/crm\", sample: "
         "c.csv}\n"
         "  Bad-Id: {type: file, path: p, format: csv, sample: b.csv}\n"
         "  wrong: {type: stdout}\n"
         "transforms:\n"
         "  enrich: {type: sql, sql: e.sql, inputs: [orders, crm, ghost]}\n"
         "  loop_a: {type: sql, sql: a.sql, inputs: [loop_b]}\n"
         "  loop_b: {type: lua, lua: b.lua, inputs: [loop_a]}\n"
         "sinks:\n"
         "  out: {type: stdout, inputs: [enrich]}\n"
         "  out2: {type: stdout, inputs: [out]}\n"
         "  out: {type: stdout, inputs: [enrich]}\n"
         "extra: 1\n",
         "pipeline.yaml:4:12: error: 'version' must be a whole number (0 or more)\n"
         "pipeline.yaml:5:3: error: unknown key 'ownr' in 'pipeline' (did you mean 'owner'?)\n"
         "pipeline.yaml:7:3: error: source 'orders' (kafka) needs 'topic': topic to consume\n"
         "pipeline.yaml:7:37: error: unknown setting 'topik' for a kafka source (did you mean "
         "'topic'?)\n"
         "pipeline.yaml:8:47: error: 'connection' is a secret: write a reference such as "
         "${secret:NAME} or ${env:NAME}, never the value itself\n"
         "pipeline.yaml:9:3: error: invalid id 'Bad-Id': an id starts with a lowercase letter "
         "(a-z)\n"
         "pipeline.yaml:10:17: error: 'stdout' is a sink type, not a source type (source types: "
         "file, http, kafka, postgres)\n"
         "pipeline.yaml:12:57: error: input 'ghost' names no node\n"
         "pipeline.yaml:13:3: error: cycle: loop_a → loop_b → loop_a\n"
         "pipeline.yaml:17:33: error: 'out' is a sink: sinks feed nothing\n"
         "pipeline.yaml:18:3: error: duplicate key 'out' (first defined at line 16)\n"
         "pipeline.yaml:19:1: error: unknown key 'extra' in the top level");
}

static void test_validate_reports_by_node_id_without_positions(void **state)
{
    (void)state;
    /* A node made in the TUI has no position: diagnostics name it. */
    pipeline p;
    pipeline_init(&p);
    p.dir = strdup(".");
    p.name = strdup("x");
    node *n = pipeline_add_node(&p, "t", NODE_TRANSFORM, "sql");
    node_add_input(n, "missing");
    diag_list diags;
    diag_list_init(&diags);
    validate_options opts = {false};
    assert_false(pipeline_validate(&p, &opts, &diags));
    char *got = diags_text(&diags);
    assert_string_equal(got, "pipeline.yaml: t: error: transform 't' (sql) needs 'sql': the "
                             "SELECT, in sql/ID.sql\n"
                             "pipeline.yaml: t: error: input 'missing' names no node");
    free(got);
    diag_list_free(&diags);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_pipeline),
        cmocka_unit_test(test_unknown_types),
        cmocka_unit_test(test_unknown_settings),
        cmocka_unit_test(test_missing_required_settings),
        cmocka_unit_test(test_literal_secrets),
        cmocka_unit_test(test_secret_ref_valid),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_inputs_at_scale),
        cmocka_unit_test(test_repeated_inputs),
        cmocka_unit_test(test_duplicate_ids_in_memory),
        cmocka_unit_test(test_many_settings),
        cmocka_unit_test(test_cycles),
        cmocka_unit_test(test_cycle_with_a_tail),
        cmocka_unit_test(test_cycle_not_a_diamond),
        cmocka_unit_test(test_invalid_ids),
        cmocka_unit_test(test_node_id_valid),
        cmocka_unit_test(test_setting_values),
        cmocka_unit_test(test_every_problem_at_once),
        cmocka_unit_test(test_validate_reports_by_node_id_without_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
