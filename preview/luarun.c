#include "luarun.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "luapattern.h"
#include "reader.h"

enum { HOOK_EVERY = 1000, LOG_MAX = 64 * 1024, RESERVE_AFTER = 256, PREFETCH_ROWS = 4 };
enum { STOP_NONE, STOP_INSTRUCTIONS, STOP_TIME, STOP_CANCEL };

struct lua_box {
    lua_State *L;
    size_t mem_used, mem_limit;
    long long instr_budget, instr_used;
    double budget_s, deadline; /* deadline 0: the call has not hit the hook yet */
    double pattern_steps;
    const int *cancel;
    int stop;
    bool hooked; /* the hook is installed at the normal rate */
    unsigned ticks;
    int err_line; /* line of the innermost Lua frame at the last error */
    strbuf log;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static lua_box *box_of(lua_State *L)
{
    lua_box *b;
    memcpy(&b, lua_getextraspace(L), sizeof(b));
    return b;
}

/* Counting allocator: refuses growth past the limit, so a memory bomb is a
 * clean "not enough memory" error inside Lua. */
static void *box_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lua_box *b = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        b->mem_used -= old;
        return NULL;
    }
    if (nsize > old && b->mem_used + (nsize - old) > b->mem_limit)
        return NULL;
    void *p = ptr ? realloc(ptr, nsize) : malloc(nsize);
    if (!p)
        return NULL;
    b->mem_used = b->mem_used - old + nsize;
    return p;
}

static const char *stop_message(const lua_box *b, char *buf, size_t size)
{
    switch (b->stop) {
    case STOP_INSTRUCTIONS:
        snprintf(buf, size, "instruction budget of %lld exceeded (an endless loop?)",
                 b->instr_budget);
        break;
    case STOP_TIME:
        snprintf(buf, size, "ran longer than %.1f s (the preview's time budget)", b->budget_s);
        break;
    case STOP_CANCEL:
        snprintf(buf, size, "cancelled");
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

/* Once a budget trips, the hook fires on every instruction and errors each
 * time, so `while true do pcall(f) end` dies at its next instruction. */
static void box_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_box *b = box_of(L);
    if (!b->stop) {
        b->instr_used += HOOK_EVERY;
        /* The clock starts at a call's first hook: calls shorter than
         * HOOK_EVERY instructions never pay for reading it. */
        if (b->deadline == 0)
            b->deadline = now_s() + b->budget_s;
        if (b->instr_used > b->instr_budget)
            b->stop = STOP_INSTRUCTIONS;
        else if (b->cancel && __atomic_load_n(b->cancel, __ATOMIC_RELAXED))
            b->stop = STOP_CANCEL;
        else if ((++b->ticks & 7) == 0 && now_s() > b->deadline)
            b->stop = STOP_TIME;
    }
    if (b->stop) {
        char buf[128];
        b->hooked = false;
        lua_sethook(L, box_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, "%s", stop_message(b, buf, sizeof(buf)));
    }
}

/* Reset the budgets for a new call.  The hook stays installed between
 * calls (no Lua runs then); after a trip it fires every instruction, so it
 * is re-armed at the normal rate. */
static void arm(lua_box *b)
{
    if (b->stop || !b->hooked) {
        lua_sethook(b->L, box_hook, LUA_MASKCOUNT, HOOK_EVERY);
        b->hooked = true;
    }
    b->stop = STOP_NONE;
    b->instr_used = 0;
    b->deadline = 0;
    b->ticks = 0;
}

/* ---- safe replacements ---- */

static int safe_print(lua_State *L)
{
    lua_box *b = box_of(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (b->log.len + len + 2 < LOG_MAX) {
            if (i > 1)
                strbuf_putc(&b->log, '\t');
            strbuf_add(&b->log, s, len);
        }
        lua_pop(L, 1);
    }
    if (b->log.len + 1 < LOG_MAX)
        strbuf_putc(&b->log, '\n');
    return 0;
}

/* load(chunk [, name [, mode [, env]]]): text chunks only. */
static int safe_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 3)
        lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
    return lua_gettop(L);
}

static int call_original(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* find/match/gmatch/gsub: refuse patterns too costly for their subject.
 * Upvalue 2 is true for gmatch (a leading ^ is not an anchor there). */
static int safe_pattern(lua_State *L)
{
    lua_box *b = box_of(L);
    size_t n, lp;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &lp);
    bool plain = lua_toboolean(L, lua_upvalueindex(3)) && lua_toboolean(L, 4);
    double cost = plain ? (double)n * (double)lp
                        : luapattern_cost(p, lp, n, !lua_toboolean(L, lua_upvalueindex(2)));
    if (cost > b->pattern_steps) {
        char msg[200];
        snprintf(msg, sizeof(msg),
                 "pattern too costly for a %zu-byte subject (worst case ~%.0e steps, limit "
                 "%.0e): simplify it or match smaller pieces",
                 n, cost, b->pattern_steps);
        return luaL_error(L, "%s", msg);
    }
    return call_original(L);
}

