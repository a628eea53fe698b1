/* vcs: the graph diff of two models (no git involved). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "graphdiff.h"
#include "load.h"

static const char *const base_yaml = "weir: 1\n"
                                     "pipeline:\n"
                                     "  name: orders\n"
                                     "  version: 3\n"
                                     "  owner: team-a\n"
                                     "sources:\n"
                                     "  orders: {type: kafka, topic: orders.v1, start: latest}\n"
                                     "  customers: {type: file, path: /c.csv, format: csv}\n"
                                     "transforms:\n"
                                     "  enrich: {type: sql, inputs: [orders], sql: sql/e.sql}\n"
                                     "sinks:\n"
                                     "  old: {type: stdout, inputs: [enrich]}\n";

static const char *const new_yaml =
    "weir: 1\n"
    "pipeline:\n"
    "  name: orders\n"
    "  version: 4\n"
    "  owner: team-b\n"
    "sources:\n"
    "  orders: {type: kafka, topic: orders.v2, group: g1}\n"
    "  customers: {type: file, path: /c.csv, format: csv}\n"
    "transforms:\n"
    "  enrich: {type: sql, inputs: [orders, customers], sql: sql/e.sql}\n"
    "sinks:\n"
    "  warehouse: {type: postgres, inputs: [enrich], connection: '${secret:DSN}', table: t}\n";

static void load(const char *yaml, const char *layout, pipeline *p)
{
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(yaml, strlen(yaml), ".", p, &diags));
    if (layout)
        pipeline_load_layout_buffer(layout, strlen(layout), p, &diags);
    assert_int_equal(diags.n_errors, 0);
    diag_list_free(&diags);
}

static void test_nodes_edges_settings(void **state)
{
    (void)state;
    pipeline a, b;
    load(base_yaml, NULL, &a);
    load(new_yaml, NULL, &b);
    graph_diff d;
    graph_diff_compute(&a, &b, &d);
    assert_int_equal(d.n_added, 1);
    assert_int_equal(d.n_removed, 1);
    assert_int_equal(d.n_changed, 2); /* orders (settings), enrich (inputs) */
    assert_int_equal(d.n_moved, 0);
    assert_true(graph_diff_topology_changed(&d));

    const gd_node *w = graph_diff_node(&d, "warehouse");
    assert_non_null(w);
    assert_int_equal(w->change, GD_ADDED);
    assert_string_equal(w->type, "postgres");
    const gd_node *old = graph_diff_node(&d, "old");
    assert_non_null(old);
    assert_int_equal(old->change, GD_REMOVED);
    assert_null(graph_diff_node(&d, "customers")); /* unchanged */

    const gd_node *o = graph_diff_node(&d, "orders");
    assert_non_null(o);
    assert_int_equal(o->change, GD_CHANGED);
    assert_false(o->inputs_changed);
    assert_int_equal(o->n_settings, 3); /* group added, start removed, topic changed */
    assert_string_equal(o->settings[0].key, "group");
    assert_null(o->settings[0].old_text);
    assert_string_equal(o->settings[0].new_text, "g1");
    assert_string_equal(o->settings[1].key, "start");
    assert_null(o->settings[1].new_text);
    assert_string_equal(o->settings[2].key, "topic");
    assert_string_equal(o->settings[2].old_text, "orders.v1");
    assert_string_equal(o->settings[2].new_text, "orders.v2");

    const gd_node *e = graph_diff_node(&d, "enrich");
    assert_non_null(e);
    assert_true(e->inputs_changed);
    assert_string_equal(e->old_inputs, "[orders]");
    assert_string_equal(e->new_inputs, "[orders, customers]");

    /* edges: customers->enrich and enrich->warehouse added, enrich->old removed */
    assert_int_equal(d.n_edges_added, 2);
    assert_int_equal(d.n_edges_removed, 1);
    assert_int_equal(d.n_edges, 3);
    bool saw_removed = false;
    for (size_t i = 0; i < d.n_edges; i++)
        if (d.edges[i].change == GD_REMOVED) {
            assert_string_equal(d.edges[i].from, "enrich");
            assert_string_equal(d.edges[i].to, "old");
            saw_removed = true;
        }
    assert_true(saw_removed);

    /* metadata: version and owner */
    assert_int_equal(d.n_meta, 2);
    assert_string_equal(d.meta[0].key, "version");
    assert_string_equal(d.meta[0].old_text, "3");
    assert_string_equal(d.meta[1].key, "owner");
    assert_string_equal(d.meta[1].new_text, "team-b");

    strbuf sb;
    strbuf_init(&sb);
    graph_diff_format(&d, &sb, false);
    assert_non_null(strstr(sb.data, "nodes: 1 added, 1 removed, 2 changed\n"));
    assert_non_null(strstr(sb.data, "  + warehouse (sink postgres)\n"));
    assert_non_null(strstr(sb.data, "  - old (sink stdout)\n"));
    assert_non_null(strstr(sb.data, "      ~ topic: orders.v1 -> orders.v2\n"));
    assert_non_null(strstr(sb.data, "      inputs: [orders] -> [orders, customers]\n"));
    assert_non_null(strstr(sb.data, "  + customers -> enrich\n"));
    assert_non_null(strstr(sb.data, "  - enrich -> old\n"));
    assert_null(strchr(sb.data, '\033')); /* no colour unless asked */
    strbuf_free(&sb);
    strbuf_init(&sb);
    graph_diff_format(&d, &sb, true);
    assert_non_null(strstr(sb.data, "\033[32m  + warehouse"));
    strbuf_free(&sb);

    graph_diff_free(&d);
    pipeline_free(&a);
    pipeline_free(&b);
}

