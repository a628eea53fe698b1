/* Tests for the arena-held document tree (issue 2, point 8): core/arena.c,
 * yaml_doc (yaml_read.h), the settings a loaded pipeline borrows from it
 * (value.in_arena), and the layout read on a second thread (load.c).
 * Under ASan these also prove that no arena piece is ever freed alone and
 * that nothing leaks when borrowed settings are edited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "helpers.h"
#include "idindex.h"
#include "load.h"
#include "util.h"
#include "validate.h"
#include "yaml_read.h"

static void test_arena_pieces(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *prev = NULL;
    /* Enough pieces for several blocks; each aligned, each keeping its bytes. */
    enum { N = 20000 };
    void **pieces = xmalloc(N * sizeof(void *));
    for (size_t i = 0; i < N; i++) {
        size_t size = 1 + i % 97;
        unsigned char *p = arena_alloc(a, size);
        assert_int_equal((uintptr_t)p % sizeof(void *), 0);
        memset(p, (int)(i & 0xff), size);
        pieces[i] = p;
    }
    for (size_t i = 0; i < N; i++) {
        const unsigned char *p = pieces[i];
        size_t size = 1 + i % 97;
        assert_int_equal(p[0], i & 0xff);
        assert_int_equal(p[size - 1], i & 0xff);
    }
    free(pieces);
    /* A piece larger than a block gets a block of its own; small pieces
     * still come after it. */
    char *big = arena_alloc(a, 10 * 1024 * 1024);
    memset(big, 'x', 10 * 1024 * 1024);
    prev = arena_strndup(a, "hello, world", 5);
    assert_string_equal(prev, "hello");
    assert_true(arena_used(a) > 10 * 1024 * 1024);
    arena_free(a);
    arena_free(NULL);
}

static const char *const doc_text = "a: 1\n"
                                    "b:\n"
                                    "  - x\n"
                                    "  - {c: 'd'}\n";

/* Adopting moves every block: pieces of both arenas live until the
 * adopter is freed (ASan reports a leak or a use after free otherwise). */
static void test_arena_adopt(void **state)
{
    (void)state;
    arena *into = arena_new(), *from = arena_new(), *empty = arena_new();
    char *a = arena_strndup(into, "kept", 4);
    char *pieces[100];
    for (int i = 0; i < 100; i++) /* several blocks, and big pieces of their own */
        pieces[i] = memset(arena_alloc(from, i % 10 ? 1000 : 300000), 'a' + i % 26, 1000);
    size_t used = arena_used(into) + arena_used(from);
    arena_adopt(into, from);
    arena_adopt(into, NULL);
    arena_adopt(into, empty);
    assert_int_equal(arena_used(into), used);
    char *b = arena_strndup(into, "after", 5); /* into still hands out room */
    assert_string_equal(a, "kept");
    assert_string_equal(b, "after");
    for (int i = 0; i < 100; i++)
        assert_int_equal(pieces[i][999], 'a' + i % 26);
    arena_free(into);

    arena *fresh = arena_new(), *full = arena_new();
    char *c = arena_strndup(full, "moved", 5);
    arena_adopt(fresh, full); /* into had no block yet */
    assert_string_equal(c, "moved");
    assert_string_equal(arena_strndup(fresh, "more", 4), "more");
    arena_free(fresh);
}

/* Arenas lent a region: their first pieces land in it, the rest in
 * blocks of their own; adopted together with the region's own arena (in
 * any order), everything lives until the adopter is freed. */
static void test_arena_new_in_a_region(void **state)
{
    (void)state;
    arena *region = arena_new();
    size_t share = 3 * 1024 * 1024; /* two shares: a region on huge pages */
    char *base = arena_alloc(region, 2 * share);
    arena *a = arena_new_in(base, share), *b = arena_new_in(base + share, share);
    char *in_a = arena_strndup(a, "first", 5);
    assert_true(in_a >= base && in_a < base + share);
    char *big = arena_alloc(b, 4 * share); /* no room in its share: a block of its own */
    assert_true(big < base || big >= base + 2 * share);
    memset(big, 'x', 4 * share);
    char text[512];
    memset(text, 'y', sizeof(text));
    for (int i = 0; i < 10000; i++) /* fills a's share, then blocks of its own */
        arena_strndup(a, text, 48 + i % 400);
    arena *doc = arena_new();
    arena_adopt(doc, region); /* the region first: its blocks are freed first */
    arena_adopt(doc, a);
    arena_adopt(doc, b);
    assert_string_equal(in_a, "first");
    assert_int_equal(big[4 * share - 1], 'x');
    arena_free(doc);

    arena *none = arena_new_in(NULL, 0); /* no region: an ordinary arena */
    assert_string_equal(arena_strndup(none, "ok", 2), "ok");
    arena_free(none);
}

