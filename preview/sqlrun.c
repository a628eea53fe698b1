#include "sqlrun.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reader.h"
#include "sqlpos.h"

struct sql_db {
    sqlite3 *db;
    char **names; /* loaded tables and the hashes of their rows */
    unsigned long long *hashes;
    size_t n;
};

typedef struct sql_ctx {
    const sql_input *inputs; /* the only tables a statement may read */
    size_t n_inputs;
    const struct sql_db *sdb; /* the tables loaded in it, other nodes' included */
    const char *deny; /* why the authorizer refused, for the error message */
    char deny_buf[160];
    char deny_name[128]; /* the name refused, to find it in the SQL text */
    sql_reads *reads;
    const int *cancel;
    double deadline; /* monotonic seconds */
    bool timed_out, was_cancelled;
    unsigned progress_ticks;
} sql_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void list_add_unique(char ***list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0)
            return;
    *list = xrealloc(*list, (*n + 1) * sizeof(char *));
    (*list)[(*n)++] = xstrdup(s);
}

void sql_reads_free(sql_reads *r)
{
    for (size_t i = 0; i < r->n_tables; i++)
        free(r->tables[i]);
    for (size_t i = 0; i < r->n_columns; i++)
        free(r->columns[i]);
    free(r->tables);
    free(r->columns);
    memset(r, 0, sizeof(*r));
}

void sql_reads_copy(sql_reads *dst, const sql_reads *src)
{
    memset(dst, 0, sizeof(*dst));
    for (size_t i = 0; i < src->n_tables; i++)
        list_add_unique(&dst->tables, &dst->n_tables, src->tables[i]);
    for (size_t i = 0; i < src->n_columns; i++)
        list_add_unique(&dst->columns, &dst->n_columns, src->columns[i]);
}

static int deny(sql_ctx *c, const char *fmt, const char *arg)
{
    snprintf(c->deny_buf, sizeof(c->deny_buf), fmt, arg ? arg : "");
    snprintf(c->deny_name, sizeof(c->deny_name), "%s", arg ? arg : "");
    c->deny = c->deny_buf;
    return SQLITE_DENY;
}

static bool is_loaded_table(const sql_ctx *c, const char *name)
{
    for (size_t i = 0; c->sdb && i < c->sdb->n; i++)
        if (strcmp(c->sdb->names[i], name) == 0)
            return true;
    return false;
}

static int authorize(void *ud, int action, const char *a, const char *b, const char *db,
                     const char *trigger)
{
    sql_ctx *c = ud;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_READ: {
        /* No database: a CTE or subquery SQLite materialised (count(*)
         * over it reads it with no column name) — what it was made from
         * was authorised when it was read — unless the name is a real
         * table: SQLite also reads a table no column of which is used
         * that way, and another node's table must stay out of reach. */
        if (!db && a && !is_loaded_table(c, a) && strncmp(a, "sqlite_", 7) != 0) {
            bool input = false;
            for (size_t i = 0; i < c->n_inputs && !input; i++)
                input = strcmp(c->inputs[i].name, a) == 0;
            if (!input)
                return SQLITE_OK;
        }
        if (db && strcmp(db, "main") != 0)
            return deny(c, "reading from database '%s' is not allowed", db);
        bool input = false;
        for (size_t i = 0; i < c->n_inputs && a && !input; i++)
            input = strcmp(c->inputs[i].name, a) == 0;
        if (!input && a) {
            /* The JSON table-valued functions (for json columns), and the
             * schema row lookup SQLite does when it first sets one up. */
            if (strcmp(a, "json_each") == 0 || strcmp(a, "json_tree") == 0 ||
                (strcmp(a, "sqlite_master") == 0 && b && strcmp(b, "ROWID") == 0))
                return SQLITE_OK;
            if (strncmp(a, "pragma_", 7) == 0)
                return deny(c, "%s() is not allowed in a transform (no PRAGMAs)", a);
        }
        if (!input)
            return deny(c, "'%s' is not an input of this transform: add it to its inputs", a);
        if (c->reads) {
            list_add_unique(&c->reads->tables, &c->reads->n_tables, a);
            if (b && *b) {
                char *col = xasprintf("%s.%s", a, b);
                list_add_unique(&c->reads->columns, &c->reads->n_columns, col);
                free(col);
            }
        }
        return SQLITE_OK;
    }
    case SQLITE_FUNCTION:
        if (b && strcmp(b, "load_extension") == 0)
            return deny(c, "load_extension() is not allowed in a preview%s", NULL);
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        return deny(c, "PRAGMA %s is not allowed in a transform", a);
    case SQLITE_ATTACH:
        return deny(c, "ATTACH is not allowed in a transform%s", NULL);
    case SQLITE_DETACH:
        return deny(c, "DETACH is not allowed in a transform%s", NULL);
    case SQLITE_UPDATE:
        /* Setting up an eponymous virtual table (json_each) checks the
         * sqlite_master columns as an UPDATE; an actual UPDATE statement
         * is refused below (the statement must be read-only) and by
         * SQLITE_DBCONFIG_DEFENSIVE. */
        if (a && strcmp(a, "sqlite_master") == 0 && !trigger)
            return SQLITE_OK;
        return deny(c, "writing to '%s' is not allowed: a transform is one SELECT", a);
    case SQLITE_INSERT:
    case SQLITE_DELETE:
        return deny(c, "writing to '%s' is not allowed: a transform is one SELECT", a);
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return deny(c, "transactions are not allowed: a transform is one SELECT%s", NULL);
    default:
        /* CREATE, DROP, ALTER, REINDEX, ANALYZE, virtual tables, ... */
        return deny(c, "only SELECT is allowed in a transform%s", NULL);
    }
}

