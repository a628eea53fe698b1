/* previewpane: the preview pane — the selected node's output as a table at
 * the bottom of the canvas (`p`), run by the preview engine on its worker
 * thread and polled from the main loop, so keys are never held up.
 *
 * The pane follows the selection and reruns after every model edit (the
 * doc's change counter), after a save and after previewpane_invalidate();
 * the engine's cache makes unaffected nodes free.  The layout of the table
 * is curses-free in tui/pvlayout.c.
 *
 * One pane per process (the app is a singleton): state lives in
 * previewpane.c.  Pointers returned here are owned by the pane. */
#ifndef WEIR_PREVIEWPANE_H
#define WEIR_PREVIEWPANE_H

#include <stdbool.h>

#include "app.h"
#include "pvtable.h"

/* p on the canvas: open the pane on the selected node, or close it. */
int previewpane_toggle(app *a);
/* Give the keys to the pane (opening it when closed): a->cmode becomes
 * MODE_PREVIEW until Esc. */
int previewpane_focus(app *a);
/* An action of MODE_PREVIEW (the pane has the keys). */
int previewpane_key(app *a, action act);
/* The mouse over the pane: the wheel scrolls rows, a click focuses it and
 * picks the row.  0 when the event is not the pane's. */
int previewpane_mouse(app *a, const MEVENT *ev);
/* Stop a running preview (Esc on the canvas, C-c in the pane). */
int previewpane_cancel(app *a);

/* The main loop calls this after every event and whenever it is idle: it
 * follows the selection and the model, polls the running job and keeps the
 * pane's height right for the terminal.  True when the screen should be
 * drawn again. */
bool previewpane_tick(app *a);
/* A preview is running: the main loop then waits for keys only briefly. */
bool previewpane_busy(void);
/* Draw the pane into its rows (a->preview_h rows above the hints line). */
void previewpane_draw(app *a);

/* A code or sample file changed on disk (the editor saved it): set the
 * model again and rerun the shown node at the next tick. */
void previewpane_invalidate(app *a);

/* The output schema of node id from the last preview that reached it, or
 * NULL when unknown.  Valid until the next previewpane_tick. */
const pv_schema *previewpane_schema(app *a, const char *id);

/* Stop the worker and free everything (at exit). */
void previewpane_free(app *a);

#endif
