/* Tests for widgets/editor/highlight: every token class of the SQL and Lua
 * tokenizers, multi-line and unterminated constructs, and the incremental
 * state cache against a full rescan after random edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "highlight.h"
#include "textbuf.h"

static const char *ids[] = {"orders", "customers"};
static const hl_words inputs = {ids, 2};

/* Tokenize and render as "class:text class:text ..." for compact checks. */
static hl_state render(hl_lang lang, const char *s, hl_state in, char *out, size_t outsz)
{
    hl_token tok[64];
    size_t n;
    hl_state st = hl_tokenize(lang, s, strlen(s), in, &inputs, tok, 64, &n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char part[128];
        snprintf(part, sizeof part, "%s%s:%.*s", i ? " " : "", hl_class_name(tok[i].cls),
                 (int)tok[i].len, s + tok[i].start);
        strncat(out, part, outsz - strlen(out) - 1);
    }
    return st;
}

static void test_sql_classes(void **state)
{
    (void)state;
    char out[1024];
    hl_state st = render(HL_LANG_SQL, "SELECT o.id, count(*) AS n, 'it''s' FROM orders o -- done",
                         0, out, sizeof out);
    assert_int_equal(st, 0);
    assert_string_equal(out, "keyword:SELECT ident:o operator:. ident:id operator:, "
                             "builtin:count operator:( operator:* operator:) keyword:AS "
                             "ident:n operator:, string:'it''s' keyword:FROM input_id:orders "
                             "ident:o comment:-- done");
    render(HL_LANG_SQL, "where x >= 1.5e3 and y<>0x1F and \"Customers\".z", 0, out, sizeof out);
    assert_string_equal(out, "keyword:where ident:x operator:>= number:1.5e3 keyword:and "
                             "ident:y operator:<> number:0x1F keyword:and "
                             "input_id:\"Customers\" operator:. ident:z");
}

static void test_sql_multiline(void **state)
{
    (void)state;
    char out[1024];
    hl_state st = render(HL_LANG_SQL, "SELECT /* a", 0, out, sizeof out);
    assert_int_not_equal(st, 0);
    assert_string_equal(out, "keyword:SELECT comment:/* a");
    hl_state st2 = render(HL_LANG_SQL, "still comment", st, out, sizeof out);
    assert_int_equal(st2, st);
    assert_string_equal(out, "comment:still comment");
    st2 = render(HL_LANG_SQL, "end */ 42", st, out, sizeof out);
    assert_int_equal(st2, 0);
    assert_string_equal(out, "comment:end */ number:42");
    /* an unterminated string runs to the end of the text */
    st = render(HL_LANG_SQL, "x = 'abc", 0, out, sizeof out);
    assert_int_not_equal(st, 0);
    assert_string_equal(out, "ident:x operator:= string:'abc");
    st2 = render(HL_LANG_SQL, "def' y", st, out, sizeof out);
    assert_int_equal(st2, 0);
    assert_string_equal(out, "string:def' ident:y");
    st = render(HL_LANG_SQL, "\"unterminated", 0, out, sizeof out);
    assert_int_not_equal(st, 0);
    /* an unterminated comment at the end of a file stays a comment */
    st = render(HL_LANG_SQL, "/*", 0, out, sizeof out);
    assert_string_equal(out, "comment:/*");
    assert_int_equal(render(HL_LANG_SQL, "", st, out, sizeof out), st);
}

static void test_lua_classes(void **state)
{
    (void)state;
    char out[1024];
    hl_state st = render(HL_LANG_LUA,
                         "local function f(r) return r.x ~= nil and tostring(0xff) .. \"a\\\"b\" "
                         "end -- c",
                         0, out, sizeof out);
    assert_int_equal(st, 0);
    assert_string_equal(out, "keyword:local keyword:function ident:f operator:( ident:r "
                             "operator:) keyword:return ident:r operator:. ident:x operator:~= "
                             "keyword:nil keyword:and builtin:tostring operator:( number:0xff "
                             "operator:) operator:.. string:\"a\\\"b\" keyword:end comment:-- c");
    /* inputs are case-sensitive in Lua */
    render(HL_LANG_LUA, "orders Orders 'x", 0, out, sizeof out);
    assert_string_equal(out, "input_id:orders ident:Orders string:'x");
}

