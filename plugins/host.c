#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "decl.h"
#include "memo.h"
#include "fsutil.h"
#include "luarun.h"
#include "model.h"
#include "plugapi.h"
#include "util.h"
#include "value.h"

enum { ORIGIN_COUNT = 3, ALLOW_MAX_BYTES = 64 * 1024, ERR_SIZE = 1024 };

/* What the host keeps per registered type to call back into Lua. */
typedef struct type_extra {
    int box;           /* plugin_origin: the box that ran the file */
    int sql_ref;       /* sql(node), or LUA_NOREF */
    int *check_refs;   /* per declared setting: check(value, node), or LUA_NOREF; owned */
    size_t n_declared; /* settings declared by the plugin (they come first) */
} type_extra;

typedef struct pending {
    node_type t;
    type_extra x;
} pending;

typedef struct allow_entry {
    char *file;
    unsigned caps;
} allow_entry;

struct plugin_host {
    node_registry reg;
    memo *answers; /* check() and sql(node) answers by node: see memo.h */
    lua_box *boxes[ORIGIN_COUNT];
    type_extra *extras; /* parallel to reg.types */
    pending *pend;
    size_t n_pend, cap_pend;
    plugin_shadowed *shadowed;
    size_t n_shadowed, cap_shadowed;
    decl_arena arena; /* strings and arrays the registry points into */
    size_t n_errors;
    double load_us;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* ---- problems ---- */

/* "path:12: message" -> 12 and the message; 0 and the text otherwise. */
static int split_error(const char *err, const char *path, const char **msg)
{
    size_t n = strlen(path);
    *msg = err;
    if (strncmp(err, path, n) != 0 || err[n] != ':')
        return 0;
    char *end;
    long line = strtol(err + n + 1, &end, 10);
    if (end == err + n + 1 || *end != ':' || line <= 0 || line > INT_MAX)
        return 0;
    *msg = end + 1 + (end[1] == ' ');
    return (int)line;
}

static void add_broken(plugin_host *h, const char *name, const plugin_file *f)
{
    node_registry *r = &h->reg;
    for (size_t i = 0; i < r->n_broken; i++)
        if (strcmp(r->broken[i].name, name) == 0)
            return; /* the first (earliest in search order) explains it */
    r->broken = xrealloc(r->broken, (r->n_broken + 1) * sizeof(*r->broken));
    r->broken[r->n_broken].name = xstrdup(name);
    r->broken[r->n_broken].plugin = f;
    r->n_broken++;
}

static void add_stem_broken(plugin_host *h, const plugin_file *f)
{
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".lua") == 0) {
        char *stem = xstrndup(base, n - 4);
        add_broken(h, stem, f);
        free(stem);
    }
}

/* A file that could not be read or run: its error, a problem, and the
 * names its nodes would use. */
static void file_failed(plugin_host *h, plugin_file *f, const char *err)
{
    const char *msg;
    int line = split_error(err, f->path, &msg);
    size_t n = strlen(f->path);
    bool named = strncmp(err, f->path, n) == 0 && strncmp(err + n, ": ", 2) == 0;
    if (named)
        msg = err + n + 2; /* "path: message": no line known (e.g. memory) */
    free(f->error);
    f->error = line || named ? xstrdup(err) : xasprintf("%s: %s", f->path, err);
    diag_add(&h->reg.problems, DIAG_ERROR, f->path, line, 0, NULL, "%s", msg);
    h->n_errors++;
    add_stem_broken(h, f);
}

/* ---- finding files ---- */

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_lua_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".lua") == 0;
}

typedef struct file_list {
    plugin_file *items;
    size_t n, cap;
} file_list;

static plugin_file *file_push(file_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    plugin_file *f = &l->items[l->n++];
    memset(f, 0, sizeof(*f));
    return f;
}

