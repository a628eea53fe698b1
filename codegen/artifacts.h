/* artifacts: the files weir generates from node settings.
 *
 * A SQL-template transform (a type with NT_SQL, such as filter or
 * tumbling_window) has its SELECT written to sql/ID.sql, so reviewers and
 * exports see the real SQL (docs/plugins.md, "SQL templates").  The first
 * line marks the file as generated; only files with that line are ever
 * rewritten or removed, so a user's own SQL file is never touched. */
#ifndef WEIR_ARTIFACTS_H
#define WEIR_ARTIFACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* The path of a node's generated SQL, "sql/ID.sql" (caller frees). */
char *artifact_sql_path(const char *node_id);

/* The full text of a node's generated file: the marker line, then the SQL
 * rendered by the current registry.  NULL with a diagnostic on the node
 * when the type has no SQL template or the template failed. */
char *artifact_sql_text(const node *n, diag_list *diags);

/* Bring the generated files under dir in line with the model: write each
 * NT_SQL node's file when its bytes differ or it is missing, and remove
 * generated files (marker line present) whose node is gone.  With dry_run,
 * write nothing.  Each path written, or that would be, is appended to
 * changed (relative, caller frees them) when changed is not NULL.  Returns
 * false with diagnostics when a template or a write failed; the other
 * files are still brought up to date. */
bool artifacts_sync(const pipeline *p, const char *dir, bool dry_run, char ***changed,
                    size_t *n_changed, diag_list *diags);

#endif
