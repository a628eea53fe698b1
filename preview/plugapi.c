/* plugapi: the `weir` table of docs/plugins.md and running one plugin file
 * in a lua_box with a global environment of its own (see plugapi.h).
 *
 * Isolation between files sharing one box (the host keeps one state per
 * plugin folder): each file's _ENV is a new table whose metatable reads
 * through to the sandbox's globals and is locked (getmetatable(_ENV) is
 * false), with its own _G, its own shallow copies of the library tables
 * (so `string.upper = nil` stays in the file) and a `load` whose chunks
 * default to the file's environment.  Nothing a file can reach writes to the
 * shared globals. */
#include "plugapi.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include "util.h"

/* ---- the weir table ---- */

/* weir.node_type(decl): upvalue 1 is the file's declaration array. */
static int api_node_type(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L, "weir.node_type expects a table (the declaration), got a %s",
                          luaL_typename(L, 1));
    lua_Debug ar;
    int line = 0;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) && ar.currentline > 0)
        line = ar.currentline;
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, line);
    lua_setfield(L, -2, "line");
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "decl");
    lua_rawseti(L, lua_upvalueindex(1), (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)) + 1);
    return 0;
}

/* Double every `q` in the argument and wrap it in `q`s.  A NUL byte would
 * cut the text short in SQLite, so it is refused. */
static int quote(lua_State *L, char q, const char *fn)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (memchr(s, '\0', len))
        return luaL_error(L, "%s: the text holds a NUL byte", fn);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addchar(&b, q);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == q)
            luaL_addchar(&b, q);
        luaL_addchar(&b, s[i]);
    }
    luaL_addchar(&b, q);
    luaL_pushresult(&b);
    return 1;
}

static int api_sql_ident(lua_State *L)
{
    return quote(L, '"', "weir.sql_ident");
}

static int api_sql_string(lua_State *L)
{
    return quote(L, '\'', "weir.sql_string");
}

static int api_sha256(lua_State *L)
{
    size_t len;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
    unsigned char md[32];
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    int rc = mbedtls_sha256(s, len, md, 0);
#else
    int rc = mbedtls_sha256_ret(s, len, md, 0);
#endif
    if (rc != 0)
        return luaL_error(L, "weir.sha256: hashing failed");
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    lua_pushlstring(L, hex, 64);
    return 1;
}

/* Lua's %s: the C locale's white space. */
static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* weir.split_alias(text): "sum(x)  AS total" -> "sum(x)", "total"; text
 * without an alias -> the text, nil.  White space runs become one space and
 * the ends are trimmed; the alias is after the last " as " in any case. */
static int api_split_alias(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    char *t = luaL_buffinitsize(L, &b, len);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (!is_space(s[i]))
            t[n++] = s[i];
        else if (n > 0 && t[n - 1] != ' ')
            t[n++] = ' ';
    }
    if (n > 0 && t[n - 1] == ' ')
        n--;
    luaL_pushresultsize(&b, n);
    t = (char *)lua_tostring(L, -1);
    /* Trimmed, so a " as " found has text on both sides. */
    size_t at = 0;
    for (size_t i = 0; i + 4 <= n; i++)
        if (t[i] == ' ' && (t[i + 1] | 0x20) == 'a' && (t[i + 2] | 0x20) == 's' && t[i + 3] == ' ')
            at = i;
    if (at == 0) {
        lua_pushnil(L);
        return 2;
    }
    lua_pushlstring(L, t, at);
    lua_pushlstring(L, t + at + 4, n - at - 4);
    return 2;
}

/* weir.sql_epoch_seconds(expr [, unit [, column]]): SQL turning expr (a
 * time: ISO-8601 text, or epoch seconds, or milliseconds with unit "ms",
 * numbers or digits as text) into whole epoch seconds, or NULL.  Spread
 * over four lines, continuation lines lined up for an expression starting
 * at `column`. */
