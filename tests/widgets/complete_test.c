/* Tests for widgets/editor/complete: SQL keywords and functions, input ids,
 * columns (qualified through FROM / JOIN aliases), Lua record fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "complete.h"

static const cmp_column order_cols[] = {
    {"id", "INTEGER"}, {"customer_id", "INTEGER"}, {"amount", "REAL"}, {"created_at", "TEXT"}};
static const cmp_column customer_cols[] = {
    {"id", "INTEGER"}, {"name", "TEXT"}, {"country", "TEXT"}, {"first name", "TEXT"}};
static const cmp_table tables[] = {{"orders", order_cols, 4}, {"customers", customer_cols, 4}};
static const cmp_context sql = {HL_LANG_SQL, tables, 2};
static const cmp_context lua = {HL_LANG_LUA, tables, 2};

/* Complete at the '|' in text; returns the list (caller frees). */
static cmp_list at(const cmp_context *ctx, const char *marked)
{
    char text[1024];
    const char *bar = strchr(marked, '|');
    assert_non_null(bar);
    size_t cur = (size_t)(bar - marked);
    snprintf(text, sizeof text, "%.*s%s", (int)cur, marked, bar + 1);
    cmp_list l;
    cmp_list_init(&l);
    cmp_complete(ctx, text, strlen(text), cur, &l);
    return l;
}

static bool has(const cmp_list *l, const char *text)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].text, text) == 0)
            return true;
    return false;
}

static void test_sql_keywords(void **state)
{
    (void)state;
    cmp_list l = at(&sql, "SEL|");
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].text, "SELECT");
    assert_int_equal(l.items[0].kind, CMP_KEYWORD);
    assert_int_equal(l.start, 0);
    cmp_list_free(&l);
    l = at(&sql, "select a fr|");
    assert_true(has(&l, "from")); /* follows the case typed */
    assert_false(has(&l, "FROM"));
    assert_int_equal(l.start, 9);
    cmp_list_free(&l);
    l = at(&sql, "SELECT COA|");
    assert_true(has(&l, "COALESCE"));
    assert_int_equal(l.items[0].kind, CMP_FUNCTION);
    cmp_list_free(&l);
    l = at(&sql, "SELECT zzz|");
    assert_int_equal(l.n, 0);
    cmp_list_free(&l);
}

static void test_sql_inputs_and_columns(void **state)
{
    (void)state;
    cmp_list l = at(&sql, "SELECT * FROM or|");
    assert_true(has(&l, "orders"));
    assert_true(has(&l, "or"));                   /* the keyword too, in the case typed */
    assert_int_equal(l.items[0].kind, CMP_INPUT); /* inputs come first */
    cmp_list_free(&l);
    l = at(&sql, "SELECT cu|");
    assert_true(has(&l, "customers"));
    assert_true(has(&l, "customer_id"));
    cmp_list_free(&l);
    l = at(&sql, "SELECT |");
    assert_true(has(&l, "amount"));
    assert_true(has(&l, "country"));
    assert_true(has(&l, "WHERE"));
    cmp_list_free(&l);
}

static void test_sql_qualified(void **state)
{
    (void)state;
    const char *q = "SELECT c.| FROM orders o JOIN customers c ON o.customer_id = c.id";
    cmp_list l = at(&sql, q);
    assert_int_equal(l.n, 4);
    assert_true(has(&l, "name"));
    assert_true(has(&l, "country"));
    assert_false(has(&l, "amount"));
    assert_false(has(&l, "SELECT"));
    assert_int_equal(l.items[0].kind, CMP_COLUMN);
    cmp_list_free(&l);
    l = at(&sql, "SELECT o.am| FROM orders AS o");
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].text, "amount");
    assert_string_equal(l.items[0].detail, "REAL");
    assert_int_equal(l.start, 9);
    cmp_list_free(&l);
    /* the table name itself, quoted or not, and a comma-separated FROM */
    l = at(&sql, "SELECT orders.cr|");
    assert_true(has(&l, "created_at"));
    cmp_list_free(&l);
    l = at(&sql, "SELECT \"customers\".na|");
    assert_true(has(&l, "name"));
    cmp_list_free(&l);
    l = at(&sql, "SELECT y.cou| FROM orders x, customers y");
    assert_true(has(&l, "country"));
    cmp_list_free(&l);
    /* aliases across lines, after a comment that mentions another alias */
    l = at(&sql, "-- FROM orders c\nSELECT c.na|\nFROM\n  customers   c");
    assert_true(has(&l, "name"));
    cmp_list_free(&l);
    /* an unknown qualifier offers nothing (not every keyword) */
    l = at(&sql, "SELECT z.| FROM orders o");
    assert_int_equal(l.n, 0);
    cmp_list_free(&l);
    const cmp_table *t = cmp_resolve_alias(&sql, "FROM customers cc", 17, "cc", 2);
    assert_non_null(t);
    assert_string_equal(t->name, "customers");
}

