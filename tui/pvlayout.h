/* pvlayout: the preview pane's table laid out without curses — the text a
 * cell shows on one line, how wide each column is, which columns fit, how
 * far the view may scroll, and the wrapped lines of the one-record detail
 * view.  tui/previewpane.c draws what this computes; tests/tui/test_pvlayout.c
 * checks it without a terminal.
 *
 * Widths are screen cells (widgets/uwidth), never bytes.  Every returned
 * string is malloc'd and owned by the caller unless said otherwise. */
#ifndef WEIR_PVLAYOUT_H
#define WEIR_PVLAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "pvtable.h"

enum {
    PVL_MAX_COL_WIDTH = 30, /* a column never takes more; longer values end in … */
    PVL_MIN_COL_WIDTH = 1,
    PVL_SCAN_ROWS = 10000, /* column widths come from the first rows only */
    PVL_SEP_WIDTH = 3,     /* " │ " between columns */
};

/* How a cell is drawn. */
typedef enum {
    PVL_TEXT,   /* left-aligned */
    PVL_NUMBER, /* right-aligned */
    PVL_NULL,   /* the NULL marker, dim */
} pvl_kind;

/* The NULL marker: distinct from an empty string (which shows nothing) even
 * without colours. */
const char *pvl_null_mark(bool ascii);

/* A cell as one line of text: newlines and tabs become visible marks,
 * other control characters '?'.  *kind (may be NULL) says how to draw it. */
char *pvl_cell_text(const pv_cell *c, pv_type col_type, bool ascii, pvl_kind *kind);

/* s cut or padded to exactly w cells: a cut ends in an ellipsis, a wide
 * character that does not fit becomes a space; right pads on the left. */
char *pvl_fit(const char *s, int w, bool right, bool ascii);

typedef struct pvl_layout {
    size_t n_cols;
    int *width;  /* per column, in cells */
    bool *right; /* numeric column: cells and header right-aligned */
} pvl_layout;

/* Widths from the header (name, type) and the first PVL_SCAN_ROWS rows,
 * each at most max_width cells.  t may be NULL (an empty layout). */
void pvl_layout_build(pvl_layout *l, const pv_table *t, int max_width, bool ascii);
void pvl_layout_free(pvl_layout *l);

/* How many columns from `first` are drawn in `width` cells (a column that
 * only partly fits counts; at least one when first < n_cols). */
size_t pvl_visible_cols(const pvl_layout *l, size_t first, int width);

/* The largest first column worth scrolling to: the one from which the
 * remaining columns all fit (or the last column when none do). */
size_t pvl_max_first_col(const pvl_layout *l, int width);

/* Vertical scrolling: a cursor row and the top row of a page of `page`
 * rows, kept inside [0, n_rows) and the cursor on the page. */
typedef struct pvl_scroll {
    size_t row, top, col;
} pvl_scroll;

void pvl_scroll_clamp(pvl_scroll *s, size_t n_rows, int page);
/* Move the cursor by delta rows (clamped). */
void pvl_scroll_rows(pvl_scroll *s, long delta, size_t n_rows, int page);
/* Move the first visible column by delta (clamped to pvl_max_first_col). */
void pvl_scroll_cols(pvl_scroll *s, long delta, const pvl_layout *l, int width);

/* One line of the detail view.  name_cells: leading cells that are the
 * field's name and type (drawn in a heading style); null: the value is the
 * NULL marker. */
typedef struct pvl_line {
    char *text;
    int name_cells;
    bool null;
} pvl_line;

/* Row `row` as "name (type): value" per field, values in full and wrapped
 * to width cells (continuation lines indented).  Returns the line count;
 * free with pvl_lines_free. */
size_t pvl_detail(const pv_table *t, size_t row, int width, bool ascii, pvl_line **out);
void pvl_lines_free(pvl_line *lines, size_t n);

/* Text wrapped to width cells, breaking at newlines and, inside a long
 * line, at the last space that fits (or anywhere in a long word).  Lines
 * after the first start with `indent` spaces. Returns the count. */
size_t pvl_wrap(const char *s, int width, int indent, char ***out);

/* 1234567 -> "1,234,567". */
void pvl_count(unsigned long long n, char *buf, size_t size);
/* Milliseconds as "<1 ms", "4 ms", "1.2 s". */
void pvl_duration(double ms, char *buf, size_t size);

#endif