static int safe_rep(lua_State *L)
{
    lua_box *b = box_of(L);
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    double total = (double)n * (double)(l + lsep);
    if (total > (double)b->mem_limit) {
        char msg[160];
        snprintf(msg, sizeof(msg),
                 "string.rep: a %.0f-byte result exceeds the %zu MiB memory limit", total,
                 b->mem_limit >> 20);
        return luaL_error(L, "%s", msg);
    }
    return call_original(L);
}

/* Lua runs __gc metamethods with hooks off (at collection and at close), so
 * a finalizer could loop forever beyond any budget: refuse metatables with
 * __gc.  An object is marked for finalization only when its metatable has
 * __gc at setmetatable time, so checking here is enough. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, "setmetatable: __gc metamethods are not allowed in a transform");
    lua_settop(L, 2);
    return call_original(L);
}

/* table.move loops in C over the index range, without touching memory for
 * absent elements: table.move({}, 1, 1e15, 1) would never return. */
static int safe_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= 10000000u)
        return luaL_error(L, "table.move: more than 10,000,000 elements");
    return call_original(L);
}

static void wrap_field(lua_State *L, int table, const char *name, lua_CFunction fn, int extra1,
                       int extra2)
{
    lua_getfield(L, table, name);
    int nup = 1;
    if (extra1 >= 0) {
        lua_pushboolean(L, extra1);
        lua_pushboolean(L, extra2);
        nup = 3;
    }
    lua_pushcclosure(L, fn, nup);
    lua_setfield(L, table, name);
}

static void open_sandbox(lua_State *L)
{
    luaL_requiref(L, "_G", luaopen_base, 1);
    luaL_requiref(L, "string", luaopen_string, 1);
    luaL_requiref(L, "table", luaopen_table, 1);
    luaL_requiref(L, "math", luaopen_math, 1);
    luaL_requiref(L, "utf8", luaopen_utf8, 1);
    luaL_requiref(L, "coroutine", luaopen_coroutine, 1);
    lua_settop(L, 0);
    lua_pushglobaltable(L); /* 1 */
    static const char *const drop[] = {"dofile", "loadfile", "collectgarbage", "require", NULL};
    for (int i = 0; drop[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, 1, drop[i]);
    }
    lua_pushcfunction(L, safe_print);
    lua_setfield(L, 1, "print");
    wrap_field(L, 1, "load", safe_load, -1, 0);
    wrap_field(L, 1, "setmetatable", safe_setmetatable, -1, 0);

    /* os: only the clock and calendar functions; nothing that touches the
     * process, the environment or files. */
    static const char *const os_keep[] = {"time", "clock", "date", "difftime", NULL};
    lua_settop(L, 1);
    luaL_requiref(L, "os", luaopen_os, 0); /* 2: the full os table */
    lua_newtable(L);                       /* 3 */
    for (int i = 0; os_keep[i]; i++) {
        lua_getfield(L, 2, os_keep[i]);
        lua_setfield(L, 3, os_keep[i]);
    }
    lua_setfield(L, 1, "os");
    lua_settop(L, 1);

    lua_getfield(L, 1, "table"); /* 2 */
    wrap_field(L, 2, "move", safe_move, -1, 0);
    lua_settop(L, 1);

    lua_getfield(L, 1, "string"); /* 2 */
    lua_pushnil(L);
    lua_setfield(L, 2, "dump");
    wrap_field(L, 2, "find", safe_pattern, 0, 1);
    wrap_field(L, 2, "match", safe_pattern, 0, 0);
    wrap_field(L, 2, "gmatch", safe_pattern, 1, 0);
    wrap_field(L, 2, "gsub", safe_pattern, 0, 0);
    wrap_field(L, 2, "rep", safe_rep, -1, 0);
    /* Lock the string metatable: getmetatable("") returns false. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_settop(L, 0);
}

lua_box *luabox_new(const lua_options *o)
{
    lua_box *b = xcalloc(1, sizeof(*b));
    b->mem_limit = o && o->memory_limit ? o->memory_limit : 64u * 1024 * 1024;
    b->instr_budget = o && o->instructions > 0 ? o->instructions : 10000000;
    b->budget_s = o && o->budget_s > 0 ? o->budget_s : 1.0;
    b->pattern_steps = o && o->pattern_steps > 0 ? o->pattern_steps : 1e8;
    b->cancel = o ? o->cancel : NULL;
    strbuf_init(&b->log);
    b->L = lua_newstate(box_alloc, b);
    if (!b->L) {
        strbuf_free(&b->log);
        free(b);
        return NULL;
    }
    memcpy(lua_getextraspace(b->L), &b, sizeof(b));
    open_sandbox(b->L);
    return b;
}

void luabox_free(lua_box *b)
{
    if (!b)
        return;
    lua_close(b->L);
    strbuf_free(&b->log);
    free(b);
}

const char *luabox_output(const lua_box *b)
{
    return b->log.data ? b->log.data : "";
}

/* Message handler: the budget message wins over whatever the script did
 * with the error; remember the innermost line of Lua code. */
static int box_msgh(lua_State *L)
{
    lua_box *b = box_of(L);
    b->err_line = 0;
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0 && ar.source[0] == '@') {
            b->err_line = ar.currentline;
            break;
        }
    }
    if (b->stop) {
        char buf[128];
        lua_pushstring(L, stop_message(b, buf, sizeof(buf)));
        return 1;
    }
    if (!lua_isstring(L, 1))
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    else
        lua_pushvalue(L, 1);
    return 1;
}

