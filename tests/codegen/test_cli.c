/* End-to-end tests of `weir new`, `weir fmt` and `weir graph`: the real
 * binary, its exit codes, its output and the files it leaves.
 * argv[1]: the weir binary; argv[2]: tests/codegen/fixtures. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fsutil.h"
#include "testutil.h"

static const char *weir = "weir";
static const char *fixtures = "tests/codegen/fixtures";

/* Run weir with up to 6 arguments (NULL-terminated). */
static int run(char **out, char **err, const char *a1, ...)
{
    char *argv[8] = {(char *)weir, (char *)a1};
    va_list ap;
    va_start(ap, a1);
    for (int i = 2; i < 7; i++) {
        argv[i] = va_arg(ap, char *);
        if (!argv[i])
            break;
    }
    va_end(ap);
    argv[7] = NULL;
    return tu_run(argv, out, err);
}

static bool contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* ---- weir new ------------------------------------------------------------- */

static void test_new_then_validate_fmt_graph(void **state)
{
    (void)state;
    char *tmp = tu_tempdir();
    char *dir = xasprintf("%s/orders", tmp);
    char *out, *err;
    assert_int_equal(run(&out, &err, "new", dir, NULL), 0);
    assert_true(contains(out, "Created pipeline 'orders'"));
    assert_true(contains(out, "Next: cd "));
    assert_true(contains(out, "&& weir"));
    free(out);
    free(err);

    static const char *const files[] = {"pipeline.yaml", "layout.yaml",          "sql/enrich.sql",
                                        "lua/mask.lua",  "samples/orders.jsonl", ".weir/.gitignore",
                                        ".gitattributes"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *text = tu_read2(dir, files[i]);
        if (!text || !*text)
            fail_msg("weir new did not write %s", files[i]);
        free(text);
    }
    char *text = tu_read2(dir, ".weir/.gitignore");
    assert_string_equal(text, "*\n");
    free(text);
    text = tu_read2(dir, ".gitattributes");
    assert_string_equal(text, "pipeline.yaml merge=weir\nlayout.yaml merge=weir\n");
    free(text);
    text = tu_read2(dir, "pipeline.yaml");
    assert_true(contains(text, "  name: orders\n"));
    free(text);
    char *listing = tu_listing(dir); /* no temporary files left behind */
    assert_string_equal(listing, ".gitattributes .weir layout.yaml lua pipeline.yaml "
                                 "samples sql");
    free(listing);

    assert_int_equal(run(&out, &err, "validate", dir, NULL), 0);
    assert_true(contains(out, "valid"));
    assert_true(contains(out, "0 warnings"));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", "--check", dir, NULL), 0);
    assert_string_equal(out, "");
    free(out);
    free(err);

    assert_int_equal(run(&out, &err, "graph", dir, NULL), 0);
    assert_true(contains(out, "transform  enrich  sql     <- orders\n"));
    assert_true(contains(out, "sink       out     stdout  <- mask\n"));
    assert_string_equal(err, "");
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "graph", dir, "--format", "mermaid", NULL), 0);
    assert_memory_equal(out, "flowchart LR\n", 13);
    assert_true(contains(out, "n0[(\"orders<br/>file source\")]"));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "graph", "--format=dot", dir, NULL), 0);
    assert_memory_equal(out, "digraph \"orders\" {\n", 19);
    assert_true(contains(out, "\"enrich\" -> \"mask\";"));
    free(out);
    free(err);

    tu_rmtree(tmp);
    free(dir);
    free(tmp);
}