static int on_progress(void *ud)
{
    sql_ctx *c = ud;
    if (c->cancel && __atomic_load_n(c->cancel, __ATOMIC_RELAXED)) {
        c->was_cancelled = true;
        return 1;
    }
    if (c->deadline > 0 && now_s() > c->deadline) {
        c->timed_out = true;
        return 1;
    }
    return 0;
}

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, (int *)NULL);
    /* "name" is always an identifier, as in standard SQL and the engines
     * pipelines run on: a misspelt "amout" is "no such column", not the
     * text 'amout' that SQLite's legacy rule would quietly read. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1024 * 1024);
    sqlite3_limit(db, SQLITE_LIMIT_COLUMN, PV_MAX_COLUMNS);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 500);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 200);
    sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 1000000);
    sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 100);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 10000);
    sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
    /* A 256 MiB page cache keeps GROUP BY / ORDER BY sorts of that size in
     * memory (no spill files); temp_store stays the default because
     * SQLite's in-memory temp store sorts ~1.5x slower (1M-row GROUP BY:
     * 368 ms vs 247 ms).  Bigger sorts spill to SQLite's private, unlinked
     * temp files. */
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144",
                 NULL, NULL, NULL);
    return db;
}

static const char *decl_type(pv_type t)
{
    switch (t) {
    case PV_TYPE_BOOLEAN:
        return "BOOLEAN";
    case PV_TYPE_INTEGER:
        return "INTEGER";
    case PV_TYPE_REAL:
        return "REAL";
    case PV_TYPE_TEXT:
        return "TEXT";
    case PV_TYPE_TIMESTAMP:
        return "TIMESTAMP";
    case PV_TYPE_JSON:
        return "JSON";
    default:
        return "";
    }
}

static bool type_from_decl(const char *d, pv_type *out)
{
    static const struct {
        const char *name;
        pv_type t;
    } map[] = {{"BOOLEAN", PV_TYPE_BOOLEAN},     {"INTEGER", PV_TYPE_INTEGER},
               {"REAL", PV_TYPE_REAL},           {"TEXT", PV_TYPE_TEXT},
               {"TIMESTAMP", PV_TYPE_TIMESTAMP}, {"JSON", PV_TYPE_JSON}};
    if (!d)
        return false;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(d, map[i].name) == 0) {
            *out = map[i].t;
            return true;
        }
    return false;
}

