/* preview_bench: the preview engine's benchmarks (issue 5, point 10).
 *
 *   preview_bench gen DIR N      write a five-node pipeline with N orders to DIR
 *                                (and DIR/big.csv, N rows for the SQL bench)
 *   preview_bench lua N RUNS     Lua transform over N eight-field records:
 *                                weir's runner vs a bare Lua C API loop
 *   preview_bench pipeline DIR NODE RUNS LIMIT  cold preview of NODE (fresh engine)
 *   preview_bench node DIR NODE RUNS LIMIT      rerun of one SQL node, inputs cached
 *
 * Prints medians in ms and records/s.  See bench/README.md, ## preview. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsutil.h"
#include "load.h"
#include "luarun.h"
#include "preview.h"
#include "util.h"

static const char *lua_code_drop = "function transform(r)\n"
                                   "  r.total = r.amount * r.qty\n"
                                   "  if r.country == 'GB' then r.vat = r.total * 0.2 end\n"
                                   "  r.user = string.upper(r.user)\n"
                                   "  return nil\n"
                                   "end\n";
static const char *lua_code = "function transform(r)\n"
                              "  r.total = r.amount * r.qty\n"
                              "  if r.country == 'GB' then r.vat = r.total * 0.2 end\n"
                              "  r.user = string.upper(r.user)\n"
                              "  return r\n"
                              "end\n";

/* CPU time of this thread: the machine is shared, and waiting for a core
 * is not the engine's cost.  PREVIEW_BENCH_WALL=1 measures wall time. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(getenv("PREVIEW_BENCH_WALL") ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *countries[] = {"GB", "US", "FR", "DE", "JP", "BR", "IN", "NG"};

/* Eight fields: id, user, amount, qty, country, ok, placed_at, note. */
static pv_table *make_records(long n)
{
    pv_table *t = pv_table_new();
    pv_table_add_column(t, "id", PV_TYPE_INTEGER);
    pv_table_add_column(t, "user", PV_TYPE_TEXT);
    pv_table_add_column(t, "amount", PV_TYPE_REAL);
    pv_table_add_column(t, "qty", PV_TYPE_INTEGER);
    pv_table_add_column(t, "country", PV_TYPE_TEXT);
    pv_table_add_column(t, "ok", PV_TYPE_BOOLEAN);
    pv_table_add_column(t, "placed_at", PV_TYPE_TIMESTAMP);
    pv_table_add_column(t, "note", PV_TYPE_TEXT);
    char buf[64];
    for (long i = 0; i < n; i++) {
        pv_cell *r = pv_table_add_row(t);
        r[0].kind = PV_INT;
        r[0].v.i = i;
        int len = snprintf(buf, sizeof(buf), "user%ld", i % 5000);
        pv_cell_set_text(t, &r[1], buf, (size_t)len);
        r[2].kind = PV_REAL;
        r[2].v.r = (double)(i % 1000) / 7.0;
        r[3].kind = PV_INT;
        r[3].v.i = 1 + i % 5;
        pv_cell_set_text(t, &r[4], countries[i % 8], 2);
        r[5].kind = PV_BOOL;
        r[5].v.i = i % 3 != 0;
        len = snprintf(buf, sizeof(buf), "2024-03-%02ldT10:%02ld:00Z", 1 + i % 28, i % 60);
        pv_cell_set_text(t, &r[6], buf, (size_t)len);
        pv_cell_set_text(t, &r[7], "fragile", 7);
    }
    return t;
}

/* The floor: a bare loop that builds the same record tables from the same
 * cells and calls the same function through the Lua C API, in a plain
 * state (luaL_openlibs, no hook, no allocator limit).  size_hint: the hash
 * size each record table is created with — the record's own field count
 * (what a plain loop does), or the result's (weir sizes record tables for
 * the fields the transform added to a recent record, so that adding
 * them does not rehash the table; given the same trick the floor drops by
 * a fifth).  read_back: also read every field of every result (store
 * nothing), what any runner must do to use the output. */
