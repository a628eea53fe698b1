/* Tests for the editor widget (widgets/editor/editor.h): drawing into a
 * window of a terminal opened on /dev/null, key handling, bracketed paste
 * (as keycodes and as raw bytes), completion popup, prompts, diagnostics,
 * the help table, and the $EDITOR hand-off with a script standing in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "editor_int.h"
#include "extedit.h"

#include "../tmpdir.h"

#define ROWS 12
#define COLS_ 60

static SCREEN *scr;
static WINDOW *win;
static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    scr = newterm("xterm-256color", out, in);
    if (!scr)
        return -1;
    editor_term_init();
    win = newwin(ROWS, COLS_, 0, 0);
    return test_mkdtemp(tmpdir, sizeof(tmpdir), "weir-editor-test") ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    delwin(win);
    endwin();
    delscreen(scr);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static editor *ed_with(const char *text)
{
    editor_config cfg = editor_default_config();
    cfg.undo_pause_ms = 0; /* no time dependence */
    editor *ed = editor_new(&cfg);
    editor_set_text(ed, text, strlen(text), false);
    return ed;
}

static void assert_text(editor *ed, const char *want)
{
    size_t len;
    char *t = editor_text(ed, &len);
    assert_string_equal(t, want);
    free(t);
}

/* Row y of the window as UTF-8, trailing blanks trimmed. */
static const char *row(int y)
{
    static char buf[4 * COLS_ + 8];
    wchar_t w[COLS_ + 1];
    mvwinnwstr(win, y, 0, w, COLS_);
    w[COLS_] = 0;
    size_t n = wcstombs(buf, w, sizeof buf - 1);
    if (n == (size_t)-1)
        n = 0;
    buf[n] = '\0';
    while (n && buf[n - 1] == ' ')
        buf[--n] = '\0';
    return buf;
}

static void draw(editor *ed)
{
    werase(win);
    editor_draw(ed, win, 0, 0, ROWS, COLS_, true);
}

static int keys(editor *ed, const char *s)
{
    int r = 0;
    for (; *s; s++)
        r |= editor_key(ed, (unsigned char)*s, false);
    return r;
}

static int key(editor *ed, int k)
{
    return editor_key(ed, (wint_t)k, true);
}

static void test_draw_basic(void **state)
{
    (void)state;
    editor *ed = ed_with("SELECT 1\nFROM orders");
    const char *ids[] = {"orders"};
    cmp_table t = {ids[0], NULL, 0};
    editor_set_inputs(ed, &t, 1);
    draw(ed);
    assert_string_equal(row(0), "  1  SELECT 1");
    assert_string_equal(row(1), "  2  FROM orders");
    assert_string_equal(row(2), "");
    assert_non_null(strstr(row(ROWS - 1), "Ln 1, Col 1"));
    assert_non_null(strstr(row(ROWS - 1), "SQL"));
    /* semantic styles with the monochrome defaults */
    assert_true(mvwinch(win, 0, 5) & A_BOLD);       /* SELECT */
    assert_false(mvwinch(win, 0, 12) & A_BOLD);     /* 1 */
    assert_true(mvwinch(win, 1, 10) & A_UNDERLINE); /* orders: an input id */
    editor_set_style(ed, ED_STYLE_KEYWORD, A_UNDERLINE);
    draw(ed);
    assert_true(mvwinch(win, 0, 5) & A_UNDERLINE);
    int y, x;
    editor_cursor(ed, &y, &x);
    assert_int_equal(y, 0);
    assert_int_equal(x, 5);
    editor_free(ed);
}