static void test_doc_is_arena_and_copies_are_heap(void **state)
{
    (void)state;
    diag_list diags;
    diag_list_init(&diags);
    yaml_doc doc;
    assert_true(yaml_doc_read(doc_text, strlen(doc_text), "t.yaml", false, &doc, &diags));
    assert_int_equal(diags.n, 0);
    const value *b = value_map_get(&doc.root, "b");
    assert_non_null(b);
    assert_true(doc.root.in_arena && b->in_arena && b->items[1].in_arena);
    assert_string_equal(value_map_get(&b->items[1], "c")->text, "d");
    assert_true(value_map_get(&b->items[1], "c")->quoted);

    /* value_copy makes heap values all the way down. */
    value copy;
    value_copy(&copy, &doc.root);
    yaml_doc_free(&doc);
    const value *cb = value_map_get(&copy, "b");
    assert_false(copy.in_arena || cb->in_arena || cb->items[1].keys[0].in_arena);
    assert_string_equal(cb->items[0].text, "x");
    /* A heap tree grows like any other. */
    value_set_scalar(value_list_push((value *)cb), "y");
    assert_int_equal(cb->n, 3);
    value_free(&copy);

    /* The value API's reader hands out heap trees. */
    value v;
    assert_true(yaml_read_buffer(doc_text, strlen(doc_text), "t.yaml", &v, &diags));
    assert_false(v.in_arena);
    value_free(&v);

    /* A failed read leaves an empty document that is safe to free. */
    assert_false(yaml_doc_read("a: [", 4, "t.yaml", false, &doc, &diags));
    assert_null(doc.mem);
    yaml_doc_free(&doc);
    diag_list_free(&diags);
}

/* Duplicate keys of a big map (past the pairwise check) are reported in
 * source order, each naming the line of the first. */
static void test_duplicates_in_a_big_map(void **state)
{
    (void)state;
    strbuf sb;
    strbuf_init(&sb);
    for (int i = 0; i < 40; i++)
        strbuf_printf(&sb, "k%d: %d\n", i % 30, i);
    bool ok;
    char *got = read_yaml(sb.data, sb.len, &ok);
    assert_true(ok);
    strbuf expected;
    strbuf_init(&expected);
    for (int i = 30; i < 40; i++)
        strbuf_printf(&expected,
                      "%st.yaml:%d:1: error: duplicate key 'k%d' (first defined at line %d)",
                      i > 30 ? "\n" : "", i + 1, i % 30, i % 30 + 1);
    assert_string_equal(got, expected.data);
    free(got);
    strbuf_free(&expected);
    strbuf_free(&sb);
}

static void test_id_index_put_reports_the_first(void **state)
{
    (void)state;
    id_index ix;
    id_index_init(&ix, 0);
    assert_int_equal(id_index_put(&ix, "a", 3), -1);
    assert_int_equal(id_index_put(&ix, "b", 4), -1);
    assert_int_equal(id_index_put(&ix, "a", 5), 3);
    assert_int_equal(id_index_get(&ix, "a"), 3);
    assert_int_equal(ix.n, 2);
    id_index_free(&ix);
}

static const char *const pipeline_text = "weir: 1\n"
                                         "pipeline:\n"
                                         "  name: t\n"
                                         "sources:\n"
                                         "  s:\n"
                                         "    format: jsonl\n"
                                         "    type: file\n"
                                         "    path: in.jsonl\n"
                                         "    description: the input\n"
                                         "    schema:\n"
                                         "      id: integer\n"
                                         "sinks:\n"
                                         "  out:\n"
                                         "    type: stdout\n"
                                         "    inputs: [s]\n";

/* Settings borrowed from the tree, then edited every way the model allows:
 * the edits land on the heap, the rest stays in the arena, and freeing the
 * pipeline frees both (ASan checks the rest). */
