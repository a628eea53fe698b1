/* The plugin API (preview/plugapi.c): the weir table, running a plugin file
 * in its own environment, and the node argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>

#include "plugapi.h"

/* Run text as path in b; the declaration array is left on the stack. */
static bool run(lua_box *b, const char *text, const char *path, unsigned caps, char *err,
                size_t size)
{
    err[0] = '\0';
    return plugapi_run_file(b, text, strlen(text), path, caps, err, size);
}

/* Run a file that sets global `out` and return its text (static buffer). */
static const char *eval(const char *text, unsigned caps)
{
    static char buf[600];
    lua_box *b = luabox_new(NULL);
    assert_non_null(b);
    lua_State *L = luabox_state(b);
    char err[512];
    bool ok = run(b, text, "plugins/t.lua", caps, err, sizeof(err));
    if (!ok) {
        snprintf(buf, sizeof(buf), "ERROR %s", err);
    } else {
        /* `out` lives in the file's own environment, not in the globals:
         * read it back through a declaration carrying it. */
        assert_int_equal(lua_rawgeti(L, -1, 1), LUA_TTABLE);
        lua_getfield(L, -1, "decl");
        lua_getfield(L, -1, "out");
        const char *s = lua_tostring(L, -1);
        snprintf(buf, sizeof(buf), "%s", s ? s : "(nil)");
    }
    luabox_free(b);
    return buf;
}

static void test_api_version_and_quoting(void **state)
{
    (void)state;
    assert_string_equal(eval("weir.node_type{out = tostring(weir.api_version)}", 0), "1");
    assert_string_equal(eval("weir.node_type{out = weir.sql_ident('order \"id\"')}", 0),
                        "\"order \"\"id\"\"\"");
    assert_string_equal(eval("weir.node_type{out = weir.sql_ident('plain')}", 0), "\"plain\"");
    assert_string_equal(eval("weir.node_type{out = weir.sql_string(\"it's\")}", 0), "'it''s'");
    assert_string_equal(eval("weir.node_type{out = weir.sql_string(\"''\")}", 0), "''''''");
    /* A NUL would cut the text short in SQLite. */
    const char *r = eval("weir.node_type{out = weir.sql_string('a\\0b')}", 0);
    assert_non_null(strstr(r, "ERROR plugins/t.lua:1: weir.sql_string: the text holds a NUL"));
}