static void test_draw_wide_and_scroll(void **state)
{
    (void)state;
    char line[300] = "\xe4\xb8\xad\xe6\x96\x87 x\tY";
    editor *ed = ed_with(line);
    draw(ed);
    assert_string_equal(row(0), "  1  \xe4\xb8\xad\xe6\x96\x87 x  Y");
    /* a long line scrolls horizontally to keep the cursor visible */
    memset(line, '.', 200);
    memcpy(line, "abcdefgh", 8);
    memcpy(line + 192, "FINISHED", 8);
    editor_set_text(ed, line, 200, false);
    key(ed, KEY_END);
    draw(ed);
    int y, x;
    editor_cursor(ed, &y, &x);
    assert_true(x < COLS_);
    const char *r = row(0);
    size_t n = strlen(r);
    assert_int_equal(r[n - 1], 'D'); /* the end of the line is shown */
    assert_non_null(strstr(r, "FINISHED"));
    assert_false(strstr(r, "abcdefgh")); /* and not its start */
    key(ed, KEY_HOME);
    draw(ed);
    assert_non_null(strstr(row(0), "abcdefgh"));
    editor_free(ed);
}

static void test_diagnostics(void **state)
{
    (void)state;
    editor *ed = ed_with("SELECT x\nFROM orders\nWHERE y");
    editor_diag d[] = {{1, 8, false, "no such column: x"}, {3, 7, true, "maybe y?"}};
    editor_set_diagnostics(ed, d, 2);
    draw(ed);
    assert_string_equal(row(0), "  1\xe2\x97\x8f SELECT x"); /* ● in the gutter */
    assert_non_null(strstr(row(ROWS - 1), "1:8: no such column: x"));
    key(ed, KEY_DOWN);
    draw(ed);
    assert_null(strstr(row(ROWS - 1), "no such column"));
    /* a new line above moves the mark with its line until revalidation */
    key(ed, KEY_HOME);
    keys(ed, "\n");
    draw(ed);
    assert_non_null(strstr(row(3), "\xe2\x96\xb2")); /* ▲ warning, now line 4 */
    editor_free(ed);
}

static int changes;
static void on_change(editor *ed, void *ud)
{
    (void)ed;
    (void)ud;
    changes++;
}

static void test_typing_undo(void **state)
{
    (void)state;
    editor *ed = ed_with("");
    editor_on_change(ed, on_change, NULL);
    changes = 0;
    int r = keys(ed, "SELCT");
    assert_true(r & ED_CHANGED);
    assert_int_equal(changes, 5);
    key(ed, KEY_LEFT);
    assert_false(key(ed, KEY_LEFT) & ED_CHANGED);
    keys(ed, "E");
    assert_text(ed, "SELECT");
    assert_true(editor_dirty(ed));
    editor_key(ed, 0x1a, false); /* Ctrl-Z */
    assert_text(ed, "SELCT");
    editor_key(ed, 0x19, false); /* Ctrl-Y */
    assert_text(ed, "SELECT");
    /* shift-selection and the register */
    key(ed, KEY_HOME);
    key(ed, KEY_SRIGHT);
    key(ed, KEY_SRIGHT);
    editor_key(ed, 0x18, false); /* Ctrl-X */
    assert_text(ed, "LECT");
    key(ed, KEY_END);
    editor_key(ed, 0x16, false); /* Ctrl-V */
    assert_text(ed, "LECTSE");
    /* keys the editor does not use are left to the app */
    assert_int_equal(key(ed, KEY_F(12)), 0);
    editor_free(ed);
}

static void feed_paste_raw(editor *ed, const char *body, int *flags)
{
    *flags |= keys(ed, "\033[200~");
    for (const char *p = body; *p; p++) /* tmux sends CR for LF */
        *flags |= editor_key(ed, *p == '\n' ? '\r' : (unsigned char)*p, false);
    *flags |= keys(ed, "\033[201~");
}

