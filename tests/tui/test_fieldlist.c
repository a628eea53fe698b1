/* A list setting as one line of text in the properties form, and back
 * (tui/fieldcheck.c): joining then splitting gives the same items, so
 * opening a list field and pressing Enter never changes it; items with a
 * comma (SQL such as round(sum(amount), 2)) stay whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fieldcheck.h"

/* join(items) must equal `joined` and split(joined) must give items back. */
static void round_trip(const char *const *items, size_t n, const char *joined)
{
    char *text = field_list_join(items, n);
    assert_string_equal(text, joined);
    char **back;
    size_t m;
    char why[200];
    assert_null(field_list_split(text, &back, &m, why, sizeof(why)));
    assert_int_equal(m, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(back[i], items[i]);
    field_list_free(back, m);
    free(text);
}

static void test_items_with_commas_stay_whole(void **state)
{
    (void)state;
    const char *items[] = {"count(*) as orders", "round(sum(amount), 2) as revenue"};
    round_trip(items, 2, "count(*) as orders, \"round(sum(amount), 2) as revenue\"");
}

static void test_quotes_backslashes_and_spaces(void **state)
{
    (void)state;
    const char *items[] = {"a \"b\"", "c:\\tmp", " padded ", "x,y", "", "plain"};
    round_trip(items, 6, "\"a \\\"b\\\"\", \"c:\\\\tmp\", \" padded \", \"x,y\", \"\", plain");
}

static void test_empty_and_single(void **state)
{
    (void)state;
    round_trip(NULL, 0, "");
    const char *one[] = {"id"};
    round_trip(one, 1, "id");
    const char *utf[] = {"prix €, taxe", "naïve"};
    round_trip(utf, 2, "\"prix €, taxe\", naïve");
}

static void test_split_typed_text(void **state)
{
    (void)state;
    char **it;
    size_t n;
    char why[200];
    /* What a user types: spaces around items, empty items dropped. */
    assert_null(field_list_split("  a ,b,, c  ,", &it, &n, why, sizeof(why)));
    assert_int_equal(n, 3);
    assert_string_equal(it[0], "a");
    assert_string_equal(it[1], "b");
    assert_string_equal(it[2], "c");
    field_list_free(it, n);
    /* An unquoted item keeps its inner quotes and spaces literally. */
    assert_null(field_list_split("say \"hi\" now, \"q, r\" ", &it, &n, why, sizeof(why)));
    assert_int_equal(n, 2);
    assert_string_equal(it[0], "say \"hi\" now");
    assert_string_equal(it[1], "q, r");
    field_list_free(it, n);
}

static void test_split_errors(void **state)
{
    (void)state;
    char **it = NULL;
    size_t n = 99;
    char why[200];
    const char *e = field_list_split("a, \"b, c", &it, &n, why, sizeof(why));
    assert_non_null(e);
    assert_non_null(strstr(e, "not closed"));
    assert_non_null(strstr(e, "column 4"));
    e = field_list_split("\"b\" c, d", &it, &n, why, sizeof(why));
    assert_non_null(e);
    assert_non_null(strstr(e, "comma"));
    /* field_check says the same as the form's prompt is typed. */
    setting_spec spec = {.name = "aggregates", .type = SETTING_LIST};
    assert_non_null(field_check(&spec, "\"open", NULL, why, sizeof(why)));
    assert_null(field_check(&spec, "a, \"b, c\"", NULL, why, sizeof(why)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_with_commas_stay_whole),
        cmocka_unit_test(test_quotes_backslashes_and_spaces),
        cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_split_typed_text),
        cmocka_unit_test(test_split_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