/* Call the function below nargs arguments on the stack under budgets, with
 * the message handler at stack index msgh (0: push one for this call).
 * Leaves nres results on success; on failure, leaves an error message. */
static int box_pcall(lua_box *b, int nargs, int nres, int msgh)
{
    lua_State *L = b->L;
    int base = 0;
    if (!msgh) {
        base = lua_gettop(L) - nargs;
        lua_pushcfunction(L, box_msgh);
        lua_insert(L, base);
        msgh = base;
    }
    arm(b);
    int rc = lua_pcall(L, nargs, nres, msgh);
    if (base)
        lua_remove(L, base);
    if (rc == LUA_ERRMEM) {
        lua_pop(L, 1);
        lua_pushfstring(L, "memory limit of %d MiB exceeded", (int)(b->mem_limit >> 20));
        b->err_line = 0;
    }
    return rc;
}

static bool load_chunk(lua_box *b, const char *code, size_t len, const char *chunkname)
{
    char *name = xasprintf("@%s", chunkname);
    int rc = luaL_loadbufferx(b->L, code, len, name, "t");
    free(name);
    if (rc != LUA_OK) {
        b->err_line = 0;
        return false;
    }
    return box_pcall(b, 0, 0, 0) == LUA_OK;
}

lua_State *luabox_state(lua_box *b)
{
    return b->L;
}

int luabox_call(lua_box *b, int nargs, int nres)
{
    return box_pcall(b, nargs, nres, 0);
}

void luabox_error_text(const lua_box *b, const char *path, const char *msg, char *err,
                       size_t err_size)
{
    if (!msg)
        msg = "(no error message)";
    size_t lp = strlen(path);
    if (strncmp(msg, path, lp) == 0 && msg[lp] == ':')
        snprintf(err, err_size, "%s", msg);
    else if (b->err_line > 0)
        snprintf(err, err_size, "%s:%d: %s", path, b->err_line, msg);
    else
        snprintf(err, err_size, "%s: %s", path, msg);
}

bool luabox_exec(lua_box *b, const char *code, size_t len, const char *chunkname, char *err,
                 size_t err_size)
{
    if (load_chunk(b, code, len, chunkname))
        return true;
    snprintf(err, err_size, "%s", lua_tostring(b->L, -1));
    lua_pop(b->L, 1);
    return false;
}

void luabox_add_error(diag_list *diags, const char *path, int line, const char *node_id,
                      const char *prefix, const char *text)
{
    const char *msg = text ? text : "(no error message)";
    size_t lp = strlen(path);
    if (strncmp(msg, path, lp) == 0 && msg[lp] == ':') {
        char *end;
        long l = strtol(msg + lp + 1, &end, 10);
        if (end != msg + lp + 1 && *end == ':') {
            line = (int)l;
            msg = end + 1;
        } else {
            msg += lp + 1; /* "path: message": the diagnostic names path */
        }
        while (*msg == ' ')
            msg++;
    }
    diag_add(diags, DIAG_ERROR, path, line, 0, node_id, "%s%s", prefix, msg);
}

/* The innermost frame's line when msg names none. */
static void add_lua_diag(diag_list *diags, lua_box *b, const char *path, const char *node_id,
                         const char *prefix, const char *msg)
{
    luabox_add_error(diags, path, b->err_line, node_id, prefix, msg);
}

/* ---- records ---- */

/* The output table's columns: the inputs' columns first, in input order
 * (created up front), then new fields sorted by name (inserted in place when
 * first seen, usually in the first record) — so the order is deterministic
 * although Lua's table order is not.
 *
 * Reading a result back is most of a run's cost beyond calling transform,
 * and it is bound by Lua C API calls, so the common case takes as few as the
 * API allows: one lua_next per field, the key identified by its address
 * (lua_topointer: no type check, no conversion), the column predicted from
 * the previous record (tables built the same way traverse in the same order).
 * Any surprise — an unseen key, another order, a long (uninterned) name —
 * takes the general path, which also refreshes the prediction. */

/* A small per-column cache of recent string values: low-cardinality
 * columns (countries, statuses) share one copy instead of copying every
 * cell, and a value seen before needs no typing checks.  Keyed by the Lua
 * string's address, verified by content (an address can be reused by
 * another string after a collection). */
enum { STR_CACHE = 8 };
typedef struct str_slot {
    const char *lua; /* the Lua string's bytes when cached */
    const char *copy;
    size_t len;
} str_slot;

