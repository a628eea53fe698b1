/* Tests for core/yaml_split: a big document read in pieces gives exactly
 * the tree one read gives, or the reader declines and the text is read
 * whole.  Every case compares with yaml_doc_read, positions included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "yaml_split.h"

/* Split reads with small pieces, so that short texts cut too. */
static yaml_split_options small(size_t pieces, unsigned threads)
{
    yaml_split_options o = {0, pieces, threads};
    return o;
}

/* Read text whole and in pieces: returns whether the split read took it.
 * When it did, the trees must be identical and the whole read clean. */
static bool check_split(const char *text, size_t pieces, unsigned threads)
{
    size_t len = strlen(text);
    yaml_doc whole, split;
    diag_list diags;
    diag_list_init(&diags);
    bool whole_ok = yaml_doc_read(text, len, "t.yaml", false, &whole, &diags);
    yaml_split_options o = small(pieces, threads);
    bool took = yaml_split_read(text, len, "t.yaml", &o, &split);
    if (took) {
        assert_true(whole_ok);
        assert_int_equal(diags.n, 0);
        assert_true(value_identical(&whole.root, &split.root));
        yaml_doc_free(&split);
    }
    yaml_doc_free(&whole);
    diag_list_free(&diags);
    return took;
}

/* A pipeline-shaped text of n nodes per section, with flow lists, quoted
 * values, block scalars, comments, nested maps and empty values. */
static char *pipeline_text(int n)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "weir: 1\n\npipeline:\n  name: big\n  tags: [a, b]\n\n");
    static const char *const sections[] = {"sources", "transforms", "sinks"};
    for (int s = 0; s < 3; s++) {
        strbuf_printf(&b, "%s:\n", sections[s]);
        for (int i = 0; i < n; i++) {
            strbuf_printf(&b, "  n%d_%d:\n    type: sql\n", s, i);
            if (i % 3 == 0)
                strbuf_printf(&b, "    # a comment\n    description: \"quoted %d\"\n", i);
            if (i % 4 == 1)
                strbuf_printf(&b, "    query: |\n      select %d\n\n      from x\n", i);
            if (i % 5 == 2)
                strbuf_printf(&b, "    inputs: [n0_%d, 'n0_%d']\n", i, i + 1);
            if (i % 7 == 3)
                strbuf_printf(&b, "    options:\n      retries: %d\n      keys:\n      - k\n", i);
            if (i % 2 == 0) /* an empty value last: placed at the next key */
                strbuf_puts(&b, i % 4 ? "    note:\n" : "    list:\n    -\n");
        }
        strbuf_puts(&b, "\n");
    }
    return b.data;
}

static void test_pipeline_cuts_and_matches(void **state)
{
    (void)state;
    char *text = pipeline_text(200);
    for (size_t pieces = 2; pieces <= 12; pieces++) {
        assert_true(check_split(text, pieces, 1));
        assert_true(check_split(text, pieces, 3));
    }
    free(text);
}

static void test_defaults_need_a_big_text(void **state)
{
    (void)state;
    yaml_split_options d = yaml_split_defaults();
    assert_true(d.min_bytes >= 64 * 1024);
    assert_true(d.max_pieces >= 2);
    assert_true(d.threads >= 1 && d.threads <= 4);
    char *text = pipeline_text(10);
    yaml_doc doc;
    assert_false(yaml_split_read(text, strlen(text), "t.yaml", NULL, &doc));
    free(text);
}

/* Texts where a cut at a key-looking line would change the tree: the
 * split read must decline or agree. */