static void test_sha256(void **state)
{
    (void)state;
    assert_string_equal(eval("weir.node_type{out = weir.sha256('')}", 0),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(eval("weir.node_type{out = weir.sha256('abc')}", 0),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(eval("weir.node_type{out = weir.sha256("
                             "'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')}",
                             0),
                        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* Evaluate a Lua expression in a plugin file; its value as text, values
 * joined by "|" ("nil" for nil). */
static const char *expr(const char *e)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "local t = table.pack(%s)\n"
             "for i = 1, t.n do t[i] = tostring(t[i]) end\n"
             "weir.node_type{out = table.concat(t, '|', 1, t.n)}",
             e);
    return eval(text, 0);
}

static void test_split_alias(void **state)
{
    (void)state;
    assert_string_equal(expr("weir.split_alias('sum(amount) as revenue')"), "sum(amount)|revenue");
    /* Any case; white space collapsed and trimmed; the last " as " wins. */
    assert_string_equal(expr("weir.split_alias(' \\tcast(x  AS int)\\n As\\tn  ')"),
                        "cast(x AS int)|n");
    assert_string_equal(expr("weir.split_alias('a aS b as c')"), "a aS b|c");
    /* No alias: the tidied text and nil. */
    assert_string_equal(expr("weir.split_alias('  order   id ')"), "order id|nil");
    assert_string_equal(expr("weir.split_alias('amount as')"), "amount as|nil");
    assert_string_equal(expr("weir.split_alias('as total')"), "as total|nil");
    assert_string_equal(expr("weir.split_alias('alias')"), "alias|nil");
    assert_string_equal(expr("weir.split_alias('   ')"), "|nil");
    assert_string_equal(expr("weir.split_alias('')"), "|nil");
    /* "as" inside a word is no alias. */
    assert_string_equal(expr("weir.split_alias('has x')"), "has x|nil");
    assert_string_equal(expr("weir.split_alias('x asx y')"), "x asx y|nil");
    const char *r = expr("weir.split_alias({})");
    assert_non_null(strstr(r, "ERROR plugins/t.lua:"));
    assert_non_null(strstr(r, "string expected"));
}

static void test_sql_epoch_seconds(void **state)
{
    (void)state;
    assert_string_equal(expr("weir.sql_epoch_seconds('t.ts')"),
                        "CASE WHEN typeof(t.ts) IN ('integer', 'real')\n"
                        "       OR (t.ts GLOB '[0-9]*' AND t.ts NOT GLOB '*[^0-9.]*')\n"
                        "     THEN CAST(t.ts AS INTEGER)\n"
                        "     ELSE unixepoch(t.ts) END");
    /* Milliseconds; continuation lines lined up under a CASE at column 2. */
    assert_string_equal(expr("weir.sql_epoch_seconds('ts', 'ms', 2)"),
                        "CASE WHEN typeof(ts) IN ('integer', 'real')\n"
                        "         OR (ts GLOB '[0-9]*' AND ts NOT GLOB '*[^0-9.]*')\n"
                        "       THEN CAST(ts AS INTEGER) / 1000\n"
                        "       ELSE unixepoch(ts) END");
    char plain[600];
    snprintf(plain, sizeof(plain), "%s", expr("weir.sql_epoch_seconds('ts')"));
    assert_non_null(strstr(plain, "CAST(ts AS INTEGER)\n"));
    assert_string_equal(expr("weir.sql_epoch_seconds('ts', 's')"), plain);
    const char *r = expr("weir.sql_epoch_seconds('ts', 'us')");
    assert_non_null(strstr(r, "weir.sql_epoch_seconds: unit is \"s\" or \"ms\", not \"us\""));
    r = expr("weir.sql_epoch_seconds('ts', 's', 201)");
    assert_non_null(strstr(r, "weir.sql_epoch_seconds: column is 0 to 200, not 201"));
    r = expr("weir.sql_epoch_seconds('ts', 's', -1)");
    assert_non_null(strstr(r, "column is 0 to 200, not -1"));
}

/* The SQL gives whole epoch seconds for every kind of time it accepts. */
static void test_sql_epoch_seconds_in_sqlite(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    static const struct {
        const char *value, *unit;
        long long want; /* -1: NULL */
    } cases[] = {
        {"'2024-05-01T10:05:00Z'", "s", 1714557900},
        {"'2024-05-01T12:05:00+02:00'", "s", 1714557900},
        {"'2024-05-01T10:05:00.750Z'", "s", 1714557900},
        {"1714557900", "s", 1714557900},
        {"1714557900.9", "s", 1714557900},
        {"'1714557900'", "s", 1714557900},
        {"1714557900123", "ms", 1714557900},
        {"'1714557900123'", "ms", 1714557900},
        {"'2024-05-01T10:05:00Z'", "ms", 1714557900},
        {"'soon'", "s", -1},
        {"NULL", "s", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char e[600], sql[1400];
        snprintf(e, sizeof(e), "weir.sql_epoch_seconds('v', '%s')", cases[i].unit);
        snprintf(sql, sizeof(sql), "SELECT %s FROM (SELECT %s AS v)", expr(e), cases[i].value);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (cases[i].want < 0) {
            assert_int_equal(sqlite3_column_type(st, 0), SQLITE_NULL);
        } else {
            assert_int_equal(sqlite3_column_type(st, 0), SQLITE_INTEGER);
            if (sqlite3_column_int64(st, 0) != cases[i].want)
                fail_msg("%s (%s): %lld", cases[i].value, cases[i].unit,
                         (long long)sqlite3_column_int64(st, 0));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
}

static void test_check_names(void **state)
{
    (void)state;
    assert_string_equal(expr("weir.check_names({'a', 'b', 'A'})"), "nil");
    assert_string_equal(expr("weir.check_names({})"), "nil");
    assert_string_equal(expr("weir.check_names({'a', 'b', 'a'})"), "'a' is listed twice");
    assert_string_equal(expr("weir.check_names({'a', ''}, 'key field')"),
                        "a key field name is empty");
    assert_string_equal(expr("weir.check_names({'a', 5})"),
                        "item 2 of the list is a number, not a field name");
    assert_string_equal(expr("weir.check_names('a', 'group_by field')"),
                        "expected a list of group_by field names, got a string");
}

static void test_sql_fresh_name(void **state)
{
    (void)state;
    assert_string_equal(expr("weir.sql_fresh_name('timed', 'orders')"), "timed");
    assert_string_equal(expr("weir.sql_fresh_name('timed', 'Timed')"), "timed_");
    assert_string_equal(expr("weir.sql_fresh_name('t', {'a', 'T', 't_', 'b'})"), "t__");
    assert_string_equal(expr("weir.sql_fresh_name('t', {})"), "t");
}

static void test_capability(void **state)
{
    (void)state;
    const char *r = eval("local io = weir.capability('io')\nweir.node_type{out = 'x'}", 0);
    assert_non_null(strstr(r, "ERROR plugins/t.lua:1: weir.capability: \"io\" is not allowed"));
    assert_non_null(strstr(r, "$XDG_CONFIG_HOME/weir/plugins.allow"));
    assert_non_null(strstr(r, "list the file with \"io\""));
    assert_non_null(strstr(r, "by its name, t.lua; a pipeline's by its absolute path"));
    r = eval("\n\nweir.capability('os')", PLUGIN_CAP_IO);
    assert_non_null(strstr(r, "ERROR plugins/t.lua:3:"));
    assert_non_null(strstr(r, "list the file with \"os\""));
    r = eval("weir.capability('net')", PLUGIN_CAP_IO | PLUGIN_CAP_OS);
    assert_non_null(strstr(r, "unknown capability 'net'"));

    /* Allowed: the full libraries, which the sandbox leaves out. */
    assert_string_equal(eval("local io = weir.capability('io')\n"
                             "weir.node_type{out = type(io.open) .. ' ' .. type(io.lines)}",
                             PLUGIN_CAP_IO),
                        "function function");
    assert_string_equal(eval("local os = weir.capability('os')\n"
                             "weir.node_type{out = type(os.getenv) .. ' ' .. type(os.time)}",
                             PLUGIN_CAP_OS),
                        "function function");
    /* The sandbox's own os is still the cut-down one. */
    assert_string_equal(eval("weir.capability('os')\n"
                             "weir.node_type{out = type(os.getenv) .. ' ' .. type(io)}",
                             PLUGIN_CAP_OS | PLUGIN_CAP_IO),
                        "nil nil");
}

static void test_declarations(void **state)
{
    (void)state;
    lua_box *b = luabox_new(NULL);
    lua_State *L = luabox_state(b);
    char err[256];
    int top = lua_gettop(L);
    assert_true(run(b,
                    "-- two types\n"
                    "weir.node_type { kind = 'source', name = 'a' }\n"
                    "\n"
                    "weir.node_type {\n"
                    "  kind = 'sink', name = 'b' }\n",
                    "plugins/ab.lua", 0, err, sizeof(err)));
    assert_int_equal(lua_gettop(L), top + 1);
    assert_int_equal(lua_rawlen(L, -1), 2);
    lua_rawgeti(L, -1, 1);
    lua_getfield(L, -1, "line");
    assert_int_equal(lua_tointeger(L, -1), 2);
    lua_getfield(L, -2, "decl");
    lua_getfield(L, -1, "name");
    assert_string_equal(lua_tostring(L, -1), "a");
    lua_settop(L, top + 1);
    lua_rawgeti(L, -1, 2);
    lua_getfield(L, -1, "line");
    /* The line where the call starts, though it spans two. */
    assert_int_equal(lua_tointeger(L, -1), 4);
    lua_settop(L, top);

    /* Not a table; the declarations made before the failure are kept. */
    assert_false(run(b, "weir.node_type{name = 'ok'}\nweir.node_type('filter')\n",
                     "plugins/bad.lua", 0, err, sizeof(err)));
    assert_string_equal(err, "plugins/bad.lua:2: weir.node_type expects a table (the "
                             "declaration), got a string");
    assert_int_equal(lua_gettop(L), top + 1);
    assert_int_equal(lua_rawlen(L, -1), 1);
    lua_settop(L, top);

    /* Syntax error. */
    assert_false(run(b, "weir.node_type{\n  name = \n", "plugins/syn.lua", 0, err, sizeof(err)));
    assert_non_null(strstr(err, "plugins/syn.lua:3:"));
    assert_int_equal(lua_gettop(L), top + 1);
    assert_int_equal(lua_rawlen(L, -1), 0);
    lua_settop(L, top);

    /* Runtime error. */
    assert_false(
        run(b, "local x = nil\nlocal y = x.field\n", "plugins/rt.lua", 0, err, sizeof(err)));
    assert_non_null(strstr(err, "plugins/rt.lua:2: attempt to index"));
    lua_settop(L, top);
    luabox_free(b);
}

static void test_budgets(void **state)
{
    (void)state;
    lua_options o = {.instructions = 100000, .memory_limit = 8u << 20};
    lua_box *b = luabox_new(&o);
    char err[256];
    assert_false(run(b, "local n = 0\nwhile true do\n  n = n + 1\nend\n", "plugins/loop.lua", 0,
                     err, sizeof(err)));
    assert_non_null(strstr(err, "plugins/loop.lua:"));
    assert_non_null(strstr(err, "instruction budget of 100000 exceeded"));
    lua_settop(luabox_state(b), 0);
    /* The box is usable again: budgets are per call. */
    assert_true(run(b, "weir.node_type{}", "plugins/ok.lua", 0, err, sizeof(err)));
    lua_settop(luabox_state(b), 0);
    assert_false(run(b, "local s = 'x'\nfor i = 1, 40 do s = s .. s end\n", "plugins/mem.lua", 0,
                     err, sizeof(err)));
    assert_non_null(strstr(err, "plugins/mem.lua"));
    assert_non_null(strstr(err, "memory limit of 8 MiB exceeded"));
    luabox_free(b);
}

/* Files sharing a box (the host's one state per folder) cannot see or
 * change each other's globals, library tables or loaded chunks. */
static void test_environment_isolation(void **state)
{
    (void)state;
    lua_box *b = luabox_new(NULL);
    lua_State *L = luabox_state(b);
    char err[256];
    assert_true(run(b,
                    "x = 1\n_G.y = 2\nstring.upper = nil\nmath.pi = 3\n"
                    "load('z = 3')()\nrawset(_G, 'w', 4)\n"
                    "assert(getmetatable(_ENV) == false)\n"
                    "assert(not pcall(setmetatable, _ENV, nil))\n"
                    "weir.node_type = nil\n",
                    "plugins/a.lua", 0, err, sizeof(err)));
    assert_true(run(b,
                    "weir.node_type{ out = table.concat({tostring(x), tostring(y), "
                    "tostring(z), tostring(w), string.upper('ok'), tostring(math.pi > 3.14), "
                    "tostring(('s'):upper())}, ' ') }",
                    "plugins/b.lua", 0, err, sizeof(err)));
    lua_rawgeti(L, -1, 1);
    lua_getfield(L, -1, "decl");
    lua_getfield(L, -1, "out");
    assert_string_equal(lua_tostring(L, -1), "nil nil nil nil OK true S");
    /* Nor did they reach the sandbox's shared globals. */
    lua_pushglobaltable(L);
    static const char *const names[] = {"x", "y", "z", "w", "weir"};
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        assert_int_equal(lua_getfield(L, -1, names[k]), LUA_TNIL);
        lua_pop(L, 1);
    }
    luabox_free(b);
}

static void test_push_node(void **state)
{
    (void)state;
    static const setting_spec specs[] = {
        {.name = "where", .type = SETTING_STRING},
        {.name = "limit", .type = SETTING_INTEGER, .default_value = "10"},
        {.name = "ratio", .type = SETTING_NUMBER, .default_value = "2"},
        {.name = "on", .type = SETTING_BOOLEAN},
        {.name = "fields", .type = SETTING_LIST},
        {.name = "schema", .type = SETTING_SCHEMA},
        {.name = "unset", .type = SETTING_STRING},
        {.name = "digits", .type = SETTING_STRING},
    };
    node_type t = {.name = "f", .kind = NODE_TRANSFORM, .settings = specs, .n_settings = 8};
    pipeline p;
    pipeline_init(&p);
    node *n = pipeline_add_node(&p, "big", NODE_TRANSFORM, "f");
    node_add_input(n, "orders");
    node_add_input(n, "refunds");
    node_set_setting(n, "where", "amount > 1");
    node_set_setting(n, "on", "true");
    node_set_setting(n, "digits", "0042");
    node_set_setting(n, "undeclared", "x");
    value *fields = value_map_put(&n->settings, "fields");
    value_init_list(fields);
    value_set_scalar(value_list_push(fields), "a");
    value_set_scalar(value_list_push(fields), "b");
    value *schema = value_map_put(&n->settings, "schema");
    value_init_map(schema);
    value_set_scalar(value_map_put(schema, "id"), "integer");

    lua_box *b = luabox_new(NULL);
    lua_State *L = luabox_state(b);
    assert_int_equal(luaL_loadstring(L,
                                     "local n = ...\n"
                                     "local s = n.settings\n"
                                     "return table.concat({n.id, n.kind, n.type, n.inputs[1], "
                                     "n.inputs[2], tostring(#n.inputs), s.where, "
                                     "math.type(s.limit), tostring(s.limit), math.type(s.ratio), "
                                     "type(s.on), tostring(s.on), s.fields[1] .. s.fields[2], "
                                     "s.schema.id, tostring(s.unset), tostring(s.undeclared), "
                                     "s.digits}, '|')"),
                     LUA_OK);
    plugapi_push_node(L, n, &t);
    assert_int_equal(luabox_call(b, 1, 1), LUA_OK);
    assert_string_equal(lua_tostring(L, -1), "big|transform|f|orders|refunds|2|amount > 1|"
                                             "integer|10|float|boolean|true|ab|integer|nil|nil|"
                                             "0042");
    luabox_free(b);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_version_and_quoting),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_split_alias),
        cmocka_unit_test(test_sql_epoch_seconds),
        cmocka_unit_test(test_sql_epoch_seconds_in_sqlite),
        cmocka_unit_test(test_check_names),
        cmocka_unit_test(test_sql_fresh_name),
        cmocka_unit_test(test_capability),
        cmocka_unit_test(test_declarations),
        cmocka_unit_test(test_budgets),
        cmocka_unit_test(test_environment_isolation),
        cmocka_unit_test(test_push_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