static void test_bracketed_paste(void **state)
{
    (void)state;
    const char *block = "SELECT a,\n    b,\n        c\n\tFROM t\n";
    editor *ed = ed_with("    ");
    key(ed, KEY_END);
    int flags = 0;
    feed_paste_raw(ed, block, &flags);
    assert_false(flags & ED_LEAVE);
    char want[256];
    snprintf(want, sizeof want, "    %s", block);
    assert_text(ed, want); /* verbatim: no indentation cascade, tab kept */
    editor_key(ed, 0x1a, false);
    assert_text(ed, "    "); /* one undo step */
    /* the same with the markers bound as keys by editor_term_init */
    key(ed, ED_KEY_PASTE_BEGIN);
    int mid = keys(ed, "x\ny");
    assert_false(mid & ED_REDRAW); /* nothing drawn until the paste ends */
    assert_true(key(ed, ED_KEY_PASTE_END) & ED_CHANGED);
    assert_text(ed, "    x\ny");
    /* CR LF counts as one line break */
    editor_set_text(ed, "", 0, false);
    key(ed, ED_KEY_PASTE_BEGIN);
    keys(ed, "a\r\nb");
    key(ed, ED_KEY_PASTE_END);
    assert_text(ed, "a\nb");
    editor_free(ed);
}

static void test_paste_limit(void **state)
{
    (void)state;
    editor *ed = ed_with("keep");
    key(ed, ED_KEY_PASTE_BEGIN);
    for (size_t i = 0; i < ED_PASTE_MAX + 10; i++)
        editor_key(ed, 'x', false);
    key(ed, ED_KEY_PASTE_END);
    assert_text(ed, "keep");
    draw(ed);
    assert_non_null(strstr(row(ROWS - 1), "Paste refused"));
    editor_free(ed);
}

static void test_escape(void **state)
{
    (void)state;
    editor *ed = ed_with("abc");
    assert_true(editor_key(ed, 27, false) & ED_PENDING);
    assert_true(key(ed, ED_KEY_TIMEOUT) & ED_LEAVE);
    /* an unknown CSI sequence (Alt-Left) is swallowed */
    int r = keys(ed, "\033[1;3D");
    assert_false(r & ED_LEAVE);
    assert_text(ed, "abc");
    /* Esc first drops a selection, then leaves */
    key(ed, KEY_SRIGHT);
    editor_key(ed, 27, false);
    assert_false(key(ed, ED_KEY_TIMEOUT) & ED_LEAVE);
    editor_key(ed, 27, false);
    assert_true(key(ed, ED_KEY_TIMEOUT) & ED_LEAVE);
    assert_true(key(ed, KEY_F(10)) & ED_LEAVE);
    assert_true(editor_key(ed, 0x13, false) & ED_SAVE); /* Ctrl-S */
    assert_true(key(ed, KEY_F(4)) & ED_EXTERNAL);       /* F4 */
    assert_true(key(ed, KEY_F(1)) & ED_HELP);
    editor_free(ed);
}

static void test_completion_popup(void **state)
{
    (void)state;
    static const cmp_column ccols[] = {{"id", "INTEGER"}, {"name", "TEXT"}, {"country", "TEXT"}};
    cmp_table t[] = {{"customers", ccols, 3}};
    editor *ed = ed_with("\nFROM customers c");
    editor_set_inputs(ed, t, 1);
    keys(ed, "SEL\t"); /* one candidate: inserted */
    assert_text(ed, "SELECT\nFROM customers c");
    keys(ed, " c.\t"); /* several: a popup */
    assert_true(editor_popup_open(ed));
    draw(ed);
    assert_non_null(strstr(row(1), "id"));
    assert_non_null(strstr(row(2), "name"));
    key(ed, KEY_DOWN);
    keys(ed, "\n");
    assert_false(editor_popup_open(ed));
    assert_text(ed, "SELECT c.name\nFROM customers c");
    /* typing filters; Esc closes */
    keys(ed, ", c.");
    editor_key(ed, 0, false); /* Ctrl-Space */
    assert_true(editor_popup_open(ed));
    keys(ed, "co");
    assert_true(editor_popup_open(ed));
    assert_int_equal(ed->items.n, 1);
    editor_key(ed, 27, false);
    key(ed, ED_KEY_TIMEOUT);
    assert_false(editor_popup_open(ed));
    assert_text(ed, "SELECT c.name, c.co\nFROM customers c");
    /* Tab after a blank indents */
    key(ed, KEY_HOME);
    keys(ed, "\t");
    assert_text(ed, "    SELECT c.name, c.co\nFROM customers c");
    editor_free(ed);
}

