/* Tests for the loader's shape checks: sections, metadata, node bodies,
 * inputs written the wrong way, and layout.yaml.  Each compares the exact
 * diagnostics, so line, column and wording are all pinned. */
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

static void want(const char *yaml, const char *expected)
{
    char *got = check_yaml(yaml);
    assert_string_equal(got, expected);
    free(got);
}

static void want_layout(const char *yaml, const char *layout, const char *expected)
{
    char *got = check_layout(yaml, layout);
    assert_string_equal(got, expected);
    free(got);
}

#define HEAD "weir: 1\npipeline: {name: x}\n"

static void test_valid_minimal(void **state)
{
    (void)state;
    want(HEAD, "");
    want(HEAD "sources:\ntransforms: ~\nsinks: null\n", "");
}

static void test_unknown_sections(void **state)
{
    (void)state;
    want(HEAD "source: {}\ntransform: {}\nsinkz: {}\nextras: {}\n",
         "pipeline.yaml:3:1: error: unknown key 'source' in the top level (did you mean "
         "'sources'?)\n"
         "pipeline.yaml:4:1: error: unknown key 'transform' in the top level (did you mean "
         "'transforms'?)\n"
         "pipeline.yaml:5:1: error: unknown key 'sinkz' in the top level (did you mean 'sinks'?)\n"
         "pipeline.yaml:6:1: error: unknown key 'extras' in the top level");
}

static void test_sections_must_be_mappings(void **state)
{
    (void)state;
    want(HEAD "sources: [a]\ntransforms: t\nsinks: {}\n",
         "pipeline.yaml:3:10: error: 'sources' must be a mapping, not a list\n"
         "pipeline.yaml:4:13: error: 'transforms' must be a mapping, not a scalar");
}

static void test_format_version(void **state)
{
    (void)state;
    want("pipeline: {name: x}\n", "pipeline.yaml:1:1: error: missing 'weir: 1' (the format "
                                  "version)");
    want("weir: 2\npipeline: {name: x}\n",
         "pipeline.yaml:1:7: error: format version 2 is not supported; this weir reads version 1 "
         "(upgrade weir)");
    want("weir: 0\npipeline: {name: x}\n",
         "pipeline.yaml:1:7: error: format version 0 is not supported; this weir reads version 1");
    want("weir: one\npipeline: {name: x}\n",
         "pipeline.yaml:1:7: error: 'weir' is the format version, a whole number");
    want("weir: \"1\"\npipeline: {name: x}\n",
         "pipeline.yaml:1:7: error: 'weir' is the format version, a whole number");
}

static void test_metadata_missing(void **state)
{
    (void)state;
    want("weir: 1\n", "pipeline.yaml:1:1: error: missing the 'pipeline' section (name, version, "
                      "owner)");
    want("weir: 1\npipeline: 3\n", "pipeline.yaml:2:11: error: 'pipeline' must be a mapping, "
                                   "not a scalar");
}

static void test_metadata_name(void **state)
{
    (void)state;
    want("weir: 1\npipeline: {version: 1}\n",
         "pipeline.yaml:2:11: error: 'pipeline' needs a 'name'");
    want("weir: 1\npipeline:\n  owner: me\n", "pipeline.yaml:3:3: error: 'pipeline' needs a "
                                              "'name'");
    /* One message per problem, not two. */
    want("weir: 1\npipeline:\n  name: \"\"\n", "pipeline.yaml:3:9: error: 'name' cannot be "
                                               "empty");
    want("weir: 1\npipeline:\n  name: ~\n", "pipeline.yaml:3:9: error: 'name' cannot be empty");
    want("weir: 1\npipeline:\n  name: [a]\n", "pipeline.yaml:3:9: error: 'name' must be a "
                                              "scalar, not a list");
}

static void test_metadata_version(void **state)
{
    (void)state;
    static const char *const bad[] = {"1.5", "-1", "\"7\"", "seven", "[1]", "~"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char doc[128], msg[128];
        snprintf(doc, sizeof(doc), "weir: 1\npipeline:\n  name: x\n  version: %s\n", bad[i]);
        snprintf(msg, sizeof(msg),
                 "pipeline.yaml:4:12: error: 'version' must be a whole number (0 or more)");
        want(doc, msg);
    }
    want("weir: 1\npipeline:\n  name: x\n  version: 0\n", "");
    want("weir: 1\npipeline:\n  name: x\n  version: 9223372036854775807\n", "");
    want("weir: 1\npipeline:\n  name: x\n  version: 9223372036854775808\n",
         "pipeline.yaml:4:12: error: 'version' must be a whole number (0 or more)");
}

