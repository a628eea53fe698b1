/* sqlpos: finding the name an offset-less SQLite error quotes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sqlpos.h"

/* The offset of the first occurrence of `at` in sql (which the test wrote
 * to be the expected one). */
static int at_text(const char *sql, const char *at)
{
    const char *p = strstr(sql, at);
    assert_non_null(p);
    return (int)(p - sql);
}

static void test_skips_comments_strings_and_partial_words(void **state)
{
    (void)state;
    const char *sql = "-- c.idd is misspelt\n"
                      "/* so is c.idd here */\n"
                      "SELECT 'c.idd' AS s, \"c.idd \" AS t, o.cust AS idd, abc.idd2,\n"
                      "       x'c0' AS x, c.idd\n"
                      "FROM orders o JOIN customers c ON c.idd = o.cust";
    assert_int_equal(sqlpos_find_name(sql, "c.idd", 1, false), at_text(sql, "c.idd\nFROM"));
    assert_int_equal(sqlpos_find_name(sql, "c.idd", 2, false), at_text(sql, "c.idd = "));
    assert_int_equal(sqlpos_find_name(sql, "c.idd", 3, false), -1);
    /* A blob literal x'..' is not the identifier x. */
    assert_int_equal(sqlpos_find_name(sql, "x", 1, false), at_text(sql, "x, c.idd"));
    /* Whole words only. */
    assert_int_equal(sqlpos_find_name(sql, "id", 1, false), -1);
    assert_int_equal(sqlpos_find_name(sql, "idd", 1, false), at_text(sql, "idd,"));
    assert_int_equal(sqlpos_find_name(sql, "nowhere", 1, false), -1);
}

static void test_quoting_spacing_and_case(void **state)
{
    (void)state;
    const char *sql = "SELECT 1 FROM t JOIN u ON \"C\" . [Idd] = `u`.\"we\"\"ird\"";
    assert_int_equal(sqlpos_find_name(sql, "c.idd", 1, false), at_text(sql, "\"C\""));
    assert_int_equal(sqlpos_find_name(sql, "u.we\"ird", 1, false), at_text(sql, "`u`"));
    /* A quoted identifier that holds a dot. */
    const char *q = "SELECT a.b, \"a.b\" FROM t";
    assert_int_equal(sqlpos_find_name(q, "a.b", 1, false), at_text(q, "a.b"));
    assert_int_equal(sqlpos_find_name(q, "a.b", 2, false), at_text(q, "\"a.b\""));
    const char *only_quoted = "SELECT \"a.b\" FROM t";
    assert_int_equal(sqlpos_find_name(only_quoted, "a.b", 1, false), 7);
    /* Numbers and parameters are not names. */
    const char *n = "SELECT 1e5, :e5, e5 FROM t";
    assert_int_equal(sqlpos_find_name(n, "e5", 1, false), at_text(n, "e5 FROM"));
}

static void test_main_select(void **state)
{
    (void)state;
    const char *sql = "WITH a AS (SELECT id, id AS k FROM orders)\n"
                      "SELECT a.id, c.id FROM a JOIN customers c ON c.id = a.k";
    assert_int_equal(sqlpos_find_name(sql, "id", 2, false), at_text(sql, "id AS k"));
    assert_int_equal(sqlpos_find_name(sql, "id", 2, true), at_text(sql, "id FROM a"));
    /* No SELECT outside parentheses: from the start. */
    assert_int_equal(sqlpos_find_name("VALUES (1)", "VALUES", 1, true), 0);
}

static void test_messages(void **state)
{
    (void)state;
    const char *sql = "SELECT c.name\nFROM orders o JOIN nosuch n ON n.idd = o.cust";
    assert_int_equal(sqlpos_for_message(sql, "no such table: nosuch"), at_text(sql, "nosuch"));
    assert_int_equal(sqlpos_for_message(sql, "no such column: n.idd"), at_text(sql, "n.idd"));
    assert_int_equal(sqlpos_for_message(sql, "ambiguous column name: name"), at_text(sql, "name"));
    /* Messages that quote no name, or a name not in the text. */
    assert_int_equal(sqlpos_for_message(sql, "SELECTs to the left and right of UNION do not "
                                             "have the same number of result columns"),
                     -1);
    assert_int_equal(sqlpos_for_message(sql, "no such table: elsewhere"), -1);
    assert_int_equal(sqlpos_for_message(sql, NULL), -1);
    assert_int_equal(sqlpos_find_name(sql, "", 1, false), -1);
    /* Unterminated comment, string and quoted name: no overrun. */
    assert_int_equal(sqlpos_find_name("SELECT /* x", "x", 1, false), -1);
    assert_int_equal(sqlpos_find_name("SELECT 'x", "x", 1, false), -1);
    assert_int_equal(sqlpos_find_name("SELECT \"x", "x", 1, false), 7);
    assert_int_equal(sqlpos_find_name("SELECT [x", "x", 1, false), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skips_comments_strings_and_partial_words),
        cmocka_unit_test(test_quoting_spacing_and_case),
        cmocka_unit_test(test_main_select),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
