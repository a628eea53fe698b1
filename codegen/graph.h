/* graph: the pipeline's topology as text for other tools and for people —
 * Graphviz dot, Mermaid (`flowchart LR`) and a layered ASCII listing.
 *
 * Output is deterministic: nodes in canonical order (kind, then id), edges
 * in each node's input order.  Inputs that name no node are drawn as
 * dashed "missing" nodes, so an invalid pipeline still graphs.  Returned
 * strings are owned by the caller. */
#ifndef WEIR_GRAPH_H
#define WEIR_GRAPH_H

#include <stdbool.h>

#include "model.h"

typedef enum { GRAPH_ASCII, GRAPH_DOT, GRAPH_MERMAID } graph_format;

/* "ascii", "dot" or "mermaid"; false for anything else. */
bool graph_format_parse(const char *name, graph_format *out);

char *graph_render(const pipeline *p, graph_format format);

/* The ASCII rendering wraps its lines at this width. */
enum { GRAPH_ASCII_WIDTH = 80 };

#endif
