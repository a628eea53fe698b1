/* utf8w: every UTF-8 width and boundary computation the editor needs, in one
 * place, so bytes and screen cells are never mixed elsewhere.
 *
 * Units: a "col" is a byte offset into a line; an "x" is a screen cell
 * column (tabs expand to the next multiple of tab_width).  A "unit" is a
 * grapheme cluster (a base character and its combining marks); an invalid
 * byte is a unit of its own, shown as one cell.  No allocation. */
#ifndef WEIR_UTF8W_H
#define WEIR_UTF8W_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at s[i]; returns its byte length (>= 1).  An invalid
 * or truncated sequence decodes as one byte with *cp = -1. */
size_t utf8w_decode(const char *s, size_t len, size_t i, int32_t *cp);

/* Byte offset of the next / previous grapheme boundary (clamped to 0..len). */
size_t utf8w_next(const char *s, size_t len, size_t i);
size_t utf8w_prev(const char *s, size_t len, size_t i);

/* Snap i back to the start of the grapheme that contains it. */
size_t utf8w_snap(const char *s, size_t len, size_t i);

/* Cells taken by the unit starting at byte i when it starts at screen x
 * (tabs depend on x).  Control characters and invalid bytes take 1. */
int utf8w_unit_width(const char *s, size_t len, size_t i, int x, int tab_width);

/* Screen x of byte offset col (col is snapped to a unit boundary). */
int utf8w_col_to_x(const char *s, size_t len, size_t col, int tab_width);

/* Byte offset of the unit that covers screen x; x past the end gives len. */
size_t utf8w_x_to_col(const char *s, size_t len, int x, int tab_width);

/* Word characters for word motions and undo grouping: letters, digits, '_'
 * and any non-ASCII code point that utf8proc calls a letter or digit. */
bool utf8w_is_word(int32_t cp);

/* True when [s, s+n) is valid UTF-8. */
bool utf8w_valid(const char *s, size_t n);

#endif
