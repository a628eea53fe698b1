/* autolayout: a layered (Sugiyama-style) layout for the canvas.
 *
 * Sources go in the leftmost layer, each other node one layer right of its
 * furthest input, sinks in the rightmost layer.  Within a layer, nodes are
 * ordered by the barycenter of their neighbours (a few sweeps each way) to
 * cut edge crossings, then placed top to bottom without overlapping.
 * Coordinates are canvas cells.  No curses, no I/O. */
#ifndef WEIR_AUTOLAYOUT_H
#define WEIR_AUTOLAYOUT_H

#include <stdbool.h>

#include "model.h"

typedef struct autolayout_opts {
    const int *w, *h;  /* box size of each node, indexed like p->nodes */
    int gap_x;         /* free columns between layers (edges run there) */
    int gap_y;         /* free rows between boxes of one layer */
    bool only_missing; /* keep nodes that have a position; place the rest */
} autolayout_opts;

/* Sets x, y and has_xy of the nodes it places. */
void autolayout_run(pipeline *p, const autolayout_opts *opts);

/* The layer (column) of each node in the layering; caller frees. */
int *autolayout_layers(const pipeline *p, int *n_layers);

#endif
