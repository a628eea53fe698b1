/* Tests for the threaded load of a big pipeline (core/load.c with
 * core/yaml_split): `weir validate`'s path (pipeline_check_folder, which
 * reads pipeline.yaml and layout.yaml in pieces on two threads and
 * validates while layout.yaml is read) must give exactly the model and the
 * diagnostics of the one-thread path (pipeline_load, which keeps comments
 * and so reads every file whole, then pipeline_validate).
 *
 * The pipeline comes from bench/gen_pipeline.py (argv[1]: the script),
 * 9,000 nodes: a pipeline.yaml of some 1 MB and a layout.yaml of 310 KB, both
 * big enough to be read in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fsutil.h"
#include "helpers.h"
#include "load.h"
#include "util.h"
#include "validate.h"
#include "yaml_split.h"

static const char *generator;

static void assert_same_pos(src_pos a, src_pos b)
{
    assert_int_equal(a.line, b.line);
    assert_int_equal(a.col, b.col);
}

static void assert_same_model(const pipeline *a, const pipeline *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->n_nodes, b->n_nodes);
    for (size_t i = 0; i < a->n_nodes; i++) {
        const node *x = &a->nodes[i], *y = &b->nodes[i];
        assert_string_equal(x->id, y->id);
        assert_int_equal(x->kind, y->kind);
        assert_string_equal(x->type, y->type);
        assert_same_pos(x->pos, y->pos);
        assert_same_pos(x->type_pos, y->type_pos);
        assert_int_equal(x->n_inputs, y->n_inputs);
        for (size_t k = 0; k < x->n_inputs; k++) {
            assert_string_equal(x->inputs[k], y->inputs[k]);
            assert_same_pos(x->input_pos[k], y->input_pos[k]);
        }
        assert_true(value_identical(&x->settings, &y->settings)); /* no comments here */
        assert_int_equal(x->has_xy, y->has_xy);
        assert_int_equal(x->x, y->x);
        assert_int_equal(x->y, y->y);
        assert_same_pos(x->xy_pos, y->xy_pos);
    }
}

/* Both paths on dir: same model, same diagnostics (text). */
static void compare_paths(const char *dir)
{
    pipeline a, b;
    diag_list da, db;
    diag_list_init(&da);
    diag_list_init(&db);
    bool valid = pipeline_check_folder(dir, &a, &da);
    bool loaded = pipeline_load(dir, &b, &db);
    if (loaded) {
        validate_options vo = {.check_files = true};
        pipeline_validate(&b, &vo, &db);
    }
    diag_list_sort(&db);
    char *ta = diags_text(&da), *tb = diags_text(&db);
    assert_string_equal(ta, tb);
    assert_int_equal(valid, loaded && db.n_errors == 0);
    if (loaded)
        assert_same_model(&a, &b);
    free(ta);
    free(tb);
    pipeline_free(&a);
    pipeline_free(&b);
    diag_list_free(&da);
    diag_list_free(&db);
}

static char *generate(void)
{
    char *dir = temp_dir();
    char *cmd = xasprintf("python3 '%s' '%s/p' --nodes 9000 >/dev/null", generator, dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    return dir;
}

/* Replace the first `from` after `after` in dir/rel by `to`. */
static void edit_file(const char *dir, const char *rel, const char *after, const char *from,
                      const char *to)
{
    char *path = fs_join(dir, rel), *text;
    size_t len;
    char err[256];
    assert_int_equal(fs_read_file(path, 1 << 24, &text, &len, err, sizeof(err)), 0);
    char *at = strstr(text, after);
    assert_non_null(at);
    at = strstr(at, from);
    assert_non_null(at);
    strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, text, (size_t)(at - text));
    strbuf_puts(&b, to);
    strbuf_puts(&b, at + strlen(from));
    assert_int_equal(fs_write_atomic(path, b.data, b.len, err, sizeof(err)), 0);
    strbuf_free(&b);
    free(text);
    free(path);
}

static void test_valid_pipeline_in_pieces(void **state)
{
    (void)state;
    char *dir = generate();
    char *p = fs_join(dir, "p");
    size_t before = yaml_split_joined();
    compare_paths(p);
    /* Both files were big enough to be read in pieces, and were. */
    assert_int_equal(yaml_split_joined(), before + 2);
    remove_tree(dir);
    free(p);
    free(dir);
}

/* Validation problems leave the reading in pieces; reading problems make
 * it decline; either way the two paths agree. */
static void test_problems_in_pieces(void **state)
{
    (void)state;
    char *dir = generate();
    char *p = fs_join(dir, "p");
    /* Late in the file, so in a piece of their own: an unknown input, a
     * missing SQL file, an unknown setting, a bad position, an empty value
     * where a piece may end. */
    edit_file(p, "pipeline.yaml", "  xf_4000:", "inputs:\n", "inputs:\n      - no_such_node\n");
    edit_file(p, "pipeline.yaml", "  xf_3000:", "sql: sql/", "sql: sql/missing_");
    edit_file(p, "pipeline.yaml", "  out_1500:", "type: ", "colour: blue\n    type: ");
    edit_file(p, "pipeline.yaml", "  out_1600:", "type: ", "note:\n    type: ");
    edit_file(p, "layout.yaml", "  xf_4500:", "x: ", "x: -");
    size_t before = yaml_split_joined();
    compare_paths(p);
    assert_int_equal(yaml_split_joined(), before + 2);

    /* A key repeated far apart: the pieces cannot tell, so one read does. */
    edit_file(p, "pipeline.yaml", "  xf_5000:", "  xf_5000:", "  xf_0010:");
    before = yaml_split_joined();
    compare_paths(p);
    assert_int_equal(yaml_split_joined(), before + 1); /* layout.yaml still is */

    /* A YAML error: read whole, reported once. */
    edit_file(p, "pipeline.yaml", "  xf_5100:", "type: ", "type: [unclosed\n    x: ");
    compare_paths(p);
    remove_tree(dir);
    free(p);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s bench/gen_pipeline.py\n", argv[0]);
        return 2;
    }
    generator = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_pipeline_in_pieces),
        cmocka_unit_test(test_problems_in_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