static void test_metadata_other_keys(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n  name: x\n  ownr: me\n  colour: red\n  tags: a\n"
         "  description: [d]\n",
         "pipeline.yaml:4:3: error: unknown key 'ownr' in 'pipeline' (did you mean 'owner'?)\n"
         "pipeline.yaml:5:3: error: unknown key 'colour' in 'pipeline'\n"
         "pipeline.yaml:6:9: error: 'tags' must be a list, not a scalar\n"
         "pipeline.yaml:7:16: error: 'description' must be a scalar, not a list");
    want("weir: 1\npipeline:\n  name: x\n  tags: [a, [b], c]\n",
         "pipeline.yaml:4:13: error: a tag must be a scalar, not a list");
}

static void test_metadata_values_kept(void **state)
{
    (void)state;
    const char *doc = "weir: 1\npipeline:\n  name: orders\n  version: 7\n  owner: team\n"
                      "  description: Orders\n  tags: [a, b]\n";
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(doc, strlen(doc), "dir", &p, &diags));
    assert_int_equal(diags.n, 0);
    assert_string_equal(p.name, "orders");
    assert_int_equal(p.version, 7);
    assert_int_equal(p.format, 1);
    assert_string_equal(p.owner, "team");
    assert_string_equal(p.description, "Orders");
    assert_int_equal(p.n_tags, 2);
    assert_string_equal(p.tags[1], "b");
    assert_string_equal(p.dir, "dir");
    pipeline_free(&p);
    diag_list_free(&diags);
}

static void test_node_bodies(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  a: kafka\n"
              "  b: {topic: t}\n"
              "  c: {type: [kafka]}\n"
              "  d: {type: \"\"}\n"
              "  e:\n",
         "pipeline.yaml:4:6: error: source 'a' must be a mapping with at least a 'type'\n"
         "pipeline.yaml:5:3: error: source 'b' needs a 'type'\n"
         "pipeline.yaml:6:13: error: 'type' must be a type name\n"
         "pipeline.yaml:7:13: error: 'type' must be a type name\n"
         "pipeline.yaml:8:5: error: source 'e' must be a mapping with at least a 'type'");
}

static void test_inputs_shapes(void **state)
{
    (void)state;
    want(HEAD "sources:\n"
              "  s: {type: file, path: p, format: csv, sample: s.csv}\n"
              "transforms:\n"
              "  a: {type: sql, sql: a.sql, inputs: s}\n"
              "  b: {type: sql, sql: b.sql, inputs: [s, [t], {u: 1}]}\n"
              "  c: {type: sql, sql: c.sql, inputs: {s: 1}}\n"
              "  d: {type: sql, sql: d.sql, inputs: []}\n"
              "  e: {type: sql, sql: e.sql}\n"
              "  f: {type: sql, sql: f.sql, inputs: nope}\n",
         "pipeline.yaml:6:38: error: 'inputs' is a list: write inputs: [s]\n"

         "pipeline.yaml:7:42: error: an input must be a node id, not a list\n"
         "pipeline.yaml:7:47: error: an input must be a node id, not a mapping\n"
         "pipeline.yaml:8:38: error: 'inputs' must be a list, not a mapping\n"
         "pipeline.yaml:8:38: error: transform 'c' needs at least one input\n"
         "pipeline.yaml:9:38: error: transform 'd' needs at least one input\n"
         "pipeline.yaml:10:3: error: transform 'e' needs at least one input\n"
         "pipeline.yaml:11:38: error: 'inputs' is a list: write inputs: [nope]\n"
         "pipeline.yaml:11:38: error: input 'nope' names no node");
}

static void test_nodes_kept_in_file_order(void **state)
{
    (void)state;
    const char *doc = HEAD "sinks:\n  out: {type: stdout, inputs: [t]}\n"
                           "transforms:\n  t: {type: sql, sql: t.sql, inputs: [b, a]}\n"
                           "sources:\n  b: {type: file, path: p, format: csv}\n"
                           "  a: {type: file, path: p, format: csv, description: A}\n";
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(doc, strlen(doc), NULL, &p, &diags));
    assert_int_equal(diags.n, 0);
    assert_int_equal(p.n_nodes, 4);
    /* Sections in kind order, nodes in file order within a section. */
    assert_string_equal(p.nodes[0].id, "b");
    assert_string_equal(p.nodes[1].id, "a");
    assert_string_equal(p.nodes[2].id, "t");
    assert_string_equal(p.nodes[3].id, "out");
    assert_int_equal(p.nodes[3].kind, NODE_SINK);
    assert_string_equal(p.nodes[1].description, "A");
    assert_int_equal(p.nodes[2].n_inputs, 2);
    assert_string_equal(p.nodes[2].inputs[0], "b");
    assert_int_equal(p.nodes[2].input_pos[1].line, 6);
    assert_int_equal(p.nodes[2].input_pos[1].col, 42);
    assert_string_equal(node_setting_text(&p.nodes[2], "sql"), "t.sql");
    assert_int_equal(p.nodes[2].pos.line, 6);
    assert_int_equal(p.nodes[2].pos.col, 3);
    assert_int_equal(p.nodes[2].type_pos.col, 13);
    pipeline_free(&p);
    diag_list_free(&diags);
}

