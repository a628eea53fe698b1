/* journal: unsaved edits, kept in DIR/.weir/journal so that a dropped SSH
 * connection or a kill loses at most the last second of work.
 *
 * The journal holds the canonical pipeline.yaml and layout.yaml text of the
 * unsaved model (what a save would write) and the code-file origins, each
 * as a length-prefixed part, written atomically.  DIR/.weir/.gitignore
 * ("*") keeps it out of git.  No curses. */
#ifndef WEIR_JOURNAL_H
#define WEIR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"
#include "model.h"
#include "util.h"

#define JOURNAL_DIR ".weir"
#define JOURNAL_FILE "journal"

/* Write the journal for p.  Returns false with err on failure. */
bool journal_write(const pipeline *p, const code_origins *o, char *err, size_t err_size);

bool journal_exists(const char *dir);
void journal_remove(const char *dir);

/* Read the journal of dir into *p and *o (initialised here).  False with err
 * when it is missing or unreadable (a damaged journal is never half-used). */
bool journal_read(const char *dir, pipeline *p, code_origins *o, char *err, size_t err_size);

/* What recovering would change relative to the files on disk (`disk` may be
 * an empty pipeline when there are none): one line per node added,
 * removed, rewired, changed or moved. */
void journal_describe(const pipeline *disk, const pipeline *rec, strbuf *out);

#endif
