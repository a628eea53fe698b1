/* Readers (CSV, JSON Lines) and type inference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "load.h"
#include "reader.h"

static pv_table *csv(const char *text, const reader_options *o, diag_list *d)
{
    return reader_csv_buffer(text, strlen(text), o, d);
}

static const char *text_at(const pv_table *t, size_t r, size_t c)
{
    const pv_cell *cell = pv_table_cget(t, r, c);
    return cell->kind == PV_TEXT || cell->kind == PV_JSON ? cell->v.s : NULL;
}

static void test_csv_quotes_newlines_bom_crlf(void **state)
{
    (void)state;
    reader_options o = {.path = "s.csv", .limit = 100};
    diag_list d;
    diag_list_init(&d);
    const char *text = "\xEF\xBB\xBFid,name,note\r\n"
                       "1,\"Lovelace, Ada\",\"she said \"\"hi\"\"\"\r\n"
                       "2,Grace,\"two\nlines\"\r\n"
                       "3,,\"\"\r\n";
    pv_table *t = csv(text, &o, &d);
    assert_non_null(t);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(t->n_cols, 3);
    assert_string_equal(t->cols[0].name, "id"); /* the BOM is not part of the name */
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(text_at(t, 0, 1), "Lovelace, Ada");
    assert_string_equal(text_at(t, 0, 2), "she said \"hi\"");
    assert_string_equal(text_at(t, 1, 2), "two\nlines");
    /* unquoted empty = NULL, quoted empty = empty string */
    assert_int_equal(pv_table_cget(t, 2, 1)->kind, PV_NULL);
    assert_int_equal(pv_table_cget(t, 2, 2)->kind, PV_TEXT);
    assert_string_equal(text_at(t, 2, 2), "");
    assert_int_equal(t->cols[0].type, PV_TYPE_INTEGER);
    assert_int_equal(pv_table_cget(t, 2, 0)->v.i, 3);
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_csv_ragged_rows_have_line_numbers(void **state)
{
    (void)state;
    reader_options o = {.path = "samples/x.csv", .node_id = "x", .limit = 100};
    diag_list d;
    diag_list_init(&d);
    /* The quoted newline in row 2 makes the ragged row start on line 4. */
    pv_table *t = csv("a,b\n1,\"x\ny\"\n2,3,4\n5,6\n7\n", &o, &d);
    assert_null(t);
    assert_int_equal(d.n_errors, 2);
    assert_string_equal(d.items[0].path, "samples/x.csv");
    assert_int_equal(d.items[0].line, 4);
    assert_non_null(strstr(d.items[0].message, "3 fields"));
    assert_int_equal(d.items[1].line, 6);
    diag_list_free(&d);
}

static void test_csv_unterminated_quote(void **state)
{
    (void)state;
    reader_options o = {.path = "x.csv"};
    diag_list d;
    diag_list_init(&d);
    pv_table *t = csv("a,b\n1,2\n3,\"oops\n", &o, &d);
    assert_null(t);
    assert_int_equal(d.items[0].line, 3);
    assert_non_null(strstr(d.items[0].message, "unterminated"));
    diag_list_free(&d);
}

static void test_csv_delimiter_and_limit(void **state)
{
    (void)state;
    reader_options o = {.path = "x.csv", .limit = 2};
    diag_list d;
    diag_list_init(&d);
    char delim;
    const char *why = NULL;
    assert_true(reader_parse_delimiter(";", &delim, &why));
    o.delimiter = delim;
    pv_table *t = csv("a;b\n1,5;x\n2;y\n3;z\n", &o, &d);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 2); /* the limit */
    assert_string_equal(text_at(t, 0, 0), "1,5");
    assert_true(reader_parse_delimiter("\\t", &delim, &why));
    assert_int_equal(delim, '\t');
    assert_false(reader_parse_delimiter("\"", &delim, &why));
    assert_false(reader_parse_delimiter(";;", &delim, &why));
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_csv_from_file_in_chunks(void **state)
{
    (void)state;
    /* Bigger than one read chunk, with a quoted newline across a boundary. */
    FILE *f = tmpfile();
    fputs("id,text\n", f);
    for (int i = 0; i < 30000; i++)
        fprintf(f, "%d,\"row %d\nsecond line, with comma\"\n", i, i);
    rewind(f);
    reader_options o = {.path = "big.csv", .limit = 0};
    diag_list d;
    diag_list_init(&d);
    pv_table *t = reader_csv_file(f, &o, &d);
    fclose(f);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 30000);
    assert_string_equal(text_at(t, 29999, 1), "row 29999\nsecond line, with comma");
    assert_int_equal(pv_table_cget(t, 12345, 0)->v.i, 12345);
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_jsonl_bad_lines(void **state)
{
    (void)state;
    reader_options o = {.path = "samples/o.jsonl", .node_id = "o", .limit = 100};
    diag_list d;
    diag_list_init(&d);
    const char *text = "{\"a\": 1}\n"
                       "{\"a\": 2,}\n"
                       "\n"
                       "[1, 2]\n"
                       "{\"a\": 3}\n";
    pv_table *t = reader_jsonl_buffer(text, strlen(text), &o, &d);
    assert_null(t);
    assert_int_equal(d.n_errors, 2);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].path, "samples/o.jsonl");
    assert_int_equal(d.items[1].line, 4);
    assert_non_null(strstr(d.items[1].message, "JSON object"));
    diag_list_free(&d);
}