static void quote_ident(strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

/* Position of a byte offset in the SQL text: 1-based line and column (in
 * characters). */
static void offset_pos(const char *sql, int off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (int i = 0; i < off && sql[i]; i++) {
        if (sql[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)sql[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static size_t sdb_find(const sql_db *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return i;
    return s->n;
}

static void sdb_set(sql_db *s, const char *name, unsigned long long hash)
{
    size_t i = sdb_find(s, name);
    if (i == s->n) {
        s->names = xrealloc(s->names, (s->n + 1) * sizeof(char *));
        s->hashes = xrealloc(s->hashes, (s->n + 1) * sizeof(unsigned long long));
        s->names[s->n++] = xstrdup(name);
    }
    s->hashes[i] = hash;
}

sql_db *sql_db_new(void)
{
    sql_db *s = xcalloc(1, sizeof(*s));
    s->db = open_db();
    if (!s->db) {
        free(s);
        return NULL;
    }
    return s;
}

void sql_db_free(sql_db *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    free(s->hashes);
    free(s);
}

/* Create the input tables (and fill them when with_rows), reusing those
 * whose rows have not changed. */
static bool load_inputs(sql_db *sdb, const sql_input *inputs, size_t n, bool with_rows,
                        const sql_options *o, const char *node_id, diag_list *diags)
{
    sqlite3 *db = sdb->db;
    strbuf sb;
    strbuf_init(&sb);
    bool ok = true;
    /* Loading is weir's own work: no authorizer, no budget. */
    sqlite3_set_authorizer(db, NULL, NULL);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 32766);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t k = 0; k < n && ok; k++) {
        const sql_input *in = &inputs[k];
        size_t have = sdb_find(sdb, in->name);
        if (with_rows && in->hash && have < sdb->n && sdb->hashes[have] == in->hash)
            continue;
        sdb_set(sdb, in->name, 0);
        sb.len = 0;
        strbuf_puts(&sb, "DROP TABLE IF EXISTS ");
        quote_ident(&sb, in->name);
        sqlite3_exec(db, sb.data, NULL, NULL, NULL);
        const pv_column *cols = in->table ? in->table->cols : in->schema->cols;
        size_t n_cols = in->table ? in->table->n_cols : in->schema->n;
        sb.len = 0;
        strbuf_puts(&sb, "CREATE TABLE ");
        quote_ident(&sb, in->name);
        strbuf_putc(&sb, '(');
        for (size_t c = 0; c < n_cols; c++) {
            if (c)
                strbuf_puts(&sb, ", ");
            quote_ident(&sb, cols[c].name);
            strbuf_printf(&sb, " %s", decl_type(cols[c].type));
        }
        if (n_cols == 0)
            strbuf_puts(&sb, "\"_\"");
        strbuf_putc(&sb, ')');
        if (sqlite3_exec(db, sb.data, NULL, NULL, NULL) != SQLITE_OK) {
            diag_add(diags, DIAG_ERROR, NULL, 0, 0, node_id, "input '%s': %s", in->name,
                     sqlite3_errmsg(db));
            ok = false;
            break;
        }
        if (!with_rows || !in->table || n_cols == 0) {
            sdb_set(sdb, in->name, with_rows ? in->hash : 0);
            continue;
        }
        sb.len = 0;
        strbuf_puts(&sb, "INSERT INTO ");
        quote_ident(&sb, in->name);
        strbuf_puts(&sb, " VALUES(");
        for (size_t c = 0; c < n_cols; c++)
            strbuf_puts(&sb, c ? ",?" : "?");
        strbuf_putc(&sb, ')');
        sqlite3_stmt *ins = NULL;
        if (sqlite3_prepare_v2(db, sb.data, -1, &ins, NULL) != SQLITE_OK) {
            diag_add(diags, DIAG_ERROR, NULL, 0, 0, node_id, "input '%s': %s", in->name,
                     sqlite3_errmsg(db));
            ok = false;
            break;
        }
        const pv_table *t = in->table;
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < n_cols; c++) {
                const pv_cell *cell = pv_table_cget(t, r, c);
                int i = (int)c + 1;
                switch ((pv_kind)cell->kind) {
                case PV_NULL:
                    sqlite3_bind_null(ins, i);
                    break;
                case PV_BOOL:
                case PV_INT:
                    sqlite3_bind_int64(ins, i, cell->v.i);
                    break;
                case PV_REAL:
                    sqlite3_bind_double(ins, i, cell->v.r);
                    break;
                case PV_TEXT:
                case PV_JSON:
                    sqlite3_bind_text(ins, i, cell->v.s, (int)cell->len, SQLITE_STATIC);
                    break;
                }
            }
            if (sqlite3_step(ins) != SQLITE_DONE) {
                diag_add(diags, DIAG_ERROR, NULL, 0, 0, node_id, "input '%s': %s", in->name,
                         sqlite3_errmsg(db));
                ok = false;
                break;
            }
            sqlite3_reset(ins);
            if ((r & 4095) == 4095 && o && o->cancel &&
                __atomic_load_n(o->cancel, __ATOMIC_RELAXED)) {
                diag_add(diags, DIAG_ERROR, NULL, 0, 0, node_id, "cancelled");
                ok = false;
                break;
            }
        }
        sqlite3_finalize(ins);
        if (ok)
            sdb_set(sdb, in->name, in->hash);
    }
    if (sqlite3_exec(db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK || !ok)
        for (size_t k = 0; k < n; k++)
            sdb_set(sdb, inputs[k].name, 0); /* state unknown: reload next time */
    strbuf_free(&sb);
    return ok;
}

/* Skip whitespace and comments; true when nothing else is left. */
static bool only_trivia(const char *s)
{
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == ';')
            s++;
        if (s[0] == '-' && s[1] == '-') {
            s = strchr(s, '\n');
            if (!s)
                return true;
        } else if (s[0] == '/' && s[1] == '*') {
            s = strstr(s + 2, "*/");
            if (!s)
                return true;
            s += 2;
        } else {
            return *s == '\0';
        }
    }
}

