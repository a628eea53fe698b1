/* diag: a list of positioned diagnostics (path:line:col: message).
 *
 * Libraries never print; they append here and the caller decides how to
 * show the list (CLI text, JSON, the TUI's problems pane).  The list owns
 * every string in it. */
#ifndef WEIR_DIAG_H
#define WEIR_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { DIAG_ERROR, DIAG_WARNING } diag_severity;

typedef struct diag {
    diag_severity severity;
    char *path;    /* relative to the pipeline folder, e.g. "pipeline.yaml" */
    int line, col; /* 1-based; 0 when unknown (e.g. a node made in the TUI) */
    char *node_id; /* the node the problem belongs to, or NULL */
    char *message;
} diag;

typedef struct diag_list {
    diag *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
} diag_list;

void diag_list_init(diag_list *list);
void diag_list_free(diag_list *list);
void diag_list_clear(diag_list *list);

/* Append a diagnostic; fmt is printf-style.  path and node_id may be NULL. */
void diag_add(diag_list *list, diag_severity severity, const char *path, int line, int col,
              const char *node_id, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Move every diagnostic of src to the end of dst, in order; src is left
 * empty (and still initialised). */
void diag_list_take_all(diag_list *dst, diag_list *src);

/* Sort by path, line, col (stable) so output is deterministic. */
void diag_list_sort(diag_list *list);

/* "path:line:col: error: message" into buf (truncated to size). */
void diag_format(const diag *d, char *buf, size_t size);

#endif