static void test_jsonl_types_and_nesting(void **state)
{
    (void)state;
    reader_options o = {.path = "o.jsonl", .limit = 100};
    diag_list d;
    diag_list_init(&d);
    const char *text = "{\"i\": 1, \"r\": 1, \"b\": true, \"t\": \"2024-01-02T03:04:05Z\", "
                       "\"n\": null, \"j\": {\"x\": [1, 2]}, \"m\": 1, \"s\": \"\"}\n"
                       "{\"i\": 2, \"r\": 2.5, \"b\": false, \"t\": \"2024-01-03\", \"j\": [], "
                       "\"m\": \"one\", \"late\": 7}\n";
    pv_table *t = reader_jsonl_buffer(text, strlen(text), &o, &d);
    assert_non_null(t);
    static const struct {
        const char *name;
        pv_type type;
    } want[] = {{"i", PV_TYPE_INTEGER},   {"r", PV_TYPE_REAL}, {"b", PV_TYPE_BOOLEAN},
                {"t", PV_TYPE_TIMESTAMP}, {"n", PV_TYPE_NULL}, {"j", PV_TYPE_JSON},
                {"m", PV_TYPE_TEXT},      {"s", PV_TYPE_TEXT}, {"late", PV_TYPE_INTEGER}};
    assert_int_equal(t->n_cols, 9);
    for (size_t c = 0; c < 9; c++) {
        assert_string_equal(t->cols[c].name, want[c].name);
        assert_int_equal(t->cols[c].type, want[c].type);
    }
    assert_int_equal(pv_table_cget(t, 0, 1)->kind, PV_REAL); /* widened */
    assert_string_equal(text_at(t, 0, 5), "{\"x\":[1,2]}");
    assert_string_equal(text_at(t, 0, 6), "1"); /* mixed -> text */
    assert_int_equal(pv_table_cget(t, 0, 8)->kind, PV_NULL);
    assert_int_equal(pv_table_cget(t, 1, 8)->v.i, 7);
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_jsonl_strings_numbers_errors(void **state)
{
    (void)state;
    reader_options o = {.path = "o.jsonl", .limit = 100};
    diag_list d;
    diag_list_init(&d);
    const char *good = "{\"s\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" a\\nb\", "
                       "\"k\\u0031\": 1, \"big\": 123456789012345678901234, "
                       "\"n\": { \"a\" : [1, 2,  {\"b\": null}] }, \"e\": {}, \"x\": -0.5e-3}\n";
    pv_table *t = reader_jsonl_buffer(good, strlen(good), &o, &d);
    assert_non_null(t);
    assert_string_equal(text_at(t, 0, 0), "café 😀 \"q\" a\nb");
    assert_string_equal(t->cols[1].name, "k1");
    assert_int_equal(t->cols[2].type, PV_TYPE_REAL); /* beyond 64 bits */
    assert_string_equal(text_at(t, 0, 3), "{\"a\":[1,2,{\"b\":null}]}");
    assert_string_equal(text_at(t, 0, 4), "{}");
    assert_true(pv_table_cget(t, 0, 5)->v.r == -0.5e-3);
    pv_table_unref(t);

    static const struct {
        const char *line;
        const char *msg;
        int col;
    } bad[] = {
        {"{\"a\": 1, \"a\": 2}", "duplicate key", 10},
        {"{\"a\": 01}", "leading zero", 7},
        {"{\"a\": \"x\ty\"}", "control character", 9},
        {"{\"a\": \"\xff\"}", "UTF-8", 8},
        {"{\"a\": 1} x", "after the object", 10},
        {"{\"a\": tru}", "literal", 7},
        {"{\"a\": [1, 2}", "nested", 0},
        {"{\"a\": \"\\ud800\"}", "surrogate", 8},
        {"{a: 1}", "key", 2},
        {"\"just a string\"", "JSON object", 1},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        diag_list_clear(&d);
        t = reader_jsonl_buffer(bad[i].line, strlen(bad[i].line), &o, &d);
        if (t || d.n_errors != 1 || !strstr(d.items[0].message, bad[i].msg) ||
            (bad[i].col && d.items[0].col != bad[i].col))
            fail_msg("%s: got %s at col %d", bad[i].line, d.n ? d.items[0].message : "no error",
                     d.n ? d.items[0].col : -1);
    }
    diag_list_free(&d);
}

static void test_reader_limits(void **state)
{
    (void)state;
    reader_options o = {.path = "o.jsonl"};
    diag_list d;
    diag_list_init(&d);
    /* at most READER_MAX_ERRORS malformed rows are reported, then it stops */
    strbuf sb;
    strbuf_init(&sb);
    for (int i = 0; i < 30; i++)
        strbuf_puts(&sb, "{oops}\n");
    assert_null(reader_jsonl_buffer(sb.data, sb.len, &o, &d));
    assert_int_equal(d.n, READER_MAX_ERRORS + 1);
    assert_non_null(strstr(d.items[d.n - 1].message, "too many malformed rows"));
    /* columns */
    diag_list_clear(&d);
    sb.len = 0;
    strbuf_putc(&sb, '{');
    for (int i = 0; i <= PV_MAX_COLUMNS; i++)
        strbuf_printf(&sb, "%s\"c%d\": %d", i ? ", " : "", i, i);
    strbuf_puts(&sb, "}\n");
    assert_null(reader_jsonl_buffer(sb.data, sb.len, &o, &d));
    assert_non_null(strstr(d.items[0].message, "more than 1000"));
    strbuf_free(&sb);
    diag_list_free(&d);
}

static void test_inference_of_text(void **state)
{
    (void)state;
    assert_int_equal(pv_classify_text("42", 2), PV_TYPE_INTEGER);
    assert_int_equal(pv_classify_text("-7", 2), PV_TYPE_INTEGER);
    assert_int_equal(pv_classify_text("007", 3), PV_TYPE_TEXT);
    assert_int_equal(pv_classify_text("1.5e3", 5), PV_TYPE_REAL);
    assert_int_equal(pv_classify_text("nan", 3), PV_TYPE_TEXT);
    assert_int_equal(pv_classify_text("true", 4), PV_TYPE_BOOLEAN);
    assert_int_equal(pv_classify_text("2024-02-30T10:00:00.123+02:00", 29), PV_TYPE_TIMESTAMP);
    assert_int_equal(pv_classify_text("2024-13-01", 10), PV_TYPE_TEXT);
    assert_int_equal(pv_classify_text("99999999999999999999", 20), PV_TYPE_REAL);
    assert_int_equal(pv_type_join(PV_TYPE_INTEGER, PV_TYPE_REAL), PV_TYPE_REAL);
    assert_int_equal(pv_type_join(PV_TYPE_NULL, PV_TYPE_BOOLEAN), PV_TYPE_BOOLEAN);
    assert_int_equal(pv_type_join(PV_TYPE_INTEGER, PV_TYPE_TIMESTAMP), PV_TYPE_TEXT);

    reader_options o = {.path = "x.csv"};
    diag_list d;
    diag_list_init(&d);
    pv_table *t = csv("i,r,b,s,z\n1,1,true,a,\n2,2.5,false,007,\n", &o, &d);
    assert_non_null(t);
    assert_int_equal(t->cols[0].type, PV_TYPE_INTEGER);
    assert_int_equal(t->cols[1].type, PV_TYPE_REAL);
    assert_int_equal(t->cols[2].type, PV_TYPE_BOOLEAN);
    assert_int_equal(t->cols[3].type, PV_TYPE_TEXT);
    assert_int_equal(t->cols[4].type, PV_TYPE_NULL);
    assert_true(pv_table_cget(t, 1, 1)->v.r == 2.5);
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_declared_schema(void **state)
{
    (void)state;
    const char *yaml = "weir: 1\npipeline: {name: s, version: 1}\n"
                       "sources:\n  s:\n    type: file\n    path: x\n    format: csv\n"
                       "    schema: {zip: text, amount: real, extra: integer}\n";
    pipeline p;
    diag_list d;
    diag_list_init(&d);
    pipeline_load_buffer(yaml, strlen(yaml), ".", &p, &d);
    const value *schema = node_setting(pipeline_find(&p, "s"), "schema");
    assert_non_null(schema);
    reader_options o = {.path = "x.csv", .schema = schema};
    pv_table *t = csv("zip,amount\n02134,3\n10001,4\n", &o, &d);
    assert_non_null(t);
    assert_int_equal(t->n_cols, 3); /* declared-only column added */
    assert_int_equal(t->cols[0].type, PV_TYPE_TEXT);
    assert_string_equal(text_at(t, 0, 0), "02134");
    assert_int_equal(t->cols[1].type, PV_TYPE_REAL);
    assert_int_equal(pv_table_cget(t, 1, 1)->kind, PV_REAL);
    assert_int_equal(t->cols[2].type, PV_TYPE_INTEGER);
    pv_table_unref(t);
    /* A value that does not fit its declared type is an error at its line. */
    t = csv("zip,amount\n1,2\n3,lots\n", &o, &d);
    assert_null(t);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(d.items[d.n - 1].line, 3);
    assert_non_null(strstr(d.items[d.n - 1].message, "'lots' is not a real"));
    diag_list_free(&d);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quotes_newlines_bom_crlf),
        cmocka_unit_test(test_csv_ragged_rows_have_line_numbers),
        cmocka_unit_test(test_csv_unterminated_quote),
        cmocka_unit_test(test_csv_delimiter_and_limit),
        cmocka_unit_test(test_csv_from_file_in_chunks),
        cmocka_unit_test(test_jsonl_bad_lines),
        cmocka_unit_test(test_jsonl_types_and_nesting),
        cmocka_unit_test(test_jsonl_strings_numbers_errors),
        cmocka_unit_test(test_reader_limits),
        cmocka_unit_test(test_inference_of_text),
        cmocka_unit_test(test_declared_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
