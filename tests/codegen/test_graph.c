/* Tests for codegen/graph.c: dot, mermaid and ascii exports of a small
 * pipeline (exact text), escaping of hostile ids, missing inputs, cycles,
 * the 80-column limit and determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "graph.h"
#include "model.h"
#include "util.h"

/* orders, customers -> enrich -> mask -> warehouse; enrich -> debug */
static void build(pipeline *p, bool reversed)
{
    static const struct {
        const char *id;
        node_kind kind;
        const char *type;
        const char *inputs[3];
    } spec[] = {
        {"orders", NODE_SOURCE, "kafka", {NULL}},
        {"customers", NODE_SOURCE, "postgres", {NULL}},
        {"enrich", NODE_TRANSFORM, "sql", {"orders", "customers", NULL}},
        {"mask", NODE_TRANSFORM, "lua", {"enrich", NULL}},
        {"warehouse", NODE_SINK, "postgres", {"mask", NULL}},
        {"debug", NODE_SINK, "stdout", {"enrich", NULL}},
    };
    const size_t n = sizeof(spec) / sizeof(spec[0]);
    pipeline_init(p);
    p->name = xstrdup("orders");
    p->version = 7;
    for (size_t k = 0; k < n; k++) {
        size_t i = reversed ? n - 1 - k : k;
        node *nd = pipeline_add_node(p, spec[i].id, spec[i].kind, spec[i].type);
        for (size_t j = 0; spec[i].inputs[j]; j++)
            node_add_input(nd, spec[i].inputs[j]);
    }
}

static const char want_ascii[] = "pipeline orders v7: 6 nodes, 5 edges\n"
                                 "\n"
                                 "layer 1\n"
                                 "  source     customers  postgres\n"
                                 "  source     orders     kafka\n"
                                 "\n"
                                 "layer 2\n"
                                 "  transform  enrich     sql       <- orders, customers\n"
                                 "\n"
                                 "layer 3\n"
                                 "  transform  mask       lua       <- enrich\n"
                                 "  sink       debug      stdout    <- enrich\n"
                                 "\n"
                                 "layer 4\n"
                                 "  sink       warehouse  postgres  <- mask\n";

static const char want_dot[] =
    "digraph \"orders\" {\n"
    "  rankdir=LR;\n"
    "  node [fontname=\"Helvetica\", fontsize=11];\n"
    "  \"customers\" [shape=cylinder, label=\"customers\\npostgres source\"];\n"
    "  \"orders\" [shape=cylinder, label=\"orders\\nkafka source\"];\n"
    "  \"enrich\" [shape=box, style=rounded, label=\"enrich\\nsql transform\"];\n"
    "  \"mask\" [shape=box, style=rounded, label=\"mask\\nlua transform\"];\n"
    "  \"debug\" [shape=invhouse, label=\"debug\\nstdout sink\"];\n"
    "  \"warehouse\" [shape=invhouse, label=\"warehouse\\npostgres sink\"];\n"
    "  { rank=min; \"customers\"; \"orders\"; }\n"
    "  { rank=max; \"debug\"; \"warehouse\"; }\n"
    "  \"orders\" -> \"enrich\";\n"
    "  \"customers\" -> \"enrich\";\n"
    "  \"enrich\" -> \"mask\";\n"
    "  \"enrich\" -> \"debug\";\n"
    "  \"mask\" -> \"warehouse\";\n"
    "}\n";

static const char want_mermaid[] = "flowchart LR\n"
                                   "  n0[(\"customers<br/>postgres source\")]\n"
                                   "  n1[(\"orders<br/>kafka source\")]\n"
                                   "  n2[\"enrich<br/>sql transform\"]\n"
                                   "  n3[\"mask<br/>lua transform\"]\n"
                                   "  n4[/\"debug<br/>stdout sink\"/]\n"
                                   "  n5[/\"warehouse<br/>postgres sink\"/]\n"
                                   "  n1 --> n2\n"
                                   "  n0 --> n2\n"
                                   "  n2 --> n3\n"
                                   "  n2 --> n4\n"
                                   "  n3 --> n5\n";

static void check_format(graph_format f, const char *want)
{
    for (int rev = 0; rev < 2; rev++) {
        pipeline p;
        build(&p, rev);
        char *got = graph_render(&p, f);
        assert_string_equal(got, want);
        free(got);
        pipeline_free(&p);
    }
}

static void test_ascii(void **state)
{
    (void)state;
    check_format(GRAPH_ASCII, want_ascii);
}

static void test_dot(void **state)
{
    (void)state;
    check_format(GRAPH_DOT, want_dot);
}

static void test_mermaid(void **state)
{
    (void)state;
    check_format(GRAPH_MERMAID, want_mermaid);
}

static void test_format_names(void **state)
{
    (void)state;
    graph_format f;
    assert_true(graph_format_parse("dot", &f));
    assert_int_equal(f, GRAPH_DOT);
    assert_true(graph_format_parse("mermaid", &f));
    assert_int_equal(f, GRAPH_MERMAID);
    assert_true(graph_format_parse("ascii", &f));
    assert_int_equal(f, GRAPH_ASCII);
    assert_false(graph_format_parse("svg", &f));
    assert_false(graph_format_parse("", &f));
}

