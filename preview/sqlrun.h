/* sqlrun: SQL transforms in a locked-down, in-memory SQLite database.
 *
 * Each input becomes a table named by its node id, with typed columns; the
 * node's file holds one SELECT (WITH allowed).  The database refuses
 * ATTACH/DETACH, every PRAGMA, writes and schema changes (an authorizer),
 * extension loading, and runs under a wall-clock budget (a progress
 * handler) with explicit sqlite3_limit()s.  The authorizer also records the
 * tables and columns the statement reads (sql_reads).
 *
 * This is the one place weir wraps SQLite errors: each becomes a diagnostic
 * at path:line:col of the SQL file when SQLite gives an offset. */
#ifndef WEIR_SQLRUN_H
#define WEIR_SQLRUN_H

#include <stdbool.h>

#include "diag.h"
#include "pvtable.h"

typedef struct sql_input {
    const char *name;        /* table name: the input's node id */
    const pv_table *table;   /* rows (sql_run) */
    const pv_schema *schema; /* columns only (sql_inspect) */
    unsigned long long hash; /* identity of the rows, for sql_db reuse; 0: always load */
} sql_input;

/* A database kept across runs (one per engine): an input table stays
 * loaded while its hash is unchanged, so editing a SQL file reruns only the
 * query.  The authorizer only lets a statement read its own inputs. */
typedef struct sql_db sql_db;
sql_db *sql_db_new(void);
void sql_db_free(sql_db *db);

/* What a statement reads, as the authorizer saw it (deduplicated, in order
 * of first use).  columns[i] is "table.column". */
typedef struct sql_reads {
    char **tables;
    size_t n_tables;
    char **columns;
    size_t n_columns;
} sql_reads;

typedef struct sql_options {
    double budget_s;               /* wall clock for the query; <= 0: 1 s */
    const int *cancel;             /* polled by the progress handler when not NULL */
    unsigned long long *rows_done; /* progress counter when not NULL */
} sql_options;

/* Run sql (the text of file `path`) over the inputs, in db (NULL: a fresh
 * database for this call).  Returns the result table, or NULL with
 * diagnostics.  reads may be NULL. */
pv_table *sql_run(sql_db *db, const char *sql, const char *path, const char *node_id,
                  const sql_input *inputs, size_t n_inputs, const sql_options *o, sql_reads *reads,
                  diag_list *diags);

/* Prepare sql against empty tables with the inputs' schemas, without
 * running it: the result's columns (types from declarations; expressions
 * are "null" = unknown) and what it reads.  For the editor's completion and
 * validation.  False with diagnostics when it does not prepare. */
bool sql_inspect(const char *sql, const char *path, const char *node_id, const sql_input *inputs,
                 size_t n_inputs, pv_schema *out, sql_reads *reads, diag_list *diags);

void sql_reads_free(sql_reads *r);
void sql_reads_copy(sql_reads *dst, const sql_reads *src);

#endif
