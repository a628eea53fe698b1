/* yaml_read: parse one YAML document (libyaml) into a positioned value tree.
 *
 * Built for hostile input: aliases are refused (no alias bombs or cycles),
 * nesting, scalar size, node count and file size are bounded, and every
 * failure is a positioned diagnostic, never a crash.  Duplicate keys are
 * reported (all of them) but parsing goes on, keeping the first. */
#ifndef WEIR_YAML_READ_H
#define WEIR_YAML_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "value.h"

enum {
    YAML_MAX_FILE_BYTES = 16 * 1024 * 1024,
    YAML_MAX_DEPTH = 64,
    YAML_MAX_SCALAR_BYTES = 64 * 1024,
    YAML_MAX_VALUES = 2 * 1000 * 1000,
};

/* A parsed document: its tree, and the arena that holds every string and
 * array of it (each value has in_arena set, value.h).  Read the tree, or
 * borrow parts of it for as long as the arena lives (load.c hands it to
 * the pipeline); do not change it through the value API, which would put
 * heap storage into it that yaml_doc_free does not free. */
typedef struct yaml_doc {
    value root;
    struct arena *mem;
} yaml_doc;

/* Parse data[len] into doc; with comments, also attach the text's '#'
 * comments to the tree's keys and root (core/comments.h), for readers that
 * write the file back (a second, token pass when the text holds a '#').
 * `path` is used in diagnostics only.  Returns false, with diagnostics,
 * when the text is not a usable document; doc is then empty (freeing it is
 * harmless). */
bool yaml_doc_read(const char *data, size_t len, const char *path, bool comments, yaml_doc *doc,
                   diag_list *diags);
void yaml_doc_free(yaml_doc *doc);

/* The same into a heap tree that the caller frees with value_free: for
 * readers of small files that keep or change the tree.
 *
 * Parse data[len] into *out (a VALUE_MAP, VALUE_LIST or scalar).  `path` is
 * used in diagnostics only.  Returns false, with diagnostics, when the text
 * is not a usable document; *out is then empty. */
bool yaml_read_buffer(const char *data, size_t len, const char *path, value *out, diag_list *diags);

/* yaml_read_buffer, then the text's '#' comments attached to the tree's
 * keys and root (core/comments.h): for readers that write the file back.
 * Costs a second (token) pass when the text holds a '#'. */
bool yaml_read_buffer_comments(const char *data, size_t len, const char *path, value *out,
                               diag_list *diags);

/* Read the file at fs_path (size-checked first) and parse it. */
bool yaml_read_file(const char *fs_path, const char *path, value *out, diag_list *diags);

#endif
