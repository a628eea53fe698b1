/* writer: the model back to canonical files.
 *
 * The same model always gives the same bytes: fixed key order, nodes sorted
 * by id within each section, stable quoting, block style (docs/format.md).
 * Returned strings are owned by the caller. */
#ifndef WEIR_WRITER_H
#define WEIR_WRITER_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

char *writer_pipeline_yaml(const pipeline *p); /* canonical pipeline.yaml text */
char *writer_layout_yaml(const pipeline *p);   /* canonical layout.yaml text */

/* Write pipeline.yaml and layout.yaml into dir, each atomically, skipping a
 * file whose bytes would not change.  Writes nothing outside dir.  Returns
 * false with a diagnostic on I/O failure. */
bool pipeline_save(const pipeline *p, const char *dir, diag_list *diags);

#endif
