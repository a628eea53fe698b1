/* luarun: Lua transforms in a sandboxed Lua 5.4 state, one state per node
 * run.  This is the one place weir wraps Lua errors.
 *
 * The sandbox (docs/preview.md has the full rules): base library without
 * dofile/loadfile/collectgarbage, a `load` that only takes text chunks,
 * string (no dump; find/match/gmatch/gsub refuse patterns whose worst-case
 * backtracking on the subject exceeds a step estimate; rep refuses results
 * over the memory limit), table, math, utf8, coroutine, and os with only
 * time/clock/date/difftime.  No io, require/package, debug.  The string
 * metatable is locked.  CPU: an instruction budget and a wall-clock budget
 * per call, enforced by a count hook that, once tripped, errors on every
 * instruction until the call unwinds (so pcall cannot swallow it).  Memory:
 * a counting allocator with a hard limit.
 *
 * The record contract: transform(record) gets a table of the input row's
 * non-NULL fields (NULL = absent); it returns a table (emit), nil (drop) or
 * an array of tables (emit many).  Integers stay integers. */
#ifndef WEIR_LUARUN_H
#define WEIR_LUARUN_H

#include <stdbool.h>

#include "diag.h"
#include "pvtable.h"

typedef struct lua_options {
    size_t memory_limit;           /* bytes per state; 0: 64 MiB */
    long long instructions;        /* per call (the chunk, each transform call); 0: 10M */
    double budget_s;               /* wall clock per call; <= 0: 1 s */
    double pattern_steps;          /* pattern cost estimate limit; <= 0: 1e8 */
    const int *cancel;             /* polled by the hook when not NULL */
    unsigned long long *rows_done; /* progress counter when not NULL */
} lua_options;

typedef struct lua_box lua_box;

/* A fresh sandboxed state (NULL only if the allocator refuses at once). */
lua_box *luabox_new(const lua_options *o);
void luabox_free(lua_box *b);

/* Run a chunk of text in the sandbox under the budgets.  Returns true, or
 * false with "chunkname:line: message" in err.  For tests and the future
 * plugin API; the transform runner uses the same path. */
bool luabox_exec(lua_box *b, const char *code, size_t len, const char *chunkname, char *err,
                 size_t err_size);

/* The box's Lua state, for the plugin API (plugapi.c).  Owned by the box. */
struct lua_State;
struct lua_State *luabox_state(lua_box *b);

/* lua_pcall of the function below nargs arguments, under the box's budgets
 * (re-armed for this call) and its message handler.  Returns the Lua status;
 * on failure one error message is left (a budget trip names the budget). */
int luabox_call(lua_box *b, int nargs, int nres);

/* Format the error message msg of the last failed call as
 * "path:line: message": kept when it already starts with "path:", else
 * prefixed with the line of the innermost frame of path's code (or
 * "path: " when none is known, e.g. memory). */
void luabox_error_text(const lua_box *b, const char *path, const char *msg, char *err,
                       size_t err_size);

/* Add an error diagnostic for the Lua error text at path:
 * "path:12: message" at line 12, "path: message" and any other text at
 * `line`; prefix goes before the message. */
void luabox_add_error(diag_list *diags, const char *path, int line, const char *node_id,
                      const char *prefix, const char *text);

/* Text printed by the chunk's print() calls (bounded), NUL-terminated. */
const char *luabox_output(const lua_box *b);

/* Where the function run per record comes from: lua_transform_run's is
 * the global `transform`; a plugin's is its declaration's record or show
 * (preview/plugrun.c).  push is called inside the protected run: it pushes
 * the function, then the extra arguments passed after the record (e.g. the
 * node table), and returns how many extras; or pushes a message saying why
 * there is no function and returns -1. */
typedef struct lua_record_fn {
    int (*push)(struct lua_State *L, void *ud);
    void *ud;
    const char *name; /* "transform", "record", ...: named in messages */
} lua_record_fn;

/* Call fn(record, extras...) for every row of every input, in order, in b
 * (whose code has run), under the record contract.  Returns the output
 * table or NULL with a diagnostic naming the record and line (at path when
 * the error carries no file of its own). */
pv_table *luabox_run_records(lua_box *b, const lua_record_fn *fn, const char *path,
                             const char *node_id, const pv_table *const *inputs, size_t n_inputs,
                             const lua_options *o, diag_list *diags);

/* Call fn(extras...) once; it returns an array of records (a records()
 * source).  The declared columns come first with their types (kept when no
 * record has them), other fields after, sorted by name; at most limit
 * records are read.  NULL with a diagnostic on failure. */
pv_table *luabox_collect_records(lua_box *b, const lua_record_fn *fn, const char *path,
                                 const char *node_id, const pv_column *declared, size_t n_declared,
                                 size_t limit, diag_list *diags);

/* Run a Lua transform: load code (the file at path), then call
 * transform(record) for every row of every input, in order.  Returns the
 * output table or NULL with a diagnostic naming the record and line. */
pv_table *lua_transform_run(const char *code, size_t len, const char *path, const char *node_id,
                            const pv_table *const *inputs, size_t n_inputs, const lua_options *o,
                            diag_list *diags);

#endif
