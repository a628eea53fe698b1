/* validate: check what a loaded (or edited) pipeline means — node types,
 * settings, secrets, inputs, cycles, ids and the files nodes refer to.
 * Every problem goes into diags, positioned where the model knows a
 * position and named by node id where it does not (nodes made in the TUI). */
#ifndef WEIR_VALIDATE_H
#define WEIR_VALIDATE_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

typedef struct validate_options {
    bool check_files; /* look at sql/lua/sample files on disk under p->dir */
} validate_options;

/* Returns true when no error was added (warnings allowed). */
bool pipeline_validate(const pipeline *p, const validate_options *opts, diag_list *diags);

/* Load and validate a folder in one go, sorted diagnostics; true if valid.
 * The model holds no comments (load_options.skip_comments): do not save it. */
bool pipeline_check_folder(const char *dir, pipeline *p, diag_list *diags);

/* The same, running meanwhile(ctx) on the loader's second thread while
 * pipeline.yaml is read (load_options.meanwhile): for work validation needs
 * done first, such as loading the node types' plugins. */
bool pipeline_check_folder_with(const char *dir, void (*meanwhile)(void *ctx), void *ctx,
                                pipeline *p, diag_list *diags);

/* A secret reference: exactly ${env:NAME} or ${secret:NAME}. */
bool secret_ref_valid(const char *text);

#endif
