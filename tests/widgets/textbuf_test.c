/* Tests for widgets/editor/textbuf: edits, UTF-8 boundaries, undo grouping,
 * selection, register, search, auto-indent and paste. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "textbuf.h"

static textbuf *tb_with(const char *text)
{
    textbuf *tb = textbuf_new(NULL);
    textbuf_set_text(tb, text, strlen(text));
    return tb;
}

static void assert_text(textbuf *tb, const char *want)
{
    size_t len;
    char *t = textbuf_text(tb, &len);
    assert_string_equal(t, want);
    assert_int_equal(len, strlen(want));
    free(t);
}

static void type_str(textbuf *tb, const char *s)
{
    /* one keystroke per character (UTF-8 sequences kept whole) */
    while (*s) {
        size_t n = 1;
        while (((unsigned char)s[n] & 0xc0) == 0x80)
            n++;
        textbuf_type(tb, s, n);
        s += n;
    }
}

static void test_edits(void **state)
{
    (void)state;
    textbuf *tb = tb_with("one\ntwo\nthree\n");
    assert_int_equal(textbuf_line_count(tb), 4);
    textbuf_set_cursor(tb, (tb_pos){1, 1}, false);
    textbuf_type(tb, "X", 1);
    assert_text(tb, "one\ntXwo\nthree\n");
    textbuf_paste_text(tb, "1\n2\n3", 5);
    assert_text(tb, "one\ntX1\n2\n3wo\nthree\n");
    assert_int_equal(textbuf_cursor(tb).line, 3);
    assert_int_equal(textbuf_cursor(tb).col, 1);
    textbuf_move(tb, TB_LINE_START, 1, false);
    textbuf_backspace(tb); /* joins with the line above */
    assert_text(tb, "one\ntX1\n23wo\nthree\n");
    textbuf_move(tb, TB_LINE_END, 1, false);
    textbuf_delete(tb); /* joins the next line */
    assert_text(tb, "one\ntX1\n23wothree\n");
    textbuf_move(tb, TB_BUF_END, 1, false);
    textbuf_delete(tb); /* nothing after the end */
    textbuf_move(tb, TB_BUF_START, 1, false);
    textbuf_backspace(tb); /* nothing before the start */
    assert_text(tb, "one\ntX1\n23wothree\n");
    textbuf_free(tb);
}

/* a, é (2 bytes), 中 (3 bytes, 2 cells), e + U+0301 (1 + 2 bytes), b */
#define MIXED                                                                                      \
    "a\xc3\xa9\xe4\xb8\xad"                                                                        \
    "e\xcc\x81"                                                                                    \
    "b"

static void test_utf8_motion(void **state)
{
    (void)state;
    textbuf *tb = tb_with(MIXED);
    size_t cols[] = {0, 1, 3, 6, 9, 10};
    int xs[] = {0, 1, 2, 4, 5, 6};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(textbuf_cursor(tb).col, cols[i]);
        assert_int_equal(textbuf_cursor_x(tb), xs[i]);
        textbuf_move(tb, TB_RIGHT, 1, false);
    }
    assert_int_equal(textbuf_cursor(tb).col, 10); /* stays at the end */
    for (size_t i = 6; i-- > 0;) {
        assert_int_equal(textbuf_cursor(tb).col, cols[i]);
        textbuf_move(tb, TB_LEFT, 1, false);
    }
    /* a position inside a sequence snaps to its start */
    textbuf_set_cursor(tb, (tb_pos){0, 4}, false);
    assert_int_equal(textbuf_cursor(tb).col, 3);
    textbuf_set_cursor(tb, (tb_pos){0, 8}, false); /* inside the combining mark */
    assert_int_equal(textbuf_cursor(tb).col, 6);
    /* Backspace removes the whole grapheme e + U+0301 */
    textbuf_set_cursor(tb, (tb_pos){0, 9}, false);
    textbuf_backspace(tb);
    assert_text(tb, "a\xc3\xa9\xe4\xb8\xad"
                    "b");
    /* Delete removes all three bytes of the wide character */
    textbuf_set_cursor(tb, (tb_pos){0, 3}, false);
    textbuf_delete(tb);
    assert_text(tb, "a\xc3\xa9"
                    "b");
    textbuf_free(tb);
}

