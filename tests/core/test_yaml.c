/* Tests for the YAML reader as the loader uses it: syntax errors, duplicate
 * keys, and hostile input (alias bombs and cycles, deep nesting, huge
 * scalars and files, invalid UTF-8, NUL bytes, roots that are not a
 * mapping, several documents).  Each must give one clear, positioned error
 * in bounded time and memory; the tests compare the exact text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "load.h"
#include "util.h"
#include "yaml_read.h"

#define ROOT_MSG                                                                                   \
    "the top level must be a mapping with 'weir', 'pipeline', 'sources', "                         \
    "'transforms' and 'sinks', not "

static void want(const char *yaml, const char *expected)
{
    char *got = check_yaml(yaml);
    assert_string_equal(got, expected);
    free(got);
}

static void want_len(const char *yaml, size_t len, const char *expected)
{
    char *got = check_yaml_len(yaml, len);
    assert_string_equal(got, expected);
    free(got);
}

/* ---- syntax errors ---------------------------------------------------- */

static void test_syntax_unclosed_flow_mapping(void **state)
{
    (void)state;
    /* The '}' is missing: libyaml notices at the end of the input (line 6)
     * and names the line the mapping opened on. */
    want("weir: 1\npipeline:\n  name: x\nsources:\n  a: {type: kafka\n",
         "pipeline.yaml:6:1: error: YAML syntax error: did not find expected ',' or '}' "
         "while parsing a flow mapping (line 5)");
}

static void test_syntax_unclosed_flow_sequence(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n  name: [a, b\nsinks: {}\n",
         "pipeline.yaml:4:6: error: YAML syntax error: did not find expected ',' or ']' "
         "while parsing a flow sequence (line 3)");
}

static void test_syntax_bad_indentation(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n  name: x\n version: 2\n",
         "pipeline.yaml:4:2: error: YAML syntax error: did not find expected key while "
         "parsing a block mapping (line 1)");
}

static void test_syntax_mapping_in_plain_scalar(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n  name: a: b\n",
         "pipeline.yaml:3:10: error: YAML syntax error: mapping values are not allowed in "
         "this context");
}

static void test_syntax_unterminated_quote(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n  name: \"abc\n",
         "pipeline.yaml:4:1: error: YAML syntax error: found unexpected end of stream "
         "while scanning a quoted scalar (line 3)");
}

static void test_syntax_tab_indentation(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n\tname: x\n",
         "pipeline.yaml:3:1: error: YAML syntax error: found character that cannot start "
         "any token while scanning for the next token (line 3)");
}

static void test_syntax_list_item_in_mapping(void **state)
{
    (void)state;
    want("weir: 1\npipeline:\n  name: x\n  - a\n",
         "pipeline.yaml:4:3: error: YAML syntax error: did not find expected key while "
         "parsing a block mapping (line 3)");
}

static void test_complex_key_refused(void **state)
{
    (void)state;
    want("weir: 1\npipeline: {name: x}\n? [a]\n: b\n",
         "pipeline.yaml:3:3: error: a mapping key must be a plain scalar");
    want("weir: 1\npipeline: {name: x}\n? {a: 1}\n: b\n",
         "pipeline.yaml:3:3: error: a mapping key must be a plain scalar");
}

/* ---- duplicate keys --------------------------------------------------- */

static void test_duplicate_keys_every_one(void **state)
{
    (void)state;
    /* Every repeat is reported, each naming the first definition; at the
     * top level, in the metadata and inside a flow mapping. */
    want("weir: 1\n"
         "pipeline:\n"
         "  name: x\n"
         "  name: y\n"
         "  name: z\n"
         "  description: a\n"
         "sinks: {}\n"
         "sinks: {}\n"
         "transforms:\n"
         "  t: {type: sql, sql: a.sql, inputs: [s], sql: b.sql}\n"
         "sources:\n"
         "  s: {type: file, path: p, format: csv}\n",
         "pipeline.yaml:4:3: error: duplicate key 'name' (first defined at line 3)\n"
         "pipeline.yaml:5:3: error: duplicate key 'name' (first defined at line 3)\n"
         "pipeline.yaml:8:1: error: duplicate key 'sinks' (first defined at line 7)\n"
         "pipeline.yaml:10:43: error: duplicate key 'sql' (first defined at line 10)\n"
         "pipeline.yaml:12:3: warning: source 's' has no 'sample': preview will show no "
         "records");
}

