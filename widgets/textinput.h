/* textinput: a one-line text field (UTF-8, edited by characters, shown
 * scrolled so the cursor stays visible).  The caller owns the struct; the
 * text is a fixed buffer, so fields have an explicit limit. */
#ifndef WEIR_TEXTINPUT_H
#define WEIR_TEXTINPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "style.h"

enum { TEXTINPUT_MAX = 1024 };

typedef struct textinput {
    char buf[TEXTINPUT_MAX];
    size_t len, cur; /* bytes */
} textinput;

typedef enum { TI_IGNORED, TI_MOVED, TI_CHANGED } ti_result;

void textinput_set(textinput *t, const char *text);

/* Line-editing keys and printable characters; Enter and Esc are the
 * caller's.  Returns what happened. */
ti_result textinput_key(textinput *t, int key);

/* Draw in `width` cells; returns the screen column of the cursor. */
int textinput_draw(WINDOW *w, const textinput *t, int y, int x, int width, style_id s);

#endif