static void test_utf8_vertical(void **state)
{
    (void)state;
    /* moving down from x=4 lands on a character boundary in a wide line */
    textbuf *tb = tb_with("abcdef\n\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\nab");
    textbuf_set_cursor(tb, (tb_pos){0, 3}, false); /* x = 3 */
    textbuf_move(tb, TB_DOWN, 1, false);
    /* x=3 falls inside the second wide char (cells 2-3): its start */
    assert_int_equal(textbuf_cursor(tb).col, 3);
    textbuf_move(tb, TB_DOWN, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 2); /* clamped to the short line */
    textbuf_move(tb, TB_UP, 1, false);
    textbuf_move(tb, TB_UP, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 3); /* goal column kept */
    textbuf_free(tb);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    textbuf *tb = tb_with("a\xff\xc3z");
    textbuf_move(tb, TB_RIGHT, 1, false);
    textbuf_move(tb, TB_RIGHT, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 2);
    textbuf_delete(tb);
    assert_text(tb, "a\xff"
                    "z");
    textbuf_free(tb);
}

static void test_word_motion(void **state)
{
    (void)state;
    textbuf *tb = tb_with("SELECT o.id,  caf\xc3\xa9\nx");
    size_t stops[] = {6, 8, 9, 11, 12, 19};
    for (size_t i = 0; i < 6; i++) {
        textbuf_move(tb, TB_WORD_RIGHT, 1, false);
        assert_int_equal(textbuf_cursor(tb).col, stops[i]);
    }
    textbuf_move(tb, TB_WORD_RIGHT, 1, false);
    assert_int_equal(textbuf_cursor(tb).line, 1);
    textbuf_move(tb, TB_WORD_LEFT, 1, false);
    assert_int_equal(textbuf_cursor(tb).line, 0);
    assert_int_equal(textbuf_cursor(tb).col, 19);
    textbuf_move(tb, TB_WORD_LEFT, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 14);
    textbuf_move(tb, TB_WORD_LEFT, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 11); /* "," */
    textbuf_free(tb);
}

static void test_home_end_goto(void **state)
{
    (void)state;
    textbuf *tb = tb_with("a\n    indented\nc");
    textbuf_goto_line(tb, 2);
    textbuf_move(tb, TB_LINE_END, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 12);
    textbuf_move(tb, TB_HOME, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 4);
    textbuf_move(tb, TB_HOME, 1, false);
    assert_int_equal(textbuf_cursor(tb).col, 0);
    textbuf_goto_line(tb, 999);
    assert_int_equal(textbuf_cursor(tb).line, 2);
    textbuf_goto_line(tb, 0);
    assert_int_equal(textbuf_cursor(tb).line, 0);
    textbuf_move(tb, TB_PAGE_DOWN, 10, false);
    assert_int_equal(textbuf_cursor(tb).line, 2);
    textbuf_free(tb);
}

static void test_undo_word_groups(void **state)
{
    (void)state;
    textbuf *tb = tb_with("");
    type_str(tb, "hello world");
    assert_text(tb, "hello world");
    assert_true(textbuf_undo(tb));
    assert_text(tb, "hello ");
    assert_true(textbuf_undo(tb));
    assert_text(tb, "hello");
    assert_true(textbuf_undo(tb));
    assert_text(tb, "");
    assert_false(textbuf_undo(tb));
    assert_true(textbuf_redo(tb));
    assert_true(textbuf_redo(tb));
    assert_text(tb, "hello ");
    assert_int_equal(textbuf_cursor(tb).col, 6);
    assert_true(textbuf_redo(tb));
    assert_false(textbuf_redo(tb));
    assert_text(tb, "hello world");
    textbuf_free(tb);
}