/* The .lua files of dir in name order; shown as SHOWN/NAME. */
static void list_folder(plugin_host *h, file_list *out, const char *dir, const char *shown,
                        plugin_origin origin)
{
    DIR *d = opendir(dir);
    if (!d) {
        /* No such folder: no plugins from it.  Anything else is said. */
        if (errno != ENOENT && errno != ENOTDIR)
            diag_add(&h->reg.problems, DIAG_WARNING, shown, 0, 0, NULL,
                     "cannot read the plugin folder: %s", strerror(errno));
        return;
    }
    /* Every candidate name first, so that which files are read past the
     * limit does not depend on the folder's order. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_lua_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), compare_str);
    size_t taken = 0;
    for (size_t i = 0; i < n; i++) {
        char *full = fs_join(dir, names[i]);
        struct stat st;
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        if (taken++ == PLUGIN_DIR_MAX_FILES) {
            diag_add(&h->reg.problems, DIAG_ERROR, shown, 0, 0, NULL,
                     "more than %d plugin files in one folder: %s and the files after it are "
                     "not read",
                     PLUGIN_DIR_MAX_FILES, names[i]);
            h->n_errors++;
            free(full);
            break;
        }
        plugin_file *f = file_push(out);
        f->path = xasprintf("%s/%s", shown, names[i]);
        f->origin = origin;
        char err[256];
        if (fs_read_file(full, PLUGIN_FILE_MAX_BYTES, &f->source, &f->source_len, err,
                         sizeof(err)) != 0) {
            f->source = NULL;
            f->error = xstrdup(err); /* a problem when the files are run */
        }
        free(full);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ---- plugins.allow ---- */

static unsigned cap_bit(const char *name)
{
    if (strcmp(name, "io") == 0)
        return PLUGIN_CAP_IO;
    if (strcmp(name, "os") == 0)
        return PLUGIN_CAP_OS;
    return 0;
}

/* Lines "FILE CAP [CAP...]"; '#' starts a comment.  FILE is a plugin file
 * name ("geoip.lua"), which grants a plugin of the user's folder, or the
 * absolute path of one pipeline's plugin file, which grants that file only:
 * a bare name must not reach pipeline plugins, or a cloned repository could
 * name its file after one the user trusts.  A bad line grants nothing and
 * is reported (a warning: the plugin then simply lacks the capability). */