static int api_sql_epoch_seconds(lua_State *L)
{
    const char *e = luaL_checkstring(L, 1);
    const char *unit = luaL_optstring(L, 2, "s");
    lua_Integer col = luaL_optinteger(L, 3, 0);
    bool ms = strcmp(unit, "ms") == 0;
    if (!ms && strcmp(unit, "s") != 0)
        return luaL_error(L, "weir.sql_epoch_seconds: unit is \"s\" or \"ms\", not \"%s\"", unit);
    if (col < 0 || col > 200)
        return luaL_error(L, "weir.sql_epoch_seconds: column is 0 to 200, not %d", (int)col);
    char pad[206];
    memset(pad, ' ', (size_t)col + 5);
    pad[col + 5] = '\0';
    /* Epoch numbers may arrive as text (a column mixing both is text). */
    lua_pushfstring(L,
                    "CASE WHEN typeof(%s) IN ('integer', 'real')\n"
                    "%s  OR (%s GLOB '[0-9]*' AND %s NOT GLOB '*[^0-9.]*')\n"
                    "%sTHEN CAST(%s AS INTEGER)%s\n"
                    "%sELSE unixepoch(%s) END",
                    e, pad, e, e, pad, e, ms ? " / 1000" : "", pad, e);
    return 1;
}

/* weir.check_names(list [, what]): nil when every item of list is a
 * non-empty string and none repeats, else a message naming `what` (default
 * "field").  An empty list passes: whether one is fine is the caller's. */
static int api_check_names(lua_State *L)
{
    const char *what = luaL_optstring(L, 2, "field");
    if (lua_type(L, 1) != LUA_TTABLE) {
        lua_pushfstring(L, "expected a list of %s names, got a %s", what, luaL_typename(L, 1));
        return 1;
    }
    lua_settop(L, 2);
    lua_newtable(L); /* 3: the names seen */
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        int ty = lua_rawgeti(L, 1, i);
        if (ty != LUA_TSTRING) {
            lua_pushfstring(L, "item %I of the list is a %s, not a %s name", i, lua_typename(L, ty),
                            what);
            return 1;
        }
        if (lua_rawlen(L, -1) == 0) {
            lua_pushfstring(L, "a %s name is empty", what);
            return 1;
        }
        lua_pushvalue(L, -1);
        if (lua_rawget(L, 3) != LUA_TNIL) {
            lua_pushfstring(L, "'%s' is listed twice", lua_tostring(L, -2));
            return 1;
        }
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
        lua_rawset(L, 3);
    }
    lua_pushnil(L);
    return 1;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* weir.capability(name): upvalue 1 the allowed PLUGIN_CAP_* bits, upvalue 2
 * the file's path. */
static int api_capability(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    unsigned allowed = (unsigned)lua_tointeger(L, lua_upvalueindex(1));
    const char *path = lua_tostring(L, lua_upvalueindex(2));
    unsigned bit;
    lua_CFunction open;
    if (strcmp(name, "io") == 0) {
        bit = PLUGIN_CAP_IO;
        open = luaopen_io;
    } else if (strcmp(name, "os") == 0) {
        bit = PLUGIN_CAP_OS;
        open = luaopen_os;
    } else {
        return luaL_error(L,
                          "weir.capability: unknown capability '%s' (there are \"io\" and "
                          "\"os\")",
                          name);
    }
    if (!(allowed & bit))
        return luaL_error(L,
                          "weir.capability: \"%s\" is not allowed for %s; to allow it, list "
                          "the file with \"%s\" in $XDG_CONFIG_HOME/weir/plugins.allow (your "
                          "own plugin by its name, %s; a pipeline's by its absolute path)",
                          name, base_name(path), name, base_name(path));
    /* The full library, kept in the registry's loaded table: the sandbox
     * loaded the full os there and exposes only part of it. */
    luaL_requiref(L, name, open, 0);
    return 1;
}

/* The file's load(): chunks run in the file's environment (upvalue 2)
 * unless given one; upvalue 1 is the sandbox's load (text only). */
static int env_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 4) {
        lua_settop(L, 3);
        lua_pushvalue(L, lua_upvalueindex(2));
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 4, LUA_MULTRET);
    return lua_gettop(L);
}

/* weir.sql_fresh_name(base, taken): base, or base with '_' appended until
 * it differs from every name in taken (a string or an array of strings)
 * ignoring case, as SQLite compares names: a template's CTE must not hide
 * an input table. */
