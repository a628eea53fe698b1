/* plugrun: plugin-declared types in preview; see plugrun.h. */
#include "plugrun.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugapi.h"
#include "util.h"

/* Registry keys (their addresses) for the function to call and the node
 * argument, set once per box by find_decl. */
static const char key_fn, key_node;

/* t[name] without metamethods: plugin code runs only under the budgets. */
static int raw_field(lua_State *L, int idx, const char *name)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, name);
    return lua_rawget(L, idx);
}

typedef struct find_args {
    const node_type *t;
    const node *n;
    const char *field;
    bool found;  /* the declaration */
    int fn_type; /* the type of its field */
} find_args;

/* Protected (it allocates): find the declaration of t among the file's
 * (argument 1), and keep its field and the node argument in the registry. */
static int find_decl(lua_State *L)
{
    find_args *a = lua_touserdata(L, 2);
    const char *kind = node_kind_name(a->t->kind);
    lua_Integer count = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer i = 1; i <= count && !a->found; i++) {
        lua_settop(L, 2);
        if (lua_rawgeti(L, 1, i) != LUA_TTABLE || raw_field(L, 3, "decl") != LUA_TTABLE)
            continue;
        if (raw_field(L, 4, "kind") != LUA_TSTRING || strcmp(lua_tostring(L, -1), kind) != 0 ||
            raw_field(L, 4, "name") != LUA_TSTRING || strcmp(lua_tostring(L, -1), a->t->name) != 0)
            continue;
        a->found = true;
        a->fn_type = raw_field(L, 4, a->field);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &key_fn);
        plugapi_push_node(L, a->n, a->t);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &key_node);
    }
    return 0;
}

/* A box in which t's plugin file has run and whose registry holds
 * decl[field] and the node argument; NULL with a diagnostic. */
static lua_box *open_plugin(const node_type *t, const node *n, const char *field,
                            const lua_options *o, diag_list *d)
{
    const plugin_file *f = t->plugin;
    if (!f || !f->source) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, n->id,
                 "the %s type '%s' has no plugin file to run its %s() from",
                 node_kind_name(t->kind), t->name, field);
        return NULL;
    }
    lua_box *b = luabox_new(o);
    if (!b) {
        diag_add(d, DIAG_ERROR, f->path, 0, 0, n->id, "cannot create a Lua state");
        return NULL;
    }
    lua_State *L = luabox_state(b);
    char err[512];
    if (!plugapi_run_file(b, f->source, f->source_len, f->path, f->caps_allowed, err,
                          sizeof(err))) {
        luabox_add_error(d, f->path, 0, n->id, "", err);
        luabox_free(b);
        return NULL;
    }
    find_args a = {t, n, field, false, LUA_TNIL};
    lua_pushcfunction(L, find_decl);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, &a);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        diag_add(d, DIAG_ERROR, f->path, t->line, 0, n->id,
                 "no memory left to call %s() (the plugin's memory limit)", field);
    } else if (!a.found) {
        diag_add(d, DIAG_ERROR, f->path, 0, 0, n->id,
                 "the file no longer declares the %s type '%s' when preview runs it",
                 node_kind_name(t->kind), t->name);
    } else if (a.fn_type != LUA_TFUNCTION) {
        diag_add(d, DIAG_ERROR, f->path, t->line, 0, n->id,
                 "the %s type '%s' declares no function %s (found %s)", node_kind_name(t->kind),
                 t->name, field, lua_typename(L, a.fn_type));
    } else {
        lua_settop(L, 0);
        return b;
    }
    luabox_free(b);
    return NULL;
}

static int push_fn_node(struct lua_State *L, void *ud)
{
    (void)ud;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &key_fn);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &key_node);
    return 1;
}

char *plugrun_render_sql(const node_type *t, const node *n, const lua_options *o, diag_list *diags)
{
    lua_box *b = open_plugin(t, n, "sql", o, diags);
    if (!b)
        return NULL;
    lua_State *L = luabox_state(b);
    const char *path = t->plugin->path;
    char *sql = NULL;
    push_fn_node(L, NULL);
    if (luabox_call(b, 1, 1) != LUA_OK) {
        char err[512];
        luabox_error_text(b, path, lua_tostring(L, -1), err, sizeof(err));
        luabox_add_error(diags, path, 0, n->id, "sql(node): ", err);
    } else {
        char why[160];
        if (plugapi_sql_problem(L, -1, why, sizeof(why)))
            diag_add(diags, DIAG_ERROR, path, t->line, 0, n->id, "%s", why);
        else
            sql = xstrdup(lua_tostring(L, -1));
    }
    luabox_free(b);
    return sql;
}

pv_table *plugrun_records(const node_type *t, const node *n, const pv_table *const *inputs,
                          size_t n_inputs, const lua_options *o, diag_list *diags)
{
    const char *field = t->kind == NODE_SINK ? "show" : "record";
    lua_box *b = open_plugin(t, n, field, o, diags);
    if (!b)
        return NULL;
    lua_record_fn fn = {push_fn_node, NULL, field};
    pv_table *out = luabox_run_records(b, &fn, t->plugin->path, n->id, inputs, n_inputs, o, diags);
    luabox_free(b);
    return out;
}

pv_table *plugrun_source(const node_type *t, const node *n, size_t limit, const lua_options *o,
                         diag_list *diags)
{
    lua_box *b = open_plugin(t, n, "records", o, diags);
    if (!b)
        return NULL;
    /* The schema setting's columns, typed as declared (as the sample
     * readers do); unknown type names are left to inference. */
    const value *schema = node_setting(n, "schema");
    size_t n_decl = schema && schema->kind == VALUE_MAP ? schema->n : 0;
    pv_column *decl = xcalloc(n_decl ? n_decl : 1, sizeof(pv_column));
    size_t m = 0;
    for (size_t i = 0; i < n_decl; i++) {
        const value *k = &schema->keys[i], *v = &schema->items[i];
        if (!k->text || !*k->text)
            continue;
        decl[m].name = k->text;
        if (v->kind != VALUE_SCALAR || !v->text || !pv_type_from_name(v->text, &decl[m].type))
            decl[m].type = PV_TYPE_NULL;
        m++;
    }
    lua_record_fn fn = {push_fn_node, NULL, "records"};
    pv_table *out = luabox_collect_records(b, &fn, t->plugin->path, n->id, decl, m, limit, diags);
    free(decl);
    luabox_free(b);
    return out;
}
