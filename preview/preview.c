/* preview: the engine — evaluation order, the per-node cache, background
 * jobs.  A node runs as its type in the registry (nodetypes.h) says: sample
 * sources through reader.c, code transforms through sqlrun.c and luarun.c
 * by their language, plugin functions through plugrun.c; sinks without a
 * show() pass their inputs through. */
#include "preview.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fsutil.h"
#include "idindex.h"
#include "load.h"
#include "luarun.h"
#include "plugrun.h"
#include "reader.h"
#include "util.h"

typedef struct cache_entry {
    char *id;
    uint64_t hash;
    pv_table *table; /* NULL when the node failed */
    diag_list diags;
    sql_reads reads;
} cache_entry;

struct preview_engine {
    pthread_mutex_t mu;
    preview_options opts;
    pipeline p;
    cache_entry *cache;
    size_t n_cache, cap_cache;
    sql_db *sqldb;            /* input tables stay loaded across runs; used by one run at a time */
    unsigned long executions; /* atomic */
    bool busy;
    preview_job *job;
};

struct preview_job {
    preview_engine *e;
    pipeline p;
    char *node_id;
    pthread_t thread;
    preview_options opts;
    int cancel; /* atomic */
    int done;   /* atomic */
    preview_result result;
    double started;
    /* progress */
    size_t nodes_done, nodes_total; /* atomic */
    unsigned long long rows;        /* atomic */
    char node[64];                  /* under e->mu */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- hashing: 64-bit, word at a time; collisions would only show a stale
 * preview, never corrupt anything. */

static void h_bytes(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *s = data;
    uint64_t x = *h ^ (n * 0x9E3779B97F4A7C15ULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        x = (x ^ w) * 0x100000001B3ULL;
        x ^= x >> 31;
        s += 8;
        n -= 8;
    }
    while (n--)
        x = (x ^ *s++) * 0x100000001B3ULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    *h = x ^ (x >> 32);
}

static void h_str(uint64_t *h, const char *s)
{
    h_bytes(h, s ? s : "\x01", s ? strlen(s) : 1);
}

static void h_u64(uint64_t *h, uint64_t v)
{
    h_bytes(h, &v, sizeof(v));
}

static void h_value(uint64_t *h, const value *v)
{
    h_u64(h, (uint64_t)v->kind);
    if (v->kind == VALUE_SCALAR) {
        h_bytes(h, v->text ? v->text : "", v->len);
        return;
    }
    h_u64(h, v->n);
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == VALUE_MAP)
            h_value(h, &v->keys[i]);
        h_value(h, &v->items[i]);
    }
}

/* ---- cache ---- */

static cache_entry *cache_find(preview_engine *e, const char *id)
{
    for (size_t i = 0; i < e->n_cache; i++)
        if (strcmp(e->cache[i].id, id) == 0)
            return &e->cache[i];
    return NULL;
}

static void diag_list_append(diag_list *dst, const diag_list *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const diag *d = &src->items[i];
        diag_add(dst, d->severity, d->path, d->line, d->col, d->node_id, "%s", d->message);
    }
}

/* Store a node's outcome (takes the table reference and the reads). */
static void cache_store(preview_engine *e, const char *id, uint64_t hash, pv_table *t,
                        const diag_list *diags, sql_reads *reads)
{
    pthread_mutex_lock(&e->mu);
    cache_entry *c = cache_find(e, id);
    if (!c) {
        if (e->n_cache == e->cap_cache) {
            e->cap_cache = e->cap_cache ? e->cap_cache * 2 : 16;
            e->cache = xrealloc(e->cache, e->cap_cache * sizeof(cache_entry));
        }
        c = &e->cache[e->n_cache++];
        memset(c, 0, sizeof(*c));
        c->id = xstrdup(id);
        diag_list_init(&c->diags);
    } else {
        pv_table_unref(c->table);
        diag_list_clear(&c->diags);
        sql_reads_free(&c->reads);
    }
    c->hash = hash;
    c->table = t;
    diag_list_append(&c->diags, diags);
    if (reads) {
        c->reads = *reads;
        memset(reads, 0, sizeof(*reads));
    }
    pthread_mutex_unlock(&e->mu);
}

/* A cached outcome for (id, hash): true with *t (a new reference, or NULL
 * for a cached failure) and its diagnostics appended. */