static void test_identical_and_moved(void **state)
{
    (void)state;
    pipeline a, b;
    load(base_yaml, "weir: 1\npositions:\n  orders: {x: 1, y: 2}\n", &a);
    load(base_yaml, "weir: 1\npositions:\n  orders: {x: 9, y: 2}\n", &b);
    graph_diff d;
    graph_diff_compute(&a, &a, &d);
    assert_true(graph_diff_empty(&d));
    strbuf sb;
    strbuf_init(&sb);
    graph_diff_format(&d, &sb, false);
    assert_string_equal(sb.data, "no changes to the pipeline's graph\n");
    strbuf_free(&sb);
    graph_diff_free(&d);

    graph_diff_compute(&a, &b, &d);
    assert_false(graph_diff_empty(&d));
    assert_false(graph_diff_topology_changed(&d)); /* moving never bumps */
    assert_int_equal(d.n_moved, 1);
    assert_true(graph_diff_node(&d, "orders")->moved);
    graph_diff_free(&d);
    pipeline_free(&b);

    /* Gaining a first stored position is not a move. */
    load(base_yaml, NULL, &b);
    graph_diff_compute(&b, &a, &d);
    assert_int_equal(d.n_moved, 0);
    assert_true(graph_diff_empty(&d));
    graph_diff_free(&d);
    pipeline_free(&a);
    pipeline_free(&b);
}

static void test_type_change_and_value_text(void **state)
{
    (void)state;
    pipeline a, b;
    load("weir: 1\npipeline: {name: x}\nsinks:\n  s: {type: stdout}\n", NULL, &a);
    load("weir: 1\npipeline: {name: x}\nsinks:\n  s: {type: postgres, key: [a, b], "
         "table: t, connection: '${env:X}'}\n",
         NULL, &b);
    graph_diff d;
    graph_diff_compute(&a, &b, &d);
    const gd_node *s = graph_diff_node(&d, "s");
    assert_non_null(s);
    assert_string_equal(s->old_type, "stdout");
    assert_string_equal(s->type, "postgres");
    assert_string_equal(s->settings[1].key, "key");
    assert_string_equal(s->settings[1].new_text, "[a, b]");
    assert_true(graph_diff_topology_changed(&d));
    graph_diff_free(&d);
    pipeline_free(&a);
    pipeline_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodes_edges_settings),
        cmocka_unit_test(test_identical_and_moved),
        cmocka_unit_test(test_type_change_and_value_text),
    };
    return cmocka_run_group_tests_name("vcs graphdiff", tests, NULL, NULL);
}