static void test_lua_fields(void **state)
{
    (void)state;
    cmp_list l = at(&lua, "function transform(record)\n  return record.|\nend");
    assert_true(has(&l, "amount"));
    assert_true(has(&l, "country"));
    assert_false(has(&l, "first name")); /* not an identifier after '.' */
    assert_false(has(&l, "return"));
    assert_int_equal(l.items[0].kind, CMP_FIELD);
    cmp_list_free(&l);
    l = at(&lua, "function transform(r)\n  local x = r[\"fi|");
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].text, "first name");
    assert_int_equal(l.start, 37);
    cmp_list_free(&l);
    l = at(&lua, "function transform(r)\n  local x = r['|");
    assert_int_equal(l.n, 7); /* id is in both inputs: offered once */
    cmp_list_free(&l);
    /* `record.` means nothing when the parameter is called r */
    l = at(&lua, "function transform(r)\n  return record.|");
    assert_int_equal(l.n, 0);
    cmp_list_free(&l);
    l = at(&lua, "function transform(r)\n  ret|");
    assert_true(has(&l, "return"));
    cmp_list_free(&l);
    l = at(&lua, "local s = to|");
    assert_true(has(&l, "tostring"));
    assert_true(has(&l, "tonumber"));
    cmp_list_free(&l);
    l = at(&lua, "string.|"); /* a module's members are not known here */
    assert_int_equal(l.n, 0);
    cmp_list_free(&l);
}

static void test_limits(void **state)
{
    (void)state;
    enum { N = CMP_MAX_ITEMS + 100 };
    static cmp_column cols[N];
    static char names[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        cols[i] = (cmp_column){names[i], NULL};
    }
    cmp_table t = {"wide", cols, N};
    cmp_context ctx = {HL_LANG_SQL, &t, 1};
    cmp_list l;
    cmp_list_init(&l);
    assert_int_equal(cmp_complete(&ctx, "SELECT c", 8, 8, &l), CMP_MAX_ITEMS);
    /* a cursor past the end is clamped, an empty text is fine */
    assert_int_equal(cmp_complete(&ctx, "", 0, 99, &l), CMP_MAX_ITEMS);
    cmp_list_free(&l);
}

/* Hostile input: random SQL-ish and Lua-ish text at random cursors. */
static void test_random_text(void **state)
{
    (void)state;
    static const char *parts[] = {
        "FROM ",    "JOIN ", "AS ", ", ",  ".",      "o",
        "orders ",  "\"",    "'",   "[\"", "record", "function transform(",
        ")",        "\n",    "-- ", "/*",  "*/",     "c.",
        "\xc3\xa9", "\xff",  " "};
    srand(11);
    char text[512];
    cmp_list l;
    cmp_list_init(&l);
    for (int iter = 0; iter < 3000; iter++) {
        text[0] = '\0';
        int k = rand() % 40;
        for (int i = 0; i < k; i++)
            strncat(text, parts[rand() % (int)(sizeof parts / sizeof *parts)],
                    sizeof text - strlen(text) - 1);
        size_t len = strlen(text);
        size_t cur = len ? (size_t)rand() % (len + 1) : 0;
        size_t n = cmp_complete(iter % 2 ? &lua : &sql, text, len, cur, &l);
        assert_true(n <= CMP_MAX_ITEMS);
        assert_true(l.start <= cur);
    }
    cmp_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_keywords),  cmocka_unit_test(test_sql_inputs_and_columns),
        cmocka_unit_test(test_sql_qualified), cmocka_unit_test(test_lua_fields),
        cmocka_unit_test(test_limits),        cmocka_unit_test(test_random_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