static bool cache_get(preview_engine *e, const char *id, uint64_t hash, pv_table **t,
                      diag_list *diags)
{
    pthread_mutex_lock(&e->mu);
    cache_entry *c = cache_find(e, id);
    bool hit = c && c->hash == hash;
    if (hit) {
        *t = pv_table_ref(c->table);
        diag_list_append(diags, &c->diags);
    }
    pthread_mutex_unlock(&e->mu);
    return hit;
}

/* ---- one run ---- */

typedef struct run {
    preview_engine *e;
    const pipeline *p;
    preview_options opts;
    id_index ids;
    unsigned char *state; /* 0 new, 1 in progress, 2 done */
    uint64_t *hash;
    pv_table **out;   /* references, NULL for failures */
    diag_list *diags; /* per node */
    size_t executed;
    preview_job *job; /* NULL for synchronous runs */
} run;

static const int *run_cancel(run *r)
{
    return r->job ? &r->job->cancel : NULL;
}

static unsigned long long *run_rows(run *r)
{
    return r->job ? &r->job->rows : NULL;
}

static void set_running(run *r, const char *id)
{
    if (!r->job)
        return;
    pthread_mutex_lock(&r->e->mu);
    snprintf(r->job->node, sizeof(r->job->node), "%s", id ? id : "");
    pthread_mutex_unlock(&r->e->mu);
}

/* Check and read a code file named by setting key; NULL with a diagnostic. */
static char *read_code(run *r, const node *n, const char *key, size_t *len, diag_list *d)
{
    const value *v = node_setting(n, key);
    const char *rel = node_setting_text(n, key);
    src_pos pos = v ? v->pos : n->pos;
    if (!rel) {
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id, "%s '%s' has no '%s' file",
                 n->type, n->id, key);
        return NULL;
    }
    path_check pc = fs_check_inside(r->p->dir, rel, true);
    if (pc != PATH_OK) {
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id, "%s '%s': %s", key, rel,
                 path_check_message(pc));
        return NULL;
    }
    char *full = fs_join(r->p->dir, rel), *data = NULL, err[256];
    if (fs_read_file(full, PREVIEW_MAX_CODE_FILE, &data, len, err, sizeof(err)) != 0) {
        diag_add(d, DIAG_ERROR, rel, 0, 0, n->id, "%s", err);
        data = NULL;
    }
    free(full);
    return data;
}

typedef enum { FMT_NONE, FMT_CSV, FMT_JSONL } sample_fmt;

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static sample_fmt sample_format(const node *n, const char *rel)
{
    const char *f = node_setting_text(n, "sample_format");
    if (f)
        return strcmp(f, "csv") == 0 ? FMT_CSV : strcmp(f, "jsonl") == 0 ? FMT_JSONL : FMT_NONE;
    if (ends_with(rel, ".csv") || ends_with(rel, ".tsv") || ends_with(rel, ".CSV"))
        return FMT_CSV;
    if (ends_with(rel, ".jsonl") || ends_with(rel, ".ndjson") || ends_with(rel, ".json") ||
        ends_with(rel, ".JSONL"))
        return FMT_JSONL;
    return FMT_NONE;
}

static long long source_limit(const run *r, const node *n)
{
    if (r->opts.limit > 0)
        return r->opts.limit;
    const value *v = node_setting(n, "limit");
    long long lim;
    if (v && v->kind == VALUE_SCALAR && value_as_int(v, &lim) && lim > 0)
        return lim > PREVIEW_MAX_LIMIT ? PREVIEW_MAX_LIMIT : lim;
    return PREVIEW_DEFAULT_LIMIT;
}

/* The part of a source's hash that depends on its sample file: its
 * identity on disk (size, mtime, inode), so hashing never reads a large
 * sample.  Editors replace or touch the file, which changes these. */
static void hash_sample(run *r, const node *n, uint64_t *h)
{
    const char *rel = node_setting_text(n, "sample");
    if (!rel || fs_check_inside(r->p->dir, rel, true) != PATH_OK) {
        h_u64(h, 0);
        return;
    }
    char *full = fs_join(r->p->dir, rel);
    struct stat st;
    if (stat(full, &st) == 0) {
        h_u64(h, (uint64_t)st.st_size);
        h_u64(h, (uint64_t)st.st_mtim.tv_sec);
        h_u64(h, (uint64_t)st.st_mtim.tv_nsec);
        h_u64(h, (uint64_t)st.st_ino);
        h_u64(h, (uint64_t)st.st_dev);
    }
    free(full);
    h_u64(h, (uint64_t)source_limit(r, n));
}