static bool prepare(sqlite3 *db, sql_ctx *ctx, const char *sql, const char *path,
                    const char *node_id, sqlite3_stmt **out, diag_list *diags)
{
    const char *tail = NULL;
    /* The inputs are loaded: from here on the database only reads. */
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 0);
    sqlite3_set_authorizer(db, authorize, ctx);
    int rc = sqlite3_prepare_v3(db, sql, -1, 0, out, &tail);
    int line = 0, col = 0;
    if (rc != SQLITE_OK) {
        int off = sqlite3_error_offset(db);
        /* No offset: point at the name the error is about, when the
         * statement has it (an ON clause's column, a missing table, a
         * refused one). */
        if (off < 0)
            off = ctx->deny ? sqlpos_find_name(sql, ctx->deny_name, 1, false)
                            : sqlpos_for_message(sql, sqlite3_errmsg(db));
        if (off >= 0)
            offset_pos(sql, off, &line, &col);
        diag_add(diags, DIAG_ERROR, path, line, col, node_id, "%s",
                 ctx->deny ? ctx->deny : sqlite3_errmsg(db));
        return false;
    }
    if (!*out) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "the file holds no SELECT");
        return false;
    }
    if (tail && !only_trivia(tail)) {
        offset_pos(sql, (int)(tail - sql), &line, &col);
        while (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r') {
            offset_pos(sql, (int)(++tail - sql), &line, &col);
        }
        diag_add(diags, DIAG_ERROR, path, line, col, node_id,
                 "a transform is one SELECT: remove the statements after the first");
        return false;
    }
    if (!sqlite3_stmt_readonly(*out) || sqlite3_stmt_isexplain(*out)) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "only SELECT is allowed in a transform");
        return false;
    }
    if (sqlite3_column_count(*out) == 0) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "the statement returns no columns");
        return false;
    }
    for (int i = 0; i < sqlite3_column_count(*out); i++)
        for (int j = 0; j < i; j++)
            if (strcmp(sqlite3_column_name(*out, i), sqlite3_column_name(*out, j)) == 0) {
                /* At the second use of the name in the main SELECT, where
                 * the result columns are: the one to rename. */
                int off = sqlpos_find_name(sql, sqlite3_column_name(*out, i), 2, true);
                if (off >= 0)
                    offset_pos(sql, off, &line, &col);
                diag_add(diags, DIAG_ERROR, path, line, col, node_id,
                         "two result columns are named '%s': give one an alias (AS ...)",
                         sqlite3_column_name(*out, i));
                return false;
            }
    return true;
}

static void hex_text(pv_table *t, pv_cell *cell, const unsigned char *p, int n)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "x'");
    for (int i = 0; i < n; i++)
        strbuf_printf(&sb, "%02x", p[i]);
    strbuf_putc(&sb, '\'');
    pv_cell_set_text(t, cell, sb.data, sb.len);
    strbuf_free(&sb);
}

