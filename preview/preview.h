/* preview: run a pipeline on its sample data and answer "what does this node
 * produce?" — the engine behind `weir preview` and the TUI's preview pane.
 *
 * An engine holds its own copy of the pipeline (preview_engine_set_pipeline
 * copies; the caller keeps editing its own) and a cache of every node's
 * output, keyed by a hash of the node's definition (kind, type, settings,
 * the contents of its SQL/Lua file, its sample file's identity, and for a
 * plugin-run type the plugin file's text and capabilities) and of its
 * inputs' hashes: after an edit only the affected nodes run again.
 *
 * Running: preview_run() runs on the caller's thread; preview_start() runs
 * on a worker thread that the UI polls (preview_job_done, _progress) and can
 * cancel mid-run (readers stop between rows, SQLite through its progress
 * handler, Lua through its hook).  One run at a time per engine.
 *
 * Ownership: results hold a reference to the cached table (pv_table is
 * reference counted), so they stay valid after later runs; free them with
 * preview_result_free.  Schemas and reads are returned as copies. */
#ifndef WEIR_PREVIEW_H
#define WEIR_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "pvtable.h"
#include "sqlrun.h"

enum { PREVIEW_DEFAULT_LIMIT = 1000, PREVIEW_MAX_LIMIT = 100000000 };
#define PREVIEW_MAX_CODE_FILE (4u * 1024 * 1024) /* a SQL or Lua file */

typedef struct preview_options {
    long long limit;            /* > 0: overrides every source's `limit` setting */
    double budget_s;            /* wall clock per SQL query and per Lua call; 0: 1 s */
    long long lua_instructions; /* per Lua call; 0: 10,000,000 */
    size_t lua_memory;          /* per Lua state; 0: 64 MiB */
} preview_options;

typedef struct preview_result {
    bool ok;
    pv_table *table;   /* the node's output (a reference), NULL when it failed */
    diag_list diags;   /* why it failed (path:line:col, node id), or warnings */
    double elapsed_ms; /* wall time of this run */
    size_t executed;   /* nodes this run executed (the rest came from the cache) */
} preview_result;

typedef struct preview_engine preview_engine;

preview_engine *preview_engine_new(const preview_options *opts); /* NULL opts: defaults */
void preview_engine_free(preview_engine *e); /* cancels and waits for a running job */
void preview_engine_set_options(preview_engine *e, const preview_options *opts);
/* Replace the engine's copy of the pipeline (deep copy). The cache stays:
 * unchanged nodes keep their outputs. */
void preview_engine_set_pipeline(preview_engine *e, const pipeline *p);

/* Run node_id and everything upstream of it, synchronously.  Returns
 * out->ok.  False with "a preview is already running" when a job is. */
bool preview_run(preview_engine *e, const char *node_id, preview_result *out);
void preview_result_free(preview_result *r);

/* Node executions since the engine was made (cache hits do not count). */
unsigned long preview_executions(const preview_engine *e);

/* The output schema of a node from the last run that reached it; false
 * when unknown (not run yet, or it failed).  out is a copy. */
bool preview_schema(preview_engine *e, const char *node_id, pv_schema *out);

/* Tables and columns a SQL node's statement read on its last run. */
bool preview_sql_reads(preview_engine *e, const char *node_id, sql_reads *out);

/* Check SQL text (e.g. the editor's unsaved buffer) for a SQL node against
 * its inputs' schemas from the cache: result columns, reads, and errors
 * positioned in the text (path = the node's sql setting).  Inputs not run
 * yet are run first (synchronously). */
bool preview_sql_check(preview_engine *e, const char *node_id, const char *sql, pv_schema *out,
                       sql_reads *reads, diag_list *diags);

/* ---- background runs ---- */

typedef struct preview_job preview_job;

typedef struct preview_progress {
    size_t nodes_done, nodes_total; /* nodes to evaluate in this run */
    unsigned long long rows;        /* rows read/produced so far */
    char node[64];                  /* the node running now ("" between nodes) */
    double elapsed_ms;
} preview_progress;

/* Start running node_id on a worker thread over a snapshot of the engine's
 * pipeline.  NULL when a run is already in progress. */
preview_job *preview_start(preview_engine *e, const char *node_id);
bool preview_job_done(preview_job *j); /* never blocks */
void preview_job_progress(preview_job *j, preview_progress *out);
void preview_job_cancel(preview_job *j); /* returns at once; the run stops soon */
/* Wait for the job, fill out, free the job. */
void preview_job_finish(preview_job *j, preview_result *out);

#endif