static double floor_lua(const pv_table *t, int size_hint, bool read_back)
{
    volatile size_t sink = 0;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dostring(L, lua_code) != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        exit(1);
    }
    double t0 = now_ms();
    lua_getglobal(L, "transform");
    int fn = lua_gettop(L);
    for (size_t c = 0; c < t->n_cols; c++)
        lua_pushstring(L, t->cols[c].name);
    for (size_t r = 0; r < t->n_rows; r++) {
        lua_pushvalue(L, fn);
        lua_createtable(L, 0, size_hint);
        for (size_t c = 0; c < t->n_cols; c++) {
            const pv_cell *cell = pv_table_cget(t, r, c);
            lua_pushvalue(L, fn + 1 + (int)c);
            switch (cell->kind) {
            case PV_INT:
                lua_pushinteger(L, cell->v.i);
                break;
            case PV_REAL:
                lua_pushnumber(L, cell->v.r);
                break;
            case PV_BOOL:
                lua_pushboolean(L, (int)cell->v.i);
                break;
            default:
                lua_pushlstring(L, cell->v.s, cell->len);
            }
            lua_rawset(L, -3);
        }
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
            fprintf(stderr, "%s\n", lua_tostring(L, -1));
            exit(1);
        }
        if (read_back && lua_type(L, -1) == LUA_TTABLE) {
            int res = lua_gettop(L);
            lua_pushnil(L);
            while (lua_next(L, res)) {
                size_t len = 0;
                if (lua_type(L, -2) == LUA_TSTRING)
                    lua_tolstring(L, -2, &len);
                switch (lua_type(L, -1)) {
                case LUA_TNUMBER:
                    len += lua_isinteger(L, -1) ? (size_t)lua_tointeger(L, -1)
                                                : (size_t)lua_tonumber(L, -1);
                    break;
                case LUA_TSTRING:
                    lua_tolstring(L, -1, &len);
                    break;
                default:
                    len += (size_t)lua_toboolean(L, -1);
                }
                sink += len;
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    double ms = now_ms() - t0;
    lua_close(L);
    return ms;
}

/* Fields in the function's result for the first record (the same number
 * weir sizes its record tables for after that record). */
static int result_fields(const pv_table *t)
{
    pv_table *one = pv_table_new();
    for (size_t c = 0; c < t->n_cols; c++)
        pv_table_add_column(one, t->cols[c].name, t->cols[c].type);
    pv_cell *row = pv_table_add_row(one);
    memcpy(row, pv_table_cget(t, 0, 0), t->n_cols * sizeof(pv_cell));
    lua_options o = {.budget_s = 60};
    diag_list d;
    diag_list_init(&d);
    const pv_table *in[] = {one};
    pv_table *out =
        lua_transform_run(lua_code, strlen(lua_code), "bench.lua", "bench", in, 1, &o, &d);
    int n = 0;
    for (size_t c = 0; out && c < out->n_cols; c++)
        n += pv_table_cget(out, 0, c)->kind != PV_NULL;
    pv_table_unref(out);
    diag_list_free(&d);
    pv_table_unref(one); /* its cells' strings are t's: not freed here */
    return n > (int)t->n_cols ? n : (int)t->n_cols;
}

static double weir_lua(const pv_table *t)
{
    lua_options o = {.budget_s = 60};
    diag_list d;
    diag_list_init(&d);
    const pv_table *in[] = {t};
    double t0 = now_ms();
    pv_table *out =
        lua_transform_run(lua_code, strlen(lua_code), "bench.lua", "bench", in, 1, &o, &d);
    double ms = now_ms() - t0;
    if (!out) {
        fprintf(stderr, "weir: %s\n", d.n ? d.items[0].message : "?");
        exit(1);
    }
    pv_table_unref(out);
    diag_list_free(&d);
    return ms;
}

enum { F_PLAIN, F_SIZED, F_READ, F_SIZED_READ, F_WEIR, N_MEASURES };

static int bench_lua(long n, int runs)
{
    pv_table *t = make_records(n);
    int sized = result_fields(t);
    double *v[N_MEASURES];
    for (int m = 0; m < N_MEASURES; m++)
        v[m] = malloc(sizeof(double) * (size_t)runs);
    /* PREVIEW_BENCH_ONLY=weir|floor: one side only, for profiling. */
    const char *only = getenv("PREVIEW_BENCH_ONLY");
    bool floors = !only || strcmp(only, "weir") != 0;
    bool weir = !only || strcmp(only, "floor") != 0;
    for (int i = 0; i < runs; i++) { /* interleaved: drift hits all alike */
        v[F_PLAIN][i] = floors ? floor_lua(t, (int)t->n_cols, false) : 0;
        v[F_SIZED][i] = floors ? floor_lua(t, sized, false) : 0;
        v[F_READ][i] = floors ? floor_lua(t, (int)t->n_cols, true) : 0;
        v[F_SIZED_READ][i] = floors ? floor_lua(t, sized, true) : 0;
        v[F_WEIR][i] = weir ? weir_lua(t) : 0;
    }
    double m[N_MEASURES];
    for (int k = 0; k < N_MEASURES; k++)
        m[k] = median(v[k], runs);
    printf("lua transform, %ld records, median of %d (ms, records/s)\n", n, runs);
    printf("  floor, record tables sized for the record (%zu):  %7.1f  %9.0f\n", t->n_cols,
           m[F_PLAIN], n / m[F_PLAIN] * 1e3);
    printf("  floor, record tables sized for the result (%d):  %7.1f  %9.0f\n", sized, m[F_SIZED],
           n / m[F_SIZED] * 1e3);
    printf("  floor + reading results back:                   %7.1f  %9.0f\n", m[F_READ],
           n / m[F_READ] * 1e3);
    printf("  floor sized for the result + reading back:      %7.1f  %9.0f\n", m[F_SIZED_READ],
           n / m[F_SIZED_READ] * 1e3);
    printf("  weir lua_transform_run:                         %7.1f  %9.0f\n", m[F_WEIR],
           n / m[F_WEIR] * 1e3);
    if (floors && weir)
        printf("  weir / floor: %.2fx (record-sized), %.2fx (result-sized), %.2fx (reading back)\n",
               m[F_WEIR] / m[F_PLAIN], m[F_WEIR] / m[F_SIZED], m[F_WEIR] / m[F_READ]);
    for (int k = 0; k < N_MEASURES; k++)
        free(v[k]);
    pv_table_unref(t);
    return 0;
}

static void write_file(const char *dir, const char *rel, const char *text)
{
    char *path = fs_join(dir, rel);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    free(path);
}

static int gen(const char *dir, long n)
{
    char err[256];
    const char *sub[] = {"samples", "sql", "lua"};
    for (int i = 0; i < 3; i++) {
        char *p = fs_join(dir, sub[i]);
        if (fs_mkdirs(p, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s: %s\n", p, err);
            return 1;
        }
        free(p);
    }
    write_file(dir, "pipeline.yaml",
               "weir: 1\n"
               "pipeline:\n  name: bench\n  version: 1\n"
               "sources:\n"
               "  orders:\n    type: file\n    path: /data/orders.jsonl\n    format: jsonl\n"
               "    sample: samples/orders.jsonl\n    limit: 100000000\n"
               "  users:\n    type: file\n    path: /data/users.csv\n    format: csv\n"
               "    sample: samples/users.csv\n    limit: 100000000\n"
               "  big:\n    type: file\n    path: /data/big.csv\n    format: csv\n"
               "    sample: samples/big.csv\n    limit: 100000000\n"
               "transforms:\n"
               "  enrich:\n    type: sql\n    inputs: [orders, users]\n    sql: sql/enrich.sql\n"
               "  score:\n    type: lua\n    inputs: [enrich]\n    lua: lua/score.lua\n"
               "  by_country:\n    type: sql\n    inputs: [big]\n    sql: sql/by_country.sql\n"
               "sinks:\n"
               "  out:\n    type: stdout\n    inputs: [score]\n"
               "  agg_out:\n    type: stdout\n    inputs: [by_country]\n");
    write_file(dir, "sql/enrich.sql",
               "SELECT o.id, o.amount, o.qty, o.placed_at, u.name, u.country\n"
               "FROM orders o JOIN users u ON u.id = o.user_id\n");
    write_file(dir, "sql/by_country.sql",
               "SELECT country, count(*) AS n, sum(amount) AS total, avg(qty) AS avg_qty\n"
               "FROM big GROUP BY country ORDER BY country\n");
    write_file(dir, "lua/score.lua",
               "function transform(r)\n"
               "  r.total = r.amount * r.qty\n"
               "  if r.total < 5 then return nil end\n"
               "  r.name = string.upper(r.name)\n"
               "  return r\n"
               "end\n");
    char *p = fs_join(dir, "samples/orders.jsonl");
    FILE *f = fopen(p, "w");
    free(p);
    for (long i = 0; i < n; i++)
        fprintf(f,
                "{\"id\": %ld, \"user_id\": %ld, \"amount\": %.2f, \"qty\": %ld, "
                "\"placed_at\": \"2024-03-%02ldT10:00:00Z\", \"tags\": [\"a\", \"b\"]}\n",
                i, i % 1000, (double)(i % 997) / 3.0, 1 + i % 5, 1 + i % 28);
    fclose(f);
    p = fs_join(dir, "samples/users.csv");
    f = fopen(p, "w");
    free(p);
    fputs("id,name,country\n", f);
    for (long i = 0; i < 1000; i++)
        fprintf(f, "%ld,user %ld,%s\n", i, i, countries[i % 8]);
    fclose(f);
    /* the SQL GROUP BY data: eight fields */
    p = fs_join(dir, "samples/big.csv");
    f = fopen(p, "w");
    free(p);
    fputs("id,user,amount,qty,country,ok,placed_at,note\n", f);
    for (long i = 0; i < 1000000; i++)
        fprintf(f, "%ld,user%ld,%.3f,%ld,%s,%s,2024-03-%02ldT10:%02ld:00Z,fragile\n", i, i % 5000,
                (double)(i % 1000) / 7.0, 1 + i % 5, countries[i % 8], i % 3 ? "true" : "false",
                1 + i % 28, i % 60);
    fclose(f);
    return 0;
}

static int bench_pipeline(const char *dir, const char *node, int runs, long long limit)
{
    pipeline p;
    diag_list d;
    diag_list_init(&d);
    if (!pipeline_load(dir, &p, &d) || d.n_errors) {
        fprintf(stderr, "cannot load %s\n", dir);
        return 1;
    }
    double *v = malloc(sizeof(double) * (size_t)runs);
    size_t rows = 0;
    for (int i = 0; i < runs; i++) {
        preview_options o = {.limit = limit, .budget_s = 60};
        preview_engine *e = preview_engine_new(&o);
        preview_engine_set_pipeline(e, &p);
        preview_result r;
        double t0 = now_ms();
        bool ok = preview_run(e, node, &r);
        v[i] = now_ms() - t0;
        if (!ok) {
            fprintf(stderr, "%s: %s\n", node, r.diags.n ? r.diags.items[0].message : "?");
            return 1;
        }
        rows = r.table->n_rows;
        preview_result_free(&r);
        preview_engine_free(e);
    }
    printf("cold preview of '%s' (limit %lld, %zu rows out), median of %d: %.1f ms\n", node, limit,
           rows, runs, median(v, runs));
    free(v);
    pipeline_free(&p);
    diag_list_free(&d);
    return 0;
}

/* Warm inputs, then rerun only one transform (its file changes by a
 * trailing space each time, so the cache misses for it alone). */
static int bench_node(const char *dir, const char *node, int runs, long long limit)
{
    pipeline p;
    diag_list d;
    diag_list_init(&d);
    if (!pipeline_load(dir, &p, &d) || d.n_errors) {
        fprintf(stderr, "cannot load %s\n", dir);
        return 1;
    }
    const char *rel = node_setting_text(pipeline_find(&p, node), "sql");
    char *path = fs_join(dir, rel), *code = NULL, err[128];
    size_t len;
    if (fs_read_file(path, 1 << 20, &code, &len, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s\n", path, err);
        return 1;
    }
    preview_options o = {.limit = limit, .budget_s = 60};
    preview_engine *e = preview_engine_new(&o);
    preview_engine_set_pipeline(e, &p);
    preview_result r;
    if (!preview_run(e, node, &r)) {
        fprintf(stderr, "%s: %s\n", node, r.diags.n ? r.diags.items[0].message : "?");
        return 1;
    }
    preview_result_free(&r);
    double *v = malloc(sizeof(double) * (size_t)runs);
    for (int i = 0; i < runs; i++) {
        char *text = xasprintf("%s%*s", code, i + 1, "");
        write_file(dir, rel, text);
        free(text);
        double t0 = now_ms();
        preview_run(e, node, &r);
        v[i] = now_ms() - t0;
        if (r.executed != 1) {
            fprintf(stderr, "expected one node to rerun, got %zu\n", r.executed);
            return 1;
        }
        preview_result_free(&r);
    }
    write_file(dir, rel, code);
    printf("rerun of '%s' alone (inputs cached, limit %lld), median of %d: %.1f ms\n", node, limit,
           runs, median(v, runs));
    free(v);
    free(code);
    free(path);
    preview_engine_free(e);
    pipeline_free(&p);
    diag_list_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    if (getenv("PREVIEW_BENCH_DROP")) /* profiling: the same work, no output */
        lua_code = lua_code_drop;
    if (argc >= 4 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "lua") == 0)
        return bench_lua(atol(argv[2]), atoi(argv[3]));
    if (argc >= 6 && strcmp(argv[1], "pipeline") == 0)
        return bench_pipeline(argv[2], argv[3], atoi(argv[4]), atoll(argv[5]));
    if (argc >= 6 && strcmp(argv[1], "node") == 0)
        return bench_node(argv[2], argv[3], atoi(argv[4]), atoll(argv[5]));
    fprintf(stderr, "usage: preview_bench gen DIR N | lua N RUNS | pipeline DIR NODE RUNS LIMIT"
                    " | node DIR NODE RUNS LIMIT\n");
    return 2;
}