static int api_sql_fresh_name(lua_State *L)
{
    luaL_checkstring(L, 1);
    if (!lua_isstring(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_pushvalue(L, 1); /* 3: the candidate */
    for (;;) {
        const char *cand = lua_tostring(L, 3);
        bool clash = false;
        lua_Integer n = lua_isstring(L, 2) ? 1 : (lua_Integer)lua_rawlen(L, 2);
        for (lua_Integer i = 1; i <= n && !clash; i++) {
            if (lua_isstring(L, 2))
                lua_pushvalue(L, 2);
            else
                lua_rawgeti(L, 2, i);
            const char *name = lua_tostring(L, -1);
            clash = name && strcasecmp(name, cand) == 0;
            lua_pop(L, 1);
        }
        if (!clash)
            return 1;
        if (lua_rawlen(L, 3) > PLUGIN_NAME_FRESH_MAX)
            return luaL_error(L, "weir.sql_fresh_name: no free name from '%s'", lua_tostring(L, 1));
        lua_pushliteral(L, "_");
        lua_concat(L, 2); /* 3 .. "_" */
    }
}

/* The functions that need no upvalues. */
static const luaL_Reg api_functions[] = {
    {"sql_ident", api_sql_ident},
    {"sql_string", api_sql_string},
    {"sha256", api_sha256},
    {"split_alias", api_split_alias},
    {"sql_epoch_seconds", api_sql_epoch_seconds},
    {"check_names", api_check_names},
    {"sql_fresh_name", api_sql_fresh_name},
    {NULL, NULL},
};

typedef struct setup_args {
    unsigned caps;
    const char *path;
} setup_args;

/* Build the declaration array and the file's environment; returns both.
 * Runs protected: each step allocates. */
static int env_setup(lua_State *L)
{
    const setup_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_newtable(L);        /* 1: declarations */
    lua_newtable(L);        /* 2: the environment */
    lua_pushglobaltable(L); /* 3 */

    /* Own copies of the library tables. */
    lua_pushnil(L);
    while (lua_next(L, 3)) {
        if (lua_type(L, -1) == LUA_TTABLE && lua_type(L, -2) == LUA_TSTRING &&
            !lua_rawequal(L, -1, 3)) {
            int lib = lua_gettop(L);
            lua_newtable(L);
            lua_pushnil(L);
            while (lua_next(L, lib)) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, lib + 1);
            }
            lua_pushvalue(L, -3); /* the name */
            lua_insert(L, -2);
            lua_rawset(L, 2);
        }
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 2);
    lua_setfield(L, 2, "_G");
    lua_getfield(L, 3, "load");
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, env_load, 2);
    lua_setfield(L, 2, "load");

    lua_createtable(L, 0, 9); /* 4: weir */
    lua_pushinteger(L, PLUGIN_API_VERSION);
    lua_setfield(L, 4, "api_version");
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, api_node_type, 1);
    lua_setfield(L, 4, "node_type");
    luaL_setfuncs(L, api_functions, 0);
    lua_pushinteger(L, (lua_Integer)a->caps);
    lua_pushstring(L, a->path);
    lua_pushcclosure(L, api_capability, 2);
    lua_setfield(L, 4, "capability");
    lua_setfield(L, 2, "weir");

    lua_createtable(L, 0, 2); /* the environment's metatable */
    lua_pushvalue(L, 3);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, 2);
    lua_settop(L, 2);
    return 2;
}

bool plugapi_run_file(lua_box *b, const char *text, size_t len, const char *path,
                      unsigned caps_allowed, char *err, size_t err_size)
{
    lua_State *L = luabox_state(b);
    setup_args a = {caps_allowed, path};
    lua_pushcfunction(L, env_setup);
    lua_pushlightuserdata(L, &a);
    if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
        lua_pop(L, 1);
        lua_pushnil(L); /* no room even for the array */
        snprintf(err, err_size, "%s: memory limit exceeded before the file ran", path);
        return false;
    }
    int decls = lua_gettop(L) - 1;
    char *name = xasprintf("@%s", path);
    int rc = luaL_loadbufferx(L, text, len, name, "t");
    free(name);
    if (rc != LUA_OK) {
        /* A syntax error already reads "path:line: message". */
        snprintf(err, err_size, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
        lua_settop(L, decls);
        return false;
    }
    lua_pushvalue(L, decls + 1);
    lua_setupvalue(L, -2, 1); /* the main chunk's only upvalue is _ENV */
    lua_remove(L, decls + 1);
    if (luabox_call(b, 0, 0) != LUA_OK) {
        luabox_error_text(b, path, lua_tostring(L, -1), err, err_size);
        lua_settop(L, decls);
        return false;
    }
    lua_settop(L, decls);
    return true;
}

