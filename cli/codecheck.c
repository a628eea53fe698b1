/* codecheck: `weir validate --code` — what the loader cannot see: each SQL
 * transform prepared against its inputs' schemas (from their samples, through
 * the preview engine), each SQL template's generated SELECT run on the
 * samples, and each Lua transform compiled.  Every problem is a
 * positioned diagnostic, like the loader's. */
#include "codecheck.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "preview.h"
#include "util.h"

enum { CODE_MAX_BYTES = 4 * 1024 * 1024 };

/* Lua's message is "lua/x.lua:3: message": split off the line. */
static void add_lua_error(diag_list *diags, const char *path, const char *id, const char *msg)
{
    size_t n = strlen(path);
    int line = 0;
    const char *text = msg;
    if (strncmp(msg, path, n) == 0 && msg[n] == ':') {
        char *end;
        long l = strtol(msg + n + 1, &end, 10);
        if (end != msg + n + 1 && *end == ':') {
            line = (int)l;
            text = end + 1;
            while (*text == ' ')
                text++;
        }
    }
    diag_add(diags, DIAG_ERROR, path, line, 0, id, "%s", text);
}

/* The node's code file rel (inside the pipeline folder), or NULL with its
 * read error said. */
static char *read_code(const pipeline *p, const node *n, const char *rel, size_t *len,
                       diag_list *diags)
{
    char *full = fs_join(p->dir, rel), *text, err[256];
    if (fs_read_file(full, CODE_MAX_BYTES, &text, len, err, sizeof(err)) != 0) {
        diag_add(diags, DIAG_ERROR, rel, 0, 0, n->id, "%s", err);
        text = NULL;
    }
    free(full);
    return text;
}

static void check_lua(const pipeline *p, const node *n, const char *rel, diag_list *diags)
{
    size_t len;
    char *text = read_code(p, n, rel, &len, diags);
    if (!text)
        return;
    /* A bare state with no libraries: compiling runs nothing. */
    lua_State *L = luaL_newstate();
    char *chunk = xasprintf("=%s", rel);
    if (!L) {
        diag_add(diags, DIAG_ERROR, rel, 0, 0, n->id, "cannot create a Lua state");
    } else if (luaL_loadbufferx(L, text, len, chunk, "t") != LUA_OK) {
        add_lua_error(diags, rel, n->id, lua_tostring(L, -1));
    }
    if (L)
        lua_close(L);
    free(chunk);
    free(text);
}

static void check_sql(preview_engine *e, const pipeline *p, const node *n, const char *rel,
                      diag_list *diags)
{
    size_t len;
    char *text = read_code(p, n, rel, &len, diags);
    if (!text)
        return;
    pv_schema schema;
    sql_reads reads;
    memset(&schema, 0, sizeof(schema));
    memset(&reads, 0, sizeof(reads));
    preview_sql_check(e, n->id, text, &schema, &reads, diags);
    pv_schema_free(&schema);
    sql_reads_free(&reads);
    free(text);
}

/* A SQL-template transform: run it on the samples, which generates its
 * SELECT and executes it; keep only the node's own problems (its inputs'
 * are reported on them). */
static void check_template(preview_engine *e, const node *n, diag_list *diags)
{
    preview_result r;
    preview_run(e, n->id, &r);
    for (size_t i = 0; i < r.diags.n; i++) {
        const diag *d = &r.diags.items[i];
        if (d->severity == DIAG_ERROR && d->node_id && strcmp(d->node_id, n->id) == 0)
            diag_add(diags, DIAG_ERROR, d->path, d->line, d->col, d->node_id, "%s", d->message);
    }
    preview_result_free(&r);
}

bool code_check(const pipeline *p, diag_list *diags)
{
    size_t errors = diags->n_errors;
    preview_engine *e = NULL;
    for (size_t i = 0; i < p->n_nodes; i++) {
        const node *n = &p->nodes[i];
        if (n->kind != NODE_TRANSFORM)
            continue;
        /* Transforms whose code is their own file, by its language. */
        const node_type *t = node_type_find(n->kind, n->type);
        const char *lang = t && (t->contributes & NT_CODE) ? t->code_lang : "";
        const char *file = *lang ? node_setting_text(n, t->code_setting) : NULL;
        const char *sql = strcmp(lang, "sql") == 0 ? file : NULL;
        const char *lua = strcmp(lang, "lua") == 0 ? file : NULL;
        bool generated = t && (t->contributes & NT_SQL);
        if (lua)
            check_lua(p, n, lua, diags);
        if (!sql && !generated)
            continue;
        if (!e) {
            e = preview_engine_new(NULL);
            preview_engine_set_pipeline(e, p);
        }
        if (generated)
            check_template(e, n, diags);
        else
            check_sql(e, p, n, sql, diags);
    }
    if (e)
        preview_engine_free(e);
    return diags->n_errors == errors;
}
