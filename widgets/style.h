/* style: semantic styles (what a thing is) mapped to curses attributes and
 * colour pairs (how it looks) in one place.
 *
 * Three looks: colour (8 colours are enough; the terminal's own background
 * is kept), monochrome (bold, dim, reverse, underline) when the terminal
 * has no colours or NO_COLOR is set (https://no-color.org), and that is all:
 * nothing else in weir picks a colour. */
#ifndef WEIR_STYLE_H
#define WEIR_STYLE_H

#include <stdbool.h>

#include <curses.h>

typedef enum {
    STYLE_NORMAL,
    STYLE_DIM,
    STYLE_BORDER,
    STYLE_TITLE,
    STYLE_SELECTED,   /* the selected row / box */
    STYLE_MARKED,     /* a second highlighted thing: the node being connected from */
    STYLE_BAR,        /* status bar */
    STYLE_BAR_STRONG, /* pipeline name in the status bar */
    STYLE_KEY,        /* a key in the hints line */
    STYLE_OK,
    STYLE_WARNING,
    STYLE_ERROR,
    STYLE_INPUT,
    STYLE_HEADING,
    STYLE_EDGE,
    STYLE_SOURCE,
    STYLE_TRANSFORM,
    STYLE_SINK,
    STYLE_NODE_ID,
    STYLE_NODE_TYPE,
    STYLE_ADDED,   /* diffs: added since the older version (+) */
    STYLE_REMOVED, /* removed (-) */
    STYLE_CHANGED, /* changed (~) */
    STYLE_COUNT
} style_id;

/* After initscr: choose colour or monochrome (NO_COLOR, has_colors()). */
void style_init(void);
bool style_has_color(void);

/* Attributes (including the colour pair) for a style. */
attr_t style_attr(style_id s);
short style_pair(style_id s);

void style_set(WINDOW *w, style_id s);

#endif
