/* uwidth: every UTF-8 width computation weir does, in one place (utf8proc).
 *
 * Strings are bytes; the screen is cells.  Callers ask here how many cells a
 * string takes, where to cut it to fit, and how to step over one character;
 * nothing else in weir mixes the two.  No curses here, so curses-free code
 * (the canvas model, tests) can measure text too.  Invalid UTF-8 bytes count
 * as one cell each (they are shown as '?'). */
#ifndef WEIR_UWIDTH_H
#define WEIR_UWIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one character at s (len bytes available).  Returns the bytes used
 * (>= 1 when len > 0); *cp gets the code point, or 0xFFFD for a bad byte. */
size_t uw_decode(const char *s, size_t len, int32_t *cp);

/* Cells one code point takes: 0 (combining), 1 or 2.  Controls count 1 (they
 * are drawn as '?'). */
int uw_cp_width(int32_t cp);

/* Cells the whole NUL-terminated string takes. */
int uw_width(const char *s);

/* Bytes of s that fit in max_cells cells without splitting a character;
 * *cells gets the cells they take (may be NULL). */
size_t uw_fit(const char *s, int max_cells, int *cells);

/* A copy of s cut to max_cells cells, ending in an ellipsis when cut
 * ("…" or "~" when ascii).  Caller frees. */
char *uw_truncate(const char *s, int max_cells, bool ascii);

/* Byte offset of the character before / after offset i in s. */
size_t uw_prev(const char *s, size_t i);
size_t uw_next(const char *s, size_t i);

/* True when the locale's character set is UTF-8. */
bool uw_locale_is_utf8(void);

#endif