typedef struct out_state {
    pv_table *t;
    str_slot *cache;  /* STR_CACHE per column */
    const void **kid; /* per column: its name's anchored Lua string (lua_topointer) */
    bool *seen;       /* per column: some record had it */
    size_t cap;
    size_t n_fixed; /* columns from the inputs */
    int anchor;     /* stack index of a table keeping the key strings alive */
    lua_Integer n_anchored;
    /* The previous record's traversal: i-th key's identity and column. */
    const void **ord_key;
    size_t *ord_col;
    size_t ord_cap;
    size_t last_n;   /* fields in the last record emitted */
    typing_stats st; /* per column, gathered as cells are written */
} out_state;

static void out_reserve(out_state *o, size_t n)
{
    if (n <= o->cap)
        return;
    size_t old = o->cap;
    o->cap = n * 2;
    o->kid = xrealloc(o->kid, o->cap * sizeof(void *));
    o->seen = xrealloc(o->seen, o->cap * sizeof(bool));
    o->st.kinds = xrealloc(o->st.kinds, o->cap * sizeof(unsigned));
    o->st.ints01 = xrealloc(o->st.ints01, o->cap);
    o->st.all_ts = xrealloc(o->st.all_ts, o->cap);
    o->st.all_json = xrealloc(o->st.all_json, o->cap);
    memset(o->st.kinds + old, 0, (o->cap - old) * sizeof(unsigned));
    memset(o->st.ints01 + old, 1, o->cap - old);
    memset(o->st.all_ts + old, 1, o->cap - old);
    memset(o->st.all_json + old, 1, o->cap - old);
    /* Columns can be inserted anywhere: simply start the caches afresh. */
    free(o->cache);
    o->cache = xcalloc(o->cap * STR_CACHE, sizeof(str_slot));
}

static void out_text(out_state *o, size_t c, pv_cell *cell, const char *s, size_t len)
{
    str_slot *slot = &o->cache[c * STR_CACHE + (((uintptr_t)s >> 4) & (STR_CACHE - 1))];
    cell->kind = PV_TEXT;
    cell->len = (uint32_t)len;
    if (slot->lua == s && slot->len == len && memcmp(slot->copy, s, len) == 0) {
        /* This column held these bytes before: typed then already. */
        cell->v.s = slot->copy;
        return;
    }
    cell->v.s = pv_table_strdup(o->t, s, len);
    slot->lua = s;
    slot->len = len;
    slot->copy = cell->v.s;
    typing_stats_add(&o->st, c, cell);
}

/* Anchor the string at idx and return its identity. */
static const void *out_anchor(out_state *o, lua_State *L, int idx)
{
    lua_pushvalue(L, idx);
    const void *k = lua_topointer(L, -1);
    lua_rawseti(L, o->anchor, ++o->n_anchored);
    return k;
}

/* The column of the string key at key_idx, adding it when new; -1: too many
 * columns, -2: a NUL in the name. */
static long out_column(out_state *o, lua_State *L, int key_idx)
{
    const void *id = lua_topointer(L, key_idx);
    size_t len;
    const char *k = lua_tolstring(L, key_idx, &len);
    size_t n = o->t->n_cols;
    for (size_t i = 0; i < n; i++)
        if (o->kid[i] == id)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (strcmp(o->t->cols[i].name, k) == 0)
            return (long)i;
    if (strlen(k) != len)
        return -2; /* an embedded NUL cannot be a column name */
    size_t pos = o->n_fixed;
    while (pos < n && strcmp(o->t->cols[pos].name, k) < 0)
        pos++;
    long c = pv_table_insert_column(o->t, pos, k, PV_TYPE_NULL);
    if (c < 0)
        return -1;
    out_reserve(o, n + 1);
    memmove(&o->kid[pos + 1], &o->kid[pos], (n - pos) * sizeof(void *));
    memmove(&o->seen[pos + 1], &o->seen[pos], (n - pos) * sizeof(bool));
    memmove(&o->st.kinds[pos + 1], &o->st.kinds[pos], (n - pos) * sizeof(unsigned));
    memmove(&o->st.ints01[pos + 1], &o->st.ints01[pos], n - pos);
    memmove(&o->st.all_ts[pos + 1], &o->st.all_ts[pos], n - pos);
    memmove(&o->st.all_json[pos + 1], &o->st.all_json[pos], n - pos);
    o->st.kinds[pos] = 0;
    o->st.ints01[pos] = o->st.all_ts[pos] = o->st.all_json[pos] = 1;
    memset(o->cache, 0, o->cap * STR_CACHE * sizeof(str_slot));
    for (size_t j = 0; j < o->ord_cap; j++)
        if (o->ord_col[j] >= pos)
            o->ord_col[j]++;
    o->kid[pos] = out_anchor(o, L, key_idx);
    o->seen[pos] = false;
    return c;
}

/* The general path for the i-th key of a record: check it, find or add its
 * column, and remember it for the next record.  -1 with err filled. */