/* Ids as an invalid (but loadable) pipeline may hold them. */
static void test_escaping(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.name = xstrdup("a \"b\" \\c");
    pipeline_add_node(&p, "q\"uote\\", NODE_SOURCE, "file");
    node *n = pipeline_add_node(&p, "x<y>&#`z\nw", NODE_SINK, "stdout");
    node_add_input(n, "q\"uote\\");
    node_add_input(n, "ghost");

    char *dot = graph_render(&p, GRAPH_DOT);
    assert_non_null(strstr(dot, "digraph \"a \\\"b\\\" \\\\c\" {"));
    assert_non_null(strstr(
        dot, "  \"q\\\"uote\\\\\" [shape=cylinder, label=\"q\\\"uote\\\\\\nfile source\"];"));
    assert_non_null(strstr(dot, "\"x<y>&#`z\\nw\" [shape=invhouse"));
    assert_non_null(
        strstr(dot, "  \"ghost\" [shape=box, style=dashed, label=\"ghost\\n(missing)\"];"));
    assert_non_null(strstr(dot, "  \"ghost\" -> \"x<y>&#`z\\nw\" [style=dashed];"));
    free(dot);

    char *mm = graph_render(&p, GRAPH_MERMAID);
    assert_string_equal(mm, "flowchart LR\n"
                            "  n0[(\"q#quot;uote\\<br/>file source\")]\n"
                            "  n1[/\"x#lt;y#gt;#amp;#35;#96;z w<br/>stdout sink\"/]\n"
                            "  m0[\"ghost<br/>(missing)\"]\n"
                            "  n0 --> n1\n"
                            "  m0 -.-> n1\n");
    free(mm);

    char *ascii = graph_render(&p, GRAPH_ASCII);
    assert_non_null(strstr(ascii, "x<y>&#`z?w"));
    assert_non_null(strstr(ascii, "<- q\"uote\\, ghost (missing)"));
    assert_non_null(strstr(ascii, "1 missing input"));
    free(ascii);
    pipeline_free(&p);
}

static void test_cycle(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.name = xstrdup("loop");
    pipeline_add_node(&p, "src", NODE_SOURCE, "file");
    node *a = pipeline_add_node(&p, "a", NODE_TRANSFORM, "sql");
    node_add_input(a, "src");
    node_add_input(a, "b");
    node *b = pipeline_add_node(&p, "b", NODE_TRANSFORM, "sql");
    node_add_input(b, "a");
    node *s = pipeline_add_node(&p, "out", NODE_SINK, "stdout");
    node_add_input(s, "b");
    char *ascii = graph_render(&p, GRAPH_ASCII);
    assert_string_equal(ascii, "pipeline loop v0: 4 nodes, 4 edges\n"
                               "\n"
                               "layer 1\n"
                               "  source     src  file\n"
                               "\n"
                               "not layered (on or after a cycle)\n"
                               "  transform  a    sql     <- src, b\n"
                               "  transform  b    sql     <- a\n"
                               "  sink       out  stdout  <- b\n");
    free(ascii);
    pipeline_free(&p);
}

/* Many inputs and long ids: every ascii line fits in 80 columns, unless a
 * single id is itself longer. */
static void test_ascii_width(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.name = xstrdup("wide");
    char id[64];
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof(id), "source_number_%02d", i);
        pipeline_add_node(&p, id, NODE_SOURCE, "kafka");
    }
    node *u = pipeline_add_node(&p, "a_transform_with_a_rather_long_name_that_is_long",
                                NODE_TRANSFORM, "sql");
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof(id), "source_number_%02d", i);
        node_add_input(u, id);
    }
    node *s = pipeline_add_node(&p, "short", NODE_SINK, "stdout");
    node_add_input(s, "a_transform_with_a_rather_long_name_that_is_long");
    char *ascii = graph_render(&p, GRAPH_ASCII);
    size_t lines = 0;
    for (char *line = ascii; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        if ((size_t)(nl - line) > GRAPH_ASCII_WIDTH)
            fail_msg("line longer than %d columns: %.*s", GRAPH_ASCII_WIDTH, (int)(nl - line),
                     line);
        lines++;
        line = nl + 1;
    }
    assert_true(lines > 45); /* the inputs were wrapped, not dropped */
    assert_non_null(
        strstr(ascii, "stdout\n        <- a_transform_with_a_rather_long_name_that_is_long\n"));
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof(id), "source_number_%02d%s", i, i < 39 ? "," : "\n");
        assert_non_null(strstr(ascii, id));
    }
    free(ascii);
    pipeline_free(&p);
}

static void test_empty(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    char *ascii = graph_render(&p, GRAPH_ASCII);
    assert_string_equal(ascii, "pipeline (unnamed) v0: 0 nodes, 0 edges\n");
    free(ascii);
    char *mm = graph_render(&p, GRAPH_MERMAID);
    assert_string_equal(mm, "flowchart LR\n");
    free(mm);
    char *dot = graph_render(&p, GRAPH_DOT);
    assert_string_equal(dot, "digraph \"pipeline\" {\n  rankdir=LR;\n"
                             "  node [fontname=\"Helvetica\", fontsize=11];\n}\n");
    free(dot);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),       cmocka_unit_test(test_dot),
        cmocka_unit_test(test_mermaid),     cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_escaping),    cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_ascii_width), cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests_name("codegen_graph", tests, NULL, NULL);
}
