/* canvas: the geometry of the pipeline on screen, with no curses — box
 * sizes and places, hit-testing, directional and topological neighbours,
 * and the compact overview.  Coordinates are canvas cells (x right, y
 * down); the viewport is the drawing code's business.
 *
 * A canvas borrows its pipeline; rebuild it (canvas_build) after any edit. */
#ifndef WEIR_CANVAS_H
#define WEIR_CANVAS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

enum { BOX_H = 3, BOX_MIN_W = 12, BOX_MAX_ID = 22, COMPACT_MAX_ID = 10 };

typedef struct cbox {
    int x, y, w, h;
} cbox;

typedef struct canvas {
    const pipeline *p;
    cbox *box; /* one per p->nodes[i] */
    size_t n;
    bool compact;
    int min_x, min_y, max_x, max_y; /* bounding box of all boxes (max exclusive) */
} canvas;

typedef enum { DIR_LEFT, DIR_RIGHT, DIR_UP, DIR_DOWN } direction;

/* Box width and height a node needs (full or compact). */
void canvas_box_size(const node *n, bool compact, int *w, int *h);

/* Boxes at the nodes' positions (nodes without one should have been placed
 * by autolayout first; they sit at 0,0 otherwise). */
void canvas_build(canvas *cv, const pipeline *p);

/* The overview: compact boxes at positions scaled to fit view_w x view_h
 * where possible, pushed apart so none overlap. */
void canvas_build_overview(canvas *cv, const pipeline *p, int view_w, int view_h);

void canvas_free(canvas *cv);

/* The node whose box covers (x, y), topmost first; -1 for none. */
ptrdiff_t canvas_hit(const canvas *cv, int x, int y);

/* The nearest node from node `from` in a direction; -1 when none. */
ptrdiff_t canvas_nearest(const canvas *cv, size_t from, direction dir);

/* Node indices in topological reading order: by layer, then top to bottom.
 * Caller frees. */
size_t *canvas_topo_order(const pipeline *p);

/* Lay out nodes: all of them, or only those without a position. */
void canvas_autolayout(pipeline *p, bool only_missing);

/* True when box i overlaps another box (tests and placement). */
bool canvas_overlaps(const canvas *cv, size_t i);

#endif