static void test_lua_long_brackets(void **state)
{
    (void)state;
    char out[1024];
    hl_state st = render(HL_LANG_LUA, "x = [==[ a ]] still", 0, out, sizeof out);
    assert_int_not_equal(st, 0);
    assert_string_equal(out, "ident:x operator:= string:[==[ a ]] still");
    hl_state st2 = render(HL_LANG_LUA, "]=] ]==] y", st, out, sizeof out);
    assert_int_equal(st2, 0);
    assert_string_equal(out, "string:]=] ]==] ident:y");
    st = render(HL_LANG_LUA, "--[[ long", 0, out, sizeof out);
    assert_int_not_equal(st, 0);
    assert_string_equal(out, "comment:--[[ long");
    st2 = render(HL_LANG_LUA, "comment ]] return 1", st, out, sizeof out);
    assert_int_equal(st2, 0);
    assert_string_equal(out, "comment:comment ]] keyword:return number:1");
    st = render(HL_LANG_LUA, "--[=[ x ]] ]=]", 0, out, sizeof out);
    assert_int_equal(st, 0);
    assert_string_equal(out, "comment:--[=[ x ]] ]=]");
    /* "--[" without a second bracket is a line comment */
    st = render(HL_LANG_LUA, "--[ x", 0, out, sizeof out);
    assert_int_equal(st, 0);
    assert_string_equal(out, "comment:--[ x");
    /* a comment level and a string level do not close each other */
    st = render(HL_LANG_LUA, "s = [=[", 0, out, sizeof out);
    assert_int_equal(render(HL_LANG_LUA, "]]", st, out, sizeof out), st);
}

static void test_limits(void **state)
{
    (void)state;
    /* more tokens than the caller's array: no overflow, state still right */
    char line[4096];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, "a ");
    snprintf(line + n, sizeof line - n, "/*");
    hl_token tok[16];
    size_t nt;
    hl_state st = hl_tokenize(HL_LANG_SQL, line, strlen(line), 0, NULL, tok, 16, &nt);
    assert_int_equal(nt, 16);
    assert_int_not_equal(st, 0);
    /* an absurd long-bracket level */
    static char big[200010];
    big[0] = '[';
    memset(big + 1, '=', 200000);
    big[200001] = '[';
    st = hl_tokenize(HL_LANG_LUA, big, 200002, 0, NULL, NULL, 0, NULL);
    assert_int_not_equal(st, 0);
    /* NUL and control bytes are skipped, not fatal */
    assert_int_equal(hl_tokenize(HL_LANG_SQL, "a\0\x01 b", 5, 0, NULL, tok, 16, &nt), 0);
    assert_int_equal(nt, 2);
}

/* Hostile input: random bytes never crash, and tokens are ordered, within
 * the line and non-overlapping. */
static void test_random_bytes(void **state)
{
    (void)state;
    srand(7);
    static const char alphabet[] = "-[]=/*'\"`\\ \tab01.xe+\x80\xff\xc3\xa9";
    char line[200];
    hl_token tok[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = (size_t)rand() % sizeof line;
        for (size_t i = 0; i < len; i++)
            line[i] = (char)(rand() % 3 ? alphabet[rand() % (sizeof alphabet - 1)] : rand());
        hl_lang lang = iter % 2 ? HL_LANG_LUA : HL_LANG_SQL;
        hl_state in = (hl_state)(iter % 5 == 0 ? rand() % 64 : 0);
        size_t n;
        hl_tokenize(lang, line, len, in, &inputs, tok, 256, &n);
        size_t end = 0;
        for (size_t k = 0; k < n; k++) {
            assert_true(tok[k].start >= end);
            assert_true(tok[k].len > 0);
            assert_true(tok[k].start + tok[k].len <= len);
            assert_true(tok[k].cls < HL_CLASS_COUNT);
            end = tok[k].start + tok[k].len;
        }
    }
}

static void test_lists_sorted(void **state)
{
    (void)state;
    hl_lang langs[] = {HL_LANG_SQL, HL_LANG_LUA};
    for (int l = 0; l < 2; l++) {
        size_t n;
        const char *const *lists[2] = {hl_keywords(langs[l], &n), NULL};
        size_t counts[2] = {n, 0};
        lists[1] = hl_builtins(langs[l], &counts[1]);
        for (int k = 0; k < 2; k++)
            for (size_t i = 1; i < counts[k]; i++) {
                int c = l == 0 ? strcasecmp(lists[k][i - 1], lists[k][i])
                               : strcmp(lists[k][i - 1], lists[k][i]);
                if (c >= 0)
                    fail_msg("%s not sorted before %s", lists[k][i - 1], lists[k][i]);
            }
    }
}

/* ---- incremental cache --------------------------------------------------- */

static hl_cache *cache;

static void on_change(void *ud, size_t first, size_t removed, size_t added)
{
    (void)ud;
    hl_cache_edit(cache, first, removed, added);
}

static const char *line_fn(void *ud, size_t line, size_t *len)
{
    return textbuf_line(ud, line, len);
}