static void test_undo_boundaries(void **state)
{
    (void)state;
    textbuf *tb = tb_with("");
    type_str(tb, "ab");
    textbuf_move(tb, TB_LEFT, 1, false); /* a motion ends the group */
    textbuf_move(tb, TB_RIGHT, 1, false);
    type_str(tb, "cd");
    textbuf_undo(tb);
    assert_text(tb, "ab");
    type_str(tb, "ef");
    textbuf_undo_boundary(tb); /* a pause ends it too */
    type_str(tb, "gh");
    textbuf_undo(tb);
    assert_text(tb, "abef");
    /* a run of backspaces over a word is one step */
    textbuf_set_text(tb, "", 0);
    type_str(tb, "select");
    textbuf_undo_boundary(tb);
    for (int i = 0; i < 4; i++)
        textbuf_backspace(tb);
    assert_text(tb, "se");
    textbuf_undo(tb);
    assert_text(tb, "select");
    assert_int_equal(textbuf_cursor(tb).col, 6);
    /* forward deletes too */
    textbuf_move(tb, TB_LINE_START, 1, false);
    textbuf_delete(tb);
    textbuf_delete(tb);
    assert_text(tb, "lect");
    textbuf_undo(tb);
    assert_text(tb, "select");
    /* Enter is its own step */
    textbuf_move(tb, TB_LINE_END, 1, false);
    type_str(tb, "x");
    textbuf_newline(tb);
    type_str(tb, "y");
    textbuf_undo(tb);
    textbuf_undo(tb);
    assert_text(tb, "selectx");
    /* a new edit drops the redo history */
    textbuf_undo(tb);
    type_str(tb, "z");
    assert_false(textbuf_redo(tb));
    textbuf_free(tb);
}

static void test_undo_limit(void **state)
{
    (void)state;
    textbuf *tb = tb_with("");
    for (int i = 0; i < TB_UNDO_MAX + 50; i++)
        textbuf_type(tb, ";", 1); /* punctuation: one group each */
    assert_int_equal(textbuf_undo_depth(tb), TB_UNDO_MAX);
    while (textbuf_undo(tb))
        ;
    size_t len;
    free(textbuf_text(tb, &len));
    assert_int_equal(len, 50); /* the oldest 50 steps were dropped */
    textbuf_free(tb);
}

static void test_dirty(void **state)
{
    (void)state;
    textbuf *tb = tb_with("x");
    assert_false(textbuf_dirty(tb));
    type_str(tb, "ab");
    assert_true(textbuf_dirty(tb));
    textbuf_set_clean(tb);
    assert_false(textbuf_dirty(tb));
    type_str(tb, "c"); /* same word, but after a save: a new step */
    assert_true(textbuf_dirty(tb));
    textbuf_undo(tb);
    assert_false(textbuf_dirty(tb));
    textbuf_undo(tb);
    assert_true(textbuf_dirty(tb));
    textbuf_free(tb);
}

