/* plugrun: running plugin-declared node types in preview (docs/plugins.md):
 * a SQL template's sql(node), a transform's record(record, node), a
 * source's records(node) and a sink's show(record, node).
 *
 * Each call runs the type's plugin file again, from the registry's copy of
 * its text, in a fresh sandboxed box of its own (preview/plugapi.c), on the
 * calling thread: the preview worker never touches the plugin host's Lua
 * state, only reads the registry.  The file's allowed capabilities apply
 * in that box as they do in the host.
 *
 * Errors are diagnostics on the node: a Lua error at the plugin's
 * path:line, a bad result naming the function.  Returned tables and
 * strings belong to the caller. */
#ifndef WEIR_PLUGRUN_H
#define WEIR_PLUGRUN_H

#include "diag.h"
#include "luarun.h"
#include "model.h"
#include "pvtable.h"

/* sql(node) of an NT_SQL transform: the SELECT (malloc'd), or NULL with a
 * diagnostic. */
char *plugrun_render_sql(const node_type *t, const node *n, const lua_options *o, diag_list *diags);

/* record(record, node) of an NT_RECORD transform, or show(record, node) of
 * an NT_SHOW sink, over every row of the inputs: the record contract of
 * lua_transform_run. */
pv_table *plugrun_records(const node_type *t, const node *n, const pv_table *const *inputs,
                          size_t n_inputs, const lua_options *o, diag_list *diags);

/* records(node) of an NT_RECORDS source: its records, the columns of the
 * node's `schema` setting first and typed by it; at most limit rows. */
pv_table *plugrun_source(const node_type *t, const node *n, size_t limit, const lua_options *o,
                         diag_list *diags);

#endif