static void test_prompts(void **state)
{
    (void)state;
    editor *ed = ed_with("select a\nfrom b\nwhere c\nfrom d");
    editor_key(ed, 0x06, false); /* Ctrl-F */
    keys(ed, "from");
    draw(ed);
    assert_non_null(strstr(row(ROWS - 1), "Search: from"));
    keys(ed, "\r");
    size_t line, col;
    editor_position(ed, &line, &col);
    assert_int_equal(line, 2);
    key(ed, KEY_F(3));
    editor_position(ed, &line, &col);
    assert_int_equal(line, 4);
    editor_key(ed, 0x07, false); /* Ctrl-G wraps */
    editor_position(ed, &line, &col);
    assert_int_equal(line, 2);
    editor_key(ed, 0x06, false);
    keys(ed, "nothere\r");
    draw(ed);
    assert_non_null(strstr(row(ROWS - 1), "Not found: nothere"));
    editor_key(ed, 0x0c, false); /* Ctrl-L */
    keys(ed, "3\r");
    editor_position(ed, &line, &col);
    assert_int_equal(line, 3);
    editor_key(ed, 0x0c, false);
    keys(ed, "x\r");
    draw(ed);
    assert_non_null(strstr(row(ROWS - 1), "type a line number"));
    assert_text(ed, "select a\nfrom b\nwhere c\nfrom d"); /* prompts never edit */
    editor_free(ed);
}

static void test_limits(void **state)
{
    (void)state;
    /* diagnostics beyond ED_MAX_DIAGS are dropped */
    static editor_diag many[ED_MAX_DIAGS + 5];
    for (int i = 0; i < ED_MAX_DIAGS + 5; i++)
        many[i] = (editor_diag){i + 1, 1, false, "m"};
    editor *ed = ed_with("x");
    editor_set_diagnostics(ed, many, ED_MAX_DIAGS + 5);
    assert_int_equal(ed->ndiags, ED_MAX_DIAGS);
    /* the prompt stops taking text at ED_PROMPT_MAX */
    editor_key(ed, 0x06, false);
    for (int i = 0; i < ED_PROMPT_MAX + 20; i++)
        editor_key(ed, 'a', false);
    assert_int_equal(ed->prompt_len, ED_PROMPT_MAX - 1);
    keys(ed, "\r");
    /* a line with more than ED_MAX_TOKENS tokens draws in full */
    static char line[4 * ED_MAX_TOKENS + 16];
    size_t n = 0;
    for (int i = 0; i < ED_MAX_TOKENS + 10; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, "a,");
    memcpy(line + n - 2, "ZZ", 2);
    editor_set_text(ed, line, n, false);
    key(ed, KEY_END);
    draw(ed);
    assert_non_null(strstr(row(0), "a,a,ZZ"));
    editor_free(ed);
}

static void test_pause_ends_undo_group(void **state)
{
    (void)state;
    editor_config cfg = editor_default_config();
    cfg.undo_pause_ms = 1;
    editor *ed = editor_new(&cfg);
    keys(ed, "ab");
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    keys(ed, "cd");
    editor_key(ed, 0x1a, false);
    assert_text(ed, "ab");
    editor_free(ed);
}

