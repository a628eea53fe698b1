/* edit: the pipeline edits the canvas makes, as plain model operations with
 * the reasons they are refused.  No curses and no I/O except
 * edit_sync_code_files, which makes the files on disk follow renames.
 *
 * Refusal reasons are static strings (never freed).  Returned ids are owned
 * by the caller. */
#ifndef WEIR_EDIT_H
#define WEIR_EDIT_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

/* Whether `from` may become an input of `to`; *why says why not. */
bool edit_can_connect(const pipeline *p, const char *from, const char *to, const char **why);
bool edit_connect(pipeline *p, const char *from, const char *to, const char **why);
bool edit_disconnect(pipeline *p, const char *from, const char *to);

/* True when `to` reads (directly or not) from `from`. */
bool edit_reaches(const pipeline *p, const char *from, const char *to);

/* An id not yet used, made from base ("kafka" -> "kafka", "kafka_2", ...). */
char *edit_unique_id(const pipeline *p, const char *base);

/* Add a node of a known type with its defaults: required settings that have
 * a default, and for code transforms the file path (sql/ID.sql).  Returns
 * the node (valid until the next add/remove), or NULL with *why. */
node *edit_add(pipeline *p, node_kind kind, const char *type, const char *id, const char **why);

/* Rename a node: inputs that name it follow, and a code file at its default
 * path (sql/OLD.sql) moves to the new default path in the model. */
bool edit_rename(pipeline *p, const char *old_id, const char *new_id, const char **why);

/* Copy a node (settings, inputs) under a fresh id, offset on the canvas;
 * its code file path is its own.  Returns the new id, or NULL. */
char *edit_duplicate(pipeline *p, const char *id);

/* The default code path for a transform type with a code file
 * ("sql/ID.sql"), or NULL for other types.  Caller frees. */
char *edit_code_path(node_kind kind, const char *type, const char *id);

/* Where each code file came from, so saving can rename or copy instead of
 * losing it.  Entries map a node id to the path its code has on disk. */
typedef struct code_origins {
    char **ids, **paths;
    size_t n;
} code_origins;

void code_origins_init(code_origins *o);
void code_origins_free(code_origins *o);
void code_origins_copy(code_origins *dst, const code_origins *src);
/* Record the code paths of every node as they are on disk now. */
void code_origins_from(code_origins *o, const pipeline *p);
const char *code_origins_get(const code_origins *o, const char *id);
void code_origins_set(code_origins *o, const char *id, const char *path);
void code_origins_rename(code_origins *o, const char *old_id, const char *new_id);

/* Make the code files under p->dir match the model: a node whose file is
 * missing gets it renamed from its origin (when no other node still uses
 * that file), copied (a duplicate), or created with a starter body.  Then
 * the origins are reset to the model.  Returns false with diagnostics on
 * I/O failure. */
/* The body a new SQL or Lua transform's file starts with: SELECT from the
 * first input (its columns listed when given), or an identity Lua
 * transform.  Used on save for a missing file and by the TUI's editor, so
 * the two agree.  Caller frees. */
char *edit_starter_body(const node *n, const char *const *cols, size_t n_cols);

bool edit_sync_code_files(const pipeline *p, code_origins *o, diag_list *diags);

#endif