/* ---- layout.yaml ------------------------------------------------------ */

#define NODES                                                                                      \
    HEAD "sources:\n"                                                                              \
         "  s: {type: file, path: p, format: csv, sample: s.csv}\n"                                \
         "  s2: {type: file, path: p, format: csv, sample: s.csv}\n"                               \
         "  s3: {type: file, path: p, format: csv, sample: s.csv}\n"                               \
         "  s4: {type: file, path: p, format: csv, sample: s.csv}\n"                               \
         "  s5: {type: file, path: p, format: csv, sample: s.csv}\n"

static void test_layout_valid(void **state)
{
    (void)state;
    const char *layout = "weir: 1\npositions:\n  s: {x: 3, y: 4}\n  s2: {x: 0, y: 1000000}\n";
    want_layout(NODES, layout, "");
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(NODES, strlen(NODES), ".", &p, &diags));
    pipeline_load_layout_buffer(layout, strlen(layout), &p, &diags);
    assert_int_equal(diags.n, 0);
    assert_true(p.has_layout);
    assert_true(p.nodes[0].has_xy);
    assert_int_equal(p.nodes[0].x, 3);
    assert_int_equal(p.nodes[0].y, 4);
    assert_int_equal(p.nodes[1].y, 1000000);
    assert_false(p.nodes[2].has_xy);
    pipeline_free(&p);
    diag_list_free(&diags);
}

static void test_layout_errors(void **state)
{
    (void)state;
    want_layout(NODES,
                "weir: 1\n"
                "positions:\n"
                "  s: {x: 1, y: 2}\n"
                "  ghost: {x: 1, y: 2}\n"
                "  s2: {x: -1, y: a}\n"
                "  s3: {x: 1}\n"
                "  s4: [1, 2]\n"
                "  s5: {x: 2000000, y: 1, z: 3}\n"
                "position: {}\n",
                "layout.yaml:4:3: warning: position for 'ghost', which is not a node (it will be "
                "dropped on save)\n"
                "layout.yaml:5:11: error: 'x' must be a whole number from 0 to 1000000\n"
                "layout.yaml:5:18: error: 'y' must be a whole number from 0 to 1000000\n"
                "layout.yaml:6:7: error: the position of 's3' needs 'x' and 'y'\n"
                "layout.yaml:7:7: error: a position must be a mapping, not a list\n"
                "layout.yaml:8:11: error: 'x' must be a whole number from 0 to 1000000\n"
                "layout.yaml:8:26: error: unknown key 'z' in a position\n"
                "layout.yaml:9:1: error: unknown key 'position' in layout.yaml (did you mean "
                "'positions'?)");
}

static void test_layout_shape(void **state)
{
    (void)state;
    want_layout(NODES, "weir: 7\npositions: [a]\n",
                "layout.yaml:1:7: error: layout format version '7' is not supported; this weir "
                "reads version 1\n"
                "layout.yaml:2:12: error: 'positions' must be a mapping, not a list");
    want_layout(NODES, "- a\n",
                "layout.yaml:1:1: error: layout.yaml must be a mapping with 'weir' and "
                "'positions'");
    want_layout(NODES, "positions: {a: {x: 1, y: 1}}\n",
                "layout.yaml:1:13: warning: position for 'a', which is not a node (it will be "
                "dropped on save)");
    want_layout(NODES, "weir: 1\npositions:\n", "");
    /* YAML errors in layout.yaml are positioned in layout.yaml. */
    want_layout(NODES, "weir: 1\npositions: {s: {x: 1, y: 2}\n",
                "layout.yaml:3:1: error: YAML syntax error: did not find expected ',' or '}' "
                "while parsing a flow mapping (line 2)");
    want_layout(NODES, "weir: 1\nweir: 1\n",
                "layout.yaml:2:1: error: duplicate key 'weir' (first defined at line 1)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_minimal),
        cmocka_unit_test(test_unknown_sections),
        cmocka_unit_test(test_sections_must_be_mappings),
        cmocka_unit_test(test_format_version),
        cmocka_unit_test(test_metadata_missing),
        cmocka_unit_test(test_metadata_name),
        cmocka_unit_test(test_metadata_version),
        cmocka_unit_test(test_metadata_other_keys),
        cmocka_unit_test(test_metadata_values_kept),
        cmocka_unit_test(test_node_bodies),
        cmocka_unit_test(test_inputs_shapes),
        cmocka_unit_test(test_nodes_kept_in_file_order),
        cmocka_unit_test(test_layout_valid),
        cmocka_unit_test(test_layout_errors),
        cmocka_unit_test(test_layout_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