static void test_lines_that_only_look_like_cuts(void **state)
{
    (void)state;
    static const char *const texts[] = {
        /* block scalar content at the entries' column */
        "a: 1\ndescription: |2\n  b: 2\n  c: 3\nsection:\n  x: 1\n  y: 2\n",
        /* quoted and flow scalars across lines */
        "a: \"one\nb: two\"\nc: 3\n",
        "a: 'one\n  b: two'\nc: 3\n",
        "a: {x: 1,\nb: 2}\nc: 3\n",
        "s:\n  a: [1,\n  b: 2]\n  c: 3\n",
        /* a second document hidden by the cut */
        "a: 1\n...\nb: 2\n",
        "a: 1\n---\nb: 2\n",
        /* a root that is not a block mapping at column 0 */
        " a: 1\nb: 2\n",
        "{a: 1}\nb: 2\n",
        "- a\nb: 2\n",
        /* the root's last value is not a mapping at the cut's column */
        "a: plain\n  b: 2\n  c: 3\n",
        "s:\n- x\n  b: 2\n",
        "s:\n    a: 1\n  b: 2\n",
        /* keys repeated across pieces */
        "a: 1\nb: 2\nc: 3\na: 4\n",
        "s:\n  a: 1\n  b: 2\n  c: 3\n  a: 4\n",
        /* other line breaks shift line numbers */
        "a: 1\r\nb: 2\r\nc: 3\r\n",
        "a: 1\nb: \"x\xe2\x80\xa8y\"\nc: 3\nd: 4\n",
        "a: 1\nb: x\xc2\x85y\nc: 3\nd: 4\n",
        /* an empty value at a piece's end: one read places it at the
         * next piece's first key */
        "s:\n  a:\n  - ? \n  b: 1\n  c: 2\n",
        "s:\n  a:\n  - ? x\n  b: 1\n  c: 2\n",
        /* a directive, tabs, an alias */
        "a: 1\n%YAML 1.1\nb: 2\n",
        "a: 1\nb:\t2\nc: 3\n",
        "a: &x 1\nb: *x\nc: 3\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        for (size_t pieces = 2; pieces <= 6; pieces++)
            check_split(texts[i], pieces, 2); /* asserts agreement when taken */
}

/* Declining matters as much: a text with a problem is never split. */
static void test_problems_are_left_to_the_whole_read(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "a: 1\n...\nb: 2\n",
        "a: 1\nb: 2\nc: 3\na: 4\n",
        "s:\n  a: 1\n  b: 2\n  c: 3\n  a: 4\n",
        "a: {x: 1,\nb: 2}\nc: 3\n",
        "a: 1\nb: 2\nc: [\nd: 4\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        yaml_doc doc;
        yaml_split_options o = small(4, 2);
        assert_false(yaml_split_read(texts[i], strlen(texts[i]), "t.yaml", &o, &doc));
    }
}

/* n filler entries "  fN: 1" of a section. */
static void add_filler(strbuf *b, int from, int n)
{
    for (int i = from; i < from + n; i++)
        strbuf_printf(b, "  f%d: 1\n", i);
}

/* The nesting limit counts from the file's root, not a piece's: a deep
 * entry of a section, read in a piece of its own, is one level deeper in
 * the file. */
static void test_depth_counts_from_the_file_root(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "a: 1\ns:\n");
    add_filler(&b, 0, 400);
    /* y's value nests so that the file holds YAML_MAX_DEPTH + 1
     * collections: the root, s, y's map and one per k below. */
    strbuf_puts(&b, "  y:\n");
    for (int d = 3; d <= YAML_MAX_DEPTH; d++)
        strbuf_printf(&b, "%*sk:\n", 2 * d - 2, "");
    strbuf_printf(&b, "%*sv: 1\n", 2 * YAML_MAX_DEPTH, "");
    add_filler(&b, 400, 400);
    yaml_doc whole;
    diag_list diags;
    diag_list_init(&diags);
    bool whole_ok = yaml_doc_read(b.data, b.len, "t.yaml", false, &whole, &diags);
    assert_false(whole_ok); /* the file is too deep */
    for (size_t pieces = 2; pieces <= 8; pieces++)
        assert_false(check_split(b.data, pieces, 1));
    yaml_doc_free(&whole);
    diag_list_free(&diags);
    strbuf_free(&b);
}

/* A piece that reads with a diagnostic (a key repeated within it) makes
 * the whole text be read whole, where the diagnostic is reported. */
static void test_a_piece_with_a_problem_declines(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "s:\n  a: 1\n  a: 2\n");
    add_filler(&b, 0, 800);
    for (size_t pieces = 2; pieces <= 8; pieces++)
        assert_false(check_split(b.data, pieces, 2));
    strbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_cuts_and_matches),
        cmocka_unit_test(test_defaults_need_a_big_text),
        cmocka_unit_test(test_lines_that_only_look_like_cuts),
        cmocka_unit_test(test_problems_are_left_to_the_whole_read),
        cmocka_unit_test(test_depth_counts_from_the_file_root),
        cmocka_unit_test(test_a_piece_with_a_problem_declines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
