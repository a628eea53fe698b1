/* The curses-free widget helpers: UTF-8 widths (widgets/uwidth) and fuzzy
 * matching (widgets/fuzzy). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzzy.h"
#include "uwidth.h"

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(uw_width("orders"), 6);
    assert_int_equal(uw_width("数据"), 4);      /* wide */
    assert_int_equal(uw_width("e\xcc\x81"), 1); /* e + combining acute */
    assert_int_equal(uw_width("\xff\xfe"), 2);  /* bad bytes: one cell each */
    assert_int_equal(uw_width("λ◉"), 2);
    int cells;
    assert_int_equal(uw_fit("数据流", 5, &cells), 6); /* two characters, never half */
    assert_int_equal(cells, 4);
    assert_int_equal(uw_fit("abc", 0, &cells), 0);
}

static void test_truncate(void **state)
{
    (void)state;
    char *s = uw_truncate("customers", 6, false);
    assert_string_equal(s, "custo…");
    free(s);
    s = uw_truncate("customers", 6, true);
    assert_string_equal(s, "custo~");
    free(s);
    s = uw_truncate("数据流数据流", 7, false);
    assert_int_equal(uw_width(s), 7);
    assert_string_equal(s, "数据流…");
    free(s);
    s = uw_truncate("short", 10, false);
    assert_string_equal(s, "short");
    free(s);
}

static void test_steps(void **state)
{
    (void)state;
    const char *s = "a数b";
    assert_int_equal(uw_next(s, 0), 1);
    assert_int_equal(uw_next(s, 1), 4);
    assert_int_equal(uw_prev(s, 4), 1);
    assert_int_equal(uw_prev(s, 1), 0);
    assert_int_equal(uw_next(s, 5), 5);
}

static void test_fuzzy(void **state)
{
    (void)state;
    assert_true(fuzzy_score("enr", "enrich") > 0);
    assert_int_equal(fuzzy_score("xyz", "enrich"), -1);
    assert_int_equal(fuzzy_score("", "anything"), 0);
    /* prefix and word starts beat scattered letters */
    assert_true(fuzzy_score("oc", "orders_clean") > fuzzy_score("oc", "aaoaac"));
    assert_true(fuzzy_score("mask", "mask_pii") > fuzzy_score("mask", "my_ask_k"));
    assert_true(fuzzy_score("ENR", "enrich") > 0); /* case-insensitive */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_fuzzy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
