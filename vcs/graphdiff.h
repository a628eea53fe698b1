/* graphdiff: two pipeline models compared as graphs — metadata fields,
 * nodes added / removed / changed (type, description, inputs, which
 * settings), edges added / removed, and nodes only moved on the canvas.
 *
 * Pure model code (no git, no I/O): the history view colours the canvas
 * from a graph_diff, `weir diff` prints it, the commit decides from it
 * whether to bump the version.  A graph_diff owns all its strings. */
#ifndef WEIR_GRAPHDIFF_H
#define WEIR_GRAPHDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "util.h"

typedef enum gd_change { GD_ADDED, GD_REMOVED, GD_CHANGED } gd_change;

/* A field or setting that differs: old_text NULL = added, new_text NULL =
 * removed.  Lists and maps are shown in flow style: [a, b], {k: v}. */
typedef struct gd_field {
    char *key;
    char *old_text, *new_text;
} gd_field;

typedef struct gd_node {
    char *id;
    gd_change change;
    node_kind kind; /* the new kind (the old one when removed) */
    char *type;     /* likewise */
    char *old_type; /* non-NULL when the type (or kind) changed */
    node_kind old_kind;
    bool description_changed;
    bool inputs_changed;           /* the list differs (order counts) */
    char *old_inputs, *new_inputs; /* "[a, b]" when inputs_changed */
    gd_field *settings;            /* changed settings, sorted by key */
    size_t n_settings;
    bool moved; /* canvas position differs (layout.yaml only) */
} gd_node;

typedef struct gd_edge {
    char *from, *to;  /* from is an input of to */
    gd_change change; /* GD_ADDED or GD_REMOVED */
} gd_edge;

typedef struct graph_diff {
    gd_field *meta; /* name, version, owner, description, tags */
    size_t n_meta;
    gd_node *nodes; /* added, removed and changed nodes, sorted by id;
                       nodes that only moved are here too, with moved set */
    size_t n_nodes;
    gd_edge *edges; /* sorted by (to, from) */
    size_t n_edges;
    size_t n_added, n_removed, n_changed, n_moved; /* node counts */
    size_t n_edges_added, n_edges_removed;
} graph_diff;

void graph_diff_compute(const pipeline *old_p, const pipeline *new_p, graph_diff *out);
void graph_diff_free(graph_diff *d);

/* The node's entry, or NULL when it did not change. */
const gd_node *graph_diff_node(const graph_diff *d, const char *id);

/* True when nodes, edges or settings changed (not just metadata or
 * canvas positions): what bumps the version. */
bool graph_diff_topology_changed(const graph_diff *d);
bool graph_diff_empty(const graph_diff *d); /* nothing at all differs */

/* A value as one line of text (flow style for lists and maps). */
char *graph_diff_value_text(const value *v);

/* Human-readable summary, pasteable into a pull request; with color, ANSI
 * colours (green added, red removed, yellow changed). */
void graph_diff_format(const graph_diff *d, strbuf *out, bool color);

#endif