static void test_new_refuses(void **state)
{
    (void)state;
    char *tmp = tu_tempdir();
    char *out, *err;

    /* a folder that is not empty is left alone */
    char *full = xasprintf("%s/full", tmp);
    assert_int_equal(mkdir(full, 0700), 0);
    tu_write(full, "notes.txt", "mine\n");
    assert_int_equal(run(&out, &err, "new", full, NULL), 2);
    assert_true(contains(err, "not empty"));
    free(out);
    free(err);
    char *listing = tu_listing(full);
    assert_string_equal(listing, "notes.txt");
    free(listing);

    /* a file is not a folder */
    char *file = xasprintf("%s/full/notes.txt", tmp);
    assert_int_equal(run(&out, &err, "new", file, NULL), 2);
    free(out);
    free(err);

    /* the folder's name is not a valid pipeline name: ask for --name */
    char *bad = xasprintf("%s/Bad Name", tmp);
    assert_int_equal(run(&out, &err, "new", bad, NULL), 2);
    assert_true(contains(err, "--name"));
    assert_false(fs_exists(bad));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "new", bad, "--name", "Nope", NULL), 2);
    assert_false(fs_exists(bad));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "new", bad, "--name", "good_name", NULL), 0);
    char *next = xasprintf("Next: cd '%s' && weir\n", bad); /* quoted for the shell */
    assert_true(contains(out, next));
    free(next);
    char *text = tu_read2(bad, "pipeline.yaml");
    assert_true(contains(text, "  name: good_name\n"));
    free(text);
    free(out);
    free(err);

    /* an empty folder is fine */
    char *empty = xasprintf("%s/empty", tmp);
    assert_int_equal(mkdir(empty, 0700), 0);
    assert_int_equal(run(&out, &err, "new", empty, NULL), 0);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "validate", empty, NULL), 0);
    free(out);
    free(err);

    /* usage */
    assert_int_equal(run(&out, &err, "new", NULL), 2);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "new", "--bogus", NULL), 2);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "new", "--help", NULL), 0);
    assert_true(contains(out, "usage: weir new"));
    free(out);
    free(err);

    free(empty);
    free(bad);
    free(file);
    free(full);
    tu_rmtree(tmp);
    free(tmp);
}

/* The scaffold's SQL runs in SQLite over its samples, and its Lua drops
 * test orders and rounds amounts: the example works, not only validates. */