pv_table *sql_run(sql_db *sdb, const char *sql, const char *path, const char *node_id,
                  const sql_input *inputs, size_t n_inputs, const sql_options *o, sql_reads *reads,
                  diag_list *diags)
{
    sql_db *own = NULL;
    if (!sdb)
        sdb = own = sql_db_new();
    if (!sdb) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "cannot open an in-memory database");
        return NULL;
    }
    sqlite3 *db = sdb->db;
    sql_ctx ctx = {0};
    ctx.inputs = inputs;
    ctx.n_inputs = n_inputs;
    ctx.sdb = sdb;
    ctx.reads = reads;
    ctx.cancel = o ? o->cancel : NULL;
    double budget = o && o->budget_s > 0 ? o->budget_s : 1.0;
    pv_table *t = NULL;
    sqlite3_stmt *st = NULL;
    if (!load_inputs(sdb, inputs, n_inputs, true, o, node_id, diags))
        goto done;
    if (!prepare(db, &ctx, sql, path, node_id, &st, diags))
        goto done;

    int n_cols = sqlite3_column_count(st);
    t = pv_table_new();
    for (int c = 0; c < n_cols; c++)
        pv_table_add_column(t, sqlite3_column_name(st, c), PV_TYPE_NULL);
    ctx.deadline = now_s() + budget;
    sqlite3_progress_handler(db, 1000, on_progress, &ctx);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv_cell *row = pv_table_add_row(t);
        for (int c = 0; c < n_cols; c++) {
            pv_cell *cell = &row[c];
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_INTEGER:
                cell->kind = PV_INT;
                cell->v.i = sqlite3_column_int64(st, c);
                break;
            case SQLITE_FLOAT:
                cell->kind = PV_REAL;
                cell->v.r = sqlite3_column_double(st, c);
                break;
            case SQLITE_TEXT: {
                const char *s = (const char *)sqlite3_column_text(st, c);
                pv_cell_set_text(t, cell, s, (size_t)sqlite3_column_bytes(st, c));
                break;
            }
            case SQLITE_BLOB:
                hex_text(t, cell, sqlite3_column_blob(st, c), sqlite3_column_bytes(st, c));
                break;
            default:
                break;
            }
        }
        if (o && o->rows_done && (t->n_rows & 1023) == 0)
            __atomic_add_fetch(o->rows_done, 1024, __ATOMIC_RELAXED);
    }
    if (rc != SQLITE_DONE) {
        if (ctx.was_cancelled)
            diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "cancelled");
        else if (ctx.timed_out)
            diag_add(diags, DIAG_ERROR, path, 0, 0, node_id,
                     "query ran longer than %.1f s (the preview's time budget); it was "
                     "interrupted",
                     budget);
        else
            diag_add(diags, DIAG_ERROR, path, 0, 0, node_id, "%s", sqlite3_errmsg(db));
        pv_table_unref(t);
        t = NULL;
        goto done;
    }
    {
        pv_type *d = xcalloc((size_t)n_cols, sizeof(pv_type));
        const pv_type **decl = xcalloc((size_t)n_cols, sizeof(pv_type *));
        for (int c = 0; c < n_cols; c++)
            if (type_from_decl(sqlite3_column_decltype(st, c), &d[c]))
                decl[c] = &d[c];
        typing_settle(t, decl);
        free(decl);
        free(d);
    }
done:
    sqlite3_finalize(st);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    sqlite3_set_authorizer(db, NULL, NULL);
    sql_db_free(own);
    return t;
}

bool sql_inspect(const char *sql, const char *path, const char *node_id, const sql_input *inputs,
                 size_t n_inputs, pv_schema *out, sql_reads *reads, diag_list *diags)
{
    memset(out, 0, sizeof(*out));
    sql_db *sdb = sql_db_new();
    if (!sdb)
        return false;
    sql_ctx ctx = {0};
    ctx.reads = reads;
    ctx.inputs = inputs;
    ctx.n_inputs = n_inputs;
    ctx.sdb = sdb;
    sqlite3_stmt *st = NULL;
    bool ok = load_inputs(sdb, inputs, n_inputs, false, NULL, node_id, diags) &&
              prepare(sdb->db, &ctx, sql, path, node_id, &st, diags);
    if (ok) {
        out->n = (size_t)sqlite3_column_count(st);
        out->cols = xcalloc(out->n ? out->n : 1, sizeof(pv_column));
        for (size_t c = 0; c < out->n; c++) {
            out->cols[c].name = xstrdup(sqlite3_column_name(st, (int)c));
            if (!type_from_decl(sqlite3_column_decltype(st, (int)c), &out->cols[c].type))
                out->cols[c].type = PV_TYPE_NULL;
        }
    }
    sqlite3_finalize(st);
    sql_db_free(sdb);
    return ok;
}
