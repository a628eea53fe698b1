/* Lua transforms: the record contract and every sandbox boundary, each
 * with the actual attempt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "luarun.h"
#include "reader.h"

static pv_table *input;

static int setup(void **state)
{
    (void)state;
    reader_options o = {.path = "x"};
    diag_list d;
    diag_list_init(&d);
    const char *j = "{\"id\": 1, \"name\": \"ada\", \"amount\": 2.5, \"tags\": [\"a\"]}\n"
                    "{\"id\": 2, \"name\": \"grace\", \"amount\": 4}\n"
                    "{\"id\": 3, \"name\": null, \"amount\": 8}\n";
    input = reader_jsonl_buffer(j, strlen(j), &o, &d);
    diag_list_free(&d);
    return input ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pv_table_unref(input);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pv_table *transform(const char *code, const lua_options *o, diag_list *d)
{
    const pv_table *in[] = {input};
    return lua_transform_run(code, strlen(code), "lua/t.lua", "t", in, 1, o, d);
}

/* Run code in a fresh sandbox; returns true when it ran, err otherwise. */
static bool sandbox(const char *code, const lua_options *o, char *err, size_t size)
{
    lua_box *b = luabox_new(o);
    assert_non_null(b);
    bool ok = luabox_exec(b, code, strlen(code), "lua/t.lua", err, size);
    luabox_free(b);
    return ok;
}

static void refused(const char *code, const char *needle)
{
    char err[512] = "";
    lua_options o = {.instructions = 2000000, .budget_s = 2.0};
    double t0 = now_s();
    bool ok = sandbox(code, &o, err, sizeof(err));
    if (ok || !strstr(err, needle))
        fail_msg("code: %s\nexpected an error containing '%s', got: %s", code, needle,
                 ok ? "(ran fine)" : err);
    assert_true(now_s() - t0 < 3.0);
}

static void test_emit_drop_fanout_types(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    pv_table *t = transform("function transform(r)\n"
                            "  if r.id == 2 then return nil end\n"
                            "  if r.id == 3 then return {{id = 30}, {id = 31, extra = 'x'}} end\n"
                            "  r.double = r.amount * 2\n"
                            "  r.is_int = math.type(r.id) == 'integer'\n"
                            "  r.name_is_nil = r.name == nil\n"
                            "  return r\n"
                            "end\n",
                            NULL, &d);
    assert_non_null(t);
    assert_int_equal(d.n, 0);
    assert_int_equal(t->n_rows, 3);
    /* input columns first in input order, then new ones by name */
    assert_string_equal(t->cols[0].name, "id");
    assert_string_equal(t->cols[1].name, "name");
    assert_string_equal(t->cols[3].name, "tags");
    assert_string_equal(t->cols[4].name, "double");
    assert_string_equal(t->cols[5].name, "extra");
    assert_string_equal(t->cols[6].name, "is_int");
    assert_int_equal(t->cols[0].type, PV_TYPE_INTEGER);
    assert_int_equal(pv_table_cget(t, 0, 0)->v.i, 1);
    assert_int_equal(pv_table_cget(t, 1, 0)->v.i, 30);
    assert_int_equal(pv_table_cget(t, 2, 0)->v.i, 31);
    assert_int_equal(t->cols[3].type, PV_TYPE_JSON); /* json text round-trips */
    assert_int_equal(pv_table_cget(t, 0, 6)->kind, PV_BOOL);
    assert_int_equal(pv_table_cget(t, 0, 6)->v.i, 1);
    assert_int_equal(pv_table_cget(t, 1, 1)->kind, PV_NULL);
    pv_table_unref(t);
    diag_list_free(&d);
}

/* The runner predicts each record's key order from the previous record
 * (luarun.c); records whose keys come and go, change order, grow long
 * names or change type must still land in the right columns. */