static void test_duplicate_keys_many(void **state)
{
    (void)state;
    /* 100,000 repeats of one key: each named once, each pointing at line 1,
     * found in O(n log n) (this took minutes when each repeat searched
     * back for the first). */
    enum { N = 100000 };
    char *doc = xmalloc(N * 5 + 1);
    for (size_t i = 0; i < N; i++)
        memcpy(doc + 5 * i, "a: 1\n", 5);
    doc[N * 5] = '\0';
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(doc, N * 5, ".", &p, &diags));
    size_t dups = 0;
    for (size_t i = 0; i < diags.n; i++) {
        if (strcmp(diags.items[i].message, "duplicate key 'a' (first defined at line 1)") != 0)
            continue;
        assert_int_equal(diags.items[i].line, (int)dups + 2);
        dups++;
    }
    assert_int_equal(dups, N - 1);
    pipeline_free(&p);
    diag_list_free(&diags);
    free(doc);
}

static void test_duplicate_node_ids(void **state)
{
    (void)state;
    /* In one section a duplicate key; across sections an id reused. */
    want("weir: 1\n"
         "pipeline: {name: x}\n"
         "sources:\n"
         "  s: {type: file, path: p, format: csv, sample: s.csv}\n"
         "  s: {type: file, path: q, format: csv, sample: s.csv}\n"
         "sinks:\n"
         "  s: {type: stdout, inputs: [s]}\n",
         "pipeline.yaml:5:3: error: duplicate key 's' (first defined at line 4)\n"
         "pipeline.yaml:7:3: error: id 's' is already used by the source at line 4");
}

/* ---- aliases ---------------------------------------------------------- */

static void test_alias_bomb(void **state)
{
    (void)state;
    /* Billion laughs: refused at the first alias, before any expansion. */
    want("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
         "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
         "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
         "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
         "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
         "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
         "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
         "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n",
         "pipeline.yaml:2:8: error: YAML aliases (*name) are not allowed in weir files; "
         "write the value out");
}

static void test_alias_cycle(void **state)
{
    (void)state;
    want("a: &a [*a]\n", "pipeline.yaml:1:8: error: YAML aliases (*name) are not "
                         "allowed in weir files; write the value out");
    want("weir: 1\npipeline: &p {name: x, self: *p}\n",
         "pipeline.yaml:2:30: error: YAML aliases (*name) are not allowed in weir files; "
         "write the value out");
}

static void test_anchor_without_alias_is_harmless(void **state)
{
    (void)state;
    want("weir: 1\npipeline: &p {name: x}\n", "");
}

/* ---- nesting ---------------------------------------------------------- */

static char *repeat(const char *s, size_t times, const char *tail)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < times; i++)
        strbuf_puts(&sb, s);
    strbuf_puts(&sb, tail);
    return strbuf_detach(&sb);
}

static void test_nesting_flow_sequences_20000(void **state)
{
    (void)state;
    char *open = repeat("[", 20000, "");
    char *text = repeat("]", 20000, "\n");
    char *doc = xasprintf("%s%s", open, text);
    /* The 65th '[' is one level too many. */
    want(doc, "pipeline.yaml:1:65: error: nesting too deep (over 64 levels)");
    free(open);
    free(text);
    free(doc);
}

static void test_nesting_flow_mappings_20000(void **state)
{
    (void)state;
    char *doc = repeat("{a: ", 20000, "1");
    want(doc, "pipeline.yaml:1:257: error: nesting too deep (over 64 levels)");
    free(doc);
}

static void test_nesting_block_sequences_20000(void **state)
{
    (void)state;
    char *doc = repeat("- ", 20000, "x\n");
    want(doc, "pipeline.yaml:1:129: error: nesting too deep (over 64 levels)");
    free(doc);
}