static pv_table *run_source(run *r, const node *n, diag_list *d)
{
    const char *rel = node_setting_text(n, "sample");
    const value *schema = node_setting(n, "schema");
    if (!rel) {
        /* No sample: no rows, but the declared columns. */
        pv_table *t = pv_table_new();
        reader_options o = {.path = PIPELINE_FILE, .node_id = n->id};
        typing_apply(t, NULL, false, schema, &o, d);
        return t;
    }
    const value *sv = node_setting(n, "sample");
    path_check pc = fs_check_inside(r->p->dir, rel, true);
    if (pc != PATH_OK) {
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, sv->pos.line, sv->pos.col, n->id, "sample '%s': %s",
                 rel, path_check_message(pc));
        return NULL;
    }
    sample_fmt fmt = sample_format(n, rel);
    if (fmt == FMT_NONE) {
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, sv->pos.line, sv->pos.col, n->id,
                 "sample '%s': cannot tell its format; name it .jsonl or .csv, or set "
                 "sample_format",
                 rel);
        return NULL;
    }
    reader_options o = {.path = rel,
                        .node_id = n->id,
                        .limit = source_limit(r, n),
                        .schema = schema,
                        .cancel = run_cancel(r),
                        .rows_read = run_rows(r)};
    const char *why = NULL;
    const char *delim = node_setting_text(n, "delimiter");
    if (!delim && ends_with(rel, ".tsv"))
        delim = "\t";
    if (!reader_parse_delimiter(delim, &o.delimiter, &why)) {
        const value *dv = node_setting(n, "delimiter");
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, dv->pos.line, dv->pos.col, n->id, "%s", why);
        return NULL;
    }
    char *full = fs_join(r->p->dir, rel);
    FILE *f = fopen(full, "rb");
    free(full);
    if (!f) {
        diag_add(d, DIAG_ERROR, rel, 0, 0, n->id, "cannot open the sample file");
        return NULL;
    }
    pv_table *t = fmt == FMT_CSV ? reader_csv_file(f, &o, d) : reader_jsonl_file(f, &o, d);
    fclose(f);
    return t;
}

/* Concatenate inputs by column name (sinks and multi-input Lua). */
static pv_table *union_tables(pv_table *const *in, size_t n)
{
    if (n == 1)
        return pv_table_ref(in[0]);
    pv_table *t = pv_table_new();
    for (size_t k = 0; k < n; k++)
        for (size_t c = 0; c < in[k]->n_cols; c++) {
            long j = pv_table_find_column(t, in[k]->cols[c].name);
            if (j < 0)
                pv_table_add_column(t, in[k]->cols[c].name, in[k]->cols[c].type);
            else
                t->cols[j].type = pv_type_join(t->cols[j].type, in[k]->cols[c].type);
        }
    for (size_t k = 0; k < n; k++) {
        long *map = xmalloc((in[k]->n_cols ? in[k]->n_cols : 1) * sizeof(long));
        for (size_t c = 0; c < in[k]->n_cols; c++)
            map[c] = pv_table_find_column(t, in[k]->cols[c].name);
        for (size_t r = 0; r < in[k]->n_rows; r++) {
            pv_cell *row = pv_table_add_row(t);
            for (size_t c = 0; c < in[k]->n_cols; c++) {
                const pv_cell *src = pv_table_cget(in[k], r, c);
                if (map[c] < 0)
                    continue;
                row[map[c]] = *src;
                if (src->kind == PV_TEXT || src->kind == PV_JSON)
                    row[map[c]].v.s = pv_table_strdup(t, src->v.s, src->len);
            }
        }
        free(map);
    }
    const pv_type **decl = xcalloc(t->n_cols ? t->n_cols : 1, sizeof(pv_type *));
    pv_type *types = xcalloc(t->n_cols ? t->n_cols : 1, sizeof(pv_type));
    for (size_t c = 0; c < t->n_cols; c++) {
        types[c] = t->cols[c].type;
        decl[c] = &types[c];
    }
    typing_settle(t, decl);
    free(decl);
    free(types);
    return t;
}

static bool eval(run *r, size_t i);