static void check_full(textbuf *tb, hl_lang lang)
{
    hl_state st = 0;
    size_t n = textbuf_line_count(tb);
    for (size_t i = 0; i < n; i++) {
        hl_state got = hl_cache_state(cache, i, line_fn, tb);
        if (got != st)
            fail_msg("line %zu: cached state %u, full rescan %u", i, got, st);
        size_t len;
        const char *s = textbuf_line(tb, i, &len);
        st = hl_tokenize(lang, s, len, st, NULL, NULL, 0, NULL);
    }
}

static void random_edits(hl_lang lang, const char *const *frags, size_t nfrags, unsigned seed)
{
    srand(seed);
    textbuf *tb = textbuf_new(NULL);
    cache = hl_cache_new(lang);
    textbuf_set_listener(tb, on_change, NULL);
    {
        char text[4096] = "";
        for (int i = 0; i < 60; i++) {
            strncat(text, frags[(size_t)rand() % nfrags], sizeof text - strlen(text) - 1);
            strncat(text, "\n", sizeof text - strlen(text) - 1);
        }
        textbuf_set_text(tb, text, strlen(text));
    }
    hl_cache_reset(cache, lang, textbuf_line_count(tb));
    check_full(tb, lang);
    for (int step = 0; step < 400; step++) {
        size_t nl = textbuf_line_count(tb);
        size_t line = (size_t)rand() % nl, len;
        textbuf_line(tb, line, &len);
        textbuf_set_cursor(tb, (tb_pos){line, len ? (size_t)rand() % (len + 1) : 0}, false);
        int what = rand() % 5;
        if (what == 0)
            textbuf_backspace(tb);
        else if (what == 1)
            textbuf_delete(tb);
        else if (what == 2)
            textbuf_undo(tb);
        else {
            const char *f = frags[(size_t)rand() % nfrags];
            textbuf_paste_text(tb, f, strlen(f));
        }
        /* query a random line first (partial rescans), then all of them */
        hl_cache_state(cache, (size_t)rand() % textbuf_line_count(tb), line_fn, tb);
        if (step % 3 == 0)
            check_full(tb, lang);
    }
    check_full(tb, lang);
    hl_cache_free(cache);
    textbuf_free(tb);
}

static void test_incremental_sql(void **state)
{
    (void)state;
    static const char *frags[] = {"SELECT a", "/*",  "*/",          "'",   "x'y",     "\n",
                                  "-- c",     "\"q", "FROM orders", "1.5", "\nWHERE", "/* x */"};
    for (unsigned seed = 1; seed <= 5; seed++)
        random_edits(HL_LANG_SQL, frags, sizeof frags / sizeof *frags, seed);
}

static void test_incremental_lua(void **state)
{
    (void)state;
    static const char *frags[] = {"local x", "--[[",  "]]",   "[==[",     "]==]", "--[=[", "]=]",
                                  "\n",      "\"s\"", "-- c", "return r", "[[",   "\nend"};
    for (unsigned seed = 1; seed <= 5; seed++)
        random_edits(HL_LANG_LUA, frags, sizeof frags / sizeof *frags, seed);
}

/* An edit that does not change any line's end state rescans one line, even
 * in a 10,000-line file; opening a comment rescans only what is asked for. */
static void test_incremental_cost(void **state)
{
    (void)state;
    textbuf *tb = textbuf_new(NULL);
    cache = hl_cache_new(HL_LANG_SQL);
    textbuf_set_listener(tb, on_change, NULL);
    size_t cap = 10000 * 16, n = 0;
    char *text = malloc(cap);
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(text + n, cap - n, "SELECT a%d\n", i);
    textbuf_set_text(tb, text, n - 1);
    free(text);
    hl_cache_reset(cache, HL_LANG_SQL, textbuf_line_count(tb));
    hl_cache_state(cache, 9999, line_fn, tb);
    size_t before = hl_cache_scanned(cache);
    textbuf_set_cursor(tb, (tb_pos){5000, 3}, false);
    textbuf_type(tb, "x", 1);
    hl_cache_state(cache, 9999, line_fn, tb);
    assert_int_equal(hl_cache_scanned(cache) - before, 1);
    before = hl_cache_scanned(cache);
    textbuf_type(tb, "/*", 2);
    hl_cache_state(cache, 5040, line_fn, tb); /* the visible screen */
    assert_int_equal(hl_cache_scanned(cache) - before, 40);
    check_full(tb, HL_LANG_SQL);
    hl_cache_free(cache);
    textbuf_free(tb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_classes),     cmocka_unit_test(test_sql_multiline),
        cmocka_unit_test(test_lua_classes),     cmocka_unit_test(test_lua_long_brackets),
        cmocka_unit_test(test_limits),          cmocka_unit_test(test_lists_sorted),
        cmocka_unit_test(test_random_bytes),    cmocka_unit_test(test_incremental_sql),
        cmocka_unit_test(test_incremental_lua), cmocka_unit_test(test_incremental_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
