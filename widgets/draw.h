/* draw: drawing primitives shared by every widget and view — text cut to a
 * width in cells, code points, fills and frames, with an ASCII fallback for
 * terminals or locales that cannot show box-drawing characters. */
#ifndef WEIR_DRAW_H
#define WEIR_DRAW_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "style.h"

void draw_set_ascii(bool ascii);
bool draw_ascii(void);

/* One code point at (y, x) in style s (a wide one takes two cells). */
void draw_cp(WINDOW *w, int y, int x, uint32_t cp, style_id s);

/* Text at (y, x), at most max cells; returns the cells drawn. */
int draw_text(WINDOW *w, int y, int x, const char *text, int max, style_id s);

/* Like draw_text, then spaces up to exactly `width` cells. */
void draw_text_pad(WINDOW *w, int y, int x, const char *text, int width, style_id s);

/* Printf into a cut, padded field. */
void draw_printf(WINDOW *w, int y, int x, int width, style_id s, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void draw_fill(WINDOW *w, int y, int x, int h, int width, style_id s);

/* A frame with an optional title in its top border; the inside is cleared. */
void draw_frame(WINDOW *w, int y, int x, int h, int width, const char *title, style_id border);

#endif
