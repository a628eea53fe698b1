/* writer: the model back to canonical files.
 *
 * The same model always gives the same bytes: fixed key order, nodes sorted
 * by id within each section, stable quoting, block style (docs/format.md).
 * The comments the model holds are written as "# text" lines above their
 * keys; those of a key the canonical form leaves out go above the next key
 * written.  Returned strings are owned by the caller. */
#ifndef WEIR_WRITER_H
#define WEIR_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

char *writer_pipeline_yaml(const pipeline *p); /* canonical pipeline.yaml text */
char *writer_layout_yaml(const pipeline *p);   /* canonical layout.yaml text */

/* Write pipeline.yaml and layout.yaml into dir, each atomically, skipping a
 * file whose bytes would not change.  Writes nothing outside dir.  Returns
 * false with a diagnostic on I/O failure. */
bool pipeline_save(const pipeline *p, const char *dir, diag_list *diags);

/* The files pipeline_save may write, as bits of `changed`. */
enum { WRITER_PIPELINE = 1u << 0, WRITER_LAYOUT = 1u << 1 };

/* pipeline_save with a dry run: *changed gets the files whose bytes differ
 * (or that are missing) and, unless dry_run, have been rewritten.  A file
 * that is a folder or a symlink leading outside dir is refused. */
bool pipeline_save_files(const pipeline *p, const char *dir, bool dry_run, unsigned *changed,
                         diag_list *diags);

/* True when the pipeline has a layout.yaml to write: it was loaded with one,
 * or some node has a canvas position. */
bool writer_has_layout(const pipeline *p);

/* True when a and b are the same pipeline for every reader of the files:
 * comments, positions in the files, node order, the folder, the order of a node's
 * settings and quoting that does not change what a scalar means are
 * ignored; an empty description / owner equals none.  On a difference,
 * why (if given) says where. */
bool writer_same_model(const pipeline *a, const pipeline *b, char *why, size_t why_size);

#endif