static long out_slow_key(out_state *o, lua_State *L, size_t i, char *err, size_t err_size)
{
    if (lua_type(L, -2) != LUA_TSTRING) {
        snprintf(err, err_size, "the record has a %s key; field names are strings",
                 luaL_typename(L, -2));
        return -1;
    }
    long c = out_column(o, L, -2);
    if (c < 0) {
        snprintf(err, err_size,
                 c == -1 ? "more than %d fields" : "a field name holds a NUL byte (%d)",
                 PV_MAX_COLUMNS);
        return -1;
    }
    o->seen[c] = true;
    if (i >= o->ord_cap) {
        size_t ncap = o->ord_cap ? o->ord_cap * 2 : 16;
        if (ncap <= i)
            ncap = i + 1;
        o->ord_key = xrealloc(o->ord_key, ncap * sizeof(void *));
        o->ord_col = xrealloc(o->ord_col, ncap * sizeof(size_t));
        memset(o->ord_key + o->ord_cap, 0, (ncap - o->ord_cap) * sizeof(void *));
        memset(o->ord_col + o->ord_cap, 0, (ncap - o->ord_cap) * sizeof(size_t));
        o->ord_cap = ncap;
    }
    /* Only an anchored name can be predicted: its address cannot be reused
     * by another string while it is alive. */
    const void *id = lua_topointer(L, -2);
    o->ord_key[i] = o->kid[c] == id ? id : NULL;
    o->ord_col[i] = (size_t)c;
    return c;
}

/* Append the record table at idx to the output; NULL or an error text. */
static const char *emit(out_state *o, lua_State *L, int idx, char *err, size_t err_size)
{
    pv_table *t = o->t;
    size_t row = t->n_rows;
    pv_cell *cells = pv_table_add_row(t);
    /* The rows are written in one pass through a block far bigger than
     * the cache: ask for a row a few ahead now, so its lines are there
     * by the time it is written (about 20 ms of 700 on a million rows). */
    if (row + PREFETCH_ROWS < t->cap_rows) {
        const char *ahead = (const char *)(cells + PREFETCH_ROWS * t->stride);
        for (size_t k = 0; k < t->stride * sizeof(pv_cell); k += 64)
            __builtin_prefetch(ahead + k, 1);
    }
    lua_pushnil(L);
    size_t i = 0;
    for (; lua_next(L, idx); i++) {
        const void *id = lua_topointer(L, -2);
        long c;
        if (i < o->ord_cap && id && o->ord_key[i] == id) {
            c = (long)o->ord_col[i];
        } else {
            if ((c = out_slow_key(o, L, i, err, err_size)) < 0) {
                lua_pop(L, 2);
                return err;
            }
            cells = pv_table_cell(t, row, 0); /* a new column moves the rows */
        }
        pv_cell *cell = &cells[c];
        unsigned *kinds = &o->st.kinds[c];
        if (*kinds == 1u << PV_INT && lua_isinteger(L, -1)) {
            /* An integer column so far: one call less than asking the type. */
            cell->kind = PV_INT;
            cell->v.i = lua_tointeger(L, -1);
            if ((unsigned long long)cell->v.i > 1)
                o->st.ints01[c] = 0;
            lua_pop(L, 1);
            continue;
        }
        switch (lua_type(L, -1)) {
        case LUA_TBOOLEAN:
            cell->kind = PV_BOOL;
            cell->v.i = lua_toboolean(L, -1);
            *kinds |= 1u << PV_BOOL;
            break;
        case LUA_TNUMBER: {
            /* A fraction is a float: only whole values need asking. */
            double d = lua_tonumber(L, -1);
            bool whole = d > -9.2e18 && d < 9.2e18 && d == (double)(long long)d;
            if (whole && lua_isinteger(L, -1)) {
                cell->kind = PV_INT;
                cell->v.i = lua_tointeger(L, -1);
                *kinds |= 1u << PV_INT;
                if ((unsigned long long)cell->v.i > 1)
                    o->st.ints01[c] = 0;
            } else {
                cell->kind = PV_REAL;
                cell->v.r = d;
                *kinds |= 1u << PV_REAL;
            }
            break;
        }
        case LUA_TSTRING: {
            size_t len;
            const char *s = lua_tolstring(L, -1, &len);
            out_text(o, (size_t)c, cell, s, len);
            break;
        }
        default:
            snprintf(err, err_size,
                     "field '%s' is a %s; a field holds a string, a number or a boolean "
                     "(encode nested data as a JSON string)",
                     lua_tostring(L, -2), luaL_typename(L, -1));
            lua_pop(L, 2);
            return err;
        }
        lua_pop(L, 1);
    }
    o->last_n = i;
    return NULL;
}

static void push_cell(lua_State *L, const pv_cell *c)
{
    switch ((pv_kind)c->kind) {
    case PV_BOOL:
        lua_pushboolean(L, (int)c->v.i);
        break;
    case PV_INT:
        lua_pushinteger(L, c->v.i);
        break;
    case PV_REAL:
        lua_pushnumber(L, c->v.r);
        break;
    case PV_TEXT:
    case PV_JSON:
        lua_pushlstring(L, c->v.s, c->len);
        break;
    default:
        lua_pushnil(L);
    }
}

