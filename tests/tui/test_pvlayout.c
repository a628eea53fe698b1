/* The preview pane's table layout without a terminal: column widths, cuts
 * with wide characters, NULL against the empty string, scroll bounds, the
 * record view's wrapping, and the title's figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pvlayout.h"
#include "uwidth.h"

/* A table: id integer, name text, note text; rows as given (NULL = NULL
 * cell). */
static pv_table *table(size_t n, const long long *ids, const char *const *names,
                       const char *const *notes)
{
    pv_table *t = pv_table_new();
    pv_table_add_column(t, "id", PV_TYPE_INTEGER);
    pv_table_add_column(t, "name", PV_TYPE_TEXT);
    pv_table_add_column(t, "note", PV_TYPE_TEXT);
    for (size_t i = 0; i < n; i++) {
        pv_cell *row = pv_table_add_row(t);
        row[0].kind = PV_INT;
        row[0].v.i = ids[i];
        if (names[i])
            pv_cell_set_text(t, &row[1], names[i], strlen(names[i]));
        if (notes[i])
            pv_cell_set_text(t, &row[2], notes[i], strlen(notes[i]));
    }
    return t;
}

static void test_widths_from_content(void **state)
{
    (void)state;
    const long long ids[] = {1, 123456};
    const char *names[] = {"Ada", "Grace Hopper"};
    const char *notes[] = {"", NULL};
    pv_table *t = table(2, ids, names, notes);
    pvl_layout l;
    pvl_layout_build(&l, t, PVL_MAX_COL_WIDTH, false);
    assert_int_equal(l.n_cols, 3);
    assert_int_equal(l.width[0], 7);  /* "integer" is wider than "123456" */
    assert_int_equal(l.width[1], 12); /* "Grace Hopper" */
    assert_int_equal(l.width[2], 4);  /* "note"/"text" (the NULL mark is 1 cell) */
    assert_true(l.right[0]);
    assert_false(l.right[1]);
    pvl_layout_free(&l);

    /* a long value is capped at the maximum width */
    const char *longname[] = {"a name far longer than any column should ever be allowed"};
    const char *nonote[] = {"x"};
    pv_table *t2 = table(1, ids, longname, nonote);
    pvl_layout_build(&l, t2, 10, false);
    assert_int_equal(l.width[1], 10);
    pvl_layout_free(&l);
    pv_table_unref(t);
    pv_table_unref(t2);
}

static void test_wide_characters(void **state)
{
    (void)state;
    const long long ids[] = {1};
    const char *names[] = {"東京都渋谷区"}; /* 6 characters, 12 cells */
    const char *notes[] = {"é"};
    pv_table *t = table(1, ids, names, notes);
    pvl_layout l;
    pvl_layout_build(&l, t, PVL_MAX_COL_WIDTH, false);
    assert_int_equal(l.width[1], 12); /* cells, not bytes (18) or characters (6) */
    pvl_layout_free(&l);

    /* cut to 6 cells: two wide characters (4 cells) + … + one space, since a
     * third wide character would need 2 cells and only 1 is left */
    char *s = pvl_fit("東京都渋谷区", 6, false, false);
    assert_int_equal(uw_width(s), 6);
    assert_string_equal(s, "東京… ");
    free(s);
    s = pvl_fit("東京都渋谷区", 7, false, false);
    assert_string_equal(s, "東京都…");
    assert_int_equal(uw_width(s), 7);
    free(s);
    /* fits: padded, never cut */
    s = pvl_fit("東京", 6, false, false);
    assert_string_equal(s, "東京  ");
    free(s);
    /* numbers pad on the left */
    s = pvl_fit("42", 5, true, false);
    assert_string_equal(s, "   42");
    free(s);
    /* ascii ellipsis */
    s = pvl_fit("abcdefgh", 4, false, true);
    assert_string_equal(s, "abc~");
    free(s);
    s = pvl_fit("abc", 0, false, false);
    assert_string_equal(s, "");
    free(s);
    pv_table_unref(t);
}

