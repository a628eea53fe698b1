/* doc: the pipeline being edited — model, code-file origins, validation
 * results, undo history and the saved / journalled marks.  No curses.
 *
 * Every edit goes doc_begin (snapshot for undo) -> change the model ->
 * doc_commit (validate, mark unsaved) or doc_abort (nothing changed). */
#ifndef WEIR_DOC_H
#define WEIR_DOC_H

#include <stdbool.h>

#include "diag.h"
#include "diskmark.h"
#include "edit.h"
#include "model.h"
#include "route.h"
#include "undo.h"

typedef struct doc {
    pipeline p;
    code_origins origins;
    diag_list load_diags; /* from reading the files; kept until the next save */
    diag_list diags;      /* load_diags + validation, sorted */
    badge *badges;        /* per node */
    undo_stack undo;
    unsigned long change, saved_change, journal_change;
    bool exists; /* pipeline.yaml is on disk */
    /* pipeline.yaml and layout.yaml as weir last read or wrote them */
    disk_mark pipe_mark, layout_mark;
} doc;

/* Load DIR.  False when there is no readable pipeline.yaml (then the doc is
 * empty and *err says why). */
bool doc_load(doc *d, const char *dir, char *err, size_t err_size);

/* A new, empty pipeline for DIR (not yet saved). */
void doc_new(doc *d, const char *dir, const char *name);

void doc_free(doc *d);

void doc_begin(doc *d, const char *selected, const char *label);
void doc_commit(doc *d);
void doc_abort(doc *d);

/* Undo / redo; *selected is replaced with the selection of that moment. */
bool doc_undo(doc *d, char **selected, const char **label);
bool doc_redo(doc *d, char **selected, const char **label);

void doc_validate(doc *d);
bool doc_dirty(const doc *d);

/* Write code files, pipeline.yaml and layout.yaml; removes the journal.
 * False with diagnostics in out. */
bool doc_save(doc *d, diag_list *out);

/* Before a save: true when pipeline.yaml or layout.yaml changed on disk
 * since weir read or last wrote them; *which names the first one. */
bool doc_disk_changed(const doc *d, const char **which);

/* Read the folder again, dropping the unsaved edits (one undo step brings
 * them back, unsaved).  False with *err when it cannot be read; then the
 * doc is unchanged.  selected: the selection to remember for undo. */
bool doc_reload(doc *d, const char *selected, char *err, size_t err_size);

/* Number of errors / warnings, and the worst badge of node i. */
size_t doc_errors(const doc *d);
size_t doc_warnings(const doc *d);

#endif