/* Everything one run does with the state after the chunk has loaded.  It
 * runs as a C function under lua_pcall: building record tables and
 * anchoring names allocate, and an allocation refused outside a protected
 * call would make Lua panic (abort).  The function itself runs in a nested
 * protected call, so its errors are reported with their record and line. */
typedef struct run_ctx {
    lua_box *b;
    const lua_record_fn *fn;
    const char *path, *node_id;
    const pv_table *const *inputs;
    size_t n_inputs;
    const lua_options *o;
    diag_list *diags;
    out_state out;
    size_t record;
    bool reported; /* a diagnostic was added */
    /* luabox_collect_records: declared columns and the row limit */
    const pv_column *declared;
    size_t n_declared, limit;
} run_ctx;

/* How a run starts: push the run's function and its extra arguments, the
 * table anchoring the output's names and the message handler (its index in
 * *msgh).  The function's stack index, or 0 with a diagnostic. */
static int begin_run(run_ctx *rc, lua_State *L, int *nextra, int *msgh)
{
    *nextra = rc->fn->push(L, rc->fn->ud);
    if (*nextra < 0) {
        diag_add(rc->diags, DIAG_ERROR, rc->path, 0, 0, rc->node_id, "%s", lua_tostring(L, -1));
        rc->reported = true;
        return 0;
    }
    int fn = lua_gettop(L) - *nextra;
    lua_newtable(L);
    rc->out.anchor = lua_gettop(L);
    lua_pushcfunction(L, box_msgh);
    *msgh = lua_gettop(L);
    return fn;
}

/* Add a fixed column (input or declared) up front. */
static bool add_fixed(out_state *out, lua_State *L, const char *name, pv_type type)
{
    if (pv_table_find_column(out->t, name) >= 0)
        return true;
    long j = pv_table_add_column(out->t, name, type);
    if (j < 0)
        return false;
    out_reserve(out, (size_t)j + 1);
    lua_pushstring(L, name);
    out->kid[j] = out_anchor(out, L, -1);
    lua_pop(L, 1);
    out->seen[j] = false;
    out->n_fixed = (size_t)j + 1;
    return true;
}

/* Emit the records of the array at res, in order, up to limit of them
 * (counted in *counted when not NULL); stops at the first hole.  NULL or an
 * error text. */
static const char *emit_array(out_state *out, lua_State *L, int res, size_t limit, size_t *counted,
                              char *err, size_t err_size)
{
    const char *bad = NULL;
    for (lua_Integer i = 1; !bad && (size_t)i <= limit; i++) {
        int ty = lua_rawgeti(L, res, i);
        if (ty == LUA_TNIL) {
            lua_pop(L, 1);
            break;
        }
        if (counted)
            (*counted)++;
        if (ty != LUA_TTABLE) {
            snprintf(err, err_size, "item %lld of the returned array is a %s, not a record",
                     (long long)i, lua_typename(L, ty));
            bad = err;
        } else {
            bad = emit(out, L, lua_gettop(L), err, err_size);
        }
        lua_pop(L, 1);
    }
    return bad;
}

/* Emit what a call left at res: a record, an array of records, or nil.
 * NULL or an error text. */
static const char *emit_result(run_ctx *rc, lua_State *L, int res, int *extra, const void *rec,
                               int given, char *err, size_t err_size)
{
    out_state *out = &rc->out;
    const char *bad = NULL;
    if (lua_type(L, res) == LUA_TTABLE) {
        /* An array of records: [1] is a table.  The length, 0 for a plain
         * record, answers without pushing anything. */
        bool array = false;
        if (lua_rawlen(L, res) > 0) {
            array = lua_rawgeti(L, res, 1) == LUA_TTABLE;
            lua_pop(L, 1);
        }
        if (array) {
            bad = emit_array(out, L, res, SIZE_MAX, NULL, err, err_size);
        } else {
            bad = emit(out, L, res, err, err_size);
            if (rec && lua_topointer(L, res) == rec) {
                size_t added = out->last_n > (size_t)given ? out->last_n - (size_t)given : 0;
                *extra = added < 64 ? (int)added : 64;
            }
        }
    } else if (lua_type(L, res) != LUA_TNIL) {
        snprintf(err, err_size,
                 "%s returned a %s; return a record (a table), nil to drop it, or an array of "
                 "records",
                 rc->fn->name, luaL_typename(L, res));
        bad = err;
    }
    return bad;
}

