/* decl: one weir.node_type{...} declaration, checked against docs/plugins.md
 * ("The declaration", "Settings") and turned into a node_type.
 *
 * Every table is read raw: a metamethod would run plugin code outside its
 * budget.  Messages are deterministic (an unknown field is reported in name
 * order, not in Lua's iteration order). */
#include "decl.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "util.h"

void *decl_arena_own(decl_arena *a, void *p)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->items = xrealloc(a->items, a->cap * sizeof(*a->items));
    }
    a->items[a->n++] = p;
    return p;
}

void decl_arena_free(decl_arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->items[i]);
    free(a->items);
    a->items = NULL;
    a->n = a->cap = 0;
}

static void *own(decl_arena *a, void *p)
{
    return decl_arena_own(a, p);
}

static const char *own_str(decl_arena *a, const char *s)
{
    return s ? own(a, xstrdup(s)) : NULL;
}

static const char *const decl_fields[] = {
    "kind",    "name", "title", "description", "settings", "shadows",   "sample",
    "records", "code", "sql",   "record",      "show",     "max_inputs"};
static const char *const setting_fields[] = {"name",    "type", "required", "default", "help",
                                             "choices", "min",  "max",      "check"};
enum {
    N_DECL_FIELDS = sizeof(decl_fields) / sizeof(decl_fields[0]),
    N_SETTING_FIELDS = sizeof(setting_fields) / sizeof(setting_fields[0])
};

/* The sample settings every source gets unless it says sample = false. */
static const setting_spec sample_settings[] = {
    {.name = "sample",
     .type = SETTING_FILE,
     .help = "sample records for preview: a .jsonl or .csv file under samples/"},
    {.name = "sample_format",
     .type = SETTING_CHOICE,
     .choices = "jsonl|csv",
     .help = "format of the sample file (default: from its extension)"},
    {.name = "delimiter",
     .type = SETTING_STRING,
     .default_value = ",",
     .help = "CSV field delimiter"},
    {.name = "limit",
     .type = SETTING_INTEGER,
     .default_value = "1000",
     .min = 1,
     .max = 100000000,
     .help = "how many sample records preview reads"},
    {.name = "schema",
     .type = SETTING_SCHEMA,
     .help = "column types (integer, real, text, boolean, timestamp, json); inferred when "
             "absent"},
};
enum { N_SAMPLE_SETTINGS = sizeof(sample_settings) / sizeof(sample_settings[0]) };

typedef struct decl_ctx {
    decl_arena *arena;
    char who[192]; /* "node type 'kafka'" or "weir.node_type": starts every message */
    char *msg;
    size_t msg_size;
    bool failed;
} decl_ctx;

static bool refuse(decl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool refuse(decl_ctx *c, const char *fmt, ...)
{
    if (!c->failed) {
        va_list ap;
        va_start(ap, fmt);
        int n = snprintf(c->msg, c->msg_size, "%s: ", c->who);
        if (n >= 0 && (size_t)n < c->msg_size)
            vsnprintf(c->msg + n, c->msg_size - (size_t)n, fmt, ap);
        va_end(ap);
        c->failed = true;
    }
    return false;
}

static bool is_identifier(const char *s, size_t len)
{
    if (len == 0 || len > PLUGIN_NAME_MAX || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 1; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return strlen(s) == len; /* no NUL inside */
}

const char *decl_type_phrase(int t)
{
    switch (t) {
    case LUA_TNIL:
        return "nil";
    case LUA_TBOOLEAN:
        return "a boolean";
    case LUA_TNUMBER:
        return "a number";
    case LUA_TSTRING:
        return "a string";
    case LUA_TTABLE:
        return "a table";
    case LUA_TFUNCTION:
        return "a function";
    default:
        return "a value of another type";
    }
}

/* t[key], raw: metamethods would run plugin code outside its budget. */
static int raw_field(lua_State *L, int t, const char *key)
{
    lua_pushstring(L, key);
    return lua_rawget(L, t < 0 ? t - 1 : t);
}

/* The first unknown key of table t (in name order, so the message does not
 * depend on Lua's iteration order); false when every key is known. */
static bool unknown_key(decl_ctx *c, lua_State *L, int t, const char *const *known, size_t n_known,
                        const char *what)
{
    char first[80] = "";
    bool non_string = false;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            non_string = true;
            continue;
        }
        const char *k = lua_tostring(L, -1);
        bool found = false;
        for (size_t i = 0; i < n_known && !found; i++)
            found = strcmp(known[i], k) == 0;
        if (!found && (!*first || strcmp(k, first) < 0))
            snprintf(first, sizeof(first), "%s", k);
    }
    if (*first) {
        const char *near = closest_match(first, known, n_known);
        if (near)
            return !refuse(c, "unknown %s '%s' (did you mean '%s'?)", what, first, near);
        return !refuse(c, "unknown %s '%s'", what, first);
    }
    if (non_string)
        return !refuse(c, "%s names must be strings", what);
    return false;
}