static void test_selection_register(void **state)
{
    (void)state;
    textbuf *tb = tb_with("alpha beta\ngamma");
    textbuf_move(tb, TB_WORD_RIGHT, 1, true);
    tb_pos a, b;
    assert_true(textbuf_selection(tb, &a, &b));
    assert_int_equal(a.col, 0);
    assert_int_equal(b.col, 5);
    textbuf_copy(tb);
    size_t n;
    const char *reg = textbuf_register(tb, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(reg, "alpha", 5);
    /* typing replaces the selection; one undo restores it */
    type_str(tb, "Z");
    assert_text(tb, "Z beta\ngamma");
    textbuf_undo(tb);
    assert_text(tb, "alpha beta\ngamma");
    /* a plain motion drops the selection */
    textbuf_move(tb, TB_RIGHT, 1, true);
    textbuf_move(tb, TB_RIGHT, 1, false);
    assert_false(textbuf_selection(tb, &a, &b));
    /* the mark: plain motions extend until cleared */
    textbuf_set_cursor(tb, (tb_pos){0, 6}, false);
    textbuf_toggle_mark(tb);
    textbuf_move(tb, TB_DOWN, 1, false);
    assert_true(textbuf_selection(tb, &a, &b));
    textbuf_cut(tb);
    assert_text(tb, "alpha ");
    reg = textbuf_register(tb, &n);
    assert_int_equal(n, 10);
    assert_memory_equal(reg, "beta\ngamma", n);
    textbuf_move(tb, TB_LINE_START, 1, false);
    textbuf_paste(tb);
    assert_text(tb, "beta\ngammaalpha ");
    textbuf_free(tb);
}

static void test_line_cut_paste(void **state)
{
    (void)state;
    textbuf *tb = tb_with("one\ntwo\nthree");
    textbuf_goto_line(tb, 2);
    textbuf_move(tb, TB_RIGHT, 1, false);
    textbuf_cut(tb); /* no selection: the whole line */
    assert_text(tb, "one\nthree");
    textbuf_paste(tb); /* goes above the cursor line */
    assert_text(tb, "one\ntwo\nthree");
    assert_int_equal(textbuf_cursor(tb).line, 2);
    textbuf_move(tb, TB_BUF_END, 1, false);
    textbuf_cut(tb); /* the last line */
    assert_text(tb, "one\ntwo");
    textbuf_free(tb);
}

static void test_search(void **state)
{
    (void)state;
    textbuf *tb = tb_with("Select a\nFROM b\nselect c");
    assert_true(textbuf_find(tb, "select", false)); /* lower case: any case */
    assert_int_equal(textbuf_cursor(tb).line, 0);
    assert_int_equal(textbuf_cursor(tb).col, 6);
    assert_true(textbuf_find(tb, "select", true));
    assert_int_equal(textbuf_cursor(tb).line, 2);
    assert_true(textbuf_find(tb, "select", true)); /* wraps around */
    assert_int_equal(textbuf_cursor(tb).line, 0);
    assert_false(textbuf_find(tb, "SELECT", true)); /* capitals: exact case */
    assert_true(textbuf_find(tb, "FROM", true));
    assert_int_equal(textbuf_cursor(tb).line, 1);
    assert_false(textbuf_find(tb, "nowhere", false));
    assert_false(textbuf_find(tb, "", false));
    tb_pos a, b;
    assert_true(textbuf_selection(tb, &a, &b));
    assert_int_equal(a.col, 0); /* the match is selected */
    textbuf_free(tb);
}

static void test_auto_indent_and_paste(void **state)
{
    (void)state;
    textbuf *tb = tb_with("    SELECT a");
    textbuf_move(tb, TB_LINE_END, 1, false);
    textbuf_newline(tb);
    type_str(tb, "b");
    assert_text(tb, "    SELECT a\n    b");
    /* pasted text goes in verbatim: no indentation added to its lines */
    const char *block = "x\n  y\n    z\nw";
    textbuf_paste_text(tb, block, strlen(block));
    assert_text(tb, "    SELECT a\n    bx\n  y\n    z\nw");
    textbuf_undo(tb); /* the paste is one step */
    assert_text(tb, "    SELECT a\n    b");
    /* no auto-indent when configured off */
    tb_config c = textbuf_config(tb);
    c.auto_indent = false;
    textbuf_set_config(tb, &c);
    textbuf_newline(tb);
    assert_text(tb, "    SELECT a\n    b\n");
    textbuf_free(tb);
}

static void test_tabs(void **state)
{
    (void)state;
    tb_config c = {4, true, true};
    textbuf *tb = textbuf_new(&c);
    type_str(tb, "a");
    textbuf_tab(tb);
    assert_text(tb, "a   ");
    assert_int_equal(textbuf_cursor_x(tb), 4);
    c.expandtab = false;
    c.tab_width = 8;
    textbuf_set_config(tb, &c);
    textbuf_tab(tb);
    assert_text(tb, "a   \t");
    assert_int_equal(textbuf_cursor_x(tb), 8);
    c.tab_width = 99; /* out of range: back to the default */
    textbuf_set_config(tb, &c);
    assert_int_equal(textbuf_config(tb).tab_width, 4);
    textbuf_free(tb);
}

static size_t notified_first, notified_removed, notified_added;
static void listener(void *ud, size_t first, size_t removed, size_t added)
{
    (void)ud;
    notified_first = first;
    notified_removed = removed;
    notified_added = added;
}

static void test_listener(void **state)
{
    (void)state;
    textbuf *tb = tb_with("a\nb\nc");
    textbuf_set_listener(tb, listener, NULL);
    textbuf_goto_line(tb, 2);
    textbuf_paste_text(tb, "1\n2\n", 4);
    assert_int_equal(notified_first, 1);
    assert_int_equal(notified_removed, 1);
    assert_int_equal(notified_added, 3);
    textbuf_undo(tb);
    assert_int_equal(notified_first, 1);
    assert_int_equal(notified_removed, 3);
    assert_int_equal(notified_added, 1);
    textbuf_free(tb);
}

/* Random edits: undoing everything gives back the original text, redoing
 * everything gives the final text, whatever the mix of operations. */
static void test_random_undo_redo(void **state)
{
    (void)state;
    static const char *frags[] = {"a", "b c", "\n", "  x\n\ty", "\xc3\xa9", "\xe4\xb8\xad", ";"};
    srand(3);
    for (int round = 0; round < 20; round++) {
        const char *start = "SELECT 1\n  FROM t\n\xe4\xb8\xad\xe6\x96\x87\n";
        textbuf *tb = tb_with(start);
        for (int step = 0; step < 200; step++) {
            size_t nl = textbuf_line_count(tb), len;
            size_t line = (size_t)rand() % nl;
            textbuf_line(tb, line, &len);
            textbuf_set_cursor(tb, (tb_pos){line, (size_t)rand() % (len + 1)}, rand() % 4 == 0);
            const char *f = frags[rand() % 7];
            switch (rand() % 9) {
            case 0:
                textbuf_backspace(tb);
                break;
            case 1:
                textbuf_delete(tb);
                break;
            case 2:
                textbuf_newline(tb);
                break;
            case 3:
                textbuf_cut(tb);
                break;
            case 4:
                textbuf_paste(tb);
                break;
            case 5:
                textbuf_tab(tb);
                break;
            case 6:
                textbuf_paste_text(tb, f, strlen(f));
                break;
            default:
                type_str(tb, f);
                break;
            }
        }
        size_t flen;
        char *final = textbuf_text(tb, &flen);
        assert_true(textbuf_undo_depth(tb) <= TB_UNDO_MAX);
        while (textbuf_undo(tb))
            ;
        assert_text(tb, start);
        while (textbuf_redo(tb))
            ;
        assert_text(tb, final);
        free(final);
        textbuf_free(tb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edits),
        cmocka_unit_test(test_utf8_motion),
        cmocka_unit_test(test_utf8_vertical),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_word_motion),
        cmocka_unit_test(test_home_end_goto),
        cmocka_unit_test(test_undo_word_groups),
        cmocka_unit_test(test_undo_boundaries),
        cmocka_unit_test(test_undo_limit),
        cmocka_unit_test(test_dirty),
        cmocka_unit_test(test_selection_register),
        cmocka_unit_test(test_line_cut_paste),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_auto_indent_and_paste),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_listener),
        cmocka_unit_test(test_random_undo_redo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