static int run_records(lua_State *L)
{
    run_ctx *rc = lua_touserdata(L, 1);
    lua_box *b = rc->b;
    out_state *out = &rc->out;
    int nextra, msgh;
    int fn = begin_run(rc, L, &nextra, &msgh);
    if (!fn)
        return 0;
    for (size_t k = 0; k < rc->n_inputs; k++)
        for (size_t c = 0; c < rc->inputs[k]->n_cols; c++)
            if (!add_fixed(out, L, rc->inputs[k]->cols[c].name, PV_TYPE_NULL))
                break;
    char err[256];
    for (size_t k = 0; k < rc->n_inputs; k++) {
        const pv_table *in = rc->inputs[k];
        luaL_checkstack(L, (int)in->n_cols + nextra + 16, "too many columns");
        int names = lua_gettop(L) + 1;
        for (size_t c = 0; c < in->n_cols; c++)
            lua_pushstring(L, in->cols[c].name);
        /* Hash room for the fields the function added to the last record
         * it returned (r.total = ...): sized in advance, the table need not
         * be rehashed when the function adds them. */
        int extra = 0;
        int res = lua_gettop(L) + 1; /* where each call leaves its result */
        for (size_t r = 0; r < in->n_rows; r++) {
            rc->record++;
            lua_pushvalue(L, fn);
            lua_createtable(L, 0, (int)in->n_cols + extra);
            /* Sample the record's shape now and then: it is only a hint. */
            const void *rec = (rc->record & 15) == 1 ? lua_topointer(L, -1) : NULL;
            int given = 0;
            for (size_t c = 0; c < in->n_cols; c++) {
                const pv_cell *cell = pv_table_cget(in, r, c);
                if (cell->kind == PV_NULL)
                    continue;
                lua_pushvalue(L, names + (int)c);
                push_cell(L, cell);
                lua_rawset(L, -3);
                given++;
            }
            for (int a = 1; a <= nextra; a++)
                lua_pushvalue(L, fn + a);
            if (box_pcall(b, 1 + nextra, 1, msgh) != LUA_OK) {
                char prefix[48];
                snprintf(prefix, sizeof(prefix), "record %zu: ", rc->record);
                add_lua_diag(rc->diags, b, rc->path, rc->node_id, prefix, lua_tostring(L, -1));
                rc->reported = true;
                return 0;
            }
            const char *bad = emit_result(rc, L, res, &extra, rec, given, err, sizeof(err));
            lua_settop(L, res - 1);
            if (bad) {
                diag_add(rc->diags, DIAG_ERROR, rc->path, 0, 0, rc->node_id, "record %zu: %s",
                         rc->record, bad);
                rc->reported = true;
                return 0;
            }
            if (rc->record == RESERVE_AFTER) {
                /* The first records showed the output's columns and how
                 * many rows a record yields: size the table for the rest
                 * now (in one zeroed, prefaulted block) rather than grow
                 * it, without reserving a million rows for a filter that
                 * keeps a few. */
                size_t total = 0;
                for (size_t j = 0; j < rc->n_inputs; j++)
                    total += rc->inputs[j]->n_rows;
                double per = (double)out->t->n_rows / (double)rc->record;
                double want = per * (double)total * 1.05 + 64;
                /* Past one row per record (fan-out), grow as needed: a
                 * guess from the first records must not reserve gigabytes. */
                pv_table_reserve(out->t, want < (double)total ? (size_t)want : total);
            }
            if (rc->o && rc->o->rows_done && (rc->record & 1023) == 0)
                __atomic_add_fetch(rc->o->rows_done, 1024, __ATOMIC_RELAXED);
        }
        lua_settop(L, names - 1);
    }
    return 0;
}

/* One call of the function (with its extras only) returning an array of
 * records, emitted in order up to the limit. */
static int run_collect(lua_State *L)
{
    run_ctx *rc = lua_touserdata(L, 1);
    out_state *out = &rc->out;
    int nextra, msgh;
    int fn = begin_run(rc, L, &nextra, &msgh);
    if (!fn)
        return 0;
    for (size_t c = 0; c < rc->n_declared; c++)
        if (!add_fixed(out, L, rc->declared[c].name, rc->declared[c].type))
            break;
    int res = lua_gettop(L) + 1;
    lua_pushvalue(L, fn);
    for (int a = 1; a <= nextra; a++)
        lua_pushvalue(L, fn + a);
    if (box_pcall(rc->b, nextra, 1, msgh) != LUA_OK) {
        add_lua_diag(rc->diags, rc->b, rc->path, rc->node_id, "", lua_tostring(L, -1));
        rc->reported = true;
        return 0;
    }
    char err[256];
    const char *bad = NULL;
    if (lua_type(L, res) != LUA_TTABLE) {
        snprintf(err, sizeof(err), "%s returned a %s; return an array of records", rc->fn->name,
                 luaL_typename(L, res));
        bad = err;
    }
    if (!bad)
        bad = emit_array(out, L, res, rc->limit, &rc->record, err, sizeof(err));
    if (bad) {
        diag_add(rc->diags, DIAG_ERROR, rc->path, 0, 0, rc->node_id, "%s", bad);
        rc->reported = true;
    }
    return 0;
}

/* Run body (run_records or run_collect) protected, then settle the
 * output's columns and types.  keep_fixed: keep fixed columns no record
 * had (declared ones), else drop them (input columns). */