/* Run node i whose inputs are evaluated and fine. */
static lua_options lua_opts(run *r)
{
    lua_options lo = {.memory_limit = r->opts.lua_memory,
                      .instructions = r->opts.lua_instructions,
                      .budget_s = r->opts.budget_s,
                      .cancel = run_cancel(r),
                      .rows_done = run_rows(r)};
    return lo;
}

/* The node's type from the registry, or NULL with a diagnostic saying why
 * there is none (a broken plugin names its error). */
static const node_type *type_of(const node *n, diag_list *d)
{
    const node_type *t = node_type_find(n->kind, n->type);
    if (t)
        return t;
    src_pos pos = n->type_pos.line ? n->type_pos : n->pos;
    const char *kind = node_kind_name(n->kind);
    const plugin_file *f = node_type_broken(n->type);
    if (f && f->error)
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id,
                 "the %s type '%s' is not available: its plugin failed: %s", kind, n->type,
                 f->error);
    else if (!n->type || !*n->type)
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id, "'%s' has no type", n->id);
    else
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id,
                 "unknown %s type '%s': no plugin declares it (see `weir plugins`)", kind, n->type);
    return NULL;
}

/* Run one SELECT over the node's inputs in the engine's database. */
static pv_table *run_select(run *r, const node *n, pv_table **in, const char *sql, const char *path,
                            sql_reads *reads, diag_list *d)
{
    sql_input *si = xcalloc(n->n_inputs ? n->n_inputs : 1, sizeof(sql_input));
    for (size_t k = 0; k < n->n_inputs; k++) {
        si[k].name = n->inputs[k];
        si[k].table = in[k];
        si[k].hash = r->hash[id_index_get(&r->ids, n->inputs[k])];
    }
    sql_options so = {r->opts.budget_s, run_cancel(r), run_rows(r)};
    if (!r->e->sqldb)
        r->e->sqldb = sql_db_new();
    pv_table *t = sql_run(r->e->sqldb, sql, path, n->id, si, n->n_inputs, &so, reads, d);
    free(si);
    return t;
}

/* A transform whose code is in its own file (NT_CODE), by its language. */
static pv_table *run_code(run *r, const node *n, const node_type *t, pv_table **in,
                          sql_reads *reads, diag_list *d)
{
    const char *lang = t->code_lang ? t->code_lang : "";
    const char *key = t->code_setting ? t->code_setting : lang;
    if (strcmp(lang, "sql") != 0 && strcmp(lang, "lua") != 0) {
        src_pos pos = n->type_pos.line ? n->type_pos : n->pos;
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id,
                 "preview cannot run '%s' code (the %s type's language; it runs sql and lua)", lang,
                 n->type);
        return NULL;
    }
    size_t len;
    char *code = read_code(r, n, key, &len, d);
    if (!code)
        return NULL;
    pv_table *out;
    if (strcmp(lang, "sql") == 0) {
        out = run_select(r, n, in, code, node_setting_text(n, key), reads, d);
    } else {
        lua_options lo = lua_opts(r);
        out = lua_transform_run(code, len, node_setting_text(n, key), n->id,
                                (const pv_table *const *)in, n->n_inputs, &lo, d);
    }
    free(code);
    return out;
}

/* A SQL template (NT_SQL): the SELECT its sql(node) returns, run like a
 * SQL file.  Its errors are reported on the node, since no file of the
 * user's holds the SQL. */
static pv_table *run_template(run *r, const node *n, const node_type *t, pv_table **in,
                              sql_reads *reads, diag_list *d)
{
    lua_options lo = lua_opts(r);
    char *sql = plugrun_render_sql(t, n, &lo, d);
    if (!sql)
        return NULL;
    diag_list sd;
    diag_list_init(&sd);
    pv_table *out = run_select(r, n, in, sql, "generated SQL", reads, &sd);
    for (size_t k = 0; k < sd.n; k++)
        diag_add(d, sd.items[k].severity, PIPELINE_FILE, n->pos.line, n->pos.col, n->id,
                 "generated SQL: %s", sd.items[k].message);
    diag_list_free(&sd);
    free(sql);
    return out;
}

