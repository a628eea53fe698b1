/* vcsui: git in the canvas (issue 6) — the status bar's branch and dirty
 * marker (vcsstatus.c), the commit dialog (commitdlg.c) and the history
 * view with its graph diff, restore and undo of a restore (history.c).
 *
 * Everything goes through the vcs/ library; a repository is opened for
 * each operation and closed after, so git commands run beside weir are
 * always seen.  The views own their state; nothing here is returned to
 * be freed by the caller. */
#ifndef WEIR_VCSUI_H
#define WEIR_VCSUI_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

/* The status bar's git part: "main●", "main (no commits yet)",
 * "detached abc1234", "no git repository", with " merge" etc. when an
 * operation is in progress.  Recomputed only after a save (the doc's saved
 * mark moves), after vcsui_status_invalidate, or when 3 s have passed. */
void vcsui_status_text(app *a, char *buf, size_t size);
void vcsui_status_invalidate(void);

/* g: the commit dialog (asks first when there is no repository, when the
 * canvas has unsaved edits, or when HEAD is detached). */
int commitdlg_open(app *a);

/* G: the history view. */
int history_open(app *a);

/* u / U on the canvas: when the edit on top of the undo (redo) stack is a
 * restore, put the files back as they were (restore again) and return the
 * EV_* flags; 0 otherwise (the ordinary undo runs). */
int history_undo_hook(app *a, bool redo);

/* Push v below the top view: a question's answer callback returns
 * EV_CLOSE, which then pops the question and leaves v on screen. */
void vcsui_push_below_top(app *a, view *v);
/* Destroy the view just below the top one (a dialog under its question). */
void vcsui_drop_below_top(app *a);

#endif