static pv_table *run_protected(run_ctx *rc, lua_CFunction body, bool keep_fixed)
{
    lua_box *b = rc->b;
    lua_State *L = b->L;
    rc->out.t = pv_table_new();
    int top = lua_gettop(L);
    lua_pushcfunction(L, body);
    lua_pushlightuserdata(L, rc);
    int status = lua_pcall(L, 1, 0, 0);
    bool ok = status == LUA_OK && !rc->reported;
    if (status != LUA_OK && !rc->reported) {
        /* Raised by weir's own calls between records: memory, stack. */
        const char *msg = status == LUA_ERRMEM ? NULL : lua_tostring(L, -1);
        if (msg)
            diag_add(rc->diags, DIAG_ERROR, rc->path, 0, 0, rc->node_id, "record %zu: %s",
                     rc->record, msg);
        else
            diag_add(rc->diags, DIAG_ERROR, rc->path, 0, 0, rc->node_id,
                     "record %zu: memory limit of %zu MiB exceeded (the script's data "
                     "left no room for the record)",
                     rc->record, b->mem_limit >> 20);
    }
    lua_settop(L, top);
    out_state out = rc->out;

    pv_table *t = out.t;
    if (ok) {
        /* Drop input columns no record had. */
        size_t m = 0;
        size_t *keep = xmalloc((t->n_cols ? t->n_cols : 1) * sizeof(size_t));
        for (size_t c = 0; c < t->n_cols; c++)
            if (out.seen[c] || (keep_fixed && c < out.n_fixed))
                keep[m++] = c;
        if (m != t->n_cols) {
            pv_table_project(t, keep, m);
            for (size_t j = 0; j < m; j++) {
                out.st.kinds[j] = out.st.kinds[keep[j]];
                out.st.ints01[j] = out.st.ints01[keep[j]];
                out.st.all_ts[j] = out.st.all_ts[keep[j]];
                out.st.all_json[j] = out.st.all_json[keep[j]];
            }
        }
        free(keep);
        out.st.n = t->n_cols;
        const pv_type **decl = xcalloc(t->n_cols ? t->n_cols : 1, sizeof(pv_type *));
        for (size_t c = 0; c < t->n_cols; c++) {
            for (size_t k = 0; k < rc->n_inputs && !decl[c]; k++) {
                long j = pv_table_find_column(rc->inputs[k], t->cols[c].name);
                if (j >= 0)
                    decl[c] = &rc->inputs[k]->cols[j].type;
            }
            for (size_t k = 0; k < rc->n_declared && !decl[c]; k++)
                if (strcmp(rc->declared[k].name, t->cols[c].name) == 0)
                    decl[c] = &rc->declared[k].type;
        }
        if (t->n_cols)
            typing_decide(t, decl, &out.st);
        free(decl);
    } else {
        pv_table_unref(t);
        t = NULL;
    }
    free(out.kid);
    free(out.ord_key);
    free(out.ord_col);
    free(out.seen);
    free(out.cache);
    typing_stats_free(&out.st);
    return t;
}

pv_table *luabox_run_records(lua_box *b, const lua_record_fn *fn, const char *path,
                             const char *node_id, const pv_table *const *inputs, size_t n_inputs,
                             const lua_options *o, diag_list *diags)
{
    run_ctx rc = {.b = b,
                  .fn = fn,
                  .path = path,
                  .node_id = node_id,
                  .inputs = inputs,
                  .n_inputs = n_inputs,
                  .o = o,
                  .diags = diags};
    return run_protected(&rc, run_records, false);
}

pv_table *luabox_collect_records(lua_box *b, const lua_record_fn *fn, const char *path,
                                 const char *node_id, const pv_column *declared, size_t n_declared,
                                 size_t limit, diag_list *diags)
{
    run_ctx rc = {.b = b,
                  .fn = fn,
                  .path = path,
                  .node_id = node_id,
                  .diags = diags,
                  .declared = declared,
                  .n_declared = n_declared,
                  .limit = limit};
    return run_protected(&rc, run_collect, true);
}

static int push_transform(struct lua_State *L, void *ud)
{
    (void)ud;
    if (lua_getglobal(L, "transform") != LUA_TFUNCTION) {
        lua_pushfstring(L, "defines no function transform(record) (found %s)",
                        luaL_typename(L, -1));
        return -1;
    }
    return 0;
}

pv_table *lua_transform_run(const char *code, size_t len, const char *path, const char *node_id,
                            const pv_table *const *inputs, size_t n_inputs, const lua_options *o,
                            diag_list *diags)
{
    lua_box *b = luabox_new(o);
    if (!b) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "cannot create a Lua state");
        return NULL;
    }
    if (!load_chunk(b, code, len, path)) {
        add_lua_diag(diags, b, path, node_id, "", lua_tostring(b->L, -1));
        luabox_free(b);
        return NULL;
    }
    static const lua_record_fn transform = {push_transform, NULL, "transform"};
    pv_table *t = luabox_run_records(b, &transform, path, node_id, inputs, n_inputs, o, diags);
    luabox_free(b);
    return t;
}
