/* undo: unbounded undo and redo for one editing session, by snapshots.
 *
 * Before each edit the caller pushes a snapshot of the document (a deep copy
 * of the pipeline and its code-file origins, with the selection and a label
 * such as "delete enrich").  Undo swaps the current state with the top
 * snapshot, so redo needs no separate bookkeeping.  A snapshot of a
 * 500-node pipeline is a few hundred kilobytes; a session's worth fits
 * easily.  The stack owns its snapshots. */
#ifndef WEIR_UNDO_H
#define WEIR_UNDO_H

#include <stdbool.h>

#include "edit.h"
#include "model.h"

typedef struct snapshot {
    pipeline p;
    code_origins origins;
    char *selected; /* node id or NULL */
    char *label;
} snapshot;

typedef struct undo_stack {
    snapshot *undo, *redo;
    size_t n_undo, n_redo, cap_undo, cap_redo;
    /* the marked (saved) position: the state with mark undo snapshots
     * below it; has_mark goes when a push clears the redo stack past it */
    size_t mark;
    unsigned long mark_token;
    bool has_mark;
} undo_stack;

void undo_init(undo_stack *u);
void undo_free(undo_stack *u);

/* Record the state before an edit; clears the redo stack. */
void undo_push(undo_stack *u, const pipeline *p, const code_origins *o, const char *selected,
               const char *label);

/* Mark the current position (the saved state), with a token the caller
 * checks against (its save counter), and ask whether the current position
 * is the marked one under that token. */
void undo_mark(undo_stack *u, unsigned long token);
bool undo_at_mark(const undo_stack *u, unsigned long token);

/* Drop the last pushed snapshot (an edit that turned out to change nothing). */
void undo_drop(undo_stack *u);

/* Restore the previous (undo) or next (redo) state into *p, *o and
 * *selected (freed and replaced).  *label gets the edit's label (owned by
 * the stack).  False when there is nothing to undo / redo. */
bool undo_undo(undo_stack *u, pipeline *p, code_origins *o, char **selected, const char **label);
bool undo_redo(undo_stack *u, pipeline *p, code_origins *o, char **selected, const char **label);

#endif