static pv_table *execute(run *r, size_t i, diag_list *d, sql_reads *reads)
{
    const node *n = &r->p->nodes[i];
    const node_type *t = type_of(n, d);
    if (!t)
        return NULL;
    pv_table **in = xcalloc(n->n_inputs ? n->n_inputs : 1, sizeof(pv_table *));
    for (size_t k = 0; k < n->n_inputs; k++)
        in[k] = r->out[id_index_get(&r->ids, n->inputs[k])];
    const pv_table *const *cin = (const pv_table *const *)in;
    lua_options lo = lua_opts(r);
    pv_table *out = NULL;
    if (n->kind == NODE_SOURCE) {
        if (t->contributes & NT_RECORDS)
            out = plugrun_source(t, n, (size_t)source_limit(r, n), &lo, d);
        else
            out = run_source(r, n, d);
    } else if (n->kind == NODE_SINK) {
        if (t->contributes & NT_SHOW)
            out = plugrun_records(t, n, cin, n->n_inputs, &lo, d);
        else
            out = union_tables(in, n->n_inputs);
    } else if (t->contributes & NT_CODE) {
        out = run_code(r, n, t, in, reads, d);
    } else if (t->contributes & NT_SQL) {
        out = run_template(r, n, t, in, reads, d);
    } else if (t->contributes & NT_RECORD) {
        out = plugrun_records(t, n, cin, n->n_inputs, &lo, d);
    } else {
        src_pos pos = n->type_pos.line ? n->type_pos : n->pos;
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id,
                 "the transform type '%s' declares no code, sql or record: preview cannot run "
                 "it",
                 n->type);
    }
    free(in);
    return out;
}

/* Types whose behaviour is their plugin's code, run by preview. */
enum { NT_PLUGIN_RUN = NT_SQL | NT_RECORD | NT_RECORDS | NT_SHOW };

static uint64_t node_hash(run *r, size_t i)
{
    const node *n = &r->p->nodes[i];
    const node_type *t = node_type_find(n->kind, n->type);
    uint64_t h = 0x5745495250524556ULL; /* "WEIRPREV" */
    h_u64(&h, (uint64_t)n->kind);
    h_str(&h, n->id);
    h_str(&h, n->type);
    h_value(&h, &n->settings);
    /* An unknown type's failure is not kept once a plugin declares it. */
    h_u64(&h, t ? t->contributes : ~0ULL);
    if (n->kind == NODE_SOURCE)
        hash_sample(r, n, &h);
    if (t && (t->contributes & NT_CODE)) {
        const char *rel = node_setting_text(n, t->code_setting ? t->code_setting : "");
        if (rel && fs_check_inside(r->p->dir, rel, true) == PATH_OK) {
            char *full = fs_join(r->p->dir, rel), *data = NULL, err[64];
            size_t len = 0;
            if (fs_read_file(full, PREVIEW_MAX_CODE_FILE, &data, &len, err, sizeof(err)) == 0)
                h_bytes(&h, data, len);
            free(data);
            free(full);
        }
    }
    if (t && (t->contributes & NT_PLUGIN_RUN) && t->plugin) {
        h_str(&h, t->plugin->path);
        h_bytes(&h, t->plugin->source ? t->plugin->source : "", t->plugin->source_len);
        h_u64(&h, t->plugin->caps_allowed);
    }
    if (n->kind == NODE_TRANSFORM || (t && (t->contributes & NT_PLUGIN_RUN))) {
        h_u64(&h, (uint64_t)(r->opts.budget_s * 1000));
        h_u64(&h, (uint64_t)r->opts.lua_instructions);
        h_u64(&h, (uint64_t)r->opts.lua_memory);
    }
    for (size_t k = 0; k < n->n_inputs; k++) {
        h_str(&h, n->inputs[k]);
        ptrdiff_t j = id_index_get(&r->ids, n->inputs[k]);
        h_u64(&h, j >= 0 ? r->hash[j] : 0);
    }
    return h;
}