static void test_new_transforms_run(void **state)
{
    (void)state;
    char *tmp = tu_tempdir();
    char *dir = xasprintf("%s/shop", tmp);
    assert_int_equal(run(NULL, NULL, "new", dir, NULL), 0);

    char *jsonl = tu_read2(dir, "samples/orders.jsonl");
    char *sql = tu_read2(dir, "sql/enrich.sql");
    char *lua = tu_read2(dir, "lua/mask.lua");
    assert_non_null(jsonl);
    assert_non_null(sql);
    assert_non_null(lua);

    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE raw(line TEXT)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *ins;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO raw VALUES (?)", -1, &ins, NULL),
                     SQLITE_OK);
    int lines = 0;
    for (char *line = jsonl; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl); /* every record ends with a newline */
        sqlite3_bind_text(ins, 1, line, (int)(nl - line), SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
        lines++;
        line = nl + 1;
    }
    sqlite3_finalize(ins);
    assert_int_equal(lines, 200);
    const char *make = "CREATE TABLE orders AS SELECT json_extract(line, '$.id') AS id, "
                       "json_extract(line, '$.customer_id') AS customer_id, "
                       "json_extract(line, '$.amount') AS amount, "
                       "json_extract(line, '$.currency') AS currency, "
                       "json_extract(line, '$.country') AS country, "
                       "json_extract(line, '$.created_at') AS created_at, "
                       "json_extract(line, '$.status') AS status FROM raw "
                       "WHERE json_valid(line)";
    assert_int_equal(sqlite3_exec(db, make, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT id) FROM orders", -1, &q, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 200); /* every line is valid JSON */
    assert_int_equal(sqlite3_column_int(q, 1), 200);
    sqlite3_finalize(q);

    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    assert_int_equal(luaL_dostring(L, lua), LUA_OK);

    const char *tail;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, &tail), SQLITE_OK);
    int rows = 0, dropped = 0, cancelled = 0, null_eur = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        rows++;
        lua_newtable(L);
        for (int c = 0; c < sqlite3_column_count(q); c++) {
            const char *col = sqlite3_column_name(q, c);
            if (strcmp(col, "status") == 0 &&
                strcmp((const char *)sqlite3_column_text(q, c), "cancelled") == 0)
                cancelled++;
            if (strcmp(col, "amount_eur") == 0 && sqlite3_column_type(q, c) == SQLITE_NULL)
                null_eur++;
            switch (sqlite3_column_type(q, c)) {
            case SQLITE_INTEGER:
                lua_pushinteger(L, sqlite3_column_int64(q, c));
                break;
            case SQLITE_FLOAT:
                lua_pushnumber(L, sqlite3_column_double(q, c));
                break;
            case SQLITE_NULL:
                lua_pushnil(L);
                break;
            default:
                lua_pushstring(L, (const char *)sqlite3_column_text(q, c));
            }
            lua_setfield(L, -2, col);
        }
        lua_getglobal(L, "transform");
        lua_insert(L, -2);
        assert_int_equal(lua_pcall(L, 1, 1, 0), LUA_OK);
        if (lua_isnil(L, -1)) {
            dropped++;
        } else {
            assert_true(lua_istable(L, -1));
            lua_getfield(L, -1, "amount_eur");
            double eur = lua_tonumber(L, -1);
            double cents = eur * 100;
            assert_true(cents - (double)(long long)(cents + 0.5) < 1e-6 &&
                        (double)(long long)(cents + 0.5) - cents < 1e-6);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    sqlite3_finalize(q);
    assert_true(rows > 150 && rows < 200); /* cancelled orders were filtered */
    assert_int_equal(cancelled, 0);
    assert_int_equal(null_eur, 0);            /* every currency has a rate */
    assert_true(dropped > 0 && dropped < 20); /* the test customer's orders */
    lua_close(L);
    sqlite3_close(db);

    /* the same bytes every time */
    char *dir2 = xasprintf("%s/shop2", tmp);
    assert_int_equal(run(NULL, NULL, "new", dir2, "--name", "shop", NULL), 0);
    char *jsonl2 = tu_read2(dir2, "samples/orders.jsonl");
    assert_string_equal(jsonl, jsonl2);
    char *p1 = tu_read2(dir, "pipeline.yaml"), *p2 = tu_read2(dir2, "pipeline.yaml");
    assert_string_equal(p1, p2);
    free(p1);
    free(p2);
    free(jsonl2);
    free(dir2);
    free(jsonl);
    free(sql);
    free(lua);
    tu_rmtree(tmp);
    free(dir);
    free(tmp);
}

/* ---- weir fmt -------------------------------------------------------------- */

static char *copy_fixture(const char *rel)
{
    char *src = xasprintf("%s/%s", fixtures, rel);
    char *dir = tu_tempdir();
    tu_copy_files(src, dir);
    free(src);
    return dir;
}

