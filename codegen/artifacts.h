/* artifacts: the files weir generates from node settings.
 *
 * A SQL-template transform (a type with NT_SQL, such as filter or
 * tumbling_window) has its SELECT written to sql/ID.sql, so reviewers and
 * exports see the real SQL (docs/plugins.md, "SQL templates").  The first
 * line marks the file as generated; only files with that line are ever
 * rewritten or removed, so a user's own SQL file is never touched; nor is
 * a generated one that a node's setting names (a SQL node that took over
 * a filter's SELECT). */
#ifndef WEIR_ARTIFACTS_H
#define WEIR_ARTIFACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* The full text of a node's generated file: the marker line, then the SQL
 * rendered by the current registry.  NULL with a diagnostic on the node
 * when the type has no SQL template or the template failed. */
char *artifact_sql_text(const node *n, diag_list *diags);

/* A generated file written or removed (or that would be, in a dry run). */
typedef struct artifact_change {
    char *path; /* relative to the pipeline folder */
    bool removed;
} artifact_change;

typedef struct artifact_changes {
    artifact_change *items;
    size_t n;
} artifact_changes;

void artifact_changes_free(artifact_changes *c);

/* Bring the generated files under dir in line with the model: write each
 * NT_SQL node's file when its bytes differ or it is missing; remove
 * generated files (marker line present) whose node is gone, and that of a
 * node whose SQL cannot be generated now (a required setting missing, or
 * the template failing), so no stale SQL outlives its settings.  With
 * dry_run, write nothing.  Each change is appended to changes when it is
 * not NULL.  Returns false with diagnostics when a template or a write
 * failed; the other files are still brought up to date. */
bool artifacts_sync(const pipeline *p, const char *dir, bool dry_run, artifact_changes *changes,
                    diag_list *diags);

#endif
