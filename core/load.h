/* load: read a pipeline folder (pipeline.yaml + layout.yaml) into a model.
 *
 * Loading checks the shape of the files — sections, keys, value kinds —
 * and reports every problem it finds, positioned, into diags; it keeps
 * going past errors so one run shows them all.  What the values mean
 * (types, inputs, cycles, files) is validate.c's job. */
#ifndef WEIR_LOAD_H
#define WEIR_LOAD_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

#define PIPELINE_FILE "pipeline.yaml"
#define LAYOUT_FILE "layout.yaml"

/* Returns false when pipeline.yaml could not be read or parsed at all (the
 * model is then empty); true otherwise, even when diags holds errors.
 * The files' comments are kept in the model (comments.h), so that a save
 * writes them back; every loader below keeps them unless told not to. */
bool pipeline_load(const char *dir, pipeline *p, diag_list *diags);

typedef struct load_options {
    /* Leave comments out of the model: for readers that never write the
     * files (weir validate), as finding comments is a second pass over
     * text that holds a '#'.  A model loaded so must not be saved. */
    bool skip_comments;
    /* When set, list the folders of the format (the root, sql/, lua/,
     * samples/) into this cache while loading, on the thread that reads
     * layout.yaml, for the file checks that follow (validate.h). */
    struct fs_dir_cache *listings;
    /* When set, called with the built model (never when pipeline.yaml
     * could not be loaded), once `listings` is complete, and perhaps
     * before layout.yaml's positions are applied: work that needs no
     * positions (validation) then overlaps the reading of layout.yaml. */
    void (*on_model)(pipeline *p, void *ctx);
    void *ctx;
    /* When set, run first on the loader's second thread (or before the
     * load, when there is none), and done before on_model is called: the
     * caller's own work, overlapping the reading of pipeline.yaml. */
    void (*meanwhile)(void *ctx);
    void *meanwhile_ctx;
} load_options;

/* pipeline_load with options; opts may be NULL (the defaults). */
bool pipeline_load_with(const char *dir, const load_options *opts, pipeline *p, diag_list *diags);

/* Parse pipeline.yaml text already in memory (for the fuzzer and tests);
 * layout and files on disk are not consulted. */
bool pipeline_load_buffer(const char *data, size_t len, const char *dir, pipeline *p,
                          diag_list *diags);

/* Apply layout.yaml text to a loaded pipeline. */
void pipeline_load_layout_buffer(const char *data, size_t len, pipeline *p, diag_list *diags);

/* The two above with options; opts may be NULL (the defaults). */
bool pipeline_load_buffer_with(const char *data, size_t len, const char *dir,
                               const load_options *opts, pipeline *p, diag_list *diags);
void pipeline_load_layout_buffer_with(const char *data, size_t len, const load_options *opts,
                                      pipeline *p, diag_list *diags);

#endif