/* Evaluate node i (inputs first); true when it produced a table. */
static bool eval(run *r, size_t i)
{
    if (r->state[i] == 2)
        return r->out[i] != NULL;
    const node *n = &r->p->nodes[i];
    diag_list *d = &r->diags[i];
    if (r->state[i] == 1) {
        diag_add(d, DIAG_ERROR, PIPELINE_FILE, n->pos.line, n->pos.col, n->id,
                 "'%s' is part of a cycle", n->id);
        return false;
    }
    r->state[i] = 1;
    bool inputs_ok = true;
    for (size_t k = 0; k < n->n_inputs && inputs_ok; k++) {
        ptrdiff_t j = id_index_get(&r->ids, n->inputs[k]);
        if (j < 0) {
            src_pos pos = n->input_pos ? n->input_pos[k] : n->pos;
            diag_add(d, DIAG_ERROR, PIPELINE_FILE, pos.line, pos.col, n->id,
                     "input '%s' names no node", n->inputs[k]);
            inputs_ok = false;
        } else if (r->state[j] == 1) {
            diag_add(d, DIAG_ERROR, PIPELINE_FILE, n->pos.line, n->pos.col, n->id,
                     "'%s' is part of a cycle", n->id);
            inputs_ok = false;
        } else if (!eval(r, (size_t)j)) {
            /* Show the failure where it happened. */
            diag_list_append(d, &r->diags[j]);
            inputs_ok = false;
        }
    }
    r->state[i] = 2;
    if (!inputs_ok)
        return false;
    if (r->job && __atomic_load_n(&r->job->cancel, __ATOMIC_RELAXED)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, n->id, "cancelled");
        return false;
    }
    r->hash[i] = node_hash(r, i);
    pv_table *t = NULL;
    if (!cache_get(r->e, n->id, r->hash[i], &t, d)) {
        set_running(r, n->id);
        sql_reads reads = {0};
        diag_list nd;
        diag_list_init(&nd);
        t = execute(r, i, &nd, &reads);
        __atomic_add_fetch(&r->e->executions, 1, __ATOMIC_RELAXED);
        r->executed++;
        /* A cancelled run is not an outcome worth remembering. */
        bool cancelled = r->job && __atomic_load_n(&r->job->cancel, __ATOMIC_RELAXED);
        if (!cancelled)
            cache_store(r->e, n->id, r->hash[i], pv_table_ref(t), &nd, &reads);
        diag_list_append(d, &nd);
        diag_list_free(&nd);
        sql_reads_free(&reads);
        set_running(r, NULL);
    }
    r->out[i] = t;
    if (r->job)
        __atomic_add_fetch(&r->job->nodes_done, 1, __ATOMIC_RELAXED);
    return t != NULL;
}

/* How many nodes a run of root evaluates (for progress). */
static size_t count_upstream(const pipeline *p, const id_index *ids, size_t root)
{
    unsigned char *seen = xcalloc(p->n_nodes, 1);
    size_t *stack = xmalloc(p->n_nodes * sizeof(size_t)), depth = 0, count = 0;
    stack[depth++] = root;
    seen[root] = 1;
    while (depth) {
        const node *n = &p->nodes[stack[--depth]];
        count++;
        for (size_t k = 0; k < n->n_inputs; k++) {
            ptrdiff_t j = id_index_get(ids, n->inputs[k]);
            if (j >= 0 && !seen[j]) {
                seen[j] = 1;
                stack[depth++] = (size_t)j;
            }
        }
    }
    free(seen);
    free(stack);
    return count;
}

static void do_run(preview_engine *e, const pipeline *p, const preview_options *opts,
                   const char *node_id, preview_job *job, preview_result *out)
{
    double t0 = now_s();
    memset(out, 0, sizeof(*out));
    diag_list_init(&out->diags);
    run r = {0};
    r.e = e;
    r.p = p;
    r.opts = *opts;
    r.job = job;
    id_index_build(&r.ids, p); /* allocates */
    ptrdiff_t root = id_index_get(&r.ids, node_id);
    if (root < 0) {
        diag_add(&out->diags, DIAG_ERROR, NULL, 0, 0, node_id, "no node '%s' in the pipeline",
                 node_id);
        id_index_free(&r.ids);
        out->elapsed_ms = (now_s() - t0) * 1000;
        return;
    }
    size_t n = p->n_nodes;
    r.state = xcalloc(n, 1);
    r.hash = xcalloc(n, sizeof(uint64_t));
    r.out = xcalloc(n, sizeof(pv_table *));
    r.diags = xcalloc(n, sizeof(diag_list));
    for (size_t i = 0; i < n; i++)
        diag_list_init(&r.diags[i]);
    if (job)
        __atomic_store_n(&job->nodes_total, count_upstream(p, &r.ids, (size_t)root),
                         __ATOMIC_RELAXED);

    out->ok = eval(&r, (size_t)root);
    out->table = out->ok ? pv_table_ref(r.out[root]) : NULL;
    diag_list_append(&out->diags, &r.diags[root]);
    out->executed = r.executed;

    for (size_t i = 0; i < n; i++) {
        pv_table_unref(r.out[i]);
        diag_list_free(&r.diags[i]);
    }
    free(r.state);
    free(r.hash);
    free(r.out);
    free(r.diags);
    id_index_free(&r.ids);
    out->elapsed_ms = (now_s() - t0) * 1000;
}