static void test_changing_record_shapes(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    pv_table *t = transform(
        "local long = string.rep('x', 50)\n"
        "function transform(r)\n"
        "  local out = {}\n"
        "  for k = 1, 200 do\n"
        "    local o = {}\n"
        "    if k % 2 == 0 then o.b = k; o.a = r.id else o.a = r.id; o.b = k end\n"
        "    if k % 3 == 0 then o.sometimes = 'yes' end\n"
        "    if k % 7 == 0 then o[long] = k * 10 end\n"
        "    if k < 100 then o.v = k elseif k < 150 then o.v = k + 0.5 else o.v = 'v' .. k end\n"
        "    out[#out + 1] = o\n"
        "  end\n"
        "  return out\n"
        "end\n",
        NULL, &d);
    assert_non_null(t);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(t->n_rows, 600);
    ptrdiff_t ca = -1, cb = -1, cs = -1, cl = -1, cv = -1;
    for (size_t c = 0; c < t->n_cols; c++) {
        const char *n = t->cols[c].name;
        if (!strcmp(n, "a"))
            ca = (ptrdiff_t)c;
        else if (!strcmp(n, "b"))
            cb = (ptrdiff_t)c;
        else if (!strcmp(n, "sometimes"))
            cs = (ptrdiff_t)c;
        else if (!strcmp(n, "v"))
            cv = (ptrdiff_t)c;
        else if (strlen(n) == 50)
            cl = (ptrdiff_t)c;
    }
    assert_true(ca >= 0 && cb >= 0 && cs >= 0 && cl >= 0 && cv >= 0);
    assert_int_equal(t->cols[cv].type, PV_TYPE_TEXT); /* integer, real, then text */
    for (size_t row = 0; row < t->n_rows; row++) {
        long long id = (long long)(row / 200) + 1, k = (long long)(row % 200) + 1;
        assert_int_equal(pv_table_cget(t, row, (size_t)ca)->v.i, id);
        assert_int_equal(pv_table_cget(t, row, (size_t)cb)->v.i, k);
        const pv_cell *sm = pv_table_cget(t, row, (size_t)cs);
        assert_int_equal(sm->kind, k % 3 == 0 ? PV_TEXT : PV_NULL);
        const pv_cell *lg = pv_table_cget(t, row, (size_t)cl);
        if (k % 7 == 0)
            assert_int_equal(lg->v.i, k * 10);
        else
            assert_int_equal(lg->kind, PV_NULL);
        strbuf sb;
        strbuf_init(&sb);
        pv_cell_format(pv_table_cget(t, row, (size_t)cv), &sb);
        char want[32];
        if (k < 100)
            snprintf(want, sizeof(want), "%lld", k);
        else if (k < 150)
            snprintf(want, sizeof(want), "%lld.5", k);
        else
            snprintf(want, sizeof(want), "v%lld", k);
        assert_string_equal(sb.data, want);
        strbuf_free(&sb);
    }
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_error_names_record_and_line(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    pv_table *t = transform("function transform(r)\n"
                            "  local n = r.name\n"
                            "  return {len = #n}\n"
                            "end\n",
                            NULL, &d);
    assert_null(t);
    assert_string_equal(d.items[0].path, "lua/t.lua");
    assert_int_equal(d.items[0].line, 3);
    assert_non_null(strstr(d.items[0].message, "record 3:"));
    diag_list_clear(&d);
    /* An error raised inside a C function still gets the Lua line. */
    t = transform("function transform(r)\n"
                  "\n"
                  "  return {x = string.rep()}\n"
                  "end\n",
                  NULL, &d);
    assert_null(t);
    assert_int_equal(d.items[0].line, 3);
    assert_non_null(strstr(d.items[0].message, "record 1:"));
    diag_list_clear(&d);
    t = transform("function transform(r) return 42 end", NULL, &d);
    assert_null(t);
    assert_non_null(strstr(d.items[0].message, "returned a number"));
    diag_list_clear(&d);
    t = transform("x = = 1", NULL, &d);
    assert_null(t);
    assert_int_equal(d.items[0].line, 1);
    diag_list_clear(&d);
    t = transform("local y = 1", NULL, &d);
    assert_null(t);
    assert_non_null(strstr(d.items[0].message, "transform(record)"));
    diag_list_free(&d);
}

static void test_no_os_execute_io_require(void **state)
{
    (void)state;
    refused("os.execute('touch /tmp/weir-pwned')", "execute");
    refused("os.remove('/tmp/x')", "remove");
    refused("return os.getenv('HOME')", "getenv");
    refused("io.open('/etc/passwd')", "io");
    refused("require('os')", "require");
    refused("package.loadlib('x', 'y')", "package");
    refused("dofile('/etc/passwd')", "dofile");
    refused("loadfile('/etc/passwd')", "loadfile");
    refused("collectgarbage('stop')", "collectgarbage");
    char err[256];
    /* what is allowed from os */
    assert_true(sandbox("assert(type(os.time()) == 'number' and os.date('!%Y', 0) == '1970')", NULL,
                        err, sizeof(err)));
    FILE *f = fopen("/tmp/weir-pwned", "r");
    assert_null(f);
}

static void test_no_bytecode_dump_debug(void **state)
{
    (void)state;
    /* A binary chunk (the signature is enough) through load. */
    refused("local f, e = load('\\27Lua\\84\\0' .. string.rep('x', 40))\n"
            "assert(f, e)",
            "binary");
    refused("local f, e = load(function() return '\\27Lua' end)\nassert(f, e)", "binary");
    refused("return string.dump(function() end)", "dump");
    refused("debug.sethook()", "debug");
    refused("return debug.getregistry()", "debug");
    char err[256];
    assert_true(sandbox("local f = assert(load('return 1 + 1')); assert(f() == 2)", NULL, err,
                        sizeof(err)));
    /* env argument honoured, text only */
    assert_true(sandbox("local f = load('return x', 'c', 'b', {x = 5}); assert(f() == 5)", NULL,
                        err, sizeof(err)));
}

static void test_string_metatable_locked(void **state)
{
    (void)state;
    refused("getmetatable('').__index = {}", "index");
    refused("setmetatable('', {})", "table expected");
    char err[256];
    assert_true(sandbox("assert(getmetatable('') == false); assert(('x'):upper() == 'X')", NULL,
                        err, sizeof(err)));
}

static void test_endless_loops(void **state)
{
    (void)state;
    refused("while true do end", "instruction budget");
    refused("local function f() while true do end end\n"
            "while true do pcall(f) end",
            "instruction budget");
    refused("local function f() for i = 1, 1e9 do end end\n"
            "while true do pcall(f); pcall(error, 'x') end",
            "instruction budget");
    refused("local co = coroutine.wrap(function() while true do end end)\n"
            "while true do pcall(co) end",
            "instruction budget");
    /* the wall clock, when the instruction budget is large */
    char err[256] = "";
    lua_options o = {.instructions = 1000000000000LL, .budget_s = 0.2};
    double t0 = now_s();
    assert_false(
        sandbox("while true do pcall(function() while true do end end) end", &o, err, sizeof(err)));
    assert_non_null(strstr(err, "ran longer than 0.2 s"));
    assert_true(now_s() - t0 < 2.0);
}

static void test_catastrophic_pattern(void **state)
{
    (void)state;
    refused("return string.find(string.rep('a', 40), string.rep('a*', 30) .. 'b')", "pattern");
    refused("return ('a'):rep(40):match(string.rep('a?', 40) .. string.rep('a', 40))", "pattern");
    refused("for w in string.gmatch(string.rep('a', 5000), '.-.-.-b') do end", "pattern");
    /* a final $ makes a repeated item rescan: quadratic on a long subject */
    refused("return (('a'):rep(1e6) .. '@b'):find('[^@]+$')", "pattern");
    refused("return ('a'):rep(1e6):find(('a'):rep(1e5) .. 'b', 1, true)", "pattern");
    char err[256];
    /* ordinary patterns still work */
    assert_true(sandbox("local s = '  2024-01-02  '\n"
                        "local y, m, d = s:match('(%d+)-(%d+)-(%d+)')\n"
                        "assert(y == '2024' and d == '02')\n"
                        "assert(s:match('^%s*(.-)%s*$') == '2024-01-02')\n"
                        "assert(select(2, ('a,b,c'):gsub(',', ';')) == 2)\n"
                        "local line = ('abc,'):rep(10000)\n"
                        "assert(line:match('^([^,]*),([^,]*),') == 'abc')\n"
                        "assert(select(2, line:gsub('%s+', ' ')) == 0)\n"
                        "assert(line:find('abc,abc', 1, true) == 1)\n"
                        "assert(('x'):rep(3, '-') == 'x-x-x')",
                        NULL, err, sizeof(err)));
}

static void test_memory_bombs(void **state)
{
    (void)state;
    refused("return string.rep('x', 1e9)", "memory limit");
    refused("local s = string.rep('x', 1e6)\nlocal t = {}\n"
            "for i = 1, 1000 do t[i] = s .. i end",
            "memory limit");
    refused("local s = 'x'\nwhile true do s = s .. s end", "memory");
    refused("local t = {}\nwhile true do t[#t + 1] = ('x'):rep(1e4) .. #t end", "memory");
    /* an empty string repeated forever is no bomb, but must not hang */
    char err[256];
    assert_true(sandbox("assert(string.rep('', 1e15) == '')", NULL, err, sizeof(err)));
}

static void test_c_loops_and_finalizers(void **state)
{
    (void)state;
    refused("table.move({}, 1, 1e15, 1)", "table.move");
    refused("return table.unpack({}, 1, 1e8)", "too many results");
    char err[256];
    assert_true(sandbox("local t = table.move({1, 2, 3}, 1, 3, 2)\nassert(t[4] == 3)", NULL, err,
                        sizeof(err)));
    /* Finalizers run with hooks off: a looping one would never end. */
    refused("setmetatable({}, {__gc = function() while true do end end})", "__gc");
    refused("local mt = {__index = function() return print end}\n"
            "setmetatable({}, setmetatable({}, mt))",
            "__gc");
    /* __gc added after setmetatable does not mark the object: harmless */
    assert_true(sandbox("local mt = {}\nlocal o = setmetatable({}, mt)\n"
                        "mt.__gc = function() while true do end end\n"
                        "o = nil",
                        NULL, err, sizeof(err)));
    assert_true(sandbox("setmetatable({}, {__index = {}, __close = function() end})", NULL, err,
                        sizeof(err)));
}

static void test_memory_full_between_records(void **state)
{
    (void)state;
    /* The script fills memory and swallows the error; weir's own
     * allocations for the next record then fail: a clean error, no panic. */
    diag_list d;
    diag_list_init(&d);
    lua_options o = {.memory_limit = 8u << 20};
    pv_table *t = transform("local function fill() while true do chain = {chain} end end\n"
                            "function transform(r)\n"
                            "  chain = {chain, r}\n"
                            "  pcall(fill)\n"
                            "  return r\n"
                            "end\n",
                            &o, &d);
    assert_null(t);
    assert_non_null(strstr(d.items[0].message, "record 2: memory limit of 8 MiB"));
    assert_non_null(strstr(d.items[0].message, "no room"));
    diag_list_free(&d);
}

static void test_deep_recursion(void **state)
{
    (void)state;
    refused("local function f(n) return 1 + f(n + 1) end\nf(1)", "stack overflow");
    refused("local function f() return f() end\nf()", "instruction budget"); /* tail call */
    refused("local s = setmetatable({}, {__index = function(t, k) return t[k] end})\n"
            "return s.x",
            "overflow");
}

static void test_print_is_captured(void **state)
{
    (void)state;
    lua_box *b = luabox_new(NULL);
    char err[128];
    assert_true(luabox_exec(b, "print('hello', 42)", 18, "p.lua", err, sizeof(err)));
    assert_string_equal(luabox_output(b), "hello\t42\n");
    /* bounded at 64 KiB */
    const char *spam = "for i = 1, 100000 do print('0123456789') end";
    assert_true(luabox_exec(b, spam, strlen(spam), "p.lua", err, sizeof(err)));
    assert_true(strlen(luabox_output(b)) < 64 * 1024);
    assert_true(strlen(luabox_output(b)) > 60 * 1024);
    luabox_free(b);
}

/* A Lua error text becomes a diagnostic at the line it names. */
static void test_add_error_places_line(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    luabox_add_error(&d, "lua/m.lua", 7, "m", "record 3: ", "lua/m.lua:12: attempt to index");
    luabox_add_error(&d, "lua/m.lua", 7, "m", "", "lua/m.lua: memory limit exceeded");
    luabox_add_error(&d, "lua/m.lua", 7, "m", "", "instruction budget exceeded");
    luabox_add_error(&d, "lua/m.lua", 0, "m", "", "lua/other.lua:3: x");
    luabox_add_error(&d, "lua/m.lua", 0, "m", "", NULL);
    assert_int_equal(d.n, 5);
    assert_int_equal(d.items[0].line, 12);
    assert_string_equal(d.items[0].message, "record 3: attempt to index");
    assert_string_equal(d.items[0].path, "lua/m.lua");
    assert_int_equal(d.items[1].line, 7);
    assert_string_equal(d.items[1].message, "memory limit exceeded");
    assert_int_equal(d.items[2].line, 7);
    assert_string_equal(d.items[2].message, "instruction budget exceeded");
    assert_int_equal(d.items[3].line, 0);
    assert_string_equal(d.items[3].message, "lua/other.lua:3: x");
    assert_string_equal(d.items[4].message, "(no error message)");
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_drop_fanout_types),
        cmocka_unit_test(test_changing_record_shapes),
        cmocka_unit_test(test_error_names_record_and_line),
        cmocka_unit_test(test_no_os_execute_io_require),
        cmocka_unit_test(test_no_bytecode_dump_debug),
        cmocka_unit_test(test_string_metatable_locked),
        cmocka_unit_test(test_endless_loops),
        cmocka_unit_test(test_catastrophic_pattern),
        cmocka_unit_test(test_memory_bombs),
        cmocka_unit_test(test_c_loops_and_finalizers),
        cmocka_unit_test(test_memory_full_between_records),
        cmocka_unit_test(test_deep_recursion),
        cmocka_unit_test(test_print_is_captured),
        cmocka_unit_test(test_add_error_places_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
