/* input: one key from the terminal as a single int.  Characters are their
 * code point; function keys (KEY_LEFT, KEY_RESIZE, KEY_MOUSE, ...) are
 * KF(KEY_...) so they can never be mistaken for a character whose code
 * point happens to equal a curses key code. */
#ifndef WEIR_INPUT_H
#define WEIR_INPUT_H

#include <curses.h>

enum { KEY_FN = 0x1000000, KEY_NONE = -1 };
#define KF(k) ((int)(k) | KEY_FN)
#define CTRL(c) ((c)&0x1f)

/* Waits as the window's timeout says; KEY_NONE when nothing came. */
int input_get(WINDOW *w);

#endif