/* Field `key` of table t if it has Lua type `want`: pushes it and returns
 * true; absent: pushes nil and returns false (an error when required);
 * another type: refuses. */
static bool get_typed(decl_ctx *c, lua_State *L, int t, const char *key, int want, bool required,
                      const char *prefix)
{
    int got = raw_field(L, t, key);
    if (got == want)
        return true;
    if (got == LUA_TNIL) {
        if (required)
            refuse(c, "missing required field '%s%s'", prefix, key);
        return false;
    }
    refuse(c, "field '%s%s' must be %s, not %s", prefix, key, decl_type_phrase(want),
           decl_type_phrase(got));
    return false;
}

/* A string field's text, copied into the host (NULL when absent). */
static const char *get_string(decl_ctx *c, lua_State *L, int t, const char *key, bool required,
                              const char *prefix)
{
    const char *s = NULL;
    if (get_typed(c, L, t, key, LUA_TSTRING, required, prefix))
        s = own_str(c->arena, lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static bool number_is_integer(lua_State *L, int i, long long *out)
{
    if (lua_isinteger(L, i)) {
        *out = (long long)lua_tointeger(L, i);
        return true;
    }
    double d = lua_tonumber(L, i);
    if (d != floor(d) || d < -9.2e18 || d > 9.2e18)
        return false;
    *out = (long long)d;
    return true;
}

/* ${env:NAME} or ${secret:NAME}: a secret setting's default may only name one. */
static bool is_secret_ref(const char *s)
{
    const char *inner = strncmp(s, "${env:", 6) == 0      ? s + 6
                        : strncmp(s, "${secret:", 9) == 0 ? s + 9
                                                          : NULL;
    if (!inner)
        return false;
    const char *close = strchr(inner, '}');
    return close && close > inner && close[1] == '\0';
}

/* settings[i] at stack index e into *spec.  Returns false when refused. */
static bool read_setting(decl_ctx *c, lua_State *L, int e, size_t i, setting_spec *spec,
                         const setting_spec *earlier, size_t n_earlier, bool has_sample,
                         int *check_ref)
{
    decl_arena *h = c->arena;
    char saved[sizeof(c->who)];
    snprintf(saved, sizeof(saved), "%s", c->who);
    memset(spec, 0, sizeof(*spec));
    *check_ref = LUA_NOREF;
    /* Name first, so every later message can say which setting. */
    int nt = raw_field(L, e, "name");
    if (nt == LUA_TSTRING) {
        size_t len;
        const char *name = lua_tolstring(L, -1, &len);
        char shown[72];
        snprintf(shown, sizeof(shown), "%.64s", name);
        snprintf(c->who, sizeof(c->who), "%.90s, setting '%.64s'", saved, shown);
        if (!is_identifier(name, len)) {
            lua_pop(L, 1);
            return refuse(c,
                          "name is not a lowercase identifier ([a-z][a-z0-9_]*, at most %d "
                          "bytes)",
                          PLUGIN_NAME_MAX);
        }
        spec->name = own_str(h, name);
    } else {
        snprintf(c->who, sizeof(c->who), "%.90s, setting %zu", saved, i + 1);
    }
    lua_pop(L, 1);
    if (unknown_key(c, L, e, setting_fields, N_SETTING_FIELDS, "setting field"))
        return false;
    if (nt == LUA_TNIL)
        return refuse(c, "missing required field 'name'");
    if (nt != LUA_TSTRING)
        return refuse(c, "field 'name' must be a string, not %s", decl_type_phrase(nt));
    if (strcmp(spec->name, "type") == 0 || strcmp(spec->name, "inputs") == 0 ||
        strcmp(spec->name, "description") == 0)
        return refuse(c, "'%s' is reserved (every node has type, inputs and description)",
                      spec->name);
    for (size_t k = 0; k < n_earlier; k++)
        if (strcmp(earlier[k].name, spec->name) == 0)
            return refuse(c, "declared twice");
    if (has_sample)
        for (size_t k = 0; k < N_SAMPLE_SETTINGS; k++)
            if (strcmp(sample_settings[k].name, spec->name) == 0)
                return refuse(c,
                              "'%s' is one of the sample settings every source gets (declare "
                              "sample = false to define it yourself)",
                              spec->name);

    const char *type = get_string(c, L, e, "type", true, "");
    if (c->failed)
        return false;
    if (!setting_type_parse(type, &spec->type)) {
        const char *names[SETTING_TYPE_COUNT];
        for (int k = 0; k < SETTING_TYPE_COUNT; k++)
            names[k] = setting_type_name((setting_type)k);
        const char *near = closest_match(type, names, SETTING_TYPE_COUNT);
        return refuse(c,
                      "unknown type '%s'%s%s%s (string, integer, number, boolean, choice, secret, "
                      "file, list or schema)",
                      type, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
    if (get_typed(c, L, e, "required", LUA_TBOOLEAN, false, ""))
        spec->required = lua_toboolean(L, -1);
    lua_pop(L, 1);
    spec->help = get_string(c, L, e, "help", false, "");
    if (c->failed)
        return false;
    if (!spec->help)
        spec->help = "";

    /* choices: only for choice, and required there. */
    int ct = raw_field(L, e, "choices");
    if (spec->type != SETTING_CHOICE && ct != LUA_TNIL) {
        lua_pop(L, 1);
        return refuse(c, "'choices' is only for choice settings");
    }
    if (spec->type == SETTING_CHOICE) {
        if (ct != LUA_TTABLE) {
            lua_pop(L, 1);
            return refuse(c, ct == LUA_TNIL ? "a choice setting needs 'choices', an array of "
                                              "strings"
                                            : "'choices' must be an array of strings");
        }
        size_t n = lua_rawlen(L, -1);
        if (n == 0) {
            lua_pop(L, 1);
            return refuse(c, "'choices' is empty");
        }
        strbuf sb;
        strbuf_init(&sb);
        for (size_t k = 1; k <= n; k++) {
            if (lua_rawgeti(L, -1, (lua_Integer)k) != LUA_TSTRING) {
                lua_pop(L, 2);
                strbuf_free(&sb);
                return refuse(c, "choice %zu must be a string", k);
            }
            size_t len;
            const char *s = lua_tolstring(L, -1, &len);
            if (len == 0 || strchr(s, '|') || strlen(s) != len) {
                lua_pop(L, 2);
                strbuf_free(&sb);
                return refuse(c, "choice %zu must be a non-empty string without '|'", k);
            }
            strbuf_printf(&sb, "%s%s", k > 1 ? "|" : "", s);
            lua_pop(L, 1);
        }
        spec->choices = own(h, strbuf_detach(&sb));
    }
    lua_pop(L, 1);

    /* min, max: integer and number settings. */
    bool numeric = spec->type == SETTING_INTEGER || spec->type == SETTING_NUMBER;
    bool has_bound[2] = {false, false};
    long long ib[2] = {LLONG_MIN, LLONG_MAX};
    double db[2] = {-HUGE_VAL, HUGE_VAL};
    static const char *const bound_names[2] = {"min", "max"};
    for (int k = 0; k < 2; k++) {
        int bt = raw_field(L, e, bound_names[k]);
        if (bt != LUA_TNIL && !numeric) {
            lua_pop(L, 1);
            return refuse(c, "'%s' is only for integer and number settings", bound_names[k]);
        }
        if (bt != LUA_TNIL && bt != LUA_TNUMBER) {
            lua_pop(L, 1);
            return refuse(c, "'%s' must be a number, not %s", bound_names[k], decl_type_phrase(bt));
        }
        if (bt == LUA_TNUMBER) {
            has_bound[k] = true;
            db[k] = lua_tonumber(L, -1);
            if (spec->type == SETTING_INTEGER && !number_is_integer(L, -1, &ib[k])) {
                lua_pop(L, 1);
                return refuse(c, "'%s' must be a whole number", bound_names[k]);
            }
            if (db[k] != db[k]) {
                lua_pop(L, 1);
                return refuse(c, "'%s' is not a number (NaN)", bound_names[k]);
            }
        }
        lua_pop(L, 1);
    }
    if (has_bound[0] && has_bound[1] &&
        (spec->type == SETTING_INTEGER ? ib[0] >= ib[1] : db[0] >= db[1]))
        return refuse(c, "'min' must be less than 'max'");
    if (has_bound[0] || has_bound[1]) {
        if (spec->type == SETTING_INTEGER) {
            spec->min = ib[0];
            spec->max = ib[1];
        } else {
            spec->number_min = db[0];
            spec->number_max = db[1];
        }
    }

    /* default: of the setting's type, within its bounds or choices. */
    int dt = raw_field(L, e, "default");
    char buf[64];
    if (dt != LUA_TNIL) {
        const char *bad = NULL;
        switch (spec->type) {
        case SETTING_STRING:
        case SETTING_SECRET:
        case SETTING_FILE:
        case SETTING_CHOICE:
            if (dt != LUA_TSTRING) {
                bad = "a string";
                break;
            }
            spec->default_value = own_str(h, lua_tostring(L, -1));
            break;
        case SETTING_INTEGER: {
            long long iv;
            if (dt != LUA_TNUMBER || !number_is_integer(L, -1, &iv)) {
                bad = "a whole number";
                break;
            }
            if (has_bound[0] || has_bound[1]) {
                if (iv < spec->min || iv > spec->max) {
                    lua_pop(L, 1);
                    return refuse(c, "default %lld is outside min..max", iv);
                }
            }
            snprintf(buf, sizeof(buf), "%lld", iv);
            spec->default_value = own_str(h, buf);
            break;
        }
        case SETTING_NUMBER: {
            if (dt != LUA_TNUMBER) {
                bad = "a number";
                break;
            }
            double dv = lua_tonumber(L, -1);
            if ((has_bound[0] || has_bound[1]) &&
                (dv != dv || dv < spec->number_min || dv > spec->number_max)) {
                lua_pop(L, 1);
                return refuse(c, "default %g is outside min..max", dv);
            }
            if (lua_isinteger(L, -1))
                snprintf(buf, sizeof(buf), "%lld", (long long)lua_tointeger(L, -1));
            else
                snprintf(buf, sizeof(buf), "%.17g", dv);
            spec->default_value = own_str(h, buf);
            break;
        }
        case SETTING_BOOLEAN:
            if (dt != LUA_TBOOLEAN) {
                bad = "a boolean";
                break;
            }
            spec->default_value = lua_toboolean(L, -1) ? "true" : "false";
            break;
        case SETTING_LIST:
        case SETTING_SCHEMA:
            lua_pop(L, 1);
            return refuse(c, "a %s setting takes no default", setting_type_name(spec->type));
        }
        if (bad) {
            lua_pop(L, 1);
            return refuse(c, "default must be %s (the setting's type is %s), not %s", bad,
                          setting_type_name(spec->type), decl_type_phrase(dt));
        }
        if (spec->type == SETTING_CHOICE) {
            bool found = false;
            size_t dl = strlen(spec->default_value);
            for (const char *p = spec->choices; p && !found;) {
                const char *bar = strchr(p, '|');
                size_t n = bar ? (size_t)(bar - p) : strlen(p);
                found = n == dl && strncmp(p, spec->default_value, n) == 0;
                p = bar ? bar + 1 : NULL;
            }
            if (!found) {
                lua_pop(L, 1);
                return refuse(c, "default '%s' is not one of the choices (%s)", spec->default_value,
                              spec->choices);
            }
        }
        if (spec->type == SETTING_SECRET && !is_secret_ref(spec->default_value)) {
            lua_pop(L, 1);
            return refuse(c, "default must be a reference, ${env:NAME} or ${secret:NAME}");
        }
    }
    lua_pop(L, 1);

    int kt = raw_field(L, e, "check");
    if (kt == LUA_TFUNCTION) {
        spec->has_check = true;
        *check_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops */
    } else {
        lua_pop(L, 1);
        if (kt != LUA_TNIL)
            return refuse(c, "'check' must be a function(value, node), not %s",
                          decl_type_phrase(kt));
    }
    snprintf(c->who, sizeof(c->who), "%s", saved);
    return true;
}

/* max_inputs: how many inputs a node of a transform or sink type may have
 * (validation reports more at the node's inputs); absent: no limit. */
static bool read_max_inputs(decl_ctx *c, lua_State *L, int d, node_type *t)
{
    int mt = raw_field(L, d, "max_inputs");
    long long v = 0;
    bool whole = mt == LUA_TNUMBER && number_is_integer(L, -1, &v);
    lua_pop(L, 1);
    if (mt == LUA_TNIL)
        return true;
    if (t->kind == NODE_SOURCE)
        return refuse(c, "'max_inputs' is only for transforms and sinks (a source has no inputs)");
    if (mt != LUA_TNUMBER)
        return refuse(c, "field 'max_inputs' must be a number, not %s", decl_type_phrase(mt));
    if (!whole || v < 1 || v > PLUGIN_MAX_INPUTS)
        return refuse(c, "'max_inputs' must be a whole number from 1 to %d", PLUGIN_MAX_INPUTS);
    t->max_inputs = (int)v;
    return true;
}

static bool read_decl(decl_ctx *c, lua_State *L, int d, decl_out *p)
{
    decl_arena *h = c->arena;
    node_type *t = &p->t;
    snprintf(c->who, sizeof(c->who), "weir.node_type");
    if (lua_type(L, d) != LUA_TTABLE)
        return refuse(c, "expects a table, not %s", decl_type_phrase(lua_type(L, d)));

    int nt = raw_field(L, d, "name");
    if (nt == LUA_TSTRING) {
        size_t len;
        const char *name = lua_tolstring(L, -1, &len);
        if (!is_identifier(name, len)) {
            char shown[72];
            snprintf(shown, sizeof(shown), "%.64s", name);
            lua_pop(L, 1);
            return refuse(c,
                          "name '%s' is not a lowercase identifier ([a-z][a-z0-9_]*, at most "
                          "%d bytes)",
                          shown, PLUGIN_NAME_MAX);
        }
        t->name = own_str(h, name);
        snprintf(c->who, sizeof(c->who), "node type '%s'", name);
    }
    lua_pop(L, 1);
    if (unknown_key(c, L, d, decl_fields, N_DECL_FIELDS, "field"))
        return false;
    if (nt == LUA_TNIL)
        return refuse(c, "missing required field 'name'");
    if (nt != LUA_TSTRING)
        return refuse(c, "field 'name' must be a string, not %s", decl_type_phrase(nt));
    const char *kind = get_string(c, L, d, "kind", true, "");
    if (c->failed)
        return false;
    if (!node_kind_parse(kind, &t->kind))
        return refuse(c, "kind must be \"source\", \"transform\" or \"sink\", not \"%s\"", kind);
    t->title = get_string(c, L, d, "title", true, "");
    t->description = get_string(c, L, d, "description", true, "");
    if (c->failed)
        return false;
    if (!*t->title)
        return refuse(c, "'title' is empty");
    if (strchr(t->description, '\n'))
        return refuse(c, "'description' must be one line");
    if (get_typed(c, L, d, "shadows", LUA_TBOOLEAN, false, ""))
        t->shadows = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (c->failed)
        return false;

    /* Which kind may use which field. */
    static const struct {
        const char *field;
        node_kind kind;
        int type;
    } only[] = {
        {"sample", NODE_SOURCE, LUA_TBOOLEAN},     {"records", NODE_SOURCE, LUA_TFUNCTION},
        {"code", NODE_TRANSFORM, LUA_TTABLE},      {"sql", NODE_TRANSFORM, LUA_TFUNCTION},
        {"record", NODE_TRANSFORM, LUA_TFUNCTION}, {"show", NODE_SINK, LUA_TFUNCTION},
    };
    bool present[6] = {false};
    for (size_t k = 0; k < 6; k++) {
        int ft = raw_field(L, d, only[k].field);
        lua_pop(L, 1);
        if (ft == LUA_TNIL)
            continue;
        if (t->kind != only[k].kind)
            return refuse(c, "'%s' is only for %ss", only[k].field, node_kind_name(only[k].kind));
        if (ft != only[k].type)
            return refuse(c, "field '%s' must be %s, not %s", only[k].field,
                          decl_type_phrase(only[k].type), decl_type_phrase(ft));
        present[k] = true;
    }
    if (!read_max_inputs(c, L, d, t))
        return false;
    bool sample = t->kind == NODE_SOURCE;
    if (present[0]) {
        raw_field(L, d, "sample");
        sample = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    if (t->kind == NODE_TRANSFORM && present[2] + present[3] + present[4] != 1)
        return refuse(c, "a transform has exactly one of 'code', 'sql' and 'record'%s",
                      present[2] + present[3] + present[4] ? "" : " (it has none)");

    /* code = { setting = NAME, language = "sql" | "lua" } */
    const char *code_setting = NULL;
    if (present[2]) {
        int ci = lua_gettop(L) + 1;
        raw_field(L, d, "code");
        static const char *const code_fields[] = {"setting", "language"};
        if (unknown_key(c, L, ci, code_fields, 2, "code field")) {
            lua_pop(L, 1);
            return false;
        }
        code_setting = get_string(c, L, ci, "setting", true, "code.");
        const char *lang = get_string(c, L, ci, "language", true, "code.");
        lua_pop(L, 1);
        if (c->failed)
            return false;
        if (!is_identifier(code_setting, strlen(code_setting)))
            return refuse(c, "code.setting '%s' is not a lowercase identifier", code_setting);
        if (strcmp(lang, "sql") != 0 && strcmp(lang, "lua") != 0)
            return refuse(c, "code.language must be \"sql\" or \"lua\", not \"%s\"", lang);
        t->code_setting = code_setting;
        t->code_lang = lang;
        t->code_dir = lang;
        t->code_ext = own(h, xasprintf(".%s", lang));
        t->contributes |= NT_CODE;
    }
    if (present[1])
        t->contributes |= NT_RECORDS;
    if (present[3]) {
        t->contributes |= NT_SQL;
        raw_field(L, d, "sql");
        p->sql_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    if (present[4])
        t->contributes |= NT_RECORD;
    if (present[5])
        t->contributes |= NT_SHOW;
    if (sample)
        t->contributes |= NT_SAMPLE;

    /* settings: an array of tables. */
    int st = raw_field(L, d, "settings");
    int si = lua_gettop(L);
    size_t n_decl = 0;
    if (st != LUA_TNIL && st != LUA_TTABLE) {
        lua_pop(L, 1);
        return refuse(c, "field 'settings' must be an array of tables, not %s",
                      decl_type_phrase(st));
    }
    if (st == LUA_TTABLE) {
        n_decl = lua_rawlen(L, si);
        /* Keys other than 1..n would be ignored silently: refuse them. */
        size_t n_keys = 0;
        lua_pushnil(L);
        while (lua_next(L, si)) {
            lua_pop(L, 1);
            n_keys++;
        }
        if (n_keys != n_decl) {
            lua_pop(L, 1);
            return refuse(c, "'settings' must be an array (1, 2, 3, ...) of tables");
        }
        if (n_decl > PLUGIN_TYPE_MAX_SETTINGS) {
            lua_pop(L, 1);
            return refuse(c, "more than %d settings", PLUGIN_TYPE_MAX_SETTINGS);
        }
    }
    bool add_code = code_setting != NULL;
    size_t total = n_decl + (add_code ? 1 : 0) + (sample ? N_SAMPLE_SETTINGS : 0);
    setting_spec *specs = own(h, xcalloc(total ? total : 1, sizeof(*specs)));
    p->check_refs = own(h, xmalloc((n_decl ? n_decl : 1) * sizeof(int)));
    p->n_declared = 0;
    for (size_t k = 0; k < n_decl; k++) {
        if (lua_rawgeti(L, si, (lua_Integer)k + 1) != LUA_TTABLE) {
            int et = lua_type(L, -1);
            lua_pop(L, 2);
            return refuse(c, "setting %zu must be a table, not %s", k + 1, decl_type_phrase(et));
        }
        bool ok =
            read_setting(c, L, lua_gettop(L), k, &specs[k], specs, k, sample, &p->check_refs[k]);
        lua_pop(L, 1);
        if (!ok) {
            lua_pop(L, 1);
            return false;
        }
        p->n_declared++;
        if (add_code && strcmp(specs[k].name, code_setting) == 0) {
            if (specs[k].type != SETTING_FILE) {
                lua_pop(L, 1);
                return refuse(c, "setting '%s' holds the code file, so its type is file, not %s",
                              code_setting, setting_type_name(specs[k].type));
            }
            add_code = false;
        }
    }
    lua_pop(L, 1);
    size_t n = n_decl;
    if (add_code) {
        /* The setting naming the code file, unless the plugin declared it. */
        setting_spec *s = &specs[n++];
        s->name = code_setting;
        s->type = SETTING_FILE;
        s->required = true;
        s->help = own(h, xasprintf("the code, in %s/ID%s", t->code_dir, t->code_ext));
    }
    if (sample)
        for (size_t k = 0; k < N_SAMPLE_SETTINGS; k++)
            specs[n++] = sample_settings[k];
    t->settings = specs;
    t->n_settings = n;
    return true;
}

void decl_unref(lua_State *L, decl_out *out)
{
    luaL_unref(L, LUA_REGISTRYINDEX, out->sql_ref);
    for (size_t i = 0; i < out->n_declared; i++)
        luaL_unref(L, LUA_REGISTRYINDEX, out->check_refs[i]);
    out->sql_ref = LUA_NOREF;
    out->n_declared = 0;
}

bool decl_read(lua_State *L, int idx, decl_arena *arena, decl_out *out, char *msg, size_t msg_size)
{
    memset(out, 0, sizeof(*out));
    out->sql_ref = LUA_NOREF;
    decl_ctx c = {.arena = arena, .msg = msg, .msg_size = msg_size};
    if (msg_size)
        msg[0] = '\0';
    if (read_decl(&c, L, lua_absindex(L, idx), out))
        return true;
    decl_unref(L, out);
    return false;
}
