/* editpane: the SQL / Lua editor pane at the right of the canvas (issue 4).
 *
 * Hosts the editor widget (widgets/editor) for one transform at a time:
 * opens the node's file (or the starter body of a new one), saves it with
 * fs_write_atomic inside the pipeline folder, validates the buffer while
 * typing (debounced: SQL prepared against the inputs' schemas through the
 * preview engine, Lua compiled in a bare state), feeds completion with the
 * inputs' columns, hands the file to $VISUAL/$EDITOR, and keeps a SQL
 * node's inputs in step with the tables its query reads.
 *
 * The pane is not a view on the app's stack: it shares the screen with the
 * canvas and takes keys only while it has focus.  Overlays (questions,
 * help) go on the stack above it as usual.  One pane per process; its
 * state is private to editpane.c. */
#ifndef WEIR_EDITPANE_H
#define WEIR_EDITPANE_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

typedef struct app app;

/* Open node (a SQL or Lua transform) in the pane and focus it.  Asks first
 * when another node's buffer has unsaved changes.  Returns EV_* flags. */
int editpane_open(app *a, size_t node);
bool editpane_is_open(void);
bool editpane_focused(void);
bool editpane_dirty(void);

/* A key while the pane has focus (input_get's encoding).  EV_* flags. */
int editpane_key(app *a, int key);
/* A mouse event; true when it was the pane's (then *flags is set). */
bool editpane_mouse(app *a, const MEVENT *ev, int *flags);
/* Nothing came within editpane_timeout(): finish a pending escape
 * sequence, run a due validation.  EV_* flags (0: nothing to redraw). */
int editpane_idle(app *a);
/* How long the main loop may wait for a key, in ms. */
int editpane_timeout(void);

int editpane_toggle_full(app *a);
int editpane_close(app *a); /* asks when unsaved */

/* Columns the pane takes from the canvas at the right (0 when closed). */
int editpane_width(const app *a);
/* Draw the pane (after the canvas, before overlays) and, last, place the
 * terminal cursor. */
void editpane_draw(app *a);
void editpane_place_cursor(app *a);

/* Save the buffer if it has unsaved changes (the canvas's save does too).
 * False when the write failed (a message says why). */
bool editpane_save_if_dirty(app *a);
/* Quitting with an unsaved buffer: one question covering the buffer and
 * the pipeline.  EV_* flags. */
int editpane_quit(app *a);

/* At exit: journal an unsaved buffer (a signal stopped weir), bracketed
 * paste off, free everything. */
void editpane_shutdown(app *a);

#endif