static allow_entry *read_allow(plugin_host *h, const char *path, size_t *n_out)
{
    *n_out = 0;
    char *text;
    size_t len;
    char err[256];
    if (!fs_exists(path))
        return NULL;
    if (fs_read_file(path, ALLOW_MAX_BYTES, &text, &len, err, sizeof(err)) != 0) {
        diag_add(&h->reg.problems, DIAG_WARNING, path, 0, 0, NULL, "%s", err);
        return NULL;
    }
    allow_entry *list = NULL;
    size_t n = 0;
    int line = 0;
    char *save = NULL;
    for (char *s = text; s; s = save) {
        char *nl = strchr(s, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        line++;
        char *hash = strchr(s, '#');
        if (hash)
            *hash = '\0';
        char *tok_save;
        char *file = strtok_r(s, " \t\r", &tok_save);
        if (!file)
            continue;
        const char *bad = NULL;
        const char *base = strrchr(file, '/');
        if (!is_lua_name(base ? base + 1 : file) || (base && file[0] != '/'))
            bad = "is not a plugin file name (NAME.lua) or the absolute path of one";
        unsigned caps = 0;
        char *cap;
        char unknown[64] = "";
        while (!bad && (cap = strtok_r(NULL, " \t\r", &tok_save))) {
            unsigned bit = cap_bit(cap);
            if (!bit) {
                snprintf(unknown, sizeof(unknown), "%s", cap);
                break;
            }
            caps |= bit;
        }
        if (bad)
            diag_add(&h->reg.problems, DIAG_WARNING, path, line, 0, NULL, "'%s' %s", file, bad);
        else if (*unknown)
            diag_add(&h->reg.problems, DIAG_WARNING, path, line, 0, NULL,
                     "unknown capability '%s' for %s (capabilities: io, os)", unknown, file);
        else if (!caps)
            diag_add(&h->reg.problems, DIAG_WARNING, path, line, 0, NULL,
                     "%s: no capability named (write e.g. '%s io')", file, file);
        if (bad || *unknown || !caps)
            continue;
        list = xrealloc(list, (n + 1) * sizeof(*list));
        char *real = base ? realpath(file, NULL) : NULL;
        list[n].file = real ? real : xstrdup(file);
        list[n].caps = caps;
        n++;
    }
    free(text);
    *n_out = n;
    return list;
}

/* What plugins.allow grants f: a user plugin by its file name, a pipeline
 * plugin (at full, on disk) by its absolute path only. */
static unsigned allowed_caps(const allow_entry *allow, size_t n, const plugin_file *f,
                             const char *full)
{
    if (!n)
        return 0;
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    char *real = f->origin == PLUGIN_PIPELINE ? realpath(full, NULL) : NULL;
    unsigned caps = 0;
    for (size_t i = 0; i < n; i++) {
        bool is_path = allow[i].file[0] == '/';
        if (f->origin == PLUGIN_USER && !is_path && strcmp(allow[i].file, base) == 0)
            caps |= allow[i].caps;
        if (real && is_path && strcmp(allow[i].file, real) == 0)
            caps |= allow[i].caps;
    }
    free(real);
    return caps;
}

static void pending_push(plugin_host *h, const pending *p)
{
    if (h->n_pend == h->cap_pend) {
        h->cap_pend = h->cap_pend ? h->cap_pend * 2 : 32;
        h->pend = xrealloc(h->pend, h->cap_pend * sizeof(*h->pend));
    }
    h->pend[h->n_pend++] = *p;
}

/* ---- the registry ---- */

/* A declaration that is not used: let Lua collect its functions. */
static void unref_extra(lua_State *L, type_extra *x)
{
    decl_out d = {.sql_ref = x->sql_ref, .check_refs = x->check_refs, .n_declared = x->n_declared};
    decl_unref(L, &d);
}

static const node_type *find_pending(plugin_host *h, node_kind kind, const char *name)
{
    for (size_t i = 0; i < h->n_pend; i++)
        if (h->pend[i].t.kind == kind && strcmp(h->pend[i].t.name, name) == 0)
            return &h->pend[i].t;
    return NULL;
}

/* Accept p, unless an earlier declaration of the same kind and name wins. */
static void accept_decl(plugin_host *h, lua_State *L, pending *p)
{
    const node_type *t = &p->t;
    const node_type *e = find_pending(h, t->kind, t->name);
    if (!e) {
        pending_push(h, p);
        return;
    }
    if (e->plugin->origin == t->plugin->origin) {
        diag_add(&h->reg.problems, DIAG_ERROR, t->plugin->path, t->line, 0, NULL,
                 "%s type '%s' is already declared by %s:%d", node_kind_name(t->kind), t->name,
                 e->plugin->path, e->line);
        h->n_errors++;
    } else {
        if (!e->shadows)
            diag_add(&h->reg.problems, DIAG_WARNING, t->plugin->path, t->line, 0, NULL,
                     "%s type '%s' is shadowed by %s:%d (%s)", node_kind_name(t->kind), t->name,
                     e->plugin->path, e->line, plugin_origin_name(e->plugin->origin));
        if (h->n_shadowed == h->cap_shadowed) {
            h->cap_shadowed = h->cap_shadowed ? h->cap_shadowed * 2 : 8;
            h->shadowed = xrealloc(h->shadowed, h->cap_shadowed * sizeof(*h->shadowed));
        }
        h->shadowed[h->n_shadowed++] =
            (plugin_shadowed){t->kind, t->name, t->plugin, t->line, e->plugin, e->line, e->shadows};
    }
    unref_extra(L, &p->x);
}

typedef struct collect_args {
    plugin_host *h;
    plugin_file *file;
    bool run_ok;
    /* declaration names seen, for broken_type when the file failed */
    char **names;
    size_t n_names;
} collect_args;

/* Read every declaration of one file (argument 2, plugapi_run_file's
 * array).  Runs under lua_pcall: reading the plugin's tables may need
 * memory, and a state at its limit raises. */
static int collect_decls(lua_State *L)
{
    collect_args *a = lua_touserdata(L, 1);
    plugin_host *h = a->h;
    size_t n = lua_rawlen(L, 2);
    if (n > PLUGIN_FILE_MAX_TYPES)
        return luaL_error(L, "more than %d weir.node_type calls in one file",
                          PLUGIN_FILE_MAX_TYPES);
    char msg[ERR_SIZE];
    for (size_t i = 1; i <= n; i++) {
        lua_settop(L, 2);
        lua_rawgeti(L, 2, (lua_Integer)i); /* 3 */
        lua_pushliteral(L, "line");
        lua_rawget(L, 3);
        int line = (int)lua_tointeger(L, -1);
        lua_pushliteral(L, "decl");
        lua_rawget(L, 3);
        decl_out d;
        bool ok = decl_read(L, -1, &h->arena, &d, msg, sizeof(msg));
        if (d.t.name) {
            a->names = xrealloc(a->names, (a->n_names + 1) * sizeof(*a->names));
            a->names[a->n_names++] = xstrdup(d.t.name);
        }
        if (!a->run_ok) {
            if (ok)
                decl_unref(L, &d); /* the file failed: nothing from it is used */
            continue;
        }
        if (!ok) {
            diag_add(&h->reg.problems, DIAG_ERROR, a->file->path, line, 0, NULL, "%s", msg);
            h->n_errors++;
            /* Nodes of this type show the refusal rather than "unknown type". */
            if (!a->file->error)
                a->file->error = xasprintf("%s:%d: %s", a->file->path, line, msg);
            if (d.t.name)
                add_broken(h, d.t.name, a->file);
            continue;
        }
        pending p = {.t = d.t,
                     .x = {.box = (int)a->file->origin,
                           .sql_ref = d.sql_ref,
                           .check_refs = d.check_refs,
                           .n_declared = d.n_declared}};
        p.t.plugin = a->file;
        p.t.line = line;
        accept_decl(h, L, &p);
    }
    return 0;
}

static lua_box *box_for(plugin_host *h, plugin_origin origin, const plugin_host_options *o)
{
    if (!h->boxes[origin]) {
        lua_options lo = {0};
        lo.memory_limit = o && o->memory_limit ? o->memory_limit : PLUGIN_MEMORY_LIMIT;
        lo.instructions = o && o->instructions ? o->instructions : PLUGIN_INSTRUCTIONS;
        h->boxes[origin] = luabox_new(&lo);
    }
    return h->boxes[origin];
}

static void run_file(plugin_host *h, plugin_file *f, const plugin_host_options *o)
{
    if (!f->source) {
        char *err = f->error;
        f->error = NULL;
        file_failed(h, f, err ? err : "cannot read");
        free(err);
        return;
    }
    lua_box *b = box_for(h, f->origin, o);
    if (!b) {
        file_failed(h, f, "cannot create a Lua state (out of memory)");
        return;
    }
    lua_State *L = luabox_state(b);
    int top = lua_gettop(L);
    char err[ERR_SIZE];
    bool ok =
        plugapi_run_file(b, f->source, f->source_len, f->path, f->caps_allowed, err, sizeof(err));
    collect_args a = {.h = h, .file = f, .run_ok = ok};
    int array = lua_gettop(L);
    lua_pushcfunction(L, collect_decls);
    lua_pushlightuserdata(L, &a);
    lua_pushvalue(L, array);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        if (ok) {
            snprintf(err, sizeof(err), "reading the declarations: %s",
                     lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
            ok = false;
        }
        /* Types already accepted from this file stay: they were complete. */
    }
    lua_settop(L, top);
    if (!ok) {
        file_failed(h, f, err);
        for (size_t i = 0; i < a.n_names; i++)
            add_broken(h, a.names[i], f);
        /* A failed file may leave a memory bomb behind: free it now. */
        lua_gc(L, LUA_GCCOLLECT);
    }
    for (size_t i = 0; i < a.n_names; i++)
        free(a.names[i]);
    free(a.names);
}

/* ---- callbacks ---- */

static type_extra *extra_of(plugin_host *h, const node_type *t)
{
    if (!h || t < h->reg.types || t >= h->reg.types + h->reg.n_types)
        return NULL;
    return &h->extras[t - h->reg.types];
}

/* A value as written (lists and maps as tables of their text). */
static void push_plain(lua_State *L, const value *v)
{
    if (v->kind == VALUE_SCALAR) {
        lua_pushlstring(L, v->text ? v->text : "", v->text ? v->len : 0);
        return;
    }
    int list = v->kind == VALUE_LIST;
    int n = v->n < INT_MAX ? (int)v->n : 0;
    lua_createtable(L, list ? n : 0, list ? 0 : n);
    for (size_t i = 0; i < v->n; i++) {
        if (list) {
            push_plain(L, &v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        } else if (v->keys[i].text) {
            lua_pushstring(L, v->keys[i].text);
            push_plain(L, &v->items[i]);
            lua_rawset(L, -3);
        }
    }
}

/* A setting's value converted as plugapi_push_node converts it (docs/
 * plugins.md, "The node argument"): a scalar that does not parse as its
 * type is passed as its text. */
static void push_setting_value(lua_State *L, const value *v, const setting_spec *s)
{
    long long iv;
    double dv;
    bool bv;
    if (!v) {
        lua_pushnil(L);
    } else if (v->kind != VALUE_SCALAR) {
        push_plain(L, v);
    } else if (s->type == SETTING_INTEGER && value_as_int(v, &iv)) {
        lua_pushinteger(L, (lua_Integer)iv);
    } else if (s->type == SETTING_NUMBER && value_as_number(v, &dv)) {
        lua_pushnumber(L, dv);
    } else if (s->type == SETTING_BOOLEAN && value_as_bool(v, &bv)) {
        lua_pushboolean(L, bv);
    } else if (s->type == SETTING_LIST) {
        lua_createtable(L, 1, 0); /* a scalar is a list of one, or none when empty */
        if (v->len) {
            push_plain(L, v);
            lua_rawseti(L, -2, 1);
        }
    } else if (s->type == SETTING_SCHEMA) {
        lua_newtable(L);
    } else {
        push_plain(L, v);
    }
}

/* Lua work on the host's state goes under luabox_call so the budgets hold;
 * pushing the arguments can itself need memory, so it runs in there too. */
typedef struct call_args {
    int fn_ref;
    const node *n;
    const node_type *t;
    const setting_spec *s;
    const value *v;
} call_args;

static int push_and_call(lua_State *L)
{
    call_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, a->fn_ref);
    if (a->s)
        push_setting_value(L, a->v, a->s);
    plugapi_push_node(L, a->n, a->t);
    lua_call(L, a->s ? 2 : 1, 1);
    return 1;
}

/* Call a plugin function; true with its result on the stack, or false with
 * "path:line: message" in err. */
static bool call_plugin(plugin_host *h, const type_extra *x, call_args *a, char *err, size_t size)
{
    lua_box *b = h->boxes[x->box];
    lua_State *L = luabox_state(b);
    lua_pushcfunction(L, push_and_call);
    lua_pushlightuserdata(L, a);
    if (luabox_call(b, 1, 1) == LUA_OK)
        return true;
    luabox_error_text(b, a->t->plugin->path, lua_tostring(L, -1), err, size);
    return false;
}

static char *host_check(void *host, const node_type *t, const setting_spec *s, const node *n,
                        const value *v)
{
    plugin_host *h = host;
    type_extra *x = extra_of(h, t);
    if (!x || s < t->settings || (size_t)(s - t->settings) >= x->n_declared)
        return NULL;
    int ref = x->check_refs[s - t->settings];
    if (ref == LUA_NOREF)
        return NULL;
    char *msg = NULL;
    if (memo_get(h->answers, t, s, n, &msg, NULL))
        return msg;
    lua_State *L = luabox_state(h->boxes[x->box]);
    int top = lua_gettop(L);
    call_args a = {ref, n, t, s, v};
    char err[ERR_SIZE];
    if (!call_plugin(h, x, &a, err, sizeof(err))) {
        msg = xasprintf("check failed: %s", err);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        msg = xstrdup(lua_tostring(L, -1));
    } else if (lua_type(L, -1) != LUA_TNIL &&
               !(lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        msg = xasprintf("%s:%d: check of '%s' returned %s, not nil or a message", t->plugin->path,
                        t->line, s->name, decl_type_phrase(lua_type(L, -1)));
    }
    lua_settop(L, top);
    memo_put(h->answers, t, s, n, msg, NULL);
    return msg;
}

static char *host_render_sql(void *host, const node_type *t, const node *n, char **error)
{
    plugin_host *h = host;
    type_extra *x = extra_of(h, t);
    *error = NULL;
    if (!x || x->sql_ref == LUA_NOREF) {
        *error = xasprintf("%s type '%s' has no sql(node)", node_kind_name(t->kind), t->name);
        return NULL;
    }
    char *sql = NULL;
    if (memo_get(h->answers, t, NULL, n, &sql, error))
        return sql;
    lua_State *L = luabox_state(h->boxes[x->box]);
    int top = lua_gettop(L);
    call_args a = {x->sql_ref, n, t, NULL, NULL};
    char err[ERR_SIZE];
    char why[160];
    if (!call_plugin(h, x, &a, err, sizeof(err)))
        *error = xstrdup(err);
    else if (plugapi_sql_problem(L, -1, why, sizeof(why)))
        *error = xasprintf("%s:%d: %s", t->plugin->path, t->line, why);
    else
        sql = xstrdup(lua_tostring(L, -1));
    lua_settop(L, top);
    memo_put(h->answers, t, NULL, n, sql, *error);
    return sql;
}

/* ---- load / free ---- */

static char *default_config_dir(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/weir", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return xasprintf("%s/.config/weir", home);
    return NULL;
}

static int compare_pending(const void *a, const void *b)
{
    const node_type *x = &((const pending *)a)->t, *y = &((const pending *)b)->t;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* True when user_dir is the pipeline's own plugins/ (weir run on the
 * configuration folder itself): reading it twice would only report every
 * type as shadowed by itself. */
static bool same_folder(const char *user_dir, const char *pipeline_dir)
{
    if (!pipeline_dir)
        return false;
    char *pipe = fs_join(pipeline_dir, "plugins");
    char *a = realpath(user_dir, NULL), *b = realpath(pipe, NULL);
    bool same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    free(pipe);
    return same;
}

plugin_host *plugin_host_load(const char *pipeline_dir, const plugin_host_options *o)
{
    double t0 = now_us();
    plugin_host *h = xcalloc(1, sizeof(*h));
    h->answers = memo_new();
    diag_list_init(&h->reg.problems);
    char *config = o && o->config_dir ? (*o->config_dir ? xstrdup(o->config_dir) : NULL)
                                      : default_config_dir();
    allow_entry *allow = NULL;
    size_t n_allow = 0;
    if (config) {
        char *allow_path = fs_join(config, "plugins.allow");
        allow = read_allow(h, allow_path, &n_allow);
        free(allow_path);
    }

    file_list files = {0};
    if (pipeline_dir) {
        char *dir = fs_join(pipeline_dir, "plugins");
        list_folder(h, &files, dir, "plugins", PLUGIN_PIPELINE);
        free(dir);
    }
    if (config) {
        char *dir = fs_join(config, "plugins");
        if (!same_folder(dir, pipeline_dir))
            list_folder(h, &files, dir, dir, PLUGIN_USER);
        free(dir);
    }
    for (size_t i = 0; i < files.n; i++) {
        plugin_file *f = &files.items[i];
        char *full = f->origin == PLUGIN_PIPELINE ? fs_join(pipeline_dir, f->path) : NULL;
        f->caps_allowed = allowed_caps(allow, n_allow, f, full);
        free(full);
    }
    const plugin_text *shipped = plugin_shipped_files;
    size_t n_shipped = plugin_shipped_count;
    if (o && (o->shipped || o->no_shipped)) {
        shipped = o->shipped;
        n_shipped = o->shipped ? o->n_shipped : 0;
    }
    for (size_t i = 0; i < n_shipped; i++) {
        plugin_file *f = file_push(&files);
        /* Not "plugins/NAME": that is a file of the pipeline's, and a
         * shipped file must never be mistaken for one (or opened as one). */
        f->path = xasprintf(PLUGIN_SHIPPED_PREFIX "%s", shipped[i].name);
        f->origin = PLUGIN_SHIPPED;
        f->source = xstrndup(shipped[i].text, shipped[i].len);
        f->source_len = shipped[i].len;
    }
    h->reg.files = files.items;
    h->reg.n_files = files.n;

    /* The files array is final: types may now point into it. */
    for (size_t i = 0; i < files.n; i++)
        run_file(h, &files.items[i], o);

    if (h->n_pend > 1)
        qsort(h->pend, h->n_pend, sizeof(*h->pend), compare_pending);
    h->reg.types = xcalloc(h->n_pend ? h->n_pend : 1, sizeof(*h->reg.types));
    h->extras = xcalloc(h->n_pend ? h->n_pend : 1, sizeof(*h->extras));
    for (size_t i = 0; i < h->n_pend; i++) {
        h->reg.types[i] = h->pend[i].t;
        h->extras[i] = h->pend[i].x;
    }
    h->reg.n_types = h->n_pend;
    free(h->pend);
    h->pend = NULL;
    /* Shadowed entries pointed at pending names: the strings are owned by
     * the host, so they stay valid. */
    h->reg.host = h;
    h->reg.check = host_check;
    h->reg.render_sql = host_render_sql;

    for (size_t i = 0; i < n_allow; i++)
        free(allow[i].file);
    free(allow);
    free(config);
    h->load_us = now_us() - t0;
    return h;
}

void plugin_host_free(plugin_host *h)
{
    if (!h)
        return;
    if (node_registry_current() == &h->reg)
        node_registry_use(NULL);
    memo_free(h->answers);
    for (int i = 0; i < ORIGIN_COUNT; i++)
        luabox_free(h->boxes[i]);
    for (size_t i = 0; i < h->reg.n_files; i++) {
        free(h->reg.files[i].path);
        free(h->reg.files[i].source);
        free(h->reg.files[i].error);
    }
    free(h->reg.files);
    for (size_t i = 0; i < h->reg.n_broken; i++)
        free(h->reg.broken[i].name);
    free(h->reg.broken);
    free(h->reg.types);
    free(h->extras);
    diag_list_free(&h->reg.problems);
    decl_arena_free(&h->arena);
    free(h->shadowed);
    free(h);
}

node_registry *plugin_host_registry(plugin_host *h)
{
    return &h->reg;
}

size_t plugin_host_shadowed_count(const plugin_host *h)
{
    return h->n_shadowed;
}

const plugin_shadowed *plugin_host_shadowed_at(const plugin_host *h, size_t i)
{
    return i < h->n_shadowed ? &h->shadowed[i] : NULL;
}

size_t plugin_host_errors(const plugin_host *h)
{
    return h->n_errors;
}

double plugin_host_load_us(const plugin_host *h)
{
    return h->load_us;
}