static void test_null_and_empty(void **state)
{
    (void)state;
    const long long ids[] = {1, 2};
    const char *names[] = {"", NULL};
    const char *notes[] = {"line one\nline two", "tab\there"};
    pv_table *t = table(2, ids, names, notes);
    pvl_kind k;
    char *empty = pvl_cell_text(pv_table_cget(t, 0, 1), PV_TYPE_TEXT, false, &k);
    assert_string_equal(empty, "");
    assert_int_equal(k, PVL_TEXT);
    char *null = pvl_cell_text(pv_table_cget(t, 1, 1), PV_TYPE_TEXT, false, &k);
    assert_int_equal(k, PVL_NULL);
    assert_string_not_equal(null, empty);
    assert_string_equal(null, pvl_null_mark(false));
    free(null);
    null = pvl_cell_text(pv_table_cget(t, 1, 1), PV_TYPE_TEXT, true, &k);
    assert_string_equal(null, "(null)");
    free(null);
    free(empty);
    /* one line: newlines and tabs are made visible (as the CLI shows them) */
    char *nl = pvl_cell_text(pv_table_cget(t, 0, 2), PV_TYPE_TEXT, false, NULL);
    assert_string_equal(nl, "line one↵line two");
    free(nl);
    char *tab = pvl_cell_text(pv_table_cget(t, 1, 2), PV_TYPE_TEXT, false, NULL);
    assert_string_equal(tab, "tab→here");
    free(tab);
    /* numbers */
    char *num = pvl_cell_text(pv_table_cget(t, 1, 0), PV_TYPE_INTEGER, false, &k);
    assert_string_equal(num, "2");
    assert_int_equal(k, PVL_NUMBER);
    free(num);

    /* the record view: NULL and "" read differently too */
    pvl_line *lines;
    size_t n = pvl_detail(t, 1, 60, false, &lines);
    assert_int_equal(n, 3);
    assert_string_equal(lines[0].text, "id (integer): 2");
    assert_int_equal(lines[0].name_cells, (int)strlen("id (integer): "));
    assert_true(lines[1].null);
    assert_non_null(strstr(lines[1].text, "NULL"));
    pvl_lines_free(lines, n);
    n = pvl_detail(t, 0, 60, false, &lines);
    assert_string_equal(lines[1].text, "name (text): \"\"");
    assert_false(lines[1].null);
    /* the value keeps its newline: two lines, the second indented */
    assert_int_equal(n, 4);
    assert_string_equal(lines[2].text, "note (text): line one");
    assert_string_equal(lines[3].text, "  line two");
    pvl_lines_free(lines, n);
    pv_table_unref(t);
}

static void test_wrap(void **state)
{
    (void)state;
    char **lines;
    size_t n = pvl_wrap("the quick brown fox jumps", 10, 2, &lines);
    assert_int_equal(n, 4);
    assert_string_equal(lines[0], "the quick ");
    assert_string_equal(lines[1], "  brown ");
    assert_string_equal(lines[2], "  fox ");
    assert_string_equal(lines[3], "  jumps");
    for (size_t i = 0; i < n; i++) {
        assert_true(uw_width(lines[i]) <= 10);
        free(lines[i]);
    }
    free(lines);
    /* a long word breaks anywhere; wide characters are never split */
    n = pvl_wrap("東京都渋谷区", 5, 0, &lines);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(uw_width(lines[i]), 4);
        free(lines[i]);
    }
    free(lines);
}

static void test_scroll_bounds(void **state)
{
    (void)state;
    pvl_scroll s = {0, 0, 0};
    pvl_scroll_rows(&s, -5, 100, 10);
    assert_int_equal(s.row, 0);
    pvl_scroll_rows(&s, 15, 100, 10);
    assert_int_equal(s.row, 15);
    assert_int_equal(s.top, 6); /* cursor on the last line of the page */
    pvl_scroll_rows(&s, 1000, 100, 10);
    assert_int_equal(s.row, 99);
    assert_int_equal(s.top, 90);
    /* the table shrinks under the cursor (a rerun): both come back */
    pvl_scroll_clamp(&s, 20, 10);
    assert_int_equal(s.row, 19);
    assert_int_equal(s.top, 10);
    /* a taller page leaves no blank rows at the end */
    pvl_scroll_clamp(&s, 20, 15);
    assert_int_equal(s.top, 5);
    pvl_scroll_clamp(&s, 0, 10);
    assert_int_equal(s.row, 0);
    assert_int_equal(s.top, 0);

    /* columns: widths 7, 12, 4 with 3-cell separators */
    int w[] = {7, 12, 4};
    bool r[] = {true, false, false};
    pvl_layout l = {3, w, r};
    assert_int_equal(pvl_visible_cols(&l, 0, 80), 3);
    assert_int_equal(pvl_visible_cols(&l, 0, 10), 1); /* the separator fills it */
    assert_int_equal(pvl_visible_cols(&l, 0, 12), 2); /* the second partly */
    assert_int_equal(pvl_visible_cols(&l, 2, 10), 1);
    assert_int_equal(pvl_max_first_col(&l, 80), 0);
    assert_int_equal(pvl_max_first_col(&l, 19), 1); /* 12 + 3 + 4 */
    assert_int_equal(pvl_max_first_col(&l, 3), 2);
    pvl_scroll_cols(&s, 5, &l, 19);
    assert_int_equal(s.col, 1);
    pvl_scroll_cols(&s, -5, &l, 19);
    assert_int_equal(s.col, 0);
}

static void test_figures(void **state)
{
    (void)state;
    char buf[32];
    pvl_count(0, buf, sizeof(buf));
    assert_string_equal(buf, "0");
    pvl_count(1000, buf, sizeof(buf));
    assert_string_equal(buf, "1,000");
    pvl_count(1234567, buf, sizeof(buf));
    assert_string_equal(buf, "1,234,567");
    pvl_duration(0.3, buf, sizeof(buf));
    assert_string_equal(buf, "<1 ms");
    pvl_duration(4.2, buf, sizeof(buf));
    assert_string_equal(buf, "4 ms");
    pvl_duration(1234, buf, sizeof(buf));
    assert_string_equal(buf, "1.2 s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths_from_content), cmocka_unit_test(test_wide_characters),
        cmocka_unit_test(test_null_and_empty),      cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_scroll_bounds),       cmocka_unit_test(test_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