static void test_borrowed_settings_edit_and_free(void **state)
{
    (void)state;
    for (int with_comments = 0; with_comments < 2; with_comments++) {
        diag_list diags;
        diag_list_init(&diags);
        pipeline p;
        load_options opts = {.skip_comments = !with_comments};
        assert_true(pipeline_load_buffer_with(pipeline_text, strlen(pipeline_text), ".", &opts, &p,
                                              &diags));
        assert_int_equal(diags.n_errors, 0);
        assert_non_null(p.mem);
        node *s = pipeline_find(&p, "s");
        /* Settings in file order, without type and description. */
        assert_int_equal(s->settings.n, 3);
        assert_string_equal(s->settings.keys[0].text, "format");
        assert_string_equal(s->settings.keys[1].text, "path");
        assert_string_equal(s->settings.keys[2].text, "schema");
        assert_true(s->settings.in_arena);
        assert_string_equal(s->type, "file");
        assert_string_equal(s->description, "the input");
        /* The sink has no setting: an empty heap map. */
        assert_int_equal(pipeline_find(&p, "out")->settings.n, 0);

        pipeline copy;
        pipeline_copy(&copy, &p);
        assert_null(copy.mem);

        node_set_setting(s, "path", "other.jsonl"); /* replace in place */
        assert_string_equal(node_setting_text(s, "path"), "other.jsonl");
        assert_false(s->settings.items[1].in_arena);
        node_set_setting(s, "sample", "samples/s.jsonl"); /* grow: to the heap */
        assert_false(s->settings.in_arena);
        assert_int_equal(s->settings.n, 4);
        assert_string_equal(node_setting_text(s, "format"), "jsonl");
        node_unset_setting(s, "format");
        value *schema = (value *)node_setting(s, "schema");
        value_set_scalar(value_map_put(schema, "name"), "text"); /* an arena child map */
        assert_int_equal(node_setting(s, "schema")->n, 2);

        /* The copy kept the file's values. */
        assert_string_equal(node_setting_text(pipeline_find(&copy, "s"), "path"), "in.jsonl");
        pipeline_free(&copy);
        pipeline_free(&p);
        diag_list_free(&diags);
    }
}

/* layout.yaml is parsed on a second thread: its problems still come after
 * pipeline.yaml's, and positions still land on the nodes. */
static void test_layout_beside_pipeline(void **state)
{
    (void)state;
    char *dir = temp_dir();
    write_text(dir, "pipeline.yaml",
               "weir: 1\npipeline:\n  name: t\n  nme: x\nsources:\n"
               "  s:\n    type: file\n    path: in.jsonl\n    format: jsonl\n"
               "    sample: in.jsonl\n"
               "sinks:\n  out:\n    type: stdout\n    inputs: [s]\n");
    write_text(dir, "in.jsonl", "{}\n");
    write_text(dir, "layout.yaml",
               "weir: 1\npositions:\n  s: {x: 1, y: 2}\n  ghost: {x: 3, y: 4}\n"
               "  out: {x: 5}\n");
    diag_list diags;
    diag_list_init(&diags);
    pipeline p;
    assert_true(pipeline_load_with(dir, &(load_options){.skip_comments = true}, &p, &diags));
    char *got = diags_text(&diags);
    assert_string_equal(got,
                        "pipeline.yaml:4:3: error: unknown key 'nme' in 'pipeline' (did you mean "
                        "'name'?)\n"
                        "layout.yaml:4:3: warning: position for 'ghost', which is not a node (it "
                        "will be dropped on save)\n"
                        "layout.yaml:5:8: error: the position of 'out' needs 'x' and 'y'");
    free(got);
    node *s = pipeline_find(&p, "s");
    assert_true(p.has_layout && s->has_xy && s->x == 1 && s->y == 2);
    assert_false(pipeline_find(&p, "out")->has_xy);
    pipeline_free(&p);
    diag_list_free(&diags);

    /* A layout that does not parse: its error, no positions. */
    write_text(dir, "layout.yaml", "weir: 1\npositions: [\n");
    diag_list_init(&diags);
    assert_true(pipeline_load_with(dir, NULL, &p, &diags));
    assert_int_equal(diags.n_errors, 2);
    assert_string_equal(diags.items[1].path, "layout.yaml");
    assert_false(p.has_layout);
    pipeline_free(&p);
    diag_list_free(&diags);

    /* No pipeline.yaml: one error, and nothing of the layout's. */
    char *gone = xasprintf("%s/pipeline.yaml", dir);
    remove(gone);
    free(gone);
    diag_list_init(&diags);
    assert_false(pipeline_load_with(dir, NULL, &p, &diags));
    assert_int_equal(diags.n, 1);
    assert_string_equal(diags.items[0].path, "pipeline.yaml");
    pipeline_free(&p);
    diag_list_free(&diags);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_pieces),
        cmocka_unit_test(test_arena_adopt),
        cmocka_unit_test(test_arena_new_in_a_region),
        cmocka_unit_test(test_doc_is_arena_and_copies_are_heap),
        cmocka_unit_test(test_duplicates_in_a_big_map),
        cmocka_unit_test(test_id_index_put_reports_the_first),
        cmocka_unit_test(test_borrowed_settings_edit_and_free),
        cmocka_unit_test(test_layout_beside_pipeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