/* ---- public API ---- */

static void options_normalize(preview_options *o)
{
    if (o->budget_s <= 0)
        o->budget_s = 1.0;
    if (o->lua_instructions <= 0)
        o->lua_instructions = 10000000;
    if (o->lua_memory == 0)
        o->lua_memory = 64u * 1024 * 1024;
    if (o->limit > PREVIEW_MAX_LIMIT)
        o->limit = PREVIEW_MAX_LIMIT;
}

preview_engine *preview_engine_new(const preview_options *opts)
{
    preview_engine *e = xcalloc(1, sizeof(*e));
    pthread_mutex_init(&e->mu, NULL);
    if (opts)
        e->opts = *opts;
    options_normalize(&e->opts);
    pipeline_init(&e->p);
    return e;
}

void preview_engine_free(preview_engine *e)
{
    if (!e)
        return;
    if (e->job) {
        preview_result r;
        preview_job_cancel(e->job);
        preview_job_finish(e->job, &r);
        preview_result_free(&r);
    }
    for (size_t i = 0; i < e->n_cache; i++) {
        free(e->cache[i].id);
        pv_table_unref(e->cache[i].table);
        diag_list_free(&e->cache[i].diags);
        sql_reads_free(&e->cache[i].reads);
    }
    free(e->cache);
    sql_db_free(e->sqldb);
    pipeline_free(&e->p);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

void preview_engine_set_options(preview_engine *e, const preview_options *opts)
{
    pthread_mutex_lock(&e->mu);
    e->opts = *opts;
    options_normalize(&e->opts);
    pthread_mutex_unlock(&e->mu);
}

void preview_engine_set_pipeline(preview_engine *e, const pipeline *p)
{
    pipeline copy;
    pipeline_copy(&copy, p);
    pthread_mutex_lock(&e->mu);
    pipeline old = e->p;
    e->p = copy;
    /* Forget outputs of nodes that are gone (deleted or renamed). */
    size_t keep = 0;
    for (size_t i = 0; i < e->n_cache; i++) {
        cache_entry *c = &e->cache[i];
        if (pipeline_find(&e->p, c->id)) {
            e->cache[keep++] = *c;
            continue;
        }
        free(c->id);
        pv_table_unref(c->table);
        diag_list_free(&c->diags);
        sql_reads_free(&c->reads);
    }
    e->n_cache = keep;
    pthread_mutex_unlock(&e->mu);
    pipeline_free(&old);
}

static bool claim(preview_engine *e)
{
    pthread_mutex_lock(&e->mu);
    bool ok = !e->busy;
    e->busy = true;
    pthread_mutex_unlock(&e->mu);
    return ok;
}

static void release(preview_engine *e)
{
    pthread_mutex_lock(&e->mu);
    e->busy = false;
    pthread_mutex_unlock(&e->mu);
}

bool preview_run(preview_engine *e, const char *node_id, preview_result *out)
{
    if (!claim(e)) {
        memset(out, 0, sizeof(*out));
        diag_list_init(&out->diags);
        diag_add(&out->diags, DIAG_ERROR, NULL, 0, 0, node_id, "a preview is already running");
        return false;
    }
    /* No job can change e->p or e->opts meanwhile: this thread owns the
     * engine until release (set_pipeline from another thread would race;
     * the TUI calls everything from its main loop). */
    do_run(e, &e->p, &e->opts, node_id, NULL, out);
    release(e);
    return out->ok;
}

void preview_result_free(preview_result *r)
{
    pv_table_unref(r->table);
    r->table = NULL;
    diag_list_free(&r->diags);
}

unsigned long preview_executions(const preview_engine *e)
{
    return __atomic_load_n(&e->executions, __ATOMIC_RELAXED);
}

bool preview_schema(preview_engine *e, const char *node_id, pv_schema *out)
{
    pthread_mutex_lock(&e->mu);
    cache_entry *c = cache_find(e, node_id);
    bool ok = c && c->table;
    if (ok)
        pv_table_schema(c->table, out);
    pthread_mutex_unlock(&e->mu);
    return ok;
}

bool preview_sql_reads(preview_engine *e, const char *node_id, sql_reads *out)
{
    pthread_mutex_lock(&e->mu);
    cache_entry *c = cache_find(e, node_id);
    bool ok = c && c->table;
    if (ok)
        sql_reads_copy(out, &c->reads);
    pthread_mutex_unlock(&e->mu);
    return ok;
}

bool preview_sql_check(preview_engine *e, const char *node_id, const char *sql, pv_schema *out,
                       sql_reads *reads, diag_list *diags)
{
    memset(out, 0, sizeof(*out));
    const node *n = pipeline_find(&e->p, node_id);
    if (!n) {
        diag_add(diags, DIAG_ERROR, NULL, 0, 0, node_id, "no node '%s' in the pipeline", node_id);
        return false;
    }
    pv_schema *schemas = xcalloc(n->n_inputs ? n->n_inputs : 1, sizeof(pv_schema));
    sql_input *si = xcalloc(n->n_inputs ? n->n_inputs : 1, sizeof(sql_input));
    bool ok = true;
    for (size_t k = 0; k < n->n_inputs && ok; k++) {
        if (!preview_schema(e, n->inputs[k], &schemas[k])) {
            preview_result r;
            preview_run(e, n->inputs[k], &r);
            if (!r.ok)
                diag_list_append(diags, &r.diags);
            preview_result_free(&r);
            ok = preview_schema(e, n->inputs[k], &schemas[k]);
        }
        si[k].name = n->inputs[k];
        si[k].schema = &schemas[k];
    }
    if (ok) {
        /* The file named by the type's code setting ("sql" for the shipped
         * SQL transform). */
        const node_type *t = node_type_find(n->kind, n->type);
        const char *key =
            t && (t->contributes & NT_CODE) && t->code_setting ? t->code_setting : "sql";
        const char *path = node_setting_text(n, key);
        ok = sql_inspect(sql, path ? path : "sql", node_id, si, n->n_inputs, out, reads, diags);
    }
    for (size_t k = 0; k < n->n_inputs; k++)
        pv_schema_free(&schemas[k]);
    free(schemas);
    free(si);
    return ok;
}

static void *job_main(void *arg)
{
    preview_job *j = arg;
    do_run(j->e, &j->p, &j->opts, j->node_id, j, &j->result);
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

preview_job *preview_start(preview_engine *e, const char *node_id)
{
    if (!claim(e))
        return NULL;
    preview_job *j = xcalloc(1, sizeof(*j));
    j->e = e;
    j->node_id = xstrdup(node_id);
    j->started = now_s();
    pthread_mutex_lock(&e->mu);
    pipeline_copy(&j->p, &e->p);
    j->opts = e->opts;
    e->job = j;
    pthread_mutex_unlock(&e->mu);
    if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
        /* No thread: run here rather than fail. */
        job_main(j);
        j->thread = pthread_self();
    }
    return j;
}

bool preview_job_done(preview_job *j)
{
    return __atomic_load_n(&j->done, __ATOMIC_ACQUIRE) != 0;
}

void preview_job_progress(preview_job *j, preview_progress *out)
{
    memset(out, 0, sizeof(*out));
    out->nodes_done = __atomic_load_n(&j->nodes_done, __ATOMIC_RELAXED);
    out->nodes_total = __atomic_load_n(&j->nodes_total, __ATOMIC_RELAXED);
    out->rows = __atomic_load_n(&j->rows, __ATOMIC_RELAXED);
    pthread_mutex_lock(&j->e->mu);
    memcpy(out->node, j->node, sizeof(out->node));
    pthread_mutex_unlock(&j->e->mu);
    out->elapsed_ms = (now_s() - j->started) * 1000;
}

void preview_job_cancel(preview_job *j)
{
    __atomic_store_n(&j->cancel, 1, __ATOMIC_RELAXED);
}

void preview_job_finish(preview_job *j, preview_result *out)
{
    if (!pthread_equal(j->thread, pthread_self()))
        pthread_join(j->thread, NULL);
    *out = j->result;
    preview_engine *e = j->e;
    pthread_mutex_lock(&e->mu);
    e->job = NULL;
    e->busy = false;
    pthread_mutex_unlock(&e->mu);
    pipeline_free(&j->p);
    free(j->node_id);
    free(j);
}
