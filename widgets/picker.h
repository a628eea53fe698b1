/* picker: a scrolling list with an optional filter line — the palette, the
 * finder, the problems list and other choosers are pickers.  Items may be
 * group headers (never selected, shown while any item of the group is).
 * The filter matches with fuzzy_score; the list is kept in order, or sorted
 * by score when asked.  The picker owns its item strings. */
#ifndef WEIR_PICKER_H
#define WEIR_PICKER_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "style.h"
#include "textinput.h"

typedef struct pick_item {
    char *text;   /* left column; what the filter matches */
    char *detail; /* right column, dimmed; may be NULL */
    int tag;      /* the caller's: an index, an id */
    style_id style;
    bool header;
    int score;
} pick_item;

typedef struct picker {
    char *title;
    pick_item *items;
    size_t n, cap;
    size_t *vis; /* indices of visible items */
    size_t n_vis;
    size_t cur, top; /* positions in vis */
    bool has_filter, sort_by_score;
    textinput filter;
    int text_w; /* width of the text column; 0 = automatic */
} picker;

void picker_init(picker *pk, const char *title, bool has_filter, bool sort_by_score);
void picker_free(picker *pk);
void picker_add(picker *pk, const char *text, const char *detail, int tag, style_id style,
                bool header);
void picker_refilter(picker *pk);

/* Move the cursor by delta selectable items (clamped). */
void picker_move(picker *pk, int delta);
void picker_home(picker *pk, bool end);

/* Give a key to the filter line; true when the filter changed. */
bool picker_filter_key(picker *pk, int key);

/* The current item, or NULL when the list is empty. */
const pick_item *picker_current(const picker *pk);

/* Draw framed at (y, x) in h rows by w cells. */
void picker_draw(WINDOW *win, picker *pk, int y, int x, int h, int w);

/* The item under screen cell (y, x) of the last drawing, selecting it;
 * false when none. */
bool picker_click(picker *pk, int y, int x);

#endif