static void test_fmt_rewrites_and_checks(void **state)
{
    (void)state;
    char *dir = copy_fixture("messy/flow");
    char *original = tu_read2(dir, "pipeline.yaml");
    char *out, *err;

    assert_int_equal(run(&out, &err, "fmt", "--check", dir, NULL), 1);
    char *want =
        xasprintf("would reformat %s/pipeline.yaml\nwould reformat %s/layout.yaml\n", dir, dir);
    assert_string_equal(out, want);
    assert_string_equal(err, ""); /* comments are kept: nothing to warn about */
    free(want);
    free(out);
    free(err);
    char *now = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(now, original); /* --check writes nothing */
    free(now);

    assert_int_equal(run(&out, &err, "fmt", dir, NULL), 0);
    want = xasprintf("formatted %s/pipeline.yaml\nformatted %s/layout.yaml\n", dir, dir);
    assert_string_equal(out, want);
    free(want);
    free(out);
    free(err);
    char *expected_dir = xasprintf("%s/messy/flow/expected", fixtures);
    char *expected = tu_read2(expected_dir, "pipeline.yaml");
    now = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(now, expected);
    free(now);
    free(expected);
    expected = tu_read2(expected_dir, "layout.yaml");
    now = tu_read2(dir, "layout.yaml");
    assert_string_equal(now, expected);
    free(now);
    free(expected);
    free(expected_dir);

    /* now canonical: silent, exit 0, and not rewritten */
    ino_t ino = tu_inode(dir, "pipeline.yaml");
    assert_int_equal(run(&out, &err, "fmt", "--check", dir, NULL), 0);
    assert_string_equal(out, "");
    assert_string_equal(err, "");
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", dir, NULL), 0);
    assert_string_equal(out, "");
    free(out);
    free(err);
    assert_int_equal(tu_inode(dir, "pipeline.yaml"), ino);
    char *listing = tu_listing(dir);
    assert_string_equal(listing, "layout.yaml pipeline.yaml");
    free(listing);

    free(original);
    tu_rmtree(dir);
    free(dir);
}

/* Settings and types weir does not know survive fmt (validate complains,
 * fmt does not lose them). */
static void test_fmt_keeps_unknown(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    tu_write(dir, "pipeline.yaml",
             "weir: 1\n"
             "pipeline: {name: odd, version: 1}\n"
             "sinks:\n"
             "  out: {retries: 3, type: stdout, inputs: [feed], colour: \"no\", format: csv}\n"
             "sources:\n"
             "  feed: {type: rabbitmq, queue: feed, durable: true}\n");
    char *out, *err;
    assert_int_equal(run(&out, &err, "validate", dir, NULL), 1);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", dir, NULL), 0);
    free(out);
    free(err);
    char *text = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(text, "weir: 1\n"
                              "\n"
                              "pipeline:\n"
                              "  name: odd\n"
                              "  version: 1\n"
                              "\n"
                              "sources:\n"
                              "  feed:\n"
                              "    type: rabbitmq\n"
                              "    queue: feed\n"
                              "    durable: true\n"
                              "\n"
                              "sinks:\n"
                              "  out:\n"
                              "    type: stdout\n"
                              "    inputs:\n"
                              "      - feed\n"
                              "    format: csv\n"
                              "    retries: 3\n"
                              "    colour: \"no\"\n");
    free(text);
    char *listing = tu_listing(dir);
    assert_string_equal(listing, "pipeline.yaml"); /* no layout.yaml invented */
    free(listing);
    tu_rmtree(dir);
    free(dir);
}

/* fmt refuses files that do not load cleanly, and touches nothing. */
static void test_fmt_refuses_broken(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"weir: 1\npipeline:\n  name: [unclosed\n", "/pipeline.yaml:4:1: error: YAML syntax error"},
        {"weir: 1\npipeline: {name: a}\nsources:\n  s: {type: file}\n  s: {type: file}\n",
         "pipeline.yaml:5:3: error: duplicate key 's'"},
        {"weir: 1\npipeline: {name: a, ownr: me}\n", "did you mean 'owner'"},
        {"weir: 1\npipeline: {name: a}\nsink: {}\n", "unknown key 'sink'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *dir = tu_tempdir();
        tu_write(dir, "pipeline.yaml", cases[i].text);
        for (int check = 0; check < 2; check++) {
            char *out, *err;
            int rc = check ? run(&out, &err, "fmt", "--check", dir, NULL)
                           : run(&out, &err, "fmt", dir, NULL);
            if (rc != 1 || !contains(err, cases[i].message))
                fail_msg("case %zu: exit %d, stderr:\n%s", i, rc, err);
            assert_string_equal(out, "");
            free(out);
            free(err);
        }
        char *text = tu_read2(dir, "pipeline.yaml");
        assert_string_equal(text, cases[i].text);
        free(text);
        char *listing = tu_listing(dir);
        assert_string_equal(listing, "pipeline.yaml");
        free(listing);
        tu_rmtree(dir);
        free(dir);
    }
}

