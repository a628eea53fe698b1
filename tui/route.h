/* route: orthogonal edge routing and the off-screen picture of the canvas.
 *
 * Each edge leaves its source box on the right, runs in straight segments
 * around the boxes and enters its target box from the left through an
 * arrowhead.  Edges into one target share their last vertical run and edges
 * out of one source share their first, so fan-in and fan-out read as trees
 * (├ ┬ ┤); edges with neither end in common never share a run or a tee and
 * only cross straight through each other (┼).  The picture is a grid of cells (glyph + semantic
 * style) the curses layer copies to the screen; no curses here.  A picture owns its cells and
 * routes. */
#ifndef WEIR_ROUTE_H
#define WEIR_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "canvas.h"

typedef enum {
    CS_NONE,
    CS_EDGE,
    CS_SOURCE, /* box frame and symbol, by kind */
    CS_TRANSFORM,
    CS_SINK,
    CS_ID,
    CS_TYPE,
    CS_BADGE_OK,
    CS_BADGE_WARN,
    CS_BADGE_ERROR,
} cell_style;

typedef enum { BADGE_OK, BADGE_WARN, BADGE_ERROR } badge;

enum { LINK_L = 1, LINK_R = 2, LINK_U = 4, LINK_D = 8, ROUTE_MAX_PTS = 24 };
#define CELL_WIDE_TAIL 0xFFFFFFFFu

typedef struct pcell {
    uint32_t ch; /* code point; 0 = empty; CELL_WIDE_TAIL = right half of a wide char */
    uint8_t style;
    uint8_t links; /* edge directions through this cell, before glyphs are chosen */
    int32_t box;   /* node whose box covers the cell, -1 for none */
} pcell;

typedef struct route {
    size_t from, to; /* node indices */
    int n;           /* points in the polyline */
    int x[ROUTE_MAX_PTS], y[ROUTE_MAX_PTS];
    bool clean;  /* avoids every box; shares cells only with its own fan-in/out */
    bool gapped; /* no way apart from unrelated edges: drawn only where nothing
                    else is, with gaps, and never merging into another edge */
} route;

typedef struct picture {
    int x0, y0, w, h; /* canvas coordinates of cell (0,0), size */
    pcell *cells;
    route *routes;
    size_t n_routes;
    bool clipped; /* the canvas was larger than PICTURE_MAX_CELLS */
} picture;

/* The largest picture drawn, in cells (with routing state, about 28 bytes
 * a cell while building).  A canvas spread wider than this (positions go
 * up to 1,000,000) is drawn from its top-left corner as far as the limit
 * allows; picture.clipped says so, and `A` (arrange) makes it compact. */
enum { PICTURE_MAX_CELLS = 4 << 20 };

/* Route every edge and draw boxes and edges.  badges may be NULL (all ok). */
void picture_build(picture *pic, const canvas *cv, const badge *badges, bool ascii);
void picture_free(picture *pic);

/* The cell at canvas coordinates, or NULL outside the picture. */
const pcell *picture_at(const picture *pic, int x, int y);

/* Glyph for a set of link bits. */
uint32_t link_glyph(uint8_t links, bool ascii);

/* Symbol for a node kind ("◉", "λ", "▣"; ASCII "o", "*", "#"). */
uint32_t kind_symbol(node_kind kind, bool ascii);

#endif