/* ---- the node argument ---- */

/* A value as it is, for settings whose text does not fit their type. */
static void push_value(lua_State *L, const value *v)
{
    switch (v->kind) {
    case VALUE_SCALAR:
        lua_pushlstring(L, v->text ? v->text : "", v->text ? v->len : 0);
        break;
    case VALUE_LIST:
        lua_createtable(L, (int)v->n, 0);
        for (size_t i = 0; i < v->n; i++) {
            push_value(L, &v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case VALUE_MAP:
        lua_createtable(L, 0, (int)v->n);
        for (size_t i = 0; i < v->n; i++) {
            push_value(L, &v->items[i]);
            lua_setfield(L, -2, v->keys[i].text ? v->keys[i].text : "");
        }
        break;
    }
}

/* The setting's value converted by its declared type (plugins.md, "The
 * node argument").  A scalar that does not parse as its type (validation
 * reports it) is passed as its text. */
static void push_setting(lua_State *L, const value *v, setting_type type)
{
    if (v->kind != VALUE_SCALAR) {
        push_value(L, v);
        return;
    }
    long long i;
    double d;
    bool bv;
    switch (type) {
    case SETTING_INTEGER:
        if (value_as_int(v, &i)) {
            lua_pushinteger(L, (lua_Integer)i);
            return;
        }
        break;
    case SETTING_NUMBER:
        if (value_as_number(v, &d)) {
            lua_pushnumber(L, d);
            return;
        }
        break;
    case SETTING_BOOLEAN:
        if (value_as_bool(v, &bv)) {
            lua_pushboolean(L, bv);
            return;
        }
        break;
    case SETTING_LIST:
        /* A scalar (a default) is a list of one, or none when empty. */
        lua_createtable(L, 1, 0);
        if (v->len) {
            push_value(L, v);
            lua_rawseti(L, -2, 1);
        }
        return;
    case SETTING_SCHEMA:
        lua_newtable(L);
        return;
    default:
        break;
    }
    push_value(L, v);
}

void plugapi_push_node(lua_State *L, const node *n, const node_type *t)
{
    lua_createtable(L, 0, 5);
    lua_pushstring(L, n->id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, node_kind_name(n->kind));
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, n->type ? n->type : "");
    lua_setfield(L, -2, "type");
    lua_createtable(L, (int)n->n_inputs, 0);
    for (size_t i = 0; i < n->n_inputs; i++) {
        lua_pushstring(L, n->inputs[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "inputs");

    lua_newtable(L);
    if (!t) {
        /* No declaration to go by: every setting as written. */
        const value *m = &n->settings;
        if (m->kind == VALUE_MAP)
            for (size_t i = 0; i < m->n; i++) {
                if (value_is_null(&m->items[i]) || !m->keys[i].text)
                    continue;
                push_value(L, &m->items[i]);
                lua_setfield(L, -2, m->keys[i].text);
            }
    } else {
        for (size_t i = 0; i < t->n_settings; i++) {
            const setting_spec *s = &t->settings[i];
            const value *v = node_setting(n, s->name);
            value def = {0};
            if (!v || value_is_null(v)) {
                if (!s->default_value)
                    continue;
                def.kind = VALUE_SCALAR;
                def.text = (char *)s->default_value;
                def.len = strlen(s->default_value);
                v = &def;
            }
            push_setting(L, v, s->type);
            lua_setfield(L, -2, s->name);
        }
    }
    lua_setfield(L, -2, "settings");
}

const char *plugapi_sql_problem(lua_State *L, int idx, char *buf, size_t size)
{
    if (lua_type(L, idx) != LUA_TSTRING) {
        snprintf(buf, size, "sql(node) returned %s%s; return a SELECT (a string)",
                 lua_isnil(L, idx) ? "" : "a ", luaL_typename(L, idx));
        return buf;
    }
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    size_t blank = strspn(s, " \t\r\n");
    if (strlen(s) != len)
        snprintf(buf, size, "sql(node) returned text holding a NUL byte");
    else if (blank == len)
        snprintf(buf, size, "sql(node) returned no SQL (%s)", len ? "only white space" : "\"\"");
    else if (len > PLUGIN_SQL_MAX)
        snprintf(buf, size, "sql(node) returned %zu bytes of SQL; the limit is %d", len,
                 PLUGIN_SQL_MAX);
    else
        return NULL;
    return buf;
}