/* Block mappings need one more column of indentation per level. */
static char *block_mappings(size_t depth)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < depth; i++) {
        for (size_t j = 0; j < i; j++)
            strbuf_putc(&sb, ' ');
        strbuf_puts(&sb, "k:\n");
    }
    return strbuf_detach(&sb);
}

static void test_nesting_block_mappings_5000(void **state)
{
    (void)state;
    /* 12.5 MB, under the file limit: the depth limit stops it at line 65. */
    char *doc = block_mappings(5000);
    want(doc, "pipeline.yaml:65:65: error: nesting too deep (over 64 levels)");
    free(doc);
}

static void test_nesting_block_mappings_20000(void **state)
{
    (void)state;
    /* 20,000 levels of block mappings take 200 MB of indentation: the file
     * size limit refuses it before parsing; written to disk and loaded. */
    char *dir = temp_dir();
    char *path = xasprintf("%s/pipeline.yaml", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    char *spaces = xmalloc(20000);
    memset(spaces, ' ', 20000);
    size_t total = 0;
    for (size_t i = 0; i < 20000; i++) {
        fwrite(spaces, 1, i, f);
        fputs("k:\n", f);
        total += i + 3;
    }
    fclose(f);
    free(spaces);
    char *got = check_folder(dir);
    char *want = xasprintf("pipeline.yaml:1:1: error: file too large (%zu bytes; the limit is "
                           "16 MiB)",
                           total);
    assert_string_equal(got, want);
    free(got);
    free(want);
    free(path);
    remove_tree(dir);
    free(dir);
}

/* ---- sizes ------------------------------------------------------------ */

static void test_scalar_60mb_file(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char *path = xasprintf("%s/pipeline.yaml", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("weir: 1\npipeline:\n  name: ", f);
    char *chunk = xmalloc(1024 * 1024);
    memset(chunk, 'x', 1024 * 1024);
    for (int i = 0; i < 60; i++)
        fwrite(chunk, 1, 1024 * 1024, f);
    fputs("\n", f);
    fclose(f);
    size_t size = 26 + 60 * 1024 * 1024 + 1;
    char *got = check_folder(dir);
    char *want = xasprintf("pipeline.yaml:1:1: error: file too large (%zu bytes; the limit is "
                           "16 MiB)",
                           size);
    assert_string_equal(got, want);
    free(got);
    free(want);

    /* The same text handed over in memory (the fuzzer's way in). */
    char *buf = xmalloc(size + 1);
    memcpy(buf, "weir: 1\npipeline:\n  name: ", 26);
    memset(buf + 26, 'x', 60 * 1024 * 1024);
    buf[size - 1] = '\n';
    buf[size] = '\0';
    want = xasprintf("pipeline.yaml:1:1: error: file too large (%zu bytes; the limit is 16 MiB)",
                     size);
    want_len(buf, size, want);
    free(want);
    free(buf);
    free(chunk);
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_file_size_limit(void **state)
{
    (void)state;
    /* Exactly 16 MiB (padded with a comment) is read; one byte more is not. */
    const char *head = "weir: 1\npipeline: {name: x}\n#";
    size_t size = YAML_MAX_FILE_BYTES;
    char *buf = xmalloc(size + 2);
    memset(buf, 'x', size + 1);
    memcpy(buf, head, strlen(head));
    buf[size - 1] = '\n';
    want_len(buf, size, "");
    buf[size] = '\n';
    want_len(buf, size + 1,
             "pipeline.yaml:1:1: error: file too large (16777217 bytes; the limit is 16 MiB)");
    free(buf);
}

static void test_scalar_size_limit(void **state)
{
    (void)state;
    /* Exactly 64 KiB is fine; one byte more is refused at its position. */
    char *ok = xmalloc(YAML_MAX_SCALAR_BYTES + 1);
    memset(ok, 'x', YAML_MAX_SCALAR_BYTES);
    ok[YAML_MAX_SCALAR_BYTES] = '\0';
    char *doc = xasprintf("weir: 1\npipeline:\n  name: x\n  description: %s\n", ok);
    want(doc, "");
    free(doc);
    doc = xasprintf("weir: 1\npipeline:\n  name: x\n  description: %sy\n", ok);
    want(doc, "pipeline.yaml:4:16: error: value too long (over 64 KiB)");
    free(doc);
    free(ok);
}

static void test_value_count_limit(void **state)
{
    (void)state;
    /* [a,a,a,...]: the list is value 1, the k-th 'a' value k+1, at column
     * 2k; value 2,000,001 is refused. */
    size_t n = YAML_MAX_VALUES + 10;
    char *doc = xmalloc(2 * n + 3);
    doc[0] = '[';
    for (size_t i = 0; i < n; i++) {
        doc[1 + 2 * i] = 'a';
        doc[2 + 2 * i] = ',';
    }
    doc[2 * n] = ']';
    doc[2 * n + 1] = '\n';
    doc[2 * n + 2] = '\0';
    want(doc, "pipeline.yaml:1:4000000: error: document too large (over 2,000,000 "
              "values)");
    free(doc);
}

/* ---- encoding --------------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* Each points at the first byte of the broken character. */
    want("weir: 1\npipeline:\n  name: x\n  owner: \x80\n",
         "pipeline.yaml:4:10: error: not valid UTF-8 (invalid leading UTF-8 octet)");
    want("weir: 1\npipeline:\n  name: x\n  owner: \xff\n",
         "pipeline.yaml:4:10: error: not valid UTF-8 (invalid leading UTF-8 octet)");
    want("weir: 1\npipeline:\n  name: x\n  bad\xc3(: 1\n",
         "pipeline.yaml:4:6: error: not valid UTF-8 (invalid trailing UTF-8 octet)");
    want("weir: 1\npipeline:\n  name: x\n  owner: \xe2\x82\n",
         "pipeline.yaml:4:10: error: not valid UTF-8 (invalid trailing UTF-8 octet)");
    /* A valid emoji first: columns count characters, not bytes. */
    want("weir: 1\npipeline:\n  name: x\n  owner: \xf0\x9f\x98\x80\xf0\x9f\x98z\n",
         "pipeline.yaml:4:11: error: not valid UTF-8 (invalid trailing UTF-8 octet)");
    want("weir: 1\npipeline:\n  name: x\n  owner: \xc0\xaf\n",
         "pipeline.yaml:4:10: error: not valid UTF-8 (invalid length of a UTF-8 "
         "sequence)");
    /* A UTF-16 surrogate encoded in UTF-8 (CESU) is not a character. */
    want("weir: 1\npipeline:\n  name: x\n  owner: \xed\xa0\x80\n",
         "pipeline.yaml:4:10: error: not valid UTF-8 (invalid Unicode character)");
    /* Cut off at the end of the file. */
    const char *cut = "weir: 1\npipeline:\n  name: x\n  owner: \xe2\x82";
    want_len(cut, strlen(cut),
             "pipeline.yaml:4:10: error: not valid UTF-8 (incomplete UTF-8 octet "
             "sequence)");
}

static void test_nul_bytes(void **state)
{
    (void)state;
    static const char doc[] = "weir: 1\npipeline:\n  name: \0x\n";
    want_len(doc, sizeof(doc) - 1,
             "pipeline.yaml:3:9: error: a NUL byte is not allowed in a YAML file");
    static const char lone[] = "\0";
    want_len(lone, 1,
             "pipeline.yaml:1:1: error: a NUL byte is not allowed in a YAML "
             "file");
    /* Other control characters get libyaml's word for it. */
    want("weir: 1\npipeline:\n  name: x\x01y\n",
         "pipeline.yaml:3:10: error: control characters are not allowed");
    /* An escaped NUL inside double quotes is valid YAML but not a value
     * weir can hold in C strings. */
    want("weir: 1\npipeline:\n  name: \"a\\0b\"\n",
         "pipeline.yaml:3:9: error: value contains a NUL character");
}

static void test_byte_order_mark_accepted(void **state)
{
    (void)state;
    want("\xef\xbb\xbfweir: 1\npipeline: {name: x}\n", "");
    /* Columns on line 1 do not count the invisible mark. */
    want("\xef\xbb\xbfweir: 2\npipeline: {name: x}\n",
         "pipeline.yaml:1:7: error: format version 2 is not supported; this weir reads "
         "version 1 (upgrade weir)");
}

/* ---- the root --------------------------------------------------------- */

static void test_root_not_a_mapping(void **state)
{
    (void)state;
    want("- a\n- b\n", "pipeline.yaml:1:1: error: " ROOT_MSG "a list");
    want("hello\n", "pipeline.yaml:1:1: error: " ROOT_MSG "a scalar");
    want("  \"hello\"\n", "pipeline.yaml:1:3: error: " ROOT_MSG "a scalar");
    want("---\n", "pipeline.yaml:2:1: error: " ROOT_MSG "a scalar");
}

static void test_root_empty(void **state)
{
    (void)state;
    want("", "pipeline.yaml:1:1: error: file is empty");
    want("# only a comment\n\n", "pipeline.yaml:1:1: error: file is empty");
    want_len("", 0, "pipeline.yaml:1:1: error: file is empty");
}

static void test_several_documents(void **state)
{
    (void)state;
    want("---\nweir: 1\npipeline: {name: x}\n---\nweir: 1\n",
         "pipeline.yaml:4:1: error: a second YAML document in one file; a weir file holds "
         "exactly one");
    want("weir: 1\npipeline: {name: x}\n---\n",
         "pipeline.yaml:3:1: error: a second YAML document in one file; a weir file holds "
         "exactly one");
    /* A document end marker alone is fine. */
    want("weir: 1\npipeline: {name: x}\n...\n", "");
}

static void test_reader_leaves_output_empty_on_failure(void **state)
{
    (void)state;
    value v;
    diag_list diags;
    diag_list_init(&diags);
    assert_false(yaml_read_buffer("a: [1, {b: *c}]", 15, "t.yaml", &v, &diags));
    assert_int_equal(v.kind, 0);
    assert_null(v.items);
    assert_int_equal(diags.n_errors, 1);
    diag_list_free(&diags);

    bool ok;
    char *got = read_yaml("a: 1\nb: [x, y]\n", 14, &ok);
    assert_true(ok);
    assert_string_equal(got, "");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_unclosed_flow_mapping),
        cmocka_unit_test(test_syntax_unclosed_flow_sequence),
        cmocka_unit_test(test_syntax_bad_indentation),
        cmocka_unit_test(test_syntax_mapping_in_plain_scalar),
        cmocka_unit_test(test_syntax_unterminated_quote),
        cmocka_unit_test(test_syntax_tab_indentation),
        cmocka_unit_test(test_syntax_list_item_in_mapping),
        cmocka_unit_test(test_complex_key_refused),
        cmocka_unit_test(test_duplicate_keys_every_one),
        cmocka_unit_test(test_duplicate_keys_many),
        cmocka_unit_test(test_duplicate_node_ids),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_alias_cycle),
        cmocka_unit_test(test_anchor_without_alias_is_harmless),
        cmocka_unit_test(test_nesting_flow_sequences_20000),
        cmocka_unit_test(test_nesting_flow_mappings_20000),
        cmocka_unit_test(test_nesting_block_sequences_20000),
        cmocka_unit_test(test_nesting_block_mappings_5000),
        cmocka_unit_test(test_nesting_block_mappings_20000),
        cmocka_unit_test(test_scalar_60mb_file),
        cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_scalar_size_limit),
        cmocka_unit_test(test_value_count_limit),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_byte_order_mark_accepted),
        cmocka_unit_test(test_root_not_a_mapping),
        cmocka_unit_test(test_root_empty),
        cmocka_unit_test(test_several_documents),
        cmocka_unit_test(test_reader_leaves_output_empty_on_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