static void test_lua_and_paging(void **state)
{
    (void)state;
    editor *ed = ed_with("local x = [[\nstill string]] return x");
    editor_set_lang(ed, HL_LANG_LUA);
    draw(ed);
    assert_true(mvwinch(win, 0, 5) & A_BOLD);  /* local */
    assert_false(mvwinch(win, 1, 5) & A_BOLD); /* inside the long string */
    assert_true(mvwinch(win, 1, 20) & A_BOLD); /* return */
    assert_non_null(strstr(row(ROWS - 1), "Lua"));
    /* PgDn moves a page (rows - 1 lines); the last page stays full */
    char text[1200] = "";
    for (int i = 1; i <= 100; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "line %d\n", i);
    editor_set_text(ed, text, strlen(text) - 1, false);
    draw(ed);
    key(ed, KEY_NPAGE);
    draw(ed);
    size_t line, col;
    editor_position(ed, &line, &col);
    assert_int_equal(line, ROWS - 1);
    assert_non_null(strstr(row(0), "line 11"));
    for (int i = 0; i < 20; i++)
        key(ed, KEY_NPAGE);
    draw(ed);
    editor_position(ed, &line, &col);
    assert_int_equal(line, 100);
    assert_non_null(strstr(row(0), "line 90"));
    assert_non_null(strstr(row(ROWS - 2), "line 100"));
    key(ed, KEY_PPAGE);
    draw(ed);
    editor_position(ed, &line, &col);
    assert_int_equal(line, 100 - (ROWS - 2));
    editor_free(ed);
}

static void test_help_table(void **state)
{
    (void)state;
    for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
        if (!editor_action_bound((ed_action)a))
            fail_msg("action %s has no key", editor_action_name((ed_action)a));
    size_t n;
    const editor_help *h = editor_help_table(&n);
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        assert_true(h[i].keys[0]);
        assert_true(h[i].what[0]);
    }
}

static char *write_script(const char *name, const char *body)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
    chmod(path, 0755);
    return path;
}

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_external_editor(void **state)
{
    (void)state;
    char *script =
        write_script("fake editor.sh", "#!/bin/sh\nprintf 'edited by %s\\n' \"$0\" >/dev/null\n"
                                       "printf 'SELECT 2\\n' >> \"$1\"\n");
    char *quoted = extedit_shell_quote(script);
    char file[512];
    snprintf(file, sizeof file, "%s/it's a \"q\" $HOME.sql", tmpdir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("SELECT 1\n", f);
    fclose(f);
    char err[256] = "";
    assert_int_equal(extedit_run(quoted, file, err, sizeof err), 0);
    assert_string_equal(slurp(file), "SELECT 1\nSELECT 2\n");
    /* through the widget helper, with $VISUAL taking precedence */
    setenv("EDITOR", "false", 1);
    setenv("VISUAL", quoted, 1);
    assert_string_equal(extedit_command(), quoted);
    assert_int_equal(editor_external_edit(file, err, sizeof err), 0);
    assert_string_equal(slurp(file), "SELECT 1\nSELECT 2\nSELECT 2\n");
    /* failures are reported, not fatal */
    char *bad = write_script("bad.sh", "#!/bin/sh\nexit 3\n");
    assert_int_equal(extedit_run(bad, file, err, sizeof err), 3);
    assert_non_null(strstr(err, "status 3"));
    assert_int_equal(extedit_run("/nonexistent/editor", file, err, sizeof err), 127);
    assert_non_null(strstr(err, "cannot run"));
    unsetenv("VISUAL");
    unsetenv("EDITOR");
    assert_string_equal(extedit_command(), "vi");
    char *q = extedit_shell_quote("a'b");
    assert_string_equal(q, "'a'\\''b'");
    free(q);
    free(quoted);
    free(script);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draw_basic),
        cmocka_unit_test(test_draw_wide_and_scroll),
        cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_typing_undo),
        cmocka_unit_test(test_bracketed_paste),
        cmocka_unit_test(test_paste_limit),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_completion_popup),
        cmocka_unit_test(test_prompts),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_pause_ends_undo_group),
        cmocka_unit_test(test_lua_and_paging),
        cmocka_unit_test(test_help_table),
        cmocka_unit_test(test_external_editor),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