static void test_fmt_usage_errors(void **state)
{
    (void)state;
    char *tmp = tu_tempdir();
    char *missing = xasprintf("%s/nope", tmp);
    char *out, *err;
    assert_int_equal(run(&out, &err, "fmt", missing, NULL), 2);
    assert_true(contains(err, "not a pipeline folder"));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", "--check", missing, NULL), 2);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", "--bogus", tmp, NULL), 2);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", tmp, tmp, NULL), 2);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", tmp, NULL), 2); /* a folder without a pipeline */
    free(out);
    free(err);
    assert_false(fs_exists(missing));
    char *listing = tu_listing(tmp);
    assert_string_equal(listing, "");
    free(listing);
    free(missing);
    tu_rmtree(tmp);
    free(tmp);
}

/* ---- weir graph ------------------------------------------------------------ */

static void test_graph_exit_codes(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *out, *err;
    /* invalid but loadable: drawn, diagnostics on stderr, exit 1 */
    tu_write(dir, "pipeline.yaml",
             "weir: 1\npipeline: {name: g}\nsinks:\n  out: {type: stdout, inputs: [ghost]}\n");
    assert_int_equal(run(&out, &err, "graph", dir, NULL), 1);
    assert_true(contains(out, "<- ghost (missing)"));
    assert_true(contains(err, "pipeline.yaml:4:"));
    assert_true(contains(err, "names no node"));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "graph", dir, "--format", "dot", NULL), 1);
    assert_true(contains(out, "\"ghost\" -> \"out\" [style=dashed];"));
    free(out);
    free(err);

    /* valid */
    tu_write(dir, "pipeline.yaml",
             "weir: 1\npipeline: {name: g}\nsources:\n  a: {type: file, path: x, format: csv, "
             "sample: s.csv}\nsinks:\n  out: {type: stdout, inputs: [a]}\n");
    tu_write(dir, "s.csv", "x\n1\n");
    assert_int_equal(run(&out, &err, "graph", dir, NULL), 0);
    assert_string_equal(out, "pipeline g v1: 2 nodes, 1 edge\n"
                             "\n"
                             "layer 1\n"
                             "  source     a    file\n"
                             "\n"
                             "layer 2\n"
                             "  sink       out  stdout  <- a\n");
    assert_string_equal(err, "");
    free(out);
    free(err);

    /* usage and unloadable */
    assert_int_equal(run(&out, &err, "graph", dir, "--format", "svg", NULL), 2);
    assert_string_equal(out, "");
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "graph", dir, "--format", NULL), 2);
    free(out);
    free(err);
    tu_write(dir, "pipeline.yaml", "weir: 1\npipeline: [\n");
    assert_int_equal(run(&out, &err, "graph", dir, NULL), 1);
    assert_string_equal(out, "");
    assert_true(contains(err, "pipeline.yaml:"));
    free(out);
    free(err);
    char *missing = xasprintf("%s/nope", dir);
    assert_int_equal(run(&out, &err, "graph", missing, NULL), 2);
    free(out);
    free(err);
    free(missing);
    tu_rmtree(dir);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        weir = argv[1];
    if (argc > 2)
        fixtures = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_then_validate_fmt_graph),
        cmocka_unit_test(test_new_refuses),
        cmocka_unit_test(test_new_transforms_run),
        cmocka_unit_test(test_fmt_rewrites_and_checks),
        cmocka_unit_test(test_fmt_keeps_unknown),
        cmocka_unit_test(test_fmt_refuses_broken),
        cmocka_unit_test(test_fmt_usage_errors),
        cmocka_unit_test(test_graph_exit_codes),
    };
    return cmocka_run_group_tests_name("codegen_cli", tests, NULL, NULL);
}
